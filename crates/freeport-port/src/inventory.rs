//! From scan reports to the judge's inventory: per vocabulary category, the distinct people (or
//! devices) the datasets hold, and the salted subject hashes the store counts once across
//! transfers.
//!
//! Counting follows the law's unit, per category, over every dataset of the transfer:
//! - when Scan keyed a dataset's people on an identifier and hashed them with the exporter's
//!   salt, a category's people are the union of its hashes over the datasets (a person in two
//!   files is one person), plus the rows whose key cell was empty or invalid, each counted as a
//!   new person (the count may be high, never low);
//! - a dataset without a key column counts one person per row with a value in the category,
//!   which again can only over-count;
//! - precise geolocation counts devices (28 CFR 202.205(c)) the same way, on the device key.
//!
//! The whole transfer's distinct people (`data.individuals`, which bounds the judge's totals) is
//! the union of every hash plus the unkeyed rows, or the rows of datasets without a key.

use std::collections::BTreeMap;

use freeport_policy::{CollectedIn as Origin, Form, InventoryItem};
use freeport_scan::{DatasetReport, ScanReport};
use freeport_store::{SubjectHash, SubjectHashes as Hashes};
use freeport_vocabulary::{DspCategory, Vocabulary};

use crate::volumes::SubjectHashes;

/// What the scan says the transfer holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// One item per category, in category order.
    pub items: Vec<InventoryItem>,
    /// Distinct natural persons across the transfer.
    pub individuals: u64,
    /// Salted subject hashes per category, for the store.
    pub hashes: SubjectHashes,
}

/// Per category, what the datasets add up to: each dataset's hashes as the sorted run Scan gives,
/// merged once at the end ([`Hashes::union_owned`]) — cheaper than a tree, or than sorting their
/// concatenation, for millions of people. Each run is copied once, from Scan's report, and never
/// again: a 200k-person dataset with nine categories holds 29 MB of them.
#[derive(Default)]
struct Tally {
    hashes: Vec<Hashes>,
    extra: u64,
    device_hashes: Vec<Hashes>,
    device_extra: u64,
}

/// Scan's sorted, distinct run as the store's set, in the same memory (sorted again if it ever
/// were not).
fn run(hashes: Vec<u128>) -> Hashes {
    if hashes.is_sorted_by(|a, b| a < b) {
        Hashes::from_sorted_u128(hashes).unwrap_or_default()
    } else {
        hashes.into_iter().map(SubjectHash).collect()
    }
}

/// Builds the inventory of the datasets in `scan`, all collected in `origin`, as `form`.
///
/// Each dataset's salted hashes ([`DatasetReport::salted`], which only the store needs and no
/// report shows) move into the inventory and are `None` afterwards: tens of megabytes for a
/// dataset of a few hundred thousand people, not copied. Categories the vocabulary does not know
/// are skipped (Scan labels only vocabulary ids).
#[must_use]
pub fn inventory(
    scan: &mut ScanReport,
    vocabulary: &Vocabulary,
    origin: Origin,
    form: Form,
) -> Inventory {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unhashed_people: u64 = 0;
    for dataset in &mut scan.datasets {
        let unhashed = dataset_people(dataset, &mut tallies);
        unhashed_people = unhashed_people.saturating_add(unhashed);
    }
    let collected_in = origin;
    // Everyone with a hash, in any category of any dataset (known to the vocabulary or not).
    let everyone: Vec<&Hashes> = tallies.values().flat_map(|t| &t.hashes).collect();
    let mut out = Inventory {
        individuals: Hashes::union_len(&everyone).saturating_add(unhashed_people),
        ..Inventory::default()
    };
    for (category, tally) in tallies {
        let Some(known) = vocabulary.get(&category) else {
            continue;
        };
        let hashes = Hashes::union_owned(tally.hashes);
        let device_hashes = Hashes::union_owned(tally.device_hashes);
        let individuals = len(hashes.as_slice())
            .saturating_add(tally.extra)
            .min(out.individuals);
        let devices = (known.us.dsp == DspCategory::PreciseGeolocation)
            .then(|| len(device_hashes.as_slice()).saturating_add(tally.device_extra));
        if individuals == 0 && devices.unwrap_or(0) == 0 {
            continue;
        }
        if !hashes.is_empty() {
            out.hashes.insert((category.clone(), collected_in), hashes);
        }
        out.items.push(InventoryItem {
            category,
            individuals,
            devices,
            collected_in: origin,
            form,
        });
    }
    out
}

