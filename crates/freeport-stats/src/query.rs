//! Queries: what each record contributes (its measurement), how much one record can move the
//! result (sensitivity, hence the noise scale), and how noisy aggregates become answers with
//! confidence intervals.
//!
//! Every query is one Prio3 instance ([`Plan`]):
//!
//! | kind | Prio3 | a member record contributes |
//! |---|---|---|
//! | `count` | Count | 1 |
//! | `sum` | Sum | its value clamped into `[lower, upper]` (`lower` ≥ 0), in units of 10^-`decimals` |
//! | `histogram` | Histogram | its category's bucket (undeclared values: `(other)`) |
//! | `table` | Histogram | its (row, column) cell of a 2-D contingency table |
//! | `mean`, `variance` | SumVec | 1, x, (x²) in its group's slots (`by`), x shifted to `x − lower` |
//! | `regression` | SumVec | n, Σx, Σy, Σxx, Σxy, Σyy (linear-regression sufficient statistics) |
//! | `incidence` | SumVec | 1, its events and its person-time (each clamped) in its group's slots |
//!
//! A record that is not a member (outside the population, failing the query's `where`, or
//! missing the value) still sends a report, of zeros (or the histogram's hidden `(excluded)`
//! bucket), so membership stays private; batch sizes are public, as in DAP. Privacy is pure
//! ε-DP under substitution of one record, with each aggregator adding discrete Laplace noise
//! calibrated alone (see [`crate::noise`]).

use serde::{Deserialize, Serialize};

use crate::noise;

/// A condition on one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The column.
    pub column: String,
    /// The comparison.
    pub op: Op,
    /// The value compared with (numbers compare numerically, text exactly).
    #[serde(default)]
    pub value: Option<Scalar>,
    /// The values of `in` / `not_in`.
    #[serde(default)]
    pub values: Vec<String>,
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Less than.
    Lt,
    /// At most.
    Le,
    /// Greater than.
    Gt,
    /// At least.
    Ge,
    /// One of `values`.
    In,
    /// None of `values`.
    NotIn,
}

/// A number or a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    /// A number.
    Number(f64),
    /// A text.
    Text(String),
}

impl Condition {
    pub(crate) fn check(&self) -> Result<(), String> {
        match self.op {
            Op::In | Op::NotIn if self.values.is_empty() => Err(format!(
                "condition on `{}`: `in`/`not_in` needs `values`",
                self.column
            )),
            Op::In | Op::NotIn => Ok(()),
            _ if self.value.is_none() => {
                Err(format!("condition on `{}` needs `value`", self.column))
            }
            Op::Lt | Op::Le | Op::Gt | Op::Ge if !matches!(self.value, Some(Scalar::Number(_))) => {
                Err(format!(
                    "condition on `{}`: ordering comparisons need a number",
                    self.column
                ))
            }
            _ => Ok(()),
        }
    }

    /// Whether a cell satisfies the condition (a missing cell satisfies none but `ne`/`not_in`).
    #[must_use]
    pub fn holds(&self, cell: Option<&str>) -> bool {
        let Some(cell) = cell.map(str::trim) else {
            return matches!(self.op, Op::Ne | Op::NotIn);
        };
        match (self.op, &self.value) {
            (Op::In, _) => self.values.iter().any(|v| v == cell),
            (Op::NotIn, _) => !self.values.iter().any(|v| v == cell),
            (op, Some(Scalar::Number(v))) => {
                let Ok(x) = cell.parse::<f64>() else {
                    return op == Op::Ne;
                };
                match op {
                    Op::Eq => x == *v,
                    Op::Ne => x != *v,
                    Op::Lt => x < *v,
                    Op::Le => x <= *v,
                    Op::Gt => x > *v,
                    Op::Ge => x >= *v,
                    Op::In | Op::NotIn => false,
                }
            }
            (Op::Eq, Some(Scalar::Text(v))) => cell == v,
            (Op::Ne, Some(Scalar::Text(v))) => cell != v,
            _ => false,
        }
    }
}

/// What a query computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Members.
    Count,
    /// Clamped sum of `column`.
    Sum,
    /// Members per category of `column`.
    Histogram,
    /// Members per (row, column) category pair.
    Table,
    /// Mean of clamped `column` (per `by` group).
    Mean,
    /// Mean and variance of clamped `column` (per `by` group).
    Variance,
    /// Least-squares regression of `response` on `predictors` (sufficient statistics).
    Regression,
    /// Incidence rate: clamped events over clamped person-time (per `by` group), `per` units.
    Incidence,
}

/// A categorical dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// The column.
    pub column: String,
    /// Its declared categories; other values fall into `(other)`.
    pub categories: Vec<String>,
}

/// A numeric variable clamped into bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// The column.
    pub column: String,
    /// Lower clamp bound.
    pub lower: f64,
    /// Upper clamp bound.
    pub upper: f64,
}

