//! `freeport scan --engine datafusion`: one report for a whole lake, equal to the native
//! scanner's report on the same rows read as one file.
//!
//! Three passes, each a DataFusion plan over the lake's files:
//!
//! 1. **Profile.** Every column's [`ColumnProfiler`] observes its cells in file order (files in
//!    path order, rows in file order), exactly as the native scanner feeds one file: the
//!    profilers' classification sample is defined by that order, so the same order gives the
//!    same classification. Files are read one after another (DataFusion decodes each on its
//!    own threads); profilers take each batch's columns in parallel. Memory: a few batches and
//!    about 2 KB per column.
//! 2. **Free text.** For the free-text columns the profiles found, `GROUP BY
//!    freeport_text_categories(column)` counts the rows holding each category.
//! 3. **Count.** `GROUP BY freeport_subject_hash(key)` with `bit_or` of
//!    `freeport_category_mask(...)` — the distinct salted subject hashes merged across every
//!    partition, exactly, with the categories each subject has a value of. DataFusion runs it
//!    on all cores and spills to disk when the memory pool is full, so memory is bounded by
//!    configuration, not by the number of people. The same for devices.
//!
//! The native scanner counts with the key column the final classification picks (it reads a
//! file twice when its first rows suggested another); profiling first and counting second
//! gives that final answer directly.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{Array, AsArray, StringArray};
use arrow::datatypes::UInt64Type;
use datafusion::functions_aggregate::expr_fn::{bit_or, count};
use datafusion::logical_expr::{Expr, ScalarUDF};
use datafusion::prelude::{col, ident, lit};
use freeport_detect::ColumnProfiler;
use freeport_detect::text::TEXT_CATEGORIES;
use freeport_read::{DatasetId, Format};
use freeport_scan::{
    ByCategory, DatasetReport, KeyColumn, PRECISE_LOCATION_CATEGORIES, Plan, Progress,
    SCHEMA_VERSION, SaltedSubjects, ScanOptions, ScanReport, TextRows, check_header,
    check_header_values, column_reports, columns_by_category, finish_profiles, keep_examples,
    observe,
};
use freeport_subject::SubjectHasher;
use futures::StreamExt;
use rayon::prelude::*;

use crate::LakeError;
use crate::files::discover_lake;
use crate::read::{Reader, partition, thread_count};
use crate::udf::{CategoryMaskUdf, CountedCategory, SubjectHashUdf, TextCategoriesUdf};

/// Default size of DataFusion's memory pool: 1 GiB.
pub const DEFAULT_MEMORY_LIMIT: usize = 1 << 30;

/// How to scan a lake.
#[derive(Debug, Clone)]
pub struct LakeOptions {
    /// The native scanner's options (threads, examples, salt, header and delimiter of CSV).
    pub scan: ScanOptions,
    /// Bytes DataFusion's memory pool may hold; past it, grouping spills to disk.
    pub memory_limit: usize,
    /// Where spill files go (the system's temporary directory by default).
    pub spill_dir: Option<PathBuf>,
}

impl Default for LakeOptions {
    fn default() -> Self {
        Self {
            scan: ScanOptions::default(),
            memory_limit: DEFAULT_MEMORY_LIMIT,
            spill_dir: None,
        }
    }
}

/// Scans every lake named (each a directory or a glob) into one report with one dataset per
/// lake; lakes that fail are listed in [`ScanReport::errors`] and the others still scanned.
pub fn scan_lakes<S: AsRef<str>>(
    lakes: &[S],
    options: &LakeOptions,
    progress: &dyn Progress,
) -> ScanReport {
    let mut datasets = Vec::new();
    let mut errors = Vec::new();
    for lake in lakes {
        match scan_lake(lake.as_ref(), options, progress) {
            Ok(dataset) => datasets.push(dataset),
            Err(error) => errors.push(input_error(lake.as_ref(), &error)),
        }
        progress.finish();
    }
    ScanReport {
        schema: SCHEMA_VERSION,
        datasets,
        errors,
    }
}

