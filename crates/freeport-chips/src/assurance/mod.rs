//! Verified end users and end-use monitoring (issue 19 items 3–5), as typed records and pure
//! rules over them: on-site verification reports ([`verification`]), whitelist listings with
//! their validity and re-evaluation schedule ([`whitelist`]), registered devices and their
//! periodic end-use attestations with a speed-of-light plausibility check ([`monitoring`]).
//!
//! Nothing here reads a file, a clock or a network: the port (`freeport-port`'s `chips`
//! module) stores the records, has both sides sign them, logs them and supplies "today".
//! Every check names the field and the value it refuses ([`RecordError`]).

pub mod monitoring;
pub mod verification;
pub mod whitelist;

use miette::Diagnostic;

/// A record that cannot be accepted: the field (a path such as `probes[1].rtt_ms`) and why,
/// with the value refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Diagnostic)]
#[error("`{field}`: {reason}")]
#[diagnostic(code(freeport::chips::record))]
pub struct RecordError {
    /// The field, as a path into the record.
    pub field: String,
    /// Why, naming the value.
    pub reason: String,
}

impl RecordError {
    /// A refusal of `field`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// The earliest date a record may carry: anything before is a typing error.
pub const EARLIEST_DATE: jiff::civil::Date = jiff::civil::date(2020, 1, 1);

/// Checks a date lies in `[EARLIEST_DATE, today]`.
pub(crate) fn check_past_date(
    field: &str,
    date: jiff::civil::Date,
    today: jiff::civil::Date,
) -> Result<(), RecordError> {
    if date < EARLIEST_DATE {
        return Err(RecordError::new(
            field,
            format!("{date} is before {EARLIEST_DATE}, the earliest date a record may carry"),
        ));
    }
    if date > today {
        return Err(RecordError::new(
            field,
            format!("{date} is in the future (today is {today})"),
        ));
    }
    Ok(())
}

/// Checks a piece of text is present, one line and at most `max` characters.
pub(crate) fn check_line(field: &str, text: &str, max: usize) -> Result<(), RecordError> {
    if text.trim().is_empty() {
        return Err(RecordError::new(field, "it is empty"));
    }
    if text.chars().count() > max {
        return Err(RecordError::new(
            field,
            format!("it is longer than {max} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(RecordError::new(field, "it holds a control character"));
    }
    Ok(())
}

/// Checks a SHA-256 is 64 lowercase hexadecimal digits.
pub(crate) fn check_sha256(field: &str, text: &str) -> Result<(), RecordError> {
    if text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(RecordError::new(
            field,
            format!(
                "`{}` is not a SHA-256 (64 lowercase hexadecimal digits)",
                shown(text)
            ),
        ))
    }
}

/// Checks an id (organisation, product class, device serial): 1–64 ASCII letters, digits, `.`,
/// `_`, `-`, `:` or `/`, starting with a letter or digit.
pub(crate) fn check_token(field: &str, text: &str) -> Result<(), RecordError> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':' | b'/'));
    if ok {
        Ok(())
    } else {
        Err(RecordError::new(
            field,
            format!(
                "`{}` is not an id: 1–64 ASCII letters, digits, `.`, `_`, `-`, `:` or `/`, \
                 starting with a letter or digit",
                shown(text)
            ),
        ))
    }
}

/// A value as an error shows it: at most 40 characters, then `…`.
pub(crate) fn shown(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}
