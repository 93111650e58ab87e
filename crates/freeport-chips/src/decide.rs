//! Classification: the arithmetic in Rust (exact), the decisions in the Cedar pack.
//!
//! 1. Measure: TPP = max over bit lengths of dense rate × bits; the applicable die area is the
//!    sum of the non-planar logic dies; PD = TPP ÷ that area; HBM density = bandwidth ÷ area
//!    (export-controls.md §2).
//! 2. Compare every threshold in force on the date (`thresholds.toml`) exactly.
//! 3. Values written `"unknown"` (and unknown destination facts) become axes: each is split into
//!    cells at the thresholds that compare it, and every consistent combination of cells is
//!    judged; answers that differ between combinations are returned as conditions ("3A090.a
//!    if TPP ≥ 4800"), never as a guess.
//! 4. Ask the pack's questions in order (classify → z_item → nac_aca → exception → licence),
//!    each answer passed on to the next; among fired rules in force on the date the highest
//!    priority wins, then the most burdensome outcome.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Entities, EntityUid, PolicySet, Request, RestrictedExpression,
};
use jiff::civil::Date;
use serde::Serialize;

use crate::error::Error;
use crate::number::Exact;
use crate::pack::{ChipsPack, DestinationFlags, Quantity, Rule, Threshold};
use crate::spec::{ChipSpec, IcSpec, Kind, Known};

/// The most combinations of unknown values judged one by one.
pub const MAX_COMBINATIONS: usize = 20_000;

/// What is asked besides the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The date the rules are taken as of.
    pub as_of: Date,
    /// Destination country (ISO 3166-1 alpha-2); without it only the classification and
    /// NAC/ACA eligibility are answered.
    pub destination: Option<String>,
    /// The end user's headquarters country (or its ultimate parent's); unknown if not given.
    pub end_user_hq: Option<String>,
}

/// One measured quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measure {
    /// The quantity.
    pub quantity: Quantity,
    /// Its exact value, if known.
    pub value: Option<Exact>,
    /// A lower bound, when part of it is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_least: Option<Exact>,
    /// How it was computed, or why it is not known.
    pub how: String,
}

/// One threshold compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Threshold id.
    pub id: String,
    /// The quantity compared.
    pub quantity: Quantity,
    /// `≥`, `>` or `<`.
    pub op: &'static str,
    /// The threshold.
    pub threshold: Exact,
    /// The measured value, if known.
    pub value: Option<Exact>,
    /// `met`, `not met`, `unknown` or `not applicable`.
    pub result: &'static str,
    /// The provision.
    pub citation: String,
    /// Where in the reference.
    pub source: String,
    /// In plain words.
    pub explain: String,
}

/// A rule that decided an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiredRule {
    /// Rule id.
    pub id: String,
    /// Its outcome.
    pub outcome: String,
    /// The provision.
    pub citation: String,
    /// Where in the reference.
    pub source: String,
    /// In plain words.
    pub explain: String,
    /// Obligations that follow.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub obligations: Vec<String>,
    /// The same in Chinese.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub obligations_zh: Vec<String>,
    /// `rules/chips/<file>:<line>`.
    pub location: String,
}

impl FiredRule {
    fn from_rule(rule: &Rule) -> Self {
        Self {
            id: rule.id.clone(),
            outcome: rule.outcome.clone(),
            citation: rule.citation.clone(),
            source: rule.source.clone(),
            explain: rule.explain.clone(),
            obligations: rule.obligations.clone(),
            obligations_zh: rule.obligations_zh.clone(),
            location: format!("{}:{}", rule.file, rule.line),
        }
    }
}

/// One possible outcome of a question and when it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    /// The outcome.
    pub outcome: String,
    /// When it holds: any one of these conjunctions (empty: always).
    pub when: Vec<String>,
    /// The rules that decided it.
    pub rules: Vec<FiredRule>,
    /// Rules that also fired but were overridden by a higher priority.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overridden: Vec<String>,
}

/// The answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// `classify`, `z_item`, `nac_aca`, `exception` or `licence`.
    pub question: String,
    /// Whether the answer depends on unknown values.
    pub conditional: bool,
    /// One case if definite; one per possible outcome otherwise.
    pub cases: Vec<Case>,
}

impl Answer {
    /// The outcome, if definite.
    #[must_use]
    pub fn definite(&self) -> Option<&str> {
        match self.cases.as_slice() {
            [only] if !self.conditional => Some(&only.outcome),
            _ => None,
        }
    }
}

/// The pack that answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackStamp {
    /// `chips`.
    pub name: String,
    /// Version.
    pub version: String,
    /// Content hash.
    pub hash: String,
    /// The last date its review covers.
    pub reviewed_through: Date,
}

/// A component of a system, with its own classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentResult {
    /// Its name.
    pub name: String,
    /// How many.
    pub count: u32,
    /// Its classification (no destination).
    pub classification: Box<Classification>,
}

/// The whole answer for one spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The item's name.
    pub item: String,
    /// IC, HBM or system.
    pub kind: Kind,
    /// Designed or marketed for datacenters.
    pub datacenter: Known<bool>,
    /// The date the rules are taken as of.
    pub as_of: Date,
    /// The destination asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// The end user's headquarters country asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_user_hq: Option<String>,
    /// The ECCN in one line (`3A090.a`, `5A992.z (3A090.a parameters)`, or conditional).
    pub eccn: String,
    /// Warnings that must be shown with the answer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Measured quantities.
    pub measures: Vec<Measure>,
    /// Every threshold compared, with its citation.
    pub comparisons: Vec<Comparison>,
    /// The answers, in the order asked.
    pub answers: Vec<Answer>,
    /// For a system: its components.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentResult>,
    /// The pack that answered.
    pub pack: PackStamp,
}

