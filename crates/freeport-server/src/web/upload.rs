//! Filing from the browser (issue 18 item 2): an exporter uploads a transfer facts file (TOML as
//! `freeport judge` reads it, or JSON) on `/filings`. The port parses it with its own packs
//! ([`Port::file_document`]), so a refusal names the field, line and column in the file as the
//! command line does; nothing is filed unless the whole file loads.

use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_policy::{FactsError, FactsFormat};
use freeport_port::port::MAX_FACTS_BYTES;
use freeport_port::{PortError, Principal};
use freeport_store::docket::Role;

use super::{Context, LangSwitch, Web, i18n, pages, same_secret};

/// The largest upload taken (the facts limit and room for the form's other parts).
pub(super) const MAX_UPLOAD_BYTES: usize = MAX_FACTS_BYTES + 64 * 1024;

/// What the upload form shows after a refusal.
#[derive(Debug, Default)]
pub(super) struct UploadState {
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

/// The upload: a file, the session's CSRF token.
struct Upload {
    csrf: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, &'static str> {
    let mut upload = Upload {
        csrf: String::new(),
        file_name: String::new(),
        bytes: Vec::new(),
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
            _ => {}
        }
    }
    Ok(upload)
}

pub(super) async fn file(
    State(web): State<Web>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/filings");
    let Some(who) = context.who.clone() else {
        return super::redirect("/login");
    };
    let upload = match multipart {
        Ok(multipart) => read_upload(multipart).await,
        Err(_) => Err("upload.error.unreadable"),
    };
    let upload = match upload {
        Ok(upload) => upload,
        Err(problem) => {
            return refused(
                &web,
                &context,
                who,
                StatusCode::BAD_REQUEST,
                UploadState {
                    problem: Some(problem),
                    ..UploadState::default()
                },
            )
            .await;
        }
    };
    match &context.csrf {
        Some(expected) if same_secret(expected, &upload.csrf) => {}
        _ => {
            return context.page(
                StatusCode::FORBIDDEN,
                i18n::t(context.lang, "login.title"),
                pages::message(&context, "login.expired"),
            );
        }
    }
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
    match filed {
        Ok(view) => super::actions::redirect_to(&format!("/filings/{}", view.id)),
        Err(PortError::Facts(error)) => {
            state.findings = findings(&error, &text);
            refused(&web, &context, who, StatusCode::UNPROCESSABLE_ENTITY, state).await
        }
        Err(PortError::Invalid { field, reason }) => {
            state.findings = vec![Finding {
                field: Some(field),
                line: None,
                message: reason,
            }];
            refused(&web, &context, who, StatusCode::UNPROCESSABLE_ENTITY, state).await
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
