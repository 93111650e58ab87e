//! Readers of tabular datasets into Arrow record batches of nullable UTF-8 strings: CSV/TSV
//! (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030/GBK, detected or named), JSON Lines,
//! Parquet and spreadsheets (XLSX through calamine).
//!
//! [`discover`] turns the paths a user typed (files, directories walked recursively, globs,
//! `-` for CSV or JSON Lines on stdin) into [`Input`]s, one per dataset (one per worksheet for
//! spreadsheets);
//! [`open`] gives a [`BatchReader`] over one input. Readers stream in bounded memory (CSV and
//! JSON Lines hold one batch; Parquet one row group's pages; spreadsheets one worksheet) and
//! never modify their input. Errors ([`ReadError`]) name the input, the line or row, and the
//! reason, and never carry a cell value.
//!
//! Every column is text: detection and de-identification look at values as written, and a
//! format's own types (Parquet integers, spreadsheet numbers) are rendered as text.

mod columns;
mod csv;
mod decode;
mod error;
mod jsonl;
mod parquet;
mod progress;
mod split;
mod xlsx;

use std::fmt;
use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

pub use crate::decode::TextEncoding;
pub use crate::error::{Location, ReadError, ReadErrorKind};
pub use crate::parquet::to_strings;
pub use crate::progress::{NoProgress, Progress};

/// The formats the readers understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Delimited text; the delimiter is sniffed.
    Csv,
    /// Tab-separated text.
    Tsv,
    /// One JSON object per line.
    JsonLines,
    /// Apache Parquet.
    Parquet,
    /// A spreadsheet workbook (XLSX, XLSM, XLS, ODS); one dataset per worksheet.
    Spreadsheet,
}

impl Format {
    /// The format a file extension names, if any.
    #[must_use]
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension.to_ascii_lowercase().as_str() {
            "csv" | "txt" => Some(Self::Csv),
            "tsv" | "tab" => Some(Self::Tsv),
            "jsonl" | "ndjson" | "json" => Some(Self::JsonLines),
            "parquet" | "pq" => Some(Self::Parquet),
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Some(Self::Spreadsheet),
            _ => None,
        }
    }

    /// Its short name, as reports show it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Tsv => "tsv",
            Self::JsonLines => "jsonl",
            Self::Parquet => "parquet",
            Self::Spreadsheet => "spreadsheet",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The text encoding of CSV input; detected when `None`.
    pub encoding: Option<TextEncoding>,
    /// The CSV delimiter; sniffed when `None` (tab for `.tsv`).
    pub delimiter: Option<u8>,
    /// Rows per batch (at most; CSV batches hold the records of `batch_rows` lines).
    pub batch_rows: usize,
    /// Threads that decode and parse CSV (1: on the calling thread). Results do not depend on
    /// it.
    pub threads: usize,
    /// Whether the first row read (after `skip_rows`) is a header row; without one, columns are
    /// named `column_1`, `column_2`, ... and the first row is data. CSV, TSV and spreadsheets.
    pub header: bool,
    /// Rows to skip before the header (or the first data row): title lines above a table. CSV,
    /// TSV and spreadsheets; blank lines are not counted.
    pub skip_rows: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            encoding: None,
            delimiter: None,
            batch_rows: 8192,
            threads: 1,
            header: true,
            skip_rows: 0,
        }
    }
}

/// What a reader found out about its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo {
    /// The format read.
    pub format: Format,
    /// The text encoding decoded, for text formats.
    pub encoding: Option<&'static str>,
    /// The delimiter used, for delimited text.
    pub delimiter: Option<char>,
}

/// A stream of record batches over one dataset, all with the same schema of UTF-8 columns.
pub trait BatchReader: Send + fmt::Debug {
    /// The columns, all nullable `Utf8`.
    fn schema(&self) -> SchemaRef;
    /// The format, encoding and delimiter in use.
    fn info(&self) -> SourceInfo;
    /// Raw bytes consumed from the input so far, where the reader can tell (for progress).
    fn bytes_read(&self) -> Option<u64>;
    /// The next batch, or `None` at the end.
    ///
    /// # Errors
    ///
    /// The input cannot be read or is malformed; the error names the line or row.
    fn next_batch(&mut self) -> Result<Option<RecordBatch>, ReadError>;
}

