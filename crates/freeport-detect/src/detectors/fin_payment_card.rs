//! `fin.payment_card`: payment card number.

use crate::checks::luhn;
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::intl::card_network;

/// The `fin.payment_card` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.payment_card",
    checks: &[Check {
        name: "payment_card",
        check: payment_card,
        in_text: true,
    }],
    words: &[
        w("银行卡", 0.95),
        w("卡号", 0.8),
        w("信用卡", 0.95),
        w("card", 0.7),
        w("creditcard", 0.95),
    ],
    tokens: &[w("yhk", 0.9), w("yhkh", 0.95), w("pan", 0.6), w("cc", 0.4)],
    mask: Mask::Keep { head: 6, tail: 4 },
    strength: Some(6),
    key: Key::Digits,
    deid: Deid::Identifier,
};

/// **What**: payment card number (PAN) of a known network — Visa, Mastercard, Amex, Discover,
/// JCB, Diners, UnionPay (62/81, 16–19 digits, the Chinese bank card), Maestro — with the
/// Luhn check (identifiers.md §§1.8, 2.8).
///
/// **Why**: financial data (PIPL sensitive PI; 28 CFR 202 personal financial data).
///
/// **How**: IIN + length + Luhn → `Validated`. Some older domestic UnionPay cards do not follow
/// Luhn, so a 62-prefixed 16–19-digit number failing Luhn is still `Weak` evidence.
///
/// **Example**: `4111 1111 1111 1111`, `6217001234567890125`-shaped numbers; `4111111111111112`
/// does not match.
#[must_use]
pub fn payment_card(cell: &Cell<'_>) -> Option<Strength> {
    if !(12..=19).contains(&cell.digits) || cell.len > 23 || cell.alpha > 0 || !cell.ascii() {
        return None;
    }
    let d = cell.packed_digits()?;
    let network = card_network(d)?;
    if luhn(d) {
        Some(Strength::Validated)
    } else if network == "unionpay" && d.starts_with(b"62") && d.len() >= 16 {
        Some(Strength::Weak)
    } else {
        None
    }
}
