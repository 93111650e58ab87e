//! The report model: what the engines produced, arranged in filing order, with no sentence of
//! prose (prose lives in the locale files) and no cell value.

use std::collections::{BTreeMap, BTreeSet};

use freeport_deid::report::Report as DeidReport;
use freeport_deid::risk::Risk;
use freeport_detect::Evidence as DetectEvidence;
use freeport_policy::{
    CollectedIn, Coverage, Decision, Form, Jurisdiction, MechanismStatus, PriorVolumes, Role,
    RulePack, SideDecision, TransferFacts, Tri,
};
use freeport_scan::ScanReport;
use freeport_vocabulary::{CnClass, CnCounter, Counter, DspCategory, Vocabulary, Window};
use serde::{Deserialize, Serialize};

use crate::risk::{RiskCause, RiskEntry, derive_risks};
use crate::verdict::{PIPIA, Summary, mechanism_status};

/// Version of the report's JSON shape; bumped on any incompatible change (2: `frame`,
/// `summary`, the `this_report` mechanism status, retention only where a law applies).
pub const SCHEMA_VERSION: u32 = 2;

/// Everything a report is built from, borrowed from the caller (`freeport assess`).
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The transfer's id (as recorded in the store and the log).
    pub transfer_id: &'a str,
    /// The transfer facts as submitted (parties, scenario, inventory from the scan).
    pub facts: &'a TransferFacts,
    /// The decision on `facts`.
    pub decision: &'a Decision,
    /// Facts and decision after de-identification, when the data were de-identified and judged
    /// again; the report's headline decision is then this one.
    pub after_deid: Option<Rejudged<'a>>,
    /// Volumes already sent inside each country's counting window (from the store); falls back
    /// to `facts.prior_volumes`.
    pub prior: Option<&'a PriorVolumes>,
    /// The scan of every dataset of the transfer.
    pub scan: &'a ScanReport,
    /// `sha256:` content hash per dataset path, as sealed (may be empty).
    pub content_hashes: &'a BTreeMap<String, String>,
    /// De-identification reports, one per de-identified dataset.
    pub deid: &'a [DeidInput<'a>],
    /// The log entry of the decision, when it was logged.
    pub log: Option<LogInfo<'a>>,
    /// The rule packs the decision names, to quote each fired rule's source and explanation
    /// (may be empty: ids, citations and `file:line` come from the decision itself).
    pub packs: &'a [&'a RulePack],
    /// The vocabulary, for category names and classes.
    pub vocabulary: &'a Vocabulary,
    /// Free Data Port's version.
    pub tool_version: &'a str,
    /// Who ran the assessment, if known.
    pub assessor: Option<&'a str>,
    /// The day the report is generated (the caller's clock: the model never reads one).
    pub generated_on: jiff::civil::Date,
}

/// A second judgement after de-identification.
#[derive(Debug, Clone, Copy)]
pub struct Rejudged<'a> {
    /// The facts with the de-identified forms.
    pub facts: &'a TransferFacts,
    /// The decision on them.
    pub decision: &'a Decision,
}

/// One de-identification report and the dataset it ran on.
#[derive(Debug, Clone, Copy)]
pub struct DeidInput<'a> {
    /// Dataset path, as in the scan.
    pub dataset: &'a str,
    /// The engine's report.
    pub report: &'a DeidReport,
}

/// Where the decision was logged.
#[derive(Debug, Clone, Copy)]
pub struct LogInfo<'a> {
    /// The log's origin line.
    pub origin: &'a str,
    /// Tree size of the checkpoint the receipt proves against.
    pub checkpoint_size: u64,
    /// Root hash of that checkpoint (base64, as in the checkpoint note).
    pub root_hash: &'a str,
    /// Index of the decision's entry.
    pub leaf_index: u64,
    /// The C2SP tlog-proof receipt text.
    pub receipt: &'a str,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// 1. Cover.
    pub cover: Cover,
    /// Which way the data goes, and so which record this report is.
    pub frame: Frame,
    /// What the headline decision comes to, overall and per side: the one reading the cover's
    /// banner and every section use ([`Summary::of`] on `decision.sides`).
    pub summary: Summary,
    /// 2. Decision per country.
    pub decision: DecisionSection,
    /// 3. Data inventory.
    pub inventory: InventorySection,
    /// 4. Necessity and minimisation.
    pub minimisation: MinimisationSection,
    /// 5. Recipient.
    pub recipient: RecipientSection,
    /// 6. Risk register, most severe first.
    pub risks: Vec<RiskEntry>,
    /// 7. Channels for individuals' rights.
    pub rights: Vec<RightsChannel>,
    /// 8. Evidence appendix.
    pub evidence: Evidence,
    /// 9. Sign-off: how long to keep the report.
    pub retention: Vec<Retention>,
    /// 9. Sign-off: the items each filing asks for, answered here or to be completed.
    pub filing: Vec<crate::filing::FilingPart>,
    /// Names of every category the report mentions, in both languages (from the vocabulary),
    /// so the JSON reads on its own and the HTML needs nothing else.
    pub category_names: BTreeMap<String, CategoryName>,
}

/// Which record the report is, by where the data was collected (law-cn-us.md Part C, note 1:
/// China's export rules bite on data collected in China; 28 CFR 202 on U.S. persons' data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frame {
    /// Data collected in China leaves China: the PIPIA (PIPL Arts 55–56) and the US record.
    CnExport,
    /// Data collected in the United States goes abroad (to China, say): the record of 28 CFR
    /// 202.1101, with China's rules as they apply to the recipient.
    UsExport,
    /// Neither: the decisions as judged.
    Other,
}

/// A category's names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryName {
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
}

/// The cover page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cover {
    /// Transfer id.
    pub transfer_id: String,
    /// Date of the transfer (`YYYY-MM-DD`).
    pub transfer_date: String,
    /// Date the report was generated.
    pub generated_on: String,
    /// Who ran the assessment.
    pub assessor: Option<String>,
    /// The exporter.
    pub exporter: Party,
    /// The recipient.
    pub recipient: Party,
    /// Scenario id of the facts format.
    pub scenario: String,
    /// 28 CFR 202.210 transaction type.
    pub transaction: String,
    /// Kinds of data subjects.
    pub subjects: Vec<String>,
    /// Whether the transfer may not go ahead as described (headline decision).
    pub blocking: bool,
    /// Free Data Port's version.
    pub tool_version: String,
    /// Rule packs, China first.
    pub rule_packs: Vec<PackInfo>,
    /// The log checkpoint covering the decision.
    pub log: Option<LogCheckpoint>,
}

