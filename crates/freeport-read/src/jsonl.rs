//! JSON Lines: one object per line, nested objects flattened to dotted column names
//! (`address.city`), arrays kept as JSON text, scalars as text.
//!
//! The column set is the union of keys over the whole file, so a first streaming pass collects
//! keys (in order of first appearance) and a second pass builds batches; both run in bounded
//! memory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use serde_json::{Map, Value};

use crate::columns::{Columns, string_schema};
use crate::decode::CountingReader;
use crate::error::{Location, ReadError, ReadErrorKind};
use crate::{BatchReader, Format, ReadOptions, SourceInfo};

/// A JSON Lines file being read.
#[derive(Debug)]
pub(crate) struct JsonLinesReader {
    name: String,
    lines: LineSource,
    schema: SchemaRef,
    index: HashMap<String, usize>,
    columns: Columns,
    batch_rows: usize,
    consumed: Arc<AtomicU64>,
    done: bool,
}

/// Numbered lines of a file, as bytes.
#[derive(Debug)]
struct LineSource {
    name: String,
    reader: BufReader<CountingReader<File>>,
    buffer: Vec<u8>,
    line: u64,
}

impl LineSource {
    fn open(name: &str, path: &PathBuf, consumed: Arc<AtomicU64>) -> Result<Self, ReadError> {
        let file = File::open(path)
            .map_err(|e| ReadError::new(name, Location::Whole, ReadErrorKind::Io(e)))?;
        Ok(Self {
            name: name.to_owned(),
            reader: BufReader::with_capacity(256 * 1024, CountingReader::new(file, consumed)),
            buffer: Vec::new(),
            line: 0,
        })
    }

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

/// Calls `f` with each flattened `(column, value)` of an object.
fn flatten(prefix: &str, object: &Map<String, Value>, f: &mut dyn FnMut(String, &Value)) {
    for (key, value) in object {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) if !inner.is_empty() => flatten(&name, inner, f),
            _ => f(name, value),
        }
    }
}

impl JsonLinesReader {
    pub(crate) fn new(
        name: String,
        path: PathBuf,
        options: &ReadOptions,
    ) -> Result<Self, ReadError> {
        let mut names: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut keys = LineSource::open(&name, &path, Arc::new(AtomicU64::new(0)))?;
        while let Some(object) = keys.next_object()? {
            flatten("", &object, &mut |key, _| {
                if !index.contains_key(&key) {
                    index.insert(key.clone(), names.len());
                    names.push(key);
                }
            });
        }
        let schema = string_schema(&names);
        let consumed = Arc::new(AtomicU64::new(0));
        let lines = LineSource::open(&name, &path, Arc::clone(&consumed))?;
        Ok(Self {
            name,
            lines,
            index,
            columns: Columns::new(Arc::clone(&schema)),
            schema,
            batch_rows: options.batch_rows.max(1),
            consumed,
            done: false,
        })
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
        if self.done {
            return Ok(None);
        }
        while self.columns.rows() < self.batch_rows {
            let Some(object) = self.lines.next_object()? else {
                self.done = true;
                break;
            };
            let columns = &mut self.columns;
            let index = &self.index;
            flatten("", &object, &mut |key, value| {
                if let Some(&column) = index.get(&key) {
                    match value {
                        Value::Null => columns.push(column, None),
                        Value::String(text) => columns.push(column, Some(text)),
                        other => columns.push(column, Some(&other.to_string())),
                    }
                }
            });
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
