//! The port's dashboard (issue 18): server-rendered pages over the same [`Port`] calls the API
//! makes, in English and Chinese, with no script and no build chain (they work offline and print).
//!
//! Sessions: a person signs in with their API token at `/login`; the port keeps the token in
//! memory for the session only and gives the browser a random session id in a cookie that is
//! `HttpOnly; Secure; SameSite=Strict`. Every request resolves the token again
//! ([`Port::authenticate`]), so a revoked account is out at once, and a session idle for
//! [`IDLE_TIMEOUT`] ends. Every form carries a per-session CSRF token (the login form a
//! double-submitted one) checked before anything else. Every page is sent `Cache-Control:
//! no-store` with a strict content-security policy, so no page of one role is kept for another.
//!
//! Pages: `/publications` and `/log` (anyone), `/login`, `/logout`, `/filings` and `/filings/{id}` (as
//! [`Port::filings`] and [`Port::filing`] allow the caller: an exporter its organisation's, a
//! reviewer those with a case on its side, the auditor all), `/filings/new` (an exporter's filing
//! form, drawn from the facts schema: [`facts_form`]), `/queue` (a reviewer's open cases).
//! On a filing's page the exporter and the reviewers write questions and answers, and a reviewer
//! whose key the port holds decides ([`actions`]).

mod actions;
mod attach;
mod chips_page;
mod downloads;
mod facts_form;
mod i18n;
mod log_page;
mod pages;
mod screen_page;
mod stats_page;
mod upload;
mod verify_page;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use freeport_port::{Port, PortError, Principal};
use freeport_report::Lang;
use freeport_store::docket::Role;
use maud::Markup;
use serde::Deserialize;

pub use i18n::LANG_COOKIE;

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "fdp_session";

/// The login form's double-submit cookie.
const LOGIN_COOKIE: &str = "fdp_login";

const STYLESHEET: &str = include_str!("../../assets/dashboard.css");

/// One signed-in person.
struct Session {
    /// Their API token, resolved again on every request; never written anywhere.
    token: String,
    /// The token every form of the session carries.
    csrf: String,
    last_seen: Instant,
}

/// The sessions of one server process (signing in again after a restart is the price of never
/// writing a token down).
#[derive(Default)]
pub struct Sessions {
    inner: Mutex<HashMap<String, Session>>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions").finish_non_exhaustive()
    }
}

impl Sessions {
    fn open(&self, token: String) -> Option<(String, String)> {
        let id = random_token()?;
        let csrf = random_token()?;
        let mut sessions = self.inner.lock().ok()?;
        sessions.retain(|_, s| s.last_seen.elapsed() < IDLE_TIMEOUT);
        sessions.insert(
            id.clone(),
            Session {
                token,
                csrf: csrf.clone(),
                last_seen: Instant::now(),
            },
        );
        Some((id, csrf))
    }

    /// The token and CSRF token of a live session, marking it seen.
    fn touch(&self, id: &str) -> Option<(String, String)> {
        let mut sessions = self.inner.lock().ok()?;
        let session = sessions.get_mut(id)?;
        if session.last_seen.elapsed() >= IDLE_TIMEOUT {
            sessions.remove(id);
            return None;
        }
        session.last_seen = Instant::now();
        Some((session.token.clone(), session.csrf.clone()))
    }

    fn close(&self, id: &str) {
        if let Ok(mut sessions) = self.inner.lock() {
            sessions.remove(id);
        }
    }
}

/// 32 random bytes as hex.
fn random_token() -> Option<String> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(freeport_util::fmt::hex(&bytes))
}

/// Compares two secrets in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[derive(Clone)]
struct Web {
    port: Arc<Port>,
    sessions: Arc<Sessions>,
}