/// A party's name and country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// Name.
    pub name: String,
    /// Country code (`cn`, `us`, ...).
    pub country: String,
}

/// A rule pack's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackInfo {
    /// `cn` or `us`.
    pub jurisdiction: String,
    /// Title from `pack.toml`, when the pack was supplied.
    pub title: Option<String>,
    /// The same title in Chinese (`title_zh`), when the pack was supplied.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title_zh: Option<String>,
    /// Version.
    pub version: String,
    /// `sha256:` content hash.
    pub hash: String,
}

/// The checkpoint the log receipt proves against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogCheckpoint {
    /// Log origin.
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// Root hash (base64).
    pub root_hash: String,
    /// The decision's leaf index.
    pub leaf_index: u64,
}

/// A side's coverage when the JSON leaves it out (the pack's review covers the date).
const fn reviewed() -> Coverage {
    Coverage::Reviewed
}

/// Section 2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionSection {
    /// `submitted`, or `deidentified` when the headline is the judgement after de-identification.
    pub stage: String,
    /// The headline decision: China, then the United States.
    pub sides: Vec<SideReport>,
    /// The decision on the data as submitted, when the headline is after de-identification.
    pub submitted: Option<Vec<SideReport>>,
    /// Outcomes under each combination of unknown facts (empty when all are known or all
    /// combinations agree).
    pub unknown_cases: Vec<UnknownCase>,
}

/// One country's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideReport {
    /// `cn` or `us`.
    pub jurisdiction: String,
    /// Outcome id, e.g. `STANDARD_CONTRACT_OR_CERTIFICATION`, or `NOT_JUDGED`.
    pub outcome: String,
    /// Whether the pack's last review covers the transfer's date; absent when it does. The
    /// rendered report shows a warning for every side where it is present.
    #[serde(skip_serializing_if = "Coverage::is_reviewed", default = "reviewed")]
    pub coverage: Coverage,
    /// Whether this side blocks the transfer as described.
    pub blocking: bool,
    /// Mechanisms required and whether they are in place.
    pub mechanisms: Vec<MechanismRow>,
    /// Obligations, in rule order, as the pack words them.
    pub obligations: Vec<String>,
    /// The same obligations as the pack words them in Chinese, one for one.
    pub obligations_zh: Vec<String>,
    /// The rules that decided the outcome.
    pub decided_by: Vec<RuleRef>,
    /// Each law's own outcome, for a side whose pack judges several (the US: 28 CFR Part 202
    /// and PADFA); the headline `outcome` is the most burdensome.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub laws: Vec<LawReport>,
    /// The deadlines that follow (every law's), counted from the days the facts give.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub due: Vec<DueRow>,
}

/// A deadline, as the judge states it in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueRow {
    /// What is due, as the pack words it.
    pub what: String,
    /// The same in Chinese.
    pub what_zh: String,
    /// The day, when the facts give the day it is counted from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub due: Option<String>,
    /// How the day is counted, naming the facts field it is counted from.
    pub counted: String,
    /// The same in Chinese.
    pub counted_zh: String,
    /// Working days counted Monday to Friday, without PRC public holidays.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub approximate: bool,
    /// Where the deadline is written.
    pub citation: String,
    /// The rule that states it.
    pub rule: String,
}

impl From<&freeport_policy::DueDate> for DueRow {
    fn from(d: &freeport_policy::DueDate) -> Self {
        Self {
            what: d.what.clone(),
            what_zh: d.what_zh.clone(),
            due: d.due.map(|day| day.to_string()),
            counted: d.counted.clone(),
            counted_zh: d.counted_zh.clone(),
            approximate: d.approximate,
            citation: d.citation.clone(),
            rule: d.rule.clone(),
        }
    }
}

/// Mechanisms that, put in place on the transfer's date, lighten the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MechanismRemedyRow {
    /// The mechanisms' ids.
    pub mechanisms: Vec<String>,
    /// What to do, one step per mechanism, as the pack words it.
    pub steps: Vec<String>,
    /// The same steps in Chinese.
    pub steps_zh: Vec<String>,
    /// Where each mechanism is written.
    pub citations: Vec<String>,
    /// China outcome with them in place.
    pub cn: String,
    /// US outcome with them in place.
    pub us: String,
    /// Whether a required mechanism still keeps the transfer from going ahead.
    pub still_blocking: bool,
    /// The deadlines that follow with them in place.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub due: Vec<DueRow>,
}

/// One law's own outcome within a side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LawReport {
    /// The law's id in the pack (`dsp`, `padfa`).
    pub law: String,
    /// Its name as the pack gives it.
    pub title: String,
    /// The same name in Chinese, as the pack gives it.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub title_zh: String,
    /// Its outcome.
    pub outcome: String,
}

/// A required mechanism.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MechanismRow {
    /// Mechanism id.
    pub id: String,
    /// `in_place`, `expired`, `missing` or `duty`.
    pub status: String,
}

/// A rule named by id and citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRef {
    /// Rule id.
    pub id: String,
    /// Article or section.
    pub citation: String,
}

/// One combination of unknown facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnknownCase {
    /// Fact → assumed value (JSON text).
    pub assume: BTreeMap<String, String>,
    /// China outcome.
    pub cn: String,
    /// US outcome.
    pub us: String,
}

/// Section 3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventorySection {
    /// One row per category, in the facts' order.
    pub categories: Vec<InventoryRow>,
    /// Sensitive categories under the regime of the country where each was collected (PIPL
    /// Art. 28, 28 CFR 202.249), sorted.
    pub sensitive_categories: Vec<String>,
    /// Distinct individuals in the transfer, when stated.
    pub individuals: Option<u64>,
    /// Counting windows and cumulative volumes.
    pub volumes: Volumes,
    /// Datasets scanned, in input order.
    pub datasets: Vec<DatasetRow>,
    /// Inputs that could not be scanned.
    pub scan_errors: Vec<ScanErrorRow>,
    /// Columns whose scanned classification a project file overrode (`[[classification.column]]`),
    /// in dataset and column order: never silent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<OverrideRow>,
}