impl Classification {
    /// The answer to `question`, if asked.
    #[must_use]
    pub fn answer(&self, question: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.question == question)
    }
}

/// The Cedar context of one question, as name–value pairs (also used by the pack's load check).
#[expect(
    clippy::too_many_arguments,
    reason = "one argument per context attribute group, in schema order"
)]
pub(crate) fn context_pairs(
    kind: &str,
    datacenter: bool,
    met: Vec<(String, RestrictedExpression)>,
    contains: (bool, bool),
    other_eccn: &str,
    eccn: &str,
    nac_aca_eligible: bool,
    dest: &[bool; 7],
    hq: bool,
) -> Vec<(String, RestrictedExpression)> {
    let names = ["d1", "d4", "d5", "a5_or_a6", "macau", "china", "hong_kong"];
    let dest = names
        .iter()
        .zip(dest)
        .map(|(n, v)| ((*n).to_owned(), RestrictedExpression::new_bool(*v)));
    let record = |pairs: Vec<(String, RestrictedExpression)>| {
        // Duplicate keys are impossible: names are distinct and thresholds are checked unique.
        RestrictedExpression::new_record(pairs)
            .unwrap_or_else(|_| RestrictedExpression::new_bool(false))
    };
    vec![
        (
            "kind".to_owned(),
            RestrictedExpression::new_string(kind.to_owned()),
        ),
        (
            "datacenter".to_owned(),
            RestrictedExpression::new_bool(datacenter),
        ),
        ("met".to_owned(), record(met)),
        (
            "contains_3a090a".to_owned(),
            RestrictedExpression::new_bool(contains.0),
        ),
        (
            "contains_3a090b".to_owned(),
            RestrictedExpression::new_bool(contains.1),
        ),
        (
            "other_eccn".to_owned(),
            RestrictedExpression::new_string(other_eccn.to_owned()),
        ),
        (
            "eccn".to_owned(),
            RestrictedExpression::new_string(eccn.to_owned()),
        ),
        (
            "nac_aca_eligible".to_owned(),
            RestrictedExpression::new_bool(nac_aca_eligible),
        ),
        ("dest".to_owned(), record(dest.collect())),
        (
            "end_user_hq_d5_or_macau".to_owned(),
            RestrictedExpression::new_bool(hq),
        ),
    ]
}

/// A value that may be a point, or an interval when part of it is unknown.
#[derive(Debug, Clone, Copy)]
enum Value {
    /// Known exactly.
    Exact(Exact),
    /// Unknown: somewhere in [lo, hi] (hi `None` = unbounded).
    Range(Exact, Option<Exact>),
    /// Undefined (PD without any non-planar die): every threshold on it is not met.
    NotApplicable,
}

/// The cells of a numeric axis: below the first threshold, each threshold, between, above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Below(Exact),
    At(Exact),
    Between(Exact, Exact),
    Above(Exact),
}

impl Cell {
    /// A value inside the cell, at least `floor`; `None` if the cell lies wholly below it.
    fn representative(self, floor: Exact) -> Option<Exact> {
        let two = Exact::integer(2);
        let (lo, hi, mid) = match self {
            Self::Below(v) => (Exact::zero(), Some(v), v.div(&two)?),
            Self::At(v) => return (v >= floor).then_some(v),
            Self::Between(a, b) => (a, Some(b), a.add(&b)?.div(&two)?),
            Self::Above(v) => (v, None, v.mul(&two)?.add(&Exact::integer(1))?),
        };
        if hi.is_some_and(|hi| hi <= floor) {
            return None;
        }
        if floor > lo && floor > mid {
            return Some(floor);
        }
        Some(mid)
    }

    /// The closure of the cell.
    fn closure(self) -> (Exact, Option<Exact>) {
        match self {
            Self::Below(v) => (Exact::zero(), Some(v)),
            Self::At(v) => (v, Some(v)),
            Self::Between(a, b) => (a, Some(b)),
            Self::Above(v) => (v, None),
        }
    }
}

fn cells(boundaries: &BTreeSet<Exact>) -> Vec<Cell> {
    let values: Vec<Exact> = boundaries.iter().copied().collect();
    let mut cells = Vec::new();
    if let Some(first) = values.first() {
        cells.push(Cell::Below(*first));
    }
    for (i, v) in values.iter().enumerate() {
        cells.push(Cell::At(*v));
        match values.get(i + 1) {
            Some(next) => cells.push(Cell::Between(*v, *next)),
            None => cells.push(Cell::Above(*v)),
        }
    }
    cells
}

/// One dimension of the unknown.
#[derive(Debug, Clone)]
enum Axis {
    /// A numeric quantity, cut at its thresholds; representatives per cell.
    Number(Quantity, Vec<(Cell, Exact)>),
    /// A yes/no fact.
    Flag(Flag),
}

/// The yes/no facts that may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Flag {
    Datacenter,
    Dest(usize),
    Hq,
    ContainsA,
    ContainsB,
}

const DEST_NAMES: [&str; 7] = [
    "in Country Group D:1",
    "in Country Group D:4",
    "in Country Group D:5",
    "in Country Group A:5 or A:6",
    "Macau",
    "China",
    "Hong Kong",
];

