//! Contested classifications (issue 13 item 6): an exporter contests how one entry of its
//! filing's inventory was classified (a `name` column that holds airport names is not a
//! person's name), with a justification; a reviewer of a side with a case accepts or rejects it
//! with a reason. An acceptance is an **override**: recorded (who, when, what, why), logged as an
//! `override` entry, and the filing is **judged again** under both packs against the port's
//! volumes as they are now, with the inventory reclassified by every override accepted so far.
//!
//! # Judged again
//!
//! The new judgement replaces the per-side outcomes and gets the next version
//! ([`FilingView::judgement`](super::FilingView::judgement)). A side that no longer needs review
//! is closed; a side that does is (re)opened with its new outcome — an approval made on an
//! earlier judgement does not carry over (its signed entry stays in the log, and the journal
//! says the case was reopened), and a decision request naming an earlier judgement is refused
//! with a conflict. A filing none of whose sides needs review any more is cleared by the rules,
//! with a `decision` entry as if cleared at once. Rejected and pending contests change nothing.
//!
//! # Why an `override` entry, not a `decision` entry
//!
//! A decision entry says what happens to a transfer (permit or deny); an override says only
//! that one inventory entry was reclassified, and the reviewers' decisions that follow name the
//! judgement it produced. Logging it as a decision would make every auditor's tool read it as a
//! permit. The entry carries the category, its place of collection, what it became, the
//! accepting reviewer and side, the reviewer's (public, checked) reason and the SHA-256 of the
//! exporter's justification — never the justification itself, which may quote the data, nor the
//! dataset or column named (kept in the docket, shown to those who see the filing). It is
//! appended by the port (signed by the log's key with the checkpoint), not signed by the
//! reviewer: the reviewer's own signature is on the decision that follows, which names the
//! judgement the override produced.

use std::collections::BTreeMap;

use freeport_policy::{Decision, FactsFormat, Jurisdiction, TransferFacts, parse_facts};
use freeport_store::docket::{
    CaseStatus, Contest, ContestRuling, ContestStatus, Filing, FilingStatus, Role,
};
use freeport_store::{TransferId, Tx};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    CaseView, Port, PortError, Principal, check_public, check_text, cleared_entry, hex, invalid,
    now, side_outcomes, visible, visible_filing,
};
use crate::error::Cause;
use crate::volumes::{Counters, SubjectHashes, transfer_record, with_decision};

/// What `becomes` says when an entry is not personal data at all (it is left out when judged).
pub use freeport_vocabulary::NOT_PERSONAL_DATA;

/// The most characters of a contest's `source` (dataset and column).
const MAX_SOURCE_CHARS: usize = 200;

/// An exporter's contest of one inventory entry's classification
/// (`POST /api/v1/filings/{id}/contests`, `freeport case contest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContest {
    /// The inventory entry's category, as judged now (e.g. `person.name`).
    pub category: String,
    /// Its place of collection (`cn`, `us`, `other`); needed only when the category is listed
    /// for more than one place.
    #[serde(default)]
    pub collected_in: Option<String>,
    /// Where it was found, e.g. `airports.csv:name` (dataset and column; one line, at most 200
    /// characters).
    #[serde(default)]
    pub source: Option<String>,
    /// What it should be: a vocabulary category id, or `not_personal_data`.
    pub becomes: String,
    /// Why (required; shown to the filing's reviewers, never logged: the log keeps its
    /// SHA-256).
    pub justification: String,
}

/// A contest as shown to those who may see its filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContestView {
    /// The filing.
    pub filing: String,
    /// 1, 2, … within the filing.
    pub seq: u64,
    /// The inventory entry's category as filed.
    pub category: String,
    /// Its place of collection.
    pub collected_in: String,
    /// Where the exporter found it (dataset and column).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<String>,
    /// What it should be: a category id, or `not_personal_data`.
    pub becomes: String,
    /// The exporter's justification.
    pub justification: String,
    /// The contesting account.
    pub filed_by: String,
    /// When.
    pub filed_at: String,
    /// `pending`, `accepted` (an override) or `rejected`.
    pub status: ContestStatus,
    /// The ruling reviewer.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ruled_by: Option<String>,
    /// When ruled.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ruled_at: Option<String>,
    /// The reviewer's reason.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// The judgement an acceptance produced.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub judgement: Option<u64>,
    /// An acceptance's `override` entry in the log.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub log_index: Option<u64>,
}

