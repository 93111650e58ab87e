//! The port's home directory and the transparency log kept in it: the store, the log with its
//! signing key, and two witnesses — one for each country — that cosign every checkpoint, all
//! created on first use so that a newcomer's first `freeport assess` produces a real receipt.
//!
//! The home's layout, and the rule that nothing is created in a home whose parts disagree, are
//! in [`crate::layout`].
//!
//! On one machine the two "witnesses" are local keys, which shows the mechanism but proves
//! nothing independent; a deployment points the log at real witnesses (`freeport log cosign`
//! over HTTP), and the trust policy names those instead.

use std::path::{Path, PathBuf};

use crate::layout::HomeLayout;

use std::sync::Arc;

use crate::cosign::{CosignFailure, RemoteWitness, RemoteWitnesses, WitnessClient, cosign_with};
use freeport_tlog::merkle::{NodeSource, prove_consistency};
use freeport_tlog::note::{KeyKind, SigningKey, VerifierKey, load_signing_key, save_key_pair};
use freeport_tlog::receipt::Receipt;
use freeport_tlog::store::{Log, write_atomic};
use freeport_tlog::witness::{
    AddCheckpoint, Witness, WitnessState, state_from_json, state_to_json,
};

/// How many of the newest entries recovery searches for an entry a crash left unconfirmed.
const RECOVERY_WINDOW: u64 = 4_096;

/// The origin (and key name) of a log `freeport init` makes without `--origin`: fine on one
/// machine; a port others verify names itself (`freeport init --origin port.example.org/log`).
pub const LOG_ORIGIN: &str = "freeport.local/log";

/// Environment variable: the least free space, in bytes, every filesystem the home's store, log
/// and witness state (and the output directory) live on must have before a transfer is recorded
/// and appended. Default [`DEFAULT_MIN_FREE_BYTES`].
pub const MIN_FREE_ENV: &str = "FREEPORT_MIN_FREE_BYTES";

/// Test hook: report this many bytes free on every filesystem instead of asking the system
/// (`0` stands in for a full disk). Unset in normal use.
pub const SIMULATED_FREE_ENV: &str = "FREEPORT_SIMULATE_FREE_BYTES";

/// The default of [`MIN_FREE_ENV`]: room for the store's write-ahead log with a large transfer's
/// subject hashes, the log's entry and tiles, and the witnesses' state.
pub const DEFAULT_MIN_FREE_BYTES: u64 = 32 << 20;

/// A filesystem with less free space than recording needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowSpace {
    /// The directory whose filesystem is short.
    pub path: PathBuf,
    /// Bytes free there for this user.
    pub free: u64,
    /// Bytes required ([`MIN_FREE_ENV`]).
    pub needed: u64,
}

/// Checks that each of `dirs` (or, for one that does not exist yet, its nearest existing
/// ancestor) has at least [`MIN_FREE_ENV`] bytes free: run before a transfer is recorded, so
/// that a full disk stops a run while nothing is recorded, rather than after its log entry.
///
/// # Errors
///
/// The first directory that is short, or one whose filesystem cannot be asked (as short, with
/// 0 bytes free).
pub fn check_free_space(dirs: &[PathBuf]) -> Result<(), LowSpace> {
    let needed = std::env::var(MIN_FREE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_MIN_FREE_BYTES);
    let simulated = std::env::var(SIMULATED_FREE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    for dir in dirs {
        let existing = dir.ancestors().find(|a| a.exists()).unwrap_or(dir);
        let free = match simulated {
            Some(free) => free,
            None => {
                rustix::fs::statvfs(existing).map_or(0, |s| s.f_bavail.saturating_mul(s.f_frsize))
            }
        };
        if free < needed {
            return Err(LowSpace {
                path: existing.to_path_buf(),
                free,
                needed,
            });
        }
    }
    Ok(())
}

/// One local witness: its key and durable state.
struct LocalWitness {
    name: &'static str,
    witness: Witness,
    state_path: PathBuf,
    state: WitnessState,
}

/// A witness another party runs, with the key pinned for it.
struct PinnedWitness {
    witness: RemoteWitness,
    key: VerifierKey,
}

/// The port's log, opened for writing, with its key and witnesses: local keys, or — for each
/// country whose witness `witnesses.toml` names — another party's server.
pub struct PortLog {
    log: Log,
    key: SigningKey,
    witnesses: Vec<LocalWitness>,
    remote: Vec<PinnedWitness>,
    client: Option<Arc<dyn WitnessClient>>,
    policy: String,
}

/// A witness (by name) that gave no cosignature, and why.
pub type WitnessFailure = (String, CosignFailure);

/// What a cosigning round achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cosigned {
    /// A checkpoint of the whole log is published with every witness's cosignature.
    Published,
    /// Some witnesses gave no cosignature; the last published checkpoint stays until they do.
    Pending(Vec<WitnessFailure>),
}

