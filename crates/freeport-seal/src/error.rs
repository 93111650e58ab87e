//! Errors of sealing and opening: a refusal names the check that failed; everything else is
//! input that could not be used (a key file, a trust file, an output path) or an I/O failure.

use std::fmt;
use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error of sealing or opening a package.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// `open` ran a check on the package and it failed: nothing was decrypted to disk.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Refused(Box<Refusal>),
    /// A trust file that does not parse or names bad keys.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Trust(Box<TrustError>),
    /// A key file that is unsafe, malformed or missing.
    #[error("key `{path}`: {reason}")]
    #[diagnostic(code(freeport::seal::key), help("{help}"))]
    Key {
        /// The key file.
        path: String,
        /// What is wrong with it.
        reason: String,
        /// What to do about it.
        help: String,
    },
    /// A sealing request that cannot be sealed as given (a bad file name, no recipient, ...).
    #[error("cannot seal: {reason}")]
    #[diagnostic(code(freeport::seal::request))]
    Request {
        /// What is wrong.
        reason: String,
    },
    /// The output path is taken or unusable.
    #[error("output `{path}`: {reason}")]
    #[diagnostic(
        code(freeport::seal::output),
        help("packages and opened files are written to a new path only; choose another one")
    )]
    Output {
        /// The output path.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The record of opened packages ([`crate::opened`]) could not be used.
    #[error("record of opened packages `{path}`: {reason}")]
    #[diagnostic(code(freeport::seal::opened_record))]
    OpenedRecord {
        /// The record's file or directory.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The caller cancelled the encryption (see [`crate::encrypt`]); nothing was left behind.
    #[error("sealing was cancelled")]
    #[diagnostic(code(freeport::seal::cancelled))]
    Cancelled,
    /// A transparency-log error while building the log entry or checking a receipt's form.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Tlog(#[from] freeport_tlog::Error),
    /// A file could not be read or written.
    #[error("cannot {action} `{path}`")]
    #[diagnostic(code(freeport::seal::io))]
    Io {
        /// `read`, `write`, `create`, `rename`, ...
        action: &'static str,
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn request(reason: impl Into<String>) -> Self {
        Self::Request {
            reason: reason.into(),
        }
    }

    pub(crate) fn key(path: &Path, reason: impl Into<String>, help: impl Into<String>) -> Self {
        Self::Key {
            path: path.display().to_string(),
            reason: reason.into(),
            help: help.into(),
        }
    }

    pub(crate) fn output(path: &Path, reason: impl Into<String>) -> Self {
        Self::Output {
            path: path.display().to_string(),
            reason: reason.into(),
        }
    }

    /// The check that refused the package, if this is a refusal.
    #[must_use]
    pub fn refused_check(&self) -> Option<Check> {
        match self {
            Self::Refused(refusal) => Some(refusal.check),
            _ => None,
        }
    }
}

/// The checks `open` runs, in the order it runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Check {
    /// The package directory holds exactly `manifest.json`, `manifest.sig` and `payload.age`,
    /// as regular files.
    Layout,
    /// The key that signed the manifest is one the trust file names.
    Exporter,
    /// The Ed25519 signature over the exact bytes of `manifest.json`.
    Signature,
    /// The manifest parses, is canonical JSON, and is of a known format version.
    Manifest,
    /// The log receipt parses and verifies under the trust policy (log signature, witness
    /// quorum, inclusion proof).
    Receipt,
    /// The logged entry is this manifest's: type, transfer, exporter, time, payload hash and
    /// manifest body hash all match.
    LogEntry,
    /// The SHA-256 and size of `payload.age` match the manifest.
    Ciphertext,
    /// age decryption with the given identity (a wrong identity fails here).
    Decryption,
    /// The decrypted payload holds exactly the manifest's files, in order, nothing else.
    Payload,
    /// Each decrypted file's SHA-256 and size match the manifest.
    FileHash,
}

impl Check {
    /// Every check, in order.
    pub const ALL: [Self; 10] = [
        Self::Layout,
        Self::Exporter,
        Self::Signature,
        Self::Manifest,
        Self::Receipt,
        Self::LogEntry,
        Self::Ciphertext,
        Self::Decryption,
        Self::Payload,
        Self::FileHash,
    ];

    /// A short name used in messages and JSON, e.g. `manifest signature`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Layout => "package layout",
            Self::Exporter => "exporter key",
            Self::Signature => "manifest signature",
            Self::Manifest => "manifest",
            Self::Receipt => "log receipt",
            Self::LogEntry => "log entry",
            Self::Ciphertext => "ciphertext hash",
            Self::Decryption => "decryption",
            Self::Payload => "payload contents",
            Self::FileHash => "file hash",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Self::Layout => {
                "a package is a directory holding `manifest.json`, `manifest.sig` and `payload.age`"
            }
            Self::Exporter => {
                "the package was signed by a key your trust file does not list; add the exporter's \
                 key to `exporters` only if you have checked it with the exporter"
            }
            Self::Signature | Self::Manifest => {
                "the manifest was changed after it was signed, or signed by another key; ask the \
                 exporter to send the package again"
            }
            Self::Receipt => {
                "the manifest's log receipt is not signed by the log and witnesses your trust \
                 policy requires, or does not prove inclusion"
            }
            Self::LogEntry => {
                "the receipt proves some log entry, but not the one for this manifest; the \
                 package may have been re-signed with another package's receipt"
            }
            Self::Ciphertext => "`payload.age` is not the ciphertext that was sealed and logged",
            Self::Decryption => {
                "check that `--identity` is the age identity whose recipient the package was \
                 sealed to (`freeport keys show` prints yours)"
            }
            Self::Payload | Self::FileHash => {
                "the decrypted data is not what the exporter signed; do not use it"
            }
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `open` refused a package: which check failed and why. Nothing decrypted was written.
#[derive(Debug, thiserror::Error)]
#[error("refused to open `{package}`: {check} check failed: {reason}")]
pub struct Refusal {
    /// The package path.
    pub package: String,
    /// The check that failed.
    pub check: Check,
    /// Why, naming the file or field (never a data value).
    pub reason: String,
}

impl Diagnostic for Refusal {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!(
            "freeport::open::{}",
            self.check.as_str().replace(' ', "_")
        )))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!(
            "nothing was decrypted to disk; {}",
            self.check.help()
        )))
    }
}

/// A trust file error, with the file's text and the span at fault.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("trust file `{path}`: {message}")]
#[diagnostic(code(freeport::seal::trust))]
pub struct TrustError {
    pub(crate) path: String,
    pub(crate) message: String,
    #[source_code]
    pub(crate) source_code: NamedSource<String>,
    #[label("here")]
    pub(crate) span: Option<SourceSpan>,
    #[help]
    pub(crate) help: Option<String>,
}

impl TrustError {
    /// The message without the file name.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}
