//! `freeport assess DATASET... --transfer FILE`: the main job, from datasets to a judged,
//! recorded and logged transfer, summarised for people or as JSON.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use freeport_cli::{AssessArgs, Collected, ReportLang};
use freeport_policy::{CollectedIn, Decision};
use freeport_port::pipeline::DataFile;
use freeport_port::{Assessment, DeidChoice, HomeLayout, Outcome, Request, assess, deliver};
use freeport_report::Lang;
use serde::Serialize;

use crate::progress::Bar;
use crate::render::{Rendered, render};
use crate::{Error, ExitStatus};

/// `freeport assess --format json`.
#[derive(Serialize)]
struct AssessJson<'a> {
    transfer_id: &'a str,
    #[serde(flatten)]
    outcome: &'a Outcome,
    decision: &'a Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    before_deidentification: Option<&'a Decision>,
    files: &'a [DataFile],
    out_dir: String,
    written: &'a [String],
}

pub(crate) fn run(
    args: &AssessArgs,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let home = home_of(store)?;
    if let Some(path) = store
        && path.file_name() != Some(std::ffi::OsStr::new(freeport_store::DB_FILE))
    {
        return Err(Error::Usage(format!(
            "`--store {}`: assess keeps the store as `{}` in its home directory beside the log and keys",
            path.display(),
            freeport_store::DB_FILE
        )));
    }
    if let Some(id) = &args.package_lost {
        return package_lost(&home, id, out);
    }
    let Some(transfer) = args.transfer.clone() else {
        return Err(Error::Usage(
            "`freeport assess` needs `--transfer FILE`".into(),
        ));
    };
    let mut layout = freeport_read::ReadOptions::default();
    crate::commands::scan::apply_layout(&args.layout, &mut layout);
    let project = crate::commands::scan::project(&args.classification, &args.datasets)?
        .map(std::sync::Arc::new);
    let request = Request {
        project,
        datasets: args.datasets.clone(),
        transfer,
        deid: match (&args.deid, args.apply_remedies) {
            (Some(path), _) => DeidChoice::Config(path.clone()),
            (None, true) => DeidChoice::Remedies,
            (None, false) => DeidChoice::None,
        },
        out_dir: args.out_dir.clone(),
        id: args.id.clone(),
        collected_in: args.collected_in.map(|c| match c {
            Collected::Cn => CollectedIn::Cn,
            Collected::Us => CollectedIn::Us,
            Collected::Other => CollectedIn::Other,
        }),
        threads: args.threads,
        layout,
        rules: args.rules.clone(),
        seal_to: recipients(&args.seal_to)?,
        lang: match args.lang {
            ReportLang::En => Lang::En,
            ReportLang::Zh => Lang::Zh,
        },
        generated_on: generated_on(args.generated_on.as_deref())?,
    };
    let progress = Bar::new();
    let existed = args.out_dir.exists();
    let result =
        assess(&request, &home, &progress).and_then(|staged| deliver(staged, &request.out_dir));
    progress.finish();
    if result.is_err() && !existed {
        // An output directory this run created and left empty goes too; one with anything in
        // it (outputs kept after a failure) stays.
        let _ = std::fs::remove_dir(&args.out_dir);
    }
    let assessment = result.map_err(Box::new)?;
    // Every run says it until resolved: a recorded, logged transfer whose package is missing.
    if !assessment.recovered.missing.is_empty() {
        let mut stderr = std::io::stderr().lock();
        for missing in &assessment.recovered.missing {
            let _ = writeln!(stderr, "warning: {missing}\n");
        }
    }
    let rendered = Rendered {
        json: &AssessJson {
            transfer_id: &assessment.transfer_id,
            outcome: &assessment.outcome,
            decision: assessment.decision(),
            before_deidentification: assessment.after.as_ref().map(|_| &assessment.before),
            files: &assessment.files,
            out_dir: args.out_dir.display().to_string(),
            written: &assessment.written,
        },
        table: |out: &mut dyn Write| -> Result<(), Error> {
            write!(out, "{}", summary(&assessment, &args.out_dir))?;
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(match assessment.outcome {
        Outcome::Recorded { .. } => ExitStatus::Success,
        Outcome::Blocked { .. } => ExitStatus::Blocking,
    })
}

/// The environment variable of reproducible builds (reproducible-builds.org): seconds since the
/// Unix epoch that stand for "now" in what a run writes.
pub(crate) const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The day a report says it was generated: `--generated-on` when given, else the day (UTC)
/// `SOURCE_DATE_EPOCH` falls on when it is set, else today (UTC).
pub(crate) fn generated_on(flag: Option<&str>) -> Result<jiff::civil::Date, Error> {
    let epoch = std::env::var_os(SOURCE_DATE_EPOCH);
    report_day(flag, epoch.as_deref(), jiff::Timestamp::now())
}

/// [`generated_on`] with the environment and the clock passed in.
fn report_day(
    flag: Option<&str>,
    epoch: Option<&std::ffi::OsStr>,
    now: jiff::Timestamp,
) -> Result<jiff::civil::Date, Error> {
    if let Some(day) = flag {
        return day.parse::<jiff::civil::Date>().map_err(|e| {
            Error::Usage(format!(
                "`--generated-on {day}`: not a day of the calendar ({e})"
            ))
        });
    }
    let at = match epoch {
        Some(value) => {
            let text = value.to_str().unwrap_or_default();
            text.trim()
                .parse::<i64>()
                .ok()
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "`{SOURCE_DATE_EPOCH}={}`: not a number of seconds since 1970-01-01 UTC",
                        value.to_string_lossy()
                    ))
                })?
        }
        None => now,
    };
    Ok(at.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// `freeport assess --package-lost ID`: the operator declares a missing package lost.
fn package_lost(home: &HomeLayout, id: &str, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut store = home.open_store_for_recording().map_err(|e| {
        Box::new(freeport_port::AssessError::at(
            freeport_port::Stage::Home,
            e,
        ))
    })?;
    freeport_port::recover::declare_package_lost(&mut store, &freeport_store::TransferId::from(id))
        .map_err(Box::new)?;
    writeln!(
        out,
        "transfer `{id}` stays recorded and logged; its package is declared lost and no longer reported"
    )?;
    Ok(ExitStatus::Success)
}

/// The home a command works in: with `--store`, the store's directory (the log and keys live
/// beside the store file), else `$FREEPORT_HOME` or the platform data directory.
pub(crate) fn home_of(store: Option<&Path>) -> Result<HomeLayout, Error> {
    Ok(match store {
        Some(path) => HomeLayout::new(
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        ),
        None => HomeLayout::locate()?,
    })
}

/// `age1...` keys given literally or in files, one per line (`#` comments allowed).
fn recipients(given: &[String]) -> Result<Vec<age::x25519::Recipient>, Error> {
    let mut out = Vec::new();
    for item in given {
        let (text, origin) = if item.starts_with("age1") {
            (item.clone(), "--seal-to".to_owned())
        } else {
            let path = Path::new(item);
            let text = std::fs::read_to_string(path).map_err(|source| {
                Error::Usage(format!(
                    "seal stage: cannot read the recipients file `{}` given to --seal-to: {source}",
                    path.display()
                ))
            })?;
            (text, format!("`{}`", path.display()))
        };
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let recipient = line.parse::<age::x25519::Recipient>().map_err(|e| {
                Error::Usage(format!(
                    "seal stage: {origin} line {}: not an age X25519 recipient (`age1...`): {e}",
                    i + 1
                ))
            })?;
            out.push(recipient);
        }
    }
    Ok(out)
}

