//! `org.us.ein`: US employer identification number.

use crate::checks::num;
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::us::strength;

/// The `org.us.ein` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "org.us.ein",
    checks: &[Check {
        name: "us.ein",
        check: ein,
        in_text: false,
    }],
    words: &[w("employer", 0.6)],
    tokens: &[w("ein", 0.95), w("fein", 0.95)],
    mask: Mask::Keep { head: 0, tail: 4 },
    strength: None,
    key: Key::Digits,
    deid: Deid::Insensitive,
};

/// **What**: Employer Identification Number `XX-XXXXXXX` with a valid IRS campus prefix
/// (identifiers.md §2.3).
///
/// **Why**: identifies a business — or a sole proprietor who uses it instead of an SSN.
///
/// **Example**: `12-3456789` matches; `07-3456789` does not.
#[must_use]
pub fn ein(cell: &Cell<'_>) -> Option<Strength> {
    if cell.digits != 9 || cell.alpha > 0 || !cell.ascii() || !(9..=10).contains(&cell.len) {
        return None;
    }
    let b = cell.s.as_bytes();
    let formatted = b.len() == 10 && b.get(2) == Some(&b'-');
    if b.len() == 10 && !formatted {
        return None;
    }
    let d = cell.packed_digits()?;
    let p = num(d.get(..2)?)?;
    let valid = matches!(p, 1..=6 | 10..=16 | 20..=27 | 30..=48 | 50..=68 | 71..=77 | 80..=88 | 90..=95 | 98 | 99);
    valid.then(|| strength(formatted))
}
