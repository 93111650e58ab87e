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
//! conflicting one, both signed by the log, prove a fork. Evidence is kept once per distinct
//! pair of checkpoint bodies (a repeated request, even with other signature lines added, records
//! nothing new) and at most [`MAX_CONFLICTS_PER_LOG`] times per log; further distinct conflicts
//! are only counted ([`LogRecord::conflicts_not_kept`]), so a misbehaving log or client cannot
//! grow the state file without bound.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::merkle::{EMPTY_HASH, Hash, hash_from_base64, hash_to_base64, verify_consistency};
use crate::note::{Checkpoint, SigningKey, VerifierKey, cosign, open_note};
use crate::{Error, Result};

/// Content type of a 409 answer.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// The most conflicts kept as evidence per log; one proves a fork, a few show its extent.
pub const MAX_CONFLICTS_PER_LOG: usize = 16;

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
    /// Distinct conflicts seen after [`MAX_CONFLICTS_PER_LOG`] were kept.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub conflicts_not_kept: u64,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
const fn is_zero(n: &u64) -> bool {
    *n == 0
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

/// The body of a signed note: its text up to the blank line before the signatures.
fn note_body(note: &str) -> &str {
    note.split_once("\n\n").map_or(note, |(body, _)| body)
}

impl WitnessState {
    /// Records `conflict` as evidence unless the same pair of checkpoint bodies is already
    /// recorded; past [`MAX_CONFLICTS_PER_LOG`] for its log it is only counted. Returns whether
    /// the state changed.
    pub fn record_conflict(&mut self, conflict: Conflict) -> bool {
        let same = |kept: &Conflict| {
            kept.origin == conflict.origin
                && note_body(&kept.submitted) == note_body(&conflict.submitted)
                && kept.cosigned.as_deref().map(note_body)
                    == conflict.cosigned.as_deref().map(note_body)
        };
        if self.conflicts.iter().any(same) {
            return false;
        }
        let kept = self
            .conflicts
            .iter()
            .filter(|c| c.origin == conflict.origin)
            .count();
        if kept < MAX_CONFLICTS_PER_LOG {
            self.conflicts.push(conflict);
            return true;
        }
        match self.logs.get_mut(&conflict.origin) {
            Some(record) => {
                record.conflicts_not_kept = record.conflicts_not_kept.saturating_add(1);
                true
            }
            None => false,
        }
    }

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
                conflicts_not_kept: 0,
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

/// Reads the witness state file at `path`, checking every log's root and keys; `None` when there
/// is no such file.
///
/// # Errors
///
/// [`Error::MalformedFile`] naming the file and the line and column (JSON) or the field (a root
/// or key that does not parse); [`Error::Io`] when it cannot be read.
pub fn load_state(path: &Path) -> Result<Option<WitnessState>> {
    const WHAT: &str = "witness state";
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    let malformed = |place: String, reason: String| Error::MalformedFile {
        what: WHAT,
        path: path.display().to_string(),
        place,
        reason,
    };
    let state: WitnessState = serde_json::from_str(&text).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        let full = e.to_string();
        let reason = full
            .strip_suffix(&format!(" at line {line} column {column}"))
            .unwrap_or(&full)
            .to_owned();
        malformed(format!("line {line} column {column}"), reason)
    })?;
    for (origin, record) in &state.logs {
        hash_from_base64(&record.root, WHAT)
            .map_err(|e| malformed(format!("`logs.\"{origin}\".root`"), e.to_string()))?;
        for (i, vkey) in record.vkeys.iter().enumerate() {
            VerifierKey::from_vkey(vkey)
                .map_err(|e| malformed(format!("`logs.\"{origin}\".vkeys[{i}]`"), e.to_string()))?;
        }
    }
    Ok(Some(state))
}

