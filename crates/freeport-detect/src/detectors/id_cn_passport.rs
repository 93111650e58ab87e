//! `id.cn.passport`: PRC passport number.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `id.cn.passport` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "id.cn.passport",
    checks: &[Check {
        name: "cn.passport",
        check: passport,
        in_text: false,
    }],
    words: &[w("护照", 0.9), w("passport", 0.7)],
    tokens: &[w("hz", 0.5), w("hzh", 0.8)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(3),
    key: Key::Compact,
    deid: Deid::Identifier,
};

/// **What**: PRC passport numbers (identifiers.md §1.5, secondary sources): `E` + letter (not I/O) + 7 digits
/// (since 2017), `E`/`G` + 8 digits, `14`/`15` + 7 digits, `DE`/`PE`/`SE` + 7 digits,
/// `K` + 8 (HKSAR), `MA` + 7 (Macao SAR).
///
/// **Why**: a travel document number identifies its holder. No check digit outside the MRZ.
///
/// **Example**: `EF1260892` matches (`Shaped`); `E12345678` is shared with US passports (`Weak`).
#[must_use]
pub fn passport(cell: &Cell<'_>) -> Option<Strength> {
    if !(9..=10).contains(&cell.len) || !cell.ascii() {
        return None;
    }
    let c = cell.packed()?;
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    match c {
        [b'E', l, rest @ ..]
            if l.is_ascii_uppercase()
                && !matches!(l, b'I' | b'O')
                && rest.len() == 7
                && digits(rest) =>
        {
            Some(Strength::Shaped)
        }
        [b'D' | b'P' | b'S', b'E', rest @ ..] | [b'M', b'A', rest @ ..]
            if rest.len() == 7 && digits(rest) =>
        {
            Some(Strength::Shaped)
        }
        [b'E' | b'G' | b'K', rest @ ..] if rest.len() == 8 && digits(rest) => Some(Strength::Weak),
        [b'1', b'4' | b'5', rest @ ..] if rest.len() == 7 && digits(rest) => Some(Strength::Weak),
        _ => None,
    }
}
