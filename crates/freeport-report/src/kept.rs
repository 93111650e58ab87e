//! A report kept to be rendered again (`freeport report ID`) and bound to the log.
//!
//! **What is kept.** The language-neutral model itself, as its JSON ([`render_json`]), not the
//! inputs it was built from: the model already holds every word-free fact the HTML needs
//! (category names in both languages, each fired rule's source and explanation quoted from the
//! pack of the day), so a later rule pack, vocabulary or tool version cannot change a report
//! that was filed. Rendering the kept model again gives the same bytes as the first rendering.
//!
//! **What is bound.** The decision's log entry is appended after the report is built, and its
//! place in the log (checkpoint and receipt, [`ReportLog`]) is part of the report the exporter
//! receives. The report bound to the log — the SHA-256 in the package manifest and in the log
//! entry — is therefore the model with those log fields empty ([`Report::unlogged`]): exactly
//! the bytes of [`render_json`] of the model whose `cover.log` and `evidence.receipt` are
//! `null` ([`bound_json`], [`sha256_hex`]).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{LogCheckpoint, Report, SCHEMA_VERSION};
use crate::{ReportError, render_json};

/// Where a report's decision sits in the log: the part of the report filled in after the
/// append (`cover.log` and `evidence.receipt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLog {
    /// The checkpoint the receipt proves against, and the entry's index.
    pub checkpoint: LogCheckpoint,
    /// The C2SP tlog-proof receipt text.
    pub receipt: String,
}

impl Report {
    /// The report's place in the log, when it has one.
    #[must_use]
    pub fn log(&self) -> Option<ReportLog> {
        match (&self.cover.log, &self.evidence.receipt) {
            (Some(checkpoint), Some(receipt)) => Some(ReportLog {
                checkpoint: checkpoint.clone(),
                receipt: receipt.clone(),
            }),
            _ => None,
        }
    }

    /// The report with `log` as its place in the log (`None` empties both fields): the same
    /// report [`Report::build`] gives with that log.
    #[must_use]
    pub fn with_log(mut self, log: Option<ReportLog>) -> Self {
        let (checkpoint, receipt) = log.map(|l| (l.checkpoint, l.receipt)).unzip();
        self.cover.log = checkpoint;
        self.evidence.receipt = receipt;
        self
    }

    /// The report as it is bound to the log: its log fields empty.
    #[must_use]
    pub fn unlogged(&self) -> Self {
        self.clone().with_log(None)
    }

    /// Reads a report back from its JSON ([`render_json`]).
    ///
    /// # Errors
    ///
    /// [`ReportError::Kept`] when the text is not a report of this [`SCHEMA_VERSION`].
    pub fn from_json(text: &str) -> Result<Self, ReportError> {
        #[derive(Deserialize)]
        struct Schema {
            schema: u32,
        }
        let schema = serde_json::from_str::<Schema>(text)
            .map_err(|e| ReportError::Kept(format!("no report schema: {e}")))?
            .schema;
        if schema != SCHEMA_VERSION {
            return Err(ReportError::Kept(format!(
                "the report is schema {schema}; this version renders schema {SCHEMA_VERSION}"
            )));
        }
        serde_json::from_str(text).map_err(|e| ReportError::Kept(e.to_string()))
    }
}

/// The JSON of the report as bound to the log ([`Report::unlogged`]), the bytes
/// [`sha256_hex`] hashes.
///
/// # Errors
///
/// As [`render_json`].
pub fn bound_json(report: &Report) -> Result<String, ReportError> {
    render_json(&report.unlogged())
}

/// SHA-256 of `bytes`, lowercase hex.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    freeport_util::fmt::hex(&Sha256::digest(bytes))
}
