//! Stage 6c, **log**: the recorded transfer's entry appended to the port's log (checkpoint
//! signed and cosigned), the store told its index, the receipt built.

use freeport_store::{Store, TransferId};

use crate::error::{AssessError, AtStage, Cause, Stage};
use crate::home::PortLog;
use crate::pipeline::Logged;

/// Stage 6c, first half: appends `entry` of the recorded transfer `id`. A failed append
/// removes the transfer again where the log lacks the entry ([`unappended`]).
pub(crate) fn append(
    store: &mut Store,
    log: &mut PortLog,
    id: &TransferId,
    entry: &[u8],
) -> Result<u64, AssessError> {
    let index = match log.append(entry) {
        Ok(index) => index,
        Err(e) => return Err(unappended(store, log, id, entry, e)),
    };
    crate::fault::abort_at("after-append");
    Ok(index)
}

/// Stage 6c, second half: the receipt for the entry at `index`, the store told the index, and
/// where the entry sits for the report.
pub(crate) fn logged(
    store: &mut Store,
    log: &mut PortLog,
    id: &TransferId,
    index: u64,
) -> Result<Logged, AssessError> {
    let receipt = log.receipt(index).at(Stage::Log)?;
    store.mark_logged(id, index).at(Stage::Log)?;
    crate::fault::abort_at("after-mark");
    let (checkpoint_size, root_hash) = log.head();
    Ok(Logged {
        origin: log.origin().to_owned(),
        index,
        checkpoint_size,
        root_hash,
        receipt,
    })
}

/// A log append that failed: if the entry is not in the log the transfer is removed again, so
/// that nothing is recorded; if that cannot be settled, the error says the transfer is recorded
/// and the next run settles it.
pub(crate) fn unappended(
    store: &mut Store,
    log: &PortLog,
    id: &TransferId,
    entry: &[u8],
    error: freeport_tlog::Error,
) -> AssessError {
    let absent = matches!(log.find_recent(entry), Ok(None));
    if absent && store.abandon_unlogged(id).is_ok() {
        return AssessError::at(Stage::Log, error);
    }
    AssessError::at(
        Stage::Log,
        Cause::Unsettled {
            transfer_id: id.as_str().to_owned(),
            cause: Box::new(error.into()),
        },
    )
}