/// A column the project file reclassified, with its stated justification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideRow {
    /// Dataset path as given.
    pub path: String,
    /// The column.
    pub column: String,
    /// The scanner's category, if it found one.
    pub was: Option<String>,
    /// A vocabulary category, or `not_personal_data`.
    pub becomes: String,
    /// The project file's justification.
    pub justification: String,
    /// Where the override is written (`file:line`).
    pub source: String,
}

/// One inventory category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryRow {
    /// Vocabulary id.
    pub category: String,
    /// PIPL class: `not_pi`, `pi` or `sensitive_pi`.
    pub cn_class: String,
    /// 28 CFR 202 category, if any.
    pub us_dsp: Option<String>,
    /// Individuals.
    pub individuals: u64,
    /// Devices, for precise geolocation.
    pub devices: Option<u64>,
    /// Where collected: `cn`, `us`, `other`.
    pub collected_in: String,
    /// Form as submitted.
    pub form: String,
    /// Form after de-identification, when the transfer was judged again.
    pub form_after: Option<String>,
}

/// Counting windows and volumes (conventions of law-cn-us.md "Counting conventions").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Volumes {
    /// Start of China's window (1 January of the transfer's year, CAC16 Arts 5(4), 7, 8).
    pub cn_window_start: String,
    /// Start of the US window (preceding 12 months, 28 CFR 202.205).
    pub us_window_start: Option<String>,
    /// Whether prior volumes were known.
    pub prior_known: bool,
    /// China, personal information other than sensitive: `[low, high]` in this transfer.
    pub cn_pi_transfer: [u64; 2],
    /// China, sensitive personal information: `[low, high]` in this transfer.
    pub cn_sensitive_transfer: [u64; 2],
    /// China, already sent this year.
    pub cn_pi_prior: u64,
    /// China, sensitive, already sent this year.
    pub cn_sensitive_prior: u64,
    /// US counters (28 CFR 202.205) with at least one person or device.
    pub us: BTreeMap<String, UsCounter>,
}

/// One US bulk counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsCounter {
    /// `[low, high]` in this transfer.
    pub transfer: [u64; 2],
    /// Already sent to this counterparty in the window.
    pub prior: u64,
    /// Bulk threshold: bulk is *more than* this number (28 CFR 202.205).
    pub threshold: u64,
}

/// One scanned dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetRow {
    /// Path as given.
    pub path: String,
    /// Format.
    pub format: String,
    /// Text encoding, for text formats.
    pub encoding: Option<String>,
    /// Rows read.
    pub rows: u64,
    /// Whether only a sample was read.
    pub sampled: bool,
    /// Columns.
    pub columns: usize,
    /// Columns holding personal or sensitive data.
    pub classified_columns: usize,
    /// The column that keys subject counts.
    pub subject_key: Option<String>,
    /// Distinct subjects per category.
    pub subjects: BTreeMap<String, u64>,
    /// Rows without a usable key.
    pub unkeyed_rows: u64,
    /// Distinct devices per precise-location category.
    pub devices: BTreeMap<String, u64>,
    /// Content hash, when sealed.
    pub sha256: Option<String>,
}

/// An input that could not be scanned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanErrorRow {
    /// Path.
    pub path: String,
    /// Line, for text formats.
    pub line: Option<u64>,
    /// Row, for spreadsheets and columnar files.
    pub row: Option<u64>,
    /// Reason (never a cell value).
    pub reason: String,
}

/// Section 4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinimisationSection {
    /// Purpose: the scenario id.
    pub scenario: String,
    /// The exporter's own statement of the purpose, quoted from the transfer file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated_purpose: Option<String>,
    /// The transaction type.
    pub transaction: String,
    /// Number of inventory categories per form (as judged for the headline decision).
    pub forms: BTreeMap<String, usize>,
    /// Changes the judge found that would lighten the burden.
    pub remedies: Vec<RemedyRow>,
    /// Mechanisms that would lighten the outcome, put in place on the transfer's date.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub mechanism_remedies: Vec<MechanismRemedyRow>,
    /// De-identification runs.
    pub deid: Vec<DeidSummary>,
}

/// One remedy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemedyRow {
    /// `(category, action, to)`: category or `*`, `anonymise`/`pseudonymise`/`drop`/`reduce`,
    /// and for `reduce` the largest count that reaches the lighter outcome.
    pub changes: Vec<(String, String, Option<u64>)>,
    /// China outcome after the changes.
    pub cn: String,
    /// US outcome after the changes.
    pub us: String,
}

/// One de-identification run, the figures a reviewer checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeidSummary {
    /// Dataset.
    pub dataset: String,
    /// Quasi-identifier → generalisation level.
    pub transformation: BTreeMap<String, usize>,
    /// Metric name.
    pub metric: String,
    /// Metric value.
    pub metric_value: f64,
    /// Equivalence classes.
    pub classes: usize,
    /// Records suppressed.
    pub suppressed_rows: u64,
    /// Records in.
    pub input_rows: usize,
    /// Records out.
    pub output_rows: usize,
    /// Risk on the input.
    pub risk_before: Option<RiskFigures>,
    /// Risk on the output (the residual risk).
    pub risk_after: Option<RiskFigures>,
    /// `anonymised`, `pseudonymised` or `identifiable` (PIPL Art. 73).
    pub result: String,
    /// Why, as the engine states it.
    pub reasons: Vec<String>,
    /// Highest prosecutor risk allowed for `anonymised`.
    pub max_risk: f64,
    /// Where that threshold comes from.
    pub max_risk_source: String,
}

/// Re-identification risk figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskFigures {
    /// Records.
    pub records: u64,
    /// Equivalence classes.
    pub classes: u64,
    /// Smallest class.
    pub smallest_class: u64,
    /// Share of records unique on the quasi-identifiers.
    pub sample_uniques: f64,
    /// Highest prosecutor risk.
    pub prosecutor_highest: f64,
    /// Average prosecutor risk.
    pub prosecutor_average: f64,
    /// Highest journalist risk.
    pub journalist_highest: f64,
    /// Marketer risk.
    pub marketer: f64,
}

