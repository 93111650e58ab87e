//! Filing by uploading a `freeport assess` result (issue 13 item 5): the exporter assessed the
//! transfer at home — scanned its data, judged it, recorded it in its own store and log — and
//! uploads what that run wrote: `facts.json` (the facts as judged, inventory from the scan),
//! `report.json`, `receipt.tlog-proof` and `trust-policy.txt`. No data crosses; the facts carry
//! counts, not values.
//!
//! The port checks that the four belong together before it files anything:
//!
//! - `report.json` is a report of this schema, for the facts' transfer date, and every category
//!   the facts list appears in its inventory;
//! - the receipt verifies under the trust policy (the exporter's log key and witnesses: the
//!   checkpoint's signatures and quorum, then the entry's inclusion), and the entry it proves is
//!   the one that binds this report — its `report_sha256` is the SHA-256 of the report as bound
//!   to the log ([`freeport_report::bound_json`]) and its `transfer_id` the report's;
//! - the report's own place in the log, when it states one, is the receipt's.
//!
//! The trust policy comes from the exporter, so this proves the files are one assessment,
//! signed by the exporter's log, not that anyone else witnessed it; what the port relies on is
//! its own judgement. It then files the facts as [`Port::file`] does — judged under both packs
//! against the **port's** volumes of the organisation — keeps the report as bound to the log
//! (its canonical JSON with the log fields empty, whose SHA-256 the exporter's entry binds) under
//! its home by that hash, as attachments are kept, and records where the filing came from ([`AssessmentView`]), in the
//! filing's transaction. An organisation files one report once: uploading the same report again
//! answers with the filing it made.

use freeport_report::Report;
use freeport_store::docket::{FilingAssessment, Role};
use freeport_tlog::entry::Entry;
use freeport_tlog::policy::Policy;
use freeport_tlog::receipt::Receipt;
use serde::{Deserialize, Serialize};

use super::{FilingView, MAX_ATTACHMENT_BYTES, Port, PortError, Principal, invalid};

/// What `freeport assess -o DIR` wrote and the exporter uploads, by file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentUpload {
    /// `facts.json`: the facts as judged, with the inventory from the scan.
    pub facts: String,
    /// `report.json`, as delivered (with its place in the exporter's log).
    pub report: Vec<u8>,
    /// `receipt.tlog-proof`: the exporter's log's receipt for the report's entry.
    pub receipt: String,
    /// `trust-policy.txt`: the exporter's log key and witnesses.
    pub trust_policy: String,
}

impl AssessmentUpload {
    /// The file each part is read from in an assessment's output directory.
    pub const FILES: [(&'static str, &'static str); 4] = [
        ("facts", "facts.json"),
        ("report", "report.json"),
        ("receipt", "receipt.tlog-proof"),
        ("trust_policy", "trust-policy.txt"),
    ];
}

/// Where a filing made from an uploaded assessment came from (what the port verified).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssessmentView {
    /// SHA-256 of the report as bound to the exporter's log (its log fields empty), 64 hex
    /// digits; those bytes are kept under the port's home by this hash.
    pub report_sha256: String,
    /// Size of the uploaded report in bytes.
    pub report_bytes: u64,
    /// The transfer id the exporter's own store and log gave it.
    pub exporter_transfer: String,
    /// The exporter's log's origin.
    pub log_origin: String,
    /// The entry's index in the exporter's log.
    pub log_index: u64,
    /// The size of the exporter's checkpoint the receipt proved the entry under.
    pub checkpoint_size: u64,
}

impl From<FilingAssessment> for AssessmentView {
    fn from(a: FilingAssessment) -> Self {
        Self {
            report_sha256: a.report_sha256,
            report_bytes: a.report_bytes,
            exporter_transfer: a.exporter_transfer,
            log_origin: a.log_origin,
            log_index: a.log_index,
            checkpoint_size: a.checkpoint_size,
        }
    }
}

