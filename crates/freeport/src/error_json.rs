//! Errors as JSON, for `--format json`: what miette shows people, as one document a program can
//! read — the diagnostic code, the message and its causes, the help, the file, the field and the
//! span (byte offset and length, 1-based line and column) of each label.
//!
//! Only what the diagnostic already says is written: never the source text under a span (a span
//! may point into a file whose contents are not ours to repeat).

use std::io::Write;

use miette::{Diagnostic, SourceSpan};
use serde::Serialize;

use crate::{Error, ExitStatus};

/// The document written to standard error.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorDocument {
    /// The error.
    pub(crate) error: ErrorBody,
    /// The process's exit code (1 a check that failed, 2 could not run).
    pub(crate) exit_code: u8,
}

/// One diagnostic.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorBody {
    /// `freeport::area::what`, when the diagnostic has one.
    pub(crate) code: Option<String>,
    /// The message.
    pub(crate) message: String,
    /// The chain of causes, outermost first.
    pub(crate) causes: Vec<String>,
    /// What to do about it.
    pub(crate) help: Option<String>,
    /// The file the spans point into (or the file that could not be read).
    pub(crate) file: Option<String>,
    /// The field of that file, dotted, when the error names one.
    pub(crate) field: Option<String>,
    /// The first label's span.
    pub(crate) span: Option<Span>,
    /// Every label with its text.
    pub(crate) labels: Vec<Label>,
    /// Further diagnostics reported with this one.
    pub(crate) related: Vec<Self>,
}

/// A place in the file.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Span {
    /// Byte offset.
    pub(crate) offset: usize,
    /// Length in bytes.
    pub(crate) length: usize,
    /// 1-based line, when the source is at hand.
    pub(crate) line: Option<usize>,
    /// 1-based column, when the source is at hand.
    pub(crate) column: Option<usize>,
}

/// A labelled span.
#[derive(Debug, Serialize)]
pub(crate) struct Label {
    /// The label's text.
    pub(crate) label: Option<String>,
    /// Where.
    pub(crate) span: Span,
}

impl ErrorBody {
    /// Reads everything off `diagnostic`; `file` and `field` as the caller knows them.
    pub(crate) fn of(
        diagnostic: &dyn Diagnostic,
        file: Option<String>,
        field: Option<String>,
    ) -> Self {
        let mut causes = Vec::new();
        let mut source = diagnostic.source();
        while let Some(cause) = source {
            causes.push(cause.to_string());
            source = cause.source();
        }
        let mut file = file;
        let mut labels = Vec::new();
        for label in diagnostic.labels().into_iter().flatten() {
            let (span, name) = locate(diagnostic, *label.inner());
            if file.is_none() {
                file = name;
            }
            labels.push(Label {
                label: label.label().map(str::to_owned),
                span,
            });
        }
        Self {
            code: diagnostic.code().map(|c| c.to_string()),
            message: diagnostic.to_string(),
            causes,
            help: diagnostic.help().map(|h| h.to_string()),
            file,
            field,
            span: labels.first().map(|l| l.span),
            labels,
            related: diagnostic
                .related()
                .into_iter()
                .flatten()
                .map(|related| Self::of(related, None, None))
                .collect(),
        }
    }
}

/// The span's line and column (1-based) and the source's name, read from the diagnostic's
/// source code without keeping any of its text.
fn locate(diagnostic: &dyn Diagnostic, span: SourceSpan) -> (Span, Option<String>) {
    let mut located = Span {
        offset: span.offset(),
        length: span.len(),
        line: None,
        column: None,
    };
    let mut name = None;
    if let Some(source) = diagnostic.source_code()
        && let Ok(contents) = source.read_span(&span, 0, 0)
    {
        located.line = Some(contents.line() + 1);
        located.column = Some(contents.column() + 1);
        name = contents.name().map(str::to_owned);
    }
    (located, name)
}

impl Error {
    /// The document `--format json` writes for this error.
    #[must_use]
    pub(crate) fn to_json_document(&self) -> ErrorDocument {
        let (file, field) = match self {
            Self::File { path, .. }
            | Self::InputLine { path, .. }
            | Self::OutputExists { path } => (Some(path.clone()), None),
            Self::Facts(facts) => (None, facts.field().map(str::to_owned)),
            Self::Config(config) => (
                Some(config.path().to_owned()),
                config.key().map(str::to_owned),
            ),
            _ => (None, None),
        };
        ErrorDocument {
            error: ErrorBody::of(self, file, field),
            exit_code: self.exit_status().code(),
        }
    }
}

/// Writes `error` to `stderr` as one JSON document and a line break; a write error is ignored
/// (standard error closed: there is nowhere left to say it).
pub fn write_json_diagnostic(error: &Error, stderr: &mut dyn Write) {
    write_document(&error.to_json_document(), stderr);
}

/// Writes a usage error (the command line could not be parsed) as the JSON document of a
/// `freeport::usage` error.
pub fn write_json_usage_error(message: &str, stderr: &mut dyn Write) {
    let document = ErrorDocument {
        error: ErrorBody {
            code: Some("freeport::usage".to_owned()),
            message: message.to_owned(),
            causes: Vec::new(),
            help: Some("run `freeport --help`, or `--help` after the subcommand".to_owned()),
            file: None,
            field: None,
            span: None,
            labels: Vec::new(),
            related: Vec::new(),
        },
        exit_code: ExitStatus::Error.code(),
    };
    write_document(&document, stderr);
}

fn write_document(document: &ErrorDocument, stderr: &mut dyn Write) {
    let text = serde_json::to_string_pretty(document).unwrap_or_else(|_| {
        // Cannot happen (strings and numbers only); still never a panic.
        format!(
            "{{\"error\": {{\"message\": \"cannot serialise the error\"}}, \"exit_code\": {}}}",
            document.exit_code
        )
    });
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.write_all(b"\n");
    let _ = stderr.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error, miette::Diagnostic)]
    #[error("unknown key `colour`")]
    #[diagnostic(code(test::unknown_key), help("did you mean `color`?"))]
    struct BadKey {
        #[source_code]
        source_code: miette::NamedSource<String>,
        #[label("not a key of [report]")]
        span: SourceSpan,
    }

    #[test]
    fn a_span_becomes_file_line_and_column_without_the_source_text() {
        let text = "[report]\nlang = \"zh\"\ncolour = true\n".to_owned();
        let offset = text.find("colour").unwrap();
        let error = BadKey {
            source_code: miette::NamedSource::new("freeport.toml", text),
            span: (offset, 6).into(),
        };
        let body = ErrorBody::of(&error, None, Some("report.colour".into()));
        let json = serde_json::to_string_pretty(&body).unwrap();
        insta::assert_snapshot!(json);
        assert!(!json.contains("true"), "no source text: {json}");
    }
}
