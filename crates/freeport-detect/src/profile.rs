//! Column profiles: one [`ColumnProfiler`] per column observes every cell, classifies a bounded
//! deterministic sample, and finishes into a [`ColumnProfile`] with a category, ranked
//! candidates, evidence and statistics — the column-first model of Google DLP's column data
//! profiles (identifiers.md §7.2).
//!
//! Cost model: every cell pays for counting, its length and one hash (distinct estimate); only
//! sampled cells — the first [`SAMPLE_HEAD`] non-null values, then every [`SAMPLE_STRIDE`]th up
//! to [`SAMPLE_MAX`] — run the detectors. Results are deterministic for a given sequence of
//! observed values; merged profilers add their tallies, so the merge order does not matter.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, LazyLock};

use serde::Serialize;

use crate::checks::wilson_lower;
use crate::custom::Rules;
use crate::detector::{Cell, DETECTORS, N_DETECTORS, Strength};
use crate::header::{HeaderHit, header_hits};
use crate::intl::{parse_coordinate, parse_date};
use crate::text::{TERM_CATEGORIES, looks_like_prose, scan, scan_terms};

/// Non-null values classified from the start of a column.
pub const SAMPLE_HEAD: u64 = 10_000;
/// After the head, one value in this many is classified.
pub const SAMPLE_STRIDE: u64 = 64;
/// Most values classified per profiler.
pub const SAMPLE_MAX: u64 = 20_000;
/// Columns with up to this many non-null values get exact distinct counts; larger ones a
/// HyperLogLog estimate. Kept small so wide tables stay in bounded memory (≤ 64 KB of hashes
/// per column); exact subject counts are the scanner's job, keyed by [`crate::subject_key`].
const EXACT_DISTINCT_MAX: usize = 4_096;
/// HyperLogLog registers (2^11: standard error ≈ 2.3 %).
const HLL_BITS: u32 = 11;
/// Lowest score for a category to be the column's category.
pub const THRESHOLD: f64 = 0.5;

/// A ranked candidate category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Vocabulary id.
    pub id: String,
    /// 0..1.
    pub confidence: f64,
}

/// Why a category was proposed. Never contains cell values.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// The column name matched a dictionary keyword.
    Header {
        /// Category the keyword speaks for.
        category: String,
        /// The dictionary keyword that matched.
        keyword: String,
        /// Keyword weight 0..1.
        weight: f64,
    },
    /// Sampled values matched a detector.
    Values {
        /// Category the detector speaks for.
        category: String,
        /// Detector name.
        detector: String,
        /// Non-null values classified.
        sampled: u64,
        /// Values the detector accepted.
        matched: u64,
        /// Of those, values that passed a check digit or a distinctive structure.
        strong: u64,
        /// `matched / sampled`.
        rate: f64,
        /// Wilson 95 % lower bound of the match rate.
        lower_bound: f64,
    },
    /// Free-text values with identifiers embedded in them.
    Embedded {
        /// Category of the embedded identifiers.
        category: String,
        /// Sampled values containing at least one.
        values: u64,
        /// Non-null values classified.
        sampled: u64,
        /// `values / sampled`: the share of the column's values that hold the category.
        share: f64,
    },
    /// The column's description in a data dictionary (codebook) matched a header keyword: the
    /// same words as [`Evidence::Header`], read from what the data's publisher says the column
    /// holds.
    Codebook {
        /// Category the keyword speaks for.
        category: String,
        /// The dictionary keyword that matched.
        keyword: String,
        /// Keyword weight 0..1.
        weight: f64,
    },
    /// Sampled values matched a project's custom detector (a pattern or a listed value, and
    /// its validator when it names one).
    Custom {
        /// Category the detector speaks for.
        category: String,
        /// The detector's name in the project file.
        detector: String,
        /// Non-null values classified.
        sampled: u64,
        /// Values it accepted.
        matched: u64,
        /// `matched / sampled`.
        rate: f64,
        /// Wilson 95 % lower bound of the match rate.
        lower_bound: f64,
    },
    /// The column name holds a header word of a project's custom detector.
    CustomHeader {
        /// Category the detector speaks for.
        category: String,
        /// The detector's name in the project file.
        detector: String,
        /// The word, as the project file gives it.
        word: String,
    },
    /// Values on a project's allow-list: counted in the statistics, never classified.
    Allowed {
        /// Non-null values on the allow-list.
        values: u64,
    },
    /// A plausibility check on the value distribution.
    Plausibility {
        /// Category concerned.
        category: String,
        /// Whether the check passed.
        passed: bool,
        /// What was checked (aggregate statistics only).
        check: String,
    },
}

