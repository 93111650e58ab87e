//! Identifiers embedded in free text, with CJK-safe boundaries.
//!
//! Unicode `\b` treats Han characters as word characters, so `\b\d{17}[\dX]\b` never matches in
//! `身份证号11010519491231002X` (identifiers.md §8). Instead, candidates are maximal runs of ASCII
//! identifier characters — a Han character ends a run just as a space does — plus a few
//! multi-part shapes (spaced phone and card numbers, `1990年1月2日`, plates that start with a
//! province character). Each candidate is then validated by the same detectors as cells; only
//! `Shaped` and `Validated` matches count in text.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use crate::detector::{Cell, DETECTORS, Strength};

/// ASCII runs, spaced number groups, CJK dates and plates, in one pass.
static CANDIDATES: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        // Spaced or bracketed phone/card numbers: `+86 138 1234 5678`, `(212) 555-0100`,
        // `6222 0212 3456 7890`.
        r"(?:\+[0-9]{1,3} ?)?\(?[0-9]{2,4}\)?(?:[ -][0-9]{2,4}){2,4}",
        // Plates: province character + letter + 5–6 alphanumerics, optional separator.
        r"|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·\- ]?[A-Z0-9]{5,6}",
        // Runs of identifier characters (e-mail, URLs, IDs, IBAN without spaces).
        r"|[A-Za-z0-9+][A-Za-z0-9@._%+\-:/#?=&]*[A-Za-z0-9]",
    ))
    .ok()
});

/// Calls `each(detector index, byte range)` for every identifier found in `text`.
pub fn scan(text: &str, mut each: impl FnMut(usize, Range<usize>)) {
    let Some(re) = CANDIDATES.as_ref() else {
        return;
    };
    let bytes = text.as_bytes();
    for m in re.find_iter(text) {
        let (start, mut end) = (m.start(), m.end());
        // A candidate glued to more ASCII alphanumerics is part of something longer.
        let before = start.checked_sub(1).and_then(|i| bytes.get(i));
        if before.is_some_and(u8::is_ascii_alphanumeric) {
            continue;
        }
        // Trailing sentence punctuation is not part of the token.
        let mut tok = m.as_str();
        while let Some(t) = tok.strip_suffix(['.', ':', '/', '-', '?', '#', '&', '=']) {
            tok = t;
            end -= 1;
        }
        let cell = Cell::new(tok);
        for (i, d) in DETECTORS.iter().enumerate() {
            if !d.in_text {
                continue;
            }
            if (d.check)(&cell).is_some_and(|s| s >= Strength::Shaped) {
                each(i, start..end);
            }
        }
    }
}

/// Categories that dictionary terms and age phrases reveal inside text, in a fixed order
/// (profilers keep one count per entry).
pub const TERM_CATEGORIES: [&str; 7] = [
    "health.diagnosis",
    "health.medication",
    "person.religion",
    "person.sexual_orientation",
    "person.criminal_record",
    "person.political_affiliation",
    "person.minor",
];

/// An automaton over the dictionary's terms, and per term its category index and whether it is
/// Latin.
type Terms = (AhoCorasick, Vec<(usize, bool)>);

/// The dictionary of `data/text_terms.tsv`: one automaton over every term, and per term its
/// category's index in [`TERM_CATEGORIES`] and whether it is Latin (matched as a whole word).
static TERMS: LazyLock<Option<Terms>> = LazyLock::new(|| {
    let mut words = Vec::new();
    let mut meta = Vec::new();
    for line in include_str!("../data/text_terms.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(category), Some(terms)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some(index) = TERM_CATEGORIES.iter().position(|c| *c == category) else {
            continue;
        };
        for term in terms.split('|').map(str::trim).filter(|t| !t.is_empty()) {
            words.push(term);
            meta.push((index, term.is_ascii()));
        }
    }
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(words)
        .ok()
        .map(|ac| (ac, meta))
});

