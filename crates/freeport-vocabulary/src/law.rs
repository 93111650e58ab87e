//! The terms both countries' laws count in, defined once for every crate: which country judges
//! ([`Jurisdiction`]), where data was collected ([`CollectedIn`]), how identifiable it is
//! ([`Form`]), the dates a counter adds up over ([`Window`]), China's volume counters with their
//! thresholds ([`CnCounter`], [`CnThreshold`]) and the United States' bulk counters with their
//! thresholds ([`UsCounter`]).
//!
//! The policy crate judges with them, the store records and counts with them, the port turns
//! scans into them; none of them keeps a copy to convert into another.

use std::fmt;

use jiff::ToSpan;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Category, DspCategory};

/// The two jurisdictions a transfer is judged under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Jurisdiction {
    /// The People's Republic of China (mainland).
    Cn,
    /// The United States.
    Us,
}

impl Jurisdiction {
    /// `cn` or `us`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cn => "cn",
            Self::Us => "us",
        }
    }

    /// The jurisdiction spelled `text` (`cn` or `us`), if any.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "cn" => Some(Self::Cn),
            "us" => Some(Self::Us),
            _ => None,
        }
    }

    /// The other one.
    #[must_use]
    pub const fn peer(self) -> Self {
        match self {
            Self::Cn => Self::Us,
            Self::Us => Self::Cn,
        }
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where data was collected or generated, which decides the counter it feeds: China counts
/// personal information collected or generated in China (CAC11 Art. 2; PIPL Art. 3), the United
/// States data on U.S. persons (28 CFR 202.205).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CollectedIn {
    /// In mainland China: the PRC export rules apply (CAC11 Art 2).
    Cn,
    /// In the United States: data of U.S. persons for 28 CFR 202.
    Us,
    /// Elsewhere: neither country counts it.
    Other,
}

impl CollectedIn {
    /// The spelling used in files, JSON and the store.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cn => "cn",
            Self::Us => "us",
            Self::Other => "other",
        }
    }

    /// The place spelled `text` ([`as_str`](Self::as_str)), if any.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "cn" => Some(Self::Cn),
            "us" => Some(Self::Us),
            "other" => Some(Self::Other),
            _ => None,
        }
    }

    /// Where an exporter of this jurisdiction (`cn`, `us`, anything else) collects its data
    /// when nobody says otherwise.
    #[must_use]
    pub fn of_jurisdiction(code: &str) -> Self {
        Self::parse(code).unwrap_or(Self::Other)
    }
}

impl fmt::Display for CollectedIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How identifiable the data is. It matters to China only: anonymised information is not
/// personal information (PIPL Art. 4, Art. 73(4)), pseudonymised information still is; the United
/// States counts all three (28 CFR 202.206).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// As collected.
    Raw,
    /// De-identified (去标识化): identifiable again with additional information (PIPL
    /// Art 73(3)); still personal information.
    Pseudonymised,
    /// Anonymised (匿名化): cannot identify and cannot be restored (PIPL Art 73(4)).
    Anonymised,
}

impl Form {
    /// The spelling used in files, JSON and the store.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::Pseudonymised => "pseudonymised",
            Self::Anonymised => "anonymised",
        }
    }

    /// The form spelled `text` ([`as_str`](Self::as_str)), if any.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "raw" => Some(Self::Raw),
            "pseudonymised" => Some(Self::Pseudonymised),
            "anonymised" => Some(Self::Anonymised),
            _ => None,
        }
    }
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The dates a country's counter adds up over for a transfer on [`to`](Self::to), both
/// inclusive. Drawn here only: the judge checks prior volumes against it and the store counts
/// over it, so the two cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Window {
    /// First day counted.
    pub from: Date,
    /// Last day counted: the transfer's date.
    pub to: Date,
}

impl Window {
    /// China's window for a transfer on `date`: from 1 January of its year.
    ///
    /// CAC16 Arts. 5(4), 7 and 8 count "自当年1月1日起累计" (cumulatively since 1 January of the
    /// current year), so the counter resets every 1 January (law-cn-us.md, "Counting
    /// conventions").
    #[must_use]
    pub fn cn(date: Date) -> Self {
        Self {
            from: date.first_of_year(),
            to: date,
        }
    }