/// Column statistics (DLP column-profile style).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnStats {
    /// Cells observed.
    pub rows: u64,
    /// Null or empty cells.
    pub nulls: u64,
    /// `nulls / rows`.
    pub null_share: f64,
    /// Distinct non-null values (exact for columns of up to 4,096 non-null values, estimated
    /// beyond).
    pub distinct: u64,
    /// Whether `distinct` is an estimate (HyperLogLog, ≈ 2.3 % standard error).
    pub distinct_estimated: bool,
    /// `distinct / non-null`, 0..1.
    pub uniqueness: f64,
    /// Shortest non-null value, in characters.
    pub min_len: u64,
    /// Longest non-null value, in characters.
    pub max_len: u64,
    /// Mean length of non-null values, in characters.
    pub mean_len: f64,
    /// Share of sampled values that read as prose, 0..1.
    pub free_text_score: f64,
    /// Non-null values the detectors classified.
    pub sampled: u64,
}

/// The finished profile of one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnProfile {
    /// Vocabulary id, e.g. `id.cn.resident_id`; `None` = no personal or sensitive data found.
    pub category: Option<String>,
    /// Confidence of `category` (of the best candidate when `category` is `None`), 0..1.
    pub confidence: f64,
    /// Ranked candidates (best first).
    pub candidates: Vec<Candidate>,
    /// Evidence for the candidates; never raw values.
    pub evidence: Vec<Evidence>,
    /// Column statistics.
    pub stats: ColumnStats,
}

/// Accumulates one column. `Send`; cheap to create (about 2 KB); merge profilers of the same
/// column that observed different rows.
///
/// The classification sample is per profiler (first [`SAMPLE_HEAD`] non-null values, then one
/// in [`SAMPLE_STRIDE`], at most [`SAMPLE_MAX`]), so use one profiler per column per thread —
/// not one per record batch, which would classify every cell. Results are deterministic for a
/// deterministic assignment of rows to profilers (e.g. batch `i` to thread `i % n`); merging is
/// commutative.
#[derive(Debug, Clone)]
pub struct ColumnProfiler {
    header: String,
    rows: u64,
    nulls: u64,
    nonnull: u64,
    len_sum: u64,
    len_min: u64,
    len_max: u64,
    exact: Option<HashSet64>,
    hll: Vec<u8>,
    sampled: u64,
    /// Per detector: matches of any strength, and `Shaped`-or-better.
    hits: [u32; N_DETECTORS],
    strong: [u32; N_DETECTORS],
    /// Per category index (see `category_index`): values matching any / a strong detector.
    cat_any: Vec<u32>,
    cat_strong: Vec<u32>,
    cat_validated: Vec<u32>,
    prose: u64,
    /// Sampled values that are whole numbers 0–130 (ages). Decimal ones are not counted: a
    /// statistics table's `AGE` (statsmodels' scotvote, the share of children aged 5–15 per
    /// county) is decimals in the range of ages too.
    small_ints: u64,
    embedded_any: u64,
    embedded: [u32; N_DETECTORS],
    /// Prose values holding a dictionary term or a child's age, per [`TERM_CATEGORIES`].
    embedded_terms: [u32; TERM_CATEGORIES.len()],
    years: YearStats,
    decimals: [u32; 8],
    /// Sampled values that are one number of decimal degrees with ≥ 4 decimals (≤ 11 m), and
    /// of those, the ones within ±90 (a latitude's range).
    fine_degrees: u64,
    fine_degrees_lat: u64,
    /// Sampled values that are one plain number (a measurement, a lab value).
    numeric: u64,
    /// Letter prefixes of sampled values shaped like assigned numbers (`P` of `P000123`), at
    /// most [`PREFIXES`]; `None` once more were seen.
    prefixes: Option<Vec<String>>,
    /// A project's custom detectors and allow-list, if any.
    rules: Option<Arc<Rules>>,
    /// Per custom detector of `rules`: sampled values it matched.
    custom_hits: Vec<u32>,
    /// Non-null values on the allow-list (never classified).
    allowed: u64,
    /// The column's description in a data dictionary, if one was given.
    description: Option<String>,
}

/// Distinct prefixes of assigned numbers tracked per column.
const PREFIXES: usize = 3;

/// Categories whose values carry no signal of their own: a value match alone (any 6–16
/// character id of letters and digits looks like some state's driver's licence) is not even a
/// candidate without a header naming the category.
const HEADER_REQUIRED: [&str; 3] = ["id.us.driver_license", "fin.bank_account", "id.internal"];

/// Categories whose value detector recognises only some of their forms (a district by name, an
/// account by its digits): with a header naming them, values need only be non-trivial, as for
/// categories without a detector.
const PARTIAL_DETECTORS: [&str; 8] = [
    "contact.address",
    "location.coarse",
    "id.internal",
    "fin.bank_account",
    "health.body_measurement",
    "health.diagnosis",
    "health.medication",
    "person.religion",
];

/// Header-only categories whose values are dates: the date detector's matches fit them.
const DATE_CATEGORIES: [&str; 2] = ["person.death_date", "health.encounter_date"];

/// Decimals a bare number needs to count as a paired coordinate (4 dp ≈ 11 m, identifiers.md
/// §3); amounts and measurements rarely carry that many.
const PAIRED_DECIMALS: u8 = 4;

