//! Attaching a document to a filing from its page (issue 18 item 2): the exporter chooses what
//! the document is and the file, and the port stores it by its SHA-256 ([`Port::attach`], the
//! call `POST /api/v1/filings/{id}/attachments` makes), under the same limit as the API
//! ([`MAX_ATTACHMENT_BYTES`]). Each refusal is shown next to its field in the page's language,
//! with the kind chosen kept and the file named; the statuses are the API's (413 for a file too
//! large, 422 for a field, 409 for a filing no longer under review). An attachment that goes
//! through redirects to its row on the filing's page, which shows its SHA-256.
//!
//! [`Port::attach`]: freeport_port::Port::attach

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_port::port::{AttachmentKind, FileNameProblem, MAX_ATTACHMENT_BYTES};
use freeport_port::{PortError, Principal};
use freeport_store::docket::Role;

use super::Web;
use super::actions::{self, FilingActions};

/// The largest form taken: a document at the limit and room for the form's other parts (a
/// larger document is refused as too large, next to its field).
pub(super) const MAX_FORM_BYTES: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

/// The attachment form: the kind chosen and the file's name as the browser sent it (a browser
/// cannot be given a file back), with each field's problem as a locale key.
#[derive(Debug, Default)]
pub(super) struct AttachState {
    pub kind: String,
    pub file_name: String,
    pub errors: BTreeMap<&'static str, &'static str>,
}

/// The posted form as read.
#[derive(Debug, Default)]
struct Posted {
    csrf: String,
    kind: String,
    file_name: String,
    bytes: Vec<u8>,
    /// The document did not fit under [`MAX_FORM_BYTES`] (or the form could not be read).
    problem: Option<&'static str>,
}

