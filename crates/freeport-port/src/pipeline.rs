//! One assessment, stage by stage, in the order the crate docs give: [`assess`] runs the
//! stages (`crate::stages`) up to outputs ready to deliver ([`Staged`]); [`deliver`] moves
//! them into an output directory.

use std::path::{Path, PathBuf};

use freeport_deid::report::Report as DeidReport;
use freeport_policy::{CollectedIn as Origin, Decision, PriorVolumes, Remedy, TransferFacts};
use freeport_report::Lang;
use freeport_scan::{Progress, ScanReport};
use freeport_store::{Store, SubjectSalt};
use serde::Serialize;

use crate::error::{AssessError, AtStage, Stage};
use crate::home::PortLog;
use crate::layout::HomeLayout;
use crate::recover::{Recovered, recover};
use crate::stages::judge::{Judgements, Judging, judgements};
use crate::stages::log::Kept;
use crate::stages::record::Judged;
use crate::stages::seal::Sealing;
use crate::stages::{deid, judge, log, record, report, scan, seal};
use crate::volumes::Counters;

pub use crate::stages::Output;

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
    /// The day the report says it was generated (the caller's clock or an explicit day; the
    /// transfer's own date is the facts').
    pub generated_on: jiff::civil::Date,
    /// A project's classification rules and codebook (`[classification]`), as `freeport scan`
    /// reads them: its overrides are in the scan, so in the inventory judged and the report.
    pub project: Option<std::sync::Arc<freeport_scan::project::Project>>,
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
    /// The decision blocks the transfer: nothing was recorded or sealed, and the refusal is
    /// logged as a `decision` entry without a package (`deny`, with the report's SHA-256), so an
    /// auditor sees refusals too.
    Blocked {
        /// The refusal's entry index in the log.
        log_index: u64,
        /// The receipt (C2SP tlog-proof).
        receipt: String,
    },
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

/// An assessment with its outputs rendered and staged, not yet in the output directory:
/// [`deliver`] moves them there. A recorded transfer's staging survives a run that stops here,
/// and the next run finishes its package.
pub struct Staged {
    /// Everything the assessment found and did ([`Assessment::written`] still empty).
    pub assessment: Assessment,
    /// The output files, rendered.
    pub outputs: Vec<Output>,
    /// Where the outputs and the package wait.
    staging: Staging,
}

