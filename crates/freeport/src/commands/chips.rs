//! `freeport chips classify|screen`: chip classification under the chips rule pack, and
//! end-user screening against the Consolidated Screening List and a registry; `freeport chips
//! registry|verify|attest`: the port's whitelist, verification reports and end-use monitoring,
//! over its API (parse → call the port → render).

use std::io::{BufRead, Write};

use comfy_table::Cell;
use freeport_chips::decide::{Answer, Classification};
use freeport_chips::screen::{NamedText, Screening};
use freeport_chips::{ChipSpec, ChipsPack, Query};
use freeport_cli::{
    AttestCommand, AttestFileArgs, ChipsCommand, ChipsListArgs, ClassifyArgs, PortConnection,
    RegistryApplyArgs, RegistryCommand, RegistryListArgs, RegistryReevaluateArgs,
    RegistryReviewArgs, ScreenArgs, VerifyCommand, VerifySignArgs, VerifySubmitArgs,
};

use crate::render::{self, Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(command: &ChipsCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        ChipsCommand::Classify(args) => classify(args, out),
        ChipsCommand::Screen(args) => screen(args, out),
        ChipsCommand::Registry(command) => registry(command, out),
        ChipsCommand::Verify(command) => verify(command, out),
        ChipsCommand::Attest(command) => attest(command, out),
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

fn screen(args: &ScreenArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let list_text = read(&args.list)?;
    let list_file = args.list.display().to_string();
    let registry = match &args.registry {
        Some(path) => Some((path.display().to_string(), read(path)?)),
        None => None,
    };
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
    let screening = Screening::run(
        NamedText {
            file: &list_file,
            text: &list_text,
        },
        registry
            .as_ref()
            .map(|(file, text)| NamedText { file, text }),
        &names,
        args.threshold,
    )
    .map_err(chips)?;
    let blocking = screening.needs_attention();
    let Screening {
        list_entries,
        names_indexed,
        results,
        ownership,
        ..
    } = &screening;
    let rendered = Rendered {
        json: &screening,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(
                out,
                "screened {} name(s) against {list_entries} list entries ({names_indexed} names and aliases), threshold {}",
                names.len(),
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
                for r in results {
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
            if let Some(findings) = ownership {
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

fn client(connection: &PortConnection) -> freeport_server::client::PortClient {
    freeport_server::client::PortClient::new(&connection.url, &connection.token)
}

/// A record file (TOML, or JSON by its `.json` extension), parsed whole; an error names the
/// file and, for TOML, the line and key.
fn record<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Result<T, Error> {
    let text = read(path)?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        serde_json::from_str(&text).map_err(|e| Error::Usage(format!("`{}`: {e}", path.display())))
    } else {
        toml::from_str(&text).map_err(|e| {
            Error::Usage(format!(
                "`{}`: {}",
                path.display(),
                e.to_string().trim_end()
            ))
        })
    }
}

fn record_error(path: &std::path::Path, e: &freeport_chips::assurance::RecordError) -> Error {
    Error::Usage(format!("`{}`: {e}", path.display()))
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

fn registry(command: &RegistryCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        RegistryCommand::List(args) => registry_list(args, out),
        RegistryCommand::Apply(args) => registry_apply(args, out),
        RegistryCommand::Reevaluate(args) => registry_reevaluate(args, out),
        RegistryCommand::Cases(args) => registry_cases(args, out),
        RegistryCommand::Review(args) => registry_review(args, out),
    }
}

fn registry_list(args: &RegistryListArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    if let Some(on) = &args.on {
        on.parse::<jiff::civil::Date>()
            .map_err(|_| Error::Usage(format!("`--on {on}` is not a date (YYYY-MM-DD)")))?;
    }
    let list = client(&args.port).chips_whitelist(args.on.as_deref())?;
    let rendered = Rendered {
        json: &list,
        table: |out: &mut dyn Write| render_whitelist(&list, out),
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}

fn render_whitelist(
    list: &[freeport_port::port::chips::ListingView],
    out: &mut dyn Write,
) -> Result<(), Error> {
    if list.is_empty() {
        writeln!(out, "the whitelist is empty")?;
        return Ok(());
    }
    let mut table = render::table();
    table.set_header([
        "organisation",
        "class",
        "status",
        "listed",
        "re-evaluate by",
        "valid until",
        "case",
    ]);
    for l in list {
        table.add_row([
            l.listing.organisation.clone(),
            l.listing.product_class.clone(),
            l.status.as_str().to_owned(),
            l.listing.listed_on.to_string(),
            l.listing.reevaluate_by.to_string(),
            l.listing.valid_until.to_string(),
            l.case.clone(),
        ]);
    }
    writeln!(out, "{table}")?;
    if let Some(first) = list.first() {
        writeln!(out, "status as of {}", first.as_of)?;
    }
    for l in list {
        if let Some(removal) = &l.listing.removal {
            writeln!(
                out,
                "{} / {} removed on {} ({}): {}",
                l.listing.organisation,
                l.listing.product_class,
                removal.on,
                removal.case,
                removal.reasons.join("; ")
            )?;
        }
    }
    Ok(())
}

fn render_case(
    case: &freeport_port::port::chips::ChipsCaseView,
    out: &mut dyn Write,
) -> Result<(), Error> {
    writeln!(
        out,
        "case {}  {}  {} / {}  {}",
        case.id,
        case.kind_name(),
        case.organisation,
        case.product_class,
        case.status
    )?;
    for side in &case.sides {
        writeln!(
            out,
            "  {}: {}{}",
            side.side.to_uppercase(),
            side.status.as_str(),
            side.decided_by
                .as_ref()
                .map(|r| format!(" by {r}"))
                .unwrap_or_default()
        )?;
        for r in &side.public_reasons {
            writeln!(out, "    public reason: {r}")?;
        }
    }
    Ok(())
}

fn registry_apply(args: &RegistryApplyArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let application = freeport_chips::assurance::whitelist::Application {
        organisation: args.organisation.clone(),
        product_class: args.product_class.clone(),
        verification: args.verification,
        valid_days: args.valid_days,
        reevaluate_every_days: args.reevaluate_every_days,
    };
    application
        .check()
        .map_err(|e| Error::Usage(e.to_string()))?;
    let case = client(&args.port).chips_apply(&application)?;
    render(
        out,
        args.format,
        &Rendered {
            json: &case,
            table: |out: &mut dyn Write| render_case(&case, out),
        },
    )?;
    Ok(ExitStatus::Success)
}

fn registry_reevaluate(
    args: &RegistryReevaluateArgs,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let request = freeport_port::port::chips::ReEvaluationRequest {
        organisation: args.organisation.clone(),
        product_class: args.product_class.clone(),
        verification: args.verification,
    };
    let case = client(&args.port).chips_reevaluate(&request)?;
    render(
        out,
        args.format,
        &Rendered {
            json: &case,
            table: |out: &mut dyn Write| render_case(&case, out),
        },
    )?;
    Ok(ExitStatus::Success)
}

fn registry_cases(args: &ChipsListArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let cases = client(&args.port).chips_cases()?;
    render(
        out,
        args.format,
        &Rendered {
            json: &cases,
            table: |out: &mut dyn Write| -> Result<(), Error> {
                if cases.is_empty() {
                    writeln!(out, "no chips cases")?;
                }
                for case in &cases {
                    render_case(case, out)?;
                }
                Ok(())
            },
        },
    )?;
    Ok(ExitStatus::Success)
}

fn registry_review(args: &RegistryReviewArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let key = freeport_tlog::note::load_signing_key(&args.key)?;
    let client = client(&args.port);
    let me = client.whoami()?;
    let Some(side) = me.side() else {
        return Err(Error::Usage(format!(
            "the token acts for `{}`, an account with the role `{}`; only cn_reviewer and us_reviewer accounts decide",
            me.account, me.role
        )));
    };
    let case = client.chips_case(&args.id)?;
    let form = super::port_client::decision_form(
        args.approve,
        args.refuse,
        &args.approve_with_conditions,
        &args.reason,
    );
    let decided_at = super::port_client::decided_now();
    let request = freeport_port::port::chips::signed_case_decision(
        &case,
        side,
        &me.account,
        &form,
        &key,
        decided_at,
    )
    .map_err(|e| Error::Port(Box::new(e)))?;
    let decided = client.chips_decide(&case.id, &request)?;
    render(
        out,
        args.format,
        &Rendered {
            json: &decided,
            table: |out: &mut dyn Write| -> Result<(), Error> {
                writeln!(
                    out,
                    "{} side of {}: {} (log entry #{})",
                    decided.side.to_uppercase(),
                    case.id,
                    decided.status.as_str(),
                    decided
                        .log_index
                        .map_or_else(|| "pending".to_owned(), |i| i.to_string())
                )?;
                Ok(())
            },
        },
    )?;
    Ok(ExitStatus::Success)
}

fn verify(command: &VerifyCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        VerifyCommand::Sign(args) => verify_sign(args, out),
        VerifyCommand::Submit(args) => verify_submit(args, out),
        VerifyCommand::List(args) => verify_list(args, out),
    }
}

fn report(
    path: &std::path::Path,
) -> Result<freeport_chips::assurance::verification::VerificationReport, Error> {
    let report: freeport_chips::assurance::verification::VerificationReport = record(path)?;
    report.check(today()).map_err(|e| record_error(path, &e))?;
    Ok(report)
}

fn verify_sign(args: &VerifySignArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let report = report(&args.report)?;
    let key = freeport_tlog::note::load_signing_key(&args.key)?;
    let note = freeport_port::port::chips::sign_verification(
        &report,
        &args.cn_signer,
        &args.us_signer,
        &key,
    )
    .map_err(|e| Error::Port(Box::new(e)))?;
    write!(out, "{note}")?;
    Ok(ExitStatus::Success)
}

fn verify_submit(args: &VerifySubmitArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let report = report(&args.report)?;
    let submission = freeport_port::port::chips::VerificationSubmission {
        report,
        cn_signer: args.cn_signer.clone(),
        cn_signature: read(&args.cn_signature)?,
        us_signer: args.us_signer.clone(),
        us_signature: read(&args.us_signature)?,
    };
    let view = client(&args.port).chips_verify(&submission)?;
    render(
        out,
        args.format,
        &Rendered {
            json: &view,
            table: |out: &mut dyn Write| render_verifications(std::slice::from_ref(&view), out),
        },
    )?;
    Ok(ExitStatus::Success)
}

fn render_verifications(
    list: &[freeport_port::port::chips::VerificationView],
    out: &mut dyn Write,
) -> Result<(), Error> {
    if list.is_empty() {
        writeln!(out, "no verification reports")?;
        return Ok(());
    }
    let mut table = render::table();
    table.set_header([
        "#",
        "organisation",
        "visited",
        "classes",
        "signed by",
        "satisfactory",
        "log",
    ]);
    for v in list {
        table.add_row([
            v.seq.to_string(),
            v.report.organisation.clone(),
            v.report.visited_on.to_string(),
            v.report.product_classes.join(", "),
            format!("CN {} / US {}", v.cn_signer, v.us_signer),
            if v.satisfactory { "yes" } else { "no" }.to_owned(),
            v.log_index.map(|i| format!("#{i}")).unwrap_or_default(),
        ]);
    }
    writeln!(out, "{table}")?;
    Ok(())
}

fn verify_list(args: &ChipsListArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let list = client(&args.port).chips_verifications()?;
    render(
        out,
        args.format,
        &Rendered {
            json: &list,
            table: |out: &mut dyn Write| render_verifications(&list, out),
        },
    )?;
    Ok(ExitStatus::Success)
}

fn attest(command: &AttestCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        AttestCommand::Register(args) => attest_register(args, out),
        AttestCommand::Submit(args) => attest_submit(args, out),
        AttestCommand::Devices(args) => attest_devices(args, out),
        AttestCommand::Overdue(args) => attest_overdue(args, out),
    }
}

fn attest_register(args: &AttestFileArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let device: freeport_chips::assurance::monitoring::Device = record(&args.file)?;
    device.check().map_err(|e| record_error(&args.file, &e))?;
    let view = client(&args.port).chips_register_device(&device)?;
    render(
        out,
        args.format,
        &Rendered {
            json: &view,
            table: |out: &mut dyn Write| render_devices(std::slice::from_ref(&view), out),
        },
    )?;
    Ok(ExitStatus::Success)
}

fn attest_submit(args: &AttestFileArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let attestation: freeport_chips::assurance::monitoring::Attestation = record(&args.file)?;
    let view = client(&args.port).chips_attest(&attestation)?;
    render(
        out,
        args.format,
        &Rendered {
            json: &view,
            table: |out: &mut dyn Write| -> Result<(), Error> {
                writeln!(
                    out,
                    "attestation {} #{} recorded (log entry #{})",
                    view.attestation.serial,
                    view.seq,
                    view.log_index
                        .map_or_else(|| "pending".to_owned(), |i| i.to_string())
                )?;
                if view.anomalies.is_empty() {
                    writeln!(out, "location evidence plausible for the registered site")?;
                }
                for a in &view.anomalies {
                    writeln!(out, "ANOMALY: {}", a.describe())?;
                }
                if let Some(case) = &view.case {
                    writeln!(out, "opened case {case} for both sides to review")?;
                }
                Ok(())
            },
        },
    )?;
    // An anomaly is a result that needs attention, as a screening hit is.
    Ok(if view.anomalies.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Blocking
    })
}

fn render_devices(
    list: &[freeport_port::port::chips::DeviceView],
    out: &mut dyn Write,
) -> Result<(), Error> {
    if list.is_empty() {
        writeln!(out, "no registered devices")?;
        return Ok(());
    }
    let mut table = render::table();
    table.set_header([
        "serial",
        "organisation",
        "class",
        "site",
        "attestations",
        "anomalous",
        "next due",
        "overdue",
    ]);
    for d in list {
        table.add_row([
            d.device.serial.clone(),
            d.device.organisation.clone(),
            d.device.product_class.clone(),
            d.device.site.clone(),
            d.attestations.len().to_string(),
            d.attestations
                .iter()
                .filter(|a| !a.anomalies.is_empty())
                .count()
                .to_string(),
            d.due.to_string(),
            if d.overdue { "yes" } else { "no" }.to_owned(),
        ]);
    }
    writeln!(out, "{table}")?;
    Ok(())
}

fn attest_devices(args: &ChipsListArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let list = client(&args.port).chips_devices()?;
    render(
        out,
        args.format,
        &Rendered {
            json: &list,
            table: |out: &mut dyn Write| render_devices(&list, out),
        },
    )?;
    Ok(ExitStatus::Success)
}

fn attest_overdue(args: &ChipsListArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let opened = client(&args.port).chips_check_overdue()?;
    render(
        out,
        args.format,
        &Rendered {
            json: &opened,
            table: |out: &mut dyn Write| -> Result<(), Error> {
                if opened.is_empty() {
                    writeln!(out, "no device is overdue without a case")?;
                }
                for id in &opened {
                    writeln!(out, "opened {id}")?;
                }
                Ok(())
            },
        },
    )?;
    Ok(ExitStatus::Success)
}
