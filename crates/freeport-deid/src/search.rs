//! Optimal global recoding: the search over the generalisation lattice for the transformation
//! that satisfies the privacy model and minimises the metric.
//!
//! Flash-style (Kohlmayer et al., SocialCom-PASSAT 2012; anchors.md §3.3): candidates are taken
//! in ascending order of a lower bound of the metric that needs no data pass; an unknown
//! candidate is resolved by binary search on a path from it to the top, and every check tags
//! its whole up-set (anonymous) or down-set (not anonymous) when the model is monotone. The
//! search stops when the next candidate's bound cannot beat the best transformation found,
//! so the result is the true optimum (cross-checked against [`Problem::exhaustive`] in tests).
//!
//! Classes are counted by packing each node's generalised quasi-identifier tuple into a `u64`
//! (mixed radix over the level cardinalities, per-level lookup tables) and counting in a dense
//! array or a hash map; nodes are rolled up from the smallest cached table of a predecessor,
//! and each round's checks run in parallel (rayon) on all cores.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::hierarchy::Hierarchy;
use crate::metric::{Metric, Score, normalise_loss};
use crate::model::{Distance, PrivacyModel, SensitiveCriterion, satisfies};

/// A quasi-identifier with its hierarchy and the levels the search may use.
#[derive(Debug, Clone)]
pub struct Qi {
    /// Column name.
    pub name: String,
    /// Its hierarchy.
    pub hierarchy: Hierarchy,
    /// Lowest level allowed (profiles raise it, e.g. dates to year for HIPAA).
    pub min_level: usize,
    /// Highest level allowed.
    pub max_level: usize,
}

/// A sensitive attribute: one value code per row, `values` distinct codes.
#[derive(Debug, Clone)]
pub struct SensitiveInput {
    /// Column name.
    pub name: String,
    /// One code per row, in `0..values` (leaf indices when a hierarchy is used for EMD).
    pub codes: Vec<u32>,
    /// Number of distinct codes.
    pub values: usize,
}

/// Sparse per-entry histograms of one sensitive attribute (compressed rows).
#[derive(Debug, Clone, Default)]
struct Hist {
    offsets: Vec<u32>,
    values: Vec<u32>,
    counts: Vec<u32>,
}

/// Distinct generalised tuples with their row counts (and sensitive histograms): the base data
/// or the classes of one lattice node.
#[derive(Debug, Clone, Default)]
struct ClassTable {
    /// One representative leaf tuple per entry, `d` codes each.
    reps: Vec<u32>,
    counts: Vec<u32>,
    hists: Vec<Hist>,
}

impl ClassTable {
    fn len(&self) -> usize {
        self.counts.len()
    }
}

/// What one check of a node found.
#[derive(Debug, Clone)]
struct Eval {
    table: Arc<ClassTable>,
    ok: Vec<bool>,
    suppressed: u64,
    anonymous: bool,
}

/// The exact result at an anonymous node.
#[derive(Debug, Clone)]
struct Found {
    score: Score,
    suppressed: u64,
    classes: usize,
}

/// A de-identification problem: the encoded data, the model and the metric.
#[derive(Debug)]
pub struct Problem {
    qis: Vec<Qi>,
    sensitive_values: Vec<usize>,
    global: Vec<Vec<f64>>,
    model: PrivacyModel,
    metric: Metric,
    base: Arc<ClassTable>,
    row_entry: Vec<u32>,
    rows: usize,
    loss_bound: Vec<Vec<f64>>,
    entropy: Vec<Vec<f64>>,
    /// Where a node's classes are counted when the rows are not in memory (a lake's `GROUP BY`);
    /// `None`: rolled up in memory from [`Problem::new`]'s rows.
    counter: Option<Box<dyn ClassCounter>>,
}

/// A lattice node's equivalence classes as an engine that holds the rows counts them: the
/// seam between the search (which nodes to check, the model, the metric, the optimum) and
/// where the data lives. [`Problem::new`] counts in memory; a [`ClassCounter`] (a DataFusion
/// `GROUP BY` over a lake's generalised quasi-identifiers) answers the same question for
/// [`Problem::with_counter`], and the search, the checks and the metric are the same code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classes {
    /// Per class, one leaf per quasi-identifier (any leaf of the class: its generalisation at
    /// the node's levels names the class), classes one after another.
    pub reps: Vec<u32>,
    /// Rows per class.
    pub counts: Vec<u32>,
    /// Per sensitive attribute, `(class, value code, rows)` in any order (a class and value
    /// may repeat: their rows add up).
    pub sensitive: Vec<Vec<(u32, u32, u32)>>,
}

/// Counts the equivalence classes of the data generalised to a lattice node.
pub trait ClassCounter: std::fmt::Debug + Send + Sync {
    /// The classes at `levels` (one level per quasi-identifier; all zeros is the data itself).
    ///
    /// # Errors
    ///
    /// Whatever stops the engine from reading the data.
    fn classes(&self, levels: &[usize]) -> Result<Classes>;
}

/// The chosen transformation and what it does to the data.
#[derive(Debug, Clone)]
pub struct Solution {
    /// Level per quasi-identifier (0 = original).
    pub levels: Vec<usize>,
    /// The metric at this node.
    pub score: Score,
    /// Number of equivalence classes among the kept records.
    pub classes: usize,
    /// Number of suppressed records.
    pub suppressed_rows: u64,
    /// Number of nodes whose classes were counted.
    pub checks: usize,
    /// Number of nodes in the lattice searched.
    pub lattice_size: usize,
    /// Whether each input row is kept (`false` = suppressed).
    pub row_kept: Vec<bool>,
    /// Size of each kept class.
    pub class_sizes: Vec<u32>,
    /// The suppressed classes: per class, its generalised code per quasi-identifier at
    /// `levels` (what an engine that streams the rows filters on).
    pub suppressed_classes: Vec<Vec<u32>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Unknown,
    Anonymous,
    NotAnonymous,
}

