//! JSON Lines: one object per line, nested objects flattened to dotted column names
//! (`address.city`), arrays of objects or strings spread over rows as `name[]` columns
//! (`orders[].pay_card`, one row per element with the object's other values repeated), other
//! arrays kept as JSON text, scalars as text.
//!
//! The column set is the union of keys over the whole input, known only at its end, so the
//! input is read and parsed once: each row's flattened values go to an anonymous temporary
//! file (a compact spool, about the size of the input) while keys are collected, and batches
//! are then built from the spool. One pass means standard input works, and memory stays
//! bounded: one line, one batch, and the key index.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use serde_json::{Map, Value};

use crate::columns::{Columns, string_schema};
use crate::decode::CountingReader;
use crate::error::{Location, ReadError, ReadErrorKind};
use crate::{BatchReader, Format, ReadOptions, SourceInfo};

/// A JSON Lines input being read back from its spool.
#[derive(Debug)]
pub(crate) struct JsonLinesReader {
    name: String,
    schema: SchemaRef,
    spool: BufReader<File>,
    rows_left: u64,
    columns: Columns,
    batch_rows: usize,
    consumed: Arc<AtomicU64>,
    field: Vec<u8>,
}

/// Numbered lines of the input, as bytes.
struct LineSource {
    name: String,
    reader: BufReader<CountingReader<Box<dyn Read + Send>>>,
    buffer: Vec<u8>,
    line: u64,
}

impl LineSource {
    /// The next non-blank line as a JSON object, or `None` at the end.
    fn next_object(&mut self) -> Result<Option<Map<String, Value>>, ReadError> {
        loop {
            self.buffer.clear();
            let read = self
                .reader
                .read_until(b'\n', &mut self.buffer)
                .map_err(|e| ReadError::new(&self.name, Location::Whole, ReadErrorKind::Io(e)))?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            let mut bytes = self.buffer.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let location = Location::Line(self.line);
            if std::str::from_utf8(bytes).is_err() {
                return Err(ReadError::new(
                    &self.name,
                    location,
                    ReadErrorKind::Encoding("UTF-8"),
                ));
            }
            let value: Value = serde_json::from_slice(bytes).map_err(|e| {
                // The message names the position and the problem, never the value.
                let message = e.to_string();
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or("syntax error")
                    .to_owned();
                ReadError::new(&self.name, location, ReadErrorKind::Json(message))
            })?;
            return match value {
                Value::Object(object) => Ok(Some(object)),
                _ => Err(ReadError::new(
                    &self.name,
                    location,
                    ReadErrorKind::NotAnObject,
                )),
            };
        }
    }
}

/// A flattened `(column, value)` pair.
type Field<'a> = (String, &'a Value);

/// One object's flattened values: `(column, value)` pairs, and the arrays to spread over rows.
#[derive(Default)]
struct Flat<'a> {
    fields: Vec<Field<'a>>,
    arrays: Vec<(String, &'a [Value])>,
}

/// Whether an array is spread over rows: a non-empty array of objects, or of strings (phone
/// numbers, e-mail addresses). Arrays of numbers stay whole (a `[lng, lat]` pair is one value).
fn spreads(items: &[Value]) -> bool {
    !items.is_empty() && (items.iter().all(Value::is_object) || items.iter().all(Value::is_string))
}

/// Flattens `object` into `flat`: nested objects become dotted names (`address.city`); arrays
/// that [`spreads`] become `name[]` columns (`orders[].pay_card`) when `spread`, else JSON text.
fn flatten<'a>(prefix: &str, object: &'a Map<String, Value>, spread: bool, flat: &mut Flat<'a>) {
    for (key, value) in object {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) if !inner.is_empty() => flatten(&name, inner, spread, flat),
            Value::Array(items) if spread && spreads(items) => {
                flat.arrays.push((format!("{name}[]"), items.as_slice()));
            }
            _ => flat.fields.push((name, value)),
        }
    }
}