/// One query of a study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// Its identifier.
    pub id: String,
    /// What it computes.
    pub kind: Kind,
    /// Extra conditions for membership (on top of the population).
    #[serde(default, rename = "where")]
    pub filter: Vec<Condition>,
    /// `sum`, `mean`, `variance`: the variable.
    #[serde(default)]
    pub value: Option<Variable>,
    /// `histogram`: the dimension; `mean`, `variance`: optional grouping.
    #[serde(default)]
    pub by: Option<Dimension>,
    /// `table`: rows.
    #[serde(default)]
    pub rows: Option<Dimension>,
    /// `table`: columns.
    #[serde(default)]
    pub cols: Option<Dimension>,
    /// `regression`: the predictors.
    #[serde(default)]
    pub predictors: Vec<Variable>,
    /// `regression`: the response.
    #[serde(default)]
    pub response: Option<Variable>,
    /// `incidence`: each record's events (clamped into `[lower, upper]`, `lower` ≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Variable>,
    /// `incidence`: each record's person-time at risk (clamped, `lower` ≥ 0), e.g. years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_time: Option<Variable>,
    /// `incidence`: the rate is stated per this much person-time (default 1, e.g. 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<f64>,
    /// Fixed-point decimals of numeric values (default 0).
    #[serde(default)]
    pub decimals: u32,
    /// The ε each release of this query spends.
    pub epsilon: f64,
    /// How many times the query may be released (default 1).
    #[serde(default = "one")]
    pub max_releases: u32,
}

fn one() -> u32 {
    1
}

/// A block of SumVec coordinates with one bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// What the block sums (`count`, `sum`, `sumsq`, `x1*y`…).
    pub name: String,
    /// Its coordinates' labels (groups or terms).
    pub labels: Vec<String>,
    /// The largest value one record puts in a coordinate.
    pub bound: u128,
    /// Whether one record fills at most one coordinate (a group's slot).
    pub one_hot: bool,
}

impl Block {
    /// L1 sensitivity of the block under substitution of one record.
    #[must_use]
    pub fn sensitivity(&self) -> u128 {
        let len = self.labels.len() as u128;
        if self.one_hot {
            self.bound * len.min(2)
        } else {
            self.bound * len
        }
    }
}

/// The Prio3 instance of a query and its encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Plan {
    /// Prio3Count.
    Count,
    /// Prio3Sum with this largest measurement.
    Sum {
        /// Largest value (scaled).
        max: u64,
    },
    /// Prio3Histogram over these labels plus a hidden `(excluded)` bucket.
    Histogram {
        /// Released buckets.
        labels: Vec<String>,
    },
    /// Prio3SumVec over these blocks.
    Vector {
        /// The blocks, in order.
        blocks: Vec<Block>,
    },
}

const OTHER: &str = "(other)";

fn scaled_bound(v: &Variable, decimals: u32) -> Result<u128, String> {
    if !(v.lower.is_finite() && v.upper.is_finite() && v.lower < v.upper) {
        return Err(format!("`{}`: needs finite `lower` < `upper`", v.column));
    }
    let bound = ((v.upper - v.lower) * 10f64.powi(decimals as i32)).round();
    if bound >= 2f64.powi(40) {
        return Err(format!(
            "`{}`: the range times 10^decimals exceeds 2^40",
            v.column
        ));
    }
    Ok(bound as u128)
}

fn groups(by: Option<&Dimension>) -> Vec<String> {
    match by {
        Some(d) => d
            .categories
            .iter()
            .cloned()
            .chain(std::iter::once(OTHER.to_owned()))
            .collect(),
        None => vec!["all".to_owned()],
    }
}

