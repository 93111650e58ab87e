//! Exact window counts in memory: the distinct unions of sorted subject-hash lists, and the
//! counting rule of the crate docs applied to the volume entries of one window.
//!
//! SQLite selects a window's entries (a few indexed rows per transfer) and hands over each
//! entry's hashes as one sorted blob; the unions are merges of sorted lists here, linear in the
//! hashes and free of SQLite's per-row costs.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::model::{CategorySet, SubjectHash, Unit, Volume};

/// The union of two sorted lists of distinct hashes, sorted and distinct.
pub(crate) fn merge(a: &[SubjectHash], b: &[SubjectHash]) -> Vec<SubjectHash> {
    // Categories of one dataset often hold the same people: comparing is cheaper than merging.
    if a == b {
        return a.to_vec();
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    // Without branches on the comparison, which random hashes would mispredict half the time.
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        out.push(if y < x { y } else { x });
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(a.get(i..).unwrap_or_default());
    out.extend_from_slice(b.get(j..).unwrap_or_default());
    out
}

/// The size of the union of two sorted lists of distinct hashes, without building it.
fn merged_len(a: &[SubjectHash], b: &[SubjectHash]) -> usize {
    if a == b {
        return a.len();
    }
    let (mut i, mut j, mut common) = (0, 0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        common += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    a.len() + b.len() - common
}

/// The union of sorted lists of distinct hashes, merged pairwise (each level is linear, and
/// there are log₂ of the number of lists levels).
pub(crate) fn union<'a>(mut lists: Vec<Cow<'a, [SubjectHash]>>) -> Cow<'a, [SubjectHash]> {
    lists.retain(|l| !l.is_empty());
    // Equal lists — one key column behind every category of a transfer — are their own union:
    // comparing them is far cheaper than merging them into new ones.
    if lists.windows(2).all(|w| w.first() == w.last()) {
        return lists.into_iter().next().unwrap_or(Cow::Borrowed(&[]));
    }
    while lists.len() > 1 {
        let mut next = Vec::with_capacity(lists.len().div_ceil(2));
        let mut pairs = lists.into_iter();
        while let Some(a) = pairs.next() {
            next.push(match pairs.next() {
                Some(b) => Cow::Owned(merge(&a, &b)),
                None => a,
            });
        }
        lists = next;
    }
    lists.pop().unwrap_or(Cow::Borrowed(&[]))
}

/// The size of the union of sorted lists of distinct hashes.
pub(crate) fn union_len(lists: &[&[SubjectHash]]) -> u64 {
    let len = match lists {
        [] => 0,
        [one] => one.len(),
        [a, b] => merged_len(a, b),
        _ if lists.windows(2).all(|w| w.first() == w.last()) => {
            lists.first().map_or(0, |l| l.len())
        }
        _ => {
            // Merge all but the last pair, then count the last merge without building it.
            let half = lists.len() / 2;
            let left = union(lists[..half].iter().map(|l| Cow::Borrowed(*l)).collect());
            let right = union(lists[half..].iter().map(|l| Cow::Borrowed(*l)).collect());
            merged_len(&left, &right)
        }
    };
    u64::try_from(len).unwrap_or(u64::MAX)
}

/// Where the hashes of an entry are.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Hashes<'a> {
    /// In the store, under this `volume_entry.seq`.
    Stored(i64),
    /// In memory: an entry of a transfer being judged, not recorded.
    Given(&'a [SubjectHash]),
}

/// One volume entry inside a window, with what the counting rule needs of its transfer.
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    /// The transfer (its `seq`; the transfer being judged has one no stored transfer has).
    pub(crate) transfer: i64,
    /// The transfer's distinct natural persons, when known.
    pub(crate) individuals: Option<u64>,
    /// Category id.
    pub(crate) category: String,
    /// Unit.
    pub(crate) unit: Unit,
    /// People (or devices) in the entry.
    pub(crate) count: u64,
    /// How many of them carry a hash.
    pub(crate) hashed: u64,
    /// Their hashes.
    pub(crate) hashes: Hashes<'a>,
}

impl Row<'_> {
    fn unhashed(&self) -> u64 {
        self.count.saturating_sub(self.hashed)
    }

    /// Whether the transfer's `individuals` caps this entry's unhashed people.
    fn capped(&self) -> bool {
        self.individuals.is_some() && self.unit == Unit::Individuals
    }
}

/// People an unhashed part of one transfer can add: at most what is left of the transfer's known
/// number of individuals once its hashed people are counted.
fn capped(unhashed: u64, individuals: Option<u64>, hashed: u64) -> u64 {
    individuals.map_or(unhashed, |n| unhashed.min(n.saturating_sub(hashed)))
}

