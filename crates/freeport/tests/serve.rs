//! The port as separate processes on loopback (issue 13): `freeport init`, accounts made on the
//! port's host, `freeport serve`, and exporters and reviewers talking to it over HTTP with their
//! own tokens and keys.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};

use assert_cmd::Command;
use assert_cmd::cargo::CommandCargoExt as _;
use common::{Server, freeport, root};
use freeport_policy::Jurisdiction;
use freeport_port::port::{DecisionFields, Verdict, decision_entry, decision_note_text};
use freeport_tlog::note::{load_signing_key, sign_note};
use serde_json::{Value, json};

impl Server {
    fn start(home: &Path) -> Self {
        Self::start_with(home, &[], None)
    }

    fn start_with_fault(home: &Path, fault: Option<&str>) -> Self {
        Self::start_with(home, &[], fault)
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    )
}

/// One request: the status, the content type and the JSON body.
fn call(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String, Value) {
    let url = format!("{}{path}", server.base);
    let agent = agent();
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut response = match (method, body) {
        ("GET", _) => {
            let mut request = agent.get(&url);
            if let Some(auth) = &auth {
                request = request.header("Authorization", auth);
            }
            request.call().unwrap()
        }
        (_, body) => {
            let mut request = agent.post(&url).content_type("application/json");
            if let Some(auth) = &auth {
                request = request.header("Authorization", auth);
            }
            request.send(body.unwrap_or("").as_bytes()).unwrap()
        }
    };
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.body_mut().read_to_string().unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, content_type, value)
}

/// `POST /api/v1/filings` declaring a 3 MiB body and sending none: the status, content type
/// and JSON body of the answer.
fn declare_oversized(server: &Server, token: &str) -> (u16, String, Value) {
    use std::io::{Read as _, Write as _};
    let addr = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    // A server that waited for the body instead would fail the test, not hang it.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /api/v1/filings HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        3 << 20
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .unwrap_or("")
        .to_owned();
    (
        status,
        content_type,
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// The publications of one kind (`rules`, `reasons`, `subsidy_notice`, …), in order.
fn of_kind<'a>(published: &'a Value, kind: &str) -> Vec<&'a Value> {
    published
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == kind)
        .collect()
}

fn filing_json(name: &str) -> String {
    let text =
        std::fs::read_to_string(root().join(format!("examples/port/filings/{name}.toml"))).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_string(&value).unwrap()
}

/// `freeport account add ARGS --format json` on the port's host: the new account's token.
fn add_account(home: &Path, args: &[&str]) -> String {
    token(&freeport(
        home,
        &[&["account", "add"], args, &["--format", "json"]].concat(),
    ))
}

fn token(output: &std::process::Output) -> String {
    assert!(output.status.success(), "{output:?}");
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    value["token"].as_str().unwrap().to_owned()
}

/// A signed decision request, built as a reviewer's client builds it.
fn decision(
    key_file: &Path,
    reviewer: &str,
    side: Jurisdiction,
    filing: &Value,
    verdict: Verdict,
    conditions: &[String],
    reasons: &[String],
) -> String {
    let packs = serde_json::from_value::<freeport_port::port::FilingView>(filing.clone())
        .unwrap()
        .rule_packs();
    let decided_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap()
        .to_string();
    let entry = decision_entry(&DecisionFields {
        filing: filing["id"].as_str().unwrap(),
        side,
        reviewer,
        verdict,
        conditions,
        public_reasons: reasons,
        decided_at: &decided_at,
        rule_packs: &packs,
        judgement: filing["judgement"].as_u64().unwrap(),
        attachments: &[],
    })
    .unwrap();
    let key = load_signing_key(key_file).unwrap();
    let note = sign_note(&decision_note_text(&entry), &key, "decision").unwrap();
    json!({
        "verdict": verdict,
        "conditions": conditions,
        "public_reasons": reasons,
        "decided_at": decided_at,
        "judgement": filing["judgement"],
        "signed_note": note,
    })
    .to_string()
}

