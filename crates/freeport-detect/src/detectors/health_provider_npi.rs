//! `health.provider_npi`: US National Provider Identifier.

use crate::checks::{self};
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `health.provider_npi` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.provider_npi",
    checks: &[Check {
        name: "us.npi",
        check: npi,
        in_text: false,
    }],
    words: &[w("provider", 0.3)],
    tokens: &[w("npi", 0.95)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Digits,
    deid: Deid::Identifier,
};

/// **What**: National Provider Identifier: 10 digits, first 1 or 2, Luhn over the `80840`
/// prefix (identifiers.md §2.5).
///
/// **Why**: identifies a health-care provider; in claims data it points to the patient's care.
///
/// **Example**: `1558598797` matches; `1558598798` does not.
#[must_use]
pub fn npi(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len != 10 || cell.digits != 10 {
        return None;
    }
    checks::npi(cell.s.as_bytes()).then_some(Strength::Validated)
}
