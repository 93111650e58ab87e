//! `freeport deid --engine datafusion LAKE -o DIR`: the in-memory engine's de-identification of
//! a lake, written back as hive-partitioned Parquet.
//!
//! The run is `freeport-deid`'s own: its [`Design`] (roles, transforms, hierarchies, model,
//! metric) is made from each column's distinct values, its search ([`Problem::with_counter`])
//! picks the optimal lattice node, and its [`Design::report`] reports. Only where the rows are
//! differs:
//!
//! 1. **Values.** Per file, in path order: its rows, and the distinct values of the columns the
//!    design reads (quasi-identifiers, sensitive attributes, hierarchies built from values). A
//!    malformed file is named here.
//! 2. **Search.** Each lattice node the search checks is one `GROUP BY
//!    freeport_generalise(qi, level), …, sensitive` over every file with `count(*)`: the node's
//!    equivalence classes with their sensitive histograms, on all cores under the spilling
//!    memory pool. The search, the model checks and the metric are the in-memory engine's, so
//!    the same rows give the same node.
//! 3. **Output.** Each file, in row order, through `freeport_generalise` and
//!    `freeport_transform` (the in-memory engine's transforms, same key, same pseudonyms); rows
//!    of suppressed classes are left out; each output row goes under its partition values
//!    (hive-style `key=value` directories, partition columns kept, as written after their
//!    transform) to `part-NNNNN.parquet`, NNNNN the input file's place in path order. Cells
//!    are written as the in-memory engine writes Parquet (text; empty as null), so the output is
//!    the same bytes every run. Files are written to a hidden directory beside the output and
//!    moved into place only when every file is done: a failed run leaves nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use arrow::array::{ArrayRef, AsArray, StringArray, UInt32Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::logical_expr::{Expr, when};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::prelude::{col, ident, lit};
use freeport_deid::config::{LoadedConfig, Role};
use freeport_deid::engine::{ColumnOutput, Design, Searched};
use freeport_deid::hierarchy::Hierarchy;
use freeport_deid::profile::Profile;
use freeport_deid::report::Report;
use freeport_deid::search::{ClassCounter, Classes, Problem};
use freeport_deid::table::{Column, RowNames, Table};
use freeport_deid::transform::Transform;
use futures::StreamExt;

use crate::LakeError;
use crate::files::{Lake, LakeFile, discover_lake};
use crate::read::{Reader, partition, thread_count};
use crate::scan::DEFAULT_MEMORY_LIMIT;
use crate::udf::{GeneraliseUdf, TransformUdf};

/// Partition value Hive writes for a null (here: empty) key.
const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

/// How to de-identify a lake.
#[derive(Debug, Clone)]
pub struct LakeDeidOptions {
    /// A profile applied on top of the configuration.
    pub profile: Option<Profile>,
    /// Threads (0: one per core).
    pub threads: usize,
    /// Bytes DataFusion's memory pool may hold; past it, grouping spills to disk.
    pub memory_limit: usize,
    /// Where spill files go (the system's temporary directory by default).
    pub spill_dir: Option<PathBuf>,
}

impl Default for LakeDeidOptions {
    fn default() -> Self {
        Self {
            profile: None,
            threads: 0,
            memory_limit: DEFAULT_MEMORY_LIMIT,
            spill_dir: None,
        }
    }
}

/// What a lake's de-identification did.
#[derive(Debug)]
pub struct LakeDeidOutcome {
    /// The in-memory engine's report for the same rows.
    pub report: Report,
    /// Lattice nodes whose classes were counted (one `GROUP BY` each).
    pub checks: usize,
    /// Wall time of the search, in seconds (not in the report: not deterministic).
    pub search_seconds: f64,
    /// The files written, relative to the output directory, in path order.
    pub files: Vec<PathBuf>,
}

