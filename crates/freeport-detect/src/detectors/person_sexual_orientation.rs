//! `person.sexual_orientation`: sexual orientation.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `person.sexual_orientation` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.sexual_orientation",
    checks: &[],
    words: &[
        w("sexualorientation", 0.95),
        w("性取向", 0.95),
        w("lgbt", 0.8),
    ],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};
