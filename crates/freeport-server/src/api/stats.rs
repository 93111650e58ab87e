//! The joint-statistics routes of the port's API (issue 20 item 3), for a port that hosts its
//! country's aggregator (`freeport stats aggregator init` into the port home; its own
//! `/stats/v1/...` endpoints are mounted beside the API by [`crate::api::serve_port`]):
//!
//! | method and path | who | what |
//! |---|---|---|
//! | `POST /api/v1/stats/studies` | the reviewers of the aggregator's country | approves a signed study: recorded, journaled and logged before the aggregator accepts a report of it |
//! | `GET /api/v1/stats/studies` | any account | the study registry: every approved study, by whom, its hash and log entry |
//! | `POST /api/v1/stats/releases` | the reviewers of the aggregator's country | publishes a released result the collector combined: checked against the hosted aggregator's own record of that release, recorded, journaled and logged by the port |
//! | `GET /api/v1/stats/releases` | any account | every release the port published, with its log entry |
//!
//! Role is checked before the body is read; errors are the API's problem documents.

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use freeport_policy::Jurisdiction;
use freeport_port::port::stats::{
    NewStudyApproval, NewStudyRelease, StudyApprovalView, StudyReleaseView,
};
use freeport_port::{Port, PortError};
use freeport_stats::study::{Country, StudyFile, StudySignature};
use freeport_stats::wire::{Release, SignedCollect};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiError, Caller, Problem, Shared, blocking};
use crate::stats::{HostedAggregator, approval_entry, release_entry};

/// The aggregator this port hosts, if any (an extension on the API's router).
#[derive(Debug, Clone, Default)]
pub struct Hosted(pub Option<HostedAggregator>);

/// The stats routes, merged into the API's router (its layers apply).
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/api/v1/stats/studies",
            post(approve_study).get(study_registry),
        )
        .route(
            "/api/v1/stats/releases",
            post(publish_release).get(release_list),
        )
}

/// A study to approve: the study file's text and its detached signature, as `freeport stats
/// study sign` wrote them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StudyApprovalRequest {
    /// The study (TOML), byte for byte as signed.
    pub study: String,
    /// The collector's signature (`STUDY.sig`: `study_sha256`, `signer`, `signature`).
    #[schema(value_type = Object)]
    pub signature: StudySignature,
}

/// A released result to publish: the collector's signed collection request and the result it
/// combined from both aggregators' shares, as `freeport stats collect` made them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    /// The collection request, signed by the study's collector.
    #[schema(value_type = Object)]
    pub request: SignedCollect,
    /// The released result: answers with their intervals, never a share.
    #[schema(value_type = Object)]
    pub release: Release,
}

/// The problem of a port that hosts no aggregator.
fn no_aggregator() -> ApiError {
    ApiError(Problem::new(
        StatusCode::NOT_FOUND,
        "freeport::stats::no_aggregator",
        "this port hosts no aggregator (`freeport stats aggregator init` into its home)".to_owned(),
    ))
}

const fn jurisdiction(country: Country) -> Jurisdiction {
    match country {
        Country::Cn => Jurisdiction::Cn,
        Country::Us => Jurisdiction::Us,
    }
}