fn outcomes(decision: &Decision) -> String {
    let missing: Vec<String> = [&decision.cn, &decision.us]
        .iter()
        .flat_map(|side| side.mechanisms.iter())
        .filter(|m| m.status.is_blocking())
        .map(|m| m.id.clone())
        .collect();
    let mut text = format!(
        "China {}, United States {}",
        decision.cn.outcome, decision.us.outcome
    );
    if !missing.is_empty() {
        let _ = write!(text, " (missing: {})", missing.join(", "));
    }
    text
}

/// The summary people read; numbers and names only, never a cell value.
fn summary(a: &Assessment, out_dir: &Path) -> String {
    let mut s = String::new();
    let f = &a.facts;
    // A declared party status the described facts contradict comes first, as in `judge`.
    for warning in crate::commands::judge::contradiction_warnings(a.decision()) {
        let _ = writeln!(s, "{warning}\n");
    }
    for warning in crate::commands::judge::coverage_warnings(a.decision(), f.date) {
        let _ = writeln!(s, "{warning}\n");
    }
    let _ = writeln!(
        s,
        "Transfer {}: {} → {} on {}",
        a.transfer_id, f.exporter.name, f.recipient.name, f.date
    );
    for (id, index) in &a.recovered.confirmed {
        let _ = writeln!(
            s,
            "(recovered: transfer `{id}` from an interrupted run was already logged as #{index})"
        );
    }
    for delivered in &a.recovered.delivered {
        let _ = writeln!(
            s,
            "(recovered: the package of transfer `{}` (log entry #{}) from an interrupted run was finished: `{}`)",
            delivered.transfer,
            delivered.log_index,
            delivered.package.display()
        );
    }
    for id in &a.recovered.abandoned {
        let _ = writeln!(
            s,
            "(recovered: transfer `{id}` from an interrupted run never reached the log and was removed)"
        );
    }
    let rows: u64 = a.scan.datasets.iter().map(|d| d.rows).sum();
    let _ = writeln!(
        s,
        "Scanned {} dataset(s), {rows} rows, {} distinct people",
        a.scan.datasets.len(),
        f.data.individuals.unwrap_or(0)
    );
    for item in &f.data.inventory {
        let devices = item
            .devices
            .map(|d| format!(", {d} devices"))
            .unwrap_or_default();
        let _ = writeln!(s, "  {:<32} {}{devices}", item.category, item.individuals);
    }
    let _ = writeln!(
        s,
        "Sent before (people not in this transfer): China {} PI + {} sensitive PI since {}; US window from {}",
        a.prior.cn.pi_individuals,
        a.prior.cn.sensitive_pi_individuals,
        a.prior.cn.since,
        a.prior.us.since
    );
    let _ = writeln!(s, "Decision as scanned: {}", outcomes(&a.before));
    if let (Some(run), Some((_, after))) = (&a.deid, &a.after) {
        let how = match &run.remedy {
            Some(remedy) => {
                let changes: Vec<String> = remedy
                    .changes
                    .iter()
                    .map(|c| format!("{} `{}`", c.action, c.category))
                    .collect();
                format!("remedy: {}", changes.join(", "))
            }
            None => "configuration".to_owned(),
        };
        let _ = writeln!(
            s,
            "De-identified ({how}): {} ({}), {} of {} rows kept",
            run.report.classification.result,
            run.report.classification.zh,
            run.report.output_rows,
            run.report.input_rows
        );
        let _ = writeln!(s, "Decision after de-identification: {}", outcomes(after));
    }
    match &a.outcome {
        Outcome::Recorded { log_index, .. } => {
            let _ = writeln!(
                s,
                "Recorded in the store and logged as entry #{log_index} (checkpoint cosigned by the CN and US witnesses)"
            );
        }
        Outcome::Blocked { log_index, .. } => {
            let _ = writeln!(
                s,
                "Blocked: nothing recorded or sealed; the refusal is logged as entry #{log_index}; see decision.json for the rules and remedies"
            );
        }
    }
    if let Some(package) = &a.package {
        let _ = writeln!(
            s,
            "Sealed `{}` (manifest SHA-256 {}); the recipient opens it with `freeport open {} --identity KEY --trust trust.toml`",
            package.name, package.manifest_sha256, package.name
        );
    }
    let _ = writeln!(s, "Wrote to `{}`:", out_dir.display());
    for name in &a.written {
        let _ = writeln!(s, "  {name}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_day_is_the_flag_then_source_date_epoch_then_today() {
        let now: jiff::Timestamp = "2026-12-07T23:30:00Z".parse().unwrap_or_default();
        let day = |flag: Option<&str>, epoch: Option<&str>| {
            report_day(flag, epoch.map(std::ffi::OsStr::new), now)
                .map(|d| d.to_string())
                .map_err(|e| e.to_string())
        };
        assert_eq!(day(None, None).as_deref(), Ok("2026-12-07"));
        // 1781481600 = 2026-06-15T00:00:00Z; a moment before midnight stays on its UTC day.
        assert_eq!(day(None, Some("1781481600")).as_deref(), Ok("2026-06-15"));
        assert_eq!(day(None, Some("1781481599")).as_deref(), Ok("2026-06-14"));
        assert_eq!(
            day(Some("2026-01-31"), Some("1781481600")).as_deref(),
            Ok("2026-01-31")
        );
        assert!(day(Some("2026-02-30"), None).is_err());
        let bad = day(None, Some("yesterday")).unwrap_err();
        assert!(bad.contains("SOURCE_DATE_EPOCH=yesterday"), "{bad}");
    }
}
