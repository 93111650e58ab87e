//! `id.cn.travel_permit`: mainland travel permit number.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `id.cn.travel_permit` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.travel_permit",
    checks: &[Check {
        name: "cn.travel_permit",
        check: travel_permit,
        in_text: false,
    }],
    words: &[w("通行证", 0.9), w("回乡证", 0.95), w("台胞证", 0.95)],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(3),
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: mainland travel permit for Hong Kong and Macao residents (回乡证): `H`/`M` + 8-digit
/// lifetime number + optional 2-digit renewal count (identifiers.md §1.6).
///
/// **Why**: the mainland identity document of HK/MO residents. (Taiwan compatriot permits are
/// 8 bare digits and are only recognised through the header.)
///
/// **Example**: `H1234567801` (`Shaped`), `M12345678` (`Weak`, shared with other letter+8 codes).
#[must_use]
pub fn travel_permit(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    match (b.first(), cell.len, cell.digits) {
        (Some(b'H' | b'M'), 11, 10) => Some(Strength::Shaped),
        (Some(b'H' | b'M'), 9, 8) => Some(Strength::Weak),
        _ => None,
    }
}
