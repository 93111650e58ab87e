//! Differentially private releases over any dataset `freeport-read` opens: counts, histograms
//! over declared categories, and sums and means of values clamped into declared bounds, each with
//! its own ε (and δ), spent from a per-dataset privacy budget kept in `freeport-store`.
//!
//! Noise and sensitivity come from OpenDP (`opendp`, its `contrib` transformations and
//! measurements, noise from OpenSSL's CSPRNG): [`mechanism`] builds each query as one OpenDP
//! chain and calibrates it with OpenDP's privacy maps. [`release()`] reads `release.toml`
//! ([`config`]), reads the dataset once ([`dataset`]: its content hash is the budget's key),
//! spends the budget and writes the release in one store transaction ([`release`] module docs
//! give the order). [`budget()`] shows or sets a dataset's budget.
//!
//! *Invariants:* no noise is drawn unless the whole release fits the budget; a release is never
//! visible without its spend; outputs hold noisy answers, parameters and accuracy only, never an
//! exact statistic or a cell value; categories are declared, so which values occur is not
//! revealed.

pub mod config;
pub mod dataset;
mod error;
pub mod mechanism;
pub mod release;

pub use config::{Query, QueryKind, ReleaseConfig};
pub use dataset::DatasetId;
pub use error::{BudgetExceeded, ConfigError, Error};
pub use release::{
    BudgetReport, BudgetView, DeclaredBudget, DeclaredBudgetReport, ReleaseDocument,
    ReleaseRequest, budget, dataset_id, declared_key, release, release_observed,
};
