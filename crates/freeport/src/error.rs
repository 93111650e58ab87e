//! Errors of the `freeport` executable: what stops a command, and the exit code it maps to.

use miette::Diagnostic;

use crate::ExitStatus;

/// An error that stops a command.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// The embedded vocabulary failed its checks.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Vocabulary(#[from] freeport_vocabulary::VocabularyError),
    /// A category id that the vocabulary does not have.
    #[error("unknown category `{id}`")]
    #[diagnostic(code(freeport::unknown_category), help("{hint}"))]
    UnknownCategory {
        /// The id asked for.
        id: String,
        /// The nearest ids, or how to list them.
        hint: String,
    },
    /// An input could not be read (e.g. an unknown `--encoding`).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Read(#[from] freeport_read::ReadError),
    /// JSON output could not be produced.
    #[error("cannot write JSON output")]
    Json(#[from] serde_json::Error),
    /// Standard output could not be written.
    #[error("cannot write output")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The exit code this error maps to.
    #[must_use]
    pub const fn exit_status(&self) -> ExitStatus {
        ExitStatus::Error
    }

    /// Whether the error is only a closed pipe on the reading side, which is not a failure.
    #[must_use]
    pub fn is_broken_pipe(&self) -> bool {
        let kind = match self {
            Self::Io(error) => Some(error.kind()),
            Self::Json(error) => error.io_error_kind(),
            _ => None,
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    }
}
