//! What every Cedar rule pack — the data packs here, the chips pack in `freeport-chips` — reads
//! from a rule's annotations the same way: lists separated by ` | `, obligations with their
//! Chinese wording one for one (the Chinese report shows them), and the days a rule is in
//! force. Each pack keeps its own error type: `fail(message, help)` makes one pointing at the
//! rule.

use std::str::FromStr as _;

use jiff::civil::Date;

/// A ` | `-separated annotation value as its items, trimmed, empty ones dropped.
#[must_use]
pub fn list(value: &str) -> Vec<String> {
    value
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A rule's `@obligations` and `@obligations_zh` (absent reads as none), checked to pair up one
/// for one.
///
/// # Errors
///
/// `fail`'s error when the two lists differ in length.
pub fn obligations<E>(
    id: &str,
    obligations: &str,
    obligations_zh: Option<&str>,
    fail: impl Fn(String, &str) -> E,
) -> Result<(Vec<String>, Vec<String>), E> {
    let en = list(obligations);
    let zh = obligations_zh.map(list).unwrap_or_default();
    if en.len() != zh.len() {
        return Err(fail(
            format!(
                "rule `{id}` has {} obligation(s) in `@obligations` but {} in `@obligations_zh`",
                en.len(),
                zh.len()
            ),
            "give each obligation its Chinese wording in `@obligations_zh`, in the same order, separated by ` | `",
        ));
    }
    Ok((en, zh))
}

/// A rule's first and (if it has one) last day in force, from `@effective_from` and
/// `@effective_to`.
///
/// # Errors
///
/// `fail`'s error when a day is not `YYYY-MM-DD` or the rule ends before it starts.
pub fn in_force<E>(
    id: &str,
    effective_from: &str,
    effective_to: Option<&str>,
    fail: impl Fn(String, &str) -> E,
) -> Result<(Date, Option<Date>), E> {
    let date = |key: &str, value: &str| {
        Date::from_str(value).map_err(|_| {
            fail(
                format!("`@{key}(\"{value}\")` of rule `{id}` is not a date"),
                "write dates as YYYY-MM-DD",
            )
        })
    };
    let from = date("effective_from", effective_from)?;
    let to = effective_to
        .map(|value| date("effective_to", value))
        .transpose()?;
    if to.is_some_and(|to| to < from) {
        return Err(fail(
            format!("rule `{id}` ends before it starts"),
            "`@effective_to` is the last day in force",
        ));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(message: String, help: &str) -> String {
        format!("{message} ({help})")
    }

    #[test]
    fn lists_are_trimmed_and_empty_items_dropped() {
        assert_eq!(list(" a | b ||c |"), ["a", "b", "c"]);
        assert!(list("").is_empty());
    }

    #[test]
    fn obligations_pair_up_with_their_chinese_wording() {
        assert_eq!(
            obligations("r", "file | keep", Some("备案 | 保存"), fail),
            Ok((
                vec!["file".into(), "keep".into()],
                vec!["备案".into(), "保存".into()]
            ))
        );
        let error = obligations("r", "file | keep", Some("备案"), fail).unwrap_err();
        assert!(
            error.contains("2 obligation(s)") && error.contains("but 1"),
            "{error}"
        );
        assert_eq!(
            obligations("r", "", None, fail),
            Ok((Vec::new(), Vec::new()))
        );
    }

    #[test]
    fn a_rule_is_in_force_from_a_day_to_a_later_one() {
        let day = |t: &str| t.parse::<Date>().unwrap();
        assert_eq!(
            in_force("r", "2025-01-01", Some("2026-12-31"), fail),
            Ok((day("2025-01-01"), Some(day("2026-12-31"))))
        );
        assert!(
            in_force("r", "2025-13-01", None, fail)
                .unwrap_err()
                .contains("not a date")
        );
        let backwards = in_force("r", "2026-01-02", Some("2026-01-01"), fail).unwrap_err();
        assert!(backwards.contains("ends before it starts"), "{backwards}");
    }
}