impl From<&Risk> for RiskFigures {
    fn from(risk: &Risk) -> Self {
        Self {
            records: risk.records,
            classes: risk.classes,
            smallest_class: risk.smallest_class,
            sample_uniques: risk.sample_uniques,
            prosecutor_highest: risk.prosecutor.highest,
            prosecutor_average: risk.prosecutor.average,
            journalist_highest: risk.journalist.highest,
            marketer: risk.marketer,
        }
    }
}

/// Section 5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipientSection {
    /// Name.
    pub name: String,
    /// Country.
    pub country: String,
    /// Relationship to the exporter.
    pub relationship: String,
    /// Recipient facts the rules read (`true`, `false`, `unknown`), by fact name.
    pub facts: BTreeMap<String, String>,
    /// Exporter facts the rules read, by fact name.
    pub exporter_facts: BTreeMap<String, String>,
    /// Contractual and organisational mechanisms the facts show.
    pub mechanisms_in_place: Vec<MechanismInPlace>,
    /// The party conclusions the judge derived from the party facts (facts format 2), each
    /// with its reasons and any contradiction with a declared value; empty when every
    /// conclusion was declared.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub derivations: Vec<Derivation>,
}

/// A party conclusion derived from the party facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Derivation {
    /// The fact, e.g. `recipient.covered_person`.
    pub fact: String,
    /// The value judged: `true`, `false` or `unknown`.
    pub value: String,
    /// `derived`, or `declared` where a declaration decided.
    pub basis: String,
    /// What the facts declared, when they did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
    /// The contradiction between declaration and derivation, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contradiction: Option<String>,
    /// The steps, each with its citation (English, as the judge words them).
    pub reasons: Vec<RuleRef>,
}

/// A mechanism in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MechanismInPlace {
    /// Facts-format name, e.g. `cn_standard_contract`.
    pub id: String,
    /// From.
    pub since: String,
    /// Until, for mechanisms that lapse.
    pub until: Option<String>,
}

/// A channel the exporter must offer data subjects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RightsChannel {
    /// Channel id (locale key).
    pub id: String,
    /// `cn` or `us`.
    pub jurisdiction: String,
    /// Legal basis.
    pub citation: String,
    /// The mechanism of the decision that calls for it, with its status.
    pub mechanism: Option<MechanismRow>,
    /// Fired rules that call for it.
    pub rules: Vec<String>,
    /// Categories concerned (for consent to sensitive data).
    pub categories: Vec<String>,
}

/// Section 8.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Every fired rule of every judgement.
    pub rules: Vec<EvidenceRule>,
    /// Every classified column.
    pub findings: Vec<Finding>,
    /// The log receipt.
    pub receipt: Option<String>,
}

/// A fired rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRule {
    /// `submitted` or `deidentified`.
    pub stage: String,
    /// `cn` or `us`.
    pub jurisdiction: String,
    /// Rule id.
    pub id: String,
    /// `decides`, `adds` or `overridden`.
    pub role: String,
    /// Citation.
    pub citation: String,
    /// `file:line` in the pack.
    pub location: String,
    /// Source documents, when the pack was supplied.
    pub source: Option<String>,
    /// The rule's explanation, when the pack was supplied.
    pub explain: Option<String>,
}

/// A classified column (counts and detector names; never values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Dataset.
    pub dataset: String,
    /// Column name.
    pub column: String,
    /// Vocabulary id.
    pub category: String,
    /// Confidence 0..1.
    pub confidence: f64,
    /// Detectors and header keywords that spoke for a category.
    pub detectors: Vec<FindingDetector>,
    /// Cells.
    pub rows: u64,
    /// Empty cells.
    pub nulls: u64,
    /// Distinct values.
    pub distinct: u64,
    /// Whether `distinct` is an estimate.
    pub distinct_estimated: bool,
}

/// One detector's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingDetector {
    /// `values:<detector>`, `header`, `embedded` or `plausibility`.
    pub detector: String,
    /// Category it spoke for.
    pub category: String,
    /// Values looked at (0 for header evidence).
    pub sampled: u64,
    /// Values accepted.
    pub matched: u64,
}

/// How long the report and records must be kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retention {
    /// `cn` or `us`.
    pub jurisdiction: String,
    /// Years.
    pub years: u32,
    /// Legal basis.
    pub citation: String,
}

/// Retention: PIPL Art. 56 (PIPIA report and records ≥ 3 years); 28 CFR 202.1101 (full records
/// ≥ 10 years) — law-cn-us.md A.1, conventions.md §7.
const RETENTION: [(&str, u32, &str); 2] =
    [("cn", 3, "PIPL Art. 56"), ("us", 10, "28 CFR 202.1101")];

impl Report {
    /// Builds the report from the engines' outputs. Pure: the same input gives the same report.
    #[must_use]
    pub fn build(input: &ReportInput<'_>) -> Self {
        let (final_facts, final_decision) = input
            .after_deid
            .map_or((input.facts, input.decision), |r| (r.facts, r.decision));
        let prior = input.prior.or(input.facts.prior_volumes.as_ref());
        let decision = DecisionSection {
            stage: stage(input.after_deid.is_some()).to_owned(),
            sides: sides(final_decision),
            submitted: input.after_deid.map(|_| sides(input.decision)),
            unknown_cases: final_decision
                .cases
                .iter()
                .map(|c| UnknownCase {
                    assume: c
                        .assume
                        .iter()
                        .map(|(k, v)| (k.clone(), v.to_string()))
                        .collect(),
                    cn: c.cn.clone(),
                    us: c.us.clone(),
                })
                .collect(),
        };
        let summary = Summary::of(&decision.sides);
        let collected = |place: CollectedIn| {
            input
                .facts
                .data
                .inventory
                .iter()
                .any(|i| i.collected_in == place)
        };
        let frame = if collected(CollectedIn::Cn) {
            Frame::CnExport
        } else if collected(CollectedIn::Us) {
            Frame::UsExport
        } else {
            Frame::Other
        };
        let cover = cover(input, &summary);
        let inventory = inventory(input, (final_facts, final_decision), prior);
        let minimisation = minimisation(input, final_facts, final_decision);
        let recipient = recipient(input.facts, input.decision);
        let rights = rights(input, final_facts, final_decision);
        let evidence = evidence(input);
        let risks = derive_risks(
            input,
            final_facts,
            final_decision,
            &decision.sides,
            &inventory,
        );
        let filing = crate::filing::filing(&crate::filing::Sources {
            sides: &decision.sides,
            report_is_pipia: is_pipia(final_decision),
            minimisation: &minimisation,
            recipient: &recipient,
            evidence: &evidence,
            assessor: input.assessor,
        });
        let category_names = category_names(
            input.vocabulary,
            &inventory,
            &minimisation,
            &rights,
            &evidence,
            &risks,
        );
        Self {
            schema: SCHEMA_VERSION,
            cover,
            frame,
            summary,
            decision,
            inventory,
            minimisation,
            recipient,
            risks,
            rights,
            evidence,
            // Only where a law applies: China's for the PIPIA this report is, the US record's
            // for a transaction 28 CFR 202 covers.
            retention: RETENTION
                .iter()
                .filter(|(j, _, _)| match *j {
                    "cn" => is_pipia(final_decision),
                    _ => !["NOT_COVERED", freeport_policy::NOT_JUDGED]
                        .contains(&final_decision.us.outcome.as_str()),
                })
                .map(|(j, years, citation)| Retention {
                    jurisdiction: (*j).to_owned(),
                    years: *years,
                    citation: (*citation).to_owned(),
                })
                .collect(),
            filing,
            category_names,
        }
    }
}

