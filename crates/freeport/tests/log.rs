//! End-to-end tests of `freeport log` and `freeport witness`: CLI output snapshots, a writer
//! killed with SIGKILL mid-batch, and a fork that the witness refuses and the audit names.
#![expect(
    clippy::unwrap_used,
    reason = "helpers outside #[test] functions unwrap too; a failure is a test failure"
)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use freeport_tlog::merkle::NodeSource;
use freeport_tlog::store::Log;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_freeport"));
    cmd.env("NO_COLOR", "1").env("COLUMNS", "200");
    cmd
}

/// Runs freeport in `dir`, returning exit code, stdout and stderr with `dir` masked.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = bin().current_dir(dir).args(args).output().unwrap();
    let mask = |s: &[u8]| String::from_utf8_lossy(s).replace(&dir.display().to_string(), "[DIR]");
    (
        output.status.code().unwrap_or(-1),
        mask(&output.stdout),
        mask(&output.stderr),
    )
}

fn transcript(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(dir, args);
    format!(
        "$ freeport {}\nexit {code}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        args.join(" ")
    )
}

fn decision(i: u64) -> String {
    format!(
        "{{\"type\":\"decision\",\"body\":{{\"transfer_id\":\"t-{i}\",\"outcome\":\"deny\",\
         \"rule_packs\":[\"cn-pipl@1\"],\"reasons\":[\"sensitive personal information\"],\
         \"decided_at\":\"2026-11-21T05:00:00Z\"}}}}\n"
    )
}

fn expected_entry(i: u64) -> Vec<u8> {
    let value: serde_json::Value = serde_json::from_str(&decision(i)).unwrap();
    freeport_tlog::entry::Entry::from_json(value)
        .unwrap()
        .to_bytes()
        .unwrap()
}

/// A log key, written as fixed files so outputs are reproducible.
fn setup(dir: &Path, name: &str) {
    let key = freeport_tlog::note::SigningKey::from_seed(
        "freedataport.example/log",
        freeport_tlog::note::KeyKind::Ed25519,
        [42; 32],
    )
    .unwrap();
    freeport_tlog::note::save_key_pair(&dir.join("log"), &key).unwrap();
    let (code, _, err) = run(dir, &["log", "init", name, "--vkey", "log.vkey"]);
    assert_eq!(code, 0, "{err}");
}

fn write_entries(dir: &Path, file: &str, from: u64, to: u64) {
    let text: String = (from..to).map(decision).collect();
    std::fs::write(dir.join(file), text).unwrap();
}

/// The commands both round trips start with: append (with a bad file), prove, verify a receipt,
/// prove consistency.
const ROUND_TRIP: &[&[&str]] = &[
    &[
        "log",
        "append",
        "decisions",
        "entries.jsonl",
        "--batch",
        "4",
        "--key",
        "log.key",
    ],
    &["log", "append", "decisions", "bad.jsonl"],
    &[
        "log",
        "prove",
        "decisions",
        "--index",
        "3",
        "-o",
        "r.tlog-proof",
    ],
    &[
        "log",
        "verify-receipt",
        "r.tlog-proof",
        "--vkey",
        "log.vkey",
    ],
    &["log", "prove", "decisions", "--from", "4"],
];

#[test]
fn cli_round_trip_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir, "decisions");
    write_entries(dir, "entries.jsonl", 0, 10);
    std::fs::write(
        dir.join("bad.jsonl"),
        "{\"type\":\"decision\",\"body\":{\"transfer_id\":\"t\"}}\n",
    )
    .unwrap();
    let mut out = String::new();
    for args in ROUND_TRIP.iter().copied().chain([
        &["log", "verify", "decisions"][..],
        &[
            "log",
            "audit",
            "decisions",
            "--vkey",
            "log.vkey",
            "--mirror",
            "mirror",
        ],
        &["log", "prove", "decisions", "--index", "10"],
        &["log", "init", "decisions", "--vkey", "log.vkey"],
    ]) {
        out.push_str(&transcript(dir, args));
        out.push('\n');
    }
    // A receipt with one proof hash changed.
    let receipt = std::fs::read_to_string(dir.join("r.tlog-proof")).unwrap();
    let lines: Vec<&str> = receipt.lines().collect();
    let zero = format!("{}=", "A".repeat(43));
    std::fs::write(
        dir.join("forged.tlog-proof"),
        receipt.replacen(lines[3], &zero, 1),
    )
    .unwrap();
    out.push_str(&transcript(
        dir,
        &[
            "log",
            "verify-receipt",
            "forged.tlog-proof",
            "--vkey",
            "log.vkey",
        ],
    ));
    insta::assert_snapshot!(out);
}

#[test]
fn private_keys_readable_by_others_are_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir, "decisions");
    std::fs::set_permissions(dir.join("log.key"), std::fs::Permissions::from_mode(0o640)).unwrap();
    insta::assert_snapshot!(transcript(
        dir,
        &["log", "checkpoint", "decisions", "--key", "log.key"]
    ));
}