/// The monitoring path element of a log: lowercase hex SHA-256 of its origin (tlog-witness
/// `GET <monitoring prefix>/<hex>/checkpoint`).
#[must_use]
pub fn origin_path(origin: &str) -> String {
    use sha2::Digest as _;
    freeport_util::fmt::hex(&sha2::Sha256::digest(origin.as_bytes()))
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
            let changed = next.record_conflict(Conflict {
                origin: origin.to_owned(),
                seen_at: now,
                cosigned: record.checkpoint.clone(),
                submitted: request.note.clone(),
                reason: e.to_string(),
            });
            return (Response::text(422, e.to_string()), changed.then_some(next));
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

    /// A witness that cosigned `honest` at size 20.
    fn cosigned_at_20(w: &Witness, honest: &MemoryTree) -> WitnessState {
        let mut state = WitnessState::default();
        state.add_log(&log_key().verifier());
        let (r, next) = w.add_checkpoint(&state, &request(0, vec![], signed(honest, 20)), 1000);
        assert_eq!(r.status, 200, "{}", r.body);
        next.unwrap()
    }

    #[test]
    fn a_repeated_fork_request_is_recorded_once() {
        let w = witness();
        let honest = tree("e", 20);
        let mut state = cosigned_at_20(&w, &honest);
        let forked = tree("f", 30);
        let proof = prove_consistency(&forked, 20, 30).unwrap();
        let note = signed(&forked, 30);
        let (r, next) = w.add_checkpoint(&state, &request(20, proof.clone(), note.clone()), 1001);
        assert_eq!(r.status, 422);
        state = next.unwrap();
        assert_eq!(state.conflicts.len(), 1);
        for (i, body) in [
            request(20, proof.clone(), note.clone()),
            // The same checkpoint with a signature line anyone could add.
            request(
                20,
                proof.clone(),
                format!(
                    "{note}— someone.example/v1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n"
                ),
            ),
        ]
        .iter()
        .enumerate()
        {
            for _ in 0..3 {
                let (r, next) = w.add_checkpoint(&state, body, 1002 + i as u64);
                assert_eq!(r.status, 422, "still refused");
                assert!(next.is_none(), "a repeat changes nothing");
            }
        }
        assert_eq!(state.conflicts.len(), 1);
    }

    #[test]
    fn evidence_is_bounded_per_log() {
        let w = witness();
        let honest = tree("e", 20);
        let mut state = cosigned_at_20(&w, &honest);
        let extra = 5;
        for i in 0..MAX_CONFLICTS_PER_LOG + extra {
            let forked = tree(&format!("fork{i}-"), 30);
            let proof = prove_consistency(&forked, 20, 30).unwrap();
            let (r, next) =
                w.add_checkpoint(&state, &request(20, proof, signed(&forked, 30)), 2000);
            assert_eq!(r.status, 422);
            state = next.expect("a distinct conflict changes the state");
        }
        assert_eq!(state.conflicts.len(), MAX_CONFLICTS_PER_LOG);
        let record = state.logs.get("freedataport.example/log").unwrap();
        assert_eq!(record.conflicts_not_kept, extra as u64);
        // The counter survives a round trip; a state without it still reads.
        let text = state_to_json(&state).unwrap();
        assert_eq!(state_from_json(&text).unwrap(), state);
        assert!(
            !state_to_json(&cosigned_at_20(&w, &honest))
                .unwrap()
                .contains("conflicts_not_kept")
        );
    }

    #[test]
    fn a_malformed_state_file_is_named_with_its_line_or_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cn-state.json");
        assert_eq!(load_state(&path).unwrap(), None);
        std::fs::write(&path, "{\n  \"logs\": {},\n  \"conflicts\": 7\n}\n").unwrap();
        let e = load_state(&path).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "malformed witness state `{}`: line 3 column 16: invalid type: integer `7`, expected a sequence",
                path.display()
            )
        );
        let mut state = WitnessState::default();
        state.add_log(&log_key().verifier());
        let good = state_to_json(&state).unwrap();
        assert!(load_state(&path).is_err());
        std::fs::write(&path, &good).unwrap();
        assert_eq!(load_state(&path).unwrap(), Some(state));
        std::fs::write(
            &path,
            good.replace(&hash_to_base64(&EMPTY_HASH), "not-a-hash"),
        )
        .unwrap();
        let e = load_state(&path).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!(
                "malformed witness state `{}`: `logs.\"freedataport.example/log\".root`: ",
                path.display()
            )),
            "{e}"
        );
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