/// The dashboard's routes over `port`, merged beside the API by [`crate::api::router`].
pub fn router(port: Arc<Port>) -> Router {
    let state = Web {
        port,
        sessions: Arc::new(Sessions::default()),
    };
    Router::new()
        .route("/", get(home))
        .route("/publications", get(publications))
        .route("/log", get(log_page::log))
        .route("/verify", get(verify_page::form).post(verify_page::check))
        .route("/verify/report", post(verify_page::check_report))
        .route("/verify/manifest", post(verify_page::check_manifest))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/filings", get(filings).post(upload::file))
        .route("/filings/assessment", post(upload::file_assessment))
        .route("/filings/new", get(facts_form::form).post(facts_form::file))
        .route("/filings/{id}", get(actions::filing))
        .route("/filings/{id}/messages", post(actions::post_message))
        .route("/filings/{id}/contests", post(actions::post_contest))
        .route(
            "/filings/{id}/contests/{seq}/ruling",
            post(actions::post_ruling),
        )
        .route(
            "/filings/{id}/attachments",
            post(attach::post_attachment)
                .layer(axum::extract::DefaultBodyLimit::max(attach::MAX_FORM_BYTES)),
        )
        .route(
            "/filings/{id}/attachments/{seq}",
            get(downloads::attached_document),
        )
        .route("/filings/{id}/decision", post(actions::post_decision))
        .route("/filings/{id}/receipt", get(downloads::receipt))
        .route("/audit/bundle", get(downloads::audit_bundle))
        .route("/queue", get(queue))
        .route("/statistics", get(stats_page::statistics))
        .route("/chips", get(chips_page::chips))
        .route(
            "/chips/screen",
            get(screen_page::form).post(screen_page::screen).layer(
                axum::extract::DefaultBodyLimit::max(screen_page::MAX_SCREENING_BYTES),
            ),
        )
        .route("/chips/cases/{id}", get(chips_page::case))
        .route(
            "/chips/cases/{id}/decision",
            post(chips_page::post_decision),
        )
        .route("/assets/dashboard.css", get(stylesheet))
        .layer(axum::extract::DefaultBodyLimit::max(
            upload::MAX_UPLOAD_BYTES,
        ))
        .with_state(state)
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then_some(value)
        })
}

/// `?lang=` on any page.
#[derive(Debug, Deserialize)]
struct LangSwitch {
    lang: Option<String>,
}

/// What every page knows about its request: the language and who asks.
struct Context {
    lang: Lang,
    /// Whether the language came from `?lang=` (then remembered in a cookie).
    switched: bool,
    path: String,
    who: Option<Principal>,
    csrf: Option<String>,
    session: Option<String>,
}

impl Context {
    fn new(web: &Web, headers: &HeaderMap, switch: &LangSwitch, path: &str) -> Self {
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let lang = i18n::choose(switch.lang.as_deref(), cookie(headers, LANG_COOKIE), accept);
        let switched = switch.lang.as_deref().and_then(i18n::parse_tag).is_some();
        let session = cookie(headers, SESSION_COOKIE).map(str::to_owned);
        let (who, csrf) = session
            .as_deref()
            .and_then(|id| web.sessions.touch(id))
            .and_then(|(token, csrf)| Some((web.port.authenticate(&token).ok()?, csrf)))
            .map_or((None, None), |(who, csrf)| (Some(who), Some(csrf)));
        Self {
            lang,
            switched,
            path: path.to_owned(),
            who,
            csrf,
            session,
        }
    }

    fn page(&self, status: StatusCode, title: &str, body: Markup) -> Response {
        let markup = pages::layout(self, title, body);
        let mut response = (status, markup.into_string()).into_response();
        let headers = response.headers_mut();
        let fixed = [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::VARY, "Cookie, Accept-Language"),
        ];
        for (name, value) in fixed {
            headers.insert(name, HeaderValue::from_static(value));
        }
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(self.lang.tag()),
        );
        if self.switched {
            let value = format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict; Secure",
                i18n::tag(self.lang)
            );
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.append(header::SET_COOKIE, value);
            }
        }
        response
    }

    fn error(&self, error: &PortError) -> Response {
        use freeport_port::port::ErrorKind;
        let (status, key) = match error.kind() {
            ErrorKind::NotFound => (StatusCode::NOT_FOUND, "error.not_found"),
            ErrorKind::Forbidden => (StatusCode::FORBIDDEN, "error.forbidden"),
            ErrorKind::Unauthenticated => return redirect("/login"),
            _ => (StatusCode::SERVICE_UNAVAILABLE, "error.unavailable"),
        };
        self.page(status, i18n::t(self.lang, key), pages::message(self, key))
    }
}

fn redirect(to: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        // The report's shared parts are drawn with the report's CSS.
        format!("{STYLESHEET}{}", freeport_report::parts::STYLESHEET),
    )
        .into_response()
}

