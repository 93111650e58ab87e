//! Evaluation: facts and prior volumes in, one decision per country out, with the rules that
//! fired, the mechanisms and obligations that follow, and the remedies that lighten the burden.
//!
//! Evaluation is pure: it reads no file, database or network; the same facts, volumes and packs
//! give the same decision, byte for byte once serialised.
//!
//! Each request goes to Cedar with only the policies that may fire: the judge computes the
//! context as typed values, evaluates each policy's leading conditions on them in Rust (the
//! `guard` module, Cedar's semantics on a small fragment, "unsure" outside it) and leaves out a
//! policy only when Cedar would find it false at the same condition without an error; Cedar
//! evaluates the rest and has the last word. [`Judge::with_full_evaluation`] turns this off;
//! the tests compare both on every scenario and on generated facts and contexts.
//!
//! **Combination rule** (per pack): evaluate every rule; drop those not in force on the
//! transfer's date; among the rules that carry `@outcome`, those with the highest `@priority`
//! decide, and if they disagree the most burdensome outcome (order in `pack.toml`) wins. Rules
//! carrying only `@mechanism` add their mechanisms and obligations whatever the outcome, or only
//! under the outcomes their `@when_outcome` names.
//! Deciding rules with a lower priority, or a lighter outcome at the top priority, are reported
//! as `overridden`.
//!
//! **Unknown facts** (`"unknown"`, or counts across categories known only as a range): every
//! combination is evaluated; `cases` lists each with its outcomes, and each country's headline
//! decision is the most burdensome case (first in enumeration order on ties), so an unknown
//! never lightens the answer.

use std::collections::BTreeMap;

use cedar_policy::{Authorizer, Entities, EntityUid, Request};
use freeport_vocabulary::Vocabulary;
use jiff::civil::Date;
use miette::Diagnostic;
use serde::Serialize;

use crate::context::{self, Inventory, World};
use crate::due::DueDate;
use crate::facts::{Form, TransferFacts, Tri, ValidPeriod};
use crate::pack::{Coverage, Jurisdiction, PackError, RulePack};
use crate::parties::{self, Classification, Conclusion};
use crate::volumes::{CountedVolume, PriorVolumes};

/// At most this many unknown yes/no facts are expanded (2^8 = 256 cases).
pub const MAX_UNKNOWNS: usize = 8;

/// The outcome of a side whose pack does not judge the transfer's date (it precedes the pack's
/// first day, [`Coverage::BeforePack`]): no rule was evaluated. Not an outcome of any pack, so it
/// is never blocking and never the target of a remedy.
pub const NOT_JUDGED: &str = "NOT_JUDGED";

/// Evaluation failed: a gap or a bug in a pack, never bad facts (those are refused at load).
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum JudgeError {
    /// A pack could not be loaded.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pack(#[from] PackError),
    /// No deciding rule fired: the pack does not cover this combination of facts.
    #[error("no rule of the `{jurisdiction}` pack decides this transfer")]
    #[diagnostic(
        code(freeport::judge::no_outcome),
        help("the pack has a gap; add a rule that covers these facts (this is a bug in the pack)")
    )]
    NoOutcome {
        /// Which pack.
        jurisdiction: Jurisdiction,
    },
    /// Cedar could not build a request or evaluate a rule.
    #[error("cannot evaluate the `{jurisdiction}` pack: {message}")]
    #[diagnostic(
        code(freeport::judge::evaluation),
        help("the context does not match the pack's schema; this is a bug")
    )]
    Evaluation {
        /// Which pack.
        jurisdiction: Jurisdiction,
        /// What Cedar said.
        message: String,
    },
    /// Too many unknown facts to enumerate.
    #[error("{count} facts are `unknown`; at most {MAX_UNKNOWNS} can be judged at once")]
    #[diagnostic(
        code(freeport::judge::too_many_unknowns),
        help("find out some of them; each unknown doubles the cases to judge")
    )]
    TooManyUnknowns {
        /// How many.
        count: usize,
    },
}

/// The two packs, built once and reused for every decision.
#[derive(Debug, Clone)]
pub struct Judge {
    cn: RulePack,
    us: RulePack,
    vocabulary: &'static Vocabulary,
    authorizer: Authorizer,
    entities: Entities,
    principal: EntityUid,
    action: EntityUid,
    cn_resource: EntityUid,
    us_resource: EntityUid,
    /// Whether the guards leave out policies that cannot fire before Cedar evaluates.
    filter: bool,
}

/// The decision for one transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// China.
    pub cn: SideDecision,
    /// United States.
    pub us: SideDecision,
    /// The legal conclusions about the parties and the investment the US rules read
    /// (`exporter.us_person`, `recipient.covered_person`, `recipient.padfa_controlled`, and
    /// `passive_investment` for an investment): each declared or derived from the party facts,
    /// with its reasons and any contradiction between the two.
    pub conclusions: Vec<Conclusion>,
    /// One entry per combination of unknown facts; empty when every fact is known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<Case>,
    /// Smallest inventory changes that lower the burden on either side.
    pub remedies: Vec<Remedy>,
    /// Mechanisms that, put in place on the transfer's date, lift an outcome or clear a
    /// blocking mechanism, with the due dates that then follow (empty without remedies).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mechanism_remedies: Vec<MechanismRemedy>,
    /// Versions and content hashes of the packs used.
    pub packs: BTreeMap<Jurisdiction, PackStamp>,
    /// The counters the transfer feeds, each with its window, what was sent before inside it
    /// and the transfer's own count: the numbers the packs compared with the thresholds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<CountedVolume>,
}

