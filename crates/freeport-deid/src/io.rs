//! Files in and out. Input goes through the Scan readers (`freeport-read`: CSV/TSV in UTF-8 or
//! GB18030/GBK, JSON Lines, Parquet, spreadsheets → Arrow string batches) and is interned
//! column by column into the engine's dictionary-encoded [`Table`]; output is CSV/TSV, Parquet
//! or JSON Lines, chosen by the output's extension or explicitly, written to a temporary file
//! beside the target and renamed. The only module that knows file formats.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use freeport_read::{Format, Input, ReadError, ReadOptions, Source, SourceInfo, TextEncoding};

use crate::error::{Error, Result};
use crate::table::{Column, ColumnBuilder, RowNames, Table, TableBuilder};

/// Guesses a hierarchy file's delimiter from its first line: the most frequent of `,`, `;` and
/// tab outside double quotes, `,` when none occurs.
#[must_use]
pub fn sniff_delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// How to read the input.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// Text encoding of CSV/TSV input; detected (UTF-8, UTF-16 with BOM, GB18030) when `None`.
    pub encoding: Option<TextEncoding>,
    /// The worksheet of a workbook; required when the workbook has more than one.
    pub sheet: Option<String>,
}

/// A table read from a dataset, with what the reader found out about it.
#[derive(Debug)]
pub struct ReadTable {
    /// The table.
    pub table: Table,
    /// Format, encoding and delimiter of the input.
    pub info: SourceInfo,
}

/// Rows per batch asked of the readers: large enough that per-batch costs vanish, small enough
/// that the batch in flight stays a few MB.
const BATCH_ROWS: usize = 16_384;

/// Reads a dataset in any format the Scan readers know (`-` is CSV on standard input).
///
/// Parsing runs on its own thread and hands batches to this one, which interns them, so the
/// two stages overlap on two cores. Memory: one `u32` per cell, each distinct value once, and
/// a few batches in flight.
///
/// # Errors
///
/// An unknown extension, a workbook sheet that is missing or not chosen, a duplicate column
/// name, or any reader error (which names the input and line or row, never a value).
pub fn read_table(path: &Path, options: &InputOptions) -> Result<ReadTable> {
    let input = resolve_input(path, options)?;
    let read_options = ReadOptions {
        encoding: options.encoding,
        delimiter: None,
        batch_rows: BATCH_ROWS,
        ..ReadOptions::default()
    };
    let mut reader = freeport_read::open(&input, &read_options).map_err(Error::read)?;
    let info = reader.info();
    let names: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    check_unique_names(&names, &input.display_name())?;
    let row_names = match input.format {
        Format::Csv | Format::Tsv => RowNames::Lines,
        _ => RowNames::Records,
    };
    let mut builder = TableBuilder::new(names).row_names(row_names);
    let name = input.display_name();
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) =
            std::sync::mpsc::sync_channel::<std::result::Result<RecordBatch, ReadError>>(4);
        let parser = scope.spawn(move || {
            loop {
                let next = match reader.next_batch() {
                    Ok(Some(batch)) => Ok(batch),
                    Ok(None) => return,
                    Err(e) => Err(e),
                };
                let failed = next.is_err();
                // A closed channel means the interning side stopped on an error of its own.
                if tx.send(next).is_err() || failed {
                    return;
                }
            }
        });
        for batch in &rx {
            append_batch(&mut builder, &batch.map_err(Error::read)?, &name)?;
        }
        parser
            .join()
            .map_err(|_| Error::input(format!("the reader of `{name}` stopped unexpectedly"), None))
    })?;
    Ok(ReadTable {
        table: builder.finish(),
        info,
    })
}

