//! `fin.routing_number`: bank routing number.

use crate::checks::{self};
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `fin.routing_number` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.routing_number",
    checks: &[Check {
        name: "us.aba_routing",
        check: aba,
        in_text: false,
    }],
    words: &[w("routing", 0.95)],
    tokens: &[w("aba", 0.95), w("rtn", 0.8)],
    mask: Mask::Keep { head: 0, tail: 4 },
    strength: None,
    key: Key::Digits,
    deid: Deid::Identifier,
};

/// **What**: ABA routing transit number: 9 digits, 3-7-1 checksum, Federal Reserve prefix
/// (identifiers.md §2.4).
///
/// **Why**: with an account number it locates a person's bank account (financial data).
///
/// **Example**: `021000021` matches; `123456789` does not.
#[must_use]
pub fn aba(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 9 || cell.digits != 9 {
        return None;
    }
    checks::aba(cell.s.as_bytes()).then_some(Strength::Validated)
}
