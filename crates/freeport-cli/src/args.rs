//! Value parsers shared by several arguments: `--threads` and transfer ids (`--id`). They run at
//! the command-line boundary, so a bad value is a usage error (exit 2) naming the value before
//! anything runs.

use std::ffi::OsStr;
use std::fmt;
use std::str::FromStr;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;

/// The most bytes a transfer id may have.
pub const MAX_TRANSFER_ID_BYTES: usize = 128;

/// A transfer id as a person may give it (`freeport judge --record --id`, `freeport assess
/// --id`): 1 to [`MAX_TRANSFER_ID_BYTES`] bytes of letters and digits (any script), `.`, `_` and
/// `-`, starting with a letter or digit.
///
/// An id names files (`<id>.fdp`, the kept outputs of a failed run) and travels in log entries,
/// reports and manifests, so `.`, `..`, path separators, whitespace, control characters and
/// unbounded lengths are refused here, where they enter. Ids that freeport derives (the date and
/// a hash, a `-2` suffix for a repeat) always pass.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransferId(String);

impl TransferId {
    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TransferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<TransferId> for String {
    fn from(id: TransferId) -> Self {
        id.0
    }
}

impl FromStr for TransferId {
    type Err = InvalidTransferId;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| InvalidTransferId {
            shown: shown(text),
            reason,
        };
        let Some(first) = text.chars().next() else {
            return Err(invalid("it is empty".into()));
        };
        if text.len() > MAX_TRANSFER_ID_BYTES {
            return Err(invalid(format!(
                "it has {} bytes; at most {MAX_TRANSFER_ID_BYTES} are allowed",
                text.len()
            )));
        }
        if !first.is_alphanumeric() {
            return Err(invalid(format!(
                "it starts with {}; an id starts with a letter or digit",
                describe(first)
            )));
        }
        if let Some(bad) = text
            .chars()
            .find(|&c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(invalid(format!(
                "it holds {}; an id holds only letters, digits, `.`, `_` and `-`",
                describe(bad)
            )));
        }
        Ok(Self(text.to_owned()))
    }
}

/// Why a transfer id was refused; shows the id escaped and cut short, never raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTransferId {
    shown: String,
    reason: String,
}

impl InvalidTransferId {
    /// Why, without the id.
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for InvalidTransferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid transfer id {}: {}", self.shown, self.reason)
    }
}

impl std::error::Error for InvalidTransferId {}

/// The first 32 characters, escaped, in quotes; `…` when cut.
fn shown(text: &str) -> String {
    const SHOWN: usize = 32;
    let head: String = text.chars().take(SHOWN).collect();
    let more = if text.chars().nth(SHOWN).is_some() {
        "…"
    } else {
        ""
    };
    format!("\"{}{more}\"", head.escape_debug())
}

fn describe(c: char) -> String {
    match c {
        '/' | '\\' => format!("a path separator `{c}`"),
        c if c.is_whitespace() || c.is_control() => {
            format!("a whitespace or control character `{}`", c.escape_debug())
        }
        c => format!("`{c}`"),
    }
}

/// The clap value parser of `--id`: a [`TransferId`], kept as a `String`. The error names the
/// argument and the id (escaped, cut short) — clap's own message would print it raw.
#[derive(Debug, Clone, Copy)]
pub struct TransferIdParser;

impl TypedValueParser for TransferIdParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let name = arg.map_or_else(|| "--id".to_owned(), |a| format!("--{}", a.get_id()));
        let error = |message: String| {
            clap::Error::raw(ErrorKind::ValueValidation, format!("`{name}`: {message}\n"))
                .with_cmd(cmd)
        };
        let text = value.to_str().ok_or_else(|| {
            error(format!(
                "invalid transfer id {}: it is not UTF-8",
                shown(&value.to_string_lossy())
            ))
        })?;
        text.parse::<TransferId>()
            .map(String::from)
            .map_err(|e| error(e.to_string()))
    }
}

