//! `device.id`: device identifier or serial number.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `device.id` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "device.id",
    checks: &[],
    words: &[
        w("设备号", 0.7),
        w("设备id", 0.9),
        w("deviceid", 0.95),
        w("androidid", 0.95),
    ],
    tokens: &[w("idfa", 0.95), w("oaid", 0.95), w("udid", 0.95)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(7),
    key: Key::Compact,
    deid: Deid::Identifier,
};