fn category_names(
    vocabulary: &Vocabulary,
    inventory: &InventorySection,
    minimisation: &MinimisationSection,
    rights: &[RightsChannel],
    evidence: &Evidence,
    risks: &[RiskEntry],
) -> BTreeMap<String, CategoryName> {
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    ids.extend(inventory.categories.iter().map(|c| c.category.as_str()));
    for d in &inventory.datasets {
        ids.extend(d.subjects.keys().map(String::as_str));
        ids.extend(d.devices.keys().map(String::as_str));
    }
    for r in &minimisation.remedies {
        ids.extend(r.changes.iter().map(|c| c.0.as_str()));
    }
    for r in rights {
        ids.extend(r.categories.iter().map(String::as_str));
    }
    for f in &evidence.findings {
        ids.insert(f.category.as_str());
        ids.extend(f.detectors.iter().map(|d| d.category.as_str()));
    }
    for r in risks {
        if let RiskCause::SensitiveCrossing { category, .. } = &r.cause {
            ids.insert(category.as_str());
        }
    }
    ids.into_iter()
        .filter_map(|id| {
            vocabulary.get(id).map(|c| {
                (
                    id.to_owned(),
                    CategoryName {
                        en: c.name_en.clone(),
                        zh: c.name_zh.clone(),
                    },
                )
            })
        })
        .collect()
}

fn stage(after_deid: bool) -> &'static str {
    if after_deid {
        "deidentified"
    } else {
        "submitted"
    }
}

fn cover(input: &ReportInput<'_>, summary: &Summary) -> Cover {
    let facts = input.facts;
    let decision = input.after_deid.map_or(input.decision, |r| r.decision);
    let rule_packs = decision
        .packs
        .iter()
        .map(|(jurisdiction, stamp)| PackInfo {
            jurisdiction: jurisdiction.as_str().to_owned(),
            title: input
                .packs
                .iter()
                .find(|p| p.jurisdiction() == *jurisdiction)
                .map(|p| p.title().to_owned()),
            title_zh: input
                .packs
                .iter()
                .find(|p| p.jurisdiction() == *jurisdiction)
                .map(|p| p.title_zh().to_owned()),
            version: stamp.version.clone(),
            hash: stamp.hash.clone(),
        })
        .collect();
    Cover {
        transfer_id: input.transfer_id.to_owned(),
        transfer_date: facts.date.to_string(),
        generated_on: input.generated_on.to_string(),
        assessor: input.assessor.map(str::to_owned),
        exporter: Party {
            name: facts.exporter.name.clone(),
            country: facts.exporter.jurisdiction.clone(),
        },
        recipient: Party {
            name: facts.recipient.name.clone(),
            country: facts.recipient.country.clone(),
        },
        scenario: facts.scenario.as_str().to_owned(),
        transaction: facts.transaction.as_str().to_owned(),
        subjects: facts
            .data
            .subjects
            .iter()
            .map(|s| enum_str(s).unwrap_or_default())
            .collect(),
        blocking: summary.verdict == crate::verdict::Verdict::Blocked,
        tool_version: input.tool_version.to_owned(),
        rule_packs,
        log: input.log.map(|log| LogCheckpoint {
            origin: log.origin.to_owned(),
            size: log.checkpoint_size,
            root_hash: log.root_hash.to_owned(),
            leaf_index: log.leaf_index,
        }),
    }
}

/// The `snake_case` name serde gives a unit enum variant.
fn enum_str<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
}

pub(crate) fn status_str(status: MechanismStatus) -> &'static str {
    match status {
        MechanismStatus::InPlace => "in_place",
        MechanismStatus::Expired => "expired",
        MechanismStatus::Missing => "missing",
        MechanismStatus::Duty => "duty",
    }
}

fn role_str(role: Role) -> &'static str {
    match role {
        Role::Decides => "decides",
        Role::Adds => "adds",
        Role::Overridden => "overridden",
    }
}

fn side(jurisdiction: &str, side: &SideDecision, report_is_pipia: bool) -> SideReport {
    SideReport {
        jurisdiction: jurisdiction.to_owned(),
        outcome: side.outcome.clone(),
        coverage: side.coverage,
        blocking: side.is_blocking(),
        mechanisms: side
            .mechanisms
            .iter()
            .map(|m| MechanismRow {
                id: m.id.clone(),
                status: mechanism_status(&m.id, status_str(m.status), report_is_pipia).to_owned(),
            })
            .collect(),
        obligations: side
            .obligations
            .iter()
            .filter(|o| !o.trim().is_empty())
            .cloned()
            .collect(),
        obligations_zh: side
            .obligations
            .iter()
            .zip(&side.obligations_zh)
            .filter(|(o, _)| !o.trim().is_empty())
            .map(|(_, zh)| zh.clone())
            .collect(),
        decided_by: side
            .rules
            .iter()
            .filter(|r| r.role == Role::Decides)
            .map(|r| RuleRef {
                id: r.id.clone(),
                citation: r.citation.clone(),
            })
            .collect(),
        laws: side
            .laws
            .iter()
            .map(|l| LawReport {
                law: l.law.clone(),
                title: l.title.clone(),
                title_zh: l.title_zh.clone(),
                outcome: l.outcome.clone(),
            })
            .collect(),
        due: side.due.iter().map(DueRow::from).collect(),
    }
}

