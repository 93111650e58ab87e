//! Reads one dataset through `freeport-read`, hashing its decoded content into the dataset id
//! and keeping, per query, only what the query needs (a marker per counted row, a bin index per
//! row, or the parsed numbers).
//!
//! The id is SHA-256 over the decoded table (column names, then every cell in row order, each
//! length-prefixed, nulls marked), not over the file's bytes: the same table renamed, moved, or
//! re-encoded (GBK and UTF-8, CSV and Parquet, when the readers render the same text) shares one
//! budget. It is a convenience, not a defence: whoever can edit the data can make a new id.

use std::path::Path;

use arrow::array::{Array, AsArray, StringArray};
use sha2::{Digest, Sha256};

use crate::config::{Query, QueryKind, ReleaseConfig};
use crate::error::Error;

/// Domain separation for the dataset hash; bump when the encoding changes.
const HASH_DOMAIN: &[u8] = b"freeport-dp dataset v1\0";

/// The identity of a dataset for budget accounting: `sha256:` and 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DatasetId(String);

impl DatasetId {
    /// The id as stored.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DatasetId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one query reads from the data; never leaves this crate's release step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum QueryData {
    /// One marker per counted row.
    Rows(Vec<u8>),
    /// The bin of each row: an index into the categories, or `categories.len()` for "other".
    Bins(Vec<u32>),
    /// The parsed numbers; missing and non-numeric cells are dropped.
    Numbers(Vec<f64>),
}

/// A dataset read for a release.
#[derive(Debug)]
pub(crate) struct Dataset {
    pub(crate) id: DatasetId,
    /// Per query, in configuration order.
    pub(crate) data: Vec<QueryData>,
}

/// What a query needs from each row.
enum Need {
    AllRows,
    NonMissing(usize),
    Bin {
        column: usize,
        categories: Vec<String>,
    },
    Number(usize),
}

/// The id of the single dataset at `input`, read in full.
///
/// # Errors
///
/// The input cannot be read or names several datasets.
pub fn dataset_id(input: &Path) -> Result<DatasetId, Error> {
    Ok(read(input, None)?.id)
}

/// Reads `input` for the queries of `config` (or only hashes it when `config` is `None`).
pub(crate) fn read(input: &Path, config: Option<&ReleaseConfig>) -> Result<Dataset, Error> {
    let name = input.display().to_string();
    let (inputs, errors) = freeport_read::discover(std::slice::from_ref(&name));
    if let Some(error) = errors.into_iter().next() {
        return Err(error.into());
    }
    let [one] = inputs.as_slice() else {
        return Err(Error::Input {
            input: name,
            reason: format!("holds {} datasets, not one", inputs.len()),
        });
    };
    let mut reader = freeport_read::open(one, &freeport_read::ReadOptions::default())?;
    let schema = reader.schema();
    let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();

    let queries = config.map_or(&[][..], |c| c.queries.as_slice());
    let needs = queries
        .iter()
        .map(|q| need(q, &columns, config))
        .collect::<Result<Vec<_>, Error>>()?;
    let mut data: Vec<QueryData> = needs
        .iter()
        .map(|n| match n {
            Need::AllRows | Need::NonMissing(_) => QueryData::Rows(Vec::new()),
            Need::Bin { .. } => QueryData::Bins(Vec::new()),
            Need::Number(_) => QueryData::Numbers(Vec::new()),
        })
        .collect();

    let mut hasher = Sha256::new();
    hasher.update(HASH_DOMAIN);
    hasher.update(u64_bytes(columns.len()));
    for column in &columns {
        hasher.update(u64_bytes(column.len()));
        hasher.update(column.as_bytes());
    }
    while let Some(batch) = reader.next_batch()? {
        let arrays = batch
            .columns()
            .iter()
            .map(|a| {
                a.as_string_opt::<i32>().ok_or_else(|| Error::Input {
                    input: name.clone(),
                    reason: "gave a column that is not text (a reader bug)".to_owned(),
                })
            })
            .collect::<Result<Vec<&StringArray>, Error>>()?;
        for row in 0..batch.num_rows() {
            for array in &arrays {
                if array.is_null(row) {
                    hasher.update([0]);
                } else {
                    let value = array.value(row);
                    hasher.update([1]);
                    hasher.update(u64_bytes(value.len()));
                    hasher.update(value.as_bytes());
                }
            }
        }
        for (need, data) in needs.iter().zip(&mut data) {
            collect(need, &arrays, batch.num_rows(), data);
        }
    }
    let digest = hasher.finalize();
    let id = format!("sha256:{}", freeport_util::fmt::hex(&digest));
    Ok(Dataset {
        id: DatasetId(id),
        data,
    })
}

fn u64_bytes(n: usize) -> [u8; 8] {
    u64::try_from(n).unwrap_or(u64::MAX).to_le_bytes()
}

fn need(query: &Query, columns: &[&str], config: Option<&ReleaseConfig>) -> Result<Need, Error> {
    let index = |column: &str| -> Result<usize, Error> {
        columns.iter().position(|c| *c == column).ok_or_else(|| {
            let listed = columns
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ");
            match config {
                Some(config) => config
                    .column_error(
                        query,
                        format!(
                            "query `{}`: the dataset has no column `{column}`",
                            query.name
                        ),
                        format!("its columns are {listed}"),
                    )
                    .into(),
                None => Error::Input {
                    input: column.to_owned(),
                    reason: "is not a column of the dataset".to_owned(),
                },
            }
        })
    };
    Ok(match &query.kind {
        QueryKind::Count { column: None } => Need::AllRows,
        QueryKind::Count {
            column: Some(column),
        } => Need::NonMissing(index(column)?),
        QueryKind::Histogram {
            column, categories, ..
        } => Need::Bin {
            column: index(column)?,
            categories: categories.clone(),
        },
        QueryKind::Sum { column, .. } | QueryKind::Mean { column, .. } => {
            Need::Number(index(column)?)
        }
    })
}

/// A cell's text with surrounding blanks removed, `None` when missing (null or blank).
fn cell(array: &StringArray, row: usize) -> Option<&str> {
    if array.is_null(row) {
        return None;
    }
    let value = array.value(row).trim();
    (!value.is_empty()).then_some(value)
}

/// Parses a number the way people write them in data files; anything else is missing.
pub(crate) fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn collect(need: &Need, arrays: &[&StringArray], rows: usize, data: &mut QueryData) {
    match (need, data) {
        (Need::AllRows, QueryData::Rows(out)) => out.resize(out.len() + rows, 1),
        (Need::NonMissing(c), QueryData::Rows(out)) => {
            if let Some(array) = arrays.get(*c) {
                out.extend((0..rows).filter(|&r| cell(array, r).is_some()).map(|_| 1));
            }
        }
        (Need::Bin { column, categories }, QueryData::Bins(out)) => {
            if let Some(array) = arrays.get(*column) {
                let other = u32::try_from(categories.len()).unwrap_or(u32::MAX);
                out.extend((0..rows).map(|r| {
                    cell(array, r)
                        .and_then(|v| categories.iter().position(|c| c == v))
                        .and_then(|i| u32::try_from(i).ok())
                        .unwrap_or(other)
                }));
            }
        }
        (Need::Number(c), QueryData::Numbers(out)) => {
            if let Some(array) = arrays.get(*c) {
                out.extend((0..rows).filter_map(|r| cell(array, r).and_then(number)));
            }
        }
        _ => {}
    }
}
