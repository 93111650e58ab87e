//! Finishing what a crash left, before anything new is assessed: entries between recording a
//! transfer and confirming it in the log (the store's outbox), and packages of logged transfers
//! that never reached their output directory.
//!
//! A run stages its package in a directory beside its outputs
//! (`OUT/.freeport-assess-<pid>-<random>/`): the encrypted payload (in a `.freeport-seal-*`
//! directory) and the manifest body (`<id>.manifest-body.json`), written before the transfer is
//! recorded; the store notes that directory with the transfer. The package can be signed only
//! once the log's receipt exists, so a run stopped after the append leaves a recorded, logged
//! transfer without a package. Recovery finishes it: a cosigned receipt for its entry, the
//! manifest signed with the home's exporter key, the package renamed to `OUT/<id>.fdp`. A failed
//! run that kept its staging as `OUT/.freeport-kept-<id>/` is looked for there too. What cannot
//! be finished is reported — "recorded transfer X has no package" — on every later run, until
//! the staging is restored or an operator declares the package lost
//! (`freeport assess --package-lost X`).

use std::path::{Path, PathBuf};

use freeport_seal::KeyRing;
use freeport_store::{StagedPackage, Store, TransferId};

use crate::error::{AssessError, AtStage, Stage};
use crate::home::PortLog;
use crate::layout::HomeLayout;

/// What recovery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Transfers whose entry was in the log: now marked logged.
    pub confirmed: Vec<(TransferId, u64)>,
    /// Transfers whose entry never reached the log: removed with their entry.
    pub abandoned: Vec<TransferId>,
    /// Packages of logged transfers finished (or found in place) and now delivered.
    pub delivered: Vec<Delivered>,
    /// Logged transfers whose package could not be finished: reported on every run.
    pub missing: Vec<MissingPackage>,
}

/// A package recovery put in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The transfer.
    pub transfer: TransferId,
    /// Its entry in the log.
    pub log_index: u64,
    /// The package directory.
    pub package: PathBuf,
}

/// A recorded, logged transfer whose package is not in place and could not be finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingPackage {
    /// The transfer.
    pub transfer: TransferId,
    /// Its entry in the log.
    pub log_index: u64,
    /// Where its run staged the package.
    pub staging: PathBuf,
    /// Why it could not be finished.
    pub reason: String,
}

impl std::fmt::Display for MissingPackage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "recorded transfer `{}` (log entry {}) has no package: {}. Restore its staging directory `{}` (or `{}`) and run `freeport assess` again to finish it, or, if it is lost for good, run `freeport assess --package-lost {}` (the transfer stays recorded and logged)",
            self.transfer,
            self.log_index,
            self.reason,
            self.staging.display(),
            kept_dir(&self.staging, &self.transfer).display(),
            self.transfer
        )
    }
}

/// The manifest body a run writes into its staging directory before recording.
#[must_use]
pub fn body_file(transfer: &str) -> String {
    format!("{transfer}.manifest-body.json")
}

/// Where a failed run keeps its staging directory: `.freeport-kept-<id>` beside it, out of the
/// sweep's reach.
#[must_use]
pub fn kept_dir(staging: &Path, transfer: &TransferId) -> PathBuf {
    parent(staging).join(format!(".freeport-kept-{transfer}"))
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or_else(|| Path::new("."))
}

/// Confirms or abandons every queued log entry — an entry already in the log is marked with
/// its index; one that is not is abandoned with its transfer, because the run that queued it
/// stopped before it could deliver a package — then finishes every staged package of a logged
/// transfer (see the module docs).
///
/// # Errors
///
/// The store or the log fails. A package that cannot be finished is not an error: it is listed
/// in [`Recovered::missing`].
pub fn recover(
    store: &mut Store,
    log: &mut PortLog,
    home: &HomeLayout,
) -> Result<Recovered, AssessError> {
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
    for staged in store.staged_packages().at(Stage::Home)? {
        let Some(log_index) = staged.log_index else {
            continue;
        };
        let staging = PathBuf::from(&staged.staging);
        match deliver(&staged, log_index, log, home) {
            Ok(package) => {
                store.mark_delivered(&staged.transfer).at(Stage::Home)?;
                recovered.delivered.push(Delivered {
                    transfer: staged.transfer,
                    log_index,
                    package,
                });
            }
            Err(reason) => {
                // Out of the reach of the sweep that removes dead runs' staging directories.
                let kept = kept_dir(&staging, &staged.transfer);
                if staging.is_dir() && !kept.exists() {
                    let _ = std::fs::rename(&staging, &kept);
                }
                recovered.missing.push(MissingPackage {
                    transfer: staged.transfer,
                    log_index,
                    staging,
                    reason,
                });
            }
        }
    }
    Ok(recovered)
}

/// Puts the package of `staged` in place; returns its path, or why it cannot.
fn deliver(
    staged: &StagedPackage,
    log_index: u64,
    log: &mut PortLog,
    home: &HomeLayout,
) -> Result<PathBuf, String> {
    let staging = PathBuf::from(&staged.staging);
    let id = staged.transfer.as_str();
    let name = format!("{id}.fdp");
    let package = parent(&staging).join(&name);
    if package
        .join(freeport_seal::manifest::SIGNATURE_FILE)
        .exists()
    {
        // The run stopped after its outputs moved into place.
        return Ok(package);
    }
    let places = [staging.clone(), kept_dir(&staging, &staged.transfer)];
    // Finished but not moved into place.
    for place in &places {
        let finished = place.join(&name);
        if finished
            .join(freeport_seal::manifest::SIGNATURE_FILE)
            .exists()
        {
            std::fs::rename(&finished, &package)
                .map_err(|e| format!("cannot move `{}` into place: {e}", finished.display()))?;
            return Ok(package);
        }
    }
    // Staged: the payload and the manifest body.
    let Some((place, body)) = places.iter().find_map(|place| {
        std::fs::read(place.join(body_file(id)))
            .ok()
            .map(|body| (place, body))
    }) else {
        return Err(format!(
            "its staging directory `{}` is gone",
            staging.display()
        ));
    };
    let payload = std::fs::read_dir(place)
        .map_err(|e| format!("cannot read `{}`: {e}", place.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".freeport-seal-"))
                && p.join(freeport_seal::manifest::PAYLOAD_FILE).is_file()
        })
        .ok_or_else(|| format!("`{}` holds no encrypted payload", place.display()))?;
    let keys = KeyRing::open(&home.keys_dir()).map_err(|e| e.to_string())?;
    let receipt = log
        .receipt(log_index)
        .map_err(|e| format!("no receipt for entry {log_index}: {e}"))?;
    freeport_seal::finish_staged(&payload, &body, keys.exporter(), &package, &receipt)
        .map_err(|e| e.to_string())?;
    // The body has served; a directory left with nothing else in it goes too (one holding
    // report files of the run stays, for the operator).
    let _ = std::fs::remove_file(place.join(body_file(id)));
    let _ = std::fs::remove_dir(place);
    crate::stages::seal::write_home_trust(home, &keys, log).map_err(|e| e.cause.to_string())?;
    Ok(package)
}

/// Declares the staged package of `transfer` lost for good (an operator's decision, after
/// recovery reported it missing): the transfer stays recorded and logged, and later runs stop
/// reporting it.
///
/// # Errors
///
/// The transfer is unknown, not logged, or has no staged package; the store fails.
pub fn declare_package_lost(store: &mut Store, transfer: &TransferId) -> Result<(), AssessError> {
    store.mark_package_lost(transfer).at(Stage::Home)
}