    /// The United States' window for a transfer on `date`: from the same calendar day twelve
    /// months earlier, included.
    ///
    /// 28 CFR 202.205 aggregates "at any point in the preceding 12 months". Whether a transfer
    /// dated exactly twelve months before `date` is still "preceding" is not settled by the
    /// text; it is counted, because counting one more day can only raise a burden, never hide
    /// one. On 29 February the year before has no such day; jiff clamps to 28 February. For
    /// dates in the first year of jiff's range the window starts at [`Date::MIN`].
    #[must_use]
    pub fn us(date: Date) -> Self {
        Self {
            from: date.checked_sub(12.months()).unwrap_or(Date::MIN),
            to: date,
        }
    }
}

/// The vocabulary's human genomic data (28 CFR 202.224(a)(1)): sequences, variants, and the
/// results of a genetic test (42 U.S.C. 300gg-91(d)(17)), which the section counts as genomic.
/// Everything else the vocabulary files as human 'omic data is epigenomic, proteomic or
/// transcriptomic (§ 202.224(a)(2)-(4)).
pub(crate) const HUMAN_GENOMIC: [&str; 3] =
    ["genomic.sequence", "genomic.variant", "health.genetic_test"];

/// One of the counters 28 CFR 202.205 sets a bulk threshold on, counted per (U.S. person,
/// counterparty) over the preceding 12 months; human genomic data is the part of human 'omic
/// data with its own, lower threshold (§ 202.205(a)). The judge passes each count and each
/// threshold to the US pack as context values ([`name`](Self::name),
/// [`threshold_name`](Self::threshold_name)); the store counts the category sets of
/// [`of`](Self::of); the report shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsCounter {
    /// U.S. persons, covered personal identifiers (§ 202.205(f)).
    CoveredPersonalIdentifiers,
    /// U.S. devices, precise geolocation (§ 202.205(c)).
    PreciseGeolocationDevices,
    /// U.S. persons, biometric identifiers (§ 202.205(b)).
    Biometric,
    /// U.S. persons, human 'omic data (§ 202.205(a)).
    HumanOmic,
    /// U.S. persons, human genomic data (§ 202.205(a)).
    HumanGenomic,
    /// U.S. persons, personal health data (§ 202.205(d)).
    PersonalHealth,
    /// U.S. persons, personal financial data (§ 202.205(e)).
    PersonalFinancial,
}

impl UsCounter {
    /// Every counter, in the order of the judge's prior volumes.
    pub const ALL: [Self; 7] = [
        Self::CoveredPersonalIdentifiers,
        Self::PreciseGeolocationDevices,
        Self::Biometric,
        Self::HumanOmic,
        Self::HumanGenomic,
        Self::PersonalHealth,
        Self::PersonalFinancial,
    ];