/// Streams entries into `freeport log append` on a thread, starting at global index `from`.
fn spawn_writer(dir: &Path, from: u64) -> Child {
    let mut child = bin()
        .current_dir(dir)
        .args(["log", "append", "decisions", "-", "--batch", "50"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        let mut i = from;
        // Ends when the writer is killed (broken pipe).
        while stdin.write_all(decision(i).as_bytes()).is_ok() {
            i += 1;
        }
    });
    child
}

#[test]
fn a_writer_killed_mid_batch_loses_no_acknowledged_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir, "decisions");
    let log_dir: PathBuf = dir.join("decisions");
    for acks_before_kill in [1usize, 3, 6] {
        let start = Log::open_read_only(&log_dir).unwrap().size();
        let mut child = spawn_writer(dir, start);
        let stdout = child.stdout.take().unwrap();
        let mut acknowledged = start;
        for line in BufReader::new(stdout).lines().take(acks_before_kill) {
            let line = line.unwrap();
            // "appended entries a..=b (log size N)"
            let size: u64 = line
                .rsplit_once("log size ")
                .and_then(|(_, n)| n.trim_end_matches(')').parse().ok())
                .unwrap();
            acknowledged = size;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Reopening for writing succeeds (the state is consistent and the lock is free) ...
        let log = Log::open(&log_dir).unwrap();
        // ... and every acknowledged entry is there, byte for byte.
        assert!(
            log.size() >= acknowledged,
            "size {} < acknowledged {acknowledged}",
            log.size()
        );
        for i in 0..log.size() {
            assert_eq!(log.entry(i).unwrap(), expected_entry(i), "entry {i}");
        }
    }
    // The log still verifies end to end.
    let (code, _, err) = run(dir, &["log", "checkpoint", "decisions", "--key", "log.key"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(dir, &["log", "verify", "decisions"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("verifies"), "{out}");
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `freeport <args> --listen 127.0.0.1:0` and returns it with its URL.
fn serve(dir: &Path, args: &[&str]) -> (Server, String) {
    let mut child = bin()
        .current_dir(dir)
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .trim_end_matches(';')
        .trim_end_matches("/add-checkpoint")
        .to_owned();
    (Server(child), url)
}

#[test]
fn the_witness_refuses_a_fork_and_the_audit_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir, "honest");
    let (code, _, err) = run(dir, &["log", "init", "forked", "--vkey", "log.vkey"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        dir,
        &[
            "witness",
            "keygen",
            "--name",
            "witness.cn.example/v1",
            "--out",
            "cn",
        ],
    );
    assert_eq!(code, 0, "{err}");
    write_entries(dir, "a.jsonl", 0, 10);
    write_entries(dir, "b.jsonl", 100, 112);
    for (log, file) in [("honest", "a.jsonl"), ("forked", "b.jsonl")] {
        let (code, _, err) = run(dir, &["log", "append", log, file, "--key", "log.key"]);
        assert_eq!(code, 0, "{err}");
    }
    let (_witness, url) = serve(
        dir,
        &[
            "witness", "serve", "--key", "cn.key", "--state", "cn.json", "--log", "log.vkey",
        ],
    );
    let (code, out, err) = run(dir, &["log", "cosign", "honest", "--witness", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("— witness.cn.example/v1 "), "{out}");
    // The monitoring endpoint serves the latest cosigned checkpoint.
    let path = format!(
        "{}/checkpoint",
        freeport_tlog::witness::origin_path("freedataport.example/log")
    );
    let latest = freeport_tlog::audit::Fetch::fetch(&freeport_server::HttpSource::new(&url), &path)
        .unwrap()
        .unwrap();
    assert!(String::from_utf8(latest).unwrap().contains("\n10\n"));
    // The same log key signed a second, diverging history: the witness refuses it.
    let (code, _, err) = run(dir, &["log", "cosign", "forked", "--witness", &url]);
    assert_eq!(code, 1, "{err}");
    // miette wraps long messages; compare the words.
    let err = err
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        err.contains("answered 422") && err.contains("does not lead to the old root"),
        "{err}"
    );
    let state = std::fs::read_to_string(dir.join("cn.json")).unwrap();
    let state = freeport_tlog::witness::state_from_json(&state).unwrap();
    assert_eq!(state.conflicts.len(), 1, "the evidence is kept");
    assert!(state.conflicts[0].submitted.contains("\n12\n"));
    // The audit over HTTP sees the honest log, then names the fork.
    let (_honest, honest_url) = serve(dir, &["log", "serve", "honest"]);
    let (_forked, forked_url) = serve(dir, &["log", "serve", "forked"]);
    let (code, _, err) = run(
        dir,
        &[
            "log",
            "audit",
            &honest_url,
            "--vkey",
            "log.vkey",
            "--mirror",
            "m",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        dir,
        &[
            "log",
            "audit",
            &forked_url,
            "--vkey",
            "log.vkey",
            "--mirror",
            "m",
        ],
    );
    assert_eq!(code, 1, "{err}");
    // miette wraps long messages; compare the words.
    let err = err
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        err.contains("fork: log `freedataport.example/log`: the checkpoint of size 12 does not extend the checkpoint of size 10 seen before"),
        "{err}"
    );
}

/// A witness `cn` over `log.vkey`, and two logs under that key with diverging histories:
/// `honest` (10 entries) and `forked` (12).
fn two_histories(dir: &Path) {
    setup(dir, "honest");
    let (code, _, err) = run(dir, &["log", "init", "forked", "--vkey", "log.vkey"]);
    assert_eq!(code, 0, "{err}");
    let keygen = [
        "witness",
        "keygen",
        "--name",
        "witness.cn.example/v1",
        "--out",
        "cn",
    ];
    let (code, _, err) = run(dir, &keygen);
    assert_eq!(code, 0, "{err}");
    write_entries(dir, "a.jsonl", 0, 10);
    write_entries(dir, "b.jsonl", 100, 112);
    for (log, file) in [("honest", "a.jsonl"), ("forked", "b.jsonl")] {
        let (code, _, err) = run(dir, &["log", "append", log, file, "--key", "log.key"]);
        assert_eq!(code, 0, "{err}");
    }
}

/// Issue 15 item 11: the banner's URL is the one `log cosign --witness` takes, and a fork
/// requested again and again is kept once.
#[test]
fn the_witness_banner_url_works_and_repeated_forks_are_kept_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    two_histories(dir);
    let mut child = bin()
        .current_dir(dir)
        .args([
            "witness",
            "serve",
            "--key",
            "cn.key",
            "--state",
            "cn.json",
            "--log",
            "log.vkey",
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let _witness = Server(child);
    // The command the banner prints, taken as printed.
    let (_, command) = banner
        .split_once('`')
        .and_then(|(_, rest)| rest.split_once("(`"))
        .unwrap();
    let command = command.split_once('`').unwrap().0;
    let url = command
        .strip_prefix("freeport log cosign LOG --witness ")
        .unwrap();
    assert!(banner.contains(&format!(" on {url} ")), "{banner}");
    let (code, out, err) = run(dir, &["log", "cosign", "honest", "--witness", url]);
    assert_eq!(code, 0, "{banner}: {err}");
    assert!(out.contains("— witness.cn.example/v1 "), "{out}");
    // The endpoint's own URL is taken too.
    let endpoint = format!("{url}/add-checkpoint");
    let (code, _, err) = run(dir, &["log", "cosign", "honest", "--witness", &endpoint]);
    assert_eq!(code, 0, "{err}");
    for _ in 0..4 {
        let (code, _, err) = run(dir, &["log", "cosign", "forked", "--witness", url]);
        assert_eq!(code, 1, "{err}");
    }
    let state = std::fs::read_to_string(dir.join("cn.json")).unwrap();
    let state = freeport_tlog::witness::state_from_json(&state).unwrap();
    assert_eq!(state.conflicts.len(), 1, "one fork, kept once");
}

/// Issue 15 item 10: a witness state file that does not parse is named, with the line.
#[test]
fn a_malformed_witness_state_names_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    two_histories(dir);
    std::fs::write(dir.join("cn.json"), "{\n  \"logs\": [}\n").unwrap();
    let (code, _, err) = run(
        dir,
        &[
            "witness",
            "serve",
            "--key",
            "cn.key",
            "--state",
            "cn.json",
            "--log",
            "log.vkey",
            "--listen",
            "127.0.0.1:0",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let err = err
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        err.contains("malformed witness state `cn.json`: line 2 column 10:"),
        "{err}"
    );
}

/// The round trip of `cli_round_trip_snapshot` with `--format json`: every output, the errors
/// included, is JSON (`log append` acknowledges each batch as one JSON line).
#[test]
fn cli_round_trip_in_json_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir, "decisions");
    write_entries(dir, "entries.jsonl", 0, 10);
    std::fs::write(
        dir.join("bad.jsonl"),
        "{\"type\":\"decision\",\"body\":{\"transfer_id\":\"t\"}}\n",
    )
    .unwrap();
    let mut out = String::new();
    for args in ROUND_TRIP.iter().copied().chain([
        &["log", "prove", "decisions", "--index", "10"][..],
        &["log", "init", "decisions", "--vkey", "log.vkey"],
        &["log", "init", "other", "--vkey", "log.vkey"],
        &["log", "checkpoint", "decisions", "--key", "log.key"],
        &["log", "verify-receipt", "r.tlog-proof"],
    ]) {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let (code, stdout, stderr) = run(dir, &args);
        // Every line of JSON Lines output, or the whole document, parses.
        for text in [&stdout, &stderr] {
            if text.trim().is_empty() {
                continue;
            }
            if serde_json::from_str::<serde_json::Value>(text).is_err() {
                for line in text.lines() {
                    serde_json::from_str::<serde_json::Value>(line)
                        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {line}"));
                }
            }
        }
        out.push_str(&format!(
            "$ freeport {}\nexit {code}\n--- stdout\n{stdout}--- stderr\n{stderr}\n",
            args.join(" ")
        ));
    }
    insta::assert_snapshot!(out);
}
