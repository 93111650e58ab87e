//! `online.url`: personal web address.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `online.url` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "online.url",
    checks: &[Check {
        name: "url",
        check: crate::intl::url,
        in_text: true,
    }],
    words: &[w("网址", 0.9), w("链接", 0.8), w("website", 0.8)],
    tokens: &[w("url", 0.9)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};
