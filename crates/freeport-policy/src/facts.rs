//! The transfer-facts format: everything either rule pack needs to know about one transfer,
//! in one common language (TOML or JSON, same shape, JSON Schema from [`facts_schema`]).
//!
//! Facts the exporter cannot know may be written `"unknown"` where the type says [`Tri`]; the
//! judge then evaluates every possibility instead of guessing. Nothing here has a default that
//! could change an outcome: every fact that a rule reads is required.

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

pub use freeport_vocabulary::{CollectedIn, Form};

use crate::volumes::PriorVolumes;

/// The newest version of the facts format, the one `freeport judge --schema` documents.
///
/// Format 1 states the parties' legal status as typed-in conclusions (`exporter.us_person`,
/// `exporter.owned_25pct_by_country_of_concern`, `recipient.covered_person`,
/// `recipient.padfa_controlled`, `passive_investment`), each required. Format 2 adds the facts those conclusions follow from (`[parties]`,
/// `exporter.party`, `recipient.party`, `[investment]`) and lets the judge derive them
/// (`crate::parties`); a typed-in conclusion stays possible, is labelled declared and is
/// checked against the derived one. Every format-1 file is a valid format-1 file still and is
/// judged exactly as before; format-2 fields in a format-1 file are refused by name.
pub const FACTS_FORMAT: u32 = 2;

/// Every version of the facts format this crate reads.
pub const FACTS_FORMATS: [u32; 2] = [1, 2];

/// One transfer, described once for both countries' rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferFacts {
    /// Format version: 1 (the parties' legal conclusions typed in, e.g. `covered_person`) or 2
    /// (the parties described as they are in `[[parties]]`, the conclusions derived with their
    /// reasons). The newest is [`FACTS_FORMAT`].
    pub format: u32,
    /// The day of the transfer (`YYYY-MM-DD`). Picks the counting windows and the rules in
    /// force. A date after a pack's last review is judged with a "not reviewed for this date"
    /// warning; a date before a pack's first day leaves that country's side `NOT_JUDGED`.
    #[schemars(with = "IsoDate")]
    #[serde(deserialize_with = "date_serde::deserialize")]
    pub date: Date,
    /// Why the data moves, from the shared list of scenarios (CAC16 Arts 3 and 5; 28 CFR 202
    /// Subpart E).
    pub scenario: Scenario,
    /// The exporter's own statement of why the data moves and what the recipient does with it
    /// (PIPL Arts 38-39; the report's necessity section quotes it). For the record: no rule
    /// reads it, the scenario is what the rules judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The kind of transaction under 28 CFR 202.210: data brokerage, vendor, employment,
    /// investment, or other.
    pub transaction: TransactionType,
    /// For an investment agreement: whether it is a passive investment under 28 CFR 202.228(b),
    /// as the exporter concludes it. Format 1: required when `transaction` is `investment`,
    /// refused otherwise. Format 2: give `[investment]` instead (the judge derives it) or both
    /// (the declaration is checked against the derivation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passive_investment: Option<Tri>,
    /// Format 2, for an investment agreement: the terms 28 CFR 202.228(b) reads to decide
    /// whether the investment is passive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment: Option<InvestmentTerms>,
    /// Exemptions of 28 CFR 202 Subpart E the exporter claims and that no other fact shows
    /// (personal communications, official U.S. Government business, ...).
    #[serde(default)]
    pub us_claimed_exemptions: Vec<ClaimedExemption>,
    /// What the exporter states about U.S. persons directing the transaction and about evasion
    /// (28 CFR 202.304-.305). Absent means the exporter states neither, like an empty
    /// `us_claimed_exemptions`; when present, both facts are required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_conduct: Option<UsConduct>,
    /// For a transfer inside a corporate group (`recipient.relationship = "affiliate"`): the
    /// administrative or ancillary operation it serves and whether it answers a
    /// country-of-concern government's request (28 CFR 202.506). Absent: the `cross_border_hr`
    /// scenario is the group's human-resources operation, any other scenario none, and no
    /// government request; when present, both facts are required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corporate_group: Option<CorporateGroup>,
    /// Who sends the data.
    pub exporter: Exporter,
    /// Who receives it.
    pub recipient: Recipient,
    /// What is sent.
    pub data: Data,
    /// Transfer mechanisms already in place.
    #[serde(default)]
    pub mechanisms: Mechanisms,
    /// The days the law counts deadlines from, beyond `date` and the mechanisms' own dates
    /// (any format; optional, each field too). Every decision states the due dates that follow
    /// (`due` of each side and law); a deadline whose day is not given is stated relative to
    /// its event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<Dates>,
    /// Volumes this exporter already sent in the counting windows. When absent, the caller
    /// supplies them (from the store) or says explicitly that nothing was sent before
    /// ([`PriorVolumes::none`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_volumes: Option<PriorVolumes>,
    /// Format 2: every party the classification needs, by an id of your choice — the exporter
    /// and the recipient (`exporter.party`, `recipient.party`), their owners, direct and
    /// indirect, and employers. The judge derives U.S. person (28 CFR 202.256), covered person
    /// (28 CFR 202.211) and PADFA control (15 U.S.C. 9901(c)(2)) from them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parties: BTreeMap<String, Party>,
}

