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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::config::ReleaseConfig;

    fn query(toml: &str) -> Query {
        let text = format!("[[query]]\nname = \"q\"\n{toml}");
        let mut config = ReleaseConfig::parse(std::path::Path::new("t.toml"), text).unwrap();
        config.queries.remove(0)
    }

    /// Draws `n` noisy answers and returns (mean error, share within the 95 % half-width).
    fn draws(n: usize, half: f64, exact: f64, mut draw: impl FnMut() -> f64) -> (f64, f64) {
        let mut error_sum = 0.0;
        let mut inside = 0_u32;
        for _ in 0..n {
            let error = draw() - exact;
            error_sum += error;
            if error.abs() < half {
                inside += 1;
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "test counts")]
        let n = n as f64;
        (error_sum / n, f64::from(inside) / n)
    }

    #[test]
    fn calibration_spends_what_it_says_and_little_less() {
        for text in [
            "kind = \"count\"\nepsilon = 0.5",
            "kind = \"count\"\nepsilon = 0.3\ndelta = 1e-6",
            "kind = \"histogram\"\ncolumn = \"c\"\ncategories = [\"a\", \"b\"]\nepsilon = 0.1",
            "kind = \"histogram\"\ncolumn = \"c\"\ncategories = [\"a\"]\nepsilon = 1\ndelta = 1e-9",
            "kind = \"sum\"\ncolumn = \"c\"\nbounds = [-5, 20]\nepsilon = 0.7",
            "kind = \"sum\"\ncolumn = \"c\"\nbounds = [0, 1]\nepsilon = 2\ndelta = 1e-5",
            "kind = \"mean\"\ncolumn = \"c\"\nbounds = [0, 90]\nepsilon = 1",
            "kind = \"mean\"\ncolumn = \"c\"\nbounds = [0, 90]\nepsilon = 1\ndelta = 1e-7",
        ] {
            let q = query(text);
            let plan = plan(&q).unwrap();
            let (epsilon, delta) = plan.achieved;
            assert!(epsilon <= q.epsilon, "{text}: {epsilon}");
            assert!(epsilon >= q.epsilon * 0.999, "{text}: loose {epsilon}");
            assert!(delta <= q.delta, "{text}: {delta}");
        }
    }

    #[test]
    fn laplace_count_has_the_textbook_scale() {
        let plan = plan(&query("kind = \"count\"\nepsilon = 0.5")).unwrap();
        assert_eq!(plan.mechanism, Mechanism::Laplace);
        assert!((plan.scale - 2.0).abs() < 1e-9, "{}", plan.scale);
    }

    #[test]
    fn noisy_counts_are_unbiased_and_the_interval_covers() {
        let plan = plan(&query("kind = \"count\"\nepsilon = 1")).unwrap();
        let Measured::Count(m) = &plan.measured else {
            panic!()
        };
        let rows = vec![1_u8; 100];
        let half = plan.mechanism.half_width(plan.scale, 0.05, true).unwrap();
        #[expect(clippy::cast_precision_loss, reason = "small test counts")]
        let (bias, coverage) = draws(4000, half, 100.0, || m.invoke(&rows).unwrap() as f64);
        // Laplace(1): sd sqrt(2), so the mean error of 4000 draws has sd 0.022.
        assert!(bias.abs() < 0.12, "bias {bias}");
        assert!((0.93..0.985).contains(&coverage), "coverage {coverage}");
    }

    #[test]
    fn noisy_gaussian_sums_are_unbiased_and_the_interval_covers() {
        let q =
            query("kind = \"sum\"\ncolumn = \"c\"\nbounds = [0, 10]\nepsilon = 1\ndelta = 1e-6");
        let plan = plan(&q).unwrap();
        let Measured::Sum(m) = &plan.measured else {
            panic!()
        };
        // 50 values, some outside the bounds: the exact clamped sum is 5 * 10 + 45 * 4.
        let mut values = vec![4.0; 45];
        values.extend([99.0, 1e9, 10.0, 12.0, 1e300]);
        let half = plan.mechanism.half_width(plan.scale, 0.05, false).unwrap();
        let (bias, coverage) = draws(4000, half, 230.0, || m.invoke(&values).unwrap());
        let tolerance = 5.0 * plan.scale / 4000_f64.sqrt();
        assert!(bias.abs() < tolerance, "bias {bias} tolerance {tolerance}");
        assert!((0.935..0.965).contains(&coverage), "coverage {coverage}");
    }

    #[test]
    fn a_declared_category_absent_from_the_data_is_noise_around_zero() {
        let q =
            query("kind = \"histogram\"\ncolumn = \"c\"\ncategories = [\"a\", \"b\"]\nepsilon = 1");
        let plan = plan(&q).unwrap();
        let Measured::Histogram(m) = &plan.measured else {
            panic!()
        };
        // Every row is "a" (bin 0); bin 2 is "other".
        let bins = vec![0_u32; 30];
        let mut total = [0_i64; 3];
        for _ in 0..2000 {
            let counts = m.invoke(&bins).unwrap();
            assert_eq!(counts.len(), 3);
            for (t, c) in total.iter_mut().zip(counts) {
                *t += c;
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "test sums")]
        let means = total.map(|t| t as f64 / 2000.0);
        assert!((means[0] - 30.0).abs() < 0.2, "{means:?}");
        assert!(means[1].abs() < 0.2, "{means:?}");
        assert!(means[2].abs() < 0.2, "{means:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Adding or removing one record, however extreme, moves the clamped sum by no more
        /// than the sensitivity the noise is calibrated to.
        #[test]
        fn clamped_sums_never_move_more_than_the_sensitivity(
            values in prop::collection::vec(-1e12_f64..1e12, 0..200),
            extra in prop_oneof![-1e300_f64..1e300, -1e3_f64..1e3],
            lower in -1e6_f64..1e6,
            width in 1e-3_f64..1e6,
        ) {
            let bounds = (lower, lower + width);
            let sum = clamped_sum(bounds).unwrap();
            let sensitivity = sum_sensitivity(bounds).unwrap();
            let before = sum.invoke(&values).unwrap();
            let mut neighbour = values.clone();
            neighbour.push(extra);
            let after = sum.invoke(&neighbour).unwrap();
            prop_assert!((after - before).abs() <= sensitivity,
                "moved {} > sensitivity {}", (after - before).abs(), sensitivity);
            // And the sum stays within what clamped values can add up to.
            #[expect(clippy::cast_precision_loss, reason = "test sizes")]
            let n = neighbour.len() as f64;
            let slack = sensitivity - bounds.1.abs().max(bounds.0.abs()).max(width);
            prop_assert!(after >= n * bounds.0 - slack && after <= n * bounds.1 + slack);
        }

    }

    proptest! {
        // Each case runs a binary search over OpenDP's zCDP-to-(ε, δ) conversion.
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Whatever epsilon a user declares, the calibrated chain never spends more.
        #[test]
        fn calibrated_counts_never_exceed_their_epsilon(
            epsilon in 1e-3_f64..10.0,
            delta in prop_oneof![Just(0.0), 1e-12_f64..1e-3],
        ) {
            let q = Query {
                name: "q".to_owned(),
                kind: QueryKind::Count { column: None },
                epsilon,
                delta,
                spans: crate::config::test_spans(),
            };
            let plan = plan(&q).unwrap();
            prop_assert!(plan.achieved.0 <= epsilon);
            prop_assert!(plan.achieved.1 <= delta);
        }
    }
}
