//! The study registry of joint statistics (migration 0015): each approval of a study by the
//! aggregator a port hosts — which study (its id and SHA-256), which country's aggregator, who
//! approved it and when — with its `publication` log entry queued in the same transaction and
//! its index once appended; and the releases the port published (migration 0016), one per
//! collection request, queued and appended the same way. What an approval or a release means
//! is `freeport-stats`'s; who may approve or publish is the port's.

use crate::db::{Row, params};
use crate::docket::{all, to_i64};
use crate::error::StoreError;
use crate::store::{Tx, db_error};

/// A study's approval by one country's aggregator, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyApproval {
    /// Its number, in approval order (ignored on insert).
    pub seq: u64,
    /// The study's SHA-256 (hex).
    pub study_sha256: String,
    /// The study's id.
    pub study_id: String,
    /// `cn` or `us`: the approving aggregator's country.
    pub country: String,
    /// RFC 3339 UTC.
    pub approved_at: String,
    /// The approving account.
    pub approved_by: String,
    /// Its `publication` log entry.
    pub log_entry: Vec<u8>,
    /// The entry's index, once appended.
    pub log_index: Option<u64>,
}

const COLUMNS: &str = "seq, study_sha256, study_id, country, approved_at, approved_by, \
                       log_entry, log_index";

fn approval_row(row: &mut Row) -> Result<StudyApproval, crate::db::DbError> {
    Ok(StudyApproval {
        seq: row.int(0)?.unsigned_abs(),
        study_sha256: row.text(1)?,
        study_id: row.text(2)?,
        country: row.text(3)?,
        approved_at: row.text(4)?,
        approved_by: row.text(5)?,
        log_entry: row.blob(6)?,
        log_index: row.opt_int(7)?.map(i64::unsigned_abs),
    })
}

impl Tx<'_> {
    /// Records a study's approval with its queued log entry, unless this study was approved
    /// by this country's aggregator before; the approval as stored (the earlier one, if any, so
    /// an approval is recorded and logged once).
    ///
    /// # Errors
    ///
    /// The database fails (a country the schema does not know breaks a constraint).
    pub fn record_study_approval(
        &mut self,
        approval: &StudyApproval,
    ) -> Result<StudyApproval, StoreError> {
        self.tx
            .execute(
                "INSERT INTO stats_study (study_sha256, study_id, country, approved_at,
                 approved_by, log_entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (study_sha256, country) DO NOTHING",
                params![
                    &approval.study_sha256,
                    &approval.study_id,
                    &approval.country,
                    &approval.approved_at,
                    &approval.approved_by,
                    &approval.log_entry
                ],
            )
            .map_err(db_error(self.path, "record a study's approval"))?;
        let sql =
            format!("SELECT {COLUMNS} FROM stats_study WHERE study_sha256 = ?1 AND country = ?2");
        self.tx
            .query(&sql, params![&approval.study_sha256, &approval.country])
            .and_then(|rows| all(rows, approval_row))
            .map_err(db_error(self.path, "read a study's approval"))?
            .pop()
            .ok_or_else(|| StoreError::Corrupt {
                path: self.path.to_owned(),
                detail: "a study approval just recorded is missing".to_owned(),
            })
    }

    /// Every study approval, in approval order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn study_approvals(&mut self) -> Result<Vec<StudyApproval>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM stats_study ORDER BY seq");
        self.tx
            .query(&sql, &[])
            .and_then(|rows| all(rows, approval_row))
            .map_err(db_error(self.path, "list study approvals"))
    }

    /// Records the log index of a study approval's entry.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_study_approval_log_index(&mut self, seq: u64, index: u64) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE stats_study SET log_index = ?2 WHERE seq = ?1",
                params![to_i64(seq), to_i64(index)],
            )
            .map_err(db_error(self.path, "record a study approval's log index"))?;
        Ok(())
    }
}

/// A released result of a study, as the port published it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyRelease {
    /// Its number, in publication order (ignored on insert).
    pub seq: u64,
    /// The study's SHA-256 (hex).
    pub study_sha256: String,
    /// The study's id.
    pub study_id: String,
    /// The query.
    pub query: String,
    /// The collection request's id: one release per request.
    pub request_id: String,
    /// `cn` or `us`: the country of the aggregator this port hosts.
    pub country: String,
    /// RFC 3339 UTC.
    pub published_at: String,
    /// The publishing account.
    pub published_by: String,
    /// Its `publication` log entry.
    pub log_entry: Vec<u8>,
    /// The entry's index, once appended.
    pub log_index: Option<u64>,
}

const RELEASE_COLUMNS: &str = "seq, study_sha256, study_id, query, request_id, country, \
                               published_at, published_by, log_entry, log_index";

fn release_row(row: &mut Row) -> Result<StudyRelease, crate::db::DbError> {
    Ok(StudyRelease {
        seq: row.int(0)?.unsigned_abs(),
        study_sha256: row.text(1)?,
        study_id: row.text(2)?,
        query: row.text(3)?,
        request_id: row.text(4)?,
        country: row.text(5)?,
        published_at: row.text(6)?,
        published_by: row.text(7)?,
        log_entry: row.blob(8)?,
        log_index: row.opt_int(9)?.map(i64::unsigned_abs),
    })
}

impl Tx<'_> {
    /// Records a released result with its queued log entry, unless a release of this
    /// collection request was recorded before; the release as stored (the earlier one, if any,
    /// so a release is recorded and logged once).
    ///
    /// # Errors
    ///
    /// The database fails (a country the schema does not know breaks a constraint).
    pub fn record_study_release(
        &mut self,
        release: &StudyRelease,
    ) -> Result<StudyRelease, StoreError> {
        self.tx
            .execute(
                "INSERT INTO stats_release (study_sha256, study_id, query, request_id, country,
                 published_at, published_by, log_entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (request_id) DO NOTHING",
                params![
                    &release.study_sha256,
                    &release.study_id,
                    &release.query,
                    &release.request_id,
                    &release.country,
                    &release.published_at,
                    &release.published_by,
                    &release.log_entry
                ],
            )
            .map_err(db_error(self.path, "record a study's release"))?;
        let sql = format!("SELECT {RELEASE_COLUMNS} FROM stats_release WHERE request_id = ?1");
        self.tx
            .query(&sql, params![&release.request_id])
            .and_then(|rows| all(rows, release_row))
            .map_err(db_error(self.path, "read a study's release"))?
            .pop()
            .ok_or_else(|| StoreError::Corrupt {
                path: self.path.to_owned(),
                detail: "a study release just recorded is missing".to_owned(),
            })
    }

    /// Every published release, in publication order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn study_releases(&mut self) -> Result<Vec<StudyRelease>, StoreError> {
        let sql = format!("SELECT {RELEASE_COLUMNS} FROM stats_release ORDER BY seq");
        self.tx
            .query(&sql, &[])
            .and_then(|rows| all(rows, release_row))
            .map_err(db_error(self.path, "list study releases"))
    }

    /// Records the log index of a release's entry.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_study_release_log_index(&mut self, seq: u64, index: u64) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE stats_release SET log_index = ?2 WHERE seq = ?1",
                params![to_i64(seq), to_i64(index)],
            )
            .map_err(db_error(self.path, "record a study release's log index"))?;
        Ok(())
    }
}
