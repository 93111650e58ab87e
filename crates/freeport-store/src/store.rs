//! The SQLite store: opening, transactions, and every operation as SQL.
//!
//! Every public operation runs inside a [`Tx`]; the one-shot methods on [`Store`] wrap one
//! operation in its own transaction. No rusqlite type crosses the public API, so a PostgreSQL
//! backend can sit behind the same `Store`/`Tx` (see the crate docs).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::civil::Date;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::budget::{self, DELTA_SCALE, EPSILON_SCALE, Round};
use crate::count::{self, Hashes, Row};
use crate::error::{BudgetExceeded, InvalidBudget, InvalidTransfer};
use crate::index::{self, ExporterIndex};
use crate::migrate;
use crate::model::{
    Budget, CategorySet, CollectedIn, EntrySummary, Form, HistoryEntry, HistoryFilter, LogState,
    PendingLogEntry, RulePackRef, StagedPackage, SubjectHash, TransferId, TransferRecord,
    TransferSummary, Unit, VolumeEntry, Volumes, Window, place_str,
};
use crate::{StoreError, SubjectSalt, location};

/// Most hashes one blob of `subject_hashes` holds (1 MiB): an entry of any size stays within
/// SQLite's limits on one value, and recording needs one chunk of memory at a time.
const CHUNK: usize = 1 << 16;

/// The page size of new stores (SQLite's largest).
const PAGE_SIZE: i64 = 65_536;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn db_error(
    path: &Path,
    action: &'static str,
) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |source| StoreError::Database {
        path: path.to_owned(),
        action,
        source: Box::new(source),
    }
}

/// How [`Store::connect`] treats the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// Create it if missing, else open and migrate (tests, benchmarks, first use).
    CreateOrOpen,
    /// Create it; refuse if anything is there.
    Create,
    /// Open and migrate; refuse if missing or empty.
    Existing,
    /// Open without migrating; refuse if missing, empty or of an older schema.
    Read,
}

/// Creates a store at `path` all at once: the schema is written to a temporary file beside it,
/// which is then linked into place only if nothing is there (no replace). A crash leaves either
/// no store or a whole one — never the empty file SQLite makes before its first write, which
/// every later command would rightly refuse.
fn create_atomically(path: &Path) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
        path: dir.to_owned(),
        source,
    })?;
    let name = path
        .file_name()
        .map_or_else(|| "store".into(), |n| n.to_string_lossy());
    // Unique per call: threads of one process may create the same store at once.
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|source| StoreError::Rng {
        path: path.to_owned(),
        source,
    })?;
    let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
    let temp = dir.join(format!(".{name}.creating-{}-{nonce}", std::process::id()));
    let io = |source: std::io::Error| StoreError::CreateDir {
        path: temp.clone(),
        source,
    };
    match std::fs::remove_file(&temp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    {
        let mut conn = Connection::open_with_flags(
            &temp,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db_error(&temp, "create the database"))?;
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(db_error(&temp, "set the page size"))?;
        // A rollback journal here: the whole schema is in the file once the migration commits.
        migrate::migrate(&mut conn, &temp)?;
    }
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(StoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        Err(source) => {
            return Err(StoreError::CreateDir {
                path: path.to_owned(),
                source,
            });
        }
    }
    // Make the new name durable.
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(())
}

/// A file SQLite cannot read, or a database of another program, is refused before anything is
/// written to it. A store has the `freeport_schema` table; a new file has no tables at all.
fn ensure_ours(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let tables: Result<(i64, i64), rusqlite::Error> = conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(name = 'freeport_schema'), 0) FROM sqlite_master
         WHERE type = 'table'",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    );
    match tables {
        Ok((0, _) | (_, 1..)) => Ok(()),
        Ok((n, _)) => Err(StoreError::NotOurs {
            path: path.to_owned(),
            reason: format!("a SQLite database with {n} table(s) of another program"),
        }),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(StoreError::NotOurs {
                path: path.to_owned(),
                reason: "not a SQLite database".to_owned(),
            })
        }
        Err(source) => Err(db_error(path, "read the database's tables")(source)),
    }
}

/// The store of Free Data Port: one SQLite database file.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    cache: VolumeCache,
}

/// Most rows (transfers plus volume entries, about 100 bytes each) the exporters' index holds
/// before it starts afresh; an exporter with more is always read from SQLite.
const INDEX_CAPACITY: usize = 250_000;

/// In how many transactions of one handle an exporter is read by SQL before it is indexed.
const INDEX_AFTER: u32 = 2;

/// Most exporters remembered as looked up in an earlier transaction (see `VolumeCache::seen`).
const SEEN_CAPACITY: usize = 100_000;

/// Most windows a [`VolumeCache`] keeps before it starts afresh.
const CACHE_CAPACITY: usize = 4_096;

/// Window answers computed from committed data, so that judging many transfers reads each window
/// once. When this connection commits a recording, each answer takes the committed transfers in
/// its window as a recount would (`index::Transfer::add_to`: exact for transfers without subject
/// hashes) or is forgotten; a transaction that has recorded reads an answer plus its own
/// transfers the same way. The cache is emptied when SQLite's `data_version` says another
/// connection committed, and after a deletion. An answer is kept only when computed over
/// committed rows alone: never for an exporter the transaction has recorded for (which may still
/// roll back).
#[derive(Debug, Default)]
struct VolumeCache {
    data_version: Option<i64>,
    /// Per window, the answers for each list of category sets asked.
    answers: BTreeMap<Window, Vec<(Vec<CategorySet>, Volumes)>>,
    /// Answers held in `answers`.
    answered: usize,
    /// Per exporter, its transfers and entries (see [`ExporterIndex`]); dropped with the answers.
    index: BTreeMap<String, ExporterIndex>,
    /// Rows (transfers plus entries) held in `index`.
    indexed: usize,
    /// Exporters with more rows than the index may hold: read from SQLite.
    too_big: BTreeSet<String>,
    /// Per exporter looked up through this handle, the last transaction (`generation`) it was
    /// looked up in and in how many transactions. An exporter is indexed from its
    /// [`INDEX_AFTER`]-th transaction on: the index reads all of an exporter's transfers, which
    /// a process judging one transfer (the CLI: one transaction; `assess`: a dry run, then the
    /// recording one) should not pay for instead of its windows. Kept across commits: it
    /// records how the handle is used, not what the store holds.
    seen: BTreeMap<String, (u64, u32)>,
    /// Transactions begun through this handle.
    generation: u64,
    /// Whether windows are counted from the index at all (off: always from SQLite).
    use_index: bool,
}

impl VolumeCache {
    fn new() -> Self {
        Self {
            use_index: true,
            ..Self::default()
        }
    }

    /// Inserts transfers this handle has just committed into the index of their exporters
    /// (exporters not indexed are read whole when next indexed); starts afresh past capacity.
    fn index_committed(&mut self, transfers: Vec<(String, index::Transfer)>) {
        // Each kept answer takes the transfers committed in its window as a recount would; an
        // answer that cannot (subject hashes, a unit that would change) is forgotten.
        if !transfers.is_empty() {
            for (window, answers) in &mut self.answers {
                answers.retain_mut(|(sets, volumes)| {
                    transfers
                        .iter()
                        .filter(|(exporter, _)| *exporter == window.exporter)
                        .all(|(_, transfer)| transfer.add_to(volumes, window, sets))
                });
            }
            self.answers.retain(|_, answers| !answers.is_empty());
            self.answered = self.answers.values().map(Vec::len).sum();
        }
        for (exporter, transfer) in transfers {
            if let Some(index) = self.index.get_mut(&exporter) {
                self.indexed += transfer.rows();
                index.insert(transfer);
                let rows = index.rows();
                if rows > INDEX_CAPACITY {
                    self.index.remove(&exporter);
                    self.indexed = self.indexed.saturating_sub(rows);
                    self.too_big.insert(exporter);
                }
            }
        }
        if self.indexed > INDEX_CAPACITY {
            self.index.clear();
            self.indexed = 0;
        }
    }

    /// Forgets every answer and the index: another connection committed.
    fn clear(&mut self) {
        self.answers.clear();
        self.answered = 0;
        self.index.clear();
        self.indexed = 0;
        self.too_big.clear();
    }
}

impl Store {
    /// Opens the default store ([`default_path`](crate::default_path)), creating it on first use.
    ///
    /// # Errors
    ///
    /// No data directory, or any error of [`Store::open`].
    pub fn open_default() -> Result<Self, StoreError> {
        Self::open(location::default_path()?)
    }

