//! The chips routes of the port's API (issue 19 item 6), over `freeport_port::port::chips`:
//!
//! | method and path | who | what |
//! |---|---|---|
//! | `GET /api/v1/chips/whitelist?on=YYYY-MM-DD` | any account | every listing with its status on the day (default today) |
//! | `POST /api/v1/chips/verifications` | reviewers, admin | a verification report with both sides' signed notes |
//! | `GET /api/v1/chips/verifications` | any account | reports (an exporter its organisation's) |
//! | `POST /api/v1/chips/applications` | exporter, admin | applies for a listing: a case both sides decide |
//! | `POST /api/v1/chips/reevaluations` | exporter, reviewers, admin | asks for a listing's re-evaluation |
//! | `GET /api/v1/chips/cases` | any account | chips cases (an exporter its organisation's) |
//! | `GET /api/v1/chips/cases/{id}` | any account | one case with both sides |
//! | `POST /api/v1/chips/cases/{id}/decision` | reviewers | the caller's side's signed decision |
//! | `POST /api/v1/chips/devices` | exporter, admin | registers a device of a listed organisation |
//! | `GET /api/v1/chips/devices` | any account | devices with their schedule and attestations |
//! | `POST /api/v1/chips/attestations` | exporter | an end-use attestation, logged; an anomaly opens a case |
//! | `POST /api/v1/chips/overdue` | reviewers, admin | opens an anomaly case for each overdue device |
//!
//! Role and tenancy are the port's; errors are the API's problem documents.

use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use freeport_chips::assurance::monitoring::{Attestation, Device};
use freeport_chips::assurance::whitelist::Application;
use freeport_port::PortError;
use freeport_port::port::chips::{
    AttestationView, ChipsCaseView, DeviceView, ListingView, ReEvaluationRequest,
    VerificationSubmission, VerificationView,
};
use freeport_port::port::{CaseView, DecisionRequest};
use serde::Deserialize;

use super::{ApiError, Caller, Problem, Shared, blocking, query_problem};

/// The chips routes, merged into the API's router (its layers apply).
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/chips/whitelist", get(whitelist))
        .route(
            "/api/v1/chips/verifications",
            post(record_verification).get(verifications),
        )
        .route("/api/v1/chips/applications", post(apply))
        .route("/api/v1/chips/reevaluations", post(reevaluate))
        .route("/api/v1/chips/cases", get(cases))
        .route("/api/v1/chips/cases/{id}", get(case))
        .route("/api/v1/chips/cases/{id}/decision", post(decide))
        .route("/api/v1/chips/devices", post(register_device).get(devices))
        .route("/api/v1/chips/attestations", post(attest))
        .route("/api/v1/chips/overdue", post(overdue))
}

fn created<T: serde::Serialize>(value: T) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

