//! `freeport history` on a temporary store: the table and JSON people and programs read.

#![expect(
    clippy::unwrap_used,
    reason = "tests; helpers outside `#[test]` functions unwrap too"
)]

use std::path::Path;

use assert_cmd::Command;
use freeport_store::{
    Form, RulePackRef, Store, SubjectHash, SubjectHashes, TransferId, TransferRecord, Unit,
    VolumeEntry,
};
use jiff::civil::{Date, date};

fn people(range: std::ops::Range<u32>) -> SubjectHashes {
    range.map(|n| SubjectHash(u128::from(n) << 96)).collect()
}

#[expect(clippy::too_many_arguments, reason = "one row of test data")]
fn record(
    store: &mut Store,
    id: &str,
    exporter: &str,
    counterparty: &str,
    day: Date,
    route: (&str, &str),
    count: u64,
    hashes: SubjectHashes,
    state: Form,
) {
    store
        .record_transfer(&TransferRecord {
            id: TransferId::from(id),
            exporter: exporter.to_owned(),
            counterparty: counterparty.to_owned(),
            date: day,
            origin: route.0.to_owned(),
            destination: route.1.to_owned(),
            individuals: None,
            volumes: vec![VolumeEntry {
                category: "person.name".to_owned(),
                unit: Unit::Individuals,
                count,
                subject_hashes: hashes,
                state,
                collected_in: None,
            }],
            decision_json: "{}".to_owned(),
            rule_packs: vec![RulePackRef {
                name: "cn".to_owned(),
                version: "2026.1".to_owned(),
                hash: "sha256:0f".to_owned(),
            }],
        })
        .unwrap();
}

fn fill(path: &Path) {
    let mut store = Store::open(path).unwrap();
    let cn_us = ("CN", "US");
    let none = SubjectHashes::new;
    record(
        &mut store,
        "t-2025-12",
        "acme-cn",
        "acme-us",
        date(2025, 12, 31),
        cn_us,
        70_000,
        none(),
        Form::Raw,
    );
    record(
        &mut store,
        "t-2026-01",
        "acme-cn",
        "acme-us",
        date(2026, 1, 15),
        cn_us,
        120,
        people(0..120),
        Form::Raw,
    );
    record(
        &mut store,
        "t-2026-02",
        "other-us",
        "partner-cn",
        date(2026, 2, 1),
        ("US", "CN"),
        500,
        none(),
        Form::Anonymised,
    );
    record(
        &mut store,
        "t-2026-03",
        "acme-cn",
        "acme-us",
        date(2026, 3, 1),
        cn_us,
        150,
        people(100..250),
        Form::Pseudonymised,
    );
    record(
        &mut store,
        "t-2026-04",
        "acme-cn",
        "vendor-us",
        date(2026, 4, 2),
        cn_us,
        1_000_000,
        none(),
        Form::Raw,
    );
    // One transfer confirmed in the transparency log, one still pending.
    store
        .transaction(|tx| tx.queue_log_entry(&TransferId::from("t-2026-01"), b"e1"))
        .unwrap();
    store
        .mark_logged(&TransferId::from("t-2026-01"), 7)
        .unwrap();
    store
        .transaction(|tx| tx.queue_log_entry(&TransferId::from("t-2026-03"), b"e3"))
        .unwrap();
}

fn freeport(store: &Path, args: &[&str]) -> String {
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .env_remove("FREEPORT_HOME")
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn history_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("freeport.db");
    fill(&path);
    insta::assert_snapshot!("history_summary", freeport(&path, &["history"]));
    insta::assert_snapshot!("history_table", freeport(&path, &["history", "--detail"]));
    insta::assert_snapshot!(
        "history_table_acme_us",
        freeport(
            &path,
            &[
                "history",
                "--exporter",
                "acme-cn",
                "--counterparty",
                "acme-us",
                "--detail"
            ]
        )
    );
}

#[test]
fn history_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("freeport.db");
    fill(&path);
    let json = freeport(
        &path,
        &["history", "--exporter", "acme-cn", "--format", "json"],
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let transfers = value["transfers"].as_array().unwrap();
    assert_eq!(transfers.len(), 4);
    // China since 1 January 2026: people 0..250 once each, plus 1,000,000 without hashes.
    assert_eq!(transfers[3]["cn"]["sets"]["pi"], 1_000_250);
    assert_eq!(transfers[3]["cn"]["window"]["from"], "2026-01-01");
    // The US pair (acme-cn, acme-us) on 2026-03-01: 70,000 + people 0..250.
    assert_eq!(
        transfers[2]["us"]["categories"]["person.name"]["count"],
        70_250
    );
    insta::assert_snapshot!("history_json", json);
}

#[test]
fn freeport_home_locates_the_default_store_and_an_empty_store_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .env("FREEPORT_HOME", dir.path())
        .arg("history")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "no recorded transfers\n"
    );
    // Issue 15: a reading command never creates a store (this test asserted the opposite).
    assert!(!dir.path().join("freeport.db").exists());
}

#[test]
fn a_store_from_a_newer_freeport_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("freeport.db");
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO freeport_schema VALUES (99, 'future', 'x', '2030-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    let output = Command::cargo_bin("freeport")
        .unwrap()
        .env("NO_COLOR", "1")
        .arg("--store")
        .arg(&path)
        .arg("history")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("schema version 99"), "{stderr}");
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(output.stdout.is_empty());
}
