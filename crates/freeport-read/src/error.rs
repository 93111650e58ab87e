//! Errors of the readers: every one names the input, where in it (line or row) and why, and
//! never carries a cell value.

use std::fmt;

use miette::Diagnostic;

/// Where in an input a problem was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Location {
    /// Somewhere in the input, or the input as a whole.
    #[default]
    Whole,
    /// A 1-based physical line of a text file.
    Line(u64),
    /// A 1-based row of a spreadsheet or a record of a columnar file.
    Row(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Whole => Ok(()),
            Self::Line(line) => write!(f, " at line {line}"),
            Self::Row(row) => write!(f, " at row {row}"),
        }
    }
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The operating system refused to open or read it.
    #[error("{0}")]
    Io(#[source] std::io::Error),
    /// The path does not exist and is not a glob that matches anything.
    #[error("no such file, directory or matching glob")]
    NotFound,
    /// The glob pattern is malformed.
    #[error("invalid glob pattern: {0}")]
    Glob(String),
    /// The file's extension names no format we read.
    #[error("unsupported format `{0}`")]
    Unsupported(String),
    /// An `--encoding` label that no encoding has.
    #[error("unknown encoding `{0}`")]
    UnknownEncoding(String),
    /// Bytes that are not valid in the encoding being decoded.
    #[error("bytes are not valid {0}")]
    Encoding(&'static str),
    /// A CSV record with a different number of fields than the header.
    #[error("row has {found} fields but the header has {expected}")]
    Ragged {
        /// Fields in the header.
        expected: usize,
        /// Fields in the offending record.
        found: usize,
    },
    /// A file with no header row.
    #[error("file is empty: no header row")]
    Empty,
    /// A JSON Lines line that is not valid JSON (the parser's message names no values).
    #[error("invalid JSON: {0}")]
    Json(String),
    /// A JSON Lines line that is valid JSON but not an object.
    #[error("line is not a JSON object")]
    NotAnObject,
    /// A Parquet file the parquet reader rejects.
    #[error("invalid Parquet: {0}")]
    Parquet(String),
    /// A spreadsheet the XLSX reader rejects.
    #[error("invalid spreadsheet: {0}")]
    Spreadsheet(String),
    /// An Arrow error while building or converting batches.
    #[error("cannot build Arrow batch: {0}")]
    Arrow(String),
    /// Stdin holds CSV or JSON Lines only.
    #[error("standard input is read as CSV or JSON Lines only")]
    StdinNotCsv,
    /// The header row holds data, not column names (the file has no header row, or the header
    /// is further down). Names the column by position and the reason, never the cell.
    #[error("the header row looks like data: its column {column} {reason}")]
    HeaderIsData {
        /// 1-based position of the first cell that looks like data.
        column: usize,
        /// Why, e.g. "passes the cn.mobile validator" (never the value).
        reason: String,
    },
    /// A directory holds no file in a format we read.
    #[error("directory holds no file in a format freeport reads")]
    EmptyDirectory,
}

/// An input that could not be read, found, or decoded.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot read `{path}`{location}: {kind}")]
#[diagnostic(code(freeport::read))]
pub struct ReadError {
    path: String,
    location: Location,
    #[source]
    kind: Box<ReadErrorKind>,
    #[help]
    help: Option<String>,
}

impl ReadError {
    /// A new error about `path`.
    pub(crate) fn new(path: impl Into<String>, location: Location, kind: ReadErrorKind) -> Self {
        let help = match &kind {
            ReadErrorKind::Encoding(_) => Some(
                "the file was read in the encoding it most likely is (or the one `--encoding` named) and holds an invalid byte on that line: fix the byte, or name the file's encoding with `--encoding`, e.g. `--encoding gb18030` or `--encoding utf-8`"
                    .to_owned(),
            ),
            ReadErrorKind::UnknownEncoding(_) => Some(
                "use a WHATWG encoding label such as `utf-8`, `gbk`, `gb18030`, `big5` or `utf-16le`"
                    .to_owned(),
            ),
            ReadErrorKind::Unsupported(_) => Some(
                "supported: .csv .tsv .txt .jsonl .ndjson .json .parquet .xlsx .xlsm .xls .ods, and `-` for CSV on stdin"
                    .to_owned(),
            ),
            ReadErrorKind::HeaderIsData { .. } => Some(
                "pass `--no-header` if the file has no header row (columns are then named column_1, column_2, ...), or `--header-row N` if the header is on row N"
                    .to_owned(),
            ),
            ReadErrorKind::EmptyDirectory => Some(
                "supported: .csv .tsv .txt .jsonl .ndjson .json .parquet .xlsx .xlsm .xls .ods (hidden files are skipped)"
                    .to_owned(),
            ),
            ReadErrorKind::Ragged { .. } => {
                Some("every row must have as many fields as the header; check quoting".to_owned())
            }
            _ => None,
        };
        Self {
            path: path.into(),
            location,
            kind: Box::new(kind),
            help,
        }
    }

    /// A header row whose cell in `column` (1-based) looks like data, for `reason` (which must
    /// not quote the cell).
    #[must_use]
    pub fn header_is_data(
        path: impl Into<String>,
        column: usize,
        reason: impl Into<String>,
    ) -> Self {
        Self::new(
            path,
            Location::Whole,
            ReadErrorKind::HeaderIsData {
                column,
                reason: reason.into(),
            },
        )
    }

    /// The input the error is about, as the user named it (`-` for stdin).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Where in the input.
    #[must_use]
    pub const fn location(&self) -> Location {
        self.location
    }

    /// Why.
    #[must_use]
    pub fn kind(&self) -> &ReadErrorKind {
        &self.kind
    }

    /// The reason alone, without the path (for reports that list the path separately).
    #[must_use]
    pub fn reason(&self) -> String {
        let location = self.location.to_string();
        let location = location.trim_start();
        if location.is_empty() {
            self.kind.to_string()
        } else {
            format!("{location}: {}", self.kind)
        }
    }
}