impl Flag {
    fn describe(self, value: bool) -> String {
        match (self, value) {
            (Self::Datacenter, true) => {
                "the item is designed or marketed for datacenters".to_owned()
            }
            (Self::Datacenter, false) => {
                "the item is not designed or marketed for datacenters".to_owned()
            }
            (Self::Dest(i), v) => format!(
                "the destination is {}{}",
                if v { "" } else { "not " },
                DEST_NAMES.get(i).copied().unwrap_or("?")
            ),
            (Self::Hq, true) => "the end user is headquartered in D:5 or Macau".to_owned(),
            (Self::Hq, false) => "the end user is not headquartered in D:5 or Macau".to_owned(),
            (Self::ContainsA, true) => "a component is 3A090.a".to_owned(),
            (Self::ContainsA, false) => "no component is 3A090.a".to_owned(),
            (Self::ContainsB, true) => "a component is 3A090.b".to_owned(),
            (Self::ContainsB, false) => "no component is 3A090.b".to_owned(),
        }
    }
}

/// The facts of one combination.
#[derive(Debug, Clone)]
struct Facts {
    values: BTreeMap<Quantity, Value>,
    datacenter: Option<bool>,
    dest: [Option<bool>; 7],
    hq: Option<bool>,
    contains: (Option<bool>, Option<bool>),
}

/// Classifies `spec` under `pack` for `query`.
///
/// # Errors
///
/// [`Error::DateOutOfRange`] when no rule is in force on the date, [`Error::TooManyUnknowns`],
/// or [`Error::Internal`] if Cedar fails.
pub fn classify(pack: &ChipsPack, spec: &ChipSpec, query: &Query) -> Result<Classification, Error> {
    let date = query.as_of;
    if date < pack.valid_from() || !pack.rules().iter().any(|r| r.in_force(date)) {
        return Err(Error::DateOutOfRange {
            date: date.to_string(),
            from: pack.valid_from().to_string(),
        });
    }
    let mut warnings = Vec::new();
    if date > pack.review().reviewed_through {
        warnings.push(format!(
            "NOT REVIEWED FOR THIS DATE: the chips pack {} was reviewed on {} for dates through {}; {date} is later, and rules made since may be missing",
            pack.version(),
            pack.review().reviewed_on,
            pack.review().reviewed_through
        ));
    }
    let thresholds: Vec<&Threshold> = pack
        .thresholds()
        .iter()
        .filter(|t| t.in_force(date))
        .collect();

    // Components first: a system's answer depends on theirs.
    let mut components = Vec::new();
    let mut contains = (Some(false), Some(false));
    for component in &spec.components {
        let sub = ChipSpec {
            name: component.name.clone(),
            kind: Kind::Ic,
            datacenter: component.datacenter,
            other_eccn: None,
            ic: Some(component.ic.clone()),
            hbm: None,
            components: Vec::new(),
            sources: BTreeMap::new(),
        };
        let result = classify(
            pack,
            &sub,
            &Query {
                as_of: date,
                destination: None,
                end_user_hq: None,
            },
        )?;
        let outcomes: BTreeSet<&str> = result
            .answer("classify")
            .map(|a| a.cases.iter().map(|c| c.outcome.as_str()).collect())
            .unwrap_or_default();
        let merge = |current: Option<bool>, class: &str| -> Option<bool> {
            let may = outcomes.contains(class);
            let must = outcomes.len() == 1 && may;
            match current {
                Some(true) => Some(true),
                _ if must => Some(true),
                Some(false) if !may => Some(false),
                _ => None,
            }
        };
        contains = (merge(contains.0, "3A090.a"), merge(contains.1, "3A090.b"));
        components.push(ComponentResult {
            name: component.name.clone(),
            count: component.count,
            classification: Box::new(result),
        });
    }

    let (values, measures) = measure(spec);
    let destination = query.destination.as_ref().map(|code| {
        pack.destinations()
            .get(code)
            .map_or_else(unknown_country, |d| d.flags)
    });
    let dest: [Option<bool>; 7] = match destination {
        None => [Some(false); 7],
        Some(f) => [f.d1, f.d4, f.d5, f.a5_or_a6, f.macau, f.china, f.hong_kong],
    };
    let hq = match (&query.destination, &query.end_user_hq) {
        (None, _) => Some(false),
        (Some(_), None) => None,
        (Some(_), Some(code)) => {
            let f = pack
                .destinations()
                .get(code)
                .map_or_else(unknown_country, |d| d.flags);
            match (f.d5, f.macau) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }
        }
    };
    let facts = Facts {
        values,
        datacenter: spec.datacenter.get(),
        dest,
        hq,
        contains,
    };

    // Axes: every unknown that some threshold or rule in force may look at.
    let mut axes = Vec::new();
    let quantities: BTreeSet<Quantity> = thresholds.iter().map(|t| t.quantity).collect();
    // With the applicable area known exactly, PD follows from TPP: TPP is also cut where PD
    // crosses its thresholds (PD threshold × area), and PD is no axis of its own.
    let exact_area =
        applicable_area(spec).and_then(|(lo, hi)| (hi == Some(lo) && !lo.is_zero()).then_some(lo));
    let tpp_unknown = matches!(facts.values.get(&Quantity::Tpp), Some(Value::Range(..)));
    for quantity in quantities {
        let Some(Value::Range(lo, hi)) = facts.values.get(&quantity).copied() else {
            continue;
        };
        if quantity == Quantity::Pd && tpp_unknown && exact_area.is_some() {
            continue;
        }
        let mut boundaries: BTreeSet<Exact> = thresholds
            .iter()
            .filter(|t| t.quantity == quantity)
            .map(|t| t.value)
            .collect();
        if let (Quantity::Tpp, Some(area)) = (quantity, exact_area) {
            boundaries.extend(
                thresholds
                    .iter()
                    .filter(|t| t.quantity == Quantity::Pd)
                    .filter_map(|t| t.value.mul(&area)),
            );
        }
        let reps: Vec<(Cell, Exact)> = cells(&boundaries)
            .into_iter()
            .filter(|cell| {
                let (clo, chi) = cell.closure();
                hi.is_none_or(|hi| clo <= hi) && chi.is_none_or(|chi| chi >= lo)
            })
            .filter_map(|cell| cell.representative(lo).map(|r| (cell, r)))
            .filter(|(_, r)| hi.is_none_or(|hi| *r <= hi))
            .collect();
        axes.push(Axis::Number(quantity, reps));
    }
    if facts.datacenter.is_none() {
        axes.push(Axis::Flag(Flag::Datacenter));
    }
    for (i, v) in facts.dest.iter().enumerate() {
        if v.is_none() {
            axes.push(Axis::Flag(Flag::Dest(i)));
        }
    }
    if facts.hq.is_none() {
        axes.push(Axis::Flag(Flag::Hq));
    }
    if facts.contains.0.is_none() {
        axes.push(Axis::Flag(Flag::ContainsA));
    }
    if facts.contains.1.is_none() {
        axes.push(Axis::Flag(Flag::ContainsB));
    }
    let sizes: Vec<usize> = axes
        .iter()
        .map(|a| match a {
            Axis::Number(_, reps) => reps.len().max(1),
            Axis::Flag(_) => 2,
        })
        .collect();
    let total = sizes.iter().try_fold(1_usize, |acc, n| acc.checked_mul(*n));
    let total = match total {
        Some(t) if t <= MAX_COMBINATIONS => t,
        _ => {
            return Err(Error::TooManyUnknowns {
                count: total.unwrap_or(usize::MAX),
            });
        }
    };

    let questions: Vec<&str> = crate::pack::QUESTIONS
        .iter()
        .copied()
        .filter(|q| query.destination.is_some() || !matches!(*q, "exception" | "licence"))
        .collect();
    let sets = policy_sets(pack, date, &questions)?;
    let area = applicable_area(spec);

    // Judge every combination.
    let mut results: Vec<(Vec<usize>, Vec<Decided>)> = Vec::new();
    let mut index = vec![0_usize; axes.len()];
    for _ in 0..total {
        if let Some(combination) = instantiate(&facts, &axes, &index, area.as_ref()) {
            let decided = judge(pack, spec, &combination, &thresholds, &sets, &questions)?;
            results.push((index.clone(), decided));
        }
        // Next index (odometer).
        for (i, size) in sizes.iter().enumerate() {
            if let Some(slot) = index.get_mut(i) {
                *slot += 1;
                if *slot < *size {
                    break;
                }
                *slot = 0;
            }
        }
    }

    let answers = questions
        .iter()
        .enumerate()
        .map(|(q, question)| summarise(pack, question, q, &axes, &results))
        .collect::<Vec<_>>();
    let comparisons = compare(&thresholds, &facts, spec.kind);
    let eccn = eccn_line(spec, &answers);
    Ok(Classification {
        item: spec.name.clone(),
        kind: spec.kind,
        datacenter: spec.datacenter,
        as_of: date,
        destination: query.destination.clone(),
        end_user_hq: query.end_user_hq.clone(),
        eccn,
        warnings,
        measures,
        comparisons,
        answers,
        components,
        pack: PackStamp {
            name: pack.name().to_owned(),
            version: pack.version().to_owned(),
            hash: pack.hash().to_owned(),
            reviewed_through: pack.review().reviewed_through,
        },
    })
}

