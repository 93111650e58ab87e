//! `health.provider_npi`: US National Provider Identifier.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `health.provider_npi` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.provider_npi",
    checks: &[Check {
        name: "us.npi",
        check: crate::us::npi,
        in_text: false,
    }],
    words: &[w("provider", 0.3)],
    tokens: &[w("npi", 0.95)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Digits,
    deid: Deid::Identifier,
};
