//! One assessment, stage by stage, in the order the crate docs give.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use freeport_deid::config::{LoadedConfig, RemedyColumn, RemedyTransform};
use freeport_deid::io::{InputOptions, OutputFormat, read_table, write_table};
use freeport_deid::report::Report as DeidReport;
use freeport_policy::{
    Action, CollectedIn as Origin, Decision, FactsFormat, Form, Judge, Jurisdiction, PriorVolumes,
    Remedy, RulePack, TransferFacts, parse_facts,
};
use freeport_read::{DatasetId, Source};
use freeport_report::{
    DeidInput, Lang, LogInfo, Rejudged, Report, ReportInput, render_html, render_json,
};
use freeport_scan::{DatasetReport, Progress, ScanOptions, ScanReport, scan_paths};
use freeport_seal::{Column, Description, KeyRing, Payload, PlainFile, Trust};
use freeport_store::{Store, StoreError, TransferId, TransferRecord};
use freeport_vocabulary::Vocabulary;
use serde::Serialize;

use sha2::{Digest, Sha256};

use crate::error::{AssessError, AtStage, Cause, Stage};
use crate::home::PortLog;
use crate::inventory::inventory;
use crate::layout::HomeLayout;
use crate::recover::{Recovered, recover};
use crate::summary::Classification;
use crate::volumes::{Counters, transfer_record, with_decision};

pub use crate::fault::{FAULT_ENV, FAULT_POINTS};

/// What to de-identify with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeidChoice {
    /// Send the data as it is.
    None,
    /// A `freeport deid` configuration file.
    Config(PathBuf),
    /// The first remedy the judge found that de-identification can carry out.
    Remedies,
}

/// One assessment to run.
#[derive(Debug, Clone)]
pub struct Request {
    /// Datasets: files, directories or globs, as `freeport scan` takes them.
    pub datasets: Vec<String>,
    /// The transfer file: transfer facts without an inventory.
    pub transfer: PathBuf,
    /// De-identification.
    pub deid: DeidChoice,
    /// Where the outputs go (created if missing; files arrive by rename).
    pub out_dir: PathBuf,
    /// The transfer id; by default the date and a hash of the transfer file and the data.
    pub id: Option<String>,
    /// Where the data was collected; by default the exporter's jurisdiction.
    pub collected_in: Option<Origin>,
    /// Scan threads (0 = one per core).
    pub threads: usize,
    /// How tabular datasets are laid out: `header`, `skip_rows` and `delimiter` are taken from
    /// here (the rest of the scan's reading options are its own).
    pub layout: freeport_read::ReadOptions,
    /// A rule-pack root with `cn/` and `us/` instead of the built-in packs.
    pub rules: Option<PathBuf>,
    /// The recipients to seal to; empty seals to the home's own age key (to try things out).
    pub seal_to: Vec<age::x25519::Recipient>,
    /// The language of `report.html`.
    pub lang: Lang,
}

/// Where the transfer's entry sits in the log, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// The log's origin (its checkpoints' first line).
    pub origin: String,
    /// The entry's index.
    pub index: u64,
    /// Size of the cosigned checkpoint the receipt proves against.
    pub checkpoint_size: u64,
    /// Its root hash, base64.
    pub root_hash: String,
    /// The receipt.
    pub receipt: String,
}

/// The sealed package in the output directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    /// Its directory name (`<transfer id>.fdp`).
    pub name: String,
    /// SHA-256 of its signed `manifest.json`.
    pub manifest_sha256: String,
    /// The trust file (`trust.toml`) a recipient opens it with: the exporter key and the log
    /// policy.
    #[serde(skip)]
    pub trust: String,
}

/// How the assessment ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Outcome {
    /// Recorded in the store and logged.
    Recorded {
        /// The entry's index in the log.
        log_index: u64,
        /// The receipt (C2SP tlog-proof).
        receipt: String,
    },
    /// The decision blocks the transfer: nothing was recorded, logged or sealed.
    Blocked,
}

/// A de-identification that ran.
#[derive(Debug, Clone, Serialize)]
pub struct DeidRun {
    /// The dataset it ran on.
    pub dataset: String,
    /// The file it wrote (in the output directory).
    pub output: String,
    /// The remedy it carried out, when it came from the judge.
    pub remedy: Option<Remedy>,
    /// The configuration it ran (TOML), when generated from a remedy.
    pub generated_config: Option<String>,
    /// The output's columns.
    pub columns: Vec<String>,
    /// Its report.
    pub report: DeidReport,
}

/// A data file that crosses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataFile {
    /// Its name in the package.
    pub name: String,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Where it is read from now.
    #[serde(skip)]
    pub path: PathBuf,
}

/// Everything an assessment found and did.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The transfer id.
    pub transfer_id: String,
    /// The facts as judged first (inventory from the scan).
    pub facts: TransferFacts,
    /// The scan.
    pub scan: ScanReport,
    /// Volumes already sent, per country's window.
    pub prior: PriorVolumes,
    /// The decision on the data as scanned.
    pub before: Decision,
    /// The de-identification, if one ran.
    pub deid: Option<DeidRun>,
    /// The facts and decision after de-identification.
    pub after: Option<(TransferFacts, Decision)>,
    /// The datasets as scanned.
    pub sources: Vec<DataFile>,
    /// The files that cross (the de-identified output, if de-identified).
    pub files: Vec<DataFile>,
    /// How it ended.
    pub outcome: Outcome,
    /// What recovery finished before this run.
    pub recovered: Recovered,
    /// The trust policy a recipient verifies the receipt with.
    pub trust_policy: String,
    /// The sealed package, once written.
    pub package: Option<Package>,
    /// Files written to the output directory, by name.
    pub written: Vec<String>,
}

impl Assessment {
    /// The decision that counts: after de-identification if it ran, else before.
    #[must_use]
    pub fn decision(&self) -> &Decision {
        self.after.as_ref().map_or(&self.before, |(_, d)| d)
    }
}

