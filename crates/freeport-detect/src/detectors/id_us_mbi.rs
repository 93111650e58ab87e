//! `id.us.mbi`: Medicare Beneficiary Identifier.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `id.us.mbi` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.mbi",
    checks: &[Check {
        name: "us.mbi",
        check: mbi,
        in_text: true,
    }],
    words: &[w("medicare", 0.8)],
    tokens: &[w("mbi", 0.95), w("hicn", 0.6)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(2),
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: Medicare Beneficiary Identifier, 11 characters: digit 1–9, letter, letter/digit,
/// digit, letter, letter/digit, digit, letter, letter, digit, digit; letters exclude S L O I B Z
/// (identifiers.md §2.6). Dashes are display-only.
///
/// **Why**: HIPAA health-plan beneficiary number (identifier (I)).
///
/// **Example**: `1EG4-TE5-MK73` matches; `0EG4-TE5-MK73` does not.
#[must_use]
pub fn mbi(cell: &Cell<'_>) -> Option<Strength> {
    if !(11..=13).contains(&cell.len) || cell.alpha < 3 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    if c.len() != 11 {
        return None;
    }
    let letter =
        |b: u8| b.is_ascii_uppercase() && !matches!(b, b'S' | b'L' | b'O' | b'I' | b'B' | b'Z');
    let digit = |b: u8| b.is_ascii_digit();
    let either = |b: u8| letter(b) || digit(b);
    let rules: [&dyn Fn(u8) -> bool; 11] = [
        &|b| (b'1'..=b'9').contains(&b),
        &letter,
        &either,
        &digit,
        &letter,
        &either,
        &digit,
        &letter,
        &letter,
        &digit,
        &digit,
    ];
    c.iter()
        .zip(rules)
        .all(|(&b, r)| r(b))
        .then_some(Strength::Shaped)
}
