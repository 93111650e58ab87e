//! Data lakes on Apache DataFusion: `freeport scan --engine datafusion DIR|GLOB` scans a
//! partitioned Parquet or CSV lake (hive-style `key=value` directories, many files) into the
//! same report the native scanner gives for the same rows read as one file, with memory
//! bounded by DataFusion's memory pool (grouping spills to disk), not by the input's size.
//!
//! freeport's detectors and transforms run inside DataFusion plans as scalar functions over
//! Arrow arrays ([`udf`]), each calling the one implementation in `freeport-detect`,
//! `freeport-subject` or `freeport-deid`; the report is assembled by `freeport-scan`'s own
//! steps. See [`scan`] for the passes and why they give the native answer.
//!
//! ```no_run
//! use freeport_lake::{LakeOptions, scan_lake};
//!
//! let report = scan_lake("lake/orders", &LakeOptions::default(), &freeport_scan::NoProgress)?;
//! println!("{} rows, {:?}", report.rows, report.subjects);
//! # Ok::<(), freeport_lake::LakeError>(())
//! ```

pub mod deid;
mod error;
pub mod files;
mod read;
pub mod scan;
pub mod udf;

pub use crate::error::LakeError;
pub use crate::files::{Lake, LakeFile, discover_lake};
pub use crate::scan::{DEFAULT_MEMORY_LIMIT, LakeOptions, scan_lake, scan_lakes};
