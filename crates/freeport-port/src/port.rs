//! The port as a service: exporters file transfers, each country's reviewers decide the cases
//! routed to their side and sign what they decide, auditors read everything. The command line
//! (on the port's host) and the HTTP API (`freeport serve`) both call [`Port`]; neither holds a
//! workflow of its own.
//!
//! # Who sees what
//!
//! Every call takes the [`Principal`] it acts for and checks its role *and* its tenancy:
//!
//! | role | files | sees filings | decides |
//! |---|---|---|---|
//! | `exporter` | for its organisation | its organisation's | — |
//! | `cn_reviewer`, `us_reviewer` | — | those with a case on its side | its side's open cases |
//! | `auditor` | — | all, and the access journal | — |
//! | `admin` | — | all, and the access journal; manages accounts | — |
//!
//! A filing outside a principal's tenancy is reported as not found, never as forbidden, so its
//! existence does not leak. Every state change — accounts, filings, decisions, messages — is
//! written to the append-only access journal in the same store transaction as the change.
//!
//! # A filing's path
//!
//! 1. The exporter files transfer facts with their inventory (built by a local `freeport scan`,
//!    so raw data never leaves the exporter). The port parses them with the same loader as
//!    `freeport judge` and judges them under both packs against the **port's** cumulative
//!    volumes of the exporter's organisation (the organisation, not the name typed into the
//!    facts, is whose windows count).
//! 2. Both sides cleared ([`freeport_policy::CLEARED_OUTCOMES`]) → the filing is **cleared at
//!    once**, its transfer recorded in the store in the same transaction. Otherwise each side
//!    that needs review gets an open case.
//! 3. A reviewer of that side approves, approves with conditions, or refuses with public
//!    reasons. The decision is a `decision` log entry the reviewer signs with their own Ed25519
//!    key ([`decision_entry`]); the port verifies the signature against the key registered for
//!    the account, stores the decision only if the case is still open (a second reviewer gets a
//!    conflict), appends the entry to the log and has the checkpoint cosigned.
//! 4. When every side approved, the filing is cleared and its transfer recorded (counted from
//!    then on); one refusal refuses the filing.

use std::sync::{Arc, Mutex, MutexGuard};

use freeport_policy::{FactsFormat, Judge, Jurisdiction, TransferFacts, parse_facts};
use freeport_store::docket::{
    Account, CaseDecision, CaseSide, CaseStatus, Filing, FilingAssessment, FilingStatus,
    JournalEntry, Message, Role,
};
use freeport_store::{Store, StoreError, TransferId, Tx};
use freeport_tlog::note::{VerifierKey, open_note};
use freeport_vocabulary::Vocabulary;
use miette::Diagnostic;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cosign::WitnessClient;
use crate::error::Cause;
use crate::home::{Cosigned, PortLog};
use crate::layout::{HomeError, HomeLayout};
use crate::volumes::{Counters, SubjectHashes, transfer_record, with_decision};

mod assessment;
mod attach;
pub mod chips;
mod contest;
mod package_check;
pub mod stats;

pub use assessment::{
    AssessmentFiled, AssessmentUpload, AssessmentView, ReportProof, prove_report, read_report,
};
pub use attach::{
    AttachmentKind, AttachmentView, FileNameProblem, MAX_ATTACHMENT_BYTES, RequiredDocument,
};
pub use contest::{
    ContestRulingRequest, ContestView, NOT_PERSONAL_DATA, NewContest, Ruling, RulingView,
    override_entry,
};
pub use package_check::{MAX_MANIFEST_BYTES, ManifestProof, ManifestTrust, prove_manifest};

/// The account the command line acts as on the port's own host (it holds the home's files, so
/// it is the port's administrator).
pub const LOCAL_ADMIN: &str = "local-admin";

/// The most bytes of facts a filing may carry.
pub const MAX_FACTS_BYTES: usize = 1 << 20;

/// The most characters of a message, condition or reason.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// The fault point (`FREEPORT_FAULT`, crash tests) between a cleared filing's store transaction
/// and its log append.
pub const FILING_RECORDED: &str = "filing-recorded";

/// The fault point between a decision's store transaction and the append of its entries.
pub const DECISION_RECORDED: &str = "decision-recorded";

/// The fault point between an accepted contest's store transaction (the override, the filing
/// judged again) and the append of its entries.
pub const OVERRIDE_RECORDED: &str = "override-recorded";

/// The fault point between a notice's store transaction and the append of its entry.
pub const NOTICE_RECORDED: &str = "notice-recorded";

/// How far a decision's `decided_at` may be from the port's clock.
pub const DECISION_CLOCK_SKEW_SECONDS: i64 = 300;

/// Who a request acts for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Principal {
    /// The account id.
    pub account: String,
    /// Its role.
    pub role: Role,
    /// The organisation an exporter acts for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

impl Principal {
    /// The command line on the port's host.
    #[must_use]
    pub fn local_admin() -> Self {
        Self {
            account: LOCAL_ADMIN.to_owned(),
            role: Role::Admin,
            organisation: None,
        }
    }

    /// The side a reviewer decides for.
    #[must_use]
    pub fn side(&self) -> Option<Jurisdiction> {
        match self.role {
            Role::CnReviewer => Some(Jurisdiction::Cn),
            Role::UsReviewer => Some(Jurisdiction::Us),
            Role::Exporter | Role::Auditor | Role::Admin => None,
        }
    }
}

/// An API token, shown once when its account is created and stored only as its SHA-256.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

impl Token {
    /// The prefix of every token (so a leaked one is recognisable by secret scanners).
    pub const PREFIX: &'static str = "fdp_";

    fn generate() -> Result<Self, PortError> {
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| PortError::Internal(e.to_string()))?;
        Ok(Self(format!("{}{}", Self::PREFIX, hex(&bytes))))
    }

    /// The token text, to show its holder once.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A port call that cannot be done. [`PortError::kind`] says which class of answer it is (the
/// HTTP layer maps it to a status); the diagnostic code is the same in both front ends.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum PortError {
    /// No token, or one that matches no active account.
    #[error("no valid API token")]
    #[diagnostic(
        code(freeport::port::unauthenticated),
        help("send `Authorization: Bearer fdp_…` with the token shown when the account was made")
    )]
    Unauthenticated,
    /// The role may not do this.
    #[error("a `{role}` account may not {action}")]
    #[diagnostic(code(freeport::port::forbidden))]
    Forbidden {
        /// The caller's role.
        role: Role,
        /// What it tried.
        action: &'static str,
    },
    /// Nothing by this id that the caller may see.
    #[error("no {what} `{id}`")]
    #[diagnostic(code(freeport::port::not_found))]
    NotFound {
        /// What kind of thing.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The state changed under the request (another reviewer decided first, a duplicate id).
    #[error("{what} `{id}` {reason}")]
    #[diagnostic(code(freeport::port::conflict))]
    Conflict {
        /// What kind of thing.
        what: &'static str,
        /// Its id.
        id: String,
        /// Why.
        reason: String,
    },
    /// A field of the request is not acceptable.
    #[error("`{field}`: {reason}")]
    #[diagnostic(code(freeport::port::invalid))]
    Invalid {
        /// The field, e.g. `public_reasons[0]`.
        field: String,
        /// Why.
        reason: String,
    },
    /// The filed facts are not valid transfer facts.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Facts(Box<freeport_policy::FactsError>),
    /// The port's home cannot serve (absent, or its parts disagree).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Home(#[from] HomeError),
    /// The store failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(StoreError),
    /// The log failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Log(#[from] freeport_tlog::Error),
    /// Judging failed (a gap in a pack, never bad facts).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Judge(Box<Cause>),
    /// No port here: `freeport serve` and the port commands need `freeport init` first.
    #[error("`{}` holds no port home", root.display())]
    #[diagnostic(
        code(freeport::port::no_home),
        help("create one with `freeport init` (with `FREEPORT_HOME` set to this directory)")
    )]
    NoHome {
        /// The directory.
        root: std::path::PathBuf,
    },
    /// A bug or an environment failure (randomness, a poisoned lock).
    #[error("internal error: {0}")]
    #[diagnostic(code(freeport::port::internal))]
    Internal(String),
}

/// The class of a [`PortError`], for front ends that map errors to statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401.
    Unauthenticated,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 422: the request is well-formed but its content is refused.
    Invalid,
    /// 503: the port cannot serve.
    Unavailable,
    /// 500.
    Internal,
}

impl PortError {
    /// The class of this error.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Unauthenticated => ErrorKind::Unauthenticated,
            Self::Forbidden { .. } => ErrorKind::Forbidden,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Conflict { .. } | Self::Store(StoreError::Duplicate { .. }) => {
                ErrorKind::Conflict
            }
            Self::Invalid { .. } | Self::Facts(_) => ErrorKind::Invalid,
            Self::Home(_) | Self::NoHome { .. } => ErrorKind::Unavailable,
            Self::Store(_) | Self::Log(_) | Self::Judge(_) | Self::Internal(_) => {
                ErrorKind::Internal
            }
        }
    }
}

impl From<StoreError> for PortError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<Cause> for PortError {
    fn from(cause: Cause) -> Self {
        match cause {
            Cause::Store(e) => Self::Store(e),
            Cause::Facts(e) => Self::Facts(e),
            other => Self::Judge(Box::new(other)),
        }
    }
}

pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> PortError {
    PortError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Checks an id chosen by a person (an organisation or account): 1–64 ASCII lowercase letters,
/// digits, `.`, `_`, `-`, starting with a letter or digit.
pub(crate) fn check_id(field: &str, id: &str) -> Result<(), PortError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        });
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            "an id is 1–64 lowercase ASCII letters, digits, `.`, `_` or `-`, starting with a letter or digit",
        ))
    }
}

/// What is wrong with a person's text (a message, a condition, a reason, a name): one check for
/// the API and the dashboard's forms, which word it each in their own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// Blank.
    Empty,
    /// Over [`MAX_TEXT_CHARS`] characters.
    TooLong,
    /// A control character other than a newline.
    Control,
}

impl TextProblem {
    /// The problem of `text`, if any.
    #[must_use]
    pub fn of(text: &str) -> Option<Self> {
        if text.trim().is_empty() {
            Some(Self::Empty)
        } else if text.chars().count() > MAX_TEXT_CHARS {
            Some(Self::TooLong)
        } else if text.chars().any(|c| c.is_control() && c != '\n') {
            Some(Self::Control)
        } else {
            None
        }
    }
}

fn check_text(field: &str, text: &str) -> Result<(), PortError> {
    match TextProblem::of(text) {
        None => Ok(()),
        Some(TextProblem::Empty) => Err(invalid(field, "it is empty")),
        Some(TextProblem::TooLong) => Err(invalid(
            field,
            format!("it is longer than {MAX_TEXT_CHARS} characters"),
        )),
        Some(TextProblem::Control) => Err(invalid(field, "it holds a control character")),
    }
}

pub(crate) fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}

/// A new account, as an administrator asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// Id (1–64 lowercase ASCII letters, digits, `.`, `_`, `-`).
    pub id: String,
    /// Role.
    pub role: Role,
    /// The organisation, for an exporter (created if new, with `organisation_name`).
    #[serde(default)]
    pub organisation: Option<String>,
    /// The organisation's display name, when it is new.
    #[serde(default)]
    pub organisation_name: Option<String>,
    /// Display name.
    pub name: String,
    /// A reviewer's Ed25519 verifier key (C2SP signed-note `vkey`); required for reviewers
    /// unless the port holds their key.
    #[serde(default)]
    pub public_key: Option<String>,
    /// A reviewer whose signing key the port generates and holds (named `<id>@port`), so they
    /// can decide from the dashboard; no `public_key` then.
    #[serde(default)]
    pub key_held_by_port: bool,
}