/// The lattice of level vectors between the per-attribute minimum and maximum.
#[derive(Debug, Clone)]
struct Lattice {
    min: Vec<usize>,
    radix: Vec<usize>,
    stride: Vec<usize>,
    size: usize,
}

impl Lattice {
    fn new(qis: &[Qi]) -> Option<Self> {
        let min: Vec<usize> = qis.iter().map(|q| q.min_level).collect();
        let radix: Vec<usize> = qis.iter().map(|q| q.max_level - q.min_level + 1).collect();
        let mut stride = Vec::with_capacity(radix.len());
        let mut size = 1usize;
        for r in &radix {
            stride.push(size);
            size = size.checked_mul(*r)?;
        }
        Some(Self {
            min,
            radix,
            stride,
            size,
        })
    }

    fn levels(&self, id: usize) -> Vec<usize> {
        self.radix
            .iter()
            .zip(&self.stride)
            .zip(&self.min)
            .map(|((r, s), m)| (id / s) % r + m)
            .collect()
    }

    fn offset(&self, id: usize, a: usize) -> usize {
        (id / self.stride[a]) % self.radix[a]
    }

    fn successors(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.radix.len())
            .filter(move |&a| self.offset(id, a) + 1 < self.radix[a])
            .map(move |a| id + self.stride[a])
    }

    fn predecessors(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.radix.len())
            .filter(move |&a| self.offset(id, a) > 0)
            .map(move |a| id - self.stride[a])
    }
}

/// Largest lattice searched optimally (ARX refuses above 100,000 by default; the per-node cost
/// here is small enough to allow more).
pub const MAX_LATTICE: usize = 2_000_000;

impl Problem {
    /// Encodes the data: `qi_leaves[a][row]` is row's leaf in quasi-identifier `a`'s hierarchy.
    ///
    /// # Errors
    ///
    /// No rows, `k` larger than the number of rows, bad level bounds, sensitive criteria on a
    /// missing attribute, or a lattice larger than [`MAX_LATTICE`].
    pub fn new(
        qis: Vec<Qi>,
        qi_leaves: &[Vec<u32>],
        sensitive: &[SensitiveInput],
        model: PrivacyModel,
        metric: Metric,
    ) -> Result<Self> {
        let rows = qi_leaves.first().map_or(0, Vec::len);
        let d = qis.len();
        // Distinct leaf tuples.
        let domains: Vec<usize> = qis.iter().map(|q| q.hierarchy.domain_size()).collect();
        let mut counts: Vec<u32> = Vec::new();
        let mut reps: Vec<u32> = Vec::new();
        let mut row_entry = Vec::with_capacity(rows);
        let packable = domains
            .iter()
            .try_fold(1u64, |acc, &n| acc.checked_mul(n.max(1) as u64))
            .is_some();
        let mut tuple = vec![0u32; d];
        if packable {
            let mut map: FxHashMap<u64, u32> = FxHashMap::default();
            for row in 0..rows {
                let mut key = 0u64;
                for ((slot, leaves), &domain) in tuple.iter_mut().zip(qi_leaves).zip(&domains) {
                    let leaf = leaves[row];
                    *slot = leaf;
                    key = key * domain.max(1) as u64 + u64::from(leaf);
                }
                let next = counts.len() as u32;
                let e = *map.entry(key).or_insert(next);
                if e == next {
                    counts.push(0);
                    reps.extend_from_slice(&tuple);
                }
                counts[e as usize] += 1;
                row_entry.push(e);
            }
        } else {
            let mut map: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
            for row in 0..rows {
                for (slot, leaves) in tuple.iter_mut().zip(qi_leaves) {
                    *slot = leaves[row];
                }
                let next = counts.len() as u32;
                let e = *map.entry(tuple.clone()).or_insert(next);
                if e == next {
                    counts.push(0);
                    reps.extend_from_slice(&tuple);
                }
                counts[e as usize] += 1;
                row_entry.push(e);
            }
        }
        let entries = counts.len();
        let hists = sensitive
            .iter()
            .map(|s| {
                let mut triples: Vec<(u32, u32)> = row_entry
                    .iter()
                    .zip(&s.codes)
                    .map(|(&e, &v)| (e, v))
                    .collect();
                triples.sort_unstable();
                csr(entries, triples.into_iter().map(|(e, v)| (e, v, 1)))
            })
            .collect();
        let base = ClassTable {
            reps,
            counts,
            hists,
        };
        let values = sensitive.iter().map(|s| s.values).collect();
        Self::from_base(qis, base, row_entry, values, model, metric, None)
    }

