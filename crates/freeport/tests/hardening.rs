//! Bad values refused where they enter, each with a named error (issue 15 items 7, 9 and 10):
//! transfer ids, `--threads`, de-identification configurations and scan results.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `freeport ARGS` from the repository root with the home `home`; returns (exit code,
/// stdout, stderr with miette's frame and line wrapping undone).
fn freeport_in(home: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", home)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr)
        .split_whitespace()
        .filter(|w| !matches!(*w, "│" | "×"))
        .collect::<Vec<_>>()
        .join(" ");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    )
}

fn freeport(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    freeport_in(home.path(), args)
}

const EXEMPT: &str = "examples/transfers/cross-border-ecommerce.toml";

#[test]
fn bad_transfer_ids_are_refused_before_anything_is_recorded() {
    let long = "a".repeat(100_000);
    let cases: [(&str, &str); 6] = [
        (".", "invalid transfer id \".\": it starts with `.`"),
        ("..", "invalid transfer id \"..\": it starts with `.`"),
        (
            "a\nb",
            "invalid transfer id \"a\\nb\": it holds a whitespace or control character `\\n`",
        ),
        ("../x", "it starts with `.`"),
        ("a/b", "it holds a path separator `/`"),
        (&long, "it has 100000 bytes; at most 128 are allowed"),
    ];
    for (id, message) in cases {
        let home = tempfile::tempdir().unwrap();
        let (code, stdout, stderr) =
            freeport_in(home.path(), &["judge", EXEMPT, "--record", "--id", id]);
        assert_eq!(code, 2, "{id:?}: {stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains("`--id`"), "{stderr}");
        assert!(stderr.contains(message), "{id:?}: {stderr}");
        assert!(
            stderr.len() < 1000,
            "the id is cut short: {} bytes",
            stderr.len()
        );
        assert!(
            !home.path().join("freeport.db").exists(),
            "nothing was recorded, not even a store created"
        );
        let (code, _, stderr) = freeport_in(
            home.path(),
            &["assess", "x.csv", "--transfer", EXEMPT, "--id", id],
        );
        assert_eq!(code, 2, "{id:?}: {stderr}");
        assert!(stderr.contains(message), "{id:?}: {stderr}");
    }
    // A good id still records.
    let (code, stdout, stderr) = freeport(&["judge", EXEMPT, "--record", "--id", "orders-2026.q1"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("orders-2026.q1"), "{stdout}");
}

#[test]
fn thousands_of_threads_are_capped_to_the_cores() {
    let fixture = "crates/freeport-scan/tests/fixtures/cn_customers.tsv";
    let (code, one, stderr) = freeport(&["scan", fixture, "--threads", "1", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, many, stderr) =
        freeport(&["scan", fixture, "--threads", "10000", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        if let Some(o) = v.as_object_mut() {
            o.remove("seconds");
        }
        v
    };
    assert_eq!(strip(&one), strip(&many));
    let (code, _, stderr) = freeport(&["scan", fixture, "--threads=-3"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`-3` is not a number of threads"),
        "{stderr}"
    );
}

#[test]
fn a_deid_config_with_an_unknown_category_or_negative_risk_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = root().join("crates/freeport-deid/tests/fixtures/patients.csv");
    for (body, message, at) in [
        (
            "[columns.age]\nrole = \"quasi-identifier\"\ncategory = \"person.agee\"\n",
            "column `age`: unknown category `person.agee`",
            "did you mean `person.age`?",
        ),
        (
            "[assessment]\nmax-risk = -1\n",
            "`assessment.max-risk` must be a share above 0 and at most 1, not -1",
            "max-risk = -1",
        ),
    ] {
        let config = dir.path().join("deid.toml");
        std::fs::write(
            &config,
            format!("version = 1\nunlisted = \"insensitive\"\n{body}"),
        )
        .unwrap();
        let (code, _, stderr) = freeport(&[
            "deid",
            data.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "-o",
            dir.path().join("out.csv").to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("freeport::deid::config"), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
        assert!(stderr.contains(at), "{stderr}");
        assert!(stderr.contains("deid.toml:"), "the file is named: {stderr}");
        assert!(!dir.path().join("out.csv").exists());
    }
}

#[test]
fn deid_plan_on_a_bad_scan_result_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.json");
    std::fs::write(&scan, "{\n  \"datasets\": [\n    {\"path\": 3}\n  ]\n}\n").unwrap();
    let (code, stdout, stderr) = freeport(&["deid", "plan", scan.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains(&format!("`{}` line 3 column 14:", scan.display())),
        "{stderr}"
    );
    assert!(stderr.contains("freeport::deid::scan_result"), "{stderr}");
}
