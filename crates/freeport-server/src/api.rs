//! The port's HTTP API (`freeport serve`): a versioned JSON API under `/api/v1` over
//! [`freeport_port::Port`], which holds every workflow; a handler only authenticates, parses,
//! calls and renders.
//!
//! | method and path | who | what |
//! |---|---|---|
//! | `GET /healthz` | anyone | `ok` while the port serves |
//! | `GET /api/v1/whoami` | any account | the caller's account, role and organisation |
//! | `POST /api/v1/accounts` | admin | a new account; its token is in the answer, once |
//! | `GET /api/v1/accounts` | admin, auditor | every account |
//! | `POST /api/v1/filings` | exporter | files transfer facts (JSON): `201` + `Location` |
//! | `POST /api/v1/assessments` | exporter | files an uploaded `freeport assess` result, as a job: `202` + `Location` |
//! | `GET /api/v1/jobs/{id}` | the job's account (and organisation) | where a job stands; poll until it ends |
//! | `GET /api/v1/filings` | any account | the filings the caller may see |
//! | `GET /api/v1/filings/{id}` | any account | one filing, its cases and messages |
//! | `POST /api/v1/filings/{id}/messages` | exporter, reviewers | a question or answer |
//! | `POST /api/v1/filings/{id}/decision` | reviewers | the caller's side's signed decision |
//! | `POST /api/v1/filings/{id}/contests` | exporter | contests a classification on its filing |
//! | `POST /api/v1/filings/{id}/contests/{seq}/ruling` | reviewers | accepts (an override; the filing judged again) or rejects a contest |
//! | `GET /api/v1/overrides` | any account | the overrides the caller may see |
//! | `POST /api/v1/filings/{id}/attachments?kind=K&file_name=N` | exporter | attaches the body's bytes to its filing |
//! | `GET /api/v1/filings/{id}/attachments/{seq}` | exporter, reviewers | an attached document's bytes |
//! | `GET /api/v1/cases?status=open` | reviewers, auditor, admin | the side's queue |
//! | `GET /api/v1/journal?after=N` | auditor, admin | the access journal |
//! | `/api/v1/chips/…` | by route | whitelist, verification reports, chips cases, devices and attestations ([`chips`]) |
//! | `/api/v1/stats/studies`, `/api/v1/stats/releases` | by route | the study registry of the aggregator the port hosts; approving a study; publishing a released result ([`stats`]) |
//!
//! Every error is an RFC 9457 `application/problem+json` document whose `code` is the
//! diagnostic code the command line prints for the same failure (`freeport::port::conflict`,
//! `freeport::facts::invalid`, …), with the offending `field` where there is one. Requests are
//! authenticated by `Authorization: Bearer <token>`; the port checks role and tenancy on every
//! call. Bodies over [`MAX_BODY_BYTES`] are refused with `413` before they are read in full.

use std::net::TcpListener;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use freeport_policy::Jurisdiction;
use freeport_port::home::Cosigned;
use freeport_port::port::{
    AccountView, AssessmentUpload, AttachmentKind, AttachmentView, CaseView, ContestRulingRequest,
    ContestView, DecisionRequest, ErrorKind, FilingSummary, FilingView, MAX_ATTACHMENT_BYTES,
    MAX_FACTS_BYTES, MessageView, NewAccount, NewContest, NewNotice, Principal, Publication,
    RulingView,
};
use freeport_port::{Port, PortError};
use freeport_store::docket::{CaseStatus, Role};
use miette::Diagnostic;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::ServerError;
use crate::filer::FilingQueue;
use crate::jobs::{JobState, JobView, Jobs};

pub mod chips;
pub mod stats;

/// The largest request body accepted: the largest facts document and room for its envelope.
pub const MAX_BODY_BYTES: usize = MAX_FACTS_BYTES + 64 * 1024;

/// The media type of problem documents (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:freeport:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// The diagnostic code, as the command line prints it.
    pub code: String,
    /// The request field at fault, where there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
    /// What to do about it, where known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub help: Option<String>,
}

