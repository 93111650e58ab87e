//! `org.us.ein`: US employer identification number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `org.us.ein` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "org.us.ein",
    checks: &[Check {
        name: "us.ein",
        check: crate::us::ein,
        in_text: false,
    }],
    words: &[w("employer", 0.6)],
    tokens: &[w("ein", 0.95), w("fein", 0.95)],
    mask: Mask::Keep { head: 0, tail: 4 },
    strength: None,
    key: Key::Digits,
    deid: Deid::Insensitive,
};
