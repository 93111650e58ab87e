//! The values the store takes and returns: transfer records, volume entries, counting windows,
//! cumulative volumes, history rows and budgets.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use freeport_vocabulary::Window as Counted;
pub use freeport_vocabulary::{CollectedIn, Form};
use jiff::civil::Date;
use serde::Serialize;

use crate::error::UnsortedHashes;

/// The caller-supplied, unique id of a transfer (e.g. the transfer id of the facts file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TransferId(pub String);

impl TransferId {
    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TransferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for TransferId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

/// A salted subject hash: 128 bits, read big-endian, keyed with one exporter's salt by its
/// scheme ([`HashScheme`](crate::HashScheme)) over a stable key of one natural person (or one
/// device) — the hash Scan
/// computes (`freeport-scan`'s `SaltedSubjects`) and [`subject_hash`](crate::subject_hash)
/// returns. Big-endian, so the order of the numbers is the order of the bytes the store keeps.
///
/// Two hashes are the same person only when both were made with the same exporter's salt.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubjectHash(pub u128);

impl fmt::Debug for SubjectHash {
    // A hash is pseudonymous data about a person; debug output shows only that one is there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SubjectHash(..)")
    }
}

/// The distinct salted subject hashes of one volume entry, kept sorted in ascending order: the
/// form the store keeps them in (one sorted blob per entry) and merges them in when it counts.
///
/// Build it from Scan's sorted `Vec<u128>` without copying ([`from_sorted_u128`]), from a
/// sorted `Vec<SubjectHash>` ([`from_sorted`]) — both check the order in one pass — or from any
/// hashes with [`FromIterator`], which sorts and drops repeats.
///
/// [`from_sorted_u128`]: Self::from_sorted_u128
/// [`from_sorted`]: Self::from_sorted
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SubjectHashes(Vec<SubjectHash>);

impl SubjectHashes {
    /// No hashes.
    #[must_use]
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// Takes hashes that are already sorted in strictly increasing order (hence distinct).
    ///
    /// # Errors
    ///
    /// [`UnsortedHashes`] naming the first position that is not above the one before it.
    pub fn from_sorted(hashes: Vec<SubjectHash>) -> Result<Self, UnsortedHashes> {
        match hashes.windows(2).position(|w| w.first() >= w.last()) {
            Some(at) => Err(UnsortedHashes { index: at + 1 }),
            None => Ok(Self(hashes)),
        }
    }

    /// Takes Scan's hashes (`SaltedSubjects`: sorted, distinct `u128`s), reusing their memory.
    ///
    /// # Errors
    ///
    /// As [`from_sorted`](Self::from_sorted).
    pub fn from_sorted_u128(hashes: Vec<u128>) -> Result<Self, UnsortedHashes> {
        // Collecting a mapped `Vec` into one of the same layout reuses its allocation.
        Self::from_sorted(hashes.into_iter().map(SubjectHash).collect())
    }