impl From<Contest> for ContestView {
    fn from(c: Contest) -> Self {
        Self {
            filing: c.filing,
            seq: c.seq,
            category: c.category,
            collected_in: c.collected_in,
            source: c.source,
            becomes: c.becomes,
            justification: c.justification,
            filed_by: c.filed_by,
            filed_at: c.filed_at,
            status: c.status,
            ruled_by: c.ruled_by,
            ruled_at: c.ruled_at,
            reason: c.reason,
            judgement: c.judgement,
            log_index: c.log_index,
        }
    }
}

/// A reviewer's ruling on a contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ruling {
    /// Accept: an override, and the filing judged again.
    Accept,
    /// Reject: the classification stands.
    Reject,
}

/// A ruling as sent (`POST /api/v1/filings/{id}/contests/{seq}/ruling`, `freeport case rule`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContestRulingRequest {
    /// Accept or reject.
    pub ruling: Ruling,
    /// Why (required; public once accepted, as it is logged: no personal data).
    pub reason: String,
}

/// What a ruling did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RulingView {
    /// The contest, ruled.
    pub contest: ContestView,
    /// Where the filing stands now.
    pub status: FilingStatus,
    /// Its judgement now (one more than before for an acceptance).
    pub judgement: u64,
    /// Each side's outcome before the ruling.
    pub outcomes_before: BTreeMap<String, String>,
    /// Each side's outcome now.
    pub outcomes: BTreeMap<String, String>,
    /// The sides' cases now.
    pub cases: Vec<CaseView>,
}

/// A filing judged again inside a transaction: what to append once it commits.
#[derive(Debug, Clone)]
pub(crate) struct Rejudged {
    pub(crate) filing: String,
    pub(crate) judgement: u64,
    pub(crate) status: FilingStatus,
    pub(crate) before: BTreeMap<String, String>,
    pub(crate) after: BTreeMap<String, String>,
    /// The `decision` entry of a filing the rules now clear (queued in the outbox).
    pub(crate) cleared: Option<Vec<u8>>,
}

impl Rejudged {
    /// The outcomes that changed, for people: `cn: A → B; us: C → D`.
    pub(crate) fn changes(&self) -> String {
        let changed: Vec<String> = self
            .after
            .iter()
            .filter(|(side, after)| self.before.get(*side) != Some(*after))
            .map(|(side, after)| {
                format!(
                    "{side}: {} → {after}",
                    self.before.get(side).map_or("?", String::as_str)
                )
            })
            .collect();
        if changed.is_empty() {
            "no outcome changed".to_owned()
        } else {
            changed.join("; ")
        }
    }
}

/// The fields of an `override` entry.
#[derive(Debug, Clone, Copy)]
pub struct OverrideFields<'a> {
    /// The filing.
    pub filing: &'a str,
    /// The contest's number.
    pub contest: u64,
    /// The category contested.
    pub category: &'a str,
    /// Its place of collection.
    pub collected_in: &'a str,
    /// What it became.
    pub becomes: &'a str,
    /// The accepting reviewer's side.
    pub side: Jurisdiction,
    /// The accepting reviewer.
    pub reviewer: &'a str,
    /// The reviewer's public reason.
    pub reason: &'a str,
    /// The exporter's justification (only its SHA-256 is logged).
    pub justification: &'a str,
    /// RFC 3339 UTC.
    pub accepted_at: &'a str,
    /// The judgement the acceptance produced.
    pub judgement: u64,
}

/// The `override` log entry of an accepted contest: no personal data and no raw values — the
/// justification only as its SHA-256.
///
/// # Errors
///
/// The entry fails the log's schema.
pub fn override_entry(fields: &OverrideFields<'_>) -> Result<Vec<u8>, PortError> {
    let body = serde_json::json!({
        "transfer_id": fields.filing,
        "contest": fields.contest,
        "category": fields.category,
        "collected_in": fields.collected_in,
        "becomes": fields.becomes,
        "side": fields.side.as_str(),
        "reviewer": fields.reviewer,
        "reason": fields.reason,
        "justification_sha256": hex(&Sha256::digest(fields.justification.as_bytes())),
        "accepted_at": fields.accepted_at,
        "judgement": fields.judgement,
    });
    Ok(
        freeport_tlog::entry::Entry::new(freeport_tlog::entry::EntryType::Override, body)?
            .to_bytes()?,
    )
}

