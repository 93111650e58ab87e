//! The screening index: every name and alias of every list entry, normalised, with an inverted
//! index from tokens to names, IDF weights, a deletion index for typos (SymSpell: every token's
//! variants with one deleted character, two for tokens of eight or more) and a sorted
//! vocabulary for abbreviations. A query looks up its own tokens (exact, typo, abbreviation,
//! split or joined syllables) and scores only the names that share one of them, then explains
//! every hit. Blocking at the default threshold or above uses the query's rarest token alone
//! (the score keeps a name that does not meet it below that threshold, so nothing is lost);
//! below it every token blocks (tokens in more than [`COMMON`] names only when the query has
//! nothing rarer). Scoring allocates nothing per candidate: listed names are normalised and
//! interned as token ids once, lengths rule out most edit-distance computations, and each
//! query remembers the fuzzy comparisons it has made.
//!
//! Score (0–100): a weighted Dice coefficient over tokens. Each matched pair contributes its
//! similarity × its IDF weight twice (once per side) over the sum of both names' weights.
//! Similarity: exact 1; typo (Damerau–Levenshtein within 1, or 2 for tokens of eight or more
//! characters) the Jaro–Winkler similarity; abbreviation (a prefix of three or more letters)
//! 0.85; split or joined syllables 1. Source of the techniques: export-controls.md §9
//! ("Fuzzy matching": Damerau–Levenshtein, IDF weighting, token sets, legal forms, Jaro–Winkler).

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::csl::ListEntry;
use super::normalize::{Normalized, Step, normalize};

/// Names holding a token above this count do not block on it unless nothing rarer matched.
pub const COMMON: usize = 1_000;
/// The default hit threshold (commercial tools use about 80/100: export-controls.md §9).
pub const DEFAULT_THRESHOLD: u8 = 80;

/// How a query token met a listed token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The same token.
    Exact,
    /// Within the typo distance.
    Typo,
    /// The shorter is a prefix (three letters or more) of the longer.
    Abbreviation,
    /// One token on one side is two adjacent tokens on the other (`huawei` / `hua wei`).
    Joined,
}

/// One matched pair of tokens.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenMatch {
    /// The query's token (several joined by a space for `joined`).
    pub query: String,
    /// The listed name's token.
    pub listed: String,
    /// How they met.
    pub kind: MatchKind,
    /// Similarity, 0–1.
    pub similarity: f64,
}

/// A hit and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Score 0–100.
    pub score: u8,
    /// The list (`csl`, or a registry list).
    pub list: String,
    /// The entry's id.
    pub entry_id: String,
    /// The entry's listed name.
    pub entry_name: String,
    /// The source list.
    pub source: String,
    /// The name or alias that matched.
    pub matched_name: String,
    /// Whether that is an alias.
    pub alias: bool,
    /// Matched tokens.
    pub matches: Vec<TokenMatch>,
    /// Query tokens left unmatched.
    pub unmatched_query: Vec<String>,
    /// Listed tokens left unmatched.
    pub unmatched_listed: Vec<String>,
    /// Normalisation applied to the query.
    pub query_steps: Vec<Step>,
    /// Normalisation applied to the listed name.
    pub listed_steps: Vec<Step>,
}

/// One matched pair: one or two adjacent query tokens against one or two adjacent listed
/// tokens (two only for joined syllables), how they met, similarity.
#[derive(Debug, Clone, Copy)]
struct Pair {
    q: usize,
    q2: Option<usize>,
    l: usize,
    l2: Option<usize>,
    kind: MatchKind,
    sim: f64,
}

impl Pair {
    fn query(&self) -> impl Iterator<Item = usize> {
        std::iter::once(self.q).chain(self.q2)
    }
    fn listed(&self) -> impl Iterator<Item = usize> {
        std::iter::once(self.l).chain(self.l2)
    }
}

/// Per-query working state, reused across every candidate so scoring allocates nothing per
/// candidate: the query's tokens (with their character counts, weights and rarest-first order),
/// a memo of fuzzy token comparisons (query token × vocabulary id; the same listed tokens recur
/// across candidates), and the scratch flags.
struct Query<'a> {
    tokens: Vec<&'a str>,
    ids: Vec<Option<u32>>,
    lens: Vec<usize>,
    sigs: Vec<u64>,
    weights: Vec<f32>,
    weight: f32,
    order: Vec<usize>,
    memo: Memo,
    used_q: Vec<bool>,
    used_l: Vec<bool>,
    pairs: Vec<Pair>,
}

