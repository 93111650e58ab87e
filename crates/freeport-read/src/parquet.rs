//! Parquet: read with the `parquet` crate's Arrow reader, a batch at a time, and every column
//! turned into nullable UTF-8 text (strings kept, other types formatted as Arrow displays them).

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, StringArray, StringBuilder};
use arrow::compute::cast;
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};

use crate::columns::string_schema;
use crate::error::{Location, ReadError, ReadErrorKind};
use crate::{BatchReader, Format, ReadOptions, SourceInfo};

/// A Parquet file being read.
pub(crate) struct ParquetReader {
    name: String,
    reader: ParquetRecordBatchReader,
    schema: SchemaRef,
    rows_read: u64,
}

impl std::fmt::Debug for ParquetReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetReader")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl ParquetReader {
    pub(crate) fn new(name: String, path: &Path, options: &ReadOptions) -> Result<Self, ReadError> {
        let file = File::open(path)
            .map_err(|e| ReadError::new(&name, Location::Whole, ReadErrorKind::Io(e)))?;
        let invalid = |e: parquet::errors::ParquetError| {
            ReadError::new(
                &name,
                Location::Whole,
                ReadErrorKind::Parquet(e.to_string()),
            )
        };
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(invalid)?;
        let names: Vec<String> = builder
            .schema()
            .fields()
            .iter()
            .map(|field| field.name().clone())
            .collect();
        let reader = builder
            .with_batch_size(options.batch_rows.max(1))
            .build()
            .map_err(invalid)?;
        Ok(Self {
            name,
            reader,
            schema: string_schema(&names),
            rows_read: 0,
        })
    }

    fn error(&self, kind: ReadErrorKind) -> ReadError {
        ReadError::new(&self.name, Location::Row(self.rows_read + 1), kind)
    }
}

/// Any Arrow array as nullable UTF-8 text: strings as they are, other types as Arrow displays
/// them.
///
/// # Errors
///
/// The array has a type Arrow cannot display.
pub fn to_strings(array: &ArrayRef) -> Result<ArrayRef, arrow::error::ArrowError> {
    match array.data_type() {
        DataType::Utf8 => Ok(Arc::clone(array)),
        DataType::LargeUtf8 | DataType::Utf8View => cast(array, &DataType::Utf8),
        _ => {
            let options = FormatOptions::default().with_null("");
            let formatter = ArrayFormatter::try_new(array.as_ref(), &options)?;
            let mut builder = StringBuilder::with_capacity(array.len(), array.len() * 8);
            let mut text = String::new();
            for row in 0..array.len() {
                if array.is_null(row) {
                    builder.append_null();
                } else {
                    text.clear();
                    use std::fmt::Write as _;
                    write!(text, "{}", formatter.value(row))
                        .map_err(|e| arrow::error::ArrowError::ComputeError(e.to_string()))?;
                    builder.append_value(&text);
                }
            }
            let strings: StringArray = builder.finish();
            Ok(Arc::new(strings))
        }
    }
}

impl BatchReader for ParquetReader {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn info(&self) -> SourceInfo {
        SourceInfo {
            format: Format::Parquet,
            encoding: None,
            delimiter: None,
        }
    }

    fn bytes_read(&self) -> Option<u64> {
        None
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, ReadError> {
        let Some(batch) = self.reader.next() else {
            return Ok(None);
        };
        let batch = batch.map_err(|e| self.error(ReadErrorKind::Parquet(e.to_string())))?;
        let columns = batch
            .columns()
            .iter()
            .map(to_strings)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.error(ReadErrorKind::Arrow(e.to_string())))?;
        let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
        let batch = RecordBatch::try_new_with_options(Arc::clone(&self.schema), columns, &options)
            .map_err(|e| self.error(ReadErrorKind::Arrow(e.to_string())))?;
        self.rows_read += batch.num_rows() as u64;
        Ok(Some(batch))
    }
}