fn internal(e: impl std::fmt::Display) -> PortError {
    PortError::Internal(e.to_string())
}

/// The filed facts (JSON) with `overrides` applied to their inventory, in order: an entry that
/// is not personal data is left out; one reclassified takes the new category, merged into an
/// entry of that category from the same place if there is one (people added, capped at the
/// transfer's distinct individuals, so a count never comes out too low).
fn reclassify(facts: &str, overrides: &[&Contest]) -> Result<serde_json::Value, PortError> {
    let mut value: serde_json::Value = serde_json::from_str(facts).map_err(internal)?;
    let total = value["data"]["individuals"].as_u64();
    for o in overrides {
        let inventory = value["data"]["inventory"]
            .as_array_mut()
            .ok_or_else(|| internal("stored facts without an inventory"))?;
        let matches = |e: &serde_json::Value, category: &str| {
            e["category"].as_str() == Some(category)
                && e["collected_in"].as_str() == Some(o.collected_in.as_str())
        };
        let position = inventory
            .iter()
            .position(|e| matches(e, &o.category))
            .ok_or_else(|| {
                invalid(
                    "category",
                    format!(
                        "`{}` collected in `{}` is no longer in the inventory as judged",
                        o.category, o.collected_in
                    ),
                )
            })?;
        let mut entry = inventory.remove(position);
        if o.becomes != NOT_PERSONAL_DATA {
            if let Some(target) = inventory.iter_mut().find(|e| matches(e, &o.becomes)) {
                let sum = |target: &serde_json::Value, field: &str| {
                    let (a, b) = (target[field].as_u64(), entry[field].as_u64());
                    a.zip(b).map(|(a, b)| a.saturating_add(b))
                };
                if let Some(people) = sum(target, "individuals") {
                    target["individuals"] = total.map_or(people, |t| people.min(t)).into();
                }
                if let Some(devices) = sum(target, "devices") {
                    target["devices"] = devices.into();
                }
            } else {
                entry["category"] = o.becomes.clone().into();
                inventory.insert(position, entry);
            }
        }
        let still_listed = inventory
            .iter()
            .any(|e| e["category"].as_str() == Some(o.category.as_str()));
        if !still_listed
            && let Some(precision) = value["data"]
                .get_mut("geolocation_precision_metres")
                .and_then(serde_json::Value::as_object_mut)
        {
            precision.remove(&o.category);
        }
    }
    Ok(value)
}

impl Port {
    /// The facts a filing is judged on now: as filed, reclassified by its accepted contests in
    /// the order they were accepted.
    pub(crate) fn judged_facts(
        &self,
        tx: &mut Tx<'_>,
        record: &Filing,
    ) -> Result<TransferFacts, PortError> {
        let mut accepted: Vec<Contest> = tx
            .contests(&record.id)?
            .into_iter()
            .filter(|c| c.status == ContestStatus::Accepted)
            .collect();
        accepted.sort_by_key(|c| c.judgement);
        let refs: Vec<&Contest> = accepted.iter().collect();
        self.facts_with(record, &refs)
    }

    /// The filing's facts reclassified by `overrides`, loaded as a filing's are (a result the
    /// loader refuses is refused on `becomes`, with the loader's reason).
    fn facts_with(
        &self,
        record: &Filing,
        overrides: &[&Contest],
    ) -> Result<TransferFacts, PortError> {
        if overrides.is_empty() {
            return serde_json::from_str(&record.facts)
                .map_err(|e| internal(format!("stored facts of `{}`: {e}", record.id)));
        }
        let value = reclassify(&record.facts, overrides)?;
        parse_facts("facts", &value.to_string(), FactsFormat::Json, &self.judge).map_err(|e| {
            invalid(
                "becomes",
                format!("the inventory reclassified is not valid transfer facts: {e}"),
            )
        })
    }

