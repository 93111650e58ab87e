//! Differential-privacy noise and the intervals it implies.
//!
//! Each aggregator adds to every coordinate of its own aggregate share an independent draw from
//! the discrete Laplace distribution of scale `t` (P(k) ∝ e^{−|k|/t}), sampled exactly with
//! prio's sampler (Canonne–Kamath–Steinke 2020, `prio::dp::distributions::DiscreteLaplace`) from
//! a ChaCha generator seeded by the OS. A coordinate block with L1 sensitivity Δ gets
//! `t = Δ·k/ε` when the query has `k` blocks (see [`crate::query::Plan::noise_scales`]), so one
//! aggregator's noise alone gives ε-DP: the result stays private if either aggregator is honest.
//!
//! prio's own `add_noise_to_agg_share` covers SumVec and Histogram with one sensitivity for
//! every coordinate, `(2^bits − 1)·len` for SumVec; a mean's count coordinate would then get the
//! noise of its sum. Calibrating per block keeps counts precise, and the same code covers Count
//! and Sum, which prio's noise does not.
//!
//! Released values carry the noise of both aggregators, X₁ + X₂; [`half_width`] is the exact
//! two-sided quantile of that sum (closed form below), so an interval states its coverage
//! exactly, not by a normal approximation.

use prio::dp::Rational;
use prio::dp::distributions::DiscreteLaplace;
use prio::field::FieldElementWithInteger;
use rand::distr::Distribution;

use crate::{Error, Result};

/// Rounds a scale up to a multiple of 10^-6 (the rational the sampler uses; rounding up never
/// weakens privacy).
#[must_use]
pub fn round_scale(scale: f64) -> f64 {
    (scale * 1e6).ceil() / 1e6
}

/// Draws one discrete Laplace sample of scale `scale` (already rounded by [`round_scale`]).
///
/// # Errors
///
/// A scale that is not positive or too large.
pub fn sample(scale: f64) -> Result<i128> {
    let micro = (scale * 1e6).round();
    if !(1.0..1e30).contains(&micro) {
        return Err(Error::Vdaf(format!("noise scale {scale} is out of range")));
    }
    let rational = Rational::from_unsigned(micro as u128, 1_000_000u128)
        .map_err(|e| Error::Vdaf(e.to_string()))?;
    let dist = DiscreteLaplace::new(rational).map_err(|e| Error::Vdaf(e.to_string()))?;
    let draw = dist.sample(&mut rand::rng());
    i128::try_from(&draw).map_err(|_| Error::Vdaf("noise sample out of range".to_owned()))
}

/// Adds one independent draw per coordinate to a field vector (`scales[i]` for coordinate `i`;
/// scale 0 adds nothing).
///
/// # Errors
///
/// A scale out of range or a length mismatch.
pub fn add_noise<F>(values: &mut [F], scales: &[f64]) -> Result<()>
where
    F: FieldElementWithInteger,
    F::Integer: TryFrom<u128>,
{
    if values.len() != scales.len() {
        return Err(Error::Vdaf(format!(
            "{} noise scales for {} coordinates",
            scales.len(),
            values.len()
        )));
    }
    for (value, scale) in values.iter_mut().zip(scales) {
        if *scale <= 0.0 {
            continue;
        }
        let n = sample(*scale)?;
        let magnitude = F::Integer::try_from(n.unsigned_abs())
            .map_err(|_| Error::Vdaf("noise larger than the field".to_owned()))?;
        let term = F::from(magnitude);
        if n >= 0 {
            *value += term;
        } else {
            *value -= term;
        }
    }
    Ok(())
}

/// Reads a field element as a signed integer (values above p/2 are negative).
#[must_use]
pub fn signed<F>(value: F) -> i128
where
    F: FieldElementWithInteger,
    F::Integer: Into<u128>,
{
    let p: u128 = F::modulus().into();
    let v: u128 = F::Integer::from(value).into();
    if v > p / 2 {
        -((p - v) as i128)
    } else {
        v as i128
    }
}

/// P(X₁ + X₂ ≥ a) for a ≥ 0, X₁, X₂ independent discrete Laplace of scale `t`.
///
/// With q = e^{−1/t}, c = (1−q)/(1+q) and r = 2q²/(1−q²),
/// P(S = s) = c² q^s ((s+1) + r) for s ≥ 0, so the tail from `a` is
/// c² q^a ((a+1)/(1−q) + q/(1−q)² + r/(1−q)).
#[must_use]
pub fn tail(t: f64, a: f64) -> f64 {
    if t <= 0.0 {
        return if a <= 0.0 { 1.0 } else { 0.0 };
    }
    let q = (-1.0 / t).exp();
    let one_minus_q = -(-1.0 / t).exp_m1();
    let c = one_minus_q / (1.0 + q);
    let r = 2.0 * q * q / (one_minus_q * (1.0 + q));
    let qa = (-a / t).exp();
    c * c * qa * ((a + 1.0) / one_minus_q + q / (one_minus_q * one_minus_q) + r / one_minus_q)
}

/// The smallest integer `h` with P(|X₁ + X₂| > h) ≤ `alpha`: the half-width of the interval
/// around a released value (0 when there is no noise).
#[must_use]
pub fn half_width(t: f64, alpha: f64) -> f64 {
    if t <= 0.0 {
        return 0.0;
    }
    let miss = |h: f64| 2.0 * tail(t, h + 1.0);
    let mut hi = t.max(1.0);
    while miss(hi) > alpha {
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    let mut lo = 0.0f64;
    if miss(lo) <= alpha {
        return 0.0;
    }
    while hi - lo > 1.0 {
        let mid = ((lo + hi) / 2.0).floor();
        if miss(mid) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The closed-form tail matches a direct convolution of the two pmfs.
    #[test]
    fn tail_matches_convolution() {
        for t in [0.5, 2.0, 7.3] {
            let q: f64 = (-1.0f64 / t).exp();
            let p = |k: i64| (1.0 - q) / (1.0 + q) * q.powi(k.unsigned_abs() as i32);
            for a in [0i64, 1, 3, 10] {
                let direct: f64 = (a..400)
                    .map(|s| (-400..400).map(|k| p(k) * p(s - k)).sum::<f64>())
                    .sum();
                let closed = tail(t, a as f64);
                assert!(
                    (direct - closed).abs() < 1e-9,
                    "t={t} a={a}: {direct} vs {closed}"
                );
            }
        }
    }

    #[test]
    fn half_width_is_the_smallest_that_covers() {
        let t = 10.0;
        let h = half_width(t, 0.05);
        assert!(2.0 * tail(t, h + 1.0) <= 0.05);
        assert!(2.0 * tail(t, h) > 0.05);
        assert_eq!(half_width(0.0, 0.05), 0.0);
    }

    /// Empirical coverage of the stated interval over many draws of two aggregators' noise.
    #[test]
    fn sampled_noise_is_covered_at_the_stated_rate() {
        let t = round_scale(4.0);
        let h = half_width(t, 0.1);
        let trials = 4000;
        let misses = (0..trials)
            .filter(|_| {
                let s = sample(t).unwrap() + sample(t).unwrap();
                s.unsigned_abs() as f64 > h
            })
            .count();
        let rate = misses as f64 / f64::from(trials);
        // Stated miss rate ≤ 0.1 (discreteness makes it a little lower); 4,000 draws have a
        // standard error of ~0.005.
        assert!(rate < 0.1 + 0.02, "miss rate {rate}");
        assert!(
            rate > 0.03,
            "miss rate {rate} is implausibly low: is noise drawn?"
        );
    }
}
