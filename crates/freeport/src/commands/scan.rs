//! `freeport scan PATH...`: classify every column of every dataset and count the people they
//! cover, as a table for people or JSON for programs, with a progress bar on a terminal.

use std::io::Write;
use std::sync::Arc;

use comfy_table::Cell;
use freeport_cli::{Classification, Engine, LakeLimits, ScanArgs, TableLayout};
use freeport_scan::project::{Project, beside};
use freeport_scan::{DatasetReport, Evidence, ScanOptions, ScanReport, scan_paths};

use crate::progress::Bar;
use crate::render::{self, Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(args: &ScanArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut options = ScanOptions {
        threads: args.threads,
        sample_rows: args.sample,
        show_examples: args.show_examples,
        ..ScanOptions::default()
    };
    if let Some(label) = &args.encoding {
        options.read.encoding = Some(freeport_read::parse_encoding(label)?);
    }
    apply_layout(&args.layout, &mut options.read);
    let project = project(&args.classification, &args.paths)?.map(Arc::new);
    options.project = project.clone();
    let progress = Bar::new();
    let report = match args.engine {
        Engine::Native => {
            refuse_lake_options(&args.lake)?;
            scan_paths(&args.paths, &options, &progress)
        }
        Engine::Datafusion => {
            if options.project.is_some() {
                return Err(Error::NativeOption {
                    option: "a project file (--project, --codebook, freeport.toml beside the data)",
                });
            }
            scan_lakes(args, options, &progress)?
        }
    };
    progress.finish();
    if let Some(project) = &project {
        project.check_used(&report)?;
    }
    let rendered = Rendered {
        json: &report,
        table: |out: &mut dyn Write| write_tables(&report, args.show_examples, out),
    };
    render(out, args.format, &rendered)?;
    Ok(if report.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}

/// The project: `--project FILE`, else `freeport.toml` beside the first PATH when it has a
/// `[classification]` table; with `--codebook`'s descriptions (`scan` and `assess` alike).
pub(crate) fn project(
    classification: &Classification,
    paths: &[String],
) -> Result<Option<Project>, Error> {
    let codebook = classification.codebook.as_deref();
    let file = classification
        .project
        .clone()
        .or_else(|| paths.first().and_then(|p| beside(p)));
    let mut project = match (file, codebook) {
        (Some(file), _) => Project::from_file(&file)?,
        (None, Some(codebook)) => return Ok(Some(Project::with_codebook_only(codebook)?)),
        (None, None) => return Ok(None),
    };
    if let Some(codebook) = codebook {
        project.add_codebook(codebook)?;
    }
    Ok(Some(project))
}

/// Each PATH as a lake on DataFusion (`--engine datafusion`).
#[cfg(feature = "lake")]
fn scan_lakes(args: &ScanArgs, options: ScanOptions, progress: &Bar) -> Result<ScanReport, Error> {
    let options = freeport_lake::LakeOptions {
        scan: options,
        memory_limit: lake_memory_limit(&args.lake),
        spill_dir: args.lake.spill_dir.clone(),
    };
    Ok(freeport_lake::scan_lakes(&args.paths, &options, progress))
}

/// Without the `lake` feature, `--engine datafusion` says how to get it.
#[cfg(not(feature = "lake"))]
fn scan_lakes(_: &ScanArgs, _: ScanOptions, _: &Bar) -> Result<ScanReport, Error> {
    Err(Error::WithoutLake)
}

/// The header row, rows to skip and delimiter given on the command line (`scan` and `assess`).
pub(crate) fn apply_layout(layout: &TableLayout, read: &mut freeport_read::ReadOptions) {
    read.header = !layout.no_header;
    read.delimiter = layout.delimiter;
    read.skip_rows = match (layout.header_row, layout.skip_rows) {
        (Some(row), _) => row.saturating_sub(1),
        (None, skip) => skip.unwrap_or(0),
    };
}

/// The lake engine's memory bound in bytes: `--memory-limit` MiB, or the engine's default
/// (`scan` and `deid` alike).
#[cfg(feature = "lake")]
pub(crate) fn lake_memory_limit(lake: &LakeLimits) -> usize {
    lake.memory_limit
        .map_or(freeport_lake::DEFAULT_MEMORY_LIMIT, |mib| {
            usize::try_from(mib.saturating_mul(1 << 20)).unwrap_or(usize::MAX)
        })
}

/// The native engine refuses the options only the lake engine reads (`--memory-limit`,
/// `--spill-dir`), for `scan` and `deid` alike.
pub(crate) fn refuse_lake_options(lake: &LakeLimits) -> Result<(), Error> {
    if lake.memory_limit.is_some() {
        return Err(Error::EngineOption {
            option: "--memory-limit",
        });
    }
    if lake.spill_dir.is_some() {
        return Err(Error::EngineOption {
            option: "--spill-dir",
        });
    }
    Ok(())
}

fn write_tables(report: &ScanReport, examples: bool, out: &mut dyn Write) -> Result<(), Error> {
    for (i, dataset) in report.datasets.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_dataset(dataset, examples, out)?;
    }
    if !report.errors.is_empty() {
        if !report.datasets.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "{} input(s) failed:", report.errors.len())?;
        for error in &report.errors {
            writeln!(out, "  error: {}", error.message)?;
            if let Some(help) = &error.help {
                writeln!(out, "    hint: {help}")?;
            }
        }
    }
    Ok(())
}

