//! `release.toml`: the queries of one release, each with its privacy parameters, checked with
//! spans into the file.
//!
//! ```toml
//! confidence = 0.95          # level of the reported intervals (optional)
//! dataset = "hospital-a/admissions"   # optional: the dataset's declared id (see below)
//!
//! [[query]]
//! name = "people"
//! kind = "count"             # count | histogram | sum | mean
//! epsilon = 0.1
//!
//! [[query]]
//! name = "age-total"
//! kind = "sum"
//! column = "age"
//! bounds = [0, 100]          # values are clamped into these, declared by you, not read from data
//! epsilon = 0.2
//! delta = 1e-6               # optional; > 0 selects the Gaussian mechanism
//!
//! [[query]]
//! name = "by-sex"
//! kind = "histogram"
//! column = "sex"
//! categories = ["Female", "Male"]   # every bin is released, present in the data or not
//! other = true               # one more bin for values outside the set (default true)
//! epsilon = 0.3
//! ```
//!
//! A declared `dataset` id gives the data one budget across its versions: a release spends from
//! the budget of the declared id *and* from that of the content's fingerprint, so neither adding
//! rows (a new fingerprint) nor naming the same rows anew (a new declared id) starts a fresh
//! budget.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use crate::error::ConfigError;

/// Confidence level of the reported intervals when the file does not set one.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// The longest declared dataset id, in characters.
pub const MAX_DATASET_ID_CHARS: usize = 128;

/// What is wrong with `value` as a declared dataset id, if anything (the one rule for
/// `release.toml` and the command line).
#[must_use]
pub fn declared_dataset_problem(value: &str) -> Option<&'static str> {
    if value.trim().is_empty() {
        Some("is empty")
    } else if value.trim() != value {
        Some("starts or ends with a space")
    } else if value.chars().count() > MAX_DATASET_ID_CHARS {
        Some("is longer than 128 characters")
    } else if value.chars().any(char::is_control) {
        Some("holds a control character")
    } else {
        None
    }
}

/// A checked release configuration.
#[derive(Debug, Clone)]
pub struct ReleaseConfig {
    /// Level of the reported confidence intervals, in (0, 1).
    pub confidence: f64,
    /// The dataset's declared id, if the file gives one.
    pub dataset: Option<String>,
    /// The queries, in file order.
    pub queries: Vec<Query>,
    source: Source,
}

/// One query of a release.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Its name, unique in the file.
    pub name: String,
    /// What it computes.
    pub kind: QueryKind,
    /// Epsilon spent on it.
    pub epsilon: f64,
    /// Delta spent on it (0 for pure DP).
    pub delta: f64,
    pub(crate) spans: QuerySpans,
}

/// What a query computes.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryKind {
    /// Number of rows, or of rows whose `column` is not missing.
    Count {
        /// The column, if counting non-missing values only.
        column: Option<String>,
    },
    /// Count of rows per declared category of `column`.
    Histogram {
        /// The categorical column.
        column: String,
        /// The declared categories, in release order.
        categories: Vec<String>,
        /// Whether to release one more bin for values outside `categories` (and missing ones).
        other: bool,
    },
    /// Sum of `column`'s numbers, each clamped into `bounds`.
    Sum {
        /// The numeric column.
        column: String,
        /// Declared clamping bounds, lower < upper.
        bounds: (f64, f64),
    },
    /// Mean of `column`'s numbers, each clamped into `bounds`.
    Mean {
        /// The numeric column.
        column: String,
        /// Declared clamping bounds, lower < upper.
        bounds: (f64, f64),
    },
}

