//! `freeport audit bundle | verify`: an auditor downloads a port's audit bundle and verifies it,
//! or a transfer's report, offline under their own trust policy (see `freeport_port::audit`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use freeport_cli::{AuditBundleArgs, AuditCommand, AuditVerifyArgs};
use freeport_port::audit::{AuditBundle, verify_bundle};
use freeport_port::port::{PortError, prove_report};
use freeport_server::client::PortClient;
use freeport_tlog::policy::Policy;
use freeport_util::atomic::AtomicFile;

use crate::render::{Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(command: &AuditCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        AuditCommand::Bundle(args) => bundle(args, out),
        AuditCommand::Verify(args) => verify(args, out),
    }
}

/// `freeport audit verify REPORT --policy P`: the receipt the report carries, under the auditor's
/// policy, must prove the log entry that binds this report's SHA-256 and transfer — the one check
/// of a report against a log (`freeport_port::port::prove_report`), which the port's assessment
/// upload and the dashboard's verification page make too.
fn verify_one_report(
    args: &AuditVerifyArgs,
    text: &str,
    policy: &Policy,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    #[derive(serde::Serialize)]
    struct Verified<'a> {
        verified: bool,
        transfer_id: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        report_sha256: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        log_origin: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        log_index: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        checkpoint_size: Option<u64>,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        witnesses: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        failed: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<&'a str>,
    }
    if args.reviewers.is_some() {
        return Err(Error::Usage(
            "`--reviewers` applies to an audit bundle; a report carries no reviewer's decision"
                .to_owned(),
        ));
    }
    let report = freeport_report::Report::from_json(text).map_err(|e| Error::ReportMismatch {
        file: args.document.display().to_string(),
        reason: format!("it does not read as a report: {e}"),
    })?;
    let Some(place) = report.log() else {
        return Err(Error::ReportMismatch {
            file: args.document.display().to_string(),
            reason: "it carries no receipt: it was not logged, or its log fields were removed"
                .to_owned(),
        });
    };
    let proved = match prove_report(&report, &place.receipt, policy) {
        Ok((proof, _)) => Ok(proof),
        Err(PortError::Invalid { field, reason }) => Err((field, reason)),
        Err(other) => return Err(Error::Usage(other.to_string())),
    };
    let transfer_id = report.cover.transfer_id.as_str();
    let verified = match &proved {
        Ok(proof) => Verified {
            verified: true,
            transfer_id,
            report_sha256: Some(&proof.report_sha256),
            log_origin: Some(&proof.log_origin),
            log_index: Some(proof.log_index),
            checkpoint_size: Some(proof.checkpoint_size),
            witnesses: &proof.witnesses,
            failed: None,
            reason: None,
        },
        Err((field, reason)) => Verified {
            verified: false,
            transfer_id,
            report_sha256: None,
            log_origin: None,
            log_index: None,
            checkpoint_size: None,
            witnesses: &[],
            failed: Some(field),
            reason: Some(reason),
        },
    };
    let rendered = Rendered {
        json: &verified,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            match &proved {
                Ok(proof) => writeln!(
                    out,
                    "report of transfer `{transfer_id}` verifies: SHA-256 {} is bound by entry {} of `{}`, under a checkpoint of size {} cosigned by {}",
                    proof.report_sha256,
                    proof.log_index,
                    proof.log_origin,
                    proof.checkpoint_size,
                    proof.witnesses.join(", ")
                )?,
                Err((field, reason)) => writeln!(
                    out,
                    "report of transfer `{transfer_id}` does NOT verify\n  FAILED {field}: {reason}"
                )?,
            }
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(if proved.is_ok() {
        ExitStatus::Success
    } else {
        ExitStatus::Blocking
    })
}

fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::File {
        path: path.display().to_string(),
        source: e,
    })
}

fn bundle(args: &AuditBundleArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    if args.out.exists() {
        return Err(Error::Usage(format!(
            "`{}` exists; the bundle is never written over a file (choose another name)",
            args.out.display()
        )));
    }
    let bundle = PortClient::new(&args.port.url, &args.port.token).audit_bundle()?;
    let mut text = serde_json::to_string_pretty(&bundle)?;
    text.push('\n');
    // Temporary file beside the target, then a link that refuses to replace: never a
    // half-written bundle under the name asked for, never someone's file overwritten.
    let file_error = |e: std::io::Error| Error::File {
        path: args.out.display().to_string(),
        source: e,
    };
    let mut file = AtomicFile::create(&args.out).map_err(file_error)?;
    file.write_all(text.as_bytes()).map_err(file_error)?;
    if !file.commit_new().map_err(|e| file_error(e.keep().0))? {
        return Err(Error::Usage(format!(
            "`{}` appeared while the bundle was downloaded; it was left as it is",
            args.out.display()
        )));
    }
    writeln!(
        out,
        "audit bundle of `{}` written to `{}`: {} reviewers' decisions, {} filings cleared at once, {} overrides, {} pending a cosigned checkpoint",
        bundle.origin,
        args.out.display(),
        bundle.decisions.len(),
        bundle.cleared.len(),
        bundle.overrides.len(),
        bundle.pending.len()
    )?;
    Ok(ExitStatus::Success)
}

/// Pinned reviewer keys: one `ACCOUNT VKEY` per line; `#` starts a comment.
fn read_reviewers(path: &Path) -> Result<BTreeMap<String, String>, Error> {
    let text = read_text(path)?;
    let mut keys = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(account), Some(vkey), None) => {
                keys.insert(account.to_owned(), vkey.to_owned());
            }
            _ => {
                return Err(Error::Usage(format!(
                    "`{}` line {}: expected `ACCOUNT VKEY`",
                    path.display(),
                    n + 1
                )));
            }
        }
    }
    Ok(keys)
}

fn verify(args: &AuditVerifyArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let text = read_text(&args.document)?;
    let policy = Policy::parse(&read_text(&args.policy)?)?;
    // A report is told from a bundle by its `schema` (a bundle has `format`).
    let is_report = serde_json::from_str::<serde_json::Value>(&text)
        .is_ok_and(|v| v.get("schema").is_some() && v.get("format").is_none());
    if is_report {
        return verify_one_report(args, &text, &policy, out);
    }
    let bundle: AuditBundle = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "`{}` is neither an audit bundle nor a report: {e}",
            args.document.display()
        ))
    })?;
    let pinned = args.reviewers.as_deref().map(read_reviewers).transpose()?;
    let outcome = verify_bundle(&bundle, &policy, pinned.as_ref());
    let rendered = Rendered {
        json: &outcome,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(
                out,
                "audit bundle of `{}` {}: {} reviewers' decisions, {} filings cleared at once and {} overrides verified against checkpoint size {}; {} pending",
                bundle.origin,
                if outcome.verified() {
                    "verifies"
                } else {
                    "does NOT verify"
                },
                outcome.decisions_verified,
                outcome.cleared_verified,
                outcome.overrides_verified,
                outcome.checkpoint_size,
                outcome.pending
            )?;
            if pinned.is_none() {
                writeln!(
                    out,
                    "  reviewers' keys: as the bundle carries them (pin your own with --reviewers)"
                )?;
            }
            for failure in &outcome.failures {
                writeln!(out, "  FAILED {}: {}", failure.item, failure.reason)?;
            }
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(if outcome.verified() {
        ExitStatus::Success
    } else {
        ExitStatus::Blocking
    })
}
