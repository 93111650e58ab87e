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
    let mut reviewer_tokens = Vec::new();
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
        reviewer_tokens.push(token.expose().to_owned());
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
    // China's reviewer decides in the browser: the form is checked field by field, then the
    // port signs with the key it holds and the page redirects to the case.
    let wen_session = sign_in(&f.app, &reviewer_tokens[0]).await;
    let case_path = format!("/chips/cases/{}", case.id);
    let (status, before) = page(&f.app, &format!("{case_path}?lang=en"), Some(&wen_session)).await;
    assert_eq!(status, StatusCode::OK);
    let action = format!(r#"action="/chips/cases/{}/decision""#, case.id);
    assert!(before.contains(&action), "{before}");
    for text in [
        "whitelist application",
        "acme",
        &case.evidence[0],
        "Each side's decision",
    ] {
        assert!(before.contains(text), "{text} missing from {before}");
    }
    let csrf = csrf_of(&before);
    let decide = |fields: String| {
        Request::builder()
            .method("POST")
            .uri(format!("{case_path}/decision"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, wen_session.clone())
            .body(Body::from(fields))
            .unwrap()
    };
    let (status, _, refused) = send(&f.app, decide(format!("csrf={csrf}&verdict=refuse"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.contains("role=\"alert\""), "{refused}");
    let (status, _, _) = send(&f.app, decide("csrf=forged&verdict=approve".to_owned())).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a forged form decides nothing"
    );
    let (status, headers, _) = send(&f.app, decide(format!("csrf={csrf}&verdict=approve"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], case_path.as_str());
    let (_, after) = page(&f.app, &format!("{case_path}?lang=en"), Some(&wen_session)).await;
    assert!(!after.contains(&action), "decided: no form any more");
    assert!(
        after.contains("wen"),
        "the deciding reviewer is named: {after}"
    );
    let (status, _, _) = send(&f.app, decide(format!("csrf={csrf}&verdict=approve"))).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a second decision of a side is refused"
    );
    f.port
        .chips_decide_with_port_key(&reviewers[1], &case.id, &approve)
        .unwrap();

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
    let (status, _) = page(&f.app, &case_path, Some(&bob_session)).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another organisation's case is not shown"
    );
    // acme's exporter reads its case, decided by both sides, with no form.
    let (status, own) = page(
        &f.app,
        &format!("{case_path}?lang=zh"),
        Some(&alice_session),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(own.contains("已批准") && !own.contains(&action), "{own}");
}

fn csrf_of(page: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = page.find(marker).unwrap() + marker.len();
    page[start..start + 64].to_owned()
}

/// A multipart form: text fields, then files (name, file name, content).
fn multipart(session: &str, texts: &[(&str, &str)], files: &[(&str, &str, &str)]) -> Request<Body> {
    let boundary = "freeport-test-boundary-7d3a";
    let mut body = String::new();
    for (name, value) in texts {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    for (name, file, content) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    Request::builder()
        .method("POST")
        .uri("/chips/screen")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, session)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screening_page_screens_names_against_an_uploaded_list_and_explains_each_hit() {
    let f = fixture();
    let csl = include_str!("../../freeport-chips/tests/data/csl-synthetic.csv");
    let registry = include_str!("../../freeport-chips/tests/data/registry.toml");
    let (status, _) = page(&f.app, "/chips/screen", None).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "signed out: to the login page"
    );
    let session = sign_in(&f.app, &f.tokens[0].1).await;
    let (status, form) = page(&f.app, "/chips/screen?lang=en", Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"enctype="multipart/form-data""#), "{form}");
    let csrf = csrf_of(&form);

    // A name in traditional characters with its legal form hits the synthetic entry written in
    // pinyin; an unrelated name does not.
    let names = "天藍量子半導體有限公司\nSunny Valley Bakery";
    let (status, _, en) = send(
        &f.app,
        multipart(
            &session,
            &[("csrf", &csrf), ("names", names), ("threshold", "80")],
            &[("list", "consolidated.csv", csl)],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{en}");
    for text in [
        "syn-0001",
        "Tianlan Quantum Semiconductor",
        "traditional characters made simplified",
        "legal-form words removed",
        "no hit",
        "Needs attention",
    ] {
        assert!(en.contains(text), "{text} missing from the results");
    }

    // With a registry, its organisations are screened for ownership by listed parties.
    let (status, _, owned) = send(
        &f.app,
        multipart(
            &session,
            &[("csrf", &csrf), ("names", ""), ("threshold", "80")],
            &[
                ("list", "consolidated.csv", csl),
                ("registry", "registry.toml", registry),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{owned}");
    assert!(owned.contains("ownership by listed parties"), "{owned}");

    // Refusals, each naming what is wrong; nothing screened.
    for (texts, files, expected) in [
        (
            vec![("names", "Acme"), ("threshold", "80")],
            vec![],
            "Choose the Consolidated Screening List file",
        ),
        (
            vec![("names", "Acme"), ("threshold", "0")],
            vec![("list", "c.csv", csl)],
            "whole number from 1 to 100",
        ),
        (
            vec![("names", " \n "), ("threshold", "80")],
            vec![("list", "c.csv", csl)],
            "at least one name",
        ),
        (
            vec![("names", "Acme"), ("threshold", "80")],
            vec![("list", "broken.csv", "_id,name\nx,Acme\n")],
            "broken.csv",
        ),
    ] {
        let mut texts = texts;
        texts.push(("csrf", &csrf));
        let (status, _, body) = send(&f.app, multipart(&session, &texts, &files)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{expected}: {body}"
        );
        assert!(body.contains(expected), "{expected} missing from {body}");
        assert!(!body.contains("screen-results"), "nothing screened: {body}");
    }
    let (status, _, _) = send(
        &f.app,
        multipart(
            &session,
            &[("csrf", "forged"), ("names", "Acme")],
            &[("list", "c.csv", csl)],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The same screening in Chinese.
    let zh_session = format!("{session}; fdp_lang=zh");
    let (status, _, zh) = send(
        &f.app,
        multipart(
            &zh_session,
            &[("csrf", &csrf), ("names", names), ("threshold", "80")],
            &[("list", "consolidated.csv", csl)],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for text in ["繁体已转为简体", "无命中", "需要关注"] {
        assert!(zh.contains(text), "{text} missing");
    }
}