/// A child's age written out: `3岁`, `12周岁`, `9-year-old`, `7 years old`, `aged 5`.
static AGES: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[0-9]{1,2} ?(?:周岁|岁)",
        r"|[0-9]{1,2}[ -](?:year|yr)s?[ -]old",
        r"|(?i:aged?) [0-9]{1,2}",
    ))
    .ok()
});

/// Below this age a person is a minor whose information is sensitive (PIPL Art. 28: 不满十四周岁).
const MINOR_AGE: u32 = 14;

/// Calls `each(index into TERM_CATEGORIES, byte range)` for every dictionary term (a disease,
/// a medicine, a religion, …) and every age under 14 written in `text`. Chinese terms match
/// anywhere; Latin terms only as whole words (`HIV`, not `HIVE`); an age only when no digit
/// touches it (`2013岁` is no age).
pub fn scan_terms(text: &str, mut each: impl FnMut(usize, Range<usize>)) {
    let bytes = text.as_bytes();
    let alnum_at = |i: Option<usize>| {
        i.and_then(|i| bytes.get(i))
            .is_some_and(u8::is_ascii_alphanumeric)
    };
    if let Some((ac, meta)) = TERMS.as_ref() {
        for m in ac.find_iter(text) {
            let Some(&(category, latin)) = meta.get(m.pattern().as_usize()) else {
                continue;
            };
            if latin && (alnum_at(m.start().checked_sub(1)) || alnum_at(Some(m.end()))) {
                continue;
            }
            each(category, m.start()..m.end());
        }
    }
    let minor = TERM_CATEGORIES.len() - 1;
    if let Some(re) = AGES.as_ref() {
        for m in re.find_iter(text) {
            if alnum_at(m.start().checked_sub(1)) {
                continue;
            }
            let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            let after_digit = bytes.get(m.end()).is_some_and(u8::is_ascii_digit);
            if !after_digit && digits.parse::<u32>().is_ok_and(|age| age < MINOR_AGE) {
                each(minor, m.start()..m.end());
            }
        }
    }
}

/// Categories that a note can reveal about the person it is about, in a fixed order: those of
/// the identifiers validated inside text, then [`TERM_CATEGORIES`]. Dates (event dates, not
/// birth dates), URLs and organisation codes are left out: in a note they say nothing about the
/// person. Bit `i` of [`text_categories`] stands for entry `i`.
pub static TEXT_CATEGORIES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut out: Vec<&'static str> = Vec::new();
    for d in DETECTORS.iter().filter(|d| d.in_text) {
        if !matches!(
            d.category,
            "person.birth_date" | "online.url" | "org.cn.uscc"
        ) && !out.contains(&d.category)
        {
            out.push(d.category);
        }
    }
    for c in TERM_CATEGORIES {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
});

/// The categories found inside `text`, as a bit set over [`TEXT_CATEGORIES`]: validated
/// identifiers (phone and ID numbers, SSNs, cards) and dictionary terms (diseases, medicines,
/// religions, children's ages).
#[must_use]
pub fn text_categories(text: &str) -> u64 {
    let mut found = 0u64;
    let mut set = |category: &str| {
        if let Some(i) = TEXT_CATEGORIES.iter().position(|c| *c == category) {
            found |= 1 << i;
        }
    };
    scan(text, |i, _| {
        if let Some(d) = DETECTORS.get(i) {
            set(d.category);
        }
    });
    scan_terms(text, |i, _| {
        if let Some(c) = TERM_CATEGORIES.get(i) {
            set(c);
        }
    });
    found
}

/// The [`TERM_CATEGORIES`] index of the dictionary term a short cell is, if the whole cell is
/// one term, or a term with a qualifier (`Type 2 diabetes`, `乙肝携带`): at most 40 bytes,
/// the term at least a third of it.
#[must_use]
pub fn term_cell(cell: &str) -> Option<usize> {
    if cell.len() > 40 || cell.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    scan_terms(cell, |i, range| {
        if best.is_none_or(|(_, len)| range.len() > len) {
            best = Some((i, range.len()));
        }
    });
    let (index, len) = best?;
    (len * 3 >= cell.len() && TERM_CATEGORIES.get(index) != Some(&"person.minor")).then_some(index)
}

