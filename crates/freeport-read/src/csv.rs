//! CSV and TSV: encoding detection (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030/GBK),
//! delimiter sniffing, and streaming into string batches with ragged rows reported by line.

use std::io::{self, Cursor, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::columns::{Columns, string_schema};
use crate::decode::{self, CountingReader, DecodingReader, Malformed, TextEncoding};
use crate::error::{Location, ReadError, ReadErrorKind};
use crate::{BatchReader, Format, ReadOptions, SourceInfo};

/// A CSV source being read.
pub(crate) struct CsvReader {
    name: String,
    reader: csv::Reader<Box<dyn Read + Send>>,
    schema: SchemaRef,
    columns: Columns,
    record: csv::StringRecord,
    batch_rows: usize,
    info: SourceInfo,
    consumed: Arc<AtomicU64>,
    done: bool,
}

impl std::fmt::Debug for CsvReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvReader")
            .field("name", &self.name)
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// Candidate delimiters, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// The delimiter that splits the first lines of `sample` into the same number of fields,
/// most fields first; `,` when nothing is consistent.
pub(crate) fn sniff_delimiter(sample: &[u8]) -> u8 {
    let mut best = (b',', 0usize, false);
    for delimiter in DELIMITERS {
        let counts = field_counts(sample, delimiter);
        let Some(&first) = counts.first() else {
            continue;
        };
        let consistent = counts.iter().all(|&c| c == first);
        let better = match (consistent, best.2) {
            (true, false) => first > 0,
            (false, true) => false,
            _ => first > best.1,
        };
        if better && first > 0 {
            best = (delimiter, first, consistent);
        }
    }
    best.0
}

/// Delimiters per line outside double quotes, for up to 20 complete lines.
fn field_counts(sample: &[u8], delimiter: u8) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut in_quotes = false;
    let mut count = 0;
    for &b in sample {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                counts.push(count);
                count = 0;
                if counts.len() == 20 {
                    break;
                }
            }
            _ if b == delimiter && !in_quotes => count += 1,
            _ => {}
        }
    }
    if counts.is_empty() {
        counts.push(count);
    }
    counts
}