/// The one dataset `path` names, with its worksheet for workbooks.
fn resolve_input(path: &Path, options: &InputOptions) -> Result<Input> {
    if path.as_os_str() == "-" {
        return Ok(Input {
            source: Source::Stdin,
            format: Format::Csv,
            sheet: None,
        });
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(format) = Format::from_extension(&extension) else {
        return Err(Error::input(
            format!(
                "cannot tell the format of `{}` from its extension",
                path.display()
            ),
            Some(
                "supported: .csv .tsv .txt .jsonl .ndjson .json .parquet .xlsx .xlsm .xls .ods, and `-` for CSV on stdin"
                    .into(),
            ),
        ));
    };
    if format != Format::Spreadsheet {
        if options.sheet.is_some() {
            return Err(Error::input(
                format!(
                    "`{}` is {}, not a workbook: a worksheet cannot be chosen",
                    path.display(),
                    format.name()
                ),
                None,
            ));
        }
        return Ok(Input {
            source: Source::File(path.to_owned()),
            format,
            sheet: None,
        });
    }
    let Some(text) = path.to_str() else {
        return Err(Error::input(
            format!("the workbook path `{}` is not valid UTF-8", path.display()),
            None,
        ));
    };
    let (inputs, errors) = freeport_read::discover(&[text]);
    if let Some(e) = errors.into_iter().next() {
        return Err(Error::read(e));
    }
    let sheets: Vec<&str> = inputs.iter().filter_map(|i| i.sheet.as_deref()).collect();
    let listed = sheets
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let chosen = match &options.sheet {
        Some(want) => inputs
            .iter()
            .position(|i| i.sheet.as_deref() == Some(want.as_str()))
            .ok_or_else(|| {
                Error::input(
                    format!("workbook `{}` has no worksheet `{want}`", path.display()),
                    Some(format!("its worksheets: {listed}")),
                )
            })?,
        None if inputs.len() == 1 => 0,
        None => {
            return Err(Error::input(
                format!(
                    "workbook `{}` has {} worksheets; say which one to de-identify",
                    path.display(),
                    inputs.len()
                ),
                Some(format!(
                    "choose with `--sheet NAME`; its worksheets: {listed}"
                )),
            ));
        }
    };
    inputs.into_iter().nth(chosen).ok_or_else(|| {
        Error::input(
            format!("workbook `{}` has no worksheets", path.display()),
            None,
        )
    })
}

fn check_unique_names(names: &[String], input: &str) -> Result<()> {
    let mut seen = std::collections::BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(first) = seen.insert(name.as_str(), i) {
            return Err(Error::input(
                format!(
                    "`{input}` has two columns called `{name}` (columns {} and {})",
                    first + 1,
                    i + 1
                ),
                Some("rename one: the configuration names columns by header".into()),
            ));
        }
    }
    Ok(())
}

/// Interns one batch, column by column, straight from the Arrow string buffers.
fn append_batch(builder: &mut TableBuilder, batch: &RecordBatch, input: &str) -> Result<()> {
    let rows = batch.num_rows();
    for (column, array) in builder.columns_mut().iter_mut().zip(batch.columns()) {
        append_array(column, array.as_ref()).ok_or_else(|| {
            Error::input(
                format!(
                    "`{input}`: the reader gave a column of type {} instead of text",
                    array.data_type()
                ),
                None,
            )
        })?;
    }
    builder.add_rows(rows);
    Ok(())
}

/// Appends an Arrow text array (nulls as empty strings); `None` for a non-text array.
fn append_array(column: &mut ColumnBuilder, array: &dyn Array) -> Option<()> {
    column.reserve(array.len());
    if let Some(a) = array.as_string_opt::<i32>() {
        a.iter().for_each(|v| column.push(v.unwrap_or("")));
    } else if let Some(a) = array.as_string_opt::<i64>() {
        a.iter().for_each(|v| column.push(v.unwrap_or("")));
    } else if let Some(a) = array.as_string_view_opt() {
        a.iter().for_each(|v| column.push(v.unwrap_or("")));
    } else {
        return None;
    }
    Some(())
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Delimited text with a header line: the input's delimiter when it was delimited text
    /// (`,`, `;` or `|`), `,` otherwise.
    Csv,
    /// Tab-separated text with a header line.
    Tsv,
    /// Apache Parquet, one nullable UTF-8 column per output column, zstd-compressed.
    Parquet,
    /// One JSON object per line, keys in column order.
    JsonLines,
}

