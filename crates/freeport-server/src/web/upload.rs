//! Filing from the browser (issue 18 item 2): an exporter uploads a transfer facts file (TOML as
//! `freeport judge` reads it, or JSON) on `/filings`, or the files a `freeport assess -o DIR` run
//! wrote on `/filings/assessment`. The port parses facts with its own packs
//! ([`Port::file_document`]), so a refusal names the field, line and column in the file as the
//! command line does; an assessment is checked whole ([`Port::file_assessment`]: its receipt
//! must bind its report) and a refusal names the part. Nothing is filed unless all of it holds.

use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_policy::{FactsError, FactsFormat};
use freeport_port::port::{AssessmentUpload, MAX_ATTACHMENT_BYTES, MAX_FACTS_BYTES};
use freeport_port::{PortError, Principal};
use freeport_store::docket::Role;

use super::{Context, LangSwitch, Web, i18n, pages, same_secret};

/// The largest upload taken: an assessment (facts, a report as large as an attachment, a
/// receipt and a trust policy) and room for the form's other parts.
pub(super) const MAX_UPLOAD_BYTES: usize = MAX_FACTS_BYTES + MAX_ATTACHMENT_BYTES + 128 * 1024;

/// What the upload form shows after a refusal.
#[derive(Debug, Default)]
pub(super) struct UploadState {
    /// Which form was refused: the assessment's (else the facts file's).
    pub assessment: bool,
    /// The uploaded file's name, as the browser sent it.
    pub file_name: String,
    /// A refusal of the upload itself (no file, too large, not UTF-8, not an exporter…), as a
    /// locale key.
    pub problem: Option<&'static str>,
    /// The facts loader's findings: field, line and column, message.
    pub findings: Vec<Finding>,
}

/// One thing the facts loader found wrong.
#[derive(Debug)]
pub(super) struct Finding {
    pub field: Option<String>,
    pub line: Option<(usize, usize)>,
    pub message: String,
}

/// The 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn findings(error: &FactsError, text: &str) -> Vec<Finding> {
    std::iter::once(error)
        .chain(error.others())
        .map(|e| Finding {
            field: e.field().map(str::to_owned),
            line: e.span().map(|s| line_column(text, s.offset())),
            message: e.message().to_owned(),
        })
        .collect()
}

