//! `freeport judge FACTS`: one transfer, both countries' rules, one answer with reasons.

use std::io::{Read as _, Write};
use std::path::Path;

use comfy_table::Cell;
use freeport_cli::{Format, JudgeArgs};
use freeport_policy::{
    Coverage, Decision, FactsFormat, Judge, Jurisdiction, MechanismStatus, PriorVolumes, RulePack,
    SideDecision, TransferFacts, facts_schema, parse_facts,
};
use freeport_vocabulary::Vocabulary;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::render::{self, Rendered, Tone, render};
use crate::{Error, ExitStatus};
use freeport_port::judge::{Judged, Volumes, VolumesSource, judge_transfer};

/// `freeport judge --format json`: the decision, then where its volumes came from and what was
/// recorded. The decision's own keys come first and keep their shape.
#[derive(Serialize)]
struct JudgeJson<'a> {
    #[serde(flatten)]
    decision: &'a Decision,
    prior_volumes: Prior<'a>,
    recorded: Option<&'a str>,
}

#[derive(Serialize)]
struct Prior<'a> {
    #[serde(flatten)]
    source: &'a VolumesSource,
    #[serde(flatten)]
    volumes: &'a PriorVolumes,
}

pub(crate) fn run(
    args: &JudgeArgs,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    if args.schema {
        serde_json::to_writer_pretty(&mut *out, &facts_schema())?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    let Some(path) = &args.facts else {
        return Err(Error::Usage("give a facts file, or `--schema`".to_owned()));
    };
    let vocabulary = load_vocabulary(args.vocabulary.as_deref())?;
    let judge = load_judge(args.rules.as_deref(), vocabulary)?;
    let (name, text, format) = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| Error::File {
                path: "-".to_owned(),
                source,
            })?;
        let format = if text.trim_start().starts_with('{') {
            FactsFormat::Json
        } else {
            FactsFormat::Toml
        };
        ("<stdin>".to_owned(), text, format)
    } else {
        let text = read(path)?;
        (
            path.display().to_string(),
            text,
            FactsFormat::from_path(path),
        )
    };
    let facts = parse_facts(&name, &text, format, &judge).map_err(Error::Facts)?;
    if let (Some(prior), true) = (&facts.prior_volumes, args.record) {
        return Err(Error::Usage(format!(
            "`{name}` gives `[prior_volumes]`, but `--record` counts with the store's; \
             remove `[prior_volumes]` to record (prior {} individuals of PI in China)",
            prior.cn.pi_individuals
        )));
    }
    // Reading never creates or migrates a store; recording creates one only in a fresh home
    // (or at a `--store` path where nothing is yet), and refuses a home whose store, log and
    // keys disagree.
    let mut opened = match (&facts.prior_volumes, args.record) {
        (Some(_), _) => None,
        (None, false) => super::store::for_reading(store)?,
        (None, true) => Some(super::store::for_recording(store)?),
    };
    let volumes = match (facts.prior_volumes, opened.as_mut()) {
        (Some(prior), _) => Volumes::Given(prior),
        (None, Some(store)) => Volumes::Store(store),
        (None, None) => Volumes::Fresh,
    };
    let id = args.id.clone().unwrap_or_else(|| default_id(&facts, &text));
    let judged = judge_transfer(&judge, vocabulary, &facts, &id, volumes, args.record)
        .map_err(Error::from)?;
    finish(args, &judged, out)
}

/// Prints the decision and picks the exit code.
fn finish(args: &JudgeArgs, judged: &Judged, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let rendered = Rendered {
        json: &JudgeJson {
            decision: &judged.decision,
            prior_volumes: Prior {
                source: &judged.source,
                volumes: &judged.prior,
            },
            recorded: judged.recorded.as_deref(),
        },
        table: |out: &mut dyn Write| render_table(judged, out),
    };
    render(out, args.format, &rendered)?;
    // JSON says the same with `"recorded": null`.
    if args.record && judged.recorded.is_none() && matches!(args.format, Format::Table) {
        writeln!(
            out,
            "\nnot recorded: the decision is blocking (a prohibition, or a mechanism missing or expired)"
        )?;
    }
    Ok(if judged.decision.is_blocking() {
        ExitStatus::Blocking
    } else {
        ExitStatus::Success
    })
}

/// The id a transfer is recorded under when none is given: its date and the facts file's
/// content hash, so recording one file twice is refused as a duplicate, not counted twice.
fn default_id(facts: &TransferFacts, text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex = render::hex(digest.get(..6).unwrap_or_default());
    format!("{}-{hex}", facts.date)
}

pub(crate) fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::File {
        path: path.display().to_string(),
        source,
    })
}