impl Problem {
    pub(crate) fn new(status: StatusCode, code: &str, detail: String) -> Self {
        Self {
            problem_type: format!("urn:freeport:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            field: None,
            help: None,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A port error as a problem document, with the same code the command line shows.
fn problem(error: &PortError) -> Problem {
    let status = match error.kind() {
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    };
    // The innermost diagnostic that has a code (a facts error's own, not the wrapper's).
    let code = error
        .code()
        .map_or_else(|| "freeport::port::internal".to_owned(), |c| c.to_string());
    let detail = match error.kind() {
        // Internals stay in the server's log; the caller learns only that it failed.
        ErrorKind::Internal => "the port failed; the operator has the details".to_owned(),
        _ => error.to_string(),
    };
    let mut problem = Problem::new(status, &code, detail);
    problem.help = error.help().map(|h| h.to_string());
    problem.field = match error {
        PortError::Invalid { field, .. } => Some(field.clone()),
        PortError::Facts(_) => Some("facts".to_owned()),
        _ => None,
    };
    problem
}

struct ApiError(Problem);

impl From<PortError> for ApiError {
    fn from(error: PortError) -> Self {
        if error.kind() == ErrorKind::Internal {
            tracing_error(&error);
        }
        Self(problem(&error))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "freeport::api::too_large"
        } else {
            "freeport::api::bad_json"
        };
        Self(Problem::new(status, code, rejection.body_text()))
    }
}

/// A query string that does not parse, as a problem document naming it.
fn query_problem(rejection: QueryRejection) -> ApiError {
    let mut problem = Problem::new(
        StatusCode::BAD_REQUEST,
        "freeport::api::bad_query",
        rejection.body_text(),
    );
    problem.field = Some("query".to_owned());
    ApiError(problem)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

/// Logs a server-side failure on stderr as one structured line (never a request body).
fn tracing_error(error: &PortError) {
    let line = serde_json::json!({
        "level": "error",
        "code": error.code().map(|c| c.to_string()),
        "message": error.to_string(),
    });
    write_log(&line);
}

/// Logs one structured line on stderr.
fn log_line(level: &str, message: &str) {
    write_log(&serde_json::json!({ "level": level, "message": message }));
}

fn write_log(line: &serde_json::Value) {
    #[expect(
        clippy::print_stderr,
        reason = "the server's structured log is its stderr"
    )]
    {
        eprintln!("{line}");
    }
}

type Shared = Arc<Port>;

/// Runs `work` (blocking store and log calls) off the async workers.
/// A body that could not be read: `413` over the limit, else `400`, naming `field` if given.
fn body_problem(rejection: &BytesRejection, field: Option<&str>) -> ApiError {
    let status = rejection.status();
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "freeport::api::too_large"
    } else {
        "freeport::api::bad_body"
    };
    let mut problem = Problem::new(status, code, rejection.body_text());
    problem.field = field.map(str::to_owned);
    ApiError(problem)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, PortError> + Send + 'static,
) -> Result<T, ApiError> {
    crate::port_call(work).await.map_err(ApiError::from)
}

/// The authenticated caller.
struct Caller(Principal);

impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, port: &Shared) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned())
            .ok_or_else(|| ApiError::from(PortError::Unauthenticated))?;
        let port = Arc::clone(port);
        blocking(move || port.authenticate(&token))
            .await
            .map(Caller)
    }
}

/// The answer to account creation: the account and its token, shown once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedAccount {
    /// The account.
    pub account: AccountView,
    /// The API token; the port keeps only its hash.
    pub token: String,
}

