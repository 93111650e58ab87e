//! `fin.routing_number`: bank routing number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `fin.routing_number` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.routing_number",
    checks: &[Check {
        name: "us.aba_routing",
        check: crate::us::aba,
        in_text: false,
    }],
    words: &[w("routing", 0.95)],
    tokens: &[w("aba", 0.95), w("rtn", 0.8)],
    mask: Mask::Keep { head: 0, tail: 4 },
    strength: None,
    key: Key::Digits,
    deid: Deid::Identifier,
};
