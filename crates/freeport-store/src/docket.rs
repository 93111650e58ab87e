//! The port's docket: organisations and accounts, filings, the case each side reviews, the
//! exchange on a case, contested classifications and overrides, attachments, and the
//! append-only access journal (migrations 0009, 0010, 0011 and 0013). Chips cases reuse its
//! case sides' shape (`crate::chips`, migration 0014).
//!
//! The store keeps these as plain rows; what they mean — who may see or change which, when a
//! filing is cleared — is the port's (`freeport-port`). Every method works inside a [`Tx`], so a
//! filing, its cases, the transfer it clears and the journal line that records the change
//! commit together or not at all.

use std::fmt;

use crate::db::{DbError, Param, Row, params};
use crate::error::StoreError;
use crate::store::{Tx, db_error};

/// What an account may do; the port decides what each role sees.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Files transfers for one organisation.
    Exporter,
    /// Reviews the cases routed to China's side.
    CnReviewer,
    /// Reviews the cases routed to the United States' side.
    UsReviewer,
    /// Reads everything, changes nothing.
    Auditor,
    /// Manages accounts.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 5] = [
        Self::Exporter,
        Self::CnReviewer,
        Self::UsReviewer,
        Self::Auditor,
        Self::Admin,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Exporter => "exporter",
            Self::CnReviewer => "cn_reviewer",
            Self::UsReviewer => "us_reviewer",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
        }
    }

    /// Parses a stored name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An account as stored (never its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Id, unique in the port.
    pub id: String,
    /// Role.
    pub role: Role,
    /// The organisation an exporter acts for; `None` for every other role.
    pub organisation: Option<String>,
    /// Display name.
    pub name: String,
    /// A reviewer's Ed25519 verifier key (signed-note form).
    pub public_key: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// When revoked; a revoked account authenticates no request.
    pub revoked_at: Option<String>,
}

/// Where a filing stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    /// May go ahead: at once, or once every required side approved.
    Cleared,
    /// At least one side's case is open.
    InReview,
    /// A side refused.
    Refused,
}

impl FilingStatus {
    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cleared => "cleared",
            Self::InReview => "in_review",
            Self::Refused => "refused",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Cleared, Self::InReview, Self::Refused]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A filing as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    /// Id, unique in the port (also the id its transfer is recorded under once cleared).
    pub id: String,
    /// The exporter organisation.
    pub organisation: String,
    /// The account that filed.
    pub filed_by: String,
    /// RFC 3339 UTC.
    pub filed_at: String,
    /// The facts as filed (JSON).
    pub facts: String,
    /// The decision at filing (JSON).
    pub decision: String,
    /// Where it stands.
    pub status: FilingStatus,
    /// When it was cleared.
    pub cleared_at: Option<String>,
    /// The version of its judgement: 1 at filing, one more each time it is judged again.
    pub judgement: u64,
}

/// Where one side's case stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Waiting for the side's reviewers.
    Open,
    /// Approved.
    Approved,
    /// Approved on conditions.
    ApprovedWithConditions,
    /// Refused, with public reasons.
    Refused,
    /// No longer under review: the filing was judged again and this side's outcome needs none.
    Closed,
}

impl CaseStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [
        Self::Open,
        Self::Approved,
        Self::ApprovedWithConditions,
        Self::Refused,
        Self::Closed,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Approved => "approved",
            Self::ApprovedWithConditions => "approved_with_conditions",
            Self::Refused => "refused",
            Self::Closed => "closed",
        }
    }

    /// Parses a stored name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Approved, with or without conditions.
    #[must_use]
    pub const fn is_approval(self) -> bool {
        matches!(self, Self::Approved | Self::ApprovedWithConditions)
    }
}

/// Where a contested classification stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ContestStatus {
    /// Waiting for a reviewer.
    Pending,
    /// Accepted: an override, and the filing judged again.
    Accepted,
    /// Rejected: the classification stands.
    Rejected,
}

impl ContestStatus {
    /// Every status.
    pub const ALL: [Self; 3] = [Self::Pending, Self::Accepted, Self::Rejected];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    /// Parses a stored name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// An exporter's contest of one inventory entry's classification, and its ruling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contest {
    /// The filing.
    pub filing: String,
    /// 1, 2, … within the filing.
    pub seq: u64,
    /// The inventory entry's category as filed.
    pub category: String,
    /// The inventory entry's place of collection.
    pub collected_in: String,
    /// Where the exporter found it (dataset and column), if given.
    pub source: Option<String>,
    /// What it should be: a category id, or `not_personal_data`.
    pub becomes: String,
    /// The exporter's justification.
    pub justification: String,
    /// The contesting account.
    pub filed_by: String,
    /// RFC 3339 UTC.
    pub filed_at: String,
    /// Where it stands.
    pub status: ContestStatus,
    /// The ruling reviewer.
    pub ruled_by: Option<String>,
    /// RFC 3339 UTC.
    pub ruled_at: Option<String>,
    /// The reviewer's reason.
    pub reason: Option<String>,
    /// The judgement an acceptance produced.
    pub judgement: Option<u64>,
    /// An acceptance's `override` log entry.
    pub log_entry: Option<Vec<u8>>,
    /// Its index in the log, once appended.
    pub log_index: Option<u64>,
}

/// A reviewer's ruling on a pending contest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContestRuling<'a> {
    /// Accepted or rejected (never `Pending`).
    pub status: ContestStatus,
    /// The reviewer.
    pub ruled_by: &'a str,
    /// RFC 3339 UTC.
    pub ruled_at: &'a str,
    /// Why.
    pub reason: &'a str,
    /// The judgement an acceptance produced.
    pub judgement: Option<u64>,
    /// An acceptance's `override` log entry, queued until appended.
    pub log_entry: Option<&'a [u8]>,
}

/// A document attached to a filing, as stored (its bytes are in the port's home).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The filing.
    pub filing: String,
    /// 1, 2, … within the filing.
    pub seq: u64,
    /// `standard_contract`, `pipia`, `cisa_security_attestation`, `compliance_programme`,
    /// `licence` or `other`.
    pub kind: String,
    /// The file name the exporter gave.
    pub file_name: String,
    /// SHA-256 of the bytes, 64 lowercase hex digits.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// The attaching account.
    pub attached_by: String,
    /// RFC 3339 UTC.
    pub attached_at: String,
}

/// Where a filing made from an uploaded `freeport assess` result came from: the report the port
/// verified (kept under the port's home by its hash) and the exporter's log entry that binds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingAssessment {
    /// The filing.
    pub filing: String,
    /// The filing organisation.
    pub organisation: String,
    /// SHA-256 of the report as bound to the exporter's log, 64 lowercase hex digits.
    pub report_sha256: String,
    /// Size of the uploaded report in bytes.
    pub report_bytes: u64,
    /// The transfer id the exporter's own store and log gave it.
    pub exporter_transfer: String,
    /// The exporter's log's origin.
    pub log_origin: String,
    /// The entry's index in the exporter's log.
    pub log_index: u64,
    /// The size of the checkpoint the receipt proved the entry under.
    pub checkpoint_size: u64,
}

/// Which table a case's sides are in: a filing's, or a chips case's (same columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseTable {
    /// `case_side`, keyed by `filing`.
    Filing,
    /// `chips_case_side`, keyed by `case_id`.
    Chips,
}