    /// Judges `facts` of `record` against its organisation's volumes at the port now (its own
    /// transfer is not recorded until it clears), with remedies when a side needs review and
    /// `remedies` is asked for.
    pub(crate) fn judge_now(
        &self,
        tx: &mut Tx<'_>,
        record: &Filing,
        facts: &TransferFacts,
        remedies: bool,
    ) -> Result<Decision, PortError> {
        let mut transfer =
            transfer_record(&record.id, facts, self.vocabulary, SubjectHashes::new());
        transfer.exporter.clone_from(&record.organisation);
        let prior = Counters::new(self.vocabulary).prior(tx, &transfer)?;
        let judge_error = |e| PortError::Judge(Box::new(Cause::Judge(Box::new(e))));
        let mut decision = self.judge.decide(facts, &prior).map_err(judge_error)?;
        if remedies && !decision.sides_needing_review().is_empty() {
            decision = self
                .judge
                .decide_with_remedies(facts, &prior)
                .map_err(judge_error)?;
        }
        Ok(decision)
    }

    /// Whether `side`'s case of `filing` is open.
    pub(crate) fn case_is_open(
        &self,
        tx: &mut Tx<'_>,
        filing: &str,
        side: Jurisdiction,
    ) -> Result<bool, PortError> {
        Ok(tx
            .case_sides(filing)?
            .iter()
            .any(|c| c.side == side.as_str() && c.status == CaseStatus::Open))
    }

    /// Judges `record` again on `facts` inside `tx` and applies the result: the next judgement
    /// version, each side's case opened, reopened (a decision on an earlier judgement does not
    /// carry over) or closed, and the filing cleared when no side needs review any more (its
    /// transfer recorded, its `decision` entry queued) — every change in the journal.
    ///
    /// `overridden_by` is the side whose reviewer accepted an override, when that is why the
    /// filing is judged again. An override is one side's reviewer's judgement, so it never
    /// closes the **other** side's open case: if that side's rules no longer need review, its
    /// case stays open with the new outcome until its own reviewer confirms it (approves) or
    /// refuses. Judged again because the volumes moved (`None`), the rules decide alone.
    pub(crate) fn apply_judgement(
        &self,
        tx: &mut Tx<'_>,
        record: &Filing,
        facts: &TransferFacts,
        who: &Principal,
        at: &str,
        overridden_by: Option<Jurisdiction>,
    ) -> Result<Rejudged, PortError> {
        let id = record.id.as_str();
        let decision = self.judge_now(tx, record, facts, true)?;
        let decision_value = serde_json::to_value(&decision).map_err(internal)?;
        let before = side_outcomes(&serde_json::from_str(&record.decision).map_err(internal)?);
        let after = side_outcomes(&decision_value);
        let judgement = record.judgement.saturating_add(1);
        if !tx.rejudge_filing(id, &decision_value.to_string(), record.judgement, judgement)? {
            return Err(PortError::Conflict {
                what: "filing",
                id: id.to_owned(),
                reason: "was judged again by another request first".to_owned(),
            });
        }
        tx.journal(
            at,
            &who.account,
            "filing.rejudge",
            &format!("{id}@{judgement}"),
        )?;
        let mut review: BTreeMap<&str, &str> = decision
            .sides_needing_review()
            .into_iter()
            .map(|(side, d)| (side.as_str(), d.outcome.as_str()))
            .collect();
        let cases = tx.case_sides(id)?;
        if let Some(acting) = overridden_by {
            // The other side's open case awaits its own reviewer, with the new outcome.
            for case in &cases {
                if case.side != acting.as_str()
                    && case.status == CaseStatus::Open
                    && !review.contains_key(case.side.as_str())
                    && let Some(outcome) = after.get(case.side.as_str())
                {
                    review.insert(case.side.as_str(), outcome.as_str());
                }
            }
        }
        for side in ["cn", "us"] {
            let case = cases.iter().find(|c| c.side == side);
            let target = format!("{id}/{side}");
            match (review.get(side), case) {
                (Some(outcome), None) => {
                    tx.open_case_side(id, side, outcome)?;
                    tx.journal(at, &who.account, "case.open", &target)?;
                }
                (Some(outcome), Some(case)) => {
                    if case.status != CaseStatus::Open || case.outcome != *outcome {
                        tx.reopen_case_side(id, side, outcome)?;
                        tx.journal(at, &who.account, "case.reopen", &target)?;
                    }
                }
                (None, Some(case)) if case.status != CaseStatus::Closed => {
                    let outcome = after.get(side).map_or("", String::as_str);
                    tx.close_case_side(id, side, outcome, at)?;
                    tx.journal(at, &who.account, "case.close", &target)?;
                }
                (None, _) => {}
            }
        }
        let mut cleared = None;
        let status = if review.is_empty() {
            let mut transfer = transfer_record(id, facts, self.vocabulary, SubjectHashes::new());
            transfer.exporter.clone_from(&record.organisation);
            tx.record_transfer(&with_decision(transfer, &decision)?)?;
            tx.set_filing_status(id, FilingStatus::Cleared, Some(at))?;
            tx.journal(at, &who.account, "filing.clear", id)?;
            let entry = cleared_entry(id, &decision, at)?;
            tx.queue_log_entry(&TransferId(id.to_owned()), &entry)?;
            cleared = Some(entry);
            FilingStatus::Cleared
        } else {
            FilingStatus::InReview
        };
        Ok(Rejudged {
            filing: id.to_owned(),
            judgement,
            status,
            before,
            after,
            cleared,
        })
    }