    /// The counter's place in [`ALL`](Self::ALL).
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The counter's name: the US pack's context attribute, the store's category set, the
    /// report's row.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::CoveredPersonalIdentifiers => "covered_personal_identifiers",
            Self::PreciseGeolocationDevices => "precise_geolocation_devices",
            Self::Biometric => "biometric",
            Self::HumanOmic => "human_omic",
            Self::HumanGenomic => "human_genomic",
            Self::PersonalHealth => "personal_health",
            Self::PersonalFinancial => "personal_financial",
        }
    }

    /// The context attribute the US pack reads the threshold from: `<name>_threshold`.
    #[must_use]
    pub const fn threshold_name(self) -> &'static str {
        match self {
            Self::CoveredPersonalIdentifiers => "covered_personal_identifiers_threshold",
            Self::PreciseGeolocationDevices => "precise_geolocation_devices_threshold",
            Self::Biometric => "biometric_threshold",
            Self::HumanOmic => "human_omic_threshold",
            Self::HumanGenomic => "human_genomic_threshold",
            Self::PersonalHealth => "personal_health_threshold",
            Self::PersonalFinancial => "personal_financial_threshold",
        }
    }

    /// The bulk threshold of 28 CFR 202.205: data is bulk when the count is **more than** this
    /// (N is not bulk, N + 1 is); law-cn-us.md B.3.
    #[must_use]
    pub const fn threshold(self) -> u64 {
        match self {
            Self::HumanGenomic => 100,
            Self::HumanOmic | Self::Biometric | Self::PreciseGeolocationDevices => 1_000,
            Self::PersonalHealth | Self::PersonalFinancial => 10_000,
            Self::CoveredPersonalIdentifiers => 100_000,
        }
    }

    /// Whether the counter counts devices (precise geolocation, § 202.205(c)) rather than
    /// persons: a stated number of people does not bound it.
    #[must_use]
    pub const fn counts_devices(self) -> bool {
        matches!(self, Self::PreciseGeolocationDevices)
    }

    /// The paragraph of 28 CFR 202.205 that sets the counter's threshold.
    #[must_use]
    pub const fn citation(self) -> &'static str {
        match self {
            Self::HumanOmic | Self::HumanGenomic => "28 CFR 202.205(a)",
            Self::Biometric => "28 CFR 202.205(b)",
            Self::PreciseGeolocationDevices => "28 CFR 202.205(c)",
            Self::PersonalHealth => "28 CFR 202.205(d)",
            Self::PersonalFinancial => "28 CFR 202.205(e)",
            Self::CoveredPersonalIdentifiers => "28 CFR 202.205(f)",
        }
    }

    /// The counters data of `category` feeds: none, one, or for human genomic data both human
    /// 'omic and human genomic. Human genomic data is the nucleic-acid sequence data of
    /// § 202.224(a)(1), genetic test results included ([`HUMAN_GENOMIC`]); epigenomic, proteomic
    /// and transcriptomic data are 'omic data only, bulk above 1,000 (§ 202.205(a)).
    #[must_use]
    pub fn of(category: &Category) -> &'static [Self] {
        match category.us.dsp {
            DspCategory::CoveredPersonalIdentifier => &[Self::CoveredPersonalIdentifiers],
            DspCategory::PreciseGeolocation => &[Self::PreciseGeolocationDevices],
            DspCategory::Biometric => &[Self::Biometric],
            DspCategory::HumanOmic if HUMAN_GENOMIC.contains(&category.id.as_str()) => {
                &[Self::HumanOmic, Self::HumanGenomic]
            }
            DspCategory::HumanOmic => &[Self::HumanOmic],
            DspCategory::PersonalHealth => &[Self::PersonalHealth],
            DspCategory::PersonalFinancial => &[Self::PersonalFinancial],
            DspCategory::None => &[],
        }
    }
}

impl fmt::Display for UsCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One of the two counts CAC16 sets China's volume thresholds on: the individuals whose
/// personal information a processor has provided abroad since 1 January of the current year,
/// counted per natural person without splitting (CAC16 Arts 5(4), 7, 8; law-cn-us.md A.12).
/// The judge passes each to the China pack as a context value ([`name`](Self::name)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CnCounter {
    /// Individuals whose personal information (not sensitive) was provided abroad.
    #[serde(rename = "pi")]
    PersonalInformation,
    /// Individuals whose sensitive personal information was provided abroad.
    #[serde(rename = "sensitive_pi")]
    SensitivePersonalInformation,
}

impl CnCounter {
    /// Both counters.
    pub const ALL: [Self; 2] = [
        Self::PersonalInformation,
        Self::SensitivePersonalInformation,
    ];

    /// The context attribute the China pack reads the count from.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::PersonalInformation => "cumulative_pi",
            Self::SensitivePersonalInformation => "cumulative_sensitive_pi",
        }
    }

    /// The counter's short name in reports and risk entries: `pi` or `sensitive_pi`.
    #[must_use]
    pub const fn short_name(self) -> &'static str {
        match self {
            Self::PersonalInformation => "pi",
            Self::SensitivePersonalInformation => "sensitive_pi",
        }
    }
}

