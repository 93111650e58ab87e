//! `fin.iban`: IBAN.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `fin.iban` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.iban",
    checks: &[Check {
        name: "iban",
        check: crate::intl::iban,
        in_text: true,
    }],
    words: &[w("iban", 0.95)],
    tokens: &[w("iban", 0.95)],
    mask: Mask::Keep { head: 4, tail: 4 },
    strength: Some(6),
    key: Key::Compact,
    deid: Deid::Identifier,
};
