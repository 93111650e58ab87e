//! Profiles: fixed rule sets applied on top of a configuration, each rule with its source.
//!
//! - `hipaa-safe-harbor`: 45 CFR 164.514(b)(2) (law-cn-us.md §B.11). Identifiers (A)–(R) are
//!   removed — a keyed pseudonym is derived from the individual's information, which
//!   § 164.514(c) does not allow for a re-identification code, so pseudonymised identifiers are
//!   deleted instead; dates keep the year only (C); ages are top-coded at 90 (C); ZIP codes
//!   keep three digits, `000` for areas of 20,000 people or fewer (B).
//! - `cn-anonymised`: aims at 匿名化 (PIPL Art. 4, 73(4); deid-standards.md §1): nothing
//!   restorable (identifiers deleted, no keyed pseudonyms or tokens), k at least a floor, and
//!   distinct l-diversity at least a floor on each sensitive attribute without a criterion.
//!   What the reference says: GB/T 42460-2023 has "Annex D effectiveness evaluation based on the
//!   k-anonymity model" and §4 grades effectiveness (deid-standards.md §3, from the standard's
//!   table of contents [S]); GB/T 37964-2019's techniques/models annex was not read [U]
//!   (deid-standards.md §2). Neither gives a number there, so the floors are freeport's
//!   defaults, each configurable: k = 5 (`[profiles.cn-anonymised] k`) after the cell-size floor
//!   OHDSI uses by default (`minCellCount = 5`, anchors.md §11 "Cell-size floors in use") and the
//!   anonbench 5-anonymity setting (anchors.md §3.6); l = 2 (`[profiles.cn-anonymised] l`), the
//!   smallest l that rules out a class sharing one sensitive value; highest prosecutor risk
//!   0.2 = 1/5 (`[assessment] max-risk`).

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

/// The default k floor of `cn-anonymised` (configurable: no number in the reference).
pub const CN_K: u32 = 5;
/// The default l floor of `cn-anonymised`, distinct diversity (configurable: no number in the
/// reference).
pub const CN_L: u32 = 2;
/// Highest prosecutor risk for 匿名化 unless `[assessment] max-risk` sets one: 1 / 5.
pub const DEFAULT_MAX_RISK: f64 = 0.2;
/// HIPAA Safe Harbor top code for ages.
pub const HIPAA_AGE_TOP: i64 = 90;

/// Sources of the thresholds, quoted in reports.
pub const MAX_RISK_SOURCE: &str = "freeport default, configurable as [assessment] max-risk: 0.2 = 1/k for k = 5, after OHDSI's default minCellCount = 5 and anonbench's 5-anonymity setting (anchors.md); GB/T 42460-2023 Annex D evaluates effectiveness with the k-anonymity model, but the reference records no numeric threshold (deid-standards.md §3)";

/// Where the `cn-anonymised` k and l floors come from, quoted in reports.
pub const CN_FLOORS_SOURCE: &str = "freeport defaults k = 5, l = 2, configurable in [profiles.cn-anonymised]; GB/T 42460-2023 Annex D names the k-anonymity model without a number in the reference (deid-standards.md §3)";

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
