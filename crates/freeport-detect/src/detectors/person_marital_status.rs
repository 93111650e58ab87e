//! `person.marital_status`: marital status or history.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Hierarchy, Key, Mask, w};

/// The `person.marital_status` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.marital_status",
    checks: &[],
    words: &[
        w("婚姻", 0.95),
        w("marital", 0.95),
        w("married", 0.9),
        w("marriage", 0.9),
        w("divorce", 0.9),
        w("widow", 0.8),
        w("婚", 0.9),
    ],
    tokens: &[w("hyzk", 0.9)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::QuasiIdentifier(Hierarchy::File),
};
