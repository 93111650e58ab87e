//! `contact.phone`: telephone number.

use crate::checks::digits_only;
use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};

/// The `contact.phone` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "contact.phone",
    checks: &[
        Check {
            name: "cn.mobile",
            check: mobile,
            in_text: true,
        },
        Check {
            name: "cn.landline",
            check: landline,
            in_text: true,
        },
        Check {
            name: "us.phone",
            check: phone,
            in_text: true,
        },
    ],
    words: &[
        w("手机", 0.95),
        w("电话", 0.95),
        w("联系方式", 0.7),
        w("phone", 0.95),
        w("mobile", 0.9),
        w("telephone", 0.95),
        w("cell", 0.5),
    ],
    tokens: &[
        w("sjh", 0.95),
        w("sjhm", 0.95),
        w("dh", 0.9),
        w("lxdh", 0.95),
        w("tel", 0.95),
        w("phone", 0.95),
        w("mobile", 0.95),
        w("fax", 0.8),
    ],
    mask: Mask::Keep { head: 3, tail: 4 },
    strength: Some(5),
    key: Key::Phone,
    deid: Deid::Identifier,
};

/// **What**: mainland mobile number (手机号), 11 digits, optional `+86` / `0086` / `86`.
///
/// **Why**: a direct contact identifier and, through real-name registration, tied to a person.
///
/// **How**: current prefixes (`13x`, `14[57]`, `15[0-35-9]`, `16[25-7]`, `17[0-35-8]`, `18x`,
/// `19[0-35-9]`, `1610x`, `1740[0-5]`).
///
/// **Example**: `13812345678`, `+86 138 1234 5678` match; `12012345678` does not.
#[must_use]
pub fn mobile(cell: &Cell<'_>) -> Option<Strength> {
    if !(11..=20).contains(&cell.digits) || cell.alpha > 0 || !cell.ascii() {
        return None;
    }
    let p = cell.packed()?;
    let d = p.strip_prefix(b"+").unwrap_or(p);
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let d = match d.len() {
        11 => d,
        13 if d.starts_with(b"86") => d.get(2..)?,
        15 if d.starts_with(b"0086") => d.get(4..)?,
        _ => return None,
    };
    mobile_prefix(d).then_some(Strength::Shaped)
}

/// **What**: mainland fixed-line number: `0` + 2–3-digit area code + 7–8 digits, optional
/// extension, optional `+86` (libphonenumber CN fixed-line pattern, identifiers.md §1.4).
///
/// **Why**: contact data; a home number identifies a household.
///
/// **Example**: `010-62751234`, `0755-86013388` match (separator makes it `Shaped`);
/// a bare `01062751234` is only `Weak`.
#[must_use]
pub fn landline(cell: &Cell<'_>) -> Option<Strength> {
    if !(9..=16).contains(&cell.digits) || cell.alpha > 0 || !cell.ascii() {
        return None;
    }
    let s = cell.s;
    let (s, intl) = match s.strip_prefix("+86") {
        Some(rest) => (rest.trim_start(), true),
        None => (s, false),
    };
    let mut parts = s.splitn(2, ['-', ' ', ')']);
    let first = parts.next()?.trim_start_matches('(');
    let rest = parts.next();
    let area_ok = |a: &[u8]| {
        // Area codes: 10, 2x (2 digits after 0) or 3 digits not starting with 1 or 2.
        matches!(a, [b'1', b'0'] | [b'2', _] | [b'3'..=b'9', _, _])
    };
    let mut buf = [0u8; 24];
    if let Some(rest) = rest {
        let fb = first.as_bytes();
        let area = if intl { fb } else { fb.strip_prefix(b"0")? };
        let local = digits_only(rest.trim(), &mut buf)?;
        return (area.iter().all(u8::is_ascii_digit)
            && area_ok(area)
            && (7..=8).contains(&local.len())
            && local.first().is_some_and(|&b| b != b'0' && b != b'1'))
        .then_some(Strength::Shaped);
    }
    let d = digits_only(s, &mut buf)?;
    let d = d.strip_prefix(b"0")?;
    for alen in [2usize, 3] {
        if let (Some(a), Some(local)) = (d.get(..alen), d.get(alen..))
            && area_ok(a)
            && (7..=8).contains(&local.len())
            && local.first().is_some_and(|&b| b > b'1')
        {
            return Some(Strength::Weak);
        }
    }
    None
}

/// Current mainland mobile prefixes (libphonenumber CN metadata, identifiers.md §1.4).
fn mobile_prefix(d: &[u8]) -> bool {
    match d {
        [b'1', b'3' | b'8', ..] => true,
        [b'1', b'4', b'5' | b'7', ..] => true,
        [b'1', b'5' | b'9', x, ..] => *x != b'4',
        [b'1', b'6', b'2' | b'5' | b'6' | b'7', ..] => true,
        [b'1', b'6', b'1', b'0', ..] => true,
        [b'1', b'7', b'4', b'0', x, ..] => (b'0'..=b'5').contains(x),
        [b'1', b'7', b'0'..=b'3' | b'5'..=b'8', ..] => true,
        _ => false,
    }
}

/// **What**: NANP telephone number (US/Canada): optional `+1`/`1`, area code and exchange
/// `[2-9]XX`, 4-digit line; common punctuation `(212) 555-0100`, `212.555.0100`, extensions.
///
/// **Why**: contact data; HIPAA identifier (D).
///
/// **Example**: `(212) 555-0100` (`Shaped`), `2125550100` (`Weak`); `1125550100` does not match.
#[must_use]
pub fn phone(cell: &Cell<'_>) -> Option<Strength> {
    if !(10..=16).contains(&cell.digits) || !cell.ascii() {
        return None;
    }
    let s = match cell.s.find(['x', 'X']) {
        Some(i) if cell.s.get(i..).is_some_and(|e| e.len() <= 8) => cell.s.get(..i)?.trim_end(),
        _ if cell.alpha > 0 => return None,
        _ => cell.s,
    };
    let s = s
        .trim_end_matches([' ', ',', ';'])
        .trim_end_matches("ext")
        .trim_end();
    let punctuated = s.contains(['(', '-', '.', ' ']);
    let s = s.trim_start_matches('+');
    let mut buf = [0u8; 24];
    let d = digits_only(s, &mut buf)?;
    let d = match d.len() {
        10 => d,
        11 if d.first() == Some(&b'1') => d.get(1..)?,
        _ => return None,
    };
    let (a, e) = (d.first()?, d.get(3)?);
    if !(b'2'..=b'9').contains(a) || !(b'2'..=b'9').contains(e) {
        return None;
    }
    // N11 service codes are not area codes.
    if d.get(1..3) == Some(b"11") {
        return None;
    }
    Some(if punctuated {
        Strength::Shaped
    } else {
        Strength::Weak
    })
}
