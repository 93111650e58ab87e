//! Joint statistics: research sites in both countries compute counts, histograms, contingency
//! tables, clamped sums, means, variances and regression sufficient statistics together, without
//! any record leaving its site and without either aggregator seeing one.
//!
//! The protocol is Prio3 (`prio` 0.18, VDAF draft 18) between two aggregators, one operated in
//! each country; privacy holds as long as one of them is honest:
//!
//! - a [`study`] is a TOML definition signed by its coordinator (the collector): the sites, the
//!   population filter, the queries (each with its DP budget), the minimum batch size, the cell
//!   floor, the study window and every party's public keys; its SHA-256 names it;
//! - a site ([`site`]) reads its dataset with `freeport-read`, turns each record into one
//!   measurement per query ([`query`]), shards it ([`vdaf`]) and encrypts each aggregator's input
//!   share to that aggregator's HPKE key ([`crypto`], RFC 9180); it keeps a receipt;
//! - the aggregators ([`aggregator`]) verify every report (Prio3 preparation, one round between
//!   them), reject replays and reports outside the window, accumulate durably in SQLite, and on
//!   collection add discrete Laplace noise to their own aggregate share ([`noise`]), enforce the
//!   minimum batch size, refuse differencing and spend the privacy budget in the same transaction
//!   that records the release;
//! - the collector ([`collector`]) combines the two aggregate shares and reports each answer with
//!   its confidence interval from the noise.
//!
//! *Architecture invariant:* this crate knows no HTTP. The messages between parties are the
//! serde types of [`wire`]; `freeport-server` carries them. Raw records stay in [`site`]: nothing
//! it returns holds a cell value.

pub mod aggregator;
pub mod collector;
pub mod crypto;
mod error;
pub mod noise;
pub mod query;
pub mod site;
pub mod study;
pub mod vdaf;
pub mod wire;

pub use error::{Error, Result};
