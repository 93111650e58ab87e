//! The store over its backend seam: opening ([`open`]), transactions and the in-process window
//! cache (here), and every operation written once against [`db::Txn`](crate::db::Txn), by
//! concern: recording and listing transfers ([`transfers`]), counting windows ([`windows`]),
//! subject-hash salts ([`salts`]), privacy budgets ([`budgets`]), the log outbox ([`outbox`]),
//! staged packages ([`packages`]), kept reports ([`reports`]); the port's docket is [`crate::docket`].
//!
//! Every public operation runs inside a [`Tx`]; the one-shot methods on [`Store`] wrap one
//! operation in its own transaction. No rusqlite or postgres type crosses the public API.

mod budgets;
mod open;
mod outbox;
mod packages;
mod reports;
mod salts;
mod transfers;
mod windows;

pub use open::Pages;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::db::{Conn, DbError, Mode, Txn};
use crate::index::{self, ExporterIndex};
use crate::model::{
    Budget, CategorySet, HistoryEntry, HistoryFilter, PendingLogEntry, ReportLookup, StagedPackage,
    TransferId, TransferRecord, Unit, Volumes, Window,
};
use crate::{StoreError, SubjectSalt};

pub(crate) fn db_error(path: &Path, action: &'static str) -> impl FnOnce(DbError) -> StoreError {
    move |source| StoreError::Database {
        path: path.to_owned(),
        action,
        source: Box::new(source),
    }
}

/// The store of Free Data Port: one SQLite database file or one PostgreSQL database.
#[derive(Debug)]
pub struct Store {
    conn: Conn,
    /// The file, or the PostgreSQL connection string without its password.
    path: PathBuf,
    cache: VolumeCache,
}

