//! Errors of the chips engine. Every error about a file names it and, where there is one, points
//! at the field, line or value with a span; none quotes more of a screened list than the line
//! number.

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};

/// An error located in a file: a code, a message, a help line, the file and labelled spans.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Located {
    code: &'static str,
    message: String,
    help: Option<String>,
    src: NamedSource<String>,
    labels: Vec<LabeledSpan>,
}

impl Diagnostic for Located {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

impl Located {
    /// A new error in `file` (whose text is `text`).
    #[must_use]
    pub fn new(file: &str, text: &str, message: impl Into<String>) -> Self {
        Self {
            code: "freeport::chips::invalid",
            message: message.into(),
            help: None,
            src: NamedSource::new(file, text.to_owned()),
            labels: Vec::new(),
        }
    }

    /// With a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// With a labelled span.
    #[must_use]
    pub fn label(mut self, span: impl Into<SourceSpan>, text: &str) -> Self {
        self.labels.push(LabeledSpan::new_with_span(
            Some(text.to_owned()),
            span.into(),
        ));
        self
    }

    /// With the labels of another diagnostic (Cedar's).
    #[must_use]
    pub fn labels_of(mut self, diagnostic: &dyn Diagnostic) -> Self {
        if let Some(labels) = diagnostic.labels() {
            self.labels.extend(labels);
        }
        self
    }

    /// The message, without location.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The file the error is in.
    #[must_use]
    pub fn file(&self) -> &str {
        self.src.name()
    }

    /// The first labelled offset, if any.
    #[must_use]
    pub fn offset(&self) -> Option<usize> {
        self.labels.first().map(LabeledSpan::offset)
    }
}

/// Everything that can stop the chips engine.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read `{path}`")]
    #[diagnostic(code(freeport::chips::io))]
    Io {
        /// The path.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The chips rule pack is invalid.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pack(Box<Located>),
    /// A chip spec is invalid (the message names the field; the span points at it).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Spec(Box<Located>),
    /// A screening list (CSL or registry) is invalid: the message names the line.
    #[error(transparent)]
    #[diagnostic(transparent)]
    List(Box<Located>),
    /// No rule of the pack is in force on the date asked for.
    #[error("no rule of the chips pack is in force on {date}: the pack covers {from} onward")]
    #[diagnostic(
        code(freeport::chips::date),
        help("give a date on or after {from} with `--as-of`")
    )]
    DateOutOfRange {
        /// The date asked for.
        date: String,
        /// The first date the pack covers.
        from: String,
    },
    /// Too many unknown values to judge under every possibility.
    #[error("{count} combinations of unknown values: too many to judge each")]
    #[diagnostic(
        code(freeport::chips::unknowns),
        help("give more of the values that are `\"unknown\"` (or the destination's groups)")
    )]
    TooManyUnknowns {
        /// How many combinations there were.
        count: usize,
    },
    /// Cedar could not evaluate a question (a bug in the pack or in the engine).
    #[error("cannot evaluate `{question}`: {message}")]
    #[diagnostic(
        code(freeport::chips::internal),
        help("this is a bug in freeport or in the chips pack; please report it")
    )]
    Internal {
        /// The question.
        question: String,
        /// What failed.
        message: String,
    },
}

impl Error {
    pub(crate) fn pack(mut error: Located) -> Self {
        error.code = "freeport::chips::pack";
        Self::Pack(Box::new(error))
    }
    pub(crate) fn spec(mut error: Located) -> Self {
        error.code = "freeport::chips::spec";
        Self::Spec(Box::new(error))
    }
    pub(crate) fn list(mut error: Located) -> Self {
        error.code = "freeport::chips::list";
        Self::List(Box::new(error))
    }
}
