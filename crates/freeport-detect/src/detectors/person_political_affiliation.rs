//! `person.political_affiliation`: political affiliation.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `person.political_affiliation` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.political_affiliation",
    checks: &[],
    words: &[
        w("politic", 0.9),
        w("政治", 0.95),
        w("党派", 0.95),
        w("党员", 0.9),
        w("ideolog", 0.9),
        w("partisan", 0.9),
    ],
    tokens: &[w("zzmm", 0.9), w("party", 0.6), w("vote", 0.7)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Insensitive,
};