impl Decision {
    /// The conclusions whose declaration contradicts the party facts.
    pub fn contradictions(&self) -> impl Iterator<Item = &Conclusion> {
        self.conclusions
            .iter()
            .filter(|c| c.contradiction.is_some())
    }

    /// The value the judge used for a party conclusion (`exporter.us_person`,
    /// `recipient.covered_person`, `recipient.padfa_controlled`, `passive_investment`), derived
    /// or declared; `None` for any other name.
    #[must_use]
    pub fn conclusion(&self, fact: &str) -> Option<Tri> {
        self.conclusions
            .iter()
            .find(|c| c.fact == fact)
            .map(|c| c.value)
    }

    /// Whether the transfer may not go ahead as described: an outcome that prohibits it, or a
    /// mechanism it needs that is missing or expired.
    #[must_use]
    pub fn is_blocking(&self) -> bool {
        self.cn.is_blocking() || self.us.is_blocking()
    }
}

/// The outcomes under which a side asks nothing of a reviewer: its pack finds nothing to file,
/// assess or approve (duties such as consent and impact assessments remain the exporter's own).
pub const CLEARED_OUTCOMES: [&str; 2] = ["EXEMPT", "NOT_COVERED"];

impl Decision {
    /// The sides a port routes to their reviewers, China first.
    #[must_use]
    pub fn sides_needing_review(&self) -> Vec<(Jurisdiction, &SideDecision)> {
        [(Jurisdiction::Cn, &self.cn), (Jurisdiction::Us, &self.us)]
            .into_iter()
            .filter(|(_, side)| side.needs_review())
            .collect()
    }
}

impl SideDecision {
    /// Whether a port sends this side to its country's reviewers: an outcome other than
    /// [`CLEARED_OUTCOMES`] (a filing, an assessment, conditions, a licence or a prohibition to
    /// confirm), a side that was not judged ([`NOT_JUDGED`]: a person must), or a blocking one.
    #[must_use]
    pub fn needs_review(&self) -> bool {
        !CLEARED_OUTCOMES.contains(&self.outcome.as_str()) || self.is_blocking()
    }

    /// Whether this side keeps the transfer from going ahead as described: an outcome that
    /// prohibits it, or a mechanism it needs that is missing or expired. A side that was not
    /// judged ([`NOT_JUDGED`]) blocks nothing; its coverage says why.
    #[must_use]
    pub fn is_blocking(&self) -> bool {
        self.outcome.contains("PROHIBITED")
            || self.mechanisms.iter().any(|m| m.status.is_blocking())
    }
}

/// One country's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SideDecision {
    /// Outcome name, e.g. `STANDARD_CONTRACT_OR_CERTIFICATION` or `RESTRICTED`, or
    /// [`NOT_JUDGED`] when the pack does not judge the transfer's date.
    pub outcome: String,
    /// Whether the pack's last review covers the transfer's date; absent when it does. Every
    /// output shows it when present: a decision past the review's horizon is judged with the
    /// rules as last reviewed, and one before the pack's first day is not judged at all.
    #[serde(skip_serializing_if = "Coverage::is_reviewed")]
    pub coverage: Coverage,
    /// For a pack that judges separate laws (the US pack: 28 CFR Part 202 and PADFA), each
    /// law's own outcome, grounds, mechanisms and obligations; `outcome` is the most burdensome
    /// of them. Empty for a pack that judges one law.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub laws: Vec<LawDecision>,
    /// Mechanisms required, with whether the facts show them in place (every law's).
    pub mechanisms: Vec<Mechanism>,
    /// Obligations that follow, deduplicated, in law and rule order (every law's).
    pub obligations: Vec<String>,
    /// The same obligations in Chinese, one for one, as the pack words them.
    pub obligations_zh: Vec<String>,
    /// The deadlines that follow (every law's), counted from the days the facts give.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub due: Vec<DueDate>,
    /// Every rule that fired, in pack order.
    pub rules: Vec<FiredRule>,
}

/// One law's decision within a side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LawDecision {
    /// The law's id in the pack (`dsp`, `padfa`).
    pub law: String,
    /// Its name.
    pub title: String,
    /// Its name in Chinese.
    pub title_zh: String,
    /// Its outcome, e.g. `NOT_COVERED` or `PADFA_PROHIBITED`.
    pub outcome: String,
    /// The rules that decided it.
    pub decided_by: Vec<String>,
    /// Why, in those rules' words (their `@explain`), one per rule.
    pub because: Vec<String>,
    /// The mechanisms this law requires.
    pub mechanisms: Vec<Mechanism>,
    /// The obligations that follow under this law.
    pub obligations: Vec<String>,
    /// The same obligations in Chinese, one for one.
    pub obligations_zh: Vec<String>,
    /// The deadlines that follow under this law.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub due: Vec<DueDate>,
}

/// Mechanisms to put in place and what they lead to: a remedy that is not a cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MechanismRemedy {
    /// The mechanisms' ids.
    pub mechanisms: Vec<String>,
    /// What to do, one step per mechanism, as the pack words it (`pack.toml` `[[mechanisms]]`).
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
    /// The deadlines that follow with them in place on the transfer's date (both sides').
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub due: Vec<DueDate>,
}

/// A mechanism the decision requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mechanism {
    /// Id, e.g. `cac_security_assessment`.
    pub id: String,
    /// Whether it is in place.
    pub status: MechanismStatus,
}

/// Whether a required mechanism is in place on the transfer's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MechanismStatus {
    /// The facts show it in place.
    InPlace,
    /// The facts show one that has lapsed.
    Expired,
    /// The facts show none.
    Missing,
    /// A duty the facts cannot show (consent, impact assessment, reports): to be done.
    Duty,
}

