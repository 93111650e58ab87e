//! `person.name`: personal name.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::lists::{CN_GIVEN, CN_SURNAMES, EN_FIRST, EN_LAST};

/// The `person.name` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "person.name",
    checks: &[
        Check {
            name: "cn.name",
            check: cn_name,
            in_text: false,
        },
        Check {
            name: "us.name",
            check: us_name,
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
pub fn cn_name(cell: &Cell<'_>) -> Option<Strength> {
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

/// **What**: Western person name: `First Last`, `First M. Last`, `Last, First`, with optional
/// honorific (`Dr.`) and suffix (`Jr.`, `MD`), or a single capitalised given name or surname;
/// matched against US first-name and surname frequency lists.
///
/// **Why**: names are PI and HIPAA identifier (A).
///
/// **How**: every token capitalised and alphabetic; organisation words (`Inc`, `LLC`, `and`)
/// reject. A listed first name or surname in a multi-token name, or an honorific, is `Shaped`;
/// a name-shaped phrase with no listed token, or a single listed token, is `Weak` (the header
/// or the column's rate decides).
///
/// **Example**: `Mary Smith`, `Smith, John`, `Dr. Patricia Nash MD` match; `Blue Widget Inc`,
/// `mary smith` do not.
#[must_use]
pub fn us_name(cell: &Cell<'_>) -> Option<Strength> {
    if cell.len < 2 || cell.len > 48 || cell.digits > 0 || !cell.ascii() || cell.spaces > 5 {
        return None;
    }
    let (first_part, last_part) = match cell.s.split_once(", ") {
        Some((l, f)) if !f.contains(' ') || f.split(' ').count() <= 2 => (f, l),
        _ => (cell.s, ""),
    };
    let mut tokens: [&str; 8] = [""; 8];
    let mut n = 0;
    for t in first_part
        .split(' ')
        .chain(last_part.split(' '))
        .filter(|t| !t.is_empty())
    {
        *tokens.get_mut(n)? = t;
        n += 1;
    }
    let tokens = tokens.get(..n)?;
    let mut titled = false;
    let mut known = false;
    let mut core = 0;
    for t in tokens {
        let bare = t.trim_end_matches(['.', ',']);
        if bare.is_empty() {
            return None;
        }
        if TITLES.iter().any(|w| bare.eq_ignore_ascii_case(w)) {
            titled = true;
            continue;
        }
        if ORG_WORDS.iter().any(|w| bare.eq_ignore_ascii_case(w)) {
            return None;
        }
        if SUFFIXES.iter().any(|w| bare.eq_ignore_ascii_case(w)) {
            continue;
        }
        let cap = bare.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
            && bare
                .bytes()
                .all(|b| b.is_ascii_alphabetic() || b == b'\'' || b == b'-');
        if !cap {
            return None;
        }
        core += 1;
        known |= in_list(bare, &EN_FIRST) || in_list(bare, &EN_LAST);
    }
    match core {
        0 => None,
        1 if known => Some(Strength::Weak),
        1 => None,
        2..=4 if known || titled => Some(Strength::Shaped),
        2..=4 => Some(Strength::Weak),
        _ => None,
    }
}

/// Looks `word` up lower-cased in `set` without allocating.
fn in_list(word: &str, set: &std::collections::HashSet<&'static str>) -> bool {
    let mut buf = [0u8; 24];
    let Some(l) = buf.get_mut(..word.len()) else {
        return false;
    };
    l.copy_from_slice(word.as_bytes());
    l.make_ascii_lowercase();
    std::str::from_utf8(l).is_ok_and(|s| set.contains(s))
}

/// Honorifics and suffixes that may surround a name.
const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "dr", "prof", "mx", "sir"];

const SUFFIXES: &[&str] = &[
    "jr", "sr", "ii", "iii", "iv", "md", "phd", "dds", "dvm", "esq", "rn", "cpa",
];

/// Words that make a capitalised phrase an organisation rather than a person.
const ORG_WORDS: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "plc",
    "group",
    "corp",
    "co",
    "company",
    "and",
    "sons",
    "partners",
    "associates",
    "bank",
    "university",
    "hospital",
    "services",
    "solutions",
    "of",
    "the",
];