/// A filing made (or found) from an uploaded assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssessmentFiled {
    /// `false` when the organisation had filed this report before and this is that filing.
    pub created: bool,
    /// The filing.
    pub filing: FilingView,
}

impl Port {
    /// Files a transfer from an exporter's uploaded assessment (see the module documentation):
    /// checks that facts, report, receipt and trust policy are one assessment, then files the
    /// facts as [`Port::file`] does and records where they came from. The same report filed
    /// again by the same organisation answers with its filing (`created` false).
    ///
    /// # Errors
    ///
    /// Not an exporter; [`PortError::Invalid`] naming the part (`facts`, `report`, `receipt`,
    /// `trust_policy`) that is malformed or does not belong with the others; the facts' loader
    /// errors; as [`Port::file`].
    pub fn file_assessment(
        &self,
        who: &Principal,
        upload: &AssessmentUpload,
    ) -> Result<AssessmentFiled, PortError> {
        Self::require(who, &[Role::Exporter], "file transfers")?;
        let mut prepared = self.prepare_filing(who, &upload.facts)?;
        let (evidence, bound) = verify(upload, &prepared)?;
        // Bound first, so the store's lock is released before the filing is read.
        let filed_before = self.store()?.transaction(|tx| {
            tx.filing_of_report(&prepared.organisation, &evidence.report_sha256)
        })?;
        if let Some(filed) = filed_before {
            return Ok(AssessmentFiled {
                created: false,
                filing: self.filing(who, &filed.filing)?,
            });
        }
        // The bytes the exporter's log entry binds, named by their own SHA-256.
        self.store_document(&evidence.report_sha256, bound.as_bytes())?;
        prepared.assessment = Some(evidence);
        let filing = self
            .file_prepared(vec![prepared])
            .pop()
            .unwrap_or_else(|| Err(PortError::Internal("a batch of one filed nothing".into())))?;
        Ok(AssessmentFiled {
            created: true,
            filing,
        })
    }
}

/// Checks that the upload's parts are one assessment of `prepared`'s facts; what to record, and
/// the report as bound to the log.
fn verify(
    upload: &AssessmentUpload,
    prepared: &super::PreparedFiling,
) -> Result<(AssessmentView, String), PortError> {
    let report = read_report(&upload.report)?;
    let facts = &prepared.facts;
    let date = facts.date.to_string();
    if report.cover.transfer_date != date {
        return Err(invalid(
            "report",
            format!(
                "is the report of a transfer dated {}; the facts are dated {date}",
                report.cover.transfer_date
            ),
        ));
    }
    for item in &facts.data.inventory {
        if !report
            .inventory
            .categories
            .iter()
            .any(|row| row.category == item.category)
        {
            return Err(invalid(
                "facts",
                format!(
                    "lists `{}`, which the report's inventory does not: the facts and the report are not from one assessment",
                    item.category
                ),
            ));
        }
    }
    let policy = Policy::parse(&upload.trust_policy)
        .map_err(|e| invalid("trust_policy", format!("is not a trust policy: {e}")))?;
    let (proof, bound) = prove_report(&report, &upload.receipt, &policy)?;
    Ok((
        AssessmentView {
            report_sha256: proof.report_sha256,
            report_bytes: u64::try_from(upload.report.len()).unwrap_or(u64::MAX),
            exporter_transfer: proof.transfer_id,
            log_origin: proof.log_origin,
            log_index: proof.log_index,
            checkpoint_size: proof.checkpoint_size,
        },
        bound,
    ))
}

/// What a report's receipt proved ([`prove_report`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportProof {
    /// SHA-256 of the report as bound to the log (its log fields empty), 64 hex digits.
    pub report_sha256: String,
    /// The report's transfer id, as the log entry names it.
    pub transfer_id: String,
    /// The log's origin.
    pub log_origin: String,
    /// The entry's index in that log.
    pub log_index: u64,
    /// The size of the checkpoint the receipt proved the entry under.
    pub checkpoint_size: u64,
    /// The trust policy's witnesses whose cosignatures verified.
    pub witnesses: Vec<String>,
}

