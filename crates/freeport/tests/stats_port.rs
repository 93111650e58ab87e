//! A port hosting its country's joint-statistics aggregator (issue 20 item 3), as separate
//! processes with separate homes: `freeport stats aggregator init` into the port home,
//! `freeport serve` mounting its `/stats/v1` endpoints, the study approved only by the
//! reviewers of the aggregator's country through their accounts (role checked before the body),
//! journaled, recorded in the study registry and logged by the running port — an approval
//! whose entry a crash left unappended is appended when the port restarts, and logged once —
//! and a port refusing to start on a `stats-aggregator` directory that is not an aggregator's.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

mod common;

use std::path::Path;

use common::{Server, freeport};
use serde_json::Value;

fn json(output: &std::process::Output) -> Value {
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `freeport account add ARGS --format json`: the token.
fn account(home: &Path, args: &[&str]) -> String {
    let value = json(&freeport(
        home,
        &[&["account", "add"], args, &["--format", "json"]].concat(),
    ));
    value["token"].as_str().unwrap().to_owned()
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
    assert!(freeport(&home, &["init"]).status.success());
    // The cn aggregator inside the port home; the us one and the collector elsewhere.
    let cn = json(&freeport(
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
    let us = json(&freeport(
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
    let coll = json(&freeport(
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
    let key = |v: &Value, k: &str| v[k].as_str().unwrap().to_owned();
    let template = common::root().join("examples/stats/clinical/study.template.toml");
    let text = std::fs::read_to_string(template)
        .unwrap()
        .replace("@COLLECTOR_SIGNING@", &key(&coll, "signing_key"))
        .replace("@COLLECTOR_HPKE@", &key(&coll, "hpke_key"))
        .replace("@CN_HPKE@", &key(&cn, "hpke_key"))
        .replace("@US_HPKE@", &key(&us, "hpke_key"))
        .replace("@CN_PORT@", "1")
        .replace("@US_PORT@", "2");
    let study = dir.path().join("study.toml");
    std::fs::write(&study, &text).unwrap();
    assert!(
        freeport(
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

    let wang = account(
        &home,
        &[
            "wang",
            "--role",
            "cn_reviewer",
            "--name",
            "Wang",
            "--key-held-by-port",
        ],
    );
    let smith = account(
        &home,
        &[
            "smith",
            "--role",
            "us_reviewer",
            "--name",
            "Smith",
            "--key-held-by-port",
        ],
    );
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
    assert!(freeport(&home, &["init"]).status.success());
    let wang = account(
        &home,
        &[
            "wang",
            "--role",
            "cn_reviewer",
            "--name",
            "Wang",
            "--key-held-by-port",
        ],
    );
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
    let out = freeport(&home, &["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("aggregator.json"), "{stderr}");
}
