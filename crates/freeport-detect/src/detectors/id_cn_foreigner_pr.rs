//! `id.cn.foreigner_pr`: foreigner permanent residence ID card number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.cn.foreigner_pr` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.foreigner_pr",
    checks: &[Check {
        name: "cn.foreigner_pr",
        check: crate::cn::foreigner_pr,
        in_text: true,
    }],
    words: &[w("永久居留", 0.95)],
    tokens: &[],
    mask: Mask::Keep { head: 6, tail: 4 },
    strength: Some(2),
    key: Key::ResidentId,
    deid: Deid::Identifier,
};
