//! `health.medical_record_number`: medical record number.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `health.medical_record_number` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.medical_record_number",
    checks: &[],
    words: &[
        w("病历号", 0.95),
        w("住院号", 0.9),
        w("medicalrecord", 0.95),
    ],
    tokens: &[w("mrn", 0.95)],
    mask: Mask::Whole,
    strength: Some(4),
    key: Key::Compact,
    deid: Deid::Identifier,
};