async fn home(State(web): State<Web>, headers: HeaderMap) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/");
    match context.who.as_ref().map(|w| w.role) {
        Some(Role::CnReviewer | Role::UsReviewer) => redirect("/queue"),
        Some(_) => redirect("/filings"),
        None => redirect("/publications"),
    }
}

async fn publications(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, "/publications");
    let port = Arc::clone(&web.port);
    match crate::port_call(move || port.publications()).await {
        Ok(list) => context.page(
            StatusCode::OK,
            i18n::t(context.lang, "publications.title"),
            pages::publications(&context, &list),
        ),
        Err(e) => context.error(&e),
    }
}

async fn login_form(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, "/login");
    login_page(&context, StatusCode::OK, None)
}

/// The login form with a fresh double-submit token in a cookie and a hidden field.
fn login_page(context: &Context, status: StatusCode, problem: Option<&'static str>) -> Response {
    let Some(nonce) = random_token() else {
        return context.page(
            StatusCode::SERVICE_UNAVAILABLE,
            i18n::t(context.lang, "error.unavailable"),
            pages::message(context, "error.unavailable"),
        );
    };
    let mut response = context.page(
        status,
        i18n::t(context.lang, "login.title"),
        pages::login(context, &nonce, problem),
    );
    let value = format!("{LOGIN_COOKIE}={nonce}; Path=/login; HttpOnly; Secure; SameSite=Strict");
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The login form's fields.
#[derive(Debug, Deserialize)]
struct LoginFields {
    token: String,
    csrf: String,
}

async fn login(
    State(web): State<Web>,
    headers: HeaderMap,
    Form(fields): Form<LoginFields>,
) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/login");
    let fresh = cookie(&headers, LOGIN_COOKIE).is_some_and(|c| same_secret(c, &fields.csrf));
    if !fresh {
        return login_page(&context, StatusCode::FORBIDDEN, Some("login.expired"));
    }
    let port = Arc::clone(&web.port);
    let token = fields.token.trim().to_owned();
    let checked = token.clone();
    if crate::port_call(move || port.authenticate(&checked))
        .await
        .is_err()
    {
        return login_page(&context, StatusCode::UNAUTHORIZED, Some("login.refused"));
    }
    let Some((id, _)) = web.sessions.open(token) else {
        return context.error(&PortError::Internal("no session could be opened".into()));
    };
    let mut response = redirect("/");
    let cookies = [
        format!("{SESSION_COOKIE}={id}; Path=/; HttpOnly; Secure; SameSite=Strict"),
        format!("{LOGIN_COOKIE}=; Path=/login; Max-Age=0; HttpOnly; Secure; SameSite=Strict"),
    ];
    for value in cookies {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// A form that only carries the session's CSRF token.
#[derive(Debug, Deserialize)]
struct CsrfOnly {
    csrf: String,
}

async fn logout(
    State(web): State<Web>,
    headers: HeaderMap,
    Form(fields): Form<CsrfOnly>,
) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/logout");
    match (&context.session, &context.csrf) {
        (Some(id), Some(csrf)) if same_secret(csrf, &fields.csrf) => {
            web.sessions.close(id);
            let mut response = redirect("/publications");
            let value =
                format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        _ => context.page(
            StatusCode::FORBIDDEN,
            i18n::t(context.lang, "login.title"),
            pages::message(&context, "login.expired"),
        ),
    }
}

async fn filings(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, "/filings");
    let Some(who) = context.who.clone() else {
        return redirect("/login");
    };
    let port = Arc::clone(&web.port);
    match crate::port_call(move || port.filings(&who)).await {
        Ok(list) => context.page(
            StatusCode::OK,
            i18n::t(context.lang, "filings.title"),
            pages::filings(&context, &list, None),
        ),
        Err(e) => context.error(&e),
    }
}

async fn queue(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, "/queue");
    let Some(who) = context.who.clone() else {
        return redirect("/login");
    };
    let port = Arc::clone(&web.port);
    match crate::port_call(move || port.queue(&who)).await {
        Ok(queue) => {
            let now = jiff::Timestamp::now().as_second();
            context.page(
                StatusCode::OK,
                i18n::t(context.lang, "queue.title"),
                pages::queue(&context, &queue, now),
            )
        }
        Err(e) => context.error(&e),
    }
}