/// One side's case for a filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSide {
    /// The filing.
    pub filing: String,
    /// `cn` or `us`.
    pub side: String,
    /// The side's outcome at filing.
    pub outcome: String,
    /// Where it stands.
    pub status: CaseStatus,
    /// The deciding reviewer.
    pub decided_by: Option<String>,
    /// RFC 3339 UTC.
    pub decided_at: Option<String>,
    /// Conditions of an approval.
    pub conditions: Vec<String>,
    /// Public reasons of a refusal (or of an approval, where given).
    pub public_reasons: Vec<String>,
    /// The reviewer's signature over the decision entry.
    pub signature: Option<String>,
    /// The decision entry's index in the log.
    pub log_index: Option<u64>,
}

/// A reviewer's decision on one side's open case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDecision<'a> {
    /// Approved, approved with conditions or refused (never `Open`).
    pub status: CaseStatus,
    /// The reviewer.
    pub decided_by: &'a str,
    /// RFC 3339 UTC.
    pub decided_at: &'a str,
    /// Conditions.
    pub conditions: &'a [String],
    /// Public reasons.
    pub public_reasons: &'a [String],
    /// The reviewer's signature over the decision entry.
    pub signature: &'a str,
    /// The `decision` log entry, queued with the decision until it is appended.
    pub log_entry: &'a [u8],
    /// A refusal's `publication` log entry, appended right after the decision entry.
    pub publication_entry: Option<&'a [u8]>,
}

/// A decided side whose log entries are queued but not yet appended (a crash came between).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDecision {
    /// The filing.
    pub filing: String,
    /// `cn` or `us`.
    pub side: String,
    /// The `decision` entry.
    pub log_entry: Vec<u8>,
    /// A refusal's `publication` entry.
    pub publication_entry: Option<Vec<u8>>,
}

/// A notice the port publishes, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Its number, in publishing order.
    pub seq: u64,
    /// `rules`, `subsidy_notice`, `procurement_notice` or `other`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// BCP 47 language tag of the text.
    pub language: String,
    /// The text.
    pub body: String,
    /// RFC 3339 UTC.
    pub published_at: String,
    /// The publishing account.
    pub published_by: String,
    /// Its `publication` log entry.
    pub log_entry: Vec<u8>,
    /// The entry's index, once appended.
    pub log_index: Option<u64>,
}

/// A rule pack a port published, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPack {
    /// `cn` or `us`.
    pub jurisdiction: String,
    /// The pack's version.
    pub version: String,
    /// Its content hash, 64 hex digits.
    pub sha256: String,
    /// Its title.
    pub title: String,
    /// RFC 3339 UTC.
    pub published_at: String,
    /// Its `rule_pack` log entry.
    pub log_entry: Vec<u8>,
    /// The entry's index, once appended.
    pub log_index: Option<u64>,
}

/// A question or answer on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The filing.
    pub filing: String,
    /// 1, 2, … within the filing.
    pub seq: u64,
    /// The account that wrote it.
    pub author: String,
    /// RFC 3339 UTC.
    pub at: String,
    /// The text.
    pub body: String,
}

/// One line of the access journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// 1, 2, … in the port.
    pub seq: u64,
    /// RFC 3339 UTC.
    pub at: String,
    /// The acting account (`local-admin` for the command line on the port's host).
    pub account: String,
    /// What was done, e.g. `filing.create`.
    pub action: String,
    /// On what, e.g. the filing id.
    pub target: String,
}