/// De-identifies the lake `spec` (a directory or a glob) with `config` into the directory
/// `output` (which must not exist, or be empty).
///
/// # Errors
///
/// The lake cannot be read (a malformed file is named), the configuration does not fit it or
/// no transformation satisfies the model (the in-memory engine's errors), the output exists,
/// or writing fails (nothing is left behind).
pub fn deidentify_lake(
    spec: &str,
    config: &LoadedConfig,
    output: &Path,
    options: &LakeDeidOptions,
) -> Result<LakeDeidOutcome, LakeError> {
    let lake = discover_lake(spec)?;
    check_output(&lake, spec, output)?;
    let threads = thread_count(options.threads);
    let reader = Arc::new(Reader::open(
        lake,
        threads,
        options.memory_limit,
        options.spill_dir.as_deref(),
        true,
        None,
    )?);
    let Some(first) = reader.lake.files.first() else {
        return Err(LakeError::Empty {
            lake: spec.to_owned(),
        });
    };
    let names = reader.names_of(first)?;

    // 1. Rows and distinct values, file by file.
    let table = values(&reader, &names, config)?;
    let design = Design::new(&table, config, options.profile)?;

    // 2. The search, a GROUP BY per node.
    let failure = Arc::new(Mutex::new(None));
    let started = std::time::Instant::now();
    let searched = if design.qis().is_empty() {
        None
    } else {
        let counter = GroupBy::new(Arc::clone(&reader), &names, &design, &table, &failure);
        let searched = Problem::with_counter(
            design.qis().to_vec(),
            Box::new(counter),
            design.sensitive_values(),
            design.model().clone(),
            design.metric(),
        )
        .and_then(|problem| design.search(&problem, &freeport_deid::progress::NoProgress));
        match searched {
            Ok(searched) => Some(searched),
            Err(error) => {
                // A lake's own failure (a file, the engine) is reported as itself.
                let stored = failure.lock().ok().and_then(|mut f| f.take());
                return Err(stored.unwrap_or(LakeError::Deid(error)));
            }
        }
    };

    let search_seconds = started.elapsed().as_secs_f64();

    // 3. The output.
    let written = write(&reader, &names, &design, searched.as_ref(), output)?;
    let expected = table.rows as u64 - searched.as_ref().map_or(0, |s| s.solution.suppressed_rows);
    if written.rows != expected {
        return Err(LakeError::Engine {
            lake: spec.to_owned(),
            reason: format!(
                "{} rows were written where the search kept {expected}: the lake changed while it was read",
                written.rows
            ),
        });
    }
    let kept = usize::try_from(written.rows).unwrap_or(usize::MAX);
    Ok(LakeDeidOutcome {
        report: design.report(searched.as_ref(), kept),
        checks: searched.as_ref().map_or(0, |s| s.solution.checks),
        search_seconds,
        files: written.files,
    })
}

/// The output must be new (or an empty directory) and outside the lake.
fn check_output(lake: &Lake, spec: &str, output: &Path) -> Result<(), LakeError> {
    let refuse = |reason: &str| {
        Err(LakeError::Output {
            path: output.to_path_buf(),
            reason: reason.to_owned(),
        })
    };
    if output.exists() {
        let empty = std::fs::read_dir(output)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return refuse("exists and is not an empty directory");
        }
    }
    // Where the output would be, made absolute though it does not exist yet.
    let absolute = |p: &Path| -> Option<PathBuf> {
        if let Ok(p) = p.canonicalize() {
            return Some(p);
        }
        let parent = p
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Some(parent.canonicalize().ok()?.join(p.file_name()?))
    };
    let Some(out) = absolute(output) else {
        return refuse("its parent directory does not exist");
    };
    let root = Path::new(spec);
    let under_lake = root.is_dir() && root.canonicalize().is_ok_and(|r| out.starts_with(r));
    let holds_lake = lake
        .files
        .iter()
        .any(|f| f.path.canonicalize().is_ok_and(|f| f.starts_with(&out)));
    if under_lake || holds_lake {
        return refuse("is inside the lake, or the lake is inside it; write elsewhere");
    }
    Ok(())
}

/// A column's cell as the in-memory engine sees it: text, empty for null.
fn cell(name: &str) -> Result<Expr, LakeError> {
    when(ident(name).is_null(), lit(""))
        .otherwise(ident(name))
        .map_err(|e| LakeError::Engine {
            lake: String::new(),
            reason: e.to_string(),
        })
}

