//! `person.death_date`: date of death.
//!
//! No value validator: a header names the category.

use crate::detector::{Deid, Detector, Key, Mask, w};

/// The `person.death_date` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.death_date",
    checks: &[],
    words: &[
        w("death", 0.95),
        w("died", 0.9),
        w("deceased", 0.8),
        w("死亡", 0.95),
        w("去世", 0.95),
        w("逝世", 0.95),
    ],
    tokens: &[w("dod", 0.9)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: None,
    key: Key::Compact,
    deid: Deid::Insensitive,
};
