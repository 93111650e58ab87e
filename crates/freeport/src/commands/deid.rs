//! `freeport deid`: runs the de-identification engine over a file, writes the output and the
//! JSON report, and prints a summary.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use freeport_cli::{DeidArgs, DeidCommand, DeidOutputFormat, DeidProfile, Engine};
use freeport_deid::engine::{RunOptions, run_files_observed};
use freeport_deid::io::{InputOptions, OutputFormat};
use freeport_deid::profile::Profile;

use crate::output::Target;
use crate::progress::Bar;
use crate::render::{self, Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(args: &DeidArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    if let Some(DeidCommand::Plan(plan)) = &args.command {
        let text = std::fs::read_to_string(&plan.scan)
            .map_err(|e| freeport_deid::Error::io(&plan.scan, e))?;
        let name = plan.scan.display().to_string();
        let draft = freeport_deid::plan::draft(&text, &name)?;
        let rendered = Rendered {
            json: &toml::from_str::<toml::Value>(&draft).map_err(|e| {
                Error::Usage(format!(
                    "the drafted configuration is not TOML (this is a bug): {e}"
                ))
            })?,
            table: |out: &mut dyn Write| -> Result<(), Error> {
                out.write_all(draft.as_bytes())?;
                Ok(())
            },
        };
        render(out, plan.format, &rendered)?;
        return Ok(ExitStatus::Success);
    }
    // clap requires all three when no subcommand is given.
    let (Some(input), Some(config), Some(output)) = (&args.input, &args.config, &args.output)
    else {
        return Err(freeport_deid::Error::input(
            "`freeport deid` needs INPUT, --config and -o/--output",
            None,
        )
        .into());
    };
    let profile = args.profile.map(|p| match p {
        DeidProfile::HipaaSafeHarbor => Profile::HipaaSafeHarbor,
        DeidProfile::CnAnonymised => Profile::CnAnonymised,
    });
    if args.engine == Engine::Datafusion {
        return run_lake(args, input, config, output, profile, out);
    }
    super::scan::refuse_lake_options(&args.lake)?;
    let encoding = match &args.encoding {
        Some(label) => Some(freeport_read::parse_encoding(label)?),
        None => None,
    };
    let options = RunOptions {
        profile,
        input: InputOptions {
            encoding,
            sheet: args.sheet.clone(),
        },
        output_format: args.output_format.map(|f| match f {
            DeidOutputFormat::Csv => OutputFormat::Csv,
            DeidOutputFormat::Tsv => OutputFormat::Tsv,
            DeidOutputFormat::Parquet => OutputFormat::Parquet,
            DeidOutputFormat::Jsonl => OutputFormat::JsonLines,
        }),
    };
    let target = Target::of(output, args.force)?;
    let report_target = args
        .report
        .as_deref()
        .map(|path| Target::of(path, args.force))
        .transpose()?;
    if target.is_stdout() && report_target.as_ref().is_some_and(Target::is_stdout) {
        return Err(Error::Usage(
            "the dataset and the report cannot both go to standard output".to_owned(),
        ));
    }
    let mut options = options;
    if !matches!(target, Target::File(_)) && options.output_format.is_none() {
        // `-` and special files have no extension to read a format from.
        options.output_format = Some(OutputFormat::Csv);
    }
    let started = Instant::now();
    let progress = Bar::new();
    let delivered = target.deliver("output", out, |path| {
        Ok(run_files_observed(
            input, config, path, &options, &progress,
        )?)
    });
    progress.finish();
    let (outcome, files) = delivered?;
    let elapsed = started.elapsed();
    let read = match (files.input.encoding, files.input.delimiter) {
        (Some(e), Some(d)) => format!("{} ({e}, {d:?})", files.input.format),
        (Some(e), None) => format!("{} ({e})", files.input.format),
        _ => files.input.format.to_string(),
    };
    let run = Run {
        report: &outcome.report,
        read,
        wrote: files.output.name().to_owned(),
        input_format: files.input.format.name().to_owned(),
        output_format: files.output.name().to_owned(),
        checks: outcome.checks,
        search_seconds: outcome.search_seconds,
        seconds: elapsed.as_secs_f64(),
    };
    let stdout = target.is_stdout();
    summarise(args, &run, report_target.as_ref(), stdout, out)
}

/// One run's report and what the summary says of it.
struct Run<'a> {
    report: &'a freeport_deid::report::Report,
    read: String,
    wrote: String,
    input_format: String,
    output_format: String,
    checks: usize,
    search_seconds: f64,
    seconds: f64,
}