/// One party as it is (format 2): a natural person, a legal entity, a branch of one, or a
/// government. Which fields apply depends on `kind`; the others are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// `individual`, `entity`, `branch` or `government`.
    pub kind: PartyKind,
    /// Name, for the record only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Individual: every citizenship, ISO 3166-1 alpha-2 (`us` for U.S. citizens and
    /// nationals); may be empty (stateless). A U.S. citizen is a U.S. person wherever they are
    /// (28 CFR 202.256(a), Examples 2 and 3).
    #[serde(default)]
    pub citizenships: Vec<String>,
    /// Individual: a U.S. lawful permanent resident (28 CFR 202.256(a)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_lawful_permanent_resident: Option<Tri>,
    /// Individual: admitted to the United States as a refugee (8 U.S.C. 1157) or granted asylum
    /// (8 U.S.C. 1158) (28 CFR 202.256(a)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_refugee_or_asylee: Option<Tri>,
    /// Individual: the country the person is primarily resident in (28 CFR 202.211(a)(4);
    /// domicile under 15 U.S.C. 9901(c)(2)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_residence: Option<String>,
    /// Individual or branch: the country the person or branch is in now. Any person in the
    /// United States is a U.S. person (28 CFR 202.256(a), Example 1); a branch follows the
    /// entity it belongs to (Examples 5 and 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub located_in: Option<String>,
    /// Individual: ids of the entities or governments the person is an employee of
    /// (28 CFR 202.211(a)(3)).
    #[serde(default)]
    pub employee_of: Vec<String>,
    /// Individual: ids of the entities or governments the person is a contractor of
    /// (28 CFR 202.211(a)(3)).
    #[serde(default)]
    pub contractor_of: Vec<String>,
    /// Entity: the country under whose laws it is organised or chartered (28 CFR 202.256(a),
    /// 202.211(a)(1); 15 U.S.C. 9901(c)(2)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organised_in: Option<String>,
    /// Entity: the country of its principal place of business, or headquarters
    /// (28 CFR 202.211(a)(1); 15 U.S.C. 9901(c)(2)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_place_of_business: Option<String>,
    /// Entity: its direct owners, each a party id with the percentage it owns. The judge
    /// follows ownership through the owners' own owners (indirect ownership); the
    /// percentages of one entity add up to at most 100.
    #[serde(default)]
    pub owners: Vec<Owner>,
    /// Branch: the id of the entity it is a branch of (not a separate legal person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch_of: Option<String>,
    /// Government: the country it is the government of (a country of concern itself,
    /// 28 CFR 202.601; a foreign adversary country, 15 U.S.C. 9901(c)(1)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Individual or entity: designated a covered person by the Attorney General
    /// (28 CFR 202.211(a)(5), the Covered Persons List). Required for both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designated: Option<Tri>,
}

/// What kind of party.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A natural person.
    Individual,
    /// A company or other legal entity.
    Entity,
    /// A branch or office of an entity, not separately organised.
    Branch,
    /// A national government, its agencies and instrumentalities.
    Government,
}

impl PartyKind {
    /// The spelling used in files and JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Entity => "entity",
            Self::Branch => "branch",
            Self::Government => "government",
        }
    }
}

/// A direct owner of an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    /// The owner's party id.
    pub party: String,
    /// The share it owns, in percent (more than 0, at most 100; counted to two decimals).
    pub percent: Percent,
}

/// A percentage as written (`12.5`), kept in hundredths of a percent so that sums and the
/// law's thresholds (50 %, 25 %, 20 %, 10 %) compare exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(i64);

impl Percent {
    /// From hundredths of a percent (`5000` is 50 %).
    #[must_use]
    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    /// In hundredths of a percent.
    #[must_use]
    pub const fn hundredths(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for Percent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, part) = (self.0 / 100, (self.0 % 100).abs());
        let sign = if self.0 < 0 && whole == 0 { "-" } else { "" };
        match part {
            0 => write!(f, "{sign}{whole} %"),
            p if p % 10 == 0 => write!(f, "{sign}{whole}.{} %", p / 10),
            p => write!(f, "{sign}{whole}.{p:02} %"),
        }
    }
}

impl Serialize for Percent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[expect(
            clippy::cast_precision_loss,
            reason = "hundredths of a percent of at most 100 % are exact in an f64"
        )]
        let value = self.0 as f64 / 100.0;
        serializer.serialize_f64(value)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if !value.is_finite() || value.abs() > 1.0e12 {
            return Err(serde::de::Error::custom(
                "a percentage must be a number such as 25 or 12.5",
            ));
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "finite and bounded above, so the rounded value fits an i64"
        )]
        let hundredths = (value * 100.0).round() as i64;
        Ok(Self(hundredths))
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Percent".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "a percentage, more than 0 and at most 100, counted to two decimals",
            "type": "number"
        })
    }
}

