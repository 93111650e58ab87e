//! The auditor's bundle: every decision the port logged — reviewers' decisions with their
//! signed notes, filings cleared at once, overrides (contested classifications a reviewer
//! accepted) — each with an offline receipt (C2SP tlog-proof: the
//! entry, its inclusion proof, the cosigned checkpoint), and the reviewers' verifier keys.
//!
//! [`verify_bundle`] checks a bundle with no network and no port: each receipt under the
//! auditor's trust policy (the log key and the witness quorum, pinned by the auditor, never
//! taken from the bundle), each entry against what the bundle says it is (filing, side,
//! reviewer, outcome), and each reviewer's signature over exactly the logged entry. Reviewer keys
//! come from the bundle unless the auditor pins them; a pinned set is authoritative.

use std::collections::BTreeMap;

use freeport_tlog::entry::{Entry, EntryType};
use freeport_tlog::policy::Policy;
use freeport_tlog::receipt::Receipt;
use serde::{Deserialize, Serialize};

use crate::port::verify_signed_decision;

/// The format line of a bundle.
pub const BUNDLE_FORMAT: &str = "freeport-audit-bundle/1";

/// What an auditor downloads (`GET /api/v1/audit/bundle`, `freeport audit bundle`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditBundle {
    /// [`BUNDLE_FORMAT`].
    pub format: String,
    /// The log's origin line.
    pub origin: String,
    /// The published cosigned checkpoint every receipt was built against.
    pub checkpoint: String,
    /// The reviewers' verifier keys (C2SP signed-note `vkey`), by account.
    pub reviewers: BTreeMap<String, String>,
    /// Each reviewer's decision on a side, in log order.
    pub decisions: Vec<AuditedDecision>,
    /// Each filing cleared at once (both packs permit), in log order.
    pub cleared: Vec<AuditedFiling>,
    /// Each override (a contested classification a reviewer accepted, after which the filing
    /// was judged again), in log order. Absent from bundles made before overrides were bundled.
    #[serde(default)]
    pub overrides: Vec<AuditedOverride>,
    /// Logged entries no published checkpoint covers yet (a witness is down), named
    /// `filing/side`, `filing` or `filing#contest`: in the next bundle.
    pub pending: Vec<String>,
}

/// A reviewer's decision in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditedDecision {
    /// The filing.
    pub filing: String,
    /// `cn` or `us`.
    pub side: String,
    /// The reviewer's account.
    pub reviewer: String,
    /// The decision entry's index in the log.
    pub log_index: u64,
    /// The reviewer's signed note over the entry.
    pub signed_note: String,
    /// The entry's receipt (C2SP tlog-proof, carrying the entry).
    pub receipt: String,
}

/// A filing cleared at once in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditedFiling {
    /// The filing.
    pub filing: String,
    /// Its decision entry's index in the log.
    pub log_index: u64,
    /// The entry's receipt (C2SP tlog-proof, carrying the entry).
    pub receipt: String,
}

/// An override in a bundle: which contest of which filing a reviewer accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditedOverride {
    /// The filing.
    pub filing: String,
    /// The contest's number within the filing.
    pub contest: u64,
    /// The accepting reviewer's account.
    pub reviewer: String,
    /// The `override` entry's index in the log.
    pub log_index: u64,
    /// The entry's receipt (C2SP tlog-proof, carrying the entry).
    pub receipt: String,
}

/// What [`verify_bundle`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditOutcome {
    /// Reviewers' decisions verified (inclusion, entry, signature).
    pub decisions_verified: usize,
    /// Filings cleared at once verified (inclusion, entry).
    pub cleared_verified: usize,
    /// Overrides verified (inclusion, entry).
    pub overrides_verified: usize,
    /// Entries the bundle says are not yet covered by a cosigned checkpoint.
    pub pending: usize,
    /// The largest checkpoint size the receipts were verified against.
    pub checkpoint_size: u64,
    /// Every item that failed, with why; empty when the bundle verifies.
    pub failures: Vec<AuditFailure>,
}