/// Adds one dataset's people to `tallies`; returns how many of them have no hash (each counted
/// as a person of its own).
fn dataset_people(dataset: &mut DatasetReport, tallies: &mut BTreeMap<String, Tally>) -> u64 {
    let mut salted = dataset.salted.take();
    let keyed = dataset.subject_key.is_some();
    let mut unhashed = if keyed {
        dataset.unkeyed_rows
    } else {
        dataset.rows
    };
    // Rows with a value per category, for datasets or keys that give no per-person count.
    let mut with_value: BTreeMap<&str, u64> = BTreeMap::new();
    for column in &dataset.columns {
        if let Some(category) = &column.category {
            let filled = column.stats.rows.saturating_sub(column.stats.nulls);
            let sum = with_value.entry(category.as_str()).or_default();
            *sum = sum.saturating_add(filled).min(dataset.rows);
        }
        // Categories found inside free text: the rows whose text holds them.
        for contained in &column.contains {
            let sum = with_value.entry(contained.category.as_str()).or_default();
            *sum = sum.saturating_add(contained.rows).min(dataset.rows);
        }
    }
    for (category, filled) in &with_value {
        let tally = tallies.entry((*category).to_owned()).or_default();
        match (
            keyed,
            salted.as_mut().and_then(|s| s.subjects.remove(*category)),
        ) {
            (true, Some(hashes)) => {
                tally.hashes.push(run(hashes));
                tally.extra = tally.extra.saturating_add(dataset.unkeyed_rows);
            }
            (true, None) => {
                // Keyed but unsalted: the exact count of this dataset, not mergeable.
                let count = dataset.subjects.get(*category).copied().unwrap_or(*filled);
                tally.extra = tally
                    .extra
                    .saturating_add(count)
                    .saturating_add(dataset.unkeyed_rows);
            }
            (false, _) => tally.extra = tally.extra.saturating_add(*filled),
        }
        let device_hashes = salted.as_mut().and_then(|s| s.devices.remove(*category));
        match (dataset.device_key.is_some(), device_hashes) {
            (true, Some(hashes)) => tally.device_hashes.push(run(hashes)),
            (true, None) => {
                let count = dataset.devices.get(*category).copied().unwrap_or(*filled);
                tally.device_extra = tally.device_extra.saturating_add(count);
            }
            (false, _) => tally.device_extra = tally.device_extra.saturating_add(*filled),
        }
    }
    if keyed && salted.is_none() {
        // Without hashes the dataset's people are its distinct keys, not mergeable.
        let most = dataset.subjects.values().copied().max().unwrap_or(0);
        unhashed = unhashed.saturating_add(most);
    }
    unhashed
}

fn len<T>(set: &[T]) -> u64 {
    u64::try_from(set.len()).unwrap_or(u64::MAX)
}

#[cfg(test)]
pub(crate) mod tests {
    use freeport_detect::ColumnStats;
    use freeport_scan::{ColumnReport, KeyColumn, SaltedSubjects};

    use super::*;

    pub(crate) fn column(
        name: &str,
        category: Option<&str>,
        rows: u64,
        nulls: u64,
    ) -> ColumnReport {
        ColumnReport {
            name: name.to_owned(),
            category: category.map(str::to_owned),
            confidence: 1.0,
            categories: Vec::new(),
            evidence: Vec::new(),
            stats: ColumnStats {
                rows,
                nulls,
                null_share: 0.0,
                distinct: rows - nulls,
                distinct_estimated: false,
                uniqueness: 1.0,
                min_len: 1,
                max_len: 1,
                mean_len: 1.0,
                free_text_score: 0.0,
                sampled: rows - nulls,
            },
            examples: Vec::new(),
            contains: Vec::new(),
            overridden: None,
        }
    }

