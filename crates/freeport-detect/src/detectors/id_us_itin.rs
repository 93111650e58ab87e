//! `id.us.itin`: US individual taxpayer identification number.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::us::{nine, strength};

/// The `id.us.itin` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.us.itin",
    checks: &[Check {
        name: "us.itin",
        check: itin,
        in_text: true,
    }],
    words: &[w("itin", 0.9)],
    tokens: &[w("itin", 0.95), w("tin", 0.4)],
    mask: Mask::Keep { head: 0, tail: 4 },
    strength: Some(2),
    key: Key::Digits,
    deid: Deid::Identifier,
};

/// **What**: Individual Taxpayer Identification Number `9XX-ZZ-XXXX`, ZZ in 50–65, 70–88,
/// 90–92, 94–99 (identifiers.md §2.2).
///
/// **Why**: issued to people who cannot get an SSN; identifies a person like an SSN.
///
/// **Example**: `912-70-1234` matches; `912-93-1234` (an ATIN) does not.
#[must_use]
pub fn itin(cell: &Cell<'_>) -> Option<Strength> {
    let ([a, g, _], f) = nine(cell)?;
    ((900..=999).contains(&a) && matches!(g, 50..=65 | 70..=88 | 90..=92 | 94..=99))
        .then(|| strength(f))
}