    /// A problem whose rows stay where they are: `counter` counts each checked node's classes
    /// (and, at all levels 0, the data's own), so only distinct tuples are ever in memory.
    /// `sensitive_values` is the number of value codes of each sensitive attribute the
    /// counter reports. The search, the model checks and the metric are [`Problem::new`]'s,
    /// so the same data gives the same optimum.
    ///
    /// # Errors
    ///
    /// As [`Problem::new`], and the counter's errors.
    pub fn with_counter(
        qis: Vec<Qi>,
        counter: Box<dyn ClassCounter>,
        sensitive_values: Vec<usize>,
        model: PrivacyModel,
        metric: Metric,
    ) -> Result<Self> {
        if qis.is_empty() {
            return Err(Error::input(
                "nothing to de-identify: the data has no rows or no quasi-identifiers",
                None,
            ));
        }
        let classes = counter.classes(&vec![0; qis.len()])?;
        let base = class_table(classes, sensitive_values.len());
        Self::from_base(
            qis,
            base,
            Vec::new(),
            sensitive_values,
            model,
            metric,
            Some(counter),
        )
    }

    /// The problem over the data's distinct leaf tuples (`row_entry`: each row's tuple, when
    /// the rows are in memory): checks, then the metric's per-level statistics.
    fn from_base(
        qis: Vec<Qi>,
        base: ClassTable,
        row_entry: Vec<u32>,
        sensitive_values: Vec<usize>,
        model: PrivacyModel,
        metric: Metric,
        counter: Option<Box<dyn ClassCounter>>,
    ) -> Result<Self> {
        let rows = base.counts.iter().map(|&c| c as usize).sum::<usize>();
        if rows == 0 || qis.is_empty() {
            return Err(Error::input(
                "nothing to de-identify: the data has no rows or no quasi-identifiers",
                None,
            ));
        }
        if model.k as usize > rows {
            return Err(Error::input(
                format!("k = {} is larger than the number of rows ({rows})", model.k),
                Some("no grouping can make classes that large; lower k".into()),
            ));
        }
        for q in &qis {
            if q.min_level > q.max_level || q.max_level >= q.hierarchy.height() {
                return Err(Error::input(
                    format!(
                        "quasi-identifier `{}`: levels {}..={} are outside its hierarchy (height {})",
                        q.name,
                        q.min_level,
                        q.max_level,
                        q.hierarchy.height()
                    ),
                    None,
                ));
            }
        }
        for (i, _) in &model.sensitive {
            if *i >= sensitive_values.len() {
                return Err(Error::input(
                    "a sensitive criterion names no attribute",
                    None,
                ));
            }
        }
        let lattice = Lattice::new(&qis).filter(|l| l.size <= MAX_LATTICE);
        if lattice.is_none() {
            return Err(Error::input(
                format!("the generalisation lattice has more than {MAX_LATTICE} nodes"),
                Some(
                    "use fewer quasi-identifiers or restrict their levels (min-level / max-level)"
                        .into(),
                ),
            ));
        }
        let d = qis.len();
        // The overall distribution of each sensitive attribute (whole-number sums, so the
        // same rows give the same bits however they are grouped).
        let global = base
            .hists
            .iter()
            .zip(&sensitive_values)
            .map(|(h, &values)| {
                let mut g = vec![0.0; values];
                for (&v, &c) in h.values.iter().zip(&h.counts) {
                    if let Some(x) = g.get_mut(v as usize) {
                        *x += f64::from(c);
                    }
                }
                g.iter_mut().for_each(|x| *x /= rows as f64);
                g
            })
            .collect();
        // Metric precomputation: per attribute and level, from leaf counts.
        let mut loss_bound = Vec::with_capacity(d);
        let mut entropy = Vec::with_capacity(d);
        for (a, q) in qis.iter().enumerate() {
            let h = &q.hierarchy;
            let mut leaf_count = vec![0u64; h.domain_size()];
            for (e, &count) in base.counts.iter().enumerate() {
                if let Some(c) = base
                    .reps
                    .get(e * d + a)
                    .and_then(|&leaf| leaf_count.get_mut(leaf as usize))
                {
                    *c += u64::from(count);
                }
            }
            let mut lb = Vec::with_capacity(h.height());
            let mut en = Vec::with_capacity(h.height());
            for level in 0..h.height() {
                let map = h.level_map(level);
                let mut gen_count = vec![0u64; h.cardinality(level)];
                for (leaf, &c) in leaf_count.iter().enumerate() {
                    if let Some(g) = map.get(leaf).and_then(|&g| gen_count.get_mut(g as usize)) {
                        *g += c;
                    }
                }
                let mut covered = 0u128;
                let mut ent = 0.0;
                for (leaf, &c) in leaf_count.iter().enumerate() {
                    if c == 0 {
                        continue;
                    }
                    let g = map.get(leaf).copied().unwrap_or(0);
                    covered += u128::from(c) * u128::from(h.covered(level, g));
                    let gc = gen_count.get(g as usize).copied().unwrap_or(c) as f64;
                    ent += c as f64 * (gc / c as f64).log2();
                }
                lb.push(loss_of(covered, rows, h.domain_size()));
                en.push(ent);
            }
            loss_bound.push(lb);
            entropy.push(en);
        }
        Ok(Self {
            qis,
            sensitive_values,
            global,
            model,
            metric,
            base: Arc::new(base),
            row_entry,
            rows,
            loss_bound,
            entropy,
            counter,
        })
    }

    /// The quasi-identifiers.
    #[must_use]
    pub fn qis(&self) -> &[Qi] {
        &self.qis
    }

    /// Number of rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of distinct quasi-identifier tuples in the input.
    #[must_use]
    pub fn distinct_tuples(&self) -> usize {
        self.base.len()
    }

    /// Sizes of the equivalence classes of the original data (all levels 0).
    #[must_use]
    pub fn original_class_sizes(&self) -> Vec<u32> {
        self.base.counts.clone()
    }

    fn lattice(&self) -> Result<Lattice> {
        Lattice::new(&self.qis)
            .ok_or_else(|| Error::input("the generalisation lattice is too large", None))
    }

