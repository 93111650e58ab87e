//! `contact.phone`: telephone number.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `contact.phone` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "contact.phone",
    checks: &[
        Check {
            name: "cn.mobile",
            check: crate::cn::mobile,
            in_text: true,
        },
        Check {
            name: "cn.landline",
            check: crate::cn::landline,
            in_text: true,
        },
        Check {
            name: "us.phone",
            check: crate::us::phone,
            in_text: true,
        },
    ],
    words: &[
        w("手机", 0.95),
        w("电话", 0.95),
        w("联系方式", 0.7),
        w("phone", 0.95),
        w("mobile", 0.9),
        w("telephone", 0.95),
        w("cell", 0.5),
    ],
    tokens: &[
        w("sjh", 0.95),
        w("sjhm", 0.95),
        w("dh", 0.9),
        w("lxdh", 0.95),
        w("tel", 0.95),
        w("phone", 0.95),
        w("mobile", 0.95),
        w("fax", 0.8),
    ],
    mask: Mask::Keep { head: 3, tail: 4 },
    strength: Some(5),
    key: Key::Phone,
    deid: Deid::Identifier,
};
