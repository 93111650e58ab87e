//! `vehicle.plate`: vehicle licence plate.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `vehicle.plate` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "vehicle.plate",
    checks: &[
        Check {
            name: "cn.plate",
            check: cn_plate,
            in_text: true,
        },
        Check {
            name: "us.plate",
            check: us_plate,
            in_text: false,
        },
    ],
    words: &[w("车牌", 0.95), w("号牌", 0.95), w("plate", 0.9)],
    tokens: &[w("cph", 0.95)],
    mask: Mask::Keep { head: 2, tail: 2 },
    strength: Some(8),
    key: Key::Plate,
    deid: Deid::Identifier,
};

/// **What**: mainland licence plate: province character + authority letter + 5 alphanumerics,
/// or 6 for new-energy vehicles (`D`/`F` first, or last) (identifiers.md §1.7).
///
/// **Why**: identifies a vehicle and through registration its keeper; plates in trip data
/// reveal movements.
///
/// **Example**: `京A12345`, `粤B·D12345`, `沪A-DF1234` match; `京A1234` does not.
#[must_use]
pub fn cn_plate(cell: &Cell<'_>) -> Option<Strength> {
    if cell.han == 0 || cell.han > 2 || cell.chars > 12 {
        return None;
    }
    let mut chars = cell
        .s
        .chars()
        .filter(|c| !matches!(c, '-' | '·' | ' ' | '•' | '.'));
    let p = chars.next()?;
    if !PLATE_PROVINCES.contains(p) {
        return None;
    }
    let authority = chars.next()?;
    if !authority.is_ascii_uppercase() {
        return None;
    }
    let mut rest = [0u8; 8];
    let mut n = 0;
    for c in chars {
        // The last character may be 学/警/挂 etc. on special plates; accept them as a final mark.
        if !c.is_ascii_alphanumeric() {
            if matches!(c, '学' | '警' | '挂' | '领' | '使' | '港' | '澳') && n == 4 {
                return Some(Strength::Shaped);
            }
            return None;
        }
        let slot = rest.get_mut(n)?;
        *slot = u8::try_from(c).ok()?.to_ascii_uppercase();
        n += 1;
    }
    let r = rest.get(..n)?;
    if r.iter().any(|&b| b == b'I' || b == b'O') {
        return None;
    }
    let digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
    match n {
        5 => Some(Strength::Shaped),
        // Small NEV: D/F, then letter or digit, then 4 digits; large NEV: 5 digits then D/F.
        6 => match r {
            [b'D' | b'F', _, tail @ ..] if digits(tail) => Some(Strength::Shaped),
            [head @ .., b'D' | b'F'] if digits(head) => Some(Strength::Shaped),
            _ => None,
        },
        _ => None,
    }
}

/// Province abbreviations used on plates (identifiers.md §1.7).
const PLATE_PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// **What**: US licence plate: 2–8 letters and digits with at most one space or dash, at
/// least one of each (`7ABC123`, `ABC-1234`, `153-ONW`). Formats vary by state and carry no
/// check, so matches are `Weak`: the header decides.
///
/// **Why**: identifies a vehicle and through registration its keeper (HIPAA identifier (L)).
///
/// **Example**: `ABC-1234`; `ABCDEFGH` and `12345` do not match.
#[must_use]
pub fn us_plate(cell: &Cell<'_>) -> Option<Strength> {
    if !(2..=9).contains(&cell.len) || cell.alpha == 0 || cell.digits == 0 || !cell.ascii() {
        return None;
    }
    let seps = cell.s.bytes().filter(|b| matches!(b, b'-' | b' ')).count();
    (seps <= 1
        && cell.alpha + cell.digits + seps == cell.len
        && !cell.s.bytes().any(|b| b.is_ascii_lowercase()))
    .then_some(Strength::Weak)
}
