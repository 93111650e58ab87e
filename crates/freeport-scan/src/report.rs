//! The scan report: a stable, documented JSON shape (schema version [`SCHEMA_VERSION`]).
//!
//! ```text
//! {
//!   "schema": 1,
//!   "datasets": [{
//!     "path": "people.csv",              // as given; `book.xlsx#Sheet1` for a worksheet
//!     "format": "csv", "encoding": "gb18030", "delimiter": ",",
//!     "rows": 1000, "sampled": false,    // `sampled`: `--sample` stopped before the end
//!     "columns": [{
//!       "name": "身份证号",
//!       "category": "id.cn.resident_id", // vocabulary id, or null
//!       "confidence": 0.99,              // 0..1
//!       "categories": [{"id": "id.cn.resident_id", "confidence": 0.99}],  // ranked
//!       "evidence": [{"kind": "header", ...}, {"kind": "values", ...}],
//!       "stats": {"rows": 1000, "nulls": 0, "distinct": 1000, ...},
//!       "examples": ["110105********002X"],  // only with --show-examples; masked
//!       "override": {"was": "person.name", "becomes": "not_personal_data",
//!                    "justification": "...", "source": "freeport.toml:4"}  // project file only
//!     }],
//!     "subject_key": {"column": "身份证号", "category": "id.cn.resident_id"},  // or null
//!     "subjects": {"id.cn.resident_id": 1000, "person.name": 1000},
//!     "unkeyed_rows": 0,                 // rows whose key cell is empty or invalid
//!     "device_key": null,                // same shape, for precise geolocation
//!     "devices": {},                     // distinct devices per precise-location category
//!     "warnings": []
//!   }],
//!   "errors": [{"path": "bad.csv", "line": 4, "row": null, "reason": "..."}]
//! }
//! ```
//!
//! Counts are exact. Nothing in the report is a raw cell value: examples are masked, evidence
//! and statistics are counts and rates. Maps are ordered (`BTreeMap`), lists keep input order,
//! so the same inputs give byte-identical JSON.

use std::collections::BTreeMap;

use freeport_detect::{Candidate, ColumnStats, Evidence};
use freeport_read::{Location, ReadError};
use serde::Serialize;

use crate::project::ColumnOverride;

/// Version of the JSON shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The result of a scan over several inputs.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// One entry per dataset scanned, in input order.
    pub datasets: Vec<DatasetReport>,
    /// Inputs that failed, in input order.
    pub errors: Vec<InputError>,
}

/// One dataset (a file, stdin, or a worksheet).
#[derive(Debug, Clone, Serialize)]
pub struct DatasetReport {
    /// The input as the user named it.
    pub path: String,
    /// Which dataset [`path`](Self::path) names, typed (not in the JSON: `path` shows it).
    #[serde(skip)]
    pub id: freeport_read::DatasetId,
    /// `csv`, `tsv`, `jsonl`, `parquet` or `spreadsheet`.
    pub format: String,
    /// Text encoding decoded, for text formats.
    pub encoding: Option<String>,
    /// Delimiter, for delimited text.
    pub delimiter: Option<String>,
    /// Rows read (all rows unless `sampled`).
    pub rows: u64,
    /// Whether `--sample` stopped reading before the end.
    pub sampled: bool,
    /// Columns in file order.
    pub columns: Vec<ColumnReport>,
    /// The column whose values key subject counts, if any column identifies people.
    pub subject_key: Option<KeyColumn>,
    /// Distinct data subjects per category present, keyed on `subject_key`.
    pub subjects: BTreeMap<String, u64>,
    /// Rows not counted because their key cell is empty or not a valid identifier.
    pub unkeyed_rows: u64,
    /// The device-id column that keys device counts, if any.
    pub device_key: Option<KeyColumn>,
    /// Distinct devices per precise-geolocation category present.
    pub devices: BTreeMap<String, u64>,
    /// Things the reader of the report should know (no values).
    pub warnings: Vec<String>,
    /// Salted subject hashes, when the caller gave a salt; never serialised into reports.
    #[serde(skip)]
    pub salted: Option<SaltedSubjects>,
}

/// Per-category sets of salted subject hashes (128 bits, keyed with the exporter's salt by the
/// scheme the store keeps with it: [`HashScheme`](crate::HashScheme)), sorted, for exact union
/// counts across datasets by the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaltedSubjects {
    /// Category id → sorted distinct hashes of the subjects it covers.
    pub subjects: BTreeMap<String, Vec<u128>>,
    /// Precise-location category id → sorted distinct hashes of the devices it covers.
    pub devices: BTreeMap<String, Vec<u128>>,
}

/// The column that keys a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyColumn {
    /// Column name.
    pub column: String,
    /// Its category.
    pub category: String,
}

/// One column's classification.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnReport {
    /// Column name.
    pub name: String,
    /// Vocabulary id, or `None` when the column holds no personal or sensitive data.
    pub category: Option<String>,
    /// Confidence of `category` (of the best candidate when there is none), 0..1.
    pub confidence: f64,
    /// Ranked candidate categories.
    pub categories: Vec<Candidate>,
    /// Why (header keywords, validated match rates, plausibility checks); never values.
    pub evidence: Vec<Evidence>,
    /// Column statistics.
    pub stats: ColumnStats,
    /// Masked examples, only when asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<String>,
    /// For free-text columns: categories found inside the text of every row (validated
    /// identifiers, dictionary terms), with the rows holding them; counted in the dataset's
    /// `subjects` like a column of that category.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contains: Vec<Contained>,
    /// The project file's override of this column (`[[classification.column]]`), if any:
    /// `category` is then what it `becomes` (none for `not_personal_data`).
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub overridden: Option<ColumnOverride>,
}

/// A category found inside a free-text column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contained {
    /// Vocabulary id.
    pub category: String,
    /// Rows whose text holds it.
    pub rows: u64,
    /// `rows` over the column's non-empty rows, 0..1.
    pub share: f64,
}

/// An input that could not be scanned.
#[derive(Debug, Clone, Serialize)]
pub struct InputError {
    /// The input as the user named it.
    pub path: String,
    /// 1-based line, for text formats.
    pub line: Option<u64>,
    /// 1-based row, for spreadsheets and columnar files.
    pub row: Option<u64>,
    /// Why, without the path.
    pub reason: String,
    /// The full message, as a diagnostic would show it.
    #[serde(skip)]
    pub message: String,
    /// What to do about it, when there is advice (a diagnostic's help).
    #[serde(skip)]
    pub help: Option<String>,
}

impl From<&ReadError> for InputError {
    fn from(error: &ReadError) -> Self {
        let (line, row) = match error.location() {
            Location::Line(line) => (Some(line), None),
            Location::Row(row) => (None, Some(row)),
            _ => (None, None),
        };
        Self {
            path: error.path().to_owned(),
            line,
            row,
            reason: error.kind().to_string(),
            message: error.to_string(),
            help: miette::Diagnostic::help(error).map(|help| help.to_string()),
        }
    }
}
