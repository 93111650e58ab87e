//! `biometric.face`: facial recognition data.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `biometric.face` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "biometric.face",
    checks: &[],
    words: &[w("人脸", 0.9), w("faceimage", 0.9)],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};