/// Parses `--threads N`: 0 means one per core; a number above the cores this process may use
/// is capped to them (more threads than cores only add switching, and thousands of them exhaust
/// the process's limits). Results never depend on the number.
///
/// # Errors
///
/// When `text` is not a non-negative integer.
pub fn threads(text: &str) -> Result<usize, String> {
    let asked: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a number of threads", text.escape_debug()))?;
    Ok(cap_threads(asked, available_cores()))
}

/// Parses a calendar day written `YYYY-MM-DD` (`--generated-on`): four digits, a month 01–12
/// and a day 01–31; whether the day exists in its month is checked where it is used.
///
/// # Errors
///
/// When `text` is not of that form.
pub fn calendar_day(text: &str) -> Result<String, String> {
    let bad = || {
        format!(
            "`{}` is not a day written YYYY-MM-DD (e.g. 2026-06-15)",
            text.escape_debug()
        )
    };
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(bad());
    }
    let month: u8 = m.parse().map_err(|_| bad())?;
    let day: u8 = d.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    Ok(text.to_owned())
}

/// The cores this process may use (1 when that cannot be read).
#[must_use]
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// `asked` threads on a machine with `cores`: 0 stays 0 (one per core), anything else at most
/// `cores`.
#[must_use]
pub const fn cap_threads(asked: usize, cores: usize) -> usize {
    if asked > cores { cores } else { asked }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_days_are_checked_for_their_form() {
        assert_eq!(calendar_day("2026-06-15").as_deref(), Ok("2026-06-15"));
        for bad in [
            "2026-6-15",
            "26-06-15",
            "2026-13-01",
            "2026-00-10",
            "2026-06-32",
            "today",
            "2026-06-15-1",
            "",
        ] {
            assert!(calendar_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn transfer_ids_freeport_makes_and_people_type_pass() {
        for id in [
            "2026-03-01-1a2b3c4d5e6f",
            "2026-03-01-1a2b3c4d5e6f-2",
            "book-1",
            "jan",
            "Q1_2026.orders",
            "订单-2026",
            &"a".repeat(MAX_TRANSFER_ID_BYTES),
        ] {
            assert_eq!(id.parse::<TransferId>().unwrap().as_str(), id);
        }
    }

    #[test]
    fn bad_transfer_ids_are_refused_with_the_reason() {
        let long = "a".repeat(100_000);
        let cases: &[(&str, &str)] = &[
            ("", "it is empty"),
            (".", "it starts with `.`"),
            ("..", "it starts with `.`"),
            (".hidden", "it starts with `.`"),
            ("-x", "it starts with `-`"),
            ("a\nb", "a whitespace or control character `\\n`"),
            ("a b", "a whitespace or control character ` `"),
            ("../etc", "it starts with `.`"),
            ("a/b", "a path separator `/`"),
            ("a\\b", "a path separator `\\`"),
            ("a:b", "`:`"),
            (&long, "it has 100000 bytes; at most 128 are allowed"),
            (&"a".repeat(MAX_TRANSFER_ID_BYTES + 1), "it has 129 bytes"),
        ];
        for (id, reason) in cases {
            let error = id.parse::<TransferId>().unwrap_err();
            assert!(error.reason().contains(reason), "{id:?}: {error}");
        }
    }

    #[test]
    fn a_refused_id_is_shown_escaped_and_cut_short() {
        let error = format!("a\n{}", "b".repeat(100_000))
            .parse::<TransferId>()
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("invalid transfer id \"a\\nbbb"),
            "{error}"
        );
        assert!(error.len() < 200, "{error}");
        assert!(!error.contains('\n'));
    }

    #[test]
    fn threads_are_capped_to_the_cores() {
        assert_eq!(cap_threads(0, 2), 0);
        assert_eq!(cap_threads(1, 2), 1);
        assert_eq!(cap_threads(2, 2), 2);
        assert_eq!(cap_threads(10_000, 2), 2);
        assert_eq!(threads("10000").unwrap(), available_cores());
        assert_eq!(threads("0").unwrap(), 0);
        assert!(threads("-1").unwrap_err().contains("`-1`"));
        assert!(threads("many").is_err());
    }
}