/// Runs one assessment.
///
/// # Errors
///
/// Any stage that cannot complete; [`AssessError::stage`] says which. Nothing is recorded,
/// logged or sealed unless every stage completes.
pub fn assess(
    request: &Request,
    home: &HomeLayout,
    progress: &dyn Progress,
) -> Result<Assessment, AssessError> {
    // 1. Transfer.
    let vocabulary = Vocabulary::embedded().at(Stage::Transfer)?;
    let judge = load_judge(request.rules.as_deref(), vocabulary)?;
    let text = std::fs::read_to_string(&request.transfer)
        .map_err(|e| AssessError::io(Stage::Transfer, "read", &request.transfer, e))?;
    let name = request.transfer.display().to_string();
    let mut facts = parse_facts(
        &name,
        &text,
        FactsFormat::from_path(&request.transfer),
        &judge,
    )
    .at(Stage::Transfer)?;
    if !facts.data.inventory.is_empty() {
        return Err(AssessError::input(
            Stage::Transfer,
            format!("`{name}` lists a `data.inventory`; the inventory comes from the scan"),
            Some("remove the `[[data.inventory]]` entries (`freeport judge` takes a full facts file)".into()),
        ));
    }
    if facts.prior_volumes.is_some() {
        return Err(AssessError::input(
            Stage::Transfer,
            format!("`{name}` gives `[prior_volumes]`; assess counts with the store's"),
            Some("remove `[prior_volumes]`".into()),
        ));
    }
    let origin = request
        .collected_in
        .unwrap_or_else(|| Origin::of_jurisdiction(&facts.exporter.jurisdiction));

    let default_layout = freeport_read::ReadOptions::default();
    let laid_out = request.layout.header != default_layout.header
        || request.layout.skip_rows != default_layout.skip_rows
        || request.layout.delimiter.is_some();
    if laid_out && !matches!(request.deid, DeidChoice::None) {
        return Err(AssessError::input(
            Stage::Deidentify,
            "`--no-header`, `--header-row`, `--skip-rows` and `--delimiter` cannot be combined with de-identification: its reader takes a file's first row as the header and sniffs the delimiter",
            Some("give the file a header row (and a sniffable delimiter) first, or assess it without `--deid`/`--apply-remedies`".into()),
        ));
    }

    // 2. Home.
    // Created only in a fresh home; a home whose store, log and keys disagree is refused.
    let mut store = home.open_store_for_recording().at(Stage::Home)?;
    let mut log = PortLog::open_or_create(home).at(Stage::Home)?;
    let recovered = recover(&mut store, &mut log, home)?;
    let exporter = facts.exporter.name.clone();
    let salt = store
        .transaction(|tx| tx.subject_salt(&exporter))
        .at(Stage::Home)?;

    // 3. Scan. When the data crosses as it is, it is encrypted meanwhile: that is most of a
    // seal's work, it needs only the files and the recipients, and it keeps a core busy that the
    // scan leaves idle part of the time. A blocking decision just drops the payload unused.
    let paths = source_files(&request.datasets)?;
    check_outputs_free(&request.out_dir, None)?;
    freeport_seal::staging::sweep(ensure_dir(&request.out_dir)?, "assess");
    let staging = freeport_seal::staging::create(&request.out_dir, "assess").map_err(|e| {
        AssessError::io(
            Stage::Output,
            "create a staging directory in",
            &request.out_dir,
            e,
        )
    })?;
    let keys = KeyRing::open_or_create(&home.keys_dir()).at(Stage::Seal)?;
    let recipients = if request.seal_to.is_empty() {
        vec![keys.recipient()]
    } else {
        request.seal_to.clone()
    };
    let options = ScanOptions {
        threads: request.threads,
        salt: Some(salt.bytes.to_vec()),
        salt_scheme: salt.scheme,
        ..ScanOptions::default()
    };
    let mut options = options;
    options.read.header = request.layout.header;
    options.read.skip_rows = request.layout.skip_rows;
    options.read.delimiter = request.layout.delimiter;
    let early = matches!(request.deid, DeidChoice::None);
    let cancel = AtomicBool::new(false);
    let (scan, mut found, early_payload, sources) = std::thread::scope(|scope| {
        let encrypting = early.then(|| {
            scope.spawn(|| {
                let plain = paths
                    .iter()
                    .map(PlainFile::new)
                    .collect::<Result<Vec<_>, _>>()?;
                freeport_seal::encrypt(&plain, &recipients, staging.path(), &cancel)
            })
        });
        // Without an early payload the sources are hashed meanwhile instead (for the id and
        // the report); the files that cross are hashed when they are sealed.
        let hashing = (!early).then(|| {
            scope.spawn(|| {
                paths
                    .iter()
                    .map(|p| data_file(p))
                    .collect::<Result<Vec<_>, _>>()
            })
        });
        let scanned = scan_checked(request, &options, progress).map(|mut scan| {
            let found = inventory(&mut scan, vocabulary, origin, Form::Raw);
            (scan, found)
        });
        if scanned.is_err() {
            cancel.store(true, Ordering::Relaxed);
        }
        let payload = encrypting.map(|h| joined(h, Stage::Seal)).transpose();
        let hashed = hashing.map(|h| joined(h, Stage::Scan)).transpose();
        let (scan, found) = scanned?;
        let payload = payload?.transpose().at(Stage::Seal)?;
        let sources = match (&payload, hashed?) {
            (Some(payload), _) => payload_sources(payload, &paths)?,
            (None, Some(hashed)) => hashed?,
            (None, None) => Vec::new(),
        };
        Ok::<_, AssessError>((scan, found, payload, sources))
    })?;
    facts.data.inventory.clone_from(&found.items);
    facts.data.individuals = Some(found.individuals);
    let mut files = sources.clone();
    let transfer_id = request
        .id
        .clone()
        .unwrap_or_else(|| default_id(&facts, &text, &sources));
    if request.id.is_none() {
        refuse_a_retry(&transfer_id, &recovered)?;
    }

    // 4. Judge.
    let counters = Counters::new(vocabulary);
    // The hashes move into the record unless a de-identified record needs them again.
    let hashes = match request.deid {
        DeidChoice::None => std::mem::take(&mut found.hashes),
        DeidChoice::Config(_) | DeidChoice::Remedies => found.hashes.clone(),
    };
    let record = transfer_record(&transfer_id, &facts, vocabulary, hashes);
    let (before, prior) = judge_with_store(&mut store, &judge, &counters, &facts, &record)?;

    // 5. De-identify.
    let mut deid = None;
    let mut after = None;
    let mut final_record = record;
    let mut final_prior = prior;
    let deid_run = match &request.deid {
        DeidChoice::None => None,
        DeidChoice::Config(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| AssessError::io(Stage::Deidentify, "read", path, e))?;
            single_dataset(&scan)?;
            let dir = path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let config = LoadedConfig::parse(&text, &path.display().to_string(), dir)
                .at(Stage::Deidentify)?;
            Some((config, None))
        }
        // Nothing to lighten: the data crosses as it is.
        DeidChoice::Remedies if before.remedies.is_empty() => None,
        DeidChoice::Remedies => {
            let dataset = single_dataset(&scan)?;
            let (remedy, config) = remedy_config(&before, dataset, home)?;
            Some((config, Some(remedy)))
        }
    };
    if let Some((config, remedy)) = deid_run {
        let dataset = single_dataset(&scan)?;
        let run = deidentify(dataset, &config, staging.path(), remedy)?;
        let after_facts = deidentified_facts(&facts, dataset, &run, &config);
        let after_record = transfer_record(
            &transfer_id,
            &after_facts,
            vocabulary,
            std::mem::take(&mut found.hashes),
        );
        let (decision, after_prior) =
            judge_with_store(&mut store, &judge, &counters, &after_facts, &after_record)?;
        final_prior = after_prior;
        files = vec![data_file(&staging.path().join(&run.output))?];
        final_record = after_record;
        after = Some((after_facts, decision));
        deid = Some(run);
    }
    let final_facts = after.as_ref().map_or(&facts, |(f, _)| f).clone();
    let decision = after.as_ref().map_or(&before, |(_, d)| d).clone();

    let mut assessment = Assessment {
        transfer_id: transfer_id.clone(),
        facts,
        scan,
        prior,
        before,
        deid,
        after,
        sources,
        files,
        outcome: Outcome::Blocked,
        recovered,
        trust_policy: log.policy().to_owned(),
        package: None,
        written: Vec::new(),
    };
    if decision.is_blocking() {
        write_outputs(
            &mut assessment,
            &judge,
            staging.path(),
            &request.out_dir,
            None,
            request.lang,
        )?;
        return Ok(assessment);
    }

    // 6. Seal, record, log.
    let recorded = with_decision(final_record, &decision).at(Stage::Record)?;
    // A default id already recorded is the same transfer file and data sent again: it takes
    // the next free `-N` suffix (its people, matched by subject hash, are not counted twice).
    // A chosen id is never changed. The id goes into the manifest, so it is settled first.
    let recorded = if request.id.is_none() {
        free_id(&mut store, recorded)?
    } else {
        recorded
    };
    assessment.transfer_id = recorded.id.as_str().to_owned();
    let package_name = format!("{}.fdp", assessment.transfer_id);
    check_outputs_free(&request.out_dir, Some(&package_name))?;
    let mut payload = match early_payload {
        Some(payload) => payload,
        None => freeport_seal::encrypt(
            &plain_files(&assessment)?,
            &recipients,
            staging.path(),
            &AtomicBool::new(false),
        )
        .at(Stage::Seal)?,
    };
    if assessment.deid.is_none() {
        for (name, columns) in schemas(&assessment) {
            payload.set_schema(&name, columns).at(Stage::Seal)?;
        }
    }
    let prepared = payload
        .describe(
            Description {
                transfer_id: assessment.transfer_id.clone(),
                classification: canonical(&Classification::new(&assessment.scan, &final_facts))?,
                decision: canonical(&decision)?,
                deidentification: assessment.deid.as_ref().map(canonical).transpose()?,
                sealed_at: jiff::Timestamp::now(),
                package: staging.path().join(&package_name),
            },
            keys.exporter(),
        )
        .at(Stage::Seal)?;
    let entry = prepared.entry().to_bytes().at(Stage::Seal)?;
    // What recovery finishes the package from if this run stops after the append: the payload
    // is staged already; the manifest body joins it, durably, before anything is recorded.
    let body = prepared
        .manifest()
        .body_bytes()
        .map_err(|e| AssessError::at(Stage::Seal, Cause::Internal(e)))?;
    let staged = std::fs::canonicalize(staging.path())
        .map_err(|e| AssessError::io(Stage::Record, "resolve", staging.path(), e))?;
    write_synced(
        &staged.join(crate::recover::body_file(&assessment.transfer_id)),
        &body,
    )?;
    // A full disk stops the run here, with nothing recorded, rather than after the append.
    crate::home::check_free_space(&[
        home.root().to_path_buf(),
        home.log_dir(),
        home.witnesses_dir(),
        staged.clone(),
    ])
    .map_err(|low| {
        AssessError::at(
            Stage::Record,
            Cause::LowSpace {
                path: low.path,
                free: low.free,
                needed: low.needed,
            },
        )
    })?;
    record_judged(
        &mut store,
        &Judged {
            judge: &judge,
            counters: &counters,
            facts: &final_facts,
            prior: &final_prior,
            decision: &decision,
        },
        &recorded,
        &entry,
        &staged,
    )?;
    crate::fault::abort_at("after-record");
    let index = match log.append(&entry) {
        Ok(index) => index,
        Err(e) => return Err(unappended(&mut store, &log, &recorded.id, &entry, e)),
    };
    crate::fault::abort_at("after-append");
    // From here the transfer is recorded and logged: a failure keeps what was staged, and says
    // so; the next run finishes the package from it.
    let staged_dir = staging.keep();
    let mut prepared = Some(prepared);
    let finished: Result<(), AssessError> = (|| {
        let receipt = log.receipt(index).at(Stage::Log)?;
        store.mark_logged(&recorded.id, index).at(Stage::Log)?;
        crate::fault::abort_at("after-mark");
        let sealed = prepared
            .take()
            .ok_or_else(|| AssessError::at(Stage::Seal, Cause::Internal("sealed twice".into())))?
            .finish(&receipt)
            .at(Stage::Seal)?;
        assessment.outcome = Outcome::Recorded {
            log_index: index,
            receipt: receipt.clone(),
        };
        let trust = write_home_trust(home, &keys, &log)?;
        assessment.package = Some(Package {
            name: package_name.clone(),
            manifest_sha256: sealed.manifest_sha256,
            trust,
        });
        let (checkpoint_size, root_hash) = log.head();
        let logged = Logged {
            origin: log.origin().to_owned(),
            index,
            checkpoint_size,
            root_hash,
            receipt: receipt.clone(),
        };
        write_outputs(
            &mut assessment,
            &judge,
            &staged_dir,
            &request.out_dir,
            Some(&logged),
            request.lang,
        )?;
        crate::fault::abort_at("after-outputs");
        store.mark_delivered(&recorded.id).at(Stage::Output)?;
        let _ = std::fs::remove_dir_all(&staged_dir);
        Ok(())
    })();
    if let Err(e) = finished {
        // The encrypted payload stays for recovery to finish the package from.
        if let Some(prepared) = prepared {
            let _ = prepared.keep();
        }
        // Renamed out of the sweep's reach: these are a recorded transfer's only outputs, and
        // recovery looks for them there.
        let kept = crate::recover::kept_dir(&staged, &recorded.id);
        let kept = match std::fs::rename(&staged_dir, &kept) {
            Ok(()) => kept,
            Err(_) => staged_dir,
        };
        return Err(AssessError::at(
            e.stage,
            Cause::Recorded {
                transfer_id: assessment.transfer_id.clone(),
                log_index: index,
                kept: kept.display().to_string(),
                cause: e.cause,
            },
        ));
    }
    Ok(assessment)
}