    /// Appends what a committed re-judgement queued — an override's entry, then the `decision`
    /// entry of a filing the rules now clear — and marks them appended. A failure leaves them
    /// queued: [`Port::open`] appends them on the next start.
    pub(crate) fn append_rejudged(
        &self,
        rejudged: &Rejudged,
        override_of: Option<(u64, &[u8])>,
    ) -> Result<(), PortError> {
        let mut entries: Vec<&[u8]> = Vec::new();
        entries.extend(override_of.map(|(_, entry)| entry));
        entries.extend(rejudged.cleared.as_deref());
        if entries.is_empty() {
            return Ok(());
        }
        let first = {
            let mut log = self.log()?;
            let first = log.append_batch(&entries)?;
            log.cosign_pending()?;
            first
        };
        self.store()?.transaction(|tx| {
            let mut next = first;
            if let Some((seq, _)) = override_of {
                tx.set_contest_log_index(&rejudged.filing, seq, next)?;
                next = next.saturating_add(1);
            }
            if rejudged.cleared.is_some() {
                tx.mark_logged(&TransferId(rejudged.filing.clone()), next)?;
            }
            Ok::<_, PortError>(())
        })
    }

    /// Contests the classification of one entry of the caller's filing's inventory (exporters,
    /// on a filing under review). The contest waits for a reviewer of a side with a case.
    ///
    /// # Errors
    ///
    /// Another role; a filing the caller may not see ([`PortError::NotFound`]); a filing not
    /// under review, or an entry already contested and pending ([`PortError::Conflict`]); a
    /// field refused — a category not in the inventory as judged, a place that is not given
    /// where the category is listed for several, a `becomes` the vocabulary does not know or
    /// whose reclassified inventory does not load, an empty justification.
    pub fn contest(
        &self,
        who: &Principal,
        filing: &str,
        new: &NewContest,
    ) -> Result<ContestView, PortError> {
        Self::require(who, &[Role::Exporter], "contest classifications")?;
        let at = now();
        self.store()?.transaction(|tx| {
            let (record, _) = visible_filing(tx, who, filing)?;
            if record.status != FilingStatus::InReview {
                return Err(PortError::Conflict {
                    what: "filing",
                    id: filing.to_owned(),
                    reason: format!(
                        "is {}; only a filing under review can be contested",
                        record.status.as_str()
                    ),
                });
            }
            check_text("justification", &new.justification)?;
            if let Some(source) = &new.source {
                check_text("source", source)?;
                if source.contains('\n') || source.chars().count() > MAX_SOURCE_CHARS {
                    return Err(invalid(
                        "source",
                        format!("one line of at most {MAX_SOURCE_CHARS} characters, e.g. `airports.csv:name`"),
                    ));
                }
            }
            if new.becomes == new.category {
                return Err(invalid("becomes", "it is the category already filed"));
            }
            if new.becomes != NOT_PERSONAL_DATA && self.vocabulary.get(&new.becomes).is_none() {
                return Err(invalid(
                    "becomes",
                    format!(
                        "`{}` is not a category of the vocabulary (`freeport vocab list`) nor `{NOT_PERSONAL_DATA}`",
                        new.becomes.escape_debug()
                    ),
                ));
            }
            let judged = self.judged_facts(tx, &record)?;
            let places: Vec<&str> = judged
                .data
                .inventory
                .iter()
                .filter(|i| i.category == new.category)
                .map(|i| i.collected_in.as_str())
                .collect();
            let collected_in = match (&new.collected_in, places.as_slice()) {
                (_, []) => {
                    return Err(invalid(
                        "category",
                        format!(
                            "`{}` is not in the filing's inventory as judged",
                            new.category.escape_debug()
                        ),
                    ));
                }
                (None, [one]) => (*one).to_owned(),
                (None, several) => {
                    return Err(invalid(
                        "collected_in",
                        format!(
                            "`{}` is listed for {}; name which",
                            new.category,
                            several.join(" and ")
                        ),
                    ));
                }
                (Some(place), listed) => {
                    if !listed.contains(&place.as_str()) {
                        return Err(invalid(
                            "collected_in",
                            format!(
                                "`{}` is listed for {} only",
                                new.category,
                                listed.join(" and ")
                            ),
                        ));
                    }
                    place.clone()
                }
            };
            let existing = tx.contests(filing)?;
            if existing.iter().any(|c| {
                c.status == ContestStatus::Pending
                    && c.category == new.category
                    && c.collected_in == collected_in
            }) {
                return Err(PortError::Conflict {
                    what: "filing",
                    id: filing.to_owned(),
                    reason: format!(
                        "already has a pending contest of `{}` collected in `{collected_in}`",
                        new.category
                    ),
                });
            }
            let mut contest = Contest {
                filing: filing.to_owned(),
                seq: 0,
                category: new.category.clone(),
                collected_in,
                source: new.source.as_ref().map(|s| s.trim().to_owned()),
                becomes: new.becomes.clone(),
                justification: new.justification.clone(),
                filed_by: who.account.clone(),
                filed_at: at.clone(),
                status: ContestStatus::Pending,
                ruled_by: None,
                ruled_at: None,
                reason: None,
                judgement: None,
                log_entry: None,
                log_index: None,
            };
            // The reclassified inventory must load now, not only when a reviewer accepts.
            let mut accepted: Vec<&Contest> = existing
                .iter()
                .filter(|c| c.status == ContestStatus::Accepted)
                .collect();
            accepted.sort_by_key(|c| c.judgement);
            accepted.push(&contest);
            self.facts_with(&record, &accepted)?;
            contest.seq = tx.insert_contest(&contest)?;
            tx.journal(
                &at,
                &who.account,
                "contest.create",
                &format!("{filing}#c{}", contest.seq),
            )?;
            Ok(contest.into())
        })
    }