/// An account as shown (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccountView {
    /// Id.
    pub id: String,
    /// Role.
    pub role: Role,
    /// Organisation (exporters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Display name.
    pub name: String,
    /// Verifier key (reviewers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// When made.
    pub created_at: String,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            role: a.role,
            organisation: a.organisation,
            name: a.name,
            public_key: a.public_key,
            created_at: a.created_at,
        }
    }
}

/// A case in a reviewer's queue ([`Port::queue`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    /// The case.
    pub case: CaseView,
    /// When its filing was filed (RFC 3339 UTC).
    pub filed_at: String,
    /// The soonest dated deadline of the side's decision, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<QueueDue>,
}

/// The deadline a queue orders by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueDue {
    /// The day.
    pub date: jiff::civil::Date,
    /// The rule that states it.
    pub rule: String,
    /// Where the deadline is written.
    pub citation: String,
    /// Counted in working days without public holidays (the true day may differ).
    pub approximate: bool,
}

/// A queue's order: a dated deadline before none, the sooner first; then the older filing.
fn queue_order(a: &QueueItem, b: &QueueItem) -> std::cmp::Ordering {
    let key = |q: &QueueItem| (q.due.is_none(), q.due.as_ref().map(|d| d.date));
    key(a)
        .cmp(&key(b))
        .then_with(|| a.filed_at.cmp(&b.filed_at))
        .then_with(|| a.case.filing.cmp(&b.case.filing))
}

/// The earliest dated entry of a decision side's `due` list (as `freeport_policy::DueDate`
/// serialises), or none.
fn earliest_due(due: &serde_json::Value) -> Option<QueueDue> {
    due.as_array()?
        .iter()
        .filter_map(|d| {
            Some(QueueDue {
                date: d["due"].as_str()?.parse().ok()?,
                rule: d["rule"].as_str().unwrap_or_default().to_owned(),
                citation: d["citation"].as_str().unwrap_or_default().to_owned(),
                approximate: d["approximate"].as_bool().unwrap_or(false),
            })
        })
        .min_by(|a, b| a.date.cmp(&b.date).then_with(|| a.rule.cmp(&b.rule)))
}

/// One side's case as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseView {
    /// The filing.
    pub filing: String,
    /// `cn` or `us`.
    pub side: String,
    /// The side's outcome at filing.
    pub outcome: String,
    /// Where it stands.
    pub status: CaseStatus,
    /// The deciding reviewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    /// Conditions of an approval.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// Public reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_reasons: Vec<String>,
    /// The decision's log index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
    /// The reviewer's signed note over the decision entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl From<CaseSide> for CaseView {
    fn from(c: CaseSide) -> Self {
        Self {
            filing: c.filing,
            side: c.side,
            outcome: c.outcome,
            status: c.status,
            decided_by: c.decided_by,
            decided_at: c.decided_at,
            conditions: c.conditions,
            public_reasons: c.public_reasons,
            log_index: c.log_index,
            signature: c.signature,
        }
    }
}

/// A message on a case as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageView {
    /// 1, 2, … within the filing.
    pub seq: u64,
    /// Author account.
    pub author: String,
    /// When.
    pub at: String,
    /// Text.
    pub body: String,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        Self {
            seq: m.seq,
            author: m.author,
            at: m.at,
            body: m.body,
        }
    }
}

/// A filing as shown to those who may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FilingView {
    /// Id (also its transfer's id in the store once cleared).
    pub id: String,
    /// The exporter organisation.
    pub organisation: String,
    /// The filing account.
    pub filed_by: String,
    /// When.
    pub filed_at: String,
    /// Where it stands.
    pub status: FilingStatus,
    /// When cleared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleared_at: Option<String>,
    /// The facts as filed (the schema of `GET /api/v1/schema/facts`).
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
    /// Both packs' decision under the current judgement, with citations and remedies (as
    /// `freeport judge --format json` prints it).
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
    /// The version of the judgement `decision` is: 1 at filing, one more each time the port
    /// judged it again (an accepted contest, or volumes that moved before an approval). A
    /// reviewer's decision names it ([`DecisionRequest::judgement`]).
    pub judgement: u64,
    /// The sides under review, `cn` first; empty when cleared at once.
    pub cases: Vec<CaseView>,
    /// The exporter's contested classifications and their rulings (accepted ones are
    /// overrides: the inventory judged is the filed one reclassified by them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contests: Vec<ContestView>,
    /// The documents attached (hashes and sizes; the bytes for the exporter and the reviewers
    /// at `/api/v1/filings/{id}/attachments/{seq}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentView>,
    /// The documents each side still under review needs by its rule's mechanisms, with the
    /// attachments of each kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<RequiredDocument>,
    /// A filing cleared at once: its `decision` entry's index in the log (receipt at
    /// `/api/v1/filings/{id}/receipt` once a cosigned checkpoint covers it).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub log_index: Option<u64>,
    /// Questions and answers on the case.
    pub messages: Vec<MessageView>,
    /// The organisation's filings made before this one whose transfers fall in this filing's
    /// counting windows (China's, and the US window with the same recipient), oldest first:
    /// what a reviewer weighs beside it. Only where one filing is shown; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierFiling>,
    /// Filed by uploading a `freeport assess` result: the report and the exporter's log entry
    /// the port verified. Only where one filing is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<AssessmentView>,
}

/// An earlier filing in a filing's counting windows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EarlierFiling {
    /// Id.
    pub id: String,
    /// When filed.
    pub filed_at: String,
    /// The transfer's date.
    pub date: String,
    /// The recipient.
    pub counterparty: String,
    /// Where it stands (only cleared filings count toward the volumes).
    pub status: FilingStatus,
    /// Each side's outcome at filing, `cn` then `us`.
    pub outcomes: Vec<String>,
    /// The windows it falls in: `cn`, `us`.
    pub windows: Vec<String>,
}

impl FilingView {
    /// The rule packs the filing was judged under, as its `decision` entries list them: what a
    /// reviewer's client puts into [`DecisionFields::rule_packs`].
    #[must_use]
    pub fn rule_packs(&self) -> Vec<String> {
        decision_packs(&self.decision)
    }

    /// The SHA-256 of its attachments in order: what a reviewer's client puts into
    /// [`DecisionFields::attachments`] and [`DecisionRequest::attachments`].
    #[must_use]
    pub fn attachment_hashes(&self) -> Vec<String> {
        self.attachments.iter().map(|a| a.sha256.clone()).collect()
    }
}

/// A filing in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FilingSummary {
    /// Id.
    pub id: String,
    /// Organisation.
    pub organisation: String,
    /// When.
    pub filed_at: String,
    /// Where it stands.
    pub status: FilingStatus,
}

/// A refusal's public reasons, as anyone may read them (no account): which filing and side,
/// when, why, and the log entries that carry them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Publication {
    /// `reasons` (a refusal's public reasons), `subsidy_notice`, `procurement_notice`, `rules`
    /// or `other`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// The title in Chinese, where the port has one: a rule pack it judges with.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title_zh: Option<String>,
    /// BCP 47 language tag of the text (`und` for a refusal's reasons, in the reviewer's words).
    pub language: String,
    /// When published (RFC 3339 UTC): a refusal's decision time, a notice's publishing time.
    pub published_at: String,
    /// A notice's text.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub body: String,
    /// The filing refused.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub filing: Option<String>,
    /// `cn` or `us`, for a refusal.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub side: Option<String>,
    /// The side's outcome at filing, for a refusal.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub outcome: Option<String>,
    /// A refusal's public reasons.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub public_reasons: Vec<String>,
    /// The log entry: a notice's `publication` entry; a refusal's `decision` entry (its
    /// `publication` entry follows it).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub log_index: Option<u64>,
}

/// What a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Rules or guidance.
    Rules,
    /// A subsidy notice.
    SubsidyNotice,
    /// A procurement notice.
    ProcurementNotice,
    /// Any other public document.
    Other,
}

impl NoticeKind {
    /// The name the log and the store use.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rules => "rules",
            Self::SubsidyNotice => "subsidy_notice",
            Self::ProcurementNotice => "procurement_notice",
            Self::Other => "other",
        }
    }
}

/// A notice to publish (`POST /api/v1/publications`, `freeport publish`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNotice {
    /// What it is.
    pub kind: NoticeKind,
    /// Title (one line).
    pub title: String,
    /// BCP 47 language tag of the text, e.g. `zh`, `en`, `zh-Hans`.
    pub language: String,
    /// The text (public: no personal data; at most 20,000 characters).
    pub body: String,
}

/// The most characters of a notice's text.
pub const MAX_NOTICE_CHARS: usize = 20_000;

/// The `publication` log entry of a notice: the document is the canonical JSON of
/// `{title, language, body}`, whose SHA-256 the entry carries with the document itself.
///
/// # Errors
///
/// The entry fails the log's schema (or is larger than an entry may be).
pub fn notice_publication_entry(
    notice: &NewNotice,
    published_at: &str,
) -> Result<Vec<u8>, PortError> {
    let document = serde_json::json!({
        "title": notice.title,
        "language": notice.language,
        "body": notice.body,
    });
    publication_entry(
        notice.kind.as_str(),
        &notice.title,
        &notice.language,
        published_at,
        document,
    )
}

/// A `publication` log entry carrying `document` and the SHA-256 of its canonical JSON (RFC
/// 8785), so the log alone tells anyone what was published and a copy can be checked against it.
///
/// # Errors
///
/// The entry fails the log's schema (or is larger than an entry may be).
pub fn publication_entry(
    kind: &str,
    title: &str,
    language: &str,
    published_at: &str,
    document: serde_json::Value,
) -> Result<Vec<u8>, PortError> {
    let canonical = serde_json_canonicalizer::to_vec(&document)
        .map_err(|e| PortError::Internal(e.to_string()))?;
    let body = serde_json::json!({
        "kind": kind,
        "title": title,
        "language": language,
        "sha256": hex(&Sha256::digest(&canonical)),
        "published_at": published_at,
        "document": document,
    });
    Ok(
        freeport_tlog::entry::Entry::new(freeport_tlog::entry::EntryType::Publication, body)?
            .to_bytes()?,
    )
}

/// The `publication` log entry of a refusal's public reasons: the document is the canonical
/// JSON of `{filing, side, public_reasons}`, whose SHA-256 the entry carries (with the document
/// itself, so the log alone tells anyone why).
///
/// # Errors
///
/// The entry fails the log's schema.
pub fn reasons_publication_entry(
    filing: &str,
    side: Jurisdiction,
    public_reasons: &[String],
    published_at: &str,
) -> Result<Vec<u8>, PortError> {
    let document = serde_json::json!({
        "filing": filing,
        "side": side.as_str(),
        "public_reasons": public_reasons,
    });
    publication_entry(
        "reasons",
        &format!("Refusal of {filing} ({})", side.as_str()),
        "und",
        published_at,
        document,
    )
}

/// What a reviewer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Approve.
    Approve,
    /// Approve on the conditions given.
    ApproveWithConditions,
    /// Refuse, with public reasons.
    Refuse,
}

impl Verdict {
    fn status(self) -> CaseStatus {
        match self {
            Self::Approve => CaseStatus::Approved,
            Self::ApproveWithConditions => CaseStatus::ApprovedWithConditions,
            Self::Refuse => CaseStatus::Refused,
        }
    }

    /// The log's `decision` outcome.
    #[must_use]
    pub const fn log_outcome(self) -> &'static str {
        match self {
            Self::Approve => "permit",
            Self::ApproveWithConditions => "permit_with_conditions",
            Self::Refuse => "deny",
        }
    }
}

