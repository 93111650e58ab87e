//! `fin.bank_account`: bank or payment account number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `fin.bank_account` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.bank_account",
    checks: &[Check {
        name: "bank_account",
        check: crate::places::bank_account,
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
