//! `id.us.ssn`: US Social Security number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.us.ssn` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.ssn",
    checks: &[Check {
        name: "us.ssn",
        check: crate::us::ssn,
        in_text: true,
    }],
    words: &[w("social", 0.6)],
    tokens: &[w("ssn", 0.95)],
    mask: Mask::Keep { head: 0, tail: 4 },
    strength: Some(1),
    key: Key::Digits,
    deid: Deid::Identifier,
};