impl Query {
    /// The query's Prio3 plan.
    ///
    /// # Errors
    ///
    /// A field the kind needs is missing or out of range; the reason names it.
    pub fn plan(&self) -> Result<Plan, String> {
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return Err("`epsilon` must be a positive number".to_owned());
        }
        if self.max_releases == 0 {
            return Err("`max_releases` must be at least 1".to_owned());
        }
        if self.decimals > 6 {
            return Err("`decimals` must be at most 6".to_owned());
        }
        for c in &self.filter {
            c.check()?;
        }
        let need =
            |field: &str| format!("a `{:?}` query needs `{field}`", self.kind).to_lowercase();
        let dim_ok = |d: &Dimension| {
            if d.categories.is_empty() {
                Err(format!("`{}` declares no categories", d.column))
            } else {
                Ok(())
            }
        };
        match self.kind {
            Kind::Count => Ok(Plan::Count),
            Kind::Sum => {
                let v = self.value.as_ref().ok_or_else(|| need("value"))?;
                if v.lower < 0.0 {
                    return Err(
                        "a `sum` needs `lower` ≥ 0 (use `mean` for signed values)".to_owned()
                    );
                }
                let top = Variable {
                    column: v.column.clone(),
                    lower: 0.0,
                    upper: v.upper,
                };
                let max = scaled_bound(&top, self.decimals)?;
                Ok(Plan::Sum {
                    max: u64::try_from(max).map_err(|_| "the range is too large".to_owned())?,
                })
            }
            Kind::Histogram => {
                let by = self.by.as_ref().ok_or_else(|| need("by"))?;
                dim_ok(by)?;
                Ok(Plan::Histogram {
                    labels: groups(Some(by)),
                })
            }
            Kind::Table => {
                let rows = self.rows.as_ref().ok_or_else(|| need("rows"))?;
                let cols = self.cols.as_ref().ok_or_else(|| need("cols"))?;
                dim_ok(rows)?;
                dim_ok(cols)?;
                let mut labels = Vec::new();
                for r in groups(Some(rows)) {
                    for c in groups(Some(cols)) {
                        labels.push(format!("{r} × {c}"));
                    }
                }
                Ok(Plan::Histogram { labels })
            }
            Kind::Mean | Kind::Variance => {
                let v = self.value.as_ref().ok_or_else(|| need("value"))?;
                if let Some(by) = &self.by {
                    dim_ok(by)?;
                }
                let m = scaled_bound(v, self.decimals)?;
                let labels = groups(self.by.as_ref());
                let mut blocks = vec![
                    Block {
                        name: "count".to_owned(),
                        labels: labels.clone(),
                        bound: 1,
                        one_hot: true,
                    },
                    Block {
                        name: "sum".to_owned(),
                        labels: labels.clone(),
                        bound: m,
                        one_hot: true,
                    },
                ];
                if self.kind == Kind::Variance {
                    blocks.push(Block {
                        name: "sumsq".to_owned(),
                        labels,
                        bound: m * m,
                        one_hot: true,
                    });
                }
                Ok(Plan::Vector { blocks })
            }
            Kind::Incidence => {
                let e = self.events.as_ref().ok_or_else(|| need("events"))?;
                let t = self
                    .person_time
                    .as_ref()
                    .ok_or_else(|| need("person_time"))?;
                if e.lower < 0.0 || t.lower < 0.0 {
                    return Err(
                        "an `incidence` needs `lower` ≥ 0 for `events` and `person_time`"
                            .to_owned(),
                    );
                }
                if let Some(per) = self.per
                    && !(per.is_finite() && per > 0.0)
                {
                    return Err("`per` must be a positive number".to_owned());
                }
                if let Some(by) = &self.by {
                    dim_ok(by)?;
                }
                let top = |v: &Variable| {
                    scaled_bound(
                        &Variable {
                            lower: 0.0,
                            ..v.clone()
                        },
                        self.decimals,
                    )
                };
                let labels = groups(self.by.as_ref());
                let block = |name: &str, bound: u128| Block {
                    name: name.to_owned(),
                    labels: labels.clone(),
                    bound,
                    one_hot: true,
                };
                Ok(Plan::Vector {
                    blocks: vec![
                        block("count", 1),
                        block("events", top(e)?),
                        block("person_time", top(t)?),
                    ],
                })
            }
            Kind::Regression => {
                let y = self.response.as_ref().ok_or_else(|| need("response"))?;
                if self.predictors.is_empty() {
                    return Err(need("predictors"));
                }
                let my = scaled_bound(y, self.decimals)?;
                let mx = self
                    .predictors
                    .iter()
                    .map(|x| scaled_bound(x, self.decimals))
                    .collect::<Result<Vec<_>, _>>()?;
                let max_x = mx.iter().copied().max().unwrap_or(1);
                let names: Vec<&str> = self.predictors.iter().map(|x| x.column.as_str()).collect();
                let mut xx = Vec::new();
                for i in 0..names.len() {
                    for j in i..names.len() {
                        xx.push(format!(
                            "{}*{}",
                            names.get(i).copied().unwrap_or_default(),
                            names.get(j).copied().unwrap_or_default()
                        ));
                    }
                }
                let block = |name: &str, labels: Vec<String>, bound: u128| Block {
                    name: name.to_owned(),
                    labels,
                    bound,
                    one_hot: false,
                };
                Ok(Plan::Vector {
                    blocks: vec![
                        block("n", vec!["n".to_owned()], 1),
                        block("x", names.iter().map(|n| (*n).to_owned()).collect(), max_x),
                        block("y", vec![y.column.clone()], my),
                        block("xx", xx, max_x * max_x),
                        block(
                            "xy",
                            names.iter().map(|n| format!("{n}*{}", y.column)).collect(),
                            max_x * my,
                        ),
                        block("yy", vec![format!("{0}*{0}", y.column)], my * my),
                    ],
                })
            }
        }
    }

    /// The columns a record must have for this query (besides the population's).
    #[must_use]
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.filter.iter().map(|c| c.column.as_str()).collect();
        out.extend(self.value.iter().map(|v| v.column.as_str()));
        out.extend(self.by.iter().map(|d| d.column.as_str()));
        out.extend(self.rows.iter().map(|d| d.column.as_str()));
        out.extend(self.cols.iter().map(|d| d.column.as_str()));
        out.extend(self.predictors.iter().map(|v| v.column.as_str()));
        out.extend(self.response.iter().map(|v| v.column.as_str()));
        out.extend(self.events.iter().map(|v| v.column.as_str()));
        out.extend(self.person_time.iter().map(|v| v.column.as_str()));
        out
    }
}

impl Plan {
    /// The number of output coordinates.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Count | Self::Sum { .. } => 1,
            Self::Histogram { labels } => labels.len() + 1,
            Self::Vector { blocks } => blocks.iter().map(|b| b.labels.len()).sum(),
        }
    }

    /// Whether the plan has no coordinates (never for a valid query).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The largest coordinate value of a SumVec (its range proof's bound).
    #[must_use]
    pub fn vector_max(&self) -> u128 {
        match self {
            Self::Vector { blocks } => blocks.iter().map(|b| b.bound).max().unwrap_or(1).max(1),
            _ => 1,
        }
    }

    /// The discrete Laplace scale of each output coordinate for a release spending `epsilon`:
    /// the noise each aggregator adds alone, so either one's noise gives ε-DP.
    #[must_use]
    pub fn noise_scales(&self, epsilon: f64) -> Vec<f64> {
        let scales = match self {
            Self::Count => vec![1.0 / epsilon],
            Self::Sum { max } => vec![*max as f64 / epsilon],
            Self::Histogram { labels } => vec![2.0 / epsilon; labels.len() + 1],
            Self::Vector { blocks } => {
                let k = blocks.len() as f64;
                blocks
                    .iter()
                    .flat_map(|b| {
                        let scale = b.sensitivity() as f64 * k / epsilon;
                        std::iter::repeat_n(scale, b.labels.len())
                    })
                    .collect()
            }
        };
        scales.into_iter().map(noise::round_scale).collect()
    }
}