fn write_dataset(
    dataset: &DatasetReport,
    examples: bool,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut about = vec![dataset.format.clone()];
    about.extend(dataset.encoding.clone());
    if let Some(delimiter) = &dataset.delimiter {
        about.push(format!("delimiter {delimiter:?}"));
    }
    about.push(format!(
        "{} rows{}",
        dataset.rows,
        if dataset.sampled { ", sampled" } else { "" }
    ));
    writeln!(out, "{} ({})", dataset.path, about.join(", "))?;
    let mut table = render::table();
    let mut header = vec![
        "column",
        "category",
        "confidence",
        "subjects",
        "also possible",
    ];
    if examples {
        header.push("examples (masked)");
    }
    table.set_header(header);
    for column in &dataset.columns {
        let subjects = column
            .category
            .as_ref()
            .and_then(|c| dataset.subjects.get(c))
            .map_or_else(|| "-".to_owned(), u64::to_string);
        let others: Vec<String> = column
            .categories
            .iter()
            .filter(|c| Some(&c.id) != column.category.as_ref())
            .take(2)
            .map(|c| format!("{} {:.2}", c.id, c.confidence))
            .collect();
        let mut row = vec![
            Cell::new(&column.name),
            Cell::new(column.category.as_deref().unwrap_or("-")),
            Cell::new(if column.category.is_some() {
                format!("{:.2}", column.confidence)
            } else {
                "-".to_owned()
            }),
            Cell::new(subjects),
            Cell::new(if others.is_empty() {
                "-".to_owned()
            } else {
                others.join(", ")
            }),
        ];
        if examples {
            row.push(Cell::new(column.examples.join(" | ")));
        }
        table.add_row(row);
    }
    writeln!(out, "{table}")?;
    for column in &dataset.columns {
        if column.contains.is_empty() {
            continue;
        }
        let found: Vec<String> = column
            .contains
            .iter()
            .map(|c| format!("{} {} rows ({:.1} %)", c.category, c.rows, c.share * 100.0))
            .collect();
        writeln!(
            out,
            "inside the text of `{}`: {}",
            column.name,
            found.join(", ")
        )?;
    }
    for column in &dataset.columns {
        if let Some(o) = &column.overridden {
            writeln!(
                out,
                "override of `{}` ({}): {} → {}: {}",
                column.name,
                o.source,
                o.was.as_deref().unwrap_or("-"),
                o.becomes,
                o.justification
            )?;
        }
    }
    for column in &dataset.columns {
        let said: Vec<String> = column
            .evidence
            .iter()
            .filter_map(|e| match e {
                Evidence::Codebook {
                    category, keyword, ..
                } if column.category.as_ref() == Some(category) => {
                    Some(format!("the codebook says {category} (`{keyword}`)"))
                }
                Evidence::Custom {
                    category,
                    detector,
                    matched,
                    sampled,
                    ..
                } if column.category.as_ref() == Some(category) => Some(format!(
                    "custom detector `{detector}` matched {matched} of {sampled} values"
                )),
                Evidence::CustomHeader {
                    category, detector, ..
                } if column.category.as_ref() == Some(category) => Some(format!(
                    "custom detector `{detector}` names it in the header"
                )),
                Evidence::Allowed { values } => {
                    Some(format!("{values} allow-listed values left unclassified"))
                }
                _ => None,
            })
            .collect();
        if !said.is_empty() {
            writeln!(
                out,
                "project rules on `{}`: {}",
                column.name,
                said.join("; ")
            )?;
        }
    }
    match &dataset.subject_key {
        Some(key) => writeln!(
            out,
            "subjects keyed on `{}` ({}); {} rows without a valid key",
            key.column, key.category, dataset.unkeyed_rows
        )?,
        None => writeln!(out, "no identifier column: subjects not counted")?,
    }
    if let Some(key) = &dataset.device_key {
        let devices: Vec<String> = dataset
            .devices
            .iter()
            .map(|(category, n)| format!("{category} {n}"))
            .collect();
        writeln!(
            out,
            "devices keyed on `{}` ({}): {}",
            key.column,
            key.category,
            if devices.is_empty() {
                "no precise location".to_owned()
            } else {
                devices.join(", ")
            }
        )?;
    }
    for warning in &dataset.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}