    /// How many hashes (distinct people).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The hashes, in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, SubjectHash> {
        self.0.iter()
    }

    /// The union of several sets (people counted once), merged as the store merges them when it
    /// counts: pairwise, linear per round.
    #[must_use]
    pub fn union_all(sets: &[Self]) -> Self {
        if let [one] = sets {
            return one.clone();
        }
        let lists = sets
            .iter()
            .map(|s| std::borrow::Cow::Borrowed(s.as_slice()))
            .collect();
        Self(crate::count::union(lists).into_owned())
    }

    /// The union of several sets, taking them: one set, or several equal ones (one key column
    /// behind every category, the common case), come back as they are, without a copy.
    #[must_use]
    pub fn union_owned(mut sets: Vec<Self>) -> Self {
        sets.retain(|s| !s.is_empty());
        if sets.windows(2).all(|w| w.first() == w.last()) {
            return sets.into_iter().next().unwrap_or_default();
        }
        Self::union_all(&sets)
    }

    /// How many distinct hashes several sets hold together, counted as the store counts them,
    /// without building their union when they are equal or two.
    #[must_use]
    pub fn union_len(sets: &[&Self]) -> u64 {
        let lists: Vec<&[SubjectHash]> = sets.iter().map(|s| s.as_slice()).collect();
        crate::count::union_len(&lists)
    }

    /// The hashes, in ascending order.
    #[must_use]
    pub fn as_slice(&self) -> &[SubjectHash] {
        &self.0
    }

    /// Whether `hash` is one of them.
    #[must_use]
    pub fn contains(&self, hash: &SubjectHash) -> bool {
        self.0.binary_search(hash).is_ok()
    }

    /// Removes every hash.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The hashes in this or `other`: a linear merge.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self(crate::count::merge(&self.0, &other.0))
    }

    /// Adds `other`'s hashes, keeping the order and dropping repeats: a linear merge, or a move
    /// of `other` when this holds none.
    pub fn merge(&mut self, other: Self) {
        if self.is_empty() {
            *self = other;
        } else if !other.is_empty() {
            *self = self.union(&other);
        }
    }

    /// The hashes as a sorted vector.
    #[must_use]
    pub fn into_vec(self) -> Vec<SubjectHash> {
        self.0
    }
}

impl fmt::Debug for SubjectHashes {
    // Like `SubjectHash`: how many, never which.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SubjectHashes({} hashes)", self.0.len())
    }
}

impl FromIterator<SubjectHash> for SubjectHashes {
    /// Sorts and drops repeats.
    fn from_iter<I: IntoIterator<Item = SubjectHash>>(hashes: I) -> Self {
        let mut hashes: Vec<SubjectHash> = hashes.into_iter().collect();
        hashes.sort_unstable();
        hashes.dedup();
        Self(hashes)
    }
}

impl Extend<SubjectHash> for SubjectHashes {
    /// Adds hashes, keeping the order and dropping repeats.
    fn extend<I: IntoIterator<Item = SubjectHash>>(&mut self, hashes: I) {
        self.merge(hashes.into_iter().collect());
    }
}

impl From<BTreeSet<SubjectHash>> for SubjectHashes {
    fn from(hashes: BTreeSet<SubjectHash>) -> Self {
        // A set iterates in order and without repeats.
        Self(hashes.into_iter().collect())
    }
}

impl IntoIterator for SubjectHashes {
    type Item = SubjectHash;
    type IntoIter = std::vec::IntoIter<SubjectHash>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a SubjectHashes {
    type Item = &'a SubjectHash;
    type IntoIter = std::slice::Iter<'a, SubjectHash>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// What a count counts: natural persons, or devices (28 CFR 202.205(c) counts precise geolocation
/// data in U.S. devices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Distinct natural persons.
    Individuals,
    /// Distinct devices (precise geolocation under 28 CFR 202.205(c)).
    Devices,
}

impl Unit {
    /// The stored and printed name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Individuals => "individuals",
            Self::Devices => "devices",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "individuals" => Some(Self::Individuals),
            "devices" => Some(Self::Devices),
            _ => None,
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The volume of one vocabulary category in one transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeEntry {
    /// Vocabulary category id, e.g. `contact.phone`.
    pub category: String,
    /// What [`count`](Self::count) counts.
    pub unit: Unit,
    /// Distinct individuals (or devices) in this transfer with data of this category.
    pub count: u64,
    /// Salted subject hashes of some or all of those individuals, when Scan could compute them.
    /// Each hash is one distinct individual, so there can be at most `count` of them; individuals
    /// without a hash are counted as `count - hashes.len()` people never seen before.
    pub subject_hashes: SubjectHashes,
    /// Raw, pseudonymised or anonymised.
    pub state: Form,
    /// Where the data was collected; `None` for entries recorded before the store kept it,
    /// which both countries count, so that what is not known can only raise a burden.
    pub collected_in: Option<CollectedIn>,
}

/// The name, version and content hash of a rule pack a decision was made with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RulePackRef {
    /// Pack name, e.g. `cn` or `us`.
    pub name: String,
    /// Pack version.
    pub version: String,
    /// Pack content hash.
    pub hash: String,
}

/// One transfer to record: who sent what to whom, when, and what was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRecord {
    /// Caller-supplied unique id; recording the same id twice is refused.
    pub id: TransferId,
    /// The exporter (data processor / U.S. person) id.
    pub exporter: String,
    /// The recipient (foreign person / overseas recipient) id.
    pub counterparty: String,
    /// The date of the transfer.
    pub date: Date,
    /// Where the data leaves from (ISO 3166-1 alpha-2, e.g. `CN`).
    pub origin: String,
    /// Where the data goes (ISO 3166-1 alpha-2, e.g. `US`).
    pub destination: String,
    /// Distinct natural persons across all categories of this transfer, when known (e.g. the
    /// number of person records Scan read). It caps the people counted for unhashed entries of a
    /// transfer when several categories are counted together; `None` means no cap.
    pub individuals: Option<u64>,
    /// The volumes, one entry per (category, state, place of collection).
    pub volumes: Vec<VolumeEntry>,
    /// The decision, as the judge produced it (opaque JSON text).
    pub decision_json: String,
    /// The rule packs the decision was made with.
    pub rule_packs: Vec<RulePackRef>,
}