async fn read_form(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Posted {
    let mut posted = Posted::default();
    let Ok(mut multipart) = multipart else {
        posted.problem = Some("upload.error.unreadable");
        return posted;
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                posted.problem = Some("upload.error.unreadable");
                break;
            }
        };
        match field.name() {
            Some("csrf") => posted.csrf = field.text().await.unwrap_or_default(),
            Some("kind") => posted.kind = field.text().await.unwrap_or_default(),
            Some("document") => {
                posted.file_name = super::upload::base_name(&field);
                match field.bytes().await {
                    Ok(bytes) => posted.bytes = bytes.to_vec(),
                    Err(_) => {
                        // Cut off at the body limit: the document is too large.
                        posted.problem = Some("attach.error.too_large");
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    posted
}

/// A file name's problem as a locale key.
const fn file_name_key(problem: FileNameProblem) -> &'static str {
    match problem {
        FileNameProblem::Empty => "attach.error.no_name",
        FileNameProblem::TooLong => "attach.error.name_too_long",
        FileNameProblem::Path => "attach.error.name_path",
        FileNameProblem::Dot => "attach.error.name_dot",
        FileNameProblem::Control => "form.error.control",
    }
}

/// What the form asks to attach, or each field's problem and the status to answer with.
fn check(
    posted: &Posted,
) -> Result<AttachmentKind, (StatusCode, BTreeMap<&'static str, &'static str>)> {
    let mut errors = BTreeMap::new();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let kind = AttachmentKind::parse(&posted.kind);
    if kind.is_none() {
        errors.insert("kind", "attach.error.kind");
    }
    let document = match posted.problem {
        Some(problem) => Some(problem),
        None if posted.bytes.len() > MAX_ATTACHMENT_BYTES => Some("attach.error.too_large"),
        None if posted.bytes.is_empty() && posted.file_name.is_empty() => {
            Some("attach.error.no_file")
        }
        None if posted.bytes.is_empty() => Some("attach.error.empty"),
        None => FileNameProblem::of(&posted.file_name).map(file_name_key),
    };
    if let Some(problem) = document {
        if problem == "attach.error.too_large" {
            status = StatusCode::PAYLOAD_TOO_LARGE;
        }
        errors.insert("document", problem);
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(kind),
        _ => Err((status, errors)),
    }
}

/// `POST /filings/{id}/attachments`.
pub(super) async fn post_attachment(
    State(web): State<Web>,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let path = format!("/filings/{id}");
    let posted = read_form(multipart).await;
    let (context, who) = match actions::signed_form(&web, &headers, &path, &posted.csrf) {
        Ok(signed) => signed,
        Err(refused) => return *refused,
    };
    if who.role != Role::Exporter {
        return context.error(&PortError::Forbidden {
            role: who.role,
            action: "attach documents",
        });
    }
    let kept = |errors| AttachState {
        kind: posted.kind.clone(),
        file_name: posted.file_name.clone(),
        errors,
    };
    let refused = |status: StatusCode, who: Principal, form: AttachState, notice| {
        let (web, context, id) = (&web, &context, id.clone());
        async move {
            match actions::load(web, who, id).await {
                Ok((view, holds, who)) => {
                    let mut shown: FilingActions = actions::actions_for(&who, &view, holds);
                    if shown.attach.is_some() {
                        shown.attach = Some(form);
                    }
                    shown.notice = notice;
                    actions::page(context, status, &view, &shown)
                }
                Err(e) => context.error(&e),
            }
        }
    };
    let kind = match check(&posted) {
        Ok(kind) => kind,
        Err((status, errors)) => return refused(status, who, kept(errors), None).await,
    };
    let port = Arc::clone(&web.port);
    let (caller, filing, name) = (who.clone(), id.clone(), posted.file_name.clone());
    let bytes = posted.bytes.clone();
    match crate::port_call(move || port.attach(&caller, &filing, kind, &name, &bytes)).await {
        Ok(view) => actions::redirect_to(&format!("{path}#attachment-{}", view.seq)),
        Err(PortError::Invalid { field, .. }) => {
            // The checks above are the port's own; a field it refuses all the same is named.
            let field = if field == "kind" { "kind" } else { "document" };
            let errors = BTreeMap::from([(field, "contest.error.refused")]);
            refused(StatusCode::UNPROCESSABLE_ENTITY, who, kept(errors), None).await
        }
        Err(error) if error.kind() == freeport_port::port::ErrorKind::Conflict => {
            let form = kept(BTreeMap::new());
            let notice = Some("attach.error.not_in_review");
            refused(StatusCode::CONFLICT, who, form, notice).await
        }
        Err(error) => context.error(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(kind: &str, file_name: &str, bytes: &[u8]) -> Posted {
        Posted {
            kind: kind.into(),
            file_name: file_name.into(),
            bytes: bytes.to_vec(),
            ..Posted::default()
        }
    }

    /// A form, the status it is refused with, and each field's problem.
    type Refused = (Posted, StatusCode, &'static [(&'static str, &'static str)]);

    #[test]
    fn each_field_is_refused_with_its_own_reason() {
        let big = vec![b'x'; MAX_ATTACHMENT_BYTES + 1];
        let cases: [Refused; 6] = [
            (
                posted("", "a.pdf", b"x"),
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("kind", "attach.error.kind")],
            ),
            (
                posted("pipia", "", b""),
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("document", "attach.error.no_file")],
            ),
            (
                posted("pipia", "a.pdf", b""),
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("document", "attach.error.empty")],
            ),
            (
                posted("pipia", ".hidden", b"x"),
                StatusCode::UNPROCESSABLE_ENTITY,
                &[("document", "attach.error.name_dot")],
            ),
            (
                posted("standard_contract", "a.pdf", &big),
                StatusCode::PAYLOAD_TOO_LARGE,
                &[("document", "attach.error.too_large")],
            ),
            (
                posted("nonsense", "a.pdf", &big),
                StatusCode::PAYLOAD_TOO_LARGE,
                &[
                    ("document", "attach.error.too_large"),
                    ("kind", "attach.error.kind"),
                ],
            ),
        ];
        for (form, status, expected) in cases {
            let (got_status, errors) = check(&form).unwrap_err();
            let got: Vec<(&str, &str)> = errors.into_iter().collect();
            assert_eq!((got_status, got.as_slice()), (status, expected));
        }
        assert_eq!(
            check(&posted("pipia", "pipia.pdf", b"%PDF")),
            Ok(AttachmentKind::Pipia)
        );
    }
}