/// A reviewer's decision on their side's case, as sent: the fields of the decision entry and
/// the reviewer's signed note over it ([`decision_entry`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Approve, approve with conditions, or refuse.
    pub verdict: Verdict,
    /// Conditions (at least one for `approve_with_conditions`, none otherwise).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Public reasons, published; no personal data (at least one for `refuse`).
    #[serde(default)]
    pub public_reasons: Vec<String>,
    /// RFC 3339 UTC, within five minutes of the port's clock.
    pub decided_at: String,
    /// The judgement decided on ([`FilingView::judgement`]): a filing judged again since is
    /// refused with a conflict, so no decision silently stands on an earlier judgement.
    pub judgement: u64,
    /// The SHA-256 of every document attached to the filing, in attachment order
    /// ([`FilingView::attachments`]): the documents decided on. A filing whose attachments
    /// changed since is refused with a conflict.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// The reviewer's signed note whose text is the decision entry and a newline.
    pub signed_note: String,
}

/// The fields a decision entry is built from.
#[derive(Debug, Clone, Copy)]
pub struct DecisionFields<'a> {
    /// The filing (the transfer's id).
    pub filing: &'a str,
    /// The side decided.
    pub side: Jurisdiction,
    /// The reviewer's account.
    pub reviewer: &'a str,
    /// The verdict.
    pub verdict: Verdict,
    /// Conditions.
    pub conditions: &'a [String],
    /// Public reasons.
    pub public_reasons: &'a [String],
    /// RFC 3339 UTC.
    pub decided_at: &'a str,
    /// The rule packs the filing was judged under (`<jurisdiction>@<version>`).
    pub rule_packs: &'a [String],
    /// The filing's judgement decided on ([`FilingView::judgement`]).
    pub judgement: u64,
    /// The SHA-256 of the documents attached, in attachment order.
    pub attachments: &'a [String],
}

/// The `decision` log entry (RFC 8785 canonical JSON) a reviewer signs and the port appends:
/// one builder for the reviewer's client, the port and the auditor, so all three sign and check
/// the same bytes.
///
/// # Errors
///
/// The entry fails the log's schema (a bad timestamp).
pub fn decision_entry(fields: &DecisionFields<'_>) -> Result<Vec<u8>, PortError> {
    let mut reasons: Vec<String> = fields.public_reasons.to_vec();
    reasons.extend(fields.conditions.iter().map(|c| format!("condition: {c}")));
    let body = serde_json::json!({
        "transfer_id": fields.filing,
        "outcome": fields.verdict.log_outcome(),
        "rule_packs": fields.rule_packs,
        "reasons": reasons,
        "decided_at": fields.decided_at,
        "side": fields.side.as_str(),
        "reviewer": fields.reviewer,
        "conditions": fields.conditions,
        "public_reasons": fields.public_reasons,
        "judgement": fields.judgement,
        "attachments": fields.attachments,
    });
    Ok(
        freeport_tlog::entry::Entry::new(freeport_tlog::entry::EntryType::Decision, body)?
            .to_bytes()?,
    )
}

/// The `decision` entry of a filing both packs cleared at once: `permit` by the rules, each
/// side's outcome and deciding rules as its reasons, no reviewer.
///
/// # Errors
///
/// The entry fails the log's schema.
pub fn cleared_entry(
    filing: &str,
    decision: &freeport_policy::Decision,
    decided_at: &str,
) -> Result<Vec<u8>, PortError> {
    let reasons: Vec<String> = [
        (Jurisdiction::Cn, &decision.cn),
        (Jurisdiction::Us, &decision.us),
    ]
    .iter()
    .map(|(j, side)| {
        let deciding: Vec<&str> = side
            .rules
            .iter()
            .filter(|r| r.role == freeport_policy::Role::Decides)
            .map(|r| r.citation.as_str())
            .collect();
        format!("{}: {} ({})", j.as_str(), side.outcome, deciding.join("; "))
    })
    .collect();
    let rule_packs: Vec<String> = decision
        .packs
        .iter()
        .map(|(j, stamp)| format!("{}@{}", j.as_str(), stamp.version))
        .collect();
    let body = serde_json::json!({
        "transfer_id": filing,
        "outcome": "permit",
        "rule_packs": rule_packs,
        "reasons": reasons,
        "decided_at": decided_at,
        "side": "both",
        "reviewer": null,
    });
    Ok(
        freeport_tlog::entry::Entry::new(freeport_tlog::entry::EntryType::Decision, body)?
            .to_bytes()?,
    )
}

/// The text a reviewer signs for an entry: the entry and a newline (a signed note's text).
#[must_use]
pub fn decision_note_text(entry: &[u8]) -> String {
    format!("{}\n", String::from_utf8_lossy(entry))
}

/// The port: its home's store and log, the rule packs, and the workflows over them.
pub struct Port {
    layout: HomeLayout,
    store: Mutex<Store>,
    /// A second connection that only reads (authentication), so a request is not kept waiting
    /// behind a batch of filings holding the writer's connection.
    reader: Mutex<Store>,
    /// `None` when opened without its log ([`Port::open_without_log`]).
    log: Option<Mutex<PortLog>>,
    judge: Judge,
    vocabulary: &'static Vocabulary,
}

/// A filing checked and parsed, ready to be judged and recorded: made by
/// [`Port::prepare_filing`] on any thread, filed in a batch by [`Port::file_prepared`].
#[derive(Debug, Clone)]
pub struct PreparedFiling {
    who: Principal,
    organisation: String,
    facts: TransferFacts,
    /// The facts as stored.
    facts_text: String,
    /// The facts as shown.
    facts_value: serde_json::Value,
    /// Where the facts came from, when uploaded as an assessment (verified).
    assessment: Option<AssessmentView>,
}

/// What a decision's transaction did: decided (the entries to append and the side), or judged
/// the filing again because the volumes moved (the approval is refused).
enum Decided {
    Decided(Vec<u8>, Option<Vec<u8>>, CaseView),
    Rejudged(contest::Rejudged),
}

/// A filing recorded in a batch's transaction, with its decision entry when cleared at once.
struct Filed {
    view: FilingView,
    queued: Option<Vec<u8>>,
}

/// Filings recorded in the store by [`Port::record_prepared`] whose log entries are not yet
/// appended: nothing to acknowledge until [`Port::log_recorded`] has appended them.
pub struct RecordedFilings {
    filed: Vec<Result<Filed, PortError>>,
}

impl RecordedFilings {
    /// How many filings (recorded or refused) it answers for.
    #[must_use]
    pub fn len(&self) -> usize {
        self.filed.len()
    }

    /// Whether it answers for no filing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.filed.is_empty()
    }

    /// `later`'s filings after these: two batches recorded in this order, appended to the log
    /// in one round.
    pub fn extend(&mut self, later: Self) {
        self.filed.extend(later.filed);
    }
}

impl std::fmt::Debug for RecordedFilings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordedFilings")
            .field("filings", &self.filed.len())
            .finish()
    }
}

impl std::fmt::Debug for Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Port")
            .field("home", &self.layout.root())
            .finish_non_exhaustive()
    }
}

impl Port {
    /// Opens the port kept in `layout`: refused unless `freeport init` made it and its store,
    /// log and keys agree (nothing is created).
    ///
    /// # Errors
    ///
    /// [`PortError::NoHome`] for a fresh home; [`HomeError`]s for one whose parts disagree;
    /// the store's and log's own.
    pub fn open(
        layout: HomeLayout,
        judge: Judge,
        vocabulary: &'static Vocabulary,
    ) -> Result<Self, PortError> {
        require_initialised(&layout)?;
        let mut store = layout.open_store_for_recording()?;
        let reader = Store::open_for_reading(layout.store_target()?)?;
        let mut log = PortLog::open_or_create(&layout)?;
        // A crash between recording a cleared filing and appending its entry left it queued:
        // the filing was acknowledged, so its entry is appended now (or found appended). Entries
        // of `assess` runs go through the pipeline's recovery, which abandons those whose package
        // can no longer be delivered.
        for pending in store.pending_log_entries()? {
            let is_filing = store.transaction(|tx| tx.filing(pending.transfer.as_str()))?;
            if is_filing.is_some() {
                let index = log.append_once(&pending.entry)?;
                store.mark_logged(&pending.transfer, index)?;
            }
        }
        // Likewise decisions stored before a crash kept them from the log.
        for pending in store.transaction(|tx| tx.pending_decisions())? {
            let index = log.append_once(&pending.log_entry)?;
            if let Some(publication) = &pending.publication_entry {
                log.append_once(publication)?;
            }
            store.transaction(|tx| tx.set_case_log_index(&pending.filing, &pending.side, index))?;
        }
        // And overrides accepted before a crash kept their entries from the log.
        for pending in store.transaction(|tx| tx.pending_overrides())? {
            let Some(entry) = &pending.log_entry else {
                continue;
            };
            let index = log.append_once(entry)?;
            store
                .transaction(|tx| tx.set_contest_log_index(&pending.filing, pending.seq, index))?;
        }
        // The rule packs this port judges with, each published once (a pack it has not
        // published yet is queued, then appended with any a crash left queued).
        publish_packs(&mut store, &mut log, &judge)?;
        // And notices.
        for notice in store.transaction(|tx| tx.notices())? {
            if notice.log_index.is_some() {
                continue;
            }
            let index = log.append_once(&notice.log_entry)?;
            store.transaction(|tx| tx.set_notice_log_index(notice.seq, index))?;
        }
        // And chips records (verifications, attestations, chips case decisions).
        chips::append_pending(&mut store, &mut log)?;
        // And study approvals of the aggregator this port hosts.
        stats::append_pending(&mut store, &mut log)?;
        crate::recover::recover(&mut store, &mut log, &layout)
            .map_err(|e| PortError::Judge(e.cause))?;
        Ok(Self {
            layout,
            store: Mutex::new(store),
            reader: Mutex::new(reader),
            log: Some(Mutex::new(log)),
            judge,
            vocabulary,
        })
    }

    /// Opens the port's store only, leaving its log to the process that serves it (one writer
    /// holds a log): for managing accounts on the port's host while `freeport serve` runs.
    /// Calls that log ([`Port::decide`]) refuse.
    ///
    /// # Errors
    ///
    /// As [`Port::open`].
    pub fn open_without_log(
        layout: HomeLayout,
        judge: Judge,
        vocabulary: &'static Vocabulary,
    ) -> Result<Self, PortError> {
        require_initialised(&layout)?;
        let store = layout.open_store_for_recording()?;
        let reader = Store::open_for_reading(layout.store_target()?)?;
        Ok(Self {
            layout,
            store: Mutex::new(store),
            reader: Mutex::new(reader),
            log: None,
            judge,
            vocabulary,
        })
    }

    /// The home.
    #[must_use]
    pub fn layout(&self) -> &HomeLayout {
        &self.layout
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>, PortError> {
        self.store
            .lock()
            .map_err(|_| PortError::Internal("the store lock is poisoned".to_owned()))
    }

    pub(crate) fn log(&self) -> Result<MutexGuard<'_, PortLog>, PortError> {
        self.log
            .as_ref()
            .ok_or_else(|| PortError::Internal("the port was opened without its log".to_owned()))?
            .lock()
            .map_err(|_| PortError::Internal("the log lock is poisoned".to_owned()))
    }

    pub(crate) fn require(
        who: &Principal,
        roles: &[Role],
        action: &'static str,
    ) -> Result<(), PortError> {
        if roles.contains(&who.role) {
            Ok(())
        } else {
            Err(PortError::Forbidden {
                role: who.role,
                action,
            })
        }
    }

    /// The principal a token stands for.
    ///
    /// # Errors
    ///
    /// [`PortError::Unauthenticated`] for an unknown or revoked token.
    pub fn authenticate(&self, token: &str) -> Result<Principal, PortError> {
        if !token.starts_with(Token::PREFIX) || token.len() > 256 {
            return Err(PortError::Unauthenticated);
        }
        let hash = token_hash(token);
        let account = self
            .reader
            .lock()
            .map_err(|_| PortError::Internal("the reader lock is poisoned".to_owned()))?
            .reading(|tx| tx.account_by_token(&hash))?;
        match account {
            Some(a) if a.revoked_at.is_none() => Ok(Principal {
                account: a.id,
                role: a.role,
                organisation: a.organisation,
            }),
            _ => Err(PortError::Unauthenticated),
        }
    }

