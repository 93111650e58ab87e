//! `online.ip_address`: IP address.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `online.ip_address` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "online.ip_address",
    checks: &[
        Check {
            name: "ipv4",
            check: crate::intl::ipv4,
            in_text: true,
        },
        Check {
            name: "ipv6",
            check: crate::intl::ipv6,
            in_text: true,
        },
    ],
    words: &[w("ip地址", 0.95), w("ipaddr", 0.95)],
    tokens: &[w("ip", 0.95)],
    mask: Mask::Ip,
    strength: None,
    key: Key::Ip,
    deid: Deid::Identifier,
};
