//! `vehicle.vin`: vehicle identification number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `vehicle.vin` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "vehicle.vin",
    checks: &[Check {
        name: "vin",
        check: crate::intl::vin,
        in_text: true,
    }],
    words: &[w("车架号", 0.95)],
    tokens: &[w("vin", 0.95)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(8),
    key: Key::Compact,
    deid: Deid::Identifier,
};
