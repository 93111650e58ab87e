//! `id.cn.passport`: PRC passport number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.cn.passport` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.passport",
    checks: &[Check {
        name: "cn.passport",
        check: crate::cn::passport,
        in_text: false,
    }],
    words: &[w("护照", 0.9), w("passport", 0.7)],
    tokens: &[w("hz", 0.5), w("hzh", 0.8)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(3),
    key: Key::Compact,
    deid: Deid::Identifier,
};