/// The terms of an investment agreement that decide whether it is passive
/// (28 CFR 202.228(b): all three of (b)(1), (b)(2) and (b)(3) must hold).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvestmentTerms {
    /// What is invested into (28 CFR 202.228(b)(1)).
    pub vehicle: InvestmentVehicle,
    /// For `limited_partner`: the limited partner's contribution is solely capital, it cannot
    /// make managerial decisions, is not responsible for debts beyond its investment, and has
    /// no formal or informal ability to influence or participate in the fund's or a U.S.
    /// person's decision making or operations (28 CFR 202.228(b)(1)(iii)). Refused otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limited_partner_without_influence: Option<Tri>,
    /// The covered person's total voting and equity interest in the U.S. person after the
    /// investment, in percent; passive only below 10 (28 CFR 202.228(b)(2)).
    pub voting_and_equity_percent: Percent,
    /// The investment gives the covered person no rights beyond standard minority shareholder
    /// protections (28 CFR 202.228(b)(3); the copy of the text read stops inside (b)(3),
    /// law-cn-us.md B.5 marks it unread: state what the agreement grants).
    pub minority_protections_only: Tri,
}

/// What an investment is made into (28 CFR 202.228(b)(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvestmentVehicle {
    /// A publicly traded security (15 U.S.C. 78c(a)(10)), on an exchange or over the counter,
    /// in any jurisdiction ((b)(1)(i)).
    PubliclyTradedSecurity,
    /// A security of an SEC-registered investment company (index fund, mutual fund, ETF) or a
    /// business development company, or a derivative of either ((b)(1)(ii)).
    RegisteredFund,
    /// As a limited partner into a venture-capital, private-equity or other pooled fund or
    /// private entity ((b)(1)(iii)).
    LimitedPartner,
    /// Anything else (a direct stake in a private company, real estate): never passive.
    Other,
}

impl InvestmentVehicle {
    /// The spelling used in files and JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PubliclyTradedSecurity => "publicly_traded_security",
            Self::RegisteredFund => "registered_fund",
            Self::LimitedPartner => "limited_partner",
            Self::Other => "other",
        }
    }
}

/// Conduct around the transaction that 28 CFR 202.304-.305 prohibit whoever formally engages in
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsConduct {
    /// A U.S. person knowingly directs this transaction although the exporter itself is not a
    /// U.S. person, e.g. a U.S. parent's officer approving a foreign subsidiary's sale of data
    /// (28 CFR 202.305).
    pub directed_by_us_person: Tri,
    /// The transaction has the purpose of evading or avoiding a prohibition of 28 CFR 202,
    /// causes or attempts a violation, or is part of a conspiracy to violate one, e.g. splitting
    /// a transfer across intermediaries to stay under the bulk thresholds (28 CFR 202.304).
    pub evasion: Tri,
}

/// A transfer between a U.S. person and its subsidiary or affiliate located in, or controlled
/// from, a country of concern, as 28 CFR 202.506 reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorporateGroup {
    /// The administrative or ancillary business operation the transfer is ordinarily incident
    /// to and part of (28 CFR 202.506(a)); `none` when it serves none of them.
    pub operation: CorporateOperation,
    /// The subsidiary or affiliate gets the data to comply with a request or order of a
    /// country-of-concern government: not an administrative operation, so § 202.506 does not
    /// exempt it (its examples; law-cn-us.md, Subpart E table).
    pub government_request: Tri,
}

/// The administrative and ancillary business operations 28 CFR 202.506(a) lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CorporateOperation {
    /// Human resources (§ 202.506(a)(1)).
    HumanResources,
    /// Payroll, expense monitoring and reimbursement, and other corporate financial
    /// activities (§ 202.506(a)(2)).
    PayrollAndFinance,
    /// Paying business taxes or fees (§ 202.506(a)(3)).
    TaxesAndFees,
    /// Obtaining or maintaining business permits or licences (§ 202.506(a)(4)).
    PermitsAndLicences,
    /// Sharing data with auditors and law firms for regulatory compliance (§ 202.506(a)(6)).
    AuditorsAndLawFirms,
    /// Risk management (§ 202.506(a)(7)).
    RiskManagement,
    /// Business-related travel (§ 202.506(a)(8)).
    BusinessTravel,
    /// Customer support (§ 202.506(a)(9)).
    CustomerSupport,
    /// Employee benefits (§ 202.506(a)(10)).
    EmployeeBenefits,
    /// Employees' internal and external communications (§ 202.506(a)(11)).
    EmployeeCommunications,
    /// None of the listed operations: the exemption does not apply.
    None,
}

