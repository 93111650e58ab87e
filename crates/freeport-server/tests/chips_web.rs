//! `/chips` in the dashboard: the whitelist with each listing's status and the chips cases, in
//! both languages, for signed-in people only; an exporter sees its own organisation's cases.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

#[expect(dead_code, reason = "the server suites' shared fixture")]
mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::fixture;
use freeport_chips::assurance::verification::{Evidence, Inspectors, VerificationReport};
use freeport_chips::assurance::whitelist::Application;
use freeport_port::custody::DecisionForm;
use freeport_port::port::chips::{VerificationSubmission, sign_verification};
use freeport_port::port::{NewAccount, Principal, Verdict};
use freeport_store::docket::Role;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

async fn page(app: &Router, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let mut request = Request::builder().uri(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let (status, _, body) = send(app, request.body(Body::empty()).unwrap()).await;
    (status, body)
}

/// Signs in through the login form; the session cookie.
async fn sign_in(app: &Router, token: &str) -> String {
    let (_, headers, form) = send(
        app,
        Request::builder()
            .uri("/login")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let nonce = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .next_back()
        .unwrap();
    let marker = r#"name="csrf" value=""#;
    let start = form.find(marker).unwrap() + marker.len();
    let csrf = &form[start..start + 64];
    let request = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, nonce)
        .body(Body::from(format!("token={token}&csrf={csrf}")))
        .unwrap();
    let (status, headers, _) = send(app, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("fdp_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chips_page_shows_the_whitelist_and_cases_in_both_languages() {
    let f = fixture();
    let admin = Principal::local_admin();
    // Two reviewers whose keys the port holds, so the test can sign as each side.
    let mut reviewers = Vec::new();
    for (id, role) in [("wen", Role::CnReviewer), ("sue", Role::UsReviewer)] {
        let (_, token) = f
            .port
            .create_account_with_port_key(
                &admin,
                &NewAccount {
                    id: id.into(),
                    role,
                    organisation: None,
                    organisation_name: None,
                    name: id.into(),
                    public_key: None,
                    key_held_by_port: true,
                },
            )
            .unwrap();
        reviewers.push(f.port.authenticate(token.expose()).unwrap());
    }
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let report = VerificationReport {
        organisation: "acme".into(),
        visited_on: today,
        site: "Hall 2, Shanghai".into(),
        product_classes: vec!["3A090.a".into()],
        inspectors: Inspectors {
            cn: vec!["Wang Li".into()],
            us: vec!["J. Smith".into()],
        },
        scope: vec!["physical security".into()],
        findings: Vec::new(),
        evidence: vec![Evidence {
            name: "photos.zip".into(),
            sha256: "ab".repeat(32),
        }],
    };
    let note = |account: &str| {
        let key = f.port.held_key(account).unwrap().unwrap();
        sign_verification(&report, "wen", "sue", &key).unwrap()
    };
    let submission = VerificationSubmission {
        cn_signature: note("wen"),
        us_signature: note("sue"),
        report: report.clone(),
        cn_signer: "wen".into(),
        us_signer: "sue".into(),
    };
    let v = f.port.record_verification(&admin, &submission).unwrap();
    let alice = f.port.authenticate(&f.tokens[0].1).unwrap();
    let case = f
        .port
        .chips_apply(
            &alice,
            &Application {
                organisation: "acme".into(),
                product_class: "3A090.a".into(),
                verification: v.seq,
                valid_days: 365,
                reevaluate_every_days: 90,
            },
        )
        .unwrap();
    let approve = DecisionForm {
        verdict: Verdict::Approve,
        conditions: Vec::new(),
        public_reasons: Vec::new(),
    };
    for reviewer in &reviewers {
        f.port
            .chips_decide_with_port_key(reviewer, &case.id, &approve)
            .unwrap();
    }

    let (status, _) = page(&f.app, "/chips", None).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "signed out: to the login page"
    );
    let alice_session = sign_in(&f.app, &f.tokens[0].1).await;
    let (status, en) = page(&f.app, "/chips?lang=en", Some(&alice_session)).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Whitelist",
        "acme",
        "3A090.a",
        ">listed<",
        &case.id,
        "whitelist application",
        "approved",
    ] {
        assert!(en.contains(text), "{text} missing from {en}");
    }
    let (_, zh) = page(&f.app, "/chips?lang=zh", Some(&alice_session)).await;
    for text in ["白名单", "已列入", "白名单申请", "已批准"] {
        assert!(zh.contains(text), "{text} missing");
    }
    // Another organisation's exporter reads the whitelist, not acme's case.
    let bob_session = sign_in(&f.app, &f.tokens[1].1).await;
    let (_, bob) = page(&f.app, "/chips?lang=en", Some(&bob_session)).await;
    assert!(bob.contains("acme") && !bob.contains(&case.id), "{bob}");
}
