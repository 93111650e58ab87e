//! `id.us.driver_license`: US driver's licence number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.us.driver_license` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.driver_license",
    checks: &[Check {
        name: "us.driver_license",
        check: crate::us::driver_license,
        in_text: false,
    }],
    words: &[
        w("driver", 0.9),
        w("licence", 0.6),
        w("license", 0.6),
        w("驾驶证", 0.6),
        w("驾照", 0.6),
    ],
    tokens: &[w("dl", 0.8), w("dln", 0.9)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(3),
    key: Key::Compact,
    deid: Deid::Identifier,
};
