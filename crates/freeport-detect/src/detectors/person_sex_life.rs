//! `person.sex_life`: sex life.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `person.sex_life` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.sex_life",
    checks: &[],
    words: &[
        w("sexlife", 0.95),
        w("性生活", 0.95),
        w("性行为", 0.95),
        w("性伴侣", 0.95),
        w("extramarital", 0.95),
        w("affair", 0.8),
        w("sexualpartner", 0.95),
        w("sexualactivity", 0.95),
        w("sexualbehavio", 0.95),
    ],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Insensitive,
};
