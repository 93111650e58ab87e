//! The dashboard through the port's router (issue 18): public pages in both languages, signing in
//! with a token, each role seeing only what it may, CSRF on every form, pages never cached.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::fixture;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

async fn get(
    app: &Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

async fn post_form(
    app: &Router,
    path: &str,
    cookie: &str,
    body: &str,
) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::from(body.to_owned())).unwrap()).await
}

/// The `name=value` of each `Set-Cookie`.
fn cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect()
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_field(html: &str) -> String {
    let start = html.find(r#"name="csrf" value=""#).unwrap() + r#"name="csrf" value=""#.len();
    html[start..start + 64].to_owned()
}

/// Signs in through the login form; the session cookie (`fdp_session=…`).
async fn sign_in(app: &Router, token: &str) -> String {
    let (status, headers, page) = get(app, "/login", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let nonce_cookie = cookies(&headers).pop().unwrap();
    let body = format!("token={token}&csrf={}", csrf_field(&page));
    let (status, headers, _) = post_form(app, "/login", &nonce_cookie, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("fdp_session="))
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("Secure") && set.contains("SameSite=Strict"),
        "{set}"
    );
    set.split(';').next().unwrap().to_owned()
}

fn stable(html: &str) -> String {
    // Times, the filing year and the session's CSRF token change from run to run.
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").unwrap();
    let filing = regex::Regex::new(r"F-\d{4}-").unwrap();
    let csrf = regex::Regex::new(r#"value="[0-9a-f]{64}""#).unwrap();
    let html = time.replace_all(html, "[time]");
    let html = csrf.replace_all(&html, r#"value="[csrf]""#);
    // A pack's version changes with every legal review.
    let pack = regex::Regex::new(r"rule pack \d+\.\d+\.\d+").unwrap();
    let html = pack.replace_all(&html, "rule pack [version]");
    filing.replace_all(&html, "F-[year]-").replace('>', ">\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_read_in_both_languages_without_an_account() {
    let f = fixture();
    let (status, headers, zh) = get(
        &f.app,
        "/publications",
        &[("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(
        headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(headers[header::CONTENT_LANGUAGE], "zh-CN");
    assert!(zh.contains(r#"<html lang="zh-CN">"#), "{zh}");
    assert!(zh.contains("公示") && zh.contains("规则包"), "{zh}");
    insta::assert_snapshot!("publications_zh", stable(&zh));

    // The switch wins over the browser and is remembered.
    let (status, headers, en) = get(
        &f.app,
        "/publications?lang=en",
        &[("Accept-Language", "zh-CN")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        en.contains(r#"<html lang="en">"#) && en.contains("Rule pack"),
        "{en}"
    );
    assert!(cookies(&headers).contains(&"fdp_lang=en".to_owned()));
    let (_, _, remembered) = get(
        &f.app,
        "/publications",
        &[("Accept-Language", "zh-CN"), ("Cookie", "fdp_lang=en")],
    )
    .await;
    assert!(remembered.contains(r#"<html lang="en">"#));

    // Pages behind an account send the visitor to sign in.
    for path in ["/filings", "/queue", &format!("/filings/{}", f.china)] {
        let (status, headers, _) = get(&f.app, path, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(headers[header::LOCATION], "/login", "{path}");
    }
    let (status, headers, css) = get(&f.app, "/assets/dashboard.css", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.contains("@media print"));
    // The report's shared parts (badges on the filing page) come with the report's CSS.
    assert!(css.ends_with(freeport_report::parts::STYLESHEET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_sees_its_own_pages_and_is_refused_the_others() {
    let f = fixture();
    let token = |label: &str| {
        f.tokens
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    let china = format!("/filings/{}", f.china);
    let cleared = format!("/filings/{}", f.cleared);
    // (role, where `/` leads, [(path, status)])
    type Visits<'a> = Vec<(&'a str, StatusCode)>;
    let cases: [(&str, &str, Visits<'_>); 5] = [
        (
            "exporter",
            "/filings",
            vec![
                ("/filings", StatusCode::OK),
                (&china, StatusCode::OK),
                (&cleared, StatusCode::NOT_FOUND),
                ("/queue", StatusCode::FORBIDDEN),
            ],
        ),
        (
            "other_exporter",
            "/filings",
            vec![
                (&china, StatusCode::NOT_FOUND),
                (&cleared, StatusCode::OK),
                ("/queue", StatusCode::FORBIDDEN),
            ],
        ),
        (
            "cn_reviewer",
            "/queue",
            vec![
                ("/queue", StatusCode::OK),
                (&china, StatusCode::OK),
                (&cleared, StatusCode::NOT_FOUND),
            ],
        ),
        (
            "us_reviewer",
            "/queue",
            vec![("/queue", StatusCode::OK), (&china, StatusCode::NOT_FOUND)],
        ),
        (
            "auditor",
            "/filings",
            vec![
                (&china, StatusCode::OK),
                (&cleared, StatusCode::OK),
                ("/queue", StatusCode::FORBIDDEN),
            ],
        ),
    ];
    for (role, home, pages) in cases {
        let session = sign_in(&f.app, &token(role)).await;
        let (status, headers, _) = get(&f.app, "/", &[("Cookie", &session)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{role}");
        assert_eq!(headers[header::LOCATION], home, "{role}");
        for (path, want) in pages {
            let (status, headers, html) = get(&f.app, path, &[("Cookie", &session)]).await;
            assert_eq!(status, want, "{role} {path}: {html}");
            assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{role} {path}");
        }
    }

    // What the CN reviewer's queue and case page say, in both languages.
    let wei = sign_in(&f.app, &token("cn_reviewer")).await;
    let (_, _, queue) = get(&f.app, "/queue", &[("Cookie", &wei)]).await;
    assert!(queue.contains(&f.china), "{queue}");
    assert!(
        queue.contains("Soonest deadline first")
            && queue.contains("<th scope=\"col\">Deadline</th>"),
        "the queue is ordered by deadline, then age: {queue}"
    );
    let (_, _, us_queue) = get(
        &f.app,
        "/queue",
        &[("Cookie", &sign_in(&f.app, &token("us_reviewer")).await)],
    )
    .await;
    assert!(us_queue.contains("No case is waiting"), "{us_queue}");
    let (_, _, en) = get(&f.app, &china, &[("Cookie", &wei)]).await;
    insta::assert_snapshot!("filing_cn_reviewer_en", stable(&en));
    let (_, _, zh) = get(&f.app, &format!("{china}?lang=zh"), &[("Cookie", &wei)]).await;
    assert!(zh.contains("审查中") && zh.contains("无需审查"), "{zh}");
    insta::assert_snapshot!("filing_cn_reviewer_zh", stable(&zh));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_and_out_needs_the_forms_own_token() {
    let f = fixture();
    let alice = &f.tokens[0].1;

    // A login post without the form's cookie (another site's form): refused, no session.
    let (status, headers, page) =
        post_form(&f.app, "/login", "", &format!("token={alice}&csrf=00")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        !cookies(&headers)
            .iter()
            .any(|c| c.starts_with("fdp_session="))
    );
    assert!(page.contains("Sign in again"), "{page}");

    // A wrong token: refused next to the field, no session, the token not echoed.
    let (_, headers, form) = get(&f.app, "/login", &[]).await;
    let nonce = cookies(&headers).pop().unwrap();
    let (status, headers, page) = post_form(
        &f.app,
        "/login",
        &nonce,
        &format!("token=fdp_wrong&csrf={}", csrf_field(&form)),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        !cookies(&headers)
            .iter()
            .any(|c| c.starts_with("fdp_session="))
    );
    assert!(
        page.contains(r#"role="alert""#) && page.contains("not valid"),
        "{page}"
    );
    assert!(!page.contains("fdp_wrong"));

    // Signed in; signing out needs the session's CSRF token.
    let session = sign_in(&f.app, alice).await;
    let (_, _, filings) = get(&f.app, "/filings", &[("Cookie", &session)]).await;
    let (status, _, _) = post_form(&f.app, "/logout", &session, "csrf=forged").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = get(&f.app, "/filings", &[("Cookie", &session)]).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a forged logout must not end the session"
    );
    let body = format!("csrf={}", csrf_field(&filings));
    let (status, headers, _) = post_form(&f.app, "/logout", &session, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(cookies(&headers).contains(&"fdp_session=".to_owned()));
    let (status, headers, _) = get(&f.app, "/filings", &[("Cookie", &session)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/login");
    // A made-up session id is no session.
    let (status, _, _) = get(&f.app, "/filings", &[("Cookie", "fdp_session=00ff")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    drop(f.port);
}

/// A reviewer whose key the port holds, signed in: their session cookie.
async fn port_held_reviewer(f: &common::Fixture, id: &str) -> String {
    use freeport_port::port::NewAccount;
    use freeport_store::docket::Role;
    let (_, token) = f
        .port
        .create_account(
            &freeport_port::Principal::local_admin(),
            &NewAccount {
                id: id.into(),
                role: Role::CnReviewer,
                organisation: None,
                organisation_name: None,
                name: id.into(),
                public_key: None,
                key_held_by_port: true,
            },
        )
        .unwrap();
    sign_in(&f.app, token.expose()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_decides_in_the_browser_with_the_key_the_port_holds() {
    let f = fixture();
    let path = format!("/filings/{}", f.china);
    let decide = format!("{path}/decision");

    // A reviewer holding their own key sees how to decide, not a form.
    let own = sign_in(&f.app, &f.tokens[2].1).await;
    let (status, _, page) = get(&f.app, &format!("{path}?lang=en"), &[("Cookie", &own)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("held by you") && !page.contains(r#"name="verdict""#),
        "{page}"
    );

    let li = port_held_reviewer(&f, "li").await;
    let (status, _, page) = get(&f.app, &format!("{path}?lang=zh"), &[("Cookie", &li)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"name="verdict""#) && page.contains("签署并记录决定"),
        "{page}"
    );
    let csrf = csrf_field(&page);

    // No CSRF token: refused, nothing decided.
    let (status, _, _) = post_form(&f.app, &decide, &li, "verdict=approve&csrf=").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A refusal without reasons: refused next to the field, what was typed kept.
    let body = format!("csrf={csrf}&verdict=refuse&conditions=&reasons=");
    let (status, _, page) = post_form(&f.app, &decide, &li, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(r#"value="refuse" checked"#), "{page}");
    assert!(page.contains(r#"id="decide-reasons" name="reasons" rows="3" aria-describedby="decide-reasons-help" aria-invalid="true""#), "{page}");
    // Personal data in a published reason: refused, the text kept for correcting.
    let body = format!("csrf={csrf}&verdict=refuse&reasons=Ask+13800138000");
    let (status, _, page) = post_form(&f.app, &decide, &li, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Ask 13800138000</textarea>"), "{page}");
    assert_eq!(
        f.port
            .cases(&freeport_port::Principal::local_admin(), None)
            .unwrap()[0]
            .status,
        freeport_store::docket::CaseStatus::Open
    );

    // The decision: signed by the port with li's key, logged, redirected to the filing.
    let body = format!(
        "csrf={csrf}&verdict=approve_with_conditions&conditions=Keep+the+annex+current.%0D%0AReport+onward+transfers.&reasons="
    );
    let (status, headers, _) = post_form(&f.app, &decide, &li, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], path.as_str());
    let (_, _, page) = get(&f.app, &format!("{path}?lang=en"), &[("Cookie", &li)]).await;
    assert!(
        page.contains("li@port+") && page.contains("log entry #"),
        "{page}"
    );
    assert!(
        !page.contains(r#"name="verdict""#),
        "decided: no form any more"
    );

    // The same form again (a reload, a second tab): 409, nothing recorded twice.
    let (status, _, page) = post_form(&f.app, &decide, &li, &body).await;
    assert!(
        status == StatusCode::CONFLICT || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status}"
    );
    assert!(
        page.contains(r#"id="notice""#) || page.contains("aria-invalid"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exporter_and_a_reviewer_write_on_the_case_and_an_exporter_cannot_decide() {
    let f = fixture();
    let path = format!("/filings/{}", f.china);
    let alice = sign_in(&f.app, &f.tokens[0].1).await;
    let (_, _, page) = get(&f.app, &format!("{path}?lang=en"), &[("Cookie", &alice)]).await;
    let csrf = csrf_field(&page);
    assert!(!page.contains(r#"name="verdict""#));

    let messages = format!("{path}/messages");
    let (status, _, page) = post_form(
        &f.app,
        &messages,
        &alice,
        &format!("csrf={csrf}&body=+%0A+"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("This is empty."), "{page}");
    let body = format!("csrf={csrf}&body=The+annex+is+attached+as+version+3.");
    let (status, headers, _) = post_form(&f.app, &messages, &alice, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("{path}#message-1").as_str()
    );

    let wei = sign_in(&f.app, &f.tokens[2].1).await;
    let (_, _, page) = get(&f.app, &path, &[("Cookie", &wei)]).await;
    assert!(
        page.contains("The annex is attached as version 3."),
        "{page}"
    );

    // An exporter posting the decision form: refused by the port, nothing decided.
    let (status, _, _) = post_form(
        &f.app,
        &format!("{path}/decision"),
        &alice,
        &format!("csrf={csrf}&verdict=approve"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another exporter may neither read nor write on it.
    let bob = sign_in(&f.app, &f.tokens[1].1).await;
    let (_, _, other) = get(&f.app, "/filings", &[("Cookie", &bob)]).await;
    let (status, _, _) = post_form(
        &f.app,
        &messages,
        &bob,
        &format!("csrf={}&body=hello", csrf_field(&other)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_is_browsed_without_an_account_with_each_witness_cosignature() {
    let f = fixture();
    let (status, headers, en) = get(&f.app, "/log?lang=en", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    // The fixture's home cosigns with its two local witnesses: both verified, none missing.
    assert_eq!(
        en.matches("min ago").count() + en.matches("s ago").count(),
        2,
        "{en}"
    );
    assert!(!en.contains("no verified cosignature"), "{en}");
    // The cleared filing's decision entry, newest first, with its public fields only.
    assert!(en.contains(&f.cleared) && en.contains("permit"), "{en}");
    let (status, _, zh) = get(&f.app, "/log?lang=zh", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(zh.contains("透明日志") && zh.contains("见证方"), "{zh}");
    let varying = [
        (r"[A-Za-z0-9+/]{43}=", "[hash]"),
        (r"[0-9a-f]{16}…", "[sha256]…"),
        (r"\+[0-9a-f]{8}", "+[key id]"),
        (r"\d+ (s|min) ago", "[age]"),
        (r"\d+ (秒|分钟)前", "[age]"),
        (r"(?s)<pre>.*?</pre>", "<pre>[note]</pre>"),
    ];
    let mut page = zh;
    for (pattern, with) in varying {
        page = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&page, with)
            .into_owned();
    }
    insta::assert_snapshot!("log_zh", stable(&page));

    // Paging: an index past the end shows the newest; `before=1` shows entry 0 and no older link.
    let (_, _, first) = get(&f.app, "/log?before=1&lang=en", &[]).await;
    assert!(
        first.contains("#0") && !first.contains("Older entries"),
        "{first}"
    );
}

/// A `multipart/form-data` body with the CSRF field and one file.
fn multipart(csrf: &str, file_name: &str, content: &str) -> (String, String) {
    let boundary = "----freeport-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"facts\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &Router,
    cookie: &str,
    csrf: &str,
    file_name: &str,
    content: &str,
) -> (StatusCode, HeaderMap, String) {
    let (content_type, body) = multipart(csrf, file_name, content);
    let request = Request::builder()
        .method("POST")
        .uri("/filings")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    send(app, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exporter_files_by_uploading_a_facts_file_and_a_bad_one_files_nothing() {
    let f = fixture();
    let alice = sign_in(&f.app, &f.tokens[0].1).await;
    let (_, _, page) = get(&f.app, "/filings?lang=en", &[("Cookie", &alice)]).await;
    assert!(page.contains(r#"enctype="multipart/form-data""#), "{page}");
    let csrf = csrf_field(&page);
    let admin = freeport_port::Principal::local_admin();
    let before = f.port.filings(&admin).unwrap().len();
    let good = std::fs::read_to_string(format!(
        "{}/../../examples/port/filings/china-review.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();

    // No CSRF token: refused, nothing filed.
    let (status, _, _) = upload(&f.app, &alice, "", "t.toml", &good).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An unknown category: the field, line and column in the file, nothing filed.
    let bad = good.replacen("contact.phone", "contact.fone", 1);
    let (status, _, page) = upload(&f.app, &alice, &csrf, "transfer.toml", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("transfer.toml") && page.contains("(line ") && page.contains("contact.fone"),
        "{page}"
    );
    // No file, and bytes that are not UTF-8.
    let (status, _, page) = upload(&f.app, &alice, &csrf, "", "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose a facts file."), "{page}");
    assert_eq!(f.port.filings(&admin).unwrap().len(), before);

    // The good file: filed, judged, and the browser sent to its page.
    let (status, headers, _) = upload(&f.app, &alice, &csrf, "transfer.toml", &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/filings/F-"), "{location}");
    assert_eq!(f.port.filings(&admin).unwrap().len(), before + 1);
    let (status, _, page) = get(&f.app, &location, &[("Cookie", &alice)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("acme"), "{page}");

    // A reviewer has no upload form and cannot file.
    let wei = sign_in(&f.app, &f.tokens[2].1).await;
    let (_, _, page) = get(&f.app, "/filings", &[("Cookie", &wei)]).await;
    assert!(!page.contains("multipart/form-data"));
    let (status, _, _) = upload(&f.app, &wei, &csrf_field(&page), "t.toml", &good).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(f.port.filings(&admin).unwrap().len(), before + 1);
}

/// What `freeport assess` writes for the bundled e-commerce example, assessed in the exporter's
/// own home under `dir`: the output directory.
fn assessment(dir: &std::path::Path) -> std::path::PathBuf {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/assess/ecommerce-cn-us");
    let out = dir.join("out");
    let request = freeport_port::Request {
        datasets: vec![example.join("orders.csv").display().to_string()],
        transfer: example.join("transfer.toml"),
        deid: freeport_port::DeidChoice::None,
        out_dir: out.clone(),
        id: None,
        collected_in: None,
        threads: 1,
        layout: freeport_read::ReadOptions::default(),
        rules: None,
        seal_to: Vec::new(),
        lang: freeport_report::Lang::En,
        generated_on: jiff::civil::date(2026, 12, 7),
        project: None,
    };
    let home = freeport_port::HomeLayout::new(dir.join("exporter"));
    let staged = freeport_port::assess(&request, &home, &freeport_scan::NoProgress).unwrap();
    freeport_port::deliver(staged, &out).unwrap();
    out
}

/// A `multipart/form-data` body with the CSRF field and `files` as one multiple file input.
fn multipart_files(csrf: &str, files: &[(&str, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "----freeport-test-boundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .into_bytes();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"assessment\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exporter_files_an_assessment_from_the_browser_and_a_mismatched_one_files_nothing() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let out = assessment(dir.path());
    let alice = sign_in(&f.app, &f.tokens[0].1).await;
    let (_, _, page) = get(&f.app, "/filings?lang=zh", &[("Cookie", &alice)]).await;
    assert!(page.contains(r#"action="/filings/assessment""#), "{page}");
    assert!(page.contains("申报该评估"), "{page}");
    let csrf = csrf_field(&page);
    let admin = freeport_port::Principal::local_admin();
    let before = f.port.filings(&admin).unwrap().len();
    let read = |name: &str| std::fs::read(out.join(name)).unwrap();
    let post = |files: Vec<(&'static str, Vec<u8>)>, csrf: String, cookie: String| {
        let app = f.app.clone();
        async move {
            let (content_type, body) = multipart_files(&csrf, &files);
            let request = Request::builder()
                .method("POST")
                .uri("/filings/assessment")
                .header(header::CONTENT_TYPE, content_type)
                .header(header::COOKIE, cookie)
                .body(Body::from(body))
                .unwrap();
            send(&app, request).await
        }
    };
    let all = || {
        vec![
            ("facts.json", read("facts.json")),
            ("report.json", read("report.json")),
            ("receipt.tlog-proof", read("receipt.tlog-proof")),
            ("trust-policy.txt", read("trust-policy.txt")),
            // Other files of the directory are ignored.
            ("scan.json", read("scan.json")),
        ]
    };

    // Three of the four files: refused, naming what is missing.
    let (status, _, page) = post(all()[..3].to_vec(), csrf.clone(), alice.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Choose all four files") || page.contains("全部四个文件"),
        "{page}"
    );
    // A report changed after it was logged: the receipt binds another hash.
    let mut files = all();
    files[1].1 = String::from_utf8(files[1].1.clone())
        .unwrap()
        .replacen("\"tool_version\": \"", "\"tool_version\": \"x", 1)
        .into_bytes();
    let (status, _, page) = post(files, csrf.clone(), alice.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("<code>report</code>") && page.contains("binds"),
        "{page}"
    );
    assert_eq!(f.port.filings(&admin).unwrap().len(), before);

    // All of it: filed, and its page says where it came from.
    let (status, headers, _) = post(all(), csrf.clone(), alice.clone()).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(f.port.filings(&admin).unwrap().len(), before + 1);
    let (_, _, page) = get(
        &f.app,
        &format!("{location}?lang=en"),
        &[("Cookie", &alice)],
    )
    .await;
    assert!(page.contains("Filed from an assessment"), "{page}");
    let report: serde_json::Value = serde_json::from_slice(&read("report.json")).unwrap();
    assert!(
        page.contains(report["cover"]["transfer_id"].as_str().unwrap()),
        "{page}"
    );
    // The same files again: the filing it made, nothing filed twice.
    let (status, headers, _) = post(all(), csrf, alice).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], location.as_str());
    assert_eq!(f.port.filings(&admin).unwrap().len(), before + 1);

    // A reviewer cannot file an assessment.
    let wei = sign_in(&f.app, &f.tokens[2].1).await;
    let (_, _, page) = get(&f.app, "/filings", &[("Cookie", &wei)]).await;
    let (status, _, _) = post(all(), csrf_field(&page), wei).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_are_drawn_over_what_each_person_may_see() {
    let f = fixture();
    let (status, headers, _) = get(&f.app, "/statistics", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/login");

    // The auditor sees both filings: one cleared, one in review, and China's open case.
    let audrey = sign_in(&f.app, &f.tokens[4].1).await;
    let (status, _, page) = get(&f.app, "/statistics?lang=zh", &[("Cookie", &audrey)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"<svg class="chart""#) && page.contains(r#"role="img""#),
        "{page}"
    );
    assert_eq!(page.matches(r#"<rect class="#).count(), 3, "{page}");
    assert!(page.contains("待审案件"), "{page}");
    let dates = regex::Regex::new(r"\d{4}-\d\d-\d\d|\b\d\d-\d\d\b").unwrap();
    insta::assert_snapshot!("statistics_zh", stable(&dates.replace_all(&page, "[date]")));

    // Globex's exporter counts only its own cleared filing, and sees no review queue.
    let bob = sign_in(&f.app, &f.tokens[1].1).await;
    let (_, _, page) = get(&f.app, "/statistics?lang=en", &[("Cookie", &bob)]).await;
    assert_eq!(
        page.matches(r#"<rect class="cleared""#).count(),
        1,
        "{page}"
    );
    assert!(
        !page.contains(r#"class="in_review""#) && !page.contains("Open review cases"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exporter_contests_a_classification_from_the_filing_page() {
    let f = fixture();
    let alice = sign_in(&f.app, &f.tokens[0].1).await;
    let path = format!("/filings/{}", f.china);
    let (_, _, page) = get(&f.app, &format!("{path}?lang=en"), &[("Cookie", &alice)]).await;
    let action = format!(r#"action="{path}/contests""#);
    assert!(page.contains(&action), "{page}");
    assert!(page.contains(r#"<option value="person.name@cn""#), "{page}");
    let csrf = csrf_field(&page);
    let target = format!("{path}/contests");
    let form = |entry: &str, becomes: &str, justification: &str| {
        format!(
            "csrf={csrf}&entry={entry}&becomes={becomes}&source=staff.csv%3Asite&justification={justification}"
        )
    };

    // An empty justification: refused next to its field, what was typed kept, nothing filed.
    let (status, _, page) = post_form(
        &f.app,
        &target,
        &alice,
        &form("person.name%40cn", "not_personal_data", ""),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("This is empty.") && page.contains("staff.csv:site"),
        "{page}"
    );
    // A category the vocabulary does not have: the port's refusal, by the field.
    let (status, _, page) = post_form(
        &f.app,
        &target,
        &alice,
        &form("person.name%40cn", "person.nam", "a+typo"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("The port refused this value."), "{page}");
    let admin = freeport_port::Principal::local_admin();
    assert!(f.port.filing(&admin, &f.china).unwrap().contests.is_empty());

    // A good one: filed, the browser sent to it, pending on the page.
    let (status, headers, _) = post_form(
        &f.app,
        &target,
        &alice,
        &form(
            "person.name%40cn",
            "not_personal_data",
            "the+column+holds+the+names+of+factory+sites",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    assert_eq!(
        headers[header::LOCATION],
        format!("{path}#contest-1").as_str()
    );
    let (_, _, page) = get(&f.app, &format!("{path}?lang=zh"), &[("Cookie", &alice)]).await;
    assert!(
        page.contains("待裁定") && page.contains(r#"id="contest-1""#),
        "{page}"
    );
    // The reviewer sees it, without the exporter's form; another exporter cannot contest.
    let wei = sign_in(&f.app, &f.tokens[2].1).await;
    let (_, _, page) = get(&f.app, &format!("{path}?lang=en"), &[("Cookie", &wei)]).await;
    assert!(
        page.contains("Pending") && !page.contains(&action),
        "{page}"
    );
    let bob = sign_in(&f.app, &f.tokens[1].1).await;
    let (_, _, page) = get(&f.app, "/filings", &[("Cookie", &bob)]).await;
    let bob_form = format!(
        "csrf={}&entry=person.name%40cn&becomes=not_personal_data&justification=x",
        csrf_field(&page)
    );
    let (status, _, _) = post_form(&f.app, &target, &bob, &bob_form).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(f.port.filing(&admin, &f.china).unwrap().contests.len(), 1);

    // China's reviewer rules on it from the page: no choice, and a reason naming a person's
    // e-mail, are refused by the form; a rejection with a reason is recorded.
    let (_, _, page) = get(&f.app, &format!("{path}?lang=en"), &[("Cookie", &wei)]).await;
    let ruling = format!(r#"action="{path}/contests/1/ruling""#);
    assert!(page.contains(&ruling), "{page}");
    let wei_csrf = csrf_field(&page);
    let rule = format!("{path}/contests/1/ruling");
    let (status, _, page) = post_form(
        &f.app,
        &rule,
        &wei,
        &format!("csrf={wei_csrf}&reason=sites"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose accept or reject."), "{page}");
    let (status, _, _) = post_form(
        &f.app,
        &rule,
        &wei,
        &format!("csrf={wei_csrf}&ruling=reject&reason=ask+li.wei%40example.com"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, headers, _) = post_form(
        &f.app,
        &rule,
        &wei,
        &format!("csrf={wei_csrf}&ruling=reject&reason=the+column+holds+contact+names"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    let (_, _, page) = get(&f.app, &format!("{path}?lang=en"), &[("Cookie", &alice)]).await;
    assert!(
        page.contains("Rejected") && page.contains("the column holds contact names"),
        "{page}"
    );
    assert!(
        !page.contains(&ruling),
        "the exporter has no ruling form: {page}"
    );
}

/// `POST /verify` with `receipt` as the uploaded file (no session: the page is public).
async fn verify(app: &Router, receipt: &str) -> (StatusCode, String) {
    let boundary = "----freeport-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"receipt\"; filename=\"r.tlog-proof\"\r\n\
         Content-Type: text/plain\r\n\r\n{receipt}\r\n--{boundary}--\r\n"
    );
    let request = Request::builder()
        .method("POST")
        .uri("/verify?lang=en")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("Accept-Language", "en")
        .body(Body::from(body))
        .unwrap();
    let (status, _, page) = send(app, request).await;
    (status, page)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anyone_verifies_a_receipt_against_the_log_and_a_forged_one_is_named() {
    let f = fixture();
    let (status, _, page) = get(&f.app, "/verify?lang=zh", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("核验收据") && page.contains(r#"name="receipt""#),
        "{page}"
    );
    let receipt = f
        .port
        .receipt(&freeport_port::Principal::local_admin(), &f.cleared)
        .unwrap()
        .unwrap();
    // The cleared filing's receipt: verified, its entry shown, both witnesses named.
    let (status, page) = verify(&f.app, &receipt).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("The receipt verifies"), "{page}");
    assert!(
        page.contains(&f.cleared) && page.contains("decision"),
        "{page}"
    );
    // One proof hash changed: refused with the reason, nothing else.
    let lines: Vec<&str> = receipt.lines().collect();
    let index = lines.iter().position(|l| l.starts_with("index ")).unwrap();
    let mut forged: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    if let Some(hash) = forged.get_mut(index + 1).filter(|l| !l.is_empty()) {
        let flipped = if hash.starts_with('A') { "B" } else { "A" };
        hash.replace_range(0..1, flipped);
    } else {
        // A one-entry tree has no proof hashes: claim another index instead.
        forged[index] = "index 7".to_owned();
    }
    let (status, page) = verify(&f.app, &(forged.join("\n") + "\n")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("does NOT verify"), "{page}");
    // Not a receipt at all, and no file.
    let (status, page) = verify(&f.app, "hello").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("is not a log receipt"), "{page}");
    let (status, page) = verify(&f.app, "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose a receipt file."), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_and_the_audit_bundle_download_only_for_those_who_may_have_them() {
    let f = fixture();
    let bob = sign_in(&f.app, &f.tokens[1].1).await;
    let path = format!("/filings/{}", f.cleared);
    let (_, _, page) = get(&f.app, &path, &[("Cookie", &bob)]).await;
    assert!(
        page.contains(&format!(r#"href="{path}/receipt""#)),
        "{page}"
    );
    let (status, headers, proof) =
        get(&f.app, &format!("{path}/receipt"), &[("Cookie", &bob)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(".tlog-proof"),
        "{headers:?}"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    // The same receipt the API gives for the filing.
    assert_eq!(
        Some(proof),
        f.port
            .receipt(&freeport_port::Principal::local_admin(), &f.cleared)
            .unwrap()
    );
    // Another organisation's exporter: not found; a filing that went to review: no receipt.
    let alice = sign_in(&f.app, &f.tokens[0].1).await;
    let (status, _, _) = get(&f.app, &format!("{path}/receipt"), &[("Cookie", &alice)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(
        &f.app,
        &format!("/filings/{}/receipt", f.china),
        &[("Cookie", &alice)],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // The bundle: the auditor's, refused to an exporter.
    let audrey = sign_in(&f.app, &f.tokens[4].1).await;
    let (status, headers, bundle) = get(&f.app, "/audit/bundle", &[("Cookie", &audrey)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let bundle: serde_json::Value = serde_json::from_str(&bundle).unwrap();
    assert!(bundle.is_object());
    let (status, _, _) = get(&f.app, "/audit/bundle", &[("Cookie", &alice)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_queue_puts_the_longest_waiting_case_first() {
    let f = fixture();
    let alice = f.port.authenticate(&f.tokens[0].1).unwrap();
    let later = f
        .port
        .file(&alice, &common::facts("china-review"))
        .unwrap()
        .id;
    let wei = sign_in(&f.app, &f.tokens[2].1).await;
    let (status, _, page) = get(&f.app, "/queue?lang=en", &[("Cookie", &wei)]).await;
    assert_eq!(status, StatusCode::OK);
    let first = page.find(&format!(">{}<", f.china)).unwrap();
    let second = page.find(&format!(">{later}<")).unwrap();
    assert!(first < second, "{page}");
    assert!(page.contains("Waiting") && page.contains(" ago"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filing_page_lists_the_documents_its_rules_call_for_and_those_attached() {
    let f = fixture();
    let wei = sign_in(&f.app, &f.tokens[2].1).await;
    let path = format!("/filings/{}?lang=zh", f.china);
    let (_, _, page) = get(&f.app, &path, &[("Cookie", &wei)]).await;
    assert!(
        page.contains("个人信息出境标准合同") && page.contains("尚未附上"),
        "{page}"
    );
    let alice = f.port.authenticate(&f.tokens[0].1).unwrap();
    let attached = f
        .port
        .attach(
            &alice,
            &f.china,
            freeport_port::port::AttachmentKind::StandardContract,
            "standard-contract.pdf",
            b"%PDF-1.7 the signed contract",
        )
        .unwrap();
    let (_, _, page) = get(&f.app, &path, &[("Cookie", &wei)]).await;
    assert!(page.contains("standard-contract.pdf"), "{page}");
    assert!(page.contains(&attached.sha256[..16]), "{page}");
    // The standard contract's row now names attachment #1; the PIPIA is still missing.
    assert!(page.contains("个人信息出境标准合同</td><td>#1"), "{page}");
    assert!(page.contains("尚未附上"), "{page}");
}

/// `POST {path}/attachments` as the dashboard's form sends it: the CSRF token, the kind, and the
/// document (`file_name` and `bytes`).
async fn attach(
    app: &Router,
    cookie: &str,
    path: &str,
    fields: (&str, &str),
    document: (&str, &[u8]),
) -> (StatusCode, HeaderMap, String) {
    let boundary = "----freeport-test-boundary";
    let (csrf, kind) = fields;
    let (file_name, bytes) = document;
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method("POST")
        .uri(format!("{path}/attachments"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    send(app, request).await
}

/// The documents section of a filing page (up to the next heading).
fn documents_section(page: &str) -> String {
    let start = page.find(r#"<h2 id="documents">"#).unwrap();
    let end = page[start + 4..]
        .find("<h2")
        .map_or(page.len(), |n| start + 4 + n);
    stable(&page[start..end])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exporter_attaches_a_document_from_the_filing_page() {
    let f = fixture();
    let admin = freeport_port::Principal::local_admin();
    let attached = || f.port.filing(&admin, &f.china).unwrap().attachments;
    let alice = format!("{}; fdp_lang=zh", sign_in(&f.app, &f.tokens[0].1).await);
    let path = format!("/filings/{}", f.china);
    let (_, _, page) = get(&f.app, &path, &[("Cookie", &alice)]).await;
    assert!(
        page.contains(&format!(r#"action="{path}/attachments""#))
            && page.contains(r#"enctype="multipart/form-data""#),
        "{page}"
    );
    let csrf = csrf_field(&page);

    // No kind and no file: both refused next to their fields, in the page's language.
    let (status, _, page) = attach(&f.app, &alice, &path, (&csrf, ""), ("", b"")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("请选择文件类别。") && page.contains("请选择文件。"),
        "{page}"
    );
    insta::assert_snapshot!("attach_refused_zh", documents_section(&page));
    // A hidden file's name: refused, the kind chosen kept, the file named.
    let (status, _, page) = attach(
        &f.app,
        &alice,
        &path,
        (&csrf, "pipia"),
        (".pipia.pdf", b"%PDF"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("文件名以句点开头"), "{page}");
    assert!(
        page.contains(r#"<option value="pipia" selected>"#),
        "{page}"
    );
    assert!(page.contains(".pipia.pdf"), "{page}");
    // An empty file, and one over the API's limit (413, as the API answers).
    let (status, _, page) =
        attach(&f.app, &alice, &path, (&csrf, "pipia"), ("pipia.pdf", b"")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("文件为空。"), "{page}");
    let big = vec![b'x'; freeport_port::port::MAX_ATTACHMENT_BYTES + 1];
    let (status, _, page) =
        attach(&f.app, &alice, &path, (&csrf, "pipia"), ("pipia.pdf", &big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.contains("文件超过八兆字节"), "{page}");
    // A forged form.
    let (status, _, _) = attach(
        &f.app,
        &alice,
        &path,
        (&"0".repeat(64), "pipia"),
        ("pipia.pdf", b"%PDF"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(attached().is_empty(), "nothing is attached by a refusal");

    // Another organisation's exporter: not found; a reviewer: forbidden; a cleared filing: 409.
    let bob = sign_in(&f.app, &f.tokens[1].1).await;
    let (_, _, page) = get(&f.app, "/filings", &[("Cookie", &bob)]).await;
    let bob_csrf = csrf_field(&page);
    let document = ("contract.pdf", b"%PDF".as_slice());
    let (status, _, _) = attach(&f.app, &bob, &path, (&bob_csrf, "pipia"), document).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let cleared = format!("/filings/{}", f.cleared);
    let (status, _, page) = attach(&f.app, &bob, &cleared, (&bob_csrf, "pipia"), document).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("no longer under review"), "{page}");
    let wei = sign_in(&f.app, &f.tokens[2].1).await;
    let (_, _, page) = get(&f.app, &path, &[("Cookie", &wei)]).await;
    assert!(!page.contains(&format!(r#"action="{path}/attachments""#)));
    let wei_csrf = csrf_field(&page);
    let (status, _, _) = attach(&f.app, &wei, &path, (&wei_csrf, "pipia"), document).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(attached().is_empty());

    // The standard contract: attached, the browser sent to its row, its SHA-256 shown whole.
    let contract = b"%PDF-1.7 the signed standard contract";
    let (status, headers, _) = attach(
        &f.app,
        &alice,
        &path,
        (&csrf, "standard_contract"),
        ("标准合同.pdf", contract),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("{path}#attachment-1").as_str()
    );
    let sha256 = freeport_report::sha256_hex(contract);
    assert_eq!(attached()[0].sha256, sha256);
    let (_, _, page) = get(&f.app, &path, &[("Cookie", &alice)]).await;
    assert!(page.contains(&sha256), "{page}");
    insta::assert_snapshot!("attach_done_zh", documents_section(&page));

    // The reviewer downloads it; the auditor sees the hash only.
    let link = format!("{path}/attachments/1");
    let (_, _, page) = get(&f.app, &path, &[("Cookie", &wei)]).await;
    assert!(page.contains(&format!(r#"href="{link}""#)), "{page}");
    let (status, headers, body) = get(&f.app, &link, &[("Cookie", &wei)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_bytes(), contract);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("UTF-8''%E6%A0%87"),
        "{headers:?}"
    );
    let audrey = sign_in(&f.app, &f.tokens[4].1).await;
    let (_, _, page) = get(&f.app, &path, &[("Cookie", &audrey)]).await;
    assert!(page.contains(&sha256) && !page.contains(&format!(r#"href="{link}""#)));
    let (status, _, _) = get(&f.app, &link, &[("Cookie", &audrey)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// `POST /verify/report` with `files` as `(field, file name, bytes)` (no session: public).
async fn verify_report(
    app: &Router,
    lang: &str,
    files: &[(&str, &str, Vec<u8>)],
) -> (StatusCode, String) {
    verify_upload(app, "/verify/report", lang, files).await
}

/// Posts `files` (form field, file name, bytes) to `path` as a page in `lang`.
async fn verify_upload(
    app: &Router,
    path: &str,
    lang: &str,
    files: &[(&str, &str, Vec<u8>)],
) -> (StatusCode, String) {
    let boundary = "----freeport-test-boundary";
    let mut body = Vec::new();
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, format!("fdp_lang={lang}"))
        .body(Body::from(body))
        .unwrap();
    let (status, _, page) = send(app, request).await;
    (status, page)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anyone_verifies_a_report_against_its_log_and_each_failure_is_named() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let out = assessment(dir.path());
    let read = |name: &str| std::fs::read(out.join(name)).unwrap();
    let report = || ("report", "report.json", read("report.json"));
    let policy = || ("trust_policy", "trust-policy.txt", read("trust-policy.txt"));
    let (_, _, page) = get(&f.app, "/verify?lang=zh", &[]).await;
    assert!(
        page.contains(r#"action="/verify/report""#) && page.contains("核验报告"),
        "{page}"
    );

    // The report with the receipt it carries, under the exporter's log's trust policy.
    let (status, page) = verify_report(&f.app, "en", &[report(), policy()]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("The report verifies"), "{page}");
    let parsed: serde_json::Value = serde_json::from_slice(&read("report.json")).unwrap();
    assert!(
        page.contains(parsed["cover"]["transfer_id"].as_str().unwrap()),
        "{page}"
    );
    assert!(page.contains("the one uploaded"), "{page}");
    // And with the receipt beside it.
    let receipt = ("receipt", "receipt.tlog-proof", read("receipt.tlog-proof"));
    let (status, _) = verify_report(&f.app, "en", &[report(), receipt, policy()]).await;
    assert_eq!(status, StatusCode::OK);

    // Under the port's own trust policy: another log's key, so the receipt is named.
    let (status, page) = verify_report(&f.app, "zh", &[report()]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("报告核验未通过。收据："), "{page}");
    assert!(
        page.contains(r#"id="report-receipt" type="file" name="receipt" accept=".tlog-proof,text/plain" aria-describedby="report-receipt-help" aria-invalid="true""#),
        "{page}"
    );
    // A report changed after it was logged: the entry binds another hash.
    let mut changed = parsed.clone();
    changed["cover"]["transfer_date"] = serde_json::json!("2020-01-01");
    let changed = (
        "report",
        "report.json",
        serde_json::to_vec(&changed).unwrap(),
    );
    let (status, page) = verify_report(&f.app, "en", &[changed, policy()]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("The report does NOT verify. The report:") && page.contains("binds"),
        "{page}"
    );
    // Not a report; a broken trust policy; nothing chosen.
    let junk = ("report", "report.json", b"{}".to_vec());
    let (status, page) = verify_report(&f.app, "zh", &[junk]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("报告核验未通过。报告："), "{page}");
    let broken = ("trust_policy", "trust-policy.txt", b"log nonsense".to_vec());
    let (status, page) = verify_report(&f.app, "en", &[report(), broken]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("The report does NOT verify. The trust policy:"),
        "{page}"
    );
    let (status, page) = verify_report(&f.app, "en", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose a report file."), "{page}");
}

/// `pairs` as a form body (`application/x-www-form-urlencoded`).
fn form_body(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The page's `<main>`.
fn main_of(page: &str) -> &str {
    let start = page.find("<main").unwrap();
    let end = page.find("</main>").unwrap();
    &page[start..end]
}

/// The text of a page outside tags, `code` and parts marked English (`lang="en"`).
fn prose(page: &str) -> String {
    let code =
        regex::Regex::new(r#"(?s)<code[^>]*>.*?</code>|<span lang="en">.*?</span>"#).unwrap();
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    tags.replace_all(&code.replace_all(main_of(page), " "), " ")
        .into_owned()
}

/// Each field marked refused, with its message: `id: message`.
fn refusals(page: &str) -> String {
    let error = regex::Regex::new(r#"<p class="error" id="([^"]+)-error">(.*?)</p>"#).unwrap();
    error
        .captures_iter(page)
        .map(|c| format!("{}: {}", &c[1], &c[2]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The bundled `china-review` filing as its form's fields.
const CHINA_REVIEW_FORM: &[(&str, &str)] = &[
    ("format", "1"),
    ("date", "2026-06-15"),
    ("scenario", "supply_chain_management"),
    ("transaction", "other"),
    (
        "exporter.name",
        "Example Precision Manufacturing (Suzhou) Co., Ltd.",
    ),
    ("exporter.jurisdiction", "cn"),
    ("exporter.ciio", "false"),
    ("exporter.us_person", "false"),
    ("exporter.data_broker", "false"),
    ("exporter.owned_25pct_by_country_of_concern", "false"),
    ("recipient.name", "Example Precision, Inc."),
    ("recipient.country", "us"),
    ("recipient.relationship", "affiliate"),
    ("recipient.covered_person", "false"),
    ("recipient.padfa_controlled", "false"),
    ("recipient.foreign_judicial_or_law_enforcement", "false"),
    ("recipient.cac_restricted_list", "false"),
    ("recipient.cloud_computing", "false"),
    ("data.important_data", "false"),
    ("data.us_government_related", "false"),
    ("data.subjects", "other"),
    ("data.individuals", "120000"),
    ("data.inventory.0.category", "person.name"),
    ("data.inventory.0.individuals", "120000"),
    ("data.inventory.0.collected_in", "cn"),
    ("data.inventory.0.form", "raw"),
    ("data.inventory.1.category", "contact.phone"),
    ("data.inventory.1.individuals", "120000"),
    ("data.inventory.1.collected_in", "cn"),
    ("data.inventory.1.form", "raw"),
    // The empty row the form always offers.
    ("data.inventory.2.category", ""),
    ("data.inventory.2.individuals", ""),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exporter_files_through_the_form_drawn_from_the_facts_schema() {
    let f = fixture();
    let alice = sign_in(&f.app, &f.tokens[0].1).await;
    let cookie = [("Cookie", alice.as_str())];
    let admin = freeport_port::Principal::local_admin();
    let before = f.port.filings(&admin).unwrap().len();
    let (_, _, page) = get(&f.app, "/filings?lang=en", &cookie).await;
    assert!(page.contains(r#"href="/filings/new""#), "{page}");

    // The form is the schema's: each field of a party, the newest format as the default, and
    // none of the volumes the port counts itself.
    let (status, _, en) = get(&f.app, "/filings/new?lang=en", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let schema = freeport_policy::facts_schema();
    for name in schema["$defs"]["Party"]["properties"]
        .as_object()
        .unwrap()
        .keys()
    {
        assert!(en.contains(&format!(r#"name="parties.0.{name}"#)), "{name}");
    }
    assert!(en.contains(r#"name="format" value="2""#), "{en}");
    assert!(!en.contains("prior_volumes"));
    assert!(en.contains("28 CFR 202.211(a)(5)"), "citations in the help");
    insta::assert_snapshot!("facts_form_en", stable(main_of(&en)));
    let (status, _, zh) = get(&f.app, "/filings/new?lang=zh", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(zh.contains("出口方") && zh.contains("（必填）"), "{zh}");
    // No English sentence on the Chinese page: four Latin words in a row outside code.
    let sentence = regex::Regex::new(r"[A-Za-z]+(?:[ ,'-]+[A-Za-z]+){3,}").unwrap();
    let words: Vec<_> = sentence
        .find_iter(&prose(&zh))
        .map(|m| m.as_str().to_owned())
        .collect();
    assert!(words.is_empty(), "{words:?}");
    insta::assert_snapshot!("facts_form_zh", stable(main_of(&zh)));
    let csrf = csrf_field(&en);

    // Only an exporter files; a form without the session's token is refused.
    let wei = sign_in(&f.app, &f.tokens[2].1).await;
    let (status, _, _) = get(&f.app, "/filings/new", &[("Cookie", &wei)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut pairs = CHINA_REVIEW_FORM.to_vec();
    let (status, _, _) = post_form(&f.app, "/filings/new", &alice, &form_body(&pairs)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    pairs.push(("csrf", &csrf));

    // "Add a row" draws one more inventory row, keeps what was typed, and files nothing.
    let mut adding = pairs.clone();
    adding.push(("_add", "data.inventory"));
    let (status, _, page) = post_form(&f.app, "/filings/new", &alice, &form_body(&adding)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"name="data.inventory.3.category""#),
        "{page}"
    );
    assert!(page.contains(r#"value="contact.phone""#));
    assert_eq!(f.port.filings(&admin).unwrap().len(), before);

    // Wrong fields: each refused beside itself in Chinese, what was typed kept, nothing filed.
    let mut wrong: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, _)| *k != "scenario")
        .map(|(k, v)| match *k {
            "date" => (*k, "2026-06-31"),
            "data.inventory.1.individuals" => (*k, "many"),
            _ => (*k, *v),
        })
        .collect();
    wrong.push(("data.inventory.2.form", "raw"));
    let zh_cookie = format!("{alice}; fdp_lang=zh");
    let (status, _, page) = post_form(&f.app, "/filings/new", &zh_cookie, &form_body(&wrong)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(r#"value="many""#) && page.contains(r#"value="2026-06-31""#));
    assert!(
        page.contains(r#"aria-invalid="true" aria-describedby="f-date-help f-date-error""#),
        "{page}"
    );
    insta::assert_snapshot!("facts_form_refused_zh", refusals(&page));
    assert_eq!(f.port.filings(&admin).unwrap().len(), before);

    // A field the form takes but the port's facts loader refuses: its words, beside the field.
    let unknown: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| {
            if *k == "data.inventory.1.category" {
                (*k, "contact.fone")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let (status, _, page) = post_form(&f.app, "/filings/new", &alice, &form_body(&unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refusals(&page);
    assert!(
        refused.starts_with("f-data-inventory-1-category: "),
        "{refused}"
    );
    assert!(refused.contains("contact.fone"), "{refused}");
    assert_eq!(f.port.filings(&admin).unwrap().len(), before);

    // The good form is filed as the upload is, and the exporter lands on its page.
    let (status, headers, _) = post_form(&f.app, "/filings/new", &alice, &form_body(&pairs)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    let location = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/filings/F-"), "{location}");
    assert_eq!(f.port.filings(&admin).unwrap().len(), before + 1);
    let (status, _, page) = get(&f.app, &location, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("acme"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anyone_verifies_a_package_manifest_without_its_ciphertext_and_each_failure_is_named() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let out = assessment(dir.path());
    let package = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "fdp"))
        .unwrap();
    let read = |path: std::path::PathBuf| std::fs::read(path).unwrap();
    let manifest_bytes = read(package.join("manifest.json"));
    let manifest = || ("manifest", "manifest.json", manifest_bytes.clone());
    let signature = || {
        (
            "signature",
            "manifest.sig",
            read(package.join("manifest.sig")),
        )
    };
    let trust_file = || ("trust", "trust.toml", read(out.join("trust.toml")));
    let policy = || {
        (
            "trust",
            "trust-policy.txt",
            read(out.join("trust-policy.txt")),
        )
    };
    let check = |lang: &'static str, files: Vec<(&'static str, &'static str, Vec<u8>)>| {
        let app = f.app.clone();
        async move { verify_upload(&app, "/verify/manifest", lang, &files).await }
    };
    let (_, _, page) = get(&f.app, "/verify?lang=zh", &[]).await;
    assert!(
        page.contains(r#"action="/verify/manifest""#) && page.contains("核验数据包清单"),
        "{page}"
    );

    // The manifest and its signature under the package's trust file: what it proved, the
    // exporter pinned by the trust file, and the ciphertext hash it binds, with no ciphertext.
    let parsed: serde_json::Value = serde_json::from_slice(&manifest_bytes).unwrap();
    let (status, page) = check("en", vec![manifest(), signature(), trust_file()]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("The manifest verifies"), "{page}");
    assert!(page.contains(parsed["transfer_id"].as_str().unwrap()));
    assert!(page.contains(parsed["payload"]["sha256"].as_str().unwrap()));
    assert!(
        page.contains("(an exporter the trust file names)"),
        "{page}"
    );
    // Under the log's policy alone, in Chinese: the signer is named for the reader to check.
    let (status, page) = check("zh", vec![manifest(), signature(), policy()]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("清单核验通过") && page.contains("请核对此为出口方的密钥"),
        "{page}"
    );

    // Under the port's own policy: another log's key, so the receipt is named.
    let (status, page) = check("zh", vec![manifest(), signature()]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("清单核验未通过。收据："), "{page}");
    // The receipt beside the manifest (the assessment's, which proves the same entry), then one
    // that is not a receipt.
    let receipt = || {
        (
            "receipt",
            "receipt.tlog-proof",
            read(out.join("receipt.tlog-proof")),
        )
    };
    let (status, page) = check("en", vec![manifest(), signature(), receipt(), policy()]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let junk = ("receipt", "receipt.tlog-proof", b"not a receipt".to_vec());
    let (status, page) = check("en", vec![manifest(), signature(), junk, policy()]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("The manifest does NOT verify. The receipt:"),
        "{page}"
    );
    // An edited manifest: the signature no longer holds over it.
    let edited = String::from_utf8(manifest_bytes.clone()).unwrap().replacen(
        parsed["transfer_id"].as_str().unwrap(),
        "T-2020-000001",
        1,
    );
    let edited = ("manifest", "manifest.json", edited.into_bytes());
    let (status, page) = check("en", vec![edited, signature(), trust_file()]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("The manifest does NOT verify. The signature:")
            && page.contains("does not verify over"),
        "{page}"
    );
    assert!(page.contains(r#"id="manifest-signature" type="file" name="signature" accept=".sig,text/plain" required aria-invalid="true""#), "{page}");
    // Junk for a signature; a broken trust file; nothing chosen.
    let junk = ("signature", "manifest.sig", b"not a signature".to_vec());
    let (status, page) = check("zh", vec![manifest(), junk, trust_file()]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("清单核验未通过。签名："), "{page}");
    let broken = ("trust", "trust.toml", b"exporters = 3".to_vec());
    let (status, page) = check("en", vec![manifest(), signature(), broken]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("The manifest does NOT verify. The trust file or policy:"),
        "{page}"
    );
    let (status, page) = check("en", vec![signature()]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Choose the manifest and its signature."),
        "{page}"
    );
}