/// Where an input's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Standard input (CSV, or JSON Lines when it starts with `{`; can be read once).
    Stdin,
    /// A file.
    File(PathBuf),
}

/// Which dataset an input is: a file (or standard input), and for workbooks one worksheet.
/// Shown as the path, `-` for standard input, `book.xlsx#Sheet1` for a worksheet; kept typed so
/// that nobody parses that text back (a file name may hold a `#`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DatasetId {
    /// The file; `None` for standard input.
    pub file: Option<PathBuf>,
    /// The worksheet, for spreadsheets.
    pub sheet: Option<String>,
}

impl fmt::Display for DatasetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(path) => write!(f, "{}", path.display())?,
            None => f.write_str("-")?,
        }
        match &self.sheet {
            Some(sheet) => write!(f, "#{sheet}"),
            None => Ok(()),
        }
    }
}

/// One dataset to read: a file (or stdin), in a format, and for workbooks one worksheet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Input {
    /// Where the bytes come from.
    pub source: Source,
    /// Its format.
    pub format: Format,
    /// The worksheet, for spreadsheets.
    pub sheet: Option<String>,
}

impl Input {
    /// Which dataset this is.
    #[must_use]
    pub fn id(&self) -> DatasetId {
        DatasetId {
            file: match &self.source {
                Source::Stdin => None,
                Source::File(path) => Some(path.clone()),
            },
            sheet: self.sheet.clone(),
        }
    }

    /// The input as a path to show: the file path, `-` for stdin, `book.xlsx#Sheet1` for a
    /// worksheet ([`DatasetId`]'s display).
    #[must_use]
    pub fn display_name(&self) -> String {
        self.id().to_string()
    }

    /// Whether the input can be opened again (files can, stdin cannot).
    #[must_use]
    pub const fn is_rereadable(&self) -> bool {
        matches!(self.source, Source::File(_))
    }

    /// The size of the file in bytes, when known.
    #[must_use]
    pub fn size(&self) -> Option<u64> {
        match &self.source {
            Source::Stdin => None,
            Source::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }
}

/// The inputs named by `paths`: files as given, directories walked recursively (sorted, hidden
/// entries and files of unknown format skipped), globs expanded (sorted), `-` as CSV on stdin,
/// and spreadsheets split into worksheets. Paths that fail are returned as errors, in order,
/// beside the inputs that worked.
#[must_use]
pub fn discover<S: AsRef<str>>(paths: &[S]) -> (Vec<Input>, Vec<ReadError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let path = path.as_ref();
        if path == "-" {
            inputs.push(Input {
                source: Source::Stdin,
                format: Format::Csv,
                sheet: None,
            });
            continue;
        }
        let literal = Path::new(path);
        if literal.is_dir() {
            walk(literal, &mut inputs, &mut errors);
        } else if literal.exists() {
            add_file(literal, path, true, &mut inputs, &mut errors);
        } else if path.contains(['*', '?', '[']) {
            expand_glob(path, &mut inputs, &mut errors);
        } else {
            errors.push(ReadError::new(
                path,
                Location::Whole,
                ReadErrorKind::NotFound,
            ));
        }
    }
    (inputs, errors)
}

/// Adds the files under `dir`; a directory with none we read (and no error) is an error itself,
/// so that scanning an empty directory never passes silently.
fn walk(dir: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<ReadError>) {
    let (found, failed) = (inputs.len(), errors.len());
    walk_files(dir, inputs, errors);
    if inputs.len() == found && errors.len() == failed {
        errors.push(ReadError::new(
            dir.display().to_string(),
            Location::Whole,
            ReadErrorKind::EmptyDirectory,
        ));
    }
}

fn walk_files(dir: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<ReadError>) {
    let entries = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        });
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let name = entry.path().display().to_string();
                add_file(entry.path(), &name, false, inputs, errors);
            }
            Ok(_) => {}
            Err(error) => {
                let name = error
                    .path()
                    .map_or_else(|| dir.display().to_string(), |p| p.display().to_string());
                let io = std::io::Error::other(error.to_string());
                errors.push(ReadError::new(name, Location::Whole, ReadErrorKind::Io(io)));
            }
        }
    }
}

