//! `id.cn.travel_permit`: mainland travel permit number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.cn.travel_permit` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.travel_permit",
    checks: &[Check {
        name: "cn.travel_permit",
        check: crate::cn::travel_permit,
        in_text: false,
    }],
    words: &[w("通行证", 0.9), w("回乡证", 0.95), w("台胞证", 0.95)],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(3),
    key: Key::Compact,
    deid: Deid::Identifier,
};
