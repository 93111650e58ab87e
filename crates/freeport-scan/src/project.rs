//! A project's classification rules: the `[classification]` table of a project file
//! (`freeport.toml` beside the data, or `--project FILE`), checked with spans into the file,
//! and a data dictionary (`--codebook FILE.csv`). Issue 16 items 5 and 2.
//!
//! ```toml
//! [classification]
//!
//! # Overrule the scanner: a column is another category, or not personal data at all. The
//! # justification is required; every override is shown in the scan output and the report.
//! [[classification.column]]
//! dataset = "airports.csv"        # optional: a file name or the path as given; default every dataset
//! column = "name"
//! becomes = "not_personal_data"   # or a vocabulary category id (`freeport vocab list`)
//! justification = "airport names, not people's"
//!
//! # A custom detector: a pattern (linear-time `regex` syntax, matched against the whole
//! # value) and/or listed values (a deny-list: these values always are the category), an
//! # optional built-in validator they must also pass, header words in any language.
//! [[classification.detector]]
//! name = "member-number"
//! category = "id.internal"
//! pattern = "M[0-9]{8}"
//! validator = "payment_card"      # optional: a validator's name (`freeport vocab list --validators`)
//! values = ["VIP-0001"]           # optional
//! words = ["会员号", "member no"]  # optional
//!
//! # Values that are never personal data (placeholders, test fixtures): never classified.
//! [classification.allow]
//! values = ["N/A", "000000000000000000"]
//! justification = "placeholders of the export tool"
//!
//! # A data dictionary: each column's description is read with the header words.
//! [classification.codebook]
//! selfLR = "respondent's self-reported political viewpoint, liberal to conservative"
//! ```
//!
//! Other top-level keys of the file (the configuration's) are not read here. Every error names
//! the file, points at the text and stops the command before anything is written; a column
//! override that names no column of the data scanned is an error too ([`Project::check_used`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use freeport_detect::{CustomDetector, Rules, detector::index_of};
use freeport_vocabulary::{NOT_PERSONAL_DATA, Vocabulary};
use miette::{NamedSource, SourceSpan};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::ScanReport;

/// What a [`ProjectError`] is about.
const PROJECT: &str = "project file";
const CODEBOOK: &str = "codebook";

/// The most characters of a justification.
pub const MAX_JUSTIFICATION_CHARS: usize = 2_000;

/// A project file or codebook that cannot be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid {kind} `{path}`: {message}")]
#[diagnostic(code(freeport::project::invalid))]
pub struct ProjectError {
    /// `project file` or `codebook`.
    kind: &'static str,
    path: String,
    message: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
}

impl ProjectError {
    /// What is wrong, without the file.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// One column override.
#[derive(Debug, Clone)]
pub struct ColumnRule {
    /// The dataset it is limited to, if any.
    pub dataset: Option<String>,
    /// The column.
    pub column: String,
    /// A vocabulary category id, or [`NOT_PERSONAL_DATA`].
    pub becomes: String,
    /// Why.
    pub justification: String,
    /// `file:line` of its table.
    pub source: String,
    span: Range<usize>,
}

impl ColumnRule {
    /// Whether it speaks of the dataset named `dataset` (as given, or a worksheet
    /// `book.xlsx#Sheet1`): the same text, or its file name.
    #[must_use]
    pub fn applies_to(&self, dataset: &str) -> bool {
        self.dataset.as_deref().is_none_or(|want| {
            want == dataset
                || Path::new(dataset)
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy() == want)
        })
    }
}

/// What an override did to one column, as the scan report shows it (the same notions as a
/// port's accepted contest: what it was, what it `becomes`, the justification).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnOverride {
    /// The scanner's category, or `None` when it found nothing.
    pub was: Option<String>,
    /// A vocabulary category id, or `not_personal_data`.
    pub becomes: String,
    /// The project file's justification.
    pub justification: String,
    /// Where it is written, `file:line`.
    pub source: String,
}