/// Writes the JSON report where `--report` says, and prints the summary (to standard error
/// when data goes to standard output).
fn summarise(
    args: &DeidArgs,
    run: &Run<'_>,
    report_target: Option<&Target>,
    data_on_stdout: bool,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let report = run.report;
    if let Some(report_target) = report_target {
        let json = serde_json::to_vec_pretty(report)?;
        report_target.deliver("report.json", out, |path| {
            Ok(freeport_deid::io::write_atomically(path, |w| {
                w.write_all(&json)?;
                w.write_all(b"\n")
            })?)
        })?;
    }
    // With data on standard output, the summary goes to standard error.
    let mut stderr = std::io::stderr();
    let out: &mut dyn Write = if data_on_stdout || report_target.is_some_and(Target::is_stdout) {
        &mut stderr
    } else {
        out
    };
    let summary = serde_json::json!({
        "transformation": report.transformation,
        "metric": report.metric,
        "classes": report.classes,
        "suppressed_rows": report.suppressed_rows,
        "output_rows": report.output_rows,
        "classification": report.classification.result,
        "input_format": run.input_format,
        "output_format": run.output_format,
        "checks": run.checks,
        "seconds": run.seconds,
        "search_seconds": run.search_seconds,
    });
    let rendered = Rendered {
        json: &summary,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            let mut table = render::table();
            table.set_header(["", "value"]);
            let levels: Vec<String> = report
                .transformation
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let risk = |r: Option<&freeport_deid::risk::Risk>| {
                r.map_or_else(
                    || "-".to_owned(),
                    |r| {
                        format!(
                            "highest {:.4}, average {:.4}, uniques {:.4}",
                            r.prosecutor.highest, r.prosecutor.average, r.sample_uniques
                        )
                    },
                )
            };
            let rows: [(&str, String); 10] = [
                ("files", format!("read {}, wrote {}", run.read, run.wrote)),
                ("transformation", levels.join(" ")),
                (
                    "metric",
                    format!("{} = {}", report.metric.name, report.metric.value),
                ),
                ("classes", report.classes.to_string()),
                ("suppressed rows", report.suppressed_rows.to_string()),
                (
                    "rows",
                    format!("{} in, {} out", report.input_rows, report.output_rows),
                ),
                ("risk before", risk(report.risk.before.as_ref())),
                ("risk after", risk(report.risk.after.as_ref())),
                (
                    "PIPL",
                    format!(
                        "{} ({})",
                        report.classification.result, report.classification.zh
                    ),
                ),
                (
                    "search",
                    format!(
                        "{} checks, search {:.1} ms, total {:.1} ms",
                        run.checks,
                        run.search_seconds * 1000.0,
                        run.seconds * 1000.0
                    ),
                ),
            ];
            for (k, v) in rows {
                table.add_row([k.to_owned(), v]);
            }
            writeln!(out, "{table}")?;
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}

/// `--engine datafusion`: INPUT is a lake, OUTPUT a directory of partitioned Parquet.
#[cfg(feature = "lake")]
fn run_lake(
    args: &DeidArgs,
    input: &Path,
    config: &Path,
    output: &Path,
    profile: Option<Profile>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let refuse = |option: &str, help: &str| {
        Err(Error::Lake(freeport_lake::LakeError::Unsupported {
            option: option.to_owned(),
            help: help.to_owned(),
        }))
    };
    if args.encoding.is_some() || args.sheet.is_some() {
        return refuse(
            "--encoding or --sheet",
            "a lake is UTF-8 CSV or Parquet files; de-identify other files with the native engine",
        );
    }
    if args
        .output_format
        .is_some_and(|f| f != DeidOutputFormat::Parquet)
    {
        return refuse(
            "--output-format other than parquet",
            "a lake is written as hive-partitioned Parquet",
        );
    }
    if output.as_os_str() == "-" || args.force {
        return refuse(
            "-o - or --force",
            "give -o a new (or empty) directory; an existing one is never replaced",
        );
    }
    let report_target = args
        .report
        .as_deref()
        .map(|path| Target::of(path, false))
        .transpose()?;
    let options = freeport_lake::deid::LakeDeidOptions {
        profile,
        threads: 0,
        memory_limit: super::scan::lake_memory_limit(&args.lake),
        spill_dir: args.lake.spill_dir.clone(),
    };
    let cfg = freeport_deid::config::LoadedConfig::from_file(config)?;
    let started = Instant::now();
    let spec = input.to_string_lossy();
    let outcome = freeport_lake::deid::deidentify_lake(&spec, &cfg, output, &options)?;
    let seconds = started.elapsed().as_secs_f64();
    let run = Run {
        report: &outcome.report,
        read: format!("lake {spec}"),
        wrote: format!(
            "{} partitioned Parquet files to {}",
            outcome.files.len(),
            output.display()
        ),
        input_format: "lake".to_owned(),
        output_format: "parquet".to_owned(),
        checks: outcome.checks,
        search_seconds: outcome.search_seconds,
        seconds,
    };
    summarise(args, &run, report_target.as_ref(), false, out)
}

/// Without the `lake` feature, `--engine datafusion` says how to get it.
#[cfg(not(feature = "lake"))]
fn run_lake(
    _: &DeidArgs,
    _: &Path,
    _: &Path,
    _: &Path,
    _: Option<Profile>,
    _: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    Err(Error::WithoutLake)
}