/// A named set of categories counted together, e.g. all personal information or sensitive
/// personal information: a person with data in several of them is one person.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CategorySet {
    /// Name of the set in the result, e.g. `pi` or `sensitive_pi`.
    pub name: String,
    /// The category ids in the set.
    pub categories: BTreeSet<String>,
}

/// Which counting convention a [`Window`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// China: per exporter, since 1 January of the year of the date (CAC16 Arts. 5(4), 7, 8:
    /// "自当年1月1日起累计").
    Cn,
    /// United States: per (exporter, counterparty), over the preceding 12 months
    /// (28 CFR 202.205: "at any point in the preceding 12 months", aggregated across covered data
    /// transactions involving the same U.S. person and the same foreign person).
    Us,
}

/// A counting window: which transfers add up, between which dates (both inclusive).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Window {
    /// The convention.
    pub kind: WindowKind,
    /// Transfers of this exporter.
    pub exporter: String,
    /// Only transfers to this counterparty, if set.
    pub counterparty: Option<String>,
    /// First date counted (inclusive).
    pub from: Date,
    /// Last date counted (inclusive).
    pub to: Date,
    /// Whether anonymised entries count (not for China: anonymised data is not PI).
    pub include_anonymised: bool,
    /// Only entries collected here (and entries of unknown origin), if set.
    pub collected_in: Option<CollectedIn>,
}

impl Window {
    /// China's window for a transfer on `date`: the exporter's transfers dated from 1 January of
    /// `date`'s year up to and including `date`; only data collected in China, anonymised
    /// entries excluded (PIPL Arts. 3, 4).
    #[must_use]
    pub fn cn(exporter: &str, date: Date) -> Self {
        Self {
            kind: WindowKind::Cn,
            exporter: exporter.to_owned(),
            counterparty: None,
            from: Counted::cn(date).from,
            to: date,
            include_anonymised: false,
            collected_in: Some(CollectedIn::Cn),
        }
    }

    /// The US window for a transfer on `date`: the transfers between `exporter` and
    /// `counterparty` dated from the same day twelve months earlier up to and including `date`
    /// (see [`freeport_vocabulary::Window::us`]); only data on U.S. persons, anonymised entries
    /// included (28 CFR 202.205, 202.206).
    #[must_use]
    pub fn us(exporter: &str, counterparty: &str, date: Date) -> Self {
        Self {
            kind: WindowKind::Us,
            exporter: exporter.to_owned(),
            counterparty: Some(counterparty.to_owned()),
            from: Counted::us(date).from,
            to: date,
            include_anonymised: true,
            collected_in: Some(CollectedIn::Us),
        }
    }
}

