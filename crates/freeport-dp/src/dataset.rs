//! Reads one dataset through `freeport-read`, hashing its decoded content into the dataset id
//! and keeping, per query, only what the query needs (a marker per counted row, a bin index per
//! row, or the parsed numbers).
//!
//! The id is a fingerprint of the decoded table, not of the file's bytes, and it does not depend
//! on the order of rows or columns: each row is hashed (SHA-256 of its cells in column-name
//! order, each length-prefixed, nulls marked), the row hashes are added modulo 2^256 (a multiset
//! hash: duplicate rows count twice), and the id is SHA-256 of the sorted column names, the row
//! count and that sum. So the same table renamed, moved, re-encoded (GBK and UTF-8, CSV and
//! Parquet, when the readers render the same text), sorted differently or with its columns
//! reordered shares one budget. It is a convenience, not a defence: whoever can edit the data can
//! make a new id.
//!
//! The first encoding (v1) hashed cells in row order, so reordering rows reset the budget. Both
//! are computed in one pass; a budget kept under a dataset's v1 id is carried to its v2 id the
//! first time it is used ([`Dataset::legacy`]).

use std::path::Path;

use arrow::array::{Array, AsArray, StringArray};
use sha2::{Digest, Sha256};

use crate::config::{Query, QueryKind, ReleaseConfig};
use crate::error::Error;

/// Domain separation for the v1 (row-ordered) dataset hash, kept to carry budgets over.
const HASH_DOMAIN: &[u8] = b"freeport-dp dataset v1\0";

/// Domain separation for the dataset fingerprint; bump when the encoding changes.
const FINGERPRINT_DOMAIN: &[u8] = b"freeport-dp dataset v2\0";

/// Domain separation for one row's hash inside the fingerprint.
const ROW_DOMAIN: &[u8] = b"freeport-dp row v2\0";

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
    /// The same dataset's v1 id (row order hashed), under which an older budget may be kept.
    pub(crate) legacy: DatasetId,
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
    Ok(read(input, None, &freeport_read::NoProgress)?.id)
}

/// The id and the v1 id of the single dataset at `input`.
pub(crate) fn dataset_ids(input: &Path) -> Result<(DatasetId, DatasetId), Error> {
    let dataset = read(input, None, &freeport_read::NoProgress)?;
    Ok((dataset.id, dataset.legacy))
}

/// Reads `input` for the queries of `config` (or only hashes it when `config` is `None`).
pub(crate) fn read(
    input: &Path,
    config: Option<&ReleaseConfig>,
    progress: &dyn freeport_read::Progress,
) -> Result<Dataset, Error> {
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
    progress.start(&name, one.size());
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
    // Columns in name order (then position, for repeated names) for the fingerprint.
    let mut by_name: Vec<usize> = (0..columns.len()).collect();
    by_name.sort_by(|a, b| columns[*a].cmp(columns[*b]).then(a.cmp(b)));
    let mut rows_sum = [0_u64; 4];
    let mut row_count = 0_u64;
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
                encode_cell(&mut hasher, array, row);
            }
            let mut row_hasher = Sha256::new();
            row_hasher.update(ROW_DOMAIN);
            for &column in &by_name {
                if let Some(array) = arrays.get(column) {
                    encode_cell(&mut row_hasher, array, row);
                }
            }
            add_digest(&mut rows_sum, &row_hasher.finalize());
            row_count = row_count.saturating_add(1);
        }
        for (need, data) in needs.iter().zip(&mut data) {
            collect(need, &arrays, batch.num_rows(), data);
        }
        progress.advance(reader.bytes_read(), row_count);
    }
    progress.finish();
    let legacy = format!("sha256:{}", freeport_util::fmt::hex(&hasher.finalize()));
    let mut fingerprint = Sha256::new();
    fingerprint.update(FINGERPRINT_DOMAIN);
    fingerprint.update(u64_bytes(columns.len()));
    for &column in &by_name {
        let name = columns.get(column).copied().unwrap_or_default();
        fingerprint.update(u64_bytes(name.len()));
        fingerprint.update(name.as_bytes());
    }
    fingerprint.update(row_count.to_le_bytes());
    for limb in rows_sum {
        fingerprint.update(limb.to_le_bytes());
    }
    let id = format!(
        "sha256:{}",
        freeport_util::fmt::hex(&fingerprint.finalize())
    );
    Ok(Dataset {
        id: DatasetId(id),
        legacy: DatasetId(legacy),
        data,
    })
}

/// One cell into `hasher`: a null as `0`, a value as `1`, its length and its bytes.
fn encode_cell(hasher: &mut Sha256, array: &StringArray, row: usize) {
    if array.is_null(row) {
        hasher.update([0]);
    } else {
        let value = array.value(row);
        hasher.update([1]);
        hasher.update(u64_bytes(value.len()));
        hasher.update(value.as_bytes());
    }
}

/// `sum += digest` modulo 2^256 (both as four little-endian 64-bit limbs).
fn add_digest(sum: &mut [u64; 4], digest: &[u8]) {
    let mut carry = false;
    for (limb, chunk) in sum.iter_mut().zip(digest.chunks_exact(8)) {
        let mut bytes = [0_u8; 8];
        bytes.copy_from_slice(chunk);
        let (partial, overflow_a) = limb.overflowing_add(u64::from_le_bytes(bytes));
        let (total, overflow_b) = partial.overflowing_add(u64::from(carry));
        *limb = total;
        carry = overflow_a || overflow_b;
    }
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