impl MechanismStatus {
    /// Whether a mechanism in this state keeps the transfer from going ahead: one the facts show
    /// none of, or one that has lapsed.
    #[must_use]
    pub const fn is_blocking(self) -> bool {
        matches!(self, Self::Missing | Self::Expired)
    }
}

/// A rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiredRule {
    /// Rule id.
    pub id: String,
    /// Article or section.
    pub citation: String,
    /// Pack file.
    pub file: String,
    /// Line of the rule in the file.
    pub line: usize,
    /// `decides`, `adds` (mechanisms/obligations only) or `overridden`, within the rule's own
    /// law when the pack judges several.
    pub role: Role,
}

/// What a fired rule contributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// It decided the outcome.
    Decides,
    /// It added mechanisms and obligations.
    Adds,
    /// It would decide another outcome but a rule of higher precedence won, or it adds
    /// mechanisms only under outcomes other than the one decided.
    Overridden,
}

/// One combination of unknown facts and its outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    /// The value assumed for each unknown fact; `counts` is `low` or `high` when totals across
    /// categories are a range.
    pub assume: BTreeMap<String, serde_json::Value>,
    /// China outcome.
    pub cn: String,
    /// US outcome.
    pub us: String,
}

/// A change to the inventory and what it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remedy {
    /// The changes, by category.
    pub changes: Vec<Change>,
    /// China outcome after the changes.
    pub cn: String,
    /// US outcome after the changes.
    pub us: String,
}

/// One change to one inventory entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// Vocabulary category, or `*` for every category of the transfer.
    pub category: String,
    /// What to do to it.
    pub action: Action,
    /// For `reduce`: the largest count that reaches the lighter outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<u64>,
}

/// What a remedy does to the data of one category. Declared in the alphabetical order of the
/// names, so remedies sort as they did when the action was its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Anonymise it (匿名化): no longer personal information for China; still counted by the
    /// United States (28 CFR 202.206).
    Anonymise,
    /// Leave it out of the transfer.
    Drop,
    /// Pseudonymise it (去标识化): still personal information.
    Pseudonymise,
    /// Send fewer people's data: at most [`Change::to`].
    Reduce,
}

impl Action {
    /// `anonymise`, `drop`, `pseudonymise` or `reduce`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Anonymise => "anonymise",
            Self::Drop => "drop",
            Self::Pseudonymise => "pseudonymise",
            Self::Reduce => "reduce",
        }
    }

    /// Whether de-identifying the dataset's columns carries it out (`reduce` needs a person to
    /// choose whom to leave out).
    #[must_use]
    pub const fn is_deidentification(self) -> bool {
        !matches!(self, Self::Reduce)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The version and hash of a pack, recorded with every decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackStamp {
    /// Version from `pack.toml`.
    pub version: String,
    /// `sha256:` content hash.
    pub hash: String,
}

/// The outcomes of one world, cheap to compare (indices into the packs' outcome lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Burden {
    cn: usize,
    us: usize,
}

impl Judge {
    /// The embedded packs and vocabulary.
    ///
    /// # Errors
    ///
    /// Only if an embedded pack is broken, which the tests rule out.
    pub fn embedded(vocabulary: &'static Vocabulary) -> Result<Self, JudgeError> {
        Self::new(
            RulePack::embedded(Jurisdiction::Cn)?,
            RulePack::embedded(Jurisdiction::Us)?,
            vocabulary,
        )
    }