impl QueryKind {
    /// Its name as written in the file.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Count { .. } => "count",
            Self::Histogram { .. } => "histogram",
            Self::Sum { .. } => "sum",
            Self::Mean { .. } => "mean",
        }
    }

    /// The column it reads, if any.
    #[must_use]
    pub fn column(&self) -> Option<&str> {
        match self {
            Self::Count { column } => column.as_deref(),
            Self::Histogram { column, .. }
            | Self::Sum { column, .. }
            | Self::Mean { column, .. } => Some(column),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QuerySpans {
    name: Range<usize>,
    column: Option<Range<usize>>,
    bounds: Option<Range<usize>>,
    epsilon: Range<usize>,
}

/// Spans for queries built in tests.
#[cfg(test)]
pub(crate) fn test_spans() -> QuerySpans {
    QuerySpans {
        name: 0..0,
        column: None,
        bounds: None,
        epsilon: 0..0,
    }
}

#[derive(Debug, Clone)]
struct Source {
    path: PathBuf,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    confidence: Option<Spanned<f64>>,
    dataset: Option<Spanned<String>>,
    #[serde(default)]
    query: Vec<Spanned<RawQuery>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    name: Spanned<String>,
    kind: Spanned<RawKind>,
    column: Option<Spanned<String>>,
    bounds: Option<Spanned<Vec<f64>>>,
    categories: Option<Spanned<Vec<Spanned<String>>>>,
    other: Option<Spanned<bool>>,
    epsilon: Spanned<f64>,
    delta: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawKind {
    Count,
    Histogram,
    Sum,
    Mean,
}

impl ReleaseConfig {
    /// Reads and checks `path`.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not TOML of this shape, or a value is out of range; the error
    /// points at the offending text.
    pub fn from_file(path: &Path) -> Result<Self, Box<ConfigError>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Box::new(ConfigError {
                path: path.to_owned(),
                message: format!("cannot read the release configuration: {e}"),
                src: NamedSource::new(path.display().to_string(), String::new()),
                span: None,
                label: String::new(),
                help: None,
            })
        })?;
        Self::parse(path, text)
    }

    /// Checks `text`, the contents of `path`.
    ///
    /// # Errors
    ///
    /// As [`ReleaseConfig::from_file`].
    pub fn parse(path: &Path, text: String) -> Result<Self, Box<ConfigError>> {
        let source = Source {
            path: path.to_owned(),
            text,
        };
        let raw: RawConfig = toml::from_str(&source.text).map_err(|e| {
            let message = e.message().trim_end().trim_end_matches('.').to_owned();
            source.error(e.span(), message, "here", None)
        })?;
        let confidence = match raw.confidence {
            None => DEFAULT_CONFIDENCE,
            Some(c) => {
                let value = *c.get_ref();
                if !(value > 0.0 && value < 1.0) {
                    return Err(source.error(
                        Some(c.span()),
                        format!("`confidence` {value} is not between 0 and 1"),
                        "out of range",
                        Some("use e.g. 0.95 for 95 % intervals"),
                    ));
                }
                value
            }
        };
        let dataset = match raw.dataset {
            None => None,
            Some(d) => {
                let value = d.get_ref();
                if let Some(problem) = declared_dataset_problem(value) {
                    return Err(source.error(
                        Some(d.span()),
                        format!("the declared `dataset` id {problem}"),
                        "this id",
                        Some("name the dataset as your organisation knows it, e.g. \"hospital-a/admissions\""),
                    ));
                }
                Some(value.clone())
            }
        };
        if raw.query.is_empty() {
            return Err(source.error(
                None,
                "no queries: add at least one `[[query]]` table".to_owned(),
                "",
                Some("see `freeport deid release --help` for an example"),
            ));
        }
        let mut names = BTreeSet::new();
        let mut queries = Vec::with_capacity(raw.query.len());
        for raw_query in raw.query {
            let query = source.query(raw_query.into_inner())?;
            if !names.insert(query.name.clone()) {
                return Err(source.error(
                    Some(query.spans.name.clone()),
                    format!("query name `{}` is used twice", query.name),
                    "second use",
                    Some("give every query its own name"),
                ));
            }
            queries.push(query);
        }
        Ok(Self {
            confidence,
            dataset,
            queries,
            source,
        })
    }

    /// The configuration file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.source.path
    }

    /// An error about `query`'s column, e.g. a column the dataset lacks.
    pub(crate) fn column_error(
        &self,
        query: &Query,
        message: String,
        help: String,
    ) -> Box<ConfigError> {
        let span = query
            .spans
            .column
            .clone()
            .unwrap_or_else(|| query.spans.name.clone());
        self.source
            .error(Some(span), message, "this column", Some(&help))
    }

    /// An error OpenDP raised while calibrating `query` (e.g. bounds too wide to sum safely).
    pub(crate) fn mechanism_error(&self, query: &Query, message: String) -> Box<ConfigError> {
        let span = query
            .spans
            .bounds
            .clone()
            .unwrap_or_else(|| query.spans.epsilon.clone());
        self.source.error(
            Some(span),
            format!(
                "query `{}`: the DP library refused it: {message}",
                query.name
            ),
            "for these parameters",
            None,
        )
    }
}

impl Source {
    fn error(
        &self,
        span: Option<Range<usize>>,
        message: String,
        label: &str,
        help: Option<&str>,
    ) -> Box<ConfigError> {
        Box::new(ConfigError {
            path: self.path.clone(),
            message,
            src: NamedSource::new(self.path.display().to_string(), self.text.clone()),
            span: span.map(SourceSpan::from),
            label: label.to_owned(),
            help: help.map(str::to_owned),
        })
    }

