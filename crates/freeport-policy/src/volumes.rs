//! Cumulative volumes: what this exporter already sent inside each country's counting window,
//! and the windows themselves.
//!
//! China counts per exporter, per natural person, since 1 January of the transfer's year
//! ("自当年1月1日起累计", CAC16 Arts 5(4), 7, 8; reset every 1 January). The United States counts
//! per pair of U.S. person and foreign counterparty over the preceding 12 months ("at any point
//! in the preceding 12 months", 28 CFR 202.205), per category, in U.S. persons or devices for
//! precise geolocation. The store computes [`PriorVolumes`] with [`cn_window_start`] and
//! [`us_window_start`]; the judge refuses volumes counted over another window.

use jiff::ToSpan;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Volumes already sent before this transfer, inside each country's window. This is the whole
/// input the judge needs from the store; evaluation never reads a database itself.
///
/// Counts are distinct people (devices for geolocation) **not in the transfer being judged**,
/// so that `prior + transfer` is the distinct total; a store without subject hashes may count a
/// person twice, which can only raise the burden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorVolumes {
    /// China: this exporter, all recipients, since 1 January of the transfer's year.
    pub cn: CnPriorVolumes,
    /// United States: this U.S. person with this counterparty, the preceding 12 months.
    pub us: UsPriorVolumes,
}

impl PriorVolumes {
    /// Nothing sent before in either window: the first transfer of the year with any
    /// counterparty, and the first in 12 months with this one.
    ///
    /// # Errors
    ///
    /// Only for dates in the first year jiff supports.
    pub fn none(date: Date) -> Result<Self, jiff::Error> {
        Ok(Self {
            cn: CnPriorVolumes {
                since: cn_window_start(date),
                pi_individuals: 0,
                sensitive_pi_individuals: 0,
            },
            us: UsPriorVolumes {
                since: us_window_start(date)?,
                covered_personal_identifiers: 0,
                precise_geolocation_devices: 0,
                biometric: 0,
                human_omic: 0,
                human_genomic: 0,
                personal_health: 0,
                personal_financial: 0,
            },
        })
    }
}

/// What this exporter provided abroad since 1 January of the transfer's year (CAC16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CnPriorVolumes {
    /// First day of the window: must equal [`cn_window_start`] of the transfer's date.
    #[schemars(with = "String")]
    #[serde(deserialize_with = "crate::facts::date_serde::deserialize")]
    pub since: Date,
    /// Distinct natural persons whose personal information other than sensitive PI was provided
    /// ("个人信息（不含敏感个人信息）").
    pub pi_individuals: u64,
    /// Distinct natural persons whose sensitive personal information was provided.
    pub sensitive_pi_individuals: u64,
}

/// What this U.S. person gave the same counterparty over the preceding 12 months, per
/// 28 CFR 202.205 category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsPriorVolumes {
    /// First day of the window: must equal [`us_window_start`] of the transfer's date.
    #[schemars(with = "String")]
    #[serde(deserialize_with = "crate::facts::date_serde::deserialize")]
    pub since: Date,
    /// U.S. persons, covered personal identifiers (§ 202.205(f)).
    pub covered_personal_identifiers: u64,
    /// U.S. devices, precise geolocation (§ 202.205(c)).
    pub precise_geolocation_devices: u64,
    /// U.S. persons, biometric identifiers (§ 202.205(b)).
    pub biometric: u64,
    /// U.S. persons, human 'omic data (§ 202.205(a)).
    pub human_omic: u64,
    /// U.S. persons, human genomic data, a part of 'omic data with its own threshold
    /// (§ 202.205(a)).
    pub human_genomic: u64,
    /// U.S. persons, personal health data (§ 202.205(d)).
    pub personal_health: u64,
    /// U.S. persons, personal financial data (§ 202.205(e)).
    pub personal_financial: u64,
}

/// First day of China's counting window for a transfer on `date`: 1 January of its year.
#[must_use]
pub fn cn_window_start(date: Date) -> Date {
    date.first_of_year()
}

/// First day of the United States' 12-month window for a transfer on `date`: the same day
/// twelve months earlier (29 February maps to 28 February), included.
///
/// # Errors
///
/// Only for dates in the first year jiff supports, which no transfer has.
pub fn us_window_start(date: Date) -> Result<Date, jiff::Error> {
    date.checked_sub(12.months())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn china_resets_every_first_of_january() {
        assert_eq!(cn_window_start(date(2026, 1, 1)), date(2026, 1, 1));
        assert_eq!(cn_window_start(date(2025, 12, 31)), date(2025, 1, 1));
        assert_eq!(cn_window_start(date(2026, 7, 15)), date(2026, 1, 1));
    }

    #[test]
    fn the_us_window_is_twelve_months_back() {
        assert_eq!(us_window_start(date(2026, 3, 1)).unwrap(), date(2025, 3, 1));
        assert_eq!(
            us_window_start(date(2028, 2, 29)).unwrap(),
            date(2027, 2, 28)
        );
        assert_eq!(us_window_start(date(2026, 1, 1)).unwrap(), date(2025, 1, 1));
    }
}
