//! `online.ip_address`: IP address.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use std::net::{Ipv4Addr, Ipv6Addr};

/// The `online.ip_address` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "online.ip_address",
    checks: &[
        Check {
            name: "ipv4",
            check: ipv4,
            in_text: true,
        },
        Check {
            name: "ipv6",
            check: ipv6,
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

/// **What**: IPv4 address in dotted-quad form.
///
/// **Why**: an online identifier (PIPL; HIPAA identifier (O)); public addresses locate a
/// subscriber.
///
/// **Example**: `192.168.1.20` matches; `256.1.1.1`, `1.2.3` do not.
#[must_use]
pub fn ipv4(cell: &Cell<'_>) -> Option<Strength> {
    if !(7..=15).contains(&cell.len) || cell.alpha > 0 {
        return None;
    }
    let ip: Ipv4Addr = cell.s.parse().ok()?;
    // Version-like strings (1.0.0.0) and the unspecified address are not subjects' addresses.
    (!ip.is_unspecified()).then_some(Strength::Shaped)
}

/// **What**: IPv6 address (any RFC 4291 text form).
///
/// **Why**: as IPv4.
///
/// **Example**: `2001:db8::8a2e:370:7334` matches; `12:30` does not.
#[must_use]
pub fn ipv6(cell: &Cell<'_>) -> Option<Strength> {
    if !(3..=45).contains(&cell.len) || !cell.s.contains(':') || cell.s.matches(':').count() < 2 {
        return None;
    }
    let ip: Ipv6Addr = cell.s.parse().ok()?;
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(Strength::Shaped)
}
