//! `id.cn.hmt_residence_permit`: residence permit for Hong Kong, Macau and Taiwan residents.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.cn.hmt_residence_permit` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.hmt_residence_permit",
    checks: &[Check {
        name: "cn.hmt_residence_permit",
        check: crate::cn::hmt_residence_permit,
        in_text: true,
    }],
    words: &[w("居住证", 0.9), w("港澳台", 0.6)],
    tokens: &[],
    mask: Mask::Keep { head: 6, tail: 4 },
    strength: Some(2),
    key: Key::ResidentId,
    deid: Deid::Identifier,
};