    /// Opens the database at `path`, creating the file and its directory if needed and applying
    /// every schema migration it lacks.
    ///
    /// # Errors
    ///
    /// The directory cannot be created, SQLite cannot open the file, the database's schema is
    /// newer than this program's ([`StoreError::SchemaTooNew`]) or an applied migration differs
    /// from ours.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect(path.as_ref(), Opening::CreateOrOpen)
    }

    /// Creates a new store at `path` (and its directory); refuses if a file is already there,
    /// even an empty one. For `freeport init` and the first use of an empty home.
    ///
    /// # Errors
    ///
    /// [`StoreError::AlreadyExists`], or any error of [`Store::open`].
    pub fn create(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect(path.as_ref(), Opening::Create)
    }

    /// Opens a store that must already exist, migrating it to the latest schema: for commands
    /// that record. A missing or empty file is refused, never taken as a new store.
    ///
    /// # Errors
    ///
    /// [`StoreError::Missing`], [`StoreError::Empty`], [`StoreError::NotOurs`], or any error
    /// of [`Store::open`].
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect(path.as_ref(), Opening::Existing)
    }

    /// Opens a store that must already exist and be at the latest schema, without changing
    /// it: for commands that only read (`history`, `judge` without `--record`). Their dry runs
    /// still write inside a transaction that always rolls back.
    ///
    /// # Errors
    ///
    /// As [`Store::open_existing`], and [`StoreError::NeedsMigration`] for an older schema.
    pub fn open_for_reading(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect(path.as_ref(), Opening::Read)
    }

    fn connect(path: &Path, opening: Opening) -> Result<Self, StoreError> {
        let path = path.to_owned();
        let length = std::fs::metadata(&path).ok().map(|m| m.len());
        match (opening, length) {
            (Opening::Create, Some(_)) => return Err(StoreError::AlreadyExists { path }),
            (Opening::Existing | Opening::Read, None) => return Err(StoreError::Missing { path }),
            (Opening::Existing | Opening::Read, Some(0)) => return Err(StoreError::Empty { path }),
            _ => {}
        }
        if length.is_none() && matches!(opening, Opening::Create | Opening::CreateOrOpen) {
            match create_atomically(&path) {
                Ok(()) => {}
                // Another process created it first: open theirs (create-or-open only).
                Err(StoreError::AlreadyExists { .. }) if opening == Opening::CreateOrOpen => {}
                Err(e) => return Err(e),
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&path, flags)
            .map_err(db_error(&path, "open the database"))?;
        ensure_ours(&conn, &path)?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(db_error(&path, "set the busy timeout"))?;
        // Subject hashes are megabytes per entry: large pages move them in 16 times fewer
        // reads and writes than SQLite's default 4 KiB. Only a database without tables takes
        // a new page size, so this sets it for new stores and leaves existing ones alone.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(db_error(&path, "set the page size"))?;
        // WAL lets readers (history, judge) run while one writer records.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(db_error(&path, "switch to write-ahead logging"))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(db_error(&path, "enable foreign keys"))?;
        // Every commit is already durable in the WAL (synchronous = FULL), and commits
        // checkpoint it as it grows; a checkpoint on close would only fsync the database file
        // once more on the way out (≈ 0.1 s after recording a large transfer) — SQLite
        // finishes it on a later commit or open instead.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(db_error(&path, "keep the write-ahead log on close"))?;
        if opening == Opening::Read {
            let found = migrate::applied_version(&conn, &path)?;
            let latest = migrate::latest_version();
            if found < latest {
                return Err(StoreError::NeedsMigration {
                    path,
                    found,
                    latest,
                });
            }
            if found > latest {
                return Err(StoreError::SchemaTooNew {
                    path,
                    found,
                    known: latest,
                });
            }
        } else {
            migrate::migrate(&mut conn, &path)?;
        }
        Ok(Self {
            conn,
            path,
            cache: VolumeCache::new(),
        })
    }

    /// The highest log index the store records a transfer's entry at, if any: the log must be
    /// at least one entry longer, or store and log disagree.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn log_high_water(&self) -> Result<Option<u64>, StoreError> {
        let max: Option<i64> = self
            .conn
            .query_row("SELECT MAX(log_index) FROM log_outbox", [], |row| {
                row.get(0)
            })
            .map_err(db_error(&self.path, "read the highest logged entry"))?;
        Ok(max.and_then(|m| u64::try_from(m).ok()))
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether window counts may come from the in-process index of each exporter's transfers
    /// (the default) or always from SQLite queries. Both give the same answers (the tests
    /// compare them); the index is faster once an exporter is loaded.
    #[must_use]
    pub fn with_window_index(mut self, on: bool) -> Self {
        self.cache.use_index = on;
        self
    }

    /// The schema version of the database (the newest migration applied).
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM freeport_schema",
                [],
                |row| row.get(0),
            )
            .map_err(db_error(&self.path, "read the schema version"))
    }

    /// Runs `work` in one write transaction: it commits if `work` returns `Ok`, and rolls back
    /// (nothing recorded, nothing spent) if it returns `Err` or panics. The transaction takes the
    /// write lock at once, so reads inside it see exactly what it will commit over.
    ///
    /// Use it to commit a recorded transfer together with other work (a log append) or to read
    /// cumulative volumes and record in one step.
    ///
    /// # Errors
    ///
    /// Whatever `work` returns, or the store cannot begin or commit.
    pub fn transaction<T, E>(
        &mut self,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.run(TransactionBehavior::Immediate, work)
    }

    /// Runs `work` like [`Store::transaction`] but always rolls back: for `freeport judge`
    /// without `--record`, which may record the new transfer, read the windows (so its subject
    /// hashes are deduplicated against the stored ones exactly) and decide, leaving no trace.
    /// Everything written inside is discarded — a salt first created inside a dry run too, so
    /// take salts from [`Store::subject_salt`] before hashing.
    ///
    /// # Errors
    ///
    /// Whatever `work` returns, or the store cannot begin the transaction.
    pub fn dry_run<T, E>(&mut self, work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.run_then(TransactionBehavior::Immediate, false, work)
    }

    fn run<T, E>(
        &mut self,
        behavior: TransactionBehavior,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.run_then(behavior, true, work)
    }

    fn run_then<T, E>(
        &mut self,
        behavior: TransactionBehavior,
        commit: bool,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let path = &self.path;
        let tx = self
            .conn
            .transaction_with_behavior(behavior)
            .map_err(db_error(path, "begin a transaction"))?;
        // Read before anything else, so a commit racing this read only empties the cache.
        let data_version: i64 = tx
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut statement| statement.query_row([], |row| row.get(0)))
            .map_err(db_error(path, "read the data version"))?;
        if self.cache.data_version != Some(data_version) {
            self.cache.clear();
            self.cache.data_version = Some(data_version);
        }
        self.cache.generation += 1;
        let mut handle = Tx {
            tx,
            path,
            cache: &mut self.cache,
            recorded: false,
            recorded_transfers: Vec::new(),
            deleted: false,
        };
        let value = work(&mut handle)?;
        if !commit {
            handle
                .tx
                .rollback()
                .map_err(db_error(path, "roll back a dry run"))?;
            return Ok(value);
        }
        if !handle.recorded {
            handle
                .tx
                .commit()
                .map_err(db_error(path, "commit a transaction"))?;
            return Ok(value);
        }
        let Tx {
            tx,
            cache,
            recorded_transfers,
            deleted,
            ..
        } = handle;
        if deleted {
            cache.clear();
        }
        if let Err(e) = tx.commit() {
            // Committed or not, the index no longer knows: read it afresh.
            cache.clear();
            return Err(db_error(path, "commit a transaction")(e).into());
        }
        cache.index_committed(recorded_transfers);
        Ok(value)
    }

    fn read<T>(
        &mut self,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.run(TransactionBehavior::Deferred, work)
    }

    /// Runs `work` in a read transaction: a consistent snapshot of what was committed when it
    /// began, taking no write lock, so another connection's writer neither waits for it nor
    /// makes it wait (write-ahead logging). For a second handle that only reads beside a writer.
    ///
    /// # Errors
    ///
    /// Whatever `work` returns, or the store cannot begin the transaction.
    pub fn reading<T, E>(&mut self, work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.run(TransactionBehavior::Deferred, work)
    }

    /// Records one transfer in its own transaction. See [`Tx::record_transfer`].
    ///
    /// # Errors
    ///
    /// As [`Tx::record_transfer`].
    pub fn record_transfer(&mut self, record: &TransferRecord) -> Result<TransferId, StoreError> {
        self.transaction(|tx| tx.record_transfer(record))
    }

    /// Cumulative volumes in a window. See [`Tx::volumes`].
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn volumes(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
    ) -> Result<Volumes, StoreError> {
        self.read(|tx| tx.volumes(window, sets))
    }

    /// The exporter's subject-hash salt, created on first use. See [`Tx::subject_salt`].
    ///
    /// # Errors
    ///
    /// As [`Tx::subject_salt`].
    pub fn subject_salt(&mut self, exporter: &str) -> Result<SubjectSalt, StoreError> {
        self.transaction(|tx| tx.subject_salt(exporter))
    }

    /// Configures a dataset's total budget. See [`Tx::set_budget`].
    ///
    /// # Errors
    ///
    /// As [`Tx::set_budget`].
    pub fn set_budget(
        &mut self,
        dataset: &str,
        epsilon_total: f64,
        delta_total: f64,
    ) -> Result<Budget, StoreError> {
        self.transaction(|tx| tx.set_budget(dataset, epsilon_total, delta_total))
    }

    /// Spends from a dataset's budget, or refuses. See [`Tx::spend_budget`].
    ///
    /// # Errors
    ///
    /// As [`Tx::spend_budget`].
    pub fn spend_budget(
        &mut self,
        dataset: &str,
        epsilon: f64,
        delta: f64,
        description: &str,
    ) -> Result<Budget, StoreError> {
        self.transaction(|tx| tx.spend_budget(dataset, epsilon, delta, description))
    }

    /// A dataset's budget, if configured.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn budget(&mut self, dataset: &str) -> Result<Option<Budget>, StoreError> {
        self.read(|tx| tx.budget(dataset))
    }

    /// Log entries a crash left pending. See [`Tx::pending_log_entries`].
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn pending_log_entries(&mut self) -> Result<Vec<PendingLogEntry>, StoreError> {
        self.read(|tx| tx.pending_log_entries())
    }

    /// Marks a pending log entry appended. See [`Tx::mark_logged`].
    ///
    /// # Errors
    ///
    /// As [`Tx::mark_logged`].
    pub fn mark_logged(&mut self, transfer: &TransferId, index: u64) -> Result<(), StoreError> {
        self.transaction(|tx| tx.mark_logged(transfer, index))
    }

    /// Deletes a transfer whose log entry is still pending. See [`Tx::abandon_unlogged`].
    ///
    /// # Errors
    ///
    /// As [`Tx::abandon_unlogged`].
    pub fn abandon_unlogged(&mut self, transfer: &TransferId) -> Result<(), StoreError> {
        self.transaction(|tx| tx.abandon_unlogged(transfer))
    }

    /// Recorded transfers whose staged package is not in place. See [`Tx::staged_packages`].
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn staged_packages(&mut self) -> Result<Vec<StagedPackage>, StoreError> {
        self.read(|tx| tx.staged_packages())
    }

    /// Notes that a transfer's staged package is in place. See [`Tx::mark_delivered`].
    ///
    /// # Errors
    ///
    /// As [`Tx::mark_delivered`].
    pub fn mark_delivered(&mut self, transfer: &TransferId) -> Result<(), StoreError> {
        self.transaction(|tx| tx.mark_delivered(transfer))
    }

    /// Notes that a transfer's staged package is lost for good. See [`Tx::mark_package_lost`].
    ///
    /// # Errors
    ///
    /// As [`Tx::mark_package_lost`].
    pub fn mark_package_lost(&mut self, transfer: &TransferId) -> Result<(), StoreError> {
        self.transaction(|tx| tx.mark_package_lost(transfer))
    }

    /// Recorded transfers with cumulative volumes. See [`Tx::history`].
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn history(
        &mut self,
        filter: &HistoryFilter,
        cn_sets: &[CategorySet],
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        self.read(|tx| tx.history(filter, cn_sets))
    }
}