impl OutputFormat {
    /// The format an output file extension names.
    #[must_use]
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension.to_ascii_lowercase().as_str() {
            "csv" | "txt" => Some(Self::Csv),
            "tsv" | "tab" => Some(Self::Tsv),
            "parquet" | "pq" => Some(Self::Parquet),
            "jsonl" | "ndjson" | "json" => Some(Self::JsonLines),
            _ => None,
        }
    }

    /// The format for `path`: `explicit` if given, else from the extension.
    ///
    /// # Errors
    ///
    /// No explicit format and an extension that names none.
    pub fn for_path(path: &Path, explicit: Option<Self>) -> Result<Self> {
        if let Some(f) = explicit {
            return Ok(f);
        }
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::from_extension(&extension).ok_or_else(|| {
            Error::input(
                format!("cannot tell the output format from `{}`", path.display()),
                Some(
                    "end the name in .csv, .tsv, .parquet or .jsonl, or pass --output-format"
                        .into(),
                ),
            )
        })
    }

    /// Its short name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Tsv => "tsv",
            Self::Parquet => "parquet",
            Self::JsonLines => "jsonl",
        }
    }
}

/// Rows per Parquet record batch (and row group granularity) when writing.
const WRITE_BATCH_ROWS: usize = 65_536;

/// Writes the kept rows of `columns` to `path` in `format`, atomically. `input` says what was
/// read (its delimiter is kept for CSV output). Empty cells are nulls in Parquet and JSON Lines,
/// as the readers treat them.
///
/// # Errors
///
/// Any I/O or encoding error; the temporary file is removed and `path` left as it was.
pub fn write_table(
    path: &Path,
    format: OutputFormat,
    input: Option<&SourceInfo>,
    columns: &[Column],
    row_kept: &[bool],
) -> Result<()> {
    match format {
        OutputFormat::Csv | OutputFormat::Tsv => {
            let delimiter = if format == OutputFormat::Tsv {
                b'\t'
            } else {
                match input.and_then(|i| i.delimiter) {
                    Some(d @ (',' | ';' | '|')) => d as u8,
                    _ => b',',
                }
            };
            write_atomically(path, |w| write_csv(w, delimiter, columns, row_kept))
        }
        OutputFormat::JsonLines => write_atomically(path, |w| write_jsonl(w, columns, row_kept)),
        OutputFormat::Parquet => write_atomically(path, |w| write_parquet(w, columns, row_kept)),
    }
}

fn kept_rows(row_kept: &[bool]) -> impl Iterator<Item = usize> + '_ {
    row_kept
        .iter()
        .enumerate()
        .filter(|(_, k)| **k)
        .map(|(r, _)| r)
}

fn cell(column: &Column, row: usize) -> &str {
    column.value(row).unwrap_or("")
}

fn write_csv(
    w: &mut BufWriter<&mut File>,
    delimiter: u8,
    columns: &[Column],
    row_kept: &[bool],
) -> std::io::Result<()> {
    let mut csv = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(w);
    csv.write_record(columns.iter().map(|c| c.name.as_str()))?;
    for r in kept_rows(row_kept) {
        csv.write_record(columns.iter().map(|c| cell(c, r)))?;
    }
    csv.flush()
}

