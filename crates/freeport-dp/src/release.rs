//! One release, end to end, and the order that keeps the budget honest.
//!
//! 1. Read and check `release.toml`, and calibrate every query with OpenDP (data-free).
//! 2. Read the dataset once: its content hash (the dataset id) and what each query needs.
//! 3. In one store transaction: set the budget if asked (first time only), spend every query's
//!    (ε, δ) — the store refuses, before any noise is drawn, if a spend would exceed the budget —
//!    then draw the noise, and write the release to a temporary file beside the output (synced).
//! 4. Commit the transaction; only then rename the temporary file onto the output.
//!
//! So: if anything fails before the commit (a refusal, a write error, a full disk, a crash), the
//! transaction rolls back and the temporary file is removed: nothing is spent and nobody saw the
//! noisy answers. If the commit succeeds but the rename fails, the budget stays spent (the answers
//! exist) and the error names the kept file. A release is never visible without its spend.

use std::io::Write as _;
use std::path::Path;

use freeport_util::AtomicFile;

use freeport_store::{Budget, Store, StoreError};
use serde::Serialize;

use crate::config::{Query, QueryKind, ReleaseConfig};
use crate::dataset::{self, DatasetId, QueryData};
use crate::error::{BudgetExceeded, Error};
use crate::mechanism::{self, Measured, Plan};

/// Version of the release document's layout.
pub const RELEASE_VERSION: u32 = 1;

/// What to release.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseRequest<'a> {
    /// The dataset.
    pub input: &'a Path,
    /// The `release.toml`.
    pub config: &'a Path,
    /// Where to write the release (JSON).
    pub output: &'a Path,
    /// Total (ε, δ) to configure if the dataset has no budget yet.
    pub budget: Option<(f64, f64)>,
}

/// The release document written to the output file.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseDocument {
    /// Layout version.
    pub version: u32,
    /// The dataset id (content hash) the budget is kept under.
    pub dataset: String,
    /// Confidence level of every `accuracy`.
    pub confidence: f64,
    /// The released queries, in configuration order.
    pub queries: Vec<ReleasedQuery>,
    /// The dataset's budget after this release.
    pub budget: BudgetView,
    /// The declared dataset id (`dataset` in `release.toml`) and its budget after this release,
    /// spent from as well; absent when none is declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<DeclaredBudget>,
}

/// A declared dataset id's budget: one budget for every version of the data.
#[derive(Debug, Clone, Serialize)]
pub struct DeclaredBudget {
    /// The declared id, as written.
    pub dataset: String,
    /// Its budget.
    pub budget: BudgetView,
}

/// The store key of a declared dataset id's budget (content fingerprints are `sha256:…`, so the
/// two never meet).
#[must_use]
pub fn declared_key(dataset: &str) -> String {
    format!("declared:{dataset}")
}

/// The budget under `key` before a release: as configured, or configured now from `asked`
/// (first time only); refused without one, or when `asked` disagrees with the configured totals.
fn budget_before(
    tx: &mut freeport_store::Tx<'_>,
    key: &str,
    input: &str,
    asked: Option<(f64, f64)>,
) -> Result<BudgetView, Error> {
    let budget = match (tx.budget(key)?, asked) {
        (None, None) => {
            return Err(Error::NoBudget {
                dataset: key.to_owned(),
                input: input.to_owned(),
            });
        }
        (None, Some((epsilon, delta))) => tx.set_budget(key, epsilon, delta)?,
        (Some(existing), Some((epsilon, delta)))
            if !same_amount(existing.epsilon_total, epsilon, 1e9)
                || !same_amount(existing.delta_total, delta, 1e18) =>
        {
            return Err(Error::BudgetConflict {
                dataset: key.to_owned(),
                epsilon_total: existing.epsilon_total,
                delta_total: existing.delta_total,
                epsilon_asked: epsilon,
                delta_asked: delta,
            });
        }
        (Some(existing), _) => existing,
    };
    Ok(BudgetView::from(budget))
}