    /// Creates an account (and its organisation, for an exporter of a new one); returns it with
    /// its token, which is shown once. A reviewer's signing key is theirs (its verifier key
    /// given) or, with `key_held_by_port`, generated and held by the port
    /// ([`Port::create_account_with_port_key`]).
    ///
    /// # Errors
    ///
    /// Not an admin; a bad id, name or key; a duplicate id.
    pub fn create_account(
        &self,
        who: &Principal,
        new: &NewAccount,
    ) -> Result<(AccountView, Token), PortError> {
        if new.key_held_by_port {
            self.create_account_with_port_key(who, new)
        } else {
            self.create_account_checked(who, new, false)
        }
    }

    /// [`Port::create_account`]; `port_held` when the port generated the reviewer's key (only
    /// then may its name carry [`crate::custody::PORT_HELD_SUFFIX`]).
    pub(crate) fn create_account_checked(
        &self,
        who: &Principal,
        new: &NewAccount,
        port_held: bool,
    ) -> Result<(AccountView, Token), PortError> {
        Self::require(who, &[Role::Admin], "create accounts")?;
        check_id("id", &new.id)?;
        check_text("name", &new.name)?;
        match (new.role, &new.organisation) {
            (Role::Exporter, None) => {
                return Err(invalid(
                    "organisation",
                    "an exporter acts for an organisation",
                ));
            }
            (Role::Exporter, Some(org)) => check_id("organisation", org)?,
            (_, Some(_)) => {
                return Err(invalid(
                    "organisation",
                    "only exporters belong to an organisation",
                ));
            }
            (_, None) => {}
        }
        let reviewer = matches!(new.role, Role::CnReviewer | Role::UsReviewer);
        match (&new.public_key, reviewer) {
            (None, true) => {
                return Err(invalid(
                    "public_key",
                    "a reviewer signs decisions: give the verifier key (`vkey`) of their Ed25519 note key",
                ));
            }
            (Some(_), false) => {
                return Err(invalid("public_key", "only reviewers sign decisions"));
            }
            (Some(key), true) => {
                let parsed = VerifierKey::from_vkey(key.trim())
                    .map_err(|e| invalid("public_key", e.to_string()))?;
                if parsed.kind() != freeport_tlog::note::KeyKind::Ed25519 {
                    return Err(invalid(
                        "public_key",
                        "a cosignature (witness) key; a reviewer signs with an Ed25519 note key",
                    ));
                }
                let held = crate::custody::KeyCustody::of_key_name(parsed.name());
                if !port_held && held == crate::custody::KeyCustody::Port {
                    return Err(invalid(
                        "public_key",
                        format!(
                            "key names ending in `{}` mark keys the port holds; name the reviewer's own key otherwise",
                            crate::custody::PORT_HELD_SUFFIX
                        ),
                    ));
                }
            }
            (None, false) => {}
        }
        let token = Token::generate()?;
        let at = now();
        let account = Account {
            id: new.id.clone(),
            role: new.role,
            organisation: new.organisation.clone(),
            name: new.name.trim().to_owned(),
            public_key: new.public_key.as_ref().map(|k| k.trim().to_owned()),
            created_at: at.clone(),
            revoked_at: None,
        };
        self.store()?.transaction(|tx| {
            if let Some(org) = &account.organisation
                && !tx.organisation_exists(org)?
            {
                let name = new.organisation_name.as_deref().unwrap_or(org);
                check_text("organisation_name", name)?;
                tx.insert_organisation(org, name.trim(), &at)?;
                tx.journal(&at, &who.account, "organisation.create", org)?;
            }
            tx.insert_account(&account, &token_hash(token.expose()))?;
            tx.journal(&at, &who.account, "account.create", &account.id)?;
            Ok::<_, PortError>(())
        })?;
        Ok((account.into(), token))
    }

    /// Every account (admins and auditors).
    ///
    /// # Errors
    ///
    /// Another role; the store fails.
    pub fn accounts(&self, who: &Principal) -> Result<Vec<AccountView>, PortError> {
        Self::require(who, &[Role::Admin, Role::Auditor], "list accounts")?;
        let accounts = self.store()?.transaction(|tx| tx.accounts())?;
        Ok(accounts.into_iter().map(Into::into).collect())
    }

    /// Files a transfer: judges `facts` (JSON transfer facts with their inventory) under both
    /// packs against the organisation's volumes at the port, then clears it at once or opens a
    /// case for each side that needs review. [`Port::prepare_filing`] then
    /// [`Port::file_prepared`] with a batch of one.
    ///
    /// # Errors
    ///
    /// Not an exporter; facts that do not load (the loader's error, naming the field); the
    /// store or judge fails.
    pub fn file(&self, who: &Principal, facts_json: &str) -> Result<FilingView, PortError> {
        let prepared = self.prepare_filing(who, facts_json)?;
        self.file_prepared(vec![prepared])
            .pop()
            .unwrap_or_else(|| Err(PortError::Internal("a batch of one filed nothing".into())))
    }

    /// Checks that `who` may file and parses `facts_json` (the part of filing that needs
    /// neither the store nor the log, so a server does it on any thread).
    ///
    /// # Errors
    ///
    /// Not an exporter; facts too large or that do not load (the loader's error, naming the
    /// field); `prior_volumes` given (a port counts with its own).
    pub fn prepare_filing(
        &self,
        who: &Principal,
        facts_json: &str,
    ) -> Result<PreparedFiling, PortError> {
        self.prepare_document(who, "facts", facts_json, FactsFormat::Json)
    }

    /// Files a transfer from a facts document as a person has it (`format`: a TOML file as
    /// `freeport judge` reads, or JSON), named `name` in the errors, whose spans point into
    /// `text`: the dashboard's upload. Otherwise as [`Port::file`].
    ///
    /// # Errors
    ///
    /// As [`Port::file`].
    pub fn file_document(
        &self,
        who: &Principal,
        name: &str,
        text: &str,
        format: FactsFormat,
    ) -> Result<FilingView, PortError> {
        let prepared = self.prepare_document(who, name, text, format)?;
        self.file_prepared(vec![prepared])
            .pop()
            .unwrap_or_else(|| Err(PortError::Internal("a batch of one filed nothing".into())))
    }

    fn prepare_document(
        &self,
        who: &Principal,
        name: &str,
        facts_json: &str,
        format: FactsFormat,
    ) -> Result<PreparedFiling, PortError> {
        Self::require(who, &[Role::Exporter], "file transfers")?;
        let organisation = who
            .organisation
            .clone()
            .ok_or_else(|| PortError::Internal("an exporter without an organisation".into()))?;
        if facts_json.len() > MAX_FACTS_BYTES {
            return Err(invalid(
                "facts",
                format!("{} bytes; at most {MAX_FACTS_BYTES}", facts_json.len()),
            ));
        }
        let facts = parse_facts(name, facts_json, format, &self.judge).map_err(PortError::Facts)?;
        if facts.prior_volumes.is_some() {
            return Err(invalid(
                "facts.prior_volumes",
                "a port counts with its own volumes; remove `prior_volumes`",
            ));
        }
        let internal = |e: serde_json::Error| PortError::Internal(e.to_string());
        Ok(PreparedFiling {
            who: who.clone(),
            organisation,
            facts_text: serde_json::to_string(&facts).map_err(internal)?,
            facts_value: serde_json::to_value(&facts).map_err(internal)?,
            facts,
            assessment: None,
        })
    }

    /// Files a batch of prepared filings in filing order: one store transaction judges and
    /// records them all, one log append takes the decision entries of those cleared at once,
    /// one transaction marks them appended. Each filing is judged against its organisation's
    /// volumes including the filings before it in the batch. One answer per filing, in order.
    ///
    /// A filing is judged and checked before anything of it is written, so a refused one
    /// rarely reaches the store; no savepoint guards each (over PostgreSQL a savepoint is two
    /// more round trips per filing). If anything fails, the batch's transaction rolls back as
    /// a whole and each filing is filed alone, in its own transaction, so each gets its own
    /// answer. If the log cannot be appended, the filings stay recorded with their
    /// entries queued (appended when the port next opens) and those cleared at once are
    /// answered with the log's error.
    pub fn file_prepared(&self, batch: Vec<PreparedFiling>) -> Vec<Result<FilingView, PortError>> {
        self.log_recorded(self.record_prepared(batch))
    }

    /// The first half of [`Port::file_prepared`]: judges and records `batch` in the store
    /// (one transaction, or one per filing if the batch's fails). Their log entries are queued
    /// in the store's outbox; nothing is acknowledged until [`Port::log_recorded`] appended
    /// them. A server's filing writer records the next batch while the last one's entries are
    /// appended.
    #[must_use]
    pub fn record_prepared(&self, batch: Vec<PreparedFiling>) -> RecordedFilings {
        let filed = match self.record_filings(&batch) {
            Ok(filed) => filed,
            Err(_) if batch.len() > 1 => batch
                .into_iter()
                .flat_map(|one| self.record_prepared(vec![one]).filed)
                .collect(),
            Err(e) => vec![Err(e)],
        };
        crate::fault::abort_at(FILING_RECORDED);
        RecordedFilings { filed }
    }

    /// The second half of [`Port::file_prepared`]: appends the entries of filings recorded by
    /// [`Port::record_prepared`] (in the order recorded) in one batch, marks them appended, and
    /// answers each filing.
    #[must_use]
    pub fn log_recorded(&self, recorded: RecordedFilings) -> Vec<Result<FilingView, PortError>> {
        let RecordedFilings { filed } = recorded;
        let queued: Vec<(TransferId, &[u8])> = filed
            .iter()
            .filter_map(|f| f.as_ref().ok())
            .filter_map(|f| {
                f.queued
                    .as_deref()
                    .map(|entry| (TransferId(f.view.id.clone()), entry))
            })
            .collect();
        let mut logged = match self.append_filed(&queued) {
            Ok(first) => Ok(first),
            Err(e) => Err(Some(e)),
        };
        let mut next = 0_u64;
        filed
            .into_iter()
            .map(|filed| {
                let Filed { mut view, queued } = filed?;
                if queued.is_none() {
                    return Ok(view);
                }
                match &mut logged {
                    Ok(first) => {
                        view.log_index = Some(first.saturating_add(next));
                        next += 1;
                        Ok(view)
                    }
                    // The log's own error for the first, its message for the others.
                    Err(error) => Err(error.take().unwrap_or_else(|| {
                        PortError::Internal(format!(
                            "filing `{}` is recorded but its log entry could not be appended; \
                             it is appended when the port next opens",
                            view.id
                        ))
                    })),
                }
            })
            .collect()
    }

    /// Judges and records `batch` in one store transaction (see [`Port::file_prepared`]).
    fn record_filings(
        &self,
        batch: &[PreparedFiling],
    ) -> Result<Vec<Result<Filed, PortError>>, PortError> {
        let at = now();
        let counters = Counters::new(self.vocabulary);
        self.store()?.transaction(|tx| {
            let mut filed = Vec::with_capacity(batch.len());
            for one in batch {
                filed.push(Ok(self.record_filing(tx, one, &counters, &at)?));
            }
            Ok(filed)
        })
    }

