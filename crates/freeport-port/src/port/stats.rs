//! The study registry of joint statistics (issue 20 item 3): a port that hosts its country's
//! aggregator records each study its operators approve — which study (id and SHA-256), which
//! country's aggregator, which account, when — in the store with the access-journal line in the
//! same transaction, and appends the approval's `publication` entry to the port's own log (the
//! one writer), queued first so a crash between the two is appended on the next start. A released
//! result the collector posts is recorded and logged the same way (one per collection request).
//! The cryptography, the approval and the release themselves are `freeport-stats`'s; the port
//! decides who may approve or publish and keeps the record.

use freeport_policy::Jurisdiction;
use freeport_store::docket::Role;
use freeport_store::stats::{StudyApproval, StudyRelease};
use serde::{Deserialize, Serialize};

use super::{Port, PortError, Principal, invalid, now};

/// Fault point (`FREEPORT_FAULT`): after an approval is recorded, before its entry is appended.
pub const STUDY_APPROVAL_RECORDED: &str = "study-approval-recorded";
/// Fault point (`FREEPORT_FAULT`): after a release is recorded, before its entry is appended.
pub const STUDY_RELEASE_RECORDED: &str = "study-release-recorded";

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

/// A released result the port published, as it lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StudyReleaseView {
    /// The study's id.
    pub study_id: String,
    /// The study's SHA-256 (hex).
    pub study_sha256: String,
    /// The query released.
    pub query: String,
    /// The collection request's id (one release per request).
    pub request_id: String,
    /// `cn` or `us`: the country of the aggregator this port hosts.
    pub country: String,
    /// The publishing account.
    pub published_by: String,
    /// When (RFC 3339 UTC).
    pub published_at: String,
    /// The index of the release's `publication` entry in the port's log; `null` while it is
    /// queued (appended at the latest when the port next starts).
    pub log_index: Option<u64>,
}

impl From<StudyRelease> for StudyReleaseView {
    fn from(r: StudyRelease) -> Self {
        Self {
            study_id: r.study_id,
            study_sha256: r.study_sha256,
            query: r.query,
            request_id: r.request_id,
            country: r.country,
            published_by: r.published_by,
            published_at: r.published_at,
            log_index: r.log_index,
        }
    }
}

/// A release to record: the hosted aggregator has checked that it released its share for this
/// collection request and that the result matches it; this is the result's `publication` entry.
#[derive(Debug, Clone)]
pub struct NewStudyRelease {
    /// The study's id.
    pub study_id: String,
    /// The study's SHA-256 (hex).
    pub study_sha256: String,
    /// The query.
    pub query: String,
    /// The collection request's id.
    pub request_id: String,
    /// The hosted aggregator's country.
    pub country: Jurisdiction,
    /// The release's `publication` log entry.
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
        Self::require(
            who,
            &[operator(country)],
            "approve studies at this aggregator",
        )
    }

    /// Refuses anyone but the reviewers of `country`'s side, who publish the results their
    /// aggregator took part in. Checked before a request's fields are read.
    ///
    /// # Errors
    ///
    /// [`PortError::Forbidden`] for any other role.
    pub fn require_release_publisher(
        who: &Principal,
        country: Jurisdiction,
    ) -> Result<(), PortError> {
        Self::require(
            who,
            &[operator(country)],
            "publish results of this aggregator's studies",
        )
    }

    /// Records a released result (its access-journal line in the same transaction) and appends
    /// its entry to the port's log; the release as recorded, with its log index. A collection
    /// request published before gets its earlier record back (recorded and logged once).
    ///
    /// # Errors
    ///
    /// Not `country`'s reviewer; a malformed hash or request id; the store or the log fails
    /// (the release stays queued and is appended when the port next starts).
    pub fn record_study_release(
        &self,
        who: &Principal,
        new: &NewStudyRelease,
    ) -> Result<StudyReleaseView, PortError> {
        Self::require_release_publisher(who, new.country)?;
        if new.study_sha256.len() != 64 || !new.study_sha256.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(invalid("study_sha256", "not a hex SHA-256"));
        }
        if new.request_id.is_empty()
            || new.request_id.len() > 128
            || !new
                .request_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(invalid("request_id", "not a collection request id"));
        }
        let at = now();
        let country = new.country.as_str();
        let stored = self.store()?.transaction(|tx| {
            let stored = tx.record_study_release(&StudyRelease {
                seq: 0,
                study_sha256: new.study_sha256.clone(),
                study_id: new.study_id.clone(),
                query: new.query.clone(),
                request_id: new.request_id.clone(),
                country: country.to_owned(),
                published_at: at.clone(),
                published_by: who.account.clone(),
                log_entry: new.log_entry.clone(),
                log_index: None,
            })?;
            tx.journal(
                &at,
                &who.account,
                "stats.release",
                &format!("study/{}/release/{}", new.study_sha256, new.request_id),
            )?;
            Ok::<_, PortError>(stored)
        })?;
        if stored.log_index.is_some() {
            return Ok(stored.into());
        }
        crate::fault::abort_at(STUDY_RELEASE_RECORDED);
        let index = self.log()?.append_once(&stored.log_entry)?;
        self.store()?
            .transaction(|tx| tx.set_study_release_log_index(stored.seq, index))?;
        Ok(StudyReleaseView {
            log_index: Some(index),
            ..stored.into()
        })
    }

    /// Every release this port published, in publication order (any account).
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn study_releases(&self, _who: &Principal) -> Result<Vec<StudyReleaseView>, PortError> {
        Ok(self
            .store()?
            .transaction(|tx| tx.study_releases())?
            .into_iter()
            .map(StudyReleaseView::from)
            .collect())
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

/// The role that operates `country`'s aggregator.
const fn operator(country: Jurisdiction) -> Role {
    match country {
        Jurisdiction::Cn => Role::CnReviewer,
        Jurisdiction::Us => Role::UsReviewer,
    }
}

/// Appends the approvals and releases a crash left queued (on opening the port).
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
    for release in store.transaction(|tx| tx.study_releases())? {
        if release.log_index.is_some() {
            continue;
        }
        let index = log.append_once(&release.log_entry)?;
        store.transaction(|tx| tx.set_study_release_log_index(release.seq, index))?;
    }
    Ok(())
}
