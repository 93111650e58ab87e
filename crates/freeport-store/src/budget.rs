//! Exact fixed-point accounting of DP privacy budgets.
//!
//! Summing `f64` spends drifts (0.1 + 0.2 > 0.3), which would either refuse a spend that fits or
//! let the total creep past its limit. The ledger therefore keeps integers: epsilon in units of
//! 1e-9, delta in units of 1e-18. A value is converted from its shortest decimal form (what the
//! user typed, for every value that came from text), spends round up and limits round down, so
//! the real total spent never exceeds the real limit.

/// Decimal places kept for epsilon.
pub(crate) const EPSILON_SCALE: u32 = 9;
/// Decimal places kept for delta.
pub(crate) const DELTA_SCALE: u32 = 18;

/// Which way a value that does not fit the scale is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Round {
    /// Spends: never count less than was spent.
    Up,
    /// Limits: never allow more than was configured.
    Down,
}

/// Why a value cannot be a budget amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadAmount {
    /// NaN, infinite or negative.
    NotNonNegative,
    /// More than the ledger can hold at this scale.
    TooLarge,
}

impl BadAmount {
    pub(crate) const fn reason(self) -> &'static str {
        match self {
            Self::NotNonNegative => "must be a finite number that is not negative",
            Self::TooLarge => "is too large for the budget ledger",
        }
    }
}

/// `value` in units of `10^-scale`, rounded as asked.
pub(crate) fn to_units(value: f64, scale: u32, round: Round) -> Result<i64, BadAmount> {
    if !value.is_finite() || value < 0.0 {
        return Err(BadAmount::NotNonNegative);
    }
    // `Display` of `f64` prints the shortest decimal that round-trips, never in exponent form.
    let text = value.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut units: u128 = 0;
    for digit in whole.bytes() {
        units = units
            .checked_mul(10)
            .and_then(|u| u.checked_add(u128::from(digit - b'0')))
            .ok_or(BadAmount::TooLarge)?;
    }
    let scale_len = usize::try_from(scale).map_err(|_| BadAmount::TooLarge)?;
    for i in 0..scale_len {
        let digit = fraction.as_bytes().get(i).map_or(0, |d| d - b'0');
        units = units
            .checked_mul(10)
            .and_then(|u| u.checked_add(u128::from(digit)))
            .ok_or(BadAmount::TooLarge)?;
    }
    let rest_nonzero = fraction.bytes().skip(scale_len).any(|d| d != b'0');
    if rest_nonzero && round == Round::Up {
        units = units.checked_add(1).ok_or(BadAmount::TooLarge)?;
    }
    i64::try_from(units).map_err(|_| BadAmount::TooLarge)
}

/// Units back to a number for display.
#[expect(
    clippy::cast_precision_loss,
    reason = "for display only; the ledger compares integers"
)]
pub(crate) fn from_units(units: i64, scale: u32) -> f64 {
    units as f64 / 10f64.powi(i32::try_from(scale).unwrap_or(i32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_values_are_exact() {
        assert_eq!(to_units(0.1, EPSILON_SCALE, Round::Up), Ok(100_000_000));
        assert_eq!(to_units(0.3, EPSILON_SCALE, Round::Down), Ok(300_000_000));
        assert_eq!(to_units(1.0, EPSILON_SCALE, Round::Up), Ok(1_000_000_000));
        assert_eq!(to_units(1e-9, EPSILON_SCALE, Round::Up), Ok(1));
        assert_eq!(
            to_units(1e-6, DELTA_SCALE, Round::Up),
            Ok(1_000_000_000_000)
        );
        assert_eq!(to_units(0.0, DELTA_SCALE, Round::Up), Ok(0));
    }

    #[test]
    fn tenths_add_up_to_their_sum() {
        let tenth = to_units(0.1, EPSILON_SCALE, Round::Up).unwrap();
        let two_tenths = to_units(0.2, EPSILON_SCALE, Round::Up).unwrap();
        let limit = to_units(0.3, EPSILON_SCALE, Round::Down).unwrap();
        assert_eq!(tenth + two_tenths, limit);
    }

    #[test]
    fn values_below_the_scale_round_the_safe_way() {
        assert_eq!(to_units(1e-12, EPSILON_SCALE, Round::Up), Ok(1));
        assert_eq!(to_units(1e-12, EPSILON_SCALE, Round::Down), Ok(0));
        assert_eq!(to_units(1e-20, DELTA_SCALE, Round::Up), Ok(1));
    }

    #[test]
    fn bad_values_are_refused() {
        assert_eq!(
            to_units(-0.1, EPSILON_SCALE, Round::Up),
            Err(BadAmount::NotNonNegative)
        );
        assert_eq!(
            to_units(f64::NAN, EPSILON_SCALE, Round::Up),
            Err(BadAmount::NotNonNegative)
        );
        assert_eq!(
            to_units(f64::INFINITY, EPSILON_SCALE, Round::Up),
            Err(BadAmount::NotNonNegative)
        );
        assert_eq!(
            to_units(1e30, EPSILON_SCALE, Round::Up),
            Err(BadAmount::TooLarge)
        );
        assert_eq!(
            to_units(10.0, DELTA_SCALE, Round::Up),
            Err(BadAmount::TooLarge)
        );
    }

    #[test]
    fn units_display_back() {
        assert!((from_units(100_000_000, EPSILON_SCALE) - 0.1).abs() < 1e-15);
    }
}