fn expand_glob(pattern: &str, inputs: &mut Vec<Input>, errors: &mut Vec<ReadError>) {
    let paths = match glob::glob(pattern) {
        Ok(paths) => paths,
        Err(error) => {
            errors.push(ReadError::new(
                pattern,
                Location::Whole,
                ReadErrorKind::Glob(error.to_string()),
            ));
            return;
        }
    };
    let mut matched: Vec<PathBuf> = Vec::new();
    for path in paths {
        match path {
            Ok(path) => matched.push(path),
            Err(error) => {
                let name = error.path().display().to_string();
                errors.push(ReadError::new(
                    name,
                    Location::Whole,
                    ReadErrorKind::Io(error.into()),
                ));
            }
        }
    }
    if matched.is_empty() {
        errors.push(ReadError::new(
            pattern,
            Location::Whole,
            ReadErrorKind::NotFound,
        ));
    }
    matched.sort();
    for path in matched {
        if path.is_dir() {
            walk(&path, inputs, errors);
        } else {
            let name = path.display().to_string();
            add_file(&path, &name, false, inputs, errors);
        }
    }
}

fn add_file(
    path: &Path,
    name: &str,
    explicit: bool,
    inputs: &mut Vec<Input>,
    errors: &mut Vec<ReadError>,
) {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(format) = Format::from_extension(&extension) else {
        if explicit {
            let shown = if extension.is_empty() {
                "(no extension)".to_owned()
            } else {
                format!(".{extension}")
            };
            errors.push(ReadError::new(
                name,
                Location::Whole,
                ReadErrorKind::Unsupported(shown),
            ));
        }
        return;
    };
    if format == Format::Spreadsheet {
        match xlsx::sheet_names(name, path) {
            Ok(sheets) => inputs.extend(sheets.into_iter().map(|sheet| Input {
                source: Source::File(path.to_path_buf()),
                format,
                sheet: Some(sheet),
            })),
            Err(error) => errors.push(error),
        }
        return;
    }
    inputs.push(Input {
        source: Source::File(path.to_path_buf()),
        format,
        sheet: None,
    });
}

/// Opens one input for reading.
///
/// # Errors
///
/// The file cannot be opened, its header cannot be read, or (for JSON Lines, whose columns are
/// collected in a first pass) any line is malformed.
pub fn open(input: &Input, options: &ReadOptions) -> Result<Box<dyn BatchReader>, ReadError> {
    let name = input.display_name();
    match (&input.source, input.format) {
        (Source::Stdin, Format::Csv | Format::Tsv) => {
            let (stdin, json) = sniff_stdin(&name, Box::new(std::io::stdin()))?;
            if json {
                return Ok(Box::new(jsonl::JsonLinesReader::new(name, stdin, options)?));
            }
            Ok(Box::new(csv::CsvReader::new(
                name,
                stdin,
                input.format,
                options,
            )?))
        }
        (Source::Stdin, Format::JsonLines) => Ok(Box::new(jsonl::JsonLinesReader::new(
            name,
            Box::new(std::io::stdin()),
            options,
        )?)),
        (Source::Stdin, _) => Err(ReadError::new(
            name,
            Location::Whole,
            ReadErrorKind::StdinNotCsv,
        )),
        (Source::File(path), Format::Csv | Format::Tsv) => {
            let file = std::fs::File::open(path)
                .map_err(|e| ReadError::new(&name, Location::Whole, ReadErrorKind::Io(e)))?;
            Ok(Box::new(csv::CsvReader::new(
                name,
                Box::new(file),
                input.format,
                options,
            )?))
        }
        (Source::File(path), Format::JsonLines) => {
            let file = std::fs::File::open(path)
                .map_err(|e| ReadError::new(&name, Location::Whole, ReadErrorKind::Io(e)))?;
            Ok(Box::new(jsonl::JsonLinesReader::new(
                name,
                Box::new(file),
                options,
            )?))
        }
        (Source::File(path), Format::Parquet) => {
            Ok(Box::new(parquet::ParquetReader::new(name, path, options)?))
        }
        (Source::File(path), Format::Spreadsheet) => Ok(Box::new(xlsx::XlsxReader::new(
            name,
            path,
            input.sheet.as_deref(),
            options,
        )?)),
    }
}

