//! `person.birth_date`: date of birth.

use crate::detector::{Cell, Check, Deid, Detector, Hierarchy, Key, Mask, Strength, w};
use crate::intl::parse_date;

/// The `person.birth_date` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.birth_date",
    checks: &[Check {
        name: "date",
        check: date,
        in_text: true,
    }],
    words: &[w("出生", 0.95), w("生日", 0.95), w("birth", 0.95)],
    tokens: &[w("csrq", 0.95), w("dob", 0.95), w("bday", 0.95)],
    mask: Mask::Year,
    strength: None,
    key: Key::Date,
    deid: Deid::QuasiIdentifier(Hierarchy::Date),
};

/// **What**: a calendar date (no time of day) in many formats, incl. `1990年1月2日`.
///
/// **Why**: dates of birth are PI and HIPAA identifier (C). A date alone is not a birth date:
/// the column decision also needs a birth-date header or a spread of plausible birth years
/// (see the profiler), so bare `YYYYMMDD` is `Weak` and other forms `Shaped`.
///
/// **Example**: `1990-01-02`, `01/02/1990`, `1990年1月2日`, `Jan 2, 1990`; not
/// `2024-01-02 13:45:10`.
#[must_use]
pub fn date(cell: &Cell<'_>) -> Option<Strength> {
    if !(8..=20).contains(&cell.len) || cell.digits < 6 {
        return None;
    }
    let d = parse_date(cell.s)?;
    Some(if d.bare {
        Strength::Weak
    } else {
        Strength::Shaped
    })
}
