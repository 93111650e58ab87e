//! What a detector is ([`Detector`]: validators, header words, mask, key, identifier strength,
//! de-identification proposal) and the flat list of value validators the profiler tallies.
//!
//! A detector looks at one trimmed cell through its [`Cell`] summary (computed once per cell, so
//! detectors can reject on length and character classes before doing any real work) and says
//! whether the value is an instance of its identifier, and how strongly the match speaks for the
//! category on its own ([`Strength`]).

use crate::detectors::REGISTRY;

/// How much a single match says about a column without any header evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Shape only, shared with unrelated data (a 5-digit number as a ZIP code).
    Weak,
    /// A distinctive structure with rules (prefix tables, separators, alphabets), no check digit.
    Shaped,
    /// Passed the identifier's own check digit or checksum.
    Validated,
}

/// Longest compacted value kept in a [`Cell`] (an IBAN is at most 34 characters).
const PACKED: usize = 40;

/// Character-class summary of one trimmed cell, computed in one pass.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// The trimmed value.
    pub s: &'a str,
    /// Length in bytes.
    pub len: usize,
    /// Number of characters.
    pub chars: usize,
    /// ASCII digits.
    pub digits: usize,
    /// ASCII letters.
    pub alpha: usize,
    /// Han (CJK unified ideograph) characters.
    pub han: usize,
    /// Spaces (ASCII and full-width).
    pub spaces: usize,
    /// Any other non-ASCII character.
    pub other_non_ascii: usize,
    /// The value without separators, upper-cased (see [`crate::checks::compact`]), computed
    /// once so detectors do not each redo it.
    packed: [u8; PACKED],
    packed_len: Option<usize>,
}

impl<'a> Cell<'a> {
    /// Summarises `s` (already trimmed).
    #[must_use]
    pub fn new(s: &'a str) -> Self {
        let mut c = Cell {
            s,
            len: s.len(),
            chars: 0,
            digits: 0,
            alpha: 0,
            han: 0,
            spaces: 0,
            other_non_ascii: 0,
            packed: [0; PACKED],
            packed_len: None,
        };
        if s.is_ascii() {
            for &b in s.as_bytes() {
                match b {
                    b'0'..=b'9' => c.digits += 1,
                    b'a'..=b'z' | b'A'..=b'Z' => c.alpha += 1,
                    b' ' => c.spaces += 1,
                    _ => {}
                }
            }
            c.chars = s.len();
            if s.len() <= 2 * PACKED {
                let mut buf = [0u8; PACKED];
                if let Some(p) = crate::checks::compact(s, &mut buf) {
                    c.packed_len = Some(p.len());
                    c.packed = buf;
                }
            }
            return c;
        }
        for ch in s.chars() {
            c.chars += 1;
            match ch {
                '0'..='9' => c.digits += 1,
                'a'..='z' | 'A'..='Z' => c.alpha += 1,
                ' ' | '\u{3000}' => c.spaces += 1,
                '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' => c.han += 1,
                c2 if !c2.is_ascii() => c.other_non_ascii += 1,
                _ => {}
            }
        }
        c
    }

    /// Whether the value is pure ASCII.
    #[must_use]
    pub fn ascii(&self) -> bool {
        self.han == 0 && self.other_non_ascii == 0
    }

    /// The ASCII value without separators (space, `-`, `.`, `/`, `(`, `)`, `_`), upper-cased;
    /// `None` for non-ASCII values and values longer than 40 compacted characters.
    #[must_use]
    pub fn packed(&self) -> Option<&[u8]> {
        self.packed.get(..self.packed_len?)
    }

    /// [`Self::packed`] if it consists of ASCII digits only.
    #[must_use]
    pub fn packed_digits(&self) -> Option<&[u8]> {
        self.packed().filter(|p| p.iter().all(u8::is_ascii_digit))
    }
}

/// One value validator of a [`Detector`]: a check of one identifier's own rules.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Stable validator name, used in evidence (e.g. `cn.resident_id`).
    pub name: &'static str,
    /// The check; `None` when the cell is not an instance.
    pub check: fn(&Cell<'_>) -> Option<Strength>,
    /// Whether the check is precise enough to run on tokens inside free text.
    pub in_text: bool,
}

/// A header word of a [`Detector`] and how strongly it alone indicates the category.
#[derive(Debug, Clone, Copy)]
pub struct Word {
    /// The word, lower case (English, Chinese, pinyin abbreviations).
    pub word: &'static str,
    /// 0..1: how strongly the word alone indicates the category.
    pub weight: f64,
}

/// A [`Word`] (for the detector files' lists).
#[must_use]
pub const fn w(word: &'static str, weight: f64) -> Word {
    Word { word, weight }
}

/// How a masked example of a category shows a value (see [`crate::mask`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mask {
    /// The first `head` and last `tail` non-separator characters, separators kept.
    Keep {
        /// Characters shown at the start.
        head: usize,
        /// Characters shown at the end.
        tail: usize,
    },
    /// The first character of the local part and the domain (`z***@example.com`).
    Email,
    /// The first character of the first word (`王*`, `M*** *****`).
    Name,
    /// The year of a date (`1990-**-**`).
    Year,
    /// A third of the characters, at most eight (the province or street name).
    Address,
    /// The first two octets of an IPv4 address, four characters otherwise.
    Ip,
    /// Whole degrees of each coordinate (`39.******,116.******`).
    Degrees,
    /// A fixed `******`: any part of the value can reveal sensitive content.
    Whole,
}

