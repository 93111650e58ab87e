//! The parties' legal status, derived from the facts a user knows about them (facts format 2):
//! U.S. person (28 CFR 202.256), covered person (28 CFR 202.211, every prong), controlled by a
//! foreign adversary (PADFA, 15 U.S.C. 9901(c)(2)) and passive investment (28 CFR 202.228(b)).
//! Every derivation lives here, in one place, and returns its reasons with their citations; the
//! Cedar packs read the derived values exactly as they read the typed-in ones of format 1.
//!
//! A typed-in conclusion stays possible. It is labelled declared and checked against the
//! derivation: when both are known and disagree, the contradiction is reported and the judge
//! goes on with the derived value (the law's answer on the facts given) — except a declared
//! `true` for PADFA control, which may rest on direction or control (15 U.S.C. 9901(c)(2)) that
//! ownership facts cannot show, and stands as the declared ground. When the party facts leave
//! a conclusion open (an unknown lawful permanent residence or designation), a known
//! declaration decides; otherwise the conclusion is `unknown` and the judge answers under both
//! values, naming the conclusion in each case.
//!
//! Unknown party attributes are resolved exactly: each conclusion is monotone in every input
//! (a designation only adds coverage, a U.S. residence only removes it), so evaluating once
//! with every unknown resolved toward the conclusion and once against it gives its two
//! extremes; it is known when they agree.
//!
//! Sources: the text of §§ 202.211, 202.228 and 202.256 with their printed examples
//! (eCFR, read in a public copy at checkoutapi.com/regulations/28/202.211, …/section202.228,
//! …/section202.256), law-cn-us.md B.2, B.5 and B.10.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::facts::{InvestmentTerms, InvestmentVehicle, Party, PartyKind, TransferFacts, Tri};

/// Countries of concern, 28 CFR 202.601 (China includes Hong Kong and Macau, §§ 202.208,
/// .250, .251; law-cn-us.md B.2).
pub(crate) const COUNTRIES_OF_CONCERN: [&str; 8] = ["cn", "hk", "mo", "cu", "ir", "kp", "ru", "ve"];

/// Foreign adversary countries under PADFA (10 U.S.C. 4872(d)(2)): China (with Hong Kong and
/// Macau), Iran, North Korea, Russia (law-cn-us.md B.10); Cuba and Venezuela are not.
pub(crate) const FOREIGN_ADVERSARIES: [&str; 6] = ["cn", "hk", "mo", "ir", "kp", "ru"];

/// 50 % (28 CFR 202.211(a)(1)-(2)), in hundredths of a percent.
const COVERED_OWNERSHIP: i64 = 5_000;
/// 20 % (15 U.S.C. 9901(c)(2)(B)), in hundredths of a percent.
const PADFA_OWNERSHIP: i64 = 2_000;
/// 25 % (28 CFR 202.1103), in hundredths of a percent.
const OWNED_25PCT: i64 = 2_500;
/// 10 % (28 CFR 202.228(b)(2)), in hundredths of a percent.
const PASSIVE_CEILING: i64 = 1_000;

/// One step of a derivation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// What the facts show, in words.
    pub text: String,
    /// The provision it applies.
    pub citation: &'static str,
}

/// Where a conclusion the judge used comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Derived from the party or investment facts.
    Derived,
    /// Typed in by the exporter (facts format 1, or format 2 without the facts to derive it,
    /// or where the facts leave it open).
    Declared,
}

/// A legal conclusion about a party or the investment that the rules read, with where it
/// comes from and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conclusion {
    /// The fact, e.g. `recipient.covered_person`.
    pub fact: &'static str,
    /// The value the judge used.
    pub value: Tri,
    /// Whether `value` is the derived or the declared one.
    pub basis: Basis,
    /// What the facts file declares, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<Tri>,
    /// What the party facts give, when the facts describe the party.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<Tri>,
    /// Set when the declaration and the derivation disagree: what the judge did about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contradiction: Option<String>,
    /// The derivation, step by step, each with its citation; empty for a bare declaration.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// When the party facts leave the conclusion open: the unknown attributes that decide it
    /// (`parties.ID.designated`, `investment.minority_protections_only`), each one that, once
    /// known, changes it. The judge answers under both values of the conclusion meanwhile.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open_on: Vec<String>,
}

/// The conclusions one decision rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Classification {
    pub(crate) us_person: Tri,
    pub(crate) covered_person: Tri,
    pub(crate) padfa_controlled: Tri,
    /// `false` when the transaction is not an investment.
    pub(crate) passive_investment: Tri,
    pub(crate) owned_25pct: Tri,
    /// Whether the data is government-related (28 CFR 202.222): declared, or derived by
    /// [`government_related`] once the inventory is known.
    pub(crate) government_related: Tri,
    pub(crate) conclusions: Vec<Conclusion>,
}

