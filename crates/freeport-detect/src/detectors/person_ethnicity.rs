//! `person.ethnicity`: ethnicity or race.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Hierarchy, Key, Mask, w};

/// The `person.ethnicity` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.ethnicity",
    checks: &[],
    words: &[w("民族", 0.95), w("ethnicity", 0.95)],
    tokens: &[w("mz", 0.7), w("race", 0.9)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::QuasiIdentifier(Hierarchy::File),
};
