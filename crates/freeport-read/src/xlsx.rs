//! Spreadsheets (XLSX, XLSM, XLS, ODS) through `calamine`: one dataset per worksheet, the first
//! row as the header, every cell as text.
//!
//! calamine loads a worksheet's cells into memory; worksheets are capped at 1,048,576 rows by
//! the format, so this stays bounded.

use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use calamine::{Data, Range, Reader, open_workbook_auto};

use crate::columns::{Columns, string_schema};
use crate::error::{Location, ReadError, ReadErrorKind};
use crate::{BatchReader, Format, ReadOptions, SourceInfo};

/// The worksheet names of a workbook, in workbook order.
pub(crate) fn sheet_names(name: &str, path: &Path) -> Result<Vec<String>, ReadError> {
    let workbook = open_workbook_auto(path).map_err(|e| spreadsheet_error(name, &e))?;
    Ok(workbook.sheet_names())
}

fn spreadsheet_error(name: &str, error: &calamine::Error) -> ReadError {
    match error {
        calamine::Error::Io(io) => ReadError::new(
            name,
            Location::Whole,
            ReadErrorKind::Io(std::io::Error::new(io.kind(), io.to_string())),
        ),
        other => ReadError::new(
            name,
            Location::Whole,
            ReadErrorKind::Spreadsheet(other.to_string()),
        ),
    }
}

/// One worksheet being read.
#[derive(Debug)]
pub(crate) struct XlsxReader {
    name: String,
    range: Range<Data>,
    next_row: usize,
    schema: SchemaRef,
    columns: Columns,
    batch_rows: usize,
}

/// A cell as text; integral floats print without a fraction so numeric ids keep their digits,
/// and date cells (stored as day serials, formatted as dates) print as ISO 8601 dates.
fn cell_text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty | Data::Error(_) => None,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            Some(text.clone())
        }
        Data::DateTime(date) if date.is_datetime() => Some(excel_date_text(date)),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{f:.0}")),
        other => Some(other.to_string()),
    }
}

/// An Excel date serial as `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` when it has a time of day, or
/// `HH:MM:SS` for a time alone (serial below 1). calamine applies the 1900 leap-year bug and
/// the 1904 date system.
fn excel_date_text(date: &calamine::ExcelDateTime) -> String {
    let (year, month, day, hour, minute, second, _) = date.to_ymd_hms_milli();
    let serial = date.as_f64();
    if (0.0..1.0).contains(&serial) {
        return format!("{hour:02}:{minute:02}:{second:02}");
    }
    if (hour, minute, second) == (0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    }
}

impl XlsxReader {
    pub(crate) fn new(
        name: String,
        path: &Path,
        sheet: Option<&str>,
        options: &ReadOptions,
    ) -> Result<Self, ReadError> {
        let mut workbook = open_workbook_auto(path).map_err(|e| spreadsheet_error(&name, &e))?;
        let range = match sheet {
            Some(sheet) => workbook.worksheet_range(sheet),
            None => workbook
                .worksheet_range_at(0)
                .unwrap_or(Err(calamine::Error::Msg("workbook has no worksheets"))),
        }
        .map_err(|e| spreadsheet_error(&name, &e))?;
        let width = range.width();
        // Rows to skip count non-blank rows, as for CSV.
        let blank = |row: &[Data]| {
            row.iter()
                .all(|c| cell_text(c).is_none_or(|t| t.trim().is_empty()))
        };
        let mut first = 0;
        let mut skipped = 0;
        for row in range.rows() {
            if !blank(row) {
                if skipped == options.skip_rows {
                    break;
                }
                skipped += 1;
            }
            first += 1;
        }
        let Some(row) = range.rows().nth(first) else {
            return Err(ReadError::new(&name, Location::Whole, ReadErrorKind::Empty));
        };
        let mut names: Vec<String> = if options.header {
            row.iter()
                .map(|c| cell_text(c).unwrap_or_default())
                .collect()
        } else {
            (1..=width).map(|i| format!("column_{i}")).collect()
        };
        if names.is_empty() {
            return Err(ReadError::new(&name, Location::Whole, ReadErrorKind::Empty));
        }
        names.resize(width, String::new());
        let schema = string_schema(&names);
        Ok(Self {
            name,
            range,
            next_row: first + usize::from(options.header),
            columns: Columns::new(Arc::clone(&schema)),
            schema,
            batch_rows: options.batch_rows.max(1),
        })
    }
}

impl BatchReader for XlsxReader {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn info(&self) -> SourceInfo {
        SourceInfo {
            format: Format::Spreadsheet,
            encoding: None,
            delimiter: None,
        }
    }

    fn bytes_read(&self) -> Option<u64> {
        None
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, ReadError> {
        let rows = self.range.rows().skip(self.next_row).take(self.batch_rows);
        for row in rows {
            for (column, cell) in row.iter().enumerate() {
                self.columns.push(column, cell_text(cell).as_deref());
            }
            self.columns.end_row();
        }
        self.next_row += self.columns.rows();
        if self.columns.rows() == 0 {
            return Ok(None);
        }
        self.columns.flush().map(Some).map_err(|e| {
            ReadError::new(
                &self.name,
                Location::Row(self.next_row as u64),
                ReadErrorKind::Arrow(e.to_string()),
            )
        })
    }
}
