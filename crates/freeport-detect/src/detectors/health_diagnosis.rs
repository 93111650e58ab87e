//! `health.diagnosis`: diagnosis or health condition.

use crate::detector::{Cell, Check, Deid, Detector, Key, Mask, Strength, w};
use crate::places::term_of;

/// The `health.diagnosis` detector.
pub(crate) const DETECTOR: Detector = Detector {
    category: "health.diagnosis",
    checks: &[
        Check {
            name: "icd10",
            check: icd10,
            in_text: false,
        },
        Check {
            name: "dict.disease",
            check: disease,
            in_text: false,
        },
    ],
    words: &[w("诊断", 0.95), w("diagnos", 0.95), w("icd10", 0.95)],
    tokens: &[w("icd", 0.9), w("dx", 0.7)],
    mask: Mask::Whole,
    strength: None,
    key: Key::Compact,
    deid: Deid::Sensitive,
};

/// **What**: ICD-10 (and ICD-10-CM) diagnosis code: letter (not U), two digits (or digit +
/// A/B), optional `.` and up to 4 more characters.
///
/// **Why**: a diagnosis is health data (PIPL sensitive PI; 28 CFR 202 personal health data).
///
/// **Example**: `E11.9`, `J45.909`, `C50.911` (`Shaped`), `I10`, `E119` (`Weak`); `U07` and
/// `E1` do not.
#[must_use]
pub fn icd10(cell: &Cell<'_>) -> Option<Strength> {
    let b = cell.s.as_bytes();
    if !(3..=8).contains(&b.len()) {
        return None;
    }
    let (l, d1, d2) = (*b.first()?, *b.get(1)?, *b.get(2)?);
    if !l.is_ascii_uppercase()
        || l == b'U'
        || !d1.is_ascii_digit()
        || !(d2.is_ascii_digit() || d2 == b'A' || d2 == b'B')
    {
        return None;
    }
    match b.get(3..) {
        Some([]) => Some(Strength::Weak),
        // ICD-10-CM exports often drop the dot (`E119`, `S72001A`).
        Some(rest)
            if (1..=4).contains(&rest.len())
                && rest
                    .iter()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
                && rest.first().is_some_and(u8::is_ascii_digit) =>
        {
            Some(Strength::Weak)
        }
        Some([b'.', rest @ ..])
            if (1..=4).contains(&rest.len())
                && rest
                    .iter()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()) =>
        {
            Some(Strength::Shaped)
        }
        _ => None,
    }
}

/// **What**: a disease or condition by name (`高血压`, `Type 2 diabetes`, `HIV positive`), from
/// the dictionary of `data/text_terms.tsv` (ICD-10 titles, GB/T 14396-2016 names).
///
/// **Why**: a diagnosis column written in words rather than ICD-10 codes is still health data.
#[must_use]
pub fn disease(cell: &Cell<'_>) -> Option<Strength> {
    term_of(cell, "health.diagnosis")
}
