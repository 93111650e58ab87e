//! `freeport deid` end to end: exit codes, files written, errors on bad input.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::os::unix::fs::FileTypeExt as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../freeport-deid/tests/fixtures")
}

fn freeport() -> Command {
    Command::cargo_bin("freeport").unwrap()
}

#[test]
fn writes_output_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let report = dir.path().join("report.json");
    freeport()
        .arg("deid")
        .arg(fixtures().join("patients.csv"))
        .arg("--config")
        .arg(fixtures().join("patients.toml"))
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .arg("--format")
        .arg("json")
        .assert()
        .success();
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    for key in [
        "transformation",
        "metric",
        "classes",
        "suppressed_rows",
        "risk",
    ] {
        assert!(r.get(key).is_some(), "{key}");
    }
    assert_eq!(r["metric"]["name"], "loss");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        written.lines().count() as u64,
        1 + 300 - r["suppressed_rows"].as_u64().unwrap()
    );
    // Nothing but the two files was left in the directory (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn bad_config_exits_2_with_the_span() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("deid.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[model]\nk = 5\nsupression-limit = 0.1\n",
    )
    .unwrap();
    let out = dir.path().join("out.csv");
    let assert = freeport()
        .env("NO_COLOR", "1")
        .arg("deid")
        .arg(fixtures().join("patients.csv"))
        .arg("--config")
        .arg(&cfg)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("unknown field `supression-limit`"),
        "{stderr}"
    );
    assert!(stderr.contains("deid.toml:4"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn k_larger_than_rows_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixtures().join("patients.toml"))
        .unwrap()
        .replace("k = 5", "k = 1000");
    let cfg = dir.path().join("deid.toml");
    std::fs::write(&cfg, text).unwrap();
    for f in ["gender.csv", "diagnosis.csv", "zip3-population.csv"] {
        std::fs::copy(fixtures().join(f), dir.path().join(f)).unwrap();
    }
    let assert = freeport()
        .env("NO_COLOR", "1")
        .arg("deid")
        .arg(fixtures().join("patients.csv"))
        .arg("--config")
        .arg(&cfg)
        .arg("-o")
        .arg(dir.path().join("out.csv"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("k = 1000 is larger than the number of rows (300)"),
        "{stderr}"
    );
}

#[test]
fn plan_drafts_a_configuration_from_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.json");
    std::fs::write(
        &scan,
        r#"{"datasets":[{"path":"p.csv","rows":3,"columns":[{"name":"name","category":"person.name"},{"name":"age","category":"person.age"}]}]}"#,
    )
    .unwrap();
    let assert = freeport()
        .arg("deid")
        .arg("plan")
        .arg(&scan)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        text.contains("[columns.\"name\"]\nrole = \"identifier\""),
        "{text}"
    );
    assert!(text.contains("top-code = 90"), "{text}");
    // The same draft as JSON.
    let assert = freeport()
        .args(["deid", "plan"])
        .arg(&scan)
        .args(["--format", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(json["columns"]["name"]["role"], "identifier", "{json}");
    assert_eq!(
        json["columns"]["age"]["hierarchy"]["interval"]["top-code"], 90,
        "{json}"
    );
}

#[test]
fn missing_config_is_a_usage_error() {
    freeport()
        .arg("deid")
        .arg(fixtures().join("patients.csv"))
        .assert()
        .code(2);
}

/// A workbook in, Parquet out, with the table summary a person reads (timings and node counts
/// masked: they vary with load and threads).
#[test]
fn xlsx_in_parquet_out_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("people.parquet");
    let assert = freeport()
        .current_dir(fixtures().join("formats"))
        .args([
            "deid",
            "people.xlsx",
            "--sheet",
            "people",
            "--config",
            "people.toml",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    insta::with_settings!({filters => vec![
        (r"\d+ checks, search [\d.]+ ms, total [\d.]+ ms", "[N] checks, search [T] ms, total [T] ms"),
        // The cell's padding follows the width of the timings it replaced.
        (r"total \[T\] ms +│", "total [T] ms │"),
    ]}, {
        insta::assert_snapshot!("deid_xlsx_to_parquet", stdout);
    });
    // The Parquet output reads back as the same rows as the CSV golden file.
    let back = dir.path().join("back.csv");
    freeport()
        .current_dir(fixtures().join("formats"))
        .args(["deid"])
        .arg(&out)
        .args(["--config", "passthrough.toml", "-o"])
        .arg(&back)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&back).unwrap(),
        std::fs::read_to_string(fixtures().join("formats/people.expected.csv")).unwrap()
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn zip3_without_population_table_exits_2_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let assert = freeport()
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .current_dir(fixtures())
        .args([
            "deid",
            "patients.csv",
            "--config",
            "bad/zip3-without-population.toml",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    insta::assert_snapshot!("deid_zip3_without_population", stderr);
    assert!(!out.exists());
}

/// `-o -` writes the dataset to standard output (CSV, the summary on standard error); an
/// existing output is refused without `--force` and kept as it was; a special file is written
/// to, never replaced.
#[test]
fn dash_is_standard_output_and_existing_files_need_force() {
    let dir = tempfile::tempdir().unwrap();
    let run = |output: &Path, extra: &[&str]| {
        freeport()
            .arg("deid")
            .arg(fixtures().join("patients.csv"))
            .arg("--config")
            .arg(fixtures().join("patients.toml"))
            .arg("-o")
            .arg(output)
            .args(extra)
            .output()
            .unwrap()
    };
    let piped = run(Path::new("-"), &[]);
    assert_eq!(piped.status.code(), Some(0));
    let csv = String::from_utf8(piped.stdout).unwrap();
    let stderr = String::from_utf8(piped.stderr).unwrap();
    assert!(csv.lines().count() > 100, "{csv}");
    assert!(!csv.contains('┌'), "the summary is not in the data: {csv}");
    assert!(stderr.contains("transformation"), "{stderr}");
    let file = dir.path().join("out.csv");
    assert_eq!(run(&file, &[]).status.code(), Some(0));
    let first = std::fs::read_to_string(&file).unwrap();
    assert_eq!(first, csv, "the same dataset either way");
    std::fs::write(&file, "kept").unwrap();
    let refused = run(&file, &[]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(
        stderr.contains("exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept");
    assert_eq!(run(&file, &["--force"]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), csv);
    // /dev/null is a character device: written to, still there afterwards.
    let special = run(Path::new("/dev/null"), &[]);
    assert_eq!(special.status.code(), Some(0), "{special:?}");
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

/// A build without the `lake` feature refuses `--engine datafusion` and says how to get it.
#[cfg(not(feature = "lake"))]
#[test]
fn the_datafusion_engine_needs_the_lake_feature() {
    let dir = tempfile::tempdir().unwrap();
    let out = freeport()
        .arg("deid")
        .arg("--engine")
        .arg("datafusion")
        .arg(dir.path())
        .arg("--config")
        .arg(fixtures().join("patients.toml"))
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("freeport::scan::without_lake"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}

/// With the `lake` feature: the patients split into three CSV partitions are de-identified
/// into partitioned Parquet with the native run's node and counts on the same rows as one
/// file; a malformed partition exits 2 naming the file.
#[cfg(feature = "lake")]
#[test]
fn a_lake_is_de_identified_with_the_native_answer() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixtures().join("patients.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let lake = dir.path().join("lake");
    let mut whole = format!("{header},batch\n");
    for batch in 0..3 {
        let part: Vec<&str> = rows.iter().skip(batch).step_by(3).copied().collect();
        let path = lake.join(format!("batch={batch}"));
        std::fs::create_dir_all(&path).unwrap();
        std::fs::write(
            path.join("part.csv"),
            format!("{header}\n{}\n", part.join("\n")),
        )
        .unwrap();
    }
    // The lake's path order: partition by partition.
    for batch in 0..3 {
        for row in rows.iter().skip(batch).step_by(3) {
            whole.push_str(&format!("{row},{batch}\n"));
        }
    }
    std::fs::write(dir.path().join("whole.csv"), whole).unwrap();
    let config = std::fs::read_to_string(fixtures().join("patients.toml"))
        .unwrap()
        .replacen(
            "version = 1\n",
            "version = 1\nunlisted = \"insensitive\"\n",
            1,
        );
    std::fs::write(dir.path().join("deid.toml"), config).unwrap();
    for table in ["zip3-population.csv", "gender.csv", "diagnosis.csv"] {
        std::fs::copy(fixtures().join(table), dir.path().join(table)).unwrap();
    }
    let run = |args: &[&std::ffi::OsStr]| -> serde_json::Value {
        let out = freeport()
            .arg("deid")
            .args(args)
            .arg("--config")
            .arg(dir.path().join("deid.toml"))
            .arg("--format")
            .arg("json")
            .assert()
            .success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    let native = run(&[
        dir.path().join("whole.csv").as_os_str(),
        "-o".as_ref(),
        dir.path().join("whole.parquet").as_os_str(),
    ]);
    let lake_out = dir.path().join("out");
    let lake_run = run(&[
        "--engine".as_ref(),
        "datafusion".as_ref(),
        lake.as_os_str(),
        "-o".as_ref(),
        lake_out.as_os_str(),
        "--memory-limit".as_ref(),
        "64".as_ref(),
    ]);
    for key in [
        "transformation",
        "metric",
        "classes",
        "suppressed_rows",
        "output_rows",
        "classification",
    ] {
        assert_eq!(lake_run[key], native[key], "{key}");
    }
    assert!(
        lake_out
            .join("batch=0")
            .join("part-00000.parquet")
            .is_file()
    );

    // A malformed partition: exit 2, the file named, nothing written.
    let bad = lake.join("batch=1").join("part.csv");
    std::fs::write(&bad, format!("{header}\n\"unterminated,1\n")).unwrap();
    let out = freeport()
        .arg("deid")
        .arg("--engine")
        .arg("datafusion")
        .arg(&lake)
        .arg("--config")
        .arg(dir.path().join("deid.toml"))
        .arg("-o")
        .arg(dir.path().join("again"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("part.csv"), "{stderr}");
    assert!(!dir.path().join("again").exists());
}