/// The cumulative volume of one category in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Volume {
    /// What the count counts.
    pub unit: Unit,
    /// Distinct individuals (or devices), counted by the rule of the crate docs.
    pub count: u64,
}

/// Cumulative volumes in one window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Volumes {
    /// The window counted.
    pub window: Window,
    /// How many transfers fall in the window.
    pub transfers: u64,
    /// Per category id.
    pub categories: BTreeMap<String, Volume>,
    /// Per requested [`CategorySet`] name: distinct individuals across the set's categories.
    pub sets: BTreeMap<String, u64>,
}

/// Which transfers [`history`](crate::Tx::history) lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// Only this exporter's transfers.
    pub exporter: Option<String>,
    /// Only transfers to this counterparty.
    pub counterparty: Option<String>,
}

/// One recorded transfer as history shows it (no subject hashes, no decision body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferSummary {
    /// Transfer id.
    pub id: TransferId,
    /// Exporter id.
    pub exporter: String,
    /// Counterparty id.
    pub counterparty: String,
    /// Date of the transfer.
    pub date: Date,
    /// Origin country.
    pub origin: String,
    /// Destination country.
    pub destination: String,
    /// Volumes of this transfer alone: per category, state and count.
    pub volumes: Vec<EntrySummary>,
    /// Rule packs of the decision.
    pub rule_packs: Vec<RulePackRef>,
    /// Where the transfer stands in the transparency log.
    pub log: LogState,
}

/// Where a recorded transfer stands in the transparency log (see [`Tx::queue_log_entry`]).
///
/// [`Tx::queue_log_entry`]: crate::Tx::queue_log_entry
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "index")]
pub enum LogState {
    /// No log entry was queued for it.
    NotLogged,
    /// Its entry is queued and not yet confirmed appended.
    Pending,
    /// Its entry is in the log at this index.
    Logged(u64),
}

/// A recorded transfer whose package a run staged and did not put in place (see
/// [`Tx::stage_package`]).
///
/// [`Tx::stage_package`]: crate::Tx::stage_package
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedPackage {
    /// The transfer.
    pub transfer: TransferId,
    /// The directory the run staged the package in (the encrypted payload and the manifest
    /// body), as an absolute path.
    pub staging: String,
    /// Its entry's index in the log, once confirmed.
    pub log_index: Option<u64>,
    /// The exact entry bytes queued for the log.
    pub entry: Vec<u8>,
}

/// A recorded transfer's kept report (see [`Tx::keep_report`]).
///
/// [`Tx::keep_report`]: crate::Tx::keep_report
#[derive(Clone, PartialEq, Eq)]
pub struct KeptReport {
    /// The language-neutral report (JSON) as bound to the log: its log fields empty.
    pub report: String,
    /// SHA-256 of `report`'s bytes, lowercase hex: the hash the manifest and the log carry.
    pub sha256: String,
    /// The day the report says it was generated.
    pub generated_on: Date,
    /// The report's place in the log (JSON), once its entry is appended.
    pub log: Option<String>,
}

impl fmt::Debug for KeptReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeptReport")
            .field("sha256", &self.sha256)
            .field("generated_on", &self.generated_on)
            .field("logged", &self.log.is_some())
            .finish_non_exhaustive()
    }
}

/// What the store holds of a transfer's report (see [`Tx::transfer_report`]).
///
/// [`Tx::transfer_report`]: crate::Tx::transfer_report
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportLookup {
    /// No transfer of that id is recorded.
    NoSuchTransfer,
    /// The transfer is recorded without a report: recorded before the store kept reports
    /// (migration 12), filed at a port, or recorded by `freeport judge --record`.
    NotKept,
    /// Its report.
    Kept(KeptReport),
}