/// A refusal of the statistics engine as a problem document with its own code.
fn stats_problem(error: &freeport_stats::Error, field: &str) -> ApiError {
    use miette::Diagnostic as _;
    let code = error
        .code()
        .map_or_else(|| "freeport::stats::refused".to_owned(), |c| c.to_string());
    let status = match error {
        freeport_stats::Error::Db(_) | freeport_stats::Error::Io { .. } => {
            return ApiError::from(PortError::Internal(error.to_string()));
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut problem = Problem::new(status, &code, error.to_string());
    problem.field = Some(field.to_owned());
    ApiError(problem)
}

#[utoipa::path(post, path = "/api/v1/stats/studies", tag = "stats", request_body = StudyApprovalRequest,
    responses((status = 201, description = "Approved: the study's approval recorded, in the access journal and logged (a study approved before answers with its record)", body = StudyApprovalView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "Not a reviewer of the hosted aggregator's country", body = Problem, content_type = "application/problem+json"), (status = 404, description = "This port hosts no aggregator", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The aggregator approved this study before this port hosted it", body = Problem, content_type = "application/problem+json"), (status = 422, description = "The study, its signature or its keys are refused; `detail` says why", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn approve_study(
    State(port): State<Shared>,
    Extension(hosted): Extension<Hosted>,
    Caller(who): Caller,
    body: Result<Json<StudyApprovalRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let aggregator = hosted.0.ok_or_else(no_aggregator)?;
    let country = jurisdiction(aggregator.country());
    // The role before the body.
    Port::require_study_approver(&who, country)?;
    let Json(request) = body?;
    let view =
        tokio::task::spawn_blocking(move || approve_blocking(&port, &who, &aggregator, request))
            .await
            .map_err(|e| ApiError::from(PortError::Internal(e.to_string())))?
            .map_err(|e| *e)?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// Approves at the hosted aggregator, recording and logging through the port (blocking).
fn approve_blocking(
    port: &Port,
    who: &freeport_port::port::Principal,
    aggregator: &HostedAggregator,
    request: StudyApprovalRequest,
) -> Result<StudyApprovalView, Box<ApiError>> {
    let country = jurisdiction(aggregator.country());
    let study = StudyFile::parse("the request's study", request.study)
        .map_err(|e| Box::new(stats_problem(&e, "study")))?;
    let mut recorded = None;
    let approved = aggregator.approve(&study, &request.signature, &mut |approval| {
        let refused = |e: PortError| freeport_stats::Error::Refused {
            reason: format!("the approval could not be recorded, so it is not made: {e}"),
        };
        let entry = approval_entry(approval).map_err(refused)?;
        let view = port
            .record_study_approval(
                who,
                &NewStudyApproval {
                    study_id: approval.study_id.clone(),
                    study_sha256: approval.study.0.clone(),
                    country,
                    approved_at: approval.approved_at.clone(),
                    log_entry: entry,
                },
            )
            .map_err(refused)?;
        let index = view
            .log_index
            .ok_or_else(|| freeport_stats::Error::Refused {
                reason: "the approval is queued for the port's log, not logged".to_owned(),
            })?;
        recorded = Some(view);
        Ok(index)
    });
    if let Err(e) = approved {
        return Err(Box::new(stats_problem(&e, "study")));
    }
    if let Some(view) = recorded {
        return Ok(view);
    }
    // Approved before: the registry's record of it.
    port.study_approvals(who)
        .map_err(|e| Box::new(ApiError::from(e)))?
        .into_iter()
        .find(|v| v.study_sha256 == study.hash.0 && v.country == country.as_str())
        .ok_or_else(|| {
            Box::new(ApiError(Problem::new(
                StatusCode::CONFLICT,
                "freeport::stats::approved_elsewhere",
                "the aggregator approved this study before this port hosted it; its approval is in the log it was recorded in".to_owned(),
            )))
        })
}

#[utoipa::path(get, path = "/api/v1/stats/studies", tag = "stats",
    responses((status = 200, description = "The study registry: every study this port's aggregator approved, in approval order, with who approved it, its SHA-256 and its log entry", body = Vec<StudyApprovalView>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn study_registry(
    State(port): State<Shared>,
    Caller(who): Caller,
) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.study_approvals(&who)).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/stats/releases", tag = "stats", request_body = ReleaseRequest,
    responses((status = 201, description = "Published: the release recorded, in the access journal and logged (a collection request published before answers with its record)", body = StudyReleaseView), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"), (status = 403, description = "Not a reviewer of the hosted aggregator's country", body = Problem, content_type = "application/problem+json"), (status = 404, description = "This port hosts no aggregator", body = Problem, content_type = "application/problem+json"), (status = 422, description = "The request's signature, or the result, does not match what the hosted aggregator released (or it released nothing for that request); `detail` says why", body = Problem, content_type = "application/problem+json"), (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn publish_release(
    State(port): State<Shared>,
    Extension(hosted): Extension<Hosted>,
    Caller(who): Caller,
    body: Result<Json<ReleaseRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let aggregator = hosted.0.ok_or_else(no_aggregator)?;
    let country = jurisdiction(aggregator.country());
    // The role before the body.
    Port::require_release_publisher(&who, country)?;
    let Json(request) = body?;
    let view = tokio::task::spawn_blocking(move || {
        aggregator
            .check_release(&request.request, &request.release)
            .map_err(|e| Box::new(stats_problem(&e, "release")))?;
        let release = &request.release;
        let entry = release_entry(release, &jiff::Timestamp::now().to_string())
            .map_err(|e| Box::new(ApiError::from(e)))?;
        port.record_study_release(
            &who,
            &NewStudyRelease {
                study_id: release.study_id.clone(),
                study_sha256: release.study.0.clone(),
                query: release.query.clone(),
                request_id: request.request.request.request_id.clone(),
                country,
                log_entry: entry,
            },
        )
        .map_err(|e| Box::new(ApiError::from(e)))
    })
    .await
    .map_err(|e| ApiError::from(PortError::Internal(e.to_string())))?
    .map_err(|e| *e)?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

#[utoipa::path(get, path = "/api/v1/stats/releases", tag = "stats",
    responses((status = 200, description = "Every release this port published, in publication order, with who posted it and its log entry", body = Vec<StudyReleaseView>), (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub(super) async fn release_list(
    State(port): State<Shared>,
    Caller(who): Caller,
) -> Result<Response, ApiError> {
    Ok(Json(blocking(move || port.study_releases(&who)).await?).into_response())
}
