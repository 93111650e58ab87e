//! `health.diagnosis`: diagnosis or health condition.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `health.diagnosis` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.diagnosis",
    checks: &[
        Check {
            name: "icd10",
            check: crate::intl::icd10,
            in_text: false,
        },
        Check {
            name: "dict.disease",
            check: crate::places::disease,
            in_text: false,
        },
    ],
    words: &[w("诊断", 0.95), w("diagnos", 0.95), w("icd10", 0.95)],
    tokens: &[w("icd", 0.9), w("dx", 0.7)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};
