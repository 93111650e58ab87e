//! The transparency log as the public and auditors browse it (issue 18: "log browser (entries,
//! checkpoints, both witnesses' cosignatures and their freshness)").
//!
//! Everything shown here is already public: the log's tiles and checkpoint are served to anyone
//! (`/log/…`, C2SP tlog-tiles), and an entry carries no personal data by construction (its schema
//! is checked at append: ids, outcomes, rule-pack versions, hashes, published reasons). The view
//! verifies the published checkpoint under the port's own trust policy, so a cosignature shown is
//! one that verified, with its witness's timestamp; a witness of the policy that has not cosigned
//! is listed as missing.

use freeport_tlog::entry::Entry;
use freeport_tlog::merkle::hash_to_base64;
use freeport_tlog::note::{Checkpoint, VerifierKey, open_note};
use freeport_tlog::policy::Policy;
use freeport_tlog::receipt::Receipt;
use serde::Serialize;

use crate::{Port, PortError};

/// At most this many entries on one page.
pub const MAX_PAGE: u64 = 100;

/// The log's head, its published checkpoint and a page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogView {
    /// The log's origin (its name).
    pub origin: String,
    /// Entries appended so far.
    pub size: u64,
    /// The Merkle root over them (base64).
    pub root_hash: String,
    /// The checkpoint published to verifiers (signed and cosigned), if any yet.
    pub checkpoint: Option<CheckpointView>,
    /// Entries of this page, newest first.
    pub entries: Vec<EntryView>,
    /// The `before` of the next (older) page, if there is one.
    pub older: Option<u64>,
}

/// The published checkpoint and who signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointView {
    /// Entries it covers.
    pub size: u64,
    /// Its root hash (base64).
    pub root_hash: String,
    /// Entries appended since (not yet covered by a published checkpoint).
    pub behind: u64,
    /// The signed note, verbatim.
    pub text: String,
    /// Cosignatures that verified under the port's trust policy.
    pub cosignatures: Vec<CosignatureView>,
    /// Witnesses of the policy without a verified cosignature on it.
    pub missing: Vec<String>,
}

/// One witness's verified cosignature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CosignatureView {
    /// The witness's name in the trust policy.
    pub witness: String,
    /// Its key: name and key id (`name+hex`).
    pub key: String,
    /// When it cosigned (Unix seconds, from the cosignature).
    pub timestamp: u64,
    /// The same as RFC 3339 UTC.
    pub at: String,
    /// Seconds between the cosignature and `now`.
    pub age_seconds: u64,
}

/// One entry, as its public fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryView {
    /// Its index.
    pub index: u64,
    /// `decision`, `manifest`, `rule_pack`, `publication`, `attestation`.
    pub kind: String,
    /// SHA-256 of the entry's bytes (hex).
    pub sha256: String,
    /// The fields a reader looks for first, by name (those the entry has): a decision's
    /// `transfer_id`, `side`, `outcome`, `reviewer`, `decided_at`; a manifest's `transfer_id`
    /// and `sealed_at`; a rule pack's `jurisdiction`, `version`; a publication's `kind`,
    /// `title`, `published_at`.
    pub fields: Vec<(String, String)>,
}

/// A receipt checked against this port's log ([`Port::check_receipt`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptCheck {
    /// The entry the receipt proves, as its public fields.
    pub entry: EntryView,
    /// The size of the checkpoint it was proved under.
    pub checkpoint_size: u64,
    /// The witnesses whose cosignatures on that checkpoint verified (the trust policy's names).
    pub witnesses: Vec<String>,
}

/// The fields shown for an entry, in order.
const SHOWN: [&str; 12] = [
    "transfer_id",
    "side",
    "outcome",
    "reviewer",
    "decided_at",
    "sealed_at",
    "jurisdiction",
    "id",
    "version",
    "kind",
    "title",
    "published_at",
];

impl Port {
    /// The log's head, its published checkpoint with the cosignatures that verify under the
    /// port's trust policy (their age at `now`, Unix seconds), and up to `limit` entries before
    /// index `before` (the newest when `None`), newest first. Anyone may read it.
    ///
    /// # Errors
    ///
    /// The port was opened without its log; an entry or the policy cannot be read.
    pub fn log_view(
        &self,
        before: Option<u64>,
        limit: u64,
        now: u64,
    ) -> Result<LogView, PortError> {
        let log = self.log()?;
        let origin = log.origin().to_owned();
        let (size, root_hash) = log.head();
        let checkpoint = log
            .published_checkpoint()
            .map(|text| checkpoint_view(&text, log.policy(), size, now))
            .transpose()?;
        let end = before.map_or(size, |b| b.min(size));
        let start = end.saturating_sub(limit.clamp(1, MAX_PAGE));
        let read = log.entries(start..end)?;
        drop(log);
        let mut entries: Vec<EntryView> = (start..end)
            .zip(read)
            .map(|(index, bytes)| entry_view(index, &bytes))
            .collect();
        entries.reverse();
        Ok(LogView {
            origin,
            size,
            root_hash,
            checkpoint,
            entries,
            older: (start > 0).then_some(start),
        })
    }
}

