//! `id.us.ssn`: US Social Security number.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::us::{nine, strength};

/// The `id.us.ssn` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.ssn",
    checks: &[Check {
        name: "us.ssn",
        check: ssn,
        in_text: true,
    }],
    words: &[w("social", 0.6)],
    tokens: &[w("ssn", 0.95)],
    mask: Mask::Keep { head: 0, tail: 4 },
    strength: Some(1),
    key: Key::Digits,
    deid: Deid::Identifier,
};

/// **What**: US Social Security number `AAA-GG-SSSS`.
///
/// **Why**: the de-facto national identifier; HIPAA identifier (G), 28 CFR 202 covered personal
/// identifier.
///
/// **How**: area not 000, 666 or 900–999; group not 00; serial not 0000; known junk values
/// (`078-05-1120`, `123-45-6789`) rejected (identifiers.md §2.1). No check digit: dashed values
/// are `Shaped`, bare 9 digits `Weak`.
///
/// **Example**: `219-09-9998` matches; `666-12-3456`, `123-45-6789` do not.
#[must_use]
pub fn ssn(cell: &Cell<'_>) -> Option<Strength> {
    let ([a, g, s], f) = nine(cell)?;
    let junk = (a, g, s) == (78, 5, 1120) || (a, g, s) == (123, 45, 6789);
    (a != 0 && a != 666 && a < 900 && g != 0 && s != 0 && !junk).then(|| strength(f))
}