/// The name of an uploaded file as the browser sent it, without a directory: browsers send none,
/// and a path is cut to its last part all the same.
pub(super) fn base_name(field: &axum::extract::multipart::Field<'_>) -> String {
    field
        .file_name()
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The upload: a file (or an assessment's files, by name), the session's CSRF token.
struct Upload {
    csrf: String,
    file_name: String,
    bytes: Vec<u8>,
    assessment: Vec<(String, Vec<u8>)>,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, &'static str> {
    let mut upload = Upload {
        csrf: String::new(),
        file_name: String::new(),
        bytes: Vec::new(),
        assessment: Vec::new(),
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| "upload.error.unreadable")?
    {
        match field.name() {
            Some("csrf") => {
                upload.csrf = field.text().await.map_err(|_| "upload.error.unreadable")?
            }
            Some("facts") => {
                upload.file_name = field.file_name().unwrap_or_default().to_owned();
                upload.bytes = field
                    .bytes()
                    .await
                    .map_err(|_| "upload.error.too_large")?
                    .to_vec();
            }
            Some("assessment") => {
                let name = base_name(&field);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| "upload.error.too_large")?
                    .to_vec();
                upload.assessment.push((name, bytes));
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// The signed-in caller and the upload, once its CSRF token matched the session's; else the
/// answer to send (the login page, the refused form, or "session expired").
async fn received(
    web: &Web,
    context: &Context,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    assessment: bool,
) -> Result<(Principal, Upload), Response> {
    let Some(who) = context.who.clone() else {
        return Err(super::redirect("/login"));
    };
    let upload = match multipart {
        Ok(multipart) => read_upload(multipart).await,
        Err(_) => Err("upload.error.unreadable"),
    };
    let upload = match upload {
        Ok(upload) => upload,
        Err(problem) => {
            let state = UploadState {
                assessment,
                problem: Some(problem),
                ..UploadState::default()
            };
            return Err(refused(web, context, who, StatusCode::BAD_REQUEST, state).await);
        }
    };
    match &context.csrf {
        Some(expected) if same_secret(expected, &upload.csrf) => Ok((who, upload)),
        _ => Err(context.page(
            StatusCode::FORBIDDEN,
            i18n::t(context.lang, "login.title"),
            pages::message(context, "login.expired"),
        )),
    }
}

pub(super) async fn file(
    State(web): State<Web>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/filings");
    let (who, upload) = match received(&web, &context, multipart, false).await {
        Ok(received) => received,
        Err(answer) => return answer,
    };
    let mut state = UploadState {
        file_name: upload.file_name.clone(),
        ..UploadState::default()
    };
    if upload.bytes.is_empty() {
        state.problem = Some("upload.error.no_file");
        return refused(&web, &context, who, StatusCode::UNPROCESSABLE_ENTITY, state).await;
    }
    if upload.bytes.len() > MAX_FACTS_BYTES {
        state.problem = Some("upload.error.too_large");
        return refused(&web, &context, who, StatusCode::PAYLOAD_TOO_LARGE, state).await;
    }
    let Ok(text) = String::from_utf8(upload.bytes) else {
        state.problem = Some("upload.error.not_utf8");
        return refused(&web, &context, who, StatusCode::UNPROCESSABLE_ENTITY, state).await;
    };
    let format = FactsFormat::from_path(std::path::Path::new(&upload.file_name));
    let name = if upload.file_name.is_empty() {
        "facts".to_owned()
    } else {
        upload.file_name.clone()
    };
    let port = Arc::clone(&web.port);
    let caller = who.clone();
    let filed_text = text.clone();
    let filed =
        crate::port_call(move || port.file_document(&caller, &name, &filed_text, format)).await;
    answer(&web, &context, who, state, filed.map(|view| view.id), &text).await
}

/// `POST /filings/assessment`: files what a `freeport assess -o DIR` run wrote, chosen together
/// in one file input (`facts.json`, `report.json`, `receipt.tlog-proof`, `trust-policy.txt`;
/// other files of the directory are ignored).
pub(super) async fn file_assessment(
    State(web): State<Web>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/filings");
    let (who, upload) = match received(&web, &context, multipart, true).await {
        Ok(received) => received,
        Err(answer) => return answer,
    };
    let mut state = UploadState {
        assessment: true,
        ..UploadState::default()
    };
    let part = |name: &str| {
        upload
            .assessment
            .iter()
            .find(|(file, bytes)| file == name && !bytes.is_empty())
            .map(|(_, bytes)| bytes.clone())
    };
    let [(_, facts), (_, report), (_, receipt), (_, trust_policy)] = AssessmentUpload::FILES;
    let (Some(facts_bytes), Some(report), Some(receipt), Some(trust_policy)) =
        (part(facts), part(report), part(receipt), part(trust_policy))
    else {
        state.problem = Some("upload.error.assessment_incomplete");
        return refused(&web, &context, who, StatusCode::UNPROCESSABLE_ENTITY, state).await;
    };
    let (Ok(facts_text), Ok(receipt), Ok(trust_policy)) = (
        String::from_utf8(facts_bytes),
        String::from_utf8(receipt),
        String::from_utf8(trust_policy),
    ) else {
        state.problem = Some("upload.error.not_utf8");
        return refused(&web, &context, who, StatusCode::UNPROCESSABLE_ENTITY, state).await;
    };
    state.file_name = facts.to_owned();
    let upload = AssessmentUpload {
        facts: facts_text.clone(),
        report,
        receipt,
        trust_policy,
    };
    let port = Arc::clone(&web.port);
    let caller = who.clone();
    let filed = crate::port_call(move || port.file_assessment(&caller, &upload)).await;
    let filed = filed.map(|filed| filed.filing.id);
    answer(&web, &context, who, state, filed, &facts_text).await
}

/// The answer to an upload the port filed (to the filing's page) or refused: the form again
/// with the facts loader's findings (spans into `facts`) or the refused field, or the error
/// page.
async fn answer(
    web: &Web,
    context: &Context,
    who: Principal,
    mut state: UploadState,
    filed: Result<String, PortError>,
    facts: &str,
) -> Response {
    match filed {
        Ok(id) => super::actions::redirect_to(&format!("/filings/{id}")),
        Err(PortError::Facts(error)) => {
            state.findings = findings(&error, facts);
            refused(web, context, who, StatusCode::UNPROCESSABLE_ENTITY, state).await
        }
        Err(PortError::Invalid { field, reason }) => {
            state.findings = vec![Finding {
                field: Some(field),
                line: None,
                message: reason,
            }];
            refused(web, context, who, StatusCode::UNPROCESSABLE_ENTITY, state).await
        }
        Err(other) => context.error(&other),
    }
}

/// The filings page again, with the upload form showing what was refused.
async fn refused(
    web: &Web,
    context: &Context,
    who: Principal,
    status: StatusCode,
    state: UploadState,
) -> Response {
    if who.role != Role::Exporter {
        return context.error(&PortError::Forbidden {
            role: who.role,
            action: "file transfers",
        });
    }
    let port = Arc::clone(&web.port);
    match crate::port_call(move || port.filings(&who)).await {
        Ok(list) => context.page(
            status,
            i18n::t(context.lang, "filings.title"),
            pages::filings(context, &list, Some(&state)),
        ),
        Err(e) => context.error(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3));
        assert_eq!(line_column(text, 99), (3, 1));
    }
}
