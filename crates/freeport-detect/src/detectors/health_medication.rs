//! `health.medication`: medication and prescriptions.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::places::term_of;

/// The `health.medication` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.medication",
    checks: &[Check {
        name: "dict.medicine",
        check: medicine,
        in_text: false,
    }],
    words: &[w("用药", 0.9), w("药品", 0.7), w("medication", 0.95)],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};

/// **What**: a medicine by name (`二甲双胍`, `metformin 500 mg`), from the same dictionary.
#[must_use]
pub fn medicine(cell: &Cell<'_>) -> Option<Strength> {
    term_of(cell, "health.medication")
}
