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

/// First day of the US window for a transfer on `date`: the day after the same calendar day one
/// year earlier.
///
/// 28 CFR 202.205 aggregates "at any point in the preceding 12 months". The store reads that as
/// the 12 months that end on `date` (inclusive): the window is `(date − 12 months, date]`, so a
/// transfer dated exactly one year before `date` has left it and the next day's is still in it.
/// On 29 February the year before has no such day; jiff clamps to 28 February, so the window for
/// 2024-02-29 starts on 2023-03-01 (as it does for 2024-02-28), and the window for 2025-02-28
/// starts on 2024-02-29. For dates at the very start of jiff's range the window starts there.
#[must_use]
pub fn us_start(date: Date) -> Date {
    date.checked_sub(1.year())
        .and_then(|year_before| year_before.tomorrow())
        .unwrap_or(Date::MIN)
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
    fn us_window_is_the_twelve_months_ending_on_the_date() {
        assert_eq!(us_start(date(2026, 6, 15)), date(2025, 6, 16));
        assert_eq!(us_start(date(2026, 1, 1)), date(2025, 1, 2));
        assert_eq!(us_start(date(2026, 3, 1)), date(2025, 3, 2));
    }

    #[test]
    fn us_window_around_leap_days() {
        // 29 February has no twin a year earlier: clamped to 28 February.
        assert_eq!(us_start(date(2024, 2, 29)), date(2023, 3, 1));
        assert_eq!(us_start(date(2024, 2, 28)), date(2023, 3, 1));
        // A year after a leap day, the leap day is inside the window.
        assert_eq!(us_start(date(2025, 2, 28)), date(2024, 2, 29));
        assert_eq!(us_start(date(2025, 3, 1)), date(2024, 3, 2));
        assert_eq!(us_start(date(2024, 3, 1)), date(2023, 3, 2));
    }

    #[test]
    fn us_window_at_the_edge_of_the_calendar() {
        assert_eq!(us_start(Date::MIN), Date::MIN);
    }
}