fn sides(decision: &Decision) -> Vec<SideReport> {
    let report_is_pipia = is_pipia(decision);
    vec![
        side("cn", &decision.cn, report_is_pipia),
        side("us", &decision.us, report_is_pipia),
    ]
}

/// Whether the report is China's personal-information protection impact assessment: the China
/// side calls for one (PIPL Art. 55), and this report is it.
pub(crate) fn is_pipia(decision: &Decision) -> bool {
    decision.cn.mechanisms.iter().any(|m| m.id == PIPIA)
}

fn cn_class_str(class: CnClass) -> &'static str {
    match class {
        CnClass::NotPi => "not_pi",
        CnClass::Pi => "pi",
        CnClass::SensitivePi => "sensitive_pi",
    }
}

fn inventory(
    input: &ReportInput<'_>,
    (facts, decision): (&TransferFacts, &Decision),
    prior: Option<&PriorVolumes>,
) -> InventorySection {
    let vocabulary = input.vocabulary;
    // The same category may come from several datasets: pair entries by position first (the
    // caller changes forms in place), by category only when the lists differ.
    let after = input.after_deid.map(|r| &r.facts.data.inventory);
    let mut categories = Vec::new();
    let mut sensitive = BTreeSet::new();
    for (index, item) in input.facts.data.inventory.iter().enumerate() {
        let form_after = after.and_then(|items| {
            items
                .get(index)
                .filter(|a| a.category == item.category)
                .or_else(|| items.iter().find(|a| a.category == item.category))
                .map(|a| a.form.as_str().to_owned())
        });
        let category = vocabulary.get(&item.category);
        let cn_class = category.map_or(CnClass::Pi, |c| c.cn.class);
        let dsp = category.map_or(DspCategory::None, |c| c.us.dsp);
        // Sensitive under the regime that governs where it was collected, as the judge reads
        // it: PIPL Art. 28 for data collected in China, 28 CFR 202.249 for data collected in
        // the United States.
        let sensitive_here = match item.collected_in {
            CollectedIn::Cn => cn_class == CnClass::SensitivePi,
            CollectedIn::Us => dsp != DspCategory::None,
            CollectedIn::Other => false,
        };
        if sensitive_here {
            sensitive.insert(item.category.clone());
        }
        categories.push(InventoryRow {
            category: item.category.clone(),
            cn_class: cn_class_str(cn_class).to_owned(),
            us_dsp: (dsp != DspCategory::None).then(|| enum_str(&dsp).unwrap_or_default()),
            individuals: item.individuals,
            devices: item.devices,
            collected_in: enum_str(&item.collected_in).unwrap_or_default(),
            form: item.form.as_str().to_owned(),
            form_after,
        });
    }

    // Volumes as the judge counted them for the headline decision.
    let counted = |counter: Counter| decision.volumes.iter().find(|v| v.counter == counter);
    let cn = |counter: CnCounter, before: u64| {
        counted(Counter::Cn(counter)).map_or(([0, 0], before), |v| (v.transfer, v.prior))
    };
    let (cn_pi_transfer, cn_pi_prior) = cn(
        CnCounter::PersonalInformation,
        prior.map_or(0, |p| p.cn.pi_individuals),
    );
    let (cn_sensitive_transfer, cn_sensitive_prior) = cn(
        CnCounter::SensitivePersonalInformation,
        prior.map_or(0, |p| p.cn.sensitive_pi_individuals),
    );
    let us = decision
        .volumes
        .iter()
        .filter_map(|v| match v.counter {
            Counter::Us(counter) => Some((
                counter.name().to_owned(),
                UsCounter {
                    transfer: v.transfer,
                    prior: v.prior,
                    threshold: counter.threshold(),
                },
            )),
            Counter::Cn(_) => None,
        })
        .collect();
    let volumes = Volumes {
        cn_window_start: Window::cn(facts.date).from.to_string(),
        us_window_start: Some(Window::us(facts.date).from.to_string()),
        prior_known: prior.is_some(),
        cn_pi_transfer,
        cn_sensitive_transfer,
        cn_pi_prior,
        cn_sensitive_prior,
        us,
    };

    let datasets = input
        .scan
        .datasets
        .iter()
        .map(|d| DatasetRow {
            path: d.path.clone(),
            format: d.format.clone(),
            encoding: d.encoding.clone(),
            rows: d.rows,
            sampled: d.sampled,
            columns: d.columns.len(),
            classified_columns: d.columns.iter().filter(|c| c.category.is_some()).count(),
            subject_key: d.subject_key.as_ref().map(|k| k.column.clone()),
            subjects: d.subjects.clone(),
            unkeyed_rows: d.unkeyed_rows,
            devices: d.devices.clone(),
            sha256: input.content_hashes.get(&d.path).cloned(),
        })
        .collect();
    let scan_errors = input
        .scan
        .errors
        .iter()
        .map(|e| ScanErrorRow {
            path: e.path.clone(),
            line: e.line,
            row: e.row,
            reason: e.reason.clone(),
        })
        .collect();
    let overrides = input
        .scan
        .datasets
        .iter()
        .flat_map(|d| {
            d.columns.iter().filter_map(|c| {
                c.overridden.as_ref().map(|o| OverrideRow {
                    path: d.path.clone(),
                    column: c.name.clone(),
                    was: o.was.clone(),
                    becomes: o.becomes.clone(),
                    justification: o.justification.clone(),
                    source: o.source.clone(),
                })
            })
        })
        .collect();
    InventorySection {
        categories,
        sensitive_categories: sensitive.into_iter().collect(),
        individuals: input.facts.data.individuals,
        volumes,
        datasets,
        scan_errors,
        overrides,
    }
}