impl Port {
    /// Checks a receipt (C2SP tlog-proof, as `GET /api/v1/filings/{id}/receipt` gives) against
    /// this port's log, for anyone: the checkpoint's signatures and witness quorum under the
    /// port's trust policy, the entry's inclusion, and that the port's own log holds the same
    /// entry at that index (a receipt that verifies but disagrees with the log is evidence of a
    /// split view, and refused as such).
    ///
    /// # Errors
    ///
    /// [`PortError::Invalid`] on `receipt` naming what failed; the log cannot be read.
    pub fn check_receipt(&self, receipt: &str) -> Result<ReceiptCheck, PortError> {
        let invalid = |reason: String| PortError::Invalid {
            field: "receipt".to_owned(),
            reason,
        };
        let receipt = Receipt::parse(receipt)
            .map_err(|e| invalid(format!("is not a log receipt (C2SP tlog-proof): {e}")))?;
        let log = self.log()?;
        let policy = Policy::parse(log.policy())?;
        let trusted = receipt.verify(&policy, None).map_err(|e| {
            invalid(format!(
                "does not verify under this port's trust policy (its log key and witnesses): {e}"
            ))
        })?;
        let entry = receipt
            .extra
            .ok_or_else(|| invalid("carries no entry".to_owned()))?;
        let index = receipt.index;
        // Past the log's end reads as not held.
        let ours = log
            .entries(index..index.saturating_add(1))
            .ok()
            .and_then(|mut read| read.pop());
        if ours.as_deref() != Some(entry.as_slice()) {
            return Err(invalid(format!(
                "proves an entry at index {index} that this port's log does not hold there: a \
                 checkpoint signed with the port's key over another log (keep the receipt; it is \
                 evidence)"
            )));
        }
        Ok(ReceiptCheck {
            entry: entry_view(index, &entry),
            checkpoint_size: trusted.checkpoint.size,
            witnesses: trusted.witnesses,
        })
    }
}

fn checkpoint_view(
    text: &str,
    policy_text: &str,
    size_now: u64,
    now: u64,
) -> Result<CheckpointView, PortError> {
    let policy = Policy::parse(policy_text)?;
    let witnesses = policy.witnesses();
    let mut keys: Vec<VerifierKey> = policy.logs().to_vec();
    keys.extend(witnesses.iter().map(|(_, key)| (*key).clone()));
    let opened = open_note(text.as_bytes(), &keys, "checkpoint")?;
    let body = Checkpoint::parse(&opened.text)?;
    let mut cosignatures = Vec::new();
    let mut missing = Vec::new();
    for (name, key) in &witnesses {
        let signed = opened
            .verified
            .iter()
            .find(|s| s.name == key.name() && s.id == key.id());
        match signed.and_then(|s| s.timestamp) {
            Some(timestamp) => cosignatures.push(CosignatureView {
                witness: (*name).to_owned(),
                key: format!("{}+{:08x}", key.name(), key.id()),
                timestamp,
                at: i64::try_from(timestamp)
                    .ok()
                    .and_then(|t| jiff::Timestamp::from_second(t).ok())
                    .map_or_else(String::new, |t| t.to_string()),
                age_seconds: now.saturating_sub(timestamp),
            }),
            None => missing.push((*name).to_owned()),
        }
    }
    Ok(CheckpointView {
        size: body.size,
        root_hash: hash_to_base64(&body.root),
        behind: size_now.saturating_sub(body.size),
        text: text.to_owned(),
        cosignatures,
        missing,
    })
}

fn entry_view(index: u64, bytes: &[u8]) -> EntryView {
    use sha2::{Digest, Sha256};
    let sha256 = freeport_util::fmt::hex(&Sha256::digest(bytes));
    match Entry::from_bytes(bytes) {
        Ok(entry) => {
            let body = entry.body();
            let fields = SHOWN
                .iter()
                .filter_map(|name| {
                    let value = body.get(*name).filter(|v| !v.is_null())?;
                    let text = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    Some(((*name).to_owned(), text))
                })
                .collect();
            EntryView {
                index,
                kind: entry.entry_type().as_str().to_owned(),
                sha256,
                fields,
            }
        }
        // An entry another tool appended in another shape: shown by its hash only.
        Err(_) => EntryView {
            index,
            kind: "other".to_owned(),
            sha256,
            fields: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_shows_its_public_fields_in_a_fixed_order() {
        let entry = Entry::new(
            freeport_tlog::entry::EntryType::Decision,
            serde_json::json!({
                "transfer_id": "F-2026-000001",
                "outcome": "permit_with_conditions",
                "rule_packs": ["cn@2026.12.2"],
                "reasons": [],
                "decided_at": "2026-12-07T00:00:00Z",
                "side": "cn",
                "reviewer": "wei",
            }),
        )
        .unwrap();
        let view = entry_view(3, &entry.to_bytes().unwrap());
        assert_eq!(view.kind, "decision");
        let names: Vec<&str> = view.fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["transfer_id", "side", "outcome", "reviewer", "decided_at"]
        );
        assert_eq!(view.sha256.len(), 64);
        let other = entry_view(4, b"not an entry");
        assert_eq!(other.kind, "other");
        assert!(other.fields.is_empty());
    }
}
