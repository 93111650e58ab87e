//! Errors of the store: each names the database file it concerns.

use std::path::PathBuf;

use miette::Diagnostic;

/// An error of the store.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum StoreError {
    /// No data directory could be found for the default store.
    #[error("cannot find a data directory for the store")]
    #[diagnostic(
        code(freeport::store::no_data_dir),
        help("set `FREEPORT_HOME` to a directory, or pass `--store PATH`")
    )]
    NoDataDir,
    /// The directory of the database could not be created.
    #[error("cannot create the store directory `{}`", path.display())]
    #[diagnostic(code(freeport::store::create_dir))]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database (SQLite or PostgreSQL) failed.
    #[error("store `{}`: cannot {action}", path.display())]
    #[diagnostic(code(freeport::store::database))]
    Database {
        /// The database file, or the PostgreSQL connection string without its password.
        path: PathBuf,
        /// What the store was doing.
        action: &'static str,
        /// What the database said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A PostgreSQL database named as a store that has no store schema: never taken as a new
    /// store by a command that needs one.
    #[error("PostgreSQL database `{}` holds no Free Data Port store", path.display())]
    #[diagnostic(
        code(freeport::store::no_schema),
        help(
            "`freeport init --database URL` creates a port's store in an empty database; nothing was created"
        )
    )]
    NoSchema {
        /// The connection string, without its password.
        path: PathBuf,
    },
    /// The database holds a value this program never writes.
    #[error("store `{}` is damaged: {detail}", path.display())]
    #[diagnostic(code(freeport::store::corrupt))]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// No store where one must already exist (a command that never creates one).
    #[error("no store at `{}`", path.display())]
    #[diagnostic(
        code(freeport::store::missing),
        help("`freeport init` creates a port home with its store; nothing was created")
    )]
    Missing {
        /// The database file.
        path: PathBuf,
    },
    /// The store file exists but holds nothing: truncated or emptied, never a fresh store.
    #[error("store `{}` is empty (0 bytes)", path.display())]
    #[diagnostic(
        code(freeport::store::empty),
        help("restore the store from a backup; an empty file is never taken as a new store")
    )]
    Empty {
        /// The database file.
        path: PathBuf,
    },
    /// The file is not a Free Data Port store: not SQLite, or a SQLite database of another
    /// program. It is never migrated.
    #[error("`{}` is not a Free Data Port store: {reason}", path.display())]
    #[diagnostic(
        code(freeport::store::not_ours),
        help(
            "point `--store` or `FREEPORT_HOME` at a Free Data Port home; the file was not changed"
        )
    )]
    NotOurs {
        /// The file.
        path: PathBuf,
        /// What it holds instead.
        reason: String,
    },
    /// `create` found a store already there.
    #[error("a store already exists at `{}`", path.display())]
    #[diagnostic(
        code(freeport::store::exists),
        help("open it instead; a store is never replaced")
    )]
    AlreadyExists {
        /// The database file.
        path: PathBuf,
    },
    /// A reading command found a store of an older schema; it does not migrate.
    #[error(
        "store `{}` has schema version {found}; this freeport reads version {latest}",
        path.display()
    )]
    #[diagnostic(
        code(freeport::store::needs_migration),
        help(
            "run a recording command (`freeport assess`, `freeport judge --record`) once to migrate it; reading commands never change the store"
        )
    )]
    NeedsMigration {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// This program's.
        latest: i64,
    },
    /// The database was written by a newer `freeport`.
    #[error(
        "store `{}` has schema version {found}, newer than the {known} this freeport knows",
        path.display()
    )]
    #[diagnostic(
        code(freeport::store::schema_too_new),
        help("upgrade freeport, or point `--store` at another database")
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// Newest schema version recorded in the database.
        found: i64,
        /// Newest schema version built into this program.
        known: i64,
    },
    /// A migration recorded as applied differs from the one built into this program.
    #[error(
        "store `{}`: applied migration {version} `{name}` differs from the one this freeport has",
        path.display()
    )]
    #[diagnostic(
        code(freeport::store::migration_changed),
        help("migrations are append-only; restore the original file or use a fresh store")
    )]
    MigrationChanged {
        /// The database file.
        path: PathBuf,
        /// Migration version.
        version: i64,
        /// Migration name.
        name: String,
    },
    /// A transfer with this id is already recorded.
    #[error("store `{}`: transfer `{id}` is already recorded", path.display())]
    #[diagnostic(
        code(freeport::store::duplicate_transfer),
        help("each transfer is recorded once; give a new transfer a new id")
    )]
    DuplicateTransfer {
        /// The database file.
        path: PathBuf,
        /// The transfer id.
        id: String,
    },
    /// A docket record (organisation, account, filing) with this id already exists.
    #[error("store `{}`: {what} `{id}` already exists", path.display())]
    #[diagnostic(
        code(freeport::store::duplicate),
        help("ids are unique within a port; choose another")
    )]
    Duplicate {
        /// The database file.
        path: PathBuf,
        /// What kind of record.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// A transfer record is not valid.
    #[error("store `{}`: transfer `{}`: `{}` {}", .0.path.display(), .0.id, .0.field, .0.reason)]
    #[diagnostic(code(freeport::store::invalid_transfer))]
    InvalidTransfer(Box<InvalidTransfer>),
    /// A transfer this operation needs is not recorded.
    #[error("store `{}`: transfer `{id}` is not recorded", path.display())]
    #[diagnostic(code(freeport::store::unknown_transfer))]
    UnknownTransfer {
        /// The database file.
        path: PathBuf,
        /// The transfer id.
        id: String,
    },
    /// A log-outbox step does not fit the transfer's log state.
    #[error("store `{}`: transfer `{id}` {reason}", path.display())]
    #[diagnostic(code(freeport::store::log_state))]
    LogState {
        /// The database file.
        path: PathBuf,
        /// The transfer id.
        id: String,
        /// What is wrong, e.g. `already has a log entry queued`.
        reason: &'static str,
    },
    /// The operating system's random generator failed.
    #[error("store `{}`: cannot draw a subject-hash salt from the operating system", path.display())]
    #[diagnostic(code(freeport::store::rng))]
    Rng {
        /// The database file.
        path: PathBuf,
        /// What failed.
        #[source]
        source: getrandom::Error,
    },
    /// No privacy budget is configured for the dataset.
    #[error("store `{}`: no privacy budget is configured for dataset `{dataset}`", path.display())]
    #[diagnostic(
        code(freeport::store::no_budget),
        help("configure the dataset's total epsilon and delta before spending from it")
    )]
    NoBudget {
        /// The database file.
        path: PathBuf,
        /// The dataset id.
        dataset: String,
    },
    /// A budget amount is not a usable number.
    #[error(
        "store `{}`: dataset `{}`: {} `{}` {}",
        .0.path.display(), .0.dataset, .0.field, .0.value, .0.reason
    )]
    #[diagnostic(code(freeport::store::invalid_budget))]
    InvalidBudget(Box<InvalidBudget>),
    /// A spend would exceed the dataset's budget.
    #[error(
        "store `{}`: dataset `{}`: spending epsilon {} and delta {} would exceed its budget (remaining epsilon {}, delta {})",
        .0.path.display(), .0.dataset, .0.epsilon, .0.delta, .0.epsilon_left, .0.delta_left
    )]
    #[diagnostic(
        code(freeport::store::budget_exceeded),
        help("nothing was spent; release less, or with a smaller epsilon or delta")
    )]
    BudgetExceeded(Box<BudgetExceeded>),
}