/// A measurement for one of the four Prio3 instances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measurement {
    /// Prio3Count.
    Count(bool),
    /// Prio3Sum.
    Sum(u64),
    /// Prio3Histogram bucket.
    Histogram(usize),
    /// Prio3SumVec.
    Vector(Vec<u128>),
}

/// Turns records into measurements for one query, with the columns resolved against a schema.
#[derive(Debug, Clone)]
pub struct Encoder {
    query: Query,
    plan: Plan,
    population: Vec<(usize, Condition)>,
    filter: Vec<(usize, Condition)>,
    value: Option<usize>,
    by: Option<usize>,
    rows: Option<usize>,
    cols: Option<usize>,
    predictors: Vec<usize>,
    response: Option<usize>,
    events: Option<usize>,
    person_time: Option<usize>,
}

impl Encoder {
    /// Resolves `query` (and the study's population filter) against the dataset's `columns`.
    ///
    /// # Errors
    ///
    /// A column the query names is not in the dataset.
    pub fn new(query: &Query, population: &[Condition], columns: &[&str]) -> Result<Self, String> {
        let find = |name: &str| {
            columns
                .iter()
                .position(|c| *c == name)
                .ok_or_else(|| format!("has no column `{name}` (query `{}` needs it)", query.id))
        };
        let conds = |cs: &[Condition]| {
            cs.iter()
                .map(|c| Ok((find(&c.column)?, c.clone())))
                .collect::<Result<Vec<_>, String>>()
        };
        Ok(Self {
            plan: query.plan()?,
            population: conds(population)?,
            filter: conds(&query.filter)?,
            value: query.value.as_ref().map(|v| find(&v.column)).transpose()?,
            by: query.by.as_ref().map(|d| find(&d.column)).transpose()?,
            rows: query.rows.as_ref().map(|d| find(&d.column)).transpose()?,
            cols: query.cols.as_ref().map(|d| find(&d.column)).transpose()?,
            predictors: query
                .predictors
                .iter()
                .map(|v| find(&v.column))
                .collect::<Result<_, _>>()?,
            response: query
                .response
                .as_ref()
                .map(|v| find(&v.column))
                .transpose()?,
            events: query.events.as_ref().map(|v| find(&v.column)).transpose()?,
            person_time: query
                .person_time
                .as_ref()
                .map(|v| find(&v.column))
                .transpose()?,
            query: query.clone(),
        })
    }

    /// The plan.
    #[must_use]
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// One record's measurement (`record[i]` is the cell of column `i`).
    #[must_use]
    pub fn measure(&self, record: &[Option<&str>]) -> Measurement {
        let cell = |i: usize| record.get(i).copied().flatten();
        let member = self
            .population
            .iter()
            .chain(&self.filter)
            .all(|(i, c)| c.holds(cell(*i)));
        let scale = 10f64.powi(self.query.decimals as i32);
        let scaled = |i: Option<usize>, v: &Variable| -> Option<u128> {
            let x: f64 = cell(i?)?.trim().parse().ok()?;
            if !x.is_finite() {
                return None;
            }
            Some(((x.clamp(v.lower, v.upper) - v.lower) * scale).round() as u128)
        };
        let category = |i: Option<usize>, d: &Dimension| -> usize {
            let value = i.and_then(cell).map(str::trim);
            value
                .and_then(|v| d.categories.iter().position(|c| c == v))
                .unwrap_or(d.categories.len())
        };
        match (&self.plan, self.query.kind) {
            (Plan::Count, _) => Measurement::Count(member),
            (Plan::Sum { max }, _) => {
                let v = self.query.value.as_ref().map(|v| Variable {
                    lower: 0.0,
                    ..v.clone()
                });
                let m = match (member, v) {
                    (true, Some(v)) => scaled(self.value, &v).unwrap_or(0),
                    _ => 0,
                };
                Measurement::Sum(u64::try_from(m).unwrap_or(*max).min(*max))
            }
            (Plan::Histogram { labels }, Kind::Table) => {
                let excluded = labels.len();
                match (member, &self.query.rows, &self.query.cols) {
                    (true, Some(r), Some(c)) => Measurement::Histogram(
                        category(self.rows, r) * (c.categories.len() + 1) + category(self.cols, c),
                    ),
                    _ => Measurement::Histogram(excluded),
                }
            }
            (Plan::Histogram { labels }, _) => match (member, &self.query.by) {
                (true, Some(d)) => Measurement::Histogram(category(self.by, d)),
                _ => Measurement::Histogram(labels.len()),
            },
            (Plan::Vector { blocks }, Kind::Regression) => {
                let mut out = vec![0u128; self.plan.len()];
                let xs: Option<Vec<u128>> = self
                    .predictors
                    .iter()
                    .zip(&self.query.predictors)
                    .map(|(i, v)| scaled(Some(*i), v))
                    .collect();
                let y = self
                    .query
                    .response
                    .as_ref()
                    .and_then(|v| scaled(self.response, v));
                if let (true, Some(xs), Some(y)) = (member, xs, y) {
                    let mut values = vec![1];
                    values.extend(&xs);
                    values.push(y);
                    for i in 0..xs.len() {
                        for j in i..xs.len() {
                            values.push(
                                xs.get(i).copied().unwrap_or(0) * xs.get(j).copied().unwrap_or(0),
                            );
                        }
                    }
                    values.extend(xs.iter().map(|x| x * y));
                    values.push(y * y);
                    for (slot, v) in out.iter_mut().zip(values) {
                        *slot = v;
                    }
                }
                debug_assert_eq!(
                    blocks.iter().map(|b| b.labels.len()).sum::<usize>(),
                    out.len()
                );
                Measurement::Vector(out)
            }
            (Plan::Vector { blocks }, Kind::Incidence) => {
                let mut out = vec![0u128; self.plan.len()];
                // Clamped into [lower, upper], not shifted: a sum of events and of time.
                let unshifted = |i: Option<usize>, v: &Variable| -> Option<u128> {
                    let x: f64 = cell(i?)?.trim().parse().ok()?;
                    x.is_finite()
                        .then(|| (x.clamp(v.lower, v.upper) * scale).round() as u128)
                };
                let events = self
                    .query
                    .events
                    .as_ref()
                    .and_then(|v| unshifted(self.events, v));
                let time = self
                    .query
                    .person_time
                    .as_ref()
                    .and_then(|v| unshifted(self.person_time, v));
                if let (true, Some(e), Some(t)) = (member, events, time) {
                    let groups = blocks.first().map_or(1, |b| b.labels.len());
                    let g = self.query.by.as_ref().map_or(0, |d| category(self.by, d));
                    for (b, value) in [1, e, t].into_iter().enumerate() {
                        if let Some(slot) = out.get_mut(b * groups + g) {
                            *slot = value;
                        }
                    }
                }
                Measurement::Vector(out)
            }
            (Plan::Vector { blocks }, _) => {
                let mut out = vec![0u128; self.plan.len()];
                let value = self
                    .query
                    .value
                    .as_ref()
                    .and_then(|v| scaled(self.value, v));
                if let (true, Some(x)) = (member, value) {
                    let groups = blocks.first().map_or(1, |b| b.labels.len());
                    let g = self.query.by.as_ref().map_or(0, |d| category(self.by, d));
                    let powers = [1, x, x * x];
                    for (b, power) in powers.iter().enumerate().take(blocks.len()) {
                        if let Some(slot) = out.get_mut(b * groups + g) {
                            *slot = *power;
                        }
                    }
                }
                Measurement::Vector(out)
            }
        }
    }
}