    fn query(&self, raw: RawQuery) -> Result<Query, Box<ConfigError>> {
        let name = raw.name.get_ref().trim().to_owned();
        if name.is_empty() {
            return Err(self.error(
                Some(raw.name.span()),
                "a query name is empty".to_owned(),
                "empty",
                None,
            ));
        }
        let epsilon = *raw.epsilon.get_ref();
        if !(epsilon.is_finite() && epsilon > 0.0) {
            return Err(self.error(
                Some(raw.epsilon.span()),
                format!("query `{name}`: `epsilon` {epsilon} is not a positive number"),
                "must be > 0",
                Some("epsilon is the privacy loss of this query; typical values are 0.01 to 1"),
            ));
        }
        let delta = match &raw.delta {
            None => 0.0,
            Some(d) => {
                let value = *d.get_ref();
                if !(value.is_finite() && (0.0..1.0).contains(&value)) {
                    return Err(self.error(
                        Some(d.span()),
                        format!("query `{name}`: `delta` {value} is not in [0, 1)"),
                        "out of range",
                        Some("delta should be far below 1/rows, e.g. 1e-6; 0 means pure DP"),
                    ));
                }
                value
            }
        };
        let kind = *raw.kind.get_ref();
        let kind_name = match kind {
            RawKind::Count => "count",
            RawKind::Histogram => "histogram",
            RawKind::Sum => "sum",
            RawKind::Mean => "mean",
        };
        let not_for = |field: &str, span: Range<usize>| {
            self.error(
                Some(span),
                format!("query `{name}`: `{field}` does not apply to a {kind_name} query"),
                "not used",
                Some("remove it"),
            )
        };
        let needs = |field: &str| {
            self.error(
                Some(raw.kind.span()),
                format!("query `{name}`: a {kind_name} query needs `{field}`"),
                "this kind",
                None,
            )
        };
        let column = raw.column.as_ref().map(|c| c.get_ref().clone());
        let kind = match kind {
            RawKind::Count => {
                if let Some(b) = &raw.bounds {
                    return Err(not_for("bounds", b.span()));
                }
                if let Some(c) = &raw.categories {
                    return Err(not_for("categories", c.span()));
                }
                if let Some(o) = &raw.other {
                    return Err(not_for("other", o.span()));
                }
                QueryKind::Count { column }
            }
            RawKind::Histogram => {
                if let Some(b) = &raw.bounds {
                    return Err(not_for("bounds", b.span()));
                }
                let column = column.ok_or_else(|| needs("column"))?;
                let categories = raw.categories.as_ref().ok_or_else(|| needs("categories"))?;
                if categories.get_ref().is_empty() {
                    return Err(self.error(
                        Some(categories.span()),
                        format!("query `{name}`: `categories` is empty"),
                        "no categories",
                        Some("list every value the histogram should have a bin for"),
                    ));
                }
                let mut seen = BTreeSet::new();
                for category in categories.get_ref() {
                    let value = category.get_ref().trim().to_owned();
                    if !seen.insert(value.clone()) {
                        return Err(self.error(
                            Some(category.span()),
                            format!("query `{name}`: category `{value}` is listed twice"),
                            "repeated",
                            None,
                        ));
                    }
                }
                QueryKind::Histogram {
                    column,
                    categories: categories
                        .get_ref()
                        .iter()
                        .map(|c| c.get_ref().trim().to_owned())
                        .collect(),
                    other: raw.other.as_ref().is_none_or(|o| *o.get_ref()),
                }
            }
            RawKind::Sum | RawKind::Mean => {
                if let Some(c) = &raw.categories {
                    return Err(not_for("categories", c.span()));
                }
                if let Some(o) = &raw.other {
                    return Err(not_for("other", o.span()));
                }
                let column = column.ok_or_else(|| needs("column"))?;
                let bounds = raw.bounds.as_ref().ok_or_else(|| needs("bounds"))?;
                let &[lower, upper] = bounds.get_ref().as_slice() else {
                    return Err(self.error(
                        Some(bounds.span()),
                        format!(
                            "query `{name}`: `bounds` has {} values, not 2",
                            bounds.get_ref().len()
                        ),
                        "expected [lower, upper]",
                        None,
                    ));
                };
                if !(lower.is_finite() && upper.is_finite() && lower < upper) {
                    return Err(self.error(
                        Some(bounds.span()),
                        format!(
                            "query `{name}`: `bounds` [{lower}, {upper}] are not finite with lower < upper"
                        ),
                        "bad bounds",
                        Some(
                            "declare the range every value is clamped into, from what you know of the column, never from the data",
                        ),
                    ));
                }
                if kind == RawKind::Sum {
                    QueryKind::Sum {
                        column,
                        bounds: (lower, upper),
                    }
                } else {
                    QueryKind::Mean {
                        column,
                        bounds: (lower, upper),
                    }
                }
            }
        };
        Ok(Query {
            name,
            kind,
            epsilon,
            delta,
            spans: QuerySpans {
                name: raw.name.span(),
                column: raw.column.as_ref().map(Spanned::span),
                bounds: raw.bounds.as_ref().map(Spanned::span),
                epsilon: raw.epsilon.span(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> String {
        let error = ReleaseConfig::parse(Path::new("release.toml"), text.to_owned()).unwrap_err();
        let mut out = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .render_report(&mut out, error.as_ref())
            .unwrap();
        out
    }

    #[test]
    fn a_good_file_reads_in_order_with_defaults() {
        let config = ReleaseConfig::parse(
            Path::new("release.toml"),
            r#"
[[query]]
name = "n"
kind = "count"
epsilon = 0.1
[[query]]
name = "h"
kind = "histogram"
column = "sex"
categories = [" F ", "M"]
epsilon = 0.2
[[query]]
name = "m"
kind = "mean"
column = "age"
bounds = [0, 100.5]
epsilon = 1
delta = 1e-6
"#
            .to_owned(),
        )
        .unwrap();
        assert!((config.confidence - DEFAULT_CONFIDENCE).abs() < f64::EPSILON);
        let kinds: Vec<&QueryKind> = config.queries.iter().map(|q| &q.kind).collect();
        assert_eq!(
            kinds,
            [
                &QueryKind::Count { column: None },
                &QueryKind::Histogram {
                    column: "sex".to_owned(),
                    categories: vec!["F".to_owned(), "M".to_owned()],
                    other: true
                },
                &QueryKind::Mean {
                    column: "age".to_owned(),
                    bounds: (0.0, 100.5)
                },
            ]
        );
        assert!((config.queries[2].delta - 1e-6).abs() < f64::EPSILON);
    }

    #[test]
    fn bad_files_point_at_the_value() {
        let cases = [
            (
                "unknown kind",
                "[[query]]\nname = \"a\"\nkind = \"median\"\nepsilon = 1\n",
            ),
            (
                "zero epsilon",
                "[[query]]\nname = \"a\"\nkind = \"count\"\nepsilon = 0\n",
            ),
            (
                "delta of one",
                "[[query]]\nname = \"a\"\nkind = \"count\"\nepsilon = 1\ndelta = 1\n",
            ),
            (
                "reversed bounds",
                "[[query]]\nname = \"a\"\nkind = \"sum\"\ncolumn = \"x\"\nbounds = [10, 0]\nepsilon = 1\n",
            ),
            (
                "three bounds",
                "[[query]]\nname = \"a\"\nkind = \"mean\"\ncolumn = \"x\"\nbounds = [0, 1, 2]\nepsilon = 1\n",
            ),
            (
                "sum without bounds",
                "[[query]]\nname = \"a\"\nkind = \"sum\"\ncolumn = \"x\"\nepsilon = 1\n",
            ),
            (
                "histogram without categories",
                "[[query]]\nname = \"a\"\nkind = \"histogram\"\ncolumn = \"x\"\nepsilon = 1\n",
            ),
            (
                "repeated category",
                "[[query]]\nname = \"a\"\nkind = \"histogram\"\ncolumn = \"x\"\ncategories = [\"F\", \"M\", \"F\"]\nepsilon = 1\n",
            ),
            (
                "bounds on a count",
                "[[query]]\nname = \"a\"\nkind = \"count\"\nbounds = [0, 1]\nepsilon = 1\n",
            ),
            (
                "duplicate name",
                "[[query]]\nname = \"a\"\nkind = \"count\"\nepsilon = 1\n[[query]]\nname = \"a\"\nkind = \"count\"\nepsilon = 1\n",
            ),
            (
                "unknown field",
                "[[query]]\nname = \"a\"\nkind = \"count\"\nepsilon = 1\nepsilom = 2\n",
            ),
            (
                "bad confidence",
                "confidence = 95\n[[query]]\nname = \"a\"\nkind = \"count\"\nepsilon = 1\n",
            ),
            ("no queries", "confidence = 0.9\n"),
            (
                "empty declared dataset",
                "dataset = \" \"\n[[query]]\nname = \"a\"\nkind = \"count\"\nepsilon = 1\n",
            ),
        ];
        let mut all = String::new();
        for (name, text) in cases {
            all.push_str(&format!("=== {name}\n{}\n", render(text)));
        }
        insta::assert_snapshot!(all);
    }
}
