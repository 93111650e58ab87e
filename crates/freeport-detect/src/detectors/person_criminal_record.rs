//! `person.criminal_record`: criminal record.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `person.criminal_record` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.criminal_record",
    checks: &[],
    words: &[
        w("犯罪", 0.9),
        w("前科", 0.95),
        w("criminal", 0.9),
        w("conviction", 0.9),
    ],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};
