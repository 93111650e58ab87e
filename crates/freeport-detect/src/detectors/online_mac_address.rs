//! `online.mac_address`: MAC address.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `online.mac_address` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "online.mac_address",
    checks: &[Check {
        name: "mac",
        check: crate::intl::mac,
        in_text: true,
    }],
    words: &[w("macaddr", 0.95), w("mac地址", 0.95)],
    tokens: &[w("mac", 0.9)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(8),
    key: Key::Hex,
    deid: Deid::Identifier,
};
