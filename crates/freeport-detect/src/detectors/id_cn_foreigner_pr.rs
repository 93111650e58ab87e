//! `id.cn.foreigner_pr`: foreigner permanent residence ID card number.

use crate::cn::{eighteen, mod11_ok};
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `id.cn.foreigner_pr` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.foreigner_pr",
    checks: &[Check {
        name: "cn.foreigner_pr",
        check: foreigner_pr,
        in_text: true,
    }],
    words: &[w("永久居留", 0.95)],
    tokens: &[],
    mask: Mask::Keep { head: 6, tail: 4 },
    strength: Some(2),
    key: Key::ResidentId,
    deid: Deid::Identifier,
};

/// **What**: foreigner's permanent residence ID card (外国人永久居留身份证).
///
/// **Why**: the only national ID a foreign resident holds. 2023 format: 18 digits, first
/// digit 9, MOD 11-2 check (identifiers.md §1.2); 2017 format: 3 letters (nationality) +
/// 12 digits, shape only.
///
/// **Example**: `USA110075061301`-shaped (old) and `9…` 18-digit numbers with a valid check.
#[must_use]
pub fn foreigner_pr(cell: &Cell<'_>) -> Option<Strength> {
    if !cell.ascii() {
        return None;
    }
    if cell.len == 15 && cell.alpha == 3 && cell.digits == 12 {
        let b = cell.s.as_bytes();
        return (b.iter().take(3).all(u8::is_ascii_uppercase)
            && b.iter().skip(3).all(u8::is_ascii_digit))
        .then_some(Strength::Shaped);
    }
    let c = eighteen(cell)?;
    (c.first() == Some(&b'9')
        && c.get(1..17)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && mod11_ok(c))
    .then_some(Strength::Validated)
}