impl fmt::Display for CnCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A volume threshold of CAC16 on one of China's counters. The numbers are "以上" thresholds:
/// a count **at or over** the threshold has reached it (law-cn-us.md A.12). The judge passes
/// each to the China pack as a context value ([`name`](Self::name)); the report and the
/// dashboard show how far an exporter's counts are from them. The fourth boundary of the
/// matrix, "any sensitive personal information at all", is the count 1 and needs no name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CnThreshold {
    /// 100,000 individuals' personal information (not sensitive): below it, and with no
    /// sensitive personal information, the transfer is exempt (CAC16 Art. 5(4)); from it, the
    /// standard contract or certification (Art. 8).
    PiStandardContract,
    /// 1,000,000 individuals' personal information (not sensitive): a security assessment
    /// (CAC16 Art. 7(2)).
    PiSecurityAssessment,
    /// 10,000 individuals' sensitive personal information: a security assessment (CAC16
    /// Art. 7(2)).
    SensitivePiSecurityAssessment,
}

impl CnThreshold {
    /// Every threshold, in the order of the counters and then the number.
    pub const ALL: [Self; 3] = [
        Self::PiStandardContract,
        Self::PiSecurityAssessment,
        Self::SensitivePiSecurityAssessment,
    ];

    /// The counter this threshold is set on.
    #[must_use]
    pub const fn counter(self) -> CnCounter {
        match self {
            Self::PiStandardContract | Self::PiSecurityAssessment => CnCounter::PersonalInformation,
            Self::SensitivePiSecurityAssessment => CnCounter::SensitivePersonalInformation,
        }
    }

    /// The number of individuals: a count at or over it has reached the threshold.
    #[must_use]
    pub const fn value(self) -> u64 {
        match self {
            Self::PiStandardContract => 100_000,
            Self::PiSecurityAssessment => 1_000_000,
            Self::SensitivePiSecurityAssessment => 10_000,
        }
    }

    /// Whether `count` has reached the threshold ("以上" includes the number).
    #[must_use]
    pub const fn reached_by(self, count: u64) -> bool {
        count >= self.value()
    }

    /// The context attribute the China pack reads the threshold from.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::PiStandardContract => "pi_standard_contract_threshold",
            Self::PiSecurityAssessment => "pi_security_assessment_threshold",
            Self::SensitivePiSecurityAssessment => "sensitive_pi_security_assessment_threshold",
        }
    }

    /// The provision that sets the threshold.
    #[must_use]
    pub const fn citation(self) -> &'static str {
        match self {
            Self::PiStandardContract => "CAC16 Arts 5(4), 8",
            Self::PiSecurityAssessment | Self::SensitivePiSecurityAssessment => "CAC16 Art. 7(2)",
        }
    }
}

impl fmt::Display for CnThreshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One of either country's volume counters: what the judge reports it counted for a transfer
/// and what the dashboard draws against its thresholds. Serialised as
/// `{"jurisdiction": "cn", "counter": "pi"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "jurisdiction", content = "counter", rename_all = "lowercase")]
pub enum Counter {
    /// A CAC16 counter (this exporter, every recipient, since 1 January).
    Cn(CnCounter),
    /// A 28 CFR 202.205 counter (this U.S. person with this counterparty, 12 months).
    Us(UsCounter),
}

impl Counter {
    /// Every counter: China's, then the United States'.
    pub const ALL: [Self; 9] = [
        Self::Cn(CnCounter::PersonalInformation),
        Self::Cn(CnCounter::SensitivePersonalInformation),
        Self::Us(UsCounter::CoveredPersonalIdentifiers),
        Self::Us(UsCounter::PreciseGeolocationDevices),
        Self::Us(UsCounter::Biometric),
        Self::Us(UsCounter::HumanOmic),
        Self::Us(UsCounter::HumanGenomic),
        Self::Us(UsCounter::PersonalHealth),
        Self::Us(UsCounter::PersonalFinancial),
    ];

    /// The country that counts it.
    #[must_use]
    pub const fn jurisdiction(self) -> Jurisdiction {
        match self {
            Self::Cn(_) => Jurisdiction::Cn,
            Self::Us(_) => Jurisdiction::Us,
        }
    }

