//! Due dates: the deadlines a rule states (`@due`), counted from the days the facts give.
//!
//! A rule's `@due` holds one or more entries separated by ` | `, each `anchor ; offset ; what ;
//! citation`:
//!
//! - anchor — the day the law counts from: `transfer` (the facts' `date`), `transaction` (the
//!   last day of the transaction, `dates.transaction_ended`, else `date`), `standard_contract`
//!   (`mechanisms.cn_standard_contract.since`, the day the contract takes effect),
//!   `security_assessment_expiry` (`mechanisms.cn_security_assessment.until`), `offer_rejected`
//!   and `violation_known` (`dates.*`);
//! - offset — `+N days`, `+N working_days`, `-N working_days`, `+N years`, or `next MM-DD` (the
//!   first such day after the anchor's calendar year: `next 03-01` is 1 March of the following
//!   year);
//! - what — the duty, in words; citation — where the deadline is written.
//!
//! When the facts do not give the anchor's day, the due date is stated relative to its event
//! ("within 14 days after the offer is rejected"). Working days are counted Monday to Friday:
//! the reference gives no calendar of PRC public holidays and adjusted working days, so such a
//! due date is marked `approximate` (a holiday moves a deadline after the anchor later, and the
//! opening of a window before it earlier).

use jiff::ToSpan as _;
use jiff::civil::{Date, Weekday};
use serde::Serialize;

use crate::facts::TransferFacts;

/// The day a deadline is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Transfer,
    Transaction,
    StandardContract,
    SecurityAssessmentExpiry,
    OfferRejected,
    ViolationKnown,
}

impl Anchor {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "transfer" => Self::Transfer,
            "transaction" => Self::Transaction,
            "standard_contract" => Self::StandardContract,
            "security_assessment_expiry" => Self::SecurityAssessmentExpiry,
            "offer_rejected" => Self::OfferRejected,
            "violation_known" => Self::ViolationKnown,
            _ => return None,
        })
    }

    /// The day and the facts field it comes from, or `None` when the facts do not give it.
    fn resolve(self, facts: &TransferFacts) -> Option<(Date, &'static str)> {
        let dates = facts.dates.unwrap_or_default();
        match self {
            Self::Transfer => Some((facts.date, "date")),
            Self::Transaction => Some(dates.transaction_ended.map_or(
                (facts.date, "date, as dates.transaction_ended is not given"),
                |d| (d, "dates.transaction_ended"),
            )),
            Self::StandardContract => facts
                .mechanisms
                .cn_standard_contract
                .map(|s| (s.since, "mechanisms.cn_standard_contract.since")),
            Self::SecurityAssessmentExpiry => facts
                .mechanisms
                .cn_security_assessment
                .map(|p| (p.until, "mechanisms.cn_security_assessment.until")),
            Self::OfferRejected => dates.offer_rejected.map(|d| (d, "dates.offer_rejected")),
            Self::ViolationKnown => dates.violation_known.map(|d| (d, "dates.violation_known")),
        }
    }

    /// The event, in words, for a due date stated relative to it.
    const fn event(self) -> &'static str {
        match self {
            Self::Transfer => "the transfer",
            Self::Transaction => "the transaction ends",
            Self::StandardContract => "the standard contract takes effect",
            Self::SecurityAssessmentExpiry => "the security assessment result expires",
            Self::OfferRejected => "the offer is rejected",
            Self::ViolationKnown => "the U.S. person becomes aware of the violation",
        }
    }
}

/// How far from the anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Offset {
    Days(i32),
    WorkingDays(i32),
    Years(i16),
    Next { month: i8, day: i8 },
}

impl Offset {
    fn parse(text: &str) -> Option<Self> {
        if let Some(rest) = text.strip_prefix("next ") {
            let (month, day) = rest.split_once('-')?;
            let (month, day) = (month.parse().ok()?, day.parse().ok()?);
            Date::new(2024, month, day).ok()?;
            return Some(Self::Next { month, day });
        }
        let (number, unit) = text.split_once(' ')?;
        let n: i32 = number.strip_prefix('+').unwrap_or(number).parse().ok()?;
        match unit {
            "days" => Some(Self::Days(n)),
            "working_days" => Some(Self::WorkingDays(n)),
            "years" => Some(Self::Years(i16::try_from(n).ok()?)),
            _ => None,
        }
    }

    /// The day `self` away from `from`, and whether it is approximate.
    fn apply(self, from: Date) -> Option<(Date, bool)> {
        match self {
            Self::Days(n) => from.checked_add(n.days()).ok().map(|d| (d, false)),
            Self::Years(n) => from.checked_add(n.years()).ok().map(|d| (d, false)),
            Self::Next { month, day } => Date::new(from.year().checked_add(1)?, month, day)
                .ok()
                .map(|d| (d, false)),
            Self::WorkingDays(n) => {
                let step = if n < 0 { -1 } else { 1 };
                let mut day = from;
                let mut left = n.unsigned_abs();
                while left > 0 {
                    day = day.checked_add(step.days()).ok()?;
                    if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                        left -= 1;
                    }
                }
                Some((day, true))
            }
        }
    }

    fn words(self, event: &str) -> String {
        match self {
            Self::Days(0) => format!("on the day {event}"),
            Self::Days(n) if n > 0 => format!("within {n} days after {event}"),
            Self::Days(n) => format!("{} days before {event}", n.unsigned_abs()),
            Self::WorkingDays(n) if n >= 0 => format!("within {n} working days after {event}"),
            Self::WorkingDays(n) => format!("{} working days before {event}", n.unsigned_abs()),
            Self::Years(n) => format!("{n} years after {event}"),
            Self::Next { month, day } => {
                format!("by {day} {} of the year after {event}", month_name(month))
            }
        }
    }
}

