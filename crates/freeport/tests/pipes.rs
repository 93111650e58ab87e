//! The exit-code contract holds whatever happens to standard output and standard error
//! (issue 15 item 6): the real binary, run with a reader that has gone away, a full device, or
//! standard error closed.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The write end of a pipe whose reader is already gone: every write fails with `EPIPE`.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer.into()
}

fn dev_full() -> Stdio {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
        .into()
}

/// Runs `freeport ARGS` from the repository root with a fresh home, the given standard output
/// and standard error; returns the exit code (`None`: killed by a signal).
fn run(args: &[&str], stdout: Stdio, stderr: Stdio) -> Option<i32> {
    let home = tempfile::tempdir().unwrap();
    Command::new(assert_cmd::cargo::cargo_bin("freeport"))
        .current_dir(root())
        .env("FREEPORT_HOME", home.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .status()
        .unwrap()
        .code()
}

const BLOCKING: &[&str] = &["judge", "examples/transfers/us-company-chinese-cloud.toml"];

#[test]
fn a_blocking_decision_keeps_its_exit_code_when_the_reader_goes_away() {
    assert_eq!(run(BLOCKING, Stdio::null(), Stdio::null()), Some(1));
    assert_eq!(run(BLOCKING, closed_pipe(), Stdio::null()), Some(1));
    let json = [BLOCKING, &["--format", "json"]].concat();
    assert_eq!(run(&json, closed_pipe(), closed_pipe()), Some(1));
}

#[test]
fn a_successful_listing_into_a_closed_pipe_is_still_success() {
    assert_eq!(
        run(&["vocab", "list"], closed_pipe(), Stdio::null()),
        Some(0)
    );
}

#[test]
fn an_error_with_standard_error_closed_exits_2() {
    let missing = ["judge", "no/such/facts.toml"];
    assert_eq!(run(&missing, Stdio::null(), Stdio::null()), Some(2));
    assert_eq!(run(&missing, Stdio::null(), closed_pipe()), Some(2));
    assert_eq!(run(&missing, closed_pipe(), closed_pipe()), Some(2));
    assert_eq!(run(&missing, Stdio::null(), dev_full()), Some(2));
}

#[test]
fn output_that_cannot_be_written_is_an_error_not_success() {
    // A full device is not a reader that went away: the output is lost, so the run failed.
    assert_eq!(run(&["vocab", "list"], dev_full(), Stdio::null()), Some(2));
    assert_eq!(run(&["vocab", "list"], dev_full(), closed_pipe()), Some(2));
    assert_eq!(run(BLOCKING, dev_full(), dev_full()), Some(2));
}

#[test]
fn a_usage_error_with_standard_error_closed_exits_2() {
    assert_eq!(
        run(&["judge", "--no-such-flag"], Stdio::null(), closed_pipe()),
        Some(2)
    );
}
