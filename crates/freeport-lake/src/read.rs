//! Reading a lake's files on DataFusion, shared by the scan and de-identification: two
//! sessions over one spilling memory pool (one keeps row order), each file as the lake's rows
//! (every column as text, then its partition values), and the checks that name a malformed
//! file before DataFusion reads it.

use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema};
use datafusion::common::ScalarValue;
use datafusion::error::DataFusionError;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::logical_expr::Expr;
use datafusion::prelude::{
    CsvReadOptions, DataFrame, ParquetReadOptions, SessionConfig, SessionContext, ident, lit,
};
use freeport_read::Format;
use futures::StreamExt;
use tokio::runtime::Runtime;

use crate::LakeError;
use crate::files::{Lake, LakeFile};
use crate::udf::{TextCategoriesUdf, TextUdf};

/// A lake open for reading on DataFusion.
pub(crate) struct Reader {
    pub(crate) lake: Lake,
    /// Whether CSV files start with a header line.
    pub(crate) header: bool,
    /// The CSV delimiter given, if any.
    pub(crate) delimiter: Option<u8>,
    /// For the grouping passes: all cores.
    pub(crate) ctx: SessionContext,
    /// For passes in file order: rows in file order.
    pub(crate) ordered: SessionContext,
    pub(crate) runtime: Runtime,
}

/// How many threads `threads` means (0: one per core).
pub(crate) fn thread_count(threads: usize) -> usize {
    match threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
}