/// One released number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// What it is (`count`, `mean[north]`, `pm25 | north`…).
    pub name: String,
    /// The released value; `None` when suppressed under the cell floor.
    pub value: Option<f64>,
    /// The interval's lower end (absent when no interval is stated).
    pub lower: Option<f64>,
    /// The interval's upper end.
    pub upper: Option<f64>,
    /// Why the value is missing or has no interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Turns the combined (noisy) aggregate into answers with intervals at `confidence`, each
/// covering the truth with at least that probability. `scales` are each aggregator's noise
/// scales (zero: exact).
///
/// The cell floor (see [`released`]): a cell (a histogram or table bucket, a group of a mean,
/// variance or incidence query, a regression's fit) is released only when the lower end of its
/// count's interval is at or above `floor`; otherwise it is suppressed as "below the floor".
#[must_use]
pub fn answers(
    query: &Query,
    plan: &Plan,
    sums: &[i128],
    scales: &[f64],
    confidence: f64,
    floor: u64,
) -> Vec<Answer> {
    let alpha = 1.0 - confidence;
    let unit = 10f64.powi(query.decimals as i32);
    let at = |i: usize| sums.get(i).copied().unwrap_or(0) as f64;
    let half = |i: usize, a: f64| noise::half_width(scales.get(i).copied().unwrap_or(0.0), a);
    let plain = |name: String, v: f64, h: f64| Answer {
        name,
        value: Some(v),
        lower: Some(v - h),
        upper: Some(v + h),
        note: None,
    };
    let suppressed = |name: String| below_floor(name, floor);
    let noisy = Noisy {
        sums,
        scales,
        alpha,
        unit,
        floor,
    };
    match plan {
        Plan::Count => vec![plain("count".to_owned(), at(0), half(0, alpha))],
        Plan::Sum { .. } => vec![plain("sum".to_owned(), at(0) / unit, half(0, alpha) / unit)],
        Plan::Histogram { labels } => labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                if !released(at(i), half(i, alpha), floor) {
                    suppressed(label.clone())
                } else {
                    plain(label.clone(), at(i), half(i, alpha))
                }
            })
            .collect(),
        Plan::Vector { blocks } if query.kind == Kind::Regression => {
            regression(query, blocks, &noisy)
        }
        Plan::Vector { blocks } if query.kind == Kind::Incidence => {
            incidence(query, blocks, &noisy)
        }
        Plan::Vector { blocks } => {
            let g = blocks.first().map_or(0, |b| b.labels.len());
            let k = blocks.len();
            // Bonferroni: each derived answer uses `k` noisy sums at alpha / k each.
            let a = alpha / k as f64;
            let (lo, hi) = query
                .value
                .as_ref()
                .map_or((0.0, 1.0), |v| (v.lower, v.upper));
            let mut out = Vec::new();
            for (i, label) in blocks
                .first()
                .map(|b| b.labels.clone())
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                let (n, hn) = (at(i), half(i, a));
                let (s, hs) = (at(g + i), half(g + i, a));
                let name = |what: &str| {
                    if query.by.is_some() {
                        format!("{what}[{label}]")
                    } else {
                        what.to_owned()
                    }
                };
                if !released(n, half(i, alpha), floor) {
                    out.push(suppressed(name("count")));
                    out.push(suppressed(name("mean")));
                    if k == 3 {
                        out.push(suppressed(name("variance")));
                    }
                    continue;
                }
                out.push(plain(name("count"), n, half(i, alpha)));
                let mean = (s / n.max(1.0)) / unit + lo;
                let (m_lo, m_hi) = if n - hn > 0.0 {
                    (
                        ((s - hs).max(0.0) / (n + hn)) / unit + lo,
                        ((s + hs) / (n - hn)) / unit + lo,
                    )
                } else {
                    (lo, hi)
                };
                out.push(Answer {
                    name: name("mean"),
                    value: Some(mean.clamp(lo, hi)),
                    lower: Some(m_lo.clamp(lo, hi)),
                    upper: Some(m_hi.clamp(lo, hi)),
                    note: None,
                });
                if k == 3 {
                    let (q, hq) = (at(2 * g + i), half(2 * g + i, a));
                    let var = |q: f64, s: f64, n: f64| (q / n - (s / n).powi(2)) / (unit * unit);
                    let max_var = (hi - lo).powi(2) / 4.0;
                    let value = var(q, s, n.max(1.0)).clamp(0.0, max_var);
                    // Var = Q/N − (S/N)²: smallest with Q low, N high in the first term and
                    // S high, N low in the second; largest the other way round.
                    let (v_lo, v_hi) = if n - hn > 0.0 {
                        (
                            ((q - hq).max(0.0) / (n + hn) - ((s + hs) / (n - hn)).powi(2))
                                / (unit * unit),
                            ((q + hq) / (n - hn) - ((s - hs).max(0.0) / (n + hn)).powi(2))
                                / (unit * unit),
                        )
                    } else {
                        (0.0, max_var)
                    };
                    out.push(Answer {
                        name: name("variance"),
                        value: Some(value),
                        lower: Some(v_lo.clamp(0.0, max_var)),
                        upper: Some(v_hi.clamp(0.0, max_var)),
                        note: None,
                    });
                }
            }
            out
        }
    }
}

