//! The data category and its legal classification under each jurisdiction.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One data category the system reasons about, e.g. `id.cn.resident_id`.
///
/// A category is what a scanner finds in a column, what an inventory counts
/// people for, and what both rule packs speak about. Its classification says
/// how each country's law treats it; the bases cite the text it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    /// Stable dotted id, such as `contact.phone`.
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Chinese name.
    pub name_zh: String,
    /// What belongs in the category, and what does not.
    pub description: String,
    /// IRI of the W3C Data Privacy Vocabulary term this category is or falls under, if DPV has one.
    pub dpv: Option<String>,
    /// Classification under the law of the People's Republic of China.
    pub cn: CnClassification,
    /// Classification under the law of the United States.
    pub us: UsClassification,
}

impl Category {
    /// The first segment of the id (`person`, `id`, `health`, ...), used to group listings.
    #[must_use]
    pub fn group(&self) -> &str {
        self.id.split('.').next().unwrap_or(&self.id)
    }
}

/// How Chinese law classifies a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CnClassification {
    /// Personal-information class under PIPL.
    pub class: CnClass,
    /// Whether data of this category can, at scale or in context, indicate important data
    /// (重要数据) under the Data Security Law and GB/T 43697-2024 Annex G.
    pub important_data_indicator: bool,
    /// The provisions the class rests on (PIPL Art. 4 / Art. 28, GB/T 35273-2020 Annex B ...).
    pub basis: String,
    /// Where the law is unclear or a fact is unconfirmed, what is unclear.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Personal-information class under PIPL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CnClass {
    /// Not personal information (e.g. an organisation's identifier).
    NotPi,
    /// Personal information (个人信息), PIPL Art. 4.
    Pi,
    /// Sensitive personal information (敏感个人信息), PIPL Art. 28.
    SensitivePi,
}

impl CnClass {
    /// The spelling used in files and JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotPi => "not_pi",
            Self::Pi => "pi",
            Self::SensitivePi => "sensitive_pi",
        }
    }
}

impl fmt::Display for CnClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How US law classifies a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsClassification {
    /// Sensitive-personal-data category under 28 CFR 202.249 (DOJ Data Security Program).
    pub dsp: DspCategory,
    /// HIPAA Safe Harbor identifier, 45 CFR 164.514(b)(2)(i)(A)–(R).
    pub hipaa: HipaaIdentifier,
    /// The provisions the classification rests on.
    pub basis: String,
    /// Where the law is unclear or a fact is unconfirmed, what is unclear.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Sensitive-personal-data category of 28 CFR 202.249(a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DspCategory {
    /// Covered personal identifiers, § 202.212 (listed identifiers of § 202.234 in combination).
    CoveredPersonalIdentifier,
    /// Precise geolocation data, § 202.242 (within 1,000 metres).
    PreciseGeolocation,
    /// Biometric identifiers, § 202.204.
    Biometric,
    /// Human 'omic data, § 202.224.
    HumanOmic,
    /// Personal health data, § 202.241.
    PersonalHealth,
    /// Personal financial data, § 202.240.
    PersonalFinancial,
    /// Not sensitive personal data under § 202.249.
    None,
}

impl DspCategory {
    /// The spelling used in files and JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CoveredPersonalIdentifier => "covered_personal_identifier",
            Self::PreciseGeolocation => "precise_geolocation",
            Self::Biometric => "biometric",
            Self::HumanOmic => "human_omic",
            Self::PersonalHealth => "personal_health",
            Self::PersonalFinancial => "personal_financial",
            Self::None => "none",
        }
    }
}

impl fmt::Display for DspCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// HIPAA Safe Harbor identifier letter, 45 CFR 164.514(b)(2)(i), or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HipaaIdentifier {
    /// (A) names.
    A,
    /// (B) geographic subdivisions smaller than a state.
    B,
    /// (C) dates (except year) directly related to an individual, and ages over 89.
    C,
    /// (D) telephone numbers.
    D,
    /// (E) fax numbers.
    E,
    /// (F) e-mail addresses.
    F,
    /// (G) social security numbers.
    G,
    /// (H) medical record numbers.
    H,
    /// (I) health plan beneficiary numbers.
    I,
    /// (J) account numbers.
    J,
    /// (K) certificate/licence numbers.
    K,
    /// (L) vehicle identifiers and serial numbers, including licence plates.
    L,
    /// (M) device identifiers and serial numbers.
    M,
    /// (N) web URLs.
    N,
    /// (O) IP addresses.
    O,
    /// (P) biometric identifiers, including finger and voice prints.
    P,
    /// (Q) full-face photographs and comparable images.
    Q,
    /// (R) any other unique identifying number, characteristic or code.
    R,
    /// Not one of the eighteen identifiers.
    #[serde(rename = "none")]
    None,
}

impl HipaaIdentifier {
    /// The spelling used in files and JSON: the letter, or `none`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
            Self::E => "E",
            Self::F => "F",
            Self::G => "G",
            Self::H => "H",
            Self::I => "I",
            Self::J => "J",
            Self::K => "K",
            Self::L => "L",
            Self::M => "M",
            Self::N => "N",
            Self::O => "O",
            Self::P => "P",
            Self::Q => "Q",
            Self::R => "R",
            Self::None => "none",
        }
    }
}

impl fmt::Display for HipaaIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
