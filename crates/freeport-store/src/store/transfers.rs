//! Recording transfers (validated, all or nothing) and listing them with their volumes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::{CHUNK, Tx, db_error, to_i64, to_u64};
use crate::StoreError;
use crate::count;
use crate::db::{DbError, Row, params};
use crate::error::InvalidTransfer;
use crate::index;
use crate::model::{
    CategorySet, CollectedIn, EntrySummary, Form, HistoryEntry, HistoryFilter, LogState,
    RulePackRef, SubjectHash, TransferId, TransferRecord, TransferSummary, Unit, Window, place_str,
};

/// The membership bitmap of `subset` (sorted, distinct, drawn from `run`) over `run` (sorted,
/// distinct): bit i, least significant first in byte i / 8, is set when `run[i]` is in `subset`.
fn members_of(run: &[SubjectHash], subset: &[SubjectHash]) -> Vec<u8> {
    let mut bits = vec![0_u8; run.len().div_ceil(8)];
    let mut at = 0;
    for hash in subset {
        // Both ascend, so each member is found by walking forward.
        while run.get(at).is_some_and(|h| h < hash) {
            at += 1;
        }
        if let Some(byte) = bits.get_mut(at / 8) {
            *byte |= 1 << (at % 8);
        }
        at += 1;
    }
    bits
}