    /// Two loaded packs and the vocabulary facts were checked against.
    ///
    /// # Errors
    ///
    /// If the packs are not one Chinese and one US pack.
    pub fn new(
        cn: RulePack,
        us: RulePack,
        vocabulary: &'static Vocabulary,
    ) -> Result<Self, JudgeError> {
        let uid = |text: &str, jurisdiction| {
            text.parse::<EntityUid>()
                .map_err(|e| JudgeError::Evaluation {
                    jurisdiction,
                    message: e.to_string(),
                })
        };
        if cn.jurisdiction() != Jurisdiction::Cn || us.jurisdiction() != Jurisdiction::Us {
            return Err(JudgeError::Evaluation {
                jurisdiction: cn.jurisdiction(),
                message: "the packs must be the `cn` pack and the `us` pack, in that order"
                    .to_owned(),
            });
        }
        Ok(Self {
            principal: uid(r#"Transfer::"transfer""#, Jurisdiction::Cn)?,
            action: uid(r#"Action::"judge""#, Jurisdiction::Cn)?,
            cn_resource: uid(r#"Pack::"cn""#, Jurisdiction::Cn)?,
            us_resource: uid(r#"Pack::"us""#, Jurisdiction::Us)?,
            cn,
            us,
            vocabulary,
            authorizer: Authorizer::new(),
            entities: Entities::empty(),
            filter: true,
        })
    }

    /// The same judge, with Cedar evaluating every policy of both packs on every request
    /// instead of only those the policies' leading guards do not rule out. Decisions are
    /// identical (the tests compare both on every scenario and on generated facts); only slower.
    #[must_use]
    pub fn with_full_evaluation(mut self) -> Self {
        self.filter = false;
        self
    }

    /// The pack of a jurisdiction.
    #[must_use]
    pub fn pack(&self, jurisdiction: Jurisdiction) -> &RulePack {
        match jurisdiction {
            Jurisdiction::Cn => &self.cn,
            Jurisdiction::Us => &self.us,
        }
    }

    /// The vocabulary facts are read against.
    #[must_use]
    pub fn vocabulary(&self) -> &'static Vocabulary {
        self.vocabulary
    }

    fn stamps(&self) -> BTreeMap<Jurisdiction, PackStamp> {
        [&self.cn, &self.us]
            .into_iter()
            .map(|p| {
                (
                    p.jurisdiction(),
                    PackStamp {
                        version: p.version().to_owned(),
                        hash: p.hash().to_owned(),
                    },
                )
            })
            .collect()
    }

    /// Judges one transfer under both packs, without remedies (the fast path).
    ///
    /// # Errors
    ///
    /// A [`JudgeError`] if a pack has a gap or the facts hold too many unknowns.
    pub fn decide(
        &self,
        facts: &TransferFacts,
        prior: &PriorVolumes,
    ) -> Result<Decision, JudgeError> {
        let inventory = context::inventory(facts, self.vocabulary);
        let mut parties = parties::classify(facts);
        parties::government_related(facts, inventory.us_precise_geolocation, &mut parties);
        let worlds = worlds(facts, &parties, &inventory)?;
        let mut cases = Vec::with_capacity(worlds.len());
        let mut worst: Option<(SideDecision, usize)> = None;
        let mut worst_us: Option<(SideDecision, usize)> = None;
        for world in &worlds {
            let cn = self.side(Jurisdiction::Cn, facts, &parties, &inventory, prior, world)?;
            let us = self.side(Jurisdiction::Us, facts, &parties, &inventory, prior, world)?;
            let cn_rank = self.cn.burden(&cn.outcome).unwrap_or(0);
            let us_rank = self.us.burden(&us.outcome).unwrap_or(0);
            if worlds.len() > 1 {
                cases.push(Case {
                    assume: assumptions(world, inventory.has_ranges()),
                    cn: cn.outcome.clone(),
                    us: us.outcome.clone(),
                });
            }
            if worst.as_ref().is_none_or(|(_, r)| cn_rank > *r) {
                worst = Some((cn, cn_rank));
            }
            if worst_us.as_ref().is_none_or(|(_, r)| us_rank > *r) {
                worst_us = Some((us, us_rank));
            }
        }
        // Cases that all agree say nothing the headline does not.
        if cases
            .windows(2)
            .all(|w| w.first().map(|a| (&a.cn, &a.us)) == w.get(1).map(|b| (&b.cn, &b.us)))
        {
            cases.clear();
        }
        let (Some((cn, _)), Some((us, _))) = (worst, worst_us) else {
            return Err(JudgeError::NoOutcome {
                jurisdiction: Jurisdiction::Cn,
            });
        };
        Ok(Decision {
            cn,
            us,
            conclusions: parties.conclusions,
            cases,
            remedies: Vec::new(),
            mechanism_remedies: Vec::new(),
            packs: self.stamps(),
            volumes: inventory.counted(prior),
        })
    }

    /// Judges one transfer and searches for remedies.
    ///
    /// # Errors
    ///
    /// As [`Judge::decide`].
    pub fn decide_with_remedies(
        &self,
        facts: &TransferFacts,
        prior: &PriorVolumes,
    ) -> Result<Decision, JudgeError> {
        let mut decision = self.decide(facts, prior)?;
        decision.remedies = self.remedies(facts, prior, &decision)?;
        decision.mechanism_remedies = self.mechanism_remedies(facts, prior, &decision)?;
        Ok(decision)
    }

    /// Re-judges the transfer with the mechanisms its decision finds missing or lapsed put in
    /// place on its date — each alone, then all together — and keeps those that lighten an
    /// outcome or clear a blocking mechanism, with the due dates that then follow.
    fn mechanism_remedies(
        &self,
        facts: &TransferFacts,
        prior: &PriorVolumes,
        decision: &Decision,
    ) -> Result<Vec<MechanismRemedy>, JudgeError> {
        let mut missing: Vec<&str> = Vec::new();
        for side in [&decision.cn, &decision.us] {
            for m in &side.mechanisms {
                if m.status.is_blocking() && !missing.contains(&m.id.as_str()) {
                    missing.push(&m.id);
                }
            }
        }
        let mut candidates: Vec<Vec<&str>> = missing.iter().map(|m| vec![*m]).collect();
        if missing.len() > 1 {
            candidates.push(missing.clone());
        }
        let base = (
            self.cn.burden(&decision.cn.outcome).unwrap_or(0),
            self.us.burden(&decision.us.outcome).unwrap_or(0),
            decision.is_blocking(),
        );
        let mut found: Vec<MechanismRemedy> = Vec::new();
        for ids in candidates {
            let mut variant = facts.clone();
            for id in &ids {
                put_in_place(&mut variant, id);
            }
            let after = self.decide(&variant, prior)?;
            let burden = (
                self.cn.burden(&after.cn.outcome).unwrap_or(0),
                self.us.burden(&after.us.outcome).unwrap_or(0),
            );
            let lighter = burden.0 <= base.0 && burden.1 <= base.1 && burden != (base.0, base.1);
            let unblocks =
                base.2 && !after.is_blocking() && burden.0 <= base.0 && burden.1 <= base.1;
            // A set is worth proposing only if no smaller proposal already does as well.
            let dominated = found.iter().any(|f| {
                f.mechanisms.len() < ids.len()
                    && self.cn.burden(&f.cn).unwrap_or(0) <= burden.0
                    && self.us.burden(&f.us).unwrap_or(0) <= burden.1
                    && (!f.still_blocking || after.is_blocking())
            });
            if !(lighter || unblocks) || dominated {
                continue;
            }
            let step = |id: &str| {
                self.cn
                    .mechanism_step(id)
                    .or_else(|| self.us.mechanism_step(id))
            };
            let still_blocking = after.is_blocking();
            let mut due = after.cn.due.clone();
            for d in &after.us.due {
                if !due.contains(d) {
                    due.push(d.clone());
                }
            }
            found.push(MechanismRemedy {
                mechanisms: ids.iter().map(|id| (*id).to_owned()).collect(),
                steps: ids
                    .iter()
                    .map(|id| {
                        step(id).map_or_else(|| format!("put `{id}` in place"), |s| s.step.clone())
                    })
                    .collect(),
                steps_zh: ids
                    .iter()
                    .map(|id| {
                        step(id).map_or_else(|| format!("落实 `{id}`"), |s| s.step_zh.clone())
                    })
                    .collect(),
                citations: ids
                    .iter()
                    .map(|id| step(id).map(|s| s.citation.clone()).unwrap_or_default())
                    .collect(),
                cn: after.cn.outcome,
                us: after.us.outcome,
                still_blocking,
                due,
            });
        }
        Ok(found)
    }

    /// The worst outcome on each side across all worlds, as burden ranks.
    fn burden(&self, facts: &TransferFacts, prior: &PriorVolumes) -> Result<Burden, JudgeError> {
        let inventory = context::inventory(facts, self.vocabulary);
        let mut parties = parties::classify(facts);
        parties::government_related(facts, inventory.us_precise_geolocation, &mut parties);
        let mut burden = Burden { cn: 0, us: 0 };
        for world in &worlds(facts, &parties, &inventory)? {
            let cn = self.side(Jurisdiction::Cn, facts, &parties, &inventory, prior, world)?;
            let us = self.side(Jurisdiction::Us, facts, &parties, &inventory, prior, world)?;
            burden.cn = burden.cn.max(self.cn.burden(&cn.outcome).unwrap_or(0));
            burden.us = burden.us.max(self.us.burden(&us.outcome).unwrap_or(0));
        }
        Ok(burden)
    }

    fn side(
        &self,
        jurisdiction: Jurisdiction,
        facts: &TransferFacts,
        parties: &Classification,
        inventory: &Inventory,
        prior: &PriorVolumes,
        world: &World,
    ) -> Result<SideDecision, JudgeError> {
        let fail = |message: String| JudgeError::Evaluation {
            jurisdiction,
            message,
        };
        let coverage = self.pack(jurisdiction).coverage(facts.date);
        if let Coverage::BeforePack { .. } = coverage {
            return Ok(SideDecision {
                outcome: NOT_JUDGED.to_owned(),
                coverage,
                laws: Vec::new(),
                mechanisms: Vec::new(),
                obligations: Vec::new(),
                obligations_zh: Vec::new(),
                due: Vec::new(),
                rules: Vec::new(),
            });
        }
        let (pack, resource, attributes) = match jurisdiction {
            Jurisdiction::Cn => (
                &self.cn,
                &self.cn_resource,
                context::cn_context(facts, inventory, prior, world),
            ),
            Jurisdiction::Us => (
                &self.us,
                &self.us_resource,
                context::us_context(facts, parties, inventory, prior, world),
            ),
        };
        let filtered;
        let policies = if self.filter {
            let survivors = pack.plan().survivors(&attributes);
            if survivors.is_empty() {
                return combine(pack, &[], facts).ok_or(JudgeError::NoOutcome { jurisdiction });
            }
            filtered = pack.plan().policy_set(survivors).map_err(fail)?;
            &*filtered
        } else {
            pack.evaluation_policies()
        };
        let context = context::to_context(&attributes).map_err(fail)?;
        let request = Request::new(
            self.principal.clone(),
            self.action.clone(),
            resource.clone(),
            context,
            None,
        )
        .map_err(|e| fail(e.to_string()))?;
        let response = self
            .authorizer
            .is_authorized(&request, policies, &self.entities);
        if let Some(error) = response.diagnostics().errors().next() {
            return Err(fail(error.to_string()));
        }
        let mut fired: Vec<&crate::pack::Rule> = response
            .diagnostics()
            .reason()
            .filter_map(|id| pack.rule(id.as_ref()))
            .filter(|rule| rule.in_force(facts.date))
            .collect();
        // Pack order (file, then line) keeps the output deterministic.
        fired.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        combine(pack, &fired, facts).ok_or(JudgeError::NoOutcome { jurisdiction })
    }

    /// Re-evaluates variants of the inventory and keeps the smallest that lower the burden on
    /// either side without raising it on the other.
    fn remedies(
        &self,
        facts: &TransferFacts,
        prior: &PriorVolumes,
        decision: &Decision,
    ) -> Result<Vec<Remedy>, JudgeError> {
        let base = Burden {
            cn: self.cn.burden(&decision.cn.outcome).unwrap_or(0),
            us: self.us.burden(&decision.us.outcome).unwrap_or(0),
        };
        if base.cn == 0 && base.us == 0 {
            return Ok(Vec::new());
        }
        let mut candidates: Vec<Vec<Change>> = Vec::new();
        let items = &facts.data.inventory;
        for item in items {
            if item.form != Form::Anonymised {
                candidates.push(vec![change(&item.category, Action::Anonymise)]);
            }
            if item.form == Form::Raw {
                candidates.push(vec![change(&item.category, Action::Pseudonymise)]);
            }
            candidates.push(vec![change(&item.category, Action::Drop)]);
        }
        // Pairs, only while they stay few: the smallest remedies come first anyway.
        if items.len() <= 12 {
            for (i, a) in items.iter().enumerate() {
                for b in items.iter().skip(i + 1) {
                    for action in [Action::Anonymise, Action::Drop] {
                        candidates.push(vec![
                            change(&a.category, action),
                            change(&b.category, action),
                        ]);
                    }
                }
            }
        }
        // Dropping everything is not a remedy, it is not transferring.
        candidates.retain(|changes| {
            let dropped = changes.iter().filter(|c| c.action == Action::Drop).count();
            dropped < items.len()
        });
        let mut found: Vec<(Vec<Change>, Burden)> = Vec::new();
        for changes in candidates {
            let variant = apply(facts, &changes);
            let burden = self.burden(&variant, prior)?;
            if lighter(burden, base) {
                found.push((changes, burden));
            }
        }
        // Count reductions: the largest count of one category that reaches a lighter outcome.
        let mut targets: Vec<&str> = items.iter().map(|i| i.category.as_str()).collect();
        if items.len() > 1 {
            targets.push(ALL);
        }
        for category in targets {
            if let Some((to, burden)) = self.reduce(facts, prior, category, base)? {
                found.push((
                    vec![Change {
                        category: category.to_owned(),
                        action: Action::Reduce,
                        to: Some(to),
                    }],
                    burden,
                ));
            }
        }
        // Keep, for each reachable pair of outcomes, only the remedies with the fewest changes;
        // and drop a remedy when a smaller one already reaches an outcome at least as light.
        found.sort_by(|a, b| {
            (a.0.len(), a.1.cn + a.1.us, &a.0).cmp(&(b.0.len(), b.1.cn + b.1.us, &b.0))
        });
        let mut kept: Vec<(Vec<Change>, Burden)> = Vec::new();
        for (changes, burden) in found {
            let dominated = kept
                .iter()
                .any(|(k, kb)| k.len() < changes.len() && kb.cn <= burden.cn && kb.us <= burden.us);
            if !dominated {
                kept.push((changes, burden));
            }
        }
        // A side its pack does not judge on this date stays NOT_JUDGED whatever changes.
        let name = |pack: &RulePack, rank: usize| match pack.coverage(facts.date) {
            Coverage::BeforePack { .. } => NOT_JUDGED.to_owned(),
            Coverage::Reviewed | Coverage::NotReviewed { .. } => {
                pack.outcomes().get(rank).cloned().unwrap_or_default()
            }
        };
        Ok(kept
            .into_iter()
            .map(|(changes, burden)| Remedy {
                changes,
                cn: name(&self.cn, burden.cn),
                us: name(&self.us, burden.us),
            })
            .collect())
    }

    /// Binary search for the largest count of `category` (or of every category and the
    /// transfer's total, for [`ALL`]) that lowers the burden; outcomes are monotone in counts,
    /// so the search is exact.
    fn reduce(
        &self,
        facts: &TransferFacts,
        prior: &PriorVolumes,
        category: &str,
        base: Burden,
    ) -> Result<Option<(u64, Burden)>, JudgeError> {
        let current = facts
            .data
            .inventory
            .iter()
            .filter(|i| category == ALL || i.category == category)
            .map(|i| i.individuals.max(i.devices.unwrap_or(0)))
            .max()
            .unwrap_or(0);
        if current == 0 {
            return Ok(None);
        }
        let at = |n: u64| -> Result<Burden, JudgeError> {
            let mut variant = facts.clone();
            if category == ALL {
                variant.data.individuals = variant.data.individuals.map(|t| t.min(n));
            }
            for i in &mut variant.data.inventory {
                if category == ALL || i.category == category {
                    i.individuals = i.individuals.min(n);
                    i.devices = i.devices.map(|d| d.min(n));
                }
            }
            self.burden(&variant, prior)
        };
        let zero = at(0)?;
        if !lighter(zero, base) {
            return Ok(None);
        }
        // Invariant: `low` is lighter than `base`, `high` is not.
        let (mut low, mut high) = (0_u64, current);
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if lighter(at(mid)?, base) {
                low = mid;
            } else {
                high = mid;
            }
        }
        Ok(Some((low, at(low)?)))
    }
}

/// The category name of a change that applies to every category of the transfer.
pub const ALL: &str = "*";

fn change(category: &str, action: Action) -> Change {
    Change {
        category: category.to_owned(),
        action,
        to: None,
    }
}

fn lighter(candidate: Burden, base: Burden) -> bool {
    candidate.cn <= base.cn && candidate.us <= base.us && candidate != base
}

fn apply(facts: &TransferFacts, changes: &[Change]) -> TransferFacts {
    let mut variant = facts.clone();
    for change in changes {
        let form = match change.action {
            Action::Drop => {
                variant
                    .data
                    .inventory
                    .retain(|i| i.category != change.category);
                continue;
            }
            Action::Anonymise => Form::Anonymised,
            Action::Pseudonymise => Form::Pseudonymised,
            // Reductions are judged by `reduce`, never applied as a change of form.
            Action::Reduce => continue,
        };
        for item in &mut variant.data.inventory {
            if item.category == change.category {
                item.form = form;
            }
        }
    }
    variant
}

fn worlds(
    facts: &TransferFacts,
    parties: &Classification,
    inventory: &Inventory,
) -> Result<Vec<World>, JudgeError> {
    let unknown = context::unknown_facts(facts, parties);
    if unknown.len() > MAX_UNKNOWNS {
        return Err(JudgeError::TooManyUnknowns {
            count: unknown.len(),
        });
    }
    let ranges: &[bool] = if inventory.has_ranges() {
        &[false, true]
    } else {
        &[false]
    };
    let mut worlds = Vec::with_capacity(ranges.len() << unknown.len());
    for &counts_high in ranges {
        for bits in 0_u32..(1 << unknown.len()) {
            let assumed = unknown
                .iter()
                .enumerate()
                .map(|(i, name)| (*name, bits & (1 << i) != 0))
                .collect();
            worlds.push(World {
                assumed,
                counts_high,
            });
        }
    }
    Ok(worlds)
}

fn assumptions(world: &World, ranges: bool) -> BTreeMap<String, serde_json::Value> {
    let mut out: BTreeMap<String, serde_json::Value> = world
        .assumed
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::Bool(*v)))
        .collect();
    if ranges {
        let end = if world.counts_high { "high" } else { "low" };
        out.insert("counts".to_owned(), serde_json::Value::from(end));
    }
    out
}