    /// Its name within its country: China's short name (`pi`, `sensitive_pi`), the US
    /// counter's name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Cn(c) => c.short_name(),
            Self::Us(c) => c.name(),
        }
    }

    /// The thresholds set on it, lowest first: China's two or one ([`CnThreshold`]), the US
    /// bulk threshold ([`UsCounter::threshold`]).
    #[must_use]
    pub fn thresholds(self) -> Vec<Threshold> {
        match self {
            Self::Cn(counter) => {
                let mut found: Vec<Threshold> = CnThreshold::ALL
                    .into_iter()
                    .filter(|t| t.counter() == counter)
                    .map(|t| Threshold {
                        value: t.value(),
                        inclusive: true,
                        citation: t.citation(),
                    })
                    .collect();
                found.sort_by_key(|t| t.value);
                found
            }
            Self::Us(counter) => vec![Threshold {
                value: counter.threshold(),
                inclusive: false,
                citation: counter.citation(),
            }],
        }
    }
}

impl fmt::Display for Counter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.jurisdiction(), self.name())
    }
}

/// A volume threshold on a [`Counter`], as a reader sees it: the number, whether reaching it
/// means "at or over" (China's 以上) or "more than" (28 CFR 202.205's bulk), and where it is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    /// The number in the text.
    pub value: u64,
    /// Whether the number itself reaches the threshold.
    pub inclusive: bool,
    /// The provision that sets it.
    pub citation: &'static str,
}

