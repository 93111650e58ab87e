//! Joint statistics through the binary: the bundled pilots end to end (the port, collector,
//! two aggregators and two sites as separate processes with separate homes on loopback, the
//! aggregators killed and restarted mid-study), approvals that the port's log must record
//! first, and the aggregator failing closed; and a port hosting its country's aggregator:
//! `freeport stats aggregator init` into the port home, `freeport serve` mounting its
//! `/stats/v1` endpoints, the study approved only by the reviewers of the aggregator's country
//! through their accounts (role checked before the body), journaled, recorded in the study
//! registry and logged by the running port (an approval whose entry a crash left unappended is
//! appended when the port restarts, and logged once), and a port refusing to start on a
//! `stats-aggregator` directory that is not an aggregator's.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

mod common;

use std::path::Path;
use std::process::Command;

use assert_cmd::Command as Cmd;
use common::{Server, freeport as freeport_at};
use serde_json::Value;

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
/// accepted, both aggregators killed and restarted with nothing lost, and with standalone
/// aggregators the collector's port log holding the two approvals and six releases (hosted
/// ones' ports log their approvals and publish every release themselves).
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
    if hosted {
        // Both running ports publish every release in their own logs; the collector has no
        // port home.
        assert_eq!(stdout.matches("published as entry").count(), 12, "{stdout}");
        assert_eq!(
            stdout.matches("of the log of the port at http://").count(),
            12,
            "{stdout}"
        );
    } else {
        assert!(stdout.contains("verifies: size 8,"), "{stdout}");
        assert_eq!(stdout.matches("published as entry").count(), 6, "{stdout}");
    }
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
    let keys = |args: &[&str]| -> Value {
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
    let study = study_text(&coll, &cn, &us);
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

/// The clinical pilot's study with the parties' printed keys (`--format json` of their
/// `init`) and placeholder aggregator URLs.
fn study_text(coll: &Value, cn: &Value, us: &Value) -> String {
    let template = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/stats/clinical/study.template.toml");
    let key = |v: &Value, k: &str| v[k].as_str().unwrap().to_owned();
    std::fs::read_to_string(template)
        .unwrap()
        .replace("@COLLECTOR_SIGNING@", &key(coll, "signing_key"))
        .replace("@COLLECTOR_HPKE@", &key(coll, "hpke_key"))
        .replace("@CN_HPKE@", &key(cn, "hpke_key"))
        .replace("@US_HPKE@", &key(us, "hpke_key"))
        .replace("@CN_PORT@", "1")
        .replace("@US_PORT@", "2")
}

// A port hosting its country's aggregator (issue 20 item 3).

fn json(output: &std::process::Output) -> Value {
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `freeport account add ARGS --format json`: the token.
fn account(home: &Path, args: &[&str]) -> String {
    let value = json(&freeport_at(
        home,
        &[&["account", "add"], args, &["--format", "json"]].concat(),
    ));
    value["token"].as_str().unwrap().to_owned()
}

/// A reviewer account whose key the port holds: the token.
fn reviewer(home: &Path, id: &str, role: &str) -> String {
    account(
        home,
        &[id, "--role", role, "--name", id, "--key-held-by-port"],
    )
}

/// One request: status and JSON body.
fn call(server: &Server, method: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let url = format!("{}{path}", server.base);
    let auth = format!("Bearer {token}");
    let mut response = if method == "GET" {
        agent.get(&url).header("Authorization", &auth).call()
    } else {
        agent
            .post(&url)
            .header("Authorization", &auth)
            .content_type("application/json")
            .send(body.as_bytes())
    }
    .unwrap();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// `freeport stats aggregator approve STUDY --port` with `token`.
fn approve(server: &Server, token: &str, study: &Path) -> std::process::Output {
    assert_cmd::Command::cargo_bin("freeport")
        .unwrap()
        .env("FREEPORT_TOKEN", token)
        .env_remove("FREEPORT_HOME")
        .args(["stats", "aggregator", "approve"])
        .arg(study)
        .args(["--port", &server.base])
        .output()
        .unwrap()
}

#[test]
fn a_port_hosts_its_aggregator_and_only_its_reviewers_approve_logged_once() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port-cn");
    let p = |x: &str| dir.path().join(x).to_str().unwrap().to_owned();
    assert!(freeport_at(&home, &["init"]).status.success());
    // The cn aggregator inside the port home; the us one and the collector elsewhere.
    let cn = json(&freeport_at(
        &home,
        &[
            "stats",
            "aggregator",
            "init",
            "--country",
            "cn",
            "--format",
            "json",
        ],
    ));
    assert_eq!(
        cn["home"].as_str().unwrap(),
        home.join("stats-aggregator").to_str().unwrap()
    );
    let us = json(&freeport_at(
        &home,
        &[
            "stats",
            "aggregator",
            "init",
            "--country",
            "us",
            "--home",
            &p("us"),
            "--format",
            "json",
        ],
    ));
    let coll = json(&freeport_at(
        &home,
        &[
            "stats",
            "collector",
            "init",
            "--home",
            &p("coll"),
            "--format",
            "json",
        ],
    ));
    let text = study_text(&coll, &cn, &us);
    let study = dir.path().join("study.toml");
    std::fs::write(&study, &text).unwrap();
    assert!(
        freeport_at(
            &home,
            &[
                "stats",
                "study",
                "sign",
                &p("study.toml"),
                "--home",
                &p("coll")
            ]
        )
        .status
        .success()
    );
    let signature: Value =
        serde_json::from_str(&std::fs::read_to_string(p("study.toml.sig")).unwrap()).unwrap();
    let sha = signature["study_sha256"].as_str().unwrap().to_owned();
    let body = serde_json::json!({ "study": text, "signature": signature }).to_string();

    let wang = reviewer(&home, "wang", "cn_reviewer");
    let smith = reviewer(&home, "smith", "us_reviewer");
    let alice = account(
        &home,
        &[
            "alice",
            "--role",
            "exporter",
            "--name",
            "Alice",
            "--organisation",
            "acme",
            "--organisation-name",
            "Acme",
        ],
    );
    let audrey = account(&home, &["audrey", "--role", "auditor", "--name", "Audrey"]);

    // The port dies after recording the approval, before appending its entry.
    let crashed = Server::start_with(&home, &[], Some("study-approval-recorded"));
    assert!(!approve(&crashed, &wang, &study).status.success());
    drop(crashed);
    // Restarted: the queued approval is appended before serving; the aggregator never made it
    // (it stores an approval only once logged), so the study is not served yet.
    let server = Server::start_with(&home, &[], None);
    let (status, registry) = call(&server, "GET", "/api/v1/stats/studies", &audrey, "");
    assert_eq!(status, 200, "{registry}");
    let first = registry[0]["log_index"].as_u64().unwrap();
    assert_eq!(registry[0]["approved_by"], "wang");
    assert_eq!(registry[0]["study_sha256"], sha.as_str());
    let (status, _) = call(&server, "GET", &format!("/stats/v1/key-half/{sha}"), "", "");
    assert_eq!(status, 404);

    // Only China's reviewers approve at China's aggregator; the role is checked before the body.
    for (token, expected) in [(&alice, 403), (&smith, 403), (&audrey, 403)] {
        let (status, problem) = call(&server, "POST", "/api/v1/stats/studies", token, "not json");
        assert_eq!(status, expected, "{problem}");
    }
    let (status, _) = call(
        &server,
        "POST",
        "/api/v1/stats/studies",
        "fdp_nobody",
        &body,
    );
    assert_eq!(status, 401);
    // A study changed after signing is refused with the reason.
    let tampered = serde_json::json!({ "study": text.replace("clinical", "clinicaI"), "signature": signature });
    let (status, problem) = call(
        &server,
        "POST",
        "/api/v1/stats/studies",
        &wang,
        &tampered.to_string(),
    );
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("another version"),
        "{problem}"
    );

    // Approved again through the CLI: the entry the restart appended, not a second one.
    let out = approve(&server, &wang, &study);
    let approved: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(approved["log_index"].as_u64(), Some(first), "{out:?}");
    let (status, again) = call(&server, "POST", "/api/v1/stats/studies", &wang, &body);
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["log_index"].as_u64(), Some(first));
    let (_, registry) = call(&server, "GET", "/api/v1/stats/studies", &alice, "");
    assert_eq!(registry.as_array().unwrap().len(), 1, "{registry}");
    // Now served at the port's own address, beside the API.
    let (status, half) = call(&server, "GET", &format!("/stats/v1/key-half/{sha}"), "", "");
    assert_eq!(status, 200, "{half}");
    assert_eq!(half["from"], "cn");
    let (status, counters) = call(&server, "GET", &format!("/stats/v1/status/{sha}"), "", "");
    assert_eq!(status, 200, "{counters}");
    // Each approval that reached the port is in the access journal (the crashed one and the
    // retry that the aggregator stored; the last answered from its stored state changed nothing).
    let (_, journal) = call(&server, "GET", "/api/v1/journal", &audrey, "");
    let approvals = journal
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["action"] == "stats.approve")
        .collect::<Vec<_>>();
    assert_eq!(approvals.len(), 2, "{journal}");
    assert!(
        approvals
            .iter()
            .all(|l| l["account"] == "wang" && l["target"] == format!("study/{sha}/cn").as_str()),
        "{journal}"
    );
    assert!(server.stop().success());
}

