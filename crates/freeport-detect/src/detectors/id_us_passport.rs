//! `id.us.passport`: US passport number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.us.passport` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.passport",
    checks: &[Check {
        name: "us.passport",
        check: crate::us::passport,
        in_text: false,
    }],
    words: &[
        w("passport", 0.8),
        // A passport header names the document, not the issuing country: both passport
        // categories get the header, and the value formats decide between them.
        w("护照", 0.7),
    ],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(3),
    key: Key::Compact,
    deid: Deid::Identifier,
};