impl CsvReader {
    pub(crate) fn new(
        name: String,
        mut source: Box<dyn Read + Send>,
        format: Format,
        options: &ReadOptions,
    ) -> Result<Self, ReadError> {
        let io_error = |e: io::Error| ReadError::new(&name, Location::Whole, ReadErrorKind::Io(e));
        let mut prefix = Vec::with_capacity(decode::SNIFF_BYTES);
        (&mut source)
            .take(decode::SNIFF_BYTES as u64)
            .read_to_end(&mut prefix)
            .map_err(io_error)?;
        let whole_file = prefix.len() < decode::SNIFF_BYTES;
        let (detected, bom) = decode::detect(&prefix, whole_file);
        let encoding = options.encoding.unwrap_or(detected);
        // Drop a BOM only when it belongs to the encoding being decoded.
        let bom = if encoding == detected { bom } else { 0 };
        let consumed = Arc::new(AtomicU64::new(prefix.len() as u64));
        let body = prefix.split_off(bom.min(prefix.len()));
        let delimiter = options.delimiter.unwrap_or(match format {
            Format::Tsv => b'\t',
            _ => sniff_delimiter(&body),
        });
        let rest = CountingReader::new(source, Arc::clone(&consumed));
        let raw = Cursor::new(body).chain(rest);
        let text: Box<dyn Read + Send> = if encoding == TextEncoding::UTF_8 {
            Box::new(raw)
        } else {
            Box::new(DecodingReader::new(raw, encoding))
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(256 * 1024)
            .from_reader(text);
        let mut header = csv::ByteRecord::new();
        let info = SourceInfo {
            format,
            encoding: Some(encoding.name()),
            delimiter: Some(char::from(delimiter)),
        };
        if !reader
            .read_byte_record(&mut header)
            .map_err(|e| csv_error(&name, e, 1))?
        {
            return Err(ReadError::new(&name, Location::Whole, ReadErrorKind::Empty));
        }
        let names = header
            .iter()
            .map(|field| {
                std::str::from_utf8(field).map_err(|_| {
                    ReadError::new(
                        &name,
                        Location::Line(1),
                        ReadErrorKind::Encoding(encoding.name()),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let schema = string_schema(&names);
        Ok(Self {
            name,
            reader,
            columns: Columns::new(Arc::clone(&schema)),
            schema,
            record: csv::StringRecord::new(),
            batch_rows: options.batch_rows.max(1),
            info,
            consumed,
            done: false,
        })
    }

    fn line(&self) -> u64 {
        self.record.position().map_or(0, csv::Position::line)
    }

    fn read_error(&self, error: csv::Error) -> ReadError {
        if matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) {
            // Only undecoded UTF-8 input reaches the parser unvalidated.
            let line = error
                .position()
                .map_or_else(|| self.line(), csv::Position::line);
            return ReadError::new(
                &self.name,
                Location::Line(line),
                ReadErrorKind::Encoding(self.info.encoding.unwrap_or("UTF-8")),
            );
        }
        csv_error(&self.name, error, self.line())
    }
}

/// A `csv::Error` as a read error, unwrapping decoding failures carried through `io::Error`.
fn csv_error(name: &str, error: csv::Error, line: u64) -> ReadError {
    let position_line = error.position().map_or(line, csv::Position::line);
    match error.into_kind() {
        csv::ErrorKind::Io(io) => {
            if let Some(malformed) = io.get_ref().and_then(|e| e.downcast_ref::<Malformed>()) {
                return ReadError::new(
                    name,
                    Location::Line(malformed.line),
                    ReadErrorKind::Encoding(malformed.encoding),
                );
            }
            ReadError::new(name, Location::Whole, ReadErrorKind::Io(io))
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ReadError::new(
            name,
            Location::Line(position_line),
            ReadErrorKind::Ragged {
                expected: usize::try_from(expected_len).unwrap_or(usize::MAX),
                found: usize::try_from(len).unwrap_or(usize::MAX),
            },
        ),
        csv::ErrorKind::Utf8 { .. } => ReadError::new(
            name,
            Location::Line(position_line),
            ReadErrorKind::Encoding("UTF-8"),
        ),
        other => ReadError::new(
            name,
            Location::Line(position_line),
            ReadErrorKind::Io(io::Error::other(format!("{other:?}"))),
        ),
    }
}

impl BatchReader for CsvReader {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn info(&self) -> SourceInfo {
        self.info
    }

    fn bytes_read(&self) -> Option<u64> {
        Some(self.consumed.load(Ordering::Relaxed))
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, ReadError> {
        if self.done {
            return Ok(None);
        }
        let width = self.schema.fields().len();
        while self.columns.rows() < self.batch_rows {
            let more = self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| self.read_error(e))?;
            if !more {
                self.done = true;
                break;
            }
            if self.record.len() != width {
                return Err(ReadError::new(
                    &self.name,
                    Location::Line(self.line()),
                    ReadErrorKind::Ragged {
                        expected: width,
                        found: self.record.len(),
                    },
                ));
            }
            // `StringRecord` validates UTF-8 once per record.
            for (column, value) in self.record.iter().enumerate() {
                self.columns.push(column, Some(value));
            }
            self.columns.end_row();
        }
        if self.columns.rows() == 0 {
            return Ok(None);
        }
        self.columns.flush().map(Some).map_err(|e| {
            ReadError::new(
                &self.name,
                Location::Whole,
                ReadErrorKind::Arrow(e.to_string()),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b\n1;2\n"), b';');
        assert_eq!(sniff_delimiter(b"a|b\n1|2\n"), b'|');
        // Commas inside quotes do not count.
        assert_eq!(sniff_delimiter(b"a;b\n\"1,5\";2\n\"x,y,z\";3\n"), b';');
        assert_eq!(sniff_delimiter(b"single\ncolumn\n"), b',');
    }
}