    /// Judges and records one filing inside `tx`.
    fn record_filing(
        &self,
        tx: &mut Tx<'_>,
        one: &PreparedFiling,
        counters: &Counters,
        at: &str,
    ) -> Result<Filed, PortError> {
        let PreparedFiling {
            who,
            organisation,
            facts,
            facts_text,
            facts_value,
            assessment,
        } = one;
        // Judged before it is numbered: nothing is written for a filing the judge refuses
        // (the batch has no savepoint per filing, see `file_prepared`). The volumes before it
        // do not depend on its id.
        let prefix = filing_prefix(facts.date.year());
        let mut transfer = transfer_record(&prefix, facts, self.vocabulary, SubjectHashes::new());
        transfer.exporter.clone_from(organisation);
        let prior = counters.prior(tx, &transfer)?;
        let judge_error = |e| PortError::Judge(Box::new(Cause::Judge(Box::new(e))));
        // Remedies (what would lighten the outcome) are searched only for a filing that goes
        // to review: one both packs clear has nothing to lighten, and the search is most of a
        // judgement's cost.
        let mut decision = self.judge.decide(facts, &prior).map_err(judge_error)?;
        if !decision.sides_needing_review().is_empty() {
            decision = self
                .judge
                .decide_with_remedies(facts, &prior)
                .map_err(judge_error)?;
        }
        let review = decision.sides_needing_review();
        let id = next_filing_id(tx, &prefix)?;
        transfer.id = TransferId(id.clone());
        let status = if review.is_empty() {
            FilingStatus::Cleared
        } else {
            FilingStatus::InReview
        };
        let internal = |e: serde_json::Error| PortError::Internal(e.to_string());
        let filing = Filing {
            id: id.clone(),
            organisation: organisation.clone(),
            filed_by: who.account.clone(),
            filed_at: at.to_owned(),
            facts: facts_text.clone(),
            decision: serde_json::to_string(&decision).map_err(internal)?,
            status,
            cleared_at: (status == FilingStatus::Cleared).then(|| at.to_owned()),
            judgement: 1,
        };
        tx.insert_filing(&filing)?;
        if let Some(from) = assessment {
            tx.insert_filing_assessment(&FilingAssessment {
                filing: id.clone(),
                organisation: organisation.clone(),
                report_sha256: from.report_sha256.clone(),
                report_bytes: from.report_bytes,
                exporter_transfer: from.exporter_transfer.clone(),
                log_origin: from.log_origin.clone(),
                log_index: from.log_index,
                checkpoint_size: from.checkpoint_size,
            })?;
        }
        for (side, outcome) in &review {
            tx.open_case_side(&id, side.as_str(), &outcome.outcome)?;
        }
        let mut queued = None;
        if status == FilingStatus::Cleared {
            tx.record_transfer(&with_decision(transfer, &decision)?)?;
            // Logged through the outbox, so store and log agree across a crash: an entry
            // queued but not appended is appended (or abandoned with its transfer) when the
            // port next opens.
            let entry = cleared_entry(&id, &decision, at)?;
            tx.queue_log_entry(&TransferId(id.clone()), &entry)?;
            queued = Some(entry);
        }
        tx.journal(at, &who.account, "filing.create", &id)?;
        let cases = if review.is_empty() {
            Vec::new()
        } else {
            tx.case_sides(&id)?
        };
        let decision_value = serde_json::to_value(&decision).map_err(internal)?;
        let view = FilingView {
            id: filing.id,
            organisation: filing.organisation,
            filed_by: filing.filed_by,
            filed_at: filing.filed_at,
            status: filing.status,
            cleared_at: filing.cleared_at,
            facts: facts_value.clone(),
            documents: attach::required_documents(&decision_value, &cases, &[]),
            decision: decision_value,
            judgement: 1,
            cases: cases.into_iter().map(Into::into).collect(),
            contests: Vec::new(),
            attachments: Vec::new(),
            messages: Vec::new(),
            log_index: None,
            earlier: Vec::new(),
            assessment: assessment.clone(),
        };
        Ok(Filed { view, queued })
    }

    /// Appends the queued entries of filings just recorded, in one batch, and marks them
    /// appended in one transaction; the index of the first (none when nothing is queued).
    fn append_filed(&self, queued: &[(TransferId, &[u8])]) -> Result<u64, PortError> {
        if queued.is_empty() {
            return Ok(0);
        }
        let entries: Vec<&[u8]> = queued.iter().map(|(_, entry)| *entry).collect();
        let first = self.log()?.append_batch(&entries)?;
        self.store()?.transaction(|tx| {
            for (n, (transfer, _)) in (0_u64..).zip(queued) {
                tx.mark_logged(transfer, first.saturating_add(n))?;
            }
            Ok::<_, PortError>(())
        })?;
        Ok(first)
    }

    /// One filing, if the caller may see it.
    ///
    /// # Errors
    ///
    /// [`PortError::NotFound`] for an unknown filing or one outside the caller's tenancy.
    pub fn filing(&self, who: &Principal, id: &str) -> Result<FilingView, PortError> {
        self.filing_with(who, id, true)
    }

    /// [`Port::filing`], with its earlier filings in its windows only when `earlier`.
    fn filing_with(
        &self,
        who: &Principal,
        id: &str,
        earlier: bool,
    ) -> Result<FilingView, PortError> {
        let mut store = self.store()?;
        store.transaction(|tx| {
            let (filing, cases) = visible_filing(tx, who, id)?;
            let messages = tx.messages(id)?;
            let contests = tx.contests(id)?;
            let attachments = tx.attachments(id)?;
            let log_index = match tx.transfer_log_state(&TransferId(id.to_owned()))? {
                Some(freeport_store::LogState::Logged(index)) if cleared_by_rules(&cases) => {
                    Some(index)
                }
                _ => None,
            };
            let earlier = if earlier {
                self.earlier_filings(tx, &filing)?
            } else {
                Vec::new()
            };
            let assessment = tx.filing_assessment(id)?;
            let mut view = filing_view(filing, cases, messages, contests, attachments)?;
            view.log_index = log_index;
            view.earlier = earlier;
            view.assessment = assessment.map(AssessmentView::from);
            Ok(view)
        })
    }

    /// The organisation's filings made before `filing` whose transfers fall in its windows,
    /// drawn as the store draws them ([`freeport_store::Window`]).
    fn earlier_filings(
        &self,
        tx: &mut Tx<'_>,
        filing: &Filing,
    ) -> Result<Vec<EarlierFiling>, PortError> {
        let record = |f: &Filing| -> Result<freeport_store::TransferRecord, PortError> {
            let facts: TransferFacts = serde_json::from_str(&f.facts)
                .map_err(|e| PortError::Internal(format!("stored facts of `{}`: {e}", f.id)))?;
            let mut record = transfer_record(&f.id, &facts, self.vocabulary, SubjectHashes::new());
            record.exporter.clone_from(&f.organisation);
            Ok(record)
        };
        let this = record(filing)?;
        let windows = [
            ("cn", freeport_store::Window::cn(&this.exporter, this.date)),
            (
                "us",
                freeport_store::Window::us(&this.exporter, &this.counterparty, this.date),
            ),
        ];
        let mut earlier = Vec::new();
        for other in tx.filings(Some(&filing.organisation))? {
            if (other.filed_at.as_str(), other.id.as_str())
                >= (filing.filed_at.as_str(), filing.id.as_str())
            {
                continue;
            }
            let theirs = record(&other)?;
            let inside: Vec<String> = windows
                .iter()
                .filter(|(_, w)| {
                    (w.from..=w.to).contains(&theirs.date)
                        && w.counterparty
                            .as_ref()
                            .is_none_or(|c| *c == theirs.counterparty)
                })
                .map(|(name, _)| (*name).to_owned())
                .collect();
            if inside.is_empty() {
                continue;
            }
            let decision: serde_json::Value = serde_json::from_str(&other.decision)
                .map_err(|e| PortError::Internal(format!("stored decision: {e}")))?;
            earlier.push(EarlierFiling {
                outcomes: ["cn", "us"]
                    .iter()
                    .map(|side| decision[side]["outcome"].as_str().unwrap_or("").to_owned())
                    .collect(),
                id: other.id,
                filed_at: other.filed_at,
                date: theirs.date.to_string(),
                counterparty: theirs.counterparty,
                status: other.status,
                windows: inside,
            });
        }
        Ok(earlier)
    }

    /// The filings the caller may see, oldest first.
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn filings(&self, who: &Principal) -> Result<Vec<FilingSummary>, PortError> {
        let mut store = self.store()?;
        store.transaction(|tx| {
            let filings = match who.role {
                Role::Exporter => tx.filings(who.organisation.as_deref())?,
                Role::CnReviewer | Role::UsReviewer => {
                    let side = who.side().map(Jurisdiction::as_str);
                    let mut ids: Vec<String> = tx
                        .cases_of_side(side, None)?
                        .into_iter()
                        .map(|c| c.filing)
                        .collect();
                    ids.dedup();
                    let mut filings = Vec::with_capacity(ids.len());
                    for id in ids {
                        filings.extend(tx.filing(&id)?);
                    }
                    filings.sort_by(|a, b| (&a.filed_at, &a.id).cmp(&(&b.filed_at, &b.id)));
                    filings
                }
                Role::Auditor | Role::Admin => tx.filings(None)?,
            };
            Ok(filings
                .into_iter()
                .map(|f| FilingSummary {
                    id: f.id,
                    organisation: f.organisation,
                    filed_at: f.filed_at,
                    status: f.status,
                })
                .collect())
        })
    }

    /// The cases a reviewer's side holds (all sides for auditors and admins), optionally only
    /// those with `status`.
    ///
    /// # Errors
    ///
    /// An exporter asks; the store fails.
    pub fn cases(
        &self,
        who: &Principal,
        status: Option<CaseStatus>,
    ) -> Result<Vec<CaseView>, PortError> {
        Self::require(
            who,
            &[
                Role::CnReviewer,
                Role::UsReviewer,
                Role::Auditor,
                Role::Admin,
            ],
            "list review queues",
        )?;
        let side = who.side().map(Jurisdiction::as_str);
        let cases = self
            .store()?
            .transaction(|tx| tx.cases_of_side(side, status))?;
        Ok(cases.into_iter().map(Into::into).collect())
    }

    /// A reviewer's queue: their side's open cases, those with the soonest deadline first (the
    /// earliest dated `due` of the side's decision at filing), then those without one, oldest
    /// filing first — the order a reviewer works down.
    ///
    /// # Errors
    ///
    /// Not a reviewer; the store fails.
    pub fn queue(&self, who: &Principal) -> Result<Vec<QueueItem>, PortError> {
        Self::require(
            who,
            &[Role::CnReviewer, Role::UsReviewer],
            "see a review queue",
        )?;
        let side = who
            .side()
            .ok_or_else(|| PortError::Internal("a reviewer without a side".into()))?;
        let mut queue = self.store()?.transaction(|tx| {
            let cases = tx.cases_of_side(Some(side.as_str()), Some(CaseStatus::Open))?;
            let mut queue = Vec::with_capacity(cases.len());
            for case in cases {
                let filing = tx.filing(&case.filing)?.ok_or_else(|| {
                    PortError::Internal(format!("case of filing {} without it", case.filing))
                })?;
                let decision: serde_json::Value = serde_json::from_str(&filing.decision)
                    .map_err(|e| PortError::Internal(format!("filing {}: {e}", filing.id)))?;
                queue.push(QueueItem {
                    due: earliest_due(&decision[side.as_str()]["due"]),
                    filed_at: filing.filed_at,
                    case: case.into(),
                });
            }
            Ok::<_, PortError>(queue)
        })?;
        queue.sort_by(queue_order);
        Ok(queue)
    }