/// Spends every query of `config` from the budget under `key` (which was `before`); the budget
/// after.
fn spend_all(
    tx: &mut freeport_store::Tx<'_>,
    key: &str,
    config: &ReleaseConfig,
    before: BudgetView,
) -> Result<BudgetView, Error> {
    let mut after = before;
    for query in &config.queries {
        let description = format!("release: query `{}` ({})", query.name, query.kind.name());
        match tx.spend_budget(key, query.epsilon, query.delta, &description) {
            Ok(budget) => after = BudgetView::from(budget),
            Err(StoreError::BudgetExceeded(exceeded)) => {
                return Err(BudgetExceeded {
                    dataset: key.to_owned(),
                    query: query.name.clone(),
                    epsilon: query.epsilon,
                    delta: query.delta,
                    epsilon_left: exceeded.epsilon_left,
                    delta_left: exceeded.delta_left,
                    epsilon_before: before.epsilon_remaining,
                    delta_before: before.delta_remaining,
                }
                .into());
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(after)
}

/// One released query.
#[derive(Debug, Clone, Serialize)]
pub struct ReleasedQuery {
    /// Its name.
    pub name: String,
    /// `count`, `histogram`, `sum` or `mean`.
    pub kind: &'static str,
    /// The column read, if any.
    pub column: Option<String>,
    /// Declared clamping bounds (sum, mean).
    pub bounds: Option<(f64, f64)>,
    /// `discrete_laplace` or `discrete_gaussian`.
    pub mechanism: &'static str,
    /// Epsilon spent.
    pub epsilon: f64,
    /// Delta spent.
    pub delta: f64,
    /// Sensitivity of the released statistic (of the sum, for a mean) to one person.
    pub sensitivity: f64,
    /// Noise scale (Laplace: b; Gaussian: σ) of the statistic (of the sum, for a mean).
    pub noise_scale: f64,
    /// Accuracy at the release's confidence level.
    pub accuracy: Accuracy,
    /// The noisy answer.
    pub answer: Answer,
}

/// How far the answer may be from the exact one.
#[derive(Debug, Clone, Serialize)]
pub struct Accuracy {
    /// With this probability the noise is smaller than `half_width` (per bin for histograms).
    pub confidence: f64,
    /// Half-width of the interval around the answer; fixed before the data is read, except
    /// for a mean, where it is computed from the noisy sum and count (`null` when the noisy
    /// count is too small to bound it).
    pub half_width: Option<f64>,
    /// For a mean: the interval itself, which need not be centred on the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<(f64, f64)>,
}

/// A noisy answer.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// A count.
    Count(i64),
    /// A sum.
    Sum(f64),
    /// A histogram.
    Histogram(HistogramAnswer),
    /// A mean with its parts.
    Mean(MeanAnswer),
}

/// A noisy histogram.
#[derive(Debug, Clone, Serialize)]
pub struct HistogramAnswer {
    /// One bin per declared category, in declared order.
    pub bins: Vec<Bin>,
    /// Values outside the categories (and missing ones), if asked for.
    pub other: Option<i64>,
}

/// One histogram bin.
#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    /// The declared category.
    pub category: String,
    /// Its noisy count.
    pub count: i64,
}

/// A noisy mean: noisy sum over noisy count, each costing half the query's privacy loss.
#[derive(Debug, Clone, Serialize)]
pub struct MeanAnswer {
    /// The mean, clamped into the bounds; `null` if the noisy count is not positive.
    pub mean: Option<f64>,
    /// The noisy clamped sum.
    pub sum: f64,
    /// The noisy count of numeric values.
    pub count: f64,
    /// Noise scale of the count.
    pub count_noise_scale: f64,
}

/// A dataset's budget, for people and JSON; amounts exact to the store's fixed point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BudgetView {
    /// Total epsilon.
    pub epsilon_total: f64,
    /// Total delta.
    pub delta_total: f64,
    /// Epsilon spent.
    pub epsilon_spent: f64,
    /// Delta spent.
    pub delta_spent: f64,
    /// Epsilon left.
    pub epsilon_remaining: f64,
    /// Delta left.
    pub delta_remaining: f64,
    /// Spends recorded (one per released query).
    pub spends: u64,
}

