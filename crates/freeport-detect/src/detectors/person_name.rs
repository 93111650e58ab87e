//! `person.name`: personal name.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::lists::{CN_GIVEN, CN_SURNAMES};

/// The `person.name` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.name",
    checks: &[
        Check {
            name: "cn.name",
            check: name,
            in_text: false,
        },
        Check {
            name: "us.name",
            check: crate::us::name,
            in_text: false,
        },
    ],
    words: &[
        w("姓名", 0.95),
        w("名字", 0.8),
        w("联系人", 0.7),
        w("客户名", 0.8),
        w("患者", 0.4),
        w("fullname", 0.95),
        w("firstname", 0.9),
        w("lastname", 0.9),
        w("surname", 0.9),
        w("givenname", 0.9),
        w("customername", 0.9),
        w("patientname", 0.95),
        w("name", 0.55),
    ],
    tokens: &[w("xm", 0.9), w("name", 0.9)],
    mask: Mask::Name,
    strength: None,
    key: Key::Words,
    deid: Deid::Identifier,
};

/// **What**: Chinese personal name: a known surname (single or compound) followed by a one- or
/// two-character given name.
///
/// **Why**: names are PI. Shape alone is weak (any 2–4 Han characters), so the given-name model
/// requires the given name to be drawn mostly from characters common in names; the column
/// decision then rests on the share of name-like values.
///
/// **Example**: `王伟`, `欧阳娜娜`, `张 晓明` match; `苹果手机`, `北京市` do not.
#[must_use]
pub fn name(cell: &Cell<'_>) -> Option<Strength> {
    if !(2..=5).contains(&cell.han) || cell.digits + cell.alpha > 0 || cell.chars > cell.han + 1 {
        return None;
    }
    let mut buf = ['\0'; 5];
    let mut n = 0;
    for c in cell.s.chars().filter(|&c| han(c)) {
        *buf.get_mut(n)? = c;
        n += 1;
    }
    let chars = buf.get(..n)?;
    let try_split = |k: usize| -> Option<Strength> {
        let (sur, given) = (chars.get(..k)?, chars.get(k..)?);
        if !(1..=2).contains(&given.len()) {
            return None;
        }
        let mut b = [0u8; 8];
        let mut n = 0;
        for ch in sur {
            n += ch.encode_utf8(b.get_mut(n..)?).len();
        }
        if !CN_SURNAMES.contains(std::str::from_utf8(b.get(..n)?).ok()?) {
            return None;
        }
        // Given names draw on a long tail of characters: one common name character in a
        // two-character given name is enough for a name-like value.
        let common = given.iter().filter(|c| CN_GIVEN.contains(c)).count();
        match (given.len(), common) {
            (_, 0) => None,
            (1, 1) | (2, _) => Some(Strength::Shaped),
            _ => Some(Strength::Weak),
        }
    };
    try_split(2).or_else(|| try_split(1))
}

fn han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}
