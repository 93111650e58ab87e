//! Privacy models on the quasi-identifiers: k-anonymity, distinct / entropy / recursive-(c,l)
//! diversity and t-closeness (equal-distance and hierarchical EMD), with a record-suppression
//! limit. Definitions after ARX's `criteria` package (anchors.md §3.2) and the papers it cites:
//! Machanavajjhala et al. (l-diversity), Li, Li and Venkatasubramanian (t-closeness, EMD).

use crate::hierarchy::Hierarchy;

/// A variant of l-diversity on one sensitive attribute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LDiversity {
    /// At least `l` distinct sensitive values per class.
    Distinct {
        /// l.
        l: u32,
    },
    /// Entropy of the sensitive values per class at least `ln l`.
    Entropy {
        /// l.
        l: f64,
    },
    /// Recursive (c,l): the most frequent count `r1 < c · (r_l + r_{l+1} + … + r_m)`.
    Recursive {
        /// c.
        c: f64,
        /// l.
        l: u32,
    },
}

/// How t-closeness measures the distance between a class's and the table's distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Distance {
    /// Equal ground distance: EMD = half the L1 distance (variational distance).
    Equal,
    /// Hierarchical ground distance over the sensitive attribute's hierarchy.
    Hierarchical(Box<Hierarchy>),
}

/// A criterion on one sensitive attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum SensitiveCriterion {
    /// l-diversity.
    Diversity(LDiversity),
    /// t-closeness with threshold `t`.
    Closeness {
        /// Maximum EMD.
        t: f64,
        /// Ground distance.
        distance: Distance,
    },
}

/// The privacy model a transformation must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub struct PrivacyModel {
    /// Minimum class size (1 = no k-anonymity).
    pub k: u32,
    /// Criteria per sensitive attribute: `(index into the problem's sensitive attributes, criterion)`.
    pub sensitive: Vec<(usize, SensitiveCriterion)>,
    /// Largest share of records that may be suppressed, in `[0, 1]`.
    pub suppression_limit: f64,
}

impl PrivacyModel {
    /// Whether "anonymous with suppression" is monotone under generalisation, so that
    /// predictive tagging is sound.
    ///
    /// k-anonymity and distinct l-diversity are: a merged class violates only if every part
    /// did, so the suppressed set can only shrink. Entropy / recursive l-diversity and
    /// t-closeness only guarantee that a merge of satisfying classes satisfies (concavity of
    /// entropy, convexity of EMD), which suffices when nothing may be suppressed.
    #[must_use]
    pub fn is_monotone(&self) -> bool {
        self.suppression_limit <= 0.0
            || self.sensitive.iter().all(|(_, c)| {
                matches!(
                    c,
                    SensitiveCriterion::Diversity(LDiversity::Distinct { .. })
                )
            })
    }

    /// The largest number of rows that may be suppressed out of `rows`.
    #[must_use]
    pub fn max_suppressed(&self, rows: usize) -> u64 {
        let limit = self.suppression_limit.clamp(0.0, 1.0) * rows as f64;
        // Tiny epsilon so that e.g. 0.05 × 20 = 1.0000000000000002 does not round down wrongly.
        (limit + 1e-9).floor() as u64
    }
}

/// Checks one sensitive criterion on a class histogram.
///
/// `hist[v]` is the class's count of sensitive value `v`, `global[v]` the table's share of it.
#[must_use]
pub fn satisfies(criterion: &SensitiveCriterion, hist: &[u32], global: &[f64]) -> bool {
    match criterion {
        SensitiveCriterion::Diversity(d) => diverse(*d, hist),
        SensitiveCriterion::Closeness { t, distance } => emd(distance, hist, global) <= *t + 1e-12,
    }
}

fn diverse(d: LDiversity, hist: &[u32]) -> bool {
    match d {
        LDiversity::Distinct { l } => hist.iter().filter(|&&c| c > 0).count() >= l as usize,
        LDiversity::Entropy { l } => {
            let total: f64 = hist.iter().map(|&c| f64::from(c)).sum();
            if total <= 0.0 {
                return false;
            }
            let h: f64 = hist
                .iter()
                .filter(|&&c| c > 0)
                .map(|&c| {
                    let p = f64::from(c) / total;
                    -p * p.ln()
                })
                .sum();
            h + 1e-12 >= l.ln()
        }
        LDiversity::Recursive { c, l } => {
            let mut counts: Vec<u32> = hist.iter().copied().filter(|&x| x > 0).collect();
            if counts.len() < l as usize || l == 0 {
                return false;
            }
            counts.sort_unstable_by(|a, b| b.cmp(a));
            let tail: f64 = counts
                .iter()
                .skip(l as usize - 1)
                .map(|&x| f64::from(x))
                .sum();
            counts.first().is_some_and(|&r1| f64::from(r1) < c * tail)
        }
    }
}

