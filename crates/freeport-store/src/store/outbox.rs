//! The log outbox: a recorded transfer's log entry queued in its transaction, marked once
//! appended, or abandoned with its transfer when it can no longer be appended.

use super::{Tx, db_error, to_i64, to_u64};
use crate::StoreError;
use crate::db::params;
use crate::model::{LogState, PendingLogEntry, TransferId};

impl Tx<'_> {
    /// Where a recorded transfer's log entry stands; `None` when no such transfer is recorded.
    ///
    /// # Errors
    ///
    /// the database fails.
    pub fn transfer_log_state(&self, id: &TransferId) -> Result<Option<LogState>, StoreError> {
        match self.transfer_seq(id) {
            Ok(seq) => self.log_state(seq).map(Some),
            Err(StoreError::UnknownTransfer { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub(super) fn log_state(&self, seq: i64) -> Result<LogState, StoreError> {
        let row: Option<Option<i64>> = self
            .tx
            .query_opt(
                "SELECT log_index FROM log_outbox WHERE transfer = ?1",
                params![seq],
            )
            .and_then(|row| row.map(|row| row.opt_int(0)).transpose())
            .map_err(db_error(self.path, "read a log state"))?;
        Ok(match row {
            None => LogState::NotLogged,
            Some(None) => LogState::Pending,
            Some(Some(index)) => LogState::Logged(to_u64(index)),
        })
    }

    pub(super) fn log_error(&self, id: &TransferId, reason: &'static str) -> StoreError {
        StoreError::LogState {
            path: self.path.to_owned(),
            id: id.0.clone(),
            reason,
        }
    }

    /// Queues the transparency-log entry announcing a recorded transfer (step 1 of the outbox in
    /// the crate docs), normally in the transaction that records it.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if an entry is already queued or
    /// logged for it, database failures.
    pub fn queue_log_entry(
        &mut self,
        transfer: &TransferId,
        entry: &[u8],
    ) -> Result<(), StoreError> {
        // A transfer this transaction recorded needs no lookup of its key.
        let seq = match self
            .recorded_seqs
            .iter()
            .rev()
            .find(|(id, _)| id == transfer)
        {
            Some((_, seq)) => *seq,
            None => self.transfer_seq(transfer)?,
        };
        if self.log_state(seq)? != LogState::NotLogged {
            return Err(self.log_error(transfer, "already has a log entry"));
        }
        self.tx
            .execute(
                "INSERT INTO log_outbox (transfer, entry, queued_at) VALUES (?1, ?2, ?3)",
                params![seq, entry, &jiff::Timestamp::now().to_string()],
            )
            .map_err(db_error(self.path, "queue a log entry"))?;
        Ok(())
    }

    /// Log entries queued and not yet marked appended, oldest first.
    ///
    /// # Errors
    ///
    /// the database fails.
    pub fn pending_log_entries(&mut self) -> Result<Vec<PendingLogEntry>, StoreError> {
        let path = self.path;
        self.tx
            .query(
                "SELECT t.id, o.entry FROM log_outbox o JOIN transfer t ON t.seq = o.transfer
                 WHERE o.log_index IS NULL ORDER BY o.transfer",
                &[],
            )
            .and_then(|rows| {
                rows.into_iter()
                    .map(|mut row| {
                        Ok(PendingLogEntry {
                            transfer: TransferId(row.text(0)?),
                            entry: row.blob(1)?,
                        })
                    })
                    .collect()
            })
            .map_err(db_error(path, "list pending log entries"))
    }

    /// Marks a queued entry as appended at `index` in the log (step 3 of the outbox).
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if no entry is pending for it,
    /// database failures.
    pub fn mark_logged(&mut self, transfer: &TransferId, index: u64) -> Result<(), StoreError> {
        // One statement when the entry is pending (a filing batch marks hundreds); the lookups
        // below only name what is wrong otherwise.
        let marked = self
            .tx
            .execute(
                "UPDATE log_outbox SET log_index = ?2, appended_at = ?3
                 WHERE transfer = (SELECT seq FROM transfer WHERE id = ?1) AND log_index IS NULL",
                params![
                    transfer.as_str(),
                    to_i64(index),
                    &jiff::Timestamp::now().to_string()
                ],
            )
            .map_err(db_error(self.path, "mark a log entry appended"))?;
        if marked == 1 {
            return Ok(());
        }
        let seq = self.transfer_seq(transfer)?;
        if self.log_state(seq)? != LogState::Pending {
            return Err(self.log_error(transfer, "has no pending log entry"));
        }
        self.tx
            .execute(
                "UPDATE log_outbox SET log_index = ?2, appended_at = ?3 WHERE transfer = ?1",
                params![seq, to_i64(index), &jiff::Timestamp::now().to_string()],
            )
            .map_err(db_error(self.path, "mark a log entry appended"))?;
        Ok(())
    }

    /// Deletes a transfer whose log entry is still pending, with its volumes, hashes, rule packs
    /// and entry: for an append that can no longer happen. Logged transfers are never deleted.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if its entry is not pending,
    /// database failures.
    pub fn abandon_unlogged(&mut self, transfer: &TransferId) -> Result<(), StoreError> {
        let seq = self.transfer_seq(transfer)?;
        if self.log_state(seq)? != LogState::Pending {
            return Err(self.log_error(transfer, "has no pending log entry to abandon"));
        }
        // The counts change: answers read in this transaction from now on are not cacheable,
        // and the index is read afresh once it commits.
        self.recorded = true;
        self.deleted = true;
        for sql in [
            "DELETE FROM subject_hashes WHERE entry IN (SELECT seq FROM volume_entry WHERE transfer = ?1)",
            "DELETE FROM entry_members WHERE entry IN (SELECT seq FROM volume_entry WHERE transfer = ?1)",
            "DELETE FROM transfer_hashes WHERE transfer = ?1",
            "DELETE FROM volume_entry WHERE transfer = ?1",
            "DELETE FROM rule_pack WHERE transfer = ?1",
            "DELETE FROM transfer_report WHERE transfer = ?1",
            "DELETE FROM log_outbox WHERE transfer = ?1",
            "DELETE FROM transfer WHERE seq = ?1",
        ] {
            self.tx
                .execute(sql, params![seq])
                .map_err(db_error(self.path, "abandon an unlogged transfer"))?;
        }
        Ok(())
    }
}
