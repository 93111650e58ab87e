//! An aggregator: its home (keys and state), study approval, verification, durable
//! accumulation, and collection with DP noise, floors, differencing checks and the budget.
//!
//! A home is created only by [`Aggregator::init`] and opened only by [`Aggregator::open`], which
//! refuses (fails closed) when any part is missing or belongs to the other country. State lives
//! in SQLite (`state.db`, WAL, `synchronous = FULL`): every upload the aggregator answers was
//! committed first — its nonces (the replay check), its per-day aggregate shares and the
//! rejection counters — so a restart loses no accepted report. A release is recorded with its
//! ε, its batch and the exact response (noise included) in the transaction that checks the
//! budget; the response is returned only after the commit, and the same request id gets the
//! same stored response.
//!
//! The verification key is never configured: each aggregator draws a random half per approved
//! study and sends it sealed to the other's HPKE key ([`Aggregator::key_half`]); the key is the
//! SHA-256 of both halves, known to the two aggregators only. It also keys the MAC of peer
//! requests.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::crypto::{self, HpkeKeyPair, ShareOpener, b64, seal_to, unb64};
use crate::query::Plan;
use crate::study::{Country, StudyFile, StudyHash, StudySignature, day_text, hex};
use crate::vdaf::{AggShare, Instance, Item};
use crate::wire::{
    CollectResponse, HelperItem, HelperOutcome, HelperRequest, HelperResponse, KeyHalf, Release,
    SignedCollect, Status, Upload, UploadOutcome, agg_share_info, collect_signed_bytes,
    key_half_info, share_info,
};
use crate::{Error, Result};

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE studies (
    id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, text TEXT NOT NULL, signature TEXT NOT NULL,
    approved_at TEXT NOT NULL, own_half BLOB NOT NULL, peer_half BLOB,
    approval TEXT NOT NULL, log_index INTEGER NOT NULL
) STRICT;
CREATE TABLE reports (
    study INTEGER NOT NULL, nonce BLOB NOT NULL, digest BLOB NOT NULL, message BLOB NOT NULL,
    PRIMARY KEY (study, nonce)
) STRICT, WITHOUT ROWID;
CREATE TABLE buckets (
    study TEXT NOT NULL, query TEXT NOT NULL, day INTEGER NOT NULL, count INTEGER NOT NULL,
    checksum BLOB NOT NULL, share BLOB NOT NULL, PRIMARY KEY (study, query, day)
) STRICT;
CREATE TABLE rejections (
    study TEXT NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (study, reason)
) STRICT;
CREATE TABLE releases (
    study TEXT NOT NULL, query TEXT NOT NULL, start_day INTEGER NOT NULL,
    end_day INTEGER NOT NULL, request_id TEXT NOT NULL UNIQUE, micro_epsilon INTEGER NOT NULL,
    report_count INTEGER NOT NULL, response TEXT NOT NULL, released_at TEXT NOT NULL
) STRICT;
";

/// The public description of an aggregator home (`aggregator.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeInfo {
    /// The country it serves.
    pub country: Country,
    /// Its HPKE public key (base64), for studies.
    pub hpke_key: String,
    /// When it was created.
    pub created: String,
}

/// An operator's approval of a study: loggable, canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The study's id.
    pub study_id: String,
    /// The study's hash.
    pub study: StudyHash,
    /// The approving aggregator.
    pub country: Country,
    /// Its HPKE key, as the study names it.
    pub hpke_key: String,
    /// When.
    pub approved_at: String,
}

struct Query {
    id: String,
    plan: Plan,
    instance: Instance,
    ctx: Vec<u8>,
    epsilon: f64,
    max_releases: u32,
}

/// One report of an upload, checked and decrypted: its index, nonce, public and input share.
type Checked = (usize, [u8; 16], Vec<u8>, Vec<u8>);
/// A fresh report the helper verified: output share, nonce, digest.
type Fresh = (crate::vdaf::OutShare, [u8; 16], Vec<u8>);
/// The helper's verdict on one report: the message, and the share if it is new.
type Verdict = std::result::Result<(Vec<u8>, Option<Fresh>), &'static str>;

/// A report after the helper's checks that need the store.
enum Screened {
    /// Rejected, with the reason.
    Rejected(&'static str),
    /// Accepted before with the same content (a retry): its stored message.
    Known(Vec<u8>),
    /// New: to decrypt and verify (its digest is computed then, off the ordered path).
    Fresh { nonce: [u8; 16] },
}

/// What a retried report is recognised by: SHA-256 of its associated data and sealed share.
fn report_digest(aad: &[u8], sealed: &[u8]) -> Vec<u8> {
    Sha256::new()
        .chain_update(aad)
        .chain_update(sealed)
        .finalize()
        .to_vec()
}

struct Loaded {
    /// The study's row id, which keys its reports (short keys: a smaller nonce index).
    id: i64,
    file: StudyFile,
    approval: Approval,
    log_index: u64,
    own_half: [u8; 32],
    verify_key: Option<[u8; 32]>,
    /// Shared with the uploads being verified outside the aggregator's lock.
    queries: Arc<Vec<Query>>,
}

/// An open aggregator home.
pub struct Aggregator {
    home: PathBuf,
    info: HomeInfo,
    keys: Arc<HpkeKeyPair>,
    conn: Connection,
    studies: BTreeMap<StudyHash, Loaded>,
    /// Nonces of reports in uploads begun and not yet finished (study row id, nonce): the
    /// replay check covers them as it covers the committed ones.
    pending: PendingSet,
}

/// The nonces of reports in flight: (study row id, nonce).
type PendingSet = Arc<Mutex<HashSet<(i64, [u8; 16])>>>;

/// The nonces an upload in flight holds in the pending set; released when it is dropped
/// (after its commit, or when it fails), so a failed upload's reports may be sent again.
struct Reservation {
    set: PendingSet,
    nonces: Vec<(i64, [u8; 16])>,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // A poisoned set still holds its data; release the nonces all the same.
        let mut set = self
            .set
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for n in &self.nonces {
            set.remove(n);
        }
    }
}

