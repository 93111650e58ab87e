//! Errors of DP releases: a bad `release.toml` (with a span into it), an unreadable input, the
//! store, a budget that refuses, and output that cannot be written.

use std::path::PathBuf;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// Why a release or a budget query could not run.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// The release configuration is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),
    /// The input could not be read.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Read(#[from] freeport_read::ReadError),
    /// The store failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] freeport_store::StoreError),
    /// The input does not name exactly one dataset.
    #[error("`{input}` {reason}")]
    #[diagnostic(
        code(freeport::dp::input),
        help(
            "a release reads one dataset: one CSV/TSV, JSON Lines or Parquet file, or a workbook with one worksheet"
        )
    )]
    Input {
        /// The input as given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The dataset has no budget and none was given.
    #[error("dataset `{dataset}` (`{input}`) has no privacy budget; nothing was released")]
    #[diagnostic(
        code(freeport::dp::no_budget),
        help(
            "set its total the first time with `--budget-epsilon E` (and `--budget-delta D` for queries with a delta)"
        )
    )]
    NoBudget {
        /// The dataset id (content hash).
        dataset: String,
        /// The input as given.
        input: String,
    },
    /// `--budget-epsilon`/`--budget-delta` differ from the dataset's configured budget.
    #[error(
        "dataset `{dataset}` already has a budget of epsilon {epsilon_total} and delta {delta_total}, not epsilon {epsilon_asked} and delta {delta_asked}; nothing was released"
    )]
    #[diagnostic(
        code(freeport::dp::budget_conflict),
        help(
            "a budget is set once; to change it deliberately run `freeport deid budget INPUT --set-epsilon E --set-delta D`, or drop `--budget-epsilon`/`--budget-delta`"
        )
    )]
    BudgetConflict {
        /// The dataset id.
        dataset: String,
        /// Configured total epsilon.
        epsilon_total: f64,
        /// Configured total delta.
        delta_total: f64,
        /// Epsilon given on the command line.
        epsilon_asked: f64,
        /// Delta given on the command line.
        delta_asked: f64,
    },
    /// The release would exceed the dataset's budget.
    #[error(transparent)]
    #[diagnostic(transparent)]
    BudgetExceeded(Box<BudgetExceeded>),
    /// A declared dataset id given on the command line is not one.
    #[error("the declared dataset id {problem}")]
    #[diagnostic(
        code(freeport::dp::dataset),
        help("name the dataset as your organisation knows it, e.g. \"hospital-a/admissions\"")
    )]
    DeclaredDataset {
        /// What is wrong with it.
        problem: &'static str,
    },
    /// OpenDP refused to build or run a measurement.
    #[error("query `{query}`: the DP library refused: {message}; nothing was released")]
    #[diagnostic(code(freeport::dp::mechanism))]
    Mechanism {
        /// The query name.
        query: String,
        /// OpenDP's message.
        message: String,
    },
    /// The release could not be written (before the budget was committed: nothing was spent).
    #[error("cannot write the release to `{}`; nothing was spent", path.display())]
    #[diagnostic(code(freeport::dp::write))]
    Write {
        /// The output file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The budget was spent and the release written, but it could not be moved into place.
    #[error(
        "the budget is spent and the release is written to `{}`, but it cannot be renamed to `{}`",
        kept.display(), path.display()
    )]
    #[diagnostic(
        code(freeport::dp::rename),
        help("move the kept file yourself; releasing again would spend the budget a second time")
    )]
    Rename {
        /// The output file asked for.
        path: PathBuf,
        /// Where the release is.
        kept: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// JSON could not be produced (a bug).
    #[error("cannot serialise the release (this is a bug)")]
    #[diagnostic(code(freeport::dp::json))]
    Json(#[from] serde_json::Error),
}

/// An error in `release.toml`, pointing into the file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{}: {message}", path.display())]
#[diagnostic(code(freeport::dp::config))]
pub struct ConfigError {
    /// The configuration file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
    /// The file's text.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where.
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    /// The label at the span.
    pub label: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

/// Details of [`Error::BudgetExceeded`].
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error(
    "dataset `{dataset}`: query `{query}` needs epsilon {epsilon} and delta {delta}, but only epsilon {epsilon_left} and delta {delta_left} are left after the queries before it; nothing was spent and no noise was drawn"
)]
#[diagnostic(
    code(freeport::dp::budget_exceeded),
    help(
        "before this release the dataset had epsilon {epsilon_before} and delta {delta_before} left; release fewer queries or with smaller epsilon or delta"
    )
)]
pub struct BudgetExceeded {
    /// The dataset id.
    pub dataset: String,
    /// The query that does not fit.
    pub query: String,
    /// Its epsilon.
    pub epsilon: f64,
    /// Its delta.
    pub delta: f64,
    /// Epsilon left once the earlier queries of this release are counted.
    pub epsilon_left: f64,
    /// Delta left once the earlier queries of this release are counted.
    pub delta_left: f64,
    /// Epsilon left before this release.
    pub epsilon_before: f64,
    /// Delta left before this release.
    pub delta_before: f64,
}

impl From<Box<ConfigError>> for Error {
    fn from(error: Box<ConfigError>) -> Self {
        Self::Config(error)
    }
}

impl From<BudgetExceeded> for Error {
    fn from(error: BudgetExceeded) -> Self {
        Self::BudgetExceeded(Box::new(error))
    }
}