    /// Counts the classes of `src` generalised to `levels`; with `want_map`, also returns the
    /// class of each entry of `src`.
    fn groupify(
        &self,
        src: &ClassTable,
        levels: &[usize],
        want_map: bool,
    ) -> (ClassTable, Vec<u32>) {
        let d = self.qis.len();
        let maps: Vec<&[u32]> = self
            .qis
            .iter()
            .zip(levels)
            .map(|(q, &l)| q.hierarchy.level_map(l))
            .collect();
        let cards: Vec<u64> = self
            .qis
            .iter()
            .zip(levels)
            .map(|(q, &l)| q.hierarchy.cardinality(l).max(1) as u64)
            .collect();
        let total = cards.iter().try_fold(1u64, |acc, &c| acc.checked_mul(c));
        let n = src.len();
        let mut out = ClassTable::default();
        let mut entry_class = Vec::with_capacity(if want_map || !src.hists.is_empty() {
            n
        } else {
            0
        });
        let keep_map = want_map || !src.hists.is_empty();
        let code = |e: usize, a: usize| -> u64 {
            let leaf = src.reps[e * d + a] as usize;
            u64::from(maps[a].get(leaf).copied().unwrap_or(0))
        };
        let mut push = |out: &mut ClassTable, e: usize, class: u32, new: bool| {
            if new {
                out.counts.push(0);
                out.reps.extend_from_slice(&src.reps[e * d..(e + 1) * d]);
            }
            out.counts[class as usize] += src.counts[e];
            if keep_map {
                entry_class.push(class);
            }
        };
        match total {
            Some(total) if total <= (1 << 22).max(4 * n as u64) && total <= 1 << 26 => {
                let mut dense = vec![u32::MAX; total as usize];
                for e in 0..n {
                    let mut key = 0u64;
                    for (a, &card) in cards.iter().enumerate() {
                        key = key * card + code(e, a);
                    }
                    let slot = &mut dense[key as usize];
                    let new = *slot == u32::MAX;
                    if new {
                        *slot = out.counts.len() as u32;
                    }
                    push(&mut out, e, *slot, new);
                }
            }
            Some(_) => {
                let mut map: FxHashMap<u64, u32> =
                    FxHashMap::with_capacity_and_hasher(n.min(1 << 20), Default::default());
                for e in 0..n {
                    let mut key = 0u64;
                    for (a, &card) in cards.iter().enumerate() {
                        key = key * card + code(e, a);
                    }
                    let next = out.counts.len() as u32;
                    let class = *map.entry(key).or_insert(next);
                    push(&mut out, e, class, class == next);
                }
            }
            None => {
                let mut map: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
                for e in 0..n {
                    let key: Vec<u32> = (0..d).map(|a| code(e, a) as u32).collect();
                    let next = out.counts.len() as u32;
                    let class = *map.entry(key).or_insert(next);
                    push(&mut out, e, class, class == next);
                }
            }
        }
        let classes = out.len();
        for h in &src.hists {
            let mut triples: Vec<(u32, u32, u32)> = Vec::with_capacity(h.values.len());
            for (e, &class) in entry_class.iter().enumerate().take(n) {
                let (lo, hi) = (h.offsets[e] as usize, h.offsets[e + 1] as usize);
                for i in lo..hi {
                    triples.push((class, h.values[i], h.counts[i]));
                }
            }
            triples.sort_unstable_by_key(|&(c, v, _)| (c, v));
            out.hists.push(csr(classes, triples.into_iter()));
        }
        (out, entry_class)
    }

    /// The classes at `levels`: from the counter when the rows are elsewhere, else rolled up
    /// from the smallest cached table of a predecessor (or the base).
    fn classes_at(
        &self,
        levels: &[usize],
        cache: &[(Vec<usize>, Arc<ClassTable>)],
    ) -> Result<ClassTable> {
        if let Some(counter) = &self.counter {
            return Ok(class_table(
                counter.classes(levels)?,
                self.sensitive_values.len(),
            ));
        }
        let src = cache
            .iter()
            .filter(|(l, _)| l.iter().zip(levels).all(|(a, b)| a <= b))
            .min_by_key(|(_, t)| t.len())
            .map_or_else(|| Arc::clone(&self.base), |(_, t)| Arc::clone(t));
        Ok(self.groupify(&src, levels, false).0)
    }

    /// Checks the model on every class of `table`.
    fn check(&self, table: ClassTable) -> Eval {
        let k = self.model.k;
        let mut dense: Vec<Vec<u32>> = self.sensitive_values.iter().map(|&n| vec![0; n]).collect();
        let mut ok = Vec::with_capacity(table.len());
        let mut suppressed = 0u64;
        for c in 0..table.len() {
            let mut good = table.counts[c] >= k;
            if good {
                for (s, criterion) in &self.model.sensitive {
                    let (Some(h), Some(buf), Some(global)) =
                        (table.hists.get(*s), dense.get_mut(*s), self.global.get(*s))
                    else {
                        continue;
                    };
                    let (lo, hi) = (h.offsets[c] as usize, h.offsets[c + 1] as usize);
                    for i in lo..hi {
                        buf[h.values[i] as usize] += h.counts[i];
                    }
                    let sat = satisfies(criterion, buf, global);
                    for i in lo..hi {
                        buf[h.values[i] as usize] = 0;
                    }
                    if !sat {
                        good = false;
                        break;
                    }
                }
            }
            if !good {
                suppressed += u64::from(table.counts[c]);
            }
            ok.push(good);
        }
        let anonymous = suppressed <= self.model.max_suppressed(self.rows);
        Eval {
            table: Arc::new(table),
            ok,
            suppressed,
            anonymous,
        }
    }