fn write_jsonl(
    w: &mut BufWriter<&mut File>,
    columns: &[Column],
    row_kept: &[bool],
) -> std::io::Result<()> {
    // Each distinct value is JSON-encoded once; rows are then concatenations of bytes.
    let keys: Vec<Vec<u8>> = columns
        .iter()
        .map(|c| {
            serde_json::to_vec(&c.name).map(|mut k| {
                k.push(b':');
                k
            })
        })
        .collect::<Result<_, _>>()?;
    let values: Vec<Vec<Vec<u8>>> = columns
        .iter()
        .map(|c| {
            c.dictionary
                .iter()
                .map(|v| {
                    if v.is_empty() {
                        Ok(b"null".to_vec())
                    } else {
                        serde_json::to_vec(v)
                    }
                })
                .collect::<Result<_, _>>()
        })
        .collect::<Result<_, _>>()?;
    for r in kept_rows(row_kept) {
        w.write_all(b"{")?;
        for (i, (column, key)) in columns.iter().zip(&keys).enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            w.write_all(key)?;
            let value = column
                .codes
                .get(r)
                .and_then(|&c| values[i].get(c as usize))
                .map_or(&b"null"[..], Vec::as_slice);
            w.write_all(value)?;
        }
        w.write_all(b"}\n")?;
    }
    Ok(())
}

fn write_parquet(
    w: &mut BufWriter<&mut File>,
    columns: &[Column],
    row_kept: &[bool],
) -> std::io::Result<()> {
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::WriterProperties;

    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|c| Field::new(c.name.as_str(), DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let mut writer =
        ArrowWriter::try_new(w, Arc::clone(&schema), Some(props)).map_err(std::io::Error::other)?;
    let rows: Vec<usize> = kept_rows(row_kept).collect();
    for chunk in rows.chunks(WRITE_BATCH_ROWS) {
        let arrays: Vec<ArrayRef> = columns
            .iter()
            .map(|c| {
                let bytes: usize = chunk.iter().map(|&r| cell(c, r).len()).sum();
                let mut b = StringBuilder::with_capacity(chunk.len(), bytes);
                for &r in chunk {
                    match cell(c, r) {
                        "" => b.append_null(),
                        v => b.append_value(v),
                    }
                }
                Arc::new(b.finish()) as ArrayRef
            })
            .collect();
        let batch =
            RecordBatch::try_new(Arc::clone(&schema), arrays).map_err(std::io::Error::other)?;
        writer.write(&batch).map_err(std::io::Error::other)?;
    }
    writer.close().map_err(std::io::Error::other)?;
    Ok(())
}

/// Writes a file through `write` into a temporary sibling, then renames it over `path`
/// ([`freeport_util::write_atomic_with`]: fsync'd, the directory too).
///
/// # Errors
///
/// Any I/O error; the temporary file is removed.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&mut File>) -> std::io::Result<()>,
) -> Result<()> {
    freeport_util::write_atomic_with(path, write).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_three_delimiters() {
        assert_eq!(sniff_delimiter("a,b,c"), b',');
        assert_eq!(sniff_delimiter("a;b;c"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\"a;x\",b,c"), b',');
        assert_eq!(sniff_delimiter("single"), b',');
    }

    #[test]
    fn atomic_write_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.csv");
        write_atomically(&p, |w| w.write_all(b"x\n1\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "x\n1\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failed_write_keeps_the_old_file_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.csv");
        std::fs::write(&p, "old").unwrap();
        let e = write_atomically(&p, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(e.is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn output_format_from_extension_or_explicit() {
        let f = |p: &str| OutputFormat::for_path(Path::new(p), None);
        assert_eq!(f("a.CSV").unwrap(), OutputFormat::Csv);
        assert_eq!(f("a.tsv").unwrap(), OutputFormat::Tsv);
        assert_eq!(f("a.parquet").unwrap(), OutputFormat::Parquet);
        assert_eq!(f("a.ndjson").unwrap(), OutputFormat::JsonLines);
        let e = f("a.out").unwrap_err().to_string();
        assert!(
            e.contains("cannot tell the output format from `a.out`"),
            "{e}"
        );
        assert_eq!(
            OutputFormat::for_path(Path::new("a.out"), Some(OutputFormat::Parquet)).unwrap(),
            OutputFormat::Parquet
        );
    }

    #[test]
    fn duplicate_column_names_are_refused() {
        let e = check_unique_names(&["a".into(), "b".into(), "a".into()], "in.csv")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("two columns called `a` (columns 1 and 3)"),
            "{e}"
        );
    }
}