/// The lake as the design's table: every column, with the sorted distinct values of those the
/// design reads (the others need none), and the number of rows. Read file by file, so a
/// malformed file is named.
fn values(reader: &Reader, names: &[String], config: &LoadedConfig) -> Result<Table, LakeError> {
    let read: BTreeSet<&str> = config
        .config
        .columns
        .iter()
        .filter(|(_, c)| {
            matches!(c.role, Role::QuasiIdentifier | Role::Sensitive) || c.hierarchy.is_some()
        })
        .map(|(name, _)| name.get_ref().as_str())
        .collect();
    let mut distinct: Vec<BTreeSet<String>> = vec![BTreeSet::new(); names.len()];
    let mut rows = 0usize;
    for file in &reader.lake.files {
        let frame = reader.file_frame(&reader.ctx, file, names)?;
        rows += reader
            .runtime
            .block_on(frame.clone().count())
            .map_err(|e| partition(file, &e))?;
        for (pos, name) in names.iter().enumerate() {
            if !read.contains(name.as_str()) {
                continue;
            }
            let values = frame
                .clone()
                .aggregate(vec![cell(name)?.alias("v")], vec![])
                .map_err(|e| partition(file, &e))?;
            let batches = reader
                .runtime
                .block_on(values.collect())
                .map_err(|e| partition(file, &e))?;
            for batch in &batches {
                let column = text_column(batch, 0, file)?;
                distinct[pos].extend(column.iter().flatten().map(str::to_owned));
            }
        }
    }
    Ok(Table {
        columns: names
            .iter()
            .zip(distinct)
            .map(|(name, values)| Column {
                name: name.clone(),
                dictionary: values.into_iter().collect(),
                codes: Vec::new(),
            })
            .collect(),
        rows,
        row_names: RowNames::Records,
    })
}

/// Column `i` of a result batch as text.
fn text_column<'b>(
    batch: &'b RecordBatch,
    i: usize,
    file: &LakeFile,
) -> Result<&'b StringArray, LakeError> {
    batch
        .columns()
        .get(i)
        .and_then(|c| c.as_string_opt::<i32>())
        .ok_or_else(|| LakeError::Partition {
            file: file.path.clone(),
            reason: "a text column came back as another type".to_owned(),
        })
}

/// A class's rows and, per sensitive attribute, its rows per value code.
type ClassRows = (u64, Vec<BTreeMap<u32, u64>>);

/// A lattice node's classes, counted by a `GROUP BY` over the whole lake.
struct GroupBy {
    reader: Arc<Reader>,
    names: Vec<String>,
    /// Per quasi-identifier: its column and hierarchy.
    qis: Vec<(String, Arc<Hierarchy>)>,
    /// Per sensitive attribute: its column and each value's code.
    sensitive: Vec<(String, HashMap<String, u32>)>,
    /// The first failure of the lake's own (the search only carries a message).
    failure: Arc<Mutex<Option<LakeError>>>,
}

impl std::fmt::Debug for GroupBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupBy")
            .field("lake", &self.reader.lake.name)
            .field("qis", &self.qis.len())
            .finish_non_exhaustive()
    }
}

impl GroupBy {
    fn new(
        reader: Arc<Reader>,
        names: &[String],
        design: &Design,
        table: &Table,
        failure: &Arc<Mutex<Option<LakeError>>>,
    ) -> Self {
        let qis = design
            .qis()
            .iter()
            .map(|q| (q.name.clone(), Arc::new(q.hierarchy.clone())))
            .collect();
        let sensitive = design
            .sensitive_columns()
            .into_iter()
            .map(|(pos, codes)| {
                let column = &table.columns[pos];
                let values = column
                    .dictionary
                    .iter()
                    .cloned()
                    .zip(codes.iter().copied())
                    .collect();
                (column.name.clone(), values)
            })
            .collect();
        Self {
            reader,
            names: names.to_vec(),
            qis,
            sensitive,
            failure: Arc::clone(failure),
        }
    }