/// The rows one object becomes, calling `row` with each row's `(column, value)` pairs: one row
/// when it holds no array to spread; otherwise one row per element of its longest array, the
/// `i`-th element of every array in row `i` beside the object's other values, repeated (as
/// pandas' `json_normalize` repeats the metadata of each record). Arrays inside array elements
/// stay JSON text, so rows never multiply.
fn rows_of<'a>(object: &'a Map<String, Value>, row: &mut dyn FnMut(&[Field<'a>])) {
    let mut flat = Flat::default();
    flatten("", object, true, &mut flat);
    let rows = flat
        .arrays
        .iter()
        .map(|(_, items)| items.len())
        .max()
        .unwrap_or(1);
    let mut fields = Vec::new();
    for i in 0..rows {
        fields.clear();
        fields.extend(flat.fields.iter().cloned());
        for (name, items) in &flat.arrays {
            match items.get(i) {
                Some(Value::Object(element)) => {
                    let mut inner = Flat::default();
                    flatten(name, element, false, &mut inner);
                    fields.extend(inner.fields);
                }
                Some(value) => fields.push((name.clone(), value)),
                None => {}
            }
        }
        row(&fields);
    }
}

/// Spool record layout: `u32` field count, then per field `u32` column, `u8` tag (0 null,
/// 1 text), and for text `u32` length and the UTF-8 bytes; little-endian.
const NULL: u8 = 0;
const TEXT: u8 = 1;

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl JsonLinesReader {
    pub(crate) fn new(
        name: String,
        source: Box<dyn Read + Send>,
        options: &ReadOptions,
    ) -> Result<Self, ReadError> {
        let io = |e: std::io::Error| ReadError::new(&name, Location::Whole, ReadErrorKind::Io(e));
        let consumed = Arc::new(AtomicU64::new(0));
        let mut lines = LineSource {
            name: name.clone(),
            reader: BufReader::with_capacity(
                256 * 1024,
                CountingReader::new(source, Arc::clone(&consumed)),
            ),
            buffer: Vec::new(),
            line: 0,
        };
        let mut spool = BufWriter::with_capacity(256 * 1024, tempfile::tempfile().map_err(io)?);
        let mut names: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        // The row in which each column last had a value: a key that flattening produces twice
        // in one object (`{"a.b":1,"a":{"b":2}}`) keeps its first value.
        let mut last_row: Vec<u64> = Vec::new();
        let mut record: Vec<u8> = Vec::new();
        let mut rows = 0u64;
        let mut failed = None;
        while let Some(object) = lines.next_object()? {
            rows_of(&object, &mut |fields| {
                rows += 1;
                record.clear();
                record.extend_from_slice(&[0; 4]);
                let mut count = 0usize;
                for (key, value) in fields {
                    let column = match index.get(key) {
                        Some(&column) => column,
                        None => {
                            index.insert(key.clone(), names.len());
                            names.push(key.clone());
                            last_row.push(0);
                            names.len() - 1
                        }
                    };
                    let Some(last) = last_row.get_mut(column) else {
                        continue;
                    };
                    if *last == rows {
                        continue;
                    }
                    *last = rows;
                    count += 1;
                    record.extend_from_slice(&u32_of(column).to_le_bytes());
                    let text = match value {
                        Value::Null => None,
                        Value::String(text) => Some(std::borrow::Cow::Borrowed(text.as_str())),
                        other => Some(std::borrow::Cow::Owned(other.to_string())),
                    };
                    match text {
                        None => record.push(NULL),
                        Some(text) => {
                            record.push(TEXT);
                            record.extend_from_slice(&u32_of(text.len()).to_le_bytes());
                            record.extend_from_slice(text.as_bytes());
                        }
                    }
                }
                if let Some(slot) = record.get_mut(..4) {
                    slot.copy_from_slice(&u32_of(count).to_le_bytes());
                }
                if failed.is_none()
                    && let Err(error) = spool.write_all(&record)
                {
                    failed = Some(error);
                }
            });
            if let Some(error) = failed.take() {
                return Err(io(error));
            }
        }
        let mut file = spool.into_inner().map_err(|e| io(e.into_error()))?;
        file.rewind().map_err(io)?;
        let schema = string_schema(&names);
        Ok(Self {
            schema: Arc::clone(&schema),
            columns: Columns::new(schema),
            spool: BufReader::with_capacity(256 * 1024, file),
            rows_left: rows,
            batch_rows: options.batch_rows.max(1),
            consumed,
            field: Vec::new(),
            name,
        })
    }

    fn read_u32(&mut self) -> std::io::Result<usize> {
        let mut bytes = [0; 4];
        self.spool.read_exact(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes) as usize)
    }

    fn read_row(&mut self) -> std::io::Result<()> {
        let fields = self.read_u32()?;
        for _ in 0..fields {
            let column = self.read_u32()?;
            let mut tag = [0; 1];
            self.spool.read_exact(&mut tag)?;
            if tag == [TEXT] {
                let len = self.read_u32()?;
                self.field.resize(len, 0);
                self.spool.read_exact(&mut self.field)?;
                let text = std::str::from_utf8(&self.field).map_err(std::io::Error::other)?;
                self.columns.push(column, Some(text));
            } else {
                self.columns.push(column, None);
            }
        }
        self.columns.end_row();
        Ok(())
    }
}

impl BatchReader for JsonLinesReader {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn info(&self) -> SourceInfo {
        SourceInfo {
            format: Format::JsonLines,
            encoding: Some("UTF-8"),
            delimiter: None,
        }
    }

    fn bytes_read(&self) -> Option<u64> {
        Some(self.consumed.load(Ordering::Relaxed))
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, ReadError> {
        while self.rows_left > 0 && self.columns.rows() < self.batch_rows {
            self.rows_left -= 1;
            self.read_row()
                .map_err(|e| ReadError::new(&self.name, Location::Whole, ReadErrorKind::Io(e)))?;
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