/// Whether a value reads as prose rather than a field: long, several words or many Han
/// characters, sentence punctuation.
#[must_use]
pub fn looks_like_prose(cell: &Cell<'_>) -> bool {
    if cell.chars < 16 {
        return false;
    }
    let words = cell.spaces >= 3 && cell.alpha >= 10;
    let han_sentence = cell.han >= 8
        && cell
            .s
            .contains(['，', '。', '！', '？', '、', '；', '：', ',', ' ']);
    words || han_sentence
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        scan(text, |i, r| {
            v.push((DETECTORS[i].name, text[r].to_string()));
        });
        v
    }

    #[test]
    fn cjk_boundaries() {
        let f = found("客户身份证号11010519491231002X，手机13812345678，请核实。");
        assert!(
            f.contains(&("cn.resident_id", "11010519491231002X".into())),
            "{f:?}"
        );
        assert!(f.contains(&("cn.mobile", "13812345678".into())), "{f:?}");
    }

    #[test]
    fn english_text() {
        let f = found("Call me at (212) 555-0100 or mail jane.doe@example.com. SSN 219-09-9998.");
        assert!(f.iter().any(|(d, _)| *d == "us.phone"), "{f:?}");
        assert!(
            f.contains(&("email", "jane.doe@example.com".into())),
            "{f:?}"
        );
        assert!(f.contains(&("us.ssn", "219-09-9998".into())), "{f:?}");
    }

    #[test]
    fn spaced_and_plates() {
        let f = found("电话 +86 138 1234 5678，车牌粤B·D12345。");
        assert!(f.iter().any(|(d, _)| *d == "cn.mobile"), "{f:?}");
        assert!(f.iter().any(|(d, _)| *d == "cn.plate"), "{f:?}");
    }

    fn terms(text: &str) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        scan_terms(text, |i, r| {
            v.push((TERM_CATEGORIES[i], text[r].to_string()))
        });
        v
    }

    #[test]
    fn dictionary_terms_and_ages_in_text() {
        let f = terms("患者HIV阳性，有高血压，服用二甲双胍；信佛，孩子3岁。");
        for (category, term) in [
            ("health.diagnosis", "HIV阳性"),
            ("health.diagnosis", "高血压"),
            ("health.medication", "二甲双胍"),
            ("person.religion", "信佛"),
            ("person.minor", "3岁"),
        ] {
            assert!(f.contains(&(category, term.to_owned())), "{term}: {f:?}");
        }
        let f = terms("Pt is HIV positive, on tenofovir. Her 9-year-old son is Catholic.");
        assert!(
            f.contains(&("health.diagnosis", "HIV positive".into())),
            "{f:?}"
        );
        assert!(
            f.contains(&("health.medication", "tenofovir".into())),
            "{f:?}"
        );
        assert!(f.contains(&("person.minor", "9-year-old".into())), "{f:?}");
        assert!(f.contains(&("person.religion", "Catholic".into())), "{f:?}");
        // Whole words only for Latin terms; adult ages and years are no minors.
        assert!(terms("The HIVE and a Christiania trip; aged 45, 2013岁末").is_empty());
    }

    #[test]
    fn categories_of_a_note() {
        assert!(TEXT_CATEGORIES.len() <= 64);
        let found = text_categories("客户张三，手机13812345678，乙肝携带，2024-05-01来电。");
        let names: Vec<&str> = TEXT_CATEGORIES
            .iter()
            .enumerate()
            .filter(|(i, _)| found >> i & 1 == 1)
            .map(|(_, c)| *c)
            .collect();
        assert_eq!(names, ["contact.phone", "health.diagnosis"]);
        assert_eq!(text_categories("订单已发货"), 0);
    }

    #[test]
    fn no_hits_in_plain_text() {
        assert!(
            found("订单已发货，预计3天内送达。Order shipped in 3 days, total 129.50").is_empty()
        );
        // A longer digit run is not an embedded phone number.
        assert!(
            found("编号1381234567890123")
                .iter()
                .all(|(d, _)| *d != "cn.mobile")
        );
    }
}
