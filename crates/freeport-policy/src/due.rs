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
//! A rule with `@due` also carries `@due_zh`: the Chinese wording of each entry's `what`, one for
//! one, in the same order (`what | what`). Anchor, offset and citation are shared, so every due
//! date is stated in both languages from the one entry.
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

    /// The day and where the facts give it, or `None` when the facts do not give it.
    fn resolve(self, facts: &TransferFacts) -> Option<(Date, Source)> {
        let dates = facts.dates.unwrap_or_default();
        let field = |field, zh| Source::Field { field, zh };
        match self {
            Self::Transfer => Some((facts.date, field("date", "数据出境日期"))),
            Self::Transaction => Some(
                dates
                    .transaction_ended
                    .map_or((facts.date, Source::DateForTransactionEnded), |d| {
                        (d, field("dates.transaction_ended", "交易结束日期"))
                    }),
            ),
            Self::StandardContract => facts.mechanisms.cn_standard_contract.map(|s| {
                (
                    s.since,
                    field("mechanisms.cn_standard_contract.since", "标准合同生效日期"),
                )
            }),
            Self::SecurityAssessmentExpiry => facts.mechanisms.cn_security_assessment.map(|p| {
                (
                    p.until,
                    field(
                        "mechanisms.cn_security_assessment.until",
                        "安全评估结果有效期届满日期",
                    ),
                )
            }),
            Self::OfferRejected => dates
                .offer_rejected
                .map(|d| (d, field("dates.offer_rejected", "拒绝要约日期"))),
            Self::ViolationKnown => dates
                .violation_known
                .map(|d| (d, field("dates.violation_known", "知悉违规行为日期"))),
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

    /// The event, in Chinese.
    const fn event_zh(self) -> &'static str {
        match self {
            Self::Transfer => "数据出境",
            Self::Transaction => "交易结束",
            Self::StandardContract => "标准合同生效",
            Self::SecurityAssessmentExpiry => "安全评估结果有效期届满",
            Self::OfferRejected => "拒绝要约",
            Self::ViolationKnown => "美国人员知悉违规行为",
        }
    }
}

/// Where an anchor's day was read in the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// This facts field (English outputs name it as the facts file does), and what it holds in
    /// Chinese.
    Field {
        field: &'static str,
        zh: &'static str,
    },
    /// The transfer's `date`, as `dates.transaction_ended` is not given.
    DateForTransactionEnded,
}

impl Source {
    /// The day's source and the day, in `lang`.
    fn words(self, lang: Lang, day: Date) -> String {
        match (self, lang) {
            (Self::Field { field, .. }, Lang::En) => format!(" ({field} = {day})"),
            (Self::Field { zh, .. }, Lang::Zh) => format!("（{zh}：{day}）"),
            (Self::DateForTransactionEnded, Lang::En) => {
                format!(" (date = {day}, as dates.transaction_ended is not given)")
            }
            (Self::DateForTransactionEnded, Lang::Zh) => {
                format!("（未提供交易结束日期，按数据出境日期：{day}）")
            }
        }
    }
}

/// The language a due date is stated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    Zh,
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

    /// How the day is counted from the anchor's event, in `lang`.
    fn words(self, anchor: Anchor, lang: Lang) -> String {
        match lang {
            Lang::En => self.words_en(anchor.event()),
            Lang::Zh => self.words_zh(anchor.event_zh()),
        }
    }

    fn words_zh(self, event: &str) -> String {
        match self {
            Self::Days(0) => format!("{event}之日"),
            Self::Days(n) if n > 0 => format!("{event}之日起{n}日内"),
            Self::Days(n) => format!("{event}之日前{}日", n.unsigned_abs()),
            Self::WorkingDays(n) if n >= 0 => format!("{event}之日起{n}个工作日内"),
            Self::WorkingDays(n) => format!("{event}之日前{}个工作日", n.unsigned_abs()),
            Self::Years(n) => format!("{event}之日起{n}年"),
            Self::Next { month, day } => format!("{event}当年的次年{month}月{day}日前"),
        }
    }

    fn words_en(self, event: &str) -> String {
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
    what_zh: String,
    citation: String,
}