/// Most hashes one blob of `subject_hashes` holds (1 MiB): an entry of any size stays within
/// either backend's limits on one value, and recording needs one chunk of memory at a time.
const CHUNK: usize = 1 << 16;

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
/// transfers the same way. The cache is emptied when the data version (`data_version`) says another
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
    /// The highest log index the store records a transfer's entry at, if any: the log must be
    /// at least one entry longer, or store and log disagree.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn log_high_water(&mut self) -> Result<Option<u64>, StoreError> {
        let max: Option<i64> = self
            .conn
            .query_one("SELECT MAX(log_index) FROM log_outbox", &[])
            .and_then(|row| row.opt_int(0))
            .map_err(db_error(&self.path, "read the highest logged entry"))?;
        Ok(max.and_then(|m| u64::try_from(m).ok()))
    }

    /// The database file, or the PostgreSQL connection string without its password.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the store is a PostgreSQL database.
    #[must_use]
    pub fn is_postgres(&self) -> bool {
        matches!(self.conn, Conn::Postgres(_))
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
    pub fn schema_version(&mut self) -> Result<i64, StoreError> {
        self.conn
            .query_one("SELECT COALESCE(MAX(version), 0) FROM freeport_schema", &[])
            .and_then(|row| row.int(0))
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
        self.run(Mode::Write, work)
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
        self.run_then(Mode::Write, false, work)
    }

    fn run<T, E>(
        &mut self,
        mode: Mode,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.run_then(mode, true, work)
    }

    fn run_then<T, E>(
        &mut self,
        mode: Mode,
        commit: bool,
        work: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let path = &self.path;
        let tx = self
            .conn
            .begin(mode)
            .map_err(db_error(path, "begin a transaction"))?;
        // Read before anything else, so a commit racing this read only empties the cache.
        let data_version = data_version(&tx).map_err(db_error(path, "read the data version"))?;
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
            recorded_seqs: Vec::new(),
            units: BTreeMap::new(),
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
        if handle.recorded && handle.tx.is_postgres() {
            // Other connections see that their kept answers are stale; this one knows what
            // changed (below) and keeps the new version as its own.
            let version = handle
                .tx
                .query_one(
                    "UPDATE freeport_data_version SET version = version + 1 RETURNING version",
                    &[],
                )
                .and_then(|row| row.int(0))
                .map_err(db_error(path, "count a change of the data"))?;
            handle.cache.data_version = Some(version);
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
        self.run(Mode::Read, work)
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
        self.run(Mode::Read, work)
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

    /// The kept report of a transfer. See [`Tx::transfer_report`].
    ///
    /// # Errors
    ///
    /// As [`Tx::transfer_report`].
    pub fn transfer_report(&mut self, transfer: &TransferId) -> Result<ReportLookup, StoreError> {
        self.read(|tx| tx.transfer_report(transfer))
    }
}

/// The number that changes when another connection commits a change of the windows: SQLite's
/// `PRAGMA data_version` (which changes on any other connection's commit); PostgreSQL's
/// `freeport_data_version` row, which every transaction that records or deletes a transfer
/// increments under the write lock (`Store::run_then`).
fn data_version(tx: &Txn<'_>) -> Result<i64, DbError> {
    let sql = if tx.is_postgres() {
        "SELECT version FROM freeport_data_version"
    } else {
        "PRAGMA data_version"
    };
    tx.query_one(sql, &[])?.int(0)
}

/// An open transaction of a [`Store`]; see [`Store::transaction`].
#[derive(Debug)]
pub struct Tx<'s> {
    pub(crate) tx: Txn<'s>,
    pub(crate) path: &'s Path,
    cache: &'s mut VolumeCache,
    /// Whether this transaction recorded a transfer (its window answers are not cacheable).
    recorded: bool,
    /// The transfers this transaction recorded, by exporter: read together with the exporters'
    /// index while the transaction lasts, inserted into it once the transaction commits.
    recorded_transfers: Vec<(String, index::Transfer)>,
    /// The ids and keys (`seq`) of the transfers this transaction recorded, in order: queuing
    /// their log entries needs no lookup.
    recorded_seqs: Vec<(TransferId, i64)>,
    /// The unit of each category (and place of collection) this transaction read or wrote:
    /// a category's unit never changes once recorded, so each is read once per transaction.
    units: BTreeMap<(String, &'static str), Unit>,
    /// Whether this transaction deleted a transfer: the index is then read afresh after it.
    deleted: bool,
}

fn to_i64(value: u64) -> i64 {
    // Counts are checked against `i64::MAX` before they are written.
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn to_u64(value: i64) -> u64 {
    // Every stored count has a `CHECK (... >= 0)`.
    value.unsigned_abs()
}

impl Tx<'_> {
    /// The database file, or the PostgreSQL connection string without its password.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.path
    }

    /// Runs `work` inside a savepoint of this transaction: if it fails, everything it wrote is
    /// undone and the transaction goes on as before it (where one refused write must not take
    /// the transaction's other work with it; over PostgreSQL it costs two round trips).
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
            .batch("SAVEPOINT freeport_work")
            .map_err(db_error(path, "set a savepoint"))?;
        let recorded = self.recorded_transfers.len();
        let recorded_seqs = self.recorded_seqs.len();
        match work(self) {
            Ok(value) => {
                self.tx
                    .batch("RELEASE freeport_work")
                    .map_err(db_error(path, "release a savepoint"))?;
                Ok(value)
            }
            Err(e) => {
                self.recorded_transfers.truncate(recorded);
                self.recorded_seqs.truncate(recorded_seqs);
                // A unit first written inside the savepoint is undone with it.
                self.units.clear();
                self.tx
                    .batch("ROLLBACK TO freeport_work; RELEASE freeport_work")
                    .map_err(db_error(path, "roll back to a savepoint"))?;
                Err(e)
            }
        }
    }

    /// The store holds something its schema and writers never produce.
    pub(crate) fn corrupt(&self, detail: String) -> StoreError {
        StoreError::Corrupt {
            path: self.path.to_owned(),
            detail,
        }
    }
}