impl Threshold {
    /// Whether `count` has reached it.
    #[must_use]
    pub const fn reached_by(self, count: u64) -> bool {
        if self.inclusive {
            count >= self.value
        } else {
            count > self.value
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn cn_window_starts_on_1_january() {
        assert_eq!(Window::cn(date(2026, 1, 1)).from, date(2026, 1, 1));
        assert_eq!(Window::cn(date(2025, 12, 31)).from, date(2025, 1, 1));
        assert_eq!(Window::cn(date(2026, 7, 15)).from, date(2026, 1, 1));
        assert_eq!(Window::cn(date(2026, 12, 31)).from, date(2026, 1, 1));
        assert_eq!(Window::cn(date(2024, 2, 29)).from, date(2024, 1, 1));
        assert_eq!(Window::cn(date(2026, 7, 15)).to, date(2026, 7, 15));
    }

    #[test]
    fn us_window_is_the_preceding_twelve_months_day_included() {
        assert_eq!(Window::us(date(2026, 6, 15)).from, date(2025, 6, 15));
        assert_eq!(Window::us(date(2026, 1, 1)).from, date(2025, 1, 1));
        assert_eq!(Window::us(date(2026, 3, 1)).from, date(2025, 3, 1));
        assert_eq!(Window::us(date(2026, 6, 15)).to, date(2026, 6, 15));
    }

    #[test]
    fn us_window_clamps_leap_days() {
        assert_eq!(Window::us(date(2024, 2, 29)).from, date(2023, 2, 28));
        assert_eq!(Window::us(date(2024, 2, 28)).from, date(2023, 2, 28));
        assert_eq!(Window::us(date(2025, 2, 28)).from, date(2024, 2, 28));
        assert_eq!(Window::us(date(2025, 3, 1)).from, date(2024, 3, 1));
        assert_eq!(Window::us(date(2028, 2, 29)).from, date(2027, 2, 28));
    }

    #[test]
    fn us_window_at_the_start_of_time_starts_there() {
        assert_eq!(Window::us(Date::MIN).from, Date::MIN);
    }

    #[test]
    fn spellings_round_trip() {
        for place in [CollectedIn::Cn, CollectedIn::Us, CollectedIn::Other] {
            assert_eq!(CollectedIn::parse(place.as_str()), Some(place));
        }
        for form in [Form::Raw, Form::Pseudonymised, Form::Anonymised] {
            assert_eq!(Form::parse(form.as_str()), Some(form));
        }
        assert_eq!(CollectedIn::parse("unknown"), None);
        for jurisdiction in [Jurisdiction::Cn, Jurisdiction::Us] {
            assert_eq!(
                Jurisdiction::parse(jurisdiction.as_str()),
                Some(jurisdiction)
            );
            assert_ne!(jurisdiction.peer(), jurisdiction);
            assert_eq!(jurisdiction.peer().peer(), jurisdiction);
        }
        assert_eq!(Jurisdiction::parse("other"), None);
        assert_eq!(CollectedIn::of_jurisdiction("cn"), CollectedIn::Cn);
        assert_eq!(CollectedIn::of_jurisdiction("de"), CollectedIn::Other);
    }

    #[test]
    fn us_counters_are_named_thresholded_and_fed_by_the_vocabulary() {
        for counter in UsCounter::ALL {
            assert_eq!(UsCounter::ALL[counter.index()], counter);
            assert_eq!(
                counter.threshold_name(),
                format!("{}_threshold", counter.name())
            );
        }
        assert_eq!(UsCounter::HumanGenomic.threshold(), 100);
        assert_eq!(UsCounter::CoveredPersonalIdentifiers.threshold(), 100_000);
        let vocabulary = crate::Vocabulary::embedded().unwrap();
        let fed = |id: &str| UsCounter::of(vocabulary.get(id).unwrap());
        assert_eq!(fed("id.us.ssn"), [UsCounter::CoveredPersonalIdentifiers]);
        // Issue 14 part 2 item 2: genetic test results are human genomic data (§ 202.224(a)(1));
        // epigenomic, proteomic and transcriptomic data are 'omic data only (bulk above 1,000).
        for id in HUMAN_GENOMIC {
            assert_eq!(
                fed(id),
                [UsCounter::HumanOmic, UsCounter::HumanGenomic],
                "{id}"
            );
        }
        for id in [
            "genomic.epigenomic",
            "genomic.proteomic",
            "genomic.transcriptomic",
        ] {
            assert_eq!(fed(id), [UsCounter::HumanOmic], "{id}");
        }
        for counter in UsCounter::ALL {
            assert!(
                vocabulary
                    .categories()
                    .iter()
                    .any(|c| UsCounter::of(c).contains(&counter)),
                "some category feeds {counter}"
            );
        }
    }

    #[test]
    fn cn_thresholds_are_named_and_include_their_number() {
        for threshold in CnThreshold::ALL {
            assert!(threshold.name().ends_with("_threshold"));
            assert!(threshold.reached_by(threshold.value()));
            assert!(!threshold.reached_by(threshold.value() - 1));
        }
        assert_eq!(CnThreshold::PiStandardContract.value(), 100_000);
        assert_eq!(CnThreshold::PiSecurityAssessment.value(), 1_000_000);
        assert_eq!(CnThreshold::SensitivePiSecurityAssessment.value(), 10_000);
        assert_eq!(
            CnThreshold::SensitivePiSecurityAssessment.counter(),
            CnCounter::SensitivePersonalInformation
        );
    }

    #[test]
    fn counters_serialise_as_jurisdiction_and_name() {
        for counter in Counter::ALL {
            let json = serde_json::to_value(counter).unwrap();
            assert_eq!(json["jurisdiction"], counter.jurisdiction().as_str());
            assert_eq!(json["counter"], counter.name());
            assert_eq!(serde_json::from_value::<Counter>(json).unwrap(), counter);
            assert_eq!(
                counter.to_string(),
                format!("{}.{}", counter.jurisdiction(), counter.name())
            );
        }
    }

    #[test]
    fn thresholds_read_as_each_law_words_them() {
        let pi = Counter::Cn(CnCounter::PersonalInformation).thresholds();
        assert_eq!(
            pi.iter().map(|t| t.value).collect::<Vec<_>>(),
            [100_000, 1_000_000]
        );
        // 以上: the number itself reaches China's thresholds.
        assert!(
            pi.iter()
                .all(|t| t.reached_by(t.value) && !t.reached_by(t.value - 1))
        );
        for counter in UsCounter::ALL {
            let [bulk] = Counter::Us(counter).thresholds()[..] else {
                panic!("{counter}: one bulk threshold");
            };
            // "More than": N is not bulk, N + 1 is.
            assert_eq!(bulk.value, counter.threshold());
            assert!(!bulk.reached_by(bulk.value) && bulk.reached_by(bulk.value + 1));
            assert!(bulk.citation.starts_with("28 CFR 202.205("));
        }
        for threshold in CnThreshold::ALL {
            let on = Counter::Cn(threshold.counter()).thresholds();
            assert!(on.iter().any(|t| t.value == threshold.value()
                && t.reached_by(threshold.value()) == threshold.reached_by(threshold.value())));
        }
    }
}