/// Earth mover's distance between a class histogram and the global distribution.
#[must_use]
pub fn emd(distance: &Distance, hist: &[u32], global: &[f64]) -> f64 {
    let total: f64 = hist.iter().map(|&c| f64::from(c)).sum();
    if total <= 0.0 {
        return 0.0;
    }
    match distance {
        Distance::Equal => {
            0.5 * hist
                .iter()
                .zip(global)
                .map(|(&c, &q)| (f64::from(c) / total - q).abs())
                .sum::<f64>()
        }
        Distance::Hierarchical(h) => {
            // Li et al.: extra(N) = Σ children's extra; cost(N) = level(N)/H ·
            // min(positive extra, negative extra) over its children.
            let top = h.height().saturating_sub(1);
            if top == 0 {
                return 0.0;
            }
            let mut extra: Vec<f64> = hist
                .iter()
                .zip(global)
                .map(|(&c, &q)| f64::from(c) / total - q)
                .collect();
            let mut cost = 0.0;
            for level in 1..=top {
                let n = h.cardinality(level);
                let mut pos = vec![0.0; n];
                let mut neg = vec![0.0; n];
                let mut next = vec![0.0; n];
                let below = h.level_map(level - 1);
                let here = h.level_map(level);
                // Each child (a code at level − 1) appears once per leaf under it; visit each once.
                let mut seen = vec![false; extra.len()];
                for (leaf, (&child, &parent)) in below.iter().zip(here).enumerate() {
                    let _ = leaf;
                    let (child, parent) = (child as usize, parent as usize);
                    if seen.get(child).copied().unwrap_or(true) {
                        continue;
                    }
                    if let Some(s) = seen.get_mut(child) {
                        *s = true;
                    }
                    let e = extra.get(child).copied().unwrap_or(0.0);
                    if let (Some(p), Some(m), Some(x)) = (
                        pos.get_mut(parent),
                        neg.get_mut(parent),
                        next.get_mut(parent),
                    ) {
                        if e > 0.0 {
                            *p += e;
                        } else {
                            *m -= e;
                        }
                        *x += e;
                    }
                }
                let weight = level as f64 / top as f64;
                cost += pos
                    .iter()
                    .zip(&neg)
                    .map(|(&p, &m)| weight * p.min(m))
                    .sum::<f64>();
                extra = next;
            }
            cost
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diversity_variants() {
        let h = [3, 1, 0, 1];
        assert!(diverse(LDiversity::Distinct { l: 3 }, &h));
        assert!(!diverse(LDiversity::Distinct { l: 4 }, &h));
        // entropy of (0.6, 0.2, 0.2) = 0.950 nats; ln 2 = 0.693, ln 3 = 1.099
        assert!(diverse(LDiversity::Entropy { l: 2.0 }, &h));
        assert!(!diverse(LDiversity::Entropy { l: 3.0 }, &h));
        // r1 = 3 < c·(r2 + r3) = c·2 ⇔ c > 1.5
        assert!(diverse(LDiversity::Recursive { c: 2.0, l: 2 }, &h));
        assert!(!diverse(LDiversity::Recursive { c: 1.5, l: 2 }, &h));
    }

    #[test]
    fn equal_emd_is_variational_distance() {
        let global = [0.5, 0.5];
        assert!((emd(&Distance::Equal, &[1, 0], &global) - 0.5).abs() < 1e-12);
        assert!(emd(&Distance::Equal, &[4, 4], &global).abs() < 1e-12);
    }

    #[test]
    fn hierarchical_emd_weights_distance_by_level() {
        // leaves a, b under x; c under y; top *. H = 2.
        let rows: Vec<Vec<String>> = ["a;x;*", "b;x;*", "c;y;*"]
            .iter()
            .map(|r| r.split(';').map(str::to_owned).collect())
            .collect();
        let h = Hierarchy::from_rows(&rows, "t").unwrap();
        let d = Distance::Hierarchical(Box::new(h));
        let global = [1.0 / 3.0; 3];
        // All mass on a: move 1/3 from a to b (cost 1/2 each) and 1/3 to c (cost 1).
        let got = emd(&d, &[1, 0, 0], &global);
        assert!((got - (1.0 / 3.0 * 0.5 + 1.0 / 3.0)).abs() < 1e-12, "{got}");
    }

    #[test]
    fn suppression_budget_rounds_down() {
        let m = PrivacyModel {
            k: 2,
            sensitive: vec![],
            suppression_limit: 0.05,
        };
        assert_eq!(m.max_suppressed(30_162), 1508);
        assert_eq!(m.max_suppressed(20), 1);
    }
}