/// Whether a cell whose noisy count is `count`, with interval half-width `half`, is released
/// under the cell floor `floor`: only when the interval's lower end, `count − half`, is at or
/// above the floor (a floor of 0 suppresses nothing).
///
/// Privacy: the decision reads only the noisy count (and public parameters), never the true
/// one, so it is post-processing of a DP value and costs no budget.
///
/// Honesty: a cell whose true count `n` is below the floor is released only when its combined
/// noise exceeds `half + (floor − n) > half`, which happens with probability at most α/2 and
/// falls geometrically the further `n` is below the floor; comparing the noisy value itself
/// with the floor released such a cell whenever the noise exceeded `floor − n`, and then its
/// interval always missed. For every cell, P(released and the interval misses the truth) ≤ α.
#[must_use]
pub fn released(count: f64, half: f64, floor: u64) -> bool {
    floor == 0 || count - half >= floor as f64
}

/// A cell suppressed under the floor (no value, no interval, and nothing of its noisy count).
fn below_floor(name: String, floor: u64) -> Answer {
    Answer {
        name,
        value: None,
        lower: None,
        upper: None,
        note: Some(format!(
            "suppressed: below the cell floor {floor} (the lower end of its count's interval is under it)"
        )),
    }
}

/// A SumVec query's combined sums, with what their answers need.
struct Noisy<'a> {
    /// The combined (noisy) coordinates.
    sums: &'a [i128],
    /// Each aggregator's noise scale per coordinate.
    scales: &'a [f64],
    /// 1 − the confidence.
    alpha: f64,
    /// 10^decimals.
    unit: f64,
    /// The cell floor.
    floor: u64,
}

