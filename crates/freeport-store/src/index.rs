//! An in-process copy of one exporter's stored transfers and volume entries (without their
//! subject hashes), so that counting a window filters a few rows in memory instead of asking
//! SQLite.
//!
//! Both windows are scoped to one exporter, so one load serves every window of that exporter:
//! China's and the US's, any date, any counterparty, any category sets. The filter here is the
//! window query's `WHERE` clause (`Tx::count`'s SQL) written out: dates compared as the same
//! ISO text, the same state and place-of-collection tests. Subject hashes stay in SQLite and
//! are read only for entries that carry some, exactly as on the SQL path.
//!
//! The copy is kept true across this handle's own commits: a transaction notes each transfer it
//! records, and once it commits they are inserted here ([`ExporterIndex::insert`]); a
//! transaction that has recorded reads the index together with its own uncommitted transfers.
//! The store drops the copy when SQLite's `data_version` says another connection committed, and
//! never loads it inside a transaction that has recorded (the load would see uncommitted rows).

use std::collections::HashMap;

use crate::db::{DbError, Txn, params};

use crate::StoreError;
use crate::count::{Hashes, Row};
use crate::model::{TransferRecord, Unit, Window};
use crate::store::db_error;

/// One stored volume entry.
#[derive(Debug, Clone)]
struct Entry {
    seq: i64,
    category: String,
    unit: Unit,
    state: String,
    collected_in: String,
    count: u64,
    hashed: u64,
}

/// One stored transfer with its entries.
#[derive(Debug, Clone)]
pub(crate) struct Transfer {
    seq: i64,
    counterparty: String,
    /// `YYYY-MM-DD`, compared as text like the SQL does.
    date: String,
    individuals: Option<u64>,
    entries: Vec<Entry>,
}

/// One exporter's transfers, ordered by date (then `seq`).
#[derive(Debug, Clone, Default)]
pub(crate) struct ExporterIndex {
    transfers: Vec<Transfer>,
    rows: usize,
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl ExporterIndex {
    /// Reads every transfer and entry of `exporter`: two queries, no join (SQLite would
    /// re-prepare a join on every execution, see `Tx::count`).
    pub(crate) fn load(
        tx: &Txn<'_>,
        path: &std::path::Path,
        exporter: &str,
    ) -> Result<Self, StoreError> {
        let fail = || db_error(path, "index an exporter's volumes");
        let transfers = tx
            .query(
                "SELECT seq, counterparty, date, individuals FROM transfer
                 WHERE exporter = ?1 ORDER BY date, seq",
                params![exporter],
            )
            .and_then(|rows| {
                rows.into_iter()
                    .map(|mut row| {
                        Ok(Transfer {
                            seq: row.int(0)?,
                            counterparty: row.text(1)?,
                            date: row.text(2)?,
                            individuals: row.opt_int(3)?.map(to_u64),
                            entries: Vec::new(),
                        })
                    })
                    .collect::<Result<Vec<Transfer>, DbError>>()
            })
            .map_err(fail())?;
        let position: HashMap<i64, usize> = transfers
            .iter()
            .enumerate()
            .map(|(i, t)| (t.seq, i))
            .collect();
        let mut index = Self {
            rows: transfers.len(),
            transfers,
        };
        let rows = tx
            .query(
                "SELECT transfer, seq, category, unit, state, collected_in, count, hash_count
                 FROM volume_entry
                 WHERE transfer IN (SELECT seq FROM transfer WHERE exporter = ?1)
                 ORDER BY transfer, seq",
                params![exporter],
            )
            .map_err(fail())?;
        for mut row in rows {
            let read = |row: &mut crate::db::Row| -> Result<_, DbError> {
                Ok((
                    row.int(0)?,
                    Entry {
                        seq: row.int(1)?,
                        category: row.text(2)?,
                        // The schema's CHECK constraints admit only the names `parse` knows.
                        unit: Unit::parse(row.str(3)?).unwrap_or(Unit::Individuals),
                        state: row.text(4)?,
                        collected_in: row.text(5)?,
                        count: to_u64(row.int(6)?),
                        hashed: to_u64(row.int(7)?),
                    },
                ))
            };
            let (transfer, entry) = read(&mut row).map_err(fail())?;
            if let Some(t) = position
                .get(&transfer)
                .and_then(|&i| index.transfers.get_mut(i))
            {
                t.entries.push(entry);
                index.rows += 1;
            }
        }
        Ok(index)
    }

    /// Transfers plus entries held: the measure of the index's size.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The transfers in `window` (of this exporter) and the entries that count in it, as the
    /// window query would list them.
    pub(crate) fn window(&self, window: &Window) -> (u64, Vec<Row<'static>>) {
        let from = window.from.to_string();
        let to = window.to.to_string();
        let first = self.transfers.partition_point(|t| t.date < from);
        let mut transfers = 0_u64;
        let mut rows = Vec::new();
        for transfer in self.transfers.get(first..).unwrap_or_default() {
            if transfer.date > to {
                break;
            }
            if transfer.add_rows(window, &mut rows) {
                transfers += 1;
            }
        }
        (transfers, rows)
    }

    /// Adds `transfer`, committed after this index was read, in its place (by date, then
    /// `seq`), so the index stays a copy of the exporter's committed transfers without being
    /// read again.
    pub(crate) fn insert(&mut self, transfer: Transfer) {
        let at = self.transfers.partition_point(|t| {
            (t.date.as_str(), t.seq) <= (transfer.date.as_str(), transfer.seq)
        });
        self.rows += transfer.rows();
        self.transfers.insert(at, transfer);
    }
}

impl Transfer {
    /// A transfer as recorded: its `seq`, and each entry's `seq` with the entry.
    pub(crate) fn recorded(seq: i64, record: &TransferRecord, entry_seqs: &[i64]) -> Self {
        Self {
            seq,
            counterparty: record.counterparty.clone(),
            date: record.date.to_string(),
            individuals: record.individuals,
            entries: record
                .volumes
                .iter()
                .zip(entry_seqs)
                .map(|(entry, &seq)| Entry {
                    seq,
                    category: entry.category.clone(),
                    unit: entry.unit,
                    state: entry.state.as_str().to_owned(),
                    collected_in: crate::model::place_str(entry.collected_in).to_owned(),
                    count: entry.count,
                    hashed: u64::try_from(entry.subject_hashes.len()).unwrap_or(u64::MAX),
                })
                .collect(),
        }
    }