    /// Adds a question or answer to a filing's case: the filing's exporter, or a reviewer of a
    /// side under review.
    ///
    /// # Errors
    ///
    /// Another role, a filing the caller may not see, or an empty or over-long text.
    pub fn post_message(
        &self,
        who: &Principal,
        filing: &str,
        body: &str,
    ) -> Result<MessageView, PortError> {
        Self::require(
            who,
            &[Role::Exporter, Role::CnReviewer, Role::UsReviewer],
            "write on cases",
        )?;
        let at = now();
        self.store()?.transaction(|tx| {
            let (_, cases) = visible_filing(tx, who, filing)?;
            if cases.is_empty() {
                return Err(PortError::Conflict {
                    what: "filing",
                    id: filing.to_owned(),
                    reason: "was cleared at once; it has no case to discuss".to_owned(),
                });
            }
            check_text("body", body)?;
            let seq = tx.append_message(filing, &who.account, &at, body)?;
            tx.journal(
                &at,
                &who.account,
                "message.create",
                &format!("{filing}#{seq}"),
            )?;
            Ok(MessageView {
                seq,
                author: who.account.clone(),
                at: at.clone(),
                body: body.to_owned(),
            })
        })
    }

    /// Decides the caller's side of a filing's case: checks the verdict's fields and the
    /// reviewer's signature over the decision entry, stores the decision if the case is still
    /// open, settles the filing when this was the last side (cleared, its transfer recorded) or
    /// a refusal (refused), then appends the entry to the log and has the checkpoint cosigned.
    ///
    /// # Errors
    ///
    /// Not a reviewer; a filing without an open case on the side ([`PortError::Conflict`] when
    /// decided already); bad fields or a signature that does not verify; store or log failures.
    pub fn decide(
        &self,
        who: &Principal,
        filing: &str,
        request: &DecisionRequest,
    ) -> Result<CaseView, PortError> {
        Self::require(who, &[Role::CnReviewer, Role::UsReviewer], "decide cases")?;
        if self.log.is_none() {
            return Err(PortError::Internal(
                "the port was opened without its log; decisions are logged".to_owned(),
            ));
        }
        let side = who
            .side()
            .ok_or_else(|| PortError::Internal("a reviewer without a side".into()))?;
        let at = now();
        let decided = self.store()?.transaction(|tx| {
            let (record, _) = visible_filing(tx, who, filing)?;
            // Fields are checked only for a caller who may see the case: others learn nothing.
            check_verdict(request)?;
            check_decided_at(&request.decided_at)?;
            let decision: serde_json::Value = serde_json::from_str(&record.decision)
                .map_err(|e| PortError::Internal(e.to_string()))?;
            let packs = decision_packs(&decision);
            let entry = decision_entry(&DecisionFields {
                filing,
                side,
                reviewer: &who.account,
                verdict: request.verdict,
                conditions: &request.conditions,
                public_reasons: &request.public_reasons,
                decided_at: &request.decided_at,
                rule_packs: &packs,
                judgement: request.judgement,
                attachments: &request.attachments,
            })?;
            let account = tx
                .account(&who.account)?
                .ok_or(PortError::Unauthenticated)?;
            verify_signed_decision(&entry, &request.signed_note, account.public_key.as_deref())?;
            if record.status == FilingStatus::Refused {
                return Err(PortError::Conflict {
                    what: "filing",
                    id: filing.to_owned(),
                    reason: "was refused by the other side already".to_owned(),
                });
            }
            let attached: Vec<String> = tx
                .attachments(filing)?
                .into_iter()
                .map(|a| a.sha256)
                .collect();
            if attached != request.attachments {
                return Err(PortError::Conflict {
                    what: "filing",
                    id: filing.to_owned(),
                    reason: format!(
                        "has {} attached document(s) now, not the {} this decision names; read it \
                         again and decide on what is attached",
                        attached.len(),
                        request.attachments.len()
                    ),
                });
            }
            if request.judgement != record.judgement {
                return Err(PortError::Conflict {
                    what: "filing",
                    id: filing.to_owned(),
                    reason: format!(
                        "was judged again (judgement {}) after judgement {}, which this decision \
                         was made on; read it again and decide on what it is now",
                        record.judgement, request.judgement
                    ),
                });
            }
            // An approval is checked against the port's volumes as they are now: filings
            // cleared since may have changed the outcome. If they did, the filing is judged
            // again (and that is committed), and the approval refused with the new outcome.
            if request.verdict != Verdict::Refuse && self.case_is_open(tx, filing, side)? {
                let facts = self.judged_facts(tx, &record)?;
                let now = self.judge_now(tx, &record, &facts, false)?;
                let now_outcomes = side_outcomes(
                    &serde_json::to_value(&now).map_err(|e| PortError::Internal(e.to_string()))?,
                );
                if now_outcomes != side_outcomes(&decision) {
                    let rejudged = self.apply_judgement(tx, &record, &facts, who, &at, None)?;
                    return Ok(Decided::Rejudged(rejudged));
                }
            }
            let publication = request.reasons_entry(filing, side)?;
            // The entries are queued with the decision, so a crash before they are appended
            // leaves them to be appended when the port next opens (never a decision the log
            // does not show).
            let decided = tx.decide_case_side(
                filing,
                side.as_str(),
                &request.stored(&who.account, &entry, publication.as_deref()),
            )?;
            if !decided {
                return Err(decided_already(filing, side));
            }
            let sides = tx.case_sides(filing)?;
            if request.verdict == Verdict::Refuse {
                tx.set_filing_status(filing, FilingStatus::Refused, None)?;
            } else if sides
                .iter()
                .filter(|c| c.status != CaseStatus::Closed)
                .all(|c| c.status.is_approval())
            {
                // Recorded as judged: the facts (reclassified by any overrides) and the
                // decision the reviewers saw.
                let facts = self.judged_facts(tx, &record)?;
                let mut transfer =
                    transfer_record(filing, &facts, self.vocabulary, SubjectHashes::new());
                transfer.exporter.clone_from(&record.organisation);
                transfer.decision_json.clone_from(&record.decision);
                transfer.rule_packs = decision_pack_refs(&decision);
                tx.record_transfer(&transfer)?;
                tx.set_filing_status(filing, FilingStatus::Cleared, Some(&at))?;
                tx.journal(&at, &who.account, "filing.clear", filing)?;
            }
            tx.journal(
                &at,
                &who.account,
                &format!("case.{}", request.verdict.log_outcome()),
                &format!("{filing}/{side}"),
            )?;
            let view = sides
                .into_iter()
                .find(|c| c.side == side.as_str())
                .map(CaseView::from)
                .ok_or_else(|| PortError::Internal("the decided case vanished".into()))?;
            Ok::<_, PortError>(Decided::Decided(entry, publication, view))
        })?;
        let (entry, publication, view) = match decided {
            Decided::Decided(entry, publication, view) => (entry, publication, view),
            Decided::Rejudged(rejudged) => {
                self.append_rejudged(&rejudged, None)?;
                return Err(PortError::Conflict {
                    what: "filing",
                    id: filing.to_owned(),
                    reason: format!(
                        "was judged again against the port's volumes as they are now, before \
                         this approval: {}; it is judgement {} now — read it again and decide \
                         on that",
                        rejudged.changes(),
                        rejudged.judgement
                    ),
                });
            }
        };
        // The decision is stored with its entries queued; now the log. A failure from here on
        // leaves the entries queued: [`Port::open`] appends them on the next start.
        crate::fault::abort_at(DECISION_RECORDED);
        let index = {
            let mut log = self.log()?;
            let mut entries: Vec<&[u8]> = vec![&entry];
            entries.extend(publication.as_deref());
            let index = log.append_batch(&entries)?;
            // A witness that is down delays the cosigned checkpoint, never the decision: the
            // server retries ([`Port::catch_up_cosigning`]) until every witness has cosigned.
            log.cosign_pending()?;
            index
        };
        self.store()?
            .transaction(|tx| tx.set_case_log_index(filing, side.as_str(), index))?;
        Ok(CaseView {
            log_index: Some(index),
            ..view
        })
    }

    /// The auditor's bundle (see [`crate::audit`]): every decided side and every filing
    /// cleared at once, with a receipt against the published cosigned checkpoint for each entry
    /// it covers, the others named as pending; and the reviewers' verifier keys.
    ///
    /// # Errors
    ///
    /// Not an auditor or administrator; the store or log fails.
    pub fn audit_bundle(&self, who: &Principal) -> Result<crate::audit::AuditBundle, PortError> {
        use crate::audit::{
            AuditBundle, AuditedDecision, AuditedFiling, AuditedOverride, BUNDLE_FORMAT,
        };
        Self::require(
            who,
            &[Role::Auditor, Role::Admin],
            "download the audit bundle",
        )?;
        let (cases, cleared, accounts, overrides) = self.store()?.transaction(|tx| {
            let cases = tx.cases_of_side(None, None)?;
            let reviewed: std::collections::BTreeSet<&str> = cases
                .iter()
                .filter(|c| c.status != CaseStatus::Closed)
                .map(|c| c.filing.as_str())
                .collect();
            let mut cleared = Vec::new();
            for filing in tx.filings(None)? {
                if filing.status != FilingStatus::Cleared || reviewed.contains(filing.id.as_str()) {
                    continue;
                }
                let state = tx.transfer_log_state(&TransferId(filing.id.clone()))?;
                if let Some(freeport_store::LogState::Logged(index)) = state {
                    cleared.push((filing.id, index));
                }
            }
            let overrides =
                tx.contests_with(Some(freeport_store::docket::ContestStatus::Accepted))?;
            Ok::<_, PortError>((cases, cleared, tx.accounts()?, overrides))
        })?;
        let log = self.log()?;
        let mut bundle = AuditBundle {
            format: BUNDLE_FORMAT.to_owned(),
            origin: log.origin().to_owned(),
            checkpoint: log.published_checkpoint().unwrap_or_default(),
            reviewers: accounts
                .into_iter()
                .filter(|a| matches!(a.role, Role::CnReviewer | Role::UsReviewer))
                .filter_map(|a| a.public_key.map(|key| (a.id, key)))
                .collect(),
            decisions: Vec::new(),
            cleared: Vec::new(),
            overrides: Vec::new(),
            pending: Vec::new(),
        };
        for case in cases {
            let (Some(index), Some(reviewer), Some(signed_note)) =
                (case.log_index, case.decided_by, case.signature)
            else {
                continue;
            };
            match log.receipt_from_published(index)? {
                Some(receipt) => bundle.decisions.push(AuditedDecision {
                    filing: case.filing,
                    side: case.side,
                    reviewer,
                    log_index: index,
                    signed_note,
                    receipt,
                }),
                None => bundle
                    .pending
                    .push(format!("{}/{}", case.filing, case.side)),
            }
        }
        for (filing, index) in cleared {
            match log.receipt_from_published(index)? {
                Some(receipt) => bundle.cleared.push(AuditedFiling {
                    filing,
                    log_index: index,
                    receipt,
                }),
                None => bundle.pending.push(filing),
            }
        }
        for accepted in overrides {
            let (Some(index), Some(reviewer)) = (accepted.log_index, accepted.ruled_by) else {
                // Queued, not yet appended: the next bundle has it.
                bundle
                    .pending
                    .push(format!("{}#{}", accepted.filing, accepted.seq));
                continue;
            };
            match log.receipt_from_published(index)? {
                Some(receipt) => bundle.overrides.push(AuditedOverride {
                    filing: accepted.filing,
                    contest: accepted.seq,
                    reviewer,
                    log_index: index,
                    receipt,
                }),
                None => bundle
                    .pending
                    .push(format!("{}#{}", accepted.filing, accepted.seq)),
            }
        }
        bundle.overrides.sort_by_key(|o| o.log_index);
        bundle.decisions.sort_by_key(|d| d.log_index);
        bundle.cleared.sort_by_key(|c| c.log_index);
        Ok(bundle)
    }