fn minimisation(
    input: &ReportInput<'_>,
    facts: &TransferFacts,
    decision: &Decision,
) -> MinimisationSection {
    let mut forms = BTreeMap::new();
    for item in &facts.data.inventory {
        *forms.entry(item.form.as_str().to_owned()).or_insert(0) += 1;
    }
    // Remedies of the decision on the data as submitted are what de-identification answered;
    // after it, the headline decision's own remedies (if any) are what is left to do.
    let remedies = if decision.remedies.is_empty() {
        &input.decision.remedies
    } else {
        &decision.remedies
    };
    let remedies = remedies
        .iter()
        .map(|r| RemedyRow {
            changes: r
                .changes
                .iter()
                .map(|c| (c.category.clone(), c.action.as_str().to_owned(), c.to))
                .collect(),
            cn: r.cn.clone(),
            us: r.us.clone(),
        })
        .collect();
    let mechanism_remedies = decision
        .mechanism_remedies
        .iter()
        .map(|r| MechanismRemedyRow {
            mechanisms: r.mechanisms.clone(),
            steps: r.steps.clone(),
            steps_zh: r.steps_zh.clone(),
            citations: r.citations.clone(),
            cn: r.cn.clone(),
            us: r.us.clone(),
            still_blocking: r.still_blocking,
            due: r.due.iter().map(DueRow::from).collect(),
        })
        .collect();
    let mut deid: Vec<DeidSummary> = input
        .deid
        .iter()
        .map(|d| {
            let r = d.report;
            DeidSummary {
                dataset: d.dataset.to_owned(),
                transformation: r.transformation.clone(),
                metric: r.metric.name.clone(),
                metric_value: r.metric.value,
                classes: r.classes,
                suppressed_rows: r.suppressed_rows,
                input_rows: r.input_rows,
                output_rows: r.output_rows,
                risk_before: r.risk.before.as_ref().map(RiskFigures::from),
                risk_after: r.risk.after.as_ref().map(RiskFigures::from),
                result: r.classification.result.as_str().to_owned(),
                reasons: r.classification.reasons.clone(),
                max_risk: r.classification.max_risk,
                max_risk_source: r.classification.max_risk_source.clone(),
            }
        })
        .collect();
    deid.sort_by(|a, b| a.dataset.cmp(&b.dataset));
    MinimisationSection {
        scenario: facts.scenario.as_str().to_owned(),
        stated_purpose: facts.purpose.clone(),
        transaction: facts.transaction.as_str().to_owned(),
        forms,
        remedies,
        mechanism_remedies,
        deid,
    }
}

fn tri(value: Tri) -> String {
    match value {
        Tri::True => "true",
        Tri::False => "false",
        Tri::Unknown => "unknown",
    }
    .to_owned()
}

