//! `id.us.driver_license`: US driver's licence number.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `id.us.driver_license` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.driver_license",
    checks: &[Check {
        name: "us.driver_license",
        check: driver_license,
        in_text: false,
    }],
    words: &[
        w("driver", 0.9),
        w("licence", 0.6),
        w("license", 0.6),
        w("驾驶证", 0.6),
        w("驾照", 0.6),
    ],
    tokens: &[w("dl", 0.8), w("dln", 0.9)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(3),
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: US driver's licence number. Formats differ by state (1–2 letters + 4–14 digits,
/// or 7–13 digits, sometimes with separators); none has a published check digit.
///
/// **Why**: a state-issued identifier; 28 CFR 202 covered personal identifier. Only a header
/// (`driver`, `license`, `dl`, 驾驶证) makes this usable, so matches are `Weak`.
///
/// **Example**: `D1234567`, `A123-4567-8901`.
#[must_use]
pub fn driver_license(cell: &Cell<'_>) -> Option<Strength> {
    if !(6..=16).contains(&cell.len) || !cell.ascii() || cell.digits < 4 || cell.alpha > 2 {
        return None;
    }
    let c = cell.packed()?;
    let letters = c.iter().take_while(|b| b.is_ascii_uppercase()).count();
    let rest = c.get(letters..)?;
    (letters <= 2
        && (4..=14).contains(&rest.len())
        && rest.iter().all(u8::is_ascii_digit)
        && c.len() >= 6)
        .then_some(Strength::Weak)
}
