//! Detection engine of Free Data Port: validated identifier detectors (China, US,
//! international), free-text extraction with CJK-safe boundaries, and column classification
//! into vocabulary categories with ranked candidates, evidence and statistics.
//!
//! ```
//! use freeport_detect::ColumnProfiler;
//!
//! let mut p = ColumnProfiler::new("sfzh");
//! for v in ["11010519491231002X", "440524188001010014", "34052419800101001X"] {
//!     p.observe(Some(v));
//! }
//! p.observe(None);
//! let profile = p.finish();
//! assert_eq!(profile.category.as_deref(), Some("id.cn.resident_id"));
//! assert_eq!(freeport_detect::mask("id.cn.resident_id", "11010519491231002X"), "110105********002X");
//! ```
//!
//! Detectors never touch the network and never log values; profiles carry counts and rates,
//! never cell values.

pub mod category;
pub mod checks;
pub mod cn;
pub mod custom;
pub mod detector;
mod detectors;
pub mod header;
pub mod intl;
mod keys;
mod lists;
pub mod places;
mod profile;
mod table;
pub mod text;
pub mod us;

pub use category::{deid_proposal, identifier_strength};
pub use custom::{CustomDetector, Rules};
pub use detector::{
    Cell, Check, DETECTORS, Deid, Detector, Hierarchy, Key, Mask, Strength, Validator, Word,
};
pub use header::{header_is_value_of, header_looks_like_data};
pub use keys::{mask, subject_key};
pub use profile::{
    Candidate, ColumnProfile, ColumnProfiler, ColumnStats, Evidence, SAMPLE_HEAD, SAMPLE_MAX,
    SAMPLE_STRIDE, THRESHOLD, paired_coordinates,
};
pub use table::people_in_table;