/// Derives every conclusion the rules read and reconciles it with any declaration.
pub(crate) fn classify(facts: &TransferFacts) -> Classification {
    let parties = Parties {
        map: &facts.parties,
    };
    let exporter = facts.exporter.party.as_deref();
    let recipient = facts.recipient.party.as_deref();
    let us_person = resolve(
        "exporter.us_person",
        facts.exporter.us_person,
        exporter.map(|id| parties.us_person_explained(id)),
        true,
    );
    let covered_person = resolve(
        "recipient.covered_person",
        facts.recipient.covered_person,
        recipient.map(|id| parties.covered_explained(id)),
        true,
    );
    let padfa_controlled = resolve(
        "recipient.padfa_controlled",
        facts.recipient.padfa_controlled,
        recipient.map(|id| parties.padfa_explained(id)),
        false,
    );
    let passive = (facts.transaction == crate::facts::TransactionType::Investment).then(|| {
        resolve(
            "passive_investment",
            facts.passive_investment,
            facts.investment.as_ref().map(passive_explained),
            true,
        )
    });
    let owned_25pct = resolve(
        "exporter.owned_25pct_by_country_of_concern",
        facts.exporter.owned_25pct_by_country_of_concern,
        exporter.map(|id| parties.owned_25pct_explained(id)),
        true,
    );
    let mut conclusions = vec![us_person, owned_25pct, covered_person, padfa_controlled];
    conclusions.extend(passive);
    // A conclusion the facts leave open names the unknown attributes that decide it.
    for conclusion in &mut conclusions {
        if conclusion.derived == Some(Tri::Unknown) {
            conclusion.open_on = deciding_unknowns(facts, conclusion.fact);
        }
    }
    let value = |fact: &str, absent: Tri| {
        conclusions
            .iter()
            .find(|c| c.fact == fact)
            .map_or(absent, |c| c.value)
    };
    Classification {
        us_person: value("exporter.us_person", Tri::Unknown),
        owned_25pct: value("exporter.owned_25pct_by_country_of_concern", Tri::Unknown),
        covered_person: value("recipient.covered_person", Tri::Unknown),
        padfa_controlled: value("recipient.padfa_controlled", Tri::Unknown),
        passive_investment: value("passive_investment", Tri::False),
        government_related: facts.data.us_government_related,
        conclusions,
    }
}

/// Derives government-related data (28 CFR 202.222) from `data.us_government_related_facts`
/// and reconciles it with the declaration, as a conclusion; `precise_geolocation` says whether
/// the inventory holds precise geolocation data of U.S. devices (within 1,000 m, § 202.242).
pub(crate) fn government_related(
    facts: &TransferFacts,
    precise_geolocation: bool,
    classification: &mut Classification,
) {
    let Some(g) = facts.data.us_government_related_facts else {
        return;
    };
    let listed = and(
        g.locations_on_government_list,
        Tri::from(precise_geolocation),
    );
    let value = or(g.marketed_as_linked_to_us_government, listed);
    let mut reasons = vec![Reason {
        text: format!(
            "marketed as linked or linkable to current or recent former U.S. Government employees or contractors, or former senior officials: {}",
            word(g.marketed_as_linked_to_us_government)
        ),
        citation: "28 CFR 202.222(a)(2)",
    }];
    reasons.push(Reason {
        text: if precise_geolocation {
            format!(
                "precise geolocation data of a location on the Government-Related Location Data List: {}",
                word(g.locations_on_government_list)
            )
        } else {
            "no precise geolocation data in the transfer, so the Government-Related Location Data List does not apply".to_owned()
        },
        citation: "28 CFR 202.222(a)(1); 28 CFR 202.1401",
    });
    let mut conclusion = resolve(
        "data.us_government_related",
        Some(facts.data.us_government_related),
        Some((value, reasons)),
        true,
    );
    if value == Tri::Unknown {
        let mut open = Vec::new();
        if g.marketed_as_linked_to_us_government == Tri::Unknown {
            open.push(
                "data.us_government_related_facts.marketed_as_linked_to_us_government".to_owned(),
            );
        }
        if precise_geolocation && g.locations_on_government_list == Tri::Unknown {
            open.push("data.us_government_related_facts.locations_on_government_list".to_owned());
        }
        conclusion.open_on = open;
    }
    classification.government_related = conclusion.value;
    classification.conclusions.push(conclusion);
}

/// The derived value of one conclusion on `facts`.
fn derived_value(facts: &TransferFacts, fact: &str) -> Option<Tri> {
    let parties = Parties {
        map: &facts.parties,
    };
    let exporter = facts.exporter.party.as_deref();
    let recipient = facts.recipient.party.as_deref();
    match fact {
        "exporter.us_person" => exporter.map(|id| parties.us_person(id)),
        "exporter.owned_25pct_by_country_of_concern" => {
            exporter.map(|id| parties.owned_25pct_explained(id).0)
        }
        "recipient.covered_person" => recipient.map(|id| parties.covered_explained(id).0),
        "recipient.padfa_controlled" => recipient.map(|id| parties.padfa_explained(id).0),
        "passive_investment" => facts.investment.as_ref().map(|t| passive_explained(t).0),
        _ => None,
    }
}

/// Sets one unknown input of a facts copy to a value.
type Setter = Box<dyn Fn(&mut TransferFacts, Tri)>;

/// The unknown attributes that decide an open conclusion: each one whose two values give the
/// conclusion two different values, the others left unknown.
fn deciding_unknowns(facts: &TransferFacts, fact: &str) -> Vec<String> {
    let mut inputs: Vec<(String, Setter)> = Vec::new();
    for (id, party) in &facts.parties {
        for (field, value) in [
            (
                "us_lawful_permanent_resident",
                party.us_lawful_permanent_resident,
            ),
            ("us_refugee_or_asylee", party.us_refugee_or_asylee),
            ("designated", party.designated),
        ] {
            if value == Some(Tri::Unknown) {
                let key = id.clone();
                inputs.push((
                    format!("parties.{id}.{field}"),
                    Box::new(move |f: &mut TransferFacts, v: Tri| {
                        if let Some(p) = f.parties.get_mut(&key) {
                            match field {
                                "us_lawful_permanent_resident" => {
                                    p.us_lawful_permanent_resident = Some(v);
                                }
                                "us_refugee_or_asylee" => p.us_refugee_or_asylee = Some(v),
                                _ => p.designated = Some(v),
                            }
                        }
                    }),
                ));
            }
        }
    }
    if let Some(terms) = &facts.investment {
        if terms.limited_partner_without_influence == Some(Tri::Unknown) {
            inputs.push((
                "investment.limited_partner_without_influence".to_owned(),
                Box::new(|f: &mut TransferFacts, v: Tri| {
                    if let Some(t) = f.investment.as_mut() {
                        t.limited_partner_without_influence = Some(v);
                    }
                }),
            ));
        }
        if terms.minority_protections_only == Tri::Unknown {
            inputs.push((
                "investment.minority_protections_only".to_owned(),
                Box::new(|f: &mut TransferFacts, v: Tri| {
                    if let Some(t) = f.investment.as_mut() {
                        t.minority_protections_only = v;
                    }
                }),
            ));
        }
    }
    inputs
        .into_iter()
        .filter(|(_, set)| {
            let at = |v: Tri| {
                let mut variant = facts.clone();
                set(&mut variant, v);
                derived_value(&variant, fact)
            };
            at(Tri::True) != at(Tri::False)
        })
        .map(|(name, _)| name)
        .collect()
}

