//! `freeport stats ...`: joint statistics (sites, aggregators, collector).

use std::io::Write;
use std::path::Path;

use comfy_table::Table;
use freeport_cli::{
    AggregatorCommand, CollectorCommand, CountryArg, Format, StatsCommand, StudyCommand,
};
use freeport_port::PortLog;
use freeport_server::client::PortClient;
use freeport_server::stats::{Client, HostedAggregator, approval_entry, release_entry};
use freeport_stats::aggregator::Aggregator;
use freeport_stats::collector::{self, Collector};
use freeport_stats::study::{Country, StudyFile, StudySignature, day_number, signature_path};
use freeport_stats::wire::{Release, SignedCollect};
use serde_json::json;

use crate::render::{Render, Rendered, render};
use crate::{Error, ExitStatus};

/// Uploads a site keeps in flight: two, so the leader verifies one while the helper verifies
/// the other (the aggregators overlap uploads; more gains nothing on two cores).
const UPLOADS_IN_FLIGHT: usize = 2;

fn country(arg: CountryArg) -> Country {
    match arg {
        CountryArg::Cn => Country::Cn,
        CountryArg::Us => Country::Us,
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::File {
        path: path.display().to_string(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "`{}` is not the expected JSON: {e}",
            path.display()
        ))
    })
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value)?;
    freeport_stats::crypto::write_atomic(path, format!("{text}\n").as_bytes(), false)?;
    Ok(())
}

fn date_arg(text: Option<&String>) -> Result<Option<i32>, Error> {
    text.map(|t| {
        day_number(t).ok_or_else(|| Error::Usage(format!("`{t}` is not a date (YYYY-MM-DD)")))
    })
    .transpose()
}

/// The port home of `--store` or `$FREEPORT_HOME`, which must have been made by `freeport
/// init` (with its log): where a hosted aggregator is made and approvals and releases logged.
fn port_home(store: Option<&Path>) -> Result<freeport_port::layout::HomeLayout, Error> {
    let home = super::assess::home_of(store)?;
    let contents = home.contents()?;
    if !contents.log || !contents.log_key {
        return Err(Error::Usage(format!(
            "`{}` is not a port home with a transparency log, and approvals and releases of joint statistics are logged there: run `freeport init` (or name the port's home with FREEPORT_HOME or --store)",
            home.root().display()
        )));
    }
    Ok(home)
}

/// The aggregator a port home hosts (made by `freeport stats aggregator init` without
/// `--home`), for `freeport serve` to mount; none if the port home has none. A directory that
/// is there but is not an aggregator's home refuses the start (never created here).
pub(crate) fn hosted_aggregator(
    layout: &freeport_port::layout::HomeLayout,
) -> Result<Option<HostedAggregator>, Error> {
    let dir = layout.stats_aggregator_dir();
    if !dir.exists() {
        return Ok(None);
    }
    Ok(Some(HostedAggregator::new(Aggregator::open(&dir, None)?)?))
}

/// The port's transparency log, where approvals and releases are recorded: the port home of
/// `--store` or `$FREEPORT_HOME`, which must hold a log made by `freeport init`. Fail closed:
/// without it (or while another process, such as `freeport serve`, holds the log) no study is
/// approved and no release is shown.
fn port_log(store: Option<&Path>) -> Result<PortLog, Error> {
    Ok(PortLog::open_or_create(&port_home(store)?)?)
}

/// Appends `entry` to the port's log and has the witnesses cosign a checkpoint covering it
/// (a witness that is down leaves the checkpoint pending; the entry is durable either way).
fn log_entry(log: &mut PortLog, entry: &[u8]) -> Result<u64, Error> {
    let index = log.append(entry)?;
    log.cosign_pending()?;
    Ok(index)
}

