//! `fin.iban`: IBAN.

use crate::checks::{self};
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `fin.iban` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.iban",
    checks: &[Check {
        name: "iban",
        check: iban,
        in_text: true,
    }],
    words: &[w("iban", 0.95)],
    tokens: &[w("iban", 0.95)],
    mask: Mask::Keep { head: 4, tail: 4 },
    strength: Some(6),
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: IBAN (ISO 13616): country code, check digits, BBAN of the country's length,
/// mod 97 = 1 (identifiers.md §2.10).
///
/// **Why**: a bank account number (financial data).
///
/// **Example**: `GB82 WEST 1234 5698 7654 32` matches; `GB82WEST12345698765433` does not.
#[must_use]
pub fn iban(cell: &Cell<'_>) -> Option<Strength> {
    if !(15..=42).contains(&cell.len) || cell.alpha < 2 || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    checks::iban(c).then_some(Strength::Validated)
}
