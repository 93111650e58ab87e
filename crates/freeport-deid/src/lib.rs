//! Free Data Port's de-identification engine: keyed pseudonyms, masking and generalisation;
//! k-anonymity, l-diversity and t-closeness with record suppression; an optimal, parallel
//! global-recoding search with ARX-compatible metrics; and re-identification risk, reported in
//! GB/T 37964's process order with the PIPL 去标识化 / 匿名化 call.
//!
//! The engine works on a dictionary-encoded [`table::Table`] so any reader can feed it; the
//! only file formats it knows live in [`io`].

pub mod config;
pub mod engine;
pub mod error;
pub mod hierarchy;
pub mod io;
pub mod metric;
pub mod model;
pub mod plan;
pub mod profile;
pub mod progress;
pub mod report;
pub mod risk;
pub mod search;
pub mod table;
pub mod transform;

pub use error::{Error, Result};