impl CorporateOperation {
    /// The spelling used in files, JSON and the US pack's `corporate_operation`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HumanResources => "human_resources",
            Self::PayrollAndFinance => "payroll_and_finance",
            Self::TaxesAndFees => "taxes_and_fees",
            Self::PermitsAndLicences => "permits_and_licences",
            Self::AuditorsAndLawFirms => "auditors_and_law_firms",
            Self::RiskManagement => "risk_management",
            Self::BusinessTravel => "business_travel",
            Self::CustomerSupport => "customer_support",
            Self::EmployeeBenefits => "employee_benefits",
            Self::EmployeeCommunications => "employee_communications",
            Self::None => "none",
        }
    }
}

impl TransferFacts {
    /// The corporate-group operation the transfer serves (28 CFR 202.506): as stated in
    /// `[corporate_group]`, else human resources for the `cross_border_hr` scenario, else none.
    #[must_use]
    pub fn corporate_operation(&self) -> CorporateOperation {
        match (self.corporate_group, self.scenario) {
            (Some(group), _) => group.operation,
            (None, Scenario::CrossBorderHr) => CorporateOperation::HumanResources,
            (None, _) => CorporateOperation::None,
        }
    }
}

/// The sending party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exporter {
    /// Name, for the record only.
    pub name: String,
    /// Where the exporter is established, ISO 3166-1 alpha-2 in lowercase (`cn` = mainland
    /// China; `hk` and `mo` are outside the PRC export rules but countries of concern under
    /// 28 CFR 202.601).
    pub jurisdiction: String,
    /// Critical information infrastructure operator (关键信息基础设施运营者), CAC16 Art 7(1).
    pub ciio: Tri,
    /// U.S. person under 28 CFR 202.256, as concluded by the exporter. Format 1: required.
    /// Format 2: give `party` instead (derived) or both (checked against each other).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_person: Option<Tri>,
    /// Format 2: the exporter's id in `[parties]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// Data broker under PADFA, 15 U.S.C. 9901(c).
    pub data_broker: Tri,
    /// 25 % or more of its equity owned, directly or indirectly, by a country of concern or
    /// covered persons (28 CFR 202.1103), as concluded by the exporter. Format 1: required.
    /// Format 2: give `party` instead (derived from its owners) or both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_25pct_by_country_of_concern: Option<Tri>,
    /// Free-trade zone the exporter operates in and which entries of its negative list the data
    /// falls under (CAC16 Art 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ftz: Option<FtzFacts>,
}

/// Where in a free-trade zone the exporter sits, and the data's place on its negative list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FtzFacts {
    /// The zone, as named by a list under `rules/cn/ftz/` (e.g. `tianjin`).
    pub zone: String,
    /// Ids of the list entries the data falls under; empty when the data is on none.
    pub listed_entries: Vec<String>,
}

/// The receiving party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// Name, for the record only.
    pub name: String,
    /// Where the recipient is, ISO 3166-1 alpha-2 in lowercase.
    pub country: String,
    /// How the recipient relates to the exporter.
    pub relationship: Relationship,
    /// Covered person under 28 CFR 202.211 (or a country of concern itself), as concluded by
    /// the exporter. Format 1: required. Format 2: give `party` instead (derived) or both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered_person: Option<Tri>,
    /// Controlled by a foreign adversary under PADFA, 15 U.S.C. 9901(c)(2), as concluded by
    /// the exporter. Format 1: required. Format 2: give `party` instead (derived) or both; a
    /// declared `true` where the ownership facts show no control stands as the declared
    /// ground (direction or control, which ownership facts cannot show).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub padfa_controlled: Option<Tri>,
    /// Format 2: the recipient's id in `[parties]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// A foreign judicial or law-enforcement body (PIPL Art 41; DSL Art 36).
    pub foreign_judicial_or_law_enforcement: Tri,
    /// On the CAC list of PIPL Art 42 restricting provision of PI to it.
    pub cac_restricted_list: Tri,
    /// The recipient provides cloud-computing services under the agreement (28 CFR 202.258,
    /// 202.1103).
    pub cloud_computing: Tri,
}

/// The data that moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// Whether any of it has been notified or published as important data (CAC16 Art 2;
    /// NDSMR Art 37). Data never notified or published need not be declared as important data.
    pub important_data: Tri,
    /// Government-related data under 28 CFR 202.222 (GRLD-list geolocation, or marketed as
    /// linked to U.S. Government personnel), as the exporter concludes it. With
    /// `us_government_related_facts` the judge derives it and checks this declaration against
    /// the derivation (a contradiction is reported and judged on the facts).
    pub us_government_related: Tri,
    /// What 28 CFR 202.222 reads to decide whether the data is government-related: how a
    /// transacting party markets it, and whether its precise geolocation data covers a location
    /// on the Government-Related Location Data List (§ 202.1401).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_government_related_facts: Option<GovernmentRelatedFacts>,
    /// Whose data it is; cross-border HR (CAC16 Art 5(2)) covers employees only.
    pub subjects: Vec<Subjects>,
    /// Distinct natural persons in the whole transfer, when known (e.g. from Scan's salted
    /// subject hashes). Without it, totals across categories are only known as a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub individuals: Option<u64>,
    /// One entry per vocabulary category and place of collection in the transfer: a category
    /// collected in more than one place (mixed origins) has one entry per place, each feeding
    /// its own country's counter (CAC11 Art. 2; 28 CFR 202.205). `freeport assess` fills it from
    /// the scan, so a transfer file for it leaves it out.
    #[serde(default)]
    pub inventory: Vec<InventoryItem>,
    /// Human biospecimens of U.S. persons the recipient gets access to (28 CFR 202.223,
    /// 202.303). Not data, so not in `inventory`; absent when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_biospecimens: Option<Biospecimens>,
    /// The stated precision, in metres, of a precise-geolocation category of the inventory
    /// (by category id). 28 CFR 202.242 makes location data precise geolocation data when it
    /// identifies a location "with a precision of within 1,000 meters": data stated coarser than
    /// 1,000 m does not count toward § 202.205(c); 1,000 m or finer, or no statement, does.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub geolocation_precision_metres: BTreeMap<String, u64>,
}