pub(crate) fn strings_to_json(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

const ACCOUNT_COLUMNS: &str = "id, role, organisation, name, public_key, created_at, revoked_at";
const FILING_COLUMNS: &str =
    "id, organisation, filed_by, filed_at, facts, decision, status, cleared_at, judgement";
const CONTEST_COLUMNS: &str = "filing, seq, category, collected_in, source, becomes, \
     justification, filed_by, filed_at, status, ruled_by, ruled_at, reason, judgement, log_entry, \
     log_index";
const ATTACHMENT_COLUMNS: &str =
    "filing, seq, kind, file_name, sha256, bytes, attached_by, attached_at";
const CASE_COLUMNS: &str = "filing, side, outcome, status, decided_by, decided_at, conditions, \
     public_reasons, signature, log_index";

fn account_row(row: &mut Row) -> Result<(Account, String), DbError> {
    let role = row.text(1)?;
    Ok((
        Account {
            id: row.text(0)?,
            role: Role::Admin,
            organisation: row.opt_text(2)?,
            name: row.text(3)?,
            public_key: row.opt_text(4)?,
            created_at: row.text(5)?,
            revoked_at: row.opt_text(6)?,
        },
        role,
    ))
}

fn filing_row(row: &mut Row) -> Result<(Filing, String), DbError> {
    Ok((
        Filing {
            id: row.text(0)?,
            organisation: row.text(1)?,
            filed_by: row.text(2)?,
            filed_at: row.text(3)?,
            facts: row.text(4)?,
            decision: row.text(5)?,
            status: FilingStatus::InReview,
            cleared_at: row.opt_text(7)?,
            judgement: row.int(8)?.unsigned_abs(),
        },
        row.text(6)?,
    ))
}

fn contest_row(row: &mut Row) -> Result<(Contest, String), DbError> {
    Ok((
        Contest {
            filing: row.text(0)?,
            seq: row.int(1)?.unsigned_abs(),
            category: row.text(2)?,
            collected_in: row.text(3)?,
            source: row.opt_text(4)?,
            becomes: row.text(5)?,
            justification: row.text(6)?,
            filed_by: row.text(7)?,
            filed_at: row.text(8)?,
            status: ContestStatus::Pending,
            ruled_by: row.opt_text(10)?,
            ruled_at: row.opt_text(11)?,
            reason: row.opt_text(12)?,
            judgement: row.opt_int(13)?.map(i64::unsigned_abs),
            log_entry: row.opt_blob(14)?,
            log_index: row.opt_int(15)?.map(i64::unsigned_abs),
        },
        row.text(9)?,
    ))
}

fn attachment_row(row: &mut Row) -> Result<Attachment, DbError> {
    Ok(Attachment {
        filing: row.text(0)?,
        seq: row.int(1)?.unsigned_abs(),
        kind: row.text(2)?,
        file_name: row.text(3)?,
        sha256: row.text(4)?,
        bytes: row.int(5)?.unsigned_abs(),
        attached_by: row.text(6)?,
        attached_at: row.text(7)?,
    })
}

const FILING_ASSESSMENT_COLUMNS: &str = "filing, organisation, report_sha256, report_bytes, \
     exporter_transfer, log_origin, log_index, checkpoint_size";

fn filing_assessment_row(row: &mut Row) -> Result<FilingAssessment, DbError> {
    Ok(FilingAssessment {
        filing: row.text(0)?,
        organisation: row.text(1)?,
        report_sha256: row.text(2)?,
        report_bytes: row.int(3)?.unsigned_abs(),
        exporter_transfer: row.text(4)?,
        log_origin: row.text(5)?,
        log_index: row.int(6)?.unsigned_abs(),
        checkpoint_size: row.int(7)?.unsigned_abs(),
    })
}

pub(crate) type CaseRow = (CaseSide, String, Option<String>, Option<String>);

pub(crate) fn case_row(row: &mut Row) -> Result<CaseRow, DbError> {
    Ok((
        CaseSide {
            filing: row.text(0)?,
            side: row.text(1)?,
            outcome: row.text(2)?,
            status: CaseStatus::Open,
            decided_by: row.opt_text(4)?,
            decided_at: row.opt_text(5)?,
            conditions: Vec::new(),
            public_reasons: Vec::new(),
            signature: row.opt_text(8)?,
            log_index: row.opt_int(9)?.map(i64::unsigned_abs),
        },
        row.text(3)?,
        row.opt_text(6)?,
        row.opt_text(7)?,
    ))
}

/// Every row of `rows` read by `read`.
pub(crate) fn all<T>(
    rows: Vec<Row>,
    read: impl Fn(&mut Row) -> Result<T, DbError>,
) -> Result<Vec<T>, DbError> {
    rows.into_iter().map(|mut row| read(&mut row)).collect()
}

impl Tx<'_> {
    fn duplicate(&self, what: &'static str, id: &str) -> impl FnOnce(DbError) -> StoreError {
        let path = self.path.to_owned();
        let id = id.to_owned();
        move |source| {
            if source.is_unique_violation() {
                StoreError::Duplicate { path, what, id }
            } else {
                StoreError::Database {
                    path,
                    action: "write the docket",
                    source: Box::new(source),
                }
            }
        }
    }

    /// Runs one insert that a unique key may refuse, inside a savepoint on PostgreSQL (where a
    /// refused statement would otherwise abort the whole transaction, as it never does in
    /// SQLite), so that the caller may go on after [`StoreError::Duplicate`] on both.
    pub(crate) fn insert_unique(
        &self,
        what: &'static str,
        id: &str,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<(), StoreError> {
        let duplicate = self.duplicate(what, id);
        let path = self.path;
        if !self.tx.is_postgres() {
            return self.tx.execute(sql, params).map(drop).map_err(duplicate);
        }
        self.tx
            .batch("SAVEPOINT freeport_insert")
            .map_err(db_error(path, "set a savepoint"))?;
        match self.tx.execute(sql, params) {
            Ok(_) => self
                .tx
                .batch("RELEASE freeport_insert")
                .map_err(db_error(path, "release a savepoint")),
            Err(e) => {
                self.tx
                    .batch("ROLLBACK TO freeport_insert; RELEASE freeport_insert")
                    .map_err(db_error(path, "roll back to a savepoint"))?;
                Err(duplicate(e))
            }
        }
    }

    /// Adds an organisation.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] for a known id; the database fails.
    pub fn insert_organisation(
        &mut self,
        id: &str,
        name: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        self.insert_unique(
            "organisation",
            id,
            "INSERT INTO organisation (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![id, name, at],
        )
    }

    /// Whether an organisation exists.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn organisation_exists(&mut self, id: &str) -> Result<bool, StoreError> {
        self.tx
            .query_one(
                "SELECT COUNT(*) > 0 FROM organisation WHERE id = ?1",
                params![id],
            )
            .and_then(|row| row.bool(0))
            .map_err(db_error(self.path, "look up an organisation"))
    }

    /// Adds an account with the SHA-256 of its token.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] for a known id or token; the database fails (an exporter
    /// without a known organisation breaks a constraint).
    pub fn insert_account(
        &mut self,
        account: &Account,
        token_sha256: &[u8; 32],
    ) -> Result<(), StoreError> {
        self.insert_unique(
            "account",
            &account.id,
            "INSERT INTO account (id, role, organisation, name, token_sha256, public_key,
             created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                &account.id,
                account.role.as_str(),
                &account.organisation,
                &account.name,
                token_sha256.as_slice(),
                &account.public_key,
                &account.created_at,
                &account.revoked_at
            ],
        )
    }

    fn typed_account(&self, (mut account, role): (Account, String)) -> Result<Account, StoreError> {
        account.role = Role::parse(&role)
            .ok_or_else(|| self.corrupt(format!("account `{}` has role `{role}`", account.id)))?;
        Ok(account)
    }

    /// The account whose token hashes to `token_sha256`, revoked or not.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn account_by_token(
        &mut self,
        token_sha256: &[u8; 32],
    ) -> Result<Option<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE token_sha256 = ?1");
        let row = self
            .tx
            .query_opt(&sql, params![token_sha256.as_slice()])
            .and_then(|row| row.map(|mut r| account_row(&mut r)).transpose())
            .map_err(db_error(self.path, "look up a token"))?;
        row.map(|r| self.typed_account(r)).transpose()
    }

    /// The account `id`.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn account(&mut self, id: &str) -> Result<Option<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE id = ?1");
        let row = self
            .tx
            .query_opt(&sql, params![id])
            .and_then(|row| row.map(|mut r| account_row(&mut r)).transpose())
            .map_err(db_error(self.path, "look up an account"))?;
        row.map(|r| self.typed_account(r)).transpose()
    }

    /// Every account, by id.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn accounts(&mut self) -> Result<Vec<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY id");
        let rows = self
            .tx
            .query(&sql, &[])
            .and_then(|rows| all(rows, account_row))
            .map_err(db_error(self.path, "list accounts"))?;
        rows.into_iter().map(|r| self.typed_account(r)).collect()
    }

    /// Adds a filing.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] for a known id; the database fails.
    pub fn insert_filing(&mut self, filing: &Filing) -> Result<(), StoreError> {
        // Looked up first instead of inserted inside a savepoint (`insert_unique`): a writing
        // transaction holds the store's write lock, so nothing comes between, and a port files
        // hundreds per transaction — over PostgreSQL one round trip each instead of two more.
        let exists = self
            .tx
            .query_opt("SELECT 1 FROM filing WHERE id = ?1", params![&filing.id])
            .map_err(db_error(self.path, "look up a filing"))?;
        if exists.is_some() {
            return Err(StoreError::Duplicate {
                path: self.path.to_owned(),
                what: "filing",
                id: filing.id.clone(),
            });
        }
        let duplicate = self.duplicate("filing", &filing.id);
        self.tx
            .execute(
                "INSERT INTO filing (id, organisation, filed_by, filed_at, facts, decision,
             status, cleared_at, judgement) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    &filing.id,
                    &filing.organisation,
                    &filing.filed_by,
                    &filing.filed_at,
                    &filing.facts,
                    &filing.decision,
                    filing.status.as_str(),
                    &filing.cleared_at,
                    to_i64(filing.judgement.max(1))
                ],
            )
            .map(drop)
            .map_err(duplicate)
    }

    fn typed_filing(&self, (mut filing, status): (Filing, String)) -> Result<Filing, StoreError> {
        filing.status = FilingStatus::parse(&status)
            .ok_or_else(|| self.corrupt(format!("filing `{}` has status `{status}`", filing.id)))?;
        Ok(filing)
    }

    /// The filing `id`.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn filing(&mut self, id: &str) -> Result<Option<Filing>, StoreError> {
        let sql = format!("SELECT {FILING_COLUMNS} FROM filing WHERE id = ?1");
        let row = self
            .tx
            .query_opt(&sql, params![id])
            .and_then(|row| row.map(|mut r| filing_row(&mut r)).transpose())
            .map_err(db_error(self.path, "read a filing"))?;
        row.map(|r| self.typed_filing(r)).transpose()
    }

    /// Filings, oldest first: one organisation's, or every one.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn filings(&mut self, organisation: Option<&str>) -> Result<Vec<Filing>, StoreError> {
        let sql = format!(
            "SELECT {FILING_COLUMNS} FROM filing
             WHERE CAST(?1 AS TEXT) IS NULL OR organisation = ?1
             ORDER BY filed_at, id"
        );
        let rows = self
            .tx
            .query(&sql, params![organisation])
            .and_then(|rows| all(rows, filing_row))
            .map_err(db_error(self.path, "list filings"))?;
        rows.into_iter().map(|r| self.typed_filing(r)).collect()
    }

    /// The next number for a filing id starting with `prefix` (1 for the first), taken in this
    /// transaction: two filings never share one, and a rolled-back filing gives its number
    /// back.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn next_filing_number(&mut self, prefix: &str) -> Result<u64, StoreError> {
        let last = self
            .tx
            .query_one(
                "INSERT INTO filing_number (prefix, last) VALUES (?1, 1)
                 ON CONFLICT (prefix) DO UPDATE SET last = filing_number.last + 1
                 RETURNING last",
                params![prefix],
            )
            .and_then(|row| row.int(0))
            .map_err(db_error(self.path, "number a filing"))?;
        Ok(last.unsigned_abs())
    }

    /// Sets a filing's status (and, when cleared, when).
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_filing_status(
        &mut self,
        id: &str,
        status: FilingStatus,
        cleared_at: Option<&str>,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE filing SET status = ?2, cleared_at = ?3 WHERE id = ?1",
                params![id, status.as_str(), cleared_at],
            )
            .map_err(db_error(self.path, "update a filing"))?;
        Ok(())
    }

    /// Opens one side's case for a filing.
    ///
    /// # Errors
    ///
    /// The database fails (a side other than `cn`/`us`, or twice, breaks a constraint).
    pub fn open_case_side(
        &mut self,
        filing: &str,
        side: &str,
        outcome: &str,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "INSERT INTO case_side (filing, side, outcome, status) VALUES (?1, ?2, ?3, 'open')",
                params![filing, side, outcome],
            )
            .map_err(db_error(self.path, "open a case"))?;
        Ok(())
    }

    pub(crate) fn typed_case(
        &self,
        (mut case, status, conditions, reasons): CaseRow,
    ) -> Result<CaseSide, StoreError> {
        case.status = CaseStatus::parse(&status).ok_or_else(|| {
            self.corrupt(format!(
                "case `{}`/{} has status `{status}`",
                case.filing, case.side
            ))
        })?;
        let strings = |text: Option<String>, what: &str| -> Result<Vec<String>, StoreError> {
            text.map_or(Ok(Vec::new()), |t| {
                serde_json::from_str(&t).map_err(|e| {
                    self.corrupt(format!("case `{}`/{} {what}: {e}", case.filing, case.side))
                })
            })
        };
        case.conditions = strings(conditions, "conditions")?;
        case.public_reasons = strings(reasons, "public reasons")?;
        Ok(case)
    }

    /// The sides of one filing's case, `cn` before `us`.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn case_sides(&mut self, filing: &str) -> Result<Vec<CaseSide>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM case_side WHERE filing = ?1 ORDER BY side");
        let rows = self
            .tx
            .query(&sql, params![filing])
            .and_then(|rows| all(rows, case_row))
            .map_err(db_error(self.path, "read a case"))?;
        rows.into_iter().map(|r| self.typed_case(r)).collect()
    }

    /// One side's queue (every case of the side, or only those with `status`), by filing.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn cases_of_side(
        &mut self,
        side: Option<&str>,
        status: Option<CaseStatus>,
    ) -> Result<Vec<CaseSide>, StoreError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM case_side
             WHERE (CAST(?1 AS TEXT) IS NULL OR side = ?1)
               AND (CAST(?2 AS TEXT) IS NULL OR status = ?2)
             ORDER BY filing, side"
        );
        let rows = self
            .tx
            .query(&sql, params![side, status.map(CaseStatus::as_str)])
            .and_then(|rows| all(rows, case_row))
            .map_err(db_error(self.path, "list cases"))?;
        rows.into_iter().map(|r| self.typed_case(r)).collect()
    }

    /// Decides one side's case if it is still open; `false` when it was not (another reviewer
    /// decided first, or it never existed), and nothing changes.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn decide_case_side(
        &mut self,
        filing: &str,
        side: &str,
        decision: &CaseDecision<'_>,
    ) -> Result<bool, StoreError> {
        self.decide_side_of(CaseTable::Filing, filing, side, decision)
    }

    /// Decides one side, in `table`, of the case `id` if it is still open (the one statement
    /// filings' and chips cases' sides share); `false` when it was not.
    pub(crate) fn decide_side_of(
        &mut self,
        table: CaseTable,
        id: &str,
        side: &str,
        decision: &CaseDecision<'_>,
    ) -> Result<bool, StoreError> {
        let (name, key, what) = match table {
            CaseTable::Filing => ("case_side", "filing", "decide a case"),
            CaseTable::Chips => ("chips_case_side", "case_id", "decide a chips case"),
        };
        let conditions = strings_to_json(decision.conditions);
        let reasons = strings_to_json(decision.public_reasons);
        let changed = self
            .tx
            .execute(
                &format!(
                    "UPDATE {name} SET status = ?3, decided_by = ?4, decided_at = ?5,
                     conditions = ?6, public_reasons = ?7, signature = ?8, log_entry = ?9,
                     publication_entry = ?10
                     WHERE {key} = ?1 AND side = ?2 AND status = 'open'"
                ),
                params![
                    id,
                    side,
                    decision.status.as_str(),
                    decision.decided_by,
                    decision.decided_at,
                    &conditions,
                    &reasons,
                    decision.signature,
                    decision.log_entry,
                    decision.publication_entry
                ],
            )
            .map_err(db_error(self.path, what))?;
        Ok(changed == 1)
    }

    /// Replaces a filing's decision with one judged again, as judgement `judgement`, if its
    /// judgement is still `previous`; `false` when another change judged it first.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn rejudge_filing(
        &mut self,
        id: &str,
        decision: &str,
        previous: u64,
        judgement: u64,
    ) -> Result<bool, StoreError> {
        let changed = self
            .tx
            .execute(
                "UPDATE filing SET decision = ?2, judgement = ?4 WHERE id = ?1 AND judgement = ?3",
                params![id, decision, to_i64(previous), to_i64(judgement)],
            )
            .map_err(db_error(self.path, "judge a filing again"))?;
        Ok(changed == 1)
    }

    /// Puts one side's case (back) under review with `outcome`: open, its decision (if it had
    /// one, made on an earlier judgement) cleared from the row (its log entry stays in the log).
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn reopen_case_side(
        &mut self,
        filing: &str,
        side: &str,
        outcome: &str,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE case_side SET outcome = ?3, status = 'open', decided_by = NULL,
                 decided_at = NULL, conditions = NULL, public_reasons = NULL, signature = NULL,
                 log_index = NULL, log_entry = NULL, publication_entry = NULL
                 WHERE filing = ?1 AND side = ?2",
                params![filing, side, outcome],
            )
            .map_err(db_error(self.path, "reopen a case"))?;
        Ok(())
    }

    /// Closes one side's case: the filing's judgement no longer sends it to review. A decision
    /// it had stays on the row.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn close_case_side(
        &mut self,
        filing: &str,
        side: &str,
        outcome: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE case_side SET outcome = ?3, status = 'closed',
                 decided_at = COALESCE(decided_at, ?4)
                 WHERE filing = ?1 AND side = ?2",
                params![filing, side, outcome, at],
            )
            .map_err(db_error(self.path, "close a case"))?;
        Ok(())
    }

    /// Records an exporter's contest (`seq`, the ruling's fields and the log's are ignored: it
    /// is pending); its number within the filing.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn insert_contest(&mut self, contest: &Contest) -> Result<u64, StoreError> {
        let seq = self
            .tx
            .query_one(
                "INSERT INTO contest (filing, seq, category, collected_in, source, becomes,
                 justification, filed_by, filed_at, status)
                 SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending'
                 FROM contest WHERE filing = ?1
                 RETURNING seq",
                params![
                    &contest.filing,
                    &contest.category,
                    &contest.collected_in,
                    &contest.source,
                    &contest.becomes,
                    &contest.justification,
                    &contest.filed_by,
                    &contest.filed_at
                ],
            )
            .and_then(|row| row.int(0))
            .map_err(db_error(self.path, "record a contest"))?;
        Ok(seq.unsigned_abs())
    }

    fn typed_contest(
        &self,
        (mut contest, status): (Contest, String),
    ) -> Result<Contest, StoreError> {
        contest.status = ContestStatus::parse(&status).ok_or_else(|| {
            self.corrupt(format!(
                "contest `{}`#{} has status `{status}`",
                contest.filing, contest.seq
            ))
        })?;
        Ok(contest)
    }

    /// A filing's contests, in order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn contests(&mut self, filing: &str) -> Result<Vec<Contest>, StoreError> {
        let sql = format!("SELECT {CONTEST_COLUMNS} FROM contest WHERE filing = ?1 ORDER BY seq");
        let rows = self
            .tx
            .query(&sql, params![filing])
            .and_then(|rows| all(rows, contest_row))
            .map_err(db_error(self.path, "read contests"))?;
        rows.into_iter().map(|r| self.typed_contest(r)).collect()
    }

    /// Every contest with `status` (all of them without), by filing and number.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn contests_with(
        &mut self,
        status: Option<ContestStatus>,
    ) -> Result<Vec<Contest>, StoreError> {
        let sql = format!(
            "SELECT {CONTEST_COLUMNS} FROM contest
             WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1 ORDER BY filing, seq"
        );
        let rows = self
            .tx
            .query(&sql, params![status.map(ContestStatus::as_str)])
            .and_then(|rows| all(rows, contest_row))
            .map_err(db_error(self.path, "list contests"))?;
        rows.into_iter().map(|r| self.typed_contest(r)).collect()
    }

    /// Rules on a contest if it is still pending; `false` when it was not (ruled already, or
    /// no such contest), and nothing changes.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn rule_contest(
        &mut self,
        filing: &str,
        seq: u64,
        ruling: &ContestRuling<'_>,
    ) -> Result<bool, StoreError> {
        let changed = self
            .tx
            .execute(
                "UPDATE contest SET status = ?3, ruled_by = ?4, ruled_at = ?5, reason = ?6,
                 judgement = ?7, log_entry = ?8
                 WHERE filing = ?1 AND seq = ?2 AND status = 'pending'",
                params![
                    filing,
                    to_i64(seq),
                    ruling.status.as_str(),
                    ruling.ruled_by,
                    ruling.ruled_at,
                    ruling.reason,
                    ruling.judgement.map(to_i64),
                    ruling.log_entry
                ],
            )
            .map_err(db_error(self.path, "rule on a contest"))?;
        Ok(changed == 1)
    }

    /// Records the log index of an override's entry.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_contest_log_index(
        &mut self,
        filing: &str,
        seq: u64,
        index: u64,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE contest SET log_index = ?3 WHERE filing = ?1 AND seq = ?2",
                params![filing, to_i64(seq), to_i64(index)],
            )
            .map_err(db_error(self.path, "record an override's log index"))?;
        Ok(())
    }

    /// Records a document attached to a filing (`seq` is ignored); its number within the
    /// filing.
    ///
    /// # Errors
    ///
    /// The database fails (a kind the schema does not know breaks a constraint).
    pub fn insert_attachment(&mut self, attachment: &Attachment) -> Result<u64, StoreError> {
        let seq = self
            .tx
            .query_one(
                "INSERT INTO attachment (filing, seq, kind, file_name, sha256, bytes,
                 attached_by, attached_at)
                 SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7
                 FROM attachment WHERE filing = ?1
                 RETURNING seq",
                params![
                    &attachment.filing,
                    &attachment.kind,
                    &attachment.file_name,
                    &attachment.sha256,
                    to_i64(attachment.bytes),
                    &attachment.attached_by,
                    &attachment.attached_at
                ],
            )
            .and_then(|row| row.int(0))
            .map_err(db_error(self.path, "record an attachment"))?;
        Ok(seq.unsigned_abs())
    }

    /// A filing's attachments, in order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn attachments(&mut self, filing: &str) -> Result<Vec<Attachment>, StoreError> {
        let sql =
            format!("SELECT {ATTACHMENT_COLUMNS} FROM attachment WHERE filing = ?1 ORDER BY seq");
        self.tx
            .query(&sql, params![filing])
            .and_then(|rows| all(rows, attachment_row))
            .map_err(db_error(self.path, "read attachments"))
    }

    /// Records where a filing made from an uploaded assessment came from.
    ///
    /// # Errors
    ///
    /// The database fails; the organisation filed this report before (a unique key).
    pub fn insert_filing_assessment(
        &mut self,
        assessment: &FilingAssessment,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "INSERT INTO filing_assessment (filing, organisation, report_sha256, report_bytes,
                 exporter_transfer, log_origin, log_index, checkpoint_size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    &assessment.filing,
                    &assessment.organisation,
                    &assessment.report_sha256,
                    to_i64(assessment.report_bytes),
                    &assessment.exporter_transfer,
                    &assessment.log_origin,
                    to_i64(assessment.log_index),
                    to_i64(assessment.checkpoint_size)
                ],
            )
            .map_err(db_error(self.path, "record a filing's assessment"))?;
        Ok(())
    }

    /// Where `filing` came from, when it was made from an uploaded assessment.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn filing_assessment(
        &mut self,
        filing: &str,
    ) -> Result<Option<FilingAssessment>, StoreError> {
        let sql =
            format!("SELECT {FILING_ASSESSMENT_COLUMNS} FROM filing_assessment WHERE filing = ?1");
        self.tx
            .query(&sql, params![filing])
            .and_then(|rows| all(rows, filing_assessment_row))
            .map(|mut rows| rows.pop())
            .map_err(db_error(self.path, "read a filing's assessment"))
    }

    /// The filing `organisation` made from the report with SHA-256 `report_sha256`, if any.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn filing_of_report(
        &mut self,
        organisation: &str,
        report_sha256: &str,
    ) -> Result<Option<FilingAssessment>, StoreError> {
        let sql = format!(
            "SELECT {FILING_ASSESSMENT_COLUMNS} FROM filing_assessment
             WHERE organisation = ?1 AND report_sha256 = ?2"
        );
        self.tx
            .query(&sql, params![organisation, report_sha256])
            .and_then(|rows| all(rows, filing_assessment_row))
            .map(|mut rows| rows.pop())
            .map_err(db_error(self.path, "look up a filed report"))
    }

    /// Stores a notice with its queued log entry (`seq` and `log_index` are ignored); its
    /// number.
    ///
    /// # Errors
    ///
    /// The database fails (a kind the schema does not know breaks a constraint).
    pub fn insert_notice(&mut self, notice: &Notice) -> Result<u64, StoreError> {
        let seq = self
            .tx
            .query_one(
                "INSERT INTO notice (kind, title, language, body, published_at, published_by,
                 log_entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 RETURNING seq",
                params![
                    &notice.kind,
                    &notice.title,
                    &notice.language,
                    &notice.body,
                    &notice.published_at,
                    &notice.published_by,
                    &notice.log_entry
                ],
            )
            .and_then(|row| row.int(0))
            .map_err(db_error(self.path, "store a notice"))?;
        Ok(seq.unsigned_abs())
    }

    /// Every notice, in publishing order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn notices(&mut self) -> Result<Vec<Notice>, StoreError> {
        self.tx
            .query(
                "SELECT seq, kind, title, language, body, published_at, published_by, log_entry,
                 log_index FROM notice ORDER BY seq",
                &[],
            )
            .and_then(|rows| {
                all(rows, |row| {
                    Ok(Notice {
                        seq: row.int(0)?.unsigned_abs(),
                        kind: row.text(1)?,
                        title: row.text(2)?,
                        language: row.text(3)?,
                        body: row.text(4)?,
                        published_at: row.text(5)?,
                        published_by: row.text(6)?,
                        log_entry: row.blob(7)?,
                        log_index: row.opt_int(8)?.map(i64::unsigned_abs),
                    })
                })
            })
            .map_err(db_error(self.path, "list notices"))
    }

    /// Records the log index of a notice's entry.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_notice_log_index(&mut self, seq: u64, index: u64) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE notice SET log_index = ?2 WHERE seq = ?1",
                params![to_i64(seq), to_i64(index)],
            )
            .map_err(db_error(self.path, "record a notice's log index"))?;
        Ok(())
    }

    /// Queues a rule pack's publication unless this pack (jurisdiction, version, hash) was
    /// queued before; whether it was new.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn queue_pack_publication(&mut self, pack: &PublishedPack) -> Result<bool, StoreError> {
        let changed = self
            .tx
            .execute(
                "INSERT INTO rule_pack_published (jurisdiction, version, sha256, title,
                 published_at, log_entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO NOTHING",
                params![
                    &pack.jurisdiction,
                    &pack.version,
                    &pack.sha256,
                    &pack.title,
                    &pack.published_at,
                    &pack.log_entry
                ],
            )
            .map_err(db_error(self.path, "queue a rule pack's publication"))?;
        Ok(changed == 1)
    }

    /// Every rule pack published, in publishing order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn published_packs(&mut self) -> Result<Vec<PublishedPack>, StoreError> {
        self.tx
            .query(
                "SELECT jurisdiction, version, sha256, title, published_at, log_entry, log_index
                 FROM rule_pack_published ORDER BY published_at, jurisdiction, version",
                &[],
            )
            .and_then(|rows| {
                all(rows, |row| {
                    Ok(PublishedPack {
                        jurisdiction: row.text(0)?,
                        version: row.text(1)?,
                        sha256: row.text(2)?,
                        title: row.text(3)?,
                        published_at: row.text(4)?,
                        log_entry: row.blob(5)?,
                        log_index: row.opt_int(6)?.map(i64::unsigned_abs),
                    })
                })
            })
            .map_err(db_error(self.path, "list published rule packs"))
    }

    /// Records the log index of a rule pack's entry.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_pack_log_index(
        &mut self,
        pack: &PublishedPack,
        index: u64,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE rule_pack_published SET log_index = ?4
                 WHERE jurisdiction = ?1 AND version = ?2 AND sha256 = ?3",
                params![
                    &pack.jurisdiction,
                    &pack.version,
                    &pack.sha256,
                    to_i64(index)
                ],
            )
            .map_err(db_error(self.path, "record a rule pack's log index"))?;
        Ok(())
    }

    /// Accepted contests whose `override` entries were never marked appended, in ruling order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn pending_overrides(&mut self) -> Result<Vec<Contest>, StoreError> {
        let sql = format!(
            "SELECT {CONTEST_COLUMNS} FROM contest
             WHERE status = 'accepted' AND log_index IS NULL
             ORDER BY ruled_at, filing, seq"
        );
        let rows = self
            .tx
            .query(&sql, &[])
            .and_then(|rows| all(rows, contest_row))
            .map_err(db_error(self.path, "list overrides waiting for the log"))?;
        rows.into_iter().map(|r| self.typed_contest(r)).collect()
    }

    /// Decided sides whose queued log entries were never marked appended, in decision order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn pending_decisions(&mut self) -> Result<Vec<PendingDecision>, StoreError> {
        self.tx
            .query(
                "SELECT filing, side, log_entry, publication_entry FROM case_side
                 WHERE status <> 'open' AND log_index IS NULL AND log_entry IS NOT NULL
                 ORDER BY decided_at, filing, side",
                &[],
            )
            .and_then(|rows| {
                all(rows, |row| {
                    Ok(PendingDecision {
                        filing: row.text(0)?,
                        side: row.text(1)?,
                        log_entry: row.blob(2)?,
                        publication_entry: row.opt_blob(3)?,
                    })
                })
            })
            .map_err(db_error(self.path, "list decisions waiting for the log"))
    }

    /// Records the log index of a side's decision entry.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn set_case_log_index(
        &mut self,
        filing: &str,
        side: &str,
        index: u64,
    ) -> Result<(), StoreError> {
        self.tx
            .execute(
                "UPDATE case_side SET log_index = ?3 WHERE filing = ?1 AND side = ?2",
                params![filing, side, to_i64(index)],
            )
            .map_err(db_error(self.path, "record a decision's log index"))?;
        Ok(())
    }

    /// Adds a message to a filing's case; returns its number.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn append_message(
        &mut self,
        filing: &str,
        author: &str,
        at: &str,
        body: &str,
    ) -> Result<u64, StoreError> {
        let seq = self
            .tx
            .query_one(
                "INSERT INTO case_message (filing, seq, author, at, body)
                 SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4 FROM case_message
                 WHERE filing = ?1
                 RETURNING seq",
                params![filing, author, at, body],
            )
            .and_then(|row| row.int(0))
            .map_err(db_error(self.path, "add a message"))?;
        Ok(seq.unsigned_abs())
    }

    /// A filing's messages, in order.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn messages(&mut self, filing: &str) -> Result<Vec<Message>, StoreError> {
        self.tx
            .query(
                "SELECT filing, seq, author, at, body FROM case_message WHERE filing = ?1
                 ORDER BY seq",
                params![filing],
            )
            .and_then(|rows| {
                all(rows, |row| {
                    Ok(Message {
                        filing: row.text(0)?,
                        seq: row.int(1)?.unsigned_abs(),
                        author: row.text(2)?,
                        at: row.text(3)?,
                        body: row.text(4)?,
                    })
                })
            })
            .map_err(db_error(self.path, "read messages"))
    }

    /// Appends a line to the access journal; returns its number.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn journal(
        &mut self,
        at: &str,
        account: &str,
        action: &str,
        target: &str,
    ) -> Result<u64, StoreError> {
        let seq = self
            .tx
            .query_one(
                "INSERT INTO access_journal (at, account, action, target) VALUES (?1, ?2, ?3, ?4)
                 RETURNING seq",
                params![at, account, action, target],
            )
            .and_then(|row| row.int(0))
            .map_err(db_error(self.path, "write the access journal"))?;
        Ok(seq.unsigned_abs())
    }

    /// The access journal, oldest first, from line `after` + 1.
    ///
    /// # Errors
    ///
    /// The database fails.
    pub fn journal_entries(&mut self, after: u64) -> Result<Vec<JournalEntry>, StoreError> {
        self.tx
            .query(
                "SELECT seq, at, account, action, target FROM access_journal WHERE seq > ?1
                 ORDER BY seq",
                params![to_i64(after)],
            )
            .and_then(|rows| {
                all(rows, |row| {
                    Ok(JournalEntry {
                        seq: row.int(0)?.unsigned_abs(),
                        at: row.text(1)?,
                        account: row.text(2)?,
                        action: row.text(3)?,
                        target: row.text(4)?,
                    })
                })
            })
            .map_err(db_error(self.path, "read the access journal"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    use freeport_testdb::{TestDb, both};

    fn store(db: &TestDb) -> Store {
        Store::create(db.target()).unwrap()
    }

    /// Runs `sql` behind the store's back.
    fn raw(db: &TestDb, sql: &str) {
        if db.is_postgres() {
            db.execute(sql).unwrap();
        } else {
            rusqlite::Connection::open(db.target())
                .unwrap()
                .execute_batch(sql)
                .unwrap();
        }
    }

    fn account(id: &str, role: Role, organisation: Option<&str>) -> Account {
        Account {
            id: id.into(),
            role,
            organisation: organisation.map(Into::into),
            name: id.into(),
            public_key: None,
            created_at: "2026-12-07T00:00:00Z".into(),
            revoked_at: None,
        }
    }

    fn filing(id: &str) -> Filing {
        Filing {
            id: id.into(),
            organisation: "acme".into(),
            filed_by: "alice".into(),
            filed_at: "2026-12-07T00:00:00Z".into(),
            facts: "{}".into(),
            decision: "{}".into(),
            status: FilingStatus::InReview,
            cleared_at: None,
            judgement: 1,
        }
    }

    both! {
    fn filing_numbers_follow_on_from_the_filings_a_store_held_before_migration_10(db) {
        let path = db.target();
        let mut store = Store::create(path).unwrap();
        store
            .transaction(|tx| {
                tx.insert_organisation("acme", "Acme", "2026-12-07T00:00:00Z")?;
                tx.insert_account(&account("alice", Role::Exporter, Some("acme")), &[1; 32])?;
                for id in [
                    "F-2026-000007",
                    "F-2026-000012",
                    "F-2025-000003",
                    "F-2026-1000001",
                ] {
                    tx.insert_filing(&filing(id))?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        drop(store);
        // Back to schema 9: no numbers kept, only the filings.
        raw(
            db,
            "DROP TABLE filing_number;
             DROP TABLE notice;
             DROP TABLE rule_pack_published;
             ALTER TABLE case_side DROP COLUMN log_entry;
             ALTER TABLE case_side DROP COLUMN publication_entry;
             DELETE FROM freeport_schema WHERE version = 10;",
        );
        let mut store = Store::open_existing(path).unwrap();
        let next = |store: &mut Store, prefix: &str| {
            store
                .transaction(|tx| tx.next_filing_number(prefix))
                .unwrap()
        };
        assert_eq!(next(&mut store, "F-2026-"), 1_000_002);
        assert_eq!(next(&mut store, "F-2026-"), 1_000_003);
        assert_eq!(next(&mut store, "F-2025-"), 4);
        assert_eq!(next(&mut store, "F-2024-"), 1);
        // A rolled-back transaction gives its number back.
        let refused: Result<u64, StoreError> = store.transaction(|tx| {
            tx.next_filing_number("F-2024-")?;
            Err(StoreError::NoDataDir)
        });
        assert!(refused.is_err());
        assert_eq!(next(&mut store, "F-2024-"), 2);
    }
    }

    both! {
    fn accounts_are_found_by_token_hash_and_exporters_need_an_organisation(db) {
        let mut store = store(db);
        store
            .transaction(|tx| {
                tx.insert_organisation("acme", "Acme", "2026-12-07T00:00:00Z")?;
                tx.insert_account(&account("alice", Role::Exporter, Some("acme")), &[1; 32])?;
                tx.insert_account(&account("wei", Role::CnReviewer, None), &[2; 32])?;
                assert_eq!(tx.account_by_token(&[1; 32])?.unwrap().role, Role::Exporter);
                assert_eq!(tx.account_by_token(&[3; 32])?, None);
                let duplicate = tx
                    .insert_account(&account("alice", Role::Auditor, None), &[4; 32])
                    .unwrap_err();
                assert!(matches!(
                    duplicate,
                    StoreError::Duplicate {
                        what: "account",
                        ..
                    }
                ));
                // An exporter without an organisation, a reviewer with one: both refused.
                assert!(
                    tx.insert_account(&account("bob", Role::Exporter, None), &[5; 32])
                        .is_err()
                );
                assert!(
                    tx.insert_account(&account("li", Role::UsReviewer, Some("acme")), &[6; 32])
                        .is_err()
                );
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    }

    both! {
    fn a_case_side_is_decided_once(db) {
        let mut store = store(db);
        store
            .transaction(|tx| {
                tx.insert_organisation("acme", "Acme", "2026-12-07T00:00:00Z")?;
                tx.insert_account(&account("alice", Role::Exporter, Some("acme")), &[1; 32])?;
                tx.insert_account(&account("wei", Role::CnReviewer, None), &[2; 32])?;
                tx.insert_filing(&filing("f-1"))?;
                tx.open_case_side("f-1", "cn", "STANDARD_CONTRACT_OR_CERTIFICATION")?;
                let reasons = vec!["no contract attached".to_owned()];
                let decision = CaseDecision {
                    status: CaseStatus::Refused,
                    decided_by: "wei",
                    decided_at: "2026-12-07T01:00:00Z",
                    conditions: &[],
                    public_reasons: &reasons,
                    signature: "sig",
                    log_entry: b"decision",
                    publication_entry: Some(b"publication"),
                };
                assert!(tx.decide_case_side("f-1", "cn", &decision)?);
                assert!(!tx.decide_case_side("f-1", "cn", &decision)?);
                assert!(!tx.decide_case_side("f-1", "us", &decision)?);
                let sides = tx.case_sides("f-1")?;
                assert_eq!(sides.len(), 1);
                assert_eq!(sides[0].status, CaseStatus::Refused);
                assert_eq!(sides[0].public_reasons, reasons);
                assert_eq!(
                    tx.cases_of_side(Some("cn"), Some(CaseStatus::Open))?,
                    vec![]
                );
                // Its entries wait for the log until its index is recorded.
                assert_eq!(
                    tx.pending_decisions()?,
                    vec![PendingDecision {
                        filing: "f-1".into(),
                        side: "cn".into(),
                        log_entry: b"decision".to_vec(),
                        publication_entry: Some(b"publication".to_vec()),
                    }]
                );
                tx.set_case_log_index("f-1", "cn", 7)?;
                assert_eq!(tx.pending_decisions()?, vec![]);
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    }

    both! {
    fn the_journal_is_append_only(db) {
        let mut store = store(db);
        store
            .transaction(|tx| {
                assert_eq!(
                    tx.journal("2026-12-07T00:00:00Z", "admin", "account.create", "alice")?,
                    1
                );
                assert_eq!(
                    tx.journal("2026-12-07T00:00:01Z", "alice", "filing.create", "f-1")?,
                    2
                );
                assert_eq!(tx.journal_entries(1)?.len(), 1);
                for sql in [
                    "DELETE FROM access_journal",
                    "UPDATE access_journal SET action = 'x'",
                ] {
                    let refused: Result<u64, StoreError> = tx.savepoint(|tx| {
                        tx.tx
                            .execute(sql, &[])
                            .map_err(db_error(tx.path, "test"))
                    });
                    assert!(refused.is_err(), "{sql}");
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    }

    both! {
    fn a_contest_is_ruled_once_and_a_filing_judged_again_by_version(db) {
        let mut store = store(db);
        store
            .transaction(|tx| {
                tx.insert_organisation("acme", "Acme", "2026-12-07T00:00:00Z")?;
                tx.insert_account(&account("alice", Role::Exporter, Some("acme")), &[1; 32])?;
                tx.insert_account(&account("wei", Role::CnReviewer, None), &[2; 32])?;
                tx.insert_filing(&filing("f-1"))?;
                tx.open_case_side("f-1", "cn", "STANDARD_CONTRACT_OR_CERTIFICATION")?;
                tx.open_case_side("f-1", "us", "RESTRICTED")?;
                let contest = Contest {
                    filing: "f-1".into(),
                    seq: 0,
                    category: "person.name".into(),
                    collected_in: "cn".into(),
                    source: Some("airports.csv:name".into()),
                    becomes: "not_personal_data".into(),
                    justification: "airport names".into(),
                    filed_by: "alice".into(),
                    filed_at: "2026-12-07T00:00:00Z".into(),
                    status: ContestStatus::Pending,
                    ruled_by: None,
                    ruled_at: None,
                    reason: None,
                    judgement: None,
                    log_entry: None,
                    log_index: None,
                };
                assert_eq!(tx.insert_contest(&contest)?, 1);
                assert_eq!(tx.insert_contest(&contest)?, 2);
                let accept = ContestRuling {
                    status: ContestStatus::Accepted,
                    ruled_by: "wei",
                    ruled_at: "2026-12-07T01:00:00Z",
                    reason: "the column holds place names",
                    judgement: Some(2),
                    log_entry: Some(b"override"),
                };
                assert!(tx.rule_contest("f-1", 1, &accept)?);
                assert!(!tx.rule_contest("f-1", 1, &accept)?, "ruled twice");
                assert!(!tx.rule_contest("f-1", 9, &accept)?, "no such contest");
                // An acceptance carries its entry: a constraint refuses one without.
                let bare = ContestRuling { log_entry: None, ..accept.clone() };
                let refused: Result<bool, StoreError> =
                    tx.savepoint(|tx| tx.rule_contest("f-1", 2, &bare));
                assert!(refused.is_err());
                let reject = ContestRuling {
                    status: ContestStatus::Rejected,
                    judgement: None,
                    log_entry: None,
                    ..accept
                };
                assert!(tx.rule_contest("f-1", 2, &reject)?);
                let listed = tx.contests("f-1")?;
                assert_eq!(
                    listed.iter().map(|c| c.status).collect::<Vec<_>>(),
                    [ContestStatus::Accepted, ContestStatus::Rejected]
                );
                assert_eq!(listed[0].source.as_deref(), Some("airports.csv:name"));
                assert_eq!(tx.contests_with(Some(ContestStatus::Accepted))?.len(), 1);
                assert_eq!(tx.pending_overrides()?.len(), 1);
                tx.set_contest_log_index("f-1", 1, 4)?;
                assert_eq!(tx.pending_overrides()?, vec![]);

                // Judged again only from the version it was read at.
                assert!(tx.rejudge_filing("f-1", "{\"v\":2}", 1, 2)?);
                assert!(!tx.rejudge_filing("f-1", "{\"v\":3}", 1, 2)?);
                let judged = tx.filing("f-1")?.unwrap();
                assert_eq!((judged.judgement, judged.decision.as_str()), (2, "{\"v\":2}"));

                // A side no longer under review is closed; one back under review reopens,
                // without the decision it had.
                tx.close_case_side("f-1", "us", "NOT_COVERED", "2026-12-07T02:00:00Z")?;
                let decision = CaseDecision {
                    status: CaseStatus::Approved,
                    decided_by: "wei",
                    decided_at: "2026-12-07T01:30:00Z",
                    conditions: &[],
                    public_reasons: &[],
                    signature: "sig",
                    log_entry: b"decision",
                    publication_entry: None,
                };
                assert!(tx.decide_case_side("f-1", "cn", &decision)?);
                tx.reopen_case_side("f-1", "cn", "SECURITY_ASSESSMENT")?;
                let sides = tx.case_sides("f-1")?;
                assert_eq!(
                    sides.iter().map(|c| (c.status, c.outcome.as_str())).collect::<Vec<_>>(),
                    [
                        (CaseStatus::Open, "SECURITY_ASSESSMENT"),
                        (CaseStatus::Closed, "NOT_COVERED")
                    ]
                );
                assert_eq!(sides[0].decided_by, None);
                assert_eq!(tx.pending_decisions()?, vec![]);
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    }

    both! {
    fn attachments_number_per_filing_and_only_known_kinds(db) {
        let mut store = store(db);
        store
            .transaction(|tx| {
                tx.insert_organisation("acme", "Acme", "2026-12-07T00:00:00Z")?;
                tx.insert_account(&account("alice", Role::Exporter, Some("acme")), &[1; 32])?;
                tx.insert_filing(&filing("f-1"))?;
                let attachment = Attachment {
                    filing: "f-1".into(),
                    seq: 0,
                    kind: "standard_contract".into(),
                    file_name: "contract.pdf".into(),
                    sha256: "ab".repeat(32),
                    bytes: 1234,
                    attached_by: "alice".into(),
                    attached_at: "2026-12-07T00:00:00Z".into(),
                };
                assert_eq!(tx.insert_attachment(&attachment)?, 1);
                assert_eq!(tx.insert_attachment(&attachment)?, 2);
                let unknown = Attachment { kind: "selfie".into(), ..attachment };
                let refused: Result<u64, StoreError> =
                    tx.savepoint(|tx| tx.insert_attachment(&unknown));
                assert!(refused.is_err());
                let listed = tx.attachments("f-1")?;
                assert_eq!(listed.len(), 2);
                assert_eq!(listed[1].seq, 2);
                assert_eq!(listed[0].bytes, 1234);
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    }

    both! {
    fn an_organisation_files_a_report_once(db) {
        let mut store = store(db);
        store
            .transaction(|tx| {
                tx.insert_organisation("acme", "Acme", "2026-12-07T00:00:00Z")?;
                tx.insert_account(&account("alice", Role::Exporter, Some("acme")), &[1; 32])?;
                tx.insert_filing(&filing("f-1"))?;
                tx.insert_filing(&filing("f-2"))?;
                let from = FilingAssessment {
                    filing: "f-1".into(),
                    organisation: "acme".into(),
                    report_sha256: "cd".repeat(32),
                    report_bytes: 5000,
                    exporter_transfer: "2026-11-16-a6184a773bdc".into(),
                    log_origin: "freeport.example/log".into(),
                    log_index: 3,
                    checkpoint_size: 4,
                };
                tx.insert_filing_assessment(&from)?;
                assert_eq!(tx.filing_assessment("f-1")?, Some(from.clone()));
                assert_eq!(tx.filing_assessment("f-2")?, None);
                assert_eq!(tx.filing_of_report("acme", &"cd".repeat(32))?, Some(from.clone()));
                assert_eq!(tx.filing_of_report("other", &"cd".repeat(32))?, None);
                // The same report again, for another filing: refused by the unique key.
                let again = FilingAssessment { filing: "f-2".into(), ..from.clone() };
                let refused: Result<(), StoreError> =
                    tx.savepoint(|tx| tx.insert_filing_assessment(&again));
                assert!(refused.is_err());
                // A checkpoint that cannot hold the entry: refused by the schema.
                let beyond = FilingAssessment {
                    filing: "f-2".into(),
                    report_sha256: "ef".repeat(32),
                    checkpoint_size: 3,
                    ..from
                };
                let refused: Result<(), StoreError> =
                    tx.savepoint(|tx| tx.insert_filing_assessment(&beyond));
                assert!(refused.is_err());
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    }

    both! {
    fn messages_number_per_filing(db) {
        let mut store = store(db);
        store
            .transaction(|tx| {
                tx.insert_organisation("acme", "Acme", "2026-12-07T00:00:00Z")?;
                tx.insert_account(&account("alice", Role::Exporter, Some("acme")), &[1; 32])?;
                tx.insert_filing(&filing("f-1"))?;
                tx.insert_filing(&filing("f-2"))?;
                assert_eq!(tx.append_message("f-1", "alice", "t", "q1")?, 1);
                assert_eq!(tx.append_message("f-1", "alice", "t", "q2")?, 2);
                assert_eq!(tx.append_message("f-2", "alice", "t", "q1")?, 1);
                assert_eq!(tx.messages("f-1")?.len(), 2);
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    }
}