    /// Rules on a pending contest (a reviewer of a side with a case still under review on the
    /// filing). A rejection is recorded; an acceptance is recorded as an override, the filing is
    /// judged again with it ([`Port::apply_judgement`]), and its `override` entry (then the
    /// `decision` entry of a filing the rules now clear) is appended to the log.
    ///
    /// # Errors
    ///
    /// Another role; a filing the caller may not see; a side without a case under review
    /// ([`PortError::Forbidden`]); a contest that is not pending or a filing not under review
    /// ([`PortError::Conflict`]); a reason refused (empty, too long, or holding what looks like
    /// personal data); store, judge or log failures.
    pub fn rule_contest(
        &self,
        who: &Principal,
        filing: &str,
        seq: u64,
        request: &ContestRulingRequest,
    ) -> Result<RulingView, PortError> {
        Self::require(
            who,
            &[Role::CnReviewer, Role::UsReviewer],
            "rule on contests",
        )?;
        if self.log.is_none() {
            return Err(PortError::Internal(
                "the port was opened without its log; overrides are logged".to_owned(),
            ));
        }
        let side = who
            .side()
            .ok_or_else(|| PortError::Internal("a reviewer without a side".into()))?;
        let at = now();
        let (view, rejudged, entry) = self.store()?.transaction(|tx| {
            let (record, cases) = visible_filing(tx, who, filing)?;
            let contest = tx
                .contests(filing)?
                .into_iter()
                .find(|c| c.seq == seq)
                .ok_or_else(|| PortError::NotFound {
                    what: "contest",
                    id: format!("{filing}#{seq}"),
                })?;
            if !cases
                .iter()
                .any(|c| c.side == side.as_str() && c.status != CaseStatus::Closed)
            {
                return Err(PortError::Forbidden {
                    role: who.role,
                    action: "rule on a contest of a filing whose case on its side is closed",
                });
            }
            check_text("reason", &request.reason)?;
            check_public("reason", &request.reason)?;
            let conflict = |reason: String| PortError::Conflict {
                what: "contest",
                id: format!("{filing}#{seq}"),
                reason,
            };
            if contest.status != ContestStatus::Pending {
                return Err(conflict(format!("was {} already", contest.status.as_str())));
            }
            if record.status != FilingStatus::InReview {
                return Err(conflict(format!(
                    "is on a filing that is {}",
                    record.status.as_str()
                )));
            }
            let outcomes =
                side_outcomes(&serde_json::from_str(&record.decision).map_err(internal)?);
            let target = format!("{filing}#c{seq}");
            let (rejudged, entry, judgement) = match request.ruling {
                Ruling::Reject => {
                    let ruling = ContestRuling {
                        status: ContestStatus::Rejected,
                        ruled_by: &who.account,
                        ruled_at: &at,
                        reason: &request.reason,
                        judgement: None,
                        log_entry: None,
                    };
                    if !tx.rule_contest(filing, seq, &ruling)? {
                        return Err(conflict("was ruled on by another reviewer first".into()));
                    }
                    tx.journal(&at, &who.account, "contest.reject", &target)?;
                    (None, None, record.judgement)
                }
                Ruling::Accept => {
                    let judgement = record.judgement.saturating_add(1);
                    let entry = override_entry(&OverrideFields {
                        filing,
                        contest: seq,
                        category: &contest.category,
                        collected_in: &contest.collected_in,
                        becomes: &contest.becomes,
                        side,
                        reviewer: &who.account,
                        reason: &request.reason,
                        justification: &contest.justification,
                        accepted_at: &at,
                        judgement,
                    })?;
                    let ruling = ContestRuling {
                        status: ContestStatus::Accepted,
                        ruled_by: &who.account,
                        ruled_at: &at,
                        reason: &request.reason,
                        judgement: Some(judgement),
                        log_entry: Some(&entry),
                    };
                    if !tx.rule_contest(filing, seq, &ruling)? {
                        return Err(conflict("was ruled on by another reviewer first".into()));
                    }
                    tx.journal(&at, &who.account, "contest.accept", &target)?;
                    let facts = self.judged_facts(tx, &record)?;
                    let rejudged =
                        self.apply_judgement(tx, &record, &facts, who, &at, Some(side))?;
                    (Some(rejudged), Some(entry), judgement)
                }
            };
            let contest = tx
                .contests(filing)?
                .into_iter()
                .find(|c| c.seq == seq)
                .ok_or_else(|| internal("the ruled contest vanished"))?;
            let view = RulingView {
                contest: contest.into(),
                status: rejudged.as_ref().map_or(record.status, |r| r.status),
                judgement,
                outcomes: rejudged
                    .as_ref()
                    .map_or_else(|| outcomes.clone(), |r| r.after.clone()),
                outcomes_before: outcomes,
                cases: tx.case_sides(filing)?.into_iter().map(Into::into).collect(),
            };
            Ok::<_, PortError>((view, rejudged, entry))
        })?;
        let mut view = view;
        if let (Some(rejudged), Some(entry)) = (&rejudged, &entry) {
            crate::fault::abort_at(super::OVERRIDE_RECORDED);
            self.append_rejudged(rejudged, Some((seq, entry)))?;
            view.contest.log_index = self
                .store()?
                .transaction(|tx| tx.contests(filing))?
                .into_iter()
                .find(|c| c.seq == seq)
                .and_then(|c| c.log_index);
        }
        Ok(view)
    }

