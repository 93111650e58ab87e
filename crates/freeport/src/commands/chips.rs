//! `freeport chips classify|screen`: chip classification under the chips rule pack, and
//! end-user screening against the Consolidated Screening List and a registry.

use std::io::{BufRead, Write};

use comfy_table::Cell;
use freeport_chips::decide::{Answer, Classification};
use freeport_chips::screen::{self, Index, NameResult, OwnershipFinding, Registry, Standing};
use freeport_chips::{ChipSpec, ChipsPack, Query};
use freeport_cli::{ChipsCommand, ClassifyArgs, ScreenArgs};
use serde::Serialize;

use crate::render::{self, Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(command: &ChipsCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        ChipsCommand::Classify(args) => classify(args, out),
        ChipsCommand::Screen(args) => screen(args, out),
    }
}

fn read(path: &std::path::Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::File {
        path: path.display().to_string(),
        source,
    })
}

fn chips(error: freeport_chips::Error) -> Error {
    Error::Chips(Box::new(error))
}

fn classify(args: &ClassifyArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let pack = match &args.pack {
        Some(dir) => ChipsPack::from_dir(dir),
        None => ChipsPack::embedded(),
    }
    .map_err(chips)?;
    let as_of = match &args.as_of {
        Some(text) => text
            .parse::<jiff::civil::Date>()
            .map_err(|_| Error::Usage(format!("`--as-of {text}` is not a date (YYYY-MM-DD)")))?,
        None => jiff::Zoned::now().date(),
    };
    let lower = |cc: &Option<String>, flag: &str| -> Result<Option<String>, Error> {
        match cc {
            None => Ok(None),
            Some(c) if c.len() == 2 && c.chars().all(|x| x.is_ascii_alphabetic()) => {
                Ok(Some(c.to_ascii_lowercase()))
            }
            Some(c) => Err(Error::Usage(format!(
                "`--{flag} {c}` is not a two-letter country code (ISO 3166-1 alpha-2)"
            ))),
        }
    };
    let query = Query {
        as_of,
        destination: lower(&args.destination, "destination")?,
        end_user_hq: lower(&args.end_user_hq, "end-user-hq")?,
    };
    let text = read(&args.spec)?;
    let spec = ChipSpec::parse(&args.spec.display().to_string(), &text).map_err(chips)?;
    let result = freeport_chips::classify(&pack, &spec, &query).map_err(chips)?;
    let rendered = Rendered {
        json: &result,
        table: |out: &mut dyn Write| render_classification(&result, out),
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}

fn render_classification(c: &Classification, out: &mut dyn Write) -> Result<(), Error> {
    for warning in &c.warnings {
        writeln!(out, "WARNING: {warning}")?;
    }
    let datacenter = match c.datacenter.get() {
        Some(true) => "designed or marketed for datacenters",
        Some(false) => "not designed or marketed for datacenters",
        None => "datacenter design/marketing unknown",
    };
    writeln!(
        out,
        "{} ({}, {datacenter}), rules as of {}",
        c.item,
        c.kind.as_str(),
        c.as_of
    )?;
    if let Some(destination) = &c.destination {
        let hq = c.end_user_hq.as_deref().unwrap_or("unknown");
        writeln!(
            out,
            "destination: {destination}; end user headquartered in: {hq}"
        )?;
    }
    writeln!(out, "ECCN: {}", c.eccn)?;
    if !c.measures.is_empty() {
        let mut table = render::table();
        table.set_header(["measure", "value", "how"]);
        for m in &c.measures {
            let value = match (&m.value, &m.at_least) {
                (Some(v), _) => v.to_string(),
                (None, Some(lo)) => format!("unknown (≥ {lo})"),
                (None, None) => "unknown".to_owned(),
            };
            table.add_row([
                Cell::new(m.quantity.label()),
                Cell::new(value),
                Cell::new(&m.how),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    if !c.comparisons.is_empty() {
        let mut table = render::table();
        table.set_header(["threshold", "value", "result", "citation"]);
        for x in &c.comparisons {
            let value = x.value.map_or_else(|| "-".to_owned(), |v| v.to_string());
            table.add_row([
                Cell::new(format!("{} {} {}", x.quantity.label(), x.op, x.threshold)),
                Cell::new(value),
                Cell::new(x.result),
                Cell::new(&x.citation),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    for component in &c.components {
        writeln!(
            out,
            "component: {} × {}: {}",
            component.count, component.name, component.classification.eccn
        )?;
    }
    let mut table = render::table();
    table.set_header(["question", "answer", "when", "rule"]);
    for answer in &c.answers {
        for case in &answer.cases {
            let when = if case.when.is_empty() {
                "-".to_owned()
            } else {
                case.when.join("\nor ")
            };
            let rules: Vec<&str> = case.rules.iter().map(|r| r.id.as_str()).collect();
            table.add_row([
                Cell::new(question_label(answer)),
                Cell::new(&case.outcome),
                Cell::new(when),
                Cell::new(rules.join("\n")),
            ]);
        }
    }
    writeln!(out, "{table}")?;
    writeln!(out, "Why:")?;
    let mut seen = std::collections::BTreeSet::new();
    for answer in &c.answers {
        for case in &answer.cases {
            for rule in &case.rules {
                if !seen.insert(rule.id.clone()) {
                    continue;
                }
                writeln!(
                    out,
                    "  {} [{}] {} — {} ({})",
                    rule.id, rule.location, rule.explain, rule.citation, rule.source
                )?;
                for (en, zh) in rule.obligations.iter().zip(&rule.obligations_zh) {
                    writeln!(out, "    obligation: {en} / {zh}")?;
                }
            }
            if !case.overridden.is_empty() {
                writeln!(
                    out,
                    "  (also fired, overridden: {})",
                    case.overridden.join(", ")
                )?;
            }
        }
    }
    writeln!(
        out,
        "{} pack {} ({}), reviewed through {}",
        c.pack.name, c.pack.version, c.pack.hash, c.pack.reviewed_through
    )?;
    Ok(())
}

fn question_label(answer: &Answer) -> &'static str {
    match answer.question.as_str() {
        "classify" => "classification",
        "z_item" => ".z item",
        "nac_aca" => "NAC/ACA eligibility",
        "exception" => "licence exception",
        "licence" => "licence",
        _ => "?",
    }
}

#[derive(Serialize)]
struct ScreenOutput<'a> {
    threshold: u8,
    list_entries: usize,
    names_indexed: usize,
    results: &'a [NameResult],
    #[serde(skip_serializing_if = "Option::is_none")]
    ownership: Option<&'a [OwnershipFinding]>,
}

fn screen(args: &ScreenArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let list_text = read(&args.list)?;
    let mut entries =
        screen::csl::load(&args.list.display().to_string(), &list_text).map_err(chips)?;
    let registry = match &args.registry {
        Some(path) => {
            let text = read(path)?;
            Some(Registry::parse(&path.display().to_string(), &text).map_err(chips)?)
        }
        None => None,
    };
    if let Some(registry) = &registry {
        entries.extend(registry.list_entries());
    }
    let mut names = args.names.clone();
    if let Some(file) = &args.file {
        let lines: Vec<String> = if file.as_os_str() == "-" {
            std::io::stdin().lock().lines().collect::<Result<_, _>>()?
        } else {
            read(file)?.lines().map(str::to_owned).collect()
        };
        names.extend(
            lines
                .into_iter()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty()),
        );
    }
    if names.is_empty() && registry.is_none() {
        return Err(Error::Usage(
            "give names to screen, `--file`, or `--registry`".to_owned(),
        ));
    }
    let list_entries = entries.len();
    let index = Index::new(entries);
    let results = screen::screen_names(&index, &names, args.threshold);
    let ownership = registry
        .as_ref()
        .map(|r| screen::ownership(&index, r, args.threshold));
    let blocking = results.iter().any(|r| !r.hits.is_empty())
        || ownership
            .as_ref()
            .is_some_and(|o| o.iter().any(|f| f.standing != Standing::Clear));
    let output = ScreenOutput {
        threshold: args.threshold,
        list_entries,
        names_indexed: index.name_count(),
        results: &results,
        ownership: ownership.as_deref(),
    };
    let rendered = Rendered {
        json: &output,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(
                out,
                "screened {} name(s) against {list_entries} list entries ({} names and aliases), threshold {}",
                names.len(),
                index.name_count(),
                args.threshold
            )?;
            if !results.is_empty() {
                let mut table = render::table();
                table.set_header([
                    "name",
                    "score",
                    "list entry",
                    "matched",
                    "tokens",
                    "normalised",
                ]);
                for r in &results {
                    if r.hits.is_empty() {
                        table.add_row([
                            Cell::new(&r.name),
                            Cell::new("-"),
                            Cell::new("no hit"),
                            Cell::new(""),
                            Cell::new(""),
                            Cell::new(""),
                        ]);
                    }
                    for hit in &r.hits {
                        let tokens: Vec<String> = hit
                            .matches
                            .iter()
                            .map(|m| {
                                format!(
                                    "{} ~ {} ({:?} {:.2})",
                                    m.query, m.listed, m.kind, m.similarity
                                )
                                .to_lowercase()
                            })
                            .collect();
                        let steps: Vec<&str> =
                            hit.query_steps.iter().map(|s| s.describe()).collect();
                        table.add_row([
                            Cell::new(&r.name),
                            Cell::new(hit.score),
                            Cell::new(format!("{} {}\n{}", hit.list, hit.entry_id, hit.source)),
                            Cell::new(format!(
                                "{}{}",
                                hit.matched_name,
                                if hit.alias { " (alias)" } else { "" }
                            )),
                            Cell::new(tokens.join("\n")),
                            Cell::new(steps.join("\n")),
                        ]);
                    }
                }
                writeln!(out, "{table}")?;
            }
            if let Some(findings) = &ownership {
                let mut table = render::table();
                table.set_header(["organisation", "standing", "listed owners hold", "why"]);
                for f in findings {
                    let mut why = f.listed_because.clone();
                    why.extend(
                        f.owners
                            .iter()
                            .filter(|o| !o.listed_because.is_empty())
                            .map(|o| {
                                format!("{} holds {} %: {}", o.party, o.percent, o.listed_because)
                            }),
                    );
                    table.add_row([
                        Cell::new(format!("{} ({})", f.organisation, f.name)),
                        Cell::new(format!("{:?}", f.standing).to_lowercase()),
                        Cell::new(format!("{} %", f.owned_by_listed)),
                        Cell::new(why.join("\n")),
                    ]);
                }
                writeln!(out, "{table}")?;
            }
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(if blocking {
        ExitStatus::Blocking
    } else {
        ExitStatus::Success
    })
}