/// The facts 28 CFR 202.222 decides government-related data from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GovernmentRelatedFacts {
    /// A transacting party markets the data as linked or linkable to current or recent former
    /// employees or contractors, or former senior officials, of the U.S. Government, military
    /// and intelligence community included (28 CFR 202.222(a)(2)): government-related
    /// whatever the volume.
    pub marketed_as_linked_to_us_government: Tri,
    /// The precise geolocation data includes a location within an area on the
    /// Government-Related Location Data List (28 CFR 202.222(a)(1), 202.1401): such data is
    /// government-related whatever the volume. Without precise geolocation data in the
    /// inventory it does not matter.
    pub locations_on_government_list: Tri,
}

/// The coarsest precision, in metres, at which location data is precise geolocation data
/// (28 CFR 202.242: "within 1,000 meters").
pub const PRECISE_GEOLOCATION_METRES: u64 = 1_000;

/// Human biospecimens (tissue, blood, urine or other human-derived material, 28 CFR 202.223)
/// in the transaction. 28 CFR 202.303 prohibits access to those from which bulk human 'omic
/// data could be derived: of more than 1,000 U.S. persons, or more than 100 when human genomic
/// data could be derived (the thresholds of 28 CFR 202.205(a)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Biospecimens {
    /// Distinct U.S. persons whose biospecimens the recipient gets access to; at least 1.
    pub persons: u64,
    /// Whether human genomic data could be derived from them (any specimen holding DNA).
    pub genomic: Tri,
}

/// One category of the shared vocabulary in the transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryItem {
    /// Vocabulary id, e.g. `contact.phone` (`freeport vocab list`).
    pub category: String,
    /// Distinct natural persons whose data of this category is in the transfer.
    pub individuals: u64,
    /// Distinct devices, for precise-geolocation categories (28 CFR 202.205(c) counts devices);
    /// required for those, refused for others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<u64>,
    /// Where the data was collected or generated.
    pub collected_in: CollectedIn,
    /// Raw, pseudonymised (去标识化, still PI) or anonymised (匿名化, not PI under PIPL Art 4).
    pub form: Form,
}

/// Whose data it is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Subjects {
    /// The exporter's employees.
    Employees,
    /// Customers or consumers.
    Customers,
    /// Patients or trial participants.
    Patients,
    /// Users of an app or service.
    Users,
    /// Anyone else.
    Other,
}

/// Transfer mechanisms already in place, with their dates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mechanisms {
    /// CAC security assessment passed (CAC11; valid 3 years under CAC16 Art 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cn_security_assessment: Option<ValidPeriod>,
    /// PI-export standard contract in effect and filed (CAC13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cn_standard_contract: Option<Since>,
    /// PI-protection certification held (CAC20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cn_certification: Option<ValidPeriod>,
    /// CISA security requirements implemented (28 CFR 202.248).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_cisa_security_requirements: Option<Since>,
    /// Data compliance programme in place (28 CFR 202.1001).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_data_compliance_programme: Option<Since>,
    /// Contractual ban on onward brokerage to countries of concern (28 CFR 202.302(a)(1)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_onward_transfer_contract: Option<Since>,
}

/// The days deadlines are counted from (each optional). Dates out of order are refused by name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dates {
    /// The first day of the transaction (28 CFR 202.1101(b)(6) records it).
    #[schemars(with = "Option<IsoDate>")]
    #[serde(
        default,
        deserialize_with = "date_serde::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_started: Option<Date>,
    /// The last day of the transaction (28 CFR 202.1101(b)(6)); records are kept for at least
    /// 10 years after the transaction (28 CFR 202.1101(a)), counted from this day when given,
    /// else from `date`.
    #[schemars(with = "Option<IsoDate>")]
    #[serde(
        default,
        deserialize_with = "date_serde::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_ended: Option<Date>,
    /// The day the U.S. person rejected an offer of a prohibited data-brokerage transaction:
    /// the report is due within 14 days (28 CFR 202.1104(b)).
    #[schemars(with = "Option<IsoDate>")]
    #[serde(
        default,
        deserialize_with = "date_serde::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub offer_rejected: Option<Date>,
    /// The day the U.S. person became aware of a known or suspected violation of the
    /// § 202.302 onward-transfer clause: the report is due within 14 days (28 CFR
    /// 202.302(b)(1)).
    #[schemars(with = "Option<IsoDate>")]
    #[serde(
        default,
        deserialize_with = "date_serde::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub violation_known: Option<Date>,
}