/// A leader's upload between its phases ([`Aggregator::begin_upload`], [`UploadJob::verify`],
/// [`Aggregator::finish_upload`]): screened and its fresh nonces reserved; verified with the
/// helper without the aggregator; then committed.
pub struct UploadJob {
    upload: Upload,
    study_row: i64,
    me: Country,
    verify_key: [u8; 32],
    keys: Arc<HpkeKeyPair>,
    queries: Arc<Vec<Query>>,
    outcome: UploadOutcome,
    /// Reports past the screening: index in the upload, query, nonce.
    candidates: Vec<(usize, usize, [u8; 16])>,
    /// Verified by both aggregators: query, day, output share, nonce.
    accepted: Vec<(usize, i32, crate::vdaf::OutShare, [u8; 16])>,
    _reserved: Reservation,
}

impl std::fmt::Debug for UploadJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadJob")
            .field("study", &self.upload.study)
            .field("reports", &self.upload.reports.len())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Aggregator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aggregator")
            .field("home", &self.home)
            .field("country", &self.info.country)
            .field("studies", &self.studies.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn home_error(home: &Path, reason: impl Into<String>) -> Error {
    Error::Home {
        home: home.display().to_string(),
        reason: reason.into(),
    }
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // 32 MiB of page cache (a bound, whatever the number of reports): the nonce index's
    // upper levels and the day buckets stay in memory.
    conn.pragma_update(None, "cache_size", -32 * 1024)?;
    Ok(conn)
}

fn verify_key(study: &StudyHash, cn: &[u8; 32], us: &[u8; 32]) -> Result<[u8; 32]> {
    Ok(Sha256::new()
        .chain_update(b"freeport-stats verify key\0")
        .chain_update(study.bytes()?)
        .chain_update(cn)
        .chain_update(us)
        .finalize()
        .into())
}

fn xor_into(acc: &mut [u8; 32], nonce: &[u8]) {
    let h = Sha256::digest(nonce);
    for (a, b) in acc.iter_mut().zip(h.iter()) {
        *a ^= b;
    }
}

impl Aggregator {
    /// Creates an aggregator home for `country` in `home` (which must not hold one).
    ///
    /// # Errors
    ///
    /// The directory already holds a home or cannot be written.
    pub fn init(home: &Path, country: Country) -> Result<HomeInfo> {
        for name in ["aggregator.json", "state.db", "hpke.key"] {
            if home.join(name).exists() {
                return Err(home_error(
                    home,
                    format!("already holds `{name}`: an aggregator home is created once"),
                ));
            }
        }
        std::fs::create_dir_all(home).map_err(|e| Error::io(home, e))?;
        let keys = HpkeKeyPair::generate();
        crypto::write_atomic(
            &home.join("hpke.key"),
            format!("{}\n", keys.secret_b64()).as_bytes(),
            true,
        )?;
        let conn = connect(&home.join("state.db"))?;
        conn.execute_batch(SCHEMA)?;
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('country', ?1), ('hpke_key', ?2)",
            params![country.to_string(), keys.public_b64()],
        )?;
        let info = HomeInfo {
            country,
            hpke_key: keys.public_b64(),
            created: now(),
        };
        let json =
            serde_json::to_string_pretty(&info).map_err(|e| Error::Protocol(e.to_string()))?;
        crypto::write_atomic(
            &home.join("aggregator.json"),
            format!("{json}\n").as_bytes(),
            false,
        )?;
        Ok(info)
    }

    /// Opens the home, checking that every part is there and agrees (and, if given, that it
    /// serves `country`); loads the approved studies.
    ///
    /// # Errors
    ///
    /// Anything missing or inconsistent: the aggregator does not start.
    pub fn open(home: &Path, country: Option<Country>) -> Result<Self> {
        let info_path = home.join("aggregator.json");
        let text = std::fs::read_to_string(&info_path)
            .map_err(|_| home_error(home, "has no `aggregator.json`: not an aggregator home"))?;
        let info: HomeInfo = serde_json::from_str(&text)
            .map_err(|e| home_error(home, format!("`aggregator.json` is malformed: {e}")))?;
        if let Some(c) = country
            && c != info.country
        {
            return Err(home_error(
                home,
                format!("is the `{}` aggregator's home, not `{c}`'s", info.country),
            ));
        }
        let secret = std::fs::read_to_string(home.join("hpke.key"))
            .map_err(|_| home_error(home, "has no `hpke.key`"))?;
        let keys = Arc::new(HpkeKeyPair::from_secret_b64(&secret)?);
        if keys.public_b64() != info.hpke_key {
            return Err(home_error(
                home,
                "`hpke.key` does not match `aggregator.json`",
            ));
        }
        let db = home.join("state.db");
        if !db.exists() {
            return Err(home_error(home, "has no `state.db`"));
        }
        let conn = connect(&db)?;
        let stored: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'country'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|_| home_error(home, "`state.db` is not an aggregator's state"))?;
        if stored.as_deref() != Some(&info.country.to_string()) {
            return Err(home_error(home, "`state.db` belongs to another aggregator"));
        }
        if conn
            .prepare("SELECT id, approval, log_index FROM studies LIMIT 0")
            .is_err()
        {
            return Err(home_error(
                home,
                "`state.db` is of an earlier version, whose approvals were not logged: make a new home with `init` and approve the study again",
            ));
        }
        let mut this = Self {
            home: home.to_path_buf(),
            info,
            keys,
            conn,
            studies: BTreeMap::new(),
            pending: Arc::default(),
        };
        this.load_studies()?;
        Ok(this)
    }

    /// The country served.
    #[must_use]
    pub fn country(&self) -> Country {
        self.info.country
    }

    /// The approved studies' hashes.
    #[must_use]
    pub fn study_hashes(&self) -> Vec<StudyHash> {
        self.studies.keys().cloned().collect()
    }

    /// A loaded study.
    #[must_use]
    pub fn study(&self, hash: &StudyHash) -> Option<&StudyFile> {
        self.studies.get(hash).map(|l| &l.file)
    }

    fn load_studies(&mut self) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT hash, text, own_half, peer_half, approval, log_index, id FROM studies ORDER BY hash")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Option<Vec<u8>>>(3)?,
                    (r.get::<_, String>(4)?, r.get::<_, i64>(5)?),
                    r.get::<_, i64>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        for ((hash, text), own, peer, (approval, log_index), id) in rows {
            let file = StudyFile::parse(&format!("approved study {hash}"), text)?;
            if file.hash.0 != hash {
                return Err(home_error(
                    &self.home,
                    format!("stored study {hash} was altered"),
                ));
            }
            let own_half: [u8; 32] = own
                .try_into()
                .map_err(|_| home_error(&self.home, "a stored key half is malformed"))?;
            let approval: Approval = serde_json::from_str(&approval)
                .map_err(|_| home_error(&self.home, "a stored approval is malformed"))?;
            if approval.study != file.hash {
                return Err(home_error(
                    &self.home,
                    format!("the stored approval of study {hash} names another study"),
                ));
            }
            let mut loaded = Loaded {
                id,
                queries: Arc::new(queries(&file)?),
                file,
                approval,
                log_index: u64::try_from(log_index)
                    .map_err(|_| home_error(&self.home, "a stored log index is negative"))?,
                own_half,
                verify_key: None,
            };
            if let Some(peer) = peer {
                let peer: [u8; 32] = peer
                    .try_into()
                    .map_err(|_| home_error(&self.home, "a stored key half is malformed"))?;
                loaded.verify_key = Some(self.combine(&loaded.file.hash, &own_half, &peer)?);
            }
            self.studies.insert(loaded.file.hash.clone(), loaded);
        }
        Ok(())
    }

    fn combine(&self, study: &StudyHash, own: &[u8; 32], peer: &[u8; 32]) -> Result<[u8; 32]> {
        match self.info.country {
            Country::Cn => verify_key(study, own, peer),
            Country::Us => verify_key(study, peer, own),
        }
    }

    /// Approves a signed study (checked with [`StudyFile::load`]) for this aggregator: the study
    /// must name this aggregator's key. The approval (naming the study's hash) is handed to
    /// `log`, which records it in the port's transparency log and returns its index, before
    /// anything is stored: an approval that is not logged is not made, and no report of the
    /// study is accepted without one. A study approved before gets its stored approval back
    /// (logged once). Serving picks it up at the next start.
    ///
    /// # Errors
    ///
    /// The study names another key for this country, logging fails, or the state cannot be
    /// written.
    pub fn approve(
        &mut self,
        study: &StudyFile,
        signature: &StudySignature,
        log: &mut dyn FnMut(&Approval) -> Result<u64>,
    ) -> Result<(Approval, u64)> {
        study.check_signature(signature)?;
        let entry = study.aggregator(self.info.country);
        if entry.hpke_key != self.info.hpke_key {
            return Err(Error::refused(format!(
                "study `{}` names another `{}` aggregator key than this home's",
                study.study.id, self.info.country
            )));
        }
        if let Some(loaded) = self.studies.get(&study.hash) {
            return Ok((loaded.approval.clone(), loaded.log_index));
        }
        let approval = Approval {
            study_id: study.study.id.clone(),
            study: study.hash.clone(),
            country: self.info.country,
            hpke_key: self.info.hpke_key.clone(),
            approved_at: now(),
        };
        let index = log(&approval)?;
        let sig = serde_json::to_string(signature).map_err(|e| Error::Protocol(e.to_string()))?;
        let json = serde_json::to_string(&approval).map_err(|e| Error::Protocol(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO studies (hash, text, signature, approved_at, own_half, approval, log_index)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                study.hash.0,
                study.text,
                sig,
                approval.approved_at,
                crypto::random32()?.to_vec(),
                json,
                i64::try_from(index).map_err(|_| Error::Protocol("log index too large".to_owned()))?
            ],
        )?;
        self.studies.clear();
        self.load_studies()?;
        Ok((approval, index))
    }

    /// A study's approval and the index of its entry in the port's log.
    #[must_use]
    pub fn approval(&self, study: &StudyHash) -> Option<(&Approval, u64)> {
        self.studies.get(study).map(|l| (&l.approval, l.log_index))
    }

    fn loaded(&self, study: &StudyHash) -> Result<&Loaded> {
        self.studies.get(study).ok_or_else(|| {
            Error::refused(format!(
                "study {study} is not approved by the `{}` aggregator",
                self.info.country
            ))
        })
    }

    /// This aggregator's verification-key half for `study`, sealed to the other aggregator.
    ///
    /// # Errors
    ///
    /// The study is not approved.
    pub fn key_half(&self, study: &StudyHash) -> Result<KeyHalf> {
        let loaded = self.loaded(study)?;
        let peer = loaded.file.aggregator(self.info.country.peer());
        Ok(KeyHalf {
            from: self.info.country,
            sealed: seal_to(
                &peer.hpke_key,
                &key_half_info(study, self.info.country),
                &loaded.own_half,
            )?,
        })
    }

    /// Studies whose verification key still lacks the other aggregator's half.
    #[must_use]
    pub fn missing_halves(&self) -> Vec<StudyHash> {
        self.studies
            .iter()
            .filter(|(_, l)| l.verify_key.is_none())
            .map(|(h, _)| h.clone())
            .collect()
    }

    /// Stores the other aggregator's half and derives the verification key.
    ///
    /// # Errors
    ///
    /// The half is not from the peer, not sealed to this aggregator, or malformed.
    pub fn set_peer_half(&mut self, study: &StudyHash, half: &KeyHalf) -> Result<()> {
        let peer = self.info.country.peer();
        if half.from != peer {
            return Err(Error::Protocol(format!(
                "a key half from `{}`, not `{peer}`",
                half.from
            )));
        }
        let own = self.loaded(study)?.own_half;
        let bytes: [u8; 32] =
            crypto::open_with(&self.keys, &key_half_info(study, peer), &half.sealed)?
                .try_into()
                .map_err(|_| Error::Protocol("a key half is not 32 bytes".to_owned()))?;
        let key = self.combine(study, &own, &bytes)?;
        self.conn.execute(
            "UPDATE studies SET peer_half = ?1 WHERE hash = ?2",
            params![bytes.to_vec(), study.0],
        )?;
        if let Some(l) = self.studies.get_mut(study) {
            l.verify_key = Some(key);
        }
        Ok(())
    }

    /// The study's verification key, once both halves are known.
    ///
    /// # Errors
    ///
    /// The study is not approved or the peer's half has not arrived.
    pub fn verify_key(&self, study: &StudyHash) -> Result<[u8; 32]> {
        self.loaded(study)?.verify_key.ok_or_else(|| {
            Error::refused(format!(
                "the verification key of study {study} is not agreed yet"
            ))
        })
    }

    /// Runs `f` in one write transaction (`BEGIN IMMEDIATE`), committed if it succeeds and
    /// rolled back otherwise: one lock and one durable commit (one WAL fsync) per batch.
    fn in_transaction<T>(&mut self, f: impl FnOnce(&Self) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = f(self).and_then(|value| {
            self.conn.execute_batch("COMMIT")?;
            Ok(value)
        });
        if result.is_err() && !self.conn.is_autocommit() {
            // Nothing of a failed batch is kept; the error reported is the batch's.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        result
    }

    /// Handles a site's upload as the leader: [`Aggregator::begin_upload`], then
    /// [`UploadJob::verify`] with the helper through `helper` (one request per query), then
    /// [`Aggregator::finish_upload`], which commits the accepted reports — the nonces, the day
    /// buckets and the rejection counters in one transaction — before the site is answered.
    /// Bad reports are rejected and counted, each on its own; only a failure to reach the
    /// helper or the store fails the upload (and commits nothing). A server runs the three
    /// phases itself, holding the aggregator only for the first and the last, so uploads
    /// overlap.
    ///
    /// # Errors
    ///
    /// Not the leader, the study is unknown, or the helper or store fails.
    pub fn upload(
        &mut self,
        upload: &Upload,
        helper: &mut dyn FnMut(&HelperRequest) -> Result<HelperResponse>,
    ) -> Result<UploadOutcome> {
        let mut job = self.begin_upload(upload.clone())?;
        job.verify(helper)?;
        self.finish_upload(job)
    }

    /// The first phase of an upload at the leader: the study, the site and the verification
    /// key, then each report's form, query, window and replay check in order — against the
    /// committed nonces and those of the uploads in flight — reserving the nonces that pass,
    /// so a replay arriving while the first report is still being verified is refused.
    ///
    /// # Errors
    ///
    /// Not the leader, the study or site is unknown, or the store fails.
    pub fn begin_upload(&self, upload: Upload) -> Result<UploadJob> {
        let me = self.info.country;
        let loaded = self.loaded(&upload.study)?;
        if loaded.file.study.leader != me {
            return Err(Error::refused(format!(
                "the `{me}` aggregator is not this study's leader"
            )));
        }
        if !loaded.file.study.sites.iter().any(|s| s.id == upload.site) {
            return Err(Error::refused(format!(
                "site `{}` is not in the study",
                upload.site
            )));
        }
        let verify_key = self.verify_key(&upload.study)?;
        let mut outcome = UploadOutcome::default();
        let mut seen = BTreeSet::new();
        let mut candidates = Vec::with_capacity(upload.reports.len());
        let mut pending = self.pending.lock().map_err(|_| poisoned_pending())?;
        for (i, report) in upload.reports.iter().enumerate() {
            let Some(nonce) = unb64(&report.nonce)
                .ok()
                .and_then(|n| <[u8; 16]>::try_from(n).ok())
            else {
                reject(&mut outcome, "malformed report");
                continue;
            };
            let Some(q) = loaded.queries.iter().position(|q| q.id == report.query) else {
                reject(&mut outcome, "unknown query");
                continue;
            };
            if report.day < loaded.file.start_day || report.day >= loaded.file.end_day {
                reject(&mut outcome, "outside the study window");
                continue;
            }
            if !seen.insert(nonce)
                || pending.contains(&(loaded.id, nonce))
                || self.known_nonce(loaded.id, &nonce)?.is_some()
            {
                reject(&mut outcome, "replayed nonce");
                continue;
            }
            candidates.push((i, q, nonce));
        }
        let nonces: Vec<(i64, [u8; 16])> = candidates
            .iter()
            .map(|(_, _, nonce)| (loaded.id, *nonce))
            .collect();
        pending.extend(nonces.iter().copied());
        drop(pending);
        Ok(UploadJob {
            study_row: loaded.id,
            me,
            verify_key,
            keys: Arc::clone(&self.keys),
            queries: Arc::clone(&loaded.queries),
            outcome,
            candidates,
            accepted: Vec::new(),
            _reserved: Reservation {
                set: Arc::clone(&self.pending),
                nonces,
            },
            upload,
        })
    }

    /// The last phase of an upload at the leader: the verified reports accumulated into their
    /// day buckets, their nonces and the rejection counters committed in one transaction
    /// (`BEGIN IMMEDIATE`: one durable commit); only then are the nonces released from the
    /// pending set and the outcome returned.
    ///
    /// # Errors
    ///
    /// The store fails (nothing of the upload is committed).
    pub fn finish_upload(&mut self, job: UploadJob) -> Result<UploadOutcome> {
        let outcome = self.in_transaction(|this| {
            let study = &job.upload.study;
            let mut pending: HashMap<(usize, i32), (AggShare, i64, [u8; 32])> = HashMap::new();
            for (q, day, out, nonce) in &job.accepted {
                let Some(query) = job.queries.get(*q) else {
                    continue;
                };
                let entry = match pending.entry((*q, *day)) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(load_bucket(&this.conn, study, query, *day)?)
                    }
                };
                entry.0.accumulate(out)?;
                entry.1 += 1;
                xor_into(&mut entry.2, nonce);
            }
            {
                let mut insert = this.conn.prepare_cached(
                    "INSERT INTO reports (study, nonce, digest, message) VALUES (?1, ?2, x'', x'')",
                )?;
                for (_, _, _, nonce) in &job.accepted {
                    insert.execute(params![job.study_row, nonce.as_slice()])?;
                }
            }
            let queries: Vec<String> = job.queries.iter().map(|q| q.id.clone()).collect();
            store_buckets(&this.conn, study, &queries, pending)?;
            add_rejections(&this.conn, study, &job.outcome.rejected)?;
            Ok(job.outcome.clone())
        })?;
        drop(job);
        Ok(outcome)
    }

    fn known_nonce(&self, study: i64, nonce: &[u8; 16]) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT digest, message FROM reports WHERE study = ?1 AND nonce = ?2")?
            .query_row(params![study, nonce.as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// Handles the leader's request as the helper: for each report, the replay and window
    /// checks, decryption, and the verification step; commits the accepted ones before
    /// answering. A report already accepted with the same content (the leader retrying after a
    /// failure) gets its stored message again and is not counted twice.
    ///
    /// # Errors
    ///
    /// This aggregator leads the study, the study is unknown, or the store fails.
    pub fn aggregate(&mut self, request: &HelperRequest) -> Result<HelperResponse> {
        self.in_transaction(|this| this.aggregate_batch(request))
    }

    fn aggregate_batch(&self, request: &HelperRequest) -> Result<HelperResponse> {
        let me = self.info.country;
        let study = &request.study;
        let loaded = self.loaded(study)?;
        if loaded.file.study.leader == me {
            return Err(Error::refused(format!(
                "the `{me}` aggregator leads this study"
            )));
        }
        let vk = self.verify_key(study)?;
        let Some(query) = loaded.queries.iter().find(|q| q.id == request.query) else {
            return Ok(HelperResponse {
                outcomes: request
                    .items
                    .iter()
                    .map(|_| HelperOutcome::Rejected("unknown query".to_owned()))
                    .collect(),
            });
        };
        let opener = unb64(&request.enc)
            .and_then(|enc| ShareOpener::new(&self.keys, &enc, &share_info(study, me)))
            .ok();
        let mut outcomes = Vec::with_capacity(request.items.len());
        let mut rejected: BTreeMap<String, u64> = BTreeMap::new();
        let mut pending: HashMap<(usize, i32), (AggShare, i64, [u8; 32])> = HashMap::new();
        let mut accepted = Vec::new();
        let mut seen = BTreeSet::new();
        let q = loaded
            .queries
            .iter()
            .position(|x| x.id == query.id)
            .unwrap_or(0);
        // The checks that need the store, in order; then the fresh reports' decryption and
        // verification on every core; then accumulation, in order.
        let mut checked: Vec<Screened> = Vec::with_capacity(request.items.len());
        for item in &request.items {
            let report = &item.report;
            let screened = (|| -> std::result::Result<Screened, &'static str> {
                let nonce: [u8; 16] = unb64(&report.nonce)
                    .ok()
                    .and_then(|n| n.try_into().ok())
                    .ok_or("malformed report")?;
                if report.query != request.query {
                    return Err("malformed report");
                }
                if report.day < loaded.file.start_day || report.day >= loaded.file.end_day {
                    return Err("outside the study window");
                }
                if !seen.insert(nonce) {
                    return Err("replayed nonce");
                }
                if let Some((stored, message)) = self
                    .known_nonce(loaded.id, &nonce)
                    .map_err(|_| "state error")?
                {
                    let sealed = share_of(report, me).ok_or("malformed report")?;
                    return if stored == report_digest(&report.aad(study), &sealed) {
                        Ok(Screened::Known(message))
                    } else {
                        Err("replayed nonce")
                    };
                }
                Ok(Screened::Fresh { nonce })
            })();
            checked.push(screened.unwrap_or_else(Screened::Rejected));
        }
        let verdicts: Vec<Verdict> = checked
            .into_par_iter()
            .zip(request.items.par_iter())
            .map(|(screened, item)| match screened {
                Screened::Rejected(reason) => Err(reason),
                Screened::Known(message) => Ok((message, None)),
                Screened::Fresh { nonce } => {
                    let aad = item.report.aad(study);
                    let sealed = share_of(&item.report, me).ok_or("malformed report")?;
                    let digest = report_digest(&aad, &sealed);
                    let share = opener
                        .as_ref()
                        .and_then(|o| o.open(&nonce, &sealed, &aad).ok())
                        .ok_or("share does not decrypt")?;
                    let public =
                        unb64(&item.report.public_share).map_err(|_| "malformed report")?;
                    let leader = unb64(&item.leader_share).map_err(|_| "malformed report")?;
                    let (message, out) = query
                        .instance
                        .helper_step(
                            &vk,
                            &query.ctx,
                            crate::study::agg_id(me),
                            &Item {
                                nonce,
                                public: &public,
                                input: &share,
                            },
                            &leader,
                        )
                        .map_err(|_| "invalid report")?;
                    Ok((message, Some((out, nonce, digest))))
                }
            })
            .collect();
        for (verdict, item) in verdicts.into_iter().zip(&request.items) {
            let report = &item.report;
            match verdict {
                Ok((message, fresh)) => {
                    if let Some((out, nonce, digest)) = fresh {
                        let entry = match pending.entry((q, report.day)) {
                            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                            std::collections::hash_map::Entry::Vacant(e) => {
                                e.insert(load_bucket(&self.conn, study, query, report.day)?)
                            }
                        };
                        entry.0.accumulate(&out)?;
                        entry.1 += 1;
                        xor_into(&mut entry.2, &nonce);
                        outcomes.push(HelperOutcome::Accepted(b64(&message)));
                        accepted.push((nonce, digest, message));
                    } else {
                        outcomes.push(HelperOutcome::Accepted(b64(&message)));
                    }
                }
                Err(reason) => {
                    *rejected.entry(reason.to_owned()).or_default() += 1;
                    outcomes.push(HelperOutcome::Rejected(reason.to_owned()));
                }
            }
        }
        let queries: Vec<String> = loaded.queries.iter().map(|q| q.id.clone()).collect();
        {
            let mut insert = self.conn.prepare_cached(
                "INSERT INTO reports (study, nonce, digest, message) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (nonce, digest, message) in &accepted {
                insert.execute(params![loaded.id, nonce.as_slice(), digest, message])?;
            }
        }
        store_buckets(&self.conn, study, &queries, pending)?;
        add_rejections(&self.conn, study, &rejected)?;
        Ok(HelperResponse { outcomes })
    }

    /// Answers a signed collection request: checks the signature, the batch (inside the window,
    /// at least the minimum batch size, not differing from a released overlapping batch by
    /// fewer than the cell floor), the query's release limit and the study's budget; adds noise
    /// to this aggregator's share, seals it to the collector, and commits the release before
    /// returning it. The same request id returns the stored release.
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] with the reason, or a store failure.
    pub fn collect(&mut self, signed: &SignedCollect) -> Result<CollectResponse> {
        let request = &signed.request;
        let study = &request.study;
        let loaded = self.loaded(study)?;
        if let Some(response) = self.signed_and_released(loaded, signed)? {
            return Ok(response);
        }
        let Some(query) = loaded.queries.iter().find(|q| q.id == request.query) else {
            return Err(loaded
                .file
                .query(&request.query)
                .err()
                .unwrap_or_else(|| Error::refused("unknown query")));
        };
        let (start, end) = (request.start_day, request.end_day);
        if start >= end || start < loaded.file.start_day || end > loaded.file.end_day {
            return Err(Error::refused(format!(
                "the batch {} .. {} is not a non-empty part of the study window {} .. {}",
                day_text(start),
                day_text(end),
                loaded.file.study.start,
                loaded.file.study.end
            )));
        }
        let count = |conn: &Connection, a: i32, b: i32| -> Result<u64> {
            let n: i64 = conn.query_row(
                "SELECT COALESCE(SUM(count), 0) FROM buckets WHERE study = ?1 AND query = ?2 AND day >= ?3 AND day < ?4",
                params![study.0, query.id, a, b],
                |r| r.get(0),
            )?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        let n = count(&self.conn, start, end)?;
        let s = &loaded.file.study;
        if n < s.min_batch_size {
            return Err(Error::refused(format!(
                "the batch holds {n} reports, fewer than the study's minimum batch size {}",
                s.min_batch_size
            )));
        }
        let released: Vec<(i32, i32)> = self
            .conn
            .prepare("SELECT start_day, end_day FROM releases WHERE study = ?1 AND query = ?2")?
            .query_map(params![study.0, query.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if released.len() >= query.max_releases as usize {
            return Err(Error::refused(format!(
                "query `{}` was released {} time(s), its limit",
                query.id,
                released.len()
            )));
        }
        for (a, b) in &released {
            let overlaps = start < *b && *a < end;
            if !overlaps || (*a, *b) == (start, end) {
                continue;
            }
            // Reports in one batch and not the other, each way.
            let in_new_only =
                count(&self.conn, start, end)? - count(&self.conn, start.max(*a), end.min(*b))?;
            let in_old_only =
                count(&self.conn, *a, *b)? - count(&self.conn, start.max(*a), end.min(*b))?;
            for diff in [in_new_only, in_old_only] {
                if diff > 0 && diff < s.cell_floor {
                    return Err(Error::refused(format!(
                        "the batch overlaps the released batch {} .. {} and differs from it by {diff} report(s), fewer than the cell floor {}: differencing would isolate them",
                        day_text(*a),
                        day_text(*b),
                        s.cell_floor
                    )));
                }
            }
        }
        let micro = (query.epsilon * 1e6).round() as i64;
        let spent: i64 = self.conn.query_row(
            "SELECT COALESCE(SUM(micro_epsilon), 0) FROM releases WHERE study = ?1",
            [&study.0],
            |r| r.get(0),
        )?;
        let total = (s.epsilon_total * 1e6).round() as i64;
        if spent + micro > total {
            return Err(Error::refused(format!(
                "the study's privacy budget: ε {:.6} spent of {}, this release needs {}",
                spent as f64 / 1e6,
                s.epsilon_total,
                query.epsilon
            )));
        }
        // The batch's share and checksum.
        let mut share = query.instance.empty();
        let mut checksum = [0u8; 32];
        {
            let mut stmt = self.conn.prepare(
                "SELECT share, checksum FROM buckets WHERE study = ?1 AND query = ?2 AND day >= ?3 AND day < ?4",
            )?;
            let rows = stmt.query_map(params![study.0, query.id, start, end], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?;
            for row in rows {
                let (bytes, sum) = row?;
                share.merge(&query.instance.decode_agg(&bytes)?)?;
                for (a, b) in checksum.iter_mut().zip(sum) {
                    *a ^= b;
                }
            }
        }
        let scales = query.plan.noise_scales(query.epsilon);
        share.add_noise(&scales)?;
        let response = CollectResponse {
            request: request.clone(),
            country: self.info.country,
            report_count: n,
            checksum: hex(&checksum),
            epsilon: query.epsilon,
            noise_scales: scales,
            share: seal_to(
                &s.collector.hpke_key,
                &agg_share_info(request, self.info.country),
                &share.encode()?,
            )?,
        };
        let json = serde_json::to_string(&response).map_err(|e| Error::Protocol(e.to_string()))?;
        let query_id = query.id.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let spent_now: i64 = tx.query_row(
            "SELECT COALESCE(SUM(micro_epsilon), 0) FROM releases WHERE study = ?1",
            [&study.0],
            |r| r.get(0),
        )?;
        if spent_now + micro > total {
            return Err(Error::refused("the study's privacy budget is spent"));
        }
        tx.execute(
            "INSERT INTO releases (study, query, start_day, end_day, request_id, micro_epsilon, report_count, response, released_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![study.0, query_id, start, end, request.request_id, micro, i64::try_from(n).unwrap_or(i64::MAX), json, now()],
        )?;
        tx.commit()?;
        Ok(response)
    }

    /// Checks the collector's signature on a collection request; the response this aggregator
    /// released for it before, if any (the same request id is answered with it).
    fn signed_and_released(
        &self,
        loaded: &Loaded,
        signed: &SignedCollect,
    ) -> Result<Option<CollectResponse>> {
        let request = &signed.request;
        crypto::verify_signature(
            &loaded.file.study.collector.signing_key,
            &collect_signed_bytes(request)?,
            &signed.signature,
        )
        .map_err(|reason| {
            Error::refused(format!("the collection request's signature: {reason}"))
        })?;
        let stored: Option<String> = self
            .conn
            .query_row(
                "SELECT response FROM releases WHERE request_id = ?1 AND study = ?2",
                params![request.request_id, request.study.0],
                |r| r.get(0),
            )
            .optional()?;
        stored
            .map(|json| serde_json::from_str(&json).map_err(|e| Error::Protocol(e.to_string())))
            .transpose()
    }

    /// Checks a released result the collector presents for publication against this
    /// aggregator's own record: the collection request carries the study's collector signature,
    /// this aggregator committed its share of a release for that request, and the result names
    /// the same study, query, batch, report count, ε and confidence. A result that does not
    /// match (partial, of another batch, or of a release never made) is refused.
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] with the reason, or a store failure.
    pub fn check_release(&self, signed: &SignedCollect, release: &Release) -> Result<()> {
        let request = &signed.request;
        let loaded = self.loaded(&request.study)?;
        let Some(response) = self.signed_and_released(loaded, signed)? else {
            return Err(Error::refused(format!(
                "the `{}` aggregator released nothing for this collection request",
                self.info.country
            )));
        };
        let s = &loaded.file.study;
        let mismatches = [
            (
                "study",
                release.study != request.study || release.study_id != s.id,
            ),
            ("query", release.query != request.query),
            (
                "batch",
                release.from != day_text(request.start_day)
                    || release.until != day_text(request.end_day),
            ),
            ("report count", release.reports != response.report_count),
            ("ε", release.epsilon.to_bits() != response.epsilon.to_bits()),
            (
                "confidence",
                release.confidence.to_bits() != s.confidence.to_bits(),
            ),
            ("answers", release.answers.is_empty()),
        ];
        if let Some((what, _)) = mismatches.iter().find(|(_, differs)| *differs) {
            return Err(Error::refused(format!(
                "the result's {what} is not what the `{}` aggregator released for this request",
                self.info.country
            )));
        }
        Ok(())
    }

    /// Counters for one study.
    ///
    /// # Errors
    ///
    /// The study is unknown or the store fails.
    pub fn status(&self, study: &StudyHash) -> Result<Status> {
        self.loaded(study)?;
        let mut status = Status {
            country: Some(self.info.country),
            ..Status::default()
        };
        let mut stmt = self.conn.prepare(
            "SELECT query, SUM(count) FROM buckets WHERE study = ?1 GROUP BY query ORDER BY query",
        )?;
        for row in stmt.query_map([&study.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (q, n) = row?;
            status.accepted.insert(q, u64::try_from(n).unwrap_or(0));
        }
        let mut stmt = self
            .conn
            .prepare("SELECT reason, count FROM rejections WHERE study = ?1 ORDER BY reason")?;
        for row in stmt.query_map([&study.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (reason, n) = row?;
            status
                .rejected
                .insert(reason, u64::try_from(n).unwrap_or(0));
        }
        let (micro, releases): (i64, i64) = self.conn.query_row(
            "SELECT COALESCE(SUM(micro_epsilon), 0), COUNT(*) FROM releases WHERE study = ?1",
            [&study.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        status.epsilon_spent = micro as f64 / 1e6;
        status.releases = u64::try_from(releases).unwrap_or(0);
        Ok(status)
    }
}

impl UploadJob {
    /// The study's verification key (it also keys the MAC on the helper request).
    #[must_use]
    pub const fn verify_key(&self) -> [u8; 32] {
        self.verify_key
    }

    /// The middle phase of an upload at the leader, without the aggregator: each screened
    /// report decrypted, and the verification round with the helper through `helper` (one
    /// request per query, carrying the helper's own sealed shares and this side's verifier
    /// shares), on every core. Rejections are counted by reason.
    ///
    /// # Errors
    ///
    /// The helper cannot be reached or answers out of protocol.
    pub fn verify(
        &mut self,
        helper: &mut dyn FnMut(&HelperRequest) -> Result<HelperResponse>,
    ) -> Result<()> {
        let me = self.me;
        let upload = &self.upload;
        let study = &upload.study;
        let (enc_mine, enc_peer) = match me {
            Country::Cn => (&upload.enc_cn, &upload.enc_us),
            Country::Us => (&upload.enc_us, &upload.enc_cn),
        };
        let opener = unb64(enc_mine)
            .and_then(|enc| ShareOpener::new(&self.keys, &enc, &share_info(study, me)))
            .ok();
        // Decryption, report by report, on every core.
        let opened: Vec<std::result::Result<(usize, Checked), &'static str>> = self
            .candidates
            .par_iter()
            .map(|&(i, q, nonce)| {
                let report = upload.reports.get(i).ok_or("malformed report")?;
                let share = match (&opener, share_of(report, me)) {
                    (Some(o), Some(sealed)) => o.open(&nonce, &sealed, &report.aad(study)).ok(),
                    _ => None,
                }
                .ok_or("share does not decrypt")?;
                let public = unb64(&report.public_share).map_err(|_| "malformed report")?;
                Ok((q, (i, nonce, public, share)))
            })
            .collect();
        let mut by_query: BTreeMap<usize, Vec<Checked>> = BTreeMap::new();
        for result in opened {
            match result {
                Ok((q, checked)) => by_query.entry(q).or_default().push(checked),
                Err(reason) => reject(&mut self.outcome, reason),
            }
        }
        for (q, group) in &by_query {
            let Some(query) = self.queries.get(*q) else {
                continue;
            };
            let items: Vec<Item<'_>> = group
                .iter()
                .map(|(_, nonce, public, input)| Item {
                    nonce: *nonce,
                    public,
                    input,
                })
                .collect();
            let mut helper_reasons: Vec<Option<String>> = vec![None; group.len()];
            let outs = query.instance.leader_round(
                &self.verify_key,
                &query.ctx,
                crate::study::agg_id(me),
                &items,
                |shares| {
                    let mut request = HelperRequest {
                        study: study.clone(),
                        query: query.id.clone(),
                        enc: enc_peer.clone(),
                        items: Vec::new(),
                    };
                    let mut index = Vec::new();
                    for (k, share) in shares.iter().enumerate() {
                        if let (Some(share), Some((i, ..))) = (share, group.get(k))
                            && let Some(report) = upload.reports.get(*i)
                        {
                            // The helper gets its own sealed share, not the leader's.
                            let mut report = report.clone();
                            match me {
                                Country::Cn => report.share_cn.clear(),
                                Country::Us => report.share_us.clear(),
                            }
                            request.items.push(HelperItem {
                                report,
                                leader_share: b64(share),
                            });
                            index.push(k);
                        }
                    }
                    let mut messages = vec![None; shares.len()];
                    if request.items.is_empty() {
                        return Ok(messages);
                    }
                    let response = helper(&request)?;
                    if response.outcomes.len() != index.len() {
                        return Err(Error::Protocol(format!(
                            "the helper answered {} outcomes for {} reports",
                            response.outcomes.len(),
                            index.len()
                        )));
                    }
                    for (k, outcome) in index.into_iter().zip(response.outcomes) {
                        match outcome {
                            HelperOutcome::Accepted(m) => {
                                if let (Some(slot), Ok(m)) = (messages.get_mut(k), unb64(&m)) {
                                    *slot = Some(m);
                                }
                            }
                            HelperOutcome::Rejected(reason) => {
                                if let Some(slot) = helper_reasons.get_mut(k) {
                                    *slot = Some(reason);
                                }
                            }
                        }
                    }
                    Ok(messages)
                },
            )?;
            for ((out, (i, nonce, ..)), reason) in outs.into_iter().zip(group).zip(helper_reasons) {
                let Some(out) = out else {
                    reject(
                        &mut self.outcome,
                        reason.as_deref().unwrap_or("invalid report"),
                    );
                    continue;
                };
                let day = upload.reports.get(*i).map_or(0, |r| r.day);
                self.accepted.push((*q, day, out, *nonce));
                self.outcome.accepted += 1;
            }
        }
        Ok(())
    }
}

fn poisoned_pending() -> Error {
    Error::Protocol("the pending-nonce set is poisoned".to_owned())
}

fn reject(outcome: &mut UploadOutcome, reason: &str) {
    *outcome.rejected.entry(reason.to_owned()).or_default() += 1;
}

fn share_of(report: &crate::wire::Report, country: Country) -> Option<Vec<u8>> {
    unb64(match country {
        Country::Cn => &report.share_cn,
        Country::Us => &report.share_us,
    })
    .ok()
}

fn queries(file: &StudyFile) -> Result<Vec<Query>> {
    file.study
        .queries
        .iter()
        .map(|q| {
            let plan = q.plan().map_err(|reason| Error::Study {
                path: file.path.clone(),
                reason,
            })?;
            Ok(Query {
                id: q.id.clone(),
                instance: Instance::new(&plan)?,
                plan,
                ctx: file.vdaf_context(&q.id),
                epsilon: q.epsilon,
                max_releases: q.max_releases,
            })
        })
        .collect()
}

fn load_bucket(
    conn: &Connection,
    study: &StudyHash,
    query: &Query,
    day: i32,
) -> Result<(AggShare, i64, [u8; 32])> {
    let row: Option<(Vec<u8>, i64, Vec<u8>)> = conn
        .prepare_cached("SELECT share, count, checksum FROM buckets WHERE study = ?1 AND query = ?2 AND day = ?3")?
        .query_row(params![study.0, query.id, day], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match row {
        Some((share, count, checksum)) => Ok((
            query.instance.decode_agg(&share)?,
            count,
            checksum
                .try_into()
                .map_err(|_| Error::Protocol("a stored checksum is malformed".to_owned()))?,
        )),
        None => Ok((query.instance.empty(), 0, [0u8; 32])),
    }
}

fn store_buckets(
    tx: &Connection,
    study: &StudyHash,
    queries: &[String],
    pending: HashMap<(usize, i32), (AggShare, i64, [u8; 32])>,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO buckets (study, query, day, count, checksum, share) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (study, query, day) DO UPDATE SET count = excluded.count, checksum = excluded.checksum, share = excluded.share",
    )?;
    for ((q, day), (share, count, checksum)) in pending {
        let query = queries.get(q).map_or("", String::as_str);
        stmt.execute(params![
            study.0,
            query,
            day,
            count,
            checksum.to_vec(),
            share.encode()?
        ])?;
    }
    Ok(())
}

fn add_rejections(
    tx: &Connection,
    study: &StudyHash,
    rejected: &BTreeMap<String, u64>,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO rejections (study, reason, count) VALUES (?1, ?2, ?3)
         ON CONFLICT (study, reason) DO UPDATE SET count = count + excluded.count",
    )?;
    for (reason, n) in rejected {
        stmt.execute(params![
            study.0,
            reason,
            i64::try_from(*n).unwrap_or(i64::MAX)
        ])?;
    }
    Ok(())
}