    /// The lower bound of the metric at `levels`, from the levels alone.
    fn bound(&self, levels: &[usize]) -> Score {
        match self.metric {
            Metric::Loss(agg) => Score::multi(
                levels
                    .iter()
                    .enumerate()
                    .map(|(a, &l)| self.loss_bound[a][l])
                    .collect(),
                agg,
            ),
            Metric::NonUniformEntropy => {
                let per: Vec<f64> = levels
                    .iter()
                    .enumerate()
                    .map(|(a, &l)| self.entropy[a][l])
                    .collect();
                Score::multi(per, crate::metric::Aggregate::Sum)
            }
            Metric::Discernibility | Metric::Aecs => Score::single(0.0),
        }
    }

    /// The exact metric at an anonymous node with its check.
    fn exact(&self, levels: &[usize], eval: &Eval) -> Score {
        let t = &eval.table;
        let n = self.rows as f64;
        match self.metric {
            Metric::Loss(agg) => {
                let d = self.qis.len();
                let per = self
                    .qis
                    .iter()
                    .enumerate()
                    .map(|(a, q)| {
                        let h = &q.hierarchy;
                        let map = h.level_map(levels[a]);
                        let domain = h.domain_size() as u128;
                        let mut covered = 0u128;
                        for c in 0..t.len() {
                            let count = u128::from(t.counts[c]);
                            if eval.ok[c] {
                                let leaf = t.reps[c * d + a] as usize;
                                let g = map.get(leaf).copied().unwrap_or(0);
                                covered += count * u128::from(h.covered(levels[a], g));
                            } else {
                                // A suppressed record loses the whole domain.
                                covered += count * domain;
                            }
                        }
                        loss_of(covered, self.rows, h.domain_size())
                    })
                    .collect();
                Score::multi(per, agg)
            }
            Metric::NonUniformEntropy => self.bound(levels),
            Metric::Discernibility => Score::single(
                t.counts
                    .iter()
                    .zip(&eval.ok)
                    .map(|(&c, &ok)| {
                        let c = f64::from(c);
                        if ok { c * c } else { c * n }
                    })
                    .sum(),
            ),
            Metric::Aecs => {
                let kept = eval.ok.iter().filter(|&&o| o).count();
                let groups = kept + usize::from(eval.suppressed > 0);
                Score::single(n / groups.max(1) as f64)
            }
        }
    }

    fn found(&self, levels: &[usize], eval: &Eval) -> Found {
        Found {
            score: self.exact(levels, eval),
            suppressed: eval.suppressed,
            classes: eval.ok.iter().filter(|&&o| o).count(),
        }
    }

    /// Nodes in search order: ascending bound, then fewer levels, then lexicographic levels.
    fn order(&self, lattice: &Lattice) -> (Vec<usize>, Vec<Score>) {
        let levels: Vec<Vec<usize>> = (0..lattice.size).map(|id| lattice.levels(id)).collect();
        let bounds: Vec<Score> = levels.iter().map(|l| self.bound(l)).collect();
        let sums: Vec<usize> = levels.iter().map(|l| l.iter().sum()).collect();
        let mut order: Vec<usize> = (0..lattice.size).collect();
        order.sort_by(|&x, &y| {
            bounds[x]
                .cmp_key(&bounds[y])
                .then(sums[x].cmp(&sums[y]))
                .then_with(|| levels[x].cmp(&levels[y]))
        });
        (order, bounds)
    }

    /// Finds the optimal transformation.
    ///
    /// # Errors
    ///
    /// No transformation in the lattice satisfies the model.
    pub fn solve(&self) -> Result<Solution> {
        self.solve_observed(&crate::progress::NoProgress)
    }

