//! Errors of the de-identification engine. Every message names the file, column, line or
//! setting at fault, never a raw cell value (house rule: cell values stay out of errors).

use std::path::PathBuf;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// Anything that stops a de-identification run.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// The configuration file is malformed or inconsistent with the data.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),
    /// The data, a hierarchy or a key file is unusable.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(Box<InputError>),
    /// The dataset could not be read (the reader's error names the input and the line or row,
    /// never a value).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Read(Box<freeport_read::ReadError>),
    /// A scan result (`freeport deid plan`'s input) that is not what `freeport scan --format
    /// json` writes.
    #[error(transparent)]
    #[diagnostic(transparent)]
    ScanResult(Box<ScanResultError>),
    /// A file could not be read or written.
    #[error("cannot access `{}`", path.display())]
    #[diagnostic(code(freeport::deid::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A configuration error, with the configuration text and the span at fault.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(freeport::deid::config))]
pub struct ConfigError {
    message: String,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    span: Option<SourceSpan>,
    #[help]
    help: Option<String>,
}

/// A scan result that cannot be used, with its text and the place at fault.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("`{name}` line {line} column {column}: {message}")]
#[diagnostic(
    code(freeport::deid::scan_result),
    help(
        "expected {{\"datasets\":[{{\"path\",\"rows\",\"columns\":[{{\"name\",\"category\"}}]}}]}} as written by `freeport scan --format json`"
    )
)]
pub struct ScanResultError {
    name: String,
    line: usize,
    column: usize,
    message: String,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("here")]
    span: Option<SourceSpan>,
}

impl ScanResultError {
    /// The file's name as given.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// 1-based line and column of the fault.
    #[must_use]
    pub const fn position(&self) -> (usize, usize) {
        (self.line, self.column)
    }
}

/// An error in the data, a hierarchy, a key file or the search.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(freeport::deid::input))]
pub struct InputError {
    message: String,
    #[help]
    help: Option<String>,
}

impl InputError {
    /// The message, for tests and callers that log it.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl ConfigError {
    /// The message, for tests and callers that log it.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl Error {
    /// An input error with an optional help line.
    pub fn input(message: impl Into<String>, help: Option<String>) -> Self {
        Self::Input(Box::new(InputError {
            message: message.into(),
            help,
        }))
    }

    /// A configuration error pointing into `text` (the configuration file named `name`).
    pub fn config(
        name: &str,
        text: &str,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        Self::Config(Box::new(ConfigError {
            message: message.into(),
            source_code: NamedSource::new(name, text.to_owned()),
            span: span.map(SourceSpan::from),
            help,
        }))
    }

    /// A scan result named `name` with text `text` that fails to parse as JSON of the expected
    /// shape: `error` gives the line and column.
    #[must_use]
    pub fn scan_result(name: &str, text: &str, error: &serde_json::Error) -> Self {
        let (line, column) = (error.line(), error.column());
        // serde_json ends its message with the position, given here apart.
        let full = error.to_string();
        let message = full
            .strip_suffix(&format!(" at line {line} column {column}"))
            .unwrap_or(&full)
            .to_owned();
        let span = offset_of(text, line, column).map(|at| SourceSpan::from((at, 0)));
        Self::ScanResult(Box::new(ScanResultError {
            name: name.to_owned(),
            line,
            column,
            message,
            source_code: NamedSource::new(name, text.to_owned()),
            span,
        }))
    }

    /// A reader error.
    #[must_use]
    pub fn read(error: freeport_read::ReadError) -> Self {
        Self::Read(Box::new(error))
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// The byte offset of 1-based `line` and `column` (serde_json counts columns in bytes), if it
/// is inside `text`.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let at = start + column.saturating_sub(1);
    (at <= text.len()).then_some(at)
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
