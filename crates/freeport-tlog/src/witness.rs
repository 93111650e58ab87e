//! The C2SP tlog-witness `add-checkpoint` logic as a pure state machine.
//!
//! [`Witness::add_checkpoint`] takes the request body, the current time and the state, and
//! returns the HTTP status and body to answer plus, when the state changes, the new state. The
//! caller (the HTTP server) must persist the new state **before** replying and serialise calls,
//! which makes check + update atomic as the specification requires (`transparency-log.md` §5).
//!
//! Statuses: 400 malformed request or `old` beyond the checkpoint; 403 no valid signature by the
//! log's key; 404 unknown origin; 409 `old` is not the size this witness last cosigned (body
//! `<size>\n`, `text/x.tlog.size`; the latest cosigned checkpoint itself is in the state and
//! served by the monitoring endpoint); 422 invalid consistency proof, a non-empty proof from size
//! 0, or the same size with another root; 200 with the cosignature line. A 422 on an invalid proof
//! or a same-size conflict is recorded as evidence: the witness's last cosigned checkpoint and the
//! conflicting one, both signed by the log, prove a fork.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::merkle::{EMPTY_HASH, Hash, hash_from_base64, hash_to_base64, verify_consistency};
use crate::note::{Checkpoint, SigningKey, VerifierKey, cosign, open_note};
use crate::{Error, Result};

/// Content type of a 409 answer.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// What the witness remembers about one log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    /// The log's verifier keys (vkeys).
    pub vkeys: Vec<String>,
    /// Size of the latest checkpoint this witness cosigned (0 before any).
    pub size: u64,
    /// Its root hash (base64).
    pub root: String,
    /// The latest cosigned checkpoint note (as received, log-signed), if any.
    pub checkpoint: Option<String>,
    /// This witness's cosignature line on it.
    #[serde(default)]
    pub cosignature: Option<String>,
}

/// Evidence of a conflict: two log-signed checkpoints that cannot both be honest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The log origin.
    pub origin: String,
    /// When the conflict was seen (POSIX seconds).
    pub seen_at: u64,
    /// The checkpoint this witness had cosigned.
    pub cosigned: Option<String>,
    /// The conflicting checkpoint, as submitted.
    pub submitted: String,
    /// Why they conflict.
    pub reason: String,
}

/// The witness's durable state: per origin, the latest cosigned checkpoint; and the evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WitnessState {
    /// Known logs by origin.
    pub logs: BTreeMap<String, LogRecord>,
    /// Conflicts seen, oldest first.
    pub conflicts: Vec<Conflict>,
}

impl WitnessState {
    /// Adds a log to witness (its origin is the key name).
    pub fn add_log(&mut self, vkey: &VerifierKey) {
        let record = self
            .logs
            .entry(vkey.name().to_owned())
            .or_insert_with(|| LogRecord {
                vkeys: Vec::new(),
                size: 0,
                root: hash_to_base64(&EMPTY_HASH),
                checkpoint: None,
                cosignature: None,
            });
        let text = vkey.to_vkey();
        if !record.vkeys.contains(&text) {
            record.vkeys.push(text);
        }
    }
}

/// The state as pretty JSON (deterministic: maps are sorted).
///
/// # Errors
///
/// [`Error::Malformed`] if serialisation fails.
pub fn state_to_json(state: &WitnessState) -> Result<String> {
    serde_json::to_string_pretty(state)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| Error::malformed("witness state", e.to_string()))
}

/// Parses a state file written by [`state_to_json`].
///
/// # Errors
///
/// [`Error::Malformed`] naming the JSON error.
pub fn state_from_json(text: &str) -> Result<WitnessState> {
    serde_json::from_str(text).map_err(|e| Error::malformed("witness state", e.to_string()))
}

