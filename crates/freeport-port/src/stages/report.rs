//! Stage 7, **report**: the outputs an assessment leaves — the report in JSON and HTML, the
//! decision, the scan, the de-identification report, the trust file, the receipt — rendered
//! into bytes ([`outputs`]); [`deliver`] writes them into the staging directory and renames
//! them, with the package, into the output directory.

use std::collections::BTreeMap;
use std::path::Path;

use freeport_policy::{Judge, Jurisdiction};
use freeport_report::{
    DeidInput, Lang, LogCheckpoint, Rejudged, Report, ReportInput, ReportLog, render_html,
    render_json,
};
use freeport_vocabulary::Vocabulary;
use serde::Serialize;

use crate::error::{AssessError, AtStage, Cause, Stage};
use crate::pipeline::{Assessment, Logged};
use crate::stages::scan::is_source_of;

/// One output file: its name in the output directory and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Its name ([`out_file`]).
    pub name: &'static str,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// Stage 7: the output files of `assessment`, rendered: its report `bound` (the model as bound
/// to the log, [`Bound`]) completed with its place in the log (`logged`, once the transfer is
/// in the log).
pub(crate) fn outputs(
    assessment: &Assessment,
    bound: &Bound,
    logged: Option<&Logged>,
    lang: Lang,
) -> Result<Vec<Output>, AssessError> {
    let report = bound
        .report
        .clone()
        .with_log(logged.map(Logged::report_log));
    let internal = |e: freeport_report::ReportError| {
        AssessError::at(Stage::Output, Cause::Internal(e.to_string()))
    };
    let report_json = render_json(&report).map_err(internal)?;
    let report_html = render_html(&report, lang).map_err(internal)?;
    let mut files = vec![
        Output {
            name: out_file::REPORT_JSON,
            bytes: report_json.into_bytes(),
        },
        Output {
            name: out_file::REPORT_HTML,
            bytes: report_html.into_bytes(),
        },
        Output {
            name: out_file::DECISION,
            bytes: pretty(assessment.decision())?,
        },
        Output {
            name: out_file::SCAN,
            bytes: pretty(&assessment.scan)?,
        },
        // What a port files (`freeport file DIR`): the facts as last judged, inventory from
        // the scan (counts, no values).
        Output {
            name: out_file::FACTS,
            bytes: pretty(
                assessment
                    .after
                    .as_ref()
                    .map_or(&assessment.facts, |(facts, _)| facts),
            )?,
        },
    ];
    if let Some(run) = &assessment.deid {
        files.push(Output {
            name: out_file::DEID_REPORT,
            bytes: pretty(&run.report)?,
        });
    }
    if let Some(package) = &assessment.package {
        files.push(Output {
            name: out_file::TRUST,
            bytes: package.trust.as_bytes().to_vec(),
        });
    }
    if let Some(logged) = logged {
        files.push(Output {
            name: out_file::RECEIPT,
            bytes: logged.receipt.as_bytes().to_vec(),
        });
        files.push(Output {
            name: out_file::TRUST_POLICY,
            bytes: assessment.trust_policy.as_bytes().to_vec(),
        });
    }
    Ok(files)
}

