//! Chips at the port (issue 19 items 3–5): verified end users, the whitelist, bilateral review
//! and the end-use monitoring pilot, over the records of `freeport_chips::assurance`.
//!
//! - **Verification reports** are recorded only signed by a reviewer of *each* side: both sign
//!   the same `attestation` log entry ([`verification_entry`], claim `on_site_verification`,
//!   the report inside with its SHA-256) as a signed note with their registered Ed25519 key —
//!   the signing scheme of a reviewer's `decision` ([`decision_note_text`],
//!   [`verify_signed_decision`]), so an auditor checks both alike.
//! - **Cases** (`CC-<year>-<number>`): a whitelist application, a re-evaluation or an anomaly
//!   is decided by a CN and a US reviewer with the port's [`DecisionRequest`]: the `decision`
//!   entry built by [`decision_entry`] (the case id as `transfer_id`, judgement 1, the evidence
//!   SHA-256s as `attachments`), signed and verified as a filing's; a refusal publishes its
//!   reasons ([`reasons_publication_entry`](super::reasons_publication_entry)). One refusal refuses the case and closes the other
//!   side; both approvals settle it. The case sides are kept as a filing's (`CaseView`).
//! - **The whitelist**: an approved application lists the organisation for the class; an
//!   approved re-evaluation moves the next due date; a refused re-evaluation or anomaly removes
//!   the listing with the refusal's published reasons. A listing's status is computed from its
//!   dates when read (overdue → suspended), never by a job.
//! - **Monitoring**: devices of a listed organisation are registered; each attestation is
//!   checked, judged for plausibility and logged as an `attestation` entry (claim `end_use`);
//!   an anomalous one opens an anomaly case, and [`Port::chips_check_overdue`] opens one for
//!   each device whose next attestation is overdue.
//!
//! Every logged record queues its entries in the transaction that stores it; they are appended
//! after the commit, and by [`Port::open`] after a crash ([`append_pending`]).

use freeport_chips::assurance::RecordError;
use freeport_chips::assurance::monitoring::{Anomaly, Attestation, Device};
use freeport_chips::assurance::verification::VerificationReport;
use freeport_chips::assurance::whitelist::{
    Application, Listing, ListingStatus, MAX_VERIFICATION_AGE_DAYS, Removal,
};
use freeport_policy::Jurisdiction;
use freeport_store::chips::{
    AttestationRow, ChipsCase, DeviceRow, PendingChipsEntry, Verification,
};
use freeport_store::docket::Role;
use freeport_store::{Store, Tx};
use freeport_tlog::entry::{Entry, EntryType};
use freeport_tlog::note::{SigningKey, sign_note};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    CaseView, DECISION_CLOCK_SKEW_SECONDS, DecisionFields, DecisionRequest, Port, PortError,
    Principal, Verdict, check_decided_at, check_verdict, decision_entry, decision_note_text, hex,
    invalid, now, verify_signed_decision,
};
use crate::custody::DecisionForm;
use crate::home::PortLog;

/// The judgement a chips case is decided on: cases are not judged again, so always 1.
pub const CHIPS_JUDGEMENT: u64 = 1;

/// The fault point between a chips record's store transaction and the append of its entries.
pub const CHIPS_RECORDED: &str = "chips-recorded";

/// What a chips case is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChipsCaseKind {
    /// An organisation applies to be listed for a product class.
    WhitelistApplication,
    /// A listing's periodic re-evaluation.
    ReEvaluation,
    /// An anomalous or missed end-use attestation.
    Anomaly,
}

impl ChipsCaseKind {
    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::WhitelistApplication => "whitelist_application",
            Self::ReEvaluation => "re_evaluation",
            Self::Anomaly => "anomaly",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            Self::WhitelistApplication,
            Self::ReEvaluation,
            Self::Anomaly,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// A verification report as submitted: the report and a reviewer's signed note from each side
/// over its entry ([`verification_entry`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationSubmission {
    /// The report.
    pub report: VerificationReport,
    /// China's signing reviewer (a `cn_reviewer` account).
    pub cn_signer: String,
    /// Their signed note.
    pub cn_signature: String,
    /// The United States' signing reviewer (a `us_reviewer` account).
    pub us_signer: String,
    /// Their signed note.
    pub us_signature: String,
}

/// A recorded verification report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VerificationView {
    /// Its number.
    pub seq: u64,
    /// The report.
    pub report: VerificationReport,
    /// SHA-256 of the report's canonical JSON (what cases and the log name).
    pub report_sha256: String,
    /// No major or critical finding.
    pub satisfactory: bool,
    /// China's signer.
    pub cn_signer: String,
    /// The United States' signer.
    pub us_signer: String,
    /// When recorded.
    pub recorded_at: String,
    /// Its `attestation` entry's index in the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
}

/// A re-evaluation asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReEvaluationRequest {
    /// The organisation.
    pub organisation: String,
    /// The product class.
    pub product_class: String,
    /// The (new) signed verification report it rests on.
    pub verification: u64,
}

/// A chips case as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChipsCaseView {
    /// Id.
    pub id: String,
    /// What it is about.
    pub kind: ChipsCaseKind,
    /// The organisation.
    pub organisation: String,
    /// The product class.
    pub product_class: String,
    /// The verification's number, or the device's serial (anomaly).
    pub subject: String,
    /// The application, or the anomaly's description.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// The SHA-256s a decision binds (the report's, or the attestation's).
    pub evidence: Vec<String>,
    /// Who opened it (`port` when the port did).
    pub opened_by: String,
    /// When.
    pub opened_at: String,
    /// `in_review`, `approved` or `refused`.
    pub status: String,
    /// Each side's decision, `cn` first.
    pub sides: Vec<CaseView>,
}