/// An open transaction of a [`Store`]; see [`Store::transaction`].
#[derive(Debug)]
pub struct Tx<'s> {
    pub(crate) tx: rusqlite::Transaction<'s>,
    pub(crate) path: &'s Path,
    cache: &'s mut VolumeCache,
    /// Whether this transaction recorded a transfer (its window answers are not cacheable).
    recorded: bool,
    /// The transfers this transaction recorded, by exporter: read together with the exporters'
    /// index while the transaction lasts, inserted into it once the transaction commits.
    recorded_transfers: Vec<(String, index::Transfer)>,
    /// Whether this transaction deleted a transfer: the index is then read afresh after it.
    deleted: bool,
}

/// The membership bitmap of `subset` (sorted, distinct, drawn from `run`) over `run` (sorted,
/// distinct): bit i, least significant first in byte i / 8, is set when `run[i]` is in `subset`.
fn members_of(run: &[SubjectHash], subset: &[SubjectHash]) -> Vec<u8> {
    let mut bits = vec![0_u8; run.len().div_ceil(8)];
    let mut at = 0;
    for hash in subset {
        // Both ascend, so each member is found by walking forward.
        while run.get(at).is_some_and(|h| h < hash) {
            at += 1;
        }
        if let Some(byte) = bits.get_mut(at / 8) {
            *byte |= 1 << (at % 8);
        }
        at += 1;
    }
    bits
}

/// The two queries that list a window: its transfers, then per transfer the entries that count.
///
/// No join, and the window's shape written into the text rather than bound: SQLite re-prepares
/// (parses and plans again) a join of `transfer` and `volume_entry` on every execution inside a
/// transaction, and any statement whose plan depends on a bound value (`?2 IS NULL OR ...`)
/// whenever the value changes; either made every lookup parse its query again. The variants are
/// few (counterparty or not, anonymised or not, five places of collection), so each stays
/// prepared in the connection's statement cache. Transfers: ?1 exporter, ?2 first and ?3 last
/// date, ?4 counterparty. Entries: ?1 the transfer's `seq`.
fn window_queries(window: &Window) -> (String, String) {
    let counterparty = if window.counterparty.is_some() {
        " AND counterparty = ?4"
    } else {
        ""
    };
    let anonymised = if window.include_anonymised {
        ""
    } else {
        " AND state <> 'anonymised'"
    };
    // `as_str` names come from a closed enum, never from input.
    let collected = window.collected_in.map_or_else(String::new, |place| {
        format!(" AND collected_in IN ('{}', 'unknown')", place.as_str())
    });
    (
        format!(
            "SELECT seq, individuals FROM transfer
             WHERE exporter = ?1{counterparty} AND date BETWEEN ?2 AND ?3"
        ),
        format!(
            "SELECT seq, category, unit, count, hash_count FROM volume_entry
             WHERE transfer = ?1{anonymised}{collected}"
        ),
    )
}

