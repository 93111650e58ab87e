//! Building record batches of nullable UTF-8 string columns, the shape every reader produces.

use std::sync::Arc;

use arrow::array::{ArrayBuilder, ArrayRef, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

/// A schema of nullable UTF-8 columns with these names; blank names become `column_N`.
pub(crate) fn string_schema<S: AsRef<str>>(names: &[S]) -> SchemaRef {
    let fields: Vec<Field> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let name = name.as_ref().trim();
            let name = if name.is_empty() {
                format!("column_{}", i + 1)
            } else {
                name.to_owned()
            };
            Field::new(name, DataType::Utf8, true)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// One string builder per column, flushed into a batch every `batch_rows` rows.
#[derive(Debug)]
pub(crate) struct Columns {
    schema: SchemaRef,
    builders: Vec<StringBuilder>,
    rows: usize,
}

impl Columns {
    pub(crate) fn new(schema: SchemaRef) -> Self {
        let builders = schema
            .fields()
            .iter()
            .map(|_| StringBuilder::new())
            .collect();
        Self {
            schema,
            builders,
            rows: 0,
        }
    }

    /// Appends a value (empty strings are nulls: CSV and spreadsheets cannot tell them apart).
    pub(crate) fn push(&mut self, column: usize, value: Option<&str>) {
        if let Some(builder) = self.builders.get_mut(column) {
            match value {
                Some(value) if !value.is_empty() => builder.append_value(value),
                _ => builder.append_null(),
            }
        }
    }

    /// Ends a row; columns not pushed in this row are null.
    pub(crate) fn end_row(&mut self) {
        self.rows += 1;
        for builder in &mut self.builders {
            while builder.len() < self.rows {
                builder.append_null();
            }
        }
    }

    pub(crate) const fn rows(&self) -> usize {
        self.rows
    }

    /// The rows so far as a batch, leaving the builders empty.
    pub(crate) fn flush(&mut self) -> Result<RecordBatch, arrow::error::ArrowError> {
        let arrays: Vec<ArrayRef> = self
            .builders
            .iter_mut()
            .map(|builder| Arc::new(builder.finish()) as ArrayRef)
            .collect();
        let options = RecordBatchOptions::new().with_row_count(Some(self.rows));
        self.rows = 0;
        RecordBatch::try_new_with_options(Arc::clone(&self.schema), arrays, &options)
    }
}
