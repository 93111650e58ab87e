//! `biometric.voiceprint`: voiceprint.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `biometric.voiceprint` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "biometric.voiceprint",
    checks: &[],
    words: &[w("声纹", 0.95), w("voiceprint", 0.95)],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};