/// One law's share of a side: its outcome and the roles, mechanisms and obligations of its
/// rules.
struct Combined {
    outcome: String,
    mechanisms: Vec<Mechanism>,
    obligations: Vec<String>,
    obligations_zh: Vec<String>,
    due: Vec<DueDate>,
    /// Per fired rule (same order as the input): its role, `None` for another law's rule.
    roles: Vec<Option<Role>>,
}

/// Applies the combination rule (module docs) to the fired rules of one law (`law`, or every
/// rule when the pack judges one law).
fn combine_law(
    pack: &RulePack,
    fired: &[&crate::pack::Rule],
    law: Option<&str>,
    facts: &TransferFacts,
) -> Option<Combined> {
    let mine = |r: &crate::pack::Rule| law.is_none() || r.law.as_deref() == law;
    let (top_priority, outcome) = fired
        .iter()
        .filter(|r| mine(r))
        .filter_map(|r| {
            let outcome = r.outcome.as_deref()?;
            Some((r.priority, pack.burden(outcome).unwrap_or(0), outcome))
        })
        .max_by_key(|(priority, burden, _)| (*priority, *burden))
        .map(|(priority, _, outcome)| (priority, outcome.to_owned()))?;
    let mut combined = Combined {
        outcome,
        mechanisms: Vec::new(),
        obligations: Vec::new(),
        obligations_zh: Vec::new(),
        due: Vec::new(),
        roles: Vec::with_capacity(fired.len()),
    };
    for rule in fired {
        if !mine(rule) {
            combined.roles.push(None);
            continue;
        }
        let role = match &rule.outcome {
            Some(o) if rule.priority == top_priority && *o == combined.outcome => Role::Decides,
            Some(_) => Role::Overridden,
            None if rule.when_outcome.is_empty()
                || rule.when_outcome.contains(&combined.outcome) =>
            {
                Role::Adds
            }
            None => Role::Overridden,
        };
        if role != Role::Overridden {
            for id in &rule.mechanisms {
                if !combined.mechanisms.iter().any(|m| &m.id == id) {
                    combined.mechanisms.push(Mechanism {
                        id: id.clone(),
                        status: status(id, facts),
                    });
                }
            }
            for (i, obligation) in rule.obligations.iter().enumerate() {
                if !combined.obligations.contains(obligation) {
                    combined.obligations.push(obligation.clone());
                    // The pack gives both or refuses to load; English stands in otherwise.
                    combined
                        .obligations_zh
                        .push(rule.obligations_zh.get(i).unwrap_or(obligation).clone());
                }
            }
            for spec in &rule.due {
                let due = spec.resolve(&rule.id, facts);
                if !combined.due.contains(&due) {
                    combined.due.push(due);
                }
            }
        }
        combined.roles.push(Some(role));
    }
    Some(combined)
}

