//! The chips routes (`/api/v1/chips/…`) tried with every role and with no token: each answer is
//! the one role and tenancy allow, and every refusal is a problem document naming its field.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

#[expect(dead_code, reason = "the server suites' shared fixture")]
mod common;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use common::fixture;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, String, serde_json::Value) {
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
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, content_type, value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_chips_route_with_every_role_and_none() {
    let f = fixture();
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let report = serde_json::json!({
        "organisation": "acme",
        "visited_on": today.to_string(),
        "site": "Hall 2, Shanghai",
        "product_classes": ["3A090.a"],
        "inspectors": {"cn": ["Wang Li"], "us": ["J. Smith"]},
        "scope": ["physical security"],
        "evidence": [{"name": "photos.zip", "sha256": "ab".repeat(32)}],
    });
    // Signatures that verify under no key: reviewers and admins reach the signature check.
    let verification = serde_json::json!({
        "report": report, "cn_signer": "wei", "cn_signature": "x",
        "us_signer": "sam", "us_signature": "y",
    })
    .to_string();
    let application = r#"{"organisation":"acme","product_class":"3A090.a","verification":1,"valid_days":365,"reevaluate_every_days":180}"#;
    let reevaluation = r#"{"organisation":"acme","product_class":"3A090.a","verification":1}"#;
    let decision = r#"{"verdict":"approve","decided_at":"2026-12-07T00:00:00Z","judgement":1,"signed_note":"x"}"#;
    let device = r#"{"serial":"GPU-1","organisation":"acme","product_class":"3A090.a","site":"Hall 2","location":{"lat":31.2,"lon":121.6},"attest_every_days":30}"#;
    let attestation = r#"{"serial":"GPU-1","attested_at":"2026-12-07T00:00:00Z","usage":{"device_hours":1.0,"utilisation_percent":5.0,"workloads":[]},"probes":[]}"#;
    // (method, path, body, expected status per role: none, exporter (acme), other exporter
    // (globex), cn reviewer, us reviewer, auditor, admin; and the field a 422 names)
    let routes: Vec<(&str, &str, &str, [u16; 7], &str)> = vec![
        (
            "GET",
            "/api/v1/chips/whitelist",
            "",
            [401, 200, 200, 200, 200, 200, 200],
            "",
        ),
        (
            "GET",
            "/api/v1/chips/whitelist?on=2026-13-40",
            "",
            [401, 422, 422, 422, 422, 422, 422],
            "on",
        ),
        (
            "POST",
            "/api/v1/chips/verifications",
            &verification,
            [401, 403, 403, 422, 422, 403, 422],
            "cn_signature",
        ),
        (
            "GET",
            "/api/v1/chips/verifications",
            "",
            [401, 200, 200, 200, 200, 200, 200],
            "",
        ),
        (
            "POST",
            "/api/v1/chips/applications",
            application,
            [401, 422, 404, 403, 403, 403, 422],
            "verification",
        ),
        (
            "POST",
            "/api/v1/chips/reevaluations",
            reevaluation,
            [401, 404, 404, 404, 404, 403, 404],
            "",
        ),
        (
            "GET",
            "/api/v1/chips/cases",
            "",
            [401, 200, 200, 200, 200, 200, 200],
            "",
        ),
        (
            "GET",
            "/api/v1/chips/cases/CC-2026-0001",
            "",
            [401, 404, 404, 404, 404, 404, 404],
            "",
        ),
        (
            "POST",
            "/api/v1/chips/cases/CC-2026-0001/decision",
            decision,
            [401, 403, 403, 404, 404, 403, 403],
            "",
        ),
        (
            "POST",
            "/api/v1/chips/devices",
            device,
            [401, 422, 404, 403, 403, 403, 422],
            "product_class",
        ),
        (
            "GET",
            "/api/v1/chips/devices",
            "",
            [401, 200, 200, 200, 200, 200, 200],
            "",
        ),
        (
            "POST",
            "/api/v1/chips/attestations",
            attestation,
            [401, 404, 404, 403, 403, 403, 403],
            "",
        ),
        (
            "POST",
            "/api/v1/chips/attestations",
            "{}",
            [401, 422, 422, 422, 422, 422, 422],
            "",
        ),
        (
            "POST",
            "/api/v1/chips/overdue",
            "",
            [401, 403, 403, 200, 200, 403, 200],
            "",
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, body, expected, field) in &routes {
        let callers = std::iter::once(("none", None)).chain(
            f.tokens
                .iter()
                .map(|(label, token)| (*label, Some(token.as_str()))),
        );
        for ((label, token), want) in callers.zip(expected) {
            let (got, content_type, value) = call(&f.app, method, path, token, body).await;
            if got != *want {
                failures.push(format!(
                    "{method} {path} as {label}: {got}, expected {want}: {value}"
                ));
            }
            if got >= 400 && content_type != "application/problem+json" {
                failures.push(format!(
                    "{method} {path} as {label}: {got} as `{content_type}`"
                ));
            }
            if got == 422 && !field.is_empty() && value["field"] != *field {
                failures.push(format!(
                    "{method} {path} as {label}: field {}",
                    value["field"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
