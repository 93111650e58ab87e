//! `freeport judge FACTS`: one transfer, both countries' rules, one answer with reasons.

use std::io::Write;
use std::path::Path;

use comfy_table::{Cell, ContentArrangement, Table, presets};
use freeport_cli::{Format, JudgeArgs};
use freeport_policy::{
    Decision, FactsFormat, Judge, Jurisdiction, MechanismStatus, PriorVolumes, RulePack,
    SideDecision, facts_schema, parse_facts,
};
use freeport_vocabulary::Vocabulary;

use crate::{Error, ExitStatus};

pub(crate) fn run(args: &JudgeArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
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
    let text = read(path)?;
    let name = path.display().to_string();
    let facts =
        parse_facts(&name, &text, FactsFormat::from_path(path), &judge).map_err(Error::Facts)?;
    // Until the store is wired in, a file without `[prior_volumes]` is judged as the first
    // transfer in both windows; the output says so.
    let (prior, prior_given) = match facts.prior_volumes {
        Some(prior) => (prior, true),
        None => (
            PriorVolumes::none(facts.date).map_err(|e| Error::Usage(e.to_string()))?,
            false,
        ),
    };
    let decision = judge
        .decide_with_remedies(&facts, &prior)
        .map_err(|e| Error::Judge(Box::new(e)))?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &decision)?;
            writeln!(out)?;
        }
        Format::Table => render_table(&decision, prior_given, out)?,
    }
    Ok(if decision.is_blocking() {
        ExitStatus::Blocking
    } else {
        ExitStatus::Success
    })
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

pub(crate) fn load_packs(root: Option<&Path>) -> Result<(RulePack, RulePack), Error> {
    let load = |j: Jurisdiction| match root {
        Some(root) => RulePack::from_dir(&root.join(j.as_str())),
        None => RulePack::embedded(j),
    };
    let pack = |j| load(j).map_err(|e| Error::Pack(Box::new(e)));
    Ok((pack(Jurisdiction::Cn)?, pack(Jurisdiction::Us)?))
}

fn load_judge(root: Option<&Path>, vocabulary: &'static Vocabulary) -> Result<Judge, Error> {
    let (cn, us) = load_packs(root)?;
    Judge::new(cn, us, vocabulary).map_err(|e| Error::Judge(Box::new(e)))
}

pub(crate) fn new_table() -> Table {
    let mut table = Table::new();
    // A fixed layout keeps the output identical on every terminal and in pipes.
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    table
}

fn status(status: MechanismStatus) -> &'static str {
    match status {
        MechanismStatus::InPlace => "in place",
        MechanismStatus::Expired => "EXPIRED",
        MechanismStatus::Missing => "MISSING",
        MechanismStatus::Duty => "to do",
    }
}

fn render_table(decision: &Decision, prior_given: bool, out: &mut dyn Write) -> Result<(), Error> {
    let sides: [(&str, &SideDecision); 2] =
        [("China", &decision.cn), ("United States", &decision.us)];
    let mut summary = new_table();
    summary.set_header(["", "outcome", "mechanisms"]);
    for (name, side) in sides {
        let mechanisms: Vec<String> = side
            .mechanisms
            .iter()
            .map(|m| format!("{} ({})", m.id, status(m.status)))
            .collect();
        summary.add_row([
            Cell::new(name),
            Cell::new(&side.outcome),
            Cell::new(if mechanisms.is_empty() {
                "-".to_owned()
            } else {
                mechanisms.join("\n")
            }),
        ]);
    }
    writeln!(out, "{summary}")?;

    let mut rules = new_table();
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
        if !side.obligations.is_empty() {
            writeln!(out, "\nObligations, {name}")?;
            for obligation in &side.obligations {
                writeln!(out, "  - {obligation}")?;
            }
        }
    }
    if !decision.cases.is_empty() {
        let mut cases = new_table();
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
        let mut remedies = new_table();
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
    if !prior_given {
        writeln!(
            out,
            "\nnote: no `[prior_volumes]` given; judged as the first transfer this year (China) and in 12 months with this counterparty (US)"
        )?;
    }
    let packs: Vec<String> = decision
        .packs
        .iter()
        .map(|(j, p)| format!("{j} {} {}", p.version, p.hash))
        .collect();
    writeln!(out, "\nRule packs: {}", packs.join("; "))?;
    Ok(())
}
