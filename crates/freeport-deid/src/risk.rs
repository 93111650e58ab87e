//! Re-identification risk from equivalence-class sizes: prosecutor, journalist and marketer
//! models after El Emam's "Guide to the De-Identification of Personal Health Information", as
//! ARX reports them (anchors.md §3.4): per model the highest risk (1 / smallest class), the
//! average risk, the share of records above a threshold, and the share of sample uniques.
//!
//! The journalist and marketer models need the population the data was sampled from; without a
//! population model they use the sampling fraction π: a class of `f` records is estimated to
//! stand for `f / π` people, so its risk is `π / f` (π = 1: the data is the population and the
//! journalist equals the prosecutor).

use serde::Serialize;

/// Risk under one attacker model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelRisk {
    /// Highest risk of any record.
    pub highest: f64,
    /// Average risk over records (the expected share re-identified).
    pub average: f64,
    /// Share of records whose risk exceeds the threshold.
    pub records_above_threshold: f64,
}

/// Risk of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    /// Records assessed.
    pub records: u64,
    /// Equivalence classes on the quasi-identifiers.
    pub classes: u64,
    /// Smallest class.
    pub smallest_class: u64,
    /// Share of records alone in their class.
    pub sample_uniques: f64,
    /// The attacker knows the person is in the data.
    pub prosecutor: ModelRisk,
    /// The attacker links from a population register; the data is a sample.
    pub journalist: ModelRisk,
    /// The attacker re-identifies as many records as possible: expected share.
    pub marketer: f64,
    /// The threshold used for `records_above_threshold`.
    pub threshold: f64,
}

impl Risk {
    /// Risk from class sizes, a record-level threshold and the sampling fraction.
    #[must_use]
    pub fn from_classes(sizes: &[u32], threshold: f64, sampling_fraction: f64) -> Self {
        let pi = sampling_fraction.clamp(f64::MIN_POSITIVE, 1.0);
        let records: u64 = sizes.iter().map(|&s| u64::from(s)).sum();
        let n = records.max(1) as f64;
        let classes = sizes.iter().filter(|&&s| s > 0).count() as u64;
        let smallest = sizes.iter().copied().filter(|&s| s > 0).min().unwrap_or(0);
        let uniques: u64 = sizes.iter().filter(|&&s| s == 1).count() as u64;
        let model = |scale: f64| {
            let above: u64 = sizes
                .iter()
                .filter(|&&s| s > 0 && scale / f64::from(s) > threshold)
                .map(|&s| u64::from(s))
                .sum();
            ModelRisk {
                highest: if smallest == 0 {
                    0.0
                } else {
                    scale / f64::from(smallest)
                },
                average: if records == 0 {
                    0.0
                } else {
                    scale * classes as f64 / n
                },
                records_above_threshold: above as f64 / n,
            }
        };
        let prosecutor = model(1.0);
        let journalist = model(pi);
        Self {
            records,
            classes,
            smallest_class: u64::from(smallest),
            sample_uniques: uniques as f64 / n,
            marketer: journalist.average,
            prosecutor,
            journalist,
            threshold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prosecutor_risk_follows_class_sizes() {
        let r = Risk::from_classes(&[1, 2, 5], 0.2, 1.0);
        assert_eq!(r.records, 8);
        assert!((r.prosecutor.highest - 1.0).abs() < 1e-12);
        assert!((r.prosecutor.average - 3.0 / 8.0).abs() < 1e-12);
        assert!((r.sample_uniques - 1.0 / 8.0).abs() < 1e-12);
        // records in classes of size 1 and 2 have risk > 0.2
        assert!((r.prosecutor.records_above_threshold - 3.0 / 8.0).abs() < 1e-12);
        let j = Risk::from_classes(&[1, 2, 5], 0.2, 0.1);
        assert!((j.journalist.highest - 0.1).abs() < 1e-12);
        assert!(j.marketer < r.marketer);
    }
}
