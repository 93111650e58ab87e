//! `org.cn.uscc`: unified social credit code.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `org.cn.uscc` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "org.cn.uscc",
    checks: &[Check {
        name: "cn.uscc",
        check: crate::cn::uscc,
        in_text: true,
    }],
    words: &[w("信用代码", 0.95), w("社会信用", 0.9), w("uscc", 0.95)],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::Insensitive,
};