/// A country the pack knows nothing of: not China, Hong Kong or Macau; groups unknown.
fn unknown_country() -> DestinationFlags {
    DestinationFlags {
        macau: Some(false),
        china: Some(false),
        hong_kong: Some(false),
        ..DestinationFlags::default()
    }
}

/// The applicable die area as an interval [lo, hi] (hi `None` if unbounded), for an IC.
fn applicable_area(spec: &ChipSpec) -> Option<(Exact, Option<Exact>)> {
    let ic = spec.ic.as_ref()?;
    let mut lo = Exact::zero();
    let mut hi = Some(Exact::zero());
    for die in &ic.logic_dies {
        match (die.non_planar, die.area_mm2) {
            (Known::Known(false), _) => {}
            (Known::Known(true), Known::Known(a)) => {
                lo = lo.add(&a)?;
                hi = hi.and_then(|h| h.add(&a));
            }
            (Known::Unknown, Known::Known(a)) => hi = hi.and_then(|h| h.add(&a)),
            (_, Known::Unknown) => hi = None,
        }
    }
    Some((lo, hi))
}

fn measure(spec: &ChipSpec) -> (BTreeMap<Quantity, Value>, Vec<Measure>) {
    let mut values = BTreeMap::new();
    let mut measures = Vec::new();
    fn put(
        values: &mut BTreeMap<Quantity, Value>,
        measures: &mut Vec<Measure>,
        quantity: Quantity,
        value: Value,
        how: String,
    ) {
        let (exact, at_least) = match value {
            Value::Exact(v) => (Some(v), None),
            Value::Range(lo, _) if !lo.is_zero() => (None, Some(lo)),
            _ => (None, None),
        };
        values.insert(quantity, value);
        measures.push(Measure {
            quantity,
            value: exact,
            at_least,
            how,
        });
    }
    let unbounded = Value::Range(Exact::zero(), None);
    if let Some(ic) = &spec.ic {
        let (tpp, how) = tpp(ic);
        put(&mut values, &mut measures, Quantity::Tpp, tpp, how);
        let area = applicable_area(spec);
        let (pd, how) = match (tpp, area) {
            (_, Some((lo, Some(hi)))) if lo == hi && lo.is_zero() => (
                Value::NotApplicable,
                "not applicable: no logic die is non-planar, so the applicable die area is 0 [I]"
                    .to_owned(),
            ),
            (Value::Exact(t), Some((lo, Some(hi)))) if lo == hi => match t.div(&lo) {
                Some(pd) => (
                    Value::Exact(pd),
                    format!("TPP {t} ÷ {lo} mm² of non-planar logic dies"),
                ),
                None => (unbounded, "too large to compute exactly".to_owned()),
            },
            (tpp, Some((lo, hi))) => {
                let (tlo, thi) = match tpp {
                    Value::Exact(t) => (t, Some(t)),
                    Value::Range(a, b) => (a, b),
                    Value::NotApplicable => (Exact::zero(), None),
                };
                let pd_lo = match hi {
                    Some(h) if !h.is_zero() => tlo.div(&h).unwrap_or_else(Exact::zero),
                    _ => Exact::zero(),
                };
                let pd_hi = match (thi, lo.is_zero()) {
                    (Some(t), false) => t.div(&lo),
                    _ => None,
                };
                (
                    Value::Range(pd_lo, pd_hi),
                    "unknown: TPP or the applicable die area is unknown".to_owned(),
                )
            }
            (_, None) => (unbounded, "unknown".to_owned()),
        };
        put(&mut values, &mut measures, Quantity::Pd, pd, how);
        let (lo, hi) = area.unwrap_or((Exact::zero(), None));
        let area_how = match hi {
            Some(h) if h == lo => format!("applicable die area {lo} mm² (non-planar logic dies)"),
            _ => format!("applicable die area unknown (at least {lo} mm²)"),
        };
        if let Some(m) = measures.last_mut() {
            m.how = format!("{}; {area_how}", m.how);
        }
        for (quantity, known, what) in [
            (
                Quantity::DramBandwidth,
                ic.dram_bandwidth_gbps,
                "[memory] dram_bandwidth_gbps",
            ),
            (
                Quantity::InterconnectBandwidth,
                ic.interconnect_gbps,
                "[interconnect] bidirectional_gbps",
            ),
        ] {
            match known {
                Known::Known(v) => put(
                    &mut values,
                    &mut measures,
                    quantity,
                    Value::Exact(v),
                    format!("from {what}"),
                ),
                Known::Unknown => put(
                    &mut values,
                    &mut measures,
                    quantity,
                    unbounded,
                    format!("unknown: {what} not given"),
                ),
            }
        }
    }
    if let Some(hbm) = &spec.hbm {
        match (hbm.bandwidth_gbps, hbm.area_mm2) {
            (Known::Known(b), Known::Known(a)) => match b.div(&a) {
                Some(d) => put(
                    &mut values,
                    &mut measures,
                    Quantity::HbmDensity,
                    Value::Exact(d),
                    format!("{b} GB/s ÷ {a} mm²"),
                ),
                None => put(
                    &mut values,
                    &mut measures,
                    Quantity::HbmDensity,
                    unbounded,
                    "too large to compute exactly".to_owned(),
                ),
            },
            _ => put(
                &mut values,
                &mut measures,
                Quantity::HbmDensity,
                unbounded,
                "unknown: bandwidth or area unknown".to_owned(),
            ),
        }
    }
    (values, measures)
}