/// A lake's error as a report's failed input: the file at fault as its path, when there is one.
fn input_error(lake: &str, error: &LakeError) -> freeport_scan::InputError {
    if let LakeError::Header(read) = error {
        return freeport_scan::InputError::from(read);
    }
    let path = match error {
        LakeError::Format { file, .. }
        | LakeError::Partitions { file, .. }
        | LakeError::Schema { file, .. }
        | LakeError::Partition { file, .. } => file.display().to_string(),
        _ => lake.to_owned(),
    };
    let message = error.to_string();
    let reason = message
        .strip_prefix(&format!("{path}: "))
        .unwrap_or(&message)
        .to_owned();
    freeport_scan::InputError {
        path,
        line: None,
        row: None,
        reason,
        help: miette::Diagnostic::help(error).map(|h| h.to_string()),
        message,
    }
}

/// Scans one lake (a directory walked recursively, or a glob) as one dataset.
///
/// # Errors
///
/// The lake cannot be listed, its files disagree on format, partition keys or columns, a file
/// is malformed (named; never skipped), or DataFusion fails.
pub fn scan_lake(
    spec: &str,
    options: &LakeOptions,
    progress: &dyn Progress,
) -> Result<DatasetReport, LakeError> {
    check_options(&options.scan)?;
    let lake = discover_lake(spec)?;
    let threads = thread_count(options.scan.threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("freeport-lake-profile-{i}"))
        .build()
        .map_err(|e| LakeError::Engine {
            lake: spec.to_owned(),
            reason: e.to_string(),
        })?;
    progress.start(spec, Some(lake.bytes()));
    let reader = Reader::open(
        lake,
        threads,
        options.memory_limit,
        options.spill_dir.as_deref(),
        options.scan.read.header,
        options.scan.read.delimiter,
    )?;
    let scanner = Scanner { reader, options };
    pool.install(|| scanner.scan(progress))
}

/// Options the lake engine refuses rather than ignore.
fn check_options(options: &ScanOptions) -> Result<(), LakeError> {
    let unsupported = |option: &str, help: &str| {
        Err(LakeError::Unsupported {
            option: option.to_owned(),
            help: help.to_owned(),
        })
    };
    if options.sample_rows.is_some() {
        return unsupported(
            "--sample",
            "a lake is scanned whole; use the native engine on one file to scan its first rows",
        );
    }
    if options.read.skip_rows > 0 {
        return unsupported(
            "--skip-rows or --header-row",
            "the lake engine reads CSV files whose header is the first line",
        );
    }
    if let Some(encoding) = options.read.encoding
        && encoding.name() != "UTF-8"
    {
        return unsupported(
            &format!("--encoding {}", encoding.name()),
            "the lake engine reads UTF-8 CSV; convert the files (iconv) or use the native engine",
        );
    }
    Ok(())
}

/// One lake being scanned.
struct Scanner<'a> {
    reader: Reader,
    options: &'a LakeOptions,
}

impl std::ops::Deref for Scanner<'_> {
    type Target = Reader;
    fn deref(&self) -> &Reader {
        &self.reader
    }
}

/// The counts of one key column: per category, the distinct keys, and their hashes on request.
#[derive(Debug, Default)]
struct Counted {
    counts: BTreeMap<String, u64>,
    hashes: BTreeMap<String, Vec<u128>>,
    unkeyed: u64,
}