    /// The overrides (accepted contests) the caller may see, by filing: an exporter its
    /// organisation's, a reviewer those on filings with a case on its side, auditors and
    /// administrators all.
    ///
    /// # Errors
    ///
    /// The store fails.
    pub fn overrides(&self, who: &Principal) -> Result<Vec<ContestView>, PortError> {
        self.store()?.transaction(|tx| {
            let accepted = tx.contests_with(Some(ContestStatus::Accepted))?;
            let mut shown = Vec::with_capacity(accepted.len());
            let mut seen: BTreeMap<String, bool> = BTreeMap::new();
            for contest in accepted {
                let may = match seen.get(&contest.filing) {
                    Some(may) => *may,
                    None => {
                        let may = match tx.filing(&contest.filing)? {
                            Some(record) => {
                                let cases = tx.case_sides(&contest.filing)?;
                                visible(who, &record, &cases)
                            }
                            None => false,
                        };
                        seen.insert(contest.filing.clone(), may);
                        may
                    }
                };
                if may {
                    shown.push(contest.into());
                }
            }
            Ok(shown)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contest(category: &str, collected_in: &str, becomes: &str) -> Contest {
        Contest {
            filing: "F-1".into(),
            seq: 1,
            category: category.into(),
            collected_in: collected_in.into(),
            source: None,
            becomes: becomes.into(),
            justification: "j".into(),
            filed_by: "alice".into(),
            filed_at: "t".into(),
            status: ContestStatus::Accepted,
            ruled_by: None,
            ruled_at: None,
            reason: None,
            judgement: Some(2),
            log_entry: None,
            log_index: None,
        }
    }

    const FACTS: &str = r#"{"data": {"individuals": 100, "inventory": [
        {"category": "person.name", "individuals": 80, "collected_in": "cn", "form": "raw"},
        {"category": "person.name", "individuals": 10, "collected_in": "us", "form": "raw"},
        {"category": "geo.place_name", "individuals": 50, "collected_in": "cn", "form": "raw"}
    ]}}"#;