/// Details of [`StoreError::InvalidTransfer`].
#[derive(Debug)]
pub struct InvalidTransfer {
    /// The database file.
    pub path: PathBuf,
    /// The transfer id.
    pub id: String,
    /// The field at fault, e.g. `volumes[2].count`.
    pub field: String,
    /// Why it is refused.
    pub reason: String,
}

/// Details of [`StoreError::InvalidBudget`].
#[derive(Debug)]
pub struct InvalidBudget {
    /// The database file.
    pub path: PathBuf,
    /// The dataset id.
    pub dataset: String,
    /// `epsilon` or `delta` (or their totals).
    pub field: &'static str,
    /// The value given.
    pub value: f64,
    /// Why it is refused.
    pub reason: &'static str,
}

/// Details of [`StoreError::BudgetExceeded`].
#[derive(Debug)]
pub struct BudgetExceeded {
    /// The database file.
    pub path: PathBuf,
    /// The dataset id.
    pub dataset: String,
    /// Epsilon asked for.
    pub epsilon: f64,
    /// Delta asked for.
    pub delta: f64,
    /// Epsilon still available.
    pub epsilon_left: f64,
    /// Delta still available.
    pub delta_left: f64,
}

/// Subject hashes handed over as sorted ([`SubjectHashes::from_sorted`]) are not in strictly
/// increasing order.
///
/// [`SubjectHashes::from_sorted`]: crate::SubjectHashes::from_sorted
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Diagnostic)]
#[error(
    "subject hashes are not sorted and distinct: the hash at position {index} is not above the one before it"
)]
#[diagnostic(
    code(freeport::store::unsorted_hashes),
    help("sort the hashes and drop repeats, or collect them into `SubjectHashes`, which does")
)]
pub struct UnsortedHashes {
    /// The first position out of order (0-based).
    pub index: usize,
}
