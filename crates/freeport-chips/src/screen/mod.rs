//! End-user screening: names against the Consolidated Screening List and the registry's own
//! lists, and ownership screening (affiliates owned 50 % or more, in aggregate, by listed
//! parties). Source: export-controls.md §7 (Affiliates Rule: "exporters may no longer rely
//! solely on the CSL"), §9 (CSL format, fuzzy matching).

pub mod csl;
pub mod index;
pub mod normalize;
pub mod registry;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::number::Exact;

pub use csl::ListEntry;
pub use index::{DEFAULT_THRESHOLD, Hit, Index, MatchKind, TokenMatch};
pub use registry::{Organisation, Registry};

/// The hits for one screened name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameResult {
    /// The name as given.
    pub name: String,
    /// Hits at or above the threshold, best first.
    pub hits: Vec<Hit>,
}

/// A whole screening: names against a Consolidated Screening List file and, when a registry is
/// given, the registry's own lists too, with its organisations screened for ownership by listed
/// parties. What `freeport chips screen` and the dashboard's screening page both run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    /// The lowest score reported as a hit.
    pub threshold: u8,
    /// Entries screened against (the list's and the registry lists').
    pub list_entries: usize,
    /// Names and aliases indexed.
    pub names_indexed: usize,
    /// Each name's hits, in the order given.
    pub results: Vec<NameResult>,
    /// Each registry organisation's standing, when a registry was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership: Option<Vec<OwnershipFinding>>,
}

/// A file as read: its name (for errors) and its text.
#[derive(Debug, Clone, Copy)]
pub struct NamedText<'a> {
    /// The file's name, as errors name it.
    pub file: &'a str,
    /// Its text.
    pub text: &'a str,
}

impl Screening {
    /// Loads `list` (CSV or JSON, as downloaded) and `registry`, then screens `names` (and the
    /// registry's organisations) at `threshold`.
    ///
    /// # Errors
    ///
    /// The list or the registry is malformed: the error names the file and line.
    pub fn run(
        list: NamedText<'_>,
        registry: Option<NamedText<'_>>,
        names: &[String],
        threshold: u8,
    ) -> Result<Self, crate::Error> {
        let mut entries = csl::load(list.file, list.text)?;
        let registry = registry
            .map(|r| Registry::parse(r.file, r.text))
            .transpose()?;
        if let Some(registry) = &registry {
            entries.extend(registry.list_entries());
        }
        let list_entries = entries.len();
        let index = Index::new(entries);
        Ok(Self {
            threshold,
            list_entries,
            names_indexed: index.name_count(),
            results: screen_names(&index, names, threshold),
            ownership: registry.as_ref().map(|r| ownership(&index, r, threshold)),
        })
    }

    /// Whether anything needs attention: a name hit, or an organisation listed or an affiliate.
    #[must_use]
    pub fn needs_attention(&self) -> bool {
        self.results.iter().any(|r| !r.hits.is_empty())
            || self
                .ownership
                .as_ref()
                .is_some_and(|o| o.iter().any(|f| f.standing != Standing::Clear))
    }
}

/// Screens `names` against `index` (in parallel; results in input order).
#[must_use]
pub fn screen_names(index: &Index, names: &[String], threshold: u8) -> Vec<NameResult> {
    names
        .par_iter()
        .map(|name| NameResult {
            name: name.clone(),
            hits: index.screen(name, threshold),
        })
        .collect()
}

/// One owner's part in an ownership finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stake {
    /// The owner (`org id` or `csl:<_id>`).
    pub party: String,
    /// Its stake, percent.
    pub percent: Exact,
    /// Why it counts as listed (empty if it does not).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub listed_because: String,
}

/// How an organisation stands after ownership screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Its own name hits a list, or it is on a registry list.
    Listed,
    /// Owned 50 % or more, in aggregate, by listed parties or their affiliates.
    Affiliate,
    /// Neither.
    Clear,
}

/// The ownership finding for one organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnershipFinding {
    /// Organisation id.
    pub organisation: String,
    /// Its first name.
    pub name: String,
    /// Listed, affiliate or clear.
    pub standing: Standing,
    /// Why it is listed (its hits and registry lists).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub listed_because: Vec<String>,
    /// The aggregate stake of listed owners, percent.
    pub owned_by_listed: Exact,
    /// Every owner and whether it counted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owners: Vec<Stake>,
}

