//! `education.record`: education record.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Hierarchy, Key, Mask, w};

/// The `education.record` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "education.record",
    checks: &[],
    words: &[w("学历", 0.9), w("毕业院校", 0.9), w("education", 0.8)],
    tokens: &[w("educ", 0.8), w("gpa", 0.9)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::QuasiIdentifier(Hierarchy::File),
};