    /// An offline receipt (C2SP tlog-proof) for a cleared filing's log entry, against the
    /// published cosigned checkpoint: `None` while no published checkpoint covers it yet (a
    /// witness is down; the server retries).
    ///
    /// # Errors
    ///
    /// The filing is not visible to the caller, not cleared at once, or not logged.
    pub fn receipt(&self, who: &Principal, filing: &str) -> Result<Option<String>, PortError> {
        let view = self.filing_with(who, filing, false)?;
        let state = self
            .store()?
            .transaction(|tx| tx.transfer_log_state(&TransferId(filing.to_owned())))?;
        let by_rules = view.cases.iter().all(|c| c.status == CaseStatus::Closed);
        let index = match (by_rules, state) {
            (true, Some(freeport_store::LogState::Logged(index))) => index,
            (false, _) => {
                return Err(PortError::Conflict {
                    what: "filing",
                    id: filing.to_owned(),
                    reason: "went to review; each decision is its own log entry (`log_index` on its case)".to_owned(),
                });
            }
            (true, _) => {
                return Err(PortError::Conflict {
                    what: "filing",
                    id: filing.to_owned(),
                    reason: "is not in the log yet".to_owned(),
                });
            }
        };
        Ok(self.log()?.receipt_from_published(index)?)
    }

    /// The rule pack of `jurisdiction` this port judges with, as `GET /api/v1/rules/{jurisdiction}`
    /// serves it: its files and the receipt of its `rule_pack` entry (see [`crate::rules`]).
    /// `None` while no cosigned checkpoint covers the entry yet. Needs no account: published
    /// rules are public.
    ///
    /// # Errors
    ///
    /// The port was opened without its log; the store or the log fail.
    pub fn rule_pack_release(
        &self,
        jurisdiction: Jurisdiction,
    ) -> Result<Option<crate::rules::RulePackRelease>, PortError> {
        let pack = self.judge.pack(jurisdiction);
        let sha256 = pack.hash().trim_start_matches("sha256:");
        let published = self.store()?.transaction(|tx| tx.published_packs())?;
        let Some(index) = published
            .iter()
            .find(|p| {
                p.jurisdiction == jurisdiction.as_str()
                    && p.version == pack.version()
                    && p.sha256 == sha256
            })
            .and_then(|p| p.log_index)
        else {
            return Ok(None);
        };
        Ok(self
            .log()?
            .receipt_from_published(index)?
            .map(|receipt| crate::rules::RulePackRelease::new(pack, index, receipt)))
    }

    /// Gives the log's remote witnesses their transport.
    ///
    /// # Errors
    ///
    /// The port was opened without its log, or its lock is poisoned.
    pub fn set_witness_client(&self, client: Arc<dyn WitnessClient>) -> Result<(), PortError> {
        self.log()?.set_witness_client(client);
        Ok(())
    }

    /// Has the witnesses cosign the log's newest entries if a published checkpoint does not
    /// cover them yet (a witness was down): what `freeport serve` runs every few seconds.
    ///
    /// # Errors
    ///
    /// Signing or writing the checkpoint fails.
    pub fn catch_up_cosigning(&self) -> Result<Cosigned, PortError> {
        Ok(self.log()?.cosign_pending()?)
    }

    /// The log's published, cosigned checkpoint (anyone may read it).
    ///
    /// # Errors
    ///
    /// The port was opened without its log.
    pub fn checkpoint(&self) -> Result<Option<String>, PortError> {
        Ok(self.log()?.published_checkpoint())
    }

    /// The trust policy (tlog-policy) that names the log and the witnesses.
    ///
    /// # Errors
    ///
    /// The port was opened without its log.
    pub fn trust_policy(&self) -> Result<String, PortError> {
        Ok(self.log()?.policy().to_owned())
    }

    /// Every refusal's public reasons, oldest first: readable without an account.
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn publications(&self) -> Result<Vec<Publication>, PortError> {
        let (refused, notices, packs) = self.store()?.transaction(|tx| {
            Ok::<_, PortError>((
                tx.cases_of_side(None, Some(CaseStatus::Refused))?,
                tx.notices()?,
                tx.published_packs()?,
            ))
        })?;
        let mut publications: Vec<Publication> = refused
            .into_iter()
            .map(|c| Publication {
                kind: "reasons".to_owned(),
                title: format!("Refusal of {} ({})", c.filing, c.side),
                title_zh: None,
                language: "und".to_owned(),
                published_at: c.decided_at.unwrap_or_default(),
                body: String::new(),
                filing: Some(c.filing),
                side: Some(c.side),
                outcome: Some(c.outcome),
                public_reasons: c.public_reasons,
                log_index: c.log_index,
            })
            .chain(notices.into_iter().map(notice_publication))
            .chain(packs.into_iter().map(|p| pack_publication(p, &self.judge)))
            .collect();
        // By time, then log order (a second holds several), then names.
        let key = |p: &Publication| {
            (
                p.published_at.clone(),
                p.log_index.unwrap_or(u64::MAX),
                p.kind.clone(),
                p.title.clone(),
                p.filing.clone(),
            )
        };
        publications.sort_by_cached_key(key);
        Ok(publications)
    }

    /// Publishes a notice (administrators and either side's reviewers): stored with its
    /// `publication` entry queued, then appended to the log; public at once at
    /// `/api/v1/publications` and in the feed.
    ///
    /// # Errors
    ///
    /// Another role; a field refused (empty, too long, control characters, a language tag that
    /// is not one, or text that looks like it carries personal data); the store or log fails.
    pub fn publish(&self, who: &Principal, notice: &NewNotice) -> Result<Publication, PortError> {
        Self::require(
            who,
            &[Role::Admin, Role::CnReviewer, Role::UsReviewer],
            "publish notices",
        )?;
        check_text("title", &notice.title)?;
        if notice.title.contains('\n') {
            return Err(invalid("title", "a title is one line"));
        }
        check_language(&notice.language)?;
        if notice.body.trim().is_empty() {
            return Err(invalid("body", "it is empty"));
        }
        if notice.body.chars().count() > MAX_NOTICE_CHARS {
            return Err(invalid(
                "body",
                format!("it is longer than {MAX_NOTICE_CHARS} characters"),
            ));
        }
        if notice
            .body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(invalid("body", "it holds a control character"));
        }
        check_public("title", &notice.title)?;
        check_public("body", &notice.body)?;
        let at = now();
        let entry = notice_publication_entry(notice, &at)?;
        let stored = self.store()?.transaction(|tx| {
            let mut stored = freeport_store::docket::Notice {
                seq: 0,
                kind: notice.kind.as_str().to_owned(),
                title: notice.title.clone(),
                language: notice.language.clone(),
                body: notice.body.clone(),
                published_at: at.clone(),
                published_by: who.account.clone(),
                log_entry: entry.clone(),
                log_index: None,
            };
            stored.seq = tx.insert_notice(&stored)?;
            tx.journal(
                &at,
                &who.account,
                "notice.publish",
                &format!("notice/{}", stored.seq),
            )?;
            Ok::<_, PortError>(stored)
        })?;
        crate::fault::abort_at(NOTICE_RECORDED);
        let index = self.log()?.append(&entry)?;
        self.store()?
            .transaction(|tx| tx.set_notice_log_index(stored.seq, index))?;
        Ok(notice_publication(freeport_store::docket::Notice {
            log_index: Some(index),
            ..stored
        }))
    }

    /// The access journal, from line `after` + 1 (auditors and admins).
    ///
    /// # Errors
    ///
    /// Another role; the store fails.
    pub fn journal(&self, who: &Principal, after: u64) -> Result<Vec<JournalEntry>, PortError> {
        Self::require(
            who,
            &[Role::Auditor, Role::Admin],
            "read the access journal",
        )?;
        Ok(self.store()?.transaction(|tx| tx.journal_entries(after))?)
    }
}