    fn categories(value: &serde_json::Value) -> Vec<(String, String, u64)> {
        value["data"]["inventory"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["category"].as_str().unwrap().to_owned(),
                    e["collected_in"].as_str().unwrap().to_owned(),
                    e["individuals"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn reclassifying_leaves_out_renames_or_merges_one_place_only() {
        let out = reclassify(FACTS, &[&contest("person.name", "cn", NOT_PERSONAL_DATA)]).unwrap();
        assert_eq!(
            categories(&out),
            [
                ("person.name".into(), "us".into(), 10),
                ("geo.place_name".into(), "cn".into(), 50)
            ]
        );
        let out = reclassify(FACTS, &[&contest("person.name", "us", "contact.email")]).unwrap();
        assert_eq!(
            categories(&out)[1],
            ("contact.email".into(), "us".into(), 10)
        );
        // Merged with the place's entry of that category: people added, capped at the total.
        let out = reclassify(FACTS, &[&contest("person.name", "cn", "geo.place_name")]).unwrap();
        assert_eq!(
            categories(&out),
            [
                ("person.name".into(), "us".into(), 10),
                ("geo.place_name".into(), "cn".into(), 100)
            ]
        );
        // An entry an earlier override took away cannot be reclassified again.
        let gone = contest("person.name", "cn", NOT_PERSONAL_DATA);
        let error = reclassify(FACTS, &[&gone, &gone]).unwrap_err();
        assert!(
            matches!(&error, PortError::Invalid { field, .. } if field == "category"),
            "{error:?}"
        );
    }

    #[test]
    fn an_override_entry_carries_the_justification_only_as_its_hash() {
        let entry = override_entry(&OverrideFields {
            filing: "F-2026-000001",
            contest: 1,
            category: "person.name",
            collected_in: "cn",
            becomes: NOT_PERSONAL_DATA,
            side: Jurisdiction::Cn,
            reviewer: "wei",
            reason: "the column holds airport names",
            justification: "values such as Beijing Capital International",
            accepted_at: "2026-12-07T00:00:00Z",
            judgement: 2,
        })
        .unwrap();
        let text = String::from_utf8(entry).unwrap();
        assert!(!text.contains("Beijing"), "{text}");
        assert!(text.contains(&hex(&Sha256::digest(
            b"values such as Beijing Capital International"
        ))));
        assert!(text.starts_with(r#"{"body":"#) && text.contains(r#""type":"override""#));
    }
}
