//! Exact numbers. Spec values are read from their decimal text (never through `f64`), so that
//! 4800, PD 5.92 or 588.35 TFLOPS are exactly what the datasheet says, and every threshold
//! comparison falls on the side the rule puts it.

use std::cmp::Ordering;
use std::fmt;

use num_rational::Ratio;
use num_traits::{CheckedDiv, CheckedMul, Zero};
use serde::{Serialize, Serializer};

/// A non-negative exact rational number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Exact(Ratio<i128>);

/// Why a decimal text is not a number this crate accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    /// Not a decimal number.
    Malformed,
    /// Below zero.
    Negative,
    /// Too many digits (more than 18 before or 12 after the point).
    TooLarge,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Malformed => "not a decimal number",
            Self::Negative => "negative",
            Self::TooLarge => "too many digits",
        })
    }
}

impl Exact {
    /// Zero.
    #[must_use]
    pub fn zero() -> Self {
        Self(Ratio::zero())
    }

    /// A whole number.
    #[must_use]
    pub fn integer(n: u32) -> Self {
        Self(Ratio::from_integer(i128::from(n)))
    }

    /// Parses a TOML or plain decimal literal: digits with an optional fraction and exponent,
    /// underscores between digits allowed (`1_000`, `5.92`, `2.5e3`).
    ///
    /// # Errors
    ///
    /// Malformed text, a negative value, or more digits than the crate's exact range.
    pub fn parse(text: &str) -> Result<Self, NumberError> {
        let text = text.trim();
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(at) => {
                let (m, e) = body.split_at(at);
                let e = e.get(1..).unwrap_or_default().replace('_', "");
                (m, e.parse::<i32>().map_err(|_| NumberError::Malformed)?)
            }
            None => (body, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = |s: &str| -> Result<String, NumberError> {
            if s.starts_with('_') || s.ends_with('_') || s.contains("__") {
                return Err(NumberError::Malformed);
            }
            let cleaned: String = s.chars().filter(|&c| c != '_').collect();
            if !cleaned.chars().all(|c| c.is_ascii_digit()) {
                return Err(NumberError::Malformed);
            }
            Ok(cleaned)
        };
        let whole = digits(whole)?;
        let fraction = digits(fraction)?;
        if whole.is_empty() {
            return Err(NumberError::Malformed);
        }
        if whole.len() > 18 || fraction.len() > 12 || !(-12..=12).contains(&exponent) {
            return Err(NumberError::TooLarge);
        }
        let numerator: i128 = format!("{whole}{fraction}")
            .parse()
            .map_err(|_| NumberError::Malformed)?;
        if negative && numerator != 0 {
            return Err(NumberError::Negative);
        }
        let scale = i32::try_from(fraction.len()).map_err(|_| NumberError::TooLarge)? - exponent;
        let power = |p: i32| {
            10_i128
                .checked_pow(p.unsigned_abs())
                .ok_or(NumberError::TooLarge)
        };
        let ratio = if scale >= 0 {
            Ratio::new(numerator, power(scale)?)
        } else {
            Ratio::from_integer(
                numerator
                    .checked_mul(power(scale)?)
                    .ok_or(NumberError::TooLarge)?,
            )
        };
        Ok(Self(ratio))
    }

    /// Whether the number is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// `self × other`, `None` on overflow.
    #[must_use]
    pub fn mul(&self, other: &Self) -> Option<Self> {
        self.0.checked_mul(&other.0).map(Self)
    }

    /// `self ÷ other`, `None` on overflow or division by zero.
    #[must_use]
    pub fn div(&self, other: &Self) -> Option<Self> {
        if other.is_zero() {
            return None;
        }
        self.0.checked_div(&other.0).map(Self)
    }

    /// `self + other`, `None` on overflow.
    #[must_use]
    pub fn add(&self, other: &Self) -> Option<Self> {
        num_traits::CheckedAdd::checked_add(&self.0, &other.0).map(Self)
    }

    /// The value rounded half-up to `places` decimals, as text (`6.0436`); exact values keep
    /// only the digits they have (`4992`, `5.92`).
    #[must_use]
    pub fn display(&self, places: u32) -> String {
        let numer = *self.0.numer();
        let denom = *self.0.denom();
        let whole = numer / denom;
        let mut remainder = numer % denom;
        let mut digits = String::new();
        let mut exact = remainder == 0;
        for _ in 0..places {
            if remainder == 0 {
                exact = true;
                break;
            }
            let Some(scaled) = remainder.checked_mul(10) else {
                break;
            };
            remainder = scaled;
            digits.push(char::from(
                b'0' + u8::try_from(remainder / denom).unwrap_or(0),
            ));
            remainder %= denom;
        }
        if remainder == 0 {
            exact = true;
        }
        if !exact && remainder >= denom - remainder {
            // Round half up, carrying through the digits.
            let mut bytes: Vec<u8> = digits.into_bytes();
            let mut carry = true;
            for b in bytes.iter_mut().rev() {
                if !carry {
                    break;
                }
                if *b == b'9' {
                    *b = b'0';
                } else {
                    *b += 1;
                    carry = false;
                }
            }
            let whole = if carry { whole + 1 } else { whole };
            digits = String::from_utf8(bytes).unwrap_or_default();
            return join(whole, &digits, exact);
        }
        join(whole, &digits, exact)
    }

    /// The value as `f64`, for display and JSON only (comparisons never use it).
    #[must_use]
    pub fn approx(&self) -> f64 {
        *self.0.numer() as f64 / *self.0.denom() as f64
    }
}

fn join(whole: i128, digits: &str, exact: bool) -> String {
    let digits = if exact {
        digits.trim_end_matches('0')
    } else {
        digits
    };
    if digits.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{digits}")
    }
}

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display(4))
    }
}

