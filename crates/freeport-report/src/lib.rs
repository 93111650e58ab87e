//! The transfer report a compliance officer files: one [`Report`] model built from the engines'
//! outputs, rendered as JSON ([`render_json`]) and as a self-contained HTML page in English or
//! Chinese ([`render_html`]).
//!
//! ```no_run
//! # fn demo(input: &freeport_report::ReportInput<'_>) -> Result<(), freeport_report::ReportError> {
//! use freeport_report::{Lang, Report, render_html, render_json};
//! let report = Report::build(input);
//! let json = render_json(&report)?;
//! let html = render_html(&report, Lang::Zh)?;
//! # Ok(()) }
//! ```
//!
//! **Order.** Sections follow the order a compliance officer files them
//! (`/work/shared/reference/conventions.md` §7, from PIPL Arts 55–56, CAC13's PIPIA and
//! 28 CFR 202.1001): cover; decision per country; data inventory; necessity and minimisation with
//! de-identification and measured residual risk; recipient; risk register; channels for
//! individuals' rights; evidence appendix; sign-off and retention.
//!
//! **What never appears.** Cell values: the model is built from scan reports (counts, rates,
//! detector names), decisions, de-identification reports and log receipts only; masked examples
//! a scan may hold are not copied.
//!
//! **Determinism.** Maps are ordered, lists keep a stated order, and the only date is the one the
//! caller supplies (`generated_on`), so the same inputs give byte-identical JSON and HTML.
//!
//! **Language.** The model is language-neutral (ids, codes, numbers); every sentence a reader
//! sees comes from `locales/en.toml` or `locales/zh.toml`, and category names from the
//! vocabulary's `name_en` / `name_zh`.

mod filing;
mod html;
mod kept;
mod locale;
mod model;
pub mod parts;
mod risk;
mod verdict;

pub use filing::{FilingItem, FilingPart};
pub use html::render_html;
pub use kept::{ReportLog, bound_json, sha256_hex};
pub use locale::{Lang, Locale, shared_text};
pub use model::{
    CategoryName, Cover, DatasetRow, DecisionSection, DeidInput, DeidSummary, DueRow, Evidence,
    EvidenceRule, Finding, FindingDetector, Frame, InventoryRow, InventorySection, LogCheckpoint,
    LogInfo, MechanismInPlace, MechanismRemedyRow, MechanismRow, MinimisationSection, PackInfo,
    Party, RecipientSection, Rejudged, RemedyRow, Report, ReportInput, Retention, RightsChannel,
    RiskFigures, RuleRef, SCHEMA_VERSION, ScanErrorRow, SideReport, UnknownCase, UsCounter,
    Volumes,
};
pub use risk::{Level, RiskCause, RiskEntry};
pub use verdict::{PIPIA, SideState, SideSummary, Summary, THIS_REPORT, Verdict, mechanism_status};

/// Errors while rendering a report.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum ReportError {
    /// The report could not be serialised (a bug: every field is plain data).
    #[error("cannot serialise the report: {0}; this is a bug")]
    #[diagnostic(code(freeport::report::json))]
    Json(#[from] serde_json::Error),
    /// An embedded locale file is malformed (a bug caught by the crate's tests).
    #[error("locale file `{file}` is malformed: {reason}; this is a bug")]
    #[diagnostic(code(freeport::report::locale))]
    Locale {
        /// `en.toml` or `zh.toml`.
        file: &'static str,
        /// The parser's reason.
        reason: String,
    },
    /// A kept report does not read back as a report of this version.
    #[error("the kept report cannot be read: {0}")]
    #[diagnostic(
        code(freeport::report::kept),
        help(
            "render it with the version of freeport that kept it, or print its JSON as kept (`--format json`)"
        )
    )]
    Kept(String),
}

/// The report as pretty-printed JSON, ending in a newline.
///
/// # Errors
///
/// [`ReportError::Json`], which would be a bug.
pub fn render_json(report: &Report) -> Result<String, ReportError> {
    let mut text = serde_json::to_string_pretty(report)?;
    text.push('\n');
    Ok(text)
}
