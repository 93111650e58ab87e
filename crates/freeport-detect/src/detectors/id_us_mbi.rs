//! `id.us.mbi`: Medicare Beneficiary Identifier.

use crate::detector::{Check, Deid, Detector, Key, Mask, w};

/// The `id.us.mbi` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.mbi",
    checks: &[Check {
        name: "us.mbi",
        check: crate::us::mbi,
        in_text: true,
    }],
    words: &[w("medicare", 0.8)],
    tokens: &[w("mbi", 0.95), w("hicn", 0.6)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(2),
    key: Key::Compact,
    deid: Deid::Identifier,
};
