//! Issue 15, items 3 and 4, and the crash-test suite: `freeport assess` stopped at each state
//! change of a recording run — an abort at the point, which leaves the files exactly as `kill -9`
//! would — after which store, log, checkpoint cosignatures and package are checked, and the next
//! run recovers: the package of a logged transfer is finished, nothing is logged twice. Also: a
//! full disk stops a run before anything is recorded, a failure after the append names the
//! transfer and its entry, a missing package is reported until resolved, and `log append` with
//! another log's key appends nothing.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

const DATASET: &str = "examples/assess/hr-cn-subsidiary-us-parent/employees.csv";
const TRANSFER: &str = "examples/assess/hr-cn-subsidiary-us-parent/transfer.toml";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn command(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("freeport").unwrap();
    cmd.current_dir(root())
        .env("FREEPORT_HOME", home)
        .env("NO_COLOR", "1")
        .env_remove("FREEPORT_FAULT")
        .env_remove("FREEPORT_SIMULATE_FREE_BYTES")
        .env_remove("FREEPORT_MIN_FREE_BYTES");
    cmd
}

fn run(home: &Path, args: &[&str]) -> Output {
    command(home).args(args).output().unwrap()
}

/// `freeport assess` of the bundled HR transfer into `out` (default id), with `env` set.
fn assess_with(home: &Path, out: &Path, env: &[(&str, &str)], extra: &[&str]) -> Output {
    let mut cmd = command(home);
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.args(["assess", DATASET, "--transfer", TRANSFER, "-o"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn assess(home: &Path, out: &Path) -> Output {
    assess_with(home, out, &[], &[])
}

/// Standard error with miette's line wrapping undone (words joined by single spaces).
fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .split_whitespace()
        .filter(|w| !matches!(*w, "│" | "├─▶" | "╰─▶" | "×"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Transfers in the store (read-only: `history` never creates or migrates).
fn transfers(home: &Path) -> Vec<Value> {
    let output = run(home, &["history", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    json["transfers"].as_array().unwrap().clone()
}

fn log_size(home: &Path) -> u64 {
    let path = home.join("log/state.json");
    if !path.exists() {
        return 0;
    }
    let state: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    state["size"].as_u64().unwrap()
}

/// The published checkpoint verifies under the home's quorum policy (both witnesses), and the
/// log's tiles agree with it.
fn assert_cosigned(home: &Path, when: &str) {
    let policy = home.join("trust-policy.txt");
    let verified = run(
        home,
        &[
            "log",
            "verify",
            home.join("log").to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
        ],
    );
    assert_eq!(verified.status.code(), Some(0), "{when}: {verified:?}");
}

/// Every transfer in the store is logged at a distinct index, covering the log: nothing counted
/// that the log lacks, nothing logged twice.
fn assert_store_matches_log(home: &Path, when: &str) -> Vec<String> {
    let transfers = transfers(home);
    let mut indices: Vec<u64> = transfers
        .iter()
        .map(|t| {
            let log = &t["transfer"]["log"];
            assert_eq!(log["state"], "logged", "{when}: {t}");
            log["index"].as_u64().unwrap()
        })
        .collect();
    indices.sort_unstable();
    let expected: Vec<u64> = (0..log_size(home)).collect();
    assert_eq!(indices, expected, "{when}: store transfers vs log entries");
    transfers
        .iter()
        .map(|t| t["transfer"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The package opens with the home's identity and trust file: the exporter's signature, the
/// receipt and both witnesses' cosignatures verify.
fn assert_opens(home: &Path, package: &Path, into: &Path, when: &str) {
    let opened = run(
        home,
        &[
            "open",
            package.to_str().unwrap(),
            "--identity",
            home.join("keys/age.key").to_str().unwrap(),
            "--trust",
            home.join("trust.toml").to_str().unwrap(),
            "-o",
            into.to_str().unwrap(),
        ],
    );
    assert_eq!(opened.status.code(), Some(0), "{when}: {opened:?}");
    assert!(into.join("employees.csv").exists(), "{when}");
}

fn packages(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".fdp"))
        .collect();
    names.sort();
    names
}

/// The crash-test suite: one recorded transfer, then the same transfer again stopped at each
/// state change in turn. After the stop the published checkpoint is still cosigned by both
/// witnesses, the store counts nothing the log lacks, and no package is half-made; the next run
/// (the same command) finishes what was logged — its package opens with both cosignatures —
/// or, if nothing reached the log, records it afresh; either way nothing is logged twice, and
/// a run after that reports nothing left over.
#[test]
fn assess_stopped_at_every_state_change_recovers_on_the_next_run() {
    assert_eq!(
        freeport_port::pipeline::FAULT_POINTS,
        [
            "after-record",
            "after-append",
            "after-witness-cn",
            "after-witness-us",
            "after-checkpoint",
            "after-mark",
            "after-outputs",
        ],
        "a new state change needs its case here"
    );
    for point in freeport_port::pipeline::FAULT_POINTS {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let first = assess(&home, &dir.path().join("first"));
        assert_eq!(first.status.code(), Some(0), "{point}: {first:?}");
        let first_id = packages(&dir.path().join("first"))[0]
            .trim_end_matches(".fdp")
            .to_owned();
        let again = format!("{first_id}-2");

        let crashed_out = dir.path().join("crashed");
        let crashed = assess_with(&home, &crashed_out, &[("FREEPORT_FAULT", point)], &[]);
        assert_eq!(crashed.status.code(), None, "{point}: killed: {crashed:?}");

        // Straight after the stop, before anything recovers.
        assert_cosigned(&home, point);
        let stored = transfers(&home);
        let logged = |t: &Value| t["transfer"]["log"]["state"] == "logged";
        assert!(logged(&stored[0]), "{point}: {stored:?}");
        assert!(stored.len() <= 2, "{point}: {stored:?}");
        for t in &stored {
            if let Some(index) = t["transfer"]["log"]["index"].as_u64() {
                assert!(index < log_size(&home), "{point}: {t}");
            }
        }
        let delivered_before = point == "after-outputs";
        assert_eq!(
            packages(&crashed_out),
            if delivered_before {
                vec![format!("{again}.fdp")]
            } else {
                Vec::new()
            },
            "{point}: a package appears only whole, by its rename"
        );

        // The retry: the same command, into a fresh directory.
        let retry_out = dir.path().join("retry");
        let retry = assess(&home, &retry_out);
        let reached_log = point != "after-record";
        if reached_log {
            assert_eq!(retry.status.code(), Some(2), "{point}: {retry:?}");
            assert!(
                stderr(&retry).contains("Nothing new was recorded")
                    || (delivered_before && retry.status.code() == Some(2)),
                "{point}: {}",
                stderr(&retry)
            );
            assert!(packages(&retry_out).is_empty(), "{point}");
        } else {
            assert_eq!(retry.status.code(), Some(0), "{point}: {retry:?}");
        }
        let ids = assert_store_matches_log(&home, point);
        assert_eq!(ids, [first_id.clone(), again.clone()], "{point}");
        assert_eq!(log_size(&home), 2, "{point}: logged twice");
        assert_cosigned(&home, point);
        let package_dir = if reached_log {
            &crashed_out
        } else {
            &retry_out
        };
        assert_eq!(packages(package_dir), [format!("{again}.fdp")], "{point}");
        assert_opens(
            &home,
            &package_dir.join(format!("{again}.fdp")),
            &dir.path().join("opened"),
            point,
        );

        // The run after that finds nothing left over.
        let next = assess_with(&home, &dir.path().join("next"), &[], &["--id", "next"]);
        assert_eq!(next.status.code(), Some(0), "{point}: {next:?}");
        let next_err = stderr(&next);
        assert!(!next_err.contains("has no package"), "{point}: {next_err}");
        let stdout = String::from_utf8_lossy(&next.stdout);
        assert!(!stdout.contains("recovered"), "{point}: {stdout}");
        assert_store_matches_log(&home, point);
    }
}

/// Issue 15 item 3: a full disk under the home stops the run before anything is recorded or
/// appended (`FREEPORT_SIMULATE_FREE_BYTES` stands in for it), and says so.
#[test]
fn a_full_disk_stops_a_run_before_anything_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let first = assess(&home, &dir.path().join("first"));
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let out = dir.path().join("full");
    let full = assess_with(
        &home,
        &out,
        &[("FREEPORT_SIMULATE_FREE_BYTES", "4096")],
        &["--id", "full"],
    );
    assert_eq!(full.status.code(), Some(2), "{full:?}");
    let text = stderr(&full);
    assert!(text.contains("has 4096 bytes free"), "{text}");
    assert!(text.contains("nothing was recorded"), "{text}");
    assert_eq!(log_size(&home), 1);
    assert_eq!(assert_store_matches_log(&home, "full").len(), 1);
    assert!(packages(&out).is_empty());
    // The least free space is configurable.
    let enough = assess_with(
        &home,
        &out,
        &[
            ("FREEPORT_SIMULATE_FREE_BYTES", "4096"),
            ("FREEPORT_MIN_FREE_BYTES", "1024"),
        ],
        &["--id", "full"],
    );
    assert_eq!(enough.status.code(), Some(0), "{enough:?}");
}

/// Issue 15 item 3: a failure after the log append (here the disk filling under the witness
/// state) names the transfer and its entry as recorded, never "nothing recorded"; running the
/// same command again finishes the package and appends nothing.
#[test]
fn a_failure_after_the_append_names_the_recorded_transfer_and_a_retry_appends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let first = assess(&home, &dir.path().join("first"));
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let first_id = packages(&dir.path().join("first"))[0]
        .trim_end_matches(".fdp")
        .to_owned();
    let out = dir.path().join("failed");
    let failed = assess_with(&home, &out, &[("FREEPORT_FAULT", "full-witness-disk")], &[]);
    assert_eq!(failed.status.code(), Some(2), "{failed:?}");
    let text = stderr(&failed);
    assert!(
        text.contains(&format!(
            "transfer `{first_id}-2` was recorded and logged (entry 1)"
        )),
        "{text}"
    );
    assert!(!text.contains("nothing was recorded"), "{text}");
    assert_eq!(log_size(&home), 2);

    let retry = assess(&home, &dir.path().join("retry"));
    assert_eq!(retry.status.code(), Some(2), "{retry:?}");
    assert!(
        stderr(&retry).contains("Nothing new was recorded"),
        "{}",
        stderr(&retry)
    );
    assert_eq!(log_size(&home), 2, "the retry appended again");
    assert_eq!(
        assert_store_matches_log(&home, "retry"),
        [first_id.clone(), format!("{first_id}-2")]
    );
    assert_opens(
        &home,
        &out.join(format!("{first_id}-2.fdp")),
        &dir.path().join("opened"),
        "retry",
    );
    // Nothing is left of the staging: the package was all it held.
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, [format!("{first_id}-2.fdp")]);
}

/// Issue 15 item 4: a logged transfer whose staged package is gone is reported on every run
/// until an operator declares it lost.
#[test]
fn a_package_that_cannot_be_finished_is_reported_until_declared_lost() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = dir.path().join("crashed");
    let crashed = assess_with(
        &home,
        &out,
        &[("FREEPORT_FAULT", "after-append")],
        &["--id", "gone"],
    );
    assert_eq!(crashed.status.code(), None, "{crashed:?}");
    // The staging directory is lost (a cleanup, another disk, ...).
    for entry in std::fs::read_dir(&out).unwrap() {
        std::fs::remove_dir_all(entry.unwrap().path()).unwrap();
    }
    for round in 0..2 {
        let next = assess_with(
            &home,
            &dir.path().join(format!("next-{round}")),
            &[],
            &["--id", &format!("next-{round}")],
        );
        assert_eq!(next.status.code(), Some(0), "{round}: {next:?}");
        let text = stderr(&next);
        assert!(
            text.contains("recorded transfer `gone` (log entry 0) has no package"),
            "{round}: {text}"
        );
        assert!(text.contains("--package-lost gone"), "{text}");
    }
    let lost = run(&home, &["assess", "--package-lost", "gone"]);
    assert_eq!(lost.status.code(), Some(0), "{lost:?}");
    let after = assess_with(&home, &dir.path().join("after"), &[], &["--id", "after"]);
    assert_eq!(after.status.code(), Some(0), "{after:?}");
    assert!(!stderr(&after).contains("has no package"), "{after:?}");
    // Declared once: a second declaration is refused, naming the transfer.
    let again = run(&home, &["assess", "--package-lost", "gone"]);
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(stderr(&again).contains("`gone`"), "{}", stderr(&again));
}

/// Issue 15 item 3: `log append --key` with a valid Ed25519 key that is not the log's is
/// refused before anything is appended.
#[test]
fn log_append_with_another_logs_key_appends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let work = dir.path();
    let at = |args: &[&str]| {
        command(&home)
            .current_dir(work)
            .args(args)
            .output()
            .unwrap()
    };
    for (name, prefix) in [("example.org/log", "log"), ("example.org/log", "other")] {
        let made = at(&["log", "keygen", "--name", name, "--out", prefix]);
        assert_eq!(made.status.code(), Some(0), "{made:?}");
    }
    let init = at(&["log", "init", "decisions", "--vkey", "log.vkey"]);
    assert_eq!(init.status.code(), Some(0), "{init:?}");
    std::fs::write(
        work.join("entries.jsonl"),
        "{\"type\":\"decision\",\"body\":{\"transfer_id\":\"t-1\",\"outcome\":\"deny\",\"rule_packs\":[\"cn-pipl@1\"],\"reasons\":[\"r\"],\"decided_at\":\"2026-11-21T05:00:00Z\"}}\n",
    )
    .unwrap();
    let refused = at(&[
        "log",
        "append",
        "decisions",
        "entries.jsonl",
        "--key",
        "other.key",
    ]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let text = stderr(&refused);
    assert!(text.contains("not the key of the log"), "{text}");
    assert!(text.contains("nothing was appended"), "{text}");
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("decisions/state.json")).unwrap())
            .unwrap();
    assert_eq!(state["size"], 0, "{state}");
    let appended = at(&[
        "log",
        "append",
        "decisions",
        "entries.jsonl",
        "--key",
        "log.key",
    ]);
    assert_eq!(appended.status.code(), Some(0), "{appended:?}");
}

/// `assess` takes the layout flags `scan` takes: a headerless CSV is refused (its first row
/// would become column names) with the reader's hint naming `--no-header`, and assessed with
/// it; no raw value reaches an error or a plaintext output.
#[test]
fn assess_takes_the_layout_flags_of_scan() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let data = dir.path().join("headerless.csv");
    let mut text = String::new();
    for (i, name) in ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆"]
        .iter()
        .enumerate()
    {
        text.push_str(&format!("{name},1381234567{i}\n"));
    }
    std::fs::write(&data, text).unwrap();
    let data = data.to_str().unwrap();
    let out = dir.path().join("refused");
    let refused = run(
        &home,
        &[
            "assess",
            data,
            "--transfer",
            TRANSFER,
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let text = stderr(&refused);
    assert!(text.contains("the header row looks like data"), "{text}");
    assert!(text.contains("pass `--no-header`"), "{text}");
    for raw in ["王伟", "13812345670"] {
        assert!(!text.contains(raw), "{raw} leaked: {text}");
    }
    let out = dir.path().join("out");
    let done = run(
        &home,
        &[
            "assess",
            data,
            "--transfer",
            TRANSFER,
            "-o",
            out.to_str().unwrap(),
            "--no-header",
            "--delimiter",
            ",",
        ],
    );
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    let scan: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("scan.json")).unwrap()).unwrap();
    assert_eq!(scan["datasets"][0]["columns"][1]["name"], "column_2");
    assert_eq!(scan["datasets"][0]["rows"], 6);
    for name in ["scan.json", "report.json", "report.html", "decision.json"] {
        let written = std::fs::read_to_string(out.join(name)).unwrap();
        for raw in ["王伟", "13812345670"] {
            assert!(!written.contains(raw), "{raw} leaked into {name}");
        }
    }
    let conflicting = run(
        &home,
        &[
            "assess",
            data,
            "--transfer",
            TRANSFER,
            "--no-header",
            "--header-row",
            "2",
        ],
    );
    assert_eq!(conflicting.status.code(), Some(2), "{conflicting:?}");
}
