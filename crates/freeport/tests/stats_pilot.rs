//! Joint statistics through the binary: the bundled air-quality pilot end to end (collector,
//! two aggregators and two sites as separate processes with separate homes on loopback), and
//! the aggregator failing closed.

use std::path::Path;
use std::process::Command;

use assert_cmd::Command as Cmd;

#[test]
fn the_air_quality_pilot_runs_end_to_end_and_every_interval_covers_the_truth() {
    let run = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/stats/air-quality/run");
    let output = Command::new("bash")
        .arg(&run)
        .env("FREEPORT", env!("CARGO_BIN_EXE_freeport"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status.code()
    );
    assert!(
        stdout.contains("every released interval covers the truth"),
        "{stdout}"
    );
    // Both sites' reports were all accepted, and six queries were checked.
    assert_eq!(stdout.matches(" 0 miss(es)").count(), 6, "{stdout}");
    assert!(stdout.contains("0 rejected"), "{stdout}");
}

/// Runs `freeport ARGS... --home HOME`; returns (exit code, stderr).
#[expect(
    clippy::unwrap_used,
    reason = "a test helper: failing to run the binary fails the test"
)]
fn freeport(args: &[&str], home: &Path) -> (i32, String) {
    let output = Cmd::cargo_bin("freeport")
        .unwrap()
        .args(args)
        .arg("--home")
        .arg(home)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    // The report is wrapped to the terminal: compare its words, not its lines.
    let stderr = String::from_utf8_lossy(&output.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (output.status.code().unwrap_or(-1), stderr)
}

#[test]
fn an_aggregator_without_a_home_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("cn");
    let serve = |country: &str| {
        freeport(
            &[
                "stats",
                "aggregator",
                "serve",
                "--country",
                country,
                "--listen",
                "127.0.0.1:0",
            ],
            &home,
        )
    };
    let (code, stderr) = serve("cn");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not an aggregator home"), "{stderr}");
    let init = || freeport(&["stats", "aggregator", "init", "--country", "cn"], &home);
    assert_eq!(init().0, 0);
    // The other country's aggregator may not start on this home, nor may it be created twice.
    let (code, stderr) = serve("us");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not `us`"), "{stderr}");
    assert_eq!(init().0, 2);
    // A home with no approved study does not serve either.
    let (code, stderr) = serve("cn");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("approved no study"), "{stderr}");
}