/// The Affiliates Rule threshold: 50 % or more in aggregate (export-controls.md §1, §7).
pub const AFFILIATE_PERCENT: u32 = 50;

/// Screens every registry organisation's names against `index` (its own registry entries
/// excluded), then finds affiliates: an organisation whose listed owners — CSL entries named
/// as `csl:<_id>`, listed organisations, and affiliates found so far — hold 50 % or more in
/// aggregate; repeated until nothing changes, so indirect ownership through an affiliate
/// counts in full, as under the 50 % rule.
#[must_use]
pub fn ownership(index: &Index, registry: &Registry, threshold: u8) -> Vec<OwnershipFinding> {
    let csl_ids: BTreeSet<&str> = index
        .entries()
        .iter()
        .filter(|e| e.list == "csl")
        .map(|e| e.id.as_str())
        .collect();
    let orgs: Vec<&Organisation> = registry.organisations.values().collect();
    let direct: Vec<Vec<String>> = orgs
        .par_iter()
        .map(|org| {
            let mut why: BTreeSet<String> = org
                .lists
                .iter()
                .map(|l| format!("on registry list `{l}`"))
                .collect();
            for name in org.names() {
                for hit in index.screen(name, threshold) {
                    if hit.list.starts_with("registry:") && hit.entry_id == org.id {
                        continue;
                    }
                    why.insert(format!(
                        "`{name}` hits {} `{}` ({}, score {})",
                        hit.list, hit.entry_id, hit.entry_name, hit.score
                    ));
                }
            }
            why.into_iter().collect()
        })
        .collect();
    let mut listed: BTreeMap<&str, String> = BTreeMap::new();
    for (org, why) in orgs.iter().zip(&direct) {
        if let Some(first) = why.first() {
            listed.insert(org.id.as_str(), format!("listed: {first}"));
        }
    }
    let fifty = Exact::integer(AFFILIATE_PERCENT);
    loop {
        let mut added = Vec::new();
        for org in &orgs {
            if listed.contains_key(org.id.as_str()) {
                continue;
            }
            let total = aggregate(org, &listed, &csl_ids);
            if total >= fifty {
                added.push((
                    org.id.as_str(),
                    format!("affiliate: listed owners hold {total} %"),
                ));
            }
        }
        if added.is_empty() {
            break;
        }
        listed.extend(added);
    }
    orgs.iter()
        .zip(direct)
        .map(|(org, why)| {
            let owners: Vec<Stake> = org
                .owners
                .iter()
                .map(|o| Stake {
                    party: o.party.clone(),
                    percent: o.percent,
                    listed_because: owner_reason(&o.party, &listed, &csl_ids),
                })
                .collect();
            let standing = if !why.is_empty() {
                Standing::Listed
            } else if listed.contains_key(org.id.as_str()) {
                Standing::Affiliate
            } else {
                Standing::Clear
            };
            OwnershipFinding {
                organisation: org.id.clone(),
                name: org.names().next().unwrap_or_default().to_owned(),
                standing,
                listed_because: why,
                owned_by_listed: aggregate(org, &listed, &csl_ids),
                owners,
            }
        })
        .collect()
}

fn owner_reason(party: &str, listed: &BTreeMap<&str, String>, csl_ids: &BTreeSet<&str>) -> String {
    match party.strip_prefix("csl:") {
        Some(id) if csl_ids.contains(id) => format!("CSL entry `{id}`"),
        Some(id) => format!("not counted: CSL entry `{id}` is not in the loaded list"),
        None => listed.get(party).cloned().unwrap_or_default(),
    }
}

fn aggregate(
    org: &Organisation,
    listed: &BTreeMap<&str, String>,
    csl_ids: &BTreeSet<&str>,
) -> Exact {
    org.owners
        .iter()
        .filter(|o| match o.party.strip_prefix("csl:") {
            Some(id) => csl_ids.contains(id),
            None => listed.contains_key(o.party.as_str()),
        })
        .fold(Exact::zero(), |acc, o| acc.add(&o.percent).unwrap_or(acc))
}