/// Writes `outputs` into `staging`, then renames each, and the package if there is one, into
/// `out_dir`; returns the names moved.
pub(crate) fn deliver(
    assessment: &Assessment,
    outputs: &[Output],
    staging: &Path,
    out_dir: &Path,
) -> Result<Vec<String>, AssessError> {
    for output in outputs {
        let path = staging.join(output.name);
        std::fs::write(&path, &output.bytes)
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
    let mut names: Vec<String> = outputs.iter().map(|o| o.name.to_owned()).collect();
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
    Ok(names)
}

/// Checks the output directory is free ([`check_outputs_free`]), sweeps what earlier runs
/// left there, and creates this run's staging directory in it.
pub(crate) fn staging(out_dir: &Path) -> Result<tempfile::TempDir, AssessError> {
    check_outputs_free(out_dir, None)?;
    freeport_seal::staging::sweep(ensure_dir(out_dir)?, "assess");
    freeport_seal::staging::create(out_dir, "assess")
        .map_err(|e| AssessError::io(Stage::Output, "create a staging directory in", out_dir, e))
}

/// The files an assessment puts in its output directory, besides the package `<id>.fdp`:
/// [`deliver`] moves only these names, and [`check_outputs_free`] checks all of them.
pub(crate) mod out_file {
    pub(super) const REPORT_JSON: &str = "report.json";
    pub(super) const REPORT_HTML: &str = "report.html";
    pub(super) const DECISION: &str = "decision.json";
    pub(super) const SCAN: &str = "scan.json";
    pub(super) const FACTS: &str = "facts.json";
    pub(super) const DEID_REPORT: &str = "deid-report.json";
    pub(super) const TRUST: &str = "trust.toml";
    pub(super) const RECEIPT: &str = "receipt.tlog-proof";
    pub(super) const TRUST_POLICY: &str = "trust-policy.txt";
    pub(super) const ALL: [&str; 9] = [
        REPORT_JSON,
        REPORT_HTML,
        DECISION,
        SCAN,
        FACTS,
        DEID_REPORT,
        TRUST,
        RECEIPT,
        TRUST_POLICY,
    ];
}

/// Refuses an output directory that already holds an assessment's outputs (or `package`): one
/// transfer's report must never replace another's, and once a transfer is recorded its outputs
/// must be able to move into place. Checked before the scan and again before recording.
pub(crate) fn check_outputs_free(out_dir: &Path, package: Option<&str>) -> Result<(), AssessError> {
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

pub(crate) fn ensure_dir(dir: &Path) -> Result<&Path, AssessError> {
    std::fs::create_dir_all(dir).map_err(|e| AssessError::io(Stage::Output, "create", dir, e))?;
    Ok(dir)
}

/// The report as bound to the log: the model with its log fields empty, its JSON and that
/// JSON's SHA-256 (what the store keeps, the package manifest and the log entry carry).
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    /// The model, log fields empty.
    pub report: Report,
    /// [`freeport_report::bound_json`] of it.
    pub json: String,
    /// SHA-256 of `json`, lowercase hex.
    pub sha256: String,
    /// The day it says it was generated.
    pub generated_on: jiff::civil::Date,
}

impl Bound {
    /// What the store keeps of it.
    pub(crate) fn kept(&self) -> freeport_store::KeptReport {
        freeport_store::KeptReport {
            report: self.json.clone(),
            sha256: self.sha256.clone(),
            generated_on: self.generated_on,
            log: None,
        }
    }
}

impl Logged {
    /// The report's place in the log.
    pub(crate) fn report_log(&self) -> ReportLog {
        ReportLog {
            checkpoint: LogCheckpoint {
                origin: self.origin.clone(),
                size: self.checkpoint_size,
                root_hash: self.root_hash.clone(),
                leaf_index: self.index,
            },
            receipt: self.receipt.clone(),
        }
    }
}

/// The report of `assessment` as bound to the log (no log fields), dated
/// `rendering.generated_on`: the same inputs and the same day give the same report whenever it
/// is run. Built once the transfer id is settled, before the package is sealed.
pub(crate) fn bound(
    assessment: &Assessment,
    judge: &Judge,
    generated_on: jiff::civil::Date,
) -> Result<Bound, AssessError> {
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
        log: None,
        // The fired rules' text goes into the evidence appendix.
        packs: &[judge.pack(Jurisdiction::Cn), judge.pack(Jurisdiction::Us)],
        vocabulary,
        tool_version: env!("CARGO_PKG_VERSION"),
        assessor: None,
        generated_on,
    };
    let report = Report::build(&input);
    let json = freeport_report::bound_json(&report)
        .map_err(|e| AssessError::at(Stage::Output, Cause::Internal(e.to_string())))?;
    let sha256 = freeport_report::sha256_hex(json.as_bytes());
    Ok(Bound {
        report,
        json,
        sha256,
        generated_on,
    })
}

/// Pretty JSON with a final newline.
pub(crate) fn pretty<T: Serialize>(value: &T) -> Result<Vec<u8>, AssessError> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| AssessError::at(Stage::Output, Cause::Internal(e.to_string())))?;
    bytes.push(b'\n');
    Ok(bytes)
}
