//! Errors of an assessment: which stage stopped, and why, with the engines' own diagnostics
//! (spans into the transfer file, the de-identification configuration, …) kept underneath.

use std::fmt;

/// The stages of an assessment, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Reading the transfer file and the rule packs.
    Transfer,
    /// Opening the store and the log, and finishing what a crash left.
    Home,
    /// Scanning the datasets.
    Scan,
    /// Judging under both rule packs.
    Judge,
    /// De-identifying.
    Deidentify,
    /// Encrypting and signing the package.
    Seal,
    /// Recording in the store.
    Record,
    /// Appending to the transparency log.
    Log,
    /// Writing the output directory.
    Output,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Transfer => "transfer file",
            Self::Home => "store and log",
            Self::Scan => "scan",
            Self::Judge => "judge",
            Self::Deidentify => "de-identification",
            Self::Seal => "seal",
            Self::Record => "record",
            Self::Log => "log",
            Self::Output => "output",
        })
    }
}

/// Why a stage stopped.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum Cause {
    /// The transfer file is not valid transfer facts.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Facts(Box<freeport_policy::FactsError>),
    /// A rule pack failed to load.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pack(Box<freeport_policy::PackError>),
    /// The judge failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Judge(Box<freeport_policy::JudgeError>),
    /// The vocabulary failed to load.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Vocabulary(#[from] freeport_vocabulary::VocabularyError),
    /// The port's home disagrees with itself (a store gone beside its log, ...).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Home(#[from] crate::layout::HomeError),
    /// The store failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] freeport_store::StoreError),
    /// The log failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Log(#[from] freeport_tlog::Error),
    /// De-identification failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Deid(#[from] freeport_deid::Error),
    /// Sealing failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Seal(#[from] freeport_seal::Error),
    /// A dataset could not be scanned.
    #[error("`{path}`: {reason}")]
    #[diagnostic(code(freeport::assess::scan))]
    Dataset {
        /// The dataset.
        path: String,
        /// Why.
        reason: String,
        /// What to do about it (the reader's advice, e.g. `--no-header` for a header row that is
        /// data).
        #[help]
        help: Option<String>,
    },
    /// The request asks for something impossible.
    #[error("{message}")]
    #[diagnostic(code(freeport::assess::input))]
    Input {
        /// What is wrong.
        message: String,
        /// What to do.
        #[help]
        help: Option<String>,
    },
    /// A check failed that no input can cause: a bug.
    #[error("internal error: {0}")]
    #[diagnostic(
        code(freeport::internal),
        help("please report this with the command that caused it")
    )]
    Internal(String),
    /// The transfer was recorded and logged, but what follows (the cosigned checkpoint and
    /// receipt, signing the package, putting the outputs in place) failed: what was staged is
    /// kept, and the next assessment finishes the package from it.
    #[error(
        "transfer `{transfer_id}` was recorded and logged (entry {log_index}), but what follows failed; what was staged is kept in `{kept}`"
    )]
    #[diagnostic(
        code(freeport::assess::recorded),
        help(
            "fix the cause below; the next `freeport assess` (this one again, or any other) finishes the package from that directory and records nothing twice; report files already written there can be moved into the output directory"
        )
    )]
    Recorded {
        /// The recorded transfer.
        transfer_id: String,
        /// Its entry in the log.
        log_index: u64,
        /// The staging directory left in place.
        kept: String,
        /// What failed.
        #[source]
        cause: Box<Cause>,
    },
    /// The transfer was recorded but its log append failed, and whether the entry reached the
    /// log is unknown (the store could not be told).
    #[error(
        "transfer `{transfer_id}` was recorded, and its log entry may have been appended before the log failed"
    )]
    #[diagnostic(
        code(freeport::assess::unsettled),
        help(
            "fix the cause below and run `freeport assess` again: it first finds the entry in the log (and finishes the package) or removes the transfer, so nothing is recorded twice"
        )
    )]
    Unsettled {
        /// The recorded transfer.
        transfer_id: String,
        /// What failed.
        #[source]
        cause: Box<Cause>,
    },
    /// A filesystem of the home or the output directory has too little space to record a
    /// transfer: checked before anything is recorded or appended.
    #[error(
        "`{}` has {free} bytes free, less than the {needed} a transfer needs to be recorded and logged; nothing was recorded",
        path.display()
    )]
    #[diagnostic(
        code(freeport::assess::disk_full),
        help(
            "free space there and run again (the least free space is FREEPORT_MIN_FREE_BYTES, default 32 MiB)"
        )
    )]
    LowSpace {
        /// The directory whose filesystem is short.
        path: std::path::PathBuf,
        /// Bytes free.
        free: u64,
        /// Bytes needed.
        needed: u64,
    },
    /// A file could not be read or written.
    #[error("cannot {action} `{path}`")]
    #[diagnostic(code(freeport::assess::io))]
    Io {
        /// What was attempted.
        action: &'static str,
        /// The file.
        path: String,
        /// The system's reason.
        #[source]
        source: std::io::Error,
    },
}

/// An assessment that stopped, and the stage it stopped at. Nothing was recorded, logged or
/// sealed half-way (see the crate docs for the order that guarantees it).
#[derive(Debug, thiserror::Error)]
#[error("assessment stopped at the {stage} stage")]
pub struct AssessError {
    /// Where it stopped.
    pub stage: Stage,
    /// Why.
    #[source]
    pub cause: Box<Cause>,
}

impl miette::Diagnostic for AssessError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("freeport::assess"))
    }

    fn diagnostic_source(&self) -> Option<&dyn miette::Diagnostic> {
        Some(&*self.cause)
    }
}

/// Beginning or committing a store transaction failed: the record stage's store work.
impl From<freeport_store::StoreError> for AssessError {
    fn from(e: freeport_store::StoreError) -> Self {
        Self::at(Stage::Record, e)
    }
}

impl AssessError {
    /// An error of `stage`.
    pub fn at(stage: Stage, cause: impl Into<Cause>) -> Self {
        Self {
            stage,
            cause: Box::new(cause.into()),
        }
    }

    /// A bad request at `stage`.
    pub fn input(stage: Stage, message: impl Into<String>, help: Option<String>) -> Self {
        Self::at(
            stage,
            Cause::Input {
                message: message.into(),
                help,
            },
        )
    }

    /// A file error at `stage`.
    pub fn io(
        stage: Stage,
        action: &'static str,
        path: &std::path::Path,
        source: std::io::Error,
    ) -> Self {
        Self::at(
            stage,
            Cause::Io {
                action,
                path: path.display().to_string(),
                source,
            },
        )
    }
}

/// A shorthand for mapping engine errors into a stage.
pub(crate) trait AtStage<T> {
    /// Tags the error with `stage`.
    fn at(self, stage: Stage) -> Result<T, AssessError>;
}

impl<T, E: Into<Cause>> AtStage<T> for Result<T, E> {
    fn at(self, stage: Stage) -> Result<T, AssessError> {
        self.map_err(|e| AssessError::at(stage, e))
    }
}

impl From<Box<freeport_policy::FactsError>> for Cause {
    fn from(e: Box<freeport_policy::FactsError>) -> Self {
        Self::Facts(e)
    }
}

impl From<freeport_policy::PackError> for Cause {
    fn from(e: freeport_policy::PackError) -> Self {
        Self::Pack(Box::new(e))
    }
}

impl From<freeport_policy::JudgeError> for Cause {
    fn from(e: freeport_policy::JudgeError) -> Self {
        Self::Judge(Box::new(e))
    }
}