fn tpp(ic: &IcSpec) -> (Value, String) {
    let mut best: Option<Exact> = None;
    let mut parts = Vec::new();
    let mut unknown = Vec::new();
    for rate in &ic.dense_rates {
        match rate.value {
            Known::Known(v) => match v.mul(&Exact::integer(rate.bits)) {
                Some(product) => {
                    parts.push(format!(
                        "{} {v} × {} = {product}",
                        rate.precision, rate.bits
                    ));
                    best = Some(best.map_or(product, |b| b.max(product)));
                }
                None => unknown.push(rate.precision.clone()),
            },
            Known::Unknown => unknown.push(rate.precision.clone()),
        }
    }
    let how = format!(
        "max over bit lengths of dense rate × bits: {}",
        parts.join(", ")
    );
    match (best, unknown.is_empty()) {
        (Some(b), true) => (Value::Exact(b), how),
        (best, _) => (
            Value::Range(best.unwrap_or_else(Exact::zero), None),
            format!("{how}; unknown: {}", unknown.join(", ")),
        ),
    }
}

/// The facts of one combination, or `None` if it is inconsistent (a PD cell that the TPP cell
/// and the area cannot give).
fn instantiate(
    facts: &Facts,
    axes: &[Axis],
    index: &[usize],
    area: Option<&(Exact, Option<Exact>)>,
) -> Option<Facts> {
    let mut out = facts.clone();
    let mut pd_cell = None;
    let mut tpp_cell = None;
    for (axis, &i) in axes.iter().zip(index) {
        match axis {
            Axis::Number(q, reps) => {
                let (cell, rep) = reps.get(i).copied()?;
                out.values.insert(*q, Value::Exact(rep));
                if *q == Quantity::Pd {
                    pd_cell = Some(cell);
                }
                if *q == Quantity::Tpp {
                    tpp_cell = Some(cell);
                }
            }
            Axis::Flag(flag) => {
                let v = Some(i == 1);
                match flag {
                    Flag::Datacenter => out.datacenter = v,
                    Flag::Dest(d) => {
                        if let Some(slot) = out.dest.get_mut(*d) {
                            *slot = v;
                        }
                    }
                    Flag::Hq => out.hq = v,
                    Flag::ContainsA => out.contains.0 = v,
                    Flag::ContainsB => out.contains.1 = v,
                }
            }
        }
    }
    // PD follows from TPP when the area is known: recompute, or check the PD cell against it.
    if let (Some(&(lo, hi)), Some(Value::Exact(t))) =
        (area, out.values.get(&Quantity::Tpp).copied())
    {
        match pd_cell {
            None => {
                if hi == Some(lo) && !lo.is_zero() && tpp_cell.is_some() {
                    out.values.insert(Quantity::Pd, Value::Exact(t.div(&lo)?));
                }
            }
            Some(cell) => {
                // The PD the TPP cell allows: [tpp_lo / area_hi, tpp_hi / area_lo].
                let (tlo, thi) = tpp_cell.map_or((t, Some(t)), Cell::closure);
                let pd_lo = match hi {
                    Some(h) if !h.is_zero() => tlo.div(&h)?,
                    _ => Exact::zero(),
                };
                let pd_hi = match thi {
                    Some(t) if !lo.is_zero() => t.div(&lo),
                    _ => None,
                };
                let (clo, chi) = cell.closure();
                if chi.is_some_and(|c| c < pd_lo) || pd_hi.is_some_and(|p| clo > p) {
                    return None;
                }
            }
        }
    }
    Some(out)
}

