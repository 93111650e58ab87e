//! The cosigning round of C2SP tlog-witness, written once for `freeport log cosign` and for a
//! port whose witnesses are other parties' servers.
//!
//! Each country runs its own witness (`freeport witness serve`, its own host, key and state).
//! A port names them in `witnesses.toml` in its home (`freeport witness add cn URL`), pinning the
//! key each witness *publishes* at `URL/vkey`; the trust policy recipients and auditors use is
//! written from those keys. Transport is the caller's: the port's service layer knows no HTTP,
//! so the binary hands it a [`WitnessClient`] (`freeport-server`'s).

use std::path::Path;

use freeport_tlog::merkle::prove_consistency;
use freeport_tlog::note::{VerifierKey, add_signature_lines, open_note};
use freeport_tlog::store::{Log, write_atomic};
use freeport_tlog::witness::AddCheckpoint;
use serde::{Deserialize, Serialize};

fn malformed(reason: String) -> freeport_tlog::Error {
    freeport_tlog::Error::Malformed {
        what: "witnesses",
        reason,
    }
}

/// The file in a port's home that names its remote witnesses.
pub const WITNESSES_FILE: &str = "witnesses.toml";

/// Talks to a witness: `POST <url>/add-checkpoint` with `body`, giving the status and body of
/// the answer, or why it could not be reached.
pub trait WitnessClient: Send + Sync {
    /// Sends one add-checkpoint request.
    ///
    /// # Errors
    ///
    /// The witness cannot be reached (the reason, for a person).
    fn add_checkpoint(&self, url: &str, body: &str) -> Result<(u16, String), String>;
}

/// A witness another party runs, as a port's home names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteWitness {
    /// `cn` or `us`: the name the trust policy gives it.
    pub name: String,
    /// Its submission prefix, e.g. `https://witness.example.cn`.
    pub url: String,
    /// The verifier key it published at `<url>/vkey` when it was added (C2SP vkey).
    pub vkey: String,
}

/// The remote witnesses of a port's home.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteWitnesses {
    /// One per country, sorted by name.
    #[serde(default, rename = "witness")]
    pub witnesses: Vec<RemoteWitness>,
}

impl RemoteWitnesses {
    /// Reads `witnesses.toml` from `root` (none there: no remote witness).
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not valid, or names a key that is not a cosigning key.
    pub fn load(root: &Path) -> freeport_tlog::Result<Self> {
        let path = root.join(WITNESSES_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(malformed(format!("cannot read `{}`: {e}", path.display())));
            }
        };
        let parsed: Self =
            toml::from_str(&text).map_err(|e| malformed(format!("`{}`: {e}", path.display())))?;
        for w in &parsed.witnesses {
            w.verifier()?;
        }
        Ok(parsed)
    }

    /// Writes `witnesses.toml` into `root` (temp + rename).
    ///
    /// # Errors
    ///
    /// The file cannot be written.
    pub fn save(&self, root: &Path) -> freeport_tlog::Result<()> {
        let text = toml::to_string(self).map_err(|e| malformed(e.to_string()))?;
        let text = format!(
            "# The witnesses that cosign this port's log, each run by another party; keys as each\n\
             # published them at <url>/vkey when added with `freeport witness add`.\n{text}"
        );
        write_atomic(root, WITNESSES_FILE, text.as_bytes())
    }

    /// Adds or replaces the witness named `witness.name`.
    pub fn put(&mut self, witness: RemoteWitness) {
        self.witnesses.retain(|w| w.name != witness.name);
        self.witnesses.push(witness);
        self.witnesses.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

impl RemoteWitness {
    /// Its verifier key.
    ///
    /// # Errors
    ///
    /// Not a valid vkey, or not a cosigning key.
    pub fn verifier(&self) -> freeport_tlog::Result<VerifierKey> {
        let key = VerifierKey::from_vkey(&self.vkey)?;
        if key.kind() != freeport_tlog::note::KeyKind::Cosignature {
            return Err(malformed(format!(
                "witness `{}` publishes `{}`, which is not a cosigning (witness) key",
                self.name,
                key.label()
            )));
        }
        Ok(key)
    }
}

/// Why a witness gave no cosignature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CosignFailure {
    /// Could not be reached: cosigning waits for it.
    Unreachable(String),
    /// Answered with an error (a fork, an unknown log): a human must look.
    Refused {
        /// The HTTP status.
        status: u16,
        /// Its answer.
        reason: String,
    },
    /// Its cosignature does not verify under the key pinned for it.
    BadCosignature(String),
}

impl std::fmt::Display for CosignFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable(reason) => write!(f, "unreachable: {reason}"),
            Self::Refused { status, reason } => write!(f, "refused ({status}): {reason}"),
            Self::BadCosignature(reason) => write!(f, "bad cosignature: {reason}"),
        }
    }
}

/// Asks the witness at `url` to cosign the signed checkpoint `note` of size `size` of `log`,
/// probing with `old 0` (a `409` names the size it last cosigned, and the request is made again
/// from there). With `pinned`, the answer must verify under that key.
///
/// # Errors
///
/// What kept the witness from cosigning; a proof the log cannot build is `Refused` with 500.
pub fn cosign_with(
    log: &Log,
    note: &str,
    size: u64,
    url: &str,
    pinned: Option<&VerifierKey>,
    client: &dyn WitnessClient,
) -> Result<Vec<String>, CosignFailure> {
    let mut old = 0;
    for _ in 0..2 {
        let proof = prove_consistency(log, old, size).map_err(|e| CosignFailure::Refused {
            status: 500,
            reason: format!("cannot prove consistency from {old}: {e}"),
        })?;
        let body = AddCheckpoint {
            old,
            proof,
            note: note.to_owned(),
        }
        .to_text();
        let (status, text) = client
            .add_checkpoint(url, &body)
            .map_err(CosignFailure::Unreachable)?;
        match status {
            200 => {
                let lines: Vec<String> = text.lines().map(|l| format!("{l}\n")).collect();
                if let Some(key) = pinned {
                    let cosigned = add_signature_lines(note, &lines);
                    let opened =
                        open_note(cosigned.as_bytes(), std::slice::from_ref(key), "checkpoint")
                            .map_err(|e| CosignFailure::BadCosignature(e.to_string()))?;
                    if opened.verified.is_empty() {
                        return Err(CosignFailure::BadCosignature(format!(
                            "no cosignature by `{}`",
                            key.label()
                        )));
                    }
                }
                return Ok(lines);
            }
            409 => {
                old = text.trim().parse().unwrap_or(0);
            }
            status => {
                return Err(CosignFailure::Refused {
                    status,
                    reason: text.trim().to_owned(),
                });
            }
        }
    }
    Err(CosignFailure::Refused {
        status: 409,
        reason: format!("still disagrees about the last cosigned size ({old})"),
    })
}
