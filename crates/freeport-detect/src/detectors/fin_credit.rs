//! `fin.credit`: credit and loan records.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `fin.credit` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "fin.credit",
    checks: &[],
    words: &[w("征信", 0.95), w("信用分", 0.9), w("creditscore", 0.95)],
    tokens: &[],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};