impl DueSpec {
    /// Parses the entries of one `@due` annotation with their Chinese wording (`@due_zh`, one
    /// `what` per entry, in the same order); the error says what is wrong.
    pub(crate) fn parse_all(text: &str, zh: Option<&str>) -> Result<Vec<Self>, String> {
        let entries: Vec<&str> = text
            .split('|')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        let zh: Vec<&str> = zh
            .unwrap_or_default()
            .split('|')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        if zh.len() != entries.len() {
            return Err(format!(
                "{} entr{} in `@due` but {} Chinese wording(s) in `@due_zh`: word each entry's duty in Chinese, in the same order, separated by ` | `",
                entries.len(),
                if entries.len() == 1 { "y" } else { "ies" },
                zh.len()
            ));
        }
        entries
            .into_iter()
            .zip(zh)
            .map(|(entry, what_zh)| {
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
                    what_zh: what_zh.to_owned(),
                    citation: (*citation).to_owned(),
                })
            })
            .collect()
    }

    /// The due date these facts give.
    pub(crate) fn resolve(&self, rule: &str, facts: &TransferFacts) -> DueDate {
        let (anchor, offset) = (self.anchor, self.offset);
        let applied = anchor
            .resolve(facts)
            .and_then(|(from, source)| Some((from, source, offset.apply(from)?)));
        let counted = |lang: Lang| match applied {
            Some((from, source, _)) => {
                format!("{}{}", offset.words(anchor, lang), source.words(lang, from))
            }
            None => offset.words(anchor, lang),
        };
        let (due, approximate) = applied.map_or((None, false), |(_, _, (day, approximate))| {
            (Some(day), approximate)
        });
        DueDate {
            what: self.what.clone(),
            what_zh: self.what_zh.clone(),
            due,
            counted: counted(Lang::En),
            counted_zh: counted(Lang::Zh),
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
    /// The same, as the pack words it in Chinese (`@due_zh`).
    pub what_zh: String,
    /// The day, when the facts give the day the law counts from; absent otherwise (then
    /// `counted` says from which event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// How the day is counted, naming the facts field it is counted from.
    pub counted: String,
    /// The same, in Chinese.
    pub counted_zh: String,
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
        let zh = Some("保存");
        let e = DueSpec::parse_all("transfer ; +10 years ; keep records", zh).unwrap_err();
        assert!(e.contains("3 field(s), not 4"), "{e}");
        let e = DueSpec::parse_all("signing ; +1 days ; x ; y", zh).unwrap_err();
        assert!(e.contains("unknown anchor `signing`"), "{e}");
        let e = DueSpec::parse_all("transfer ; +1 weeks ; x ; y", zh).unwrap_err();
        assert!(e.contains("unknown offset `+1 weeks`"), "{e}");
        let e = DueSpec::parse_all("transfer ; next 02-30 ; x ; y", zh).unwrap_err();
        assert!(e.contains("unknown offset"), "{e}");
    }

    #[test]
    fn every_entry_needs_its_chinese_wording() {
        let two = "transfer ; +10 years ; keep records ; A | transfer ; +14 days ; report ; B";
        let e = DueSpec::parse_all(two, None).unwrap_err();
        assert!(e.contains("2 entries in `@due` but 0"), "{e}");
        let e = DueSpec::parse_all(two, Some("保存记录")).unwrap_err();
        assert!(e.contains("but 1 Chinese wording(s)"), "{e}");
        let specs = DueSpec::parse_all(two, Some("保存记录 | 报告")).unwrap();
        assert_eq!(specs[1].what_zh, "报告");
    }

    #[test]
    fn offsets_are_worded_in_both_languages() {
        let words = |offset: &str, anchor: Anchor| {
            let offset = Offset::parse(offset).unwrap();
            (
                offset.words(anchor, Lang::En),
                offset.words(anchor, Lang::Zh),
            )
        };
        assert_eq!(
            words("+10 working_days", Anchor::StandardContract),
            (
                "within 10 working days after the standard contract takes effect".to_owned(),
                "标准合同生效之日起10个工作日内".to_owned()
            )
        );
        assert_eq!(
            words("-60 working_days", Anchor::SecurityAssessmentExpiry).1,
            "安全评估结果有效期届满之日前60个工作日"
        );
        assert_eq!(
            words("next 03-01", Anchor::Transfer),
            (
                "by 1 March of the year after the transfer".to_owned(),
                "数据出境当年的次年3月1日前".to_owned()
            )
        );
        assert_eq!(
            words("+14 days", Anchor::OfferRejected).1,
            "拒绝要约之日起14日内"
        );
    }
}
