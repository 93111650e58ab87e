//! Errors of lake scans: each names the lake, and the file when one file is at fault.

use std::path::PathBuf;

/// Why a lake could not be scanned. Never carries a cell value.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum LakeError {
    /// The path names no file of a lake format.
    #[error("{lake}: no Parquet or CSV files found")]
    #[diagnostic(
        code(freeport::lake::empty),
        help(
            "give a directory of partitioned Parquet or CSV files (walked recursively; hidden files and names starting with `_` are skipped) or a glob such as 'lake/**/*.parquet'"
        )
    )]
    Empty {
        /// The lake as given.
        lake: String,
    },
    /// The path or glob cannot be listed.
    #[error("{lake}: cannot list the lake: {reason}")]
    #[diagnostic(code(freeport::lake::list))]
    List {
        /// The lake as given.
        lake: String,
        /// Why.
        reason: String,
    },
    /// A lake's files are of different formats, or of one the lake engine does not read.
    #[error("{}: {reason}", file.display())]
    #[diagnostic(
        code(freeport::lake::format),
        help(
            "a lake is Parquet files or CSV files, one format throughout; scan other files with the native engine"
        )
    )]
    Format {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A file's partition keys (`key=value` directories) differ from the first file's.
    #[error(
        "{}: partition keys ({found}) differ from the lake's ({expected})",
        file.display()
    )]
    #[diagnostic(
        code(freeport::lake::partitions),
        help("every file of a hive-style lake sits under the same `key=value` directories")
    )]
    Partitions {
        /// The file.
        file: PathBuf,
        /// The keys of the first file.
        expected: String,
        /// This file's keys.
        found: String,
    },
    /// A file's columns differ from the first file's.
    #[error("{}: columns ({found}) differ from the lake's ({expected})", file.display())]
    #[diagnostic(
        code(freeport::lake::schema),
        help(
            "every file of a lake has the same columns in the same order; scan files of another layout as a lake of their own"
        )
    )]
    Schema {
        /// The file.
        file: PathBuf,
        /// The first file's columns.
        expected: String,
        /// This file's columns.
        found: String,
    },
    /// A file (a partition) is malformed or cannot be read: the scan stops, nothing is skipped.
    #[error("{}: cannot read this partition: {reason}", file.display())]
    #[diagnostic(
        code(freeport::lake::partition),
        help(
            "the scan stops at a malformed file rather than skip it; repair or remove the file and scan again"
        )
    )]
    Partition {
        /// The file.
        file: PathBuf,
        /// DataFusion's reason.
        reason: String,
    },
    /// A header row is data (see the native scanner's check).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Header(#[from] freeport_read::ReadError),
    /// An option the lake engine does not support.
    #[error("--engine datafusion does not support {option}")]
    #[diagnostic(code(freeport::lake::option), help("{help}"))]
    Unsupported {
        /// The option.
        option: String,
        /// What to do instead.
        help: String,
    },
    /// DataFusion failed outside any one file (planning, memory, spilling).
    #[error("{lake}: the query engine failed: {reason}")]
    #[diagnostic(
        code(freeport::lake::engine),
        help(
            "if it ran out of memory, raise --memory-limit or point --spill-dir at a disk with room"
        )
    )]
    Engine {
        /// The lake as given.
        lake: String,
        /// DataFusion's reason.
        reason: String,
    },
    /// De-identification refused or failed (the in-memory engine's errors: configuration,
    /// hierarchies, model).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Deid(#[from] freeport_deid::Error),
    /// The output directory cannot be written.
    #[error("{}: cannot write the de-identified lake: {reason}", path.display())]
    #[diagnostic(
        code(freeport::lake::output),
        help("give -o a new directory (or an empty one) outside the lake")
    )]
    Output {
        /// The output directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}
