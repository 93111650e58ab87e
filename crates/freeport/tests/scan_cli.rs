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
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(fixtures())
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (output.status.code().unwrap(), stdout)
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
