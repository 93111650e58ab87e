//! A recorded transfer's report, read back from the store to be rendered again
//! (`freeport report ID`) without assessing again: the store keeps the report as bound to the
//! log (migration 12, [`freeport_store::KeptReport`]), checked here against its SHA-256, and
//! completed with its place in the log as the assessment delivered it.

use freeport_report::{Report, ReportLog};
use freeport_store::{ReportLookup, Store, StoreError, TransferId};

/// Why a kept report cannot be given.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum KeptReportError {
    /// No transfer of that id is recorded.
    #[error("no recorded transfer has the id `{id}`")]
    #[diagnostic(
        code(freeport::report::unknown_transfer),
        help("`freeport history` lists the recorded transfers with their ids")
    )]
    UnknownTransfer {
        /// The id asked for.
        id: String,
    },
    /// The transfer is recorded without a report.
    #[error("transfer `{id}` is recorded, but no report of it was kept")]
    #[diagnostic(
        code(freeport::report::not_kept),
        help(
            "the store keeps the report of transfers `freeport assess` records from this version on; one recorded before, filed at a port or recorded by `freeport judge --record` has none. Its report is the `report.json` / `report.html` its assessment wrote"
        )
    )]
    NotKept {
        /// The transfer.
        id: String,
    },
    /// The kept report's bytes do not match the SHA-256 kept with them.
    #[error(
        "the kept report of transfer `{id}` does not match its SHA-256 (kept {kept}, found {found})"
    )]
    #[diagnostic(
        code(freeport::report::hash_mismatch),
        help(
            "the store was changed outside freeport; the hash in the transfer's package manifest and log entry is the one to trust"
        )
    )]
    HashMismatch {
        /// The transfer.
        id: String,
        /// The hash kept with the report.
        kept: String,
        /// The hash of the bytes found.
        found: String,
    },
    /// The kept place in the log does not read.
    #[error("the kept report of transfer `{id}` has an unreadable place in the log: {reason}")]
    #[diagnostic(code(freeport::report::kept_log))]
    Log {
        /// The transfer.
        id: String,
        /// The parser's reason.
        reason: String,
    },
    /// The store cannot be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] StoreError),
    /// The kept report does not read as a report.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Report(#[from] freeport_report::ReportError),
}

/// A kept report, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Recalled {
    /// The report as the assessment delivered it: the kept model with its place in the log.
    pub report: Report,
    /// SHA-256 of the report as bound to the log (what the manifest and the log entry carry).
    pub sha256: String,
    /// The day it says it was generated.
    pub generated_on: jiff::civil::Date,
    /// Whether its place in the log was kept (a run that stopped after the append and before
    /// marking it leaves the report without one).
    pub logged: bool,
}

/// The kept report of transfer `id` in `store` (`None`: a fresh home, which has recorded
/// nothing), checked against its SHA-256.
///
/// # Errors
///
/// [`KeptReportError`]: an unknown id, a transfer without a kept report, a report that does
/// not match its hash or does not read, a store that cannot be read.
pub fn recall(store: Option<&mut Store>, id: &str) -> Result<Recalled, KeptReportError> {
    let lookup = match store {
        Some(store) => store.transfer_report(&TransferId(id.to_owned()))?,
        None => ReportLookup::NoSuchTransfer,
    };
    let kept = match lookup {
        ReportLookup::NoSuchTransfer => {
            return Err(KeptReportError::UnknownTransfer { id: id.to_owned() });
        }
        ReportLookup::NotKept => return Err(KeptReportError::NotKept { id: id.to_owned() }),
        ReportLookup::Kept(kept) => kept,
    };
    let found = freeport_report::sha256_hex(kept.report.as_bytes());
    if found != kept.sha256 {
        return Err(KeptReportError::HashMismatch {
            id: id.to_owned(),
            kept: kept.sha256,
            found,
        });
    }
    let log: Option<ReportLog> = kept
        .log
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| KeptReportError::Log {
            id: id.to_owned(),
            reason: e.to_string(),
        })?;
    let report = Report::from_json(&kept.report)?;
    Ok(Recalled {
        logged: log.is_some(),
        report: report.with_log(log),
        sha256: kept.sha256,
        generated_on: kept.generated_on,
    })
}