fn recipient(facts: &TransferFacts, decision: &Decision) -> RecipientSection {
    let r = &facts.recipient;
    let e = &facts.exporter;
    // The party conclusions as the judge used them: declared, or derived from the party facts.
    let concluded = |fact: &str| decision.conclusion(fact).unwrap_or(Tri::Unknown);
    let facts_map = [
        ("covered_person", concluded("recipient.covered_person")),
        ("padfa_controlled", concluded("recipient.padfa_controlled")),
        (
            "foreign_judicial_or_law_enforcement",
            r.foreign_judicial_or_law_enforcement,
        ),
        ("cac_restricted_list", r.cac_restricted_list),
        ("cloud_computing", r.cloud_computing),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), tri(v)))
    .collect();
    let exporter_facts = [
        ("ciio", e.ciio),
        ("us_person", concluded("exporter.us_person")),
        ("data_broker", e.data_broker),
        (
            "owned_25pct_by_country_of_concern",
            concluded("exporter.owned_25pct_by_country_of_concern"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), tri(v)))
    .collect();
    let m = &facts.mechanisms;
    let mut mechanisms_in_place = Vec::new();
    let mut period = |id: &str, p: Option<freeport_policy::ValidPeriod>| {
        if let Some(p) = p {
            mechanisms_in_place.push(MechanismInPlace {
                id: id.to_owned(),
                since: p.from.to_string(),
                until: Some(p.until.to_string()),
            });
        }
    };
    period("cn_security_assessment", m.cn_security_assessment);
    period("cn_certification", m.cn_certification);
    for (id, since) in [
        ("cn_standard_contract", m.cn_standard_contract),
        (
            "us_cisa_security_requirements",
            m.us_cisa_security_requirements,
        ),
        (
            "us_data_compliance_programme",
            m.us_data_compliance_programme,
        ),
        ("us_onward_transfer_contract", m.us_onward_transfer_contract),
    ] {
        if let Some(s) = since {
            mechanisms_in_place.push(MechanismInPlace {
                id: id.to_owned(),
                since: s.since.to_string(),
                until: None,
            });
        }
    }
    mechanisms_in_place.sort_by(|a, b| a.id.cmp(&b.id));
    RecipientSection {
        name: r.name.clone(),
        country: r.country.clone(),
        relationship: r.relationship.as_str().to_owned(),
        facts: facts_map,
        exporter_facts,
        mechanisms_in_place,
        derivations: decision
            .conclusions
            .iter()
            .filter(|c| c.derived.is_some())
            .map(|c| Derivation {
                fact: c.fact.to_owned(),
                value: tri(c.value),
                basis: match c.basis {
                    freeport_policy::Basis::Derived => "derived",
                    freeport_policy::Basis::Declared => "declared",
                }
                .to_owned(),
                declared: c.declared.map(tri),
                contradiction: c.contradiction.clone(),
                reasons: c
                    .reasons
                    .iter()
                    .map(|r| RuleRef {
                        id: r.text.clone(),
                        citation: r.citation.to_owned(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Channels for individuals' rights, each tied to the decision mechanism that calls for it.
/// Bases: law-cn-us.md A.1 (PIPL Arts 29, 31, 38 para. 3, 39) and A.5 / conventions.md §7 (the
/// standard-contract PIPIA covers channels for individuals' rights).
const RIGHTS: [(&str, &str, &str); 4] = [
    (
        "notice_and_separate_consent",
        "notice_of_recipient",
        "PIPL Art. 39",
    ),
    (
        "sensitive_pi_separate_consent",
        "sensitive_consent",
        "PIPL Art. 29; PIPL Art. 30",
    ),
    ("guardian_consent", "guardian_consent", "PIPL Art. 31"),
    (
        "standard_contract_or_certification",
        "contract_channel",
        "CAC16 Art. 8; CAC13",
    ),
];

fn rights(
    input: &ReportInput<'_>,
    facts: &TransferFacts,
    decision: &Decision,
) -> Vec<RightsChannel> {
    let vocabulary = input.vocabulary;
    let fired_adding = |side: &SideDecision, jurisdiction: Jurisdiction, mechanism: &str| {
        let pack = input
            .packs
            .iter()
            .find(|p| p.jurisdiction() == jurisdiction);
        side.rules
            .iter()
            .filter(|r| r.role != Role::Overridden)
            .filter(|r| {
                pack.and_then(|p| p.rule(&r.id))
                    .is_some_and(|rule| rule.mechanisms.iter().any(|m| m == mechanism))
            })
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
    };
    let sensitive_cn: Vec<String> = facts
        .data
        .inventory
        .iter()
        .filter(|i| i.collected_in == CollectedIn::Cn && i.form != Form::Anonymised)
        .filter(|i| {
            vocabulary
                .get(&i.category)
                .is_some_and(|c| c.cn.class == CnClass::SensitivePi)
        })
        .map(|i| i.category.clone())
        .collect();
    let mut out = Vec::new();
    for (mechanism, id, citation) in RIGHTS {
        let Some(m) = decision.cn.mechanisms.iter().find(|m| m.id == mechanism) else {
            continue;
        };
        out.push(RightsChannel {
            id: id.to_owned(),
            jurisdiction: "cn".to_owned(),
            citation: citation.to_owned(),
            mechanism: Some(MechanismRow {
                id: m.id.clone(),
                status: status_str(m.status).to_owned(),
            }),
            rules: fired_adding(&decision.cn, Jurisdiction::Cn, mechanism),
            categories: if id == "sensitive_consent" {
                sensitive_cn.clone()
            } else {
                Vec::new()
            },
        });
    }
    let domestic_pi = facts.data.inventory.iter().any(|i| {
        i.collected_in == CollectedIn::Cn
            && i.form != Form::Anonymised
            && vocabulary
                .get(&i.category)
                .is_some_and(|c| c.cn.class != CnClass::NotPi)
    });
    if domestic_pi {
        // PIPL Art. 38 para. 3: the exporter must ensure the recipient's processing meets the
        // PIPL's standard, so the rights of Chapter IV hold against the recipient as well.
        out.push(RightsChannel {
            id: "recipient_standard".to_owned(),
            jurisdiction: "cn".to_owned(),
            citation: "PIPL Art. 38".to_owned(),
            mechanism: None,
            rules: Vec::new(),
            categories: Vec::new(),
        });
    }
    // The US pack (28 CFR 202, PADFA) protects against access by countries of concern; none of
    // its rules gives data subjects a channel. Say so rather than stay silent.
    out.push(RightsChannel {
        id: "us_none".to_owned(),
        jurisdiction: "us".to_owned(),
        citation: "28 CFR Part 202".to_owned(),
        mechanism: None,
        rules: Vec::new(),
        categories: Vec::new(),
    });
    out
}

fn evidence(input: &ReportInput<'_>) -> Evidence {
    let mut rules = Vec::new();
    let mut judgements = vec![("submitted", input.decision)];
    if let Some(after) = input.after_deid {
        judgements.push(("deidentified", after.decision));
    }
    for (stage, decision) in judgements {
        for (jurisdiction, side) in [
            (Jurisdiction::Cn, &decision.cn),
            (Jurisdiction::Us, &decision.us),
        ] {
            let pack = input
                .packs
                .iter()
                .find(|p| p.jurisdiction() == jurisdiction);
            for fired in &side.rules {
                let rule = pack.and_then(|p| p.rule(&fired.id));
                rules.push(EvidenceRule {
                    stage: stage.to_owned(),
                    jurisdiction: jurisdiction.as_str().to_owned(),
                    id: fired.id.clone(),
                    role: role_str(fired.role).to_owned(),
                    citation: fired.citation.clone(),
                    location: format!("{}:{}", fired.file, fired.line),
                    source: rule.map(|r| r.source.clone()),
                    explain: rule.map(|r| r.explain.clone()),
                });
            }
        }
    }
    let mut findings = Vec::new();
    for dataset in &input.scan.datasets {
        for column in &dataset.columns {
            let Some(category) = &column.category else {
                continue;
            };
            let detectors = column
                .evidence
                .iter()
                .filter_map(|e| match e {
                    DetectEvidence::Values {
                        category,
                        detector,
                        sampled,
                        matched,
                        ..
                    } => Some(FindingDetector {
                        detector: format!("values:{detector}"),
                        category: category.clone(),
                        sampled: *sampled,
                        matched: *matched,
                    }),
                    DetectEvidence::Header { category, .. } => Some(FindingDetector {
                        detector: "header".to_owned(),
                        category: category.clone(),
                        sampled: 0,
                        matched: 0,
                    }),
                    DetectEvidence::Embedded {
                        category,
                        values,
                        sampled,
                        ..
                    } => Some(FindingDetector {
                        detector: "embedded".to_owned(),
                        category: category.clone(),
                        sampled: *sampled,
                        matched: *values,
                    }),
                    DetectEvidence::Codebook { category, .. } => Some(FindingDetector {
                        detector: "codebook".to_owned(),
                        category: category.clone(),
                        sampled: 0,
                        matched: 0,
                    }),
                    DetectEvidence::Custom {
                        category,
                        detector,
                        sampled,
                        matched,
                        ..
                    } => Some(FindingDetector {
                        detector: format!("custom:{detector}"),
                        category: category.clone(),
                        sampled: *sampled,
                        matched: *matched,
                    }),
                    DetectEvidence::CustomHeader {
                        category, detector, ..
                    } => Some(FindingDetector {
                        detector: format!("custom-header:{detector}"),
                        category: category.clone(),
                        sampled: 0,
                        matched: 0,
                    }),
                    DetectEvidence::Plausibility { .. } | DetectEvidence::Allowed { .. } => None,
                })
                .collect();
            findings.push(Finding {
                dataset: dataset.path.clone(),
                column: column.name.clone(),
                category: category.clone(),
                confidence: column.confidence,
                detectors,
                rows: column.stats.rows,
                nulls: column.stats.nulls,
                distinct: column.stats.distinct,
                distinct_estimated: column.stats.distinct_estimated,
            });
        }
    }
    Evidence {
        rules,
        findings,
        receipt: input.log.map(|l| l.receipt.to_owned()),
    }
}
