//! `device.imei`: IMEI.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `device.imei` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "device.imei",
    checks: &[Check {
        name: "imei",
        check: crate::intl::imei,
        in_text: true,
    }],
    words: &[w("imei", 0.95)],
    tokens: &[w("imei", 0.95)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(7),
    key: Key::Digits,
    deid: Deid::Identifier,
};