/// A queued log entry not yet confirmed appended.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingLogEntry {
    /// The transfer it announces.
    pub transfer: TransferId,
    /// The exact bytes to append.
    pub entry: Vec<u8>,
}

impl fmt::Debug for PendingLogEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingLogEntry")
            .field("transfer", &self.transfer)
            .field("entry_len", &self.entry.len())
            .finish()
    }
}

/// One volume entry of a recorded transfer, without its hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntrySummary {
    /// Category id.
    pub category: String,
    /// Unit.
    pub unit: Unit,
    /// State.
    pub state: Form,
    /// Where it was collected (`unknown` in JSON when `None`: recorded before the store kept
    /// it).
    #[serde(serialize_with = "place_or_unknown")]
    pub collected_in: Option<CollectedIn>,
    /// Count in this transfer.
    pub count: u64,
    /// How many of them carry a subject hash.
    pub hashed: u64,
}

/// One history row: a transfer and the cumulative volumes under both windows at its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The transfer.
    pub transfer: TransferSummary,
    /// China's window at the transfer's date.
    pub cn: Volumes,
    /// The US window at the transfer's date.
    pub us: Volumes,
}

/// The state of one dataset's DP privacy budget.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Budget {
    /// Configured total epsilon.
    pub epsilon_total: f64,
    /// Configured total delta.
    pub delta_total: f64,
    /// Epsilon spent so far.
    pub epsilon_spent: f64,
    /// Delta spent so far.
    pub delta_spent: f64,
    /// Number of spends recorded.
    pub spends: u64,
}

/// The stored and printed name of an entry's place of collection: `unknown` when not said.
#[must_use]
pub(crate) const fn place_str(place: Option<CollectedIn>) -> &'static str {
    match place {
        Some(place) => place.as_str(),
        None => "unknown",
    }
}

#[expect(
    clippy::ref_option,
    reason = "serde's serialize_with hands the field by reference"
)]
fn place_or_unknown<S: serde::Serializer>(
    place: &Option<CollectedIn>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(place_str(*place))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(n: u128) -> SubjectHash {
        SubjectHash(n)
    }

    #[test]
    fn sorted_hashes_are_checked_in_one_pass() {
        let ok = SubjectHashes::from_sorted(vec![h(1), h(5), h(9)]).unwrap();
        assert_eq!(ok.len(), 3);
        assert!(ok.contains(&h(5)) && !ok.contains(&h(4)));
        assert_eq!(
            SubjectHashes::from_sorted(vec![h(1), h(5), h(5)]),
            Err(UnsortedHashes { index: 2 })
        );
        assert_eq!(
            SubjectHashes::from_sorted_u128(vec![3, 2]),
            Err(UnsortedHashes { index: 1 })
        );
        assert_eq!(
            SubjectHashes::from_sorted_u128(vec![2, 3]).unwrap().len(),
            2
        );
        let message = UnsortedHashes { index: 2 }.to_string();
        assert!(message.contains("position 2"), "{message}");
    }

    #[test]
    fn collecting_sorts_and_merging_keeps_one_of_each() {
        let mut a: SubjectHashes = [h(9), h(1), h(9), h(4)].into_iter().collect();
        assert_eq!(a.as_slice(), [h(1), h(4), h(9)]);
        a.merge([h(4), h(2)].into_iter().collect());
        assert_eq!(a.as_slice(), [h(1), h(2), h(4), h(9)]);
        a.extend([h(0), h(9)]);
        assert_eq!(a.clone().into_vec(), [h(0), h(1), h(2), h(4), h(9)]);
        let mut empty = SubjectHashes::new();
        empty.merge(a.clone());
        assert_eq!(empty, a);
        let set: BTreeSet<SubjectHash> = [h(3), h(1)].into();
        assert_eq!(SubjectHashes::from(set).as_slice(), [h(1), h(3)]);
        assert_eq!(format!("{a:?}"), "SubjectHashes(5 hashes)");
    }
}
