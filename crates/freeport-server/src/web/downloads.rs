//! Downloads from the dashboard (issue 18 items 2 and 4): a filing's offline receipt (C2SP
//! tlog-proof against the published cosigned checkpoint, as `freeport verify-receipt` checks it)
//! and the auditor's bundle (entries, proofs, cosigned checkpoint, reviewers' keys) that verifies
//! offline. The same [`Port`] calls as `GET /api/v1/filings/{id}/receipt` and
//! `GET /api/v1/audit/bundle`, under the session instead of a token.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Context, LangSwitch, Web, i18n, pages};

/// `bytes` as a file to save, never cached.
fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // File names are ids the port made (letters, digits, `-`): safe in a quoted header value.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

pub(super) async fn receipt(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, &format!("/filings/{id}/receipt"));
    let Some(who) = context.who.clone() else {
        return super::redirect("/login");
    };
    let port = Arc::clone(&web.port);
    let filing = id.clone();
    match crate::port_call(move || port.receipt(&who, &filing)).await {
        Ok(Some(proof)) => attachment(
            proof.into_bytes(),
            "text/plain; charset=utf-8",
            &format!("{id}.tlog-proof"),
        ),
        // Logged, but no published checkpoint covers it yet: a witness has not answered.
        Ok(None) => context.page(
            StatusCode::ACCEPTED,
            i18n::t(context.lang, "download.receipt"),
            pages::message(&context, "download.pending"),
        ),
        Err(e) if e.kind() == freeport_port::port::ErrorKind::Conflict => context.page(
            StatusCode::CONFLICT,
            i18n::t(context.lang, "download.receipt"),
            pages::message(&context, "download.no_receipt"),
        ),
        Err(e) => context.error(&e),
    }
}

pub(super) async fn audit_bundle(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, "/audit/bundle");
    let Some(who) = context.who.clone() else {
        return super::redirect("/login");
    };
    let port = Arc::clone(&web.port);
    match crate::port_call(move || port.audit_bundle(&who)).await {
        Ok(bundle) => match serde_json::to_vec_pretty(&bundle) {
            Ok(bytes) => attachment(bytes, "application/json", "freeport-audit-bundle.json"),
            Err(e) => context.error(&freeport_port::PortError::Internal(e.to_string())),
        },
        Err(e) => context.error(&e),
    }
}

/// `GET /filings/{id}/attachments/{seq}`: an attached document, for the filing's exporter and
/// reviewers of a side with a case ([`freeport_port::Port::attachment`] checks its bytes against
/// their SHA-256).
pub(super) async fn attached_document(
    State(web): State<Web>,
    headers: HeaderMap,
    Path((id, seq)): Path<(String, u64)>,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let path = format!("/filings/{id}/attachments/{seq}");
    let context = Context::new(&web, &headers, &switch, &path);
    let Some(who) = context.who.clone() else {
        return super::redirect("/login");
    };
    let port = Arc::clone(&web.port);
    match crate::port_call(move || port.attachment(&who, &id, seq)).await {
        Ok((view, bytes)) => {
            let mut response = attachment(bytes, "application/octet-stream", "");
            if let Some(value) = crate::api::save_as(&view.file_name) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(e) => context.error(&e),
    }
}
