//! A project's own detection rules (issue 16 item 5, the way Presidio's ad-hoc recognisers and
//! Google DLP's custom infoTypes and exclusion rules work): custom detectors — a linear-time
//! regular expression and/or a list of values that always are the category (a deny-list), an
//! optional built-in validator the value must also pass, header words in any language — and an
//! allow-list of values that are never classified (placeholders, test fixtures).
//!
//! The rules are checked and compiled by the caller (the scanner reads them from a project
//! file with spans into it); here they only run. A column profiler given [`Rules`]
//! ([`crate::ColumnProfiler::with_rules`]) matches them on the same sample as the built-in
//! detectors and reports each as evidence (`custom`, `header`, `allowed`), never silently.

use std::collections::HashSet;

use regex::{Regex, RegexBuilder};

/// The most bytes a custom pattern may compile to (and its lazy DFA may use): 1 MiB.
pub const PATTERN_SIZE_LIMIT: usize = 1 << 20;

use crate::detector::{Cell, DETECTORS};
use crate::header::{normalise, word_in_header};

/// A project's custom detectors and allow-list.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    detectors: Vec<CustomDetector>,
    allow: HashSet<String>,
}

impl Rules {
    /// Rules with these detectors and allow-listed values (compared after trimming).
    #[must_use]
    pub fn new(detectors: Vec<CustomDetector>, allow: impl IntoIterator<Item = String>) -> Self {
        Self {
            detectors,
            allow: value_set(allow),
        }
    }

    /// The custom detectors, in file order.
    #[must_use]
    pub fn detectors(&self) -> &[CustomDetector] {
        &self.detectors
    }

    /// Whether `value` (trimmed) is on the allow-list.
    #[must_use]
    pub fn allows(&self, value: &str) -> bool {
        !self.allow.is_empty() && self.allow.contains(value)
    }

    /// Whether there is nothing to do.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.detectors.is_empty() && self.allow.is_empty()
    }
}

/// Listed values as cells are compared: trimmed, blanks dropped.
fn value_set(values: impl IntoIterator<Item = String>) -> HashSet<String> {
    values
        .into_iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// One custom detector.
#[derive(Debug, Clone)]
pub struct CustomDetector {
    name: String,
    category: String,
    pattern: Option<Regex>,
    values: HashSet<String>,
    validator: Option<usize>,
    words: Vec<(String, String)>,
}

impl CustomDetector {
    /// A detector named `name` for the vocabulary category `category`. A value matches when it
    /// is one of `values` or `pattern` matches the whole of it, and then passes the built-in
    /// validator `validator` (an index into [`DETECTORS`]) if one is given. `words` are header
    /// words (any language) that name the category.
    ///
    /// The pattern runs on the `regex` crate's engines, whose matching time is linear in the
    /// input (no backtracking), compiled within [`PATTERN_SIZE_LIMIT`] bytes.
    ///
    /// # Errors
    ///
    /// The pattern is not a regular expression of the `regex` crate's syntax, or compiles
    /// beyond the size limit.
    pub fn new(
        name: String,
        category: String,
        pattern: Option<&str>,
        values: impl IntoIterator<Item = String>,
        validator: Option<usize>,
        words: &[String],
    ) -> Result<Self, regex::Error> {
        let pattern = match pattern {
            None => None,
            Some(p) => {
                let build = |p: &str| {
                    RegexBuilder::new(p)
                        .size_limit(PATTERN_SIZE_LIMIT)
                        .dfa_size_limit(PATTERN_SIZE_LIMIT)
                        .build()
                };
                // On its own first, so `a)|(b` cannot escape the anchors added below.
                build(p)?;
                Some(build(&format!("^(?:{p})$"))?)
            }
        };
        Ok(Self {
            name,
            category,
            pattern,
            values: value_set(values),
            validator,
            words: words
                .iter()
                .map(|w| (w.clone(), normalise(w).0))
                .filter(|(_, n)| !n.is_empty())
                .collect(),
        })
    }

    /// Its name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The category it speaks for.
    #[must_use]
    pub fn category(&self) -> &str {
        &self.category
    }

    /// Whether it looks at values at all (a pattern or a value list); a detector of header
    /// words only does not.
    #[must_use]
    pub fn reads_values(&self) -> bool {
        self.pattern.is_some() || !self.values.is_empty()
    }

    /// Whether the (trimmed, non-empty) cell value matches.
    #[must_use]
    pub fn matches(&self, cell: &Cell<'_>) -> bool {
        let listed = self.values.contains(cell.s)
            || self.pattern.as_ref().is_some_and(|p| p.is_match(cell.s));
        listed
            && self
                .validator
                .and_then(|i| DETECTORS.get(i))
                .is_none_or(|v| (v.check)(cell).is_some())
    }

    /// The first of its header words that `header` holds, as the user wrote it.
    #[must_use]
    pub fn word_in(&self, header: &str) -> Option<&str> {
        let normalised = normalise(header);
        self.words
            .iter()
            .find(|(_, word)| word_in_header(&normalised, word))
            .map(|(written, _)| written.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(validator: Option<&str>) -> CustomDetector {
        CustomDetector::new(
            "member".into(),
            "id.internal".into(),
            Some("M[0-9]{6}"),
            ["VIP-1".to_owned()],
            validator.and_then(crate::detector::index_of),
            &["会员号".to_owned(), "member no".to_owned()],
        )
        .unwrap()
    }

    #[test]
    fn a_pattern_matches_whole_values_only() {
        let d = member(None);
        assert!(d.matches(&Cell::new("M123456")));
        assert!(!d.matches(&Cell::new("xM123456")));
        assert!(!d.matches(&Cell::new("M1234567")));
        assert!(d.matches(&Cell::new("VIP-1")), "a listed value");
    }

    #[test]
    fn a_validator_must_pass_too() {
        let d = CustomDetector::new(
            "card".into(),
            "fin.payment_card".into(),
            Some("[0-9]{16}"),
            [],
            crate::detector::index_of("payment_card"),
            &[],
        )
        .unwrap();
        assert!(d.matches(&Cell::new("4111111111111111")));
        assert!(!d.matches(&Cell::new("4111111111111112")), "fails Luhn");
    }

    #[test]
    fn header_words_match_in_any_language_and_spelling() {
        let d = member(None);
        assert_eq!(d.word_in("会员号码"), Some("会员号"));
        assert_eq!(d.word_in("MemberNo"), Some("member no"));
        assert_eq!(d.word_in("member_no_2"), Some("member no"));
        assert_eq!(d.word_in("remember"), None);
    }

    #[test]
    fn patterns_are_anchored_and_bounded() {
        let new =
            |p: &str| CustomDetector::new("x".into(), "id.internal".into(), Some(p), [], None, &[]);
        let d = new("a|b").unwrap();
        assert!(d.matches(&Cell::new("a")) && !d.matches(&Cell::new("ab")));
        assert!(new("a)|(b").is_err(), "cannot escape the anchors");
        assert!(new("(a").is_err());
        assert!(new("(?:a{1000}){1000}").is_err(), "over the size limit");
    }

    #[test]
    fn the_allow_list_is_trimmed() {
        let rules = Rules::new(vec![], [" N/A ".to_owned()]);
        assert!(rules.allows("N/A"));
        assert!(!rules.allows("n/a"));
    }
}
