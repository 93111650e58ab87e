//! `org.name`: organisation name.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `org.name` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "org.name",
    checks: &[],
    words: &[
        w("公司名称", 0.9),
        w("单位名称", 0.9),
        w("companyname", 0.9),
    ],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::Insensitive,
};