#[derive(Debug, Clone)]
struct IndexedName {
    entry: u32,
    alias: bool,
    text: String,
    tokens: Vec<u32>,
    weight: f32,
    steps: BTreeSet<Step>,
}

/// An index over screening lists.
#[derive(Debug, Clone)]
pub struct Index {
    entries: Vec<ListEntry>,
    names: Vec<IndexedName>,
    vocab: Vec<String>,
    vocab_len: Vec<u32>,
    vocab_sig: Vec<u64>,
    ids: FxHashMap<String, u32>,
    idf: Vec<f32>,
    postings: Vec<Vec<u32>>,
    deletions: FxHashMap<String, Vec<u32>>,
    sorted: Vec<u32>,
}

fn deletions_of(token: &str, depth: usize, out: &mut FxHashSet<String>) {
    let chars: Vec<char> = token.chars().collect();
    for i in 0..chars.len() {
        let variant: String = chars
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| *c)
            .collect();
        if depth > 1 {
            deletions_of(&variant, depth - 1, out);
        }
        out.insert(variant);
    }
}

fn typo_depth(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

impl Index {
    /// Builds the index over `entries` (names and aliases).
    #[must_use]
    pub fn new(entries: Vec<ListEntry>) -> Self {
        let mut index = Self {
            entries,
            names: Vec::new(),
            vocab: Vec::new(),
            vocab_len: Vec::new(),
            vocab_sig: Vec::new(),
            ids: FxHashMap::default(),
            idf: Vec::new(),
            postings: Vec::new(),
            deletions: FxHashMap::default(),
            sorted: Vec::new(),
        };
        let mut df: Vec<u32> = Vec::new();
        for (e, entry) in index.entries.iter().enumerate() {
            let entry_id = u32::try_from(e).unwrap_or(u32::MAX);
            let names = std::iter::once((entry.name.clone(), false))
                .chain(entry.alt_names.iter().map(|a| (a.clone(), true)));
            for (text, alias) in names {
                let normalized = normalize(&text);
                if normalized.tokens.is_empty() {
                    continue;
                }
                let name_id = u32::try_from(index.names.len()).unwrap_or(u32::MAX);
                let mut tokens = Vec::new();
                for (token, _) in &normalized.tokens {
                    let id = match index.ids.get(token) {
                        Some(&id) => id,
                        None => {
                            let id = u32::try_from(index.vocab.len()).unwrap_or(u32::MAX);
                            index.ids.insert(token.clone(), id);
                            index.vocab.push(token.clone());
                            index.postings.push(Vec::new());
                            df.push(0);
                            id
                        }
                    };
                    tokens.push(id);
                    let postings = &mut index.postings[id as usize];
                    if postings.last() != Some(&name_id) {
                        postings.push(name_id);
                        df[id as usize] += 1;
                    }
                }
                index.names.push(IndexedName {
                    entry: entry_id,
                    alias,
                    text,
                    tokens,
                    weight: 0.0,
                    steps: normalized.steps,
                });
            }
        }
        let n = index.names.len().max(1) as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| (1.0 + n / d.max(1) as f32).ln())
            .collect();
        index.idf = idf;
        for name in &mut index.names {
            name.weight = name.tokens.iter().map(|&t| index.idf[t as usize]).sum();
        }
        for (id, token) in index.vocab.iter().enumerate() {
            let depth = typo_depth(token.chars().count());
            if depth == 0 {
                continue;
            }
            let mut variants = FxHashSet::default();
            deletions_of(token, depth, &mut variants);
            variants.insert(token.clone());
            for v in variants {
                index
                    .deletions
                    .entry(v)
                    .or_default()
                    .push(u32::try_from(id).unwrap_or(u32::MAX));
            }
        }
        let mut sorted: Vec<u32> = (0..index.vocab.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        sorted.sort_by(|a, b| index.vocab[*a as usize].cmp(&index.vocab[*b as usize]));
        index.sorted = sorted;
        index.vocab_len = index
            .vocab
            .iter()
            .map(|t| u32::try_from(t.chars().count()).unwrap_or(u32::MAX))
            .collect();
        index.vocab_sig = index.vocab.iter().map(|t| signature(t)).collect();
        index
    }

    /// The entries indexed.
    #[must_use]
    pub fn entries(&self) -> &[ListEntry] {
        &self.entries
    }

    /// How many names (names and aliases) are indexed.
    #[must_use]
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    fn max_idf(&self) -> f32 {
        let n = self.names.len().max(1) as f32;
        (1.0 + n).ln()
    }

    /// The vocabulary tokens a query token may meet (exact, typo, abbreviation), sorted.
    /// Abbreviations: at most `cap` longer tokens starting with this one.
    fn lookup(&self, token: &str, cap: usize) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::new();
        if let Some(&id) = self.ids.get(token) {
            found.push(id);
        }
        let len = token.chars().count();
        let depth = typo_depth(len);
        if depth > 0 {
            let sig = signature(token);
            let mut variants = FxHashSet::default();
            deletions_of(token, depth, &mut variants);
            variants.insert(token.to_owned());
            let mut seen: FxHashSet<u32> = FxHashSet::default();
            for v in &variants {
                for &id in self.deletions.get(v).map_or(&[][..], Vec::as_slice) {
                    if !seen.insert(id) {
                        continue;
                    }
                    let other_len = self.vocab_len[id as usize] as usize;
                    let allowed = typo_depth(len.max(other_len)).min(depth.max(1));
                    if may_be_within(sig, self.vocab_sig[id as usize], allowed)
                        && strsim::damerau_levenshtein(token, &self.vocab[id as usize]) <= allowed
                    {
                        found.push(id);
                    }
                }
            }
        }
        if len >= 3 {
            // Longer tokens that start with this one (an abbreviation: `tech` → `technology`).
            let start = self
                .sorted
                .partition_point(|&id| self.vocab[id as usize].as_str() < token);
            for &id in self.sorted.iter().skip(start).take(cap) {
                if !self.vocab[id as usize].starts_with(token) {
                    break;
                }
                found.push(id);
            }
            // Shorter tokens this one starts with (the query spells out an abbreviation).
            for (i, _) in token.char_indices().skip(3) {
                if let Some(&id) = token.get(..i).and_then(|prefix| self.ids.get(prefix)) {
                    found.push(id);
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The query's tokens, weights and working state.
    fn query<'a>(&self, normalized: &'a Normalized) -> Query<'a> {
        let tokens: Vec<&str> = normalized.tokens.iter().map(|(t, _)| t.as_str()).collect();
        let ids: Vec<Option<u32>> = tokens.iter().map(|t| self.ids.get(*t).copied()).collect();
        let weights: Vec<f32> = ids
            .iter()
            .map(|id| id.map_or(self.max_idf(), |id| self.idf[id as usize]))
            .collect();
        let mut order: Vec<usize> = (0..tokens.len()).collect();
        order.sort_by(|a, b| weights[*b].total_cmp(&weights[*a]).then(a.cmp(b)));
        Query {
            lens: tokens.iter().map(|t| t.chars().count()).collect(),
            sigs: tokens.iter().map(|t| signature(t)).collect(),
            weight: weights.iter().sum(),
            tokens,
            ids,
            weights,
            order,
            memo: FxHashMap::default(),
            used_q: Vec::new(),
            used_l: Vec::new(),
            pairs: Vec::new(),
        }
    }

    /// The names worth scoring. At a threshold of [`DEFAULT_THRESHOLD`] or more only names that
    /// can meet the query's rarest token (or tokens, on a tie) are: [`Self::score`] keeps any
    /// other name below that threshold, so blocking on those tokens alone loses no hit. Every
    /// way the rarest token can meet a listed one is looked up — exact, typo, every
    /// abbreviation, split or joined with a neighbour — whatever the token's frequency. Below
    /// that threshold every query token blocks (tokens in more than [`COMMON`] names only when
    /// nothing rarer matched).
    fn candidates(&self, query: &Query<'_>, threshold: u8) -> Vec<u32> {
        let focused = threshold >= DEFAULT_THRESHOLD;
        let top = query.weights.iter().copied().fold(f32::MIN, f32::max);
        let blocks = |q: usize| !focused || query.weights[q] >= top;
        let mut ids: Vec<u32> = Vec::new();
        for (q, token) in query.tokens.iter().enumerate() {
            if !blocks(q) {
                continue;
            }
            let cap = if focused { usize::MAX } else { 64 };
            ids.extend(self.lookup(token, cap));
            for (a, b) in splits(token, if focused { 1 } else { 2 }) {
                if let (Some(&x), Some(&y)) = (self.ids.get(a), self.ids.get(b)) {
                    ids.extend([x, y]);
                }
            }
        }
        let mut joined = String::new();
        for q in 0..query.tokens.len().saturating_sub(1) {
            if !blocks(q) && !blocks(q + 1) {
                continue;
            }
            joined.clear();
            joined.push_str(query.tokens[q]);
            joined.push_str(query.tokens[q + 1]);
            if let Some(&id) = self.ids.get(&joined) {
                ids.push(id);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let mut names: Vec<u32> = Vec::new();
        if focused {
            for id in ids {
                names.extend_from_slice(&self.postings[id as usize]);
            }
        } else {
            let (common, rare): (Vec<u32>, Vec<u32>) = ids
                .into_iter()
                .partition(|&id| self.postings[id as usize].len() > COMMON);
            for id in if rare.is_empty() { common } else { rare } {
                names.extend_from_slice(&self.postings[id as usize]);
            }
        }
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Screens one name; hits scoring at least `threshold`, best first.
    #[must_use]
    pub fn screen(&self, name: &str, threshold: u8) -> Vec<Hit> {
        let normalized = normalize(name);
        if normalized.tokens.is_empty() {
            return Vec::new();
        }
        let mut query = self.query(&normalized);
        // Per entry, its best-scoring name; on equal scores the earlier (the listed name before
        // its aliases).
        let mut best: FxHashMap<u32, (u8, u32)> = FxHashMap::default();
        for name_id in self.candidates(&query, threshold) {
            let name = &self.names[name_id as usize];
            let score = to_score(self.score(&mut query, name));
            let slot = best.entry(name.entry).or_insert((score, name_id));
            if score > slot.0 || (score == slot.0 && name_id < slot.1) {
                *slot = (score, name_id);
            }
        }
        let mut hits: Vec<Hit> = best
            .into_values()
            .filter(|(score, _)| *score >= threshold)
            .map(|(score, name_id)| self.hit(&normalized, &mut query, name_id, score))
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.entry_id.cmp(&b.entry_id))
        });
        hits
    }

    /// How a query token meets a listed vocabulary token, if it does (see [`token_match`]),
    /// rejecting on lengths before any edit distance and remembering what it computed.
    fn meet(&self, query_token: (usize, &str, usize, u64), listed: u32, memo: &mut Memo) -> Met {
        let (q, token, ql, _) = query_token;
        let other = self.vocab[listed as usize].as_str();
        let ll = self.vocab_len[listed as usize] as usize;
        let (short, long) = (ql.min(ll), ql.max(ll));
        if short < 3 {
            return None;
        }
        let depth = typo_depth(long).min(typo_depth(short).max(1));
        // The edit distance is at least the difference in length, and at least the number of
        // characters either side has that the other lacks.
        if short >= 4
            && long - short <= depth
            && may_be_within(query_token.3, self.vocab_sig[listed as usize], depth)
        {
            return *memo
                .entry((q, listed))
                .or_insert_with(|| token_match(token, other));
        }
        (other.starts_with(token) || token.starts_with(other))
            .then_some((MatchKind::Abbreviation, 0.85))
    }

    /// The weighted Dice score; the matched pairs are left in `query.pairs`.
    fn score(&self, query: &mut Query<'_>, name: &IndexedName) -> f64 {
        let Query {
            tokens,
            lens,
            sigs,
            ids,
            weights,
            weight,
            order,
            memo,
            used_q,
            used_l,
            pairs,
        } = query;
        let listed = &name.tokens;
        let text = |l: usize| self.vocab[listed[l] as usize].as_str();
        used_q.clear();
        used_q.resize(tokens.len(), false);
        used_l.clear();
        used_l.resize(listed.len(), false);
        pairs.clear();
        let pair = |q, q2, l, l2, kind, sim| Pair {
            q,
            q2,
            l,
            l2,
            kind,
            sim,
        };
        // Exact first, then the best fuzzy pair for each remaining query token, rarest first.
        for &q in order.iter() {
            let Some(id) = ids[q] else { continue };
            if let Some(l) = (0..listed.len()).find(|&l| !used_l[l] && listed[l] == id) {
                used_q[q] = true;
                used_l[l] = true;
                pairs.push(pair(q, None, l, None, MatchKind::Exact, 1.0));
            }
        }
        // Split and joined syllables: one token against two adjacent ones.
        for q in 0..tokens.len() {
            if used_q[q] {
                continue;
            }
            for l in 0..listed.len().saturating_sub(1) {
                if !used_l[l] && !used_l[l + 1] && is_concat(tokens[q], text(l), text(l + 1)) {
                    used_q[q] = true;
                    used_l[l] = true;
                    used_l[l + 1] = true;
                    pairs.push(pair(q, None, l, Some(l + 1), MatchKind::Joined, 1.0));
                    break;
                }
            }
        }
        for q in 0..tokens.len().saturating_sub(1) {
            if used_q[q] || used_q[q + 1] {
                continue;
            }
            if let Some(l) = (0..listed.len())
                .find(|&l| !used_l[l] && is_concat(text(l), tokens[q], tokens[q + 1]))
            {
                used_q[q] = true;
                used_q[q + 1] = true;
                used_l[l] = true;
                pairs.push(pair(q, Some(q + 1), l, None, MatchKind::Joined, 1.0));
            }
        }
        for &q in order.iter() {
            if used_q[q] {
                continue;
            }
            let mut found: Option<(usize, MatchKind, f64)> = None;
            for l in 0..listed.len() {
                if used_l[l] {
                    continue;
                }
                if let Some((kind, sim)) =
                    self.meet((q, tokens[q], lens[q], sigs[q]), listed[l], memo)
                    && found.is_none_or(|(_, _, s)| sim > s)
                {
                    found = Some((l, kind, sim));
                }
            }
            if let Some((l, kind, sim)) = found {
                used_q[q] = true;
                used_l[l] = true;
                pairs.push(pair(q, None, l, None, kind, sim));
            }
        }
        let idf = |l: usize| f64::from(self.idf[listed[l] as usize]);
        let mut matched = 0.0;
        for p in pairs.iter() {
            let wq: f64 = p.query().map(|q| f64::from(weights[q])).sum();
            let wl: f64 = p.listed().map(idf).sum();
            matched += p.sim * (wq + wl);
        }
        let total = f64::from(*weight) + f64::from(name.weight);
        let mut score = if total > 0.0 { matched / total } else { 0.0 };
        // The most distinctive token of each side (its rarest; ties count alike) must be met:
        // a listed brand name left unmatched, or a query's own brand matched to nothing, keeps
        // the score below the default threshold however much generic vocabulary is shared.
        let rarest_met = |weight: &dyn Fn(usize) -> f64, used: &[bool]| {
            let top = (0..used.len()).map(weight).fold(f64::MIN, f64::max);
            (0..used.len()).any(|i| used[i] && weight(i) >= top)
        };
        let query_weight = |q: usize| f64::from(weights[q]);
        if !rarest_met(&idf, used_l) || !rarest_met(&query_weight, used_q) {
            score = score.min(f64::from(DEFAULT_THRESHOLD - 1) / 100.0);
        }
        score
    }

    fn hit(&self, normalized: &Normalized, query: &mut Query<'_>, name_id: u32, score: u8) -> Hit {
        let name = &self.names[name_id as usize];
        self.score(query, name);
        let tokens = &query.tokens;
        let listed: Vec<&str> = name
            .tokens
            .iter()
            .map(|&t| self.vocab[t as usize].as_str())
            .collect();
        let mut matches: Vec<TokenMatch> = query
            .pairs
            .iter()
            .map(|p| TokenMatch {
                query: p.query().map(|q| tokens[q]).collect::<Vec<_>>().join(" "),
                listed: p.listed().map(|l| listed[l]).collect::<Vec<_>>().join(" "),
                kind: p.kind,
                similarity: (p.sim * 1000.0).round() / 1000.0,
            })
            .collect();
        matches.sort_by(|a, b| a.query.cmp(&b.query));
        let entry = &self.entries[name.entry as usize];
        Hit {
            score,
            list: entry.list.clone(),
            entry_id: entry.id.clone(),
            entry_name: entry.name.clone(),
            source: entry.source.clone(),
            matched_name: name.text.clone(),
            alias: name.alias,
            matches,
            unmatched_query: (0..tokens.len())
                .filter(|&q| !query.used_q[q])
                .map(|q| tokens[q].to_owned())
                .collect(),
            unmatched_listed: (0..listed.len())
                .filter(|&l| !query.used_l[l])
                .map(|l| listed[l].to_owned())
                .collect(),
            query_steps: normalized.steps.iter().copied().collect(),
            listed_steps: name.steps.iter().copied().collect(),
        }
    }
}

/// A fuzzy comparison's outcome: how and how well, if at all.
type Met = Option<(MatchKind, f64)>;
/// Fuzzy comparisons already made for one query: (query token position, vocabulary id).
type Memo = FxHashMap<(usize, u32), Met>;

fn to_score(score: f64) -> u8 {
    // Clamped to 0..=100 first, so the cast neither truncates nor wraps.
    (score * 100.0).round().clamp(0.0, 100.0) as u8
}

/// The set of a token's characters, hashed to 64 bits (`a`–`z` and `0`–`9` each their own).
fn signature(token: &str) -> u64 {
    token.chars().fold(0, |sig, c| {
        let bit = match c {
            'a'..='z' => u32::from(c) - u32::from('a'),
            '0'..='9' => 26 + u32::from(c) - u32::from('0'),
            _ => 36 + u32::from(c) % 28,
        };
        sig | 1 << bit
    })
}

/// Whether two tokens with these signatures may be within `distance` edits: a character one
/// has and the other lacks takes an edit of its own (a bit set on one side only stands for
/// such characters; collisions only make the test more lenient).
fn may_be_within(a: u64, b: u64, distance: usize) -> bool {
    (a & !b).count_ones() as usize <= distance && (b & !a).count_ones() as usize <= distance
}

/// Whether `whole` is `a` followed by `b`.
fn is_concat(whole: &str, a: &str, b: &str) -> bool {
    whole.len() == a.len() + b.len() && whole.starts_with(a) && whole.ends_with(b)
}

/// How two tokens meet, if they do (exact handled by the caller).
fn token_match(q: &str, l: &str) -> Met {
    if q == l {
        return Some((MatchKind::Exact, 1.0));
    }
    let (ql, ll) = (q.chars().count(), l.chars().count());
    let depth = typo_depth(ql.max(ll)).min(typo_depth(ql.min(ll)).max(1));
    if ql.min(ll) >= 4 && strsim::damerau_levenshtein(q, l) <= depth {
        return Some((MatchKind::Typo, strsim::jaro_winkler(q, l)));
    }
    if ql.min(ll) >= 3 && (l.starts_with(q) || q.starts_with(l)) {
        return Some((MatchKind::Abbreviation, 0.85));
    }
    None
}

/// Ways to cut a token into two parts of `min` characters or more.
fn splits(token: &str, min: usize) -> Vec<(&str, &str)> {
    let cuts: Vec<usize> = token.char_indices().map(|(i, _)| i).collect();
    cuts.iter()
        .enumerate()
        .filter(|&(n, _)| n >= min && cuts.len() - n >= min)
        .filter_map(|(_, &i)| Some((token.get(..i)?, token.get(i..)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn index() -> Index {
        let entries = super::super::csl::load(
            "csl.csv",
            include_str!("../../tests/data/csl-synthetic.csv"),
        )
        .unwrap();
        Index::new(entries)
    }

    fn top(index: &Index, name: &str) -> Option<(String, u8)> {
        index
            .screen(name, DEFAULT_THRESHOLD)
            .first()
            .map(|h| (h.entry_id.clone(), h.score))
    }

    #[test]
    fn variants_in_both_scripts_hit() {
        let index = index();
        for name in [
            "Tianlan Quantum Semiconductor Co., Ltd.",
            "天蓝量子半导体有限公司",
            "天藍量子半導體有限公司",
            "ＴＩＡＮＬＡＮ　ＱＵＡＮＴＵＭ　ＳＥＭＩＣＯＮＤＵＣＴＯＲ",
            "Quantum Semiconductor Tianlan",
            "Tianlna Quantum Semiconductor",
            "Tian Lan Quantum Semiconductor Limited",
        ] {
            assert_eq!(
                top(&index, name).map(|t| t.0),
                Some("syn-0001".to_owned()),
                "{name}"
            );
        }
    }

    #[test]
    fn a_hit_is_explained() {
        let index = index();
        let hits = index.screen("天藍量子半導體有限公司", DEFAULT_THRESHOLD);
        let hit = hits.first().unwrap();
        let steps: Vec<&str> = hit.query_steps.iter().map(|s| s.describe()).collect();
        assert!(steps.contains(&"traditional → simplified"), "{steps:?}");
        assert!(
            hit.matches
                .iter()
                .any(|m| m.query == "tianlan" && m.kind == MatchKind::Exact),
            "{hit:#?}"
        );
    }

    /// Every name of the index scored, no blocking: what [`Index::screen`] must equal.
    fn exhaustive(index: &Index, name: &str, threshold: u8) -> Vec<(String, u8)> {
        let normalized = normalize(name);
        if normalized.tokens.is_empty() {
            return Vec::new();
        }
        let mut query = index.query(&normalized);
        let mut best: BTreeMap<u32, u8> = BTreeMap::new();
        for name in &index.names {
            let score = to_score(index.score(&mut query, name));
            let slot = best.entry(name.entry).or_insert(score);
            *slot = (*slot).max(score);
        }
        let mut hits: Vec<(String, u8)> = best
            .into_iter()
            .filter(|(_, score)| *score >= threshold)
            .map(|(entry, score)| (index.entries[entry as usize].id.clone(), score))
            .collect();
        hits.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        hits
    }

    /// Blocking on the query's rarest tokens loses no hit at the default threshold or above:
    /// the labelled set's queries (both scripts, typos, abbreviations, split and joined
    /// syllables, non-matches) give the same hits and scores as scoring every listed name.
    #[test]
    fn blocking_loses_no_hit() {
        #[derive(serde::Deserialize)]
        struct Labelled {
            query: Vec<Labelled1>,
        }
        #[derive(serde::Deserialize)]
        struct Labelled1 {
            name: String,
        }
        let index = index();
        let labelled: Labelled =
            toml::from_str(include_str!("../../tests/data/screening-labelled.toml")).unwrap();
        let mut compared = 0;
        for q in &labelled.query {
            for threshold in [DEFAULT_THRESHOLD, 90] {
                let blocked: Vec<(String, u8)> = index
                    .screen(&q.name, threshold)
                    .into_iter()
                    .map(|h| (h.entry_id, h.score))
                    .collect();
                assert_eq!(
                    blocked,
                    exhaustive(&index, &q.name, threshold),
                    "{}",
                    q.name
                );
                compared += blocked.len();
            }
        }
        assert!(compared > 50, "only {compared} hits compared");
    }

    /// The signature test never rules out a pair within the distance: every pair of tokens
    /// from a vocabulary with typos, transpositions, insertions and non-ASCII letters.
    #[test]
    fn signatures_never_rule_out_a_close_pair() {
        let tokens = [
            "huawei",
            "huawie",
            "hauwei",
            "huaweii",
            "huwei",
            "tianlan",
            "tianlna",
            "tinalan",
            "lulang",
            "lülang",
            "semiconductor",
            "semicondcutor",
            "smiconductr",
            "abcd",
            "abdc",
            "dcba",
            "zhongxing",
            "zhongxin",
            "zhonxging",
            "北京",
            "北亰",
        ];
        let mut ruled_out = 0;
        for a in tokens {
            for b in tokens {
                let distance = strsim::damerau_levenshtein(a, b);
                for d in 0..=3 {
                    let may = may_be_within(signature(a), signature(b), d);
                    assert!(may || distance > d, "{a} / {b} within {d}");
                    ruled_out += usize::from(!may);
                }
            }
        }
        assert!(ruled_out > 100, "the test rules out only {ruled_out}");
    }

    #[test]
    fn unrelated_names_do_not_hit() {
        let index = index();
        for name in [
            "Acme Widgets Inc.",
            "Tianjin Port Logistics Co., Ltd.",
            "北京大学",
        ] {
            assert_eq!(top(&index, name), None, "{name}");
        }
    }
}