/// A checked project: custom rules, column overrides, a codebook.
#[derive(Debug, Clone)]
pub struct Project {
    path: PathBuf,
    text: String,
    rules: Arc<Rules>,
    columns: Vec<ColumnRule>,
    codebook: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct RawFile {
    classification: Option<Spanned<RawClassification>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClassification {
    #[serde(default)]
    column: Vec<Spanned<RawColumn>>,
    #[serde(default)]
    detector: Vec<Spanned<RawDetector>>,
    allow: Option<Spanned<RawAllow>>,
    #[serde(default)]
    codebook: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    dataset: Option<String>,
    column: Spanned<String>,
    becomes: Spanned<String>,
    justification: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetector {
    name: Spanned<String>,
    category: Spanned<String>,
    pattern: Option<Spanned<String>>,
    #[serde(default)]
    values: Vec<String>,
    validator: Option<Spanned<String>>,
    #[serde(default)]
    words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    values: Vec<String>,
    justification: Option<Spanned<String>>,
}

/// The source text errors point into.
struct Source<'a> {
    kind: &'static str,
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    fn error(
        &self,
        span: Option<Range<usize>>,
        message: impl Into<String>,
        label: &str,
        help: Option<&str>,
    ) -> Box<ProjectError> {
        Box::new(ProjectError {
            kind: self.kind,
            path: self.path.display().to_string(),
            message: message.into(),
            src: NamedSource::new(self.path.display().to_string(), self.text.to_owned()),
            span: span.map(SourceSpan::from),
            label: label.to_owned(),
            help: help.map(str::to_owned),
        })
    }

    fn line(&self, offset: usize) -> usize {
        self.text
            .get(..offset)
            .map_or(1, |before| before.matches('\n').count() + 1)
    }

    /// A text that must not be blank, with its span.
    fn non_empty(
        &self,
        value: Spanned<String>,
        message: &str,
    ) -> Result<(String, Range<usize>), Box<ProjectError>> {
        let span = value.span();
        let text = value.into_inner();
        if text.trim().is_empty() {
            return Err(self.error(Some(span), message, "empty", None));
        }
        Ok((text, span))
    }

    /// A required justification: present, not blank, at most [`MAX_JUSTIFICATION_CHARS`].
    fn justification(
        &self,
        value: Option<Spanned<String>>,
        table: Range<usize>,
        what: &str,
    ) -> Result<String, Box<ProjectError>> {
        let Some(value) = value else {
            return Err(self.error(
                Some(table),
                format!("{what} has no `justification`"),
                "needs a justification",
                Some("say why, e.g. justification = \"the column holds airport names\"; it is shown wherever the override is"),
            ));
        };
        let span = value.span();
        let text = value.into_inner();
        if text.trim().is_empty() {
            return Err(self.error(
                Some(span),
                format!("{what} has an empty `justification`"),
                "empty",
                Some("say why the scanner is overruled"),
            ));
        }
        if text.chars().count() > MAX_JUSTIFICATION_CHARS {
            return Err(self.error(
                Some(span),
                format!(
                    "{what}'s `justification` is longer than {MAX_JUSTIFICATION_CHARS} characters"
                ),
                "too long",
                None,
            ));
        }
        Ok(text.trim().to_owned())
    }

    /// A vocabulary category id (or, when `or_not_personal`, [`NOT_PERSONAL_DATA`]).
    fn category(
        &self,
        value: Spanned<String>,
        vocabulary: &Vocabulary,
        or_not_personal: bool,
    ) -> Result<String, Box<ProjectError>> {
        let span = value.span();
        let id = value.into_inner();
        if (or_not_personal && id == NOT_PERSONAL_DATA) || vocabulary.get(&id).is_some() {
            return Ok(id);
        }
        Err(self.error(
            Some(span),
            format!("`{id}` is not a category of the vocabulary"),
            "unknown category",
            Some(if or_not_personal {
                "use an id that `freeport vocab list` shows, or \"not_personal_data\""
            } else {
                "use an id that `freeport vocab list` shows"
            }),
        ))
    }
}

impl Project {
    /// Reads and checks the project file `path`.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not TOML of this shape, or a rule is wrong; the error
    /// points at the text.
    pub fn from_file(path: &Path) -> Result<Self, Box<ProjectError>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Source {
                kind: PROJECT,
                path,
                text: "",
            }
            .error(None, format!("cannot read it: {e}"), "", None)
        })?;
        Self::parse(path, text)
    }

    /// Checks `text`, the contents of the project file `path`.
    ///
    /// # Errors
    ///
    /// As [`Project::from_file`].
    pub fn parse(path: &Path, text: String) -> Result<Self, Box<ProjectError>> {
        let source = Source {
            kind: PROJECT,
            path,
            text: &text,
        };
        let raw: RawFile = toml::from_str(&text).map_err(|e| {
            let message = e.message().trim_end().trim_end_matches('.').to_owned();
            source.error(
                e.span(),
                message,
                "here",
                Some("`[classification]` holds `[[classification.column]]`, `[[classification.detector]]`, `[classification.allow]` and `[classification.codebook]`"),
            )
        })?;
        let vocabulary = Vocabulary::embedded().map_err(|e| {
            source.error(
                None,
                format!("the vocabulary cannot be loaded: {e}"),
                "",
                None,
            )
        })?;
        let classification = raw
            .classification
            .map(Spanned::into_inner)
            .unwrap_or_default();

        let mut columns = Vec::with_capacity(classification.column.len());
        for table in classification.column {
            let span = table.span();
            let raw = table.into_inner();
            let (column, column_span) =
                source.non_empty(raw.column, "a column override names an empty column")?;
            let becomes = source.category(raw.becomes, vocabulary, true)?;
            let what = format!("the override of column `{column}`");
            let justification = source.justification(raw.justification, span.clone(), &what)?;
            columns.push(ColumnRule {
                dataset: raw.dataset,
                column,
                becomes,
                justification,
                source: format!("{}:{}", path.display(), source.line(span.start)),
                span: column_span,
            });
        }

        let mut detectors = Vec::with_capacity(classification.detector.len());
        let mut names: Vec<String> = Vec::new();
        for table in classification.detector {
            let span = table.span();
            let raw = table.into_inner();
            let (name, name_span) = source.non_empty(raw.name, "a detector has an empty `name`")?;
            if names.contains(&name) {
                return Err(source.error(
                    Some(name_span),
                    format!("detector name `{name}` is used twice"),
                    "second use",
                    Some("give every detector its own name: evidence names it"),
                ));
            }
            names.push(name.clone());
            let category = source.category(raw.category, vocabulary, false)?;
            if raw.pattern.is_none() && raw.values.is_empty() && raw.words.is_empty() {
                return Err(source.error(
                    Some(span),
                    format!("detector `{name}` has no `pattern`, `values` or `words`: it can find nothing"),
                    "finds nothing",
                    Some("give a pattern (regular expression), values (a deny-list) or header words"),
                ));
            }
            let validator = match raw.validator {
                None => None,
                Some(v) => {
                    let span = v.span();
                    let v = v.into_inner();
                    Some(index_of(&v).ok_or_else(|| {
                        source.error(
                            Some(span),
                            format!("`{v}` is not a built-in validator"),
                            "unknown validator",
                            Some("use a validator's name as scan evidence shows it, e.g. \"payment_card\", \"cn.resident_id\", \"us.ssn\", \"iban\", \"email\""),
                        )
                    })?)
                }
            };
            let (pattern, pattern_span) = raw
                .pattern
                .map(|p| (Some(p.get_ref().clone()), Some(p.span())))
                .unwrap_or_default();
            let detector = CustomDetector::new(
                name.clone(),
                category,
                pattern.as_deref(),
                raw.values,
                validator,
                &raw.words,
            )
            .map_err(|e| {
                let reason = match e {
                    regex::Error::CompiledTooBig(limit) => format!(
                        "compiles to more than {limit} bytes (patterns run in linear time within a size bound)"
                    ),
                    other => {
                        let text = other.to_string();
                        let last = text.lines().last().unwrap_or_default().trim();
                        last.strip_prefix("error: ").unwrap_or(last).to_owned()
                    }
                };
                source.error(
                    pattern_span.clone(),
                    format!("the pattern of detector `{name}` is refused: {reason}"),
                    "this pattern",
                    Some("the `regex` crate's syntax (no look-around, no back-references); it must match the whole value"),
                )
            })?;
            detectors.push(detector);
        }

        let allow = match classification.allow {
            None => Vec::new(),
            Some(table) => {
                let span = table.span();
                let raw = table.into_inner();
                source.justification(raw.justification, span, "the allow-list")?;
                raw.values
            }
        };
        Ok(Self {
            path: path.to_owned(),
            rules: Arc::new(Rules::new(detectors, allow)),
            columns,
            codebook: classification.codebook,
            text,
        })
    }

    /// A project with nothing but the codebook `path` (`--codebook` without a project file).
    ///
    /// # Errors
    ///
    /// As [`Project::add_codebook`].
    pub fn with_codebook_only(path: &Path) -> Result<Self, Box<ProjectError>> {
        let mut project = Self {
            path: path.to_owned(),
            text: String::new(),
            rules: Arc::new(Rules::default()),
            columns: Vec::new(),
            codebook: BTreeMap::new(),
        };
        project.add_codebook(path)?;
        Ok(project)
    }

    /// Adds the descriptions of a codebook, a CSV file with a header row `column,description`
    /// (a description given in the project file's `[classification.codebook]` wins).
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not such a CSV, or describes a column twice.
    pub fn add_codebook(&mut self, path: &Path) -> Result<(), Box<ProjectError>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Source {
                kind: CODEBOOK,
                path,
                text: "",
            }
            .error(None, format!("cannot read it: {e}"), "", None)
        })?;
        let descriptions = parse_codebook(path, &text)?;
        for (column, description) in descriptions {
            self.codebook.entry(column).or_insert(description);
        }
        Ok(())
    }

    /// The project file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The custom detectors and allow-list, for the column profilers.
    #[must_use]
    pub fn rules(&self) -> Arc<Rules> {
        Arc::clone(&self.rules)
    }

    /// The column overrides, in file order.
    #[must_use]
    pub fn columns(&self) -> &[ColumnRule] {
        &self.columns
    }

    /// The codebook's description of `column`, if any.
    #[must_use]
    pub fn description(&self, column: &str) -> Option<&str> {
        self.codebook.get(column).map(String::as_str)
    }

    /// The override of `column` in the dataset named `dataset`: the first that applies.
    #[must_use]
    pub fn override_of(&self, dataset: &str, column: &str) -> Option<&ColumnRule> {
        self.columns
            .iter()
            .find(|r| r.column == column && r.applies_to(dataset))
    }

    /// Refuses a column override that names no column of the datasets it applies to (a typo
    /// would otherwise overrule nothing, silently): one limited to a `dataset` that was scanned
    /// must name a column of it, one for every dataset a column of some dataset. An override
    /// for a dataset not scanned this time is not an error (one project file serves several).
    ///
    /// # Errors
    ///
    /// The first such override, pointing at its column.
    pub fn check_used(&self, report: &ScanReport) -> Result<(), Box<ProjectError>> {
        for rule in &self.columns {
            let mut scanned = report
                .datasets
                .iter()
                .filter(|d| rule.applies_to(&d.path))
                .peekable();
            if rule.dataset.is_some() && scanned.peek().is_none() {
                continue;
            }
            if !scanned.any(|d| d.columns.iter().any(|c| c.name == rule.column)) {
                let source = Source {
                    kind: PROJECT,
                    path: &self.path,
                    text: &self.text,
                };
                let scope = rule.dataset.as_deref().map_or_else(
                    || "any dataset scanned".to_owned(),
                    |d| format!("dataset `{d}`"),
                );
                return Err(source.error(
                    Some(rule.span.clone()),
                    format!("column `{}` is not a column of {scope}", rule.column),
                    "unknown column",
                    Some("name a column exactly as the scan shows it (and `dataset` as a file name or the path given)"),
                ));
            }
        }
        Ok(())
    }
}