impl AuditOutcome {
    /// Whether everything in the bundle verified.
    #[must_use]
    pub fn verified(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One item of a bundle that did not verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFailure {
    /// `decisions[3]` or `cleared[0]`, and its filing.
    pub item: String,
    /// Why.
    pub reason: String,
}

/// Verifies `bundle` offline under `policy`; reviewers' keys from `pinned` when given (an
/// auditor's own list), else from the bundle.
#[must_use]
pub fn verify_bundle(
    bundle: &AuditBundle,
    policy: &Policy,
    pinned: Option<&BTreeMap<String, String>>,
) -> AuditOutcome {
    let mut outcome = AuditOutcome {
        pending: bundle.pending.len(),
        ..AuditOutcome::default()
    };
    if bundle.format != BUNDLE_FORMAT {
        outcome.failures.push(AuditFailure {
            item: "format".to_owned(),
            reason: format!(
                "`{}` is not `{BUNDLE_FORMAT}`",
                bundle.format.escape_debug()
            ),
        });
        return outcome;
    }
    let keys = pinned.unwrap_or(&bundle.reviewers);
    for (n, decision) in bundle.decisions.iter().enumerate() {
        let item = format!("decisions[{n}] ({}/{})", decision.filing, decision.side);
        let checked = included(&decision.receipt, decision.log_index, policy, &mut outcome)
            .and_then(|entry| {
                expect_fields(
                    &entry,
                    &[
                        ("transfer_id", decision.filing.as_str()),
                        ("side", decision.side.as_str()),
                        ("reviewer", decision.reviewer.as_str()),
                    ],
                )?;
                let key = keys.get(&decision.reviewer).ok_or_else(|| {
                    format!("no verifier key for reviewer `{}`", decision.reviewer)
                })?;
                verify_signed_decision(&entry, &decision.signed_note, Some(key))
                    .map_err(|e| format!("the reviewer's signature: {e}"))
            });
        match checked {
            Ok(()) => outcome.decisions_verified += 1,
            Err(reason) => outcome.failures.push(AuditFailure { item, reason }),
        }
    }
    for (n, cleared) in bundle.cleared.iter().enumerate() {
        let item = format!("cleared[{n}] ({})", cleared.filing);
        let checked =
            included(&cleared.receipt, cleared.log_index, policy, &mut outcome).and_then(|entry| {
                expect_fields(
                    &entry,
                    &[
                        ("transfer_id", cleared.filing.as_str()),
                        ("side", "both"),
                        ("outcome", "permit"),
                    ],
                )
            });
        match checked {
            Ok(()) => outcome.cleared_verified += 1,
            Err(reason) => outcome.failures.push(AuditFailure { item, reason }),
        }
    }
    for (n, accepted) in bundle.overrides.iter().enumerate() {
        let item = format!("overrides[{n}] ({}#{})", accepted.filing, accepted.contest);
        let contest = accepted.contest.to_string();
        let checked = included(&accepted.receipt, accepted.log_index, policy, &mut outcome)
            .and_then(|entry| {
                expect_entry(
                    &entry,
                    EntryType::Override,
                    &[
                        ("transfer_id", accepted.filing.as_str()),
                        ("reviewer", accepted.reviewer.as_str()),
                        ("contest", contest.as_str()),
                    ],
                )
            });
        match checked {
            Ok(()) => outcome.overrides_verified += 1,
            Err(reason) => outcome.failures.push(AuditFailure { item, reason }),
        }
    }
    outcome
}

/// Parses and verifies a receipt under `policy` at `index`; the entry it carries.
fn included(
    receipt: &str,
    index: u64,
    policy: &Policy,
    outcome: &mut AuditOutcome,
) -> Result<Vec<u8>, String> {
    let receipt = Receipt::parse(receipt).map_err(|e| format!("the receipt: {e}"))?;
    if receipt.index != index {
        return Err(format!(
            "the receipt proves entry {}, the bundle says {index}",
            receipt.index
        ));
    }
    let trusted = receipt
        .verify(policy, None)
        .map_err(|e| format!("the receipt does not verify under the policy: {e}"))?;
    outcome.checkpoint_size = outcome.checkpoint_size.max(trusted.checkpoint.size);
    receipt
        .extra
        .ok_or_else(|| "the receipt carries no entry".to_owned())
}

/// Checks that `entry` is a `decision` entry whose body has each `(field, value)`.
fn expect_fields(entry: &[u8], fields: &[(&str, &str)]) -> Result<(), String> {
    expect_entry(entry, EntryType::Decision, fields)
}

/// Checks that `entry` is of `kind` and its body has each `(field, value)` (a number compared
/// as its decimal text).
fn expect_entry(entry: &[u8], kind: EntryType, fields: &[(&str, &str)]) -> Result<(), String> {
    let entry = Entry::from_bytes(entry).map_err(|e| format!("the logged entry: {e}"))?;
    if entry.entry_type() != kind {
        return Err(format!(
            "the logged entry is a `{}` entry, not `{}`",
            entry.entry_type().as_str(),
            kind.as_str()
        ));
    }
    for (field, value) in fields {
        let logged = entry.body().get(*field).map(|v| match v {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        });
        let logged = logged.as_deref();
        if logged != Some(value) {
            return Err(format!(
                "the logged entry's `{field}` is {}, the bundle says `{value}`",
                logged.map_or_else(|| "missing".to_owned(), |l| format!("`{l}`"))
            ));
        }
    }
    Ok(())
}
