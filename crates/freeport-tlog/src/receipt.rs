//! Offline receipts in C2SP tlog-proof form: entry, inclusion proof and cosigned checkpoint,
//! verifiable with no network.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64 of the entry>
//! index <n>
//! <base64 inclusion-proof hash>      one per line
//!
//! <checkpoint note with the log signature and cosignatures>
//! ```
//!
//! The `extra` line has application-specific meaning in the specification; here it carries the
//! logged entry itself (its canonical JSON), so that a receipt alone proves what was logged. A
//! receipt without `extra` verifies against an entry supplied separately.

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;

use crate::merkle::{
    Hash, NodeSource, hash_from_base64, hash_to_base64, leaf_hash, prove_inclusion,
    verify_inclusion,
};
use crate::policy::{Policy, Trusted};
use crate::{Error, Result};

const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// A parsed receipt.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// The entry, when the receipt carries it.
    pub extra: Option<Vec<u8>>,
    /// The entry's index in the log.
    pub index: u64,
    /// The inclusion proof.
    pub proof: Vec<Hash>,
    /// The signed (and cosigned) checkpoint note.
    pub checkpoint: String,
}

impl Receipt {
    /// Builds a receipt for entry `index` against a signed checkpoint of size `size`.
    ///
    /// # Errors
    ///
    /// When the index is outside the checkpoint or the proof cannot be built.
    pub fn build<S: NodeSource + ?Sized>(
        source: &S,
        size: u64,
        index: u64,
        entry: Option<Vec<u8>>,
        checkpoint: String,
    ) -> Result<Self> {
        let proof = prove_inclusion(source, size, index)?;
        Ok(Self {
            extra: entry,
            index,
            proof,
            checkpoint,
        })
    }

    /// The `.tlog-proof` text.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", BASE64_STANDARD.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for hash in &self.proof {
            out.push_str(&hash_to_base64(hash));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Parses a `.tlog-proof` text.
    ///
    /// # Errors
    ///
    /// [`Error::Malformed`] naming the line that breaks the format.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |reason: String| Error::malformed("receipt", reason);
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or_else(|| bad("no empty line before the checkpoint".into()))?;
        let mut lines = head.split('\n');
        if lines.next() != Some(HEADER) {
            return Err(bad(format!("line 1 is not `{HEADER}`")));
        }
        let mut line = lines.next();
        let mut extra = None;
        if let Some(rest) = line.and_then(|l| l.strip_prefix("extra ")) {
            extra = Some(
                BASE64_STANDARD
                    .decode(rest)
                    .map_err(|_| bad("the `extra` line is not standard base64".into()))?,
            );
            line = lines.next();
        }
        let index_text = line
            .and_then(|l| l.strip_prefix("index "))
            .ok_or_else(|| bad("no `index <n>` line".into()))?;
        let index = crate::note::parse_size(index_text).ok_or_else(|| {
            bad(format!(
                "index `{index_text}` is not a decimal without leading zeros"
            ))
        })?;
        let mut proof = Vec::new();
        for (i, hash) in lines.enumerate() {
            if i >= 63 {
                return Err(bad("more than 63 proof hashes".into()));
            }
            proof.push(hash_from_base64(hash, "receipt")?);
        }
        if checkpoint.is_empty() {
            return Err(bad("no checkpoint after the empty line".into()));
        }
        Ok(Self {
            extra,
            index,
            proof,
            checkpoint: checkpoint.to_owned(),
        })
    }

    /// Verifies the receipt under `policy`, with no network: the checkpoint's signatures and
    /// quorum, then the inclusion of `entry` (or of the carried entry) at `index`.
    ///
    /// # Errors
    ///
    /// [`Error::Signature`] / [`Error::WrongOrigin`] from the policy; [`Error::InvalidProof`] when
    /// inclusion fails; [`Error::Malformed`] when no entry is available or the two differ.
    pub fn verify(&self, policy: &Policy, entry: Option<&[u8]>) -> Result<Trusted> {
        let data = match (entry, &self.extra) {
            (Some(given), Some(carried)) if given != carried.as_slice() => {
                return Err(Error::malformed(
                    "receipt",
                    "the entry given differs from the entry the receipt carries",
                ));
            }
            (Some(given), _) => given,
            (None, Some(carried)) => carried.as_slice(),
            (None, None) => {
                return Err(Error::malformed(
                    "receipt",
                    "carries no entry (`extra` line) and none was given",
                ));
            }
        };
        let trusted = policy.verify(self.checkpoint.as_bytes())?;
        verify_inclusion(
            &leaf_hash(data),
            self.index,
            trusted.checkpoint.size,
            &self.proof,
            &trusted.checkpoint.root,
        )?;
        Ok(trusted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::MemoryTree;
    use crate::note::{Checkpoint, KeyKind, SigningKey, sign_checkpoint};

    #[test]
    fn receipts_round_trip_and_verify_offline() {
        let key =
            SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [5; 32]).unwrap();
        let mut tree = MemoryTree::new();
        let entries: Vec<Vec<u8>> = (0..1000).map(|i| format!("e{i}").into_bytes()).collect();
        for e in &entries {
            tree.push(leaf_hash(e));
        }
        let cp = Checkpoint {
            origin: "freedataport.example/log".into(),
            size: 1000,
            root: tree.root(),
            extensions: vec![],
        };
        let signed = sign_checkpoint(&cp, &key).unwrap();
        let receipt = Receipt::build(&tree, 1000, 123, Some(entries[123].clone()), signed).unwrap();
        let text = receipt.to_text();
        assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra ZTEyMw==\nindex 123\n"));
        let parsed = Receipt::parse(&text).unwrap();
        assert_eq!(parsed, receipt);
        let policy = Policy::log_only(key.verifier());
        let trusted = parsed.verify(&policy, None).unwrap();
        assert_eq!(trusted.checkpoint.size, 1000);
        // A forged entry, another index, a wrong key: each named.
        let err = parsed
            .verify(&policy, Some(b"e124"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("differs from the entry the receipt carries"),
            "{err}"
        );
        let mut moved = parsed.clone();
        moved.index = 124;
        let err = moved.verify(&policy, None).unwrap_err().to_string();
        assert!(err.contains("invalid inclusion proof"), "{err}");
        let other =
            SigningKey::from_seed("freedataport.example/log", KeyKind::Ed25519, [6; 32]).unwrap();
        let err = parsed
            .verify(&Policy::log_only(other.verifier()), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no signature by"), "{err}");
    }

    #[test]
    fn malformed_receipts_are_named() {
        for (text, reason) in [
            (
                "c2sp.org/tlog-proof@v1\nindex 1\n",
                "no empty line before the checkpoint",
            ),
            ("c2sp.org/tlog-proof@v2\nindex 1\n\ncp\n", "line 1 is not"),
            (
                "c2sp.org/tlog-proof@v1\nextra !!\nindex 1\n\ncp\n",
                "`extra` line is not standard base64",
            ),
            ("c2sp.org/tlog-proof@v1\nindex 01\n\ncp\n", "index `01`"),
            (
                "c2sp.org/tlog-proof@v1\nextra AA==\n\ncp\n",
                "no `index <n>` line",
            ),
            (
                "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\ncp\n",
                "has 3 bytes, expected 32",
            ),
            (
                "c2sp.org/tlog-proof@v1\nindex 1\n\n",
                "no checkpoint after the empty line",
            ),
        ] {
            let err = Receipt::parse(text).unwrap_err().to_string();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
    }
}