impl Scanner<'_> {
    fn scan(&self, progress: &dyn Progress) -> Result<DatasetReport, LakeError> {
        let lake = &self.lake;
        let Some(first) = lake.files.first() else {
            return Err(LakeError::Empty {
                lake: lake.name.clone(),
            });
        };
        let names = self.names_of(first)?;
        let header = self.options.scan.read.header && freeport_scan::has_header_row(lake.format);

        // 1. Profiles, in file order.
        let mut profilers: Vec<ColumnProfiler> =
            names.iter().map(|n| ColumnProfiler::new(n)).collect();
        let mut examples = self
            .options
            .scan
            .show_examples
            .then(|| vec![Vec::new(); names.len()]);
        let (mut rows, mut bytes) = (0_u64, 0_u64);
        for file in &lake.files {
            if header {
                check_header(&file.path.display().to_string(), &self.file_columns(file)?)?;
            }
            let frame = self.file_frame(&self.ordered, file, &names)?;
            let mut stream = self
                .runtime
                .block_on(frame.execute_stream())
                .map_err(|e| partition(file, &e))?;
            while let Some(batch) = self.runtime.block_on(stream.next()) {
                let batch = batch.map_err(|e| partition(file, &e))?;
                let columns: Vec<&StringArray> = batch
                    .columns()
                    .iter()
                    .map(|c| c.as_string::<i32>())
                    .collect();
                profilers
                    .par_iter_mut()
                    .zip(columns.par_iter())
                    .for_each(|(profiler, array)| observe(profiler, array));
                if let Some(examples) = examples.as_mut() {
                    keep_examples(examples, &columns);
                }
                rows += batch.num_rows() as u64;
                progress.advance(Some(bytes), rows);
            }
            bytes += file.bytes;
            progress.advance(Some(bytes), rows);
        }
        let profiles = finish_profiles(&names, profilers);
        if header {
            check_header_values(&lake.name, &names, &profiles)?;
        }
        let plan = Plan::of(&profiles);

        // 2. Categories inside free text.
        let text_rows = if plan.text.is_empty() {
            TextRows::new()
        } else {
            self.text_rows(&names, &plan.text)?
        };

        // 3. Subjects and devices, exactly.
        let (by_category, text_bits) = columns_by_category(&profiles, &text_rows);
        let salted = self.options.scan.salt.is_some();
        let hasher = Arc::new(
            self.options
                .scan
                .salt
                .as_deref()
                .map_or_else(SubjectHasher::random, |salt| {
                    SubjectHasher::salted(salt, self.options.scan.salt_scheme)
                }),
        );
        let subjects = match &plan.subject {
            Some((column, category)) => {
                let groups: Vec<(String, CountedCategory)> = by_category
                    .iter()
                    .map(|(category, columns)| {
                        (
                            category.clone(),
                            CountedCategory {
                                columns: columns.clone(),
                                text_bit: text_bits.get(category).copied(),
                            },
                        )
                    })
                    .collect();
                self.count(
                    &names, *column, category, &groups, &plan.text, &hasher, salted,
                )?
            }
            None => Counted::default(),
        };
        let devices = match &plan.device {
            Some((column, category)) => {
                let groups = device_groups(&by_category);
                self.count(
                    &names, *column, category, &groups, &plan.text, &hasher, salted,
                )?
            }
            None => Counted::default(),
        };

        let key_column = |key: &Option<(usize, String)>| {
            key.as_ref().map(|(column, category)| KeyColumn {
                column: names.get(*column).cloned().unwrap_or_default(),
                category: category.clone(),
            })
        };
        let (encoding, delimiter) = match lake.format {
            Format::Csv | Format::Tsv => (
                Some("UTF-8".to_owned()),
                Some(char::from(self.csv_delimiter()).to_string()),
            ),
            _ => (None, None),
        };
        Ok(DatasetReport {
            path: lake.name.clone(),
            id: DatasetId {
                file: Some(PathBuf::from(&lake.name)),
                sheet: None,
            },
            format: lake.format.name().to_owned(),
            encoding,
            delimiter,
            rows,
            sampled: false,
            columns: column_reports(&names, profiles, examples.as_ref(), &text_rows),
            subject_key: key_column(&plan.subject),
            subjects: subjects.counts,
            unkeyed_rows: subjects.unkeyed,
            device_key: key_column(&plan.device),
            devices: devices.counts,
            warnings: Vec::new(),
            salted: salted.then_some(SaltedSubjects {
                subjects: subjects.hashes,
                devices: devices.hashes,
            }),
        })
    }

    /// Rows per (free-text column, category bit): `GROUP BY` the text columns' category masks.
    fn text_rows(&self, names: &[String], text: &[usize]) -> Result<TextRows, LakeError> {
        let categories = TextCategoriesUdf::udf();
        let masks: Vec<Expr> = text
            .iter()
            .enumerate()
            .map(|(i, &column)| {
                let name = names.get(column).cloned().unwrap_or_default();
                categories.call(vec![ident(name)]).alias(format!("t{i}"))
            })
            .collect();
        let keys: Vec<Expr> = (0..text.len()).map(|i| col(format!("t{i}"))).collect();
        let frame = self
            .lake_frame(names)?
            .select(masks)
            .and_then(|f| f.aggregate(keys, vec![count(lit(1)).alias("n")]))
            .map_err(|e| self.engine(&e))?;
        let mut rows = TextRows::new();
        self.each_batch(frame, |batch| {
            let n = batch
                .column_by_name("n")
                .map(|c| c.as_primitive::<arrow::datatypes::Int64Type>().clone());
            for (i, &column) in text.iter().enumerate() {
                let (Some(masks), Some(n)) = (batch.column_by_name(&format!("t{i}")), &n) else {
                    continue;
                };
                let masks = masks.as_primitive::<UInt64Type>();
                for row in 0..batch.num_rows() {
                    let mask = masks.value(row);
                    let rows_here = u64::try_from(n.value(row)).unwrap_or(0);
                    for bit in 0..TEXT_CATEGORIES.len() {
                        if mask >> bit & 1 == 1 {
                            *rows.entry((column, bit)).or_default() += rows_here;
                        }
                    }
                }
            }
        })?;
        Ok(rows)
    }

    /// Distinct keys of `key` per category: `GROUP BY freeport_subject_hash(key)` with the
    /// categories each key has a value of (`bit_or` of `freeport_category_mask`), streamed.
    #[expect(clippy::too_many_arguments, reason = "one call site per key kind")]
    fn count(
        &self,
        names: &[String],
        key: usize,
        category: &str,
        groups: &[(String, CountedCategory)],
        text: &[usize],
        hasher: &Arc<SubjectHasher>,
        salted: bool,
    ) -> Result<Counted, LakeError> {
        let arguments: Vec<Expr> = names.iter().map(ident).collect();
        let key_name = names.get(key).cloned().unwrap_or_default();
        let mut select = vec![
            SubjectHashUdf::udf(category, Arc::clone(hasher))
                .call(vec![ident(key_name)])
                .alias("k"),
        ];
        let mut aggregates = vec![count(lit(1)).alias("n")];
        let chunks: Vec<&[(String, CountedCategory)]> = groups.chunks(64).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            let udf: ScalarUDF = CategoryMaskUdf::udf(
                names.len(),
                chunk.iter().map(|(_, c)| c.clone()).collect(),
                text.to_vec(),
            )
            .map_err(|e| self.engine(&e))?;
            select.push(udf.call(arguments.clone()).alias(format!("m{i}")));
            aggregates.push(bit_or(col(format!("m{i}"))).alias(format!("m{i}")));
        }
        let frame = self
            .lake_frame(names)?
            .select(select)
            .and_then(|f| f.aggregate(vec![col("k")], aggregates))
            .map_err(|e| self.engine(&e))?;
        let mut counted = Counted {
            counts: groups.iter().map(|(c, _)| (c.clone(), 0)).collect(),
            ..Counted::default()
        };
        let mut hashes: Vec<Vec<u128>> = vec![Vec::new(); groups.len()];
        let mut counts = vec![0_u64; groups.len()];
        self.each_batch(frame, |batch| {
            let (Some(keys), Some(n)) = (batch.column_by_name("k"), batch.column_by_name("n"))
            else {
                return;
            };
            let keys = keys.as_fixed_size_binary();
            let n = n.as_primitive::<arrow::datatypes::Int64Type>();
            let masks: Vec<_> = (0..chunks.len())
                .filter_map(|i| batch.column_by_name(&format!("m{i}")))
                .map(|m| m.as_primitive::<UInt64Type>().clone())
                .collect();
            for row in 0..batch.num_rows() {
                if keys.is_null(row) {
                    counted.unkeyed += u64::try_from(n.value(row)).unwrap_or(0);
                    continue;
                }
                let hash = <[u8; 16]>::try_from(keys.value(row)).map(u128::from_be_bytes);
                for (group, (count, list)) in counts.iter_mut().zip(&mut hashes).enumerate() {
                    let word = masks.get(group / 64).map_or(0, |m| m.value(row));
                    if word >> (group % 64) & 1 == 1 {
                        *count += 1;
                        if salted && let Ok(hash) = hash {
                            list.push(hash);
                        }
                    }
                }
            }
        })?;
        for ((category, _), (count, mut list)) in groups.iter().zip(counts.into_iter().zip(hashes))
        {
            counted.counts.insert(category.clone(), count);
            if salted {
                list.sort_unstable();
                counted.hashes.insert(category.clone(), list);
            }
        }
        Ok(counted)
    }
}

/// Precise-location categories present, counted by device (no text bits, as natively).
fn device_groups(by_category: &ByCategory) -> Vec<(String, CountedCategory)> {
    PRECISE_LOCATION_CATEGORIES
        .iter()
        .filter_map(|category| {
            by_category.get(*category).map(|columns| {
                (
                    (*category).to_owned(),
                    CountedCategory {
                        columns: columns.clone(),
                        text_bit: None,
                    },
                )
            })
        })
        .collect()
}
