//! `id.us.itin`: US individual taxpayer identification number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.us.itin` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.itin",
    checks: &[Check {
        name: "us.itin",
        check: crate::us::itin,
        in_text: true,
    }],
    words: &[w("itin", 0.9)],
    tokens: &[w("itin", 0.95), w("tin", 0.4)],
    mask: Mask::Keep { head: 0, tail: 4 },
    strength: Some(2),
    key: Key::Digits,
    deid: Deid::Identifier,
};
