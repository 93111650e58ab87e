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
