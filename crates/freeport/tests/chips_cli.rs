//! `freeport chips classify|screen` end to end: exit codes and snapshots of what people and
//! programs read.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn freeport(args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const FIXTURES: &str = "crates/freeport-chips/tests/fixtures";
const CSL: &str = "crates/freeport-chips/tests/data/csl-synthetic.csv";

/// The pack hash changes with every edit of the pack; snapshots keep its shape.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![(r"sha256:[0-9a-f]{64}", "sha256:[hash]")]
}

#[test]
fn classify_table_for_the_reference_parts() {
    for (part, args) in [
        ("a100-sxm", vec!["--as-of", "2024-06-01"]),
        (
            "h20",
            vec![
                "--as-of",
                "2025-06-01",
                "--destination",
                "cn",
                "--end-user-hq",
                "cn",
            ],
        ),
        ("rtx-4090d", vec!["--as-of", "2024-06-01"]),
        (
            "h200-sxm",
            vec!["--as-of", "2026-02-01", "--destination", "cn"],
        ),
    ] {
        let spec = format!("{FIXTURES}/{part}.toml");
        let mut all = vec!["chips", "classify", spec.as_str()];
        all.extend(args);
        let (code, stdout, stderr) = freeport(&all);
        assert_eq!(code, 0, "{stderr}");
        insta::with_settings!({ filters => filters(), snapshot_suffix => part }, {
            insta::assert_snapshot!(stdout);
        });
    }
}

#[test]
fn classify_json_is_stable() {
    let spec = format!("{FIXTURES}/h100-sxm.toml");
    let args = [
        "chips",
        "classify",
        spec.as_str(),
        "--as-of",
        "2026-02-01",
        "--destination",
        "cn",
        "--end-user-hq",
        "cn",
        "--format",
        "json",
    ];
    let (code, first, stderr) = freeport(&args);
    assert_eq!(code, 0, "{stderr}");
    let (_, second, _) = freeport(&args);
    assert_eq!(first, second, "same inputs, byte-identical JSON");
    let value: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(value["eccn"], "3A090.a");
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!(first);
    });
}

#[test]
fn classify_bad_input_names_the_field_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.toml");
    std::fs::write(&spec, "name = \"x\"\ndatacenter = true\n[dense_rates]\nfp16 = -1\n[[logic_dies]]\narea_mm2 = 0\nnon_planar = true\n").unwrap();
    let (code, stdout, stderr) = freeport(&[
        "chips",
        "classify",
        spec.to_str().unwrap(),
        "--as-of",
        "2024-06-01",
    ]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    insta::with_settings!({ filters => vec![(r"[^ `\n]*bad\.toml", "[dir]/bad.toml")] }, {
        insta::assert_snapshot!(stderr);
    });
    let a100 = format!("{FIXTURES}/a100-sxm.toml");
    let (code, _, stderr) = freeport(&["chips", "classify", &a100, "--as-of", "2020-01-01"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no rule of the chips pack is in force on 2020-01-01"),
        "{stderr}"
    );
}

#[test]
fn screen_table_and_exit_codes() {
    let (code, stdout, stderr) = freeport(&[
        "chips",
        "screen",
        "天藍量子半導體有限公司",
        "Acme Widgets Inc.",
        "--list",
        CSL,
    ]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!(stdout);
    let (code, _, _) = freeport(&["chips", "screen", "Acme Widgets Inc.", "--list", CSL]);
    assert_eq!(code, 0);
}

#[test]
fn screen_with_a_registry_reports_ownership() {
    let registry = "crates/freeport-chips/tests/data/registry.toml";
    let (code, stdout, stderr) = freeport(&[
        "chips",
        "screen",
        "--list",
        CSL,
        "--registry",
        registry,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["ownership"].as_array().unwrap().len(), 7);
}

#[test]
fn a_malformed_list_names_the_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("csl.csv");
    let text = std::fs::read_to_string(root().join(CSL)).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(5, "broken,line");
    std::fs::write(&list, lines.join("\n")).unwrap();
    let (code, stdout, stderr) =
        freeport(&["chips", "screen", "x", "--list", list.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("line 6: 2 fields where the header has 29"),
        "{stderr}"
    );
}