/// Applies the combination rule to the fired rules: once per law when the pack judges several
/// (each law its own outcome; the headline is the most burdensome, the first law's on a tie,
/// mechanisms and obligations are every law's), once otherwise.
fn combine(
    pack: &RulePack,
    fired: &[&crate::pack::Rule],
    facts: &TransferFacts,
) -> Option<SideDecision> {
    let laws = pack.laws();
    let parts: Vec<Combined> = if laws.is_empty() {
        vec![combine_law(pack, fired, None, facts)?]
    } else {
        laws.iter()
            .map(|law| combine_law(pack, fired, Some(&law.id), facts))
            .collect::<Option<_>>()?
    };
    let mut headline: Option<(usize, &str)> = None;
    for part in &parts {
        let rank = pack.burden(&part.outcome).unwrap_or(0);
        if headline.is_none_or(|(best, _)| rank > best) {
            headline = Some((rank, &part.outcome));
        }
    }
    let outcome = headline.map(|(_, o)| o.to_owned())?;
    let mut mechanisms: Vec<Mechanism> = Vec::new();
    let mut obligations: Vec<String> = Vec::new();
    let mut obligations_zh: Vec<String> = Vec::new();
    let mut due: Vec<DueDate> = Vec::new();
    for part in &parts {
        for d in &part.due {
            if !due.contains(d) {
                due.push(d.clone());
            }
        }
        for m in &part.mechanisms {
            if !mechanisms.iter().any(|k| k.id == m.id) {
                mechanisms.push(m.clone());
            }
        }
        for (o, zh) in part.obligations.iter().zip(&part.obligations_zh) {
            if !obligations.contains(o) {
                obligations.push(o.clone());
                obligations_zh.push(zh.clone());
            }
        }
    }
    let rules = fired
        .iter()
        .enumerate()
        .map(|(i, rule)| FiredRule {
            id: rule.id.clone(),
            citation: rule.citation.clone(),
            file: rule.file.clone(),
            line: rule.line,
            role: parts
                .iter()
                .find_map(|p| p.roles.get(i).copied().flatten())
                .unwrap_or(Role::Overridden),
        })
        .collect();
    let by_law = laws
        .iter()
        .zip(parts)
        .map(|(law, part)| {
            let grounds: Vec<&crate::pack::Rule> = fired
                .iter()
                .zip(&part.roles)
                .filter(|(_, role)| **role == Some(Role::Decides))
                .map(|(rule, _)| *rule)
                .collect();
            LawDecision {
                law: law.id.clone(),
                title: law.title.clone(),
                title_zh: law.title_zh.clone(),
                outcome: part.outcome,
                decided_by: grounds.iter().map(|r| r.id.clone()).collect(),
                because: grounds.iter().map(|r| r.explain.clone()).collect(),
                mechanisms: part.mechanisms,
                obligations: part.obligations,
                obligations_zh: part.obligations_zh,
                due: part.due,
            }
        })
        .collect();
    Some(SideDecision {
        outcome,
        coverage: pack.coverage(facts.date),
        laws: by_law,
        mechanisms,
        obligations,
        obligations_zh,
        due,
        rules,
    })
}

