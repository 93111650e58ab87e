//! `health.medication`: medication and prescriptions.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `health.medication` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.medication",
    checks: &[Check {
        name: "dict.medicine",
        check: crate::places::medicine,
        in_text: false,
    }],
    words: &[w("用药", 0.9), w("药品", 0.7), w("medication", 0.95)],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};
