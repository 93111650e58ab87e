//! `/verify`: anyone checks a receipt or a report against a log (issue 18 item 4).
//!
//! - A receipt: upload the `.tlog-proof` a filing cleared with, and the port says whether it
//!   verifies under its trust policy (log key and witnesses), which entry it proves and which
//!   witnesses cosigned ([`Port::check_receipt`]), or exactly why not.
//! - A report: upload a `report.json` (with the receipt it carries, or a `.tlog-proof` beside it)
//!   and, for a report logged elsewhere (an exporter's own log), that log's trust policy; the
//!   port checks that the receipt proves the entry binding this very report
//!   ([`freeport_port::port::prove_report`], the check an uploaded assessment passes), else under
//!   the port's own trust policy.
//!
//! - A package's manifest: upload `manifest.json` and `manifest.sig` (optionally a receipt, and
//!   the package's `trust.toml` or its log's `trust-policy.txt`); the port checks the signature,
//!   the manifest and the receipt proving its entry, without the ciphertext
//!   ([`freeport_port::port::prove_manifest`]), and names the ciphertext hash the manifest binds.
//!
//! Each failure names the part that failed in the page's language, then the verifier's reason.
//! Nothing is stored; no account is needed, so no session or CSRF token either.
//!
//! [`Port::check_receipt`]: freeport_port::Port::check_receipt

use std::sync::Arc;

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freeport_port::PortError;
use freeport_port::log_view::ReceiptCheck;
use freeport_port::port::{
    MAX_ATTACHMENT_BYTES, MAX_MANIFEST_BYTES, ManifestProof, ManifestTrust, ReportProof,
    prove_manifest, prove_report, read_report,
};
use freeport_report::Lang;
use freeport_tlog::policy::Policy;
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
    /// The report verified; under the port's own trust policy (else the one uploaded).
    Report(ReportProof, bool),
    /// A package manifest verified; under the port's own trust policy (else the one uploaded).
    Manifest(ManifestProof, bool),
    /// It did not: a refusal of the upload (a locale key naming the part that failed) and the
    /// verifier's reason, if it gave one.
    Refused {
        key: &'static str,
        reason: Option<String>,
        /// The form field of the part that failed.
        part: &'static str,
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
            page(
                context.lang,
                &Outcome::Refused {
                    key,
                    reason,
                    part: "receipt_only",
                },
            ),
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

/// `aria-invalid` on the field of `part` when it is the part that failed.
fn refused_part(outcome: &Outcome, part: &str) -> Option<&'static str> {
    matches!(outcome, Outcome::Refused { part: failed, .. } if *failed == part).then_some("true")
}

/// The page refusing an upload: the part that failed (a form field), the locale key naming it,
/// and the verifier's reason.
fn refused_page(
    context: &Context,
    status: StatusCode,
    part: &'static str,
    key: &'static str,
    reason: Option<String>,
) -> Response {
    context.page(
        status,
        t(context.lang, "verify.title"),
        page(context.lang, &Outcome::Refused { key, reason, part }),
    )
}

/// The page for a check's answer: what it proved, or the part the port's refusal names
/// (`part_of` turns its field into the form's part and the locale key naming it).
fn answer(
    context: &Context,
    checked: Result<Outcome, PortError>,
    part_of: fn(&str) -> (&'static str, &'static str),
) -> Response {
    match checked {
        Ok(outcome) => context.page(
            StatusCode::OK,
            t(context.lang, "verify.title"),
            page(context.lang, &outcome),
        ),
        Err(PortError::Invalid { field, reason }) => {
            let (part, key) = part_of(&field);
            refused_page(
                context,
                StatusCode::UNPROCESSABLE_ENTITY,
                part,
                key,
                Some(reason),
            )
        }
        Err(other) => context.error(&other),
    }
}

/// An uploaded part as text, else the port's refusal naming it.
fn utf8(part: &'static str, bytes: Vec<u8>) -> Result<String, PortError> {
    String::from_utf8(bytes).map_err(|_| PortError::Invalid {
        field: part.to_owned(),
        reason: "is not UTF-8 text".to_owned(),
    })
}