fn period_status(period: Option<ValidPeriod>, date: Date) -> MechanismStatus {
    match period {
        Some(p) if p.from <= date && date <= p.until => MechanismStatus::InPlace,
        Some(p) if date > p.until => MechanismStatus::Expired,
        _ => MechanismStatus::Missing,
    }
}

fn since_status(since: Option<crate::facts::Since>, date: Date) -> MechanismStatus {
    if since.is_some_and(|s| s.since <= date) {
        MechanismStatus::InPlace
    } else {
        MechanismStatus::Missing
    }
}

/// Puts the mechanism `id` in place on the transfer's date (a security assessment for the 3 years
/// of CAC16 Art. 9); a mechanism the facts cannot show is left as it is.
fn put_in_place(facts: &mut TransferFacts, id: &str) {
    let date = facts.date;
    let since = Some(crate::facts::Since { since: date });
    let m = &mut facts.mechanisms;
    match id {
        "cac_security_assessment" => {
            let until = date
                .checked_add(jiff::Span::new().years(3))
                .and_then(|d| d.checked_sub(jiff::Span::new().days(1)))
                .unwrap_or(date);
            m.cn_security_assessment = Some(ValidPeriod { from: date, until });
        }
        "standard_contract_or_certification" => m.cn_standard_contract = since,
        "cisa_security_requirements" => m.us_cisa_security_requirements = since,
        "data_compliance_programme" => m.us_data_compliance_programme = since,
        "onward_transfer_contract" => m.us_onward_transfer_contract = since,
        _ => {}
    }
}