impl From<Budget> for BudgetView {
    fn from(b: Budget) -> Self {
        // The store sums integers of 1e-9 (ε) and 1e-18 (δ); rounding the difference of the two
        // displayed values to that unit gives back the exact remainder.
        Self {
            epsilon_total: b.epsilon_total,
            delta_total: b.delta_total,
            epsilon_spent: b.epsilon_spent,
            delta_spent: b.delta_spent,
            epsilon_remaining: round_to(b.epsilon_total - b.epsilon_spent, 1e9),
            delta_remaining: round_to(b.delta_total - b.delta_spent, 1e18),
            spends: b.spends,
        }
    }
}

fn round_to(value: f64, per_unit: f64) -> f64 {
    ((value * per_unit).round() / per_unit).max(0.0)
}

/// A dataset's id and budget.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetReport {
    /// The dataset id.
    pub dataset: String,
    /// The budget, if one is configured.
    pub budget: Option<BudgetView>,
    /// The declared dataset id asked about, and its budget if one is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<DeclaredBudgetReport>,
}

/// A declared dataset id and its budget, if one is configured.
#[derive(Debug, Clone, Serialize)]
pub struct DeclaredBudgetReport {
    /// The declared id, as given.
    pub dataset: String,
    /// Its budget.
    pub budget: Option<BudgetView>,
}

/// Shows (and with `set`, configures) the budget of the dataset at `input`, and of its
/// `declared` id when one is given (`set` then configures both).
///
/// # Errors
///
/// The input cannot be read, or the store refuses (e.g. a total below what is spent).
pub fn budget(
    store: &mut Store,
    input: &Path,
    declared: Option<&str>,
    set: Option<(f64, f64)>,
) -> Result<BudgetReport, Error> {
    if let Some(problem) = declared.and_then(crate::config::declared_dataset_problem) {
        return Err(Error::DeclaredDataset { problem });
    }
    let (id, legacy) = dataset::dataset_ids(input)?;
    let show = |tx: &mut freeport_store::Tx<'_>, key: &str| -> Result<Option<Budget>, Error> {
        Ok(match set {
            Some((epsilon, delta)) => Some(tx.set_budget(key, epsilon, delta)?),
            None => tx.budget(key)?,
        })
    };
    let (budget, declared_budget) = store.transaction(|tx| -> Result<_, Error> {
        tx.carry_budget(legacy.as_str(), id.as_str())?;
        let budget = show(tx, id.as_str())?;
        let declared_budget = declared.map(|d| show(tx, &declared_key(d))).transpose()?;
        Ok((budget, declared_budget))
    })?;
    Ok(BudgetReport {
        dataset: id.to_string(),
        budget: budget.map(BudgetView::from),
        declared: declared.map(|d| DeclaredBudgetReport {
            dataset: d.to_owned(),
            budget: declared_budget.flatten().map(BudgetView::from),
        }),
    })
}

/// Releases the queries of `request.config` over `request.input`, spending from the dataset's
/// budget, and writes the release document to `request.output`. See the module docs for the
/// order of spending and writing.
///
/// # Errors
///
/// A bad configuration, an unreadable input, no or too little budget (nothing spent), an output
/// that cannot be written (nothing spent), the store.
pub fn release(store: &mut Store, request: &ReleaseRequest<'_>) -> Result<ReleaseDocument, Error> {
    release_observed(store, request, &freeport_read::NoProgress)
}