#[derive(Debug, Clone, Copy, Default)]
struct YearStats {
    n: u64,
    min: u32,
    max: u32,
    with_time_or_future: u64,
}

/// Categories that detectors speak for, in first-appearance order, and each detector's index
/// into that list.
static CATEGORIES: LazyLock<(Vec<&'static str>, Vec<usize>)> = LazyLock::new(|| {
    let mut cats: Vec<&'static str> = Vec::new();
    let mut of_detector = Vec::with_capacity(DETECTORS.len());
    for d in DETECTORS {
        let i = cats
            .iter()
            .position(|c| *c == d.category)
            .unwrap_or_else(|| {
                cats.push(d.category);
                cats.len() - 1
            });
        of_detector.push(i);
    }
    (cats, of_detector)
});

fn categories() -> &'static [&'static str] {
    &CATEGORIES.0
}

/// A 64-bit hash of the value bytes, eight bytes at a time (multiply-rotate per word, then
/// the MurmurHash3 finaliser for avalanche). Fixed (no random seed) so distinct counts are
/// reproducible.
fn hash64(s: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = (s.len() as u64).wrapping_mul(K);
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        if let Some(dst) = w.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The set keys are already well-mixed hashes: hash them as themselves.
#[derive(Debug, Default, Clone, Copy)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashSet64 = HashSet<u64, BuildHasherDefault<Identity>>;

/// `str::trim` with a fast path for the common case of no surrounding whitespace.
fn trim(v: &str) -> &str {
    match (v.as_bytes().first(), v.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => v,
        _ => v.trim(),
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl ColumnProfiler {
    /// A profiler for the column named `header`.
    #[must_use]
    pub fn new(header: &str) -> Self {
        let n_cats = categories().len();
        ColumnProfiler {
            header: header.to_string(),
            rows: 0,
            nulls: 0,
            nonnull: 0,
            len_sum: 0,
            len_min: u64::MAX,
            len_max: 0,
            exact: Some(HashSet64::default()),
            hll: vec![0; 1 << HLL_BITS],
            sampled: 0,
            hits: [0; N_DETECTORS],
            strong: [0; N_DETECTORS],
            cat_any: vec![0; n_cats],
            cat_strong: vec![0; n_cats],
            cat_validated: vec![0; n_cats],
            prose: 0,
            small_ints: 0,
            embedded_any: 0,
            embedded: [0; N_DETECTORS],
            embedded_terms: [0; TERM_CATEGORIES.len()],
            years: YearStats {
                min: u32::MAX,
                ..YearStats::default()
            },
            decimals: [0; 8],
            fine_degrees: 0,
            fine_degrees_lat: 0,
            numeric: 0,
            prefixes: Some(Vec::new()),
            rules: None,
            custom_hits: Vec::new(),
            allowed: 0,
            description: None,
        }
    }

    /// Runs a project's custom detectors beside the built-in ones and leaves its allow-listed
    /// values unclassified.
    #[must_use]
    pub fn with_rules(mut self, rules: Arc<Rules>) -> Self {
        self.custom_hits = vec![0; rules.detectors().len()];
        self.rules = Some(rules);
        self
    }

    /// Reads the column's description in a data dictionary (codebook) with the header words:
    /// a keyword it holds is evidence of its own kind ([`Evidence::Codebook`]).
    #[must_use]
    pub fn with_description(mut self, description: &str) -> Self {
        self.description = Some(description.to_owned());
        self
    }

    /// Observes one cell; `None` (or an empty/blank string) is a null.
    pub fn observe(&mut self, value: Option<&str>) {
        self.rows += 1;
        let Some(v) = value.map(trim).filter(|v| !v.is_empty()) else {
            self.nulls += 1;
            return;
        };
        self.nonnull += 1;
        let len = if v.is_ascii() {
            v.len()
        } else {
            v.chars().count()
        } as u64;
        self.len_sum += len;
        self.len_min = self.len_min.min(len);
        self.len_max = self.len_max.max(len);
        let h = hash64(v.as_bytes());
        self.add_hash(h);
        if self.rules.as_ref().is_some_and(|r| r.allows(v)) {
            self.allowed += 1;
            return;
        }
        let i = self.nonnull - self.allowed;
        if self.sampled < SAMPLE_MAX && (i <= SAMPLE_HEAD || i.is_multiple_of(SAMPLE_STRIDE)) {
            self.classify(v);
        }
    }

    fn add_hash(&mut self, h: u64) {
        // Exact while the column is small; beyond that the HyperLogLog estimate is used, so
        // large columns pay no hash-set cost.
        if let Some(set) = &mut self.exact {
            if usize::try_from(self.nonnull).map_or(true, |n| n > EXACT_DISTINCT_MAX) {
                self.exact = None;
            } else {
                set.insert(h);
            }
        }
        let idx = (h >> (64 - HLL_BITS)) as usize;
        let rank = u8::try_from((h << HLL_BITS).leading_zeros() + 1).unwrap_or(u8::MAX);
        if let Some(r) = self.hll.get_mut(idx) {
            *r = (*r).max(rank);
        }
    }

    fn classify(&mut self, v: &str) {
        self.sampled += 1;
        let cell = Cell::new(v);
        if cell.len <= 3
            && cell.digits == cell.len
            && crate::checks::num(v.as_bytes()).is_some_and(|a| a <= 130)
        {
            self.small_ints += 1;
        }
        if cell.ascii() && cell.digits > 0 && cell.alpha == 0 && v.parse::<f64>().is_ok() {
            self.numeric += 1;
        }
        let mut any = 0u64;
        let mut strong = 0u64;
        let mut validated = 0u64;
        for (i, d) in DETECTORS.iter().enumerate() {
            let Some(st) = (d.check)(&cell) else { continue };
            let Some(&ci) = CATEGORIES.1.get(i) else {
                continue;
            };
            if let Some(h) = self.hits.get_mut(i) {
                *h += 1;
            }
            any |= 1 << ci;
            if st >= Strength::Shaped {
                if let Some(h) = self.strong.get_mut(i) {
                    *h += 1;
                }
                strong |= 1 << ci;
            }
            if st == Strength::Validated {
                validated |= 1 << ci;
            }
            match d.name {
                "date" => self.observe_date(v),
                "internal_id" => self.observe_prefix(crate::places::internal_prefix(v)),
                "geo.coordinate" => {
                    if let Some(c) = parse_coordinate(v) {
                        if let Some(slot) = self.decimals.get_mut(usize::from(c.decimals.min(7))) {
                            *slot += 1;
                        }
                        if !c.pair && c.decimals >= PAIRED_DECIMALS {
                            self.fine_degrees += 1;
                            self.fine_degrees_lat += u64::from(c.lat_range);
                        }
                    }
                }
                _ => {}
            }
        }
        for (ci, slot) in self.cat_any.iter_mut().enumerate() {
            *slot += u32::from(any >> ci & 1 == 1);
        }
        for (ci, slot) in self.cat_strong.iter_mut().enumerate() {
            *slot += u32::from(strong >> ci & 1 == 1);
        }
        for (ci, slot) in self.cat_validated.iter_mut().enumerate() {
            *slot += u32::from(validated >> ci & 1 == 1);
        }
        if let Some(rules) = &self.rules {
            for (slot, d) in self.custom_hits.iter_mut().zip(rules.detectors()) {
                *slot += u32::from(d.matches(&cell));
            }
        }
        if looks_like_prose(&cell) {
            self.prose += 1;
            let mut seen = [false; N_DETECTORS];
            scan(v, |i, _| {
                if let Some(s) = seen.get_mut(i) {
                    *s = true;
                }
            });
            let mut terms = [false; TERM_CATEGORIES.len()];
            scan_terms(v, |i, _| {
                if let Some(t) = terms.get_mut(i) {
                    *t = true;
                }
            });
            if seen.iter().chain(&terms).any(|&s| s) {
                self.embedded_any += 1;
            }
            for (slot, s) in self.embedded.iter_mut().zip(seen) {
                *slot += u32::from(s);
            }
            for (slot, t) in self.embedded_terms.iter_mut().zip(terms) {
                *slot += u32::from(t);
            }
        }
    }

    fn observe_prefix(&mut self, prefix: &str) {
        if let Some(seen) = &mut self.prefixes
            && !seen.iter().any(|p| p == prefix)
        {
            if seen.len() < PREFIXES {
                seen.push(prefix.to_owned());
            } else {
                self.prefixes = None;
            }
        }
    }

    fn observe_date(&mut self, v: &str) {
        if let Some(d) = parse_date(v) {
            let y = &mut self.years;
            y.n += 1;
            y.min = y.min.min(d.year);
            y.max = y.max.max(d.year);
            if d.year > crate::checks::MAX_BIRTH_YEAR {
                y.with_time_or_future += 1;
            }
        }
    }

    /// Adds the observations of `other` (same column, other rows).
    pub fn merge(&mut self, other: ColumnProfiler) {
        self.rows += other.rows;
        self.nulls += other.nulls;
        self.nonnull += other.nonnull;
        self.len_sum += other.len_sum;
        self.len_min = self.len_min.min(other.len_min);
        self.len_max = self.len_max.max(other.len_max);
        self.exact = match (self.exact.take(), other.exact) {
            (Some(mut a), Some(b)) => {
                a.extend(b);
                (usize::try_from(self.nonnull).is_ok_and(|n| n <= EXACT_DISTINCT_MAX)).then_some(a)
            }
            _ => None,
        };
        for (a, b) in self.hll.iter_mut().zip(other.hll) {
            *a = (*a).max(b);
        }
        self.sampled += other.sampled;
        let add = |a: &mut [u32], b: &[u32]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.hits, &other.hits);
        add(&mut self.strong, &other.strong);
        add(&mut self.cat_any, &other.cat_any);
        add(&mut self.cat_strong, &other.cat_strong);
        add(&mut self.cat_validated, &other.cat_validated);
        add(&mut self.embedded, &other.embedded);
        add(&mut self.embedded_terms, &other.embedded_terms);
        add(&mut self.decimals, &other.decimals);
        self.prose += other.prose;
        self.small_ints += other.small_ints;
        self.embedded_any += other.embedded_any;
        self.fine_degrees += other.fine_degrees;
        self.fine_degrees_lat += other.fine_degrees_lat;
        self.numeric += other.numeric;
        add(&mut self.custom_hits, &other.custom_hits);
        self.allowed += other.allowed;
        if let Some(theirs) = other.prefixes {
            for prefix in theirs {
                self.observe_prefix(&prefix);
            }
        } else {
            self.prefixes = None;
        }
        let (a, b) = (&mut self.years, other.years);
        a.n += b.n;
        a.min = a.min.min(b.min);
        a.max = a.max.max(b.max);
        a.with_time_or_future += b.with_time_or_future;
    }

    fn distinct(&self) -> (u64, bool) {
        if let Some(set) = &self.exact {
            return (set.len() as u64, false);
        }
        let m = f64::from(1u32 << HLL_BITS);
        let mut sum = 0.0;
        let mut zeros = 0u32;
        for &r in &self.hll {
            sum += 2f64.powi(-i32::from(r));
            zeros += u32::from(r == 0);
        }
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let mut e = alpha * m * m / sum;
        if e <= 2.5 * m && zeros > 0 {
            e = m * (m / f64::from(zeros)).ln();
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "estimate is positive and bounded by the row count"
        )]
        let est = e.round() as u64;
        (est.min(self.nonnull), true)
    }

    /// Finishes the column: statistics, scored candidates, the category and its evidence.
    #[must_use]
    pub fn finish(self) -> ColumnProfile {
        self.finish_in_table(false)
    }

    /// How this column could be one half of a latitude/longitude pair: no header keyword other
    /// than a coordinate one (`c07`, or `longitude` as the partner of a neutral column), nearly
    /// every sampled value a bare number of decimal degrees with ≥ 4 decimals, mostly distinct.
    fn coordinate_axis(&self) -> Option<Axis> {
        let n = self.sampled;
        if n < 20
            || header_hits(&self.header)
                .iter()
                .any(|h| h.category != "location.precise")
        {
            return None;
        }
        if wilson_lower(self.fine_degrees, n) < 0.9 {
            return None;
        }
        let (distinct, _) = self.distinct();
        if ratio(distinct, self.nonnull) < 0.5 {
            return None;
        }
        Some(if self.fine_degrees_lat == self.fine_degrees {
            Axis::Latitude
        } else {
            Axis::Longitude
        })
    }

    /// As [`ColumnProfiler::finish`], with what the rest of the table says: `paired_coordinate`
    /// (from [`paired_coordinates`]) marks a neutral-header column of decimal degrees that has
    /// a partner column of the other axis.
    #[must_use]
    pub fn finish_in_table(self, paired_coordinate: bool) -> ColumnProfile {
        let cats = categories();
        let n = self.sampled;
        let (distinct, distinct_estimated) = self.distinct();
        let free_text_score = ratio(self.prose, n);
        let stats = ColumnStats {
            rows: self.rows,
            nulls: self.nulls,
            null_share: round4(ratio(self.nulls, self.rows)),
            distinct,
            distinct_estimated,
            uniqueness: round4(ratio(distinct, self.nonnull)),
            min_len: if self.nonnull == 0 { 0 } else { self.len_min },
            max_len: self.len_max,
            mean_len: round4(ratio(self.len_sum, self.nonnull)),
            free_text_score: round4(free_text_score),
            sampled: n,
        };
        let mut headers = header_hits(&self.header);
        // A codebook's description speaks with the same words, for the categories the column
        // name says nothing of (or says less strongly).
        let mut described: Vec<&'static str> = Vec::new();
        for hit in self
            .description
            .as_deref()
            .map(header_hits)
            .unwrap_or_default()
        {
            match headers.iter_mut().find(|h| h.category == hit.category) {
                Some(h) if h.weight >= hit.weight => {}
                Some(h) => {
                    *h = hit.clone();
                    described.push(hit.category);
                }
                None => {
                    described.push(hit.category);
                    headers.push(hit);
                }
            }
        }
        let mut scores: BTreeMap<&'static str, f64> = BTreeMap::new();
        let mut evidence = Vec::new();
        let mut plausibility: Vec<Evidence> = Vec::new();

        // Value evidence per category.
        let mut value_any: BTreeMap<&'static str, f64> = BTreeMap::new();
        for (ci, cat) in cats.iter().enumerate() {
            let any = u64::from(self.cat_any.get(ci).copied().unwrap_or(0));
            let strong = u64::from(self.cat_strong.get(ci).copied().unwrap_or(0));
            let validated = u64::from(self.cat_validated.get(ci).copied().unwrap_or(0));
            if any == 0 {
                continue;
            }
            let lb_any = wilson_lower(any, n);
            value_any.insert(cat, lb_any);
            let mut s = (wilson_lower(validated, n))
                .max(0.92 * wilson_lower(strong, n))
                .max(0.4 * lb_any);
            s *= self.plausibility(cat, &mut plausibility);
            scores.insert(cat, s);
        }

        if paired_coordinate {
            let s = 0.9 * wilson_lower(self.fine_degrees, n);
            let e = scores.entry("location.precise").or_insert(0.0);
            *e = e.max(s);
            plausibility.push(Evidence::Plausibility {
                category: "location.precise".into(),
                passed: true,
                check: "bare decimal degrees with ≥ 4 decimals, paired with a column of the other axis in the same table (latitudes within ±90, longitudes beyond)".into(),
            });
        }

        // Shape-only detectors (an account is any run of digits) count only through a header:
        // their matches make the header plausible, they add no score of their own.
        scores.remove("fin.bank_account");

        // Header evidence, combined as a noisy-OR with the values.
        for HeaderHit {
            category, weight, ..
        } in &headers
        {
            let has_detector = cats.contains(category);
            let numeric_fit = (wilson_lower(self.numeric, n) / 0.6).min(1.0);
            let compat = if DATE_CATEGORIES.contains(category) {
                value_any
                    .get("person.birth_date")
                    .map_or(0.0, |lb| (lb / 0.6).min(1.0))
            } else if *category == "health.lab_result" {
                numeric_fit * 0.9
            } else if has_detector {
                let values = value_any
                    .get(category)
                    .map_or(0.0, |lb| (lb / 0.6).min(1.0));
                let shape = match *category {
                    "health.body_measurement" => numeric_fit * 0.9,
                    _ if PARTIAL_DETECTORS.contains(category)
                        && self.nonnull > 0
                        && distinct >= 2 =>
                    {
                        0.75
                    }
                    _ => 0.0,
                };
                values.max(shape)
            } else {
                // No value detector: the header is all there is; values must at least be
                // non-trivial (not mostly null, not a constant) and fit the category's shape
                // where it has one.
                if self.nonnull == 0 || distinct < 2 {
                    0.0
                } else {
                    match *category {
                        "person.age" => (wilson_lower(self.small_ints, n) / 0.6).min(1.0) * 0.75,
                        "person.gender"
                        | "person.marital_status"
                        | "person.ethnicity"
                        | "person.religion"
                        | "person.political_affiliation" => {
                            if distinct <= 64 {
                                0.75
                            } else {
                                0.1
                            }
                        }
                        _ => 0.75,
                    }
                }
            };
            let h = weight * (0.3 + 0.7 * compat);
            let s = scores.entry(category).or_insert(0.0);
            *s = 1.0 - (1.0 - *s) * (1.0 - h);
        }

        for category in HEADER_REQUIRED {
            if !headers.iter().any(|h| h.category == category) {
                scores.remove(category);
            }
        }
        let named = |category: &str| {
            headers
                .iter()
                .any(|h| h.category == category && h.weight >= 0.5)
        };

        // A header naming a date of death, an encounter or a period (`year`, `date`, `日期`):
        // its dates are not birth dates.
        let (_, header_tokens) = crate::header::tokens(&self.header);
        let period = header_tokens.iter().any(|t| {
            matches!(
                t.as_str(),
                "year" | "date" | "month" | "day" | "time" | "日期" | "年份" | "月份" | "时间"
            )
        });
        if (period || DATE_CATEGORIES.iter().any(|c| named(c)))
            && !named("person.birth_date")
            && let Some(s) = scores.get_mut("person.birth_date")
        {
            *s *= 0.2;
        }
        // A header naming a measurement or an age: plain numbers are not coordinates.
        let measured = headers.iter().any(|h| {
            h.weight >= 0.5 && (h.category.starts_with("health.") || h.category == "person.age")
        });
        if measured && !named("location.precise") && !named("location.coarse") {
            scores.remove("location.precise");
            scores.remove("location.coarse");
        }
        // Assigned numbers: one letter prefix (or none) through a column of unique values is a
        // numbering scheme (`P000123`), not ICD-10 codes or licence plates that happen to fit.
        // Whose numbers (members, orders) only a header says: `id.internal` needs one.
        if let Some(prefixes) = &self.prefixes
            && value_any.get("id.internal").is_some_and(|&lb| lb >= 0.8)
            && prefixes.len() <= 2
            && ratio(distinct, self.nonnull) >= 0.9
        {
            for other in ["health.diagnosis", "vehicle.plate"] {
                if let Some(s) = scores.get_mut(other) {
                    *s *= 0.2;
                }
            }
            plausibility.push(Evidence::Plausibility {
                category: "id.internal".into(),
                passed: true,
                check: "one letter prefix (or none) and unique values through the column: an assigned numbering, not a code list".into(),
            });
        }

        // Precise vs coarse location: the coarsest common precision decides.
        if let Some(&s) = scores.get("location.precise") {
            let (precise, coarse): (u32, u32) =
                self.decimals
                    .iter()
                    .enumerate()
                    .fold(
                        (0, 0),
                        |(p, c), (d, &k)| if d >= 2 { (p + k, c) } else { (p, c + k) },
                    );
            if coarse > precise {
                scores.remove("location.precise");
                scores.insert("location.coarse", s);
                plausibility.push(Evidence::Plausibility {
                    category: "location.coarse".into(),
                    passed: true,
                    check: "most coordinates have at most 1 decimal (≥ 11 km, not within 1,000 m, 28 CFR 202.242)".into(),
                });
            } else if precise > 0 {
                plausibility.push(Evidence::Plausibility {
                    category: "location.precise".into(),
                    passed: true,
                    check: "most coordinates have ≥ 2 decimals (≤ 1.1 km; ≥ 3 decimals ≤ 111 m, 28 CFR 202.242)".into(),
                });
            }
        }

        // Free text: identifiers embedded in prose make the column communication content.
        if n > 0 && free_text_score >= 0.5 {
            let lb = wilson_lower(self.embedded_any, n);
            let s = (0.35 + lb * 3.0).min(0.95);
            let e = scores.entry("communication.content").or_insert(0.0);
            *e = 1.0 - (1.0 - *e) * (1.0 - s);
            let mut per_cat: BTreeMap<&'static str, u64> = BTreeMap::new();
            for (i, d) in DETECTORS.iter().enumerate() {
                let k = u64::from(self.embedded.get(i).copied().unwrap_or(0));
                if k > 0 {
                    let slot = per_cat.entry(d.category).or_insert(0);
                    *slot = (*slot).max(k);
                }
            }
            for (category, &k) in TERM_CATEGORIES.iter().zip(&self.embedded_terms) {
                if k > 0 {
                    let slot = per_cat.entry(category).or_insert(0);
                    *slot = (*slot).max(u64::from(k));
                }
            }
            for (cat, k) in per_cat {
                evidence.push(Evidence::Embedded {
                    category: cat.into(),
                    values: k,
                    sampled: n,
                    share: round4(ratio(k, n)),
                });
                let s = 0.8 * wilson_lower(k, n);
                let e = scores.entry(cat).or_insert(0.0);
                // Embedded identifiers are candidates, never above the content itself.
                *e = e.max(s.min(0.49));
            }
        }

        let mut ranked: Vec<(&'static str, f64)> =
            scores.into_iter().filter(|(_, s)| *s >= 0.05).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        ranked.truncate(5);
        let candidates: Vec<Candidate> = ranked
            .iter()
            .map(|(id, s)| Candidate {
                id: (*id).to_string(),
                confidence: round4(*s),
            })
            .collect();
        let top = ranked.first().copied();
        let category = top
            .filter(|(_, s)| *s >= THRESHOLD)
            .map(|(id, _)| id.to_string());
        let confidence = round4(top.map_or(0.0, |(_, s)| s));

        // Evidence for the ranked candidates only, in candidate order.
        let mut out = Vec::new();
        for (cat, _) in &ranked {
            for h in headers.iter().filter(|h| h.category == *cat) {
                let (category, keyword, weight) =
                    (h.category.into(), h.keyword.into(), round4(h.weight));
                out.push(if described.contains(&h.category) {
                    Evidence::Codebook {
                        category,
                        keyword,
                        weight,
                    }
                } else {
                    Evidence::Header {
                        category,
                        keyword,
                        weight,
                    }
                });
            }
            let value_cat = if *cat == "location.coarse" {
                "location.precise"
            } else {
                cat
            };
            for (i, d) in DETECTORS
                .iter()
                .enumerate()
                .filter(|(_, d)| d.category == value_cat)
            {
                let matched = u64::from(self.hits.get(i).copied().unwrap_or(0));
                if matched == 0 {
                    continue;
                }
                out.push(Evidence::Values {
                    category: (*cat).into(),
                    detector: d.name.into(),
                    sampled: n,
                    matched,
                    strong: u64::from(self.strong.get(i).copied().unwrap_or(0)),
                    rate: round4(ratio(matched, n)),
                    lower_bound: round4(wilson_lower(matched, n)),
                });
            }
            out.extend(
                plausibility
                    .iter()
                    .filter(
                        |p| matches!(p, Evidence::Plausibility { category, .. } if category == cat),
                    )
                    .cloned(),
            );
            out.extend(
                evidence
                    .iter()
                    .filter(|e| matches!(e, Evidence::Embedded { category, .. } if category == cat))
                    .cloned(),
            );
        }
        if ranked.iter().any(|(c, _)| *c == "communication.content") {
            out.extend(evidence.iter().filter(|e| matches!(e, Evidence::Embedded { category, .. } if !ranked.iter().any(|(c, _)| c == category))).cloned());
        }
        let mut profile = ColumnProfile {
            category,
            confidence,
            candidates,
            evidence: out,
            stats,
        };
        self.apply_rules(&mut profile);
        profile
    }

    /// Adds what a project's rules found: each custom detector's value matches (Wilson lower
    /// bound, as the built-in validators) and header words (weight 0.9, scaled by how well the
    /// values fit, as a built-in keyword), combined as a noisy-OR and kept as a candidate
    /// beside the built-in ones; then ranks again.
    fn apply_rules(&self, profile: &mut ColumnProfile) {
        if self.allowed > 0 {
            profile.evidence.push(Evidence::Allowed {
                values: self.allowed,
            });
        }
        let Some(rules) = &self.rules else { return };
        let n = self.sampled;
        let (distinct, _) = self.distinct();
        let mut changed = false;
        for (d, &matched) in rules.detectors().iter().zip(&self.custom_hits) {
            let matched = u64::from(matched);
            let lower_bound = wilson_lower(matched, n);
            let fit = if d.reads_values() {
                (lower_bound / 0.6).min(1.0)
            } else if self.nonnull > self.allowed && distinct >= 2 {
                0.75
            } else {
                0.0
            };
            let word = d.word_in(&self.header);
            let header = word.map_or(0.0, |_| 0.9 * (0.3 + 0.7 * fit));
            let score = 1.0 - (1.0 - lower_bound) * (1.0 - header);
            if score < 0.05 {
                continue;
            }
            if matched > 0 {
                profile.evidence.push(Evidence::Custom {
                    category: d.category().to_owned(),
                    detector: d.name().to_owned(),
                    sampled: n,
                    matched,
                    rate: round4(ratio(matched, n)),
                    lower_bound: round4(lower_bound),
                });
            }
            if let Some(word) = word {
                profile.evidence.push(Evidence::CustomHeader {
                    category: d.category().to_owned(),
                    detector: d.name().to_owned(),
                    word: word.to_owned(),
                });
            }
            let score = round4(score);
            match profile.candidates.iter_mut().find(|c| c.id == d.category()) {
                Some(c) => c.confidence = c.confidence.max(score),
                None => profile.candidates.push(Candidate {
                    id: d.category().to_owned(),
                    confidence: score,
                }),
            }
            changed = true;
        }
        if changed {
            profile.candidates.sort_by(|a, b| {
                b.confidence
                    .total_cmp(&a.confidence)
                    .then_with(|| a.id.cmp(&b.id))
            });
            profile.candidates.truncate(5);
            let top = profile.candidates.first();
            profile.confidence = top.map_or(0.0, |c| c.confidence);
            profile.category = top
                .filter(|c| c.confidence >= THRESHOLD)
                .map(|c| c.id.clone());
        }
    }

    /// A factor 0..1 from the value distribution for categories whose values alone are
    /// ambiguous; records what was checked.
    fn plausibility(&self, cat: &str, out: &mut Vec<Evidence>) -> f64 {
        match cat {
            "person.birth_date" => {
                let y = self.years;
                if y.n == 0 {
                    return 0.0;
                }
                let max_year = crate::checks::MAX_BIRTH_YEAR;
                let in_range = y.min + 120 >= max_year && y.max <= max_year;
                let spread = y.max.saturating_sub(y.min) >= 15;
                let passed = in_range && spread && y.with_time_or_future == 0;
                out.push(Evidence::Plausibility {
                    category: cat.into(),
                    passed,
                    check: "dates in the past, implied ages 0–120, years spread over ≥ 15 years (not event timestamps)".into(),
                });
                if passed { 0.9 } else { 0.25 }
            }
            _ => 1.0,
        }
    }
}

/// Which axis a bare column of decimal degrees can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    /// Every value within ±90.
    Latitude,
    /// Some value beyond ±90.
    Longitude,
}

/// For each column of one table, whether it is a latitude or longitude column with a partner of
/// the other axis: a bare decimal in ±90 alone cannot be told from any other measurement, but
/// a column of fine decimals within ±90 beside one that reaches beyond ±90 is a coordinate
/// pair. Columns with a coordinate header (`lat`, `经度`) take part as partners; only neutral
/// ones gain anything from it. Each longitude column takes the nearest unpaired latitude column (ties:
/// the one to its left), so a stray fine-decimal column is not swept in.
#[must_use]
pub fn paired_coordinates(profilers: &[ColumnProfiler]) -> Vec<bool> {
    let axes: Vec<Option<Axis>> = profilers
        .iter()
        .map(ColumnProfiler::coordinate_axis)
        .collect();
    let mut paired = vec![false; profilers.len()];
    for (lon, axis) in axes.iter().enumerate() {
        if *axis != Some(Axis::Longitude) {
            continue;
        }
        let nearest = axes
            .iter()
            .enumerate()
            .filter(|&(i, a)| *a == Some(Axis::Latitude) && !paired.get(i).copied().unwrap_or(true))
            .min_by_key(|&(i, _)| (i.abs_diff(lon), i));
        if let Some((lat, _)) = nearest {
            for i in [lat, lon] {
                if let Some(p) = paired.get_mut(i) {
                    *p = true;
                }
            }
        }
    }
    paired
}
