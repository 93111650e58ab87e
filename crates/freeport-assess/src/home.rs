//! The port's home directory and the transparency log kept in it: the store, the log with its
//! signing key, and two witnesses — one for each country — that cosign every checkpoint, all
//! created on first use so that a newcomer's first `freeport assess` produces a real receipt.
//!
//! ```text
//! $FREEPORT_HOME/            (else the platform data directory, e.g. ~/.local/share/freeport)
//!   freeport.db              the store
//!   log/                     the C2SP tlog-tiles log
//!   keys/log.key|.vkey       the log's Ed25519 note key
//!   keys/witness-cn.key|.vkey, keys/witness-us.key|.vkey   the witnesses' cosignature keys
//!   witnesses/cn.json, us.json                             their durable witness state
//!   trust-policy.txt         the tlog-policy a recipient needs: this log, both witnesses, both required
//! ```
//!
//! On one machine the two "witnesses" are local keys, which shows the mechanism but proves
//! nothing independent; a deployment points the log at real witnesses (`freeport log cosign`
//! over HTTP), and the trust policy names those instead.

use std::path::{Path, PathBuf};

use freeport_tlog::merkle::{NodeSource, prove_consistency};
use freeport_tlog::note::{KeyKind, SigningKey, load_signing_key, save_key_pair};
use freeport_tlog::receipt::Receipt;
use freeport_tlog::store::{Log, write_atomic};
use freeport_tlog::witness::{
    AddCheckpoint, Witness, WitnessState, state_from_json, state_to_json,
};

/// How many of the newest entries recovery searches for an entry a crash left unconfirmed.
const RECOVERY_WINDOW: u64 = 4_096;

/// The log's origin (and its key's name).
pub const LOG_ORIGIN: &str = "freeport.local/log";

/// Where the port keeps its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// A home at `root`.
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The default home: `$FREEPORT_HOME`, else the directory of the default store.
    ///
    /// # Errors
    ///
    /// When no data directory can be found.
    pub fn locate() -> Result<Self, freeport_store::StoreError> {
        let db = freeport_store::default_path()?;
        Ok(Self::new(
            db.parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        ))
    }

    /// The directory.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The store database.
    #[must_use]
    pub fn store_path(&self) -> PathBuf {
        self.root.join(freeport_store::DB_FILE)
    }

    /// The log directory.
    #[must_use]
    pub fn log_dir(&self) -> PathBuf {
        self.root.join("log")
    }

    /// The key directory.
    #[must_use]
    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    /// The trust policy for this log and its witnesses.
    #[must_use]
    pub fn trust_policy_path(&self) -> PathBuf {
        self.root.join("trust-policy.txt")
    }
}

/// One local witness: its key and durable state.
struct LocalWitness {
    name: &'static str,
    witness: Witness,
    state_path: PathBuf,
    state: WitnessState,
}

/// The port's log, opened for writing, with its key and witnesses.
pub struct PortLog {
    log: Log,
    key: SigningKey,
    witnesses: Vec<LocalWitness>,
    policy: String,
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
    pub fn open_or_create(home: &Home) -> freeport_tlog::Result<Self> {
        let keys = home.keys_dir();
        std::fs::create_dir_all(&keys).map_err(|e| freeport_tlog::Error::Malformed {
            what: "home",
            reason: format!("cannot create `{}`: {e}", keys.display()),
        })?;
        let log_key = key(&keys, "log", LOG_ORIGIN, KeyKind::Ed25519)?;
        let dir = home.log_dir();
        let log = if dir.join("log.json").exists() {
            Log::open(&dir)?
        } else {
            Log::init(&dir, LOG_ORIGIN, &log_key.verifier())?
        };
        let witness_dir = home.root().join("witnesses");
        std::fs::create_dir_all(&witness_dir).map_err(|e| freeport_tlog::Error::Malformed {
            what: "home",
            reason: format!("cannot create `{}`: {e}", witness_dir.display()),
        })?;
        let mut witnesses = Vec::new();
        for (name, key_name) in [
            ("cn", "witness-cn.freeport.local"),
            ("us", "witness-us.freeport.local"),
        ] {
            let signing = key(
                &keys,
                &format!("witness-{name}"),
                key_name,
                KeyKind::Cosignature,
            )?;
            let state_path = witness_dir.join(format!("{name}.json"));
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
        for w in &witnesses {
            policy.push_str(&format!(
                "witness {} {}\n",
                w.name,
                w.witness.vkey().to_vkey()
            ));
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
            policy,
        })
    }

    /// The tlog-policy text a recipient verifies receipts with.
    #[must_use]
    pub fn policy(&self) -> &str {
        &self.policy
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
        Ok(self.log.append(&[entry])?.first_index)
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
        let note = self.log.checkpoint(&self.key)?;
        let size = self.log.size();
        let now = jiff::Timestamp::now().as_second().unsigned_abs();
        let mut lines = Vec::new();
        for w in &mut self.witnesses {
            let old = w.state.logs.get(LOG_ORIGIN).map_or(0, |r| r.size);
            let proof = prove_consistency(&self.log, old, size)?;
            let body = AddCheckpoint {
                old,
                proof,
                note: note.clone(),
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
                write_atomic(dir, file, state_to_json(&state)?.as_bytes())?;
                w.state = state;
            }
            if response.status != 200 {
                return Err(freeport_tlog::Error::Malformed {
                    what: "witness answer",
                    reason: format!(
                        "witness `{}` refused the checkpoint ({}): {}",
                        w.name,
                        response.status,
                        response.body.trim()
                    ),
                });
            }
            lines.extend(response.body.lines().map(|l| format!("{l}\n")));
        }
        let cosigned = self.log.add_cosignatures(&lines)?;
        let entry = self.log.entry(index)?;
        Ok(Receipt::build(&self.log, size, index, Some(entry), cosigned)?.to_text())
    }
}
