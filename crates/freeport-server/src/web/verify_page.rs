//! `/verify`: anyone checks a receipt against the port's log (issue 18 item 4) — upload the
//! `.tlog-proof` a filing cleared with, and the port says whether it verifies under its trust
//! policy (log key and witnesses), which entry it proves and which witnesses cosigned
//! ([`Port::check_receipt`]), or exactly why not. Nothing is stored; no account is needed, so
//! no session or CSRF token either.

use std::sync::Arc;

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_port::PortError;
use freeport_port::log_view::ReceiptCheck;
use freeport_report::Lang;
use maud::{Markup, html};

use super::i18n::t;
use super::{Context, LangSwitch, Web};

/// The largest receipt taken: an entry of at most 64 KiB (base64), 63 proof hashes and a
/// cosigned checkpoint.
pub(super) const MAX_RECEIPT_BYTES: usize = 128 * 1024;

/// What the page shows under its form.
enum Outcome {
    /// Nothing checked yet.
    None,
    /// It verified.
    Verified(ReceiptCheck),
    /// It did not: a refusal of the upload (a locale key) or the port's reason.
    Refused {
        key: &'static str,
        reason: Option<String>,
    },
}

pub(super) async fn form(
    State(web): State<Web>,
    headers: HeaderMap,
    Query(switch): Query<LangSwitch>,
) -> Response {
    let context = Context::new(&web, &headers, &switch, "/verify");
    context.page(
        StatusCode::OK,
        t(context.lang, "verify.title"),
        page(context.lang, &Outcome::None),
    )
}

pub(super) async fn check(
    State(web): State<Web>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/verify");
    let refused = |status: StatusCode, key: &'static str, reason: Option<String>| {
        context.page(
            status,
            t(context.lang, "verify.title"),
            page(context.lang, &Outcome::Refused { key, reason }),
        )
    };
    let text = match read_receipt(multipart).await {
        Ok(text) => text,
        Err(key) => return refused(StatusCode::UNPROCESSABLE_ENTITY, key, None),
    };
    let port = Arc::clone(&web.port);
    match crate::port_call(move || port.check_receipt(&text)).await {
        Ok(check) => context.page(
            StatusCode::OK,
            t(context.lang, "verify.title"),
            page(context.lang, &Outcome::Verified(check)),
        ),
        Err(PortError::Invalid { reason, .. }) => refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "verify.failed",
            Some(reason),
        ),
        Err(other) => context.error(&other),
    }
}

/// The uploaded receipt's text, or why there is none (a locale key).
async fn read_receipt(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<String, &'static str> {
    let mut multipart = multipart.map_err(|_| "upload.error.unreadable")?;
    let mut bytes = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| "upload.error.unreadable")?
    {
        if field.name() == Some("receipt") {
            bytes = field
                .bytes()
                .await
                .map_err(|_| "verify.too_large")?
                .to_vec();
        }
    }
    if bytes.is_empty() {
        return Err("verify.no_file");
    }
    if bytes.len() > MAX_RECEIPT_BYTES {
        return Err("verify.too_large");
    }
    String::from_utf8(bytes).map_err(|_| "upload.error.not_utf8")
}

fn page(lang: Lang, outcome: &Outcome) -> Markup {
    html! {
        p { (t(lang, "verify.intro")) }
        form.stacked method="post" action="/verify" enctype="multipart/form-data" novalidate {
            div.field {
                label for="receipt-file" { (t(lang, "verify.label")) " (" code lang="und" { ".tlog-proof" } ")" }
                input #receipt-file type="file" name="receipt" accept=".tlog-proof,text/plain" required
                    aria-invalid=[matches!(outcome, Outcome::Refused { .. }).then_some("true")];
            }
            button type="submit" { (t(lang, "verify.submit")) }
        }
        @match outcome {
            Outcome::None => {},
            Outcome::Verified(check) => {
                section.verified role="status" {
                    h2 { (t(lang, "verify.ok")) }
                    dl.facts {
                        dt { (t(lang, "verify.entry")) }
                        dd { "#" (check.entry.index) " · " code lang="und" { (check.entry.kind) } }
                        @for (name, value) in &check.entry.fields {
                            dt { code lang="und" { (name) } }
                            dd { code lang="und" { (value) } }
                        }
                        dt { (t(lang, "verify.checkpoint")) } dd { (check.checkpoint_size) }
                        dt { (t(lang, "verify.witnesses")) }
                        dd {
                            @if check.witnesses.is_empty() {
                                (t(lang, "verify.no_witness"))
                            } @else {
                                @for (n, w) in check.witnesses.iter().enumerate() {
                                    @if n > 0 { ", " }
                                    code lang="und" { (w) }
                                }
                            }
                        }
                        dt { (t(lang, "verify.sha256")) } dd { code.hash lang="und" { (check.entry.sha256) } }
                    }
                }
            },
            Outcome::Refused { key, reason } => {
                div.error role="alert" {
                    p { (t(lang, key)) }
                    @if let Some(reason) = reason {
                        p { span lang="en" { (reason) } }
                    }
                }
            },
        }
    }
}