/// The packs a stored decision names, as the store records them with a transfer.
fn decision_pack_refs(decision: &serde_json::Value) -> Vec<freeport_store::RulePackRef> {
    let field = |stamp: &serde_json::Value, key: &str| {
        stamp
            .get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    decision
        .get("packs")
        .and_then(serde_json::Value::as_object)
        .map(|packs| {
            packs
                .iter()
                .map(|(j, stamp)| freeport_store::RulePackRef {
                    name: j.clone(),
                    version: field(stamp, "version"),
                    hash: field(stamp, "hash"),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Refuses a home `freeport init` did not make (or whose parts disagree): a port never creates
/// its state by being opened.
fn require_initialised(layout: &HomeLayout) -> Result<(), PortError> {
    let contents = layout.check()?;
    if contents.is_fresh() || (contents.store_bytes.is_none() && !contents.store_database) {
        return Err(PortError::NoHome {
            root: layout.root().to_owned(),
        });
    }
    Ok(())
}

/// The rule packs a stored decision names, as a `decision` entry lists them (`<jurisdiction>@<version>`).
fn decision_packs(decision: &serde_json::Value) -> Vec<String> {
    decision_pack_refs(decision)
        .into_iter()
        .map(|r| format!("{}@{}", r.name, r.version))
        .collect()
}

/// The `rule_pack` log entry of `pack`.
///
/// # Errors
///
/// The entry fails the log's schema.
pub fn rule_pack_entry(
    pack: &freeport_policy::RulePack,
    published_at: &str,
) -> Result<Vec<u8>, PortError> {
    let body = serde_json::json!({
        "id": format!("freeport-{}", pack.jurisdiction().as_str()),
        "version": pack.version(),
        "jurisdiction": pack.jurisdiction().as_str(),
        "sha256": pack.hash().trim_start_matches("sha256:"),
        "published_at": published_at,
        "title": pack.title(),
        "judges_from": pack.judges_from().to_string(),
    });
    Ok(
        freeport_tlog::entry::Entry::new(freeport_tlog::entry::EntryType::RulePack, body)?
            .to_bytes()?,
    )
}

/// Queues a `rule_pack` entry for each of `judge`'s packs this port has not published, then
/// appends every queued one (finding those a crash appended but did not mark).
fn publish_packs(store: &mut Store, log: &mut PortLog, judge: &Judge) -> Result<(), PortError> {
    let at = now();
    store.transaction(|tx| {
        for jurisdiction in [Jurisdiction::Cn, Jurisdiction::Us] {
            let pack = judge.pack(jurisdiction);
            tx.queue_pack_publication(&freeport_store::docket::PublishedPack {
                jurisdiction: jurisdiction.as_str().to_owned(),
                version: pack.version().to_owned(),
                sha256: pack.hash().trim_start_matches("sha256:").to_owned(),
                title: pack.title().to_owned(),
                published_at: at.clone(),
                log_entry: rule_pack_entry(pack, &at)?,
                log_index: None,
            })?;
        }
        Ok::<_, PortError>(())
    })?;
    for pack in store.transaction(|tx| tx.published_packs())? {
        if pack.log_index.is_some() {
            continue;
        }
        let index = log.append_once(&pack.log_entry)?;
        store.transaction(|tx| tx.set_pack_log_index(&pack, index))?;
    }
    Ok(())
}

/// A published rule pack as listed among publications.
/// A published rule pack as listed among publications; its Chinese title when it is a version
/// the port judges with (the packs carry their titles in both languages).
fn pack_publication(pack: freeport_store::docket::PublishedPack, judge: &Judge) -> Publication {
    let title_zh = [Jurisdiction::Cn, Jurisdiction::Us]
        .into_iter()
        .map(|j| judge.pack(j))
        .find(|p| p.jurisdiction().as_str() == pack.jurisdiction && p.version() == pack.version)
        .map(|p| {
            let country = match p.jurisdiction() {
                Jurisdiction::Cn => "中国",
                Jurisdiction::Us => "美国",
            };
            format!("{country}规则包 {}：{}", pack.version, p.title_zh())
        });
    Publication {
        kind: "rules".to_owned(),
        title: format!(
            "{} rule pack {}: {}",
            pack.jurisdiction.to_uppercase(),
            pack.version,
            pack.title
        ),
        title_zh,
        language: "en".to_owned(),
        published_at: pack.published_at,
        body: format!("sha256:{}", pack.sha256),
        filing: None,
        side: None,
        outcome: None,
        public_reasons: Vec::new(),
        log_index: pack.log_index,
    }
}

/// A stored notice as published.
fn notice_publication(notice: freeport_store::docket::Notice) -> Publication {
    Publication {
        kind: notice.kind,
        title: notice.title,
        title_zh: None,
        language: notice.language,
        published_at: notice.published_at,
        body: notice.body,
        filing: None,
        side: None,
        outcome: None,
        public_reasons: Vec::new(),
        log_index: notice.log_index,
    }
}

/// A BCP 47 tag as people write them: subtags of 1–8 ASCII letters or digits joined by `-`,
/// the first of 2–3 letters (`zh`, `en`, `zh-Hans`, `en-US`).
fn check_language(tag: &str) -> Result<(), PortError> {
    let mut subtags = tag.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|s| (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok =
        subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(invalid(
            "language",
            "a BCP 47 language tag such as `zh`, `en` or `zh-Hans`",
        ))
    }
}

/// Refuses text bound for the public log that holds an identifier (a phone or ID number, an
/// e-mail address, a card number …): public reasons and conditions are published, so they may
/// name no one. The value is never echoed, only what it looks like and where it is.
/// The first personal data `text` holds, as the vocabulary category of what it looks like and
/// the 1-based character where it starts: published text (public reasons, conditions) must
/// name no one. One check for the API and the dashboard's forms.
#[must_use]
pub fn personal_data_in(text: &str) -> Option<(&'static str, usize)> {
    let mut found = None;
    freeport_detect::text::scan(text, |detector, range| {
        if found.is_none() {
            found = Some((detector, range));
        }
    });
    found.map(|(detector, range)| {
        let what = freeport_detect::DETECTORS
            .get(detector)
            .map_or("an identifier", |d| d.category);
        let at = text.get(..range.start).map_or(0, |t| t.chars().count()) + 1;
        (what, at)
    })
}

fn check_public(field: &str, text: &str) -> Result<(), PortError> {
    match personal_data_in(text) {
        None => Ok(()),
        Some((what, at)) => Err(invalid(
            field,
            format!(
                "it holds personal data (what looks like `{what}` at character {at}); public reasons and conditions are published and must name no one"
            ),
        )),
    }
}

/// Checks a decision's `decided_at`: RFC 3339, within [`DECISION_CLOCK_SKEW_SECONDS`] of the
/// port's clock (a filing's decision and a chips case's alike).
pub(crate) fn check_decided_at(decided_at: &str) -> Result<(), PortError> {
    let decided_at: jiff::Timestamp = decided_at
        .parse()
        .map_err(|e| invalid("decided_at", format!("not an RFC 3339 timestamp: {e}")))?;
    let skew = (jiff::Timestamp::now().as_second() - decided_at.as_second()).abs();
    if skew > DECISION_CLOCK_SKEW_SECONDS {
        return Err(invalid(
            "decided_at",
            format!("{skew} s from the port's clock; at most {DECISION_CLOCK_SKEW_SECONDS} s"),
        ));
    }
    Ok(())
}

impl DecisionRequest {
    /// A refusal's `publication` entry of its public reasons about `case` (`None` otherwise).
    pub(crate) fn reasons_entry(
        &self,
        case: &str,
        side: Jurisdiction,
    ) -> Result<Option<Vec<u8>>, PortError> {
        if self.verdict == Verdict::Refuse {
            reasons_publication_entry(case, side, &self.public_reasons, &self.decided_at).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The decision as the store keeps it on a case side, with its queued entries.
    pub(crate) fn stored<'a>(
        &'a self,
        reviewer: &'a str,
        entry: &'a [u8],
        publication: Option<&'a [u8]>,
    ) -> CaseDecision<'a> {
        CaseDecision {
            status: self.verdict.status(),
            decided_by: reviewer,
            decided_at: &self.decided_at,
            conditions: &self.conditions,
            public_reasons: &self.public_reasons,
            signature: &self.signed_note,
            log_entry: entry,
            publication_entry: publication,
        }
    }
}

fn check_verdict(request: &DecisionRequest) -> Result<(), PortError> {
    for (i, c) in request.conditions.iter().enumerate() {
        let field = format!("conditions[{i}]");
        check_text(&field, c)?;
        check_public(&field, c)?;
    }
    for (i, r) in request.public_reasons.iter().enumerate() {
        let field = format!("public_reasons[{i}]");
        check_text(&field, r)?;
        check_public(&field, r)?;
    }
    match request.verdict {
        Verdict::ApproveWithConditions if request.conditions.is_empty() => Err(invalid(
            "conditions",
            "an approval with conditions names at least one",
        )),
        Verdict::Approve | Verdict::Refuse if !request.conditions.is_empty() => Err(invalid(
            "conditions",
            "only `approve_with_conditions` carries conditions",
        )),
        Verdict::Refuse if request.public_reasons.is_empty() => Err(invalid(
            "public_reasons",
            "a refusal gives its public reasons",
        )),
        _ => Ok(()),
    }
}

/// Checks that `signed_note` is a signed note whose text is `entry` and a newline, signed by
/// `public_key` (the reviewer's registered verifier key).
///
/// # Errors
///
/// [`PortError::Invalid`] on `signed_note`, saying what does not match.
pub fn verify_signed_decision(
    entry: &[u8],
    signed_note: &str,
    public_key: Option<&str>,
) -> Result<(), PortError> {
    let key = public_key
        .ok_or_else(|| invalid("signed_note", "the account has no registered verifier key"))
        .and_then(|k| {
            VerifierKey::from_vkey(k).map_err(|e| invalid("signed_note", e.to_string()))
        })?;
    let opened = open_note(signed_note.as_bytes(), &[key], "decision")
        .map_err(|e| invalid("signed_note", e.to_string()))?;
    if opened.text != decision_note_text(entry) {
        return Err(invalid(
            "signed_note",
            "the signed text is not this decision's entry (rebuild it from the case and the fields sent)",
        ));
    }
    Ok(())
}

/// Whether a filing with these case sides was cleared by the rules alone: no side under review
/// (cleared at once), or every side closed when it was judged again.
fn cleared_by_rules(cases: &[CaseSide]) -> bool {
    cases.iter().all(|c| c.status == CaseStatus::Closed)
}

/// Each side's outcome in a stored or fresh decision (JSON), `cn` then `us`.
fn side_outcomes(decision: &serde_json::Value) -> std::collections::BTreeMap<String, String> {
    ["cn", "us"]
        .iter()
        .map(|side| {
            (
                (*side).to_owned(),
                decision[side]["outcome"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The filing `id` and its case sides, if `who` may see it; "not found" alike for one that does
/// not exist and one outside the caller's tenancy.
fn visible_filing(
    tx: &mut Tx<'_>,
    who: &Principal,
    id: &str,
) -> Result<(Filing, Vec<CaseSide>), PortError> {
    let not_found = || PortError::NotFound {
        what: "filing",
        id: id.to_owned(),
    };
    let record = tx.filing(id)?.ok_or_else(not_found)?;
    let cases = tx.case_sides(id)?;
    if visible(who, &record, &cases) {
        Ok((record, cases))
    } else {
        Err(not_found())
    }
}

/// Whether `who` may see `filing` (whose case sides are `cases`).
fn visible(who: &Principal, filing: &Filing, cases: &[CaseSide]) -> bool {
    match who.role {
        Role::Exporter => who.organisation.as_deref() == Some(filing.organisation.as_str()),
        Role::CnReviewer | Role::UsReviewer => who
            .side()
            .is_some_and(|side| cases.iter().any(|c| c.side == side.as_str())),
        Role::Auditor | Role::Admin => true,
    }
}

fn filing_view(
    filing: Filing,
    cases: Vec<CaseSide>,
    messages: Vec<Message>,
    contests: Vec<freeport_store::docket::Contest>,
    attachments: Vec<freeport_store::docket::Attachment>,
) -> Result<FilingView, PortError> {
    let parse = |text: &str| {
        serde_json::from_str(text).map_err(|e| PortError::Internal(format!("stored JSON: {e}")))
    };
    let decision = parse(&filing.decision)?;
    let attachments = attachments
        .into_iter()
        .map(AttachmentView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(FilingView {
        facts: parse(&filing.facts)?,
        documents: attach::required_documents(&decision, &cases, &attachments),
        attachments,
        decision,
        id: filing.id,
        organisation: filing.organisation,
        filed_by: filing.filed_by,
        filed_at: filing.filed_at,
        status: filing.status,
        cleared_at: filing.cleared_at,
        judgement: filing.judgement,
        cases: cases.into_iter().map(Into::into).collect(),
        contests: contests.into_iter().map(Into::into).collect(),
        messages: messages.into_iter().map(Into::into).collect(),
        log_index: None,
        earlier: Vec::new(),
        assessment: None,
    })
}

/// A side of a case (a filing's or a chips case's) another reviewer decided first.
pub(crate) fn decided_already(case: &str, side: Jurisdiction) -> PortError {
    PortError::Conflict {
        what: "case",
        id: format!("{case}/{side}"),
        reason: "is not open: it was decided already".to_owned(),
    }
}

/// The next filing id of `year`: `F-<year>-<n>` (six digits or more), numbered in filing order.
/// The prefix of the ids of filings dated in `year`: `F-2026-`.
fn filing_prefix(year: i16) -> String {
    format!("F-{year}-")
}

/// The next id after `prefix` ([`filing_prefix`]): `F-2026-000001`.
fn next_filing_id(tx: &mut Tx<'_>, prefix: &str) -> Result<String, StoreError> {
    let number = tx.next_filing_number(prefix)?;
    Ok(format!("{prefix}{number:06}"))
}

#[cfg(test)]
mod queue_tests {
    use super::*;

    fn item(filing: &str, filed_at: &str, due: Option<&str>) -> QueueItem {
        QueueItem {
            case: CaseView {
                filing: filing.into(),
                side: "cn".into(),
                outcome: "REVIEW".into(),
                status: CaseStatus::Open,
                decided_by: None,
                decided_at: None,
                conditions: Vec::new(),
                public_reasons: Vec::new(),
                log_index: None,
                signature: None,
            },
            filed_at: filed_at.into(),
            due: due.map(|d| QueueDue {
                date: d.parse().unwrap_or_default(),
                rule: "r".into(),
                citation: "c".into(),
                approximate: false,
            }),
        }
    }

    #[test]
    fn the_soonest_deadline_comes_first_then_the_oldest_filing() {
        let mut queue = [
            item("F-4", "2026-12-01T00:00:00Z", None),
            item("F-3", "2026-11-01T00:00:00Z", None),
            item("F-2", "2026-12-05T00:00:00Z", Some("2027-01-10")),
            item("F-1", "2026-12-06T00:00:00Z", Some("2026-12-20")),
        ];
        queue.sort_by(queue_order);
        let order: Vec<&str> = queue.iter().map(|q| q.case.filing.as_str()).collect();
        assert_eq!(order, ["F-1", "F-2", "F-3", "F-4"]);
    }

    #[test]
    fn the_earliest_dated_deadline_is_taken_and_undated_ones_are_not() {
        let due = serde_json::json!([
            { "what": "w", "counted": "after the offer is rejected", "citation": "A", "rule": "late" },
            { "what": "w", "due": "2037-03-01", "counted": "c", "citation": "B", "rule": "records" },
            { "what": "w", "due": "2027-03-01", "counted": "c", "citation": "C", "rule": "annual",
              "approximate": true },
        ]);
        let earliest = earliest_due(&due);
        assert_eq!(
            earliest
                .as_ref()
                .map(|d| (d.date.to_string(), d.rule.as_str(), d.approximate)),
            Some(("2027-03-01".to_owned(), "annual", true))
        );
        assert_eq!(earliest_due(&serde_json::json!([])), None);
        assert_eq!(earliest_due(&serde_json::Value::Null), None);
    }
}