#[test]
fn a_port_without_an_aggregator_refuses_approvals_and_refuses_to_start_on_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port");
    assert!(freeport_at(&home, &["init"]).status.success());
    let wang = reviewer(&home, "wang", "cn_reviewer");
    let server = Server::start_with(&home, &[], None);
    let (status, problem) = call(&server, "POST", "/api/v1/stats/studies", &wang, "{}");
    assert_eq!(status, 404, "{problem}");
    assert_eq!(problem["code"], "freeport::stats::no_aggregator");
    let (status, registry) = call(&server, "GET", "/api/v1/stats/studies", &wang, "");
    assert_eq!((status, registry), (200, Value::Array(vec![])));
    let (status, _) = call(&server, "GET", "/stats/v1/status/00", "", "");
    assert_eq!(status, 404);
    assert!(server.stop().success());
    // A `stats-aggregator` directory that `init` did not make: the port does not start.
    std::fs::create_dir(home.join("stats-aggregator")).unwrap();
    std::fs::write(home.join("stats-aggregator/aggregator.json"), "{}").unwrap();
    let out = freeport_at(&home, &["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("aggregator.json"), "{stderr}");
}

/// Two loopback ports free now (the study names its aggregators' addresses before they start).
fn free_ports() -> (u16, u16) {
    let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let b = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    (
        a.local_addr().unwrap().port(),
        b.local_addr().unwrap().port(),
    )
}

/// A child process killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `freeport stats collect STUDY QUERY --port URL` with `token`: (exit code, stdout, stderr).
fn collect_at(dir: &Path, server: &Server, token: &str, query: &str) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("freeport")
        .unwrap()
        .env("FREEPORT_TOKEN", token)
        .env_remove("FREEPORT_HOME")
        .args(["stats", "collect"])
        .arg(dir.join("study.toml"))
        .arg(query)
        .arg("--home")
        .arg(dir.join("coll"))
        .args(["--port", &server.base, "--format", "json"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_port_publishes_the_releases_its_aggregator_took_part_in_logged_once() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port-cn");
    let elsewhere = dir.path().join("port-us");
    let p = |x: &str| dir.path().join(x).to_str().unwrap().to_owned();
    for h in [&home, &elsewhere] {
        assert!(freeport_at(h, &["init"]).status.success());
    }
    let init = |h: &Path, extra: &[&str]| {
        json(&freeport_at(
            h,
            &[&["stats"], extra, &["--format", "json"]].concat(),
        ))
    };
    let cn = init(&home, &["aggregator", "init", "--country", "cn"]);
    let us = init(
        &elsewhere,
        &["aggregator", "init", "--country", "us", "--home", &p("us")],
    );
    let coll = init(&home, &["collector", "init", "--home", &p("coll")]);
    let (cn_port, us_port) = free_ports();
    let text = study_text(&coll, &cn, &us)
        .replace("127.0.0.1:1\"", &format!("127.0.0.1:{cn_port}\""))
        .replace("127.0.0.1:2\"", &format!("127.0.0.1:{us_port}\""));
    let study = dir.path().join("study.toml");
    std::fs::write(&study, &text).unwrap();
    let sign = [
        "stats",
        "study",
        "sign",
        &p("study.toml"),
        "--home",
        &p("coll"),
    ];
    assert!(freeport_at(&home, &sign).status.success());
    // The us aggregator on its own (its approval in its own port home's log), serving.
    let approve_us = [
        "stats",
        "aggregator",
        "approve",
        &p("study.toml"),
        "--home",
        &p("us"),
    ];
    assert!(freeport_at(&elsewhere, &approve_us).status.success());
    let _us = Child(
        Command::new(env!("CARGO_BIN_EXE_freeport"))
            .args(["stats", "aggregator", "serve", "--country", "us", "--home"])
            .arg(p("us"))
            .args(["--listen", &format!("127.0.0.1:{us_port}")])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let wang = reviewer(&home, "wang", "cn_reviewer");
    let smith = reviewer(&home, "smith", "us_reviewer");
    let audrey = account(&home, &["audrey", "--role", "auditor", "--name", "Audrey"]);
    let listen = format!("127.0.0.1:{cn_port}");
    let server = Server::start_at(&home, &listen, &[], None);
    assert!(approve(&server, &wang, &study).status.success());
    // The cn port serves the study from its next start (the aggregator loads it at start).
    assert!(server.stop().success());
    let server = Server::start_at(&home, &listen, &[], None);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/stats/clinical");
    for (site, data) in [
        ("cn-hospital", "hospital-cn.csv"),
        ("us-hospital", "hospital-us.csv"),
    ] {
        let out = assert_cmd::Command::cargo_bin("freeport")
            .unwrap()
            .args(["stats", "submit"])
            .arg(&study)
            .arg(examples.join(data))
            .args(["--site", site])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }

    // Only China's reviewers publish at China's port; the role is checked before the body.
    for token in [&smith, &audrey] {
        let (status, problem) = call(&server, "POST", "/api/v1/stats/releases", token, "not json");
        assert_eq!(status, 403, "{problem}");
    }
    // A result the aggregator never released (an unsigned request) is refused with the reason.
    let sha = text_sha(&dir.path().join("study.toml.sig"));
    let forged = serde_json::json!({
        "request": {
            "request": { "study": sha, "query": "admissions", "start_day": 20454,
                         "end_day": 20819, "request_id": "ab12" },
            "signature": "AAAA",
        },
        "release": {
            "study_id": "clinical-2026", "study": sha, "query": "admissions",
            "from": "2026-01-01", "until": "2027-01-01", "reports": 5000, "epsilon": 1.0,
            "confidence": 0.99999, "answers": [],
        },
    });
    let (status, problem) = call(
        &server,
        "POST",
        "/api/v1/stats/releases",
        &wang,
        &forged.to_string(),
    );
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("signature"),
        "{problem}"
    );

    // Collected and published through the running port: its log holds the release.
    let (code, stdout, stderr) = collect_at(dir.path(), &server, &wang, "admissions");
    assert_eq!(code, 0, "{stderr}");
    let release: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(release["query"], "admissions");
    let (status, releases) = call(&server, "GET", "/api/v1/stats/releases", &audrey, "");
    assert_eq!(status, 200, "{releases}");
    let first = releases[0]["log_index"].as_u64().unwrap();
    assert_eq!(
        (
            releases[0]["published_by"].as_str(),
            releases[0]["query"].as_str()
        ),
        (Some("wang"), Some("admissions"))
    );
    // Another account's token is refused before anything is collected (nothing spent).
    let (code, _, stderr) = collect_at(dir.path(), &server, &smith, "stay_mean_by_diagnosis");
    assert_ne!(code, 0);
    assert!(stderr.contains("would refuse to publish"), "{stderr}");
    drop(server);

    // The port dies after recording a release, before appending its entry: restarted, it
    // appends the queued entry before serving.
    let crashed = Server::start_at(&home, &listen, &[], Some("study-release-recorded"));
    let (code, _, _) = collect_at(dir.path(), &crashed, &wang, "admissions_by_diagnosis");
    assert_ne!(code, 0);
    drop(crashed);
    let server = Server::start_at(&home, &listen, &[], None);
    let (_, releases) = call(&server, "GET", "/api/v1/stats/releases", &audrey, "");
    let releases = releases.as_array().unwrap();
    assert_eq!(releases.len(), 2, "{releases:?}");
    assert_eq!(releases[1]["query"], "admissions_by_diagnosis");
    let second = releases[1]["log_index"].as_u64().unwrap();
    assert!(second > first);
    // Each publication is in the access journal.
    let (_, journal) = call(&server, "GET", "/api/v1/journal", &audrey, "");
    let published = journal
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["action"] == "stats.release" && l["account"] == "wang")
        .count();
    assert_eq!(published, 2, "{journal}");
    assert!(server.stop().success());
    // The port's log verifies (entries past its last checkpoint are covered by the next).
    let verified = freeport_at(
        &home,
        &["log", "verify", &home.join("log").to_string_lossy()],
    );
    assert!(verified.status.success(), "{verified:?}");
}

/// The study's SHA-256 from its signature file.
fn text_sha(sig: &Path) -> String {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(sig).unwrap()).unwrap();
    v["study_sha256"].as_str().unwrap().to_owned()
}
