//! `freeport deid release` and `freeport deid budget`: differentially private releases through
//! `freeport-dp`, and the per-dataset privacy budget they spend.

use std::io::Write;
use std::path::Path;

use freeport_cli::{DeidBudgetArgs, DeidReleaseArgs};
use freeport_dp::release::{Answer, ReleasedQuery};
use freeport_dp::{BudgetView, ReleaseRequest};
use freeport_store::Store;

use crate::output::Target;
use crate::progress::Bar;
use crate::render::{self, Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn release(
    args: &DeidReleaseArgs,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let mut store = super::store::for_recording(store)?;
    let target = Target::of(&args.output, args.force)?;
    let progress = Bar::new();
    let document = target.deliver("release.json", out, |output| {
        let request = ReleaseRequest {
            input: &args.input,
            config: &args.config,
            output,
            budget: args
                .budget_epsilon
                .map(|epsilon| (epsilon, args.budget_delta.unwrap_or(0.0))),
        };
        Ok(freeport_dp::release_observed(
            &mut store, &request, &progress,
        )?)
    });
    progress.finish();
    let document = document?;
    // With the release on standard output, the summary goes to standard error.
    let mut stderr = std::io::stderr();
    let out: &mut dyn Write = if target.is_stdout() { &mut stderr } else { out };
    let rendered = Rendered {
        json: &document,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            let mut table = render::table();
            table.set_header([
                "query",
                "kind",
                "mechanism",
                "epsilon",
                "delta",
                "noise scale",
                "answer",
                &format!("± ({:.0} %)", document.confidence * 100.0),
            ]);
            for query in &document.queries {
                table.add_row(row(query));
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "written to `{}`; dataset `{}`: {}",
                args.output.display(),
                document.dataset,
                budget_line(&document.budget)
            )?;
            if let Some(declared) = &document.declared {
                writeln!(
                    out,
                    "declared dataset `{}` (every version of the data): {}",
                    declared.dataset,
                    budget_line(&declared.budget)
                )?;
            }
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}

fn row(query: &ReleasedQuery) -> Vec<String> {
    let answer = match &query.answer {
        Answer::Count(n) => n.to_string(),
        Answer::Sum(s) => format!("{s:.3}"),
        Answer::Histogram(h) => {
            let mut bins: Vec<String> = h
                .bins
                .iter()
                .map(|b| format!("{}={}", b.category, b.count))
                .collect();
            if let Some(other) = h.other {
                bins.push(format!("(other)={other}"));
            }
            bins.join(" ")
        }
        Answer::Mean(m) => m
            .mean
            .map_or_else(|| "-".to_owned(), |mean| format!("{mean:.3}")),
    };
    vec![
        query.name.clone(),
        query.kind.to_owned(),
        query.mechanism.to_owned(),
        query.epsilon.to_string(),
        query.delta.to_string(),
        format!("{:.3}", query.noise_scale),
        answer,
        query
            .accuracy
            .half_width
            .map_or_else(|| "-".to_owned(), |h| format!("{h:.3}")),
    ]
}

fn budget_line(b: &BudgetView) -> String {
    format!(
        "spent epsilon {} of {}, delta {} of {}; remaining epsilon {}, delta {}",
        b.epsilon_spent,
        b.epsilon_total,
        b.delta_spent,
        b.delta_total,
        b.epsilon_remaining,
        b.delta_remaining
    )
}

pub(crate) fn budget(
    args: &DeidBudgetArgs,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let set = args
        .set_epsilon
        .map(|epsilon| (epsilon, args.set_delta.unwrap_or(0.0)));
    // Setting a budget records; showing one only reads. A fresh home has no budgets: the
    // dataset is keyed against an empty, throw-away store so the answer names it all the same.
    let scratch;
    let mut store = match (set, super::store::for_reading(store)) {
        (Some(_), _) => super::store::for_recording(store)?,
        (None, Ok(Some(store))) => store,
        (None, Ok(None)) => {
            scratch = tempfile::tempdir().map_err(|source| Error::File {
                path: std::env::temp_dir().display().to_string(),
                source,
            })?;
            Store::create(scratch.path().join(freeport_store::DB_FILE))?
        }
        (None, Err(e)) => return Err(e),
    };
    let report = freeport_dp::budget(&mut store, &args.input, args.dataset.as_deref(), set)?;
    let rendered = Rendered {
        json: &report,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            budget_table(
                out,
                &format!("dataset `{}`", report.dataset),
                report.budget.as_ref(),
            )?;
            if let Some(declared) = &report.declared {
                budget_table(
                    out,
                    &format!("declared dataset `{}`", declared.dataset),
                    declared.budget.as_ref(),
                )?;
            }
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}

/// One budget as a table under `label`, or how to set one.
fn budget_table(
    out: &mut dyn Write,
    label: &str,
    budget: Option<&BudgetView>,
) -> Result<(), Error> {
    match budget {
        None => writeln!(
            out,
            "{label}: no privacy budget yet (set one with `--set-epsilon`, or with `--budget-epsilon` on the first release)"
        )?,
        Some(b) => {
            let mut table = render::table();
            table.set_header(["", "total", "spent", "remaining"]);
            table.add_row([
                "epsilon".to_owned(),
                b.epsilon_total.to_string(),
                b.epsilon_spent.to_string(),
                b.epsilon_remaining.to_string(),
            ]);
            table.add_row([
                "delta".to_owned(),
                b.delta_total.to_string(),
                b.delta_spent.to_string(),
                b.delta_remaining.to_string(),
            ]);
            writeln!(out, "{label} ({} spends)", b.spends)?;
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
}