pub(crate) fn run(
    command: &StatsCommand,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    match command {
        StatsCommand::Aggregator(AggregatorCommand::Init(args)) => {
            let home = match &args.home {
                Some(home) => home.clone(),
                None => port_home(store)?.stats_aggregator_dir(),
            };
            let info = Aggregator::init(&home, country(args.country))?;
            let rendered = Rendered {
                json: &json!({
                    "country": info.country.to_string(),
                    "home": home.display().to_string(),
                    "hpke_key": info.hpke_key.to_string(),
                }),
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "created the `{}` aggregator in `{}`",
                        info.country,
                        home.display()
                    )?;
                    writeln!(
                        out,
                        "HPKE key (for the study's `[{}]` table):",
                        info.country
                    )?;
                    writeln!(out, "  hpke_key = \"{}\"", info.hpke_key)?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        StatsCommand::Aggregator(AggregatorCommand::Approve(args)) => {
            let study = StudyFile::load(&args.study)?;
            let signature: StudySignature = read_json(&signature_path(&args.study))?;
            if let Some(url) = &args.port {
                let token = args.token.as_deref().ok_or_else(|| {
                    Error::Usage(
                        "approving at a port needs your token there: set FREEPORT_TOKEN or pass --token".to_owned(),
                    )
                })?;
                let approved =
                    PortClient::new(url, token).approve_study(&study.text, &signature)?;
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({ "approval": approved, "log_index": approved.log_index })
                    )?
                )?;
                return Ok(ExitStatus::Success);
            }
            let home = args.home.as_deref().ok_or_else(|| {
                Error::Usage(
                    "name the aggregator's `--home`, or the `--port` hosting it".to_owned(),
                )
            })?;
            let mut aggregator = Aggregator::open(home, None)?;
            let mut log = port_log(store)?;
            let (approval, index) = aggregator.approve(&study, &signature, &mut |approval| {
                let logged = approval_entry(approval)
                    .map_err(|e| Error::Port(Box::new(e)))
                    .and_then(|e| log_entry(&mut log, &e));
                logged.map_err(|e| freeport_stats::Error::Refused {
                    reason: format!(
                        "the approval could not be logged in the port's log, so it is not made: {e}"
                    ),
                })
            })?;
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json!({ "approval": approval, "log_index": index }))?
            )?;
        }
        StatsCommand::Aggregator(AggregatorCommand::Serve(args)) => {
            let aggregator = Aggregator::open(&args.home, Some(country(args.country)))?;
            let studies = aggregator.study_hashes();
            if studies.is_empty() {
                return Err(Error::Usage(format!(
                    "the aggregator in `{}` has approved no study: run `freeport stats aggregator approve` first",
                    args.home.display()
                )));
            }
            let listener = freeport_server::bind(args.listen)?;
            let url = format!("http://{}", listener.local_addr().map_err(Error::Io)?);
            let rendered = Rendered {
                json: &json!({
                    "country": aggregator.country().to_string(),
                    "studies": studies.len(),
                    "url": url,
                }),
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "`{}` aggregator serving {} stud{} on {url}; Ctrl-C stops",
                        aggregator.country(),
                        studies.len(),
                        if studies.len() == 1 { "y" } else { "ies" },
                    )?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
            out.flush()?;
            freeport_server::stats::serve_aggregator(aggregator, listener)?;
        }
        StatsCommand::Collector(CollectorCommand::Init(args)) => {
            let info = Collector::init(&args.home)?;
            let rendered = Rendered {
                json: &json!({
                    "home": args.home.display().to_string(),
                    "signing_key": info.signing_key.to_string(),
                    "hpke_key": info.hpke_key.to_string(),
                }),
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(out, "created the collector in `{}`", args.home.display())?;
                    writeln!(out, "keys (for the study's `[collector]` table):")?;
                    writeln!(out, "  signing_key = \"{}\"", info.signing_key)?;
                    writeln!(out, "  hpke_key = \"{}\"", info.hpke_key)?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        StatsCommand::Study(StudyCommand::Sign(args)) => {
            let collector = Collector::open(&args.home)?;
            let signature = freeport_stats::study::sign(&args.study, collector.signing_key())?;
            let rendered = Rendered {
                json: &json!({
                    "study_sha256": signature.study_sha256,
                    "signature": signature_path(&args.study).display().to_string(),
                }),
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "signed study {} -> `{}`",
                        signature.study_sha256,
                        signature_path(&args.study).display()
                    )?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        StatsCommand::Study(StudyCommand::Show(args)) => {
            let study = StudyFile::load(&args.study)?;
            render(out, args.format, &StudyView(&study))?;
        }
        StatsCommand::Submit(args) => {
            let study = StudyFile::load(&args.study)?;
            let client = Client::new();
            let leader = study.aggregator(study.study.leader).url.clone();
            let send = |upload: &freeport_stats::wire::Upload| {
                client
                    .upload(&leader, upload)
                    .map_err(|e| freeport_stats::Error::Protocol(format!("upload: {e}")))
            };
            let receipt = freeport_stats::site::submit_concurrently(
                &study,
                &args.site,
                &args.data,
                args.batch,
                UPLOADS_IN_FLIGHT,
                &send,
            )?;
            if let Some(path) = &args.receipt {
                write_json(path, &receipt)?;
            }
            let sent: u64 = receipt.reports.values().sum();
            let rendered = Rendered {
                json: &receipt,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "site `{}`: {} records, {} reports sent, {} accepted, {} rejected",
                        receipt.site,
                        receipt.records,
                        sent,
                        receipt.accepted,
                        receipt.rejected.values().sum::<u64>()
                    )?;
                    for (reason, n) in receipt
                        .skipped
                        .iter()
                        .map(|(r, n)| (format!("skipped: {r}"), n))
                        .chain(
                            receipt
                                .rejected
                                .iter()
                                .map(|(r, n)| (format!("rejected: {r}"), n)),
                        )
                    {
                        writeln!(out, "  {reason}: {n}")?;
                    }
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        StatsCommand::Collect(args) => {
            let study = StudyFile::load(&args.study)?;
            let collector = Collector::open(&args.home)?;
            if !args.port.is_empty() {
                return collect_through_ports(&study, &collector, args, out);
            }
            // Opened (and held) before anything is spent, so a release is not made unlogged.
            let mut log = port_log(store)?;
            let (_, release) = collect(&study, &collector, args)?;
            let entry = release_entry(&release, &jiff::Timestamp::now().to_string())
                .map_err(|e| Error::Port(Box::new(e)))?;
            let index = log_entry(&mut log, &entry)?;
            if let Some(path) = &args.output {
                write_json(path, &release)?;
            }
            render_release(
                &release,
                &[(index, "the port's log".to_owned())],
                args.format,
                out,
            )?;
        }
        StatsCommand::Status(args) => {
            let study = StudyFile::load(&args.study)?;
            let url = &study.aggregator(country(args.country)).url;
            let status = Client::new().status(url, &study.hash)?;
            writeln!(out, "{}", serde_json::to_string_pretty(&status)?)?;
        }
        StatsCommand::Plain(args) => {
            let study = StudyFile::load(&args.study)?;
            let release = collector::plain(
                &study,
                &args.query,
                &args.data,
                date_arg(args.from.as_ref())?,
                date_arg(args.until.as_ref())?,
            )?;
            writeln!(out, "{}", serde_json::to_string_pretty(&release)?)?;
        }
        StatsCommand::Studies(args) => {
            let list = PortClient::new(&args.port.url, &args.port.token).studies()?;
            let rendered = Rendered {
                json: &list,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    let mut table = Table::new();
                    table.set_header([
                        "study",
                        "sha256",
                        "country",
                        "approved by",
                        "at",
                        "log entry",
                    ]);
                    for s in &list {
                        table.add_row([
                            s.study_id.clone(),
                            s.study_sha256.clone(),
                            s.country.clone(),
                            s.approved_by.clone(),
                            s.approved_at.clone(),
                            s.log_index
                                .map_or_else(|| "queued".to_owned(), |i| i.to_string()),
                        ]);
                    }
                    writeln!(out, "{table}")?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        StatsCommand::Releases(args) => {
            let list = PortClient::new(&args.port.url, &args.port.token).releases()?;
            let rendered = Rendered {
                json: &list,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    let mut table = Table::new();
                    table.set_header([
                        "study",
                        "query",
                        "request",
                        "published by",
                        "at",
                        "log entry",
                    ]);
                    for r in &list {
                        table.add_row([
                            r.study_id.clone(),
                            r.query.clone(),
                            r.request_id.clone(),
                            r.published_by.clone(),
                            r.published_at.clone(),
                            r.log_index
                                .map_or_else(|| "queued".to_owned(), |i| i.to_string()),
                        ]);
                    }
                    writeln!(out, "{table}")?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        StatsCommand::Compare(args) => {
            let release: Release = read_json(&args.release)?;
            let truth: Release = read_json(&args.truth)?;
            let (checked, misses) = collector::compare(&release, &truth);
            let misses_json: Vec<serde_json::Value> = misses
                .iter()
                .map(|m| {
                    json!({
                        "name": m.name,
                        "truth": m.truth,
                        "lower": m.lower,
                        "upper": m.upper,
                    })
                })
                .collect();
            let rendered = Rendered {
                json: &json!({
                    "query": release.query,
                    "checked": checked,
                    "misses": misses_json,
                }),
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "{}: {checked} interval(s) checked, {} miss(es)",
                        release.query,
                        misses.len()
                    )?;
                    for m in &misses {
                        writeln!(
                            out,
                            "  MISS {}: truth {} outside [{}, {}]",
                            m.name, m.truth, m.lower, m.upper
                        )?;
                    }
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
            if !misses.is_empty() {
                return Ok(ExitStatus::Blocking);
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// Asks both aggregators for their shares of `args.query` and combines them: the signed request
/// and the released result.
fn collect(
    study: &StudyFile,
    collector: &Collector,
    args: &freeport_cli::CollectArgs,
) -> Result<(SignedCollect, Release), Error> {
    let signed = collector.request(
        study,
        &args.query,
        args.from.as_deref(),
        args.until.as_deref(),
    )?;
    let client = Client::new();
    let cn = client.collect(&study.study.cn.url, &signed)?;
    let us = client.collect(&study.study.us.url, &signed)?;
    let release = collector.combine(study, &signed.request, &[cn, us])?;
    Ok((signed, release))
}

/// `stats collect --port URL...`: each running port (hosting one of the study's aggregators)
/// must list the study as approved before anything is spent; the release is then published
/// at each, which checks it against its aggregator's own record of the release, records,
/// journals and logs it (the port is its log's one writer).
fn collect_through_ports(
    study: &StudyFile,
    collector: &Collector,
    args: &freeport_cli::CollectArgs,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let tokens: Vec<&String> = match args.token.as_slice() {
        [one] => args.port.iter().map(|_| one).collect(),
        many if many.len() == args.port.len() => many.iter().collect(),
        _ => {
            return Err(Error::Usage(format!(
                "{} `--port` but {} tokens: give one token for every port, or one for each in the same order",
                args.port.len(),
                args.token.len()
            )));
        }
    };
    let ports: Vec<(&String, PortClient)> = args
        .port
        .iter()
        .zip(tokens)
        .map(|(url, token)| (url, PortClient::new(url, token)))
        .collect();
    // Before anything is spent: each port lists the study's logged approval, and the token's
    // account may publish there (the port's own rule, checked again when it publishes).
    for (url, client) in &ports {
        let approval = client
            .studies()?
            .into_iter()
            .find(|s| s.study_sha256 == study.hash.0 && s.log_index.is_some())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "the port at `{url}` lists no logged approval of study {}: it could not publish the release, so nothing is collected",
                    study.hash
                ))
            })?;
        let country = match approval.country.as_str() {
            "cn" => freeport_policy::Jurisdiction::Cn,
            _ => freeport_policy::Jurisdiction::Us,
        };
        freeport_port::Port::require_release_publisher(&client.whoami()?, country).map_err(
            |e| {
                Error::Usage(format!(
                    "the port at `{url}` would refuse to publish the release ({e}), so nothing is collected"
                ))
            },
        )?;
    }
    let (signed, release) = collect(study, collector, args)?;
    // Kept before publishing, so a port that fails now leaves the result in hand.
    if let Some(path) = &args.output {
        write_json(path, &release)?;
    }
    let mut published = Vec::with_capacity(ports.len());
    for (url, client) in &ports {
        let view = client.publish_release(&signed, &release)?;
        let index = view.log_index.ok_or_else(|| {
            Error::Usage(format!(
                "the port at `{url}` queued the release for its log but has not appended it yet"
            ))
        })?;
        published.push((index, format!("the log of the port at {url}")));
    }
    render_release(&release, &published, args.format, out)?;
    Ok(ExitStatus::Success)
}

/// `stats study show`: the study as people read it, or its canonical JSON (the bytes its hash
/// and signature cover).
struct StudyView<'a>(&'a StudyFile);

impl Render for StudyView<'_> {
    fn table(&self, out: &mut dyn Write) -> Result<(), Error> {
        let study = self.0;
        writeln!(out, "study `{}`: {}", study.study.id, study.study.title)?;
        writeln!(out, "sha256 {}", study.hash)?;
        writeln!(
            out,
            "window {} .. {}, min batch {}, cell floor {}, ε total {}, confidence {}",
            study.study.start,
            study.study.end,
            study.study.min_batch_size,
            study.study.cell_floor,
            study.study.epsilon_total,
            study.study.confidence
        )?;
        let mut table = Table::new();
        table.set_header(["query", "kind", "ε", "releases"]);
        for q in &study.study.queries {
            table.add_row([
                q.id.clone(),
                format!("{:?}", q.kind).to_lowercase(),
                q.epsilon.to_string(),
                q.max_releases.to_string(),
            ]);
        }
        writeln!(out, "{table}")?;

        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> Result<(), Error> {
        writeln!(out, "{}", self.0.canonical_json()?)?;
        Ok(())
    }
}

fn render_release(
    release: &Release,
    published: &[(u64, String)],
    format: Format,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let rendered = Rendered {
        json: release,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(
                out,
                "{} / {}: {} .. {}, {} reports, ε {}, intervals at {}%",
                release.study_id,
                release.query,
                release.from,
                release.until,
                release.reports,
                release.epsilon,
                format!("{:.6}", release.confidence * 100.0)
                    .trim_end_matches('0')
                    .trim_end_matches('.')
            )?;
            let mut table = Table::new();
            table.set_header(["answer", "value", "interval", "note"]);
            for a in &release.answers {
                let value = a.value.map_or_else(|| "-".to_owned(), fmt);
                let interval = match (a.lower, a.upper) {
                    (Some(l), Some(u)) => format!("[{}, {}]", fmt(l), fmt(u)),
                    _ => "-".to_owned(),
                };
                table.add_row([
                    a.name.clone(),
                    value,
                    interval,
                    a.note.clone().unwrap_or_default(),
                ]);
            }
            writeln!(out, "{table}")?;
            for (index, log) in published {
                writeln!(out, "published as entry {index} of {log}")?;
            }
            Ok(())
        },
    };
    render(out, format, &rendered)?;
    Ok(())
}

fn fmt(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}
