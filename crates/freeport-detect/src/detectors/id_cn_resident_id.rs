//! `id.cn.resident_id`: PRC resident identity card number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.cn.resident_id` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.resident_id",
    checks: &[
        Check {
            name: "cn.resident_id",
            check: crate::cn::resident_id,
            in_text: true,
        },
        Check {
            name: "cn.resident_id_15",
            check: crate::cn::resident_id_15,
            in_text: false,
        },
    ],
    words: &[
        w("身份证", 0.95),
        w("身份證", 0.95),
        w("证件号", 0.6),
        w("公民身份号码", 0.95),
        w("idcard", 0.8),
        w("shenfenzheng", 0.95),
    ],
    tokens: &[
        w("sfz", 0.95),
        w("sfzh", 0.95),
        w("sfzhm", 0.95),
        w("zjhm", 0.7),
    ],
    mask: Mask::Keep { head: 6, tail: 4 },
    strength: Some(1),
    key: Key::ResidentId,
    deid: Deid::Identifier,
};
