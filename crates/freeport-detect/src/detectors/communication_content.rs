//! `communication.content`: communication content.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `communication.content` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "communication.content",
    checks: &[],
    words: &[
        w("备注", 0.6),
        w("留言", 0.8),
        w("聊天", 0.9),
        w("comment", 0.6),
        w("message", 0.8),
        w("note", 0.5),
    ],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Words,
    deid: Deid::Insensitive,
};
