//! Every route of the port's API tried with every role and with no token: the answer is the one
//! the role and tenancy allow (issue 13, "Tests try every route with every role and with none"),
//! and every refusal is a problem document.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

mod common;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{facts, fixture};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

async fn status(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, String) {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    if method == "POST" {
        request = request.header("Content-Type", "application/json");
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let _ = response.into_body().collect().await.unwrap();
    (status, content_type)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_with_every_role_and_none() {
    let f = fixture();
    let china = format!("/api/v1/filings/{}", f.china);
    let cleared = format!("/api/v1/filings/{}", f.cleared);
    let new_account = r#"{"id":"newbie","role":"auditor","name":"Newbie"}"#;
    let message = r#"{"body":"a question"}"#;
    // A decision whose signature cannot verify: a reviewer of the right side reaches the
    // signature check (422); everyone else is stopped before it.
    let decision = r#"{"verdict":"approve","decided_at":"2026-12-07T00:00:00Z","judgement":1,"signed_note":"x"}"#;
    let facts_body = facts("cleared-at-once");
    let assessment = serde_json::json!({
        "facts": facts_body,
        "report": "{}",
        "receipt": "",
        "trust_policy": "",
    })
    .to_string();
    let contest = r#"{"category":"person.name","becomes":"not_personal_data","justification":"the column holds airport names"}"#;
    let ruling = r#"{"ruling":"reject","reason":"the column holds people's names"}"#;
    let notice = r#"{"kind":"subsidy_notice","title":"Grants for joint research data platforms","language":"en","body":"Applications open until 31 March 2027."}"#;
    // (method, path, body, expected status per role in the order: none, exporter,
    // other_exporter, cn_reviewer, us_reviewer, auditor, admin)
    let routes: Vec<(&str, String, &str, [u16; 7])> = vec![
        (
            "GET",
            "/api/v1/whoami".into(),
            "",
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/accounts".into(),
            "",
            [401, 403, 403, 403, 403, 200, 200],
        ),
        (
            "POST",
            "/api/v1/accounts".into(),
            new_account,
            [401, 403, 403, 403, 403, 403, 201],
        ),
        (
            "GET",
            "/api/v1/filings".into(),
            "",
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/filings".into(),
            &facts_body,
            [401, 201, 201, 403, 403, 403, 403],
        ),
        // An upload is accepted as a job by exporters (it fails later: these parts are not one
        // assessment); no other role may start one.
        (
            "POST",
            "/api/v1/assessments".into(),
            &assessment,
            [401, 202, 202, 403, 403, 403, 403],
        ),
        // No job by this id for anyone (a job is its starter's and organisation's).
        (
            "GET",
            "/api/v1/jobs/00000000000000000000000000000000".into(),
            "",
            [401, 404, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            china.clone(),
            "",
            [401, 200, 404, 200, 404, 200, 200],
        ),
        (
            "GET",
            cleared.clone(),
            "",
            [401, 404, 200, 404, 404, 200, 200],
        ),
        (
            "POST",
            format!("{china}/messages"),
            message,
            [401, 201, 404, 201, 404, 403, 403],
        ),
        (
            "POST",
            format!("{cleared}/messages"),
            message,
            [401, 404, 409, 404, 404, 403, 403],
        ),
        (
            "POST",
            format!("{china}/decision"),
            decision,
            [401, 403, 403, 422, 404, 403, 403],
        ),
        (
            "POST",
            format!("{china}/contests"),
            contest,
            [401, 201, 404, 403, 403, 403, 403],
        ),
        (
            "POST",
            format!("{cleared}/contests"),
            contest,
            [401, 404, 409, 403, 403, 403, 403],
        ),
        (
            "POST",
            format!("{china}/contests/1/ruling"),
            ruling,
            [401, 403, 403, 200, 404, 403, 403],
        ),
        (
            "POST",
            format!("{china}/contests/one/ruling"),
            ruling,
            [401, 400, 400, 400, 400, 400, 400],
        ),
        (
            "POST",
            format!("{china}/attachments?kind=pipia&file_name=pipia.pdf"),
            "%PDF-1.7",
            [401, 201, 404, 403, 403, 403, 403],
        ),
        (
            "POST",
            format!("{china}/attachments?kind=pipia&file_name=..%2Fpipia.pdf"),
            "%PDF-1.7",
            [401, 422, 404, 403, 403, 403, 403],
        ),
        (
            "POST",
            format!("{china}/attachments?kind=selfie&file_name=pipia.pdf"),
            "%PDF-1.7",
            [401, 422, 422, 422, 422, 422, 422],
        ),
        (
            "POST",
            format!("{cleared}/attachments?kind=pipia&file_name=pipia.pdf"),
            "%PDF-1.7",
            [401, 404, 409, 403, 403, 403, 403],
        ),
        (
            "GET",
            format!("{china}/attachments/1"),
            "",
            [401, 200, 404, 200, 404, 403, 403],
        ),
        (
            "GET",
            format!("{china}/attachments/2"),
            "",
            [401, 404, 404, 404, 404, 403, 403],
        ),
        (
            "GET",
            "/api/v1/overrides".into(),
            "",
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/cases".into(),
            "",
            [401, 403, 403, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/journal".into(),
            "",
            [401, 403, 403, 403, 403, 200, 200],
        ),
        (
            "GET",
            "/api/v1/audit/bundle".into(),
            "",
            [401, 403, 403, 403, 403, 200, 200],
        ),
        (
            "GET",
            format!("{cleared}/receipt"),
            "",
            [401, 404, 200, 404, 404, 200, 200],
        ),
        (
            "GET",
            format!("{china}/receipt"),
            "",
            [401, 409, 404, 409, 404, 409, 409],
        ),
        ("GET", "/api/v1/log/trust-policy".into(), "", [200; 7]),
        ("GET", "/api/v1/publications".into(), "", [200; 7]),
        (
            "POST",
            "/api/v1/publications".into(),
            notice,
            [401, 403, 403, 201, 201, 403, 201],
        ),
        ("GET", "/api/v1/publications.atom".into(), "", [200; 7]),
        ("GET", "/api/v1/rules/cn".into(), "", [200; 7]),
        ("GET", "/api/v1/rules/us".into(), "", [200; 7]),
        ("GET", "/api/v1/rules/xx".into(), "", [404; 7]),
        ("GET", "/healthz".into(), "", [200; 7]),
        ("GET", "/openapi.json".into(), "", [200; 7]),
        ("GET", "/api/v1/nowhere".into(), "", [404; 7]),
    ];
    let mut failures = Vec::new();
    for (method, path, body, expected) in &routes {
        let callers = std::iter::once(("none", None)).chain(
            f.tokens
                .iter()
                .map(|(label, token)| (*label, Some(token.as_str()))),
        );
        for ((label, token), want) in callers.zip(expected) {
            let (got, content_type) = status(&f.app, method, path, token, body).await;
            if got.as_u16() != *want {
                failures.push(format!(
                    "{method} {path} as {label}: {got}, expected {want}"
                ));
            }
            if got.is_client_error() && content_type != "application/problem+json" {
                failures.push(format!(
                    "{method} {path} as {label}: {got} as `{content_type}`"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_replayed_tokens_are_refused() {
    let f = fixture();
    let exporter = &f.tokens[0].1;
    // A token with one character changed, a token of another scheme, a truncated token.
    let mut forged = exporter.clone();
    forged.pop();
    forged.push('0');
    for token in [forged.as_str(), "fdp_", &exporter[..20], "not-a-token"] {
        let (got, content_type) = status(&f.app, "GET", "/api/v1/filings", Some(token), "").await;
        if token != exporter {
            assert_eq!(got, StatusCode::UNAUTHORIZED, "{token}");
            assert_eq!(content_type, "application/problem+json");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_over_its_rate_is_told_when_to_retry_and_others_are_not_slowed() {
    let f = fixture();
    let app = freeport_server::api::router_with_limits(
        Arc::clone(&f.port),
        Arc::new(freeport_server::limits::RateLimits::per_second(1)),
    );
    let (alice, bob) = (&f.tokens[0].1, &f.tokens[1].1);
    // A burst of two, then 429 with a problem document.
    for _ in 0..2 {
        let (got, _) = status(&app, "GET", "/api/v1/whoami", Some(alice), "").await;
        assert_eq!(got, StatusCode::OK);
    }
    let (got, content_type) = status(&app, "GET", "/api/v1/whoami", Some(alice), "").await;
    assert_eq!(got, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(content_type, "application/problem+json");
    let (got, _) = status(&app, "GET", "/api/v1/whoami", Some(bob), "").await;
    assert_eq!(got, StatusCode::OK);
}