/// The descriptions of a codebook CSV (`column,description`, header row required), in file
/// order.
///
/// # Errors
///
/// Not such a CSV, a blank column name, or a column described twice.
pub fn parse_codebook(path: &Path, text: &str) -> Result<Vec<(String, String)>, Box<ProjectError>> {
    let source = Source {
        kind: CODEBOOK,
        path,
        text,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header_help = Some("a codebook is a CSV file whose header row is `column,description`");
    let headers = reader
        .headers()
        .map_err(|e| source.error(None, format!("not a CSV file: {e}"), "", header_help))?
        .clone();
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    if names != ["column", "description"] {
        let end = text.find('\n').unwrap_or(text.len());
        return Err(source.error(
            Some(0..end),
            "the codebook's header row is not `column,description`",
            "header row",
            header_help,
        ));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let span = e
                .position()
                .and_then(|p| usize::try_from(p.byte()).ok())
                .map(|start| start..start);
            source.error(span, format!("not a CSV file: {e}"), "here", header_help)
        })?;
        let span = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .map(|start| start..start + record.as_slice().len());
        let (Some(column), Some(description)) = (record.get(0), record.get(1)) else {
            continue;
        };
        let column = column.trim();
        if column.is_empty() {
            return Err(source.error(
                span,
                "a codebook row has an empty column name",
                "this row",
                None,
            ));
        }
        if out.iter().any(|(c, _)| c == column) {
            return Err(source.error(
                span,
                format!("column `{column}` is described twice"),
                "second description",
                None,
            ));
        }
        out.push((column.to_owned(), description.trim().to_owned()));
    }
    Ok(out)
}

/// The project file beside the data: `freeport.toml` in the directory `path` names, or in the
/// directory of the file it names, when that file has a `[classification]` table.
#[must_use]
pub fn beside(path: &str) -> Option<PathBuf> {
    if path == "-" {
        return None;
    }
    let path = Path::new(path);
    let dir = if path.is_dir() { path } else { path.parent()? };
    let candidate = dir.join("freeport.toml");
    let text = std::fs::read_to_string(&candidate).ok()?;
    // A file that is not TOML is returned too: reading it reports where it is wrong.
    toml::from_str::<toml::Table>(&text)
        .map_or(true, |table| table.contains_key("classification"))
        .then_some(candidate)
}