#[utoipa::path(get, path = "/api/v1/whoami", tag = "accounts",
    responses((status = 200, description = "The caller", body = Principal), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn whoami(Caller(who): Caller) -> Json<Principal> {
    Json(who)
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = NewAccount,
    responses((status = 201, description = "The account and its token, shown once", body = CreatedAccount), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The state changed: decided already, a duplicate id", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, not UTF-8, or a parameter of the wrong type", body = Problem, content_type = "application/problem+json"), (status = 415, description = "The body is not sent as `application/json`", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn create_account(
    State(port): State<Shared>,
    Caller(who): Caller,
    body: Result<Json<NewAccount>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(new) = body?;
    let (account, token) = blocking(move || port.create_account(&who, &new)).await?;
    let body = CreatedAccount {
        account,
        token: token.expose().to_owned(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts",
    responses((status = 200, description = "Every account", body = Vec<AccountView>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn accounts(State(port): State<Shared>, Caller(who): Caller) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.accounts(&who)).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/filings", tag = "filings",
    request_body(content = Object, content_type = "application/json",
        description = "Transfer facts with their inventory, in JSON (schema: `GET /api/v1/schema/facts`; `freeport judge --schema`)"),
    responses((status = 201, description = "Judged and cleared at once, or routed to each side that reviews", body = FilingView,
        headers(("Location" = String, description = "The filing's URL"))),
        (status = 413, description = "The body exceeds the limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, not UTF-8, or a parameter of the wrong type", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn file(
    State(port): State<Shared>,
    Extension(queue): Extension<Arc<FilingQueue>>,
    Caller(who): Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| body_problem(&rejection, None))?;
    let text = String::from_utf8(body.to_vec()).map_err(|e| {
        let mut p = Problem::new(
            StatusCode::BAD_REQUEST,
            "freeport::api::bad_json",
            format!("the body is not UTF-8: {e}"),
        );
        p.field = Some("facts".to_owned());
        ApiError(p)
    })?;
    let prepared = blocking(move || port.prepare_filing(&who, &text)).await?;
    let filing = queue.file(prepared).await.map_err(ApiError::from)?;
    let location = format!("/api/v1/filings/{}", filing.id);
    let mut response = (StatusCode::CREATED, Json(filing)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// An uploaded assessment (`POST /api/v1/assessments`): the four files `freeport assess -o DIR`
/// wrote, each as its text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AssessmentRequest {
    /// `facts.json`: the facts as judged, inventory from the scan.
    facts: String,
    /// `report.json`.
    report: String,
    /// `receipt.tlog-proof`.
    receipt: String,
    /// `trust-policy.txt`.
    trust_policy: String,
}

/// The largest assessment upload: the facts, a report as large as an attachment, a receipt
/// and a trust policy.
pub const MAX_ASSESSMENT_BYTES: usize = MAX_FACTS_BYTES + MAX_ATTACHMENT_BYTES + 64 * 1024;

#[utoipa::path(post, path = "/api/v1/assessments", tag = "filings",
    request_body(content = AssessmentRequest, description = "What `freeport assess -o DIR` wrote: facts.json, report.json, receipt.tlog-proof and trust-policy.txt, each as a string"),
    responses((status = 202, description = "Accepted as a job: poll `Location` (`/api/v1/jobs/{id}`) until it has succeeded (the filing) or failed (the problem, as `POST /api/v1/filings` would answer)", body = JobView), (status = 400, description = "Malformed JSON or a part missing", body = Problem, content_type = "application/problem+json"), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 413, description = "The body exceeds the limit", body = Problem, content_type = "application/problem+json"), (status = 429, description = "Too many jobs running; retry", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn file_assessment(
    State(port): State<Shared>,
    Extension(jobs): Extension<Arc<Jobs>>,
    Caller(who): Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| body_problem(&rejection, None))?;
    let request: AssessmentRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError(Problem::new(
            StatusCode::BAD_REQUEST,
            "freeport::api::bad_json",
            format!("the body is not an assessment upload: {e}"),
        ))
    })?;
    // Refused at once, not as a job: only an exporter files.
    if who.role != Role::Exporter {
        return Err(ApiError::from(PortError::Forbidden {
            role: who.role,
            action: "file transfers",
        }));
    }
    let job = jobs
        .start(
            &who,
            "assessment_filing",
            jiff::Timestamp::now().to_string(),
        )
        .map_err(|_| {
            ApiError(Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "freeport::api::busy",
                format!(
                    "{} assessments are being filed; retry in a moment",
                    crate::jobs::MAX_RUNNING
                ),
            ))
        })?;
    let upload = AssessmentUpload {
        facts: request.facts,
        report: request.report.into_bytes(),
        receipt: request.receipt,
        trust_policy: request.trust_policy,
    };
    let id = job.id.clone();
    let running = Arc::clone(&jobs);
    tokio::spawn(async move {
        let outcome = crate::port_call(move || port.file_assessment(&who, &upload)).await;
        running.finish(
            &id,
            outcome
                .map(|filed| (filed.filing.id, filed.created))
                .map_err(|e| ApiError::from(e).0),
        );
    });
    let location = format!("/api/v1/jobs/{}", job.id);
    let mut response = (StatusCode::ACCEPTED, Json(job)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "filings",
    params(("id" = String, Path, description = "Job id, from the `Location` of the request that started it")),
    responses((status = 200, description = "Where the job stands; while `running`, `Retry-After` says when to ask again", body = JobView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 404, description = "No such job for the caller (another's, forgotten, or started before the port restarted: upload again, the same assessment answers with its filing)", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn job(
    Extension(jobs): Extension<Arc<Jobs>>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = jobs.get(&who, &id).ok_or_else(|| {
        ApiError::from(PortError::NotFound {
            what: "job",
            id: id.clone(),
        })
    })?;
    let running = view.state == JobState::Running;
    let mut response = Json(view).into_response();
    if running {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/filings", tag = "filings",
    responses((status = 200, description = "The filings the caller may see, oldest first", body = Vec<FilingSummary>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn filings(State(port): State<Shared>, Caller(who): Caller) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.filings(&who)).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/filings/{id}", tag = "filings",
    params(("id" = String, Path, description = "Filing id, e.g. F-2026-000001")),
    responses((status = 200, description = "The filing with its cases and messages", body = FilingView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found, or outside the caller's tenancy", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn filing(
    State(port): State<Shared>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.filing(&who, &id)).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/filings/{id}/receipt", tag = "filings",
    params(("id" = String, Path, description = "Filing id")),
    responses((status = 200, description = "An offline receipt (C2SP tlog-proof) for a filing cleared at once, against the published cosigned checkpoint", body = String, content_type = "text/plain"),
        (status = 404, description = "Not found, outside the caller's tenancy, or no cosigned checkpoint covers it yet", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The state changed: decided already, a duplicate id", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn receipt(
    State(port): State<Shared>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let filing = id.clone();
    match blocking(move || port.receipt(&who, &id)).await? {
        Some(text) => {
            Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
        }
        None => Err(ApiError(Problem::new(
            StatusCode::NOT_FOUND,
            "freeport::port::not_cosigned_yet",
            format!(
                "no cosigned checkpoint covers `{filing}` yet; the witnesses are asked again every few seconds"
            ),
        ))),
    }
}

/// A message on a case.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// The text (not blank; at most 4,000 characters; no control characters but newlines).
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/filings/{id}/messages", tag = "cases",
    params(("id" = String, Path, description = "Filing id")), request_body = NewMessage,
    responses((status = 201, description = "The message", body = MessageView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found, or outside the caller's tenancy", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The state changed: decided already, a duplicate id", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, not UTF-8, or a parameter of the wrong type", body = Problem, content_type = "application/problem+json"), (status = 415, description = "The body is not sent as `application/json`", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn post_message(
    State(port): State<Shared>,
    Caller(who): Caller,
    Path(id): Path<String>,
    body: Result<Json<NewMessage>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(message) = body?;
    let view = blocking(move || port.post_message(&who, &id, &message.body)).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

#[utoipa::path(post, path = "/api/v1/filings/{id}/decision", tag = "cases",
    params(("id" = String, Path, description = "Filing id")), request_body = DecisionRequest,
    responses((status = 200, description = "The caller's side, decided and logged", body = CaseView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found, or outside the caller's tenancy", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The state changed: decided already, a duplicate id", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, not UTF-8, or a parameter of the wrong type", body = Problem, content_type = "application/problem+json"), (status = 415, description = "The body is not sent as `application/json`", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn decide(
    State(port): State<Shared>,
    Caller(who): Caller,
    Path(id): Path<String>,
    body: Result<Json<DecisionRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    Ok(Json(blocking(move || port.decide(&who, &id, &request)).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/filings/{id}/contests", tag = "cases",
    params(("id" = String, Path, description = "Filing id")), request_body = NewContest,
    responses((status = 201, description = "The contest, pending until a reviewer rules", body = ContestView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found, or outside the caller's tenancy", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The filing is not under review, or the entry is contested already", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, not UTF-8, or a parameter of the wrong type", body = Problem, content_type = "application/problem+json"), (status = 415, description = "The body is not sent as `application/json`", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn contest(
    State(port): State<Shared>,
    Caller(who): Caller,
    Path(id): Path<String>,
    body: Result<Json<NewContest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(new) = body?;
    let view = blocking(move || port.contest(&who, &id, &new)).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

#[utoipa::path(post, path = "/api/v1/filings/{id}/contests/{seq}/ruling", tag = "cases",
    params(("id" = String, Path, description = "Filing id"), ("seq" = u64, Path, description = "The contest's number within the filing")),
    request_body = ContestRulingRequest,
    responses((status = 200, description = "Ruled; an acceptance is an override, logged, and the filing judged again", body = RulingView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found, or outside the caller's tenancy", body = Problem, content_type = "application/problem+json"), (status = 409, description = "Ruled already, or the filing is no longer under review", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, not UTF-8, or a parameter of the wrong type", body = Problem, content_type = "application/problem+json"), (status = 415, description = "The body is not sent as `application/json`", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn rule_contest(
    State(port): State<Shared>,
    Caller(who): Caller,
    path: Result<Path<(String, u64)>, axum::extract::rejection::PathRejection>,
    body: Result<Json<ContestRulingRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Path((id, seq)) = path.map_err(path_problem)?;
    let Json(request) = body?;
    Ok(Json(blocking(move || port.rule_contest(&who, &id, seq, &request)).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/overrides", tag = "cases",
    responses((status = 200, description = "The overrides (accepted contests) the caller may see, by filing", body = Vec<ContestView>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn overrides(State(port): State<Shared>, Caller(who): Caller) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.overrides(&who)).await?).into_response())
}

/// `?kind=&file_name=` of an attachment.
#[derive(Debug, Deserialize)]
struct AttachQuery {
    kind: String,
    file_name: String,
}

#[utoipa::path(post, path = "/api/v1/filings/{id}/attachments", tag = "cases",
    params(("id" = String, Path, description = "Filing id"),
        ("kind" = AttachmentKind, Query, description = "What the document is"),
        ("file_name" = String, Query, description = "Its file name (no path: no `/`, `\\`, leading `.`; at most 200 bytes)")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The document's bytes (at most 8 MiB)"),
    responses((status = 201, description = "Attached: stored by its SHA-256 and listed on the filing", body = AttachmentView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found, or outside the caller's tenancy", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The filing is not under review", body = Problem, content_type = "application/problem+json"), (status = 413, description = "The body exceeds the limit", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: a parameter missing or of the wrong type", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn attach(
    State(port): State<Shared>,
    Caller(who): Caller,
    Path(id): Path<String>,
    query: Result<Query<AttachQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(query_problem)?;
    let body = body.map_err(|rejection| body_problem(&rejection, Some("body")))?;
    let kind = AttachmentKind::parse(&query.kind).ok_or_else(|| {
        ApiError::from(PortError::Invalid {
            field: "kind".to_owned(),
            reason: format!(
                "`{}` is not one of {}",
                query.kind.escape_debug(),
                AttachmentKind::ALL.map(AttachmentKind::as_str).join(", ")
            ),
        })
    })?;
    let view = blocking(move || port.attach(&who, &id, kind, &query.file_name, &body)).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `Content-Disposition: attachment` naming `file_name` (any characters, RFC 5987 encoded), for
/// an attached document's download here and on the dashboard.
pub(crate) fn save_as(file_name: &str) -> Option<HeaderValue> {
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{encoded}")).ok()
}

#[utoipa::path(get, path = "/api/v1/filings/{id}/attachments/{seq}", tag = "cases",
    params(("id" = String, Path, description = "Filing id"), ("seq" = u64, Path, description = "The attachment's number within the filing")),
    responses((status = 200, description = "The document's bytes, checked against their SHA-256 (also in `ETag`)", body = Vec<u8>, content_type = "application/octet-stream"), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this (auditors see hashes, not documents)", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found, or outside the caller's tenancy", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: a parameter of the wrong type", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn attachment(
    State(port): State<Shared>,
    Caller(who): Caller,
    path: Result<Path<(String, u64)>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let Path((id, seq)) = path.map_err(path_problem)?;
    let (view, bytes) = blocking(move || port.attachment(&who, &id, seq)).await?;
    let mut response =
        ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response();
    let headers = response.headers_mut();
    if let Some(value) = save_as(&view.file_name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", view.sha256)) {
        headers.insert(header::ETAG, value);
    }
    Ok(response)
}

/// A path parameter that does not parse, as a problem document naming the number.
fn path_problem(rejection: axum::extract::rejection::PathRejection) -> ApiError {
    let mut problem = Problem::new(
        StatusCode::BAD_REQUEST,
        "freeport::api::bad_path",
        rejection.body_text(),
    );
    problem.field = Some("seq".to_owned());
    ApiError(problem)
}

/// `?status=` of the case queue.
#[derive(Debug, Deserialize)]
struct CasesQuery {
    status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/cases", tag = "cases",
    params(("status" = Option<CaseStatus>, Query, description = "Only the cases in this state")),
    responses((status = 200, description = "The caller's side's cases (every side for auditors and admins)", body = Vec<CaseView>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, not UTF-8, or a parameter of the wrong type", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn cases(
    State(port): State<Shared>,
    Caller(who): Caller,
    query: Result<Query<CasesQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(query_problem)?;
    let status = match query.status.as_deref() {
        None => None,
        Some(text) => Some(CaseStatus::parse(text).ok_or_else(|| {
            ApiError::from(PortError::Invalid {
                field: "status".to_owned(),
                reason: format!(
                    "`{}` is not one of open, approved, approved_with_conditions, refused",
                    text.escape_debug()
                ),
            })
        })?),
    };
    Ok(Json(blocking(move || port.cases(&who, status)).await?).into_response())
}

/// `?after=` of the journal.
#[derive(Debug, Deserialize)]
struct JournalQuery {
    #[serde(default)]
    after: u64,
}

/// One line of the access journal.
#[derive(Debug, Serialize, ToSchema)]
struct JournalLine {
    seq: u64,
    at: String,
    account: String,
    action: String,
    target: String,
}

#[utoipa::path(get, path = "/api/v1/audit/bundle", tag = "audit",
    responses((status = 200, description = "Every logged decision with its offline receipt and signed note, the reviewers' keys; verify with `freeport audit verify`", body = freeport_port::audit::AuditBundle), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn audit_bundle(
    State(port): State<Shared>,
    Caller(who): Caller,
) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.audit_bundle(&who)).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/journal", tag = "audit",
    params(("after" = Option<u64>, Query, description = "Only lines after this one")),
    responses((status = 200, description = "The access journal, oldest first", body = Vec<JournalLine>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, not UTF-8, or a parameter of the wrong type", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn journal(
    State(port): State<Shared>,
    Caller(who): Caller,
    query: Result<Query<JournalQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(query_problem)?;
    let lines: Vec<JournalLine> = blocking(move || port.journal(&who, query.after))
        .await?
        .into_iter()
        .map(|j| JournalLine {
            seq: j.seq,
            at: j.at,
            account: j.account,
            action: j.action,
            target: j.target,
        })
        .collect();
    Ok(Json(lines).into_response())
}

/// The port's OpenAPI document (`GET /openapi.json`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Free Data Port",
        description = "A bilateral data port: exporters file transfers, China's and the United States' reviewers decide and sign, auditors verify. Errors are RFC 9457 problem documents whose `code` is the diagnostic code the `freeport` command line prints."
    ),
    paths(whoami, create_account, accounts, file, file_assessment, job, filings, filing, receipt, post_message, decide, contest, rule_contest, overrides, attach, attachment, cases, journal, audit_bundle, checkpoint, trust_policy, publications, publish, rule_pack, chips::whitelist, chips::record_verification, chips::verifications, chips::apply, chips::reevaluate, chips::cases, chips::case, chips::decide, chips::register_device, chips::devices, chips::attest, chips::overdue, stats::approve_study, stats::study_registry, stats::publish_release, stats::release_list),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Who may act, with which role"),
        (name = "filings", description = "Transfers filed by exporters, judged under both packs"),
        (name = "cases", description = "Each side's review: questions, signed decisions"),
        (name = "audit", description = "The access journal, the audit bundle, the log's checkpoint and trust policy"),
        (name = "publications", description = "Public reasons of refusals, readable without an account"),
        (name = "rules", description = "The rule packs the port judges with, with proof of their publication in the log"),
        (name = "stats", description = "Joint statistics: the study registry of the aggregator a port hosts, its operators' approvals, and the released results it publishes"),
        (name = "chips", description = "Verified end users of advanced chips: verification reports signed by both sides, the whitelist, bilateral cases, end-use monitoring"),
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

#[derive(Debug)]
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The OpenAPI document as pretty JSON, with the crate's version.
#[must_use]
pub fn openapi_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc.to_pretty_json().unwrap_or_default()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

async fn facts_schema() -> Response {
    Json(freeport_policy::facts_schema()).into_response()
}

async fn not_found() -> ApiError {
    ApiError(Problem::new(
        StatusCode::NOT_FOUND,
        "freeport::api::no_route",
        "no such route; the API is under /api/v1".to_owned(),
    ))
}

/// Refuses a request whose declared `Content-Length` exceeds [`MAX_BODY_BYTES`] before any of
/// its body is read (a body without a declared length is cut off at the limit as it is read).
async fn refuse_declared_oversize(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Attachments (documents) and uploaded assessments have their own, larger limits.
    let path = request.uri().path();
    let limit = if path.ends_with("/attachments") {
        MAX_ATTACHMENT_BYTES
    } else if path == "/api/v1/assessments" {
        MAX_ASSESSMENT_BYTES
    } else {
        MAX_BODY_BYTES
    };
    match declared {
        Some(length) if length > limit as u64 => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "freeport::api::too_large",
            format!("the body declares {length} bytes; at most {limit} are accepted"),
        )
        .into_response(),
        _ => next.run(request).await,
    }
}

/// The API's router over `port`. The log itself is served beside the API as static C2SP
/// tlog-tiles files under `/log/` (`/log/checkpoint`, `/log/tile/…`), for `freeport log audit`
/// and any tlog client.
pub fn router(port: Arc<Port>) -> Router {
    router_with_limits(
        port,
        Arc::new(crate::limits::RateLimits::per_second(
            crate::limits::DEFAULT_PER_SECOND,
        )),
    )
}

/// [`router`] with the given rate limits on `/api/v1`.
pub fn router_with_limits(port: Arc<Port>, limits: Arc<crate::limits::RateLimits>) -> Router {
    router_hosting(port, limits, None)
}

/// [`router_with_limits`] for a port that hosts its country's aggregator (`aggregator`): its
/// `/stats/v1/...` endpoints beside the API (outside `/api/v1`'s rate limits and body limit:
/// sites upload batches), its studies approved through `POST /api/v1/stats/studies`.
pub fn router_hosting(
    port: Arc<Port>,
    limits: Arc<crate::limits::RateLimits>,
    aggregator: Option<crate::stats::HostedAggregator>,
) -> Router {
    let stats_routes = aggregator
        .as_ref()
        .map_or_else(Router::new, crate::stats::HostedAggregator::router);
    let log = Router::new()
        .route("/log/{*path}", get(crate::log_file))
        .with_state(Arc::new(port.layout().log_dir()));
    let metrics = Arc::new(crate::metrics::Metrics::default());
    let metrics_route = Router::new()
        .route("/metrics", get(crate::metrics::serve))
        .with_state(Arc::clone(&metrics));
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/openapi.json", get(openapi))
        .route("/api/v1/schema/facts", get(facts_schema))
        .route("/api/v1/whoami", get(whoami))
        .route("/api/v1/accounts", post(create_account).get(accounts))
        .route("/api/v1/filings", post(file).get(filings))
        .route(
            "/api/v1/assessments",
            post(file_assessment).layer(DefaultBodyLimit::max(MAX_ASSESSMENT_BYTES)),
        )
        .route("/api/v1/jobs/{id}", get(job))
        .route("/api/v1/filings/{id}", get(filing))
        .route("/api/v1/filings/{id}/messages", post(post_message))
        .route("/api/v1/filings/{id}/receipt", get(receipt))
        .route("/api/v1/filings/{id}/decision", post(decide))
        .route("/api/v1/filings/{id}/contests", post(contest))
        .route(
            "/api/v1/filings/{id}/contests/{seq}/ruling",
            post(rule_contest),
        )
        .route("/api/v1/overrides", get(overrides))
        .route(
            "/api/v1/filings/{id}/attachments",
            post(attach).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES)),
        )
        .route("/api/v1/filings/{id}/attachments/{seq}", get(attachment))
        .route("/api/v1/cases", get(cases))
        .route("/api/v1/journal", get(journal))
        .route("/api/v1/audit/bundle", get(audit_bundle))
        .route("/api/v1/log/checkpoint", get(checkpoint))
        .route("/api/v1/publications", get(publications).post(publish))
        .route("/api/v1/publications.atom", get(publications_feed))
        .route("/api/v1/rules/{jurisdiction}", get(rule_pack))
        .route("/api/v1/log/trust-policy", get(trust_policy))
        .merge(chips::routes())
        .merge(stats::routes())
        .layer(Extension(stats::Hosted(aggregator)))
        .layer(Extension(Arc::new(FilingQueue::start(Arc::clone(&port)))))
        .layer(Extension(Arc::new(Jobs::default())))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(refuse_declared_oversize))
        .layer(axum::middleware::from_fn_with_state(
            limits,
            crate::limits::limit,
        ))
        .with_state(Arc::clone(&port))
        .merge(crate::web::router(port))
        .merge(log)
        .merge(stats_routes)
        .merge(metrics_route)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::metrics::record,
        ))
}

/// How often the server asks witnesses that were down to cosign what they missed.
pub const COSIGN_RETRY: std::time::Duration = std::time::Duration::from_secs(2);

/// Serves the port's API on `listener` until Ctrl-C or SIGTERM, finishing requests in flight,
/// with the endpoints of `aggregator` if the port hosts one.
/// Remote witnesses are reached over HTTP; while one is down, the log's newest entries wait
/// for their cosigned checkpoint and a background task retries every [`COSIGN_RETRY`].
///
/// # Errors
///
/// When the listener cannot be used.
pub fn serve_port(
    port: Arc<Port>,
    listener: TcpListener,
    per_second: u32,
    aggregator: Option<crate::stats::HostedAggregator>,
) -> Result<(), ServerError> {
    let rt = crate::runtime(&format!("{:?}", listener.local_addr().ok()))?;
    let limits = Arc::new(crate::limits::RateLimits::per_second(per_second));
    let idle = Arc::clone(&limits);
    if let Err(e) = port.set_witness_client(Arc::new(crate::HttpWitnessClient)) {
        tracing_error(&e);
    }
    let background = Arc::clone(&port);
    rt.spawn(async move {
        let mut last = None;
        loop {
            tokio::time::sleep(COSIGN_RETRY).await;
            idle.forget_idle();
            let port = Arc::clone(&background);
            let outcome = tokio::task::spawn_blocking(move || port.catch_up_cosigning()).await;
            let summary = match outcome {
                Ok(Ok(Cosigned::Published)) => None,
                Ok(Ok(Cosigned::Pending(failures))) => Some(
                    failures
                        .iter()
                        .map(|(name, failure)| format!("{name}: {failure}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Ok(Err(e)) => Some(e.to_string()),
                Err(e) => Some(e.to_string()),
            };
            // One line when the state changes, not one per retry.
            if summary != last {
                log_line(
                    "info",
                    &summary.as_ref().map_or_else(
                        || "checkpoint cosigned by every witness".to_owned(),
                        |s| format!("cosigning pending: {s}"),
                    ),
                );
                last = summary;
            }
        }
    });
    rt.block_on(crate::run(
        listener,
        router_hosting(port, limits, aggregator),
    ))
}

/// `POST /api/v1/publications`: publish a notice (administrators and reviewers).
#[utoipa::path(post, path = "/api/v1/publications", tag = "publications", request_body = NewNotice,
    responses((status = 201, description = "Published and logged", body = Publication), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, not UTF-8, or a parameter of the wrong type", body = Problem, content_type = "application/problem+json"), (status = 415, description = "The body is not sent as `application/json`", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
async fn publish(
    State(port): State<Shared>,
    Caller(who): Caller,
    body: Result<Json<NewNotice>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(notice) = body?;
    let published = blocking(move || port.publish(&who, &notice)).await?;
    Ok((StatusCode::CREATED, Json(published)).into_response())
}

/// `GET /api/v1/publications`: the rule packs the port judges with, every refusal's public reasons and every notice (no account).
#[utoipa::path(get, path = "/api/v1/publications", tag = "publications",
    responses((status = 200, description = "The rule packs the port judges with, every refusal's public reasons and every notice, oldest first", body = Vec<Publication>)))]
async fn publications(State(port): State<Shared>) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.publications()).await?).into_response())
}

/// `GET /api/v1/rules/{jurisdiction}`: the rule pack the port judges with (no account).
#[utoipa::path(get, path = "/api/v1/rules/{jurisdiction}", tag = "rules",
    params(("jurisdiction" = String, Path, description = "`cn` or `us`")),
    responses((status = 200, description = "The pack's files and the receipt of its `rule_pack` log entry against the published cosigned checkpoint; `freeport rules update --from` checks both under the installer's trust policy", body = freeport_port::rules::RulePackRelease),
        (status = 404, description = "No such jurisdiction, or no cosigned checkpoint covers the pack's entry yet", body = Problem, content_type = "application/problem+json")))]
async fn rule_pack(
    State(port): State<Shared>,
    Path(jurisdiction): Path<String>,
) -> Result<Response, ApiError> {
    let side = match jurisdiction.as_str() {
        "cn" => Jurisdiction::Cn,
        "us" => Jurisdiction::Us,
        _ => {
            let mut problem = Problem::new(
                StatusCode::NOT_FOUND,
                "freeport::port::not_found",
                format!(
                    "no rule pack `{}`: `cn` or `us`",
                    jurisdiction.escape_debug()
                ),
            );
            problem.field = Some("jurisdiction".to_owned());
            return Err(ApiError(problem));
        }
    };
    match blocking(move || port.rule_pack_release(side)).await? {
        Some(release) => Ok(Json(release).into_response()),
        None => Err(ApiError(Problem::new(
            StatusCode::NOT_FOUND,
            "freeport::port::not_cosigned_yet",
            format!(
                "no cosigned checkpoint covers the `{jurisdiction}` rule pack's entry yet; the witnesses are asked again every few seconds"
            ),
        ))),
    }
}

/// `GET /api/v1/publications.atom`: the same as an Atom feed (RFC 4287), newest first.
async fn publications_feed(State(port): State<Shared>) -> Result<Response, ApiError> {
    let list = blocking(move || port.publications()).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        atom_feed(&list),
    )
        .into_response())
}

/// Escapes text for XML character data and attribute values.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The Atom feed of refusals' public reasons.
fn atom_feed(list: &[Publication]) -> String {
    let updated = list
        .last()
        .map_or("1970-01-01T00:00:00Z", |p| p.published_at.as_str());
    let mut feed = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>Free Data Port: publications (rule packs, refusals' public reasons, notices)</title>\n\
         <id>urn:freeport:publications</id>\n<updated>{}</updated>\n",
        xml(updated)
    );
    for p in list.iter().rev() {
        let (id, text) = match (&p.filing, &p.side) {
            (Some(filing), Some(side)) => (
                format!("urn:freeport:refusal:{filing}:{side}"),
                p.public_reasons
                    .iter()
                    .map(|r| format!("- {r}\n"))
                    .collect(),
            ),
            _ => (
                format!(
                    "urn:freeport:notice:{}",
                    p.log_index
                        .map_or_else(|| p.published_at.clone(), |i| i.to_string())
                ),
                p.body.clone(),
            ),
        };
        feed.push_str(&format!(
            "<entry>\n<title>{title}</title>\n<category term=\"{kind}\"/>\n\
             <id>{id}</id>\n<updated>{at}</updated>\n\
             <content type=\"text\" xml:lang=\"{lang}\">{text}</content>\n</entry>\n",
            title = xml(&p.title),
            kind = xml(&p.kind),
            id = xml(&id),
            at = xml(&p.published_at),
            lang = xml(&p.language),
            text = xml(&text),
        ));
    }
    feed.push_str("</feed>\n");
    feed
}

/// `GET /api/v1/log/checkpoint`: the published checkpoint with its cosignatures (no account).
#[utoipa::path(get, path = "/api/v1/log/checkpoint", tag = "audit",
    responses((status = 200, description = "The published checkpoint (C2SP signed note) with every witness's cosignature", body = String, content_type = "text/plain"),
        (status = 404, description = "Nothing published yet", body = Problem, content_type = "application/problem+json")))]
async fn checkpoint(State(port): State<Shared>) -> Result<Response, ApiError> {
    let note = blocking(move || port.checkpoint()).await?;
    match note {
        Some(note) => {
            Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response())
        }
        None => Err(ApiError(Problem::new(
            StatusCode::NOT_FOUND,
            "freeport::port::no_checkpoint",
            "no checkpoint is published yet".to_owned(),
        ))),
    }
}

/// `GET /api/v1/log/trust-policy`: the tlog-policy naming the log and its witnesses.
#[utoipa::path(get, path = "/api/v1/log/trust-policy", tag = "audit",
    responses((status = 200, description = "The trust policy (tlog-policy): the log's key, each witness's published key, the quorum", body = String, content_type = "text/plain")))]
async fn trust_policy(State(port): State<Shared>) -> Result<Response, ApiError> {
    let policy = blocking(move || port.trust_policy()).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        policy,
    )
        .into_response())
}