impl std::fmt::Debug for PortLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortLog")
            .field("dir", &self.log.dir())
            .finish_non_exhaustive()
    }
}

fn key(dir: &Path, file: &str, name: &str, kind: KeyKind) -> freeport_tlog::Result<SigningKey> {
    let prefix = dir.join(file);
    let private = prefix.with_extension("key");
    if private.exists() {
        return load_signing_key(&private);
    }
    let key = SigningKey::generate(name, kind)?;
    match save_key_pair(&prefix, &key) {
        Ok(_) => Ok(key),
        // Another process created it first: use theirs.
        Err(_) if private.exists() => load_signing_key(&private),
        Err(e) => Err(e),
    }
}

impl PortLog {
    /// Opens the home's log, creating the keys, the log, the witnesses' state and the trust
    /// policy on first use.
    ///
    /// # Errors
    ///
    /// Keys with unsafe permissions, a log held by another process or failing its checks, or
    /// files that cannot be written.
    pub fn open_or_create(home: &HomeLayout) -> freeport_tlog::Result<Self> {
        Self::open_or_create_as(home, LOG_ORIGIN)
    }

    /// As [`PortLog::open_or_create`], a new log taking `origin` (a schema-less URL, also its
    /// key's name); an existing log keeps its own.
    ///
    /// # Errors
    ///
    /// As [`PortLog::open_or_create`].
    pub fn open_or_create_as(home: &HomeLayout, origin: &str) -> freeport_tlog::Result<Self> {
        let keys = home.keys_dir();
        std::fs::create_dir_all(&keys).map_err(|e| freeport_tlog::Error::Malformed {
            what: "home",
            reason: format!("cannot create `{}`: {e}", keys.display()),
        })?;
        let dir = home.log_dir();
        let existing = dir.join("log.json").exists();
        if existing && !home.log_key_path().exists() {
            // A new key could not sign this log's checkpoints: refuse before anything is made.
            return Err(freeport_tlog::Error::Malformed {
                what: "home",
                reason: format!(
                    "the log `{}` has no key `{}`; restore it from a backup",
                    dir.display(),
                    home.log_key_path().display()
                ),
            });
        }
        let log_key = key(&keys, "log", origin, KeyKind::Ed25519)?;
        let log = if existing {
            Log::open(&dir)?
        } else {
            Log::init(&dir, origin, &log_key.verifier())?
        };
        // The key must be this log's, checked before anything is recorded or appended: a
        // wrong key found only at the checkpoint leaves an appended entry behind a failure.
        if log.vkey() != &log_key.verifier() {
            return Err(freeport_tlog::Error::Malformed {
                what: "home",
                reason: format!(
                    "the key `{}` (`{}`) is not the key of the log `{}` (`{}`); nothing was recorded",
                    home.log_key_path().display(),
                    log_key.verifier().label(),
                    dir.display(),
                    log.vkey().label()
                ),
            });
        }
        let witness_dir = home.witnesses_dir();
        std::fs::create_dir_all(&witness_dir).map_err(|e| freeport_tlog::Error::Malformed {
            what: "home",
            reason: format!("cannot create `{}`: {e}", witness_dir.display()),
        })?;
        let remote_list = RemoteWitnesses::load(home.root())?;
        let mut remote = Vec::new();
        for witness in remote_list.witnesses {
            let key = witness.verifier()?;
            remote.push(PinnedWitness { witness, key });
        }
        let mut witnesses = Vec::new();
        for (name, key_name) in [
            ("cn", "witness-cn.freeport.local"),
            ("us", "witness-us.freeport.local"),
        ] {
            if remote.iter().any(|r| r.witness.name == name) {
                // Another party's witness cosigns for this country.
                continue;
            }
            let state_path = witness_dir.join(format!("{name}.json"));
            let key_path = keys.join(format!("witness-{name}.key"));
            if state_path.exists() && !key_path.exists() {
                // A new key would cosign under a name recipients do not trust.
                return Err(freeport_tlog::Error::Malformed {
                    what: "home",
                    reason: format!(
                        "the witness state `{}` has no key `{}`; restore it from a backup",
                        state_path.display(),
                        key_path.display()
                    ),
                });
            }
            let signing = key(
                &keys,
                &format!("witness-{name}"),
                key_name,
                KeyKind::Cosignature,
            )?;
            let state = match std::fs::read_to_string(&state_path) {
                Ok(text) => state_from_json(&text)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let mut state = WitnessState::default();
                    state.add_log(&log_key.verifier());
                    state
                }
                Err(e) => {
                    return Err(freeport_tlog::Error::Malformed {
                        what: "witness state",
                        reason: format!("cannot read `{}`: {e}", state_path.display()),
                    });
                }
            };
            witnesses.push(LocalWitness {
                name,
                witness: Witness::new(signing)?,
                state_path,
                state,
            });
        }
        let mut policy = format!("log {}\n", log_key.verifier().to_vkey());
        let mut named: Vec<(&str, String)> = witnesses
            .iter()
            .map(|w| (w.name, w.witness.vkey().to_vkey()))
            .chain(
                remote
                    .iter()
                    .map(|r| (r.witness.name.as_str(), r.key.to_vkey())),
            )
            .collect();
        named.sort();
        for (name, vkey) in named {
            policy.push_str(&format!("witness {name} {vkey}\n"));
        }
        policy.push_str("group cn-and-us all cn us\nquorum cn-and-us\n");
        let root = home.root();
        if std::fs::read_to_string(home.trust_policy_path())
            .ok()
            .as_deref()
            != Some(&policy)
        {
            write_atomic(root, "trust-policy.txt", policy.as_bytes())?;
        }
        Ok(Self {
            log,
            key: log_key,
            witnesses,
            remote,
            client: None,
            policy,
        })
    }

    /// The transport to the remote witnesses `witnesses.toml` names (without one, they count
    /// as unreachable).
    pub fn set_witness_client(&mut self, client: Arc<dyn WitnessClient>) {
        self.client = Some(client);
    }

    /// A receipt for entry `index` against the published checkpoint, if that covers it.
    ///
    /// # Errors
    ///
    /// The log cannot be read.
    pub fn receipt_from_published(&self, index: u64) -> freeport_tlog::Result<Option<String>> {
        let Some(note) = self.log.signed_checkpoint() else {
            return Ok(None);
        };
        let size = self.log.verify_checkpoint(note.as_bytes())?.size;
        if index >= size {
            return Ok(None);
        }
        let entry = self.log.entry(index)?;
        Ok(Some(
            Receipt::build(&self.log, size, index, Some(entry), note)?.to_text(),
        ))
    }

    /// The published checkpoint, with its cosignatures.
    #[must_use]
    pub fn published_checkpoint(&self) -> Option<String> {
        self.log.signed_checkpoint()
    }

    /// Has every witness cosign a fresh checkpoint of the whole log unless the published one
    /// covers it already; publishes it only when all cosigned. A witness that is down leaves
    /// the round [`Cosigned::Pending`]; the next round (the server retries) catches up.
    ///
    /// # Errors
    ///
    /// Signing or writing fails.
    pub fn cosign_pending(&mut self) -> freeport_tlog::Result<Cosigned> {
        let size = self.log.size();
        let published = self
            .log
            .signed_checkpoint()
            .and_then(|note| self.log.verify_checkpoint(note.as_bytes()).ok())
            .map(|c| c.size);
        if published == Some(size) {
            return Ok(Cosigned::Published);
        }
        let note = self.log.sign_unpublished(&self.key)?;
        let (lines, failures) = self.cosign_all(&note, size)?;
        if !failures.is_empty() {
            return Ok(Cosigned::Pending(failures));
        }
        self.log.publish_checkpoint(&note, &lines)?;
        Ok(Cosigned::Published)
    }

    /// Asks every witness to cosign `note` (size `size`): the cosignature lines, and who gave
    /// none and why.
    fn cosign_all(
        &mut self,
        note: &str,
        size: u64,
    ) -> freeport_tlog::Result<(Vec<String>, Vec<WitnessFailure>)> {
        let now = jiff::Timestamp::now().as_second().unsigned_abs();
        let mut lines = Vec::new();
        let mut failures = Vec::new();
        let origin = self.log.origin().to_owned();
        for w in &mut self.witnesses {
            let old = w.state.logs.get(&origin).map_or(0, |r| r.size);
            let proof = prove_consistency(&self.log, old, size)?;
            let body = AddCheckpoint {
                old,
                proof,
                note: note.to_owned(),
            }
            .to_text();
            let (response, state) = w.witness.add_checkpoint(&w.state, body.as_bytes(), now);
            if let Some(state) = state {
                // The witness persists before it answers, as tlog-witness requires.
                let dir = w.state_path.parent().unwrap_or_else(|| Path::new("."));
                let file = w
                    .state_path
                    .file_name()
                    .and_then(|f| f.to_str())
                    .unwrap_or("witness.json");
                if crate::fault::requested("full-witness-disk") {
                    // A test's stand-in for a disk that fills under the witness state.
                    return Err(freeport_tlog::Error::Io {
                        action: "write",
                        path: w.state_path.display().to_string(),
                        source: std::io::Error::from(std::io::ErrorKind::StorageFull),
                    });
                }
                write_atomic(dir, file, state_to_json(&state)?.as_bytes())?;
                w.state = state;
            }
            if response.status == 200 {
                lines.extend(response.body.lines().map(|l| format!("{l}\n")));
            } else {
                failures.push((
                    w.name.to_owned(),
                    CosignFailure::Refused {
                        status: response.status,
                        reason: response.body.trim().to_owned(),
                    },
                ));
            }
            crate::fault::abort_at(&format!("after-witness-{}", w.name));
        }
        for r in &self.remote {
            let answer = match &self.client {
                Some(client) => cosign_with(
                    &self.log,
                    note,
                    size,
                    &r.witness.url,
                    Some(&r.key),
                    client.as_ref(),
                ),
                None => Err(CosignFailure::Unreachable(
                    "this process has no HTTP client for witnesses".to_owned(),
                )),
            };
            match answer {
                Ok(more) => lines.extend(more),
                Err(failure) => failures.push((r.witness.name.clone(), failure)),
            }
        }
        Ok((lines, failures))
    }

    /// The log's origin.
    #[must_use]
    pub fn origin(&self) -> &str {
        self.log.origin()
    }

    /// The log's verifier key, C2SP vkey form.
    #[must_use]
    pub fn vkey(&self) -> String {
        self.key.verifier().to_vkey()
    }

    /// The tlog-policy text a recipient verifies receipts with.
    #[must_use]
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The entry at `index`, as appended.
    ///
    /// # Errors
    ///
    /// No such entry, or its tile cannot be read.
    pub fn entry(&self, index: u64) -> freeport_tlog::Result<Vec<u8>> {
        self.log.entry(index)
    }

    /// Entries `range`, as appended, each bundle read once.
    ///
    /// # Errors
    ///
    /// Beyond the log, or a tile cannot be read.
    pub fn entries(&self, range: std::ops::Range<u64>) -> freeport_tlog::Result<Vec<Vec<u8>>> {
        self.log.entries(range)
    }

    /// The log's size and root hash (base64) now.
    #[must_use]
    pub fn head(&self) -> (u64, String) {
        (
            self.log.size(),
            freeport_tlog::merkle::hash_to_base64(&self.log.root()),
        )
    }

    /// Appends one entry durably; returns its index.
    ///
    /// # Errors
    ///
    /// The log cannot be written.
    pub fn append(&mut self, entry: &[u8]) -> freeport_tlog::Result<u64> {
        self.append_batch(&[entry])
    }

    /// Appends entries durably as one batch (one round of writes and fsyncs); returns the
    /// index of the first, the others following in order.
    ///
    /// # Errors
    ///
    /// The log cannot be written.
    pub fn append_batch(&mut self, entries: &[&[u8]]) -> freeport_tlog::Result<u64> {
        Ok(self.log.append(entries)?.first_index)
    }

    /// Appends `entry` unless it is among the newest entries already (a crash came after its
    /// append, before the store noted it): its index either way. For entries a store queued.
    ///
    /// # Errors
    ///
    /// The log cannot be read or written.
    pub fn append_once(&mut self, entry: &[u8]) -> freeport_tlog::Result<u64> {
        match self.find_recent(entry)? {
            Some(index) => Ok(index),
            None => self.append(entry),
        }
    }

    /// The index of `entry` among the newest entries, if it is there (crash recovery).
    ///
    /// # Errors
    ///
    /// The log cannot be read.
    pub fn find_recent(&self, entry: &[u8]) -> freeport_tlog::Result<Option<u64>> {
        let size = self.log.size();
        let start = size.saturating_sub(RECOVERY_WINDOW);
        for index in (start..size).rev() {
            if self.log.entry(index)? == entry {
                return Ok(Some(index));
            }
        }
        Ok(None)
    }

    /// Signs a checkpoint of the whole log, has both witnesses cosign it, and returns an
    /// offline receipt (C2SP tlog-proof with the entry) for entry `index`.
    ///
    /// # Errors
    ///
    /// Signing, a witness refusing (a fork), or writing fails.
    pub fn receipt(&mut self, index: u64) -> freeport_tlog::Result<String> {
        // Signed but not yet published: it is published once, with both cosignatures, so a
        // crash during the witness round never leaves a checkpoint the quorum policy rejects.
        let note = self.log.sign_unpublished(&self.key)?;
        let size = self.log.size();
        let (lines, failures) = self.cosign_all(&note, size)?;
        if let Some((name, failure)) = failures.first() {
            return Err(freeport_tlog::Error::Malformed {
                what: "witness answer",
                reason: format!("witness `{name}` gave no cosignature: {failure}"),
            });
        }
        let cosigned = self.log.publish_checkpoint(&note, &lines)?;
        crate::fault::abort_at("after-checkpoint");
        let entry = self.log.entry(index)?;
        Ok(Receipt::build(&self.log, size, index, Some(entry), cosigned)?.to_text())
    }
}
