//! `location.postal_code`: postal code.

use crate::detector::{Check, Deid, Detector, Hierarchy, Key, Mask, w};

/// The `location.postal_code` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "location.postal_code",
    checks: &[
        Check {
            name: "cn.postal_code",
            check: crate::cn::postal_code,
            in_text: false,
        },
        Check {
            name: "us.zip",
            check: crate::us::zip,
            in_text: false,
        },
    ],
    words: &[
        w("邮编", 0.95),
        w("邮政编码", 0.95),
        w("postcode", 0.95),
        w("postal", 0.9),
    ],
    tokens: &[w("zip", 0.95), w("zipcode", 0.95), w("yb", 0.8)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::QuasiIdentifier(Hierarchy::UsZip3),
};