/// The unit a category's volume reports: the smallest by name (as SQL's `MIN` would pick) of its
/// hashed entries, else of its uncapped ones; capped entries count individuals.
fn unit_of<'r>(rows: impl Iterator<Item = &'r Row<'r>> + Clone) -> Unit {
    let smallest = |rows: &mut dyn Iterator<Item = &'r Row<'r>>| {
        rows.map(|r| r.unit).min_by_key(|u| u.as_str())
    };
    smallest(&mut rows.clone().filter(|r| r.hashed > 0))
        .or_else(|| smallest(&mut rows.filter(|r| !r.capped())))
        .unwrap_or(Unit::Individuals)
}

/// The hashes of `row`: borrowed when in memory, read with `load` when stored.
fn hashes_of<'r, E>(
    row: &'r Row<'r>,
    load: &mut impl FnMut(i64) -> Result<Vec<SubjectHash>, E>,
) -> Result<Cow<'r, [SubjectHash]>, E> {
    Ok(match row.hashes {
        _ if row.hashed == 0 => Cow::Borrowed(&[]),
        Hashes::Given(hashes) => Cow::Borrowed(hashes),
        Hashes::Stored(entry) => Cow::Owned(load(entry)?),
    })
}

/// Per category id its volume, and per category-set name its count.
pub(crate) type Counts = (BTreeMap<String, Volume>, BTreeMap<String, u64>);

/// Per category and per category set, the counts of the crate docs over the entries `rows` of
/// one window, reading stored hashes with `load` (an entry's sorted, distinct hashes).
///
/// Memory holds one category's hashes at a time, plus the union of each category that a set
/// counts.
pub(crate) fn count<'r, E>(
    rows: &'r [Row<'r>],
    sets: &[CategorySet],
    mut load: impl FnMut(i64) -> Result<Vec<SubjectHash>, E>,
) -> Result<Counts, E> {
    let mut by_category: BTreeMap<&str, Vec<&Row<'r>>> = BTreeMap::new();
    for row in rows {
        by_category.entry(&row.category).or_default().push(row);
    }
    let in_a_set = |category: &str| sets.iter().any(|s| s.categories.contains(category));

    let mut categories = BTreeMap::new();
    let mut uncapped_sum: BTreeMap<&str, u64> = BTreeMap::new();
    let mut unions: BTreeMap<&str, Cow<'r, [SubjectHash]>> = BTreeMap::new();
    for (&category, rows) in &by_category {
        let unit = unit_of(rows.iter().copied());
        let uncapped = rows
            .iter()
            .filter(|r| !r.capped())
            .fold(0_u64, |sum, r| sum.saturating_add(r.unhashed()));
        let mut lists = Vec::new();
        for row in rows.iter().filter(|r| r.hashed > 0) {
            lists.push((row.transfer, hashes_of(row, &mut load)?));
        }
        // Per transfer that gives `individuals`, its unhashed people up to the cap; the cap
        // leaves out every hashed person of the transfer in the category.
        let mut capped_sum = 0_u64;
        for (transfer, (individuals, unhashed)) in per_transfer(rows.iter().copied()) {
            if unhashed == 0 {
                continue;
            }
            let own: Vec<&[SubjectHash]> = lists
                .iter()
                .filter(|(t, _)| *t == transfer)
                .map(|(_, l)| &**l)
                .collect();
            capped_sum = capped_sum.saturating_add(capped(unhashed, individuals, union_len(&own)));
        }
        let union = union(lists.into_iter().map(|(_, l)| l).collect());
        let hashed = u64::try_from(union.len()).unwrap_or(u64::MAX);
        if !union.is_empty() && in_a_set(category) {
            unions.insert(category, union);
        }
        uncapped_sum.insert(category, uncapped);
        categories.insert(
            category.to_owned(),
            Volume {
                unit,
                count: hashed.saturating_add(uncapped).saturating_add(capped_sum),
            },
        );
    }

    let mut set_counts = BTreeMap::new();
    for set in sets {
        // The window's categories are few, a set's many: walk the former (both in category
        // order, so the sums and unions are taken in the same order either way).
        let mut total = uncapped_sum
            .iter()
            .filter(|(c, _)| set.categories.contains(**c))
            .fold(0_u64, |sum, (_, n)| sum.saturating_add(*n));
        let hashed: Vec<&[SubjectHash]> = unions
            .iter()
            .filter(|(c, _)| set.categories.contains(**c))
            .map(|(_, u)| &**u)
            .collect();
        total = total.saturating_add(union_len(&hashed));
        let members = || {
            by_category
                .iter()
                .filter(|(c, _)| set.categories.contains(**c))
                .flat_map(|(_, rows)| rows.iter())
                .copied()
        };
        for (transfer, (individuals, unhashed)) in per_transfer(members()) {
            if unhashed == 0 {
                continue;
            }
            let mut own = Vec::new();
            for row in members()
                .filter(|r| r.transfer == transfer && r.unit == Unit::Individuals && r.hashed > 0)
            {
                own.push(hashes_of(row, &mut load)?);
            }
            let own: Vec<&[SubjectHash]> = own.iter().map(|l| &**l).collect();
            total = total.saturating_add(capped(unhashed, individuals, union_len(&own)));
        }
        set_counts.insert(set.name.clone(), total);
    }
    Ok((categories, set_counts))
}