/// `?on=` of the whitelist.
#[derive(Debug, Deserialize)]
pub(super) struct WhitelistQuery {
    on: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/chips/whitelist", tag = "chips",
    params(("on" = Option<String>, Query, description = "The day statuses are computed for (YYYY-MM-DD); default today")),
    responses((status = 200, description = "Every listing with its status on the day: an overdue re-evaluation reads as suspended", body = Vec<ListingView>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn whitelist(
    State(port): State<Shared>,
    Caller(who): Caller,
    query: Result<Query<WhitelistQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(query_problem)?;
    let on = match query.on.as_deref() {
        None => None,
        Some(text) => Some(text.parse::<jiff::civil::Date>().map_err(|e| {
            ApiError::from(PortError::Invalid {
                field: "on".to_owned(),
                reason: format!("`{}` is not a date (YYYY-MM-DD): {e}", text.escape_debug()),
            })
        })?),
    };
    Ok(Json(blocking(move || port.chips_whitelist(&who, on)).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/chips/verifications", tag = "chips", request_body = VerificationSubmission,
    responses((status = 201, description = "Recorded and logged as an `attestation` entry", body = VerificationView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused (a report field, a signer, a signature missing or not over this report); `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, or a field missing", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn record_verification(
    State(port): State<Shared>,
    Caller(who): Caller,
    body: Result<Json<VerificationSubmission>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(submission) = body?;
    Ok(created(
        blocking(move || port.record_verification(&who, &submission)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/chips/verifications", tag = "chips",
    responses((status = 200, description = "Verification reports the caller may see", body = Vec<VerificationView>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn verifications(
    State(port): State<Shared>,
    Caller(who): Caller,
) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.chips_verifications(&who)).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/chips/applications", tag = "chips", request_body = Application,
    responses((status = 201, description = "The application, a case both sides decide", body = ChipsCaseView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found, or outside the caller's tenancy", body = Problem, content_type = "application/problem+json"), (status = 409, description = "Listed already, or an application in review", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, or a field missing", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn apply(
    State(port): State<Shared>,
    Caller(who): Caller,
    body: Result<Json<Application>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(application) = body?;
    Ok(created(
        blocking(move || port.chips_apply(&who, &application)).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/chips/reevaluations", tag = "chips", request_body = ReEvaluationRequest,
    responses((status = 201, description = "The re-evaluation, a case both sides decide", body = ChipsCaseView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "No current listing the caller may see", body = Problem, content_type = "application/problem+json"), (status = 409, description = "Expired, or a re-evaluation in review", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, or a field missing", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn reevaluate(
    State(port): State<Shared>,
    Caller(who): Caller,
    body: Result<Json<ReEvaluationRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    Ok(created(
        blocking(move || port.chips_reevaluate(&who, &request)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/chips/cases", tag = "chips",
    responses((status = 200, description = "Chips cases the caller may see, by id", body = Vec<ChipsCaseView>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn cases(
    State(port): State<Shared>,
    Caller(who): Caller,
) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.chips_cases(&who)).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/chips/cases/{id}", tag = "chips",
    params(("id" = String, Path, description = "Case id, e.g. `CC-2026-0001`")),
    responses((status = 200, description = "The case with both sides", body = ChipsCaseView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found, or outside the caller's tenancy", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn case(
    State(port): State<Shared>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.chips_case(&who, &id)).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/chips/cases/{id}/decision", tag = "chips",
    params(("id" = String, Path, description = "Case id")), request_body = DecisionRequest,
    responses((status = 200, description = "The caller's side, decided and logged (a refusal's reasons published)", body = CaseView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"), (status = 409, description = "Decided already, or not decided on the case's evidence", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, or a field missing", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn decide(
    State(port): State<Shared>,
    Caller(who): Caller,
    Path(id): Path<String>,
    body: Result<Json<DecisionRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    Ok(Json(blocking(move || port.chips_decide(&who, &id, &request)).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/chips/devices", tag = "chips", request_body = Device,
    responses((status = 201, description = "Registered", body = DeviceView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Outside the caller's tenancy", body = Problem, content_type = "application/problem+json"), (status = 409, description = "A known serial", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused (the organisation not listed for the class today); `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, or a field missing", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn register_device(
    State(port): State<Shared>,
    Caller(who): Caller,
    body: Result<Json<Device>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(device) = body?;
    Ok(created(
        blocking(move || port.chips_register_device(&who, &device)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/chips/devices", tag = "chips",
    responses((status = 200, description = "Devices the caller may see, with their schedule and attestations", body = Vec<DeviceView>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn devices(
    State(port): State<Shared>,
    Caller(who): Caller,
) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.chips_devices(&who)).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/chips/attestations", tag = "chips", request_body = Attestation,
    responses((status = 201, description = "Recorded and logged as an `attestation` entry; an anomalous one names the case it opened", body = AttestationView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json"), (status = 404, description = "No registered device by this serial in the caller's organisation", body = Problem, content_type = "application/problem+json"), (status = 422, description = "A field is refused; `field` names it", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed: not JSON, or a field missing", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn attest(
    State(port): State<Shared>,
    Caller(who): Caller,
    body: Result<Json<Attestation>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(attestation) = body?;
    Ok(created(
        blocking(move || port.chips_attest(&who, &attestation)).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/chips/overdue", tag = "chips",
    responses((status = 200, description = "The ids of the anomaly cases opened for devices whose attestation is overdue", body = Vec<String>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "The role may not do this", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn overdue(
    State(port): State<Shared>,
    Caller(who): Caller,
) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.chips_check_overdue(&who)).await?).into_response())
}
