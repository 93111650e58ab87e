//! `fin.bank_account`: bank or payment account number.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `fin.bank_account` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.bank_account",
    checks: &[Check {
        name: "bank_account",
        check: bank_account,
        in_text: false,
    }],
    words: &[
        w("银行账", 0.9),
        w("账号", 0.6),
        w("账户", 0.6),
        w("account", 0.4),
        w("bankaccount", 0.95),
        w("accountnumber", 0.8),
        w("accountno", 0.8),
        w("acctno", 0.85),
        w("开户", 0.8),
    ],
    tokens: &[w("acct", 0.8)],
    mask: Mask::Keep { head: 6, tail: 4 },
    strength: Some(6),
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: a bank account number: 9 to 19 digits, optionally grouped by spaces or dashes,
/// that is not a payment card (fails the Luhn check or has a length cards do not use).
///
/// **Why**: financial account numbers are sensitive under PIPL Art. 28 (金融账户) and listed
/// identifiers under 28 CFR 202.234(b). Shape only: a header must name the account.
///
/// **Example**: `6217 0000 1234 5678 90`, `110-123456-789`.
#[must_use]
pub fn bank_account(cell: &Cell<'_>) -> Option<Strength> {
    let digits = cell.packed_digits()?;
    ((9..=19).contains(&digits.len()) && cell.alpha == 0).then_some(Strength::Weak)
}