/// The home's own trust file (`trust.toml`: the exporter key and the log policy), so that
/// `freeport open` with no flags opens what this home sealed to itself (the try-it-out path);
/// written only when it changes. Returns its text.
pub(crate) fn write_home_trust(
    home: &HomeLayout,
    keys: &KeyRing,
    log: &PortLog,
) -> Result<String, AssessError> {
    let trust = Trust::render(&[keys.exporter().public().clone()], log.policy()).at(Stage::Seal)?;
    let home_trust = home.root().join("trust.toml");
    if std::fs::read_to_string(&home_trust).ok().as_deref() != Some(trust.as_str()) {
        freeport_tlog::store::write_atomic(home.root(), "trust.toml", trust.as_bytes())
            .at(Stage::Seal)?;
    }
    Ok(trust)
}

/// A log append that failed: if the entry is not in the log the transfer is removed again, so
/// that nothing is recorded; if that cannot be settled, the error says the transfer is recorded
/// and the next run settles it.
fn unappended(
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

/// Refuses to record again a transfer (this transfer file and data: the same default id, or
/// its `-N`) whose package recovery has just finished or failed to finish: this run is a retry
/// of the run that stopped after recording it, and recording again would log it twice.
fn refuse_a_retry(id: &str, recovered: &Recovered) -> Result<(), AssessError> {
    let same = |other: &TransferId| {
        other.as_str() == id
            || other
                .as_str()
                .strip_prefix(id)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let found = recovered
        .delivered
        .iter()
        .find(|d| same(&d.transfer))
        .map(|d| format!("its package was finished now: `{}`", d.package.display()))
        .map(|what| (what, None))
        .or_else(|| {
            recovered
                .missing
                .iter()
                .find(|m| same(&m.transfer))
                .map(|m| {
                    (
                        "its package could not be finished".to_owned(),
                        Some(m.to_string()),
                    )
                })
        });
    let Some((what, missing)) = found else {
        return Ok(());
    };
    Err(AssessError::input(
        Stage::Record,
        format!(
            "this transfer file and data were recorded and logged by an earlier run that stopped before its package was in place; {what}. Nothing new was recorded"
        ),
        Some(missing.unwrap_or_else(|| {
            "its report was not written (the run stopped first). Running this assessment again records the same data a second time, as a new transfer".to_owned()
        })),
    ))
}

/// Writes `bytes` to the new file `path` and syncs it.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), AssessError> {
    use std::io::Write as _;
    std::fs::File::create_new(path)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .map_err(|e| AssessError::io(Stage::Record, "write", path, e))
}

/// A decision and what it was taken on.
struct Judged<'a> {
    judge: &'a Judge,
    counters: &'a Counters,
    facts: &'a TransferFacts,
    /// The prior volumes the store held when the decision was taken.
    prior: &'a PriorVolumes,
    decision: &'a Decision,
}