    /// Rows this transfer adds to the index's size.
    pub(crate) fn rows(&self) -> usize {
        1 + self.entries.len()
    }

    /// Whether this transfer is in `window` (its exporter's): the window's dates and
    /// counterparty.
    fn in_window(&self, window: &Window) -> bool {
        let date = self.date.as_str();
        window.from.to_string().as_str() <= date
            && date <= window.to.to_string().as_str()
            && window
                .counterparty
                .as_ref()
                .is_none_or(|c| *c == self.counterparty)
    }

    /// Pushes the entries of this transfer that count in `window` onto `rows`, unless the
    /// transfer's counterparty is outside the window (the caller checked its dates); whether
    /// the transfer counts.
    fn add_rows(&self, window: &Window, rows: &mut Vec<Row<'static>>) -> bool {
        if window
            .counterparty
            .as_ref()
            .is_some_and(|c| *c != self.counterparty)
        {
            return false;
        }
        for entry in &self.entries {
            if !window.include_anonymised && entry.state == "anonymised" {
                continue;
            }
            if let Some(place) = window.collected_in
                && entry.collected_in != place.as_str()
                && entry.collected_in != "unknown"
            {
                continue;
            }
            rows.push(Row {
                transfer: self.seq,
                individuals: self.individuals,
                category: entry.category.clone(),
                unit: entry.unit,
                count: entry.count,
                hashed: entry.hashed,
                hashes: Hashes::Stored(entry.seq),
            });
        }
        true
    }

    /// Adds this transfer to `volumes`, an exact answer for `window` and `sets` over other
    /// transfers, as counting them all again would: `false` (and `volumes` unusable) when that
    /// cannot be done exactly here — the transfer carries subject hashes in the window (a
    /// person may be in both), or it would change a category's unit.
    ///
    /// Without hashes a transfer's people are new people (the counting rule of the crate docs),
    /// so its part is its own: per category and per set, its uncapped counts plus, when it
    /// gives `individuals`, its capped counts up to that number — exactly what `count::count`
    /// adds for it.
    pub(crate) fn add_to(
        &self,
        volumes: &mut crate::model::Volumes,
        window: &Window,
        sets: &[crate::model::CategorySet],
    ) -> bool {
        if !self.in_window(window) {
            return true;
        }
        let mut rows = Vec::new();
        self.add_rows(window, &mut rows);
        if rows.iter().any(|r| r.hashed > 0) {
            return false;
        }
        let capped = |r: &Row<'_>| self.individuals.is_some() && r.unit == Unit::Individuals;
        // Uncapped people plus capped ones up to the transfer's individuals.
        let part = |rows: &mut dyn Iterator<Item = &Row<'static>>| {
            let (mut uncapped, mut capped_sum) = (0_u64, 0_u64);
            for r in rows {
                if capped(r) {
                    capped_sum = capped_sum.saturating_add(r.count);
                } else {
                    uncapped = uncapped.saturating_add(r.count);
                }
            }
            let capped_part = self.individuals.map_or(0, |n| capped_sum.min(n));
            uncapped.saturating_add(capped_part)
        };
        let mut categories: Vec<&str> = rows.iter().map(|r| r.category.as_str()).collect();
        categories.sort_unstable();
        categories.dedup();
        for category in categories {
            let of = |r: &&Row<'static>| r.category == category;
            let add = part(&mut rows.iter().filter(of));
            // A category's unit is the smallest by name of its uncapped entries (no entry here
            // is hashed), else `individuals`.
            let smallest = rows
                .iter()
                .filter(of)
                .filter(|r| !capped(r))
                .map(|r| r.unit)
                .min_by_key(|u| u.as_str());
            match volumes.categories.get_mut(category) {
                Some(volume) => {
                    if smallest.is_some_and(|u| u.as_str() < volume.unit.as_str()) {
                        return false;
                    }
                    volume.count = volume.count.saturating_add(add);
                }
                None => {
                    volumes.categories.insert(
                        category.to_owned(),
                        crate::model::Volume {
                            unit: smallest.unwrap_or(Unit::Individuals),
                            count: add,
                        },
                    );
                }
            }
        }
        for set in sets {
            let add = part(
                &mut rows
                    .iter()
                    .filter(|r| set.categories.contains(r.category.as_str())),
            );
            let total = volumes.sets.entry(set.name.clone()).or_insert(0);
            *total = total.saturating_add(add);
        }
        volumes.transfers = volumes.transfers.saturating_add(1);
        true
    }

    /// [`add_rows`](Self::add_rows) for a transfer whose dates are not yet checked: whether it
    /// counts in `window`.
    pub(crate) fn add_rows_if_in(&self, window: &Window, rows: &mut Vec<Row<'static>>) -> bool {
        self.in_window(window) && self.add_rows(window, rows)
    }
}