    /// [`Problem::solve`], reporting the lattice nodes settled to `progress` as the search
    /// goes (stage [`Stage::Search`](crate::progress::Stage::Search)).
    ///
    /// # Errors
    ///
    /// As [`Problem::solve`].
    pub fn solve_observed(&self, progress: &dyn crate::progress::Progress) -> Result<Solution> {
        let lattice = self.lattice()?;
        let (order, bounds) = self.order(&lattice);
        progress.stage(
            crate::progress::Stage::Search,
            u64::try_from(order.len()).ok(),
        );
        let mut rank = vec![0usize; lattice.size];
        for (i, &id) in order.iter().enumerate() {
            rank[id] = i;
        }
        let tagging = self.model.is_monotone();
        let mut status = vec![Status::Unknown; lattice.size];
        let mut exact: FxHashMap<usize, Found> = FxHashMap::default();
        let mut cache: Vec<(Vec<usize>, Arc<ClassTable>)> = Vec::new();
        let mut best: Option<(usize, Found)> = None;
        let mut paths: Vec<Vec<usize>> = Vec::new();
        let continue_paths = self.metric.bound_always_exact()
            || (self.metric.bound_exact_without_suppression()
                && self.model.max_suppressed(self.rows) == 0);
        let mut checks = 0usize;
        let width = rayon::current_num_threads().max(1) * 2;
        let mut pos = 0usize;
        let beats = |best: &Option<(usize, Found)>, id: usize| -> bool {
            best.as_ref()
                .is_none_or(|(_, b)| bounds[id].cmp_key(&b.score).is_lt())
        };
        loop {
            progress.advance(u64::try_from(pos).unwrap_or(u64::MAX));
            // Settle resolved candidates in order.
            while let Some(&id) = order.get(pos) {
                if !beats(&best, id) {
                    pos = order.len();
                    break;
                }
                match status[id] {
                    Status::NotAnonymous => pos += 1,
                    Status::Anonymous => {
                        let f = if let Some(f) = exact.get(&id) {
                            Some(f.clone())
                        } else if self.metric.bound_always_exact()
                            || (self.metric.bound_exact_without_suppression()
                                && self.model.max_suppressed(self.rows) == 0)
                        {
                            // Anonymous with nothing suppressed: the bound is the value. Class
                            // count is filled in for the winner at the end.
                            Some(Found {
                                score: bounds[id].clone(),
                                suppressed: 0,
                                classes: 0,
                            })
                        } else {
                            None
                        };
                        let Some(f) = f else { break };
                        let better = best.as_ref().is_none_or(|(bid, b)| {
                            f.score
                                .cmp_key(&b.score)
                                .then(rank[id].cmp(&rank[*bid]))
                                .is_lt()
                        });
                        if better {
                            best = Some((id, f));
                        }
                        pos += 1;
                    }
                    Status::Unknown => break,
                }
            }
            if pos >= order.len() {
                break;
            }
            // Choose up to `width` probes: first continue the binary searches of open paths
            // (to find each path's boundary, whose failing side tags the largest down-set),
            // then open paths for the next unresolved candidates.
            let mut probes: Vec<usize> = Vec::with_capacity(width);
            // Worth it only when anonymous nodes need no check of their own for the metric;
            // otherwise every anonymous candidate is checked anyway.
            if continue_paths {
                paths.retain(|p| p.iter().any(|&x| status[x] == Status::Unknown));
            } else {
                paths.clear();
            }
            for p in &paths {
                if probes.len() >= width {
                    break;
                }
                if let Some(probe) = middle_unknown(p, &status)
                    && !probes.contains(&probe)
                {
                    probes.push(probe);
                }
            }
            for &id in &order[pos..] {
                if probes.len() >= width || !beats(&best, id) {
                    break;
                }
                let probe = match status[id] {
                    Status::NotAnonymous => continue,
                    Status::Anonymous => {
                        if exact.contains_key(&id) {
                            continue;
                        }
                        id
                    }
                    Status::Unknown if tagging => {
                        let path = path_up(&lattice, &status, id);
                        let probe = middle_unknown(&path, &status).unwrap_or(id);
                        paths.push(path);
                        probe
                    }
                    Status::Unknown => id,
                };
                if !probes.contains(&probe) {
                    probes.push(probe);
                }
            }
            if probes.is_empty() {
                // Everything ahead is settled; loop back to settle it.
                continue;
            }
            let snapshot = &cache;
            let results: Vec<(usize, Eval)> = probes
                .par_iter()
                .map(|&id| {
                    let table = self.classes_at(&lattice.levels(id), snapshot)?;
                    Ok((id, self.check(table)))
                })
                .collect::<Result<_>>()?;
            checks += results.len();
            for (id, eval) in results {
                let levels = lattice.levels(id);
                if eval.anonymous {
                    exact.insert(id, self.found(&levels, &eval));
                    if tagging {
                        tag(&lattice, &mut status, id, Status::Anonymous);
                    } else {
                        status[id] = Status::Anonymous;
                    }
                } else if tagging {
                    tag(&lattice, &mut status, id, Status::NotAnonymous);
                } else {
                    status[id] = Status::NotAnonymous;
                }
                if cache.len() >= 64 {
                    cache.remove(0);
                }
                cache.push((levels, eval.table));
            }
        }
        let Some((id, _)) = best else {
            return Err(no_solution());
        };
        let mut solution = self.materialise(&lattice.levels(id))?;
        solution.checks = checks + 1;
        solution.lattice_size = lattice.size;
        Ok(solution)
    }

    /// Checks every node of the lattice (for tests and small problems): the reference the
    /// search must agree with.
    ///
    /// # Errors
    ///
    /// No transformation in the lattice satisfies the model.
    pub fn exhaustive(&self) -> Result<Solution> {
        let lattice = self.lattice()?;
        let (order, _) = self.order(&lattice);
        let found: Vec<Option<Found>> = order
            .par_iter()
            .map(|&id| {
                let levels = lattice.levels(id);
                let eval = self.check(self.classes_at(&levels, &[])?);
                Ok(eval.anonymous.then(|| self.found(&levels, &eval)))
            })
            .collect::<Result<_>>()?;
        let mut best: Option<(usize, &Found)> = None;
        for (i, f) in found.iter().enumerate() {
            if let Some(f) = f
                && best.is_none_or(|(_, b)| f.score.cmp_key(&b.score).is_lt())
            {
                best = Some((i, f));
            }
        }
        let Some((i, _)) = best else {
            return Err(no_solution());
        };
        let mut solution = self.materialise(&lattice.levels(order[i]))?;
        solution.checks = lattice.size;
        solution.lattice_size = lattice.size;
        Ok(solution)
    }

