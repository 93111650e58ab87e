//! Finishing what a crash left between recording a transfer and confirming its log entry (the
//! store's outbox), before anything new is assessed.

use freeport_store::{Store, TransferId};

use crate::error::{AssessError, AtStage, Stage};
use crate::home::PortLog;

/// What recovery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Transfers whose entry was in the log: now marked logged.
    pub confirmed: Vec<(TransferId, u64)>,
    /// Transfers whose entry never reached the log: removed with their entry.
    pub abandoned: Vec<TransferId>,
}

/// Confirms or abandons every queued log entry: an entry already in the log is marked with its
/// index; one that is not is abandoned with its transfer, because the run that queued it
/// stopped before it could deliver a package.
///
/// # Errors
///
/// The store or the log fails.
pub fn recover(store: &mut Store, log: &PortLog) -> Result<Recovered, AssessError> {
    let pending = store.pending_log_entries().at(Stage::Home)?;
    let mut recovered = Recovered::default();
    for entry in pending {
        match log.find_recent(&entry.entry).at(Stage::Home)? {
            Some(index) => {
                store.mark_logged(&entry.transfer, index).at(Stage::Home)?;
                recovered.confirmed.push((entry.transfer, index));
            }
            None => {
                store.abandon_unlogged(&entry.transfer).at(Stage::Home)?;
                recovered.abandoned.push(entry.transfer);
            }
        }
    }
    Ok(recovered)
}