/// Records the transfer and queues its log entry, in one transaction that first judges again
/// against the store as it is now: another run may have recorded meanwhile. Refused, with
/// nothing recorded, if that changes the decision.
fn record_judged(
    store: &mut Store,
    judged: &Judged<'_>,
    recorded: &TransferRecord,
    entry: &[u8],
    staging: &Path,
) -> Result<(), AssessError> {
    store.transaction(|tx| {
        let prior = judged
            .counters
            .prior(tx, recorded)
            .map_err(|c| AssessError::at(Stage::Record, c))?;
        // A decision is a pure function of the facts and the prior volumes: unchanged volumes
        // need no second evaluation.
        let changed = prior != *judged.prior
            && judged
                .judge
                .decide_with_remedies(judged.facts, &prior)
                .at(Stage::Record)?
                != *judged.decision;
        if changed {
            return Err(AssessError::input(
                Stage::Record,
                "the store changed while this transfer was assessed, and so did the decision",
                Some("run the assessment again".into()),
            ));
        }
        tx.record_transfer(recorded).at(Stage::Record)?;
        tx.queue_log_entry(&recorded.id, entry).at(Stage::Record)?;
        tx.stage_package(&recorded.id, &staging.to_string_lossy())
            .at(Stage::Record)
    })
}

/// `value` as it reads back from its RFC 8785 canonical form (e.g. `1.0` becomes `1`), which is
/// how the signed manifest carries it; the seal refuses values that would change on the way.
fn canonical<T: Serialize>(value: &T) -> Result<serde_json::Value, AssessError> {
    serde_json_canonicalizer::to_vec(value)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
        .map_err(|e| AssessError::at(Stage::Seal, Cause::Internal(e)))
}

/// The files the datasets come from, once each and in the scan's order (a workbook's sheets
/// are one file). Standard input cannot be sealed: it is gone once scanned.
fn source_files(datasets: &[String]) -> Result<Vec<PathBuf>, AssessError> {
    // Paths that do not resolve are left to the scan, which reports them with its reasons.
    let (inputs, _) = freeport_read::discover(datasets);
    let mut files: Vec<PathBuf> = Vec::with_capacity(inputs.len());
    for input in inputs {
        match input.source {
            Source::Stdin => {
                return Err(AssessError::input(
                    Stage::Scan,
                    "a dataset on standard input (`-`) cannot be sealed: it is gone once scanned",
                    Some("save it to a file and give the file".into()),
                ));
            }
            Source::File(path) => {
                if !files.contains(&path) {
                    files.push(path);
                }
            }
        }
    }
    Ok(files)
}