fn word(value: Tri) -> &'static str {
    match value {
        Tri::True => "`true`",
        Tri::False => "`false`",
        Tri::Unknown => "`\"unknown\"`",
    }
}

/// Reconciles a declaration with a derivation. `complete`: whether the derivation covers every
/// ground of the definition (PADFA's direction or control is not derivable from ownership).
fn resolve(
    fact: &'static str,
    declared: Option<Tri>,
    derived: Option<(Tri, Vec<Reason>)>,
    complete: bool,
) -> Conclusion {
    let Some((value, reasons)) = derived else {
        // Nothing to derive from: the declaration, or (only for hand-built facts; the loader
        // refuses this) unknown, judged under both values.
        return Conclusion {
            fact,
            value: declared.unwrap_or(Tri::Unknown),
            basis: Basis::Declared,
            declared,
            derived: None,
            contradiction: None,
            reasons: Vec::new(),
            open_on: Vec::new(),
        };
    };
    let mut conclusion = Conclusion {
        fact,
        value,
        basis: Basis::Derived,
        declared,
        derived: Some(value),
        contradiction: None,
        reasons,
        open_on: Vec::new(),
    };
    match (declared.and_then(Tri::known), value.known()) {
        (Some(d), Some(v)) if d != v => {
            if !complete && d {
                conclusion.value = Tri::True;
                conclusion.basis = Basis::Declared;
                conclusion.reasons.push(Reason {
                    text: "declared `true`: a ground the ownership facts cannot show (direction or control) stands as declared".to_owned(),
                    citation: "15 U.S.C. 9901(c)(2)",
                });
            } else {
                conclusion.contradiction = Some(format!(
                    "declared {} but the {} facts give {}: judged as {}",
                    word(Tri::from(d)),
                    if fact.starts_with("data.") {
                        "data"
                    } else {
                        "party"
                    },
                    word(value),
                    word(value)
                ));
            }
        }
        (Some(d), None) => {
            conclusion.value = Tri::from(d);
            conclusion.basis = Basis::Declared;
            conclusion.reasons.push(Reason {
                text: format!(
                    "the party facts leave it open; the declaration {} decides",
                    word(Tri::from(d))
                ),
                citation: "",
            });
        }
        _ => {}
    }
    conclusion
}

/// The `[parties]` table, checked at load: every id exists, kinds fit their fields, no entity
/// owns itself through others.
struct Parties<'a> {
    map: &'a BTreeMap<String, Party>,
}

fn is_us(country: Option<&str>) -> bool {
    country == Some("us")
}

fn of_concern(country: Option<&str>) -> bool {
    country.is_some_and(|c| COUNTRIES_OF_CONCERN.contains(&c))
}

fn adversary(country: Option<&str>) -> bool {
    country.is_some_and(|c| FOREIGN_ADVERSARIES.contains(&c))
}

fn country(country: Option<&str>) -> &str {
    country.unwrap_or("?")
}

/// Kleene disjunction.
fn or(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::True, _) | (_, Tri::True) => Tri::True,
        (Tri::False, Tri::False) => Tri::False,
        _ => Tri::Unknown,
    }
}

/// Kleene conjunction.
fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::False, _) | (_, Tri::False) => Tri::False,
        (Tri::True, Tri::True) => Tri::True,
        _ => Tri::Unknown,
    }
}

/// Resolves an unknown input one way.
fn pick(value: Tri, unknown_as: bool) -> bool {
    value.known().unwrap_or(unknown_as)
}

