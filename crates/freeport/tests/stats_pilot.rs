//! Joint statistics through the binary: the bundled pilots end to end (the port, collector,
//! two aggregators and two sites as separate processes with separate homes on loopback, the
//! aggregators killed and restarted mid-study), approvals that the port's log must record
//! first, and the aggregator failing closed.

use std::path::Path;
use std::process::Command;

use assert_cmd::Command as Cmd;

/// Runs the bundled pilot `name` end to end; returns its standard output.
#[expect(
    clippy::unwrap_used,
    reason = "a test helper: failing to run the pilot fails the test"
)]
fn run_pilot(name: &str) -> String {
    let run = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/stats")
        .join(name)
        .join("run");
    let output = Command::new("bash")
        .arg(&run)
        .env("FREEPORT", env!("CARGO_BIN_EXE_freeport"))
        .env_remove("FREEPORT_HOME")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status.code()
    );
    stdout
}

/// What every pilot run shows: every interval covered, six queries checked, every report
/// accepted, both aggregators killed and restarted with nothing lost, and the collector's port
/// log holding the six releases (and, with standalone aggregators, the two approvals; hosted
/// ones are logged by their own ports).
fn check_pilot(name: &str, stdout: &str, hosted: bool) {
    assert!(
        stdout.contains(&format!(
            "{name} pilot: every released interval covers the truth"
        )),
        "{stdout}"
    );
    assert_eq!(stdout.matches(" 0 miss(es)").count(), 6, "{stdout}");
    assert!(stdout.contains("0 rejected"), "{stdout}");
    assert!(
        stdout.contains("restarted: every accepted report is still there"),
        "{stdout}"
    );
    let size = if hosted { 6 } else { 8 };
    assert!(
        stdout.contains(&format!("verifies: size {size},")),
        "{stdout}"
    );
    assert_eq!(stdout.matches("published as entry").count(), 6, "{stdout}");
}

#[test]
fn the_air_quality_pilot_runs_end_to_end_and_every_interval_covers_the_truth() {
    check_pilot("air-quality", &run_pilot("air-quality"), false);
}

#[test]
fn the_clinical_pilot_runs_end_to_end_and_every_interval_covers_the_truth() {
    let stdout = run_pilot("clinical");
    check_pilot("clinical", &stdout, true);
    // Each hospital country's aggregator ran inside its own port: each operator approved
    // through their account there, and each port's registry lists the logged approval.
    for country in ["cn", "us"] {
        assert!(stdout.contains(&format!("{country}-operator")), "{stdout}");
    }
    assert!(
        stdout.contains("each operator approves the study through their port account"),
        "{stdout}"
    );
    // The incidence rates were released with intervals and checked.
    assert!(
        stdout.contains("readmission_rate_by_diagnosis: 24 interval(s) checked, 0 miss(es)"),
        "{stdout}"
    );
}

/// Runs `freeport ARGS...` with `FREEPORT_HOME` set to `port`; returns (exit code, stdout,
/// stderr).
#[expect(
    clippy::unwrap_used,
    reason = "a test helper: failing to run the binary fails the test"
)]
fn freeport_in(args: &[&str], port: &Path) -> (i32, String, String) {
    let output = Cmd::cargo_bin("freeport")
        .unwrap()
        .args(args)
        .env("FREEPORT_HOME", port)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    (
        output.status.code().unwrap_or(-1),
        text(&output.stdout),
        text(&output.stderr),
    )
}

#[test]
fn an_approval_is_refused_unless_the_port_logs_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = dir.path().join("port");
    let p = |x: &str| dir.path().join(x).to_str().unwrap().to_owned();
    let keys = |args: &[&str]| -> serde_json::Value {
        let (code, stdout, stderr) = freeport_in(args, &port);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str(&stdout).unwrap()
    };
    let coll = keys(&[
        "stats",
        "collector",
        "init",
        "--home",
        &p("coll"),
        "--format",
        "json",
    ]);
    let cn = keys(&[
        "stats",
        "aggregator",
        "init",
        "--country",
        "cn",
        "--home",
        &p("cn"),
        "--format",
        "json",
    ]);
    let us = keys(&[
        "stats",
        "aggregator",
        "init",
        "--country",
        "us",
        "--home",
        &p("us"),
        "--format",
        "json",
    ]);
    let template = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/stats/clinical/study.template.toml");
    let key = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap().to_owned();
    let study = std::fs::read_to_string(template)
        .unwrap()
        .replace("@COLLECTOR_SIGNING@", &key(&coll, "signing_key"))
        .replace("@COLLECTOR_HPKE@", &key(&coll, "hpke_key"))
        .replace("@CN_HPKE@", &key(&cn, "hpke_key"))
        .replace("@US_HPKE@", &key(&us, "hpke_key"))
        .replace("@CN_PORT@", "1")
        .replace("@US_PORT@", "2");
    std::fs::write(p("study.toml"), study).unwrap();
    let (code, _, stderr) = freeport_in(
        &[
            "stats",
            "study",
            "sign",
            &p("study.toml"),
            "--home",
            &p("coll"),
        ],
        &port,
    );
    assert_eq!(code, 0, "{stderr}");
    let approve = || {
        freeport_in(
            &[
                "stats",
                "aggregator",
                "approve",
                &p("study.toml"),
                "--home",
                &p("cn"),
            ],
            &port,
        )
    };
    // No port home: nothing approved, and the aggregator has nothing to serve.
    let (code, _, stderr) = approve();
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("is not a port home with a transparency log"),
        "{stderr}"
    );
    let serve = [
        "stats",
        "aggregator",
        "serve",
        "--country",
        "cn",
        "--home",
        &p("cn"),
        "--listen",
        "127.0.0.1:0",
    ];
    let (code, _, stderr) = freeport_in(&serve, &port);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("approved no study"), "{stderr}");
    // With the port's home, the approval is logged (entry 0), then made; again, the same entry.
    let (code, _, stderr) = freeport_in(&["init"], &port);
    assert_eq!(code, 0, "{stderr}");
    for _ in 0..2 {
        let (code, stdout, stderr) = approve();
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains(r#""log_index": 0"#), "{stdout}");
    }
    let (code, stdout, stderr) = freeport_in(
        &["log", "verify", port.join("log").to_str().unwrap()],
        &port,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("verifies: size 1,"), "{stdout}");
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