/// `POST /verify/manifest`: a package's `manifest.json` and `manifest.sig`, optionally a receipt
/// (else the manifest's own) and a trust file or log policy (else the port's policy), checked
/// without the ciphertext ([`prove_manifest`]).
pub(super) async fn check_manifest(
    State(web): State<Web>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/verify");
    let refused = |status, part, key, reason| refused_page(&context, status, part, key, reason);
    let manifest_limit = usize::try_from(MAX_MANIFEST_BYTES).unwrap_or(usize::MAX);
    let limits = [
        ("manifest", manifest_limit),
        ("signature", MAX_RECEIPT_BYTES),
        ("receipt", MAX_RECEIPT_BYTES),
        ("trust", MAX_RECEIPT_BYTES),
    ];
    let unreadable = ("manifest", "upload.error.unreadable");
    let mut parts =
        match read_parts(multipart, &limits, unreadable, "verify.manifest.too_large").await {
            Ok(parts) => parts,
            Err((part, key)) => return refused(StatusCode::UNPROCESSABLE_ENTITY, part, key, None),
        };
    let trust_name = parts
        .get("trust")
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    let (manifest, signature) = (
        bytes(&mut parts, "manifest"),
        bytes(&mut parts, "signature"),
    );
    let (receipt, trust) = (bytes(&mut parts, "receipt"), bytes(&mut parts, "trust"));
    for (part, given) in [("manifest", &manifest), ("signature", &signature)] {
        if given.is_empty() {
            return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                part,
                "verify.manifest.no_file",
                None,
            );
        }
    }
    let port = Arc::clone(&web.port);
    let checked = crate::port_call(move || {
        let receipt = (!receipt.is_empty())
            .then(|| utf8("receipt", receipt))
            .transpose()?;
        let ours = trust.is_empty();
        let trust_text = if ours {
            port.trust_policy()?
        } else {
            utf8("trust", trust)?
        };
        // A trust file (`trust.toml`) pins the exporter; a log policy names the signer only.
        let trust = if !ours && trust_name.ends_with(".toml") {
            ManifestTrust::File(&trust_text)
        } else {
            ManifestTrust::Policy(&trust_text)
        };
        let proof = prove_manifest(&manifest, &signature, receipt.as_deref(), trust)?;
        Ok((proof, ours))
    })
    .await;
    answer(
        &context,
        checked.map(|(proof, ours)| Outcome::Manifest(proof, ours)),
        |field| match field {
            "signature" => ("signature", "verify.manifest.failed.signature"),
            "receipt" => ("manifest_receipt", "verify.manifest.failed.receipt"),
            "trust" => ("trust", "verify.manifest.failed.trust"),
            _ => ("manifest", "verify.manifest.failed.manifest"),
        },
    )
}

/// The files of an upload, by form field: each file's name as the browser sent it and its bytes
/// (a field not sent is absent; an empty file is kept, empty).
type Parts = std::collections::BTreeMap<&'static str, (String, Vec<u8>)>;

/// The bytes of `part` (empty when not sent).
fn bytes(parts: &mut Parts, part: &str) -> Vec<u8> {
    parts.remove(part).map(|(_, b)| b).unwrap_or_default()
}