pub(crate) fn load_vocabulary(path: Option<&Path>) -> Result<&'static Vocabulary, Error> {
    let Some(path) = path else {
        return Ok(Vocabulary::embedded()?);
    };
    let text = read(path)?;
    let vocabulary = Vocabulary::from_toml(&path.display().to_string(), &text)?;
    // One vocabulary per process, alive until exit, like the embedded one.
    Ok(Box::leak(Box::new(vocabulary)))
}

/// The packs to judge with: those under `root` when given, else the home's (the newest of the
/// built-in pack and one `freeport rules update` installed, `freeport_port::rules`).
pub(crate) fn load_packs(root: Option<&Path>) -> Result<(RulePack, RulePack), Error> {
    match root {
        Some(root) => {
            let pack = |j: Jurisdiction| {
                RulePack::from_dir(&root.join(j.as_str())).map_err(|e| Error::Pack(Box::new(e)))
            };
            Ok((pack(Jurisdiction::Cn)?, pack(Jurisdiction::Us)?))
        }
        // Without a home (no `FREEPORT_HOME`, no data directory) nothing can be installed.
        None => match freeport_port::HomeLayout::locate() {
            Ok(layout) => {
                let installed = freeport_port::rules::InstalledPacks::new(layout.rules_dir());
                Ok((
                    installed.active(Jurisdiction::Cn)?,
                    installed.active(Jurisdiction::Us)?,
                ))
            }
            Err(_) => {
                let pack = |j| RulePack::embedded(j).map_err(|e| Error::Pack(Box::new(e)));
                Ok((pack(Jurisdiction::Cn)?, pack(Jurisdiction::Us)?))
            }
        },
    }
}

pub(crate) fn load_judge(
    root: Option<&Path>,
    vocabulary: &'static Vocabulary,
) -> Result<Judge, Error> {
    let (cn, us) = load_packs(root)?;
    Judge::new(cn, us, vocabulary).map_err(|e| Error::Judge(Box::new(e)))
}

fn status(status: MechanismStatus) -> &'static str {
    match status {
        MechanismStatus::InPlace => "in place",
        MechanismStatus::Expired => "EXPIRED",
        MechanismStatus::Missing => "MISSING",
        MechanismStatus::Duty => "to do",
    }
}

/// The warning a side carries when its pack's review does not cover the transfer's date, as a
/// paragraph for the top of any human-read output (judge, assess); `None` inside the range.
pub(crate) fn coverage_warning(
    country: &str,
    pack_version: &str,
    side: &SideDecision,
    date: jiff::civil::Date,
) -> Option<String> {
    match side.coverage {
        Coverage::Reviewed => None,
        Coverage::NotReviewed {
            reviewed_on,
            reviewed_through,
        } => Some(format!(
            "WARNING, NOT REVIEWED FOR THIS DATE: the {country} rule pack {pack_version} was last \
             reviewed on {reviewed_on} for transfers through {reviewed_through}; this transfer is \
             dated {date}. It is judged with the rules as then reviewed, and the law may have \
             changed since: update the packs or have the {country} outcome checked."
        )),
        Coverage::BeforePack { judges_from } => Some(format!(
            "NOT JUDGED: the {country} rule pack {pack_version} judges transfers from \
             {judges_from}; this transfer is dated {date}, so no {country} rule was applied."
        )),
    }
}

/// Every side's coverage warning, one paragraph each, in the order China, United States.
pub(crate) fn coverage_warnings(decision: &Decision, date: jiff::civil::Date) -> Vec<String> {
    [
        ("China", Jurisdiction::Cn, &decision.cn),
        ("United States", Jurisdiction::Us, &decision.us),
    ]
    .into_iter()
    .filter_map(|(country, jurisdiction, side)| {
        let version = decision
            .packs
            .get(&jurisdiction)
            .map_or("?", |p| p.version.as_str());
        coverage_warning(country, version, side, date)
    })
    .collect()
}

