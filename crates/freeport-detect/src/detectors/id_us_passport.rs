//! `id.us.passport`: US passport number.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `id.us.passport` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.passport",
    checks: &[Check {
        name: "us.passport",
        check: passport,
        in_text: false,
    }],
    words: &[
        w("passport", 0.8),
        // A passport header names the document, not the issuing country: both passport
        // categories get the header, and the value formats decide between them.
        w("护照", 0.7),
    ],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(3),
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: US passport number: letter + 8 digits (Next Generation, since 2021) or 9 digits
/// (older books) (identifiers.md §2.7).
///
/// **Why**: identifies the holder; 28 CFR 202 covered personal identifier. No check digit, so
/// always `Weak`: the header decides.
///
/// **Example**: `A12345678`, `123456789`.
#[must_use]
pub fn passport(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    match (cell.len, cell.digits, b.first()) {
        (9, 8, Some(f)) if f.is_ascii_uppercase() => Some(Strength::Weak),
        (9, 9, _) => Some(Strength::Weak),
        _ => None,
    }
}