/// Reads the file fields `limits` names (each with its largest size), or the part that could
/// not be read and why (a locale key: `unreadable`, else `too_large`).
async fn read_parts(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    limits: &[(&'static str, usize)],
    unreadable: (&'static str, &'static str),
    too_large: &'static str,
) -> Result<Parts, (&'static str, &'static str)> {
    let mut multipart = multipart.map_err(|_| unreadable)?;
    let mut parts = Parts::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable)? {
        let Some(&(part, limit)) = limits.iter().find(|(name, _)| field.name() == Some(name))
        else {
            continue;
        };
        let name = super::upload::base_name(&field);
        let bytes = field.bytes().await.map_err(|_| (part, too_large))?.to_vec();
        if bytes.len() > limit {
            return Err((part, too_large));
        }
        parts.insert(part, (name, bytes));
    }
    Ok(parts)
}

/// `POST /verify/report`.
pub(super) async fn check_report(
    State(web): State<Web>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let context = Context::new(&web, &headers, &LangSwitch { lang: None }, "/verify");
    let refused = |status, part, key, reason| refused_page(&context, status, part, key, reason);
    let limits = [
        ("report", MAX_ATTACHMENT_BYTES),
        ("receipt", MAX_RECEIPT_BYTES),
        ("trust_policy", MAX_RECEIPT_BYTES),
    ];
    let unreadable = ("report", "upload.error.unreadable");
    let mut parts =
        match read_parts(multipart, &limits, unreadable, "verify.report.too_large").await {
            Ok(parts) => parts,
            Err((part, key)) => return refused(StatusCode::UNPROCESSABLE_ENTITY, part, key, None),
        };
    let report_bytes = bytes(&mut parts, "report");
    let receipt_bytes = bytes(&mut parts, "receipt");
    let policy_bytes = bytes(&mut parts, "trust_policy");
    if report_bytes.is_empty() {
        let key = "verify.report.no_file";
        return refused(StatusCode::UNPROCESSABLE_ENTITY, "report", key, None);
    }
    let port = Arc::clone(&web.port);
    let checked = crate::port_call(move || {
        let report = read_report(&report_bytes)?;
        let receipt = if receipt_bytes.is_empty() {
            report
                .evidence
                .receipt
                .clone()
                .ok_or_else(|| PortError::Invalid {
                    field: "receipt".to_owned(),
                    reason: "the report carries no receipt (it was not logged); upload its \
                         `.tlog-proof`"
                        .to_owned(),
                })?
        } else {
            utf8("receipt", receipt_bytes)?
        };
        let ours = policy_bytes.is_empty();
        let policy_text = if ours {
            port.trust_policy()?
        } else {
            utf8("trust_policy", policy_bytes)?
        };
        let policy = Policy::parse(&policy_text).map_err(|e| PortError::Invalid {
            field: "trust_policy".to_owned(),
            reason: format!("is not a trust policy: {e}"),
        })?;
        let (proof, _) = prove_report(&report, &receipt, &policy)?;
        Ok((proof, ours))
    })
    .await;
    answer(
        &context,
        checked.map(|(proof, ours)| Outcome::Report(proof, ours)),
        |field| match field {
            "receipt" => ("receipt", "verify.report.failed.receipt"),
            "trust_policy" => ("trust_policy", "verify.report.failed.trust_policy"),
            _ => ("report", "verify.report.failed.report"),
        },
    )
}

/// The checkpoint size a receipt was proved under and the witnesses that cosigned it.
fn proved_under(lang: Lang, size: u64, witnesses: &[String]) -> Markup {
    html! {
        dt { (t(lang, "verify.checkpoint")) } dd { (size) }
        dt { (t(lang, "verify.witnesses")) }
        dd {
            @if witnesses.is_empty() {
                (t(lang, "verify.no_witness"))
            } @else {
                @for (n, w) in witnesses.iter().enumerate() {
                    @if n > 0 { ", " }
                    code lang="und" { (w) }
                }
            }
        }
    }
}

/// A file input of the verification forms: the part it is, and the help under it.
struct FileField {
    id: &'static str,
    name: &'static str,
    /// The part a refusal names ([`Outcome::Refused`]).
    part: &'static str,
    label: &'static str,
    /// The file's usual name, shown after the label.
    file: Option<&'static str>,
    accept: &'static str,
    /// Help under the input; a field without help is required.
    help: Option<&'static str>,
}

fn file_field(lang: Lang, outcome: &Outcome, field: FileField) -> Markup {
    let help_id = format!("{}-help", field.id);
    html! {
        div.field {
            label for=(field.id) {
                (t(lang, field.label))
                @if let Some(file) = field.file { " (" code lang="und" { (file) } ")" }
            }
            input id=(field.id) type="file" name=(field.name) accept=(field.accept)
                required[field.help.is_none()]
                aria-describedby=[field.help.map(|_| help_id.as_str())]
                aria-invalid=[refused_part(outcome, field.part)];
            @if let Some(help) = field.help {
                p.help id=(help_id) { (t(lang, help)) }
            }
        }
    }
}

/// Where a verified report or manifest is logged, and under whose trust policy.
fn logged(
    lang: Lang,
    origin: &str,
    index: u64,
    size: u64,
    witnesses: &[String],
    ours: bool,
) -> Markup {
    html! {
        dt { (t(lang, "verify.report.log")) }
        dd { code lang="und" { (origin) } " #" (index) }
        (proved_under(lang, size, witnesses))
        dt { (t(lang, "verify.report.under")) }
        dd { (t(lang, if ours { "verify.report.under_port" } else { "verify.report.under_uploaded" })) }
    }
}

fn page(lang: Lang, outcome: &Outcome) -> Markup {
    html! {
        p { (t(lang, "verify.intro")) }
        form.stacked method="post" action="/verify" enctype="multipart/form-data" novalidate {
            div.field {
                label for="receipt-file" { (t(lang, "verify.label")) " (" code lang="und" { ".tlog-proof" } ")" }
                input #receipt-file type="file" name="receipt" accept=".tlog-proof,text/plain" required
                    aria-invalid=[refused_part(outcome, "receipt_only")];
            }
            button type="submit" { (t(lang, "verify.submit")) }
        }
        h2 { (t(lang, "verify.report.title")) }
        p { (t(lang, "verify.report.intro")) }
        form.stacked method="post" action="/verify/report" enctype="multipart/form-data" novalidate {
            (file_field(lang, outcome, FileField { id: "report-file", name: "report", part: "report", label: "verify.report.label", file: Some("report.json"), accept: ".json,application/json", help: None }))
            (file_field(lang, outcome, FileField { id: "report-receipt", name: "receipt", part: "receipt", label: "verify.report.receipt", file: Some(".tlog-proof"), accept: ".tlog-proof,text/plain", help: Some("verify.report.receipt_help") }))
            (file_field(lang, outcome, FileField { id: "report-policy", name: "trust_policy", part: "trust_policy", label: "verify.report.policy", file: None, accept: ".txt,text/plain", help: Some("verify.report.policy_help") }))
            button type="submit" { (t(lang, "verify.report.submit")) }
        }
        h2 { (t(lang, "verify.manifest.title")) }
        p { (t(lang, "verify.manifest.intro")) }
        form.stacked method="post" action="/verify/manifest" enctype="multipart/form-data" novalidate {
            (file_field(lang, outcome, FileField { id: "manifest-file", name: "manifest", part: "manifest", label: "verify.manifest.label", file: Some("manifest.json"), accept: ".json,application/json", help: None }))
            (file_field(lang, outcome, FileField { id: "manifest-signature", name: "signature", part: "signature", label: "verify.manifest.signature", file: Some("manifest.sig"), accept: ".sig,text/plain", help: None }))
            (file_field(lang, outcome, FileField { id: "manifest-receipt", name: "receipt", part: "manifest_receipt", label: "verify.report.receipt", file: Some(".tlog-proof"), accept: ".tlog-proof,text/plain", help: Some("verify.manifest.receipt_help") }))
            (file_field(lang, outcome, FileField { id: "manifest-trust", name: "trust", part: "trust", label: "verify.manifest.trust", file: None, accept: ".toml,.txt,text/plain", help: Some("verify.manifest.trust_help") }))
            button type="submit" { (t(lang, "verify.manifest.submit")) }
        }
        @match outcome {
            Outcome::None => {},
            Outcome::Report(proof, ours) => {
                section.verified role="status" {
                    h2 { (t(lang, "verify.report.ok")) }
                    dl.facts {
                        dt { (t(lang, "verify.report.transfer")) } dd { code lang="und" { (proof.transfer_id) } }
                        dt { (t(lang, "verify.report.sha256")) } dd { code.hash lang="und" { (proof.report_sha256) } }
                        (logged(lang, &proof.log_origin, proof.log_index, proof.checkpoint_size, &proof.witnesses, *ours))
                    }
                }
            },
            Outcome::Manifest(proof, ours) => {
                section.verified role="status" {
                    h2 { (t(lang, "verify.manifest.ok")) }
                    dl.facts {
                        dt { (t(lang, "verify.report.transfer")) } dd { code lang="und" { (proof.transfer_id) } }
                        dt { (t(lang, "verify.manifest.sha256")) } dd { code.hash lang="und" { (proof.manifest_sha256) } }
                        dt { (t(lang, "verify.manifest.signer")) }
                        dd {
                            code lang="und" { (proof.signer) } " "
                            (t(lang, if proof.signer_trusted { "verify.manifest.signer_trusted" } else { "verify.manifest.signer_named" }))
                        }
                        dt { (t(lang, "verify.manifest.payload")) }
                        dd {
                            code.hash lang="und" { (proof.payload_sha256) } " · "
                            (t(lang, "verify.manifest.payload_bytes").replace("{b}", &proof.payload_bytes.to_string()).replace("{n}", &proof.files.to_string()))
                        }
                        (logged(lang, &proof.log_origin, proof.log_index, proof.checkpoint_size, &proof.witnesses, *ours))
                    }
                    p.help { (t(lang, "verify.manifest.not_ciphertext")) }
                }
            },
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
                        (proved_under(lang, check.checkpoint_size, &check.witnesses))
                        dt { (t(lang, "verify.sha256")) } dd { code.hash lang="und" { (check.entry.sha256) } }
                    }
                }
            },
            Outcome::Refused { key, reason, .. } => {
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
