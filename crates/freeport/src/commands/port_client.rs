//! `freeport file`, `freeport case …`, `freeport review`: an exporter's and a reviewer's side of
//! a port, over its HTTP API. Facts are checked locally first (the same loader the port uses,
//! with spans into the file); a reviewer's decision is signed here, with their own key.

use std::io::Write;

use freeport_cli::{
    AttachmentKindArg, CaseCommand, FileArgs, NoticeKindArg, PortConnection, PublishArgs,
    ReviewArgs,
};
use freeport_policy::{FactsFormat, parse_facts};
use freeport_port::custody::{DecisionForm, signed_decision};
use freeport_port::port::{
    AssessmentUpload, AttachmentKind, ContestRulingRequest, ContestView, FilingView, NewContest,
    NewNotice, NoticeKind, Ruling, RulingView, Verdict,
};
use freeport_server::client::PortClient;
use freeport_store::docket::FilingStatus;
use freeport_tlog::note::load_signing_key;

use crate::render::{Rendered, render};
use crate::{Error, ExitStatus};

fn client(connection: &PortConnection) -> PortClient {
    PortClient::new(&connection.url, &connection.token)
}

/// A filing for people: where it stands, each side's outcome and case, the conversation.
fn render_filing(filing: &FilingView, out: &mut dyn Write) -> Result<(), Error> {
    writeln!(
        out,
        "filing {}  {}  (organisation {}, filed {} by {}, judgement {})",
        filing.id,
        filing.status.as_str(),
        filing.organisation,
        filing.filed_at,
        filing.filed_by,
        filing.judgement
    )?;
    let mut table = crate::render::table();
    table.set_header(["side", "outcome", "review", "decided by", "log"]);
    for side in ["cn", "us"] {
        let outcome = filing.decision[side]["outcome"].as_str().unwrap_or("?");
        let case = filing.cases.iter().find(|c| c.side == side);
        table.add_row([
            side.to_uppercase(),
            outcome.to_owned(),
            case.map_or_else(|| "not needed".to_owned(), |c| c.status.as_str().to_owned()),
            case.and_then(|c| c.decided_by.clone()).unwrap_or_default(),
            case.and_then(|c| c.log_index)
                .map(|i| format!("#{i}"))
                .unwrap_or_default(),
        ]);
    }
    writeln!(out, "{table}")?;
    if let Some(from) = &filing.assessment {
        writeln!(
            out,
            "filed from assessment {} (report SHA-256 {}, entry #{} of the exporter's log `{}`, checkpoint size {})",
            from.exporter_transfer,
            from.report_sha256,
            from.log_index,
            from.log_origin,
            from.checkpoint_size
        )?;
    }
    for case in &filing.cases {
        for c in &case.conditions {
            writeln!(out, "  {} condition: {c}", case.side.to_uppercase())?;
        }
        for r in &case.public_reasons {
            writeln!(out, "  {} public reason: {r}", case.side.to_uppercase())?;
        }
    }
    for m in &filing.messages {
        writeln!(out, "  [{}] {} ({}): {}", m.seq, m.author, m.at, m.body)?;
    }
    if !filing.contests.is_empty() {
        writeln!(out, "contested classifications:")?;
        render_contests(&filing.contests, out)?;
    }
    if !filing.documents.is_empty() || !filing.attachments.is_empty() {
        render_documents(filing, out)?;
    }
    if !filing.earlier.is_empty() {
        writeln!(
            out,
            "earlier filings of {} in this filing's counting windows:",
            filing.organisation
        )?;
        let mut table = crate::render::table();
        table.set_header([
            "filing",
            "date",
            "recipient",
            "status",
            "CN",
            "US",
            "windows",
        ]);
        for e in &filing.earlier {
            let outcome = |i: usize| e.outcomes.get(i).cloned().unwrap_or_default();
            table.add_row([
                e.id.clone(),
                e.date.clone(),
                e.counterparty.clone(),
                e.status.as_str().to_owned(),
                outcome(0),
                outcome(1),
                e.windows.join(", ").to_uppercase(),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    Ok(())
}

/// Contests for people: one row each, then each one's justification and ruling.
fn render_contests(contests: &[ContestView], out: &mut dyn Write) -> Result<(), Error> {
    let mut table = crate::render::table();
    table.set_header([
        "filing",
        "#",
        "category",
        "collected in",
        "source",
        "becomes",
        "status",
        "ruled by",
        "judgement",
        "log",
    ]);
    for c in contests {
        table.add_row([
            c.filing.clone(),
            c.seq.to_string(),
            c.category.clone(),
            c.collected_in.clone(),
            c.source.clone().unwrap_or_default(),
            c.becomes.clone(),
            c.status.as_str().to_owned(),
            c.ruled_by.clone().unwrap_or_default(),
            c.judgement.map(|j| j.to_string()).unwrap_or_default(),
            c.log_index.map(|i| format!("#{i}")).unwrap_or_default(),
        ]);
    }
    writeln!(out, "{table}")?;
    for c in contests {
        writeln!(
            out,
            "  {}#{} justification ({}): {}",
            c.filing, c.seq, c.filed_by, c.justification
        )?;
        if let (Some(by), Some(reason)) = (&c.ruled_by, &c.reason) {
            writeln!(
                out,
                "  {}#{} {} by {by}: {reason}",
                c.filing,
                c.seq,
                c.status.as_str()
            )?;
        }
    }
    Ok(())
}

/// Each side's required documents (attached or not), then every attachment with its hash.
fn render_documents(filing: &FilingView, out: &mut dyn Write) -> Result<(), Error> {
    if !filing.documents.is_empty() {
        let mut table = crate::render::table();
        table.set_header([
            "side",
            "required document",
            "mechanism",
            "state",
            "attached",
        ]);
        for d in &filing.documents {
            table.add_row([
                d.side.to_uppercase(),
                d.kind.as_str().to_owned(),
                d.mechanism.clone(),
                d.status.clone(),
                if d.attached.is_empty() {
                    "no".to_owned()
                } else {
                    d.attached
                        .iter()
                        .map(|n| format!("#{n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            ]);
        }
        writeln!(out, "{table}")?;
    }
    for a in &filing.attachments {
        writeln!(
            out,
            "  attachment #{} {} `{}` ({} bytes) sha256 {}",
            a.seq,
            a.kind.as_str(),
            a.file_name,
            a.bytes,
            a.sha256
        )?;
    }
    Ok(())
}

/// The port's kind for a kind typed on the command line.
const fn attachment_kind(kind: AttachmentKindArg) -> AttachmentKind {
    match kind {
        AttachmentKindArg::StandardContract => AttachmentKind::StandardContract,
        AttachmentKindArg::Pipia => AttachmentKind::Pipia,
        AttachmentKindArg::CisaSecurityAttestation => AttachmentKind::CisaSecurityAttestation,
        AttachmentKindArg::ComplianceProgramme => AttachmentKind::ComplianceProgramme,
        AttachmentKindArg::Licence => AttachmentKind::Licence,
        AttachmentKindArg::Other => AttachmentKind::Other,
    }
}

/// A ruling for people: the contest, then what judging again changed.
fn render_ruling(ruling: &RulingView, out: &mut dyn Write) -> Result<(), Error> {
    let c = &ruling.contest;
    writeln!(
        out,
        "contest #{} on {} ({} collected in {} → {}): {}",
        c.seq,
        c.filing,
        c.category,
        c.collected_in,
        c.becomes,
        c.status.as_str()
    )?;
    if c.status == freeport_store::docket::ContestStatus::Accepted {
        writeln!(
            out,
            "judged again: judgement {}, filing {}; override logged as entry {}",
            ruling.judgement,
            ruling.status.as_str(),
            c.log_index
                .map_or_else(|| "pending".to_owned(), |i| format!("#{i}"))
        )?;
        let mut table = crate::render::table();
        table.set_header(["side", "outcome before", "outcome now", "review"]);
        for (side, now) in &ruling.outcomes {
            let case = ruling.cases.iter().find(|k| &k.side == side);
            table.add_row([
                side.to_uppercase(),
                ruling
                    .outcomes_before
                    .get(side)
                    .cloned()
                    .unwrap_or_default(),
                now.clone(),
                case.map_or_else(|| "not needed".to_owned(), |k| k.status.as_str().to_owned()),
            ]);
        }
        writeln!(out, "{table}")?;
    }
    Ok(())
}

/// The documents `--attach KIND=PATH` names, read (so a bad one files nothing).
fn read_documents(attach: &[String]) -> Result<Vec<(AttachmentKind, String, Vec<u8>)>, Error> {
    let mut documents = Vec::with_capacity(attach.len());
    for spec in attach {
        let (kind, path) = spec.split_once('=').ok_or_else(|| {
            Error::Usage(format!(
                "`--attach {spec}`: give KIND=PATH, e.g. pipia=pipia.pdf"
            ))
        })?;
        let kind = attachment_kind(
            <AttachmentKindArg as clap::ValueEnum>::from_str(kind, true).map_err(|_| {
                Error::Usage(format!(
                    "`--attach {spec}`: `{kind}` is not a kind (standard-contract, pipia, cisa-security-attestation, compliance-programme, licence, other)"
                ))
            })?,
        );
        let path = std::path::Path::new(path);
        let bytes = std::fs::read(path).map_err(|e| Error::File {
            path: path.display().to_string(),
            source: e,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        documents.push((kind, name, bytes));
    }
    Ok(documents)
}

/// Reads what `freeport assess -o DIR` wrote into `dir` for a port ([`AssessmentUpload::FILES`]).
fn read_assessment(dir: &std::path::Path) -> Result<AssessmentUpload, Error> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Usage(format!(
                "`{}` has no `{name}`: give the directory `freeport assess -o DIR` wrote (or a facts file)",
                dir.display()
            )),
            _ => Error::File {
                path: path.display().to_string(),
                source: e,
            },
        })
    };
    let text = |name: &str| -> Result<String, Error> {
        String::from_utf8(read(name)?)
            .map_err(|_| Error::Usage(format!("`{}` is not UTF-8 text", dir.join(name).display())))
    };
    let [(_, facts), (_, report), (_, receipt), (_, trust_policy)] = AssessmentUpload::FILES;
    Ok(AssessmentUpload {
        facts: text(facts)?,
        report: read(report)?,
        receipt: text(receipt)?,
        trust_policy: text(trust_policy)?,
    })
}

pub(crate) fn file(args: &FileArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    if args.facts.is_dir() {
        return file_assessment(args, out);
    }
    let text = super::judge::read(&args.facts)?;
    let name = args.facts.display().to_string();
    // Checked here, with spans into the file, before anything is sent.
    let vocabulary = super::judge::load_vocabulary(None)?;
    let judge = super::judge::load_judge(None, vocabulary)?;
    let facts = parse_facts(&name, &text, FactsFormat::from_path(&args.facts), &judge)
        .map_err(Error::Facts)?;
    // Documents are read before anything is sent, so a bad `--attach` files nothing.
    let documents = read_documents(&args.attach)?;
    let body = serde_json::to_string(&facts)?;
    let port = client(&args.port);
    let filing = port.file(&body).map_err(Error::from)?;
    finish_filing(args, &port, filing, &documents, out)
}

/// `freeport file DIR`: files the assessment `freeport assess -o DIR` wrote; the port verifies
/// that its facts, report, receipt and trust policy belong together (a job, waited for).
fn file_assessment(args: &FileArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let upload = read_assessment(&args.facts)?;
    let documents = read_documents(&args.attach)?;
    let port = client(&args.port);
    let (filing, created) = port.file_assessment(&upload).map_err(Error::from)?;
    if !created && args.format == freeport_cli::Format::Table {
        writeln!(
            out,
            "this assessment was filed before, as {}; nothing was filed again",
            filing.id
        )?;
    }
    finish_filing(args, &port, filing, &documents, out)
}

/// Attaches `documents` to a new filing, then prints it; the exit status says whether it is
/// cleared.
fn finish_filing(
    args: &FileArgs,
    port: &PortClient,
    mut filing: FilingView,
    documents: &[(AttachmentKind, String, Vec<u8>)],
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    if !documents.is_empty() {
        for (kind, name, bytes) in documents {
            port.attach(&filing.id, *kind, name, bytes)
                .map_err(Error::from)?;
        }
        filing = port.filing(&filing.id).map_err(Error::from)?;
    }
    let rendered = Rendered {
        json: &filing,
        table: |out: &mut dyn Write| render_filing(&filing, out),
    };
    render(out, args.format, &rendered)?;
    Ok(if filing.status == FilingStatus::Cleared {
        ExitStatus::Success
    } else {
        ExitStatus::Blocking
    })
}

pub(crate) fn case(command: &CaseCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        CaseCommand::List(args) => {
            let filings = client(&args.port).filings().map_err(Error::from)?;
            let rendered = Rendered {
                json: &filings,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    let mut table = crate::render::table();
                    table.set_header(["filing", "organisation", "filed", "status"]);
                    for f in &filings {
                        table.add_row([
                            f.id.as_str(),
                            f.organisation.as_str(),
                            f.filed_at.as_str(),
                            f.status.as_str(),
                        ]);
                    }
                    writeln!(out, "{table}")?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        CaseCommand::Show(args) => {
            let filing = client(&args.port).filing(&args.id).map_err(Error::from)?;
            let rendered = Rendered {
                json: &filing,
                table: |out: &mut dyn Write| render_filing(&filing, out),
            };
            render(out, args.format, &rendered)?;
        }
        CaseCommand::Ask(args) => {
            let message = client(&args.port)
                .message(&args.id, &args.message)
                .map_err(Error::from)?;
            let rendered = Rendered {
                json: &message,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(out, "message #{} on {}", message.seq, args.id)?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        CaseCommand::Contest(args) => {
            let contest = client(&args.port)
                .contest(
                    &args.id,
                    &NewContest {
                        category: args.category.clone(),
                        collected_in: args.collected_in.clone(),
                        source: args.source.clone(),
                        becomes: args.becomes.clone(),
                        justification: args.justification.clone(),
                    },
                )
                .map_err(Error::from)?;
            let rendered = Rendered {
                json: &contest,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "contest #{} on {}: `{}` collected in {} → {} ({}; a reviewer of a side with a case rules on it)",
                        contest.seq,
                        contest.filing,
                        contest.category,
                        contest.collected_in,
                        contest.becomes,
                        contest.status.as_str()
                    )?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        CaseCommand::Rule(args) => {
            let ruling = client(&args.port)
                .rule_contest(
                    &args.id,
                    args.contest,
                    &ContestRulingRequest {
                        ruling: if args.accept {
                            Ruling::Accept
                        } else {
                            Ruling::Reject
                        },
                        reason: args.reason.clone(),
                    },
                )
                .map_err(Error::from)?;
            let rendered = Rendered {
                json: &ruling,
                table: |out: &mut dyn Write| render_ruling(&ruling, out),
            };
            render(out, args.format, &rendered)?;
        }
        CaseCommand::Attach(args) => {
            let bytes = std::fs::read(&args.file).map_err(|e| Error::File {
                path: args.file.display().to_string(),
                source: e,
            })?;
            let file_name = args
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let kind = attachment_kind(args.kind);
            let attached = client(&args.port)
                .attach(&args.id, kind, &file_name, &bytes)
                .map_err(Error::from)?;
            let rendered = Rendered {
                json: &attached,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "attachment #{} on {}: {} `{}`, {} bytes, sha256 {}",
                        attached.seq,
                        args.id,
                        attached.kind.as_str(),
                        attached.file_name,
                        attached.bytes,
                        attached.sha256
                    )?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        CaseCommand::Download(args) => {
            let target = crate::output::Target::of(&args.out, args.force)?;
            let bytes = client(&args.port)
                .attachment(&args.id, args.seq)
                .map_err(Error::from)?;
            target.deliver("attachment", out, |path| {
                freeport_util::atomic::write_atomic(path, &bytes).map_err(|e| Error::File {
                    path: path.display().to_string(),
                    source: e,
                })
            })?;
        }
        CaseCommand::Overrides(args) => {
            let overrides = client(&args.port).overrides().map_err(Error::from)?;
            let rendered = Rendered {
                json: &overrides,
                table: |out: &mut dyn Write| render_contests(&overrides, out),
            };
            render(out, args.format, &rendered)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// The decision a reviewer's flags ask for (`--approve`, `--refuse`, else
/// `--approve-with-conditions`): `freeport review` and `freeport chips registry review`.
pub(crate) fn decision_form(
    approve: bool,
    refuse: bool,
    conditions: &[String],
    reasons: &[String],
) -> DecisionForm {
    let (verdict, conditions) = if approve {
        (Verdict::Approve, Vec::new())
    } else if refuse {
        (Verdict::Refuse, Vec::new())
    } else {
        (Verdict::ApproveWithConditions, conditions.to_vec())
    };
    DecisionForm {
        verdict,
        conditions,
        public_reasons: reasons.to_vec(),
    }
}

/// Now, to the second, as a decision's `decided_at`.
pub(crate) fn decided_now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}

pub(crate) fn review(args: &ReviewArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let key = load_signing_key(&args.key)?;
    let client = client(&args.port);
    let me = client.whoami().map_err(Error::from)?;
    let Some(side) = me.side() else {
        return Err(Error::Usage(format!(
            "the token acts for `{}`, an account with the role `{}`; only cn_reviewer and us_reviewer accounts decide",
            me.account, me.role
        )));
    };
    let filing = client.filing(&args.id).map_err(Error::from)?;
    let form = decision_form(
        args.approve,
        args.refuse,
        &args.approve_with_conditions,
        &args.reason,
    );
    let decided_at = decided_now();
    let request = signed_decision(&filing, side, &me.account, &form, &key, decided_at)
        .map_err(|e| Error::Port(Box::new(e)))?;
    let decided = client.decide(&filing.id, &request).map_err(Error::from)?;
    let rendered = Rendered {
        json: &decided,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(
                out,
                "{} side of {}: {} (log entry #{})",
                decided.side.to_uppercase(),
                filing.id,
                decided.status.as_str(),
                decided
                    .log_index
                    .map_or_else(|| "pending".to_owned(), |i| i.to_string())
            )?;
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}

pub(crate) fn publish(args: &PublishArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let body = if args.body_file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
        text
    } else {
        std::fs::read_to_string(&args.body_file).map_err(|e| Error::File {
            path: args.body_file.display().to_string(),
            source: e,
        })?
    };
    let notice = NewNotice {
        kind: match args.kind {
            NoticeKindArg::Rules => NoticeKind::Rules,
            NoticeKindArg::SubsidyNotice => NoticeKind::SubsidyNotice,
            NoticeKindArg::ProcurementNotice => NoticeKind::ProcurementNotice,
            NoticeKindArg::Other => NoticeKind::Other,
        },
        title: args.title.clone(),
        language: args.language.clone(),
        body,
    };
    let published = client(&args.port).publish(&notice)?;
    let rendered = Rendered {
        json: &published,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(
                out,
                "published {} `{}` ({}) at {}; log entry {}",
                published.kind,
                published.title,
                published.language,
                published.published_at,
                published
                    .log_index
                    .map_or_else(|| "pending".to_owned(), |i| format!("#{i}"))
            )?;
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}
