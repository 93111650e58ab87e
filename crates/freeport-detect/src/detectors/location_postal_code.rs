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
            check: zip,
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

/// **What**: ZIP code `12345` or ZIP+4 `12345-6789`.
///
/// **Why**: HIPAA identifier (B) below the first three digits; a coarse location. Five bare
/// digits are everywhere, so only ZIP+4 is `Shaped`.
///
/// **Example**: `94103-1234` (`Shaped`), `94103` (`Weak`); `00000` does not match.
#[must_use]
pub fn zip(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    let five = |x: &[u8]| x.len() == 5 && x.iter().all(u8::is_ascii_digit) && x != b"00000";
    match cell.len {
        5 if five(b) => Some(Strength::Weak),
        10 if b.get(5) == Some(&b'-')
            && b.get(..5).is_some_and(five)
            && b.get(6..).is_some_and(|x| x.iter().all(u8::is_ascii_digit)) =>
        {
            Some(Strength::Shaped)
        }
        _ => None,
    }
}
