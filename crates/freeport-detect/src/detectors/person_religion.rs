//! `person.religion`: religious belief.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::places::term_of;

/// The `person.religion` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.religion",
    checks: &[Check {
        name: "dict.religion",
        check: religion,
        in_text: false,
    }],
    words: &[
        w("宗教", 0.95),
        w("religio", 0.95),
        w("信仰", 0.8),
        w("信教", 0.9),
        w("denomination", 0.7),
    ],
    tokens: &[w("zjxy", 0.9)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};

/// **What**: a religion or denomination (`佛教`, `Catholic`), from the same dictionary.
#[must_use]
pub fn religion(cell: &Cell<'_>) -> Option<Strength> {
    term_of(cell, "person.religion")
}
