//! Small helpers every Free Data Port crate may use: [`atomic`] file writes (temporary file in
//! the target's directory, fsync, rename, fsync of the directory), [`fmt`], the formatting of
//! numbers and hashes for people and files, and [`home`], where the default home is.
//!
//! A leaf crate: it depends on no other workspace crate and on nothing heavy (no clap, no
//! engine), so engines and the binary share one copy of each helper instead of writing their
//! own.

pub mod atomic;
pub mod fmt;
pub mod home;

pub use atomic::{AtomicFile, CommitError, write_atomic, write_atomic_with};
