//! `person.gender`: sex or gender.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Hierarchy, Key, Mask, w};

/// The `person.gender` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.gender",
    checks: &[],
    words: &[w("性别", 0.95), w("gender", 0.95)],
    tokens: &[w("sex", 0.95), w("xb", 0.9)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::QuasiIdentifier(Hierarchy::File),
};
