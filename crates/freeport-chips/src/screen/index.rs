//! The screening index: every name and alias of every list entry, normalised, with an inverted
//! index from tokens to names, IDF weights, a deletion index for typos (SymSpell: every token's
//! variants with one deleted character, two for tokens of eight or more) and a sorted
//! vocabulary for abbreviations. A query looks up its own tokens (exact, typo, abbreviation,
//! split or joined syllables), scores only the names that share one of them (blocking; tokens
//! in more than [`COMMON`] names block only when the query has nothing rarer), and explains
//! every hit.
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

/// Query token positions, listed token positions, how they met, similarity.
type Pair = (Vec<usize>, Vec<usize>, MatchKind, f64);

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

    /// The vocabulary tokens a query token may meet, with how and how well.
    fn lookup(&self, token: &str) -> Vec<(u32, MatchKind, f64)> {
        let mut found: FxHashMap<u32, (MatchKind, f64)> = FxHashMap::default();
        if let Some(&id) = self.ids.get(token) {
            found.insert(id, (MatchKind::Exact, 1.0));
        }
        let len = token.chars().count();
        let depth = typo_depth(len);
        if depth > 0 {
            let mut variants = FxHashSet::default();
            deletions_of(token, depth, &mut variants);
            variants.insert(token.to_owned());
            for v in &variants {
                for &id in self.deletions.get(v).map_or(&[][..], Vec::as_slice) {
                    if found.contains_key(&id) {
                        continue;
                    }
                    let other = &self.vocab[id as usize];
                    let allowed = typo_depth(len.max(other.chars().count())).min(depth.max(1));
                    if strsim::damerau_levenshtein(token, other) <= allowed {
                        found.insert(id, (MatchKind::Typo, strsim::jaro_winkler(token, other)));
                    }
                }
            }
        }
        if len >= 3 {
            // Longer tokens that start with this one (an abbreviation: `tech` → `technology`).
            let start = self
                .sorted
                .partition_point(|&id| self.vocab[id as usize].as_str() < token);
            for &id in self.sorted.iter().skip(start).take(64) {
                let other = &self.vocab[id as usize];
                if !other.starts_with(token) {
                    break;
                }
                found.entry(id).or_insert((MatchKind::Abbreviation, 0.85));
            }
            // Shorter tokens this one starts with (the query spells out an abbreviation).
            for cut in 3..len {
                let prefix: String = token.chars().take(cut).collect();
                if let Some(&id) = self.ids.get(&prefix) {
                    found.entry(id).or_insert((MatchKind::Abbreviation, 0.85));
                }
            }
        }
        let mut out: Vec<(u32, MatchKind, f64)> =
            found.into_iter().map(|(id, (k, s))| (id, k, s)).collect();
        out.sort_by_key(|a| a.0);
        out
    }

    /// Screens one name; hits scoring at least `threshold`, best first.
    #[must_use]
    pub fn screen(&self, name: &str, threshold: u8) -> Vec<Hit> {
        let query = normalize(name);
        if query.tokens.is_empty() {
            return Vec::new();
        }
        let tokens: Vec<&str> = query.tokens.iter().map(|(t, _)| t.as_str()).collect();
        // Candidate names through every token's lookups, and split / joined syllables.
        let mut rare: FxHashSet<u32> = FxHashSet::default();
        let mut common: FxHashSet<u32> = FxHashSet::default();
        let add = |id: u32, rare: &mut FxHashSet<u32>, common: &mut FxHashSet<u32>| {
            let postings = &self.postings[id as usize];
            if postings.len() > COMMON {
                common.insert(id);
            } else {
                rare.extend(postings.iter().copied());
            }
        };
        for token in &tokens {
            for (id, _, _) in self.lookup(token) {
                add(id, &mut rare, &mut common);
            }
            for (a, b) in splits(token) {
                if let (Some(&x), Some(&y)) = (self.ids.get(a), self.ids.get(b)) {
                    add(x, &mut rare, &mut common);
                    add(y, &mut rare, &mut common);
                }
            }
        }
        for pair in tokens.windows(2) {
            if let [a, b] = pair
                && let Some(&id) = self.ids.get(&format!("{a}{b}"))
            {
                add(id, &mut rare, &mut common);
            }
        }
        if rare.is_empty() {
            for id in common {
                rare.extend(self.postings[id as usize].iter().copied());
            }
        }
        let weights: Vec<f32> = tokens
            .iter()
            .map(|t| {
                self.ids
                    .get(*t)
                    .map_or(self.max_idf(), |&id| self.idf[id as usize])
            })
            .collect();
        let query_weight: f32 = weights.iter().sum();
        // Per entry, its best-scoring name; on equal scores the earlier (the listed name before
        // its aliases).
        let mut best: FxHashMap<u32, (u8, u32)> = FxHashMap::default();
        for &name_id in &rare {
            let name = &self.names[name_id as usize];
            let score = to_score(self.score(&tokens, &weights, query_weight, name).0);
            let slot = best.entry(name.entry).or_insert((score, name_id));
            if score > slot.0 || (score == slot.0 && name_id < slot.1) {
                *slot = (score, name_id);
            }
        }
        let mut hits: Vec<Hit> = best
            .into_values()
            .filter(|(score, _)| *score >= threshold)
            .map(|(score, name_id)| {
                self.hit(&query, &tokens, &weights, query_weight, name_id, score)
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.entry_id.cmp(&b.entry_id))
        });
        hits
    }

    /// The weighted Dice score and the matches.
    fn score(
        &self,
        tokens: &[&str],
        weights: &[f32],
        query_weight: f32,
        name: &IndexedName,
    ) -> (f64, Vec<Pair>) {
        let listed: Vec<&str> = name
            .tokens
            .iter()
            .map(|&t| self.vocab[t as usize].as_str())
            .collect();
        let mut used_q = vec![false; tokens.len()];
        let mut used_l = vec![false; listed.len()];
        let mut pairs = Vec::new();
        // Exact first, then the best fuzzy pair for each remaining query token, rarest first.
        let mut order: Vec<usize> = (0..tokens.len()).collect();
        order.sort_by(|a, b| weights[*b].total_cmp(&weights[*a]).then(a.cmp(b)));
        for &q in &order {
            if let Some(l) = (0..listed.len()).find(|&l| !used_l[l] && listed[l] == tokens[q]) {
                used_q[q] = true;
                used_l[l] = true;
                pairs.push((vec![q], vec![l], MatchKind::Exact, 1.0));
            }
        }
        // Split and joined syllables: one token against two adjacent ones.
        for q in 0..tokens.len() {
            if used_q[q] {
                continue;
            }
            for l in 0..listed.len().saturating_sub(1) {
                if !used_l[l]
                    && !used_l[l + 1]
                    && format!("{}{}", listed[l], listed[l + 1]) == tokens[q]
                {
                    used_q[q] = true;
                    used_l[l] = true;
                    used_l[l + 1] = true;
                    pairs.push((vec![q], vec![l, l + 1], MatchKind::Joined, 1.0));
                    break;
                }
            }
        }
        for q in 0..tokens.len().saturating_sub(1) {
            if used_q[q] || used_q[q + 1] {
                continue;
            }
            let joined = format!("{}{}", tokens[q], tokens[q + 1]);
            if let Some(l) = (0..listed.len()).find(|&l| !used_l[l] && listed[l] == joined) {
                used_q[q] = true;
                used_q[q + 1] = true;
                used_l[l] = true;
                pairs.push((vec![q, q + 1], vec![l], MatchKind::Joined, 1.0));
            }
        }
        for &q in &order {
            if used_q[q] {
                continue;
            }
            let mut found: Option<(usize, MatchKind, f64)> = None;
            for (l, other) in listed.iter().enumerate() {
                if used_l[l] {
                    continue;
                }
                if let Some((kind, sim)) = token_match(tokens[q], other)
                    && found.is_none_or(|(_, _, s)| sim > s)
                {
                    found = Some((l, kind, sim));
                }
            }
            if let Some((l, kind, sim)) = found {
                used_q[q] = true;
                used_l[l] = true;
                pairs.push((vec![q], vec![l], kind, sim));
            }
        }
        let idf = |l: usize| f64::from(self.idf[name.tokens[l] as usize]);
        let mut matched = 0.0;
        for (qs, ls, _, sim) in &pairs {
            let wq: f64 = qs.iter().map(|&q| f64::from(weights[q])).sum();
            let wl: f64 = ls.iter().map(|&l| idf(l)).sum();
            matched += sim * (wq + wl);
        }
        let total = f64::from(query_weight) + f64::from(name.weight);
        let mut score = if total > 0.0 { matched / total } else { 0.0 };
        // The most distinctive token of each side (its rarest; ties count alike) must be met:
        // a listed brand name left unmatched, or a query's own brand matched to nothing, keeps
        // the score below the default threshold however much generic vocabulary is shared.
        let rarest_met = |weights: &[f64], used: &[bool]| {
            let top = weights.iter().copied().fold(f64::MIN, f64::max);
            weights.iter().zip(used).any(|(w, u)| *u && *w >= top)
        };
        let listed_weights: Vec<f64> = (0..listed.len()).map(idf).collect();
        let query_weights: Vec<f64> = weights.iter().map(|w| f64::from(*w)).collect();
        if !rarest_met(&listed_weights, &used_l) || !rarest_met(&query_weights, &used_q) {
            score = score.min(f64::from(DEFAULT_THRESHOLD - 1) / 100.0);
        }
        (score, pairs)
    }

    fn hit(
        &self,
        query: &Normalized,
        tokens: &[&str],
        weights: &[f32],
        query_weight: f32,
        name_id: u32,
        score: u8,
    ) -> Hit {
        let name = &self.names[name_id as usize];
        let (_, pairs) = self.score(tokens, weights, query_weight, name);
        let listed: Vec<&str> = name
            .tokens
            .iter()
            .map(|&t| self.vocab[t as usize].as_str())
            .collect();
        let mut used_q = vec![false; tokens.len()];
        let mut used_l = vec![false; listed.len()];
        let mut matches: Vec<TokenMatch> = pairs
            .iter()
            .map(|(qs, ls, kind, sim)| {
                qs.iter().for_each(|&q| used_q[q] = true);
                ls.iter().for_each(|&l| used_l[l] = true);
                TokenMatch {
                    query: qs.iter().map(|&q| tokens[q]).collect::<Vec<_>>().join(" "),
                    listed: ls.iter().map(|&l| listed[l]).collect::<Vec<_>>().join(" "),
                    kind: *kind,
                    similarity: (sim * 1000.0).round() / 1000.0,
                }
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
                .filter(|&q| !used_q[q])
                .map(|q| tokens[q].to_owned())
                .collect(),
            unmatched_listed: (0..listed.len())
                .filter(|&l| !used_l[l])
                .map(|l| listed[l].to_owned())
                .collect(),
            query_steps: query.steps.iter().copied().collect(),
            listed_steps: name.steps.iter().copied().collect(),
        }
    }
}

fn to_score(score: f64) -> u8 {
    // Clamped to 0..=100 first, so the cast neither truncates nor wraps.
    (score * 100.0).round().clamp(0.0, 100.0) as u8
}

/// How two tokens meet, if they do (exact handled by the caller).
fn token_match(q: &str, l: &str) -> Option<(MatchKind, f64)> {
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

/// Ways to cut a token into two parts of two characters or more.
fn splits(token: &str) -> Vec<(&str, &str)> {
    token
        .char_indices()
        .map(|(i, _)| i)
        .filter(|&i| i >= 2 && token.len() - i >= 2)
        .filter_map(|i| Some((token.get(..i)?, token.get(i..)?)))
        .collect()
}

#[cfg(test)]
mod tests {
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