    /// Applies `levels` to the data: which rows are kept, the classes and the metric.
    ///
    /// # Errors
    ///
    /// The levels do not satisfy the model.
    pub fn materialise(&self, levels: &[usize]) -> Result<Solution> {
        let (table, entry_class) = match &self.counter {
            Some(counter) => (
                class_table(counter.classes(levels)?, self.sensitive_values.len()),
                Vec::new(),
            ),
            None => self.groupify(&self.base, levels, true),
        };
        let eval = self.check(table);
        if !eval.anonymous {
            return Err(no_solution());
        }
        let found = self.found(levels, &eval);
        let row_kept = self
            .row_entry
            .iter()
            .map(|&e| {
                entry_class
                    .get(e as usize)
                    .and_then(|&c| eval.ok.get(c as usize))
                    .copied()
                    .unwrap_or(false)
            })
            .collect();
        let class_sizes = eval
            .table
            .counts
            .iter()
            .zip(&eval.ok)
            .filter(|(_, ok)| **ok)
            .map(|(&c, _)| c)
            .collect();
        let d = self.qis.len();
        let suppressed_classes = eval
            .ok
            .iter()
            .enumerate()
            .filter(|(_, ok)| !**ok)
            .map(|(c, _)| {
                self.qis
                    .iter()
                    .zip(levels)
                    .enumerate()
                    .map(|(a, (q, &level))| {
                        let leaf = eval.table.reps.get(c * d + a).copied().unwrap_or(0);
                        q.hierarchy.generalise(leaf, level)
                    })
                    .collect()
            })
            .collect();
        Ok(Solution {
            levels: levels.to_vec(),
            score: found.score,
            classes: found.classes,
            suppressed_rows: found.suppressed,
            checks: 1,
            lattice_size: 1,
            row_kept,
            class_sizes,
            suppressed_classes,
        })
    }

    /// Whether a criterion uses a hierarchical distance (for reports).
    #[must_use]
    pub fn model(&self) -> &PrivacyModel {
        &self.model
    }

    /// The metric being minimised.
    #[must_use]
    pub fn metric(&self) -> Metric {
        self.metric
    }
}

/// Normalised Loss of one attribute from the leaves its records cover in all (a suppressed
/// record covers the whole domain). Whole numbers are summed and divided once, so the same
/// records give the same bits whichever order the classes come in — the bound and the exact value
/// of one attribute must agree exactly for the search to match an exhaustive one.
fn loss_of(covered: u128, rows: usize, domain: usize) -> f64 {
    normalise_loss(covered as f64 / domain.max(1) as f64, rows as f64, domain)
}

fn no_solution() -> Error {
    Error::input(
        "no transformation in the lattice satisfies the privacy model",
        Some("raise the suppression limit, lower k / l / raise t, or add hierarchy levels".into()),
    )
}

/// A path from `id` towards the top (attributes raised in turn), up to the first node already
/// known to be anonymous.
fn path_up(lattice: &Lattice, status: &[Status], id: usize) -> Vec<usize> {
    let mut path = vec![id];
    let mut current = id;
    let d = lattice.radix.len();
    let mut a = 0usize;
    loop {
        let mut moved = false;
        for step in 0..d {
            let attr = (a + step) % d;
            if lattice.offset(current, attr) + 1 < lattice.radix[attr] {
                current += lattice.stride[attr];
                a = attr + 1;
                moved = true;
                break;
            }
        }
        if !moved || status[current] == Status::Anonymous {
            break;
        }
        path.push(current);
    }
    path
}

/// The binary-search probe on a path: the middle of its still-unknown stretch (statuses along a
/// path are: not anonymous, unknown, anonymous).
fn middle_unknown(path: &[usize], status: &[Status]) -> Option<usize> {
    let lo = path.iter().position(|&x| status[x] == Status::Unknown)?;
    let hi = path[lo..]
        .iter()
        .position(|&x| status[x] != Status::Unknown)
        .map_or(path.len(), |i| lo + i);
    path.get(lo + (hi - lo) / 2).copied()
}

/// Records a check and what monotonicity implies: anonymous → its up-set, not anonymous → its
/// down-set.
fn tag(lattice: &Lattice, status: &mut [Status], id: usize, what: Status) {
    let mut stack = vec![id];
    while let Some(x) = stack.pop() {
        if status[x] == what {
            continue;
        }
        if status[x] != Status::Unknown && x != id {
            continue;
        }
        status[x] = what;
        match what {
            Status::Anonymous => stack.extend(lattice.successors(x)),
            Status::NotAnonymous => stack.extend(lattice.predecessors(x)),
            Status::Unknown => {}
        }
    }
}

/// A counter's classes as the search's class table: sensitive histograms in compressed rows.
fn class_table(classes: Classes, sensitive: usize) -> ClassTable {
    let n = classes.counts.len();
    let mut hists = Vec::with_capacity(sensitive);
    for s in 0..sensitive {
        let mut triples = classes.sensitive.get(s).cloned().unwrap_or_default();
        triples.sort_unstable_by_key(|&(c, v, _)| (c, v));
        hists.push(csr(n, triples.into_iter()));
    }
    ClassTable {
        reps: classes.reps,
        counts: classes.counts,
        hists,
    }
}

/// Builds compressed rows from `(row, value, count)` triples sorted by row then value, merging
/// equal values.
fn csr(rows: usize, triples: impl Iterator<Item = (u32, u32, u32)>) -> Hist {
    let mut h = Hist {
        offsets: Vec::with_capacity(rows + 1),
        values: Vec::new(),
        counts: Vec::new(),
    };
    h.offsets.push(0);
    let mut current = 0u32;
    for (r, v, c) in triples {
        while current < r {
            h.offsets.push(h.values.len() as u32);
            current += 1;
        }
        if h.values.len() > *h.offsets.last().unwrap_or(&0) as usize && h.values.last() == Some(&v)
        {
            if let Some(x) = h.counts.last_mut() {
                *x += c;
            }
        } else {
            h.values.push(v);
            h.counts.push(c);
        }
    }
    while h.offsets.len() < rows + 1 {
        h.offsets.push(h.values.len() as u32);
    }
    h
}

