//! `online.mac_address`: MAC address.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `online.mac_address` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "online.mac_address",
    checks: &[Check {
        name: "mac",
        check: mac,
        in_text: true,
    }],
    words: &[w("macaddr", 0.95), w("mac地址", 0.95)],
    tokens: &[w("mac", 0.9)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(8),
    key: Key::Hex,
    deid: Deid::Identifier,
};

/// **What**: MAC address: six hex octets separated by `:` or `-`, or Cisco `xxxx.xxxx.xxxx`.
///
/// **Why**: a hardware identifier of a person's device (device / online identifier).
///
/// **Example**: `00:1A:2B:3C:4D:5E`, `001a.2b3c.4d5e` match; `00:1A:2B:3C:4D` does not.
#[must_use]
pub fn mac(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    let hex = |x: &[u8]| x.iter().all(u8::is_ascii_hexdigit);
    let ok = match b.len() {
        17 => {
            let sep = *b.get(2)?;
            (sep == b':' || sep == b'-')
                && b.chunks(3).all(|ch| {
                    hex(ch.get(..2).unwrap_or(b"zz")) && ch.get(2).is_none_or(|&s| s == sep)
                })
        }
        14 => b
            .chunks(5)
            .all(|ch| hex(ch.get(..4).unwrap_or(b"zz")) && ch.get(4).is_none_or(|&s| s == b'.')),
        _ => false,
    };
    (ok && b
        .iter()
        .any(|&c| c != b'0' && c != b':' && c != b'-' && c != b'.'))
    .then_some(Strength::Shaped)
}
