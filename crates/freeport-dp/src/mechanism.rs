//! The DP measurements of each query kind, built from OpenDP transformations and noise
//! mechanisms, and calibrated to the query's (ε, δ) with OpenDP's own privacy maps.
//!
//! Every measurement is a chain OpenDP checks end to end: clamping and summing (`make_clamp`,
//! `make_bounded_float_checked_sum`, whose sensitivity includes floating-point error), counting
//! (`make_count`, `make_count_by_categories`), then noise: discrete Laplace for pure ε-DP
//! (δ = 0), discrete Gaussian for (ε, δ)-DP (δ > 0, accounted in zero-concentrated DP and
//! converted at the query's δ). A mean is a noisy sum over a noisy count, composed with
//! `make_composition` so that both together cost the query's (ε, δ).
//!
//! Calibration searches the noise multiplier `t` (noise scale per unit of sensitivity) with
//! OpenDP's binary search until the chain's privacy map at one changed record (symmetric
//! distance 1: a person added or removed) is within the query's ε at its δ. Nothing here sees
//! the data: a calibrated [`Plan`] is fixed before the data is read and before any budget is
//! spent.

use opendp::accuracy::{
    discrete_gaussian_scale_to_accuracy, discrete_laplacian_scale_to_accuracy,
    gaussian_scale_to_accuracy, laplacian_scale_to_accuracy,
};
use opendp::combinators::{
    make_approximate, make_composition, make_fix_delta, make_zCDP_to_approxDP,
};
use opendp::core::{Function, Measurement};
use opendp::domains::{AtomDomain, VectorDomain};
use opendp::error::Fallible;
use opendp::measurements::{make_gaussian, make_laplace};
use opendp::measures::{Approximate, MaxDivergence, ZeroConcentratedDivergence};
use opendp::metrics::{L1Distance, L2Distance, SymmetricDistance};
use opendp::transformations::{
    Pairwise, make_bounded_float_checked_sum, make_clamp, make_count, make_count_by_categories,
};
use opendp::utilities::search::{Above, fallible_binary_search};

use crate::config::{Query, QueryKind};

/// Most rows a sum expects. OpenDP's float sum needs a public bound on the row count to account
/// for rounding error (its default is 2^20, beyond which it sums a random subset); 2^32 rows
/// adds under 1e-5 of the clamping bound to the sensitivity and is far beyond what fits in
/// memory here.
pub const SUM_ROW_LIMIT: usize = 1 << 32;

/// The noise mechanism of a query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mechanism {
    /// Discrete Laplace noise, pure ε-DP (δ = 0).
    Laplace,
    /// Discrete Gaussian noise, (ε, δ)-DP through zero-concentrated DP.
    Gaussian {
        /// The fixed δ.
        delta: f64,
    },
}

impl Mechanism {
    /// The mechanism for a query's δ.
    #[must_use]
    pub fn for_delta(delta: f64) -> Self {
        if delta > 0.0 {
            Self::Gaussian { delta }
        } else {
            Self::Laplace
        }
    }

    /// Its name in the output.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Laplace => "discrete_laplace",
            Self::Gaussian { .. } => "discrete_gaussian",
        }
    }

    /// The half-width of a `1 - alpha` interval around a value with noise of `scale`, for integer
    /// (`discrete`) or real outputs.
    ///
    /// # Errors
    ///
    /// OpenDP refuses the scale or alpha.
    pub fn half_width(self, scale: f64, alpha: f64, discrete: bool) -> Fallible<f64> {
        match (self, discrete) {
            (Self::Laplace, true) => discrete_laplacian_scale_to_accuracy(scale, alpha),
            (Self::Laplace, false) => laplacian_scale_to_accuracy(scale, alpha),
            (Self::Gaussian { .. }, true) => discrete_gaussian_scale_to_accuracy(scale, alpha),
            (Self::Gaussian { .. }, false) => gaussian_scale_to_accuracy(scale, alpha),
        }
    }
}

/// The privacy measure every calibrated measurement reports in: (ε, δ).
type ApproxDp = Approximate<MaxDivergence>;

/// Measurements over the prepared data of each query kind.
pub(crate) type CountMeasurement =
    Measurement<VectorDomain<AtomDomain<u8>>, SymmetricDistance, ApproxDp, i64>;
pub(crate) type HistogramMeasurement =
    Measurement<VectorDomain<AtomDomain<u32>>, SymmetricDistance, ApproxDp, Vec<i64>>;
pub(crate) type SumMeasurement =
    Measurement<VectorDomain<AtomDomain<f64>>, SymmetricDistance, ApproxDp, f64>;
pub(crate) type MeanMeasurement =
    Measurement<VectorDomain<AtomDomain<f64>>, SymmetricDistance, ApproxDp, Vec<f64>>;