fn regression(query: &Query, blocks: &[Block], noisy: &Noisy<'_>) -> Vec<Answer> {
    let &Noisy {
        sums,
        scales,
        alpha,
        unit,
        floor,
    } = noisy;
    let mut out = Vec::new();
    let mut offset = 0;
    let mut stats = Vec::new();
    for block in blocks {
        for (j, label) in block.labels.iter().enumerate() {
            let i = offset + j;
            let v = sums.get(i).copied().unwrap_or(0) as f64;
            let h = noise::half_width(scales.get(i).copied().unwrap_or(0.0), alpha);
            stats.push(v);
            out.push(Answer {
                name: format!("sufficient[{label}]"),
                value: Some(v),
                lower: Some(v - h),
                upper: Some(v + h),
                note: Some("shifted (x − lower) and scaled by 10^decimals".to_owned()),
            });
        }
        offset += block.labels.len();
    }
    let n = stats.first().copied().unwrap_or(0.0);
    let hn = noise::half_width(scales.first().copied().unwrap_or(0.0), alpha);
    if !released(n, hn, floor) {
        out.push(below_floor("fit".to_owned(), floor));
        return out;
    }
    // Normal equations on the shifted variables: [n Σx; Σx Σxx] b = [Σy; Σxy].
    let p = query.predictors.len();
    let x_at = |i: usize| stats.get(1 + i).copied().unwrap_or(0.0);
    let y_sum = stats.get(1 + p).copied().unwrap_or(0.0);
    let xx_base = 2 + p;
    let xx = |i: usize, j: usize| {
        let (i, j) = if i <= j { (i, j) } else { (j, i) };
        upper_index(p, i, j)
            .and_then(|idx| stats.get(xx_base + idx).copied())
            .unwrap_or(0.0)
    };
    let xy_base = xx_base + p * (p + 1) / 2;
    let dim = p + 1;
    let mut a = vec![vec![0.0; dim + 1]; dim];
    for r in 0..dim {
        for c in 0..dim {
            let v = match (r, c) {
                (0, 0) => n,
                (0, c) => x_at(c - 1),
                (r, 0) => x_at(r - 1),
                (r, c) => xx(r - 1, c - 1),
            };
            if let Some(cell) = a.get_mut(r).and_then(|row| row.get_mut(c)) {
                *cell = v;
            }
        }
        let rhs = if r == 0 {
            y_sum
        } else {
            stats.get(xy_base + r - 1).copied().unwrap_or(0.0)
        };
        if let Some(cell) = a.get_mut(r).and_then(|row| row.get_mut(dim)) {
            *cell = rhs;
        }
    }
    let Some(b) = solve(a) else {
        return out;
    };
    // Back to the original units: y = ly + (b0/unit) + Σ b_j (x_j − lx_j).
    let ly = query.response.as_ref().map_or(0.0, |v| v.lower);
    let mut intercept = ly + b.first().copied().unwrap_or(0.0) / unit;
    for (j, x) in query.predictors.iter().enumerate() {
        let slope = b.get(j + 1).copied().unwrap_or(0.0);
        intercept -= slope * x.lower;
        out.push(Answer {
            name: format!("slope[{}]", x.column),
            value: Some(slope),
            lower: None,
            upper: None,
            note: Some("point estimate from the noisy sufficient statistics".to_owned()),
        });
    }
    out.push(Answer {
        name: "intercept".to_owned(),
        value: Some(intercept),
        lower: None,
        upper: None,
        note: Some("point estimate from the noisy sufficient statistics".to_owned()),
    });
    out
}

/// Per group: persons, events and person-time with their intervals, and the rate with an
/// interval from the two sums' intervals at α/2 each (Bonferroni), so it covers the true rate
/// with probability at least 1 − α.
fn incidence(query: &Query, blocks: &[Block], noisy: &Noisy<'_>) -> Vec<Answer> {
    let &Noisy {
        sums,
        scales,
        alpha,
        unit,
        floor,
    } = noisy;
    let g = blocks.first().map_or(0, |b| b.labels.len());
    let per = query.per.unwrap_or(1.0);
    let at = |i: usize| sums.get(i).copied().unwrap_or(0) as f64;
    let half = |i: usize, a: f64| noise::half_width(scales.get(i).copied().unwrap_or(0.0), a);
    let mut out = Vec::new();
    let labels = blocks.first().map(|b| b.labels.clone()).unwrap_or_default();
    for (i, label) in labels.into_iter().enumerate() {
        let name = |what: &str| {
            if query.by.is_some() {
                format!("{what}[{label}]")
            } else {
                what.to_owned()
            }
        };
        let n = at(i);
        if !released(n, half(i, alpha), floor) {
            for what in ["persons", "events", "person_time", "rate"] {
                out.push(below_floor(name(what), floor));
            }
            continue;
        }
        let sum = |j: usize, what: &str, a: f64| {
            let (v, h) = (at(j), half(j, a));
            Answer {
                name: name(what),
                value: Some(v / unit),
                lower: Some((v - h) / unit),
                upper: Some((v + h) / unit),
                note: None,
            }
        };
        out.push(Answer {
            name: name("persons"),
            value: Some(n),
            lower: Some(n - half(i, alpha)),
            upper: Some(n + half(i, alpha)),
            note: None,
        });
        out.push(sum(g + i, "events", alpha));
        out.push(sum(2 * g + i, "person_time", alpha));
        let (e, he) = (at(g + i), half(g + i, alpha / 2.0));
        let (t, ht) = (at(2 * g + i), half(2 * g + i, alpha / 2.0));
        let note = (per != 1.0).then(|| format!("per {per} units of person-time"));
        if t - ht > 0.0 {
            out.push(Answer {
                name: name("rate"),
                value: Some(per * e.max(0.0) / t),
                lower: Some(per * (e - he).max(0.0) / (t + ht)),
                upper: Some(per * (e + he).max(0.0) / (t - ht)),
                note,
            });
        } else {
            out.push(Answer {
                name: name("rate"),
                value: (t > 0.0).then(|| per * e.max(0.0) / t),
                lower: None,
                upper: None,
                note: Some("no interval: the person-time is within its noise of zero".to_owned()),
            });
        }
    }
    out
}

fn upper_index(p: usize, i: usize, j: usize) -> Option<usize> {
    let mut idx = 0;
    for r in 0..p {
        for c in r..p {
            if r == i && c == j {
                return Some(idx);
            }
            idx += 1;
        }
    }
    None
}

