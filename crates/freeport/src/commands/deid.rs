//! `freeport deid`: runs the de-identification engine over a file, writes the output and the
//! JSON report, and prints a summary.

use std::io::Write;
use std::time::Instant;

use freeport_cli::{DeidArgs, DeidCommand, DeidOutputFormat, DeidProfile};
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
    let report = &outcome.report;
    if let Some(report_target) = &report_target {
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
    let out: &mut dyn Write =
        if target.is_stdout() || report_target.as_ref().is_some_and(Target::is_stdout) {
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
        "input_format": files.input.format.name(),
        "output_format": files.output.name(),
        "checks": outcome.checks,
        "seconds": elapsed.as_secs_f64(),
        "search_seconds": outcome.search_seconds,
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
            let read = match (files.input.encoding, files.input.delimiter) {
                (Some(e), Some(d)) => format!("{} ({e}, {d:?})", files.input.format),
                (Some(e), None) => format!("{} ({e})", files.input.format),
                _ => files.input.format.to_string(),
            };
            let rows: [(&str, String); 10] = [
                (
                    "files",
                    format!("read {read}, wrote {}", files.output.name()),
                ),
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
                        outcome.checks,
                        outcome.search_seconds * 1000.0,
                        elapsed.as_secs_f64() * 1000.0
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