/// How a value of a category is normalised into a subject key (see [`crate::subject_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Upper case without separators, a 15-digit legacy resident ID in its 18-digit form.
    ResidentId,
    /// The number with its country code (`+8613812345678`, `+12125550100`).
    Phone,
    /// Lower case.
    Lowercase,
    /// The digits only.
    Digits,
    /// The address in its canonical text form.
    Ip,
    /// The hexadecimal digits, lower case.
    Hex,
    /// The date as `YYYY-MM-DD`.
    Date,
    /// The words joined by one space (no space between Han characters), lower case.
    Words,
    /// Upper case without separators and the middle dot.
    Plate,
    /// Upper case without separators, the value itself when it does not compact.
    Compact,
}

/// What a drafted de-identification plan proposes for a column of a category (`freeport deid
/// plan`); a person reviews every proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deid {
    /// A direct identifier: deleted.
    Identifier,
    /// A quasi-identifier, generalised along a hierarchy.
    QuasiIdentifier(Hierarchy),
    /// A sensitive attribute (l-diversity).
    Sensitive,
    /// Anything else.
    Insensitive,
}

/// The generalisation hierarchy a [`Deid::QuasiIdentifier`] proposal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hierarchy {
    /// Numeric intervals of these widths, values from `top_code` up in one band.
    Interval {
        /// Interval widths, one per level.
        widths: &'static [u32],
        /// Values from this one up form one band.
        top_code: u32,
    },
    /// The built-in date hierarchy (month, year, decade).
    Date,
    /// US ZIP codes to three digits, by a population table the user supplies.
    UsZip3,
    /// A hierarchy file the user writes.
    File,
}

/// Everything the crate knows of one data category, in one file per category under
/// `src/detectors/`: its value validators, its header words (English, Chinese, pinyin), how
/// its values are masked and keyed, how strongly it identifies a person, and what a
/// de-identification plan proposes for it. Registered once, in [`crate::detectors`].
#[derive(Debug, Clone, Copy)]
pub struct Detector {
    /// The vocabulary category the detector speaks for.
    pub category: &'static str,
    /// Value validators, in evidence order; empty for categories only a header names.
    pub checks: &'static [Check],
    /// Header words matched anywhere in the normalised header (Han text, ASCII words of four
    /// letters or more).
    pub words: &'static [Word],
    /// Header words that must equal a whole token of the header (`xm`, `ssn`, `dob`).
    pub tokens: &'static [Word],
    /// How masked examples show a value.
    pub mask: Mask,
    /// How strongly a value identifies a person, `Some(1)` strongest (see
    /// [`crate::identifier_strength`]); `None` for values that do not single one out.
    pub strength: Option<u8>,
    /// How a value is normalised into a subject key.
    pub key: Key,
    /// What a de-identification plan proposes.
    pub deid: Deid,
}

/// A value validator with the category it speaks for: an entry of [`DETECTORS`].
#[derive(Debug, Clone, Copy)]
pub struct Validator {
    /// Stable validator name, used in evidence (e.g. `cn.resident_id`).
    pub name: &'static str,
    /// The vocabulary category a match speaks for.
    pub category: &'static str,
    /// The check; `None` when the cell is not an instance.
    pub check: fn(&Cell<'_>) -> Option<Strength>,
    /// Whether the validator is precise enough to run on tokens inside free text.
    pub in_text: bool,
}

/// Number of value validators (size of per-column tallies), counted from the registry.
#[expect(
    clippy::indexing_slicing,
    reason = "constant evaluation: an index out of bounds fails the build"
)]
pub const N_DETECTORS: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < REGISTRY.len() {
        n += REGISTRY[i].checks.len();
        i += 1;
    }
    n
};

/// Every value validator of every registered detector, detector by detector in registry
/// order (evidence and tie-breaking follow it); an index into it is a validator's index in
/// tallies and in [`crate::text::scan`].
pub static DETECTORS: &[Validator] = &VALIDATORS;

/// The array behind [`DETECTORS`], flattened from the registry when the crate is compiled.
#[expect(
    clippy::indexing_slicing,
    reason = "constant evaluation: an index out of bounds fails the build"
)]
static VALIDATORS: [Validator; N_DETECTORS] = {
    const fn never(_: &Cell<'_>) -> Option<Strength> {
        None
    }
    let mut out = [Validator {
        name: "",
        category: "",
        check: never,
        in_text: false,
    }; N_DETECTORS];
    let mut n = 0;
    let mut i = 0;
    while i < REGISTRY.len() {
        let d = &REGISTRY[i];
        let mut j = 0;
        while j < d.checks.len() {
            let c = &d.checks[j];
            out[n] = Validator {
                name: c.name,
                category: d.category,
                check: c.check,
                in_text: c.in_text,
            };
            n += 1;
            j += 1;
        }
        i += 1;
    }
    out
};

/// The detector of `category`, if one is registered.
#[must_use]
pub fn of_category(category: &str) -> Option<&'static Detector> {
    REGISTRY.iter().find(|d| d.category == category)
}

/// Index of a detector by name.
#[must_use]
pub fn index_of(name: &str) -> Option<usize> {
    DETECTORS.iter().position(|d| d.name == name)
}

/// Runs every detector on `value`, returning `(detector index, strength)` for each match.
pub fn detect_all(value: &str, mut each: impl FnMut(usize, Strength)) {
    let cell = Cell::new(value.trim());
    if cell.len == 0 {
        return;
    }
    for (i, d) in DETECTORS.iter().enumerate() {
        if let Some(st) = (d.check)(&cell) {
            each(i, st);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detector_names_are_unique() {
        let mut names: Vec<_> = DETECTORS.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), DETECTORS.len(), "detector names are unique");
    }

    #[test]
    fn categories_are_issue_2_ids() {
        for d in DETECTORS {
            assert!(
                crate::category::tests::vocabulary_ids().contains(&d.category),
                "{}",
                d.category
            );
        }
    }
}
