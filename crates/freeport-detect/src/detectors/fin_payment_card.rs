//! `fin.payment_card`: payment card number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `fin.payment_card` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.payment_card",
    checks: &[Check {
        name: "payment_card",
        check: crate::intl::payment_card,
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