fn month_name(month: i8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    usize::try_from(month - 1)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("?")
}

/// One `@due` entry of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DueSpec {
    anchor: Anchor,
    offset: Offset,
    what: String,
    citation: String,
}

impl DueSpec {
    /// Parses the entries of one `@due` annotation; the error says what is wrong.
    pub(crate) fn parse_all(text: &str) -> Result<Vec<Self>, String> {
        text.split('|')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|entry| {
                let fields: Vec<&str> = entry.split(';').map(str::trim).collect();
                let [anchor, offset, what, citation] = fields.as_slice() else {
                    return Err(format!(
                        "`{entry}` has {} field(s), not 4 (anchor ; offset ; what ; citation)",
                        fields.len()
                    ));
                };
                let anchor = Anchor::parse(anchor).ok_or_else(|| {
                    format!("unknown anchor `{anchor}` (transfer, transaction, standard_contract, security_assessment_expiry, offer_rejected, violation_known)")
                })?;
                let offset = Offset::parse(offset).ok_or_else(|| {
                    format!("unknown offset `{offset}` (+N days, ±N working_days, +N years, next MM-DD)")
                })?;
                if what.is_empty() || citation.is_empty() {
                    return Err(format!("`{entry}` needs both what is due and its citation"));
                }
                Ok(Self {
                    anchor,
                    offset,
                    what: (*what).to_owned(),
                    citation: (*citation).to_owned(),
                })
            })
            .collect()
    }

    /// The due date these facts give.
    pub(crate) fn resolve(&self, rule: &str, facts: &TransferFacts) -> DueDate {
        let event = self.anchor.event();
        let (due, approximate, counted) = match self.anchor.resolve(facts) {
            Some((from, field)) => match self.offset.apply(from) {
                Some((day, approximate)) => (
                    Some(day),
                    approximate,
                    format!("{} ({field} = {from})", self.offset.words(event)),
                ),
                None => (None, false, self.offset.words(event)),
            },
            None => (None, false, self.offset.words(event)),
        };
        DueDate {
            what: self.what.clone(),
            due,
            counted,
            approximate,
            citation: self.citation.clone(),
            rule: rule.to_owned(),
        }
    }
}

/// A deadline that follows from a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueDate {
    /// What is due.
    pub what: String,
    /// The day, when the facts give the day the law counts from; absent otherwise (then
    /// `counted` says from which event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// How the day is counted, naming the facts field it is counted from.
    pub counted: String,
    /// Working days counted Monday to Friday, without PRC public holidays (not in the
    /// reference): the true day may differ by the holidays in between.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    /// Where the deadline is written.
    pub citation: String,
    /// The rule that states it.
    pub rule: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn working_days_skip_weekends_both_ways() {
        // Friday 2026-05-01 + 10 working days = Friday 2026-05-15.
        let offset = Offset::parse("+10 working_days").unwrap();
        assert_eq!(
            offset.apply(day("2026-05-01")),
            Some((day("2026-05-15"), true))
        );
        // Monday 2029-06-04 - 60 working days = Monday 2029-03-12.
        let back = Offset::parse("-60 working_days").unwrap();
        assert_eq!(
            back.apply(day("2029-06-04")),
            Some((day("2029-03-12"), true))
        );
    }

    #[test]
    fn years_and_next_day_of_year() {
        let ten = Offset::parse("+10 years").unwrap();
        assert_eq!(
            ten.apply(day("2026-06-01")),
            Some((day("2036-06-01"), false))
        );
        let march = Offset::parse("next 03-01").unwrap();
        assert_eq!(
            march.apply(day("2026-12-31")),
            Some((day("2027-03-01"), false))
        );
        assert_eq!(
            march.apply(day("2026-01-01")),
            Some((day("2027-03-01"), false))
        );
    }

    #[test]
    fn bad_entries_say_what_is_wrong() {
        let e = DueSpec::parse_all("transfer ; +10 years ; keep records").unwrap_err();
        assert!(e.contains("3 field(s), not 4"), "{e}");
        let e = DueSpec::parse_all("signing ; +1 days ; x ; y").unwrap_err();
        assert!(e.contains("unknown anchor `signing`"), "{e}");
        let e = DueSpec::parse_all("transfer ; +1 weeks ; x ; y").unwrap_err();
        assert!(e.contains("unknown offset `+1 weeks`"), "{e}");
        let e = DueSpec::parse_all("transfer ; next 02-30 ; x ; y").unwrap_err();
        assert!(e.contains("unknown offset"), "{e}");
    }
}