impl Serialize for Exact {
    /// Serialised as the decimal text rounded to 4 places (exact where it terminates earlier).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.display(4))
    }
}

/// How a threshold compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Op {
    /// At least.
    #[serde(rename = ">=")]
    AtLeast,
    /// More than.
    #[serde(rename = ">")]
    Above,
    /// Less than.
    #[serde(rename = "<")]
    Below,
}

impl Op {
    /// Whether `value op threshold` holds.
    #[must_use]
    pub fn holds(self, value: &Exact, threshold: &Exact) -> bool {
        let order = value.cmp(threshold);
        match self {
            Self::AtLeast => order != Ordering::Less,
            Self::Above => order == Ordering::Greater,
            Self::Below => order == Ordering::Less,
        }
    }

    /// `≥`, `>` or `<`.
    #[must_use]
    pub const fn symbol(self) -> &'static str {
        match self {
            Self::AtLeast => "≥",
            Self::Above => ">",
            Self::Below => "<",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(s: &str) -> Exact {
        Exact::parse(s).unwrap()
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(x("5.92"), x("592").div(&x("100")).unwrap());
        assert_eq!(x("4_800"), x("4.8e3"));
        assert_eq!(x("588.35").mul(&x("8")).unwrap(), x("4706.8"));
        // 0.1 + 0.2 is 0.3 here.
        assert_eq!(x("0.1").add(&x("0.2")).unwrap(), x("0.3"));
    }

    #[test]
    fn thresholds_fall_on_the_right_side() {
        // PD exactly 5.92: TPP 4736 over 800 mm².
        let pd = x("4736").div(&x("800")).unwrap();
        assert!(Op::AtLeast.holds(&pd, &x("5.92")));
        let below = x("4735.99").div(&x("800")).unwrap();
        assert!(!Op::AtLeast.holds(&below, &x("5.92")));
        assert!(!Op::Above.holds(&x("2"), &x("2")));
        assert!(Op::Above.holds(&x("2.000000001"), &x("2")));
        assert!(!Op::Below.holds(&x("3.3"), &x("3.3")));
    }

    #[test]
    fn bad_numbers_are_refused() {
        assert_eq!(Exact::parse("-1"), Err(NumberError::Negative));
        assert_eq!(Exact::parse("1.2.3"), Err(NumberError::Malformed));
        assert_eq!(Exact::parse("nan"), Err(NumberError::Malformed));
        assert_eq!(Exact::parse(".5"), Err(NumberError::Malformed));
        assert_eq!(
            Exact::parse("1234567890123456789012"),
            Err(NumberError::TooLarge)
        );
        assert_eq!(Exact::parse("-0"), Ok(Exact::zero()));
    }

    #[test]
    fn display_rounds_half_up() {
        assert_eq!(x("4992").div(&x("826")).unwrap().display(2), "6.04");
        assert_eq!(x("2368").div(&x("814")).unwrap().display(2), "2.91");
        assert_eq!(x("5.92").display(4), "5.92");
        assert_eq!(x("0.99999").display(2), "1.00");
        assert_eq!(x("4800").display(2), "4800");
    }
}
