//! Stage 5, **de-identify** (when asked): a given configuration, or the first remedy of the
//! judge that de-identification can carry out; then the facts as they stand after it (the
//! inventory keeps its counts and changes form), for the judge to judge again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use freeport_deid::config::{LoadedConfig, RemedyColumn, RemedyTransform};
use freeport_deid::io::{InputOptions, OutputFormat, read_table, write_table};
use freeport_policy::{Action, Decision, Form, Remedy, TransferFacts};
use freeport_scan::{DatasetReport, ScanReport};

use crate::error::{AssessError, AtStage, Cause, Stage};
use crate::layout::HomeLayout;
use crate::pipeline::{DeidChoice, DeidRun};

/// A de-identification that ran, and the facts after it.
pub(crate) struct Deidentified {
    /// The run.
    pub run: DeidRun,
    /// The facts after it ([`deidentified_facts`]).
    pub facts: TransferFacts,
}

/// Stage 5: de-identifies the one dataset of `scan` as `choice` says, into `staging`; `None`
/// when the data crosses as it is (no de-identification asked, or no remedy to carry out).
pub(crate) fn deid(
    choice: &DeidChoice,
    scan: &ScanReport,
    facts: &TransferFacts,
    before: &Decision,
    home: &HomeLayout,
    staging: &Path,
) -> Result<Option<Deidentified>, AssessError> {
    let (config, remedy) = match choice {
        DeidChoice::None => return Ok(None),
        DeidChoice::Config(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| AssessError::io(Stage::Deidentify, "read", path, e))?;
            single_dataset(scan)?;
            let dir = path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let config = LoadedConfig::parse(&text, &path.display().to_string(), dir)
                .at(Stage::Deidentify)?;
            (config, None)
        }
        // Nothing to lighten: the data crosses as it is.
        DeidChoice::Remedies if before.remedies.is_empty() => return Ok(None),
        DeidChoice::Remedies => {
            let dataset = single_dataset(scan)?;
            let (remedy, config) = remedy_config(before, dataset, home)?;
            (config, Some(remedy))
        }
    };
    let dataset = single_dataset(scan)?;
    let run = deidentify(dataset, &config, staging, remedy)?;
    let facts = deidentified_facts(facts, dataset, &run, &config);
    Ok(Some(Deidentified { run, facts }))
}

pub(crate) fn single_dataset(scan: &ScanReport) -> Result<&DatasetReport, AssessError> {
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
pub(crate) fn remedy_config(
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
pub(crate) fn pseudonym_key(home: &HomeLayout) -> Result<PathBuf, AssessError> {
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

pub(crate) fn deidentify(
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
pub(crate) fn deidentified_facts(
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
