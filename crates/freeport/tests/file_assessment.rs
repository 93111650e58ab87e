//! Filing by uploading a `freeport assess` result (issue 13 items 3 and 5), as separate
//! processes: the exporter assesses at home (its own home, store and log), a port runs in
//! another home, and `freeport file OUT_DIR` uploads the assessment as a job (`202` +
//! `Location`, polled) that the port verifies before it files.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{Server, freeport, root};
use serde_json::Value;
use sha2::Digest as _;

/// `freeport assess` of the bundled e-commerce example in the exporter's own home, into `out`.
fn assess(home: &Path, out: &Path) {
    let example = root().join("examples/assess/ecommerce-cn-us");
    let output = freeport(
        home,
        &[
            "assess",
            example.join("orders.csv").to_str().unwrap(),
            "--transfer",
            example.join("transfer.toml").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
}

fn account(home: &Path, args: &[&str]) -> String {
    let output = freeport(
        home,
        &[&["account", "add"], args, &["--format", "json"]].concat(),
    );
    assert!(output.status.success(), "{output:?}");
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    value["token"].as_str().unwrap().to_owned()
}

/// `freeport ARGS` as a client of `server` with `token` (no home: the exporter's machine).
fn client(server: &Server, token: &str, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_PORT_URL", &server.base)
        .env("FREEPORT_TOKEN", token)
        .env_remove("FREEPORT_HOME")
        .args(args)
        .output()
        .unwrap()
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of the assessment in `out` with `name` replaced by `edit` of it.
fn tampered(out: &Path, into: &Path, name: &str, edit: impl Fn(String) -> String) {
    std::fs::create_dir_all(into).unwrap();
    for file in [
        "facts.json",
        "report.json",
        "receipt.tlog-proof",
        "trust-policy.txt",
    ] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let text = if file == name { edit(text) } else { text };
        std::fs::write(into.join(file), text).unwrap();
    }
}

/// How many filings `token` sees.
fn filings(server: &Server, token: &str) -> usize {
    let text = ureq::get(&format!("{}/api/v1/filings", server.base))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn an_assessment_is_filed_as_a_job_verified_once_and_refused_when_its_parts_disagree() {
    let dir = tempfile::tempdir().unwrap();
    // The exporter's own machine: assess at home.
    let exporter_home = dir.path().join("exporter");
    let out = dir.path().join("out");
    assess(&exporter_home, &out);
    let facts: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("facts.json")).unwrap()).unwrap();
    assert!(
        !facts["data"]["inventory"].as_array().unwrap().is_empty(),
        "facts.json carries the scanned inventory: {facts}"
    );
    assert!(facts.get("prior_volumes").is_none());

    // The port: another home, another process.
    let port_home = dir.path().join("port");
    assert!(freeport(&port_home, &["init"]).status.success());
    let alice = account(
        &port_home,
        &[
            "alice",
            "--name",
            "Alice",
            "--role",
            "exporter",
            "--organisation",
            "acme",
        ],
    );
    let carol = account(
        &port_home,
        &[
            "carol",
            "--name",
            "Carol",
            "--role",
            "exporter",
            "--organisation",
            "acme",
        ],
    );
    let bob = account(
        &port_home,
        &[
            "bob",
            "--name",
            "Bob",
            "--role",
            "exporter",
            "--organisation",
            "globex",
        ],
    );
    let auditor = account(&port_home, &["ann", "--name", "Ann", "--role", "auditor"]);
    let server = Server::start_with(&port_home, &[], None);

    // Filed: the port verified the receipt and the report, and judged the facts itself.
    let out_arg = out.to_str().unwrap();
    let filed = client(&server, &alice, &["file", out_arg, "--format", "json"]);
    assert!(
        filed.status.code() == Some(0) || filed.status.code() == Some(1),
        "{filed:?}"
    );
    let filing = json(&filed);
    let id = filing["id"].as_str().unwrap().to_owned();
    let from = &filing["assessment"];
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(from["exporter_transfer"], report["cover"]["transfer_id"]);
    assert_eq!(from["log_index"], report["cover"]["log"]["leaf_index"]);
    assert_eq!(from["log_origin"], report["cover"]["log"]["origin"]);
    assert_eq!(from["report_sha256"].as_str().unwrap().len(), 64);
    // Kept at the port as the bytes that hash binds, named by their own SHA-256.
    let sha = from["report_sha256"].as_str().unwrap();
    let kept = std::fs::read(port_home.join("attachments").join(sha)).unwrap();
    let digest: String = sha2::Sha256::digest(&kept)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, sha);
    assert_eq!(filing["organisation"], "acme");

    // The same assessment again, by a colleague: the filing it made, nothing filed twice.
    let again = client(&server, &carol, &["file", out_arg]);
    let text = String::from_utf8_lossy(&again.stdout).into_owned();
    assert!(
        text.contains(&format!("this assessment was filed before, as {id}")),
        "{again:?}"
    );
    assert!(text.contains("filed from assessment"), "{text}");
    assert_eq!(filings(&server, &auditor), 1);

    // Parts that do not belong together are refused, naming the part; nothing is filed.
    let refused_parts = [
        (
            "report.json",
            "report",
            Box::new(|t: String| t.replacen("\"transfer_date\": \"", "\"transfer_date\": \"1", 1))
                as Box<dyn Fn(String) -> String>,
        ),
        (
            "report.json",
            "report",
            Box::new(|t: String| t.replacen("\"schema\": 2", "\"schema\": 3", 1)),
        ),
        (
            "receipt.tlog-proof",
            "receipt",
            Box::new(|t: String| t.replacen("index ", "index 9", 1)),
        ),
        (
            "trust-policy.txt",
            "trust_policy",
            Box::new(|_| "not a policy\n".to_owned()),
        ),
        (
            "facts.json",
            "facts",
            Box::new(|t: String| t.replacen("\"category\": \"", "\"category\": \"person.", 1)),
        ),
    ];
    for (n, (file, field, edit)) in refused_parts.iter().enumerate() {
        let bad = dir.path().join(format!("bad-{n}"));
        tampered(&out, &bad, file, edit);
        let output = client(&server, &bob, &["file", bad.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{file}: {output:?}");
        let err = stderr(&output);
        assert!(
            err.contains(&format!("`{field}`"))
                || err.contains(&format!("{field}."))
                || err.contains(field),
            "{file} should be refused naming `{field}`: {err}"
        );
    }
    // A report whose content changed after it was logged: its hash no longer matches the one
    // the receipt's entry binds.
    let bad = dir.path().join("bad-hash");
    tampered(&out, &bad, "report.json", |t| {
        t.replacen("\"tool_version\": \"", "\"tool_version\": \"x", 1)
    });
    let output = client(&server, &bob, &["file", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("binds"), "{}", stderr(&output));
    // Nothing of those was filed.
    assert_eq!(filings(&server, &auditor), 1);

    // The job over HTTP: 202 + Location, polled; another organisation's poll is 404; an auditor
    // may not start one (403, and no job).
    let body = serde_json::json!({
        "facts": std::fs::read_to_string(out.join("facts.json")).unwrap(),
        "report": std::fs::read_to_string(out.join("report.json")).unwrap(),
        "receipt": std::fs::read_to_string(out.join("receipt.tlog-proof")).unwrap(),
        "trust_policy": std::fs::read_to_string(out.join("trust-policy.txt")).unwrap(),
    })
    .to_string();
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let post = |token: &str| {
        agent
            .post(&format!("{}/api/v1/assessments", server.base))
            .header("Authorization", &format!("Bearer {token}"))
            .content_type("application/json")
            .send(body.as_bytes())
            .unwrap()
    };
    let accepted = post(&alice);
    assert_eq!(accepted.status().as_u16(), 202);
    let location = accepted
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_owned();
    assert!(location.starts_with("/api/v1/jobs/"), "{location}");
    let poll = |token: &str| {
        let mut response = agent
            .get(&format!("{}{location}", server.base))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        (status, serde_json::from_str::<Value>(&text).unwrap())
    };
    let mut job = poll(&alice).1;
    for _ in 0..200 {
        if job["state"] != "running" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        job = poll(&alice).1;
    }
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["filing"], id.as_str());
    assert_eq!(job["created"], false);
    let (status, problem) = poll(&bob);
    assert_eq!(status, 404, "{problem}");
    let forbidden = post(&auditor);
    assert_eq!(forbidden.status().as_u16(), 403);
    let mut bad_json = agent
        .post(&format!("{}/api/v1/assessments", server.base))
        .header("Authorization", &format!("Bearer {alice}"))
        .content_type("application/json")
        .send(&b"{\"facts\": 1}"[..])
        .unwrap();
    assert_eq!(bad_json.status().as_u16(), 400);
    let problem: Value =
        serde_json::from_str(&bad_json.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(problem["code"], "freeport::api::bad_json");
    // The port stops gracefully with a job table in memory and nothing running.
    assert!(server.stop().success());
}
