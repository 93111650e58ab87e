//! `freeport rules check | list | explain ID | diff OLD NEW | update --from URL`: the rule packs
//! as published rules, and newer packs taken from a port (`freeport_port::rules`).

use std::collections::BTreeMap;
use std::io::Write;

use freeport_cli::RulesCommand;
use freeport_policy::{Jurisdiction, Rule, RulePack};
use serde::Serialize;
use serde_json::json;

use super::judge::load_packs;
use crate::render::{self, Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(command: &RulesCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        RulesCommand::Check(args) => {
            let (cn, us) = load_packs(args.source.rules.as_deref())?;
            let packs = [&cn, &us].map(|pack| {
                let review = pack.review();
                json!({
                    "jurisdiction": pack.jurisdiction(),
                    "version": pack.version(),
                    "rules": pack.rules().len(),
                    "judges_from": pack.judges_from().to_string(),
                    "reviewed_on": review.reviewed_on.to_string(),
                    "reviewed_through": review.reviewed_through.to_string(),
                    "points_checked": review.checked.len(),
                    "hash": pack.hash().to_string(),
                })
            });
            let checked = json!({ "ok": true, "packs": packs });
            let rendered = Rendered {
                json: &checked,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    for pack in [&cn, &us] {
                        let review = pack.review();
                        writeln!(
                            out,
                            "{} pack {}: {} rules, judges from {}, reviewed on {} through {} \
                             ({} points checked), {}",
                            pack.jurisdiction(),
                            pack.version(),
                            pack.rules().len(),
                            pack.judges_from(),
                            review.reviewed_on,
                            review.reviewed_through,
                            review.checked.len(),
                            pack.hash()
                        )?;
                    }
                    writeln!(out, "ok")?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        RulesCommand::List(args) => {
            let (cn, us) = load_packs(args.source.rules.as_deref())?;
            let rules: Vec<&Rule> = cn.rules().iter().chain(us.rules()).collect();
            let rendered = Rendered {
                json: &rules,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    let mut table = render::table();
                    table.set_header(["rule", "outcome / mechanism", "citation", "in force"]);
                    for rule in &rules {
                        let effect = rule
                            .outcome
                            .clone()
                            .unwrap_or_else(|| format!("+ {}", rule.mechanisms.join(", ")));
                        let in_force = match rule.effective_to {
                            Some(to) => format!("{} to {to}", rule.effective_from),
                            None => format!("from {}", rule.effective_from),
                        };
                        table.add_row([&rule.id, &effect, &rule.citation, &in_force]);
                    }
                    writeln!(out, "{table}")?;
                    for pack in [&cn, &us] {
                        if !pack.ftz_lists().is_empty() {
                            let zones: Vec<String> = pack
                                .ftz_lists()
                                .values()
                                .map(|l| format!("{} ({} entries)", l.zone, l.entries.len()))
                                .collect();
                            writeln!(out, "FTZ negative lists: {}", zones.join(", "))?;
                        }
                    }
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        RulesCommand::Explain(args) => {
            let (cn, us) = load_packs(args.source.rules.as_deref())?;
            let rule = cn
                .rule(&args.id)
                .or_else(|| us.rule(&args.id))
                .ok_or_else(|| Error::UnknownRule {
                    id: args.id.clone(),
                })?;
            let rendered = Rendered {
                json: rule,
                table: |out: &mut dyn Write| explain(rule, out),
            };
            render(out, args.format, &rendered)?;
        }
        RulesCommand::Diff(args) => {
            let (old_cn, old_us) = load_packs(Some(&args.old))?;
            let (new_cn, new_us) = load_packs(Some(&args.new))?;
            let diff = Diff {
                packs: [
                    (Jurisdiction::Cn, pack_diff(&old_cn, &new_cn)),
                    (Jurisdiction::Us, pack_diff(&old_us, &new_us)),
                ]
                .into_iter()
                .collect(),
            };
            let rendered = Rendered {
                json: &diff,
                table: |out: &mut dyn Write| render_diff(&diff, out),
            };
            render(out, args.format, &rendered)?;
        }
        RulesCommand::Update(args) => return update(args, out),
    }
    Ok(ExitStatus::Success)
}

/// What `rules update` did with one jurisdiction's pack.
#[derive(Debug, Serialize)]
struct UpdateRow {
    jurisdiction: &'static str,
    offered: String,
    in_use_before: String,
    /// `installed`, `current` (the same pack is in use) or `older` (not installed).
    action: &'static str,
    sha256: String,
    log_index: u64,
}

/// Fetches each pack, verifies all of them (nothing is installed if any fails a check), then
/// installs those newer than the pack in use.
fn update(args: &freeport_cli::RulesUpdateArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let policy = freeport_tlog::policy::Policy::parse(&read_policy(&args.policy)?)?;
    let installed =
        freeport_port::rules::InstalledPacks::new(freeport_port::HomeLayout::locate()?.rules_dir());
    let client = freeport_server::client::PortClient::new(&args.from, "");
    let wanted: Vec<Jurisdiction> = match args.jurisdiction {
        Some(freeport_cli::JurisdictionArg::Cn) => vec![Jurisdiction::Cn],
        Some(freeport_cli::JurisdictionArg::Us) => vec![Jurisdiction::Us],
        None => vec![Jurisdiction::Cn, Jurisdiction::Us],
    };
    let mut verified = Vec::new();
    for jurisdiction in wanted {
        let release = client.rule_pack(jurisdiction.as_str())?;
        let pack =
            freeport_port::rules::verify_release(&release, jurisdiction, &policy, &args.from)?;
        verified.push((jurisdiction, release, pack));
    }
    let mut rows = Vec::new();
    for (jurisdiction, release, pack) in &verified {
        let active = installed.active(*jurisdiction)?;
        let action = if active.hash() == pack.hash() {
            "current"
        } else {
            match installed.install(pack, release, &args.from) {
                Ok(_) => "installed",
                Err(freeport_port::rules::RulesError::NotNewer { .. }) => "older",
                Err(e) => return Err(e.into()),
            }
        };
        rows.push(UpdateRow {
            jurisdiction: jurisdiction.as_str(),
            offered: pack.version().to_owned(),
            in_use_before: active.version().to_owned(),
            action,
            sha256: pack.hash().to_owned(),
            log_index: release.log_index,
        });
    }
    let rendered = Rendered {
        json: &rows,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            for row in &rows {
                let what = match row.action {
                    "installed" => format!(
                        "installed {} (was {}); logged at #{}",
                        row.offered, row.in_use_before, row.log_index
                    ),
                    "current" => format!("{} is already in use", row.offered),
                    _ => format!(
                        "the port offers {}, older than {} in use: not installed",
                        row.offered, row.in_use_before
                    ),
                };
                writeln!(out, "{} rule pack: {what}", row.jurisdiction.to_uppercase())?;
            }
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(if rows.iter().any(|r| r.action == "older") {
        ExitStatus::Blocking
    } else {
        ExitStatus::Success
    })
}

fn read_policy(path: &std::path::Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::File {
        path: path.display().to_string(),
        source,
    })
}

fn explain(rule: &Rule, out: &mut dyn Write) -> Result<(), Error> {
    writeln!(out, "{}  ({})", rule.id, rule.citation)?;
    writeln!(out)?;
    writeln!(out, "{}", rule.explain)?;
    writeln!(out)?;
    if let Some(outcome) = &rule.outcome {
        writeln!(
            out,
            "Outcome when it fires: {outcome} (priority {})",
            rule.priority
        )?;
    }
    if !rule.mechanisms.is_empty() {
        writeln!(out, "Requires: {}", rule.mechanisms.join(", "))?;
    }
    if !rule.obligations.is_empty() {
        writeln!(out, "Obligations:")?;
        for obligation in &rule.obligations {
            writeln!(out, "  - {obligation}")?;
        }
    }
    let in_force = match rule.effective_to {
        Some(to) => format!("{} to {to}", rule.effective_from),
        None => format!("from {}", rule.effective_from),
    };
    writeln!(out, "In force: {in_force}")?;
    writeln!(out, "Source: {}", rule.source)?;
    writeln!(out, "Defined at {}:{}", rule.file, rule.line)?;
    writeln!(out)?;
    writeln!(out, "{}", rule.text)?;
    Ok(())
}

#[derive(Debug, Serialize)]
struct Diff {
    packs: BTreeMap<Jurisdiction, PackDiff>,
}

#[derive(Debug, Serialize)]
struct PackDiff {
    old: Stamp,
    new: Stamp,
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<Changed>,
}

#[derive(Debug, Serialize)]
struct Stamp {
    version: String,
    hash: String,
}

#[derive(Debug, Serialize)]
struct Changed {
    id: String,
    /// What differs: annotation names, and `condition` when the Cedar text changed.
    fields: Vec<String>,
}

fn stamp(pack: &RulePack) -> Stamp {
    Stamp {
        version: pack.version().to_owned(),
        hash: pack.hash().to_owned(),
    }
}

fn pack_diff(old: &RulePack, new: &RulePack) -> PackDiff {
    let ids = |p: &RulePack| -> Vec<String> { p.rules().iter().map(|r| r.id.clone()).collect() };
    let mut added: Vec<String> = ids(new)
        .into_iter()
        .filter(|id| old.rule(id).is_none())
        .collect();
    let mut removed: Vec<String> = ids(old)
        .into_iter()
        .filter(|id| new.rule(id).is_none())
        .collect();
    added.sort();
    removed.sort();
    let mut changed = Vec::new();
    for rule in new.rules() {
        let Some(before) = old.rule(&rule.id) else {
            continue;
        };
        let mut fields = Vec::new();
        let pairs: [(&str, bool); 9] = [
            ("outcome", before.outcome != rule.outcome),
            ("mechanism", before.mechanisms != rule.mechanisms),
            ("priority", before.priority != rule.priority),
            ("obligations", before.obligations != rule.obligations),
            ("citation", before.citation != rule.citation),
            ("source", before.source != rule.source),
            (
                "effective_from",
                before.effective_from != rule.effective_from,
            ),
            ("effective_to", before.effective_to != rule.effective_to),
            ("explain", before.explain != rule.explain),
        ];
        fields.extend(
            pairs
                .iter()
                .filter(|(_, d)| *d)
                .map(|(f, _)| (*f).to_owned()),
        );
        if condition(&before.text) != condition(&rule.text) {
            fields.push("condition".to_owned());
        }
        if !fields.is_empty() {
            changed.push(Changed {
                id: rule.id.clone(),
                fields,
            });
        }
    }
    changed.sort_by(|a, b| a.id.cmp(&b.id));
    PackDiff {
        old: stamp(old),
        new: stamp(new),
        added,
        removed,
        changed,
    }
}

/// The policy text without its annotations and with whitespace normalised, so that only a
/// change to the scope or condition counts as `condition`.
fn condition(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('@') && !l.starts_with("//"))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn render_diff(diff: &Diff, out: &mut dyn Write) -> Result<(), Error> {
    for (jurisdiction, pack) in &diff.packs {
        writeln!(
            out,
            "{jurisdiction}: {} ({}) -> {} ({})",
            pack.old.version, pack.old.hash, pack.new.version, pack.new.hash
        )?;
        if pack.added.is_empty() && pack.removed.is_empty() && pack.changed.is_empty() {
            writeln!(out, "  no rule changed")?;
        }
        for id in &pack.added {
            writeln!(out, "  + {id}")?;
        }
        for id in &pack.removed {
            writeln!(out, "  - {id}")?;
        }
        for changed in &pack.changed {
            writeln!(out, "  ~ {} ({})", changed.id, changed.fields.join(", "))?;
        }
    }
    Ok(())
}
