//! `online.cookie`: cookie or tracking identifier.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `online.cookie` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "online.cookie",
    checks: &[],
    words: &[w("cookie", 0.9)],
    tokens: &[],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};