fn render_table(judged: &Judged, out: &mut dyn Write) -> Result<(), Error> {
    let decision = &judged.decision;
    for warning in coverage_warnings(decision, judged.date) {
        writeln!(out, "{warning}\n")?;
    }
    for warning in contradiction_warnings(decision) {
        writeln!(out, "{warning}\n")?;
    }
    let sides: [(&str, &SideDecision); 2] =
        [("China", &decision.cn), ("United States", &decision.us)];
    let mut summary = render::table();
    summary.set_header(["", "outcome", "mechanisms"]);
    for (name, side) in sides {
        let mechanisms: Vec<String> = side
            .mechanisms
            .iter()
            .map(|m| format!("{} ({})", m.id, status(m.status)))
            .collect();
        let mut outcome = match side.coverage {
            Coverage::Reviewed | Coverage::BeforePack { .. } => side.outcome.clone(),
            Coverage::NotReviewed { .. } => {
                format!("{}\n(not reviewed for this date)", side.outcome)
            }
        };
        // Each law its own outcome (the US pack: 28 CFR Part 202 and PADFA).
        for law in &side.laws {
            outcome.push_str(&format!("\n  {}: {}", law.title, law.outcome));
        }
        let tone = if side.is_blocking() {
            Tone::Blocking
        } else if side.needs_review() {
            Tone::Obligations
        } else {
            Tone::Cleared
        };
        summary.add_row([
            Cell::new(name),
            render::outcome_cell(outcome, tone),
            Cell::new(if mechanisms.is_empty() {
                "-".to_owned()
            } else {
                mechanisms.join("\n")
            }),
        ]);
    }
    writeln!(out, "{summary}")?;
    write_conclusions(decision, out)?;

    let mut rules = render::table();
    rules.set_header(["", "rule", "role", "citation", "where"]);
    for (name, side) in sides {
        for rule in &side.rules {
            let role = match rule.role {
                freeport_policy::Role::Decides => "decides",
                freeport_policy::Role::Adds => "adds",
                freeport_policy::Role::Overridden => "overridden",
            };
            rules.add_row([
                name,
                &rule.id,
                role,
                &rule.citation,
                &format!("{}:{}", rule.file, rule.line),
            ]);
        }
    }
    writeln!(out, "\nRules fired\n{rules}")?;

    for (name, side) in sides {
        if side.laws.is_empty() {
            if !side.obligations.is_empty() {
                writeln!(out, "\nObligations, {name}")?;
                for obligation in &side.obligations {
                    writeln!(out, "  - {obligation}")?;
                }
            }
            continue;
        }
        // Per law: why it decided as it did (the deciding rules' own words), then what follows.
        for law in &side.laws {
            writeln!(out, "\n{name}, {}: {}", law.title, law.outcome)?;
            for (id, because) in law.decided_by.iter().zip(&law.because) {
                writeln!(out, "  because ({id}): {because}")?;
            }
            for obligation in &law.obligations {
                writeln!(out, "  - {obligation}")?;
            }
        }
    }
    for (name, side) in sides {
        if !side.due.is_empty() {
            writeln!(out, "\nDue dates, {name}")?;
            write_due(&side.due, "  ", out)?;
        }
    }
    if !decision.cases.is_empty() {
        let mut cases = render::table();
        cases.set_header(["assuming", "China", "United States"]);
        for case in &decision.cases {
            let assume: Vec<String> = case
                .assume
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            cases.add_row([assume.join("\n"), case.cn.clone(), case.us.clone()]);
        }
        writeln!(
            out,
            "\nSome facts are unknown; each case (the headline is the heaviest)\n{cases}"
        )?;
    }
    if !decision.remedies.is_empty() {
        let mut remedies = render::table();
        remedies.set_header(["change", "China", "United States"]);
        for remedy in &decision.remedies {
            let changes: Vec<String> = remedy
                .changes
                .iter()
                .map(|c| {
                    let what = if c.category == freeport_policy::ALL {
                        "every category".to_owned()
                    } else {
                        format!("`{}`", c.category)
                    };
                    match c.to {
                        Some(to) => format!("{} {what} to {to}", c.action),
                        None => format!("{} {what}", c.action),
                    }
                })
                .collect();
            remedies.add_row([changes.join("\n"), remedy.cn.clone(), remedy.us.clone()]);
        }
        writeln!(
            out,
            "\nRemedies (smallest changes that lighten the burden)\n{remedies}"
        )?;
    }
    if !decision.mechanism_remedies.is_empty() {
        let mut lifts = render::table();
        lifts.set_header(["put in place", "China", "United States"]);
        for remedy in &decision.mechanism_remedies {
            let steps: Vec<String> = remedy
                .mechanisms
                .iter()
                .zip(&remedy.steps)
                .zip(&remedy.citations)
                .map(|((id, step), citation)| format!("{id}: {step} ({citation})"))
                .collect();
            let mut us = remedy.us.clone();
            if remedy.still_blocking {
                us.push_str("\n(a required mechanism still blocks)");
            }
            lifts.add_row([steps.join("\n"), remedy.cn.clone(), us]);
        }
        writeln!(
            out,
            "\nMechanisms that lighten the outcome, put in place on the transfer's date\n{lifts}"
        )?;
        for remedy in &decision.mechanism_remedies {
            if !remedy.due.is_empty() {
                writeln!(
                    out,
                    "With {} in place, due:",
                    remedy.mechanisms.join(" and ")
                )?;
                write_due(&remedy.due, "  ", out)?;
            }
        }
    }
    let prior = &judged.prior;
    let from = match &judged.source {
        VolumesSource::Facts => "the facts file".to_owned(),
        VolumesSource::Store { path } => format!("the store `{path}`"),
        VolumesSource::NoStore => "a fresh home: nothing recorded yet".to_owned(),
    };
    writeln!(
        out,
        "\nAlready sent before this transfer (from {from}):\n  China, since {}: {} individuals of personal information (not sensitive), {} of sensitive personal information\n  United States, since {}: {}",
        prior.cn.since,
        prior.cn.pi_individuals,
        prior.cn.sensitive_pi_individuals,
        prior.us.since,
        us_prior(&prior.us)
    )?;
    if let Some(id) = &judged.recorded {
        writeln!(out, "\nRecorded as transfer `{id}`.")?;
    }
    let packs: Vec<String> = decision
        .packs
        .iter()
        .map(|(j, p)| format!("{j} {} {}", p.version, p.hash))
        .collect();
    writeln!(out, "\nRule packs: {}", packs.join("; "))?;
    Ok(())
}