fn to_i64(value: u64) -> i64 {
    // Counts are checked against `i64::MAX` before they are written.
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn to_u64(value: i64) -> u64 {
    // Every stored count has a `CHECK (... >= 0)`.
    value.unsigned_abs()
}

/// Whether `transfer` falls in `window` (as the window's SQL selects stored transfers).
fn in_window(window: &Window, transfer: &TransferRecord) -> bool {
    transfer.exporter == window.exporter
        && window
            .counterparty
            .as_ref()
            .is_none_or(|c| *c == transfer.counterparty)
        && (window.from..=window.to).contains(&transfer.date)
}

/// Whether `entry` counts in `window` (as the window's SQL selects stored entries).
fn counts_in(window: &Window, entry: &VolumeEntry) -> bool {
    (window.include_anonymised || entry.state != Form::Anonymised)
        && window
            .collected_in
            .is_none_or(|c| entry.collected_in.is_none_or(|place| place == c))
}

impl Tx<'_> {
    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.path
    }

    /// Runs `work` inside a savepoint of this transaction: if it fails, everything it wrote is
    /// undone and the transaction goes on as before it (for a batch of filings in one
    /// transaction, where one refused filing must not take the others with it).
    ///
    /// # Errors
    ///
    /// Whatever `work` returns (after undoing its writes), or SQLite fails to set, release or
    /// roll back the savepoint.
    pub fn savepoint<T, E>(&mut self, work: impl FnOnce(&mut Self) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let path = self.path;
        self.tx
            .execute_batch("SAVEPOINT freeport_work")
            .map_err(db_error(path, "set a savepoint"))?;
        let recorded = self.recorded_transfers.len();
        match work(self) {
            Ok(value) => {
                self.tx
                    .execute_batch("RELEASE freeport_work")
                    .map_err(db_error(path, "release a savepoint"))?;
                Ok(value)
            }
            Err(e) => {
                self.recorded_transfers.truncate(recorded);
                self.tx
                    .execute_batch("ROLLBACK TO freeport_work; RELEASE freeport_work")
                    .map_err(db_error(path, "roll back to a savepoint"))?;
                Err(e)
            }
        }
    }

    fn invalid(&self, record: &TransferRecord, field: String, reason: String) -> StoreError {
        StoreError::InvalidTransfer(Box::new(InvalidTransfer {
            path: self.path.to_owned(),
            id: record.id.0.clone(),
            field,
            reason,
        }))
    }

    fn validate(&self, record: &TransferRecord) -> Result<(), StoreError> {
        let fail = |field: &str, reason: &str| {
            Err(self.invalid(record, field.to_owned(), reason.to_owned()))
        };
        for (field, value) in [
            ("id", record.id.as_str()),
            ("exporter", record.exporter.as_str()),
            ("counterparty", record.counterparty.as_str()),
        ] {
            if value.trim().is_empty() {
                return fail(field, "is empty");
            }
        }
        for (field, value) in [
            ("origin", &record.origin),
            ("destination", &record.destination),
        ] {
            if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase()) {
                return fail(
                    field,
                    "is not an ISO 3166-1 alpha-2 country code such as `CN`",
                );
            }
        }
        let limit = u64::try_from(i64::MAX).unwrap_or(u64::MAX);
        let mut seen = BTreeSet::new();
        let mut units: BTreeMap<(&str, Option<CollectedIn>), Unit> = BTreeMap::new();
        let mut people: Vec<&[SubjectHash]> = Vec::new();
        let mut most = 0;
        for (i, entry) in record.volumes.iter().enumerate() {
            let at = |part: &str| format!("volumes[{i}].{part}");
            if entry.category.trim().is_empty() {
                return Err(self.invalid(record, at("category"), "is empty".to_owned()));
            }
            if entry.count > limit {
                return Err(self.invalid(record, at("count"), "is too large".to_owned()));
            }
            let hashes = u64::try_from(entry.subject_hashes.len()).unwrap_or(u64::MAX);
            if hashes > entry.count {
                return Err(self.invalid(
                    record,
                    at("subject_hashes"),
                    format!(
                        "has {hashes} distinct hashes but `count` is {}: each hash is one individual",
                        entry.count
                    ),
                ));
            }
            if !seen.insert((entry.category.as_str(), entry.state, entry.collected_in)) {
                return Err(self.invalid(
                    record,
                    at("category"),
                    format!(
                        "`{}` appears twice with state `{}` collected in `{}`",
                        entry.category,
                        entry.state,
                        place_str(entry.collected_in)
                    ),
                ));
            }
            if let Some(unit) = units.insert((&entry.category, entry.collected_in), entry.unit)
                && unit != entry.unit
            {
                return Err(self.invalid(
                    record,
                    at("unit"),
                    format!(
                        "is `{}` but another entry of `{}` collected in `{}` counts `{unit}`",
                        entry.unit,
                        entry.category,
                        place_str(entry.collected_in)
                    ),
                ));
            }
            if entry.unit == Unit::Individuals {
                most = most.max(entry.count);
                people.push(entry.subject_hashes.as_slice());
            }
        }
        if let Some(individuals) = record.individuals {
            if individuals > limit {
                return fail("individuals", "is too large");
            }
            // Merging is linear but not free: skip it when even every hash apart fits.
            let at_most = people.iter().fold(0_u64, |sum, p| {
                sum.saturating_add(u64::try_from(p.len()).unwrap_or(u64::MAX))
            });
            let hashed = if individuals >= at_most {
                0
            } else {
                count::union_len(&people)
            };
            if individuals < most || individuals < hashed {
                return Err(self.invalid(
                    record,
                    "individuals".to_owned(),
                    format!(
                        "is {individuals}, fewer than one category's count ({most}) or the distinct subject hashes ({hashed})"
                    ),
                ));
            }
        }
        let mut packs = BTreeSet::new();
        for (i, pack) in record.rule_packs.iter().enumerate() {
            if !packs.insert(pack.name.as_str()) {
                return Err(self.invalid(
                    record,
                    format!("rule_packs[{i}].name"),
                    format!("`{}` appears twice", pack.name),
                ));
            }
        }
        Ok(())
    }

    /// Records one transfer: its parties, date, direction, per-category volumes with their
    /// subject hashes, decision and rule packs. All or nothing: it is part of this transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::DuplicateTransfer`] if the id is already recorded (recording is not
    /// idempotent: a second record would count the same people twice);
    /// [`StoreError::InvalidTransfer`] naming the field at fault (empty ids, a country code that
    /// is not alpha-2, more hashes than `count`, a category twice with one state, a category whose
    /// unit differs from the unit it was recorded with before, `individuals` below a category's
    /// count); SQLite failures.
    pub fn record_transfer(&mut self, record: &TransferRecord) -> Result<TransferId, StoreError> {
        self.validate(record)?;
        self.recorded = true;
        let path = self.path;
        let tx = &self.tx;
        let exists = tx
            .prepare_cached("SELECT 1 FROM transfer WHERE id = ?1")
            .and_then(|mut s| s.query_row([record.id.as_str()], |_| Ok(())).optional())
            .map_err(db_error(path, "look up the transfer id"))?;
        if exists.is_some() {
            return Err(StoreError::DuplicateTransfer {
                path: path.to_owned(),
                id: record.id.0.clone(),
            });
        }
        for (i, entry) in record.volumes.iter().enumerate() {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO category_unit (category, collected_in, unit)
                 VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| {
                s.execute((
                    &entry.category,
                    place_str(entry.collected_in),
                    entry.unit.as_str(),
                ))
            })
            .map_err(db_error(path, "record a category's unit"))?;
            let unit: String = tx
                .prepare_cached(
                    "SELECT unit FROM category_unit WHERE category = ?1 AND collected_in = ?2",
                )
                .and_then(|mut s| {
                    s.query_row((&entry.category, place_str(entry.collected_in)), |row| {
                        row.get(0)
                    })
                })
                .map_err(db_error(path, "read a category's unit"))?;
            if unit != entry.unit.as_str() {
                return Err(self.invalid(
                    record,
                    format!("volumes[{i}].unit"),
                    format!(
                        "is `{}` but `{}` collected in `{}` is recorded in `{unit}` in this store",
                        entry.unit,
                        entry.category,
                        place_str(entry.collected_in)
                    ),
                ));
            }
        }
        tx.prepare_cached(
            "INSERT INTO transfer (id, exporter, counterparty, date, origin, destination,
                                   individuals, decision, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .and_then(|mut s| {
            s.execute((
                record.id.as_str(),
                &record.exporter,
                &record.counterparty,
                record.date.to_string(),
                &record.origin,
                &record.destination,
                record.individuals.map(to_i64),
                &record.decision_json,
                jiff::Timestamp::now().to_string(),
            ))
        })
        .map_err(db_error(path, "record the transfer"))?;
        let transfer = tx.last_insert_rowid();
        let mut insert_entry = tx
            .prepare_cached(
                "INSERT INTO volume_entry (transfer, category, unit, state, collected_in, count,
                                           hash_count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(db_error(path, "prepare to record volumes"))?;
        // The transfer's distinct hashes once, each entry a bitmap over them (migration 0006).
        let run = count::union(
            record
                .volumes
                .iter()
                .map(|e| Cow::Borrowed(e.subject_hashes.as_slice()))
                .collect(),
        );
        let mut bytes = Vec::new();
        if !run.is_empty() {
            let mut insert_run = tx
                .prepare_cached(
                    "INSERT INTO transfer_hashes (transfer, chunk, hashes) VALUES (?1, ?2, ?3)",
                )
                .map_err(db_error(path, "prepare to record subject hashes"))?;
            for (chunk, hashes) in (0_i64..).zip(run.chunks(CHUNK)) {
                bytes.clear();
                bytes.extend(hashes.iter().flat_map(|h| h.0.to_be_bytes()));
                insert_run
                    .execute((transfer, chunk, &bytes[..]))
                    .map_err(db_error(path, "record subject hashes"))?;
            }
        }
        let mut insert_members = tx
            .prepare_cached("INSERT INTO entry_members (entry, members) VALUES (?1, ?2)")
            .map_err(db_error(path, "prepare to record subject hashes"))?;
        let mut entry_seqs = Vec::with_capacity(record.volumes.len());
        for entry in &record.volumes {
            insert_entry
                .execute((
                    transfer,
                    &entry.category,
                    entry.unit.as_str(),
                    entry.state.as_str(),
                    place_str(entry.collected_in),
                    to_i64(entry.count),
                    i64::try_from(entry.subject_hashes.len()).unwrap_or(i64::MAX),
                ))
                .map_err(db_error(path, "record a volume"))?;
            let entry_seq = tx.last_insert_rowid();
            entry_seqs.push(entry_seq);
            let hashes = entry.subject_hashes.as_slice();
            if !hashes.is_empty() {
                let members = (hashes.len() != run.len()).then(|| members_of(&run, hashes));
                insert_members
                    .execute((entry_seq, members))
                    .map_err(db_error(path, "record subject hashes"))?;
            }
        }
        drop((insert_entry, insert_members));
        for pack in &record.rule_packs {
            tx.prepare_cached(
                "INSERT INTO rule_pack (transfer, name, version, hash) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| s.execute((transfer, &pack.name, &pack.version, &pack.hash)))
            .map_err(db_error(path, "record a rule pack"))?;
        }
        self.recorded_transfers.push((
            record.exporter.clone(),
            index::Transfer::recorded(transfer, record, &entry_seqs),
        ));
        Ok(record.id.clone())
    }

    /// Cumulative volumes of the transfers in `window` (dates inclusive at both ends).
    ///
    /// Per category and per requested set, a person is counted once across transfers when
    /// salted subject hashes identify them; people without a hash are added as if never seen
    /// before (see the crate docs for the exact rule). Every requested set appears in the result,
    /// with 0 if nothing in the window falls in it.
    ///
    /// # Errors
    ///
    /// SQLite fails (including a sum beyond `i64`).
    pub fn volumes(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
    ) -> Result<Volumes, StoreError> {
        if !self.deleted
            && let Some((_, cached)) = self
                .cache
                .answers
                .get(window)
                .and_then(|answers| answers.iter().find(|(s, _)| s.as_slice() == sets))
        {
            // The committed answer, with this transaction's own transfers added as a recount
            // would add them (none may carry subject hashes in the window).
            let mut answer = cached.clone();
            let exact = self
                .recorded_transfers
                .iter()
                .filter(|(exporter, _)| *exporter == window.exporter)
                .all(|(_, transfer)| transfer.add_to(&mut answer, window, sets));
            if exact {
                return Ok(answer);
            }
            return self.count(window, sets, None, false);
        }
        // An answer over committed rows only may be kept: none was deleted, and this
        // transaction recorded nothing for the window's exporter (a batch of filings seeds
        // each organisation's windows on its first filing in the batch).
        let own = self
            .recorded_transfers
            .iter()
            .any(|(exporter, _)| *exporter == window.exporter);
        if self.deleted || own {
            return self.count(window, sets, None, false);
        }
        let answer = self.count(window, sets, None, false)?;
        if self.cache.answered >= CACHE_CAPACITY {
            self.cache.answers.clear();
            self.cache.answered = 0;
        }
        self.cache
            .answers
            .entry(window.clone())
            .or_default()
            .push((sets.to_vec(), answer.clone()));
        self.cache.answered += 1;
        Ok(answer)
    }

    /// Cumulative volumes in `window` of the people a transfer about to be recorded does not
    /// carry: what was sent before it, with anyone `transfer` sends again (the same salted
    /// subject hash) counted in `transfer` only. The judge adds the transfer's own counts to
    /// these, so each person is counted once. `transfer` is not recorded: it is counted from
    /// memory, with the stored transfers and alone, and nothing is written.
    ///
    /// Without subject hashes nobody can be matched, and the answer equals
    /// [`volumes`](Self::volumes) before the transfer.
    ///
    /// # Errors
    ///
    /// Those of [`record_transfer`](Self::record_transfer) for an invalid `transfer` (its id may
    /// already be recorded: it is counted as another transfer), and SQLite failures.
    pub fn volumes_before(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
        transfer: &TransferRecord,
    ) -> Result<Volumes, StoreError> {
        self.validate(transfer)?;
        self.check_units(transfer)?;
        let with = self.volumes_with(window, sets, transfer)?;
        let alone = self.count(window, sets, Some(transfer), true)?;
        let less = |a: u64, b: Option<u64>| a.saturating_sub(b.unwrap_or(0));
        let mut before = with;
        before.transfers = before.transfers.saturating_sub(alone.transfers);
        for (name, count) in &mut before.sets {
            *count = less(*count, alone.sets.get(name).copied());
        }
        for (category, volume) in &mut before.categories {
            volume.count = less(
                volume.count,
                alone.categories.get(category).map(|v| v.count),
            );
        }
        before.categories.retain(|category, volume| {
            volume.count > 0 || !alone.categories.contains_key(category)
        });
        Ok(before)
    }

    /// The volumes of `window` with `transfer` counted among the stored ones. A transfer
    /// without subject hashes is added to the window's kept answer as a recount would
    /// (`index::Transfer::add_to`), so judging it costs the same whatever the exporter's
    /// history; otherwise, or when that cannot be exact, the window is counted.
    fn volumes_with(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
        transfer: &TransferRecord,
    ) -> Result<Volumes, StoreError> {
        if transfer.volumes.iter().all(|v| v.subject_hashes.is_empty()) {
            let mut with = self.volumes(window, sets)?;
            if transfer.exporter != window.exporter {
                return Ok(with);
            }
            // Not stored: no `seq`s (only hashed entries are ever read back by them).
            let pending = index::Transfer::recorded(0, transfer, &vec![0; transfer.volumes.len()]);
            if pending.add_to(&mut with, window, sets) {
                return Ok(with);
            }
        }
        self.count(window, sets, Some(transfer), false)
    }

    /// Refuses a record whose categories were recorded in another unit before, as
    /// [`record_transfer`](Self::record_transfer) does, without writing anything.
    fn check_units(&self, record: &TransferRecord) -> Result<(), StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT unit FROM category_unit WHERE category = ?1 AND collected_in = ?2",
            )
            .map_err(db_error(self.path, "prepare to read a category's unit"))?;
        for (i, entry) in record.volumes.iter().enumerate() {
            let unit: Option<String> = stmt
                .query_row((&entry.category, place_str(entry.collected_in)), |row| {
                    row.get(0)
                })
                .optional()
                .map_err(db_error(self.path, "read a category's unit"))?;
            if let Some(unit) = unit.filter(|u| u != entry.unit.as_str()) {
                return Err(self.invalid(
                    record,
                    format!("volumes[{i}].unit"),
                    format!(
                        "is `{}` but `{}` collected in `{}` is recorded in `{unit}` in this store",
                        entry.unit,
                        entry.category,
                        place_str(entry.collected_in)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Counts `window` over the stored transfers and `pending` (a transfer being judged, not
    /// recorded), or over `pending` alone.
    fn count(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
        pending: Option<&TransferRecord>,
        alone: bool,
    ) -> Result<Volumes, StoreError> {
        self.count_with(window, sets, pending, alone)
            .map(|(volumes, _)| volumes)
    }

    fn count_with(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
        pending: Option<&TransferRecord>,
        alone: bool,
    ) -> Result<(Volumes, bool), StoreError> {
        let (mut transfers, mut rows, from_index) = if alone {
            (0, Vec::new(), true)
        } else {
            self.stored_rows(window)?
        };
        let cheap = from_index && rows.iter().all(|r| r.hashed == 0);
        if let Some(pending) = pending.filter(|p| in_window(window, p)) {
            transfers = transfers.saturating_add(1);
            for entry in pending.volumes.iter().filter(|e| counts_in(window, e)) {
                rows.push(Row {
                    // Stored transfers have positive `seq`s.
                    transfer: 0,
                    individuals: pending.individuals,
                    category: entry.category.clone(),
                    unit: entry.unit,
                    count: entry.count,
                    hashed: u64::try_from(entry.subject_hashes.len()).unwrap_or(u64::MAX),
                    hashes: Hashes::Given(entry.subject_hashes.as_slice()),
                });
            }
        }
        // Entries of one transfer share its run: read it once per transfer.
        let mut run: Option<(i64, Vec<SubjectHash>)> = None;
        let (categories, sets) =
            count::count(&rows, sets, |entry| self.stored_hashes(entry, &mut run))?;
        Ok((
            Volumes {
                window: window.clone(),
                transfers,
                categories,
                sets,
            },
            cheap,
        ))
    }

    /// The stored transfers in `window` and the entries that count in it: from the exporter's
    /// index (with the transfers this transaction recorded for the exporter) when it may be
    /// used, else from SQLite; and whether from the index.
    fn stored_rows(
        &mut self,
        window: &Window,
    ) -> Result<(u64, Vec<Row<'static>>, bool), StoreError> {
        if !self.cache.use_index || self.deleted {
            let (transfers, rows) = self.query_rows(window)?;
            return Ok((transfers, rows, false));
        }
        // An exporter this transaction has recorded nothing for reads only committed rows, so
        // its index may be loaded now.
        let own = self
            .recorded_transfers
            .iter()
            .any(|(exporter, _)| *exporter == window.exporter);
        if !own && let Some(index) = self.exporter_index(&window.exporter)? {
            let (transfers, rows) = index.window(window);
            return Ok((transfers, rows, true));
        }
        // After recording, an index loaded earlier still holds every committed transfer; this
        // transaction's own are added to it (a batch of filings judged in one transaction).
        if let Some(index) = self.cache.index.get(&window.exporter) {
            let (mut transfers, mut rows) = index.window(window);
            for (exporter, transfer) in &self.recorded_transfers {
                if *exporter == window.exporter && transfer.add_rows_if_in(window, &mut rows) {
                    transfers += 1;
                }
            }
            return Ok((transfers, rows, true));
        }
        let (transfers, rows) = self.query_rows(window)?;
        Ok((transfers, rows, false))
    }

    /// The index of `exporter`'s committed transfers, loaded when the exporter is looked up
    /// in a transaction of this handle after [`INDEX_AFTER`] others; `None` before that and for
    /// an exporter too large to hold.
    fn exporter_index(&mut self, exporter: &str) -> Result<Option<&ExporterIndex>, StoreError> {
        if self.cache.too_big.contains(exporter) {
            return Ok(None);
        }
        if !self.cache.index.contains_key(exporter) {
            let generation = self.cache.generation;
            let transactions = match self.cache.seen.get_mut(exporter) {
                Some((last, count)) => {
                    if *last != generation {
                        *last = generation;
                        *count = count.saturating_add(1);
                    }
                    *count
                }
                None => {
                    if self.cache.seen.len() >= SEEN_CAPACITY {
                        self.cache.seen.clear();
                    }
                    self.cache.seen.insert(exporter.to_owned(), (generation, 1));
                    1
                }
            };
            if transactions <= INDEX_AFTER {
                return Ok(None);
            }
            let index = ExporterIndex::load(&self.tx, self.path, exporter)?;
            if index.rows() > INDEX_CAPACITY {
                self.cache.too_big.insert(exporter.to_owned());
                return Ok(None);
            }
            if self.cache.indexed + index.rows() > INDEX_CAPACITY {
                self.cache.index.clear();
                self.cache.indexed = 0;
            }
            self.cache.indexed += index.rows();
            self.cache.index.insert(exporter.to_owned(), index);
        }
        Ok(self.cache.index.get(exporter))
    }

    /// [`stored_rows`](Self::stored_rows) from SQLite.
    fn query_rows(&self, window: &Window) -> Result<(u64, Vec<Row<'static>>), StoreError> {
        let path = self.path;
        let fail = || db_error(path, "list the volumes of a window");
        let (transfers_sql, entries_sql) = window_queries(window);
        let mut stmt = self
            .tx
            .prepare_cached(&transfers_sql)
            .map_err(db_error(path, "prepare the volume query"))?;
        let from = window.from.to_string();
        let to = window.to.to_string();
        let read =
            |row: &rusqlite::Row<'_>| Ok((row.get::<_, i64>(0)?, row.get::<_, Option<i64>>(1)?));
        let transfers: Vec<(i64, Option<i64>)> = match &window.counterparty {
            Some(counterparty) => {
                stmt.query_map((&window.exporter, &from, &to, counterparty), read)
            }
            None => stmt.query_map((&window.exporter, &from, &to), read),
        }
        .and_then(Iterator::collect)
        .map_err(fail())?;
        let mut stmt = self
            .tx
            .prepare_cached(&entries_sql)
            .map_err(db_error(path, "prepare the volume query"))?;
        let mut rows = Vec::new();
        for &(transfer, individuals) in &transfers {
            let mut found = stmt.query([transfer]).map_err(fail())?;
            while let Some(row) = found.next().map_err(fail())? {
                let read = |row: &rusqlite::Row<'_>| -> rusqlite::Result<_> {
                    Ok(Row {
                        transfer,
                        individuals: individuals.map(to_u64),
                        category: row.get(1)?,
                        // The schema's CHECK constraints admit only the names `parse` knows.
                        unit: Unit::parse(row.get_ref(2)?.as_str()?).unwrap_or(Unit::Individuals),
                        count: to_u64(row.get(3)?),
                        hashed: to_u64(row.get(4)?),
                        hashes: Hashes::Stored(row.get(0)?),
                    })
                };
                rows.push(read(row).map_err(fail())?);
            }
        }
        Ok((u64::try_from(transfers.len()).unwrap_or(u64::MAX), rows))
    }

    /// The hashes of the stored entry `entry`, checked to be sorted and distinct (the counts
    /// rely on it): its members of its transfer's run (read into `run` unless it holds that
    /// transfer's already), or, for entries recorded before migration 0006, its own run.
    fn stored_hashes(
        &self,
        entry: i64,
        run: &mut Option<(i64, Vec<SubjectHash>)>,
    ) -> Result<Vec<SubjectHash>, StoreError> {
        let path = self.path;
        let members = self
            .tx
            .prepare_cached(
                "SELECT e.transfer, m.members, e.hash_count
                 FROM entry_members m JOIN volume_entry e ON e.seq = m.entry
                 WHERE m.entry = ?1",
            )
            .map_err(db_error(path, "prepare to read subject hashes"))?
            .query_row([entry], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, Option<Vec<u8>>>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .optional()
            .map_err(db_error(path, "read subject hashes"))?;
        let Some((transfer, members, hash_count)) = members else {
            return self.read_run(
                "SELECT hashes FROM subject_hashes WHERE entry = ?1 ORDER BY chunk",
                entry,
                &format!("volume entry {entry}"),
            );
        };
        if run.as_ref().is_none_or(|(t, _)| *t != transfer) {
            let hashes = self.read_run(
                "SELECT hashes FROM transfer_hashes WHERE transfer = ?1 ORDER BY chunk",
                transfer,
                &format!("transfer {transfer}"),
            )?;
            *run = Some((transfer, hashes));
        }
        let all = run.as_ref().map_or(&[][..], |(_, h)| h.as_slice());
        let hashes: Vec<SubjectHash> = match members {
            None => all.to_vec(),
            Some(bits) => {
                if bits.len() != all.len().div_ceil(8) {
                    return Err(self.corrupt(format!(
                        "the membership bitmap of volume entry {entry} does not fit its \
                         transfer's {} hashes",
                        all.len()
                    )));
                }
                all.iter()
                    .enumerate()
                    .filter(|(i, _)| bits.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
                    .map(|(_, h)| *h)
                    .collect()
            }
        };
        if i64::try_from(hashes.len()).ok() != Some(hash_count) {
            return Err(self.corrupt(format!(
                "volume entry {entry} says it has {hash_count} subject hashes but holds {}",
                hashes.len()
            )));
        }
        Ok(hashes)
    }

    /// A run of sorted, distinct 16-byte hashes stored in chunks by `sql` for `key`.
    fn read_run(&self, sql: &str, key: i64, what: &str) -> Result<Vec<SubjectHash>, StoreError> {
        let path = self.path;
        let mut stmt = self
            .tx
            .prepare_cached(sql)
            .map_err(db_error(path, "prepare to read subject hashes"))?;
        let mut rows = stmt
            .query([key])
            .map_err(db_error(path, "read subject hashes"))?;
        let mut hashes: Vec<SubjectHash> = Vec::new();
        while let Some(row) = rows.next().map_err(db_error(path, "read subject hashes"))? {
            let value = row
                .get_ref(0)
                .map_err(db_error(path, "read subject hashes"))?;
            // The schema admits only blobs of whole 16-byte hashes.
            let (whole, rest) = value.as_blob().unwrap_or_default().as_chunks::<16>();
            if !rest.is_empty() {
                return Err(self.corrupt(format!(
                    "the subject hashes of {what} are not 16-byte values"
                )));
            }
            hashes.reserve(whole.len());
            hashes.extend(whole.iter().map(|b| SubjectHash(u128::from_be_bytes(*b))));
        }
        if hashes.windows(2).any(|w| w.first() >= w.last()) {
            return Err(self.corrupt(format!(
                "the subject hashes of {what} are not sorted and distinct"
            )));
        }
        Ok(hashes)
    }

    /// The store holds something its schema and writers never produce.
    pub(crate) fn corrupt(&self, detail: String) -> StoreError {
        StoreError::Corrupt {
            path: self.path.to_owned(),
            detail,
        }
    }

    /// The exporter's 32-byte subject-hash salt and its scheme, drawn from the operating system's
    /// random generator the first time it is asked for (with the newest scheme) and stored, so
    /// that every scan of one exporter hashes a person the same way. It never leaves the store otherwise: no export, no history.
    ///
    /// # Errors
    ///
    /// The random generator or SQLite fails.
    pub fn subject_salt(&mut self, exporter: &str) -> Result<SubjectSalt, StoreError> {
        let path = self.path;
        let stored: Option<(Vec<u8>, String)> = self
            .tx
            .query_row(
                "SELECT salt, scheme FROM subject_salt WHERE exporter = ?1",
                [exporter],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(db_error(path, "read a subject-hash salt"))?;
        if let Some((salt, scheme)) = stored {
            // The schema admits only 32-byte salts and the two scheme names.
            let corrupt = || StoreError::Corrupt {
                path: path.to_owned(),
                detail: format!("the subject-hash salt of exporter `{exporter}` is malformed"),
            };
            let bytes = <[u8; 32]>::try_from(salt).map_err(|_| corrupt())?;
            let scheme = crate::HashScheme::parse(&scheme).ok_or_else(corrupt)?;
            return Ok(SubjectSalt { bytes, scheme });
        }
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(|source| StoreError::Rng {
            path: path.to_owned(),
            source,
        })?;
        let scheme = crate::HashScheme::SipHash24;
        self.tx
            .execute(
                "INSERT INTO subject_salt (exporter, salt, created_at, scheme) VALUES (?1, ?2, ?3, ?4)",
                (
                    exporter,
                    &bytes[..],
                    jiff::Timestamp::now().to_string(),
                    scheme.as_str(),
                ),
            )
            .map_err(db_error(path, "store a subject-hash salt"))?;
        Ok(SubjectSalt { bytes, scheme })
    }

    fn amount(
        &self,
        dataset: &str,
        field: &'static str,
        value: f64,
        scale: u32,
        round: Round,
    ) -> Result<i64, StoreError> {
        budget::to_units(value, scale, round).map_err(|bad| {
            StoreError::InvalidBudget(Box::new(InvalidBudget {
                path: self.path.to_owned(),
                dataset: dataset.to_owned(),
                field,
                value,
                reason: bad.reason(),
            }))
        })
    }

    fn budget_units(&self, dataset: &str) -> Result<Option<[i64; 5]>, StoreError> {
        self.tx
            .query_row(
                "SELECT l.epsilon_units, l.delta_units,
                        COALESCE(SUM(s.epsilon_units), 0), COALESCE(SUM(s.delta_units), 0),
                        COUNT(s.seq)
                 FROM budget_limit l LEFT JOIN budget_spend s ON s.dataset = l.dataset
                 WHERE l.dataset = ?1
                 GROUP BY l.dataset",
                [dataset],
                |row| {
                    Ok([
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                    ])
                },
            )
            .optional()
            .map_err(db_error(self.path, "read a privacy budget"))
    }

    fn budget_of(units: [i64; 5]) -> Budget {
        let [
            epsilon_total,
            delta_total,
            epsilon_spent,
            delta_spent,
            spends,
        ] = units;
        Budget {
            epsilon_total: budget::from_units(epsilon_total, EPSILON_SCALE),
            delta_total: budget::from_units(delta_total, DELTA_SCALE),
            epsilon_spent: budget::from_units(epsilon_spent, EPSILON_SCALE),
            delta_spent: budget::from_units(delta_spent, DELTA_SCALE),
            spends: to_u64(spends),
        }
    }

    /// Configures (or changes) a dataset's total epsilon and delta. Totals round down to 1e-9
    /// (epsilon) and 1e-18 (delta).
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidBudget`] for a negative, non-finite or too large value, or a total
    /// below what is already spent; SQLite failures.
    pub fn set_budget(
        &mut self,
        dataset: &str,
        epsilon_total: f64,
        delta_total: f64,
    ) -> Result<Budget, StoreError> {
        let epsilon = self.amount(
            dataset,
            "epsilon total",
            epsilon_total,
            EPSILON_SCALE,
            Round::Down,
        )?;
        let delta = self.amount(
            dataset,
            "delta total",
            delta_total,
            DELTA_SCALE,
            Round::Down,
        )?;
        if let Some([_, _, eps_spent, delta_spent, _]) = self.budget_units(dataset)? {
            for (field, value, total, spent) in [
                ("epsilon total", epsilon_total, epsilon, eps_spent),
                ("delta total", delta_total, delta, delta_spent),
            ] {
                if total < spent {
                    return Err(StoreError::InvalidBudget(Box::new(InvalidBudget {
                        path: self.path.to_owned(),
                        dataset: dataset.to_owned(),
                        field,
                        value,
                        reason: "is below what is already spent",
                    })));
                }
            }
        }
        self.tx
            .execute(
                "INSERT INTO budget_limit (dataset, epsilon_units, delta_units, set_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (dataset) DO UPDATE SET
                    epsilon_units = excluded.epsilon_units,
                    delta_units = excluded.delta_units,
                    set_at = excluded.set_at",
                (dataset, epsilon, delta, jiff::Timestamp::now().to_string()),
            )
            .map_err(db_error(self.path, "set a privacy budget"))?;
        self.budget(dataset)?.ok_or_else(|| StoreError::NoBudget {
            path: self.path.to_owned(),
            dataset: dataset.to_owned(),
        })
    }

    /// Spends `epsilon` and `delta` from the dataset's budget, or refuses without spending
    /// anything if either total would be exceeded. Spends round up to 1e-9 (epsilon) and 1e-18
    /// (delta), and the check and the spend are one step of this transaction, so concurrent
    /// spenders can never overdraw.
    ///
    /// # Errors
    ///
    /// [`StoreError::NoBudget`] if no total is configured, [`StoreError::InvalidBudget`] for a
    /// negative or non-finite amount, [`StoreError::BudgetExceeded`], SQLite failures.
    pub fn spend_budget(
        &mut self,
        dataset: &str,
        epsilon: f64,
        delta: f64,
        description: &str,
    ) -> Result<Budget, StoreError> {
        let eps_units = self.amount(dataset, "epsilon", epsilon, EPSILON_SCALE, Round::Up)?;
        let delta_units = self.amount(dataset, "delta", delta, DELTA_SCALE, Round::Up)?;
        let Some([eps_total, delta_total, eps_spent, delta_spent, _]) =
            self.budget_units(dataset)?
        else {
            return Err(StoreError::NoBudget {
                path: self.path.to_owned(),
                dataset: dataset.to_owned(),
            });
        };
        let eps_left = eps_total.saturating_sub(eps_spent);
        let delta_left = delta_total.saturating_sub(delta_spent);
        if eps_units > eps_left || delta_units > delta_left {
            return Err(StoreError::BudgetExceeded(Box::new(BudgetExceeded {
                path: self.path.to_owned(),
                dataset: dataset.to_owned(),
                epsilon,
                delta,
                epsilon_left: budget::from_units(eps_left, EPSILON_SCALE),
                delta_left: budget::from_units(delta_left, DELTA_SCALE),
            })));
        }
        self.tx
            .execute(
                "INSERT INTO budget_spend (dataset, epsilon_units, delta_units, description, spent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                (
                    dataset,
                    eps_units,
                    delta_units,
                    description,
                    jiff::Timestamp::now().to_string(),
                ),
            )
            .map_err(db_error(self.path, "record a privacy-budget spend"))?;
        self.budget(dataset)?.ok_or_else(|| StoreError::NoBudget {
            path: self.path.to_owned(),
            dataset: dataset.to_owned(),
        })
    }

    /// A dataset's budget: totals, what is spent, and how many spends; `None` if not configured.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn budget(&mut self, dataset: &str) -> Result<Option<Budget>, StoreError> {
        Ok(self.budget_units(dataset)?.map(Self::budget_of))
    }

    /// Recorded transfers (oldest first: by date, then by order of recording), filtered by
    /// exporter and counterparty, each with the cumulative volumes of both windows at its date:
    /// China's with the category sets `cn_sets`, the US window per category.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn history(
        &mut self,
        filter: &HistoryFilter,
        cn_sets: &[CategorySet],
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let path = self.path;
        let mut transfers = Vec::new();
        {
            let mut stmt = self
                .tx
                .prepare_cached(
                    "SELECT t.seq, t.id, t.exporter, t.counterparty, t.date, t.origin,
                            t.destination, o.transfer IS NOT NULL, o.log_index
                     FROM transfer t LEFT JOIN log_outbox o ON o.transfer = t.seq
                     WHERE (?1 IS NULL OR t.exporter = ?1) AND (?2 IS NULL OR t.counterparty = ?2)
                     ORDER BY t.date, t.seq",
                )
                .map_err(db_error(path, "prepare the history query"))?;
            let rows = stmt
                .query_map((&filter.exporter, &filter.counterparty), |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, String>(6)?,
                        match (row.get::<_, bool>(7)?, row.get::<_, Option<i64>>(8)?) {
                            (false, _) => LogState::NotLogged,
                            (true, None) => LogState::Pending,
                            (true, Some(index)) => LogState::Logged(to_u64(index)),
                        },
                    ))
                })
                .map_err(db_error(path, "list transfers"))?;
            for row in rows {
                transfers.push(row.map_err(db_error(path, "list transfers"))?);
            }
        }
        let mut history = Vec::with_capacity(transfers.len());
        for (seq, id, exporter, counterparty, date, origin, destination, log) in transfers {
            let date: Date = date.parse().map_err(|_| StoreError::Corrupt {
                path: path.to_owned(),
                detail: format!("transfer `{id}` has the date `{date}`"),
            })?;
            let volumes = self.entries(seq)?;
            let rule_packs = self.packs(seq)?;
            let cn = self.volumes(&Window::cn(&exporter, date), cn_sets)?;
            let us = self.volumes(&Window::us(&exporter, &counterparty, date), &[])?;
            history.push(HistoryEntry {
                transfer: TransferSummary {
                    id: TransferId(id),
                    exporter,
                    counterparty,
                    date,
                    origin,
                    destination,
                    volumes,
                    rule_packs,
                    log,
                },
                cn,
                us,
            });
        }
        Ok(history)
    }

    fn transfer_seq(&self, id: &TransferId) -> Result<i64, StoreError> {
        self.tx
            .query_row(
                "SELECT seq FROM transfer WHERE id = ?1",
                [id.as_str()],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error(self.path, "look up a transfer"))?
            .ok_or_else(|| StoreError::UnknownTransfer {
                path: self.path.to_owned(),
                id: id.0.clone(),
            })
    }

    /// Where a recorded transfer's log entry stands; `None` when no such transfer is recorded.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn transfer_log_state(&self, id: &TransferId) -> Result<Option<LogState>, StoreError> {
        match self.transfer_seq(id) {
            Ok(seq) => self.log_state(seq).map(Some),
            Err(StoreError::UnknownTransfer { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn log_state(&self, seq: i64) -> Result<LogState, StoreError> {
        let row: Option<Option<i64>> = self
            .tx
            .query_row(
                "SELECT log_index FROM log_outbox WHERE transfer = ?1",
                [seq],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error(self.path, "read a log state"))?;
        Ok(match row {
            None => LogState::NotLogged,
            Some(None) => LogState::Pending,
            Some(Some(index)) => LogState::Logged(to_u64(index)),
        })
    }

    fn log_error(&self, id: &TransferId, reason: &'static str) -> StoreError {
        StoreError::LogState {
            path: self.path.to_owned(),
            id: id.0.clone(),
            reason,
        }
    }

    /// Queues the transparency-log entry announcing a recorded transfer (step 1 of the outbox in
    /// the crate docs), normally in the transaction that records it.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if an entry is already queued or
    /// logged for it, SQLite failures.
    pub fn queue_log_entry(
        &mut self,
        transfer: &TransferId,
        entry: &[u8],
    ) -> Result<(), StoreError> {
        let seq = self.transfer_seq(transfer)?;
        if self.log_state(seq)? != LogState::NotLogged {
            return Err(self.log_error(transfer, "already has a log entry"));
        }
        self.tx
            .execute(
                "INSERT INTO log_outbox (transfer, entry, queued_at) VALUES (?1, ?2, ?3)",
                (seq, entry, jiff::Timestamp::now().to_string()),
            )
            .map_err(db_error(self.path, "queue a log entry"))?;
        Ok(())
    }

    /// Log entries queued and not yet marked appended, oldest first.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn pending_log_entries(&mut self) -> Result<Vec<PendingLogEntry>, StoreError> {
        let path = self.path;
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT t.id, o.entry FROM log_outbox o JOIN transfer t ON t.seq = o.transfer
                 WHERE o.log_index IS NULL ORDER BY o.transfer",
            )
            .map_err(db_error(path, "prepare the pending log listing"))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(PendingLogEntry {
                    transfer: TransferId(row.get(0)?),
                    entry: row.get(1)?,
                })
            })
            .map_err(db_error(path, "list pending log entries"))?;
        rows.collect::<Result<_, _>>()
            .map_err(db_error(path, "list pending log entries"))
    }

    /// Marks a queued entry as appended at `index` in the log (step 3 of the outbox).
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if no entry is pending for it,
    /// SQLite failures.
    pub fn mark_logged(&mut self, transfer: &TransferId, index: u64) -> Result<(), StoreError> {
        let seq = self.transfer_seq(transfer)?;
        if self.log_state(seq)? != LogState::Pending {
            return Err(self.log_error(transfer, "has no pending log entry"));
        }
        self.tx
            .execute(
                "UPDATE log_outbox SET log_index = ?2, appended_at = ?3 WHERE transfer = ?1",
                (seq, to_i64(index), jiff::Timestamp::now().to_string()),
            )
            .map_err(db_error(self.path, "mark a log entry appended"))?;
        Ok(())
    }

    /// Deletes a transfer whose log entry is still pending, with its volumes, hashes, rule packs
    /// and entry: for an append that can no longer happen. Logged transfers are never deleted.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if its entry is not pending,
    /// SQLite failures.
    pub fn abandon_unlogged(&mut self, transfer: &TransferId) -> Result<(), StoreError> {
        let seq = self.transfer_seq(transfer)?;
        if self.log_state(seq)? != LogState::Pending {
            return Err(self.log_error(transfer, "has no pending log entry to abandon"));
        }
        // The counts change: answers read in this transaction from now on are not cacheable,
        // and the index is read afresh once it commits.
        self.recorded = true;
        self.deleted = true;
        for sql in [
            "DELETE FROM subject_hashes WHERE entry IN (SELECT seq FROM volume_entry WHERE transfer = ?1)",
            "DELETE FROM entry_members WHERE entry IN (SELECT seq FROM volume_entry WHERE transfer = ?1)",
            "DELETE FROM transfer_hashes WHERE transfer = ?1",
            "DELETE FROM volume_entry WHERE transfer = ?1",
            "DELETE FROM rule_pack WHERE transfer = ?1",
            "DELETE FROM log_outbox WHERE transfer = ?1",
            "DELETE FROM transfer WHERE seq = ?1",
        ] {
            self.tx
                .execute(sql, [seq])
                .map_err(db_error(self.path, "abandon an unlogged transfer"))?;
        }
        Ok(())
    }

    /// Notes where the package of a transfer whose log entry is queued is staged: the
    /// directory holding its encrypted payload and manifest body, until the package is in place.
    /// Called in the transaction that records the transfer, so that no crash can leave a
    /// recorded transfer whose package nobody looks for.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if no entry is queued for it or
    /// a package was already staged, SQLite failures.
    pub fn stage_package(
        &mut self,
        transfer: &TransferId,
        staging: &str,
    ) -> Result<(), StoreError> {
        let seq = self.transfer_seq(transfer)?;
        let changed = self
            .tx
            .execute(
                "UPDATE log_outbox SET staging = ?2, delivery = 'staged', delivery_at = ?3
                 WHERE transfer = ?1 AND delivery IS NULL",
                (seq, staging, jiff::Timestamp::now().to_string()),
            )
            .map_err(db_error(self.path, "note a staged package"))?;
        if changed == 0 {
            return Err(self.log_error(transfer, "has no queued log entry to stage a package for"));
        }
        Ok(())
    }

    /// Transfers whose package is staged and not yet in place, oldest first.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn staged_packages(&mut self) -> Result<Vec<StagedPackage>, StoreError> {
        let path = self.path;
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT t.id, o.staging, o.log_index, o.entry FROM log_outbox o
                 JOIN transfer t ON t.seq = o.transfer
                 WHERE o.delivery = 'staged' ORDER BY o.transfer",
            )
            .map_err(db_error(path, "prepare the staged package listing"))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(StagedPackage {
                    transfer: TransferId(row.get(0)?),
                    staging: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    log_index: row.get::<_, Option<i64>>(2)?.map(to_u64),
                    entry: row.get(3)?,
                })
            })
            .map_err(db_error(path, "list staged packages"))?;
        rows.collect::<Result<_, _>>()
            .map_err(db_error(path, "list staged packages"))
    }

    /// Notes that the staged package of a logged transfer is in place.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if its entry is not logged or
    /// no package of it is staged, SQLite failures.
    pub fn mark_delivered(&mut self, transfer: &TransferId) -> Result<(), StoreError> {
        self.set_delivery(transfer, "delivered")
    }

    /// Notes that the staged package of a logged transfer is lost for good (an operator's
    /// decision): the transfer stays recorded and logged, and recovery stops looking for it.
    ///
    /// # Errors
    ///
    /// As [`Tx::mark_delivered`].
    pub fn mark_package_lost(&mut self, transfer: &TransferId) -> Result<(), StoreError> {
        self.set_delivery(transfer, "lost")
    }

    fn set_delivery(&mut self, transfer: &TransferId, state: &str) -> Result<(), StoreError> {
        let seq = self.transfer_seq(transfer)?;
        if !matches!(self.log_state(seq)?, LogState::Logged(_)) {
            return Err(self.log_error(transfer, "is not logged"));
        }
        let changed = self
            .tx
            .execute(
                "UPDATE log_outbox SET delivery = ?2, delivery_at = ?3
                 WHERE transfer = ?1 AND delivery = 'staged'",
                (seq, state, jiff::Timestamp::now().to_string()),
            )
            .map_err(db_error(self.path, "note a package's delivery"))?;
        if changed == 0 {
            return Err(self.log_error(transfer, "has no staged package"));
        }
        Ok(())
    }

    fn entries(&self, transfer: i64) -> Result<Vec<EntrySummary>, StoreError> {
        let path = self.path;
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT category, unit, state, collected_in, count, hash_count FROM volume_entry
                 WHERE transfer = ?1 ORDER BY category, state, collected_in",
            )
            .map_err(db_error(path, "prepare the volume listing"))?;
        let rows = stmt
            .query_map([transfer], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, i64>(5)?,
                ))
            })
            .map_err(db_error(path, "list volumes"))?;
        let mut entries = Vec::new();
        for row in rows {
            let (category, unit, state, collected_in, count, hashed) =
                row.map_err(db_error(path, "list volumes"))?;
            entries.push(EntrySummary {
                category,
                // The schema's CHECK constraints admit only the names `parse` knows.
                unit: Unit::parse(&unit).unwrap_or(Unit::Individuals),
                state: Form::parse(&state).unwrap_or(Form::Raw),
                collected_in: CollectedIn::parse(&collected_in),
                count: to_u64(count),
                hashed: to_u64(hashed),
            });
        }
        Ok(entries)
    }

    fn packs(&self, transfer: i64) -> Result<Vec<RulePackRef>, StoreError> {
        let path = self.path;
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT name, version, hash FROM rule_pack WHERE transfer = ?1 ORDER BY name",
            )
            .map_err(db_error(path, "prepare the rule-pack listing"))?;
        let rows = stmt
            .query_map([transfer], |row| {
                Ok(RulePackRef {
                    name: row.get(0)?,
                    version: row.get(1)?,
                    hash: row.get(2)?,
                })
            })
            .map_err(db_error(path, "list rule packs"))?;
        rows.collect::<Result<_, _>>()
            .map_err(db_error(path, "list rule packs"))
    }
}