/// [`release`], telling `progress` how far the reading of the dataset has come (the long part:
/// the noise is drawn in an instant).
///
/// # Errors
///
/// As [`release`].
pub fn release_observed(
    store: &mut Store,
    request: &ReleaseRequest<'_>,
    progress: &dyn freeport_read::Progress,
) -> Result<ReleaseDocument, Error> {
    let config = ReleaseConfig::from_file(request.config)?;
    let plans = config
        .queries
        .iter()
        .map(|q| mechanism::plan(q).map_err(|e| config.mechanism_error(q, opendp_message(&e))))
        .collect::<Result<Vec<_>, _>>()?;
    let data = dataset::read(request.input, Some(&config), progress)?;
    let output = request.output;
    let input_name = request.input.display().to_string();

    let (temp, document) = store.transaction(|tx| -> Result<_, Error> {
        let id = data.id.as_str();
        tx.carry_budget(data.legacy.as_str(), id)?;
        let declared = config.dataset.as_deref().map(|d| (d, declared_key(d)));
        // Every budget checked, then every spend, before any noise: a refusal leaves nothing
        // drawn and, by rollback, nothing spent.
        let before = budget_before(tx, id, &input_name, request.budget)?;
        let declared_before = declared
            .as_ref()
            .map(|(_, key)| budget_before(tx, key, &input_name, request.budget))
            .transpose()?;
        let after = spend_all(tx, id, &config, before)?;
        let declared = match (declared, declared_before) {
            (Some((name, key)), Some(before)) => Some(DeclaredBudget {
                dataset: name.to_owned(),
                budget: spend_all(tx, &key, &config, before)?,
            }),
            _ => None,
        };
        let queries = config
            .queries
            .iter()
            .zip(&plans)
            .zip(&data.data)
            .map(|((query, plan), data)| answer(query, plan, data, config.confidence))
            .collect::<Result<Vec<_>, _>>()?;
        let document = ReleaseDocument {
            version: RELEASE_VERSION,
            dataset: data.id.to_string(),
            confidence: config.confidence,
            queries,
            budget: after,
            declared,
        };
        let temp = write_temp(output, &document)?;
        Ok((temp, document))
    })?;
    temp.commit().map_err(|e| {
        let (source, kept) = e.keep();
        Error::Rename {
            path: output.to_owned(),
            kept: kept.unwrap_or_else(|| output.to_owned()),
            source,
        }
    })?;
    Ok(document)
}

/// The dataset id of `input`. See [`crate::dataset`] for what it hashes.
///
/// # Errors
///
/// The input cannot be read.
pub fn dataset_id(input: &Path) -> Result<DatasetId, Error> {
    dataset::dataset_id(input)
}

fn same_amount(stored: f64, asked: f64, per_unit: f64) -> bool {
    ((stored - asked) * per_unit).abs() < 0.5
}

pub(crate) fn opendp_message(error: &opendp::error::Error) -> String {
    let message = error.message.as_deref().unwrap_or_default();
    if message.is_empty() {
        error.variant.to_string()
    } else {
        format!("{}: {message}", error.variant)
    }
}

fn write_temp(output: &Path, document: &ReleaseDocument) -> Result<AtomicFile, Error> {
    let io = |source| Error::Write {
        path: output.to_owned(),
        source,
    };
    // 0600, as the `tempfile` it was written through before gave it.
    let mut temp = AtomicFile::create_with_mode(output, 0o600).map_err(io)?;
    let mut json = serde_json::to_vec_pretty(document)?;
    json.push(b'\n');
    temp.write_all(&json).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    Ok(temp)
}