impl ChipsCaseView {
    /// The kind's name.
    #[must_use]
    pub const fn kind_name(&self) -> &'static str {
        self.kind.as_str()
    }
}

/// A listing with its status on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListingView {
    /// The listing.
    pub listing: Listing,
    /// Its status on `as_of`.
    pub status: ListingStatus,
    /// The day the status is computed for.
    #[schema(value_type = String, format = Date)]
    pub as_of: Date,
    /// The case that listed it.
    pub case: String,
}

/// A recorded attestation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttestationView {
    /// 1, 2, … per device.
    pub seq: u64,
    /// The attestation.
    pub attestation: Attestation,
    /// SHA-256 of its canonical JSON.
    pub sha256: String,
    /// What is anomalous about it (empty when plausible).
    pub anomalies: Vec<Anomaly>,
    /// The anomaly case it opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Its `attestation` entry's index in the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
}

/// A registered device with its schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeviceView {
    /// The device.
    pub device: Device,
    /// When registered.
    pub registered_at: String,
    /// Who registered it.
    pub registered_by: String,
    /// The next attestation is due by this day.
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    /// Whether it is overdue today.
    pub overdue: bool,
    /// Its attestations, oldest first.
    pub attestations: Vec<AttestationView>,
}

fn record_error(e: RecordError) -> PortError {
    invalid(e.field, e.reason)
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn canonical<T: Serialize>(value: &T) -> Result<(Vec<u8>, serde_json::Value), PortError> {
    let value = serde_json::to_value(value).map_err(|e| PortError::Internal(e.to_string()))?;
    let bytes =
        serde_json_canonicalizer::to_vec(&value).map_err(|e| PortError::Internal(e.to_string()))?;
    Ok((bytes, value))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The `attestation` log entry of a verification report signed by `cn_signer` and
/// `us_signer`: the entry both sign and the port appends (one builder for the signers' client,
/// the port and an auditor).
///
/// # Errors
///
/// [`PortError::Invalid`] on `report` when the entry cannot be built (too large for the log).
pub fn verification_entry(
    report: &VerificationReport,
    cn_signer: &str,
    us_signer: &str,
) -> Result<Vec<u8>, PortError> {
    let (bytes, value) = canonical(report)?;
    let body = serde_json::json!({
        "subject": format!("organisation:{}", report.organisation),
        "claim": "on_site_verification",
        "attester": format!("cn:{cn_signer} us:{us_signer}"),
        "evidence_sha256": sha256_hex(&bytes),
        "attested_at": format!("{}T00:00:00Z", report.visited_on),
        "report": value,
    });
    Entry::new(EntryType::Attestation, body)
        .and_then(|e| e.to_bytes())
        .map_err(|e| invalid("report", e.to_string()))
}

/// A reviewer's signed note over a verification report's entry: what each side sends.
///
/// # Errors
///
/// As [`verification_entry`]; [`PortError::Log`] when `key` cannot sign.
pub fn sign_verification(
    report: &VerificationReport,
    cn_signer: &str,
    us_signer: &str,
    key: &SigningKey,
) -> Result<String, PortError> {
    let entry = verification_entry(report, cn_signer, us_signer)?;
    Ok(sign_note(&decision_note_text(&entry), key, "verification")?)
}

/// The `attestation` log entry of an end-use attestation.
fn attestation_entry(
    attestation: &Attestation,
    sha256: &str,
    attester: &str,
    anomalies: &[Anomaly],
) -> Result<Vec<u8>, PortError> {
    let body = serde_json::json!({
        "subject": format!("device:{}", attestation.serial),
        "claim": "end_use",
        "attester": attester,
        "evidence_sha256": sha256,
        "attested_at": attestation.attested_at.to_string(),
        "token_sha256": attestation.token_sha256,
        "location_plausible": anomalies.is_empty(),
        "anomalies": anomalies.iter().map(Anomaly::describe).collect::<Vec<_>>(),
    });
    Entry::new(EntryType::Attestation, body)
        .and_then(|e| e.to_bytes())
        .map_err(|e| invalid("attestation", e.to_string()))
}

/// The request that decides a chips case's `side` as `reviewer`, signed with `key`: the chips
/// counterpart of [`crate::custody::signed_decision`], over the same entry builder.
///
/// # Errors
///
/// [`PortError::Invalid`] when the entry cannot be built; [`PortError::Log`] when `key` cannot
/// sign.
pub fn signed_case_decision(
    case: &ChipsCaseView,
    side: Jurisdiction,
    reviewer: &str,
    form: &DecisionForm,
    key: &SigningKey,
    decided_at: String,
) -> Result<DecisionRequest, PortError> {
    let entry = case_entry(
        &case.id,
        side,
        reviewer,
        form.verdict,
        &form.conditions,
        &form.public_reasons,
        &decided_at,
        &case.evidence,
    )?;
    let signed_note = sign_note(&decision_note_text(&entry), key, "decision")?;
    Ok(DecisionRequest {
        verdict: form.verdict,
        conditions: form.conditions.clone(),
        public_reasons: form.public_reasons.clone(),
        decided_at,
        judgement: CHIPS_JUDGEMENT,
        attachments: case.evidence.clone(),
        signed_note,
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "the fields of one decision entry, named at each call"
)]
fn case_entry(
    id: &str,
    side: Jurisdiction,
    reviewer: &str,
    verdict: Verdict,
    conditions: &[String],
    public_reasons: &[String],
    decided_at: &str,
    evidence: &[String],
) -> Result<Vec<u8>, PortError> {
    decision_entry(&DecisionFields {
        filing: id,
        side,
        reviewer,
        verdict,
        conditions,
        public_reasons,
        decided_at,
        rule_packs: &[],
        judgement: CHIPS_JUDGEMENT,
        attachments: evidence,
    })
}

/// Appends every chips entry a crash left queued (or finds it appended) and marks it: called
/// by [`Port::open`].
///
/// # Errors
///
/// The store or the log fails.
pub(crate) fn append_pending(store: &mut Store, log: &mut PortLog) -> Result<(), PortError> {
    for pending in store.transaction(|tx| tx.pending_chips_entries())? {
        match pending {
            PendingChipsEntry::Verification(seq, entry) => {
                let index = log.append_once(&entry)?;
                store.transaction(|tx| tx.set_chips_verification_log_index(seq, index))?;
            }
            PendingChipsEntry::Attestation(serial, seq, entry) => {
                let index = log.append_once(&entry)?;
                store.transaction(|tx| tx.set_chips_attestation_log_index(&serial, seq, index))?;
            }
            PendingChipsEntry::Decision(id, side, entry, publication) => {
                let index = log.append_once(&entry)?;
                if let Some(publication) = &publication {
                    log.append_once(publication)?;
                }
                store.transaction(|tx| tx.set_chips_case_log_index(&id, &side, index))?;
            }
        }
    }
    Ok(())
}

const REVIEWERS_AND_ADMIN: &[Role] = &[Role::CnReviewer, Role::UsReviewer, Role::Admin];
const READERS: &[Role] = &[
    Role::Exporter,
    Role::CnReviewer,
    Role::UsReviewer,
    Role::Auditor,
    Role::Admin,
];

/// The organisation an exporter's lists are limited to (`None`: every organisation's).
fn exporter_organisation(who: &Principal) -> Option<String> {
    (who.role == Role::Exporter).then(|| who.organisation.clone().unwrap_or_default())
}

/// An exporter acts for its own organisation only; others for any.
fn check_tenancy(who: &Principal, organisation: &str, what: &'static str) -> Result<(), PortError> {
    if who.role == Role::Exporter && who.organisation.as_deref() != Some(organisation) {
        return Err(PortError::NotFound {
            what,
            id: organisation.to_owned(),
        });
    }
    Ok(())
}

impl Port {
    /// Appends `entries` as one batch, has the checkpoint cosigned (a witness that is down
    /// leaves it pending) and returns the first entry's index.
    fn append_chips(&self, entries: &[&[u8]]) -> Result<u64, PortError> {
        crate::fault::abort_at(CHIPS_RECORDED);
        let mut log = self.log()?;
        let index = log.append_batch(entries)?;
        log.cosign_pending()?;
        Ok(index)
    }

    fn require_log(&self) -> Result<(), PortError> {
        if self.log.is_none() {
            return Err(PortError::Internal(
                "the port was opened without its log; chips records are logged".to_owned(),
            ));
        }
        Ok(())
    }

    /// Records an on-site verification report signed by a reviewer of each side (reviewers and
    /// administrators submit it): the report checked whole, each signer a reviewer of their
    /// side with a registered key whose signed note covers this report's entry.
    ///
    /// # Errors
    ///
    /// Another role; a field of the report ([`PortError::Invalid`] naming it); a missing,
    /// one-sided or wrong signature (`cn_signature`, `us_signature`); store or log failures.
    pub fn record_verification(
        &self,
        who: &Principal,
        submission: &VerificationSubmission,
    ) -> Result<VerificationView, PortError> {
        Self::require(who, REVIEWERS_AND_ADMIN, "record verification reports")?;
        self.require_log()?;
        let report = &submission.report;
        report
            .check(today())
            .map_err(|e| invalid(format!("report.{}", e.field), e.reason))?;
        for (field, note) in [
            ("cn_signature", &submission.cn_signature),
            ("us_signature", &submission.us_signature),
        ] {
            if note.trim().is_empty() {
                return Err(invalid(
                    field,
                    "a verification report is signed by a reviewer of each side; this side's \
                     signature is missing",
                ));
            }
        }
        let entry = verification_entry(report, &submission.cn_signer, &submission.us_signer)?;
        let (bytes, _) = canonical(report)?;
        let report_sha256 = sha256_hex(&bytes);
        let at = now();
        let stored = self.store()?.transaction(|tx| {
            let mut keys = Vec::new();
            for (field, signer, role) in [
                ("cn", &submission.cn_signer, Role::CnReviewer),
                ("us", &submission.us_signer, Role::UsReviewer),
            ] {
                let account = tx
                    .account(signer)?
                    .filter(|a| a.revoked_at.is_none() && a.role == role)
                    .ok_or_else(|| {
                        invalid(
                            format!("{field}_signer"),
                            format!("`{signer}` is not an active `{role}` account"),
                        )
                    })?;
                keys.push(account.public_key);
            }
            for ((field, note), key) in [
                ("cn", &submission.cn_signature),
                ("us", &submission.us_signature),
            ]
            .into_iter()
            .zip(keys)
            {
                verify_signed_decision(&entry, note, key.as_deref()).map_err(|e| match e {
                    PortError::Invalid { reason, .. } => {
                        invalid(format!("{field}_signature"), reason)
                    }
                    other => other,
                })?;
            }
            let mut row = Verification {
                seq: 0,
                organisation: report.organisation.clone(),
                visited_on: report.visited_on.to_string(),
                report: String::from_utf8_lossy(&bytes).into_owned(),
                report_sha256: report_sha256.clone(),
                cn_signer: submission.cn_signer.clone(),
                cn_signature: submission.cn_signature.clone(),
                us_signer: submission.us_signer.clone(),
                us_signature: submission.us_signature.clone(),
                recorded_by: who.account.clone(),
                recorded_at: at.clone(),
                log_entry: entry.clone(),
                log_index: None,
            };
            row.seq = tx.insert_chips_verification(&row)?;
            tx.journal(
                &at,
                &who.account,
                "chips.verification.record",
                &format!("verification/{}", row.seq),
            )?;
            Ok::<_, PortError>(row)
        })?;
        let index = self.append_chips(&[&entry])?;
        self.store()?
            .transaction(|tx| tx.set_chips_verification_log_index(stored.seq, index))?;
        verification_view(Verification {
            log_index: Some(index),
            ..stored
        })
    }

    /// Verification reports (an exporter sees its organisation's).
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn chips_verifications(&self, who: &Principal) -> Result<Vec<VerificationView>, PortError> {
        Self::require(who, READERS, "read verification reports")?;
        let org = exporter_organisation(who);
        let rows = self
            .store()?
            .transaction(|tx| tx.chips_verifications(org.as_deref()))?;
        rows.into_iter().map(verification_view).collect()
    }

    /// Applies for a listing (the organisation's exporter, or an administrator): opens a case
    /// both sides decide, resting on a satisfactory verification report of that organisation,
    /// covering the class, made within the last year.
    ///
    /// # Errors
    ///
    /// Another role or organisation; a bad field; no such report, or one that does not support
    /// listing; the class listed already or an application open.
    pub fn chips_apply(
        &self,
        who: &Principal,
        application: &Application,
    ) -> Result<ChipsCaseView, PortError> {
        Self::require(who, &[Role::Exporter, Role::Admin], "apply for listings")?;
        check_tenancy(who, &application.organisation, "organisation")?;
        application.check().map_err(record_error)?;
        let today = today();
        self.store()?.transaction(|tx| {
            let report = usable_verification(
                tx,
                application.verification,
                &application.organisation,
                &application.product_class,
                today,
            )?;
            if let Some(current) =
                tx.chips_listing(&application.organisation, &application.product_class)?
            {
                let listing = parse_listing(&current.listing)?;
                if listing.status(today) != ListingStatus::Expired {
                    return Err(PortError::Conflict {
                        what: "listing",
                        id: format!("{}/{}", application.organisation, application.product_class),
                        reason: format!(
                            "is {} already; ask for a re-evaluation instead",
                            listing.status(today).as_str()
                        ),
                    });
                }
            }
            let subject = format!("{}/{}", application.organisation, application.product_class);
            if let Some(open) = tx
                .open_chips_cases_about(ChipsCaseKind::WhitelistApplication.as_str(), &subject)?
                .first()
            {
                return Err(PortError::Conflict {
                    what: "application",
                    id: subject,
                    reason: format!("is in review already as {open}"),
                });
            }
            let detail = serde_json::to_string(application)
                .map_err(|e| PortError::Internal(e.to_string()))?;
            self.open_chips_case(
                tx,
                who,
                ChipsCaseKind::WhitelistApplication,
                &application.organisation,
                &application.product_class,
                &subject,
                detail,
                vec![report.report_sha256],
            )
        })
    }

    /// Asks for a listing's re-evaluation on a new signed verification report (the
    /// organisation's exporter, a reviewer or an administrator): opens a case.
    ///
    /// # Errors
    ///
    /// As [`Port::chips_apply`]; no current listing (removed or expired ones are applied for
    /// again).
    pub fn chips_reevaluate(
        &self,
        who: &Principal,
        request: &ReEvaluationRequest,
    ) -> Result<ChipsCaseView, PortError> {
        Self::require(
            who,
            &[
                Role::Exporter,
                Role::CnReviewer,
                Role::UsReviewer,
                Role::Admin,
            ],
            "ask for re-evaluations",
        )?;
        check_tenancy(who, &request.organisation, "organisation")?;
        let today = today();
        self.store()?.transaction(|tx| {
            let subject = format!("{}/{}", request.organisation, request.product_class);
            let listing = tx
                .chips_listing(&request.organisation, &request.product_class)?
                .ok_or_else(|| PortError::NotFound {
                    what: "listing",
                    id: subject.clone(),
                })?;
            let status = parse_listing(&listing.listing)?.status(today);
            if status == ListingStatus::Expired {
                return Err(PortError::Conflict {
                    what: "listing",
                    id: subject,
                    reason: "has expired; apply again".to_owned(),
                });
            }
            let report = usable_verification(
                tx,
                request.verification,
                &request.organisation,
                &request.product_class,
                today,
            )?;
            if let Some(open) = tx
                .open_chips_cases_about(ChipsCaseKind::ReEvaluation.as_str(), &subject)?
                .first()
            {
                return Err(PortError::Conflict {
                    what: "re-evaluation",
                    id: subject,
                    reason: format!("is in review already as {open}"),
                });
            }
            let detail =
                serde_json::to_string(request).map_err(|e| PortError::Internal(e.to_string()))?;
            self.open_chips_case(
                tx,
                who,
                ChipsCaseKind::ReEvaluation,
                &request.organisation,
                &request.product_class,
                &subject,
                detail,
                vec![report.report_sha256],
            )
        })
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the columns of one case, named at each call"
    )]
    fn open_chips_case(
        &self,
        tx: &mut Tx<'_>,
        who: &Principal,
        kind: ChipsCaseKind,
        organisation: &str,
        product_class: &str,
        subject: &str,
        detail: String,
        evidence: Vec<String>,
    ) -> Result<ChipsCaseView, PortError> {
        let at = now();
        let year = today().year();
        let prefix = format!("CC-{year}-");
        let number = tx.next_chips_case_number(&prefix)?;
        let case = ChipsCase {
            id: format!("{prefix}{number:04}"),
            kind: kind.as_str().to_owned(),
            organisation: organisation.to_owned(),
            product_class: product_class.to_owned(),
            subject: subject.to_owned(),
            detail,
            evidence,
            opened_by: who.account.clone(),
            opened_at: at.clone(),
            status: "in_review".to_owned(),
        };
        tx.insert_chips_case(&case)?;
        tx.journal(
            &at,
            &who.account,
            &format!("chips.case.{}", kind.as_str()),
            &case.id,
        )?;
        let sides = tx.chips_case_sides(&case.id)?;
        case_view(case, sides)
    }

    /// Chips cases: every one for reviewers, auditors and administrators; an exporter its
    /// organisation's.
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn chips_cases(&self, who: &Principal) -> Result<Vec<ChipsCaseView>, PortError> {
        Self::require(who, READERS, "read chips cases")?;
        let org = exporter_organisation(who);
        self.store()?.transaction(|tx| {
            let cases = tx.chips_cases(org.as_deref())?;
            cases
                .into_iter()
                .map(|c| {
                    let sides = tx.chips_case_sides(&c.id)?;
                    case_view(c, sides)
                })
                .collect()
        })
    }

    /// One chips case, if the caller may see it.
    ///
    /// # Errors
    ///
    /// [`PortError::NotFound`]; the store fails.
    pub fn chips_case(&self, who: &Principal, id: &str) -> Result<ChipsCaseView, PortError> {
        Self::require(who, READERS, "read chips cases")?;
        self.store()?.transaction(|tx| visible_case(tx, who, id))
    }

    /// Decides the caller's side of a chips case, as [`Port::decide`] does a filing's: the
    /// reviewer's signed `decision` entry is checked against their registered key; one
    /// refusal refuses the case (its reasons published; a re-evaluation or anomaly removes the
    /// listing with them), two approvals settle it (an application lists the organisation, a
    /// re-evaluation moves the due date).
    ///
    /// # Errors
    ///
    /// Not a reviewer; no such case; bad fields or signature; decided already; evidence or
    /// judgement other than the case's; store or log failures.
    pub fn chips_decide(
        &self,
        who: &Principal,
        id: &str,
        request: &DecisionRequest,
    ) -> Result<CaseView, PortError> {
        Self::require(who, &[Role::CnReviewer, Role::UsReviewer], "decide cases")?;
        self.require_log()?;
        let side = who
            .side()
            .ok_or_else(|| PortError::Internal("a reviewer without a side".into()))?;
        let at = now();
        let today = today();
        let (entry, publication, view) = self.store()?.transaction(|tx| {
            let case = tx.chips_case(id)?.ok_or_else(|| PortError::NotFound {
                what: "chips case",
                id: id.to_owned(),
            })?;
            check_verdict(request)?;
            check_decided_at(&request.decided_at)?;
            let entry = case_entry(
                id,
                side,
                &who.account,
                request.verdict,
                &request.conditions,
                &request.public_reasons,
                &request.decided_at,
                &request.attachments,
            )?;
            let account = tx
                .account(&who.account)?
                .ok_or(PortError::Unauthenticated)?;
            verify_signed_decision(&entry, &request.signed_note, account.public_key.as_deref())?;
            if request.judgement != CHIPS_JUDGEMENT || request.attachments != case.evidence {
                return Err(PortError::Conflict {
                    what: "chips case",
                    id: id.to_owned(),
                    reason: "is decided on its own evidence (judgement 1 and the evidence \
                             SHA-256s the case lists); read it again"
                        .to_owned(),
                });
            }
            if case.status != "in_review" {
                return Err(PortError::Conflict {
                    what: "chips case",
                    id: id.to_owned(),
                    reason: format!("is {} already", case.status),
                });
            }
            let publication = request.reasons_entry(id, side)?;
            let decided = tx.decide_chips_case_side(
                id,
                side.as_str(),
                &request.stored(&who.account, &entry, publication.as_deref()),
            )?;
            if !decided {
                return Err(super::decided_already(id, side));
            }
            let kind = ChipsCaseKind::parse(&case.kind)
                .ok_or_else(|| PortError::Internal(format!("case {id} of kind {}", case.kind)))?;
            let sides = tx.chips_case_sides(id)?;
            if request.verdict == Verdict::Refuse {
                tx.close_open_chips_sides(id)?;
                tx.set_chips_case_status(id, "refused")?;
                if kind != ChipsCaseKind::WhitelistApplication {
                    remove_listing(tx, &case, today, &request.public_reasons)?;
                }
                tx.journal(&at, &who.account, "chips.case.refuse", id)?;
            } else if sides.iter().all(|s| s.status.is_approval()) {
                tx.set_chips_case_status(id, "approved")?;
                settle_approved(tx, &case, kind, today)?;
                tx.journal(&at, &who.account, "chips.case.approve", id)?;
            }
            tx.journal(
                &at,
                &who.account,
                &format!("case.{}", request.verdict.log_outcome()),
                &format!("{id}/{side}"),
            )?;
            let view = tx
                .chips_case_sides(id)?
                .into_iter()
                .find(|c| c.side == side.as_str())
                .map(CaseView::from)
                .ok_or_else(|| PortError::Internal("the decided case vanished".into()))?;
            Ok::<_, PortError>((entry, publication, view))
        })?;
        let mut entries: Vec<&[u8]> = vec![&entry];
        entries.extend(publication.as_deref());
        let index = self.append_chips(&entries)?;
        self.store()?
            .transaction(|tx| tx.set_chips_case_log_index(id, side.as_str(), index))?;
        Ok(CaseView {
            log_index: Some(index),
            ..view
        })
    }

    /// Decides the caller's side of a chips case with the key the port holds for them (the
    /// dashboard's path), checked by [`Port::chips_decide`] as any other decision.
    ///
    /// # Errors
    ///
    /// The port holds no key for the caller; as [`Port::chips_decide`].
    pub fn chips_decide_with_port_key(
        &self,
        who: &Principal,
        id: &str,
        form: &DecisionForm,
    ) -> Result<CaseView, PortError> {
        let (side, key) = self.deciding_key(who)?;
        let case = self.chips_case(who, id)?;
        let request = signed_case_decision(&case, side, &who.account, form, &key, now())?;
        self.chips_decide(who, id, &request)
    }

    /// The whitelist, every listing with its status on `on` (default: today, by the port's
    /// clock): overdue re-evaluations read as suspended. Any account may read it.
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn chips_whitelist(
        &self,
        who: &Principal,
        on: Option<Date>,
    ) -> Result<Vec<ListingView>, PortError> {
        Self::require(who, READERS, "read the whitelist")?;
        let as_of = on.unwrap_or_else(today);
        let rows = self.store()?.transaction(|tx| tx.chips_listings())?;
        rows.into_iter()
            .map(|row| {
                let listing = parse_listing(&row.listing)?;
                Ok(ListingView {
                    status: listing.status(as_of),
                    listing,
                    as_of,
                    case: row.case_id,
                })
            })
            .collect()
    }

    /// Registers a device for monitoring (the organisation's exporter, or an administrator):
    /// the organisation must be listed for the device's class today.
    ///
    /// # Errors
    ///
    /// Another role or organisation; a bad field; no listing in force; a known serial.
    pub fn chips_register_device(
        &self,
        who: &Principal,
        device: &Device,
    ) -> Result<DeviceView, PortError> {
        Self::require(who, &[Role::Exporter, Role::Admin], "register devices")?;
        check_tenancy(who, &device.organisation, "organisation")?;
        device.check().map_err(record_error)?;
        let at = now();
        let today = today();
        self.store()?.transaction(|tx| {
            let listed = tx
                .chips_listing(&device.organisation, &device.product_class)?
                .map(|row| parse_listing(&row.listing))
                .transpose()?
                .map(|l| l.status(today));
            if listed != Some(ListingStatus::Listed) {
                return Err(invalid(
                    "product_class",
                    format!(
                        "`{}` is not listed for `{}` today ({}): only listed organisations' \
                         devices join the pilot",
                        device.organisation,
                        device.product_class,
                        listed.map_or("never listed", ListingStatus::as_str)
                    ),
                ));
            }
            let row = DeviceRow {
                serial: device.serial.clone(),
                organisation: device.organisation.clone(),
                device: serde_json::to_string(device)
                    .map_err(|e| PortError::Internal(e.to_string()))?,
                registered_by: who.account.clone(),
                registered_at: at.clone(),
            };
            tx.insert_chips_device(&row)?;
            tx.journal(&at, &who.account, "chips.device.register", &device.serial)?;
            device_view(row, Vec::new(), today)
        })
    }

    /// Registered devices with their schedule and attestations (an exporter sees its
    /// organisation's).
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn chips_devices(&self, who: &Principal) -> Result<Vec<DeviceView>, PortError> {
        Self::require(who, READERS, "read devices")?;
        let org = exporter_organisation(who);
        let today = today();
        self.store()?.transaction(|tx| {
            let rows = tx.chips_devices(org.as_deref())?;
            rows.into_iter()
                .map(|row| {
                    let attestations = tx.chips_attestations(&row.serial)?;
                    device_view(row, attestations, today)
                })
                .collect()
        })
    }

    /// Records an end-use attestation for a registered device of the caller's organisation:
    /// checked, judged for plausibility against the device's site, logged as an `attestation`
    /// entry; an anomalous one opens an anomaly case (unless one is open for the device).
    ///
    /// # Errors
    ///
    /// Not the device's exporter; an unregistered device ([`PortError::NotFound`] naming the
    /// serial); a bad field; store or log failures.
    pub fn chips_attest(
        &self,
        who: &Principal,
        attestation: &Attestation,
    ) -> Result<AttestationView, PortError> {
        Self::require(who, &[Role::Exporter], "submit attestations")?;
        self.require_log()?;
        let at = now();
        let (bytes, _) = canonical(attestation)?;
        let sha256 = sha256_hex(&bytes);
        let (view, entry) = self.store()?.transaction(|tx| {
            let row = tx
                .chips_devices(who.organisation.as_deref())?
                .into_iter()
                .find(|d| d.serial == attestation.serial)
                .ok_or_else(|| PortError::NotFound {
                    what: "registered device",
                    id: attestation.serial.clone(),
                })?;
            let device: Device = parse_json(&row.device, "device")?;
            let registered: jiff::Timestamp = row
                .registered_at
                .parse()
                .map_err(|e| PortError::Internal(format!("device registered at: {e}")))?;
            // The device's clock may be a little ahead of or behind the port's.
            let skew = jiff::SignedDuration::from_secs(DECISION_CLOCK_SKEW_SECONDS);
            attestation
                .check(
                    registered.checked_sub(skew).unwrap_or(jiff::Timestamp::MIN),
                    jiff::Timestamp::now()
                        .checked_add(skew)
                        .unwrap_or(jiff::Timestamp::MAX),
                )
                .map_err(record_error)?;
            // Attestations follow one another: one measured before the last is refused, so the
            // schedule (due a period after the last) cannot be moved back.
            if let Some(last) = tx.chips_attestations(&attestation.serial)?.last() {
                let after: jiff::Timestamp = last
                    .attested_at
                    .parse()
                    .map_err(|e| PortError::Internal(format!("stored attestation time: {e}")))?;
                if attestation.attested_at <= after {
                    return Err(invalid(
                        "attested_at",
                        format!(
                            "{} is not after the device's last attestation ({after})",
                            attestation.attested_at
                        ),
                    ));
                }
            }
            let anomalies = attestation.anomalies(&device.location);
            let entry = attestation_entry(attestation, &sha256, &who.account, &anomalies)?;
            let seq = tx.insert_chips_attestation(&AttestationRow {
                serial: attestation.serial.clone(),
                seq: 0,
                attested_at: attestation.attested_at.to_string(),
                record: String::from_utf8_lossy(&bytes).into_owned(),
                record_sha256: sha256.clone(),
                anomalies: serde_json::to_string(&anomalies)
                    .map_err(|e| PortError::Internal(e.to_string()))?,
                submitted_by: who.account.clone(),
                submitted_at: at.clone(),
                log_entry: entry.clone(),
                log_index: None,
            })?;
            tx.journal(
                &at,
                &who.account,
                "chips.attestation.record",
                &format!("{}#{seq}", attestation.serial),
            )?;
            let case = if anomalies.is_empty() {
                None
            } else {
                self.open_anomaly(
                    tx,
                    &device,
                    serde_json::json!({
                        "attestation": seq,
                        "anomalies": anomalies.iter().map(Anomaly::describe).collect::<Vec<_>>(),
                    }),
                    vec![sha256.clone()],
                )?
            };
            Ok::<_, PortError>((
                AttestationView {
                    seq,
                    attestation: attestation.clone(),
                    sha256: sha256.clone(),
                    anomalies,
                    case,
                    log_index: None,
                },
                entry,
            ))
        })?;
        let index = self.append_chips(&[&entry])?;
        self.store()?.transaction(|tx| {
            tx.set_chips_attestation_log_index(&attestation.serial, view.seq, index)
        })?;
        Ok(AttestationView {
            log_index: Some(index),
            ..view
        })
    }

    /// Opens an anomaly case for every device whose next attestation is overdue today and
    /// has no anomaly case open (reviewers and administrators; run by the server, or asked
    /// for): the ids opened.
    ///
    /// # Errors
    ///
    /// Another role; the store fails.
    pub fn chips_check_overdue(&self, who: &Principal) -> Result<Vec<String>, PortError> {
        Self::require(who, REVIEWERS_AND_ADMIN, "open anomaly cases")?;
        let today = today();
        self.store()?.transaction(|tx| {
            let mut opened = Vec::new();
            for row in tx.chips_devices(None)? {
                let attestations = tx.chips_attestations(&row.serial)?;
                let view = device_view(row, attestations, today)?;
                if !view.overdue {
                    continue;
                }
                let detail = serde_json::json!({
                    "missed": format!("no attestation since it was due on {}", view.due),
                });
                if let Some(id) = self.open_anomaly(tx, &view.device, detail, Vec::new())? {
                    opened.push(id);
                }
            }
            Ok(opened)
        })
    }

    /// Opens an anomaly case about `device` unless one is open; its id when opened.
    fn open_anomaly(
        &self,
        tx: &mut Tx<'_>,
        device: &Device,
        detail: serde_json::Value,
        evidence: Vec<String>,
    ) -> Result<Option<String>, PortError> {
        let kind = ChipsCaseKind::Anomaly;
        if !tx
            .open_chips_cases_about(kind.as_str(), &device.serial)?
            .is_empty()
        {
            return Ok(None);
        }
        let port = Principal {
            account: "port".to_owned(),
            role: Role::Admin,
            organisation: None,
        };
        let view = self.open_chips_case(
            tx,
            &port,
            kind,
            &device.organisation,
            &device.product_class,
            &device.serial,
            detail.to_string(),
            evidence,
        )?;
        Ok(Some(view.id))
    }
}

/// The verification report `seq` if it supports a listing of `organisation` for
/// `product_class` on `today`.
fn usable_verification(
    tx: &mut Tx<'_>,
    seq: u64,
    organisation: &str,
    product_class: &str,
    today: Date,
) -> Result<Verification, PortError> {
    let row = tx
        .chips_verification(seq)?
        .filter(|v| v.organisation == organisation)
        .ok_or_else(|| {
            invalid(
                "verification",
                format!("no verification report {seq} of `{organisation}`"),
            )
        })?;
    let report: VerificationReport = parse_json(&row.report, "verification report")?;
    if !report.covers(product_class) {
        return Err(invalid(
            "verification",
            format!("report {seq} does not cover `{product_class}`"),
        ));
    }
    if !report.satisfactory() {
        return Err(invalid(
            "verification",
            format!("report {seq} has a major or critical finding: verify again after correction"),
        ));
    }
    let oldest = today
        .checked_sub(jiff::ToSpan::days(MAX_VERIFICATION_AGE_DAYS))
        .unwrap_or(Date::MIN);
    if report.visited_on < oldest {
        return Err(invalid(
            "verification",
            format!(
                "report {seq} is of a visit on {}, more than {MAX_VERIFICATION_AGE_DAYS} days ago",
                report.visited_on
            ),
        ));
    }
    Ok(row)
}

fn parse_json<T: for<'de> Deserialize<'de>>(text: &str, what: &str) -> Result<T, PortError> {
    serde_json::from_str(text).map_err(|e| PortError::Internal(format!("stored {what}: {e}")))
}

fn parse_listing(text: &str) -> Result<Listing, PortError> {
    parse_json(text, "listing")
}

/// Both sides approved `case`: list, or move the re-evaluation date.
fn settle_approved(
    tx: &mut Tx<'_>,
    case: &ChipsCase,
    kind: ChipsCaseKind,
    today: Date,
) -> Result<(), PortError> {
    match kind {
        ChipsCaseKind::WhitelistApplication => {
            let application: Application = parse_json(&case.detail, "application")?;
            let listing = application.listing(today).map_err(record_error)?;
            if let Some(old) = tx.chips_listing(&case.organisation, &case.product_class)? {
                // An expired listing gives way to the new one (kept, marked removed).
                tx.update_chips_listing(old.seq, &old.listing, true)?;
            }
            let text =
                serde_json::to_string(&listing).map_err(|e| PortError::Internal(e.to_string()))?;
            tx.insert_chips_listing(&case.organisation, &case.product_class, &text, &case.id)?;
        }
        ChipsCaseKind::ReEvaluation => {
            let row = tx
                .chips_listing(&case.organisation, &case.product_class)?
                .ok_or_else(|| PortError::Conflict {
                    what: "listing",
                    id: format!("{}/{}", case.organisation, case.product_class),
                    reason: "is no longer current".to_owned(),
                })?;
            let listing = parse_listing(&row.listing)?
                .reevaluated(today)
                .map_err(record_error)?;
            let text =
                serde_json::to_string(&listing).map_err(|e| PortError::Internal(e.to_string()))?;
            tx.update_chips_listing(row.seq, &text, false)?;
        }
        ChipsCaseKind::Anomaly => {}
    }
    Ok(())
}

/// A refused re-evaluation or confirmed anomaly: the current listing is removed with the
/// refusal's published reasons.
fn remove_listing(
    tx: &mut Tx<'_>,
    case: &ChipsCase,
    today: Date,
    reasons: &[String],
) -> Result<(), PortError> {
    let Some(row) = tx.chips_listing(&case.organisation, &case.product_class)? else {
        return Ok(());
    };
    let listing = Listing {
        removal: Some(Removal {
            on: today,
            case: case.id.clone(),
            reasons: reasons.to_vec(),
        }),
        ..parse_listing(&row.listing)?
    };
    let text = serde_json::to_string(&listing).map_err(|e| PortError::Internal(e.to_string()))?;
    tx.update_chips_listing(row.seq, &text, true)?;
    Ok(())
}

fn visible_case(tx: &mut Tx<'_>, who: &Principal, id: &str) -> Result<ChipsCaseView, PortError> {
    let case = tx
        .chips_case(id)?
        .filter(|c| {
            who.role != Role::Exporter || who.organisation.as_deref() == Some(&c.organisation)
        })
        .ok_or_else(|| PortError::NotFound {
            what: "chips case",
            id: id.to_owned(),
        })?;
    let sides = tx.chips_case_sides(id)?;
    case_view(case, sides)
}

fn case_view(
    case: ChipsCase,
    sides: Vec<freeport_store::docket::CaseSide>,
) -> Result<ChipsCaseView, PortError> {
    let kind = ChipsCaseKind::parse(&case.kind)
        .ok_or_else(|| PortError::Internal(format!("case {} of kind {}", case.id, case.kind)))?;
    Ok(ChipsCaseView {
        kind,
        detail: parse_json(&case.detail, "case detail")?,
        id: case.id,
        organisation: case.organisation,
        product_class: case.product_class,
        subject: case.subject,
        evidence: case.evidence,
        opened_by: case.opened_by,
        opened_at: case.opened_at,
        status: case.status,
        sides: sides.into_iter().map(CaseView::from).collect(),
    })
}

fn verification_view(row: Verification) -> Result<VerificationView, PortError> {
    let report: VerificationReport = parse_json(&row.report, "verification report")?;
    Ok(VerificationView {
        seq: row.seq,
        satisfactory: report.satisfactory(),
        report,
        report_sha256: row.report_sha256,
        cn_signer: row.cn_signer,
        us_signer: row.us_signer,
        recorded_at: row.recorded_at,
        log_index: row.log_index,
    })
}

fn device_view(
    row: DeviceRow,
    attestations: Vec<AttestationRow>,
    today: Date,
) -> Result<DeviceView, PortError> {
    let device: Device = parse_json(&row.device, "device")?;
    let last = attestations
        .last()
        .map_or(row.registered_at.as_str(), |a| a.attested_at.as_str());
    let since = last
        .parse::<jiff::Timestamp>()
        .map_err(|e| PortError::Internal(format!("stored time `{last}`: {e}")))?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let due = device.due(since);
    let attestations = attestations
        .into_iter()
        .map(|a| {
            Ok(AttestationView {
                seq: a.seq,
                attestation: parse_json(&a.record, "attestation")?,
                sha256: a.record_sha256,
                anomalies: parse_json(&a.anomalies, "anomalies")?,
                case: None,
                log_index: a.log_index,
            })
        })
        .collect::<Result<Vec<_>, PortError>>()?;
    Ok(DeviceView {
        device,
        registered_at: row.registered_at,
        registered_by: row.registered_by,
        due,
        overdue: today > due,
        attestations,
    })
}