/// Whether the dataset `dataset` (a file, or a worksheet of one) was read from `file`.
fn is_source_of(file: &Path, dataset: &DatasetId) -> bool {
    dataset.file.as_deref() == Some(file)
}

/// The scan, refused as a whole if any dataset failed or none was found.
fn scan_checked(
    request: &Request,
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Result<ScanReport, AssessError> {
    let scan = scan_paths(&request.datasets, options, progress);
    if let Some(error) = scan.errors.first() {
        return Err(AssessError::at(
            Stage::Scan,
            Cause::Dataset {
                path: error.path.clone(),
                reason: error.message.clone(),
                help: error.help.clone(),
            },
        ));
    }
    if scan.datasets.is_empty() {
        return Err(AssessError::input(
            Stage::Scan,
            "no dataset found in the paths given",
            None,
        ));
    }
    Ok(scan)
}

/// A worker thread's result; a worker that panicked is an internal error of `stage`.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>, stage: Stage) -> Result<T, AssessError> {
    handle.join().map_err(|_| {
        AssessError::at(
            stage,
            Cause::Internal("a worker thread stopped unexpectedly".into()),
        )
    })
}

/// The sources as the payload hashed them while encrypting.
fn payload_sources(payload: &Payload, paths: &[PathBuf]) -> Result<Vec<DataFile>, AssessError> {
    if payload.files().len() != paths.len() {
        return Err(AssessError::at(
            Stage::Seal,
            Cause::Internal("the payload does not hold every source file".into()),
        ));
    }
    Ok(payload
        .files()
        .iter()
        .zip(paths)
        .map(|(entry, path)| DataFile {
            name: entry.name.clone(),
            sha256: entry.sha256.clone(),
            bytes: entry.bytes,
            path: path.clone(),
        })
        .collect())
}

/// Column names per source file read as a single table (a workbook's sheets give none).
fn schemas(assessment: &Assessment) -> Vec<(String, Vec<Column>)> {
    assessment
        .files
        .iter()
        .filter_map(|file| {
            let mut tables = assessment
                .scan
                .datasets
                .iter()
                .filter(|d| Path::new(&d.path) == file.path);
            match (tables.next(), tables.next()) {
                (Some(table), None) => Some((
                    file.name.clone(),
                    table
                        .columns
                        .iter()
                        .map(|c| Column {
                            name: c.name.clone(),
                            data_type: "utf8".to_owned(),
                        })
                        .collect(),
                )),
                _ => None,
            }
        })
        .collect()
}

/// The first free id among `id`, `id-2`, `id-3`, … (probed in a transaction that rolls back).
fn free_id(store: &mut Store, mut record: TransferRecord) -> Result<TransferRecord, AssessError> {
    let base = record.id.as_str().to_owned();
    // The probe records only the parties and date: the id is all it tests, and writing the
    // volumes (possibly millions of subject hashes) only to roll them back would be waste.
    let mut probe = TransferRecord {
        id: record.id.clone(),
        exporter: record.exporter.clone(),
        counterparty: record.counterparty.clone(),
        date: record.date,
        origin: record.origin.clone(),
        destination: record.destination.clone(),
        individuals: None,
        volumes: Vec::new(),
        decision_json: String::new(),
        rule_packs: Vec::new(),
    };
    let id = store.dry_run(|tx| {
        for n in 2_u32..10_000 {
            match tx.record_transfer(&probe) {
                Ok(_) => return Ok(probe.id.clone()),
                Err(StoreError::DuplicateTransfer { .. }) => {
                    probe.id = TransferId(format!("{base}-{n}"));
                }
                Err(e) => return Err(AssessError::at(Stage::Record, e)),
            }
        }
        Err(AssessError::input(
            Stage::Record,
            format!("transfer ids `{base}` to `{base}-9999` are all recorded"),
            Some("give an id with `--id`".into()),
        ))
    })?;
    record.id = id;
    Ok(record)
}

/// The de-identified files that cross, with the de-identified columns as schema.
fn plain_files(assessment: &Assessment) -> Result<Vec<PlainFile>, AssessError> {
    assessment
        .files
        .iter()
        .map(|file| {
            let plain = PlainFile::new(&file.path).at(Stage::Seal)?;
            Ok(match &assessment.deid {
                Some(run) => plain.with_schema(
                    run.columns
                        .iter()
                        .map(|name| Column {
                            name: name.clone(),
                            data_type: "utf8".to_owned(),
                        })
                        .collect(),
                ),
                None => plain,
            })
        })
        .collect()
}

fn load_judge(root: Option<&Path>, vocabulary: &'static Vocabulary) -> Result<Judge, AssessError> {
    let load = |j: Jurisdiction| match root {
        Some(root) => RulePack::from_dir(&root.join(j.as_str())),
        None => RulePack::embedded(j),
    };
    let cn = load(Jurisdiction::Cn).at(Stage::Transfer)?;
    let us = load(Jurisdiction::Us).at(Stage::Transfer)?;
    Judge::new(cn, us, vocabulary).at(Stage::Transfer)
}

fn judge_with_store(
    store: &mut Store,
    judge: &Judge,
    counters: &Counters,
    facts: &TransferFacts,
    record: &TransferRecord,
) -> Result<(Decision, PriorVolumes), AssessError> {
    store.dry_run(|tx| {
        let prior = counters
            .prior(tx, record)
            .map_err(|c| AssessError::at(Stage::Judge, c))?;
        let decision = judge.decide_with_remedies(facts, &prior).at(Stage::Judge)?;
        Ok((decision, prior))
    })
}

/// The files an assessment puts in its output directory, besides the package `<id>.fdp`:
/// [`write_outputs`] writes only these names, and [`check_outputs_free`] checks all of them.
mod out_file {
    pub(super) const REPORT_JSON: &str = "report.json";
    pub(super) const REPORT_HTML: &str = "report.html";
    pub(super) const DECISION: &str = "decision.json";
    pub(super) const SCAN: &str = "scan.json";
    pub(super) const DEID_REPORT: &str = "deid-report.json";
    pub(super) const TRUST: &str = "trust.toml";
    pub(super) const RECEIPT: &str = "receipt.tlog-proof";
    pub(super) const TRUST_POLICY: &str = "trust-policy.txt";
    pub(super) const ALL: [&str; 8] = [
        REPORT_JSON,
        REPORT_HTML,
        DECISION,
        SCAN,
        DEID_REPORT,
        TRUST,
        RECEIPT,
        TRUST_POLICY,
    ];
}