/// The monitoring path element of a log: lowercase hex SHA-256 of its origin (tlog-witness
/// `GET <monitoring prefix>/<hex>/checkpoint`).
#[must_use]
pub fn origin_path(origin: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(origin.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl WitnessState {
    /// The latest checkpoint this witness cosigned for the log whose [`origin_path`] is
    /// `hex`, with the log's signature and this witness's cosignature.
    #[must_use]
    pub fn latest_cosigned(&self, hex: &str) -> Option<String> {
        let (_, record) = self.logs.iter().find(|(o, _)| origin_path(o) == hex)?;
        let note = record.checkpoint.as_ref()?;
        let line = record.cosignature.clone()?;
        Some(crate::note::add_signature_lines(note, &[line]))
    }
}

/// A witness: its cosigning key.
#[derive(Debug)]
pub struct Witness {
    key: SigningKey,
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Content type of the body.
    pub content_type: &'static str,
    /// Body.
    pub body: String,
}

impl Response {
    fn text(status: u16, body: impl Into<String>) -> Self {
        let mut body = body.into();
        if !body.ends_with('\n') {
            body.push('\n');
        }
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            body,
        }
    }
}

/// A parsed `add-checkpoint` request.
#[derive(Debug, Clone, PartialEq)]
pub struct AddCheckpoint {
    /// The size of the checkpoint the client believes this witness last cosigned.
    pub old: u64,
    /// The consistency proof from `old` to the new checkpoint.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note.
    pub note: String,
}

impl AddCheckpoint {
    /// The request body: `old <size>\n<proof lines>\n\n<checkpoint note>`.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = format!("old {}\n", self.old);
        for hash in &self.proof {
            out.push_str(&hash_to_base64(hash));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.note);
        out
    }

    /// Parses a request body.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] naming the broken rule.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let bad = |reason: String| Error::malformed("add-checkpoint request", reason);
        let text = std::str::from_utf8(body).map_err(|_| bad("not UTF-8".into()))?;
        let (head, note) = text
            .split_once("\n\n")
            .ok_or_else(|| bad("no empty line before the checkpoint".into()))?;
        let mut lines = head.split('\n');
        let old_text = lines
            .next()
            .and_then(|l| l.strip_prefix("old "))
            .ok_or_else(|| bad("line 1 is not `old <size>`".into()))?;
        let old = crate::note::parse_size(old_text)
            .ok_or_else(|| bad(format!("old size `{old_text}` is not a decimal")))?;
        let mut proof = Vec::new();
        for (i, line) in lines.enumerate() {
            if i >= 63 {
                return Err(bad("more than 63 proof lines".into()));
            }
            proof.push(hash_from_base64(line, "add-checkpoint request")?);
        }
        Ok(Self {
            old,
            proof,
            note: note.to_owned(),
        })
    }
}

impl Witness {
    /// A witness with its cosigning (`0x04`) key.
    ///
    /// # Errors
    ///
    /// [`Error::Key`] when the key is not a cosigning key.
    pub fn new(key: SigningKey) -> Result<Self> {
        if key.kind() != crate::note::KeyKind::Cosignature {
            return Err(Error::Key {
                path: key.name().to_owned(),
                reason: "a witness key must be a cosignature/v1 (0x04) key".into(),
            });
        }
        Ok(Self { key })
    }

    /// The witness's public key.
    #[must_use]
    pub fn vkey(&self) -> VerifierKey {
        self.key.verifier()
    }