impl<'a> Parties<'a> {
    fn get(&self, id: &str) -> Option<&'a Party> {
        self.map.get(id)
    }

    fn label(&self, id: &str) -> String {
        match self.get(id).and_then(|p| p.name.as_deref()) {
            Some(name) => format!("{name} (`{id}`)"),
            None => format!("`{id}`"),
        }
    }

    /// A branch stands for the entity it belongs to; anything else for itself.
    fn head<'b>(&self, id: &'b str) -> &'b str
    where
        'a: 'b,
    {
        match self.get(id) {
            Some(p) if p.kind == PartyKind::Branch => p.branch_of.as_deref().unwrap_or(id),
            _ => id,
        }
    }

    /// 28 CFR 202.256(a) as a three-valued fact.
    fn us_person(&self, id: &str) -> Tri {
        let id = self.head(id);
        let Some(p) = self.get(id) else {
            return Tri::Unknown;
        };
        match p.kind {
            PartyKind::Individual => {
                let citizen = Tri::from(p.citizenships.iter().any(|c| c == "us"));
                let present = Tri::from(is_us(p.located_in.as_deref()));
                or(
                    or(citizen, present),
                    or(
                        p.us_lawful_permanent_resident.unwrap_or(Tri::Unknown),
                        p.us_refugee_or_asylee.unwrap_or(Tri::Unknown),
                    ),
                )
            }
            PartyKind::Entity => Tri::from(is_us(p.organised_in.as_deref())),
            PartyKind::Branch | PartyKind::Government => Tri::False,
        }
    }

    fn us_person_explained(&self, id: &str) -> (Tri, Vec<Reason>) {
        const CITE: &str = "28 CFR 202.256(a)";
        let value = self.us_person(id);
        let mut reasons = Vec::new();
        let mut at = id;
        if let Some(p) = self.get(id)
            && p.kind == PartyKind::Branch
        {
            at = self.head(id);
            reasons.push(Reason {
                text: format!(
                    "{} is a branch of {}, not a separate person: it is what that entity is, wherever the branch is",
                    self.label(id),
                    self.label(at)
                ),
                citation: "28 CFR 202.256(b), Examples 5 and 7",
            });
        }
        let name = self.label(at);
        let Some(p) = self.get(at) else {
            return (value, reasons);
        };
        let text = match p.kind {
            PartyKind::Individual => {
                let mut grounds = Vec::new();
                if p.citizenships.iter().any(|c| c == "us") {
                    grounds.push(
                        "a U.S. citizen, a U.S. person wherever located (Examples 2 and 3)"
                            .to_owned(),
                    );
                }
                if is_us(p.located_in.as_deref()) {
                    grounds.push(
                        "in the United States, a U.S. person whatever the citizenship (Example 1)"
                            .to_owned(),
                    );
                }
                for (what, v) in [
                    (
                        "a U.S. lawful permanent resident",
                        p.us_lawful_permanent_resident,
                    ),
                    (
                        "admitted as a refugee or granted asylum",
                        p.us_refugee_or_asylee,
                    ),
                ] {
                    match v.unwrap_or(Tri::Unknown) {
                        Tri::True => grounds.push(what.to_owned()),
                        Tri::Unknown if value == Tri::Unknown => {
                            grounds.push(format!("perhaps {what} (unknown; it decides)"));
                        }
                        _ => {}
                    }
                }
                if grounds.is_empty() {
                    let citizens = if p.citizenships.is_empty() {
                        "no citizenship".to_owned()
                    } else {
                        format!("citizen of {}", p.citizenships.join(", "))
                    };
                    format!(
                        "{name} is a foreign person: {citizens}, not a U.S. lawful permanent resident, refugee or asylee, and outside the United States (in {}) (Example 4)",
                        country(p.located_in.as_deref())
                    )
                } else {
                    format!("{name} is {}", grounds.join("; "))
                }
            }
            PartyKind::Entity if value == Tri::True => format!(
                "{name} is organised under U.S. law: a U.S. person, with its foreign branches, whoever owns it (Examples 5 and 8)"
            ),
            PartyKind::Entity => format!(
                "{name} is organised in {}: a foreign person, even with a U.S. branch or a U.S. parent (Examples 6 and 7)",
                country(p.organised_in.as_deref())
            ),
            PartyKind::Government => format!(
                "{name} is the government of {}, none of the persons § 202.256 lists",
                country(p.country.as_deref())
            ),
            PartyKind::Branch => String::new(),
        };
        reasons.push(Reason {
            text,
            citation: CITE,
        });
        (value, reasons)
    }

    /// Covered person (or country of concern) in one resolution of the unknowns: `favour`
    /// resolves each toward being covered. Least fixed point over the employment and
    /// ownership relations.
    fn covered_all(&self, favour: bool) -> BTreeMap<&'a str, bool> {
        let mut covered: BTreeMap<&'a str, bool> =
            self.map.keys().map(|k| (k.as_str(), false)).collect();
        loop {
            let mut changed = false;
            for id in self.map.keys() {
                if !covered.get(id.as_str()).copied().unwrap_or(false)
                    && self.covered_step(id, favour, &covered, None)
                {
                    covered.insert(id.as_str(), true);
                    changed = true;
                }
            }
            if !changed {
                return covered;
            }
        }
    }

    fn foreign(&self, id: &str, favour_foreign: bool) -> bool {
        !pick(self.us_person(id), !favour_foreign)
    }

    /// Whether `id` is covered given the others' status; writes the grounds to `reasons`.
    fn covered_step(
        &self,
        id: &str,
        favour: bool,
        covered: &BTreeMap<&str, bool>,
        mut reasons: Option<&mut Vec<Reason>>,
    ) -> bool {
        let mut say = |text: String, citation: &'static str| {
            if let Some(r) = reasons.as_deref_mut() {
                r.push(Reason { text, citation });
            }
        };
        let name = self.label(id);
        let Some(p) = self.get(id) else {
            return false;
        };
        let is = |other: &str| covered.get(self.head(other)).copied().unwrap_or(false);
        let designated = pick(p.designated.unwrap_or(Tri::Unknown), favour);
        match p.kind {
            PartyKind::Government => {
                let yes = of_concern(p.country.as_deref());
                say(
                    format!(
                        "{name} is the government of {}{}",
                        country(p.country.as_deref()),
                        if yes {
                            ", a country of concern"
                        } else {
                            ", not a country of concern"
                        }
                    ),
                    "28 CFR 202.601; 202.211(a)",
                );
                yes
            }
            PartyKind::Branch => {
                let head = self.head(id);
                let yes = is(head);
                say(
                    format!(
                        "{name} is a branch of {}, which is {}a covered person",
                        self.label(head),
                        if yes { "" } else { "not " }
                    ),
                    "28 CFR 202.256(b), Example 7",
                );
                yes
            }
            PartyKind::Entity | PartyKind::Individual => {
                let foreign = self.foreign(id, favour);
                let mut yes = false;
                if foreign {
                    yes |= if p.kind == PartyKind::Entity {
                        self.entity_prongs(p, &name, &is, &mut say)
                    } else {
                        self.individual_prongs(p, &name, &is, &mut say)
                    };
                } else {
                    say(
                        format!(
                            "{name} is a U.S. person (28 CFR 202.256): prongs (a)(1)-(4) reach foreign persons only (Example 2)"
                        ),
                        "28 CFR 202.211(a), (b) Example 2",
                    );
                }
                match (designated, p.designated.unwrap_or(Tri::Unknown)) {
                    (true, Tri::Unknown) => say(
                        format!(
                            "{name} may be designated by the Attorney General (unknown; it decides)"
                        ),
                        "28 CFR 202.211(a)(5)",
                    ),
                    (true, _) => say(
                        format!("{name} is designated by the Attorney General"),
                        "28 CFR 202.211(a)(5)",
                    ),
                    (false, _) => say(
                        format!("{name} is not designated by the Attorney General"),
                        "28 CFR 202.211(a)(5)",
                    ),
                }
                yes || designated
            }
        }
    }

    /// 28 CFR 202.211(a)(1)-(2) for a foreign entity.
    fn entity_prongs(
        &self,
        p: &Party,
        name: &str,
        is: &dyn Fn(&str) -> bool,
        say: &mut dyn FnMut(String, &'static str),
    ) -> bool {
        let organised = of_concern(p.organised_in.as_deref());
        let place = of_concern(p.principal_place_of_business.as_deref());
        say(
            format!(
                "{name} is organised in {}{} and has its principal place of business in {}{}",
                country(p.organised_in.as_deref()),
                if organised {
                    ", a country of concern,"
                } else {
                    ""
                },
                country(p.principal_place_of_business.as_deref()),
                if place { ", a country of concern" } else { "" },
            ),
            "28 CFR 202.211(a)(1); 202.601",
        );
        let mut held = 0_i64;
        let mut by = Vec::new();
        for owner in &p.owners {
            let Some(o) = self.get(&owner.party) else {
                continue;
            };
            let counts = match o.kind {
                PartyKind::Government => of_concern(o.country.as_deref()),
                _ => is(&owner.party),
            };
            if counts {
                held += owner.percent.hundredths();
                by.push(format!("{} {}", self.label(&owner.party), owner.percent));
            }
        }
        let owned = held >= COVERED_OWNERSHIP;
        if !p.owners.is_empty() {
            let share = crate::facts::Percent::from_hundredths(held);
            say(
                if by.is_empty() {
                    format!(
                        "{name}: none of its owners is a country of concern or a covered person"
                    )
                } else {
                    format!(
                        "{name} is owned {share} in aggregate, directly or through covered owners, by countries of concern or covered persons ({}){}",
                        by.join(", "),
                        if owned {
                            ": 50 % or more"
                        } else {
                            ": less than 50 %"
                        }
                    )
                },
                "28 CFR 202.211(a)(1)-(2)",
            );
        }
        organised || place || owned
    }

    /// 28 CFR 202.211(a)(3)-(4) for a foreign individual.
    fn individual_prongs(
        &self,
        p: &Party,
        name: &str,
        is: &dyn Fn(&str) -> bool,
        say: &mut dyn FnMut(String, &'static str),
    ) -> bool {
        let resident = of_concern(p.primary_residence.as_deref());
        say(
            format!(
                "{name} is a foreign person primarily resident in {}{}",
                country(p.primary_residence.as_deref()),
                if resident {
                    ", a country of concern (Example 1)"
                } else {
                    ", not a country of concern"
                }
            ),
            "28 CFR 202.211(a)(4), (b) Example 1",
        );
        let mut yes = resident;
        for (relation, ids) in [
            ("an employee", &p.employee_of),
            ("a contractor", &p.contractor_of),
        ] {
            for employer in ids {
                let Some(e) = self.get(employer) else {
                    continue;
                };
                let covered = match e.kind {
                    PartyKind::Government => of_concern(e.country.as_deref()),
                    _ => is(employer),
                };
                say(
                    format!(
                        "{name} is {relation} of {}, {}",
                        self.label(employer),
                        match (e.kind, covered) {
                            (PartyKind::Government, true) => "a country of concern",
                            (_, true) => "a covered entity",
                            (_, false) => "neither a country of concern nor a covered entity",
                        }
                    ),
                    "28 CFR 202.211(a)(3)",
                );
                yes |= covered;
            }
        }
        yes
    }

    fn covered_explained(&self, id: &str) -> (Tri, Vec<Reason>) {
        let low = self.covered_all(false);
        let high = self.covered_all(true);
        let at_low = low.get(id).copied().unwrap_or(false);
        let at_high = high.get(id).copied().unwrap_or(false);
        let (value, favour, map) = match (at_low, at_high) {
            (true, _) => (Tri::True, false, &low),
            (false, false) => (Tri::False, true, &high),
            (false, true) => (Tri::Unknown, true, &high),
        };
        let mut reasons = Vec::new();
        self.covered_step(id, favour, map, Some(&mut reasons));
        // Owners and employers that count, one level down, so the chain is visible.
        let mut seen = vec![id.to_owned()];
        let head = self.head(id);
        if let Some(p) = self.get(head) {
            // A branch is what its entity is: the entity's own grounds come first.
            let related = (head != id)
                .then_some(head)
                .into_iter()
                .chain(p.owners.iter().map(|o| o.party.as_str()))
                .chain(p.employee_of.iter().map(String::as_str))
                .chain(p.contractor_of.iter().map(String::as_str))
                .chain(p.branch_of.as_deref());
            for other in related {
                if seen.iter().any(|s| s == other) || !map.get(other).copied().unwrap_or(false) {
                    continue;
                }
                seen.push(other.to_owned());
                let mut sub = Vec::new();
                self.covered_step(other, favour, map, Some(&mut sub));
                reasons.extend(
                    sub.into_iter()
                        .filter(|r| !r.text.contains("is not designated")),
                );
            }
        }
        (value, reasons)
    }

    /// The share of `id` held by countries of concern and covered persons, directly or
    /// through covered owners, in one resolution of the unknowns, with who holds it.
    fn concern_share(&self, id: &str, covered: &BTreeMap<&str, bool>) -> (i64, Vec<String>) {
        let Some(p) = self.get(self.head(id)) else {
            return (0, Vec::new());
        };
        let mut held = 0;
        let mut by = Vec::new();
        for owner in &p.owners {
            let counts = match self.get(&owner.party) {
                Some(o) if o.kind == PartyKind::Government => of_concern(o.country.as_deref()),
                Some(_) => covered
                    .get(self.head(&owner.party))
                    .copied()
                    .unwrap_or(false),
                None => false,
            };
            if counts {
                held += owner.percent.hundredths();
                by.push(format!("{} {}", self.label(&owner.party), owner.percent));
            }
        }
        (held, by)
    }

    /// 28 CFR 202.1103: 25 % or more of the exporter's equity owned, directly or indirectly, by
    /// a country of concern or covered persons (indirect: through owners that are covered
    /// themselves, as for § 202.211).
    fn owned_25pct_explained(&self, id: &str) -> (Tri, Vec<Reason>) {
        const CITE: &str = "28 CFR 202.1103";
        let low = self.covered_all(false);
        let high = self.covered_all(true);
        let (low_share, _) = self.concern_share(id, &low);
        let (high_share, by) = self.concern_share(id, &high);
        let value = match (low_share >= OWNED_25PCT, high_share >= OWNED_25PCT) {
            (true, _) => Tri::True,
            (false, false) => Tri::False,
            (false, true) => Tri::Unknown,
        };
        let name = self.label(self.head(id));
        let share = crate::facts::Percent::from_hundredths(high_share);
        let listed = self
            .get(self.head(id))
            .is_some_and(|p| !p.owners.is_empty());
        let text = if !listed {
            format!("{name} lists no owners: none is a country of concern or a covered person")
        } else if by.is_empty() {
            format!("{name}: none of its owners is a country of concern or a covered person")
        } else {
            format!(
                "{name} is owned {share} by countries of concern or covered persons ({}){}",
                by.join(", "),
                match value {
                    Tri::True => ": 25 % or more",
                    Tri::False => ": less than 25 %",
                    Tri::Unknown => ": 25 % or more only if an unknown fact holds",
                }
            )
        };
        (
            value,
            vec![Reason {
                text,
                citation: CITE,
            }],
        )
    }

    /// PADFA's first group (15 U.S.C. 9901(c)(2)(A)): a foreign adversary country itself, or
    /// a foreign person domiciled, headquartered, with its principal place of business, or
    /// organised there. An individual's domicile is read as their primary residence [I].
    fn adversary_person(&self, id: &str, favour: bool) -> bool {
        let head = self.head(id);
        let Some(p) = self.get(head) else {
            return false;
        };
        match p.kind {
            PartyKind::Government => adversary(p.country.as_deref()),
            PartyKind::Individual => {
                self.foreign(head, favour) && adversary(p.primary_residence.as_deref())
            }
            PartyKind::Entity => {
                self.foreign(head, favour)
                    && (adversary(p.organised_in.as_deref())
                        || adversary(p.principal_place_of_business.as_deref()))
            }
            PartyKind::Branch => false,
        }
    }

    /// The share of `id`, in hundredths of a percent, that adversary persons own directly or
    /// indirectly: through an owner that is not one itself, its share multiplies [I]. The
    /// ownership graph is acyclic (checked at load); `depth` guards anyway.
    fn adversary_share(&self, id: &str, favour: bool, depth: usize) -> i64 {
        let Some(p) = self.get(self.head(id)) else {
            return 0;
        };
        if depth > self.map.len() {
            return 0;
        }
        p.owners
            .iter()
            .map(|o| {
                let share = o.percent.hundredths();
                if self.adversary_person(&o.party, favour) {
                    share
                } else {
                    share * self.adversary_share(&o.party, favour, depth + 1) / 10_000
                }
            })
            .sum()
    }

    fn padfa(&self, id: &str, favour: bool) -> bool {
        self.adversary_person(id, favour) || self.adversary_share(id, favour, 0) >= PADFA_OWNERSHIP
    }

    fn padfa_explained(&self, id: &str) -> (Tri, Vec<Reason>) {
        const CITE: &str = "15 U.S.C. 9901(c)(2)";
        let low = self.padfa(id, false);
        let high = self.padfa(id, true);
        let value = match (low, high) {
            (true, _) => Tri::True,
            (false, false) => Tri::False,
            (false, true) => Tri::Unknown,
        };
        let favour = value != Tri::True;
        let name = self.label(id);
        let mut reasons = Vec::new();
        let head = self.head(id);
        if head != id {
            reasons.push(Reason {
                text: format!("{name} is a branch of {}", self.label(head)),
                citation: "28 CFR 202.256(b), Example 7",
            });
        }
        let seat = self.adversary_person(id, favour);
        let p = self.get(head);
        let where_ = match p.map(|p| p.kind) {
            Some(PartyKind::Government) => format!(
                "the government of {}",
                country(p.and_then(|p| p.country.as_deref()))
            ),
            Some(PartyKind::Individual) => format!(
                "primarily resident (domiciled) in {}",
                country(p.and_then(|p| p.primary_residence.as_deref()))
            ),
            _ => format!(
                "organised in {}, principal place of business in {}",
                country(p.and_then(|p| p.organised_in.as_deref())),
                country(p.and_then(|p| p.principal_place_of_business.as_deref()))
            ),
        };
        reasons.push(Reason {
            text: format!(
                "{} is {where_}: {}",
                self.label(head),
                if seat {
                    "a foreign adversary country, or a foreign person seated there"
                } else {
                    "not seated in a foreign adversary country (China, Iran, North Korea, Russia)"
                }
            ),
            citation: CITE,
        });
        if let Some(p) = p
            && !p.owners.is_empty()
        {
            let share = crate::facts::Percent::from_hundredths(self.adversary_share(id, favour, 0));
            reasons.push(Reason {
                text: format!(
                    "{} is owned {share}, directly or indirectly, by persons seated in a foreign adversary country: {}",
                    self.label(head),
                    if share.hundredths() >= PADFA_OWNERSHIP {
                        "20 % or more"
                    } else {
                        "less than 20 %"
                    }
                ),
                citation: CITE,
            });
        }
        if value == Tri::Unknown {
            reasons.push(Reason {
                text: "whether a party is a U.S. person is unknown, and it decides".to_owned(),
                citation: "28 CFR 202.256(a)",
            });
        }
        (value, reasons)
    }
}

/// 28 CFR 202.228(b): an investment is passive when (b)(1), (b)(2) and (b)(3) all hold.
fn passive_explained(terms: &InvestmentTerms) -> (Tri, Vec<Reason>) {
    let vehicle = match terms.vehicle {
        InvestmentVehicle::PubliclyTradedSecurity | InvestmentVehicle::RegisteredFund => Tri::True,
        InvestmentVehicle::LimitedPartner => terms
            .limited_partner_without_influence
            .unwrap_or(Tri::Unknown),
        InvestmentVehicle::Other => Tri::False,
    };
    let below = Tri::from(terms.voting_and_equity_percent.hundredths() < PASSIVE_CEILING);
    let value = and(and(vehicle, below), terms.minority_protections_only);
    let vehicle_text = match (terms.vehicle, vehicle) {
        (InvestmentVehicle::PubliclyTradedSecurity, _) => {
            "made into a publicly traded security ((b)(1)(i))".to_owned()
        }
        (InvestmentVehicle::RegisteredFund, _) => {
            "made into a registered investment company's or business development company's security ((b)(1)(ii))".to_owned()
        }
        (InvestmentVehicle::LimitedPartner, Tri::True) => {
            "made as a limited partner contributing capital only, without managerial decisions or influence ((b)(1)(iii))".to_owned()
        }
        (InvestmentVehicle::LimitedPartner, Tri::False) => {
            "made as a limited partner that can influence or take part in decisions: not (b)(1)(iii)".to_owned()
        }
        (InvestmentVehicle::LimitedPartner, Tri::Unknown) => {
            "made as a limited partner; whether it is without influence is unknown, and it decides ((b)(1)(iii))".to_owned()
        }
        (InvestmentVehicle::Other, _) => {
            "made into none of the vehicles (b)(1) lists (publicly traded security, registered fund, limited partnership without influence)".to_owned()
        }
    };
    let mut reasons = vec![
        Reason {
            text: format!("the investment is {vehicle_text}"),
            citation: "28 CFR 202.228(b)(1)",
        },
        Reason {
            text: format!(
                "it gives the covered person {} of total voting and equity interest: {}",
                terms.voting_and_equity_percent,
                if below == Tri::True {
                    "less than 10 %"
                } else {
                    "not less than 10 %"
                }
            ),
            citation: "28 CFR 202.228(b)(2)",
        },
    ];
    reasons.push(Reason {
        text: match terms.minority_protections_only {
            Tri::True => "it gives no rights beyond standard minority shareholder protections",
            Tri::False => "it gives rights beyond standard minority shareholder protections",
            Tri::Unknown => {
                "whether it gives rights beyond standard minority shareholder protections is unknown, and it decides"
            }
        }
        .to_owned(),
        citation: "28 CFR 202.228(b)(3)",
    });
    reasons.push(Reason {
        text: match value {
            Tri::True => "passive: not an investment agreement (all of (b)(1)-(3) hold)",
            Tri::False => "not passive: a covered investment agreement (one of (b)(1)-(3) fails)",
            Tri::Unknown => "passive or not depends on an unknown term",
        }
        .to_owned(),
        citation: "28 CFR 202.228(b)",
    });
    (value, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Owner, Percent};

    fn individual(residence: &str, lpr: Tri) -> Party {
        Party {
            kind: PartyKind::Individual,
            name: None,
            citizenships: vec![residence.to_owned()],
            us_lawful_permanent_resident: Some(lpr),
            us_refugee_or_asylee: Some(Tri::False),
            primary_residence: Some(residence.to_owned()),
            located_in: Some(residence.to_owned()),
            employee_of: Vec::new(),
            contractor_of: Vec::new(),
            organised_in: None,
            principal_place_of_business: None,
            owners: Vec::new(),
            branch_of: None,
            country: None,
            designated: Some(Tri::False),
        }
    }

    fn entity(country: &str, owners: &[(&str, i64)]) -> Party {
        Party {
            kind: PartyKind::Entity,
            organised_in: Some(country.to_owned()),
            principal_place_of_business: Some(country.to_owned()),
            owners: owners
                .iter()
                .map(|(party, pct)| Owner {
                    party: (*party).to_owned(),
                    percent: Percent::from_hundredths(pct * 100),
                })
                .collect(),
            citizenships: Vec::new(),
            us_lawful_permanent_resident: None,
            us_refugee_or_asylee: None,
            primary_residence: None,
            located_in: None,
            ..individual("de", Tri::False)
        }
    }

    fn covered(map: &BTreeMap<String, Party>, id: &str) -> Tri {
        Parties { map }.covered_explained(id).0
    }

    /// Employment and ownership may form a loop; coverage is the least fixed point, so a loop
    /// of parties none of which is covered on its own stays uncovered, and one covered member
    /// covers the others through the prongs.
    #[test]
    fn a_loop_of_employment_and_ownership_is_covered_only_from_a_real_ground() {
        let mut map = BTreeMap::new();
        let mut founder = individual("de", Tri::False);
        founder.employee_of = vec!["company".to_owned()];
        map.insert("founder".to_owned(), founder);
        map.insert("company".to_owned(), entity("de", &[("founder", 100)]));
        assert_eq!(covered(&map, "founder"), Tri::False);
        assert_eq!(covered(&map, "company"), Tri::False);
        // The founder moves to China: resident in a country of concern ((a)(4)), the company
        // is 100 % owned by a covered person ((a)(2)).
        if let Some(founder) = map.get_mut("founder") {
            founder.primary_residence = Some("cn".to_owned());
            founder.located_in = Some("cn".to_owned());
        }
        assert_eq!(covered(&map, "founder"), Tri::True);
        assert_eq!(covered(&map, "company"), Tri::True);
    }

    /// A Chinese resident whose U.S. permanent residence is unknown: if they hold it they are
    /// a U.S. person and not covered (28 CFR 202.211(b) Example 2), otherwise covered. The
    /// same unknown decides the entity they own 60 % of.
    #[test]
    fn an_unknown_residence_status_leaves_coverage_open_through_ownership() {
        let mut map = BTreeMap::new();
        map.insert("owner".to_owned(), individual("cn", Tri::Unknown));
        map.insert("company".to_owned(), entity("sg", &[("owner", 60)]));
        assert_eq!(covered(&map, "owner"), Tri::Unknown);
        assert_eq!(covered(&map, "company"), Tri::Unknown);
        let (_, reasons) = Parties { map: &map }.covered_explained("company");
        assert!(
            reasons.iter().any(|r| r.text.contains("60 %")),
            "{reasons:?}"
        );
    }

    /// PADFA's 20 % multiplies through owners not themselves seated in an adversary country
    /// (15 U.S.C. 9901(c)(2)): 50 % of 40 % is 20 %, 50 % of 39.98 % is 19.99 %.
    #[test]
    fn padfa_ownership_multiplies_through_intermediaries() {
        for (share, controlled) in [(4_000, true), (3_998, false)] {
            let mut map = BTreeMap::new();
            map.insert("ru".to_owned(), entity("ru", &[]));
            let mut holding = entity("sg", &[]);
            holding.owners = vec![Owner {
                party: "ru".to_owned(),
                percent: Percent::from_hundredths(share),
            }];
            map.insert("holding".to_owned(), holding);
            map.insert("buyer".to_owned(), entity("de", &[("holding", 50)]));
            let (value, reasons) = Parties { map: &map }.padfa_explained("buyer");
            assert_eq!(value, Tri::from(controlled), "{reasons:?}");
        }
    }

    #[test]
    fn percentages_print_as_written() {
        let text = |h| Percent::from_hundredths(h).to_string();
        assert_eq!(text(5_000), "50 %");
        assert_eq!(text(1_999), "19.99 %");
        assert_eq!(text(1_250), "12.5 %");
        assert_eq!(text(-50), "-0.5 %");
    }

    /// The reasons a user reads for the suite's indirect-ownership scenario.
    #[test]
    fn reasons_name_each_step_with_its_citation() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../rules/tests/us-211-indirect.toml");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let facts_text = text.split("\n[expect]\n").next().unwrap_or_default();
        let facts: TransferFacts = toml::from_str(facts_text).unwrap_or_else(|e| panic!("{e}"));
        let classification = classify(&facts);
        let rendered: Vec<String> = classification
            .conclusions
            .iter()
            .flat_map(|c| {
                std::iter::once(format!("{} = {:?} ({:?})", c.fact, c.value, c.basis)).chain(
                    c.reasons
                        .iter()
                        .map(|r| format!("  - {} [{}]", r.text, r.citation)),
                )
            })
            .collect();
        insta::assert_snapshot!(rendered.join("\n"));
    }

    /// Only the unknowns that change an open conclusion are named: the recipient's own
    /// designation decides it; an unrelated party's does not.
    #[test]
    fn an_open_conclusion_names_only_the_unknowns_that_decide_it() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../rules/tests/us-211-designation-unknown.toml");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let facts_text = text.split("\n[expect]\n").next().unwrap_or_default();
        let mut facts: TransferFacts = toml::from_str(facts_text).unwrap_or_else(|e| panic!("{e}"));
        let mut bystander = entity("sg", &[]);
        bystander.designated = Some(Tri::Unknown);
        facts.parties.insert("bystander".to_owned(), bystander);
        let classification = classify(&facts);
        let covered = &classification.conclusions[2];
        assert_eq!(covered.value, Tri::Unknown);
        assert_eq!(covered.open_on, ["parties.recipient.designated"]);
        assert!(classification.conclusions[0].open_on.is_empty());
    }

    /// A U.S. branch of a company organised in China is that company: a foreign person
    /// (28 CFR 202.256(b) Example 7) and a covered person, with the company's own ground named.
    #[test]
    fn a_branch_is_covered_as_its_entity_with_the_entitys_ground() {
        let mut map = BTreeMap::new();
        map.insert("head".to_owned(), entity("cn", &[]));
        let mut branch = entity("cn", &[]);
        branch.kind = PartyKind::Branch;
        branch.organised_in = None;
        branch.principal_place_of_business = None;
        branch.designated = None;
        branch.branch_of = Some("head".to_owned());
        branch.located_in = Some("us".to_owned());
        map.insert("branch".to_owned(), branch);
        let parties = Parties { map: &map };
        assert_eq!(parties.us_person("branch"), Tri::False);
        let (value, reasons) = parties.covered_explained("branch");
        assert_eq!(value, Tri::True);
        assert!(
            reasons.iter().any(|r| r
                .text
                .contains("`head` is organised in cn, a country of concern")),
            "{reasons:?}"
        );
    }
}