/// Per transfer with capped entries among `rows`: its `individuals` and their unhashed people.
fn per_transfer<'r>(rows: impl Iterator<Item = &'r Row<'r>>) -> BTreeMap<i64, (Option<u64>, u64)> {
    let mut groups: BTreeMap<i64, (Option<u64>, u64)> = BTreeMap::new();
    for row in rows.filter(|r| r.capped()) {
        let group = groups.entry(row.transfer).or_insert((row.individuals, 0));
        group.1 = group.1.saturating_add(row.unhashed());
    }
    groups
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn hashes(values: &BTreeSet<u8>) -> Vec<SubjectHash> {
        // Spread over the high bits, as real hashes are, so order depends on the top byte.
        values
            .iter()
            .map(|v| SubjectHash(u128::from(*v) << 120 | 1))
            .collect()
    }

    proptest! {
        /// Merging sorted lists gives exactly the set union, built or only counted.
        #[test]
        fn unions_equal_the_set_union(
            lists in proptest::collection::vec(proptest::collection::btree_set(any::<u8>(), 0..40), 0..7),
        ) {
            let truth: BTreeSet<u8> = lists.iter().flatten().copied().collect();
            let lists: Vec<Vec<SubjectHash>> = lists.iter().map(hashes).collect();
            let slices: Vec<&[SubjectHash]> = lists.iter().map(Vec::as_slice).collect();
            prop_assert_eq!(union_len(&slices), truth.len() as u64);
            let built = union(slices.iter().map(|s| Cow::Borrowed(*s)).collect());
            prop_assert_eq!(built.into_owned(), hashes(&truth));
            // The public form the assessment's inventory merges Scan's runs with.
            let sets: Vec<crate::SubjectHashes> = lists
                .iter()
                .map(|l| crate::SubjectHashes::from_sorted(l.clone()).unwrap())
                .collect();
            let all = crate::SubjectHashes::union_all(&sets);
            let want = hashes(&truth);
            prop_assert_eq!(all.as_slice(), want.as_slice());
            let borrowed: Vec<&crate::SubjectHashes> = sets.iter().collect();
            prop_assert_eq!(crate::SubjectHashes::union_len(&borrowed), truth.len() as u64);
            let owned = crate::SubjectHashes::union_owned(sets.clone());
            prop_assert_eq!(owned.as_slice(), want.as_slice());
            // Equal sets, as one key column behind every category gives.
            let same = vec![sets.first().cloned().unwrap_or_default(); 3];
            let first = same[0].clone();
            prop_assert_eq!(crate::SubjectHashes::union_owned(same), first);
        }
    }

    #[test]
    fn a_capped_transfer_leaves_out_its_hashed_people() {
        let row = |category: &str, count, hashes: &'static [SubjectHash]| Row {
            transfer: 1,
            individuals: Some(5),
            category: category.to_owned(),
            unit: Unit::Individuals,
            count,
            hashed: hashes.len() as u64,
            hashes: Hashes::Given(hashes),
        };
        static TWO: [SubjectHash; 2] = [SubjectHash(1), SubjectHash(2)];
        static THREE: [SubjectHash; 1] = [SubjectHash(3)];
        let rows = [row("a", 4, &TWO), row("b", 3, &THREE)];
        let set = CategorySet {
            name: "both".to_owned(),
            categories: ["a".to_owned(), "b".to_owned()].into(),
        };
        let (categories, sets) = count(&rows, &[set], |_| Err::<Vec<SubjectHash>, ()>(())).unwrap();
        // a: 2 hashed + min(2 unhashed, 5 − 2) = 4; b: 1 + min(2, 5 − 1) = 3.
        assert_eq!(categories["a"].count, 4);
        assert_eq!(categories["b"].count, 3);
        // Together: 3 hashed people + min(2 + 2 unhashed, 5 − 3) = 5, the transfer's people.
        assert_eq!(sets["both"], 5);
    }
}
