//! `id.cn.hmt_residence_permit`: residence permit for Hong Kong, Macau and Taiwan residents.

use crate::cn::{birth_ok, eighteen, mod11_ok};
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `id.cn.hmt_residence_permit` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.hmt_residence_permit",
    checks: &[Check {
        name: "cn.hmt_residence_permit",
        check: hmt_residence_permit,
        in_text: true,
    }],
    words: &[w("居住证", 0.9), w("港澳台", 0.6)],
    tokens: &[],
    mask: Mask::Keep { head: 6, tail: 4 },
    strength: Some(2),
    key: Key::ResidentId,
    deid: Deid::Identifier,
};

/// **What**: residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证).
///
/// **Why**: same 18-character scheme as the resident ID with address code 810000 / 820000 /
/// 830000 (identifiers.md §1.2); identifies a person like a resident ID.
///
/// **Example**: `810000199001011234`-shaped numbers with a valid check character.
#[must_use]
pub fn hmt_residence_permit(cell: &Cell<'_>) -> Option<Strength> {
    let c = eighteen(cell)?;
    (matches!(c.get(..6), Some(b"810000" | b"820000" | b"830000"))
        && c.get(6..14).is_some_and(birth_ok)
        && mod11_ok(c))
    .then_some(Strength::Validated)
}