    fn count(&self, levels: &[usize]) -> Result<Classes, LakeError> {
        let reader = &self.reader;
        let engine = |e: &dyn std::fmt::Display| LakeError::Engine {
            lake: reader.lake.name.clone(),
            reason: e.to_string(),
        };
        let mut select = Vec::new();
        let mut keys = Vec::new();
        for (a, ((name, hierarchy), &level)) in self.qis.iter().zip(levels).enumerate() {
            let udf = GeneraliseUdf::udf(name, Arc::clone(hierarchy), level);
            select.push(udf.call(vec![cell(name)?]).alias(format!("g{a}")));
            keys.push(col(format!("g{a}")));
        }
        for (s, (name, _)) in self.sensitive.iter().enumerate() {
            select.push(cell(name)?.alias(format!("s{s}")));
            keys.push(col(format!("s{s}")));
        }
        let frame = reader
            .lake_frame(&self.names)?
            .select(select)
            .and_then(|f| f.aggregate(keys, vec![count(lit(1)).alias("n")]))
            .map_err(|e| engine(&e))?;
        // Per quasi-identifier at its level: label → code, and a leaf of each code.
        let lookups: Vec<(HashMap<&str, u32>, Vec<u32>)> = self
            .qis
            .iter()
            .zip(levels)
            .map(|((_, h), &level)| {
                let labels = (0..h.cardinality(level) as u32)
                    .map(|code| (h.label(level, code), code))
                    .collect();
                let mut leaf_of = vec![u32::MAX; h.cardinality(level)];
                for (leaf, &code) in h.level_map(level).iter().enumerate() {
                    if let Some(slot) = leaf_of.get_mut(code as usize)
                        && *slot == u32::MAX
                    {
                        *slot = leaf as u32;
                    }
                }
                (labels, leaf_of)
            })
            .collect();
        let d = self.qis.len();
        // Classes by generalised codes (sorted, so the classes come in one order every run).
        let mut classes: BTreeMap<Vec<u32>, ClassRows> = BTreeMap::new();
        let mut unknown = false;
        reader.each_batch(frame, |batch| {
            let n = batch
                .column(d + self.sensitive.len())
                .as_primitive_opt::<arrow::datatypes::Int64Type>()
                .cloned();
            let Some(n) = n else {
                unknown = true;
                return;
            };
            let text: Vec<Option<&StringArray>> = (0..d + self.sensitive.len())
                .map(|i| batch.column(i).as_string_opt::<i32>())
                .collect();
            for row in 0..batch.num_rows() {
                let mut key = Vec::with_capacity(d);
                for (a, (labels, _)) in lookups.iter().enumerate() {
                    match text[a].and_then(|t| labels.get(t.value(row))) {
                        Some(&code) => key.push(code),
                        None => unknown = true,
                    }
                }
                if key.len() < d {
                    continue;
                }
                let entry = classes
                    .entry(key)
                    .or_insert_with(|| (0, vec![BTreeMap::new(); self.sensitive.len()]));
                let rows = u64::try_from(n.value(row)).unwrap_or(0);
                entry.0 += rows;
                for (s, (_, codes)) in self.sensitive.iter().enumerate() {
                    match text[d + s].and_then(|t| codes.get(t.value(row))) {
                        Some(&code) => *entry.1[s].entry(code).or_insert(0) += rows,
                        None => unknown = true,
                    }
                }
            }
        })?;
        if unknown {
            return Err(engine(
                &"a class's values are not among those read first: the lake changed while it was read",
            ));
        }
        let too_many = || engine(&"an equivalence class has more than 4,294,967,295 rows");
        let mut out = Classes {
            sensitive: vec![Vec::new(); self.sensitive.len()],
            ..Classes::default()
        };
        for (class, (key, (rows, hists))) in classes.into_iter().enumerate() {
            let class = u32::try_from(class).map_err(|_| too_many())?;
            for (&code, (_, leaf_of)) in key.iter().zip(&lookups) {
                out.reps
                    .push(leaf_of.get(code as usize).copied().unwrap_or(0));
            }
            out.counts
                .push(u32::try_from(rows).map_err(|_| too_many())?);
            for (s, hist) in hists.into_iter().enumerate() {
                for (value, n) in hist {
                    let n = u32::try_from(n).map_err(|_| too_many())?;
                    out.sensitive[s].push((class, value, n));
                }
            }
        }
        Ok(out)
    }
}

