//! Errors of the transparency log: every check that can fail, named precisely.
//!
//! Each variant says which check failed and on what object, so that an operator or auditor can
//! tell a malformed file from a wrong key, another origin, a shrinking tree or a fork.

use miette::Diagnostic;

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error of the transparency log.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// An object (note, checkpoint, tile, proof, receipt, key, entry) does not parse.
    #[error("malformed {what}: {reason}")]
    #[diagnostic(code(tlog::malformed))]
    Malformed {
        /// What was being parsed, e.g. `checkpoint`.
        what: &'static str,
        /// Which rule it breaks.
        reason: String,
    },
    /// A file this crate keeps (a witness's state) that does not parse or holds a bad field.
    #[error("malformed {what} `{path}`: {place}: {reason}")]
    #[diagnostic(
        code(tlog::malformed_file),
        help(
            "the file is written only by freeport; restore it from a backup, or move it away to \
             start over (a witness that starts over forgets what it cosigned)"
        )
    )]
    MalformedFile {
        /// What the file is, e.g. `witness state`.
        what: &'static str,
        /// The file.
        path: String,
        /// Where in it: `line L column C`, or the field.
        place: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// A signature check failed: no signature by a required key, or a signature that does not
    /// verify.
    #[error("signature check failed on {what}: {reason}")]
    #[diagnostic(code(tlog::signature))]
    Signature {
        /// What was being verified.
        what: &'static str,
        /// Which check failed.
        reason: String,
    },
    /// A checkpoint for another log.
    #[error("checkpoint is for origin `{found}`, expected `{expected}`")]
    #[diagnostic(code(tlog::wrong_origin))]
    WrongOrigin {
        /// The origin this verifier is for.
        expected: String,
        /// The origin in the checkpoint.
        found: String,
    },
    /// A tree that is smaller than one seen before.
    #[error("tree shrinks from size {old} to size {new}")]
    #[diagnostic(
        code(tlog::shrinking_tree),
        help("a transparency log only grows; a smaller tree means a rollback or a fork")
    )]
    Shrinking {
        /// The size seen before.
        old: u64,
        /// The new, smaller size.
        new: u64,
    },
    /// An inclusion or consistency proof that does not verify.
    #[error("invalid {kind} proof: {reason}")]
    #[diagnostic(code(tlog::invalid_proof))]
    InvalidProof {
        /// `inclusion` or `consistency`.
        kind: &'static str,
        /// Which step failed.
        reason: String,
    },
    /// Two checkpoints of the same log that cannot both be honest.
    #[error("fork: {0}")]
    #[diagnostic(
        code(tlog::fork),
        help("keep both signed checkpoints: together they prove the log operator misbehaved")
    )]
    Fork(Box<Fork>),
    /// The log directory's files disagree with each other; the log refuses to open.
    #[error("log state mismatch in `{dir}`: {reason}")]
    #[diagnostic(
        code(tlog::state_mismatch),
        help(
            "the log fails closed: it does not repair itself; restore the directory from a backup \
             or investigate which file was changed"
        )
    )]
    StateMismatch {
        /// The log directory.
        dir: String,
        /// Which files disagree, and how.
        reason: String,
    },
    /// `init` on a directory that already holds a log.
    #[error("`{dir}` already holds a log")]
    #[diagnostic(code(tlog::exists), help("a log is created once; open it instead"))]
    AlreadyExists {
        /// The log directory.
        dir: String,
    },
    /// Another process holds the log, or the checkpoint changed under us.
    #[error("log `{dir}` is busy: {reason}")]
    #[diagnostic(
        code(tlog::busy),
        help("only one writer may hold a log; checkpoints advance by compare-and-swap")
    )]
    Busy {
        /// The log directory.
        dir: String,
        /// What was held or changed.
        reason: String,
    },
    /// A key file that is unsafe or does not match.
    #[error("key `{path}`: {reason}")]
    #[diagnostic(code(tlog::key))]
    Key {
        /// The key file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An entry that does not fit its type's schema.
    #[error("invalid `{entry_type}` entry: {reason}")]
    #[diagnostic(code(tlog::entry))]
    Entry {
        /// The entry type, e.g. `decision`.
        entry_type: String,
        /// Which field is missing or wrong.
        reason: String,
    },
    /// A trust policy that does not parse.
    #[error("trust policy line {line}: {reason}")]
    #[diagnostic(code(tlog::policy))]
    Policy {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A request or argument outside what the log holds, e.g. an index beyond the tree.
    #[error("{0}")]
    #[diagnostic(code(tlog::out_of_range))]
    OutOfRange(String),
    /// A file could not be read or written.
    #[error("cannot {action} `{path}`")]
    #[diagnostic(code(tlog::io))]
    Io {
        /// `read`, `write`, `create`, ...
        action: &'static str,
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Evidence of a fork: two signed checkpoints of one origin that are not consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fork {
    /// The log origin.
    pub origin: String,
    /// The checkpoint seen first (signed note text).
    pub first: String,
    /// The checkpoint seen second, which does not extend the first.
    pub second: String,
    /// Which check shows the fork.
    pub reason: String,
}

impl std::fmt::Display for Fork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "log `{}`: {}", self.origin, self.reason)
    }
}

impl Error {
    pub(crate) fn malformed(what: &'static str, reason: impl Into<String>) -> Self {
        Self::Malformed {
            what,
            reason: reason.into(),
        }
    }

    pub(crate) fn signature(what: &'static str, reason: impl Into<String>) -> Self {
        Self::Signature {
            what,
            reason: reason.into(),
        }
    }

    pub(crate) fn proof(kind: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidProof {
            kind,
            reason: reason.into(),
        }
    }

    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }
}
