//! `freeport deid release` and `freeport deid budget` end to end: the release document (noise
//! redacted), the budget table, a refusal that spends nothing, and exit codes.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;

use assert_cmd::Command;

fn freeport(store: &Path) -> Command {
    let mut command = Command::cargo_bin("freeport").unwrap();
    command
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .arg("--store")
        .arg(store);
    command
}

const RELEASE: &str = r#"
[[query]]
name = "people"
kind = "count"
epsilon = 0.25

[[query]]
name = "by-sex"
kind = "histogram"
column = "sex"
categories = ["F", "M", "X"]
epsilon = 0.25

[[query]]
name = "age-total"
kind = "sum"
column = "age"
bounds = [0, 100]
epsilon = 0.5

[[query]]
name = "age-mean"
kind = "mean"
column = "age"
bounds = [0, 100]
epsilon = 0.5
delta = 1e-6
"#;

fn setup(dir: &Path) {
    let mut csv = String::from("id,age,sex\n");
    for i in 0..120 {
        let sex = if i % 4 == 0 { "F" } else { "M" };
        csv.push_str(&format!("{i},{},{sex}\n", 18 + i % 60));
    }
    std::fs::write(dir.join("people.csv"), csv).unwrap();
    std::fs::write(dir.join("release.toml"), RELEASE).unwrap();
}

/// The document with everything that depends on the noise replaced.
fn redacted(mut document: serde_json::Value) -> String {
    for query in document["queries"].as_array_mut().unwrap() {
        query["answer"] = "[noisy]".into();
        if query["kind"] == "mean" {
            query["accuracy"]["half_width"] = "[noisy]".into();
            query["accuracy"]["interval"] = "[noisy]".into();
        }
    }
    serde_json::to_string_pretty(&document).unwrap()
}

#[test]
fn release_then_budget_then_refusal() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let store = dir.path().join("store.db");
    let out = dir.path().join("release.json");
    let assert = freeport(&store)
        .current_dir(dir.path())
        .args(["deid", "release", "people.csv", "--config", "release.toml"])
        .args([
            "-o",
            "release.json",
            "--budget-epsilon",
            "2",
            "--budget-delta",
            "1e-6",
        ])
        .args(["--format", "json"])
        .assert()
        .success();
    let printed: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(printed, written);
    insta::assert_snapshot!("release_json", redacted(written));

    let assert = freeport(&store)
        .current_dir(dir.path())
        .args(["deid", "budget", "people.csv"])
        .assert()
        .success();
    insta::assert_snapshot!(
        "budget_table",
        String::from_utf8_lossy(&assert.get_output().stdout)
    );

    // A renamed copy is the same dataset: the second release would need 1.5 more of the 0.5 left.
    std::fs::copy(
        dir.path().join("people.csv"),
        dir.path().join("renamed.csv"),
    )
    .unwrap();
    let assert = freeport(&store)
        .current_dir(dir.path())
        .args(["deid", "release", "renamed.csv", "--config", "release.toml"])
        .args(["-o", "again.json"])
        .assert()
        .code(2);
    insta::assert_snapshot!(
        "refused",
        String::from_utf8_lossy(&assert.get_output().stderr)
    );
    assert!(!dir.path().join("again.json").exists());
    let assert = freeport(&store)
        .current_dir(dir.path())
        .args(["deid", "budget", "renamed.csv", "--format", "json"])
        .assert()
        .success();
    let budget: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(budget["budget"]["epsilon_spent"], 1.5);
    assert_eq!(budget["budget"]["spends"], 4);
}

#[test]
fn a_release_without_a_budget_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let store = dir.path().join("store.db");
    let assert = freeport(&store)
        .current_dir(dir.path())
        .args(["deid", "release", "people.csv", "--config", "release.toml"])
        .args(["-o", "out.json"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr);
    assert!(stderr.contains("has no privacy budget"), "{stderr}");
    assert!(stderr.contains("--budget-epsilon"), "{stderr}");
}