impl Tx<'_> {
    pub(super) fn invalid(
        &self,
        record: &TransferRecord,
        field: String,
        reason: String,
    ) -> StoreError {
        StoreError::InvalidTransfer(Box::new(InvalidTransfer {
            path: self.path.to_owned(),
            id: record.id.0.clone(),
            field,
            reason,
        }))
    }

    pub(super) fn validate(&self, record: &TransferRecord) -> Result<(), StoreError> {
        let fail = |field: &str, reason: &str| {
            Err(self.invalid(record, field.to_owned(), reason.to_owned()))
        };
        for (field, value) in [
            ("id", record.id.as_str()),
            ("exporter", record.exporter.as_str()),
            ("counterparty", record.counterparty.as_str()),
        ] {
            if value.trim().is_empty() {
                return fail(field, "is empty");
            }
        }
        for (field, value) in [
            ("origin", &record.origin),
            ("destination", &record.destination),
        ] {
            if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase()) {
                return fail(
                    field,
                    "is not an ISO 3166-1 alpha-2 country code such as `CN`",
                );
            }
        }
        let limit = u64::try_from(i64::MAX).unwrap_or(u64::MAX);
        let mut seen = BTreeSet::new();
        let mut units: BTreeMap<(&str, Option<CollectedIn>), Unit> = BTreeMap::new();
        let mut people: Vec<&[SubjectHash]> = Vec::new();
        let mut most = 0;
        for (i, entry) in record.volumes.iter().enumerate() {
            let at = |part: &str| format!("volumes[{i}].{part}");
            if entry.category.trim().is_empty() {
                return Err(self.invalid(record, at("category"), "is empty".to_owned()));
            }
            if entry.count > limit {
                return Err(self.invalid(record, at("count"), "is too large".to_owned()));
            }
            let hashes = u64::try_from(entry.subject_hashes.len()).unwrap_or(u64::MAX);
            if hashes > entry.count {
                return Err(self.invalid(
                    record,
                    at("subject_hashes"),
                    format!(
                        "has {hashes} distinct hashes but `count` is {}: each hash is one individual",
                        entry.count
                    ),
                ));
            }
            if !seen.insert((entry.category.as_str(), entry.state, entry.collected_in)) {
                return Err(self.invalid(
                    record,
                    at("category"),
                    format!(
                        "`{}` appears twice with state `{}` collected in `{}`",
                        entry.category,
                        entry.state,
                        place_str(entry.collected_in)
                    ),
                ));
            }
            if let Some(unit) = units.insert((&entry.category, entry.collected_in), entry.unit)
                && unit != entry.unit
            {
                return Err(self.invalid(
                    record,
                    at("unit"),
                    format!(
                        "is `{}` but another entry of `{}` collected in `{}` counts `{unit}`",
                        entry.unit,
                        entry.category,
                        place_str(entry.collected_in)
                    ),
                ));
            }
            if entry.unit == Unit::Individuals {
                most = most.max(entry.count);
                people.push(entry.subject_hashes.as_slice());
            }
        }
        if let Some(individuals) = record.individuals {
            if individuals > limit {
                return fail("individuals", "is too large");
            }
            // Merging is linear but not free: skip it when even every hash apart fits.
            let at_most = people.iter().fold(0_u64, |sum, p| {
                sum.saturating_add(u64::try_from(p.len()).unwrap_or(u64::MAX))
            });
            let hashed = if individuals >= at_most {
                0
            } else {
                count::union_len(&people)
            };
            if individuals < most || individuals < hashed {
                return Err(self.invalid(
                    record,
                    "individuals".to_owned(),
                    format!(
                        "is {individuals}, fewer than one category's count ({most}) or the distinct subject hashes ({hashed})"
                    ),
                ));
            }
        }
        let mut packs = BTreeSet::new();
        for (i, pack) in record.rule_packs.iter().enumerate() {
            if !packs.insert(pack.name.as_str()) {
                return Err(self.invalid(
                    record,
                    format!("rule_packs[{i}].name"),
                    format!("`{}` appears twice", pack.name),
                ));
            }
        }
        Ok(())
    }

    /// Records one transfer: its parties, date, direction, per-category volumes with their
    /// subject hashes, decision and rule packs. All or nothing: it is part of this transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::DuplicateTransfer`] if the id is already recorded (recording is not
    /// idempotent: a second record would count the same people twice);
    /// [`StoreError::InvalidTransfer`] naming the field at fault (empty ids, a country code that
    /// is not alpha-2, more hashes than `count`, a category twice with one state, a category whose
    /// unit differs from the unit it was recorded with before, `individuals` below a category's
    /// count); SQLite failures.
    pub fn record_transfer(&mut self, record: &TransferRecord) -> Result<TransferId, StoreError> {
        self.validate(record)?;
        self.recorded = true;
        let path = self.path;
        let tx = &self.tx;
        let exists = tx
            .query_opt(
                "SELECT 1 FROM transfer WHERE id = ?1",
                params![record.id.as_str()],
            )
            .map_err(db_error(path, "look up the transfer id"))?;
        if exists.is_some() {
            return Err(StoreError::DuplicateTransfer {
                path: path.to_owned(),
                id: record.id.0.clone(),
            });
        }
        // A category keeps the unit it was first recorded in (the record's own entries agree,
        // `validate`): checked before anything is written, and only a category never recorded
        // is written.
        self.check_units(record)?;
        for entry in &record.volumes {
            if self
                .recorded_unit(&entry.category, entry.collected_in)?
                .is_some()
            {
                continue;
            }
            let place = place_str(entry.collected_in);
            self.tx
                .execute(
                    "INSERT INTO category_unit (category, collected_in, unit) VALUES (?1, ?2, ?3)
                     ON CONFLICT DO NOTHING",
                    params![&entry.category, place, entry.unit.as_str()],
                )
                .map_err(db_error(path, "record a category's unit"))?;
            self.units
                .insert((entry.category.clone(), place), entry.unit);
        }
        let tx = &self.tx;
        let date = record.date.to_string();
        let now = jiff::Timestamp::now().to_string();
        let transfer = tx
            .query_one(
                "INSERT INTO transfer (id, exporter, counterparty, date, origin, destination,
                                       individuals, decision, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 RETURNING seq",
                params![
                    record.id.as_str(),
                    &record.exporter,
                    &record.counterparty,
                    &date,
                    &record.origin,
                    &record.destination,
                    record.individuals.map(to_i64),
                    &record.decision_json,
                    &now
                ],
            )
            .and_then(|row| row.int(0))
            .map_err(db_error(path, "record the transfer"))?;
        // The transfer's distinct hashes once, each entry a bitmap over them (migration 0006).
        let run = count::union(
            record
                .volumes
                .iter()
                .map(|e| Cow::Borrowed(e.subject_hashes.as_slice()))
                .collect(),
        );
        let mut bytes = Vec::new();
        for (chunk, hashes) in (0_i64..).zip(run.chunks(CHUNK)) {
            bytes.clear();
            bytes.extend(hashes.iter().flat_map(|h| h.0.to_be_bytes()));
            tx.execute(
                "INSERT INTO transfer_hashes (transfer, chunk, hashes) VALUES (?1, ?2, ?3)",
                params![transfer, chunk, &bytes[..]],
            )
            .map_err(db_error(path, "record subject hashes"))?;
        }
        let mut entry_seqs = Vec::with_capacity(record.volumes.len());
        for entry in &record.volumes {
            let entry_seq = tx
                .query_one(
                    "INSERT INTO volume_entry (transfer, category, unit, state, collected_in,
                                               count, hash_count)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     RETURNING seq",
                    params![
                        transfer,
                        &entry.category,
                        entry.unit.as_str(),
                        entry.state.as_str(),
                        place_str(entry.collected_in),
                        to_i64(entry.count),
                        i64::try_from(entry.subject_hashes.len()).unwrap_or(i64::MAX)
                    ],
                )
                .and_then(|row| row.int(0))
                .map_err(db_error(path, "record a volume"))?;
            entry_seqs.push(entry_seq);
            let hashes = entry.subject_hashes.as_slice();
            if !hashes.is_empty() {
                let members = (hashes.len() != run.len()).then(|| members_of(&run, hashes));
                tx.execute(
                    "INSERT INTO entry_members (entry, members) VALUES (?1, ?2)",
                    params![entry_seq, members.as_ref()],
                )
                .map_err(db_error(path, "record subject hashes"))?;
            }
        }
        for pack in &record.rule_packs {
            tx.execute(
                "INSERT INTO rule_pack (transfer, name, version, hash) VALUES (?1, ?2, ?3, ?4)",
                params![transfer, &pack.name, &pack.version, &pack.hash],
            )
            .map_err(db_error(path, "record a rule pack"))?;
        }
        self.recorded_seqs.push((record.id.clone(), transfer));
        self.recorded_transfers.push((
            record.exporter.clone(),
            index::Transfer::recorded(transfer, record, &entry_seqs),
        ));
        Ok(record.id.clone())
    }

    /// Recorded transfers (oldest first: by date, then by order of recording), filtered by
    /// exporter and counterparty, each with the cumulative volumes of both windows at its date:
    /// China's with the category sets `cn_sets`, the US window per category.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn history(
        &mut self,
        filter: &HistoryFilter,
        cn_sets: &[CategorySet],
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let path = self.path;
        let fail = || db_error(path, "list transfers");
        let rows = self
            .tx
            .query(
                "SELECT t.seq, t.id, t.exporter, t.counterparty, t.date, t.origin,
                        t.destination, o.transfer IS NOT NULL, o.log_index
                 FROM transfer t LEFT JOIN log_outbox o ON o.transfer = t.seq
                 WHERE (CAST(?1 AS TEXT) IS NULL OR t.exporter = ?1)
                   AND (CAST(?2 AS TEXT) IS NULL OR t.counterparty = ?2)
                 ORDER BY t.date, t.seq",
                params![&filter.exporter, &filter.counterparty],
            )
            .map_err(fail())?;
        let mut transfers = Vec::with_capacity(rows.len());
        for mut row in rows {
            let read = |row: &mut Row| -> Result<_, DbError> {
                Ok((
                    row.int(0)?,
                    row.text(1)?,
                    row.text(2)?,
                    row.text(3)?,
                    row.text(4)?,
                    row.text(5)?,
                    row.text(6)?,
                    match (row.bool(7)?, row.opt_int(8)?) {
                        (false, _) => LogState::NotLogged,
                        (true, None) => LogState::Pending,
                        (true, Some(index)) => LogState::Logged(to_u64(index)),
                    },
                ))
            };
            transfers.push(read(&mut row).map_err(fail())?);
        }
        let mut history = Vec::with_capacity(transfers.len());
        for (seq, id, exporter, counterparty, date, origin, destination, log) in transfers {
            let date: Date = date.parse().map_err(|_| StoreError::Corrupt {
                path: path.to_owned(),
                detail: format!("transfer `{id}` has the date `{date}`"),
            })?;
            let volumes = self.entries(seq)?;
            let rule_packs = self.packs(seq)?;
            let cn = self.volumes(&Window::cn(&exporter, date), cn_sets)?;
            let us = self.volumes(&Window::us(&exporter, &counterparty, date), &[])?;
            history.push(HistoryEntry {
                transfer: TransferSummary {
                    id: TransferId(id),
                    exporter,
                    counterparty,
                    date,
                    origin,
                    destination,
                    volumes,
                    rule_packs,
                    log,
                },
                cn,
                us,
            });
        }
        Ok(history)
    }

    pub(super) fn transfer_seq(&self, id: &TransferId) -> Result<i64, StoreError> {
        self.tx
            .query_opt(
                "SELECT seq FROM transfer WHERE id = ?1",
                params![id.as_str()],
            )
            .and_then(|row| row.map(|r| r.int(0)).transpose())
            .map_err(db_error(self.path, "look up a transfer"))?
            .ok_or_else(|| StoreError::UnknownTransfer {
                path: self.path.to_owned(),
                id: id.0.clone(),
            })
    }

    fn entries(&self, transfer: i64) -> Result<Vec<EntrySummary>, StoreError> {
        let path = self.path;
        let fail = || db_error(path, "list volumes");
        let rows = self
            .tx
            .query(
                "SELECT category, unit, state, collected_in, count, hash_count FROM volume_entry
                 WHERE transfer = ?1 ORDER BY category, state, collected_in",
                params![transfer],
            )
            .map_err(fail())?;
        let mut entries = Vec::with_capacity(rows.len());
        for mut row in rows {
            let read = |row: &mut Row| -> Result<_, DbError> {
                Ok(EntrySummary {
                    category: row.text(0)?,
                    // The schema's CHECK constraints admit only the names `parse` knows.
                    unit: Unit::parse(row.str(1)?).unwrap_or(Unit::Individuals),
                    state: Form::parse(row.str(2)?).unwrap_or(Form::Raw),
                    collected_in: CollectedIn::parse(row.str(3)?),
                    count: to_u64(row.int(4)?),
                    hashed: to_u64(row.int(5)?),
                })
            };
            entries.push(read(&mut row).map_err(fail())?);
        }
        Ok(entries)
    }

    fn packs(&self, transfer: i64) -> Result<Vec<RulePackRef>, StoreError> {
        let path = self.path;
        let fail = || db_error(path, "list rule packs");
        let rows = self
            .tx
            .query(
                "SELECT name, version, hash FROM rule_pack WHERE transfer = ?1 ORDER BY name",
                params![transfer],
            )
            .map_err(fail())?;
        rows.into_iter()
            .map(|mut row| {
                Ok(RulePackRef {
                    name: row.text(0)?,
                    version: row.text(1)?,
                    hash: row.text(2)?,
                })
            })
            .collect::<Result<_, DbError>>()
            .map_err(fail())
    }
}
