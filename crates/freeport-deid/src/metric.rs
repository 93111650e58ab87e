//! Utility metrics, defined as ARX defines them (arx-deidentifier/arx `metric/v2`), so results
//! can be compared: Loss (`MetricMDNMLoss`), non-uniform entropy (`MetricMDNUEntropy`,
//! monotone variant), discernibility (`MetricSDNMDiscernability`) and average equivalence class
//! size (`MetricSDAECS`). Lower is better for all four.

use std::cmp::Ordering;

use serde::Serialize;

/// How a per-attribute metric is reduced to something comparable (ARX `AggregateFunction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregate {
    /// ARX's default for Loss: compare the per-attribute values sorted in descending order,
    /// lexicographically; report their geometric mean (`ILMultiDimensionalRank`).
    Rank,
    /// Sum of the per-attribute values.
    Sum,
    /// Arithmetic mean.
    ArithmeticMean,
    /// Geometric mean of `value + 1`, minus 1 (ARX's zero-safe form).
    GeometricMean,
    /// Maximum.
    Max,
}

/// A utility metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// Loss: per attribute, the share of the domain each generalised value covers, averaged
    /// over records and normalised to `[0, 1]`; a suppressed record costs 1 (ARX gs-factor 0.5).
    Loss(Aggregate),
    /// Non-uniform entropy: per attribute `Σ_records log2(count(generalised) / count(original))`
    /// over the input, summed over attributes. ARX's monotone variant: suppression is not
    /// counted.
    NonUniformEntropy,
    /// Discernibility: `Σ |class|²` over kept classes plus `|suppressed| · rows`.
    Discernibility,
    /// Average equivalence class size: rows / classes, the suppressed records counting as one
    /// class.
    Aecs,
}

impl Metric {
    /// The metric's report name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Loss(_) => "loss",
            Self::NonUniformEntropy => "non-uniform-entropy",
            Self::Discernibility => "discernibility",
            Self::Aecs => "aecs",
        }
    }

    /// The aggregate used for multi-attribute metrics.
    #[must_use]
    pub fn aggregate(&self) -> Aggregate {
        match self {
            Self::Loss(a) => *a,
            Self::NonUniformEntropy => Aggregate::Sum,
            Self::Discernibility | Self::Aecs => Aggregate::Sum,
        }
    }

    /// Whether the lower bound computed from the levels alone is the exact value whenever no
    /// record is suppressed (true for the two attribute-level metrics).
    #[must_use]
    pub fn bound_exact_without_suppression(&self) -> bool {
        matches!(self, Self::Loss(_) | Self::NonUniformEntropy)
    }

    /// Whether the bound is exact regardless of suppression.
    #[must_use]
    pub fn bound_always_exact(&self) -> bool {
        matches!(self, Self::NonUniformEntropy)
    }
}

/// A metric value: `key` orders transformations, `value` is what reports show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// What transformations are compared by (lexicographically).
    #[serde(skip)]
    pub key: Vec<f64>,
    /// The reported value.
    pub value: f64,
    /// Per-attribute values, in quasi-identifier order (empty for single-dimensional metrics).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_attribute: Vec<f64>,
}

impl Score {
    /// A score from per-attribute values.
    #[must_use]
    pub fn multi(values: Vec<f64>, aggregate: Aggregate) -> Self {
        let n = values.len().max(1) as f64;
        let sum: f64 = values.iter().sum();
        let geo = values
            .iter()
            .map(|v| (v + 1.0).powf(1.0 / n))
            .product::<f64>()
            - 1.0;
        let max = values.iter().copied().fold(0.0, f64::max);
        let (key, value) = match aggregate {
            Aggregate::Rank => {
                let mut sorted = values.clone();
                sorted.sort_by(|a, b| b.total_cmp(a));
                (sorted, geo)
            }
            Aggregate::Sum => (vec![sum], sum),
            Aggregate::ArithmeticMean => (vec![sum / n], sum / n),
            Aggregate::GeometricMean => (vec![geo], geo),
            Aggregate::Max => (vec![max], max),
        };
        Self {
            key,
            value,
            per_attribute: values,
        }
    }

    /// A single-dimensional score.
    #[must_use]
    pub fn single(value: f64) -> Self {
        Self {
            key: vec![value],
            value,
            per_attribute: Vec::new(),
        }
    }

    /// Orders scores by their keys.
    #[must_use]
    pub fn cmp_key(&self, other: &Self) -> Ordering {
        for (a, b) in self.key.iter().zip(&other.key) {
            match a.total_cmp(b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        self.key.len().cmp(&other.key.len())
    }
}

/// ARX's normalisation of Loss for one attribute: `(aggregate − rows/domain) / (rows − rows/domain)`,
/// clamped at 0.
#[must_use]
pub fn normalise_loss(aggregate: f64, rows: f64, domain: usize) -> f64 {
    let min = rows / domain.max(1) as f64;
    let span = rows - min;
    if span <= 0.0 {
        return 0.0;
    }
    ((aggregate - min) / span).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_compares_sorted_descending() {
        let a = Score::multi(vec![0.1, 0.5], Aggregate::Rank);
        let b = Score::multi(vec![0.4, 0.4], Aggregate::Rank);
        // a's worst attribute (0.5) is worse than b's (0.4).
        assert_eq!(a.cmp_key(&b), Ordering::Greater);
        assert!((Score::multi(vec![0.0, 0.0], Aggregate::Rank).value).abs() < 1e-12);
    }

    #[test]
    fn loss_normalisation_maps_original_to_zero_and_top_to_one() {
        assert!(normalise_loss(10.0 / 5.0, 10.0, 5).abs() < 1e-12);
        assert!((normalise_loss(10.0, 10.0, 5) - 1.0).abs() < 1e-12);
    }
}