/// A calibrated measurement, ready to be invoked on its query's data.
#[derive(Debug)]
pub(crate) enum Measured {
    Count(CountMeasurement),
    Histogram(HistogramMeasurement),
    Sum(SumMeasurement),
    Mean(MeanMeasurement),
}

/// A query calibrated to its (ε, δ), before any data is seen.
#[derive(Debug)]
pub struct Plan {
    /// The mechanism.
    pub mechanism: Mechanism,
    /// Noise multiplier: the noise scale per unit of sensitivity.
    pub multiplier: f64,
    /// Sensitivity of the (first) released statistic to one person added or removed.
    pub sensitivity: f64,
    /// Noise scale of the (first) released statistic.
    pub scale: f64,
    /// For a mean, the noise scale of its count (sensitivity 1).
    pub count_scale: Option<f64>,
    /// The (ε, δ) OpenDP's privacy map gives for the chain; never above the query's.
    pub achieved: (f64, f64),
    pub(crate) measured: Measured,
}

/// Calibrates `query`.
///
/// # Errors
///
/// OpenDP refuses the parameters (e.g. bounds so wide the sum could overflow).
pub fn plan(query: &Query) -> Fallible<Plan> {
    let mechanism = Mechanism::for_delta(query.delta);
    let target = (query.epsilon, query.delta);
    match &query.kind {
        QueryKind::Count { .. } => {
            let t = calibrate(|t| count(mechanism, t), target)?;
            let measurement = count(mechanism, t)?;
            Ok(Plan {
                mechanism,
                multiplier: t,
                sensitivity: 1.0,
                scale: t,
                count_scale: None,
                achieved: measurement.map(&1)?,
                measured: Measured::Count(measurement),
            })
        }
        QueryKind::Histogram {
            categories, other, ..
        } => {
            let bins = u32::try_from(categories.len()).unwrap_or(u32::MAX);
            let t = calibrate(|t| histogram(mechanism, bins, *other, t), target)?;
            let measurement = histogram(mechanism, bins, *other, t)?;
            Ok(Plan {
                mechanism,
                multiplier: t,
                sensitivity: 1.0,
                scale: t,
                count_scale: None,
                achieved: measurement.map(&1)?,
                measured: Measured::Histogram(measurement),
            })
        }
        QueryKind::Sum { bounds, .. } => {
            let sensitivity = sum_sensitivity(*bounds)?;
            let t = calibrate(|t| sum(mechanism, *bounds, t * sensitivity), target)?;
            let measurement = sum(mechanism, *bounds, t * sensitivity)?;
            Ok(Plan {
                mechanism,
                multiplier: t,
                sensitivity,
                scale: t * sensitivity,
                count_scale: None,
                achieved: measurement.map(&1)?,
                measured: Measured::Sum(measurement),
            })
        }
        QueryKind::Mean { bounds, .. } => {
            let sensitivity = sum_sensitivity(*bounds)?;
            let t = calibrate(|t| mean(mechanism, *bounds, t * sensitivity, t), target)?;
            let measurement = mean(mechanism, *bounds, t * sensitivity, t)?;
            Ok(Plan {
                mechanism,
                multiplier: t,
                sensitivity,
                scale: t * sensitivity,
                count_scale: Some(t),
                achieved: measurement.map(&1)?,
                measured: Measured::Mean(measurement),
            })
        }
    }
}

/// The smallest noise multiplier whose measurement stays within `(epsilon, delta)` for one
/// person added or removed.
fn calibrate<DI, TO>(
    build: impl Fn(f64) -> Fallible<Measurement<DI, SymmetricDistance, ApproxDp, TO>>,
    (epsilon, delta): (f64, f64),
) -> Fallible<f64>
where
    DI: opendp::core::Domain,
    (DI, SymmetricDistance): opendp::core::MetricSpace,
{
    fallible_binary_search(
        |t: &f64| {
            if *t <= 0.0 {
                return Ok(false);
            }
            let (e, d) = build(*t)?.map(&1)?;
            Ok(e <= epsilon && d <= delta)
        },
        Above(0.0),
    )
}

/// Sensitivity of OpenDP's clamped float sum to one record (including its rounding allowance).
fn sum_sensitivity(bounds: (f64, f64)) -> Fallible<f64> {
    make_bounded_float_checked_sum::<Pairwise<f64>>(SUM_ROW_LIMIT, bounds)?.map(&1)
}

/// Turns a pure-DP or zCDP measurement into one that reports (ε, δ).
macro_rules! finish {
    ($mechanism:expr, $pure:expr, $zcdp:expr) => {
        match $mechanism {
            Mechanism::Laplace => make_approximate($pure?),
            Mechanism::Gaussian { delta } => make_fix_delta(&make_zCDP_to_approxDP($zcdp?)?, delta),
        }
    };
}

