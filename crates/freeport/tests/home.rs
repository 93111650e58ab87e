//! The port's home fails closed (issue 15, item 1): a deleted or emptied store beside its log
//! and keys was silently recreated, cumulative volumes restarted at zero and a transfer that
//! needed a standard contract turned exempt. Now every command that finds such a home refuses,
//! naming what is missing, and creates nothing; only `freeport init` or the first use of an
//! empty home creates one.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A rendered diagnostic as one line: miette wraps long messages at the terminal's width.
fn flat(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .replace(['│', '╰', '─', '▶', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn run(home: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", home)
        .env_remove("FREEPORT_FAULT")
        .args(args)
        .output()
        .unwrap()
}

const DATASET: &str = "examples/assess/hr-cn-subsidiary-us-parent/employees.csv";
const TRANSFER: &str = "examples/assess/hr-cn-subsidiary-us-parent/transfer.toml";

fn assess(home: &Path, out: &Path) -> Output {
    run(
        home,
        &[
            "assess",
            DATASET,
            "--transfer",
            TRANSFER,
            "-o",
            out.to_str().unwrap(),
        ],
    )
}

#[test]
fn init_creates_a_home_once_and_refuses_a_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let first = run(&home, &["init"]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(stdout.contains("Created the port home"), "{stdout}");
    assert!(home.join("freeport.db").exists() && home.join("log/log.json").exists());
    let second = run(&home, &["init"]);
    assert_eq!(second.status.code(), Some(2), "{second:?}");
    let stderr = flat(&second.stderr);
    assert!(stderr.contains("already holds a port home"), "{stderr}");
}

#[test]
fn a_store_deleted_or_emptied_beside_its_log_is_refused_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let first = assess(&home, &dir.path().join("first"));
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let store = home.join("freeport.db");
    for (damage, state) in [("delete", "missing"), ("empty", "empty (0 bytes)")] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(home.join(format!("freeport.db{suffix}")));
        }
        if damage == "empty" {
            std::fs::write(&store, b"").unwrap();
        }
        let again = assess(&home, &dir.path().join(format!("again-{damage}")));
        assert_eq!(again.status.code(), Some(2), "{damage}: {again:?}");
        let stderr = flat(&again.stderr);
        assert!(
            stderr.contains(&format!("is {state}")),
            "{damage}: {stderr}"
        );
        assert!(
            stderr.contains("a log, the log's key"),
            "{damage}: {stderr}"
        );
        // Reading commands refuse too, and nothing was created or changed.
        let judge = run(
            &home,
            &[
                "judge",
                "examples/transfers/hr-cn-subsidiary-to-us-parent.toml",
            ],
        );
        assert_eq!(judge.status.code(), Some(2), "{damage}: {judge:?}");
        let stderr = flat(&judge.stderr);
        assert!(
            stderr.contains(&format!("is {state}")),
            "{damage}: {stderr}"
        );
        match damage {
            "delete" => assert!(!store.exists(), "a command recreated the store"),
            _ => assert_eq!(std::fs::metadata(&store).unwrap().len(), 0),
        }
    }
}

#[test]
fn a_log_key_that_is_not_the_logs_is_refused_before_recording() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let first = assess(&home, &dir.path().join("first"));
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    // Another home's log key in place of this one's.
    let other = dir.path().join("other");
    assert_eq!(run(&other, &["init"]).status.code(), Some(0));
    for ext in ["key", "vkey"] {
        std::fs::copy(
            other.join(format!("keys/log.{ext}")),
            home.join(format!("keys/log.{ext}")),
        )
        .unwrap();
    }
    let state_before = std::fs::read_to_string(home.join("log/state.json")).unwrap();
    let again = assess(&home, &dir.path().join("again"));
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    let stderr = flat(&again.stderr);
    assert!(stderr.contains("is not the key of the log"), "{stderr}");
    assert!(stderr.contains("nothing was recorded"), "{stderr}");
    // Nothing appended.
    assert_eq!(
        std::fs::read_to_string(home.join("log/state.json")).unwrap(),
        state_before
    );
}

/// Issue 15, item 5: a crash between the two witnesses' cosignatures used to leave a
/// checkpoint published without cosignatures, which the quorum trust policy rejects until the
/// next assessment. The checkpoint is now published once, with both; the crash leaves the
/// previous, cosigned one in place.
#[test]
fn a_crash_during_the_witness_round_never_publishes_an_uncosigned_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let first = assess(&home, &dir.path().join("first"));
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let cosigned = |text: &str| {
        ["witness-cn.freeport.local", "witness-us.freeport.local"]
            .iter()
            .all(|w| text.lines().any(|l| l.starts_with(&format!("— {w} "))))
    };
    let before = std::fs::read_to_string(home.join("log/checkpoint")).unwrap();
    assert!(cosigned(&before), "{before}");
    let crashed = Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_HOME", &home)
        .env("FREEPORT_FAULT", "after-witness-cn")
        .args(["assess", DATASET, "--transfer", TRANSFER, "-o"])
        .arg(dir.path().join("crashed"))
        .output()
        .unwrap();
    assert_eq!(
        crashed.status.code(),
        None,
        "killed by a signal: {crashed:?}"
    );
    let after = std::fs::read_to_string(home.join("log/checkpoint")).unwrap();
    assert_eq!(after, before, "a new checkpoint was published mid-round");
    // The next run recovers — finishing the crashed run's package with a checkpoint cosigned
    // by both — and, being the same transfer file and data, records nothing new.
    let next = assess(&home, &dir.path().join("next"));
    assert_eq!(next.status.code(), Some(2), "{next:?}");
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert!(stderr.contains("Nothing new was recorded"), "{stderr}");
    let last = std::fs::read_to_string(home.join("log/checkpoint")).unwrap();
    assert!(cosigned(&last) && last != before, "{last}");
}

/// Reading commands never create a store: `history` and `deid budget` in a fresh home answer
/// "nothing recorded" and leave the home empty.
#[test]
fn reading_commands_leave_a_fresh_home_empty() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let history = run(&home, &["history"]);
    assert_eq!(history.status.code(), Some(0), "{history:?}");
    assert_eq!(
        String::from_utf8(history.stdout).unwrap(),
        "no recorded transfers\n"
    );
    let budget = run(&home, &["deid", "budget", DATASET]);
    assert_eq!(budget.status.code(), Some(0), "{budget:?}");
    assert!(
        String::from_utf8(budget.stdout)
            .unwrap()
            .contains("no privacy budget yet"),
    );
    let judge = run(
        &home,
        &["judge", "examples/transfers/cross-border-ecommerce.toml"],
    );
    assert_eq!(judge.status.code(), Some(0), "{judge:?}");
    assert!(!home.exists(), "a reading command created the home");
}
