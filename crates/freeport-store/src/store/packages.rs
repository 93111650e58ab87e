//! Packages staged by a recording transaction and delivered (or declared lost) after the log
//! entry is appended.

use super::{Tx, db_error, to_u64};
use crate::StoreError;
use crate::db::params;
use crate::model::{LogState, StagedPackage, TransferId};

impl Tx<'_> {
    /// Notes where the package of a transfer whose log entry is queued is staged: the
    /// directory holding its encrypted payload and manifest body, until the package is in place.
    /// Called in the transaction that records the transfer, so that no crash can leave a
    /// recorded transfer whose package nobody looks for.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if no entry is queued for it or
    /// a package was already staged, database failures.
    pub fn stage_package(
        &mut self,
        transfer: &TransferId,
        staging: &str,
    ) -> Result<(), StoreError> {
        let seq = self.transfer_seq(transfer)?;
        let changed = self
            .tx
            .execute(
                "UPDATE log_outbox SET staging = ?2, delivery = 'staged', delivery_at = ?3
                 WHERE transfer = ?1 AND delivery IS NULL",
                params![seq, staging, &jiff::Timestamp::now().to_string()],
            )
            .map_err(db_error(self.path, "note a staged package"))?;
        if changed == 0 {
            return Err(self.log_error(transfer, "has no queued log entry to stage a package for"));
        }
        Ok(())
    }

    /// Transfers whose package is staged and not yet in place, oldest first.
    ///
    /// # Errors
    ///
    /// the database fails.
    pub fn staged_packages(&mut self) -> Result<Vec<StagedPackage>, StoreError> {
        let path = self.path;
        self.tx
            .query(
                "SELECT t.id, o.staging, o.log_index, o.entry FROM log_outbox o
                 JOIN transfer t ON t.seq = o.transfer
                 WHERE o.delivery = 'staged' ORDER BY o.transfer",
                &[],
            )
            .and_then(|rows| {
                rows.into_iter()
                    .map(|mut row| {
                        Ok(StagedPackage {
                            transfer: TransferId(row.text(0)?),
                            staging: row.opt_text(1)?.unwrap_or_default(),
                            log_index: row.opt_int(2)?.map(to_u64),
                            entry: row.blob(3)?,
                        })
                    })
                    .collect()
            })
            .map_err(db_error(path, "list staged packages"))
    }

    /// Notes that the staged package of a logged transfer is in place.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if its entry is not logged or
    /// no package of it is staged, database failures.
    pub fn mark_delivered(&mut self, transfer: &TransferId) -> Result<(), StoreError> {
        self.set_delivery(transfer, "delivered")
    }

    /// Notes that the staged package of a logged transfer is lost for good (an operator's
    /// decision): the transfer stays recorded and logged, and recovery stops looking for it.
    ///
    /// # Errors
    ///
    /// As [`Tx::mark_delivered`].
    pub fn mark_package_lost(&mut self, transfer: &TransferId) -> Result<(), StoreError> {
        self.set_delivery(transfer, "lost")
    }

    fn set_delivery(&mut self, transfer: &TransferId, state: &str) -> Result<(), StoreError> {
        let seq = self.transfer_seq(transfer)?;
        if !matches!(self.log_state(seq)?, LogState::Logged(_)) {
            return Err(self.log_error(transfer, "is not logged"));
        }
        let changed = self
            .tx
            .execute(
                "UPDATE log_outbox SET delivery = ?2, delivery_at = ?3
                 WHERE transfer = ?1 AND delivery = 'staged'",
                params![seq, state, &jiff::Timestamp::now().to_string()],
            )
            .map_err(db_error(self.path, "note a package's delivery"))?;
        if changed == 0 {
            return Err(self.log_error(transfer, "has no staged package"));
        }
        Ok(())
    }
}