/// Gaussian elimination with partial pivoting on an augmented matrix.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let n = a.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| {
            let vx = a
                .get(x)
                .and_then(|r| r.get(col))
                .copied()
                .unwrap_or(0.0)
                .abs();
            let vy = a
                .get(y)
                .and_then(|r| r.get(col))
                .copied()
                .unwrap_or(0.0)
                .abs();
            vx.total_cmp(&vy)
        })?;
        a.swap(col, pivot);
        let row = a.get(col)?.clone();
        let d = *row.get(col)?;
        if d.abs() < 1e-12 {
            return None;
        }
        for (r, other) in a.iter_mut().enumerate() {
            if r == col {
                continue;
            }
            let f = other.get(col).copied().unwrap_or(0.0) / d;
            for (x, y) in other.iter_mut().zip(&row) {
                *x -= f * y;
            }
        }
    }
    (0..n)
        .map(|i| {
            let row = a.get(i)?;
            Some(row.get(n)? / row.get(i)?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOOR: u64 = 11;

    fn histogram(epsilon: f64) -> (Query, Plan) {
        let query: Query = toml::from_str(&format!(
            "id = \"cells\"\nkind = \"histogram\"\nepsilon = {epsilon}\n\
             by = {{ column = \"region\", categories = [\"small\", \"large\"] }}\n"
        ))
        .unwrap();
        let plan = query.plan().unwrap();
        (query, plan)
    }

    fn cell<'a>(answers: &'a [Answer], name: &str) -> &'a Answer {
        answers.iter().find(|a| a.name == name).unwrap()
    }

    /// Regression (issue 20): a cell whose true count is 0, its noise lifting the noisy value
    /// just over the floor, was released with an interval that missed the truth. It must be
    /// suppressed now, saying why.
    #[test]
    fn a_cell_far_below_the_floor_is_not_released_with_a_missing_interval() {
        let (query, plan) = histogram(1.0);
        let scales = plan.noise_scales(query.epsilon);
        let h = noise::half_width(scales[0], 0.1);
        // The noisy value is over the floor and its interval excludes the true 0.
        let lifted = FLOOR as f64 + 1.0;
        assert!(h > 1.0 && lifted - h > 0.0, "half-width {h}");
        let sums = [lifted as i128, 400, 0, 0];
        let out = answers(&query, &plan, &sums, &scales, 0.9, FLOOR);
        let small = cell(&out, "small");
        assert_eq!((small.value, small.lower, small.upper), (None, None, None));
        assert!(
            small
                .note
                .as_deref()
                .unwrap()
                .contains("below the cell floor 11")
        );
        let large = cell(&out, "large");
        assert_eq!(large.value, Some(400.0));
        assert_eq!(
            (large.lower, large.upper),
            (Some(400.0 - h), Some(400.0 + h))
        );
    }

    #[test]
    fn a_cell_is_released_exactly_when_its_lower_end_reaches_the_floor() {
        let cases = [
            // (noisy count, half-width, floor, released)
            (20.0, 9.0, 11, true),
            (20.0, 9.5, 11, false),
            (11.0, 0.0, 11, true),
            (10.0, 0.0, 11, false),
            (-3.0, 5.0, 0, true),
        ];
        for (count, half, floor, expected) in cases {
            assert_eq!(
                released(count, half, floor),
                expected,
                "{count} ± {half}, floor {floor}"
            );
        }
    }

    /// Over many draws of both aggregators' noise, for true counts far below, just below, at
    /// and above the floor: P(released and the interval misses) stays within α, a cell far
    /// below the floor is (almost) never released, and a cell well above it always is.
    #[test]
    fn released_intervals_miss_at_most_at_the_stated_rate() {
        let (query, plan) = histogram(1.0);
        let scales = plan.noise_scales(query.epsilon);
        let (confidence, draws) = (0.9, 4000);
        let alpha: f64 = 1.0 - confidence;
        let se = (alpha * (1.0 - alpha) / f64::from(draws)).sqrt();
        for truth in [0i128, 6, 10, 11, 14, 40] {
            let (mut released_n, mut missed) = (0u32, 0u32);
            for _ in 0..draws {
                let noisy =
                    truth + noise::sample(scales[0]).unwrap() + noise::sample(scales[0]).unwrap();
                let sums = [noisy, 400, 0, 0];
                let out = answers(&query, &plan, &sums, &scales, confidence, FLOOR);
                let small = cell(&out, "small");
                if let (Some(lo), Some(hi)) = (small.lower, small.upper) {
                    released_n += 1;
                    if (truth as f64) < lo || (truth as f64) > hi {
                        missed += 1;
                    }
                }
            }
            let miss_rate = f64::from(missed) / f64::from(draws);
            assert!(
                miss_rate <= alpha + 4.0 * se,
                "truth {truth}: {missed} of {draws} collections released a missing interval"
            );
            // Released exactly when the noise reaches floor − truth + h: at the exact rate.
            let h = noise::half_width(scales[0], alpha);
            let a = FLOOR as f64 - truth as f64 + h;
            // P(S ≥ a); for a < 0 by symmetry, 1 − P(S ≥ 1 − a).
            let expected = if a >= 0.0 {
                noise::tail(scales[0], a)
            } else {
                1.0 - noise::tail(scales[0], 1.0 - a)
            };
            let rate = f64::from(released_n) / f64::from(draws);
            let tolerance = 4.0 * (expected * (1.0 - expected) / f64::from(draws)).sqrt();
            assert!(
                (rate - expected).abs() <= tolerance + 2.0 / f64::from(draws),
                "truth {truth}: released {rate}, expected {expected}"
            );
            if truth == 0 {
                // Far below the floor: at most α/2 by construction, here far less.
                assert!(expected < alpha / 20.0, "truth 0: {expected}");
            }
        }
    }
}
