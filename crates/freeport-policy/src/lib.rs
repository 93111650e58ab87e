//! Judges one transfer under China's and the United States' published rules at the same time.
//!
//! An exporter describes a transfer once in the common facts format ([`TransferFacts`], TOML or
//! JSON, schema from [`facts_schema`]); [`Judge`] evaluates it under two Cedar rule packs
//! (`rules/cn`, `rules/us`, embedded at build time) and returns, per country, the outcome, the
//! mechanisms and obligations that follow, the rules that fired with their citations and
//! `file:line`, and the smallest inventory changes that lighten the burden.
//!
//! ```
//! use freeport_policy::{FactsFormat, Judge, parse_facts};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let vocabulary = freeport_vocabulary::Vocabulary::embedded()?;
//! let judge = Judge::embedded(vocabulary)?;
//! let facts = parse_facts("facts.toml", r#"
//! format = 1
//! date = "2026-03-01"
//! scenario = "international_trade"
//! transaction = "other"
//! [exporter]
//! name = "Acme Shenzhen"
//! jurisdiction = "cn"
//! ciio = false
//! us_person = false
//! data_broker = false
//! owned_25pct_by_country_of_concern = false
//! [recipient]
//! name = "Acme Inc."
//! country = "us"
//! relationship = "affiliate"
//! covered_person = false
//! padfa_controlled = false
//! foreign_judicial_or_law_enforcement = false
//! cac_restricted_list = false
//! cloud_computing = false
//! [data]
//! important_data = false
//! us_government_related = false
//! subjects = ["other"]
//! inventory = []
//! "#, FactsFormat::Toml, &judge)?;
//! let prior = match facts.prior_volumes {
//!     Some(prior) => prior,
//!     None => freeport_policy::PriorVolumes::none(facts.date),
//! };
//! let decision = judge.decide(&facts, &prior)?;
//! assert_eq!(decision.cn.outcome, "EXEMPT");
//! assert_eq!(decision.us.outcome, "NOT_COVERED");
//! # Ok(())
//! # }
//! ```
//!
//! Cumulative volumes come from the store as a [`PriorVolumes`]; evaluation itself is pure.

pub mod annotation;
mod context;
mod due;
mod facts;
mod guard;
mod judge;
mod load;
mod pack;
mod parties;
mod template;
mod volumes;

pub use due::DueDate;
pub use facts::{
    Biospecimens, ClaimedExemption, CollectedIn, CorporateGroup, CorporateOperation, Data, Dates,
    Exporter, FACTS_FORMAT, FACTS_FORMATS, Form, FtzFacts, GovernmentRelatedFacts, InventoryItem,
    InvestmentTerms, InvestmentVehicle, Mechanisms, Owner, PRECISE_GEOLOCATION_METRES, Party,
    PartyKind, Percent, Recipient, Relationship, Scenario, Since, Subjects, TransactionType,
    TransferFacts, Tri, UsConduct, ValidPeriod, facts_schema,
};
pub use judge::{
    ALL, Action, CLEARED_OUTCOMES, Case, Change, Decision, FiredRule, Judge, JudgeError,
    LawDecision, MAX_UNKNOWNS, Mechanism, MechanismRemedy, MechanismStatus, NOT_JUDGED, PackStamp,
    Remedy, Role, SideDecision,
};
pub use load::{FactsError, FactsFormat, parse_facts};
pub use pack::{
    Coverage, FtzEntry, FtzList, Jurisdiction, Law, MechanismStep, PackError, PackFile, Review,
    Rule, RulePack, SourceError,
};
pub use parties::{Basis, Conclusion, Reason};
pub use template::{TemplateError, commented_facts, resolve_schema};
pub use volumes::{CnPriorVolumes, CountedVolume, PriorVolumes, UsPriorVolumes};