impl Reader {
    /// Opens `lake` with `threads` threads and a pool of `memory_limit` bytes spilling to
    /// `spill_dir`.
    pub(crate) fn open(
        lake: Lake,
        threads: usize,
        memory_limit: usize,
        spill_dir: Option<&Path>,
        header: bool,
        delimiter: Option<u8>,
    ) -> Result<Self, LakeError> {
        let engine = |e: &dyn std::fmt::Display| LakeError::Engine {
            lake: lake.name.clone(),
            reason: e.to_string(),
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("freeport-lake")
            .enable_all()
            .build()
            .map_err(|e| engine(&e))?;
        let (ctx, ordered) = contexts(memory_limit, spill_dir, threads).map_err(|e| engine(&e))?;
        Ok(Self {
            lake,
            header,
            delimiter,
            ctx,
            ordered,
            runtime,
        })
    }

    /// The CSV delimiter: the one given, else by extension.
    pub(crate) fn csv_delimiter(&self) -> u8 {
        match (self.delimiter, self.lake.format) {
            (Some(delimiter), _) => delimiter,
            (None, Format::Tsv) => b'\t',
            (None, _) => b',',
        }
    }

    /// The file read by DataFusion, its own columns only (as the file types them).
    pub(crate) fn raw_frame(
        &self,
        ctx: &SessionContext,
        file: &LakeFile,
        schema: Option<&Schema>,
    ) -> Result<DataFrame, LakeError> {
        let path = file.path.to_string_lossy().into_owned();
        let frame = match self.lake.format {
            Format::Parquet => {
                check_footer(file)?;
                self.runtime
                    .block_on(ctx.read_parquet(path, ParquetReadOptions::default()))
            }
            _ => {
                check_plain_text(file)?;
                let extension = file
                    .path
                    .extension()
                    .map(|e| format!(".{}", e.to_string_lossy()))
                    .unwrap_or_default();
                let mut csv = CsvReadOptions::new()
                    .has_header(self.header)
                    .delimiter(self.csv_delimiter())
                    .file_extension(&extension);
                if let Some(schema) = schema {
                    csv = csv.schema(schema);
                }
                self.runtime.block_on(ctx.read_csv(path, csv))
            }
        };
        frame.map_err(|e| partition(file, &e))
    }

    /// A file's own column names.
    pub(crate) fn file_columns(&self, file: &LakeFile) -> Result<Vec<String>, LakeError> {
        let frame = self.raw_frame(&self.ordered, file, None)?;
        Ok(frame
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect())
    }

    /// The lake's columns: the first file's, then the partition keys.
    pub(crate) fn names_of(&self, first: &LakeFile) -> Result<Vec<String>, LakeError> {
        let mut names = self.file_columns(first)?;
        for key in &self.lake.keys {
            if names.contains(key) {
                return Err(LakeError::Schema {
                    file: first.path.clone(),
                    expected: format!("a partition key `{key}`"),
                    found: format!("a column `{key}` too"),
                });
            }
            names.push(key.clone());
        }
        Ok(names)
    }

    /// A file as the lake's rows: every column as text (`freeport_text`), then its partition
    /// values; refused when its columns are not the lake's.
    pub(crate) fn file_frame(
        &self,
        ctx: &SessionContext,
        file: &LakeFile,
        names: &[String],
    ) -> Result<DataFrame, LakeError> {
        let own = names.len() - self.lake.keys.len();
        let frame = match self.lake.format {
            Format::Parquet => self.raw_frame(ctx, file, None)?,
            _ => {
                // CSV cells are text as written: no type inference.
                let columns = self.file_columns(file)?;
                let schema = Schema::new(
                    columns
                        .iter()
                        .map(|n| Field::new(n, DataType::Utf8, true))
                        .collect::<Vec<_>>(),
                );
                self.raw_frame(ctx, file, Some(&schema))?
            }
        };
        let found: Vec<String> = frame
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        if found.as_slice() != names.get(..own).unwrap_or_default() {
            return Err(LakeError::Schema {
                file: file.path.clone(),
                expected: names.get(..own).unwrap_or_default().join(", "),
                found: found.join(", "),
            });
        }
        let text = TextUdf::udf();
        let mut select: Vec<Expr> = found
            .iter()
            .map(|name| text.call(vec![ident(name)]).alias(name))
            .collect();
        for (key, value) in self.lake.keys.iter().zip(&file.partitions) {
            select.push(lit(ScalarValue::Utf8(value.clone())).alias(key));
        }
        frame.select(select).map_err(|e| partition(file, &e))
    }

    /// Every file's rows, as one frame (for the grouping passes; order does not matter).
    pub(crate) fn lake_frame(&self, names: &[String]) -> Result<DataFrame, LakeError> {
        let mut all: Option<DataFrame> = None;
        for file in &self.lake.files {
            let frame = self.file_frame(&self.ctx, file, names)?;
            all = Some(match all {
                None => frame,
                Some(all) => all.union(frame).map_err(|e| self.engine(&e))?,
            });
        }
        all.ok_or_else(|| LakeError::Empty {
            lake: self.lake.name.clone(),
        })
    }

    pub(crate) fn engine(&self, error: &dyn std::fmt::Display) -> LakeError {
        LakeError::Engine {
            lake: self.lake.name.clone(),
            reason: error.to_string(),
        }
    }

    /// Runs `frame` and hands each result batch to `take`; an error names the lake (a file
    /// was already read whole by the profile pass, so this is the engine's).
    pub(crate) fn each_batch(
        &self,
        frame: DataFrame,
        mut take: impl FnMut(&arrow::record_batch::RecordBatch),
    ) -> Result<(), LakeError> {
        let mut stream = self
            .runtime
            .block_on(frame.execute_stream())
            .map_err(|e| self.engine(&e))?;
        while let Some(batch) = self.runtime.block_on(stream.next()) {
            take(&batch.map_err(|e| self.engine(&e))?);
        }
        Ok(())
    }
}

/// Two DataFusion sessions sharing one memory pool, which spills past `memory_limit`: one with
/// `threads` partitions for the grouping passes, and one that keeps row order for profiling —
/// one partition, no round-robin repartitioning, whole-file scans — so each file's batches
/// arrive in file order.
fn contexts(
    memory_limit: usize,
    spill_dir: Option<&Path>,
    threads: usize,
) -> Result<(SessionContext, SessionContext), DataFusionError> {
    let mut runtime =
        RuntimeEnvBuilder::new().with_memory_pool(Arc::new(FairSpillPool::new(memory_limit)));
    if let Some(dir) = spill_dir {
        runtime = runtime.with_temp_file_path(dir);
    }
    let runtime = runtime.build_arc()?;
    let config = SessionConfig::new()
        .with_repartition_file_scans(false)
        .with_batch_size(8192);
    let parallel = SessionContext::new_with_config_rt(
        config.clone().with_target_partitions(threads),
        Arc::clone(&runtime),
    );
    let ordered = SessionContext::new_with_config_rt(
        config
            .with_target_partitions(1)
            .with_round_robin_repartition(false),
        runtime,
    );
    for ctx in [&parallel, &ordered] {
        for udf in [TextUdf::udf(), TextCategoriesUdf::udf()] {
            ctx.register_udf(udf);
        }
    }
    Ok((parallel, ordered))
}

/// Refuses a Parquet file whose footer cannot be right: no `PAR1` magic at both ends, or a
/// metadata length longer than the file. The `parquet` crate's footer decoder subtracts that
/// length from the file's without a check (59.3: an overflow panic in debug builds, a wrapped
/// range in release), so a truncated file is caught here and named.
fn check_footer(file: &LakeFile) -> Result<(), LakeError> {
    use std::io::{Read, Seek, SeekFrom};
    let bad = |reason: String| LakeError::Partition {
        file: file.path.clone(),
        reason,
    };
    let mut handle = std::fs::File::open(&file.path).map_err(|e| bad(e.to_string()))?;
    let len = handle.metadata().map_err(|e| bad(e.to_string()))?.len();
    if len < 12 {
        return Err(bad(format!("{len} bytes is too short for a Parquet file")));
    }
    let (mut head, mut tail) = ([0_u8; 4], [0_u8; 8]);
    handle
        .read_exact(&mut head)
        .and_then(|()| handle.seek(SeekFrom::End(-8)))
        .and_then(|_| handle.read_exact(&mut tail))
        .map_err(|e| bad(e.to_string()))?;
    let (length, magic) = tail.split_at(4);
    if &head != b"PAR1" || !matches!(magic, b"PAR1" | b"PARE") {
        return Err(bad(
            "not a Parquet file (no PAR1 magic at both ends)".to_owned()
        ));
    }
    let metadata = length
        .try_into()
        .map(u32::from_le_bytes)
        .map_or(u64::MAX, u64::from);
    if metadata.saturating_add(12) > len {
        return Err(bad(format!(
            "truncated: the footer gives {metadata} bytes of metadata in a {len}-byte file"
        )));
    }
    Ok(())
}

/// Refuses a CSV file that starts with a byte-order mark: the native reader decodes UTF-8 with a
/// BOM and UTF-16, DataFusion's CSV reader would keep the mark in the first column's name (or
/// fail on UTF-16), so such a lake would give another report; the file is named instead.
fn check_plain_text(file: &LakeFile) -> Result<(), LakeError> {
    use std::io::Read;
    let bad = |reason: String| LakeError::Partition {
        file: file.path.clone(),
        reason,
    };
    let mut head = Vec::with_capacity(3);
    std::fs::File::open(&file.path)
        .and_then(|f| f.take(3).read_to_end(&mut head))
        .map_err(|e| bad(e.to_string()))?;
    let mark = match head.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => Some("UTF-8"),
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => Some("UTF-16"),
        _ => None,
    };
    match mark {
        Some(encoding) => Err(LakeError::Format {
            file: file.path.clone(),
            reason: format!(
                "starts with a {encoding} byte-order mark; the lake engine reads plain UTF-8 CSV (strip the mark, or scan the file with the native engine)"
            ),
        }),
        None => Ok(()),
    }
}

/// A file that could not be read: a malformed partition, named.
pub(crate) fn partition(file: &LakeFile, error: &DataFusionError) -> LakeError {
    LakeError::Partition {
        file: file.path.clone(),
        reason: error.to_string(),
    }
}
