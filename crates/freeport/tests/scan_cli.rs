//! `freeport scan` end to end: table and JSON output on the scan fixtures (snapshots), masked
//! examples, and the exit code when some inputs fail.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::PathBuf;

use assert_cmd::Command;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../freeport-scan/tests/fixtures")
}

/// Runs `freeport scan ARGS...` from the fixtures directory, returning exit code and stdout.
fn scan(args: &[&str]) -> (i32, String) {
    let (code, stdout, _) = scan_all(args);
    (code, stdout)
}

const TEXT_FIXTURES: [&str; 3] = [
    "cn_customers_gbk.csv",
    "cn_customers_bom.csv",
    "us_patients.jsonl",
];

#[test]
fn table_output() {
    let mut args = TEXT_FIXTURES.to_vec();
    args.extend(["--threads", "2"]);
    let (code, stdout) = scan(&args);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}

#[test]
fn table_output_with_masked_examples() {
    let (code, stdout) = scan(&["cn_customers_gbk.csv", "--show-examples"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("13917421809"));
    insta::assert_snapshot!(stdout);
}

#[test]
fn json_output() {
    let mut args = TEXT_FIXTURES.to_vec();
    args.extend(["--format", "json", "--threads", "1"]);
    let (code, stdout) = scan(&args);
    assert_eq!(code, 0);
    // The bytes as written: field order is part of the documented shape.
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["schema"], 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn failed_inputs_exit_2_and_the_rest_are_reported() {
    let (code, stdout) = scan(&["bad", "bad/notes.docx", "nope.csv", "cn_customers_gbk.csv"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(stdout);
}

#[test]
fn unknown_encoding_is_a_usage_error() {
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(fixtures())
        .args(["scan", "cn_customers_gbk.csv", "--encoding", "klingon"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("unknown encoding `klingon`"), "{stderr}");
}

#[test]
fn stdin_is_read_as_csv() {
    let bytes = std::fs::read(fixtures().join("cn_customers_gbk.csv")).unwrap();
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .args(["scan", "-", "--format", "json"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["datasets"][0]["path"], "-");
    assert_eq!(json["datasets"][0]["encoding"], "gb18030");
    assert_eq!(json["datasets"][0]["subjects"]["id.cn.resident_id"], 12);
}

/// Issue 15 #2: a headerless CSV is refused (exit 2) with the way out, and no value of its first
/// row is printed; with `--no-header` it scans, columns named by position.
#[test]
fn a_headerless_csv_is_refused_until_no_header_is_passed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("headerless.csv");
    let mut text = String::new();
    for (i, name) in ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆"]
        .iter()
        .enumerate()
    {
        text.push_str(&format!("{name},1381234567{i}\n"));
    }
    std::fs::write(&path, text).unwrap();
    let path = path.display().to_string();
    for format in ["table", "json"] {
        let (code, stdout) = scan(&[&path, "--format", format]);
        assert_eq!(code, 2);
        for raw in ["王伟", "13812345670"] {
            assert!(!stdout.contains(raw), "{raw} leaked: {stdout}");
        }
        if format == "table" {
            assert!(stdout.contains("--no-header"), "{stdout}");
        }
    }
    let (code, stdout) = scan(&[&path, "--no-header", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["datasets"][0]["columns"][1]["name"], "column_2");
    assert_eq!(
        json["datasets"][0]["columns"][1]["category"],
        "contact.phone"
    );
    let (code, _) = scan(&[&path, "--no-header", "--header-row", "2"]);
    assert_eq!(code, 2, "the two options conflict");
}

#[test]
fn an_empty_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout) = scan(&[&dir.path().display().to_string()]);
    assert_eq!(code, 2);
    assert!(stdout.contains("no file in a format"), "{stdout}");
}

/// Runs `freeport scan ARGS...` with plain diagnostics: exit code, stdout, stderr.
fn scan_full(args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A build without the `lake` feature refuses `--engine datafusion` and says how to get it.
#[cfg(not(feature = "lake"))]
#[test]
fn the_datafusion_engine_needs_the_lake_feature() {
    let (code, stdout, stderr) = scan_full(&["--engine", "datafusion", "devices.parquet"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    insta::assert_snapshot!(stderr);
}

/// `--memory-limit` and `--spill-dir` belong to the DataFusion engine.
#[test]
fn datafusion_options_are_refused_on_the_native_engine() {
    let (code, _, stderr) = scan_full(&["devices.parquet", "--memory-limit", "64"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--memory-limit applies to --engine datafusion only"),
        "{stderr}"
    );
}

/// With the `lake` feature: a directory of Parquet files is one dataset, and the same rows as
/// one file give the same JSON (path aside); a malformed partition exits 2 naming the file.
#[cfg(feature = "lake")]
#[test]
fn a_lake_scans_as_one_dataset_with_the_native_answer() {
    let dir = tempfile::tempdir().unwrap();
    let lake = dir.path().join("lake");
    for part in ["region=a", "region=b"] {
        std::fs::create_dir_all(lake.join(part)).unwrap();
        std::fs::copy(
            fixtures().join("devices.parquet"),
            lake.join(part).join("part-0.parquet"),
        )
        .unwrap();
    }
    let lake_arg = lake.display().to_string();
    let (code, stdout, stderr) = scan_full(&[
        "--engine",
        "datafusion",
        &lake_arg,
        "--format",
        "json",
        "--memory-limit",
        "64",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let datasets = json["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), 1);
    assert_eq!(datasets[0]["path"], lake_arg);
    let (_, single, _) = scan_full(&["devices.parquet", "--format", "json"]);
    let single: serde_json::Value = serde_json::from_str(&single).unwrap();
    assert_eq!(
        datasets[0]["rows"].as_u64().unwrap(),
        2 * single["datasets"][0]["rows"].as_u64().unwrap()
    );

    let bad = lake.join("region=b").join("part-1.parquet");
    std::fs::write(&bad, b"not parquet").unwrap();
    let (code, stdout, _) = scan_full(&["--engine", "datafusion", &lake_arg]);
    assert_eq!(code, 2);
    assert!(stdout.contains("part-1.parquet"), "{stdout}");
    assert!(stdout.contains("cannot read this partition"), "{stdout}");
}

/// Runs `freeport scan ARGS...` from the fixtures directory: exit code, stdout, stderr.
fn scan_all(args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_project_file_beside_the_data_is_shown_in_the_table() {
    let (code, stdout, _) = scan_all(&["../projects/good", "--threads", "1"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("override of `switchboard`"), "{stdout}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn a_project_file_is_shown_in_the_json() {
    let (code, stdout, _) = scan_all(&[
        "../projects/good/members.csv",
        "--project",
        "../projects/good/freeport.toml",
        "--format",
        "json",
        "--threads",
        "1",
    ]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["datasets"][0]["columns"][3]["override"]["becomes"],
        "fin.credit"
    );
    insta::assert_snapshot!(stdout);
}

#[test]
fn an_override_of_an_unknown_column_stops_the_scan_with_nothing_written() {
    let (code, stdout, stderr) = scan_all(&[
        "../projects/good/members.csv",
        "--project",
        "../projects/unknown_column.toml",
    ]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_bad_project_file_stops_the_scan_before_reading() {
    let (code, stdout, stderr) = scan_all(&[
        "cn_customers_gbk.csv",
        "--project",
        "../projects/bad/catastrophic_regex.toml",
    ]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("freeport::project::invalid"), "{stderr}");
}

#[test]
fn a_codebook_describes_columns_the_header_does_not() {
    let plain = scan_all(&["../projects/members.csv", "--format", "json"]);
    let (code, stdout, _) = scan_all(&[
        "../projects/members.csv",
        "--codebook",
        "../projects/codebook.csv",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let tier = |text: &str| {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        json["datasets"][0]["columns"][3].clone()
    };
    assert_eq!(tier(&plain.1)["category"], serde_json::Value::Null);
    let described = tier(&stdout);
    assert_eq!(described["category"], "fin.income");
    assert_eq!(described["evidence"][0]["kind"], "codebook");
}