/// The winning outcome and rules of each question for one combination.
#[derive(Debug, Clone)]
struct Decided {
    outcome: String,
    winners: Vec<String>,
    overridden: Vec<String>,
}

fn policy_sets(pack: &ChipsPack, date: Date, questions: &[&str]) -> Result<Vec<PolicySet>, Error> {
    questions
        .iter()
        .map(|question| {
            let mut set = PolicySet::new();
            for policy in pack.policies().policies() {
                let in_force = pack
                    .rule(policy.id().as_ref())
                    .is_some_and(|r| r.question == *question && r.in_force(date));
                if in_force {
                    set.add(policy.clone()).map_err(|e| Error::Internal {
                        question: (*question).to_owned(),
                        message: e.to_string(),
                    })?;
                }
            }
            Ok(set)
        })
        .collect()
}

fn judge(
    pack: &ChipsPack,
    spec: &ChipSpec,
    facts: &Facts,
    thresholds: &[&Threshold],
    sets: &[PolicySet],
    questions: &[&str],
) -> Result<Vec<Decided>, Error> {
    let met: Vec<(String, RestrictedExpression)> = pack
        .thresholds()
        .iter()
        .map(|t| {
            let value = thresholds.iter().any(|x| x.id == t.id)
                && match facts.values.get(&t.quantity) {
                    Some(Value::Exact(v)) => t.op.holds(v, &t.value),
                    _ => false,
                };
            (t.id.clone(), RestrictedExpression::new_bool(value))
        })
        .collect();
    let dest: [bool; 7] = facts.dest.map(|v| v.unwrap_or(false));
    let mut eccn = String::new();
    let mut eligible = false;
    let mut decided = Vec::new();
    for (question, set) in questions.iter().zip(sets) {
        let internal = |message: String| Error::Internal {
            question: (*question).to_owned(),
            message,
        };
        let pairs = context_pairs(
            spec.kind.as_str(),
            facts.datacenter.unwrap_or(false),
            met.clone(),
            (
                facts.contains.0.unwrap_or(false),
                facts.contains.1.unwrap_or(false),
            ),
            spec.other_eccn.as_deref().unwrap_or(""),
            &eccn,
            eligible,
            &dest,
            facts.hq.unwrap_or(false),
        );
        let context = Context::from_pairs(pairs).map_err(|e| internal(e.to_string()))?;
        let uid = |s: String| EntityUid::from_str(&s).map_err(|e| internal(e.to_string()));
        let request = Request::new(
            uid(r#"Item::"item""#.to_owned())?,
            uid(format!(r#"Action::"{question}""#))?,
            uid(r#"Pack::"chips""#.to_owned())?,
            context,
            None,
        )
        .map_err(|e| internal(e.to_string()))?;
        let response = Authorizer::new().is_authorized(&request, set, &Entities::empty());
        if let Some(error) = response.diagnostics().errors().next() {
            return Err(internal(error.to_string()));
        }
        let fired: Vec<&Rule> = response
            .diagnostics()
            .reason()
            .filter_map(|id| pack.rule(id.as_ref()))
            .collect();
        let burden = |outcome: &str| pack.outcomes(question).iter().position(|o| o == outcome);
        let best = fired.iter().map(|r| (r.priority, burden(&r.outcome))).max();
        let Some(best) = best else {
            return Err(internal(format!(
                "no rule of `{question}` fired on {}",
                "this date"
            )));
        };
        let mut winners: Vec<&Rule> = fired
            .iter()
            .copied()
            .filter(|r| (r.priority, burden(&r.outcome)) == best)
            .collect();
        winners.sort_by(|a, b| a.id.cmp(&b.id));
        let outcome = winners
            .first()
            .map(|r| r.outcome.clone())
            .unwrap_or_default();
        let mut overridden: Vec<String> = fired
            .iter()
            .filter(|r| (r.priority, burden(&r.outcome)) != best)
            .map(|r| r.id.clone())
            .collect();
        overridden.sort();
        match *question {
            "classify" => eccn.clone_from(&outcome),
            "nac_aca" => eligible = outcome == "ELIGIBLE",
            _ => {}
        }
        decided.push(Decided {
            outcome,
            winners: winners.iter().map(|r| r.id.clone()).collect(),
            overridden,
        });
    }
    Ok(decided)
}

/// Per outcome: the combinations, the winning rules, the overridden rules.
type Grouped = (Vec<Vec<usize>>, BTreeSet<String>, BTreeSet<String>);

fn summarise(
    pack: &ChipsPack,
    question: &str,
    q: usize,
    axes: &[Axis],
    results: &[(Vec<usize>, Vec<Decided>)],
) -> Answer {
    let mut by_outcome: BTreeMap<String, Grouped> = BTreeMap::new();
    for (index, decided) in results {
        let Some(d) = decided.get(q) else { continue };
        let entry = by_outcome.entry(d.outcome.clone()).or_default();
        entry.0.push(index.clone());
        entry.1.extend(d.winners.iter().cloned());
        entry.2.extend(d.overridden.iter().cloned());
    }
    let conditional = by_outcome.len() > 1;
    let burden = |outcome: &str| pack.outcomes(question).iter().position(|o| o == outcome);
    let mut cases: Vec<Case> = by_outcome
        .into_iter()
        .map(|(outcome, (indices, winners, overridden))| {
            let when = if conditional {
                conditions(axes, &indices)
            } else {
                Vec::new()
            };
            let rules = winners
                .iter()
                .filter_map(|id| pack.rule(id))
                .map(FiredRule::from_rule)
                .collect();
            let overridden = overridden.difference(&winners).cloned().collect();
            Case {
                outcome,
                when,
                rules,
                overridden,
            }
        })
        .collect();
    // Most burdensome first.
    cases.sort_by_key(|c| std::cmp::Reverse(burden(&c.outcome)));
    Answer {
        question: question.to_owned(),
        conditional,
        cases,
    }
}

/// Merges the combinations of one outcome into few conjunctions of ranges per axis.
fn conditions(axes: &[Axis], indices: &[Vec<usize>]) -> Vec<String> {
    let mut conds: Vec<Vec<(usize, usize)>> = indices
        .iter()
        .map(|index| index.iter().map(|&i| (i, i)).collect())
        .collect();
    conds.sort();
    conds.dedup();
    loop {
        let mut merged = None;
        'outer: for i in 0..conds.len() {
            for j in (i + 1)..conds.len() {
                let (Some(a), Some(b)) = (conds.get(i), conds.get(j)) else {
                    continue;
                };
                let differing: Vec<usize> =
                    (0..a.len()).filter(|&k| a.get(k) != b.get(k)).collect();
                if let [k] = differing.as_slice() {
                    let (Some(&(alo, ahi)), Some(&(blo, bhi))) = (a.get(*k), b.get(*k)) else {
                        continue;
                    };
                    if ahi + 1 == blo || bhi + 1 == alo {
                        let mut c = a.clone();
                        if let Some(slot) = c.get_mut(*k) {
                            *slot = (alo.min(blo), ahi.max(bhi));
                        }
                        merged = Some((i, j, c));
                        break 'outer;
                    }
                }
            }
        }
        match merged {
            Some((i, j, c)) => {
                conds.remove(j);
                conds.remove(i);
                conds.push(c);
                conds.sort();
            }
            None => break,
        }
    }
    conds
        .iter()
        .map(|cond| {
            let parts: Vec<String> = axes
                .iter()
                .zip(cond)
                .filter_map(|(axis, &(lo, hi))| describe(axis, lo, hi))
                .collect();
            if parts.is_empty() {
                "in every case".to_owned()
            } else {
                parts.join(" and ")
            }
        })
        .collect()
}

fn describe(axis: &Axis, lo: usize, hi: usize) -> Option<String> {
    match axis {
        Axis::Flag(flag) => {
            if lo == 0 && hi == 1 {
                None
            } else {
                Some(flag.describe(lo == 1))
            }
        }
        Axis::Number(q, reps) => {
            if lo == 0 && hi + 1 >= reps.len() {
                return None;
            }
            let name = q.label();
            let lower = (lo > 0)
                .then(|| reps.get(lo).map(|(c, _)| *c))
                .flatten()
                .and_then(|c| match c {
                    Cell::Below(_) => None,
                    Cell::At(v) => Some(format!("{v} ≤ ")),
                    Cell::Between(v, _) | Cell::Above(v) => Some(format!("{v} < ")),
                });
            let upper = (hi + 1 < reps.len())
                .then(|| reps.get(hi).map(|(c, _)| *c))
                .flatten()
                .and_then(|c| match c {
                    Cell::Below(v) | Cell::Between(_, v) => Some(format!(" < {v}")),
                    Cell::At(v) => Some(format!(" ≤ {v}")),
                    Cell::Above(_) => None,
                });
            Some(format!(
                "{}{name}{}",
                lower.unwrap_or_default(),
                upper.unwrap_or_default()
            ))
        }
    }
}

fn compare(thresholds: &[&Threshold], facts: &Facts, kind: Kind) -> Vec<Comparison> {
    thresholds
        .iter()
        .filter(|t| match kind {
            Kind::Ic => t.quantity != Quantity::HbmDensity,
            Kind::Hbm => t.quantity == Quantity::HbmDensity,
            Kind::System => false,
        })
        .map(|t| {
            let (value, result) = match facts.values.get(&t.quantity) {
                Some(Value::Exact(v)) => (
                    Some(*v),
                    if t.op.holds(v, &t.value) {
                        "met"
                    } else {
                        "not met"
                    },
                ),
                Some(Value::NotApplicable) => (None, "not applicable"),
                _ => (None, "unknown"),
            };
            Comparison {
                id: t.id.clone(),
                quantity: t.quantity,
                op: t.op.symbol(),
                threshold: t.value,
                value,
                result,
                citation: t.citation.clone(),
                source: t.source.clone(),
                explain: t.explain.clone(),
            }
        })
        .collect()
}

fn eccn_line(spec: &ChipSpec, answers: &[Answer]) -> String {
    let Some(classify) = answers.iter().find(|a| a.question == "classify") else {
        return String::new();
    };
    let z = answers.iter().find(|a| a.question == "z_item");
    let name = |outcome: &str| -> String {
        let z_definite = z.and_then(Answer::definite) == Some("Z");
        match (&spec.other_eccn, z_definite, outcome.starts_with("NOT_")) {
            (Some(other), true, false) => format!("{other}.z ({outcome} parameters)"),
            (_, _, true) => format!("not {}", outcome.strip_prefix("NOT_").unwrap_or(outcome)),
            _ => outcome.to_owned(),
        }
    };
    if !classify.conditional {
        return classify
            .cases
            .first()
            .map(|c| name(&c.outcome))
            .unwrap_or_default();
    }
    classify
        .cases
        .iter()
        .map(|c| format!("{} if {}", name(&c.outcome), c.when.join("; or if ")))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, date: &str, destination: Option<&str>) -> Classification {
        let pack = ChipsPack::embedded().unwrap();
        let spec = ChipSpec::parse("t.toml", text).unwrap();
        classify(
            &pack,
            &spec,
            &Query {
                as_of: date.parse().unwrap(),
                destination: destination.map(str::to_owned),
                end_user_hq: None,
            },
        )
        .unwrap()
    }

    fn ic(dc: &str, rates: &str, dies: &str) -> String {
        format!("name = \"t\"\ndatacenter = {dc}\n[dense_rates]\n{rates}\n{dies}")
    }

    const DIE_800: &str = "[[logic_dies]]\narea_mm2 = 800\nnon_planar = true\n";

    #[test]
    fn an_unknown_rate_gives_a_conditional_answer() {
        let c = run(
            &ic("true", "fp16 = 100\nfp8 = \"unknown\"", DIE_800),
            "2024-06-01",
            None,
        );
        assert!(c.answer("classify").unwrap().conditional, "{c:#?}");
        // TPP ≥ 1600 from FP16; over 800 mm², PD reaches 5.92 at TPP 4736 (a.2), 3.2 at 2560
        // and 1.6 at 1280, so .b starts where b.1 does, at TPP 2400.
        insta::assert_snapshot!(c.eccn, @"3A090.a if 4736 ≤ TPP; 3A090.b if 2400 ≤ TPP < 4736; not 3A090 if TPP < 2400");
    }

    #[test]
    fn unknown_datacenter_splits_on_note_2() {
        let c = run(
            &ic(
                "\"unknown\"",
                "fp8 = 300",
                "[[logic_dies]]\narea_mm2 = 300\nnon_planar = true\n",
            ),
            "2024-06-01",
            None,
        );
        // TPP 2400, PD 8: 3A090.a.2 for a datacenter part, Note 2 for a consumer one.
        insta::assert_snapshot!(c.eccn, @"3A090.a if the item is designed or marketed for datacenters; not 3A090 if the item is not designed or marketed for datacenters");
    }

    #[test]
    fn a_date_before_the_pack_is_refused() {
        let pack = ChipsPack::embedded().unwrap();
        let spec = ChipSpec::parse("t.toml", &ic("true", "fp8 = 300", DIE_800)).unwrap();
        let error = classify(
            &pack,
            &spec,
            &Query {
                as_of: "2021-01-01".parse().unwrap(),
                destination: None,
                end_user_hq: None,
            },
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "no rule of the chips pack is in force on 2021-01-01: the pack covers 2022-10-07 onward"
        );
    }

    #[test]
    fn a_date_past_the_review_is_warned() {
        let c = run(&ic("true", "fp8 = 300", DIE_800), "2027-03-01", None);
        assert!(
            c.warnings
                .first()
                .unwrap()
                .starts_with("NOT REVIEWED FOR THIS DATE")
        );
    }

    #[test]
    fn planar_dies_do_not_count() {
        let dies = "[[logic_dies]]\narea_mm2 = 400\nnon_planar = true\n[[logic_dies]]\narea_mm2 = 400\nnon_planar = false\n";
        // TPP 2400 over 400 mm² (not 800): PD 6 ≥ 5.92 → 3A090.a.2.
        let c = run(&ic("true", "fp8 = 300", dies), "2024-06-01", None);
        assert_eq!(c.eccn, "3A090.a");
    }

    #[test]
    fn only_planar_dies_make_pd_not_applicable() {
        let dies = "[[logic_dies]]\narea_mm2 = 400\nnon_planar = false\n";
        let c = run(&ic("true", "fp8 = 300", dies), "2024-06-01", None);
        assert_eq!(c.eccn, "not 3A090");
        assert!(
            c.comparisons
                .iter()
                .any(|x| x.id == "pd_5_92" && x.result == "not applicable")
        );
    }
}
