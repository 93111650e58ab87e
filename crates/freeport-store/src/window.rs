//! Where the two countries' counting windows start, as calendar arithmetic on dates.

use jiff::ToSpan;
use jiff::civil::Date;

/// First day of China's window for a transfer on `date`: 1 January of the same year.
///
/// CAC16 Arts. 5(4), 7 and 8 count "自当年1月1日起累计" (cumulatively since 1 January of the
/// current year), so the counter resets every 1 January (law-cn-us.md, "Counting conventions").
#[must_use]
pub fn cn_start(date: Date) -> Date {
    date.first_of_year()
}

/// First day of the US window for a transfer on `date`: the same calendar day twelve months
/// earlier, included.
///
/// 28 CFR 202.205 aggregates "at any point in the preceding 12 months". Whether a transfer dated
/// exactly twelve months before `date` is still "preceding" is not settled by the text; the store
/// counts it, because counting one more day can only raise a burden, never hide one, and because
/// the judge (`freeport-policy`'s `us_window_start`) draws the window the same way. On 29 February
/// the year before has no such day; jiff clamps to 28 February. For dates at the very start of
/// jiff's range the window starts there.
#[must_use]
pub fn us_start(date: Date) -> Date {
    date.checked_sub(12.months()).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn cn_window_starts_on_1_january() {
        assert_eq!(cn_start(date(2026, 1, 1)), date(2026, 1, 1));
        assert_eq!(cn_start(date(2026, 12, 31)), date(2026, 1, 1));
        assert_eq!(cn_start(date(2024, 2, 29)), date(2024, 1, 1));
    }

    #[test]
    fn us_window_is_the_twelve_months_ending_on_the_date_plus_its_first_day() {
        assert_eq!(us_start(date(2026, 6, 15)), date(2025, 6, 15));
        assert_eq!(us_start(date(2026, 1, 1)), date(2025, 1, 1));
        assert_eq!(us_start(date(2026, 3, 1)), date(2025, 3, 1));
    }

    #[test]
    fn us_window_around_leap_days() {
        // 29 February has no twin a year earlier: clamped to 28 February.
        assert_eq!(us_start(date(2024, 2, 29)), date(2023, 2, 28));
        assert_eq!(us_start(date(2024, 2, 28)), date(2023, 2, 28));
        // A year after a leap day, the leap day is inside the window only from 29 February on.
        assert_eq!(us_start(date(2025, 2, 28)), date(2024, 2, 28));
        assert_eq!(us_start(date(2025, 3, 1)), date(2024, 3, 1));
        assert_eq!(us_start(date(2028, 2, 29)), date(2027, 2, 28));
    }

    #[test]
    fn us_window_at_the_edge_of_the_calendar() {
        assert_eq!(us_start(Date::MIN), Date::MIN);
    }
}
