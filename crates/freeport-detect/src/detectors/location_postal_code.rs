//! `location.postal_code`: postal code.

use crate::detector::{Cell, Check, Deid, Detector, Hierarchy, Key, Mask, Strength, w};

/// The `location.postal_code` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "location.postal_code",
    checks: &[
        Check {
            name: "cn.postal_code",
            check: postal_code,
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

/// **What**: mainland postal code (邮政编码), 6 digits, first digit 0–8 (no zone starts with 9).
///
/// **Why**: a coarse location; identifies a person only together with other fields, so this is
/// `Weak` and the header decides.
///
/// **Example**: `100871`.
#[must_use]
pub fn postal_code(cell: &Cell<'_>) -> Option<Strength> {
    (cell.len == 6 && cell.digits == 6 && cell.s.as_bytes().first().is_some_and(|&b| b <= b'8'))
        .then_some(Strength::Weak)
}