/// Whether standard input holds JSON Lines (its first byte after blanks and a UTF-8 BOM is
/// `{`; a CSV header does not start with a brace) rather than CSV, and the stream to read,
/// with the bytes looked at put back in front.
fn sniff_stdin(
    name: &str,
    mut stdin: Box<dyn std::io::Read + Send>,
) -> Result<(Box<dyn std::io::Read + Send>, bool), ReadError> {
    let mut head = Vec::new();
    let mut block = [0u8; 8192];
    let json = loop {
        let read = match stdin.read(&mut block) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::new(name, Location::Whole, ReadErrorKind::Io(e))),
        };
        head.extend_from_slice(block.get(..read).unwrap_or_default());
        let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
        if let Some(first) = text.iter().find(|b| !b.is_ascii_whitespace()) {
            break *first == b'{';
        }
        if read == 0 {
            break false;
        }
    };
    let stream: Box<dyn std::io::Read + Send> =
        Box::new(std::io::Read::chain(std::io::Cursor::new(head), stdin));
    Ok((stream, json))
}

/// Opens CSV from any byte source (a network stream, an in-memory buffer, a fuzzer's input).
///
/// # Errors
///
/// As [`open`].
pub fn open_csv_reader(
    name: &str,
    reader: Box<dyn std::io::Read + Send>,
    options: &ReadOptions,
) -> Result<Box<dyn BatchReader>, ReadError> {
    Ok(Box::new(csv::CsvReader::new(
        name.to_owned(),
        reader,
        Format::Csv,
        options,
    )?))
}

/// Parses an encoding label for [`ReadOptions::encoding`].
///
/// # Errors
///
/// No encoding has that label.
pub fn parse_encoding(label: &str) -> Result<TextEncoding, ReadError> {
    TextEncoding::from_label(label).ok_or_else(|| {
        ReadError::new(
            "--encoding",
            Location::Whole,
            ReadErrorKind::UnknownEncoding(label.to_owned()),
        )
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn a_dataset_id_shows_as_the_scan_names_it_and_keeps_a_hash_in_a_file_name() {
        let sheet = Input {
            source: Source::File(PathBuf::from("q#3/book.xlsx")),
            format: Format::Spreadsheet,
            sheet: Some("Sheet 1".to_owned()),
        };
        assert_eq!(sheet.display_name(), "q#3/book.xlsx#Sheet 1");
        assert_eq!(sheet.id().file.as_deref(), Some(Path::new("q#3/book.xlsx")));
        assert_eq!(sheet.id().sheet.as_deref(), Some("Sheet 1"));
        let stdin = Input {
            source: Source::Stdin,
            format: Format::Csv,
            sheet: None,
        };
        assert_eq!(stdin.display_name(), "-");
        assert_eq!(stdin.id(), DatasetId::default());
    }

    fn sniff(bytes: &[u8]) -> (Vec<u8>, bool) {
        let source: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(bytes.to_vec()));
        let (mut stream, json) = sniff_stdin("-", source).unwrap();
        let mut back = Vec::new();
        stream.read_to_end(&mut back).unwrap();
        (back, json)
    }

    #[test]
    fn stdin_is_json_lines_when_it_starts_with_a_brace() {
        for (bytes, json) in [
            (b"{\"a\":1}\n".as_slice(), true),
            (b"\xef\xbb\xbf \n\n  {\"a\":1}\n".as_slice(), true),
            (b"a,b\n1,2\n".as_slice(), false),
            (b"".as_slice(), false),
            (b"  \n".as_slice(), false),
        ] {
            // Whatever was looked at is handed on unchanged.
            assert_eq!(sniff(bytes), (bytes.to_vec(), json));
        }
        let mut long = vec![b' '; 20_000];
        long.extend_from_slice(b"{\"a\":1}\n");
        assert_eq!(sniff(&long), (long.clone(), true));
    }

    #[test]
    fn json_lines_read_from_any_stream() {
        let source: Box<dyn Read + Send> =
            Box::new(std::io::Cursor::new(b"{\"a\":1}\n{\"b\":\"x\"}\n".to_vec()));
        let mut reader =
            jsonl::JsonLinesReader::new("-".to_owned(), source, &ReadOptions::default()).unwrap();
        assert_eq!(reader.schema().fields().len(), 2);
        let batch = reader.next_batch().unwrap().unwrap();
        assert_eq!(batch.num_rows(), 2);
        assert!(reader.next_batch().unwrap().is_none());
        assert_eq!(reader.info().format, Format::JsonLines);
    }
}
