//! `person.age`: age.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Hierarchy, Key, Mask, w};

/// The `person.age` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.age",
    checks: &[],
    words: &[w("年龄", 0.95)],
    tokens: &[w("age", 0.9), w("nl", 0.8)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::QuasiIdentifier(Hierarchy::Interval {
        widths: &[5, 10, 20],
        top_code: 90,
    }),
};