    pub(crate) fn dataset(
        columns: Vec<ColumnReport>,
        rows: u64,
        salted: Option<&[(&str, &[u128])]>,
    ) -> DatasetReport {
        DatasetReport {
            path: "d.csv".to_owned(),
            id: freeport_read::DatasetId::default(),
            format: "csv".to_owned(),
            encoding: None,
            delimiter: None,
            rows,
            sampled: false,
            subject_key: salted.map(|_| KeyColumn {
                column: "id".to_owned(),
                category: "id.cn.resident_id".to_owned(),
            }),
            subjects: salted
                .unwrap_or_default()
                .iter()
                .map(|(c, h)| ((*c).to_owned(), h.len() as u64))
                .collect(),
            unkeyed_rows: 0,
            device_key: None,
            devices: BTreeMap::new(),
            warnings: Vec::new(),
            salted: salted.map(|s| SaltedSubjects {
                subjects: s
                    .iter()
                    .map(|(c, h)| ((*c).to_owned(), h.to_vec()))
                    .collect(),
                devices: BTreeMap::new(),
            }),
            columns,
        }
    }

    #[test]
    fn people_in_two_datasets_are_counted_once() {
        let vocabulary = Vocabulary::embedded().unwrap();
        let cols = || {
            vec![
                column("id", Some("id.cn.resident_id"), 3, 0),
                column("name", Some("person.name"), 3, 0),
                column("note", None, 3, 0),
            ]
        };
        let mut scan = ScanReport {
            schema: 1,
            datasets: vec![
                dataset(
                    cols(),
                    3,
                    Some(&[
                        ("id.cn.resident_id", &[1, 2, 3]),
                        ("person.name", &[1, 2, 3]),
                    ]),
                ),
                dataset(
                    cols(),
                    3,
                    Some(&[("id.cn.resident_id", &[3, 4, 5]), ("person.name", &[3, 4])]),
                ),
            ],
            errors: Vec::new(),
        };
        let inv = inventory(&mut scan, vocabulary, Origin::Cn, Form::Raw);
        assert_eq!(inv.individuals, 5);
        let counts: Vec<(&str, u64)> = inv
            .items
            .iter()
            .map(|i| (i.category.as_str(), i.individuals))
            .collect();
        assert_eq!(counts, [("id.cn.resident_id", 5), ("person.name", 4)]);
        assert_eq!(
            inv.hashes[&("person.name".to_owned(), freeport_store::CollectedIn::Cn)].len(),
            4
        );
        // The hashes moved into the inventory; the report keeps everything it shows.
        assert!(scan.datasets.iter().all(|d| d.salted.is_none()));
        assert_eq!(scan.datasets[1].subjects.len(), 2);
    }

    #[test]
    fn without_a_key_each_filled_row_is_a_person() {
        let vocabulary = Vocabulary::embedded().unwrap();
        let mut scan = ScanReport {
            schema: 1,
            datasets: vec![dataset(
                vec![
                    column("phone", Some("contact.phone"), 10, 2),
                    column("mobile", Some("contact.phone"), 10, 1),
                ],
                10,
                None,
            )],
            errors: Vec::new(),
        };
        let inv = inventory(&mut scan, vocabulary, Origin::Us, Form::Pseudonymised);
        assert_eq!(inv.individuals, 10);
        assert_eq!(inv.items.len(), 1);
        // 8 + 9 filled cells, capped at the 10 rows.
        assert_eq!(inv.items[0].individuals, 10);
        assert_eq!(inv.items[0].form, Form::Pseudonymised);
        assert!(inv.hashes.is_empty());
    }
}
