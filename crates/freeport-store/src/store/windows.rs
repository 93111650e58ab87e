//! Counting windows: cumulative volumes from the kept answers, the exporters' in-process index
//! or the database, and the volumes of a transfer being judged before it is recorded.

use super::{CACHE_CAPACITY, INDEX_AFTER, INDEX_CAPACITY, SEEN_CAPACITY, Tx, db_error, to_u64};
use crate::StoreError;
use crate::count::{self, Hashes, Row};
use crate::db::{self, DbError, params};
use crate::index::{self, ExporterIndex};
use crate::model::{
    CategorySet, CollectedIn, Form, SubjectHash, TransferRecord, Unit, VolumeEntry, Volumes,
    Window, place_str,
};

/// The two queries that list a window: its transfers, then per transfer the entries that count.
///
/// No join, and the window's shape written into the text rather than bound: SQLite re-prepares
/// (parses and plans again) a join of `transfer` and `volume_entry` on every execution inside a
/// transaction, and any statement whose plan depends on a bound value (`?2 IS NULL OR ...`)
/// whenever the value changes; either made every lookup parse its query again. The variants are
/// few (counterparty or not, anonymised or not, five places of collection), so each stays
/// prepared in the connection's statement cache. Transfers: ?1 exporter, ?2 first and ?3 last
/// date, ?4 counterparty. Entries: ?1 the transfer's `seq`.
fn window_queries(window: &Window) -> (String, String) {
    let counterparty = if window.counterparty.is_some() {
        " AND counterparty = ?4"
    } else {
        ""
    };
    let anonymised = if window.include_anonymised {
        ""
    } else {
        " AND state <> 'anonymised'"
    };
    // `as_str` names come from a closed enum, never from input.
    let collected = window.collected_in.map_or_else(String::new, |place| {
        format!(" AND collected_in IN ('{}', 'unknown')", place.as_str())
    });
    (
        format!(
            "SELECT seq, individuals FROM transfer
             WHERE exporter = ?1{counterparty} AND date BETWEEN ?2 AND ?3"
        ),
        format!(
            "SELECT seq, category, unit, count, hash_count FROM volume_entry
             WHERE transfer = ?1{anonymised}{collected}"
        ),
    )
}

/// Whether `transfer` falls in `window` (as the window's SQL selects stored transfers).
fn in_window(window: &Window, transfer: &TransferRecord) -> bool {
    transfer.exporter == window.exporter
        && window
            .counterparty
            .as_ref()
            .is_none_or(|c| *c == transfer.counterparty)
        && (window.from..=window.to).contains(&transfer.date)
}

/// Whether `entry` counts in `window` (as the window's SQL selects stored entries).
fn counts_in(window: &Window, entry: &VolumeEntry) -> bool {
    (window.include_anonymised || entry.state != Form::Anonymised)
        && window
            .collected_in
            .is_none_or(|c| entry.collected_in.is_none_or(|place| place == c))
}