impl ClassCounter for GroupBy {
    fn classes(&self, levels: &[usize]) -> freeport_deid::Result<Classes> {
        self.count(levels).map_err(|error| {
            let message = error.to_string();
            if let Ok(mut slot) = self.failure.lock() {
                slot.get_or_insert(error);
            }
            freeport_deid::Error::input(message, None)
        })
    }
}

/// What the output pass wrote.
struct Written {
    rows: u64,
    files: Vec<PathBuf>,
}

/// Writes the de-identified lake to `output` through a hidden directory beside it.
fn write(
    reader: &Reader,
    names: &[String],
    design: &Design,
    searched: Option<&Searched>,
    output: &Path,
) -> Result<Written, LakeError> {
    let out_error = |reason: String| LakeError::Output {
        path: output.to_path_buf(),
        reason,
    };
    let levels = searched.map(|s| s.solution.levels.as_slice());
    let outputs = design.outputs(levels);
    let keys = &reader.lake.keys;
    let own = names.len() - keys.len();
    // The output columns, their plan, and where the quasi-identifiers and partition keys are.
    let mut select = Vec::new();
    let mut out_names = Vec::new();
    let mut qi_at = vec![0; design.qis().len()];
    let mut key_at = Vec::new();
    for (pos, name) in names.iter().enumerate() {
        let expr = match outputs[pos] {
            ColumnOutput::Delete => continue,
            ColumnOutput::Generalise { hierarchy, level } => {
                if let Some(a) = design.qi_columns().iter().position(|&p| p == pos) {
                    qi_at[a] = out_names.len();
                }
                GeneraliseUdf::udf(name, Arc::new(hierarchy.clone()), level).call(vec![cell(name)?])
            }
            ColumnOutput::Transform(Transform::Keep) => cell(name)?,
            ColumnOutput::Transform(t) => {
                TransformUdf::udf(name, Arc::new(t.clone())).call(vec![cell(name)?])
            }
        };
        if pos >= own {
            key_at.push(out_names.len());
        }
        select.push(expr.alias(name));
        out_names.push(name.clone());
    }
    let data_at: Vec<usize> = (0..out_names.len())
        .filter(|i| !key_at.contains(i))
        .collect();
    let schema = Arc::new(Schema::new(
        data_at
            .iter()
            .map(|&i| Field::new(out_names[i].as_str(), DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ));
    let out_keys: Vec<&str> = key_at.iter().map(|&i| out_names[i].as_str()).collect();
    // The suppressed classes by their generalised labels.
    let suppressed: HashSet<Vec<&str>> = searched
        .map(|s| {
            s.solution
                .suppressed_classes
                .iter()
                .map(|codes| {
                    design
                        .qis()
                        .iter()
                        .zip(codes)
                        .zip(&s.solution.levels)
                        .map(|((q, &code), &level)| q.hierarchy.label(level, code))
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();

    let staging = staging_dir(output);
    std::fs::create_dir_all(&staging).map_err(|e| out_error(e.to_string()))?;
    let result = (|| -> Result<Written, LakeError> {
        let mut rows = 0u64;
        let mut files = BTreeSet::new();
        for (i, file) in reader.lake.files.iter().enumerate() {
            let frame = reader
                .file_frame(&reader.ordered, file, names)?
                .select(select.clone())
                .map_err(|e| partition(file, &e))?;
            let mut writers: BTreeMap<PathBuf, ArrowWriter<File>> = BTreeMap::new();
            let mut stream = reader
                .runtime
                .block_on(frame.execute_stream())
                .map_err(|e| partition(file, &e))?;
            while let Some(batch) = reader.runtime.block_on(stream.next()) {
                let batch = batch.map_err(|e| partition(file, &e))?;
                let text: Vec<&StringArray> = (0..batch.num_columns())
                    .map(|c| text_column(&batch, c, file))
                    .collect::<Result<_, _>>()?;
                // Rows per output partition, suppressed classes left out, in row order.
                let mut parts: BTreeMap<PathBuf, Vec<u32>> = BTreeMap::new();
                for row in 0..batch.num_rows() {
                    if !suppressed.is_empty() {
                        let class: Vec<&str> = qi_at.iter().map(|&c| text[c].value(row)).collect();
                        if suppressed.contains(&class) {
                            continue;
                        }
                    }
                    let mut dir = PathBuf::new();
                    for (&c, key) in key_at.iter().zip(&out_keys) {
                        dir.push(format!(
                            "{}={}",
                            escape(key),
                            partition_value(text[c].value(row))
                        ));
                    }
                    parts.entry(dir).or_default().push(row as u32);
                    rows += 1;
                }
                for (dir, indices) in parts {
                    let indices = UInt32Array::from(indices);
                    let columns = data_at
                        .iter()
                        .map(|&c| {
                            let taken = arrow::compute::take(text[c], &indices, None)?;
                            Ok(empty_as_null(taken.as_string::<i32>()))
                        })
                        .collect::<Result<Vec<ArrayRef>, arrow::error::ArrowError>>()
                        .map_err(|e| out_error(e.to_string()))?;
                    let out = RecordBatch::try_new(Arc::clone(&schema), columns)
                        .map_err(|e| out_error(e.to_string()))?;
                    let relative = dir.join(format!("part-{i:05}.parquet"));
                    let writer = match writers.entry(relative.clone()) {
                        std::collections::btree_map::Entry::Occupied(w) => w.into_mut(),
                        std::collections::btree_map::Entry::Vacant(slot) => {
                            let path = staging.join(&relative);
                            if let Some(parent) = path.parent() {
                                std::fs::create_dir_all(parent)
                                    .map_err(|e| out_error(e.to_string()))?;
                            }
                            let handle =
                                File::create(&path).map_err(|e| out_error(e.to_string()))?;
                            let props = WriterProperties::builder()
                                .set_compression(Compression::ZSTD(ZstdLevel::default()))
                                .build();
                            slot.insert(
                                ArrowWriter::try_new(handle, Arc::clone(&schema), Some(props))
                                    .map_err(|e| out_error(e.to_string()))?,
                            )
                        }
                    };
                    writer.write(&out).map_err(|e| out_error(e.to_string()))?;
                }
            }
            for (relative, writer) in writers {
                writer.close().map_err(|e| out_error(e.to_string()))?;
                files.insert(relative);
            }
        }
        Ok(Written {
            rows,
            files: files.into_iter().collect(),
        })
    })();
    let written = match result {
        Ok(written) => written,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(error);
        }
    };
    if output.exists() {
        std::fs::remove_dir(output).map_err(|e| out_error(e.to_string()))?;
    }
    if let Err(e) = std::fs::rename(&staging, output) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(out_error(e.to_string()));
    }
    Ok(written)
}

/// The hidden directory the output is written to before it is moved into place.
fn staging_dir(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// A text array with empty cells as nulls (how the in-memory engine writes Parquet).
fn empty_as_null(array: &StringArray) -> ArrayRef {
    Arc::new(
        array
            .iter()
            .map(|v| v.filter(|v| !v.is_empty()))
            .collect::<StringArray>(),
    )
}

/// A partition value as a directory name: Hive's null for an empty value, else escaped.
fn partition_value(value: &str) -> String {
    if value.is_empty() {
        HIVE_NULL.to_owned()
    } else {
        escape(value)
    }
}

/// Hive's path escaping: `%XX` for characters a directory name cannot hold or Hive escapes
/// (undone by the lake reader); other characters stay as they are.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let special = c.is_ascii_control()
            || matches!(
                c,
                '"' | '#' | '%' | '\'' | '*' | '/' | ':' | '=' | '?' | '\\' | '{' | '[' | ']' | '^'
            );
        if special {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}