    /// Handles one `add-checkpoint` request at time `now` (POSIX seconds). Returns the answer and,
    /// when it changed, the state to persist before answering.
    #[must_use]
    pub fn add_checkpoint(
        &self,
        state: &WitnessState,
        body: &[u8],
        now: u64,
    ) -> (Response, Option<WitnessState>) {
        let request = match AddCheckpoint::parse(body) {
            Ok(request) => request,
            Err(e) => return (Response::text(400, e.to_string()), None),
        };
        // The origin is the first line of the note; look it up before verifying signatures.
        let origin = request.note.split('\n').next().unwrap_or_default();
        let Some(record) = state.logs.get(origin) else {
            return (
                Response::text(404, format!("unknown log origin `{origin}`")),
                None,
            );
        };
        let keys: Vec<VerifierKey> = record
            .vkeys
            .iter()
            .filter_map(|v| VerifierKey::from_vkey(v).ok())
            .collect();
        let opened = match open_note(request.note.as_bytes(), &keys, "checkpoint") {
            Ok(opened) => opened,
            Err(e @ Error::Malformed { .. }) => return (Response::text(400, e.to_string()), None),
            Err(e) => return (Response::text(403, e.to_string()), None),
        };
        let checkpoint = match Checkpoint::parse(&opened.text) {
            Ok(cp) => cp,
            Err(e) => {
                let status = if e.to_string().contains("tree size 0 with a root") {
                    422
                } else {
                    400
                };
                return (Response::text(status, e.to_string()), None);
            }
        };
        if request.old > checkpoint.size {
            return (
                Response::text(
                    400,
                    format!(
                        "old size {} is beyond the checkpoint's size {}",
                        request.old, checkpoint.size
                    ),
                ),
                None,
            );
        }
        if request.old != record.size {
            return (
                Response {
                    status: 409,
                    content_type: SIZE_CONTENT_TYPE,
                    body: format!("{}\n", record.size),
                },
                None,
            );
        }
        let Ok(latest_root) = hash_from_base64(&record.root, "witness state") else {
            return (
                Response::text(500, "witness state holds a malformed root"),
                None,
            );
        };
        if request.old == 0 && !request.proof.is_empty() {
            return (
                Response::text(422, "a consistency proof from size 0 must be empty"),
                None,
            );
        }
        if let Err(e) = verify_consistency(
            request.old,
            checkpoint.size,
            &request.proof,
            &latest_root,
            &checkpoint.root,
        ) {
            let mut next = state.clone();
            next.conflicts.push(Conflict {
                origin: origin.to_owned(),
                seen_at: now,
                cosigned: record.checkpoint.clone(),
                submitted: request.note.clone(),
                reason: e.to_string(),
            });
            return (Response::text(422, e.to_string()), Some(next));
        }
        let line = match cosign(&opened.text, &self.key, now) {
            Ok(line) => line,
            Err(e) => return (Response::text(500, e.to_string()), None),
        };
        let mut next = state.clone();
        if let Some(record) = next.logs.get_mut(origin) {
            record.size = checkpoint.size;
            record.root = hash_to_base64(&checkpoint.root);
            record.checkpoint = Some(request.note.clone());
            record.cosignature = Some(line.clone());
        }
        (
            Response {
                status: 200,
                content_type: "text/plain; charset=utf-8",
                body: line,
            },
            Some(next),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{MemoryTree, leaf_hash, prove_consistency, root_at};
    use crate::note::{KeyKind, sign_checkpoint};

    fn log_key() -> SigningKey {
        SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [1; 32]).unwrap()
    }

    fn witness() -> Witness {
        Witness::new(
            SigningKey::from_seed(
                "witness.regulator-cn.example/v1",
                KeyKind::Cosignature,
                [2; 32],
            )
            .unwrap(),
        )
        .unwrap()
    }

    fn tree(prefix: &str, n: usize) -> MemoryTree {
        let mut t = MemoryTree::new();
        for i in 0..n {
            t.push(leaf_hash(format!("{prefix}{i}").as_bytes()));
        }
        t
    }

    fn signed(t: &MemoryTree, size: u64) -> String {
        let cp = Checkpoint {
            origin: "freedataport.example/log".into(),
            size,
            root: root_at(t, size).unwrap(),
            extensions: vec![],
        };
        sign_checkpoint(&cp, &log_key()).unwrap()
    }

    fn request(old: u64, proof: Vec<Hash>, note: String) -> Vec<u8> {
        AddCheckpoint { old, proof, note }.to_text().into_bytes()
    }

    #[test]
    fn cosigns_a_growing_log_and_refuses_a_fork() {
        let w = witness();
        let mut state = WitnessState::default();
        state.add_log(&log_key().verifier());
        let honest = tree("e", 20);
        // First checkpoint: old 0, empty proof.
        let (r, next) = w.add_checkpoint(&state, &request(0, vec![], signed(&honest, 10)), 1000);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.starts_with("— witness.regulator-cn.example/v1 "));
        state = next.unwrap();
        let latest = state
            .latest_cosigned(&origin_path("freedataport.example/log"))
            .unwrap();
        assert!(latest.starts_with("freedataport.example/log\n10\n") && latest.ends_with(&r.body));
        // Growth 10 -> 20 with a valid proof.
        let proof = prove_consistency(&honest, 10, 20).unwrap();
        let (r, next) = w.add_checkpoint(&state, &request(10, proof, signed(&honest, 20)), 1001);
        assert_eq!(r.status, 200, "{}", r.body);
        state = next.unwrap();
        // A fork: a tree of size 30 that does not extend the honest one.
        let forked = tree("f", 30);
        let proof = prove_consistency(&forked, 20, 30).unwrap();
        let (r, next) = w.add_checkpoint(&state, &request(20, proof, signed(&forked, 30)), 1002);
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("does not lead to the old root"),
            "{}",
            r.body
        );
        let next = next.unwrap();
        assert_eq!(next.conflicts.len(), 1);
        assert_eq!(
            next.logs, state.logs,
            "a refused checkpoint changes nothing but the evidence"
        );
        // A stale client: 409 with the size.
        let (r, _) = w.add_checkpoint(&state, &request(10, vec![], signed(&honest, 20)), 1003);
        assert_eq!(
            (r.status, r.body.as_str(), r.content_type),
            (409, "20\n", SIZE_CONTENT_TYPE)
        );
        // Same size, other root.
        let (r, _) = w.add_checkpoint(&state, &request(20, vec![], signed(&forked, 20)), 1004);
        assert_eq!(r.status, 422, "{}", r.body);
    }

    #[test]
    fn statuses_follow_the_spec() {
        let w = witness();
        let mut state = WitnessState::default();
        state.add_log(&log_key().verifier());
        let t = tree("e", 5);
        let (r, _) = w.add_checkpoint(&state, b"garbage", 1);
        assert_eq!(r.status, 400);
        let other = SigningKey::from_seed("other.example/log", KeyKind::Ed25519, [3; 32]).unwrap();
        let cp = Checkpoint {
            origin: "other.example/log".into(),
            size: 5,
            root: t.root(),
            extensions: vec![],
        };
        let (r, _) = w.add_checkpoint(
            &state,
            &request(0, vec![], sign_checkpoint(&cp, &other).unwrap()),
            1,
        );
        assert_eq!(r.status, 404);
        let impostor =
            SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [9; 32]).unwrap();
        let cp = Checkpoint {
            origin: "freedataport.example/log".into(),
            ..cp
        };
        let (r, _) = w.add_checkpoint(
            &state,
            &request(0, vec![], sign_checkpoint(&cp, &impostor).unwrap()),
            1,
        );
        assert_eq!(r.status, 403, "{}", r.body);
        let (r, _) = w.add_checkpoint(&state, &request(6, vec![], signed(&t, 5)), 1);
        assert_eq!(r.status, 400);
        let (r, _) = w.add_checkpoint(&state, &request(0, vec![t.root()], signed(&t, 5)), 1);
        assert_eq!(r.status, 422);
        assert!(Witness::new(log_key()).is_err());
    }
}