impl Tx<'_> {
    /// Cumulative volumes of the transfers in `window` (dates inclusive at both ends).
    ///
    /// Per category and per requested set, a person is counted once across transfers when
    /// salted subject hashes identify them; people without a hash are added as if never seen
    /// before (see the crate docs for the exact rule). Every requested set appears in the result,
    /// with 0 if nothing in the window falls in it.
    ///
    /// # Errors
    ///
    /// the database fails (including a sum beyond `i64`).
    pub fn volumes(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
    ) -> Result<Volumes, StoreError> {
        if !self.deleted
            && let Some((_, cached)) = self
                .cache
                .answers
                .get(window)
                .and_then(|answers| answers.iter().find(|(s, _)| s.as_slice() == sets))
        {
            // The committed answer, with this transaction's own transfers added as a recount
            // would add them (none may carry subject hashes in the window).
            let mut answer = cached.clone();
            let exact = self
                .recorded_transfers
                .iter()
                .filter(|(exporter, _)| *exporter == window.exporter)
                .all(|(_, transfer)| transfer.add_to(&mut answer, window, sets));
            if exact {
                return Ok(answer);
            }
            return self.count(window, sets, None, false);
        }
        // An answer over committed rows only may be kept: none was deleted, and this
        // transaction recorded nothing for the window's exporter (a batch of filings seeds
        // each organisation's windows on its first filing in the batch).
        let own = self
            .recorded_transfers
            .iter()
            .any(|(exporter, _)| *exporter == window.exporter);
        if self.deleted || own {
            return self.count(window, sets, None, false);
        }
        let answer = self.count(window, sets, None, false)?;
        if self.cache.answered >= CACHE_CAPACITY {
            self.cache.answers.clear();
            self.cache.answered = 0;
        }
        self.cache
            .answers
            .entry(window.clone())
            .or_default()
            .push((sets.to_vec(), answer.clone()));
        self.cache.answered += 1;
        Ok(answer)
    }

    /// Cumulative volumes in `window` of the people a transfer about to be recorded does not
    /// carry: what was sent before it, with anyone `transfer` sends again (the same salted
    /// subject hash) counted in `transfer` only. The judge adds the transfer's own counts to
    /// these, so each person is counted once. `transfer` is not recorded: it is counted from
    /// memory, with the stored transfers and alone, and nothing is written.
    ///
    /// Without subject hashes nobody can be matched, and the answer equals
    /// [`volumes`](Self::volumes) before the transfer.
    ///
    /// # Errors
    ///
    /// Those of [`record_transfer`](Self::record_transfer) for an invalid `transfer` (its id may
    /// already be recorded: it is counted as another transfer), and database failures.
    pub fn volumes_before(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
        transfer: &TransferRecord,
    ) -> Result<Volumes, StoreError> {
        self.validate(transfer)?;
        self.check_units(transfer)?;
        let with = self.volumes_with(window, sets, transfer)?;
        let alone = self.count(window, sets, Some(transfer), true)?;
        let less = |a: u64, b: Option<u64>| a.saturating_sub(b.unwrap_or(0));
        let mut before = with;
        before.transfers = before.transfers.saturating_sub(alone.transfers);
        for (name, count) in &mut before.sets {
            *count = less(*count, alone.sets.get(name).copied());
        }
        for (category, volume) in &mut before.categories {
            volume.count = less(
                volume.count,
                alone.categories.get(category).map(|v| v.count),
            );
        }
        before.categories.retain(|category, volume| {
            volume.count > 0 || !alone.categories.contains_key(category)
        });
        Ok(before)
    }

    /// The volumes of `window` with `transfer` counted among the stored ones. A transfer
    /// without subject hashes is added to the window's kept answer as a recount would
    /// (`index::Transfer::add_to`), so judging it costs the same whatever the exporter's
    /// history; otherwise, or when that cannot be exact, the window is counted.
    fn volumes_with(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
        transfer: &TransferRecord,
    ) -> Result<Volumes, StoreError> {
        if transfer.volumes.iter().all(|v| v.subject_hashes.is_empty()) {
            let mut with = self.volumes(window, sets)?;
            if transfer.exporter != window.exporter {
                return Ok(with);
            }
            // Not stored: no `seq`s (only hashed entries are ever read back by them).
            let pending = index::Transfer::recorded(0, transfer, &vec![0; transfer.volumes.len()]);
            if pending.add_to(&mut with, window, sets) {
                return Ok(with);
            }
        }
        self.count(window, sets, Some(transfer), false)
    }

    /// Refuses a record whose categories were recorded in another unit before, as
    /// [`record_transfer`](Self::record_transfer) does, without writing anything.
    pub(super) fn check_units(&mut self, record: &TransferRecord) -> Result<(), StoreError> {
        for (i, entry) in record.volumes.iter().enumerate() {
            let Some(unit) = self.recorded_unit(&entry.category, entry.collected_in)? else {
                continue;
            };
            if unit != entry.unit {
                return Err(self.invalid(
                    record,
                    format!("volumes[{i}].unit"),
                    format!(
                        "is `{}` but `{}` collected in `{}` is recorded in `{unit}` in this store",
                        entry.unit,
                        entry.category,
                        place_str(entry.collected_in)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The unit `category` collected in `collected_in` is recorded in, if it was ever recorded:
    /// read once per transaction (see `Tx::units`).
    pub(super) fn recorded_unit(
        &mut self,
        category: &str,
        collected_in: Option<CollectedIn>,
    ) -> Result<Option<Unit>, StoreError> {
        let place = place_str(collected_in);
        if let Some(unit) = self.units.get(&(category.to_owned(), place)) {
            return Ok(Some(*unit));
        }
        let unit: Option<String> = self
            .tx
            .query_opt(
                "SELECT unit FROM category_unit WHERE category = ?1 AND collected_in = ?2",
                params![category, place],
            )
            .and_then(|row| row.map(|mut row| row.text(0)).transpose())
            .map_err(db_error(self.path, "read a category's unit"))?;
        let Some(unit) = unit else {
            return Ok(None);
        };
        let unit = Unit::parse(&unit).ok_or_else(|| {
            self.corrupt(format!(
                "category `{category}` collected in `{place}` has the unit `{unit}`"
            ))
        })?;
        self.units.insert((category.to_owned(), place), unit);
        Ok(Some(unit))
    }

    /// Counts `window` over the stored transfers and `pending` (a transfer being judged, not
    /// recorded), or over `pending` alone.
    fn count(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
        pending: Option<&TransferRecord>,
        alone: bool,
    ) -> Result<Volumes, StoreError> {
        self.count_with(window, sets, pending, alone)
            .map(|(volumes, _)| volumes)
    }

    fn count_with(
        &mut self,
        window: &Window,
        sets: &[CategorySet],
        pending: Option<&TransferRecord>,
        alone: bool,
    ) -> Result<(Volumes, bool), StoreError> {
        let (mut transfers, mut rows, from_index) = if alone {
            (0, Vec::new(), true)
        } else {
            self.stored_rows(window)?
        };
        let cheap = from_index && rows.iter().all(|r| r.hashed == 0);
        if let Some(pending) = pending.filter(|p| in_window(window, p)) {
            transfers = transfers.saturating_add(1);
            for entry in pending.volumes.iter().filter(|e| counts_in(window, e)) {
                rows.push(Row {
                    // Stored transfers have positive `seq`s.
                    transfer: 0,
                    individuals: pending.individuals,
                    category: entry.category.clone(),
                    unit: entry.unit,
                    count: entry.count,
                    hashed: u64::try_from(entry.subject_hashes.len()).unwrap_or(u64::MAX),
                    hashes: Hashes::Given(entry.subject_hashes.as_slice()),
                });
            }
        }
        // Entries of one transfer share its run: read it once per transfer.
        let mut run: Option<(i64, Vec<SubjectHash>)> = None;
        let (categories, sets) =
            count::count(&rows, sets, |entry| self.stored_hashes(entry, &mut run))?;
        Ok((
            Volumes {
                window: window.clone(),
                transfers,
                categories,
                sets,
            },
            cheap,
        ))
    }

    /// The stored transfers in `window` and the entries that count in it: from the exporter's
    /// index (with the transfers this transaction recorded for the exporter) when it may be
    /// used, else from SQLite; and whether from the index.
    fn stored_rows(
        &mut self,
        window: &Window,
    ) -> Result<(u64, Vec<Row<'static>>, bool), StoreError> {
        if !self.cache.use_index || self.deleted {
            let (transfers, rows) = self.query_rows(window)?;
            return Ok((transfers, rows, false));
        }
        // An exporter this transaction has recorded nothing for reads only committed rows, so
        // its index may be loaded now.
        let own = self
            .recorded_transfers
            .iter()
            .any(|(exporter, _)| *exporter == window.exporter);
        if !own && let Some(index) = self.exporter_index(&window.exporter)? {
            let (transfers, rows) = index.window(window);
            return Ok((transfers, rows, true));
        }
        // After recording, an index loaded earlier still holds every committed transfer; this
        // transaction's own are added to it (a batch of filings judged in one transaction).
        if let Some(index) = self.cache.index.get(&window.exporter) {
            let (mut transfers, mut rows) = index.window(window);
            for (exporter, transfer) in &self.recorded_transfers {
                if *exporter == window.exporter && transfer.add_rows_if_in(window, &mut rows) {
                    transfers += 1;
                }
            }
            return Ok((transfers, rows, true));
        }
        let (transfers, rows) = self.query_rows(window)?;
        Ok((transfers, rows, false))
    }

    /// The index of `exporter`'s committed transfers, loaded when the exporter is looked up
    /// in a transaction of this handle after [`INDEX_AFTER`] others; `None` before that and for
    /// an exporter too large to hold.
    fn exporter_index(&mut self, exporter: &str) -> Result<Option<&ExporterIndex>, StoreError> {
        if self.cache.too_big.contains(exporter) {
            return Ok(None);
        }
        if !self.cache.index.contains_key(exporter) {
            let generation = self.cache.generation;
            let transactions = match self.cache.seen.get_mut(exporter) {
                Some((last, count)) => {
                    if *last != generation {
                        *last = generation;
                        *count = count.saturating_add(1);
                    }
                    *count
                }
                None => {
                    if self.cache.seen.len() >= SEEN_CAPACITY {
                        self.cache.seen.clear();
                    }
                    self.cache.seen.insert(exporter.to_owned(), (generation, 1));
                    1
                }
            };
            if transactions <= INDEX_AFTER {
                return Ok(None);
            }
            let index = ExporterIndex::load(&self.tx, self.path, exporter)?;
            if index.rows() > INDEX_CAPACITY {
                self.cache.too_big.insert(exporter.to_owned());
                return Ok(None);
            }
            if self.cache.indexed + index.rows() > INDEX_CAPACITY {
                self.cache.index.clear();
                self.cache.indexed = 0;
            }
            self.cache.indexed += index.rows();
            self.cache.index.insert(exporter.to_owned(), index);
        }
        Ok(self.cache.index.get(exporter))
    }

    /// [`stored_rows`](Self::stored_rows) from the database.
    fn query_rows(&self, window: &Window) -> Result<(u64, Vec<Row<'static>>), StoreError> {
        let path = self.path;
        let fail = || db_error(path, "list the volumes of a window");
        let (transfers_sql, entries_sql) = window_queries(window);
        let from = window.from.to_string();
        let to = window.to.to_string();
        let found = match &window.counterparty {
            Some(counterparty) => self.tx.query(
                &transfers_sql,
                params![&window.exporter, &from, &to, counterparty],
            ),
            None => self
                .tx
                .query(&transfers_sql, params![&window.exporter, &from, &to]),
        }
        .map_err(fail())?;
        let transfers: Vec<(i64, Option<i64>)> = found
            .iter()
            .map(|row| Ok((row.int(0)?, row.opt_int(1)?)))
            .collect::<Result<_, DbError>>()
            .map_err(fail())?;
        let mut rows = Vec::new();
        for &(transfer, individuals) in &transfers {
            for mut row in self
                .tx
                .query(&entries_sql, params![transfer])
                .map_err(fail())?
            {
                let read = |row: &mut db::Row| -> Result<_, DbError> {
                    Ok(Row {
                        transfer,
                        individuals: individuals.map(to_u64),
                        category: row.text(1)?,
                        // The schema's CHECK constraints admit only the names `parse` knows.
                        unit: Unit::parse(row.str(2)?).unwrap_or(Unit::Individuals),
                        count: to_u64(row.int(3)?),
                        hashed: to_u64(row.int(4)?),
                        hashes: Hashes::Stored(row.int(0)?),
                    })
                };
                rows.push(read(&mut row).map_err(fail())?);
            }
        }
        Ok((u64::try_from(transfers.len()).unwrap_or(u64::MAX), rows))
    }

    /// The hashes of the stored entry `entry`, checked to be sorted and distinct (the counts
    /// rely on it): its members of its transfer's run (read into `run` unless it holds that
    /// transfer's already), or, for entries recorded before migration 0006, its own run.
    fn stored_hashes(
        &self,
        entry: i64,
        run: &mut Option<(i64, Vec<SubjectHash>)>,
    ) -> Result<Vec<SubjectHash>, StoreError> {
        let path = self.path;
        let members = self
            .tx
            .query_opt(
                "SELECT e.transfer, m.members, e.hash_count
                 FROM entry_members m JOIN volume_entry e ON e.seq = m.entry
                 WHERE m.entry = ?1",
                params![entry],
            )
            .and_then(|row| {
                row.map(|mut row| Ok((row.int(0)?, row.opt_blob(1)?, row.int(2)?)))
                    .transpose()
            })
            .map_err(db_error(path, "read subject hashes"))?;
        let Some((transfer, members, hash_count)) = members else {
            return self.read_run(
                "SELECT hashes FROM subject_hashes WHERE entry = ?1 ORDER BY chunk",
                entry,
                &format!("volume entry {entry}"),
            );
        };
        if run.as_ref().is_none_or(|(t, _)| *t != transfer) {
            let hashes = self.read_run(
                "SELECT hashes FROM transfer_hashes WHERE transfer = ?1 ORDER BY chunk",
                transfer,
                &format!("transfer {transfer}"),
            )?;
            *run = Some((transfer, hashes));
        }
        let all = run.as_ref().map_or(&[][..], |(_, h)| h.as_slice());
        let hashes: Vec<SubjectHash> = match members {
            None => all.to_vec(),
            Some(bits) => {
                if bits.len() != all.len().div_ceil(8) {
                    return Err(self.corrupt(format!(
                        "the membership bitmap of volume entry {entry} does not fit its \
                         transfer's {} hashes",
                        all.len()
                    )));
                }
                all.iter()
                    .enumerate()
                    .filter(|(i, _)| bits.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
                    .map(|(_, h)| *h)
                    .collect()
            }
        };
        if i64::try_from(hashes.len()).ok() != Some(hash_count) {
            return Err(self.corrupt(format!(
                "volume entry {entry} says it has {hash_count} subject hashes but holds {}",
                hashes.len()
            )));
        }
        Ok(hashes)
    }

    /// A run of sorted, distinct 16-byte hashes stored in chunks by `sql` for `key`.
    fn read_run(&self, sql: &str, key: i64, what: &str) -> Result<Vec<SubjectHash>, StoreError> {
        let path = self.path;
        let rows = self
            .tx
            .query(sql, params![key])
            .map_err(db_error(path, "read subject hashes"))?;
        let mut hashes: Vec<SubjectHash> = Vec::new();
        for row in &rows {
            let value = row
                .bytes(0)
                .map_err(db_error(path, "read subject hashes"))?;
            // The schema admits only blobs of whole 16-byte hashes.
            let (whole, rest) = value.as_chunks::<16>();
            if !rest.is_empty() {
                return Err(self.corrupt(format!(
                    "the subject hashes of {what} are not 16-byte values"
                )));
            }
            hashes.reserve(whole.len());
            hashes.extend(whole.iter().map(|b| SubjectHash(u128::from_be_bytes(*b))));
        }
        if hashes.windows(2).any(|w| w.first() >= w.last()) {
            return Err(self.corrupt(format!(
                "the subject hashes of {what} are not sorted and distinct"
            )));
        }
        Ok(hashes)
    }
}