/// A mechanism valid from one day to another, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidPeriod {
    /// First day of validity.
    #[schemars(with = "IsoDate")]
    #[serde(deserialize_with = "date_serde::deserialize")]
    pub from: Date,
    /// Last day of validity.
    #[schemars(with = "IsoDate")]
    #[serde(deserialize_with = "date_serde::deserialize")]
    pub until: Date,
}

/// A mechanism in place since a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Since {
    /// First day in place.
    #[schemars(with = "IsoDate")]
    #[serde(deserialize_with = "date_serde::deserialize")]
    pub since: Date,
}

/// The shared scenarios.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// International trade (CAC16 Art 3).
    InternationalTrade,
    /// Cross-border transport (CAC16 Art 3).
    CrossBorderTransport,
    /// Academic cooperation (CAC16 Art 3).
    AcademicCooperation,
    /// Transnational manufacturing (CAC16 Art 3).
    Manufacturing,
    /// Marketing (CAC16 Art 3).
    Marketing,
    /// Contract with the individual: cross-border shopping (CAC16 Art 5(1)).
    ContractShopping,
    /// Contract with the individual: cross-border delivery.
    ContractDelivery,
    /// Contract with the individual: cross-border remittance.
    ContractRemittance,
    /// Contract with the individual: cross-border payment.
    ContractPayment,
    /// Contract with the individual: cross-border account opening.
    ContractAccountOpening,
    /// Contract with the individual: flight and hotel booking.
    ContractBooking,
    /// Contract with the individual: visa processing.
    ContractVisa,
    /// Contract with the individual: examination services.
    ContractExams,
    /// Cross-border HR management under lawful labour rules (CAC16 Art 5(2)).
    CrossBorderHr,
    /// Emergency to protect life, health and property (CAC16 Art 5(3)).
    Emergency,
    /// Regulatory approval of a drug, biological product or device (28 CFR 202.510).
    RegulatoryApproval,
    /// FDA-regulated clinical investigation or post-marketing surveillance (28 CFR 202.511).
    ClinicalInvestigation,
    /// Service outsourcing.
    ServiceOutsourcing,
    /// Supply-chain management.
    SupplyChainManagement,
    /// Anything else.
    Other,
}

impl Scenario {
    /// Every scenario, in declaration order.
    pub const ALL: [Self; 20] = [
        Self::InternationalTrade,
        Self::CrossBorderTransport,
        Self::AcademicCooperation,
        Self::Manufacturing,
        Self::Marketing,
        Self::ContractShopping,
        Self::ContractDelivery,
        Self::ContractRemittance,
        Self::ContractPayment,
        Self::ContractAccountOpening,
        Self::ContractBooking,
        Self::ContractVisa,
        Self::ContractExams,
        Self::CrossBorderHr,
        Self::Emergency,
        Self::RegulatoryApproval,
        Self::ClinicalInvestigation,
        Self::ServiceOutsourcing,
        Self::SupplyChainManagement,
        Self::Other,
    ];

    /// The spelling used in files, JSON and rule packs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InternationalTrade => "international_trade",
            Self::CrossBorderTransport => "cross_border_transport",
            Self::AcademicCooperation => "academic_cooperation",
            Self::Manufacturing => "manufacturing",
            Self::Marketing => "marketing",
            Self::ContractShopping => "contract_shopping",
            Self::ContractDelivery => "contract_delivery",
            Self::ContractRemittance => "contract_remittance",
            Self::ContractPayment => "contract_payment",
            Self::ContractAccountOpening => "contract_account_opening",
            Self::ContractBooking => "contract_booking",
            Self::ContractVisa => "contract_visa",
            Self::ContractExams => "contract_exams",
            Self::CrossBorderHr => "cross_border_hr",
            Self::Emergency => "emergency",
            Self::RegulatoryApproval => "regulatory_approval",
            Self::ClinicalInvestigation => "clinical_investigation",
            Self::ServiceOutsourcing => "service_outsourcing",
            Self::SupplyChainManagement => "supply_chain_management",
            Self::Other => "other",
        }
    }
}

/// The kind of transaction under 28 CFR 202.210.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransactionType {
    /// Data brokerage (§ 202.214).
    DataBrokerage,
    /// Vendor agreement, including cloud computing (§ 202.258).
    Vendor,
    /// Employment agreement (§ 202.217).
    Employment,
    /// Investment agreement (§ 202.228).
    Investment,
    /// None of the four: not a covered data transaction.
    Other,
}