/// Whether the facts show a mechanism in place; mechanisms the facts cannot show are duties.
fn status(id: &str, facts: &TransferFacts) -> MechanismStatus {
    let m = &facts.mechanisms;
    let date = facts.date;
    match id {
        "cac_security_assessment" => period_status(m.cn_security_assessment, date),
        "standard_contract_or_certification" => {
            let contract = since_status(m.cn_standard_contract, date);
            let certificate = period_status(m.cn_certification, date);
            if contract == MechanismStatus::InPlace || certificate == MechanismStatus::InPlace {
                MechanismStatus::InPlace
            } else {
                certificate
            }
        }
        "cisa_security_requirements" => since_status(m.us_cisa_security_requirements, date),
        "data_compliance_programme" => since_status(m.us_data_compliance_programme, date),
        "onward_transfer_contract" => since_status(m.us_onward_transfer_contract, date),
        _ => MechanismStatus::Duty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FactsFormat, parse_facts};

    /// The judge builds requests without Cedar's per-request schema validation: its contexts
    /// are typed by construction. On every world of every scenario the context passes the
    /// pack's schema, and the validated request fires the same rules as the unvalidated one.
    #[test]
    fn every_scenario_context_passes_the_schema_and_decides_alike() {
        let vocabulary = Vocabulary::embedded().unwrap();
        let judge = Judge::embedded(vocabulary).unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/tests");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        assert!(paths.len() > 90);
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let facts_text = text.split("\n[expect]\n").next().unwrap();
            let facts = parse_facts("scenario", facts_text, FactsFormat::Toml, &judge).unwrap();
            let prior = match facts.prior_volumes {
                Some(p) => p,
                None => PriorVolumes::none(facts.date),
            };
            let inventory = context::inventory(&facts, vocabulary);
            let mut parties = parties::classify(&facts);
            parties::government_related(&facts, inventory.us_precise_geolocation, &mut parties);
            for world in worlds(&facts, &parties, &inventory).unwrap() {
                for (pack, resource, attributes) in [
                    (
                        &judge.cn,
                        &judge.cn_resource,
                        context::cn_context(&facts, &inventory, &prior, &world),
                    ),
                    (
                        &judge.us,
                        &judge.us_resource,
                        context::us_context(&facts, &parties, &inventory, &prior, &world),
                    ),
                ] {
                    let fired = |schema: Option<&cedar_policy::Schema>| {
                        let request = Request::new(
                            judge.principal.clone(),
                            judge.action.clone(),
                            resource.clone(),
                            context::to_context(&attributes).unwrap(),
                            schema,
                        )
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                        let response = judge.authorizer.is_authorized(
                            &request,
                            pack.evaluation_policies(),
                            &judge.entities,
                        );
                        assert_eq!(response.diagnostics().errors().count(), 0);
                        let mut ids: Vec<String> = response
                            .diagnostics()
                            .reason()
                            .map(ToString::to_string)
                            .collect();
                        ids.sort();
                        ids
                    };
                    assert_eq!(
                        fired(Some(pack.schema())),
                        fired(None),
                        "{}",
                        path.display()
                    );
                }
            }
        }
    }
}
