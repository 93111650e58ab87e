//! `freeport history`: recorded transfers with their cumulative volumes under both counting
//! windows, as a table or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use comfy_table::Table;
use freeport_cli::HistoryArgs;
use freeport_store::{HistoryEntry, HistoryFilter, LogState, Unit, Volumes};
use freeport_vocabulary::Vocabulary;
use serde::Serialize;

use crate::render::{self, Rendered, render, thousands};
use crate::{Error, ExitStatus};
use freeport_port::volumes::{Counters, PI, SENSITIVE_PI};

/// The JSON document of `freeport history --format json`.
#[derive(Serialize)]
struct HistoryJson<'a> {
    version: u32,
    transfers: &'a [HistoryEntry],
}

pub(crate) fn run(
    args: &HistoryArgs,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    // Reading only: never creates or migrates a store; a fresh home has recorded nothing.
    let opened = super::store::for_reading(store)?;
    let counters = Counters::new(Vocabulary::embedded()?);
    let filter = HistoryFilter {
        exporter: args.exporter.clone(),
        counterparty: args.counterparty.clone(),
    };
    let history = match opened {
        Some(mut store) => store.history(&filter, counters.cn_sets())?,
        None => Vec::new(),
    };
    let rendered = Rendered {
        json: &HistoryJson {
            version: 1,
            transfers: &history,
        },
        table: |out: &mut dyn Write| -> Result<(), Error> {
            if history.is_empty() {
                writeln!(out, "no recorded transfers")?;
            } else if args.detail {
                writeln!(out, "{}", table(&history))?;
            } else {
                summary(&history, out)?;
            }
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}

/// One line a transfer, then the cumulative volumes each window holds after the latest transfer
/// it counts: China's per exporter, the US per exporter and counterparty.
fn summary(history: &[HistoryEntry], out: &mut dyn Write) -> Result<(), Error> {
    let mut table = render::table();
    table.set_header([
        "date",
        "transfer",
        "exporter → counterparty",
        "route",
        "largest volume",
        "log",
    ]);
    for entry in history {
        let t = &entry.transfer;
        let largest = t.volumes.iter().max_by_key(|v| v.count).map_or_else(
            || "-".to_owned(),
            |v| {
                let more = t.volumes.len() - 1;
                format!(
                    "{} {}{} ({}){}",
                    v.category,
                    thousands(v.count),
                    unit_suffix(v.unit),
                    v.state,
                    if more == 0 {
                        String::new()
                    } else {
                        format!(" +{more} more")
                    }
                )
            },
        );
        table.add_row([
            t.date.to_string(),
            t.id.to_string(),
            format!("{} → {}", t.exporter, t.counterparty),
            format!("{} → {}", t.origin, t.destination),
            largest,
            log_cell(t.log),
        ]);
    }
    writeln!(out, "{table}")?;
    // The latest entry of each exporter (China) and of each pair (US): history is in date order.
    let mut cn: BTreeMap<&str, &Volumes> = BTreeMap::new();
    let mut us: BTreeMap<(&str, &str), &Volumes> = BTreeMap::new();
    for entry in history {
        let t = &entry.transfer;
        cn.insert(t.exporter.as_str(), &entry.cn);
        us.insert((t.exporter.as_str(), t.counterparty.as_str()), &entry.us);
    }
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    writeln!(out, "China, since 1 January (per exporter):")?;
    for (exporter, volumes) in &cn {
        let set = |name: &str| thousands(volumes.sets.get(name).copied().unwrap_or(0));
        writeln!(
            out,
            "  {exporter} from {}: PI (not sensitive) {}, sensitive PI {} ({} transfer{})",
            volumes.window.from,
            set(PI),
            set(SENSITIVE_PI),
            volumes.transfers,
            plural(volumes.transfers)
        )?;
    }
    writeln!(out, "United States, preceding 12 months (per pair):")?;
    for ((exporter, counterparty), volumes) in &us {
        let categories: Vec<String> = volumes
            .categories
            .iter()
            .map(|(category, v)| {
                format!("{category} {}{}", thousands(v.count), unit_suffix(v.unit))
            })
            .collect();
        writeln!(
            out,
            "  {exporter} → {counterparty} from {}: {} ({} transfer{})",
            volumes.window.from,
            if categories.is_empty() {
                "-".to_owned()
            } else {
                categories.join(", ")
            },
            volumes.transfers,
            plural(volumes.transfers)
        )?;
    }
    writeln!(
        out,
        "every category and window after each transfer: `freeport history --detail`"
    )?;
    Ok(())
}

fn log_cell(log: LogState) -> String {
    match log {
        LogState::NotLogged => "-".to_owned(),
        LogState::Pending => "pending".to_owned(),
        LogState::Logged(index) => format!("#{index}"),
    }
}

fn table(history: &[HistoryEntry]) -> Table {
    let mut table = render::table();
    table.set_header([
        "date",
        "transfer",
        "exporter → counterparty",
        "route",
        "this transfer",
        "CN since 1 January (exporter)",
        "US preceding 12 months (pair)",
        "log",
    ]);
    for entry in history {
        let t = &entry.transfer;
        let mut this = String::new();
        for v in &t.volumes {
            let _ = write!(
                this,
                "{}{} {}{} ({}",
                if this.is_empty() { "" } else { "\n" },
                v.category,
                thousands(v.count),
                unit_suffix(v.unit),
                v.state
            );
            if v.hashed > 0 {
                let _ = write!(this, ", {} hashed", thousands(v.hashed));
            }
            this.push(')');
        }
        table.add_row([
            t.date.to_string(),
            t.id.to_string(),
            format!("{} → {}", t.exporter, t.counterparty),
            format!("{} → {}", t.origin, t.destination),
            this,
            cn_cell(&entry.cn),
            us_cell(&entry.us),
            log_cell(t.log),
        ]);
    }
    table
}

fn cn_cell(cn: &Volumes) -> String {
    let set = |name: &str| thousands(cn.sets.get(name).copied().unwrap_or(0));
    format!(
        "PI (not sensitive) {}\nsensitive PI {}\n{} transfer{} from {}",
        set(PI),
        set(SENSITIVE_PI),
        cn.transfers,
        if cn.transfers == 1 { "" } else { "s" },
        cn.window.from
    )
}

fn us_cell(us: &Volumes) -> String {
    let mut cell = String::new();
    for (category, volume) in &us.categories {
        let _ = writeln!(
            cell,
            "{category} {}{}",
            thousands(volume.count),
            unit_suffix(volume.unit)
        );
    }
    let _ = write!(
        cell,
        "{} transfer{} from {}",
        us.transfers,
        if us.transfers == 1 { "" } else { "s" },
        us.window.from
    );
    cell
}

const fn unit_suffix(unit: Unit) -> &'static str {
    match unit {
        Unit::Individuals => "",
        Unit::Devices => " devices",
    }
}