impl TransactionType {
    /// The spelling used in files, JSON and rule packs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DataBrokerage => "data_brokerage",
            Self::Vendor => "vendor",
            Self::Employment => "employment",
            Self::Investment => "investment",
            Self::Other => "other",
        }
    }
}

/// How the recipient relates to the exporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// A company of the same group (parent, subsidiary or sister company).
    Affiliate,
    /// A vendor or service provider.
    Vendor,
    /// An employee.
    Employee,
    /// An investor.
    Investor,
    /// A customer.
    Customer,
    /// A researcher or research institution.
    Researcher,
    /// A buyer of data.
    DataBuyer,
    /// Anything else.
    Other,
}

impl Relationship {
    /// The spelling used in files, JSON and rule packs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Affiliate => "affiliate",
            Self::Vendor => "vendor",
            Self::Employee => "employee",
            Self::Investor => "investor",
            Self::Customer => "customer",
            Self::Researcher => "researcher",
            Self::DataBuyer => "data_buyer",
            Self::Other => "other",
        }
    }
}

/// Exemptions of 28 CFR 202 Subpart E that only the exporter can state.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClaimedExemption {
    /// § 202.501.
    PersonalCommunications,
    /// § 202.502.
    InformationalMaterials,
    /// § 202.503.
    Travel,
    /// § 202.504.
    OfficialGovernmentBusiness,
    /// § 202.507.
    RequiredByFederalLaw,
    /// § 202.508.
    CfiusAction,
    /// § 202.509.
    Telecommunications,
}

impl ClaimedExemption {
    /// The spelling used in files, JSON and rule packs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PersonalCommunications => "personal_communications",
            Self::InformationalMaterials => "informational_materials",
            Self::Travel => "travel",
            Self::OfficialGovernmentBusiness => "official_government_business",
            Self::RequiredByFederalLaw => "required_by_federal_law",
            Self::CfiusAction => "cfius_action",
            Self::Telecommunications => "telecommunications",
        }
    }
}

/// A yes/no fact that may be unknown: `true`, `false` or `"unknown"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tri {
    /// Known to hold.
    True,
    /// Known not to hold.
    False,
    /// The exporter cannot know; the judge evaluates both.
    Unknown,
}

impl Tri {
    /// The known value, if any.
    #[must_use]
    pub const fn known(self) -> Option<bool> {
        match self {
            Self::True => Some(true),
            Self::False => Some(false),
            Self::Unknown => None,
        }
    }
}

impl From<bool> for Tri {
    fn from(value: bool) -> Self {
        if value { Self::True } else { Self::False }
    }
}

impl Serialize for Tri {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::True => serializer.serialize_bool(true),
            Self::False => serializer.serialize_bool(false),
            Self::Unknown => serializer.serialize_str("unknown"),
        }
    }
}

impl<'de> Deserialize<'de> for Tri {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Tri;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`true`, `false` or `\"unknown\"`")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Tri, E> {
                Ok(Tri::from(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Tri, E> {
                if v == "unknown" {
                    Ok(Tri::Unknown)
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(v), &self))
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for Tri {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Tri".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "true, false, or \"unknown\" when the exporter cannot know; the judge then reports every possibility",
            "oneOf": [{ "type": "boolean" }, { "const": "unknown" }]
        })
    }
}

/// Dates in facts files: a string `"2026-03-01"` (JSON or TOML) or a bare TOML date
/// `2026-03-01`.
pub(crate) mod date_serde {
    use jiff::civil::Date;
    use serde::Deserializer;

    /// Deserialises a civil date from a string or a TOML date.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Date, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Date;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date such as 2026-03-01")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse::<Date>().map_err(|_| {
                    E::invalid_value(serde::de::Unexpected::Str(v), &"a date such as 2026-03-01")
                })
            }
            // The toml crate hands dates over as a one-entry map holding their text.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let Some((_, text)) = map.next_entry::<String, String>()? else {
                    return Err(serde::de::Error::custom(
                        "expected a date such as 2026-03-01",
                    ));
                };
                self.visit_str(&text)
            }
        }
        deserializer.deserialize_any(Visitor)
    }

    /// Deserialises an optional civil date (the field present means a date).
    pub(crate) fn deserialize_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Date>, D::Error> {
        deserialize(deserializer).map(Some)
    }
}

/// A civil date in the schema: a string `YYYY-MM-DD` (`format: date`, so a form asks for a
/// date).
pub(crate) struct IsoDate;

impl JsonSchema for IsoDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IsoDate".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date" })
    }
}

/// Each field's and each choice's title in English and Chinese and each field's help in Chinese
/// (`[Type.field]`, `[Type.choice]`; the root type is `TransferFacts`).
const SCHEMA_TEXT: &str = include_str!("facts-schema-text.toml");

/// One entry of [`SCHEMA_TEXT`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaText {
    en: String,
    zh: String,
    help: Option<String>,
}