impl std::fmt::Debug for Staged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staged")
            .field("assessment", &self.assessment.transfer_id)
            .field(
                "outputs",
                &self.outputs.iter().map(|o| o.name).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// A staging directory: removed when dropped (nothing recorded), or kept (a recorded transfer).
enum Staging {
    Unrecorded(tempfile::TempDir),
    Recorded(Box<Kept>),
}

/// Runs one assessment up to its outputs, rendered and staged in the request's output
/// directory ([`Staged`]); [`deliver`] moves them into place. A caller that keeps the
/// artefacts itself (a server) reads [`Staged::outputs`] instead.
///
/// # Errors
///
/// Any stage that cannot complete; [`AssessError::stage`] says which. Nothing is recorded,
/// logged or sealed unless every stage completes; a failure after the log append keeps the
/// staging and says the transfer is recorded.
pub fn assess(
    request: &Request,
    home: &HomeLayout,
    progress: &dyn Progress,
) -> Result<Staged, AssessError> {
    // 1. Transfer.
    let transfer = judge::transfer(request)?;
    let vocabulary = transfer.vocabulary;

    // 2. Home.
    let (mut store, mut log, recovered, salt) = open_home(home, &transfer.facts.exporter.name)?;

    // 3. Scan.
    let paths = scan::source_files(&request.datasets)?;
    let staging = report::staging(&request.out_dir)?;
    let dir = staging.path();
    let sealer = seal::sealer(request, home)?;
    let place = scan::ScanPlace {
        paths: &paths,
        recipients: &sealer.recipients,
        staging: dir,
    };
    let scan::Scanned {
        scan,
        mut found,
        payload,
        sources,
    } = scan::scan(request, &transfer, &salt, &place, progress)?;
    let mut facts = transfer.facts.clone();
    facts.data.inventory.clone_from(&found.items);
    facts.data.individuals = Some(found.individuals);
    let transfer_id = request
        .id
        .clone()
        .unwrap_or_else(|| scan::default_id(&facts, &transfer.text, &sources));
    if request.id.is_none() {
        record::refuse_a_retry(&transfer_id, &recovered)?;
    }

    // 4. Judge. The hashes move into the record unless a de-identified record needs them again.
    let counters = Counters::new(vocabulary);
    let judging = Judging {
        judge: &transfer.judge,
        counters: &counters,
        vocabulary,
    };
    let hashes = match request.deid {
        DeidChoice::None => std::mem::take(&mut found.hashes),
        DeidChoice::Config(_) | DeidChoice::Remedies => found.hashes.clone(),
    };
    let before = judging.judge(&mut store, &transfer_id, &facts, hashes)?;

    // 5. De-identify, and judge again.
    let deidentified = deid::deid(&request.deid, &scan, &facts, &before.decision, home, dir)?;
    let (deid, after, files) = match deidentified {
        None => (None, None, sources.clone()),
        Some(deid::Deidentified { run, facts: after }) => {
            let judged = judging.judge(&mut store, &transfer_id, &after, found.hashes)?;
            let file = scan::data_file(&dir.join(&run.output))?;
            (Some(run), Some((after, judged)), vec![file])
        }
    };
    let Judgements {
        prior,
        before,
        after,
        last,
    } = judgements(before, after);
    let mut assessment = Assessment {
        transfer_id,
        facts,
        scan,
        prior,
        before,
        deid,
        after,
        sources,
        files,
        // Settled below: recorded and logged, or blocked and its refusal logged.
        outcome: Outcome::Blocked {
            log_index: 0,
            receipt: String::new(),
        },
        recovered,
        trust_policy: log.policy().to_owned(),
        package: None,
        written: Vec::new(),
    };
    let final_facts = assessment
        .after
        .as_ref()
        .map_or(&assessment.facts, |(f, _)| f)
        .clone();
    if last.decision.is_blocking() {
        let bound = report::bound(&assessment, &transfer.judge, request.generated_on)?;
        let logged = log::refusal(&mut log, &assessment.transfer_id, &last.decision, &bound)?;
        assessment.outcome = Outcome::Blocked {
            log_index: logged.index,
            receipt: logged.receipt.clone(),
        };
        let outputs = report::outputs(&assessment, &bound, Some(&logged), request.lang)?;
        return Ok(Staged {
            assessment,
            outputs,
            staging: Staging::Unrecorded(staging),
        });
    }

    // 6. Seal, record, log.
    let recorded = record::settle_id(
        &mut store,
        last.record,
        &last.decision,
        request.id.is_some(),
    )?;
    assessment.transfer_id = recorded.id.as_str().to_owned();
    // The report as bound to the log: kept with the transfer, its hash in the manifest.
    let bound = report::bound(&assessment, &transfer.judge, request.generated_on)?;
    let package_name = format!("{}.fdp", assessment.transfer_id);
    report::check_outputs_free(&request.out_dir, Some(&package_name))?;
    let sealing = Sealing {
        assessment: &assessment,
        facts: &final_facts,
        decision: &last.decision,
        package_name: &package_name,
        report_sha256: &bound.sha256,
    };
    let sealed = seal::seal(&sealing, payload, &sealer, dir)?;
    let judged = Judged::new(&judging, &final_facts, &last.prior, &last.decision);
    let staged = record::record(
        &mut store,
        home,
        &judged,
        &recorded,
        &sealed,
        &bound.kept(),
        dir,
    )?;
    let index = log::append(&mut store, &mut log, &recorded.id, &sealed.entry)?;
    // From here the transfer is recorded and logged: a failure keeps what was staged, and says
    // so; the next run finishes the package from it.
    let kept = Kept {
        staged,
        dir: staging.keep(),
        id: recorded.id,
        index,
        store,
    };
    let finishing = log::Finishing {
        log: &mut log,
        sealer: &sealer,
        home,
        bound: &bound,
        lang: request.lang,
    };
    let (assessment, outputs, kept) = log::finish(assessment, kept, sealed.prepared, finishing)?;
    Ok(Staged {
        assessment,
        outputs,
        staging: Staging::Recorded(Box::new(kept)),
    })
}

/// Stage 2, **home**: the store and the log open (created only in a fresh home; a home whose
/// store, log and keys disagree is refused), what a crash left half-done is finished, and the
/// `exporter`'s subject-hash salt is read.
fn open_home(
    home: &HomeLayout,
    exporter: &str,
) -> Result<(Store, PortLog, Recovered, SubjectSalt), AssessError> {
    let mut store = home.open_store_for_recording().at(Stage::Home)?;
    let mut log = PortLog::open_or_create(home).at(Stage::Home)?;
    let recovered = recover(&mut store, &mut log, home)?;
    let salt = store
        .transaction(|tx| tx.subject_salt(exporter))
        .at(Stage::Home)?;
    Ok((store, log, recovered, salt))
}

/// Moves a staged assessment's outputs, and its package, into `out_dir` (the request's output
/// directory, or another on the same file system), and for a recorded transfer tells the store
/// it is delivered.
///
/// # Errors
///
/// A file that cannot be written or moved; for a recorded transfer the error says so, and the
/// staging is kept for the next run to finish the package from.
pub fn deliver(staged: Staged, out_dir: &Path) -> Result<Assessment, AssessError> {
    let Staged {
        mut assessment,
        outputs,
        staging,
    } = staged;
    match staging {
        Staging::Unrecorded(dir) => {
            assessment.written = report::deliver(&assessment, &outputs, dir.path(), out_dir)?;
            Ok(assessment)
        }
        Staging::Recorded(mut kept) => {
            let delivered =
                report::deliver(&assessment, &outputs, &kept.dir, out_dir).and_then(|names| {
                    crate::fault::abort_at("after-outputs");
                    kept.store.mark_delivered(&kept.id).at(Stage::Output)?;
                    Ok(names)
                });
            match delivered {
                Ok(names) => {
                    let _ = std::fs::remove_dir_all(&kept.dir);
                    assessment.written = names;
                    Ok(assessment)
                }
                Err(e) => Err(kept.failed(e, None)),
            }
        }
    }
}