#[test]
fn serve_refuses_a_home_that_init_did_not_make() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let output = freeport(&home, &["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("freeport::port::no_home"), "{stderr}");
    assert!(!home.exists(), "serve created the home");
}

#[test]
fn exporters_file_reviewers_decide_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port");
    assert!(freeport(&home, &["init"]).status.success());
    // Each reviewer makes their own key on their own machine; the port gets the public half.
    let wei_key = dir.path().join("wei");
    let sam_key = dir.path().join("sam");
    for (name, prefix) in [("wei", &wei_key), ("sam", &sam_key)] {
        let out = freeport(
            &home,
            &[
                "log",
                "keygen",
                "--name",
                name,
                "--out",
                prefix.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{out:?}");
    }
    let add = |args: &[&str]| add_account(&home, args);
    let alice = add(&[
        "alice",
        "--role",
        "exporter",
        "--organisation",
        "acme",
        "--name",
        "Alice",
    ]);
    let bob = add(&[
        "bob",
        "--role",
        "exporter",
        "--organisation",
        "globex",
        "--name",
        "Bob",
    ]);
    let wei_vkey = wei_key.with_extension("vkey");
    let sam_vkey = sam_key.with_extension("vkey");
    let wei = add(&[
        "wei",
        "--role",
        "cn_reviewer",
        "--name",
        "Wei",
        "--public-key",
        wei_vkey.to_str().unwrap(),
    ]);
    let li = add(&[
        "li",
        "--role",
        "cn_reviewer",
        "--name",
        "Li",
        "--public-key",
        wei_vkey.to_str().unwrap(),
    ]);
    let sam = add(&[
        "sam",
        "--role",
        "us_reviewer",
        "--name",
        "Sam",
        "--public-key",
        sam_vkey.to_str().unwrap(),
    ]);
    let audrey = add(&["audrey", "--role", "auditor", "--name", "Audrey"]);

    let server = Server::start(&home);
    let (status, _, body) = call(&server, "GET", "/healthz", None, None);
    assert_eq!((status, body), (200, Value::String("ok\n".into())));

    // No token, a forged token: 401 problem documents.
    for token in [None, Some("fdp_0000")] {
        let (status, content_type, problem) = call(&server, "GET", "/api/v1/filings", token, None);
        assert_eq!(status, 401);
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(problem["code"], "freeport::port::unauthenticated");
    }

    // Three filings: one cleared at once, one for China's review, one for both sides.
    let (status, _, cleared) = call(
        &server,
        "POST",
        "/api/v1/filings",
        Some(&bob),
        Some(&filing_json("cleared-at-once")),
    );
    assert_eq!(status, 201, "{cleared}");
    assert_eq!(cleared["status"], "cleared");
    let (_, _, china) = call(
        &server,
        "POST",
        "/api/v1/filings",
        Some(&alice),
        Some(&filing_json("china-review")),
    );
    assert_eq!(china["status"], "in_review");
    let (_, _, both) = call(
        &server,
        "POST",
        "/api/v1/filings",
        Some(&alice),
        Some(&filing_json("both-sides")),
    );
    let sides: Vec<&str> = both["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["side"].as_str().unwrap())
        .collect();
    assert_eq!(sides, ["cn", "us"]);

    // Tenancy: bob does not see alice's filing; the US reviewer sees only the filing with a US
    // case; an exporter may not list queues.
    let china_path = format!("/api/v1/filings/{}", china["id"].as_str().unwrap());
    let (status, _, problem) = call(&server, "GET", &china_path, Some(&bob), None);
    assert_eq!(
        (status, problem["code"].as_str()),
        (404, Some("freeport::port::not_found"))
    );
    let (_, _, seen) = call(&server, "GET", "/api/v1/filings", Some(&sam), None);
    assert_eq!(seen.as_array().unwrap().len(), 1);
    let (status, _, _) = call(&server, "GET", "/api/v1/cases", Some(&alice), None);
    assert_eq!(status, 403);

    // Bad input: malformed JSON, an unknown category, a wrong type: 4xx naming the field.
    let (status, content_type, problem) = call(
        &server,
        "POST",
        "/api/v1/filings",
        Some(&alice),
        Some("{not json"),
    );
    assert_eq!(
        (status, content_type.as_str()),
        (422, "application/problem+json"),
        "{problem}"
    );
    let unknown = filing_json("china-review").replace("contact.email", "contact.telepathy");
    let (status, _, problem) = call(
        &server,
        "POST",
        "/api/v1/filings",
        Some(&alice),
        Some(&unknown),
    );
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("telepathy"),
        "{problem}"
    );

    // China approves the China-only filing with conditions; the second CN reviewer gets 409.
    let conditions = vec!["file the standard contract within 10 working days".to_owned()];
    let body = decision(
        &wei_key.with_extension("key"),
        "wei",
        Jurisdiction::Cn,
        &china,
        Verdict::ApproveWithConditions,
        &conditions,
        &[],
    );
    let (status, _, decided) = call(
        &server,
        "POST",
        &format!("{china_path}/decision"),
        Some(&wei),
        Some(&body),
    );
    assert_eq!(status, 200, "{decided}");
    assert!(decided["log_index"].is_u64());
    let late = decision(
        &wei_key.with_extension("key"),
        "li",
        Jurisdiction::Cn,
        &china,
        Verdict::Approve,
        &[],
        &[],
    );
    let (status, _, problem) = call(
        &server,
        "POST",
        &format!("{china_path}/decision"),
        Some(&li),
        Some(&late),
    );
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("freeport::port::conflict"))
    );
    let (_, _, after) = call(&server, "GET", &china_path, Some(&alice), None);
    assert_eq!(after["status"], "cleared");

    // The US refuses the two-sided filing with public reasons.
    let both_path = format!("/api/v1/filings/{}", both["id"].as_str().unwrap());
    let reasons =
        vec!["the vendor's CISA security attestation does not cover the claims system".to_owned()];
    let body = decision(
        &sam_key.with_extension("key"),
        "sam",
        Jurisdiction::Us,
        &both,
        Verdict::Refuse,
        &[],
        &reasons,
    );
    let (status, _, decided) = call(
        &server,
        "POST",
        &format!("{both_path}/decision"),
        Some(&sam),
        Some(&body),
    );
    assert_eq!(status, 200, "{decided}");
    let (_, _, after) = call(&server, "GET", &both_path, Some(&audrey), None);
    assert_eq!(after["status"], "refused");
    assert_eq!(after["cases"][1]["public_reasons"][0], reasons[0].as_str());

    // The refusal's public reasons are published: anyone reads them, without an account, as
    // JSON and as an Atom feed.
    let (status, _, published) = call(&server, "GET", "/api/v1/publications", None, None);
    assert_eq!(status, 200);
    // First the two rule packs the port judges with, each published once when it opened.
    let kinds: Vec<&str> = published
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["rules", "rules", "reasons"], "{published}");
    let refusal = &of_kind(&published, "reasons")[0];
    assert_eq!(refusal["filing"], both["id"]);
    assert_eq!(refusal["public_reasons"][0], reasons[0].as_str());
    let (status, content_type, feed) =
        call(&server, "GET", "/api/v1/publications.atom", None, None);
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/atom+xml; charset=utf-8")
    );
    assert!(
        feed.as_str().unwrap().contains("CISA security attestation"),
        "{feed}"
    );

    // The auditor reads the journal of every change.
    let (status, _, journal) = call(&server, "GET", "/api/v1/journal", Some(&audrey), None);
    assert_eq!(status, 200);
    let actions: Vec<&str> = journal
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    for action in [
        "account.create",
        "filing.create",
        "case.permit_with_conditions",
        "filing.clear",
        "case.deny",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
    // Oversized bodies are refused from their declared length, before they are read: only the
    // headers are sent (a client writing the whole body may meet the closed connection first).
    let (status, content_type, problem) = declare_oversized(&server, &alice);
    assert_eq!(status, 413, "{problem}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(problem["code"], "freeport::api::too_large");

    // The OpenAPI document the binary serves is the one generated (and snapshot-tested).
    let (status, _, openapi) = call(&server, "GET", "/openapi.json", None, None);
    assert_eq!(status, 200);
    assert_eq!(
        openapi,
        serde_json::from_str::<Value>(&freeport_server::api::openapi_json()).unwrap()
    );
    // Metrics count by route template, never by the ids requested.
    let (status, _, metrics) = call(&server, "GET", "/metrics", None, None);
    assert_eq!(status, 200);
    let metrics = metrics.as_str().unwrap();
    assert!(
        metrics.contains(
            r#"freeport_http_requests_total{method="POST",route="/api/v1/filings",status="201"} 3"#
        ),
        "{metrics}"
    );
    assert!(!metrics.contains("F-2026-"), "{metrics}");
    assert!(server.stop().success());
}

/// A free loopback port (bound, then released for a child process to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `freeport witness serve`.
struct WitnessProcess(Child);

impl WitnessProcess {
    fn start(dir: &Path, name: &str, port: u16, log_vkey: &Path) -> Self {
        let mut child = Process::cargo_bin("freeport")
            .unwrap()
            .current_dir(dir)
            .args([
                "witness",
                "serve",
                "--key",
                &format!("{name}.key"),
                "--state",
                &format!("{name}-state.json"),
                "--log",
                log_vkey.to_str().unwrap(),
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.contains("cosigning"), "{line}");
        Self(child)
    }
}

impl Drop for WitnessProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The size of a published checkpoint note (its second line).
fn checkpoint_size(note: &Value) -> u64 {
    note.as_str()
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn each_country_runs_its_own_witness_and_a_witness_down_only_delays_cosigning() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port");
    assert!(freeport(&home, &["init"]).status.success());
    let log_vkey = home.join("keys/log.vkey");
    // Each witness: its own directory, key and state, its own process.
    let mut witnesses = Vec::new();
    let mut ports = Vec::new();
    for (name, key_name) in [("cn", "witness.cac.example"), ("us", "witness.doj.example")] {
        let wdir = dir.path().join(format!("witness-{name}"));
        std::fs::create_dir_all(&wdir).unwrap();
        let out = freeport(
            &wdir,
            &[
                "witness",
                "keygen",
                "--name",
                key_name,
                "--out",
                wdir.join(name).to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{out:?}");
        let port = free_port();
        witnesses.push(Some(WitnessProcess::start(&wdir, name, port, &log_vkey)));
        ports.push(port);
        // The port pins the key the witness publishes.
        let out = freeport(
            &home,
            &["witness", "add", name, &format!("http://127.0.0.1:{port}")],
        );
        assert!(out.status.success(), "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(key_name),
            "{out:?}"
        );
    }
    let wei_key = dir.path().join("wei");
    assert!(
        freeport(
            &home,
            &[
                "log",
                "keygen",
                "--name",
                "wei",
                "--out",
                wei_key.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    let add = |args: &[&str]| add_account(&home, args);
    let alice = add(&[
        "alice",
        "--role",
        "exporter",
        "--organisation",
        "acme",
        "--name",
        "Alice",
    ]);
    let wei_vkey = wei_key.with_extension("vkey");
    let wei = add(&[
        "wei",
        "--role",
        "cn_reviewer",
        "--name",
        "Wei",
        "--public-key",
        wei_vkey.to_str().unwrap(),
    ]);
    let server = Server::start(&home);

    // The trust policy names the witnesses' published keys, not local ones.
    let (_, _, policy) = call(&server, "GET", "/api/v1/log/trust-policy", None, None);
    let policy = policy.as_str().unwrap().to_owned();
    assert!(
        policy.contains("witness cn witness.cac.example+"),
        "{policy}"
    );
    assert!(
        policy.contains("witness us witness.doj.example+"),
        "{policy}"
    );
    assert!(!policy.contains("witness-cn.freeport.local"), "{policy}");

    let decide = |name: &str| {
        let (_, _, filing) = call(
            &server,
            "POST",
            "/api/v1/filings",
            Some(&alice),
            Some(&filing_json(name)),
        );
        let body = decision(
            &wei_key.with_extension("key"),
            "wei",
            Jurisdiction::Cn,
            &filing,
            Verdict::Approve,
            &[],
            &[],
        );
        let path = format!(
            "/api/v1/filings/{}/decision",
            filing["id"].as_str().unwrap()
        );
        let (status, _, decided) = call(&server, "POST", &path, Some(&wei), Some(&body));
        assert_eq!(status, 200, "{decided}");
        decided["log_index"].as_u64().unwrap()
    };
    // Both witnesses up: the decision's entry is in a checkpoint both cosigned.
    let first = decide("china-review");
    let (status, _, note) = call(&server, "GET", "/api/v1/log/checkpoint", None, None);
    assert_eq!(status, 200);
    assert_eq!(checkpoint_size(&note), first + 1);
    let text = note.as_str().unwrap();
    assert!(text.contains("— witness.cac.example "), "{text}");
    assert!(text.contains("— witness.doj.example "), "{text}");

    // The US witness goes down: the next decision is still taken and logged, and the published
    // checkpoint waits for it.
    witnesses[1] = None;
    let second = decide("china-review");
    assert_eq!(second, first + 1);
    let (_, _, note) = call(&server, "GET", "/api/v1/log/checkpoint", None, None);
    assert_eq!(checkpoint_size(&note), first + 1);

    // It comes back (same key, same state): the port catches up within a few retries.
    let wdir = dir.path().join("witness-us");
    witnesses[1] = Some(WitnessProcess::start(&wdir, "us", ports[1], &log_vkey));
    let mut caught_up = false;
    for _ in 0..50 {
        let (_, _, note) = call(&server, "GET", "/api/v1/log/checkpoint", None, None);
        if checkpoint_size(&note) == second + 1 {
            let text = note.as_str().unwrap();
            assert!(text.contains("— witness.doj.example "), "{text}");
            caught_up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(
        caught_up,
        "the checkpoint did not catch up after the witness returned"
    );
    assert!(server.stop().success());
}

#[test]
fn a_cleared_filing_is_logged_with_a_receipt_and_survives_a_crash_before_its_append() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port");
    assert!(freeport(&home, &["init"]).status.success());
    let alice = token(&freeport(
        &home,
        &[
            "account",
            "add",
            "alice",
            "--role",
            "exporter",
            "--organisation",
            "acme",
            "--name",
            "Alice",
            "--format",
            "json",
        ],
    ));

    // The port dies (abort, as a power cut) after recording the filing, before its log append.
    let crashed = Server::start_with_fault(&home, Some("filing-recorded"));
    let url = format!("{}/api/v1/filings", crashed.base);
    let answer = agent()
        .post(&url)
        .header("Authorization", &format!("Bearer {alice}"))
        .content_type("application/json")
        .send(filing_json("cleared-at-once").as_bytes());
    assert!(answer.is_err(), "the port answered instead of dying");
    drop(crashed);

    // Restarted: the recorded filing's entry is appended before anything is served, so store
    // and log agree; a receipt follows once the witnesses cosigned (every 2 s).
    let server = Server::start(&home);
    let (status, _, filings) = call(&server, "GET", "/api/v1/filings", Some(&alice), None);
    assert_eq!(status, 200);
    let id = filings[0]["id"].as_str().unwrap().to_owned();
    let (_, _, filing) = call(
        &server,
        "GET",
        &format!("/api/v1/filings/{id}"),
        Some(&alice),
        None,
    );
    assert_eq!(filing["status"], "cleared");
    // After the two rule packs' entries, published when the port first opened.
    assert_eq!(filing["log_index"], 2, "{filing}");
    // A second filing: logged at once, next index.
    let (status, _, second) = call(
        &server,
        "POST",
        "/api/v1/filings",
        Some(&alice),
        Some(&filing_json("cleared-at-once")),
    );
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["log_index"], 3, "{second}");
    let receipt_path = format!("/api/v1/filings/{}/receipt", second["id"].as_str().unwrap());
    let mut receipt = None;
    for _ in 0..50 {
        let (status, _, body) = call(&server, "GET", &receipt_path, Some(&alice), None);
        if status == 200 {
            receipt = Some(body.as_str().unwrap().to_owned());
            break;
        }
        assert_eq!(status, 404, "{body}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let receipt = receipt.expect("no receipt after 10 s");
    // The receipt verifies offline under the port's trust policy (the log and both witnesses).
    let receipt_file = dir.path().join("filing.tlog-proof");
    std::fs::write(&receipt_file, &receipt).unwrap();
    let (_, _, policy) = call(&server, "GET", "/api/v1/log/trust-policy", None, None);
    let policy_file = dir.path().join("policy.txt");
    std::fs::write(&policy_file, policy.as_str().unwrap()).unwrap();
    let verified = freeport(
        dir.path(),
        &[
            "log",
            "verify-receipt",
            receipt_file.to_str().unwrap(),
            "--policy",
            policy_file.to_str().unwrap(),
        ],
    );
    assert!(verified.status.success(), "{verified:?}");
    assert!(server.stop().success());
}

/// A CN reviewer `wei` with their own key made in `dir` (as on their own machine), its public
/// half registered at the port: the token and the key files' prefix.
fn cn_reviewer(home: &Path, dir: &Path) -> (String, PathBuf) {
    let key = dir.join("wei");
    let keygen = freeport(
        home,
        &[
            "log",
            "keygen",
            "--name",
            "wei",
            "--out",
            key.to_str().unwrap(),
        ],
    );
    assert!(keygen.status.success(), "{keygen:?}");
    let vkey = key.with_extension("vkey");
    let token = add_account(
        home,
        &[
            "wei",
            "--role",
            "cn_reviewer",
            "--name",
            "Wei",
            "--public-key",
            vkey.to_str().unwrap(),
        ],
    );
    (token, key)
}

/// `POST path` with `body`, or `None` when the connection fails (the port was killed).
fn try_post(base: &str, path: &str, token: &str, body: &str) -> Option<(u16, Value)> {
    let mut response = agent()
        .post(&format!("{base}{path}"))
        .header("Authorization", &format!("Bearer {token}"))
        .content_type("application/json")
        .send(body.as_bytes())
        .ok()?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().ok()?;
    Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// `GET path`, or `None` when the connection fails.
fn try_get(base: &str, path: &str, token: &str) -> Option<Value> {
    let mut response = agent()
        .get(&format!("{base}{path}"))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .ok()?;
    let text = response.body_mut().read_to_string().ok()?;
    serde_json::from_str(&text).ok()
}

freeport_testdb::both! {
    fn twenty_kills_during_filings_and_reviews_lose_nothing_acknowledged(db) {
        twenty_kills(db);
    }
}

/// `kill -9` of the port 20 times mid-traffic, with its store in SQLite (the home's file) or in
/// PostgreSQL (`db`).
fn twenty_kills(db: &freeport_testdb::TestDb) {
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port");
    let init = if db.is_postgres() {
        freeport(&home, &["init", "--database", db.target()])
    } else {
        freeport(&home, &["init"])
    };
    assert!(init.status.success(), "{init:?}");
    let (wei, wei_key) = cn_reviewer(&home, dir.path());
    let add = |args: &[&str]| add_account(&home, args);
    let exporters = [
        add(&[
            "alice",
            "--role",
            "exporter",
            "--organisation",
            "acme",
            "--name",
            "Alice",
        ]),
        add(&[
            "bob",
            "--role",
            "exporter",
            "--organisation",
            "globex",
            "--name",
            "Bob",
        ]),
    ];
    let auditor = add(&["audit", "--role", "auditor", "--name", "Audit"]);
    let bodies = [filing_json("cleared-at-once"), filing_json("china-review")];
    // Every answer the port acknowledged: filings with 201, decisions with 200.
    let filed: Arc<Mutex<Vec<Value>>> = Arc::default();
    let decided: Arc<Mutex<Vec<String>>> = Arc::default();
    for round in 0..20_u64 {
        let server = Server::start(&home);
        let base = server.base.clone();
        let mut clients = Vec::new();
        for (n, token) in exporters.iter().enumerate() {
            for body in &bodies {
                let (base, token, body) = (base.clone(), token.clone(), body.clone());
                let filed = Arc::clone(&filed);
                clients.push(std::thread::spawn(move || {
                    while let Some((status, filing)) =
                        try_post(&base, "/api/v1/filings", &token, &body)
                    {
                        assert_eq!(status, 201, "exporter {n}: {filing}");
                        filed.lock().unwrap().push(filing);
                    }
                }));
            }
        }
        let reviewer = {
            let (base, wei, key) = (base.clone(), wei.clone(), wei_key.with_extension("key"));
            let decided = Arc::clone(&decided);
            std::thread::spawn(move || {
                while let Some(cases) = try_get(&base, "/api/v1/cases?status=open", &wei) {
                    for case in cases.as_array().into_iter().flatten().take(3) {
                        let id = case["filing"].as_str().unwrap().to_owned();
                        let Some(filing) = try_get(&base, &format!("/api/v1/filings/{id}"), &wei)
                        else {
                            return;
                        };
                        let body = decision(
                            &key,
                            "wei",
                            Jurisdiction::Cn,
                            &filing,
                            Verdict::Approve,
                            &[],
                            &[],
                        );
                        let path = format!("/api/v1/filings/{id}/decision");
                        match try_post(&base, &path, &wei, &body) {
                            Some((200, _)) => decided.lock().unwrap().push(id),
                            // Cleared filings of the same organisation since moved its volumes:
                            // the filing was judged again, and is decided on that next time.
                            Some((409, problem))
                                if problem["detail"]
                                    .as_str()
                                    .is_some_and(|d| d.contains("judged again")) => {}
                            Some((status, problem)) => assert_eq!(status, 200, "{problem}"),
                            None => return,
                        }
                    }
                }
            })
        };
        // Killed (SIGKILL) at a different moment each round, mid-traffic.
        std::thread::sleep(std::time::Duration::from_millis(150 + (round * 37) % 400));
        drop(server);
        for client in clients {
            client.join().unwrap();
        }
        reviewer.join().unwrap();
    }
    let filed = filed.lock().unwrap().clone();
    let decided = decided.lock().unwrap().clone();
    assert!(
        filed.len() >= 20,
        "only {} filings acknowledged",
        filed.len()
    );
    assert!(!decided.is_empty(), "no decision acknowledged");

    // Restarted once more: the store holds every acknowledged filing and decision, every
    // cleared filing's entry is in the log, nothing is left queued.
    let server = Server::start(&home);
    let (status, _, all) = call(&server, "GET", "/api/v1/filings", Some(&auditor), None);
    assert_eq!(status, 200);
    let known: std::collections::BTreeSet<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    let mut indices = std::collections::BTreeSet::new();
    for acknowledged in &filed {
        let id = acknowledged["id"].as_str().unwrap();
        assert!(known.contains(id), "acknowledged filing {id} is gone");
        if acknowledged["status"] == "cleared" {
            let (_, _, now) = call(
                &server,
                "GET",
                &format!("/api/v1/filings/{id}"),
                Some(&auditor),
                None,
            );
            assert_eq!(now["log_index"], acknowledged["log_index"], "{id}");
            assert!(indices.insert(now["log_index"].as_u64().unwrap()), "{id}");
        }
    }
    for id in &decided {
        let (_, _, now) = call(
            &server,
            "GET",
            &format!("/api/v1/filings/{id}"),
            Some(&auditor),
            None,
        );
        assert_eq!(now["status"], "cleared", "decided filing {id}: {now}");
        assert!(now["cases"][0]["log_index"].is_u64(), "{now}");
    }
    drop(server);
    let count = |sql: &str| -> i64 {
        if db.is_postgres() {
            db.query_i64(sql).unwrap()
        } else {
            rusqlite::Connection::open(home.join("freeport.db"))
                .unwrap()
                .query_row(sql, [], |row| row.get(0))
                .unwrap()
        }
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM log_outbox WHERE log_index IS NULL"),
        0
    );
    // Opened 21 times, the port published its two rule packs once.
    let server = Server::start(&home);
    let (_, _, published) = call(&server, "GET", "/api/v1/publications", None, None);
    assert_eq!(of_kind(&published, "rules").len(), 2, "{published}");
    drop(server);
    // Nothing half-done: every filing cleared at once has its entry appended, every decided
    // side its decision entry.
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM filing f WHERE f.status = 'cleared'
             AND NOT EXISTS (SELECT 1 FROM case_side c WHERE c.filing = f.id)
             AND NOT EXISTS (SELECT 1 FROM transfer t JOIN log_outbox o ON o.transfer = t.seq
                             WHERE t.id = f.id AND o.log_index IS NOT NULL)"
        ),
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM case_side WHERE status <> 'open' AND log_index IS NULL"),
        0
    );
}

#[test]
fn a_decision_survives_a_crash_before_its_entry_is_appended() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port");
    assert!(freeport(&home, &["init"]).status.success());
    let (wei, wei_key) = cn_reviewer(&home, dir.path());
    let alice = add_account(
        &home,
        &[
            "alice",
            "--role",
            "exporter",
            "--organisation",
            "acme",
            "--name",
            "Alice",
        ],
    );
    // The port dies (abort, as a power cut) after storing a refusal, before its entries are
    // appended.
    let crashed = Server::start_with_fault(&home, Some("decision-recorded"));
    let (status, _, filing) = call(
        &crashed,
        "POST",
        "/api/v1/filings",
        Some(&alice),
        Some(&filing_json("china-review")),
    );
    assert_eq!(status, 201, "{filing}");
    let reasons = vec!["the recipient's security measures were not described".to_owned()];
    let body = decision(
        &wei_key.with_extension("key"),
        "wei",
        Jurisdiction::Cn,
        &filing,
        Verdict::Refuse,
        &[],
        &reasons,
    );
    let id = filing["id"].as_str().unwrap();
    let path = format!("/api/v1/filings/{id}/decision");
    assert!(try_post(&crashed.base, &path, &wei, &body).is_none());
    drop(crashed);
    // Restarted: the refusal's decision entry and its publication are appended before anything
    // is served; deciding again is a conflict.
    let server = Server::start(&home);
    let (_, _, now) = call(
        &server,
        "GET",
        &format!("/api/v1/filings/{id}"),
        Some(&wei),
        None,
    );
    assert_eq!(now["status"], "refused", "{now}");
    let index = now["cases"][0]["log_index"].as_u64().unwrap();
    let (_, _, published) = call(&server, "GET", "/api/v1/publications", None, None);
    let refusal = &of_kind(&published, "reasons")[0];
    assert_eq!(refusal["filing"], id, "{published}");
    assert_eq!(refusal["log_index"], index);
    let (status, _, _) = call(&server, "POST", &path, Some(&wei), Some(&body));
    assert_eq!(status, 409);
    assert!(server.stop().success());
}

#[test]
fn a_notice_published_from_the_command_line_survives_a_crash_and_is_public() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port");
    assert!(freeport(&home, &["init"]).status.success());
    let admin = add_account(
        &home,
        &["ops", "--role", "admin", "--name", "Port operator"],
    );
    let body = dir.path().join("notice.txt");
    std::fs::write(&body, "申请截止日期为2027年3月31日。\n").unwrap();
    let publish = |server: &Server, title: &str| {
        Command::cargo_bin("freeport")
            .unwrap()
            .env("FREEPORT_PORT_URL", &server.base)
            .env("FREEPORT_TOKEN", &admin)
            .args([
                "publish",
                "--kind",
                "subsidy-notice",
                "--title",
                title,
                "--language",
                "zh",
                "--body-file",
                body.to_str().unwrap(),
                "--format",
                "json",
            ])
            .output()
            .unwrap()
    };
    // The port dies after storing the notice, before its entry is appended.
    let crashed = Server::start_with_fault(&home, Some("notice-recorded"));
    assert!(!publish(&crashed, "跨境科研数据平台补贴").status.success());
    drop(crashed);
    let server = Server::start(&home);
    let (_, _, published) = call(&server, "GET", "/api/v1/publications", None, None);
    let notice = of_kind(&published, "subsidy_notice")[0].clone();
    assert_eq!(notice["title"], "跨境科研数据平台补贴", "{published}");
    assert!(notice["log_index"].is_u64(), "{published}");
    // Published normally: logged at once, in the feed for anyone.
    let out = publish(&server, "第二批补贴");
    assert!(out.status.success(), "{out:?}");
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        answer["log_index"].as_u64(),
        Some(notice["log_index"].as_u64().unwrap() + 1)
    );
    let (_, _, feed) = call(&server, "GET", "/api/v1/publications.atom", None, None);
    let feed = feed.as_str().unwrap();
    assert!(
        feed.contains("第二批补贴") && feed.contains("subsidy_notice"),
        "{feed}"
    );
    assert!(server.stop().success());
}

/// `freeport ARGS` against `server` with `token`, from the repository root.
fn client(server: &Server, token: &str, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("freeport")
        .unwrap()
        .current_dir(root())
        .env("FREEPORT_PORT_URL", &server.base)
        .env("FREEPORT_TOKEN", token)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn a_contested_classification_is_accepted_from_the_command_line_and_judged_again() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port");
    assert!(freeport(&home, &["init"]).status.success());
    let alice = add_account(
        &home,
        &[
            "alice",
            "--role",
            "exporter",
            "--organisation",
            "acme",
            "--name",
            "Alice",
        ],
    );
    let audrey = add_account(&home, &["audrey", "--role", "auditor", "--name", "Audrey"]);
    let (wei, _) = cn_reviewer(&home, dir.path());
    let server = Server::start(&home);

    let filed = client(
        &server,
        &alice,
        &[
            "file",
            "examples/port/filings/airport-names.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(filed.status.code(), Some(1), "{filed:?}");
    let filing: Value = serde_json::from_slice(&filed.stdout).unwrap();
    let id = filing["id"].as_str().unwrap();
    assert_eq!(filing["judgement"], 1);

    // A document attached from a file, listed with its hash, downloaded by the reviewer.
    let pipia = dir.path().join("PIPIA 2026.pdf");
    std::fs::write(&pipia, b"%PDF-1.7 route table PIPIA\n").unwrap();
    let attached = client(
        &server,
        &alice,
        &[
            "case",
            "attach",
            id,
            "--kind",
            "pipia",
            pipia.to_str().unwrap(),
        ],
    );
    assert!(attached.status.success(), "{attached:?}");
    insta::assert_snapshot!("case_attach", stdout(&attached));
    let copy = dir.path().join("copy.pdf");
    let downloaded = client(
        &server,
        &wei,
        &["case", "download", id, "1", "-o", copy.to_str().unwrap()],
    );
    assert!(downloaded.status.success(), "{downloaded:?}");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(&pipia).unwrap()
    );
    let again = client(
        &server,
        &wei,
        &["case", "download", id, "1", "-o", copy.to_str().unwrap()],
    );
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing file is not replaced"
    );
    let hidden = dir.path().join(".hidden");
    std::fs::write(&hidden, b"x").unwrap();
    let tricky = client(
        &server,
        &alice,
        &[
            "case",
            "attach",
            id,
            "--kind",
            "other",
            hidden.to_str().unwrap(),
        ],
    );
    assert_eq!(tricky.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&tricky.stderr);
    assert!(
        stderr.contains("freeport::port::invalid") && stderr.contains("file_name"),
        "{stderr}"
    );
    let shown = client(&server, &alice, &["case", "show", id]);
    let shown = stdout(&shown);
    assert!(shown.contains("pipia") && shown.contains("#1"), "{shown}");
    // Filed with documents in one command; a bad `--attach` files nothing.
    let bad = client(
        &server,
        &alice,
        &[
            "file",
            "examples/port/filings/china-review.toml",
            "--attach",
            "selfie=x.jpg",
        ],
    );
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    let with_documents = client(
        &server,
        &alice,
        &[
            "file",
            "examples/port/filings/china-review.toml",
            "--attach",
            &format!("standard-contract={}", pipia.display()),
            "--format",
            "json",
        ],
    );
    assert_eq!(with_documents.status.code(), Some(1), "{with_documents:?}");
    let second: Value = serde_json::from_slice(&with_documents.stdout).unwrap();
    assert_eq!(
        second["id"], "F-2026-000002",
        "the bad --attach filed nothing"
    );
    assert_eq!(second["attachments"][0]["kind"], "standard_contract");

    let contest = client(
        &server,
        &alice,
        &[
            "case",
            "contest",
            id,
            "--category",
            "person.name",
            "--source",
            "airports.csv:name",
            "--becomes",
            "not_personal_data",
            "--justification",
            "the column holds IATA airport names such as Shanghai Pudong",
        ],
    );
    assert!(contest.status.success(), "{contest:?}");
    insta::assert_snapshot!("case_contest", stdout(&contest));
    // The reviewer refuses nothing by accident: an unknown contest is not found, by code.
    let missing = client(
        &server,
        &wei,
        &[
            "case",
            "rule",
            id,
            "9",
            "--accept",
            "--reason",
            "place names",
        ],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("freeport::port::not_found"),
        "{missing:?}"
    );
    let ruled = client(
        &server,
        &wei,
        &[
            "case",
            "rule",
            id,
            "1",
            "--accept",
            "--reason",
            "the column holds place names, not people's",
        ],
    );
    assert!(ruled.status.success(), "{ruled:?}");
    insta::assert_snapshot!("case_rule_accept", stdout(&ruled));
    let overrides = client(&server, &audrey, &["case", "overrides"]);
    assert!(overrides.status.success(), "{overrides:?}");
    insta::assert_snapshot!("case_overrides", stdout(&overrides));
    let shown = client(&server, &alice, &["case", "show", id, "--format", "json"]);
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["status"], "cleared");
    assert_eq!(shown["judgement"], 2);
    assert_eq!(shown["cases"][0]["status"], "closed");
    assert!(shown["contests"][0]["log_index"].is_u64(), "{shown}");
    let (_, _, journal) = call(&server, "GET", "/api/v1/journal", Some(&audrey), None);
    let actions: Vec<&str> = journal
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"contest.accept"), "{actions:?}");
}

#[test]
fn an_override_survives_a_crash_before_its_entries_are_appended() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("port");
    assert!(freeport(&home, &["init"]).status.success());
    let alice = add_account(
        &home,
        &[
            "alice",
            "--role",
            "exporter",
            "--organisation",
            "acme",
            "--name",
            "Alice",
        ],
    );
    let (wei, _) = cn_reviewer(&home, dir.path());
    // The port dies after storing the override and the new judgement, before the log.
    let crashed = Server::start_with_fault(&home, Some("override-recorded"));
    let (status, _, filing) = call(
        &crashed,
        "POST",
        "/api/v1/filings",
        Some(&alice),
        Some(&filing_json("airport-names")),
    );
    assert_eq!(status, 201, "{filing}");
    let id = filing["id"].as_str().unwrap().to_owned();
    let contest = json!({
        "category": "person.name",
        "becomes": "not_personal_data",
        "justification": "the column holds airport names",
    })
    .to_string();
    let path = format!("/api/v1/filings/{id}/contests");
    let (status, _, _) = call(&crashed, "POST", &path, Some(&alice), Some(&contest));
    assert_eq!(status, 201);
    let ruling = json!({"ruling": "accept", "reason": "place names"}).to_string();
    let path = format!("/api/v1/filings/{id}/contests/1/ruling");
    assert!(try_post(&crashed.base, &path, &wei, &ruling).is_none());
    drop(crashed);
    // Reopened: the override and the filing cleared by the rules are both in the log.
    let server = Server::start(&home);
    let (_, _, shown) = call(
        &server,
        "GET",
        &format!("/api/v1/filings/{id}"),
        Some(&alice),
        None,
    );
    assert_eq!(shown["status"], "cleared", "{shown}");
    assert_eq!(shown["judgement"], 2);
    let override_index = shown["contests"][0]["log_index"].as_u64();
    assert!(override_index.is_some(), "{shown}");
    assert!(shown["log_index"].is_u64(), "{shown}");
    assert_ne!(shown["log_index"].as_u64(), override_index);
}