/// Reads an uploaded `report.json`: at most [`MAX_ATTACHMENT_BYTES`], UTF-8, a report of this
/// schema.
///
/// # Errors
///
/// [`PortError::Invalid`] on `report` naming what is wrong.
pub fn read_report(bytes: &[u8]) -> Result<Report, PortError> {
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(invalid(
            "report",
            format!("{} bytes; at most {MAX_ATTACHMENT_BYTES}", bytes.len()),
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| invalid("report", "is not UTF-8 text (give `report.json`)"))?;
    Report::from_json(text)
        .map_err(|e| invalid("report", format!("is not a `freeport assess` report: {e}")))
}

/// Checks that `receipt` proves, under `policy`, the log entry that binds `report`: the
/// checkpoint's signatures and witness quorum, the entry's inclusion, its `report_sha256` (the
/// SHA-256 of the report as bound to the log, [`freeport_report::bound_json`]) and
/// `transfer_id`, and the report's own stated place in the log, when it states one. The one
/// check of a report against a log: the port's assessment upload and the dashboard's
/// verification page both make it. Returns what it proved and the report as bound.
///
/// # Errors
///
/// [`PortError::Invalid`] naming the part (`receipt`, `report`) that fails, and why.
pub fn prove_report(
    report: &Report,
    receipt: &str,
    policy: &Policy,
) -> Result<(ReportProof, String), PortError> {
    let bound = freeport_report::bound_json(report)
        .map_err(|e| PortError::Internal(format!("the report as bound: {e}")))?;
    let report_sha256 = freeport_report::sha256_hex(bound.as_bytes());
    let receipt = Receipt::parse(receipt)
        .map_err(|e| invalid("receipt", format!("is not a log receipt: {e}")))?;
    let trusted = receipt.verify(policy, None).map_err(|e| {
        invalid(
            "receipt",
            format!("does not verify under the trust policy: {e}"),
        )
    })?;
    let entry = receipt
        .extra
        .as_deref()
        .ok_or_else(|| invalid("receipt", "carries no entry"))
        .and_then(|bytes| {
            Entry::from_bytes(bytes)
                .map_err(|e| invalid("receipt", format!("its entry is not a log entry: {e}")))
        })?;
    let field = |name: &str| entry.body().get(name).and_then(|v| v.as_str());
    if field("report_sha256") != Some(report_sha256.as_str()) {
        return Err(invalid(
            "report",
            format!(
                "its SHA-256 as bound to the log is {report_sha256}; the receipt's `{}` entry binds {}",
                entry.entry_type().as_str(),
                field("report_sha256").map_or_else(|| "no report".to_owned(), |h| format!("`{h}`"))
            ),
        ));
    }
    if field("transfer_id") != Some(report.cover.transfer_id.as_str()) {
        return Err(invalid(
            "receipt",
            format!(
                "proves an entry for transfer `{}`; the report is of `{}`",
                field("transfer_id").unwrap_or("?"),
                report.cover.transfer_id
            ),
        ));
    }
    if let Some(logged) = &report.cover.log
        && (logged.leaf_index != receipt.index || logged.origin != trusted.checkpoint.origin)
    {
        return Err(invalid(
            "report",
            format!(
                "states entry {} of `{}`; the receipt proves entry {} of `{}`",
                logged.leaf_index, logged.origin, receipt.index, trusted.checkpoint.origin
            ),
        ));
    }
    Ok((
        ReportProof {
            report_sha256,
            transfer_id: report.cover.transfer_id.clone(),
            log_origin: trusted.checkpoint.origin,
            log_index: receipt.index,
            checkpoint_size: trusted.checkpoint.size,
            witnesses: trusted.witnesses,
        },
        bound,
    ))
}