/// Each deadline on its own lines: the day (or the event it is counted from when the facts do not
/// give that day), what is due, how it is counted and where it is written.
fn write_due(
    due: &[freeport_policy::DueDate],
    indent: &str,
    out: &mut dyn Write,
) -> Result<(), Error> {
    for d in due {
        let when = match d.due {
            Some(day) if d.approximate => format!("{day} (approximate)"),
            Some(day) => day.to_string(),
            None => "date not known yet".to_owned(),
        };
        writeln!(out, "{indent}- {when}: {}", d.what)?;
        writeln!(
            out,
            "{indent}  {}; {} (rule {})",
            d.counted, d.citation, d.rule
        )?;
    }
    if due.iter().any(|d| d.approximate) {
        writeln!(
            out,
            "{indent}(approximate: working days counted Monday to Friday, without PRC public holidays)"
        )?;
    }
    Ok(())
}

fn tri(value: freeport_policy::Tri) -> &'static str {
    match value {
        freeport_policy::Tri::True => "true",
        freeport_policy::Tri::False => "false",
        freeport_policy::Tri::Unknown => "unknown",
    }
}

/// One paragraph per party conclusion whose declaration the party facts contradict, for the
/// top of any human-read output (judge, assess).
pub(crate) fn contradiction_warnings(decision: &Decision) -> Vec<String> {
    decision
        .contradictions()
        .map(|c| {
            format!(
                "CONTRADICTION in the facts: `{}` {}. Correct the declaration or the party facts.",
                c.fact,
                c.contradiction.as_deref().unwrap_or_default()
            )
        })
        .collect()
}

/// The party conclusions the US rules read: each derived one with its reasons and their
/// citations; the declared ones on one line.
fn write_conclusions(decision: &Decision, out: &mut dyn Write) -> Result<(), Error> {
    let (derived, declared): (Vec<_>, Vec<_>) = decision
        .conclusions
        .iter()
        .partition(|c| c.derived.is_some());
    if !derived.is_empty() {
        writeln!(out, "\nParties, derived from the party facts")?;
        for c in &derived {
            let basis = match c.basis {
                freeport_policy::Basis::Derived => "derived",
                freeport_policy::Basis::Declared => "declared",
            };
            let declared = match c.declared {
                Some(d) if c.contradiction.is_some() => {
                    format!(", CONTRADICTS declared {}", tri(d))
                }
                Some(d) => format!(", declared {}", tri(d)),
                None => String::new(),
            };
            writeln!(out, "  {} = {} ({basis}{declared})", c.fact, tri(c.value))?;
            if !c.open_on.is_empty() {
                let names: Vec<String> = c.open_on.iter().map(|n| format!("`{n}`")).collect();
                writeln!(
                    out,
                    "    unknown until you find out {}: judged under both values (see the cases below)",
                    names.join(" or ")
                )?;
            }
            for reason in &c.reasons {
                if reason.citation.is_empty() {
                    writeln!(out, "    - {}", reason.text)?;
                } else {
                    writeln!(out, "    - {} [{}]", reason.text, reason.citation)?;
                }
            }
        }
    }
    if !declared.is_empty() {
        let list: Vec<String> = declared
            .iter()
            .map(|c| format!("{} = {}", c.fact, tri(c.value)))
            .collect();
        writeln!(out, "\nParties, as declared: {}", list.join(", "))?;
    }
    Ok(())
}

fn us_prior(us: &freeport_policy::UsPriorVolumes) -> String {
    let parts: Vec<String> = [
        (
            "covered personal identifiers",
            us.covered_personal_identifiers,
        ),
        (
            "precise geolocation devices",
            us.precise_geolocation_devices,
        ),
        ("biometric", us.biometric),
        ("human 'omic", us.human_omic),
        ("human genomic", us.human_genomic),
        ("personal health", us.personal_health),
        ("personal financial", us.personal_financial),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(name, n)| format!("{n} {name}"))
    .collect();
    if parts.is_empty() {
        "nothing with this counterparty".to_owned()
    } else {
        parts.join(", ")
    }
}
