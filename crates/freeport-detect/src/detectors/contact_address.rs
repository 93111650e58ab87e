//! `contact.address`: postal address.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `contact.address` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "contact.address",
    checks: &[
        Check {
            name: "cn.address",
            check: crate::cn::address,
            in_text: false,
        },
        Check {
            name: "us.street_address",
            check: crate::us::street_address,
            in_text: false,
        },
    ],
    words: &[
        w("地址", 0.95),
        w("住址", 0.95),
        w("address", 0.9),
        w("street", 0.9),
    ],
    tokens: &[w("dz", 0.9), w("zz", 0.6), w("addr", 0.9)],
    mask: Mask::Address,
    strength: None,
    key: Key::Words,
    deid: Deid::Identifier,
};