/// Refuses an output directory that already holds an assessment's outputs (or `package`): one
/// transfer's report must never replace another's, and once a transfer is recorded its outputs
/// must be able to move into place. Checked before the scan and again before recording.
fn check_outputs_free(out_dir: &Path, package: Option<&str>) -> Result<(), AssessError> {
    let taken = out_file::ALL
        .iter()
        .copied()
        .chain(package)
        .find(|name| out_dir.join(name).symlink_metadata().is_ok());
    match taken {
        None => Ok(()),
        Some(name) => Err(AssessError::input(
            Stage::Output,
            format!(
                "`{}` already holds `{name}`, the output of another assessment",
                out_dir.display()
            ),
            Some("give each assessment its own output directory (`-o`), or move the earlier one's files away".into()),
        )),
    }
}

fn ensure_dir(dir: &Path) -> Result<&Path, AssessError> {
    std::fs::create_dir_all(dir).map_err(|e| AssessError::io(Stage::Output, "create", dir, e))?;
    Ok(dir)
}

/// Hashes one file as it will cross.
fn data_file(path: &Path) -> Result<DataFile, AssessError> {
    let mut file =
        std::fs::File::open(path).map_err(|e| AssessError::io(Stage::Scan, "open", path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut bytes: u64 = 0;
    loop {
        let n = file
            .read(&mut buffer)
            .map_err(|e| AssessError::io(Stage::Scan, "read", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes = bytes.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
    }
    Ok(DataFile {
        name: path
            .file_name()
            .map_or_else(|| "data".to_owned(), |n| n.to_string_lossy().into_owned()),
        sha256: hex(&hasher.finalize()),
        bytes,
        path: path.to_owned(),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The date and 12 hex digits of the SHA-256 of the transfer file and the data files' hashes:
/// the same transfer of the same data gets the same id, so recording it twice is refused.
fn default_id(facts: &TransferFacts, transfer_text: &str, files: &[DataFile]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(transfer_text.as_bytes());
    for file in files {
        hasher.update([0]);
        hasher.update(file.name.as_bytes());
        hasher.update([0]);
        hasher.update(file.sha256.as_bytes());
    }
    let digest = hasher.finalize();
    format!(
        "{}-{}",
        facts.date,
        hex(digest.get(..6).unwrap_or_default())
    )
}

fn single_dataset(scan: &ScanReport) -> Result<&DatasetReport, AssessError> {
    match scan.datasets.as_slice() {
        [one] => Ok(one),
        many => Err(AssessError::input(
            Stage::Deidentify,
            format!(
                "de-identification takes one dataset; {} were given",
                many.len()
            ),
            Some("assess each dataset on its own, or merge them first".into()),
        )),
    }
}

/// The first remedy de-identification can carry out on this dataset, as a configuration:
/// `drop` and `anonymise` delete the category's columns (a lone column cannot be anonymised
/// otherwise), `pseudonymise` replaces them with keyed HMAC-SHA-256 pseudonyms. Remedies that
/// reduce volumes or touch every category need a person's judgement and are skipped.
fn remedy_config(
    decision: &Decision,
    dataset: &DatasetReport,
    home: &HomeLayout,
) -> Result<(Remedy, LoadedConfig), AssessError> {
    let columns_of = |category: &str| -> Vec<&str> {
        dataset
            .columns
            .iter()
            .filter(|c| c.category.as_deref() == Some(category))
            .map(|c| c.name.as_str())
            .collect()
    };
    for remedy in &decision.remedies {
        let doable = remedy.changes.iter().all(|c| {
            c.action.is_deidentification()
                && c.category != freeport_policy::ALL
                && !columns_of(&c.category).is_empty()
        });
        if !doable || remedy.changes.is_empty() {
            continue;
        }
        let mut columns = Vec::new();
        let mut key_path = None;
        for change in &remedy.changes {
            for column in columns_of(&change.category) {
                let transform = if change.action == Action::Pseudonymise {
                    let key = match &key_path {
                        Some(key) => key,
                        None => key_path.insert(pseudonym_key(home)?),
                    };
                    RemedyTransform::Pseudonymise {
                        key_file: key.clone(),
                    }
                } else {
                    RemedyTransform::Delete
                };
                columns.push(RemedyColumn {
                    name: column.to_owned(),
                    category: change.category.clone(),
                    transform,
                });
            }
        }
        let name = home.root().join("remedy.toml").display().to_string();
        let config = LoadedConfig::from_remedy(&columns, &name, home.root().to_path_buf())
            .at(Stage::Deidentify)?;
        return Ok((remedy.clone(), config));
    }
    Err(AssessError::input(
        Stage::Deidentify,
        "no remedy of the judge can be carried out by de-identifying this dataset",
        Some(
            "write a de-identification configuration (`freeport deid plan`) and pass `--deid`"
                .into(),
        ),
    ))
}

/// The home's pseudonymisation key (32 random bytes, mode 0600), created on first use.
fn pseudonym_key(home: &HomeLayout) -> Result<PathBuf, AssessError> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let dir = home.keys_dir();
    std::fs::create_dir_all(&dir)
        .map_err(|e| AssessError::io(Stage::Deidentify, "create", &dir, e))?;
    let path = dir.join("pseudonym.key");
    if path.exists() {
        return Ok(path);
    }
    let mut key = [0_u8; 32];
    getrandom::fill(&mut key).map_err(|e| {
        AssessError::at(
            Stage::Deidentify,
            Cause::Internal(format!("no randomness: {e}")),
        )
    })?;
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .and_then(|mut f| f.write_all(&key).and_then(|()| f.sync_all()));
    match created {
        Ok(()) => Ok(path),
        // Another process created it first.
        Err(_) if path.exists() => Ok(path),
        Err(e) => Err(AssessError::io(Stage::Deidentify, "create", &path, e)),
    }
}

fn deidentify(
    dataset: &DatasetReport,
    config: &LoadedConfig,
    staging: &Path,
    remedy: Option<Remedy>,
) -> Result<DeidRun, AssessError> {
    // Standard input is gone once scanned; `source_files` refused it before any step ran.
    let input = dataset.id.file.as_deref().ok_or_else(|| {
        AssessError::input(
            Stage::Deidentify,
            "standard input cannot be de-identified: it is gone once scanned",
            Some("save the data to a file and name the file".into()),
        )
    })?;
    let options = InputOptions {
        sheet: dataset.id.sheet.clone(),
        ..InputOptions::default()
    };
    let read = read_table(input, &options).at(Stage::Deidentify)?;
    let outcome =
        freeport_deid::engine::deidentify(read.table, config, None).at(Stage::Deidentify)?;
    // Same format as the input where the writers know it (CSV, TSV, Parquet, JSON Lines);
    // spreadsheets come out as CSV.
    let extension = input.extension().and_then(|e| e.to_str()).unwrap_or("csv");
    let (format, extension) = match OutputFormat::from_extension(extension) {
        Some(format) => (format, extension),
        None => (OutputFormat::Csv, "csv"),
    };
    let stem = input
        .file_stem()
        .map_or_else(|| "data".to_owned(), |n| n.to_string_lossy().into_owned());
    let output_name = format!("{stem}.{extension}");
    let columns: Vec<String> = outcome.header().iter().map(|h| (*h).to_owned()).collect();
    write_table(
        &staging.join(&output_name),
        format,
        Some(&read.info),
        &outcome.columns,
        &outcome.row_kept,
    )
    .at(Stage::Deidentify)?;
    let generated = remedy.is_some().then(|| config.text.clone());
    Ok(DeidRun {
        dataset: dataset.path.clone(),
        output: output_name,
        remedy,
        generated_config: generated,
        columns,
        report: outcome.report,
    })
}

/// The facts after de-identification: categories whose every column was deleted or
/// suppressed leave the inventory; categories with a pseudonymised, tokenised or masked column
/// become `pseudonymised`; an output the report calls anonymised (PIPL Art. 73(4)) makes every
/// category `anonymised`. Counts stay: suppressing rows can only lower them, and an unchanged
/// count errs towards the stricter rule.
fn deidentified_facts(
    facts: &TransferFacts,
    dataset: &DatasetReport,
    run: &DeidRun,
    config: &LoadedConfig,
) -> TransferFacts {
    use freeport_deid::config::ColumnFate;
    // Per category: (columns kept as they were or generalised, columns pseudonymised).
    let mut fate: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for column in &dataset.columns {
        let Some(category) = column.category.as_deref() else {
            continue;
        };
        let entry = fate.entry(category).or_default();
        match config.config.fate(&column.name) {
            ColumnFate::Removed => {}
            ColumnFate::Pseudonymised => entry.1 += 1,
            ColumnFate::Kept => entry.0 += 1,
        }
    }
    let anonymised =
        run.report.classification.result == freeport_deid::report::Identifiability::Anonymised;
    let mut after = facts.clone();
    after.data.inventory.retain_mut(|item| {
        let Some((kept, pseudonymised)) = fate.get(item.category.as_str()).copied() else {
            // Categories of other datasets, or not in columns: unchanged.
            return true;
        };
        if kept == 0 && pseudonymised == 0 {
            return false;
        }
        item.form = if anonymised {
            Form::Anonymised
        } else if kept == 0 {
            Form::Pseudonymised
        } else {
            item.form
        };
        true
    });
    after
}

/// Writes the outputs into the staging directory, then renames each into the output directory.
fn write_outputs(
    assessment: &mut Assessment,
    judge: &Judge,
    staging: &Path,
    out_dir: &Path,
    logged: Option<&Logged>,
    lang: Lang,
) -> Result<(), AssessError> {
    let receipt = logged.map(|l| l.receipt.as_str());
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    let (report_json, report_html) = report(assessment, judge, logged, lang)?;
    files.push((out_file::REPORT_JSON, report_json.into_bytes()));
    files.push((out_file::REPORT_HTML, report_html.into_bytes()));
    files.push((out_file::DECISION, pretty(assessment.decision())?));
    files.push((out_file::SCAN, pretty(&assessment.scan)?));
    if let Some(run) = &assessment.deid {
        files.push((out_file::DEID_REPORT, pretty(&run.report)?));
    }
    if let Some(package) = &assessment.package {
        files.push((out_file::TRUST, package.trust.as_bytes().to_vec()));
    }
    if let Some(receipt) = receipt {
        files.push((out_file::RECEIPT, receipt.as_bytes().to_vec()));
        files.push((
            out_file::TRUST_POLICY,
            assessment.trust_policy.as_bytes().to_vec(),
        ));
    }
    for (name, bytes) in &files {
        let path = staging.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| AssessError::io(Stage::Output, "write", &path, e))?;
    }
    if crate::fault::requested("fail-outputs") {
        // A test's stand-in for a disk that fails while the outputs move into place.
        return Err(AssessError::io(
            Stage::Output,
            "move into place",
            out_dir,
            std::io::Error::other("injected failure"),
        ));
    }
    let mut names: Vec<String> = files.into_iter().map(|(n, _)| n.to_owned()).collect();
    // The data crosses only inside the package; the de-identified plaintext stays behind.
    if let Some(package) = &assessment.package {
        names.push(package.name.clone());
    }
    for name in &names {
        let from = staging.join(name);
        let to = out_dir.join(name);
        std::fs::rename(&from, &to)
            .map_err(|e| AssessError::io(Stage::Output, "move into place", &to, e))?;
    }
    assessment.written = names;
    Ok(())
}

/// The report in JSON and in HTML (`lang`). Its day is the transfer's date, so the same inputs
/// give the same report whenever it is run.
fn report(
    assessment: &Assessment,
    judge: &Judge,
    logged: Option<&Logged>,
    lang: Lang,
) -> Result<(String, String), AssessError> {
    let vocabulary = Vocabulary::embedded().at(Stage::Output)?;
    let content_hashes: BTreeMap<String, String> = assessment
        .scan
        .datasets
        .iter()
        .filter_map(|d| {
            assessment
                .sources
                .iter()
                .find(|f| is_source_of(&f.path, &d.id))
                .map(|f| (d.path.clone(), format!("sha256:{}", f.sha256)))
        })
        .collect();
    let deid: Vec<DeidInput<'_>> = assessment
        .deid
        .iter()
        .map(|run| DeidInput {
            dataset: &run.dataset,
            report: &run.report,
        })
        .collect();
    let input = ReportInput {
        transfer_id: &assessment.transfer_id,
        facts: &assessment.facts,
        decision: &assessment.before,
        after_deid: assessment
            .after
            .as_ref()
            .map(|(facts, decision)| Rejudged { facts, decision }),
        prior: Some(&assessment.prior),
        scan: &assessment.scan,
        content_hashes: &content_hashes,
        deid: &deid,
        log: logged.map(|l| LogInfo {
            origin: &l.origin,
            checkpoint_size: l.checkpoint_size,
            root_hash: &l.root_hash,
            leaf_index: l.index,
            receipt: &l.receipt,
        }),
        // The fired rules' text goes into the evidence appendix.
        packs: &[judge.pack(Jurisdiction::Cn), judge.pack(Jurisdiction::Us)],
        vocabulary,
        tool_version: env!("CARGO_PKG_VERSION"),
        assessor: None,
        generated_on: assessment.facts.date,
    };
    let built = Report::build(&input);
    let internal = |e: freeport_report::ReportError| {
        AssessError::at(Stage::Output, Cause::Internal(e.to_string()))
    };
    Ok((
        render_json(&built).map_err(internal)?,
        render_html(&built, lang).map_err(internal)?,
    ))
}

/// Pretty JSON with a final newline.
fn pretty<T: Serialize>(value: &T) -> Result<Vec<u8>, AssessError> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| AssessError::at(Stage::Output, Cause::Internal(e.to_string())))?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Chinese exporter sending `people` people's names (no subject hashes): the bundled
    /// e-commerce transfer, under a scenario that no exemption covers.
    fn facts(judge: &Judge, people: u64) -> TransferFacts {
        let text = include_str!("../../../examples/assess/ecommerce-cn-us/transfer.toml");
        let mut facts = parse_facts("transfer.toml", text, FactsFormat::Toml, judge).unwrap();
        facts.scenario = freeport_policy::Scenario::Other;
        facts.data.inventory.push(freeport_policy::InventoryItem {
            category: "person.name".to_owned(),
            individuals: people,
            devices: None,
            collected_in: Origin::Cn,
            form: Form::Raw,
        });
        facts
    }

    /// Judges `people` against the store, as step 4 does, and returns what `record` needs.
    fn judge_now(
        store: &mut Store,
        judge: &Judge,
        counters: &Counters,
        id: &str,
        people: u64,
    ) -> (TransferFacts, PriorVolumes, Decision, TransferRecord) {
        let vocabulary = Vocabulary::embedded().unwrap();
        let facts = facts(judge, people);
        let record = transfer_record(id, &facts, vocabulary, Default::default());
        let (decision, prior) = judge_with_store(store, judge, counters, &facts, &record).unwrap();
        let record = with_decision(record, &decision).unwrap();
        (facts, prior, decision, record)
    }

    /// A category the facts list twice (raw and pseudonymised) gets its people in both entries,
    /// though the record takes the hash sets instead of copying them.
    #[test]
    fn a_category_listed_twice_keeps_its_people_in_both_entries() {
        let vocabulary = Vocabulary::embedded().unwrap();
        let judge = Judge::embedded(vocabulary).unwrap();
        let mut facts = facts(&judge, 3);
        let mut twice = facts.data.inventory[0].clone();
        twice.form = Form::Pseudonymised;
        facts.data.inventory.push(twice);
        let people: freeport_store::SubjectHashes =
            (1..=3u128).map(freeport_store::SubjectHash).collect();
        let hashes = crate::volumes::SubjectHashes::from([(
            ("person.name".to_owned(), freeport_store::CollectedIn::Cn),
            people.clone(),
        )]);
        let record = transfer_record("t", &facts, vocabulary, hashes);
        assert_eq!(record.volumes.len(), 2);
        for entry in &record.volumes {
            assert_eq!(entry.subject_hashes, people, "{:?}", entry.state);
        }
    }

    /// Another run records between this run's judgement and its record, and pushes the
    /// exporter's year past 100,000 people: the decision would change, so nothing is recorded.
    /// Without the intervening record the same call records.
    #[test]
    fn a_decision_the_store_changed_under_is_not_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("freeport.db")).unwrap();
        let vocabulary = Vocabulary::embedded().unwrap();
        let judge = Judge::embedded(vocabulary).unwrap();
        let counters = Counters::new(vocabulary);

        let (facts, prior, decision, mine) =
            judge_now(&mut store, &judge, &counters, "mine", 90_000);
        assert_eq!(decision.cn.outcome, "EXEMPT");
        let (_, _, _, theirs) = judge_now(&mut store, &judge, &counters, "theirs", 20_000);
        store
            .transaction(|tx| tx.record_transfer(&theirs).map(|_| ()))
            .unwrap();

        let judged = |facts, prior, decision| Judged {
            judge: &judge,
            counters: &counters,
            facts,
            prior,
            decision,
        };
        let err = record_judged(
            &mut store,
            &judged(&facts, &prior, &decision),
            &mine,
            b"entry",
            Path::new("/out/.freeport-assess-1-x"),
        )
        .unwrap_err();
        assert_eq!(err.stage, Stage::Record);
        assert!(
            err.cause.to_string().contains("the store changed"),
            "{}",
            err.cause
        );
        let ids = |store: &mut Store| {
            store
                .history(
                    &freeport_store::HistoryFilter::default(),
                    counters.cn_sets(),
                )
                .unwrap()
                .into_iter()
                .map(|h| h.transfer.id.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&mut store), ["theirs"]);

        // A fresh judgement (the store as it is now) records.
        let (facts, prior, decision, mine) =
            judge_now(&mut store, &judge, &counters, "mine", 90_000);
        assert_eq!(decision.cn.outcome, "STANDARD_CONTRACT_OR_CERTIFICATION");
        record_judged(
            &mut store,
            &judged(&facts, &prior, &decision),
            &mine,
            b"entry",
            Path::new("/out/.freeport-assess-1-x"),
        )
        .unwrap();
        assert_eq!(ids(&mut store), ["theirs", "mine"]);
    }
}
