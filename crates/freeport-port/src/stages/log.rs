//! Stage 6c, **log**: the recorded transfer's entry appended to the port's log (checkpoint
//! signed and cosigned), the store told its index, the receipt built, the package finished with
//! it and the outputs rendered. From the append on the transfer is recorded and logged: a
//! failure keeps the staging for recovery ([`Kept`]) and says so.

use std::path::PathBuf;

use freeport_store::{Store, TransferId};

use crate::error::{AssessError, AtStage, Cause, Stage};
use crate::home::PortLog;
use freeport_policy::Decision;
use freeport_report::Lang;
use freeport_seal::Prepared;
use freeport_tlog::entry::{Entry, EntryType};

use crate::layout::HomeLayout;
use crate::pipeline::{Assessment, Logged, Outcome, Output, Package};
use crate::stages::report::Bound;
use crate::stages::seal::Sealer;

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
    let (checkpoint_size, root_hash) = log.head();
    let logged = Logged {
        origin: log.origin().to_owned(),
        index,
        checkpoint_size,
        root_hash,
        receipt,
    };
    // The kept report learns its place in the log with the mark, so that `freeport report`
    // renders what this run delivers.
    let report_log = serde_json::to_string(&logged.report_log())
        .map_err(|e| AssessError::at(Stage::Log, Cause::Internal(e.to_string())))?;
    store
        .transaction(|tx| {
            tx.mark_logged(id, index)?;
            tx.set_report_log(id, &report_log).map(|_| ())
        })
        .at(Stage::Log)?;
    crate::fault::abort_at("after-mark");
    Ok(logged)
}

/// Logs a blocked decision (nothing recorded, no package): a `decision` entry `deny` for the
/// transfer `id` with each side's outcome and deciding citations as reasons and the packs (as
/// the port words a filing it clears, `port::cleared_entry`), `side` both, `package` null, and
/// the report's SHA-256 as bound to the log (`report_sha256`). Returns where it sits, for the
/// report.
pub(crate) fn refusal(
    log: &mut PortLog,
    id: &str,
    decision: &Decision,
    report: &Bound,
) -> Result<Logged, AssessError> {
    // The port's entry for a filing cleared at once, with the same reasons and packs, turned
    // into a refusal: `deny`, no package, the report's hash.
    let cleared = crate::port::cleared_entry(id, decision, &jiff::Timestamp::now().to_string())
        .map_err(|e| AssessError::at(Stage::Log, Cause::Internal(e.to_string())))?;
    let mut body = Entry::from_bytes(&cleared).at(Stage::Log)?.body().clone();
    body.insert("outcome".into(), "deny".into());
    body.insert("package".into(), serde_json::Value::Null);
    body.insert("report_sha256".into(), report.sha256.clone().into());
    let entry = Entry::new(EntryType::Decision, serde_json::Value::Object(body))
        .and_then(|e| e.to_bytes())
        .at(Stage::Log)?;
    let index = log.append(&entry).at(Stage::Log)?;
    let receipt = log.receipt(index).at(Stage::Log)?;
    let (checkpoint_size, root_hash) = log.head();
    Ok(Logged {
        origin: log.origin().to_owned(),
        index,
        checkpoint_size,
        root_hash,
        receipt,
    })
}

/// What finishing a logged transfer needs besides the transfer.
pub(crate) struct Finishing<'a> {
    pub log: &'a mut PortLog,
    pub sealer: &'a Sealer,
    pub home: &'a HomeLayout,
    /// The report as bound to the log.
    pub bound: &'a Bound,
    /// The language of `report.html`.
    pub lang: Lang,
}

/// The logged transfer's receipt, its package finished with it, the home's trust file, and the
/// outputs rendered; a failure keeps the staging for recovery ([`Kept::failed`]).
pub(crate) fn finish(
    mut assessment: Assessment,
    mut kept: Kept,
    prepared: Prepared,
    finishing: Finishing<'_>,
) -> Result<(Assessment, Vec<Output>, Kept), AssessError> {
    let Finishing {
        log,
        sealer,
        home,
        bound,
        lang,
    } = finishing;
    let mut prepared = Some(prepared);
    let finished = (|| {
        let logged = logged(&mut kept.store, log, &kept.id, kept.index)?;
        let sealed = prepared
            .take()
            .ok_or_else(|| AssessError::at(Stage::Seal, Cause::Internal("sealed twice".into())))?
            .finish(&logged.receipt)
            .at(Stage::Seal)?;
        assessment.outcome = Outcome::Recorded {
            log_index: kept.index,
            receipt: logged.receipt.clone(),
        };
        let trust = crate::stages::seal::write_home_trust(home, &sealer.keys, log)?;
        assessment.package = Some(Package {
            name: format!("{}.fdp", assessment.transfer_id),
            manifest_sha256: sealed.manifest_sha256,
            trust,
        });
        crate::stages::report::outputs(&assessment, bound, Some(&logged), lang)
    })();
    match finished {
        Ok(outputs) => Ok((assessment, outputs, kept)),
        Err(e) => Err(kept.failed(e, prepared)),
    }
}

/// A recorded and logged transfer's staging, kept once the entry is in the log: a failure
/// from there on keeps it for recovery to finish the package from.
pub(crate) struct Kept {
    /// The store, which marks the transfer delivered at the end.
    pub store: Store,
    /// The staging directory as the store holds it (canonical).
    pub staged: PathBuf,
    /// The staging directory.
    pub dir: PathBuf,
    /// The transfer.
    pub id: TransferId,
    /// Its entry's index in the log.
    pub index: u64,
}

impl Kept {
    /// The error of a run that failed after the log append: the encrypted payload (`prepared`,
    /// if not finished) stays, the staging directory is renamed out of the sweep's reach (these
    /// are a recorded transfer's only outputs, and recovery looks for them there), and the
    /// error says the transfer is recorded.
    pub(crate) fn failed(self, e: AssessError, prepared: Option<Prepared>) -> AssessError {
        if let Some(prepared) = prepared {
            let _ = prepared.keep();
        }
        let kept = crate::recover::kept_dir(&self.staged, &self.id);
        let kept = match std::fs::rename(&self.dir, &kept) {
            Ok(()) => kept,
            Err(_) => self.dir,
        };
        AssessError::at(
            e.stage,
            Cause::Recorded {
                transfer_id: self.id.as_str().to_owned(),
                log_index: self.index,
                kept: kept.display().to_string(),
                cause: e.cause,
            },
        )
    }
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
