//! Errors of joint statistics. None carries a cell value: data problems name the file, the column
//! and the reason.

use miette::Diagnostic;

/// A result of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error of joint statistics.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// A study definition that cannot be used.
    #[error("study `{path}`: {reason}")]
    #[diagnostic(code(freeport::stats::study))]
    Study {
        /// The study file.
        path: String,
        /// What is wrong, naming the field.
        reason: String,
    },
    /// A file that cannot be read or written.
    #[error("`{path}`: {source}")]
    #[diagnostic(code(freeport::stats::io))]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A dataset that cannot be used for the study (no cell values).
    #[error("input `{input}`: {reason}")]
    #[diagnostic(code(freeport::stats::input))]
    Input {
        /// The dataset.
        input: String,
        /// Why, naming the column.
        reason: String,
    },
    /// A reader error.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Read(#[from] freeport_read::ReadError),
    /// An aggregator or collector home that is missing, incomplete or not this party's.
    #[error("home `{home}`: {reason}")]
    #[diagnostic(
        code(freeport::stats::home),
        help(
            "create it with `freeport stats aggregator init` (or `freeport stats collector init`)"
        )
    )]
    Home {
        /// The home directory.
        home: String,
        /// What is wrong.
        reason: String,
    },
    /// The aggregator's state database failed.
    #[error("state database: {0}")]
    #[diagnostic(code(freeport::stats::db))]
    Db(#[from] rusqlite::Error),
    /// A key, signature or ciphertext that does not check.
    #[error("{what}: {reason}")]
    #[diagnostic(code(freeport::stats::crypto))]
    Crypto {
        /// What was being checked.
        what: String,
        /// Why it failed.
        reason: String,
    },
    /// A Prio3 operation failed where it must not (a bug or a misconfigured instance).
    #[error("prio: {0}")]
    #[diagnostic(code(freeport::stats::vdaf))]
    Vdaf(String),
    /// A request the aggregator refuses, with the reason (below the floor, over budget,
    /// overlapping a released batch, unknown study or query).
    #[error("refused: {reason}")]
    #[diagnostic(code(freeport::stats::refused))]
    Refused {
        /// Why.
        reason: String,
    },
    /// A malformed or inconsistent message from another party.
    #[error("protocol: {0}")]
    #[diagnostic(code(freeport::stats::protocol))]
    Protocol(String),
}

impl Error {
    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    pub(crate) fn crypto(what: impl Into<String>, reason: impl ToString) -> Self {
        Self::Crypto {
            what: what.into(),
            reason: reason.to_string(),
        }
    }

    pub(crate) fn refused(reason: impl Into<String>) -> Self {
        Self::Refused {
            reason: reason.into(),
        }
    }
}

impl From<prio::vdaf::VdafError> for Error {
    fn from(e: prio::vdaf::VdafError) -> Self {
        Self::Vdaf(e.to_string())
    }
}

impl From<prio::codec::CodecError> for Error {
    fn from(e: prio::codec::CodecError) -> Self {
        Self::Protocol(format!("cannot encode or decode a Prio3 message: {e}"))
    }
}
