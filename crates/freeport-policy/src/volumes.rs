//! Cumulative volumes: what this exporter already sent inside each country's counting window,
//! drawn by the vocabulary's [`Window`].
//!
//! China counts per exporter, per natural person, since 1 January of the transfer's year
//! ("自当年1月1日起累计", CAC16 Arts 5(4), 7, 8; reset every 1 January). The United States counts
//! per pair of U.S. person and foreign counterparty over the preceding 12 months ("at any point
//! in the preceding 12 months", 28 CFR 202.205), per category, in U.S. persons or devices for
//! precise geolocation. Both windows are drawn once, by [`Window`]: the store counts
//! [`PriorVolumes`] over them and the judge refuses volumes counted over another.

use freeport_vocabulary::{Counter, UsCounter, Window};
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
    #[must_use]
    pub fn none(date: Date) -> Self {
        Self {
            cn: CnPriorVolumes {
                since: Window::cn(date).from,
                pi_individuals: 0,
                sensitive_pi_individuals: 0,
            },
            us: UsPriorVolumes {
                since: Window::us(date).from,
                covered_personal_identifiers: 0,
                precise_geolocation_devices: 0,
                biometric: 0,
                human_omic: 0,
                human_genomic: 0,
                personal_health: 0,
                personal_financial: 0,
            },
        }
    }
}

/// What this exporter provided abroad since 1 January of the transfer's year (CAC16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CnPriorVolumes {
    /// First day of the window: must equal the `from` of [`Window::cn`] of the transfer's
    /// date.
    #[schemars(with = "crate::facts::IsoDate")]
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
    /// First day of the window: must equal the `from` of [`Window::us`] of the transfer's
    /// date.
    #[schemars(with = "crate::facts::IsoDate")]
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

/// One counter as the judge counted it for a transfer: what was sent before inside the
/// counter's window and what the transfer adds. `prior + transfer` is what the pack compared
/// with the counter's thresholds ([`Counter::thresholds`]); the report and the dashboard show
/// these numbers rather than counting again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountedVolume {
    /// Which counter (`{"jurisdiction": "cn", "counter": "pi"}`).
    #[serde(flatten)]
    pub counter: Counter,
    /// First day of its window; the last is the transfer's date.
    pub since: Date,
    /// Distinct persons (devices) sent before inside the window and not in this transfer.
    pub prior: u64,
    /// The transfer's own count as `[low, high]`: categories feeding one counter add up to at
    /// least the largest and at most their sum, capped by the transfer's stated total of
    /// individuals (not for devices). Equal ends when known exactly.
    pub transfer: [u64; 2],
}

impl CountedVolume {
    /// The window's count with this transfer, as `[low, high]`.
    #[must_use]
    pub const fn cumulative(&self) -> [u64; 2] {
        [
            self.prior.saturating_add(self.transfer[0]),
            self.prior.saturating_add(self.transfer[1]),
        ]
    }
}

impl UsPriorVolumes {
    /// The prior count of one counter.
    #[must_use]
    pub const fn get(&self, counter: UsCounter) -> u64 {
        match counter {
            UsCounter::CoveredPersonalIdentifiers => self.covered_personal_identifiers,
            UsCounter::PreciseGeolocationDevices => self.precise_geolocation_devices,
            UsCounter::Biometric => self.biometric,
            UsCounter::HumanOmic => self.human_omic,
            UsCounter::HumanGenomic => self.human_genomic,
            UsCounter::PersonalHealth => self.personal_health,
            UsCounter::PersonalFinancial => self.personal_financial,
        }
    }
}