fn schema_text() -> BTreeMap<String, BTreeMap<String, SchemaText>> {
    // The embedded file is checked by the tests below; a broken one gives a schema without
    // titles, never a crash.
    toml::from_str(SCHEMA_TEXT).unwrap_or_default()
}

/// Puts the titles and Chinese help of `texts` on the fields (`properties`) and choices
/// (`oneOf` constants) of one type's schema.
fn add_text(schema: &mut serde_json::Value, texts: Option<&BTreeMap<String, SchemaText>>) {
    let Some(texts) = texts else { return };
    let put = |target: &mut serde_json::Value, text: &SchemaText| {
        if let Some(object) = target.as_object_mut() {
            object.insert("title".into(), text.en.clone().into());
            object.insert("x-zh-title".into(), text.zh.clone().into());
            if let Some(help) = &text.help {
                object.insert("x-zh-description".into(), help.clone().into());
            }
        }
    };
    if let Some(properties) = schema
        .get_mut("properties")
        .and_then(serde_json::Value::as_object_mut)
    {
        for (name, property) in properties {
            if let Some(text) = texts.get(name) {
                put(property, text);
            }
        }
    }
    if let Some(choices) = schema
        .get_mut("oneOf")
        .and_then(serde_json::Value::as_array_mut)
    {
        for choice in choices {
            let name = choice.get("const").and_then(serde_json::Value::as_str);
            if let Some(text) = name.and_then(|name| texts.get(name)) {
                put(choice, text);
            }
        }
    }
}

/// The JSON Schema of the facts format, pretty-printed with sorted keys: the fields' English
/// help from their doc comments, their titles in English and Chinese (`title`, `x-zh-title`)
/// and Chinese help (`x-zh-description`) from `facts-schema-text.toml`, and `format`'s default
/// the newest format.
#[must_use]
pub fn facts_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(TransferFacts);
    // Round-tripping through `Value` (a BTreeMap-backed map) sorts every object's keys.
    let mut schema = serde_json::to_value(schema).unwrap_or(serde_json::Value::Null);
    let texts = schema_text();
    add_text(&mut schema, texts.get("TransferFacts"));
    if let Some(defs) = schema
        .get_mut("$defs")
        .and_then(serde_json::Value::as_object_mut)
    {
        for (name, def) in defs {
            add_text(def, texts.get(name));
        }
    }
    if let Some(format) = schema.pointer_mut("/properties/format") {
        format["default"] = FACTS_FORMAT.into();
    }
    schema
}

#[cfg(test)]
mod schema_tests {
    use super::*;

    /// `Type.field` and `Type.choice` of every field and fixed choice the schema has.
    fn named(schema: &serde_json::Value) -> Vec<String> {
        let mut names = Vec::new();
        let mut types = vec![("TransferFacts".to_owned(), schema)];
        if let Some(defs) = schema.get("$defs").and_then(serde_json::Value::as_object) {
            types.extend(defs.iter().map(|(name, def)| (name.clone(), def)));
        }
        for (name, def) in types {
            if let Some(properties) = def.get("properties").and_then(|p| p.as_object()) {
                names.extend(properties.keys().map(|field| format!("{name}.{field}")));
            }
            for choice in def
                .get("oneOf")
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten()
            {
                // `Tri`'s choices are a boolean and "unknown": words of the reader's, not data.
                if let (Some(value), false) =
                    (choice.get("const").and_then(|c| c.as_str()), name == "Tri")
                {
                    names.push(format!("{name}.{value}"));
                }
            }
        }
        names.sort();
        names
    }

    #[test]
    fn every_field_and_choice_has_its_titles_and_every_field_its_chinese_help() {
        let texts = toml::from_str::<BTreeMap<String, BTreeMap<String, SchemaText>>>(SCHEMA_TEXT)
            .expect("facts-schema-text.toml parses");
        let schema = facts_schema();
        let wanted = named(&schema);
        let mut given: Vec<String> = texts
            .iter()
            .flat_map(|(ty, fields)| fields.keys().map(move |f| format!("{ty}.{f}")))
            .collect();
        given.sort();
        assert_eq!(
            given, wanted,
            "facts-schema-text.toml and the schema differ"
        );
        for (ty, fields) in &texts {
            for (field, text) in fields {
                assert!(
                    !text.en.trim().is_empty() && !text.zh.trim().is_empty(),
                    "{ty}.{field}"
                );
                let is_field = schema
                    .pointer(&format!("/$defs/{ty}/properties/{field}"))
                    .or_else(|| {
                        schema
                            .pointer(&format!("/properties/{field}"))
                            .filter(|_| ty == "TransferFacts")
                    })
                    .is_some();
                assert_eq!(
                    text.help.is_some(),
                    is_field,
                    "{ty}.{field}: help on fields only"
                );
            }
        }
        assert_eq!(schema["properties"]["date"]["format"], "date");
        assert_eq!(schema["properties"]["format"]["default"], FACTS_FORMAT);
        assert_eq!(schema["properties"]["exporter"]["x-zh-title"], "出口方");
    }
}