fn count(mechanism: Mechanism, scale: f64) -> Fallible<CountMeasurement> {
    let rows =
        || make_count::<u8, i64>(VectorDomain::new(AtomDomain::default()), SymmetricDistance);
    finish!(
        mechanism,
        {
            let t = rows()?;
            let noise = make_laplace::<_, _, MaxDivergence>(
                t.output_domain.clone(),
                t.output_metric.clone(),
                scale,
                None,
            )?;
            t >> noise
        },
        {
            let t = rows()?;
            let noise = make_gaussian::<_, _, ZeroConcentratedDivergence>(
                t.output_domain.clone(),
                t.output_metric.clone(),
                scale,
                None,
            )?;
            t >> noise
        }
    )
}

fn histogram(
    mechanism: Mechanism,
    bins: u32,
    other: bool,
    scale: f64,
) -> Fallible<HistogramMeasurement> {
    let domain = || VectorDomain::new(AtomDomain::<u32>::default());
    let categories: Vec<u32> = (0..bins).collect();
    finish!(
        mechanism,
        {
            let t = make_count_by_categories::<L1Distance<i64>, u32, i64>(
                domain(),
                SymmetricDistance,
                categories.clone(),
                other,
            )?;
            let noise = make_laplace::<_, _, MaxDivergence>(
                t.output_domain.clone(),
                t.output_metric.clone(),
                scale,
                None,
            )?;
            t >> noise
        },
        {
            let t = make_count_by_categories::<L2Distance<i64>, u32, i64>(
                domain(),
                SymmetricDistance,
                categories.clone(),
                other,
            )?;
            let noise = make_gaussian::<_, _, ZeroConcentratedDivergence>(
                t.output_domain.clone(),
                t.output_metric.clone(),
                scale,
                None,
            )?;
            t >> noise
        }
    )
}

fn numbers() -> VectorDomain<AtomDomain<f64>> {
    VectorDomain::new(AtomDomain::new_non_nan())
}

/// A clamped sum of numbers.
type SumTransformation = opendp::core::Transformation<
    VectorDomain<AtomDomain<f64>>,
    SymmetricDistance,
    AtomDomain<f64>,
    opendp::metrics::AbsoluteDistance<f64>,
>;

fn clamped_sum(bounds: (f64, f64)) -> Fallible<SumTransformation> {
    make_clamp(numbers(), SymmetricDistance, bounds)?
        >> make_bounded_float_checked_sum::<Pairwise<f64>>(SUM_ROW_LIMIT, bounds)?
}

fn sum_pure(
    bounds: (f64, f64),
    scale: f64,
) -> Fallible<Measurement<VectorDomain<AtomDomain<f64>>, SymmetricDistance, MaxDivergence, f64>> {
    let t = clamped_sum(bounds)?;
    let noise = make_laplace::<_, _, MaxDivergence>(
        t.output_domain.clone(),
        t.output_metric.clone(),
        scale,
        None,
    )?;
    t >> noise
}

fn sum_zcdp(
    bounds: (f64, f64),
    scale: f64,
) -> Fallible<
    Measurement<VectorDomain<AtomDomain<f64>>, SymmetricDistance, ZeroConcentratedDivergence, f64>,
> {
    let t = clamped_sum(bounds)?;
    let noise = make_gaussian::<_, _, ZeroConcentratedDivergence>(
        t.output_domain.clone(),
        t.output_metric.clone(),
        scale,
        None,
    )?;
    t >> noise
}

fn sum(mechanism: Mechanism, bounds: (f64, f64), scale: f64) -> Fallible<SumMeasurement> {
    finish!(mechanism, sum_pure(bounds, scale), sum_zcdp(bounds, scale))
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a noisy count far below 2^53 in practice; the mean is post-processing"
)]
fn as_f64(count: &i64) -> f64 {
    *count as f64
}

fn mean(
    mechanism: Mechanism,
    bounds: (f64, f64),
    sum_scale: f64,
    count_scale: f64,
) -> Fallible<MeanMeasurement> {
    let counted = || make_count::<f64, i64>(numbers(), SymmetricDistance);
    finish!(
        mechanism,
        {
            let t = counted()?;
            let noise = make_laplace::<_, _, MaxDivergence>(
                t.output_domain.clone(),
                t.output_metric.clone(),
                count_scale,
                None,
            )?;
            let count = ((t >> noise)? >> Function::new(as_f64))?;
            make_composition(vec![sum_pure(bounds, sum_scale)?, count])
        },
        {
            let t = counted()?;
            let noise = make_gaussian::<_, _, ZeroConcentratedDivergence>(
                t.output_domain.clone(),
                t.output_metric.clone(),
                count_scale,
                None,
            )?;
            let count = ((t >> noise)? >> Function::new(as_f64))?;
            make_composition(vec![sum_zcdp(bounds, sum_scale)?, count])
        }
    )
}