fn answer(
    query: &Query,
    plan: &Plan,
    data: &QueryData,
    confidence: f64,
) -> Result<ReleasedQuery, Error> {
    let failed = |e: opendp::error::Error| Error::Mechanism {
        query: query.name.clone(),
        message: opendp_message(&e),
    };
    let alpha = 1.0 - confidence;
    let centred = |half: f64| Accuracy {
        confidence,
        half_width: Some(half),
        interval: None,
    };
    let (answer, accuracy) = match (&plan.measured, data, &query.kind) {
        (Measured::Count(m), QueryData::Rows(rows), _) => {
            let half = plan
                .mechanism
                .half_width(plan.scale, alpha, true)
                .map_err(failed)?;
            (
                Answer::Count(m.invoke(rows).map_err(failed)?),
                centred(half),
            )
        }
        (
            Measured::Histogram(m),
            QueryData::Bins(bins),
            QueryKind::Histogram {
                categories, other, ..
            },
        ) => {
            let half = plan
                .mechanism
                .half_width(plan.scale, alpha, true)
                .map_err(failed)?;
            let counts = m.invoke(bins).map_err(failed)?;
            let released = HistogramAnswer {
                bins: categories
                    .iter()
                    .zip(&counts)
                    .map(|(category, count)| Bin {
                        category: category.clone(),
                        count: *count,
                    })
                    .collect(),
                other: if *other {
                    counts.get(categories.len()).copied()
                } else {
                    None
                },
            };
            (Answer::Histogram(released), centred(half))
        }
        (Measured::Sum(m), QueryData::Numbers(values), _) => {
            let half = plan
                .mechanism
                .half_width(plan.scale, alpha, false)
                .map_err(failed)?;
            (
                Answer::Sum(m.invoke(values).map_err(failed)?),
                centred(half),
            )
        }
        (Measured::Mean(m), QueryData::Numbers(values), QueryKind::Mean { bounds, .. }) => {
            let parts = m.invoke(values).map_err(failed)?;
            let (&[sum, count], Some(count_scale)) = (parts.as_slice(), plan.count_scale) else {
                return Err(Error::Mechanism {
                    query: query.name.clone(),
                    message: "a mean gave other than a sum and a count (this is a bug)".to_owned(),
                });
            };
            // Union bound: each part is within its half-width at half the miss probability.
            let sum_half = plan
                .mechanism
                .half_width(plan.scale, alpha / 2.0, false)
                .map_err(failed)?;
            let count_half = plan
                .mechanism
                .half_width(count_scale, alpha / 2.0, true)
                .map_err(failed)?;
            let mean = (count > 0.0).then(|| (sum / count).clamp(bounds.0, bounds.1));
            let interval = mean_interval(sum, count, sum_half, count_half, *bounds, confidence);
            (
                Answer::Mean(MeanAnswer {
                    mean,
                    sum,
                    count,
                    count_noise_scale: count_scale,
                }),
                interval,
            )
        }
        _ => {
            return Err(Error::Mechanism {
                query: query.name.clone(),
                message: "the query's data does not match its measurement (this is a bug)"
                    .to_owned(),
            });
        }
    };
    Ok(ReleasedQuery {
        name: query.name.clone(),
        kind: query.kind.name(),
        column: query.kind.column().map(str::to_owned),
        bounds: match &query.kind {
            QueryKind::Sum { bounds, .. } | QueryKind::Mean { bounds, .. } => Some(*bounds),
            QueryKind::Count { .. } | QueryKind::Histogram { .. } => None,
        },
        mechanism: plan.mechanism.name(),
        epsilon: query.epsilon,
        delta: query.delta,
        sensitivity: plan.sensitivity,
        noise_scale: plan.scale,
        accuracy,
        answer,
    })
}

/// The range of `S / C` over the box of sums and counts the noisy answers allow (each within
/// its half-width), clipped to the bounds; no range if the box reaches counts that are not
/// positive.
fn mean_interval(
    sum: f64,
    count: f64,
    sum_half: f64,
    count_half: f64,
    bounds: (f64, f64),
    confidence: f64,
) -> Accuracy {
    let low_count = count - count_half;
    if low_count <= 0.0 {
        return Accuracy {
            confidence,
            half_width: None,
            interval: None,
        };
    }
    let corners = [
        (sum - sum_half) / low_count,
        (sum - sum_half) / (count + count_half),
        (sum + sum_half) / low_count,
        (sum + sum_half) / (count + count_half),
    ];
    let lower = corners
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .max(bounds.0);
    let upper = corners
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .min(bounds.1);
    Accuracy {
        confidence,
        half_width: Some(((upper - lower) / 2.0).max(0.0)),
        interval: Some((lower, upper)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A budget kept under a dataset's v1 id (rows hashed in order) is the same dataset's budget
    /// under its fingerprint: carried over once, with its spends, the first time it is used.
    #[test]
    fn a_budget_under_the_v1_id_is_carried_to_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("people.csv");
        std::fs::write(&data, "name,age\nann,34\nbo,51\n").unwrap();
        let (id, legacy) = dataset::dataset_ids(&data).unwrap();
        assert_ne!(id, legacy);
        let mut store = Store::open(dir.path().join("store.db")).unwrap();
        store
            .transaction(|tx| -> Result<(), StoreError> {
                tx.set_budget(legacy.as_str(), 1.0, 0.0)?;
                tx.spend_budget(legacy.as_str(), 0.25, 0.0, "an earlier release")?;
                Ok(())
            })
            .unwrap();
        let report = budget(&mut store, &data, None, None).unwrap();
        assert_eq!(report.dataset, id.to_string());
        let carried = report.budget.unwrap();
        assert_eq!((carried.epsilon_total, carried.epsilon_spent), (1.0, 0.25));
        assert_eq!(carried.spends, 1);
        assert!(store.budget(legacy.as_str()).unwrap().is_none());
        // Once carried, a second look changes nothing.
        assert_eq!(
            budget(&mut store, &data, None, None)
                .unwrap()
                .budget
                .unwrap(),
            carried
        );
    }
}
