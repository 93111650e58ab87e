//! `biometric.fingerprint`: fingerprint.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `biometric.fingerprint` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "biometric.fingerprint",
    checks: &[],
    words: &[w("指纹", 0.95), w("fingerprint", 0.95)],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Identifier,
};
