//! The study registry of joint statistics (issue 20 item 3): a port that hosts its country's
//! aggregator records each study its operators approve — which study (id and SHA-256), which
//! country's aggregator, which account, when — in the store with the access-journal line in the
//! same transaction, and appends the approval's `publication` entry to the port's own log (the
//! one writer), queued first so a crash between the two is appended on the next start. The
//! cryptography and the approval itself are `freeport-stats`'s; the port decides who may
//! approve and keeps the record.

use freeport_policy::Jurisdiction;
use freeport_store::docket::Role;
use freeport_store::stats::StudyApproval;
use serde::{Deserialize, Serialize};

use super::{Port, PortError, Principal, invalid, now};

/// Fault point (`FREEPORT_FAULT`): after an approval is recorded, before its entry is appended.
pub const STUDY_APPROVAL_RECORDED: &str = "study-approval-recorded";

/// A study approved by the aggregator a port hosts, as the registry lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StudyApprovalView {
    /// The study's id.
    pub study_id: String,
    /// The study's SHA-256 (hex): what was approved, byte for byte.
    pub study_sha256: String,
    /// `cn` or `us`: the approving aggregator's country.
    pub country: String,
    /// The approving account.
    pub approved_by: String,
    /// When (RFC 3339 UTC).
    pub approved_at: String,
    /// The index of the approval's `publication` entry in the port's log; `null` while it is
    /// queued (appended at the latest when the port next starts).
    pub log_index: Option<u64>,
}

impl From<StudyApproval> for StudyApprovalView {
    fn from(a: StudyApproval) -> Self {
        Self {
            study_id: a.study_id,
            study_sha256: a.study_sha256,
            country: a.country,
            approved_by: a.approved_by,
            approved_at: a.approved_at,
            log_index: a.log_index,
        }
    }
}

/// An approval to record: the aggregator has checked the study and made its approval, whose
/// `publication` entry this is.
#[derive(Debug, Clone)]
pub struct NewStudyApproval {
    /// The study's id.
    pub study_id: String,
    /// The study's SHA-256 (hex).
    pub study_sha256: String,
    /// The approving aggregator's country.
    pub country: Jurisdiction,
    /// When the aggregator made the approval (RFC 3339 UTC).
    pub approved_at: String,
    /// The approval's `publication` log entry.
    pub log_entry: Vec<u8>,
}

impl Port {
    /// Refuses anyone but the reviewers of `country`'s side: they operate the aggregator that
    /// side's port hosts. Checked before a request's fields are read.
    ///
    /// # Errors
    ///
    /// [`PortError::Forbidden`] for any other role.
    pub fn require_study_approver(who: &Principal, country: Jurisdiction) -> Result<(), PortError> {
        let role = match country {
            Jurisdiction::Cn => Role::CnReviewer,
            Jurisdiction::Us => Role::UsReviewer,
        };
        Self::require(who, &[role], "approve studies at this aggregator")
    }

    /// Records a study's approval by this port's aggregator (its access-journal line in the
    /// same transaction) and appends its entry to the port's log; the approval as recorded,
    /// with its log index. A study approved before by this country's aggregator gets its
    /// earlier record back (recorded and logged once).
    ///
    /// # Errors
    ///
    /// Not `country`'s reviewer; a malformed id or hash; the store or the log fails (the
    /// approval stays queued and is appended when the port next starts).
    pub fn record_study_approval(
        &self,
        who: &Principal,
        new: &NewStudyApproval,
    ) -> Result<StudyApprovalView, PortError> {
        Self::require_study_approver(who, new.country)?;
        if new.study_sha256.len() != 64 || !new.study_sha256.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(invalid("study_sha256", "not a hex SHA-256"));
        }
        let at = now();
        let country = new.country.as_str();
        let stored = self.store()?.transaction(|tx| {
            let stored = tx.record_study_approval(&StudyApproval {
                seq: 0,
                study_sha256: new.study_sha256.clone(),
                study_id: new.study_id.clone(),
                country: country.to_owned(),
                approved_at: new.approved_at.clone(),
                approved_by: who.account.clone(),
                log_entry: new.log_entry.clone(),
                log_index: None,
            })?;
            tx.journal(
                &at,
                &who.account,
                "stats.approve",
                &format!("study/{}/{country}", new.study_sha256),
            )?;
            Ok::<_, PortError>(stored)
        })?;
        if stored.log_index.is_some() {
            return Ok(stored.into());
        }
        crate::fault::abort_at(STUDY_APPROVAL_RECORDED);
        let index = self.log()?.append_once(&stored.log_entry)?;
        self.store()?
            .transaction(|tx| tx.set_study_approval_log_index(stored.seq, index))?;
        Ok(StudyApprovalView {
            log_index: Some(index),
            ..stored.into()
        })
    }

    /// The study registry: every study this port's aggregator approved, in approval order
    /// (any account).
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn study_approvals(&self, _who: &Principal) -> Result<Vec<StudyApprovalView>, PortError> {
        Ok(self
            .store()?
            .transaction(|tx| tx.study_approvals())?
            .into_iter()
            .map(StudyApprovalView::from)
            .collect())
    }
}

/// Appends the approvals a crash left queued (on opening the port).
pub(crate) fn append_pending(
    store: &mut freeport_store::Store,
    log: &mut crate::home::PortLog,
) -> Result<(), PortError> {
    for approval in store.transaction(|tx| tx.study_approvals())? {
        if approval.log_index.is_some() {
            continue;
        }
        let index = log.append_once(&approval.log_entry)?;
        store.transaction(|tx| tx.set_study_approval_log_index(approval.seq, index))?;
    }
    Ok(())
}
