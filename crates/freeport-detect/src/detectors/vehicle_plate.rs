//! `vehicle.plate`: vehicle licence plate.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `vehicle.plate` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "vehicle.plate",
    checks: &[
        Check {
            name: "cn.plate",
            check: crate::cn::plate,
            in_text: true,
        },
        Check {
            name: "us.plate",
            check: crate::us::plate,
            in_text: false,
        },
    ],
    words: &[w("车牌", 0.95), w("号牌", 0.95), w("plate", 0.9)],
    tokens: &[w("cph", 0.95)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(8),
    key: Key::Plate,
    deid: Deid::Identifier,
};
