//! `health.plan_beneficiary_id`: health plan beneficiary number.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `health.plan_beneficiary_id` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.plan_beneficiary_id",
    checks: &[],
    words: &[w("医保卡", 0.9), w("memberid", 0.6)],
    tokens: &[],
    mask: Mask::Whole,
    strength: Some(4),
    key: Key::Compact,
    deid: Deid::Identifier,
};
