//! Recorded transfers' kept reports (migration 12): written with the transfer, their place in
//! the log added once the entry is appended, read back by `freeport report ID`.

use super::{Tx, db_error};
use crate::StoreError;
use crate::db::params;
use crate::model::{KeptReport, ReportLookup, TransferId};

impl Tx<'_> {
    /// Keeps `report` for the recorded transfer `transfer`, normally in the transaction that
    /// records it.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], [`StoreError::LogState`] if a report is already kept
    /// for it, database failures.
    pub fn keep_report(
        &mut self,
        transfer: &TransferId,
        report: &KeptReport,
    ) -> Result<(), StoreError> {
        let seq = self.transfer_seq(transfer)?;
        if self.report_row(seq)?.is_some() {
            return Err(self.log_error(transfer, "already has a kept report"));
        }
        self.tx
            .execute(
                "INSERT INTO transfer_report (transfer, report, sha256, generated_on, log)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    seq,
                    &report.report,
                    &report.sha256,
                    &report.generated_on.to_string(),
                    report.log.as_deref(),
                ],
            )
            .map_err(db_error(self.path, "keep a report"))?;
        Ok(())
    }

    /// Adds the report's place in the log (`log`, the report's JSON of it) to the kept report
    /// of `transfer`, once its entry is appended. Returns whether a report was kept for it (a
    /// transfer recorded without one, by `freeport judge --record`, has none to complete).
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownTransfer`], database failures.
    pub fn set_report_log(&mut self, transfer: &TransferId, log: &str) -> Result<bool, StoreError> {
        let seq = self.transfer_seq(transfer)?;
        let changed = self
            .tx
            .execute(
                "UPDATE transfer_report SET log = ?2 WHERE transfer = ?1",
                params![seq, log],
            )
            .map_err(db_error(self.path, "note a report's place in the log"))?;
        Ok(changed > 0)
    }

    /// The kept report of `transfer`, if any.
    ///
    /// # Errors
    ///
    /// the database fails.
    pub fn transfer_report(&self, transfer: &TransferId) -> Result<ReportLookup, StoreError> {
        let seq = match self.transfer_seq(transfer) {
            Ok(seq) => seq,
            Err(StoreError::UnknownTransfer { .. }) => return Ok(ReportLookup::NoSuchTransfer),
            Err(e) => return Err(e),
        };
        Ok(self
            .report_row(seq)?
            .map_or(ReportLookup::NotKept, ReportLookup::Kept))
    }

    fn report_row(&self, seq: i64) -> Result<Option<KeptReport>, StoreError> {
        let path = self.path;
        let row = self
            .tx
            .query_opt(
                "SELECT report, sha256, generated_on, log FROM transfer_report WHERE transfer = ?1",
                params![seq],
            )
            .and_then(|row| {
                row.map(|mut r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.opt_text(3)?)))
                    .transpose()
            })
            .map_err(db_error(path, "read a kept report"))?;
        row.map(|(report, sha256, day, log)| {
            let generated_on = day
                .parse()
                .map_err(|_| self.corrupt(format!("kept report dated `{day}`, not a day")))?;
            Ok(KeptReport {
                report,
                sha256,
                generated_on,
                log,
            })
        })
        .transpose()
    }
}