/// Whether any criterion needs the sensitive attribute's hierarchy.
#[must_use]
pub fn uses_hierarchical_distance(model: &PrivacyModel) -> bool {
    model.sensitive.iter().any(|(_, c)| {
        matches!(
            c,
            SensitiveCriterion::Closeness {
                distance: Distance::Hierarchical(_),
                ..
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::Aggregate;
    use crate::model::LDiversity;
    use proptest::prelude::*;

    /// A hierarchy over `leaves` values where level `l` groups leaves by `leaf / fan^l`.
    fn nested(leaves: u32, fan: u32, height: usize) -> Hierarchy {
        let rows: Vec<Vec<String>> = (0..leaves)
            .map(|leaf| {
                let mut row = vec![format!("v{leaf}")];
                for l in 1..height - 1 {
                    row.push(format!("g{}", leaf / fan.pow(l as u32)));
                }
                row.push("*".into());
                row
            })
            .collect();
        Hierarchy::from_rows(&rows, "test").unwrap()
    }

    fn metric_of(i: u8) -> Metric {
        match i % 5 {
            0 => Metric::Loss(Aggregate::Rank),
            1 => Metric::Loss(Aggregate::ArithmeticMean),
            2 => Metric::NonUniformEntropy,
            3 => Metric::Discernibility,
            _ => Metric::Aecs,
        }
    }

    fn criterion_of(i: u8) -> Option<SensitiveCriterion> {
        match i % 6 {
            0 => None,
            1 => Some(SensitiveCriterion::Diversity(LDiversity::Distinct { l: 2 })),
            2 => Some(SensitiveCriterion::Diversity(LDiversity::Entropy {
                l: 1.5,
            })),
            3 => Some(SensitiveCriterion::Diversity(LDiversity::Recursive {
                c: 3.0,
                l: 2,
            })),
            4 => Some(SensitiveCriterion::Closeness {
                t: 0.3,
                distance: Distance::Equal,
            }),
            _ => Some(SensitiveCriterion::Closeness {
                t: 0.3,
                distance: Distance::Hierarchical(Box::new(nested(4, 2, 3))),
            }),
        }
    }

    #[derive(Debug, Clone)]
    struct Case {
        shapes: Vec<(u32, u32, usize)>,
        rows: Vec<(Vec<u32>, u32)>,
        k: u32,
        suppression: f64,
        metric: u8,
        criterion: u8,
    }

    fn case() -> impl Strategy<Value = Case> {
        prop::collection::vec((2u32..7, 2u32..4, 2usize..5), 1..4).prop_flat_map(|shapes| {
            let row = shapes
                .iter()
                .map(|&(leaves, _, _)| 0..leaves)
                .collect::<Vec<_>>();
            (
                Just(shapes),
                prop::collection::vec((row, 0u32..4), 4..50),
                1u32..5,
                prop::sample::select(vec![0.0, 0.1, 0.3]),
                0u8..5,
                0u8..6,
            )
                .prop_map(|(shapes, rows, k, suppression, metric, criterion)| Case {
                    shapes,
                    rows,
                    k,
                    suppression,
                    metric,
                    criterion,
                })
        })
    }

    fn problem(c: &Case) -> Problem {
        let qis: Vec<Qi> = c
            .shapes
            .iter()
            .enumerate()
            .map(|(i, &(leaves, fan, height))| Qi {
                name: format!("q{i}"),
                hierarchy: nested(leaves, fan, height),
                min_level: 0,
                max_level: height - 1,
            })
            .collect();
        let leaves: Vec<Vec<u32>> = (0..qis.len())
            .map(|a| c.rows.iter().map(|(r, _)| r[a]).collect())
            .collect();
        let sensitive = vec![SensitiveInput {
            name: "s".into(),
            codes: c.rows.iter().map(|(_, s)| *s).collect(),
            values: 4,
        }];
        let model = PrivacyModel {
            k: c.k.min(c.rows.len() as u32),
            sensitive: criterion_of(c.criterion)
                .into_iter()
                .map(|x| (0, x))
                .collect(),
            suppression_limit: c.suppression,
        };
        Problem::new(qis, &leaves, &sensitive, model, metric_of(c.metric)).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn search_finds_the_exhaustive_optimum(c in case()) {
            let p = problem(&c);
            let fast = p.solve();
            let slow = p.exhaustive();
            match (fast, slow) {
                (Ok(f), Ok(s)) => {
                    prop_assert_eq!(f.score.key.len(), s.score.key.len());
                    for (a, b) in f.score.key.iter().zip(&s.score.key) {
                        prop_assert!((a - b).abs() < 1e-9, "search {:?} {:?} vs exhaustive {:?} {:?}", f.levels, f.score, s.levels, s.score);
                    }
                    // Every output satisfies the model, within the suppression limit.
                    prop_assert!(f.suppressed_rows <= p.model().max_suppressed(p.rows()));
                    prop_assert!(f.class_sizes.iter().all(|&n| n >= p.model().k));
                    prop_assert_eq!(f.row_kept.iter().filter(|&&k| !k).count() as u64, f.suppressed_rows);
                }
                (Err(_), Err(_)) => {}
                (f, s) => prop_assert!(false, "search {:?} vs exhaustive {:?}", f.map(|x| x.levels), s.map(|x| x.levels)),
            }
        }
    }
}
