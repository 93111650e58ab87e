//! `person.birth_date`: date of birth.

use crate::detector::{Check, Deid, Detector, Hierarchy, Key, Mask, w};

/// The `person.birth_date` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.birth_date",
    checks: &[Check {
        name: "date",
        check: crate::intl::date,
        in_text: true,
    }],
    words: &[w("出生", 0.95), w("生日", 0.95), w("birth", 0.95)],
    tokens: &[w("csrq", 0.95), w("dob", 0.95), w("bday", 0.95)],
    mask: Mask::Year,
    strength: None,
    key: Key::Date,
    deid: Deid::QuasiIdentifier(Hierarchy::Date),
};
