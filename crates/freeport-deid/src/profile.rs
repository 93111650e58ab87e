//! Profiles: fixed rule sets applied on top of a configuration, each rule with its source.
//!
//! - `hipaa-safe-harbor`: 45 CFR 164.514(b)(2) (law-cn-us.md §B.11). Identifiers (A)–(R) are
//!   removed — a keyed pseudonym is derived from the individual's information, which
//!   § 164.514(c) does not allow for a re-identification code, so pseudonymised identifiers are
//!   deleted instead; dates keep the year only (C); ages are top-coded at 90 (C); ZIP codes
//!   keep three digits, `000` for areas of 20,000 people or fewer (B).
//! - `cn-anonymised`: aims at 匿名化 (PIPL Art. 4, 73(4); deid-standards.md §1): nothing
//!   restorable (identifiers deleted, no keyed pseudonyms or tokens), k ≥ 5 and so a highest
//!   prosecutor risk ≤ 0.2, and distinct 2-diversity on each sensitive attribute without a
//!   criterion. k = 5 follows the cell-size floor used in research networks (OHDSI
//!   `minCellCount = 5`, anchors.md) and the ARX/anonbench benchmark setting (anchors.md §3.6);
//!   l = 2 is freeport's default [I] — GB/T 42460-2023 Annex D evaluates effectiveness with
//!   k-anonymity, but its numeric grades were not available to us [U] (deid-standards.md §3).

use serde::Serialize;

/// A profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// HIPAA Safe Harbor.
    HipaaSafeHarbor,
    /// PIPL 匿名化.
    CnAnonymised,
}

/// The k floor of `cn-anonymised`.
pub const CN_K: u32 = 5;
/// The l floor of `cn-anonymised` (distinct diversity).
pub const CN_L: u32 = 2;
/// Highest prosecutor risk for 匿名化 unless the configuration sets one: 1 / 5.
pub const DEFAULT_MAX_RISK: f64 = 0.2;
/// HIPAA Safe Harbor top code for ages.
pub const HIPAA_AGE_TOP: i64 = 90;

/// Sources of the thresholds, quoted in reports.
pub const MAX_RISK_SOURCE: &str = "0.2 = 1/k for k = 5: OHDSI minCellCount = 5 and the ARX/anonbench k = 5 setting (shared/reference/anchors.md); GB/T 42460-2023 Annex D assesses effectiveness with k-anonymity, its numeric grades not read [U]";

impl Profile {
    /// Its command-line name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::HipaaSafeHarbor => "hipaa-safe-harbor",
            Self::CnAnonymised => "cn-anonymised",
        }
    }

    /// Parses a command-line name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "hipaa-safe-harbor" => Some(Self::HipaaSafeHarbor),
            "cn-anonymised" | "cn-anonymized" => Some(Self::CnAnonymised),
            _ => None,
        }
    }

    /// The legal basis, for reports.
    #[must_use]
    pub fn basis(self) -> &'static str {
        match self {
            Self::HipaaSafeHarbor => {
                "45 CFR 164.514(b)(2) Safe Harbor; (c) re-identification codes"
            }
            Self::CnAnonymised => {
                "PIPL Art. 4 and 73(4) (匿名化: cannot identify and cannot be restored); GB/T 37964-2019; GB/T 42460-2023 Annex D"
            }
        }
    }
}
