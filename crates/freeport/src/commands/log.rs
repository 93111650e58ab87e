//! `freeport log ...`: keep, prove, verify, audit and serve the transparency log.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use freeport_cli::{Format, LogCommand};
use freeport_port::cosign::{CosignFailure, cosign_with};
use freeport_tlog::audit::{AuditReport, DirSource, Fetch, audit};
use freeport_tlog::entry::Entry;
use freeport_tlog::merkle::{hash_to_base64, prove_consistency};
use freeport_tlog::note::{
    KeyKind, SigningKey, load_signing_key, load_verifier_key, save_key_pair,
};
use freeport_tlog::policy::Policy;
use freeport_tlog::receipt::Receipt;
use freeport_tlog::store::Log;

use serde_json::json;

use crate::output::Target;
use crate::render::{Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(command: &LogCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        LogCommand::Keygen(args) => {
            keygen(&args.name, &args.out, KeyKind::Ed25519, args.format, out)
        }
        LogCommand::Init(args) => {
            let vkey = load_verifier_key(&args.vkey)?;
            let origin = args
                .origin
                .clone()
                .unwrap_or_else(|| vkey.name().to_owned());
            Log::init(&args.dir, &origin, &vkey)?;
            let made = json!({
                "origin": origin,
                "dir": args.dir.display().to_string(),
                "vkey": vkey.label(),
            });
            let rendered = Rendered {
                json: &made,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "created log `{origin}` in `{}` (log key `{}`)",
                        args.dir.display(),
                        vkey.label()
                    )?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
            Ok(ExitStatus::Success)
        }
        LogCommand::Append(args) => append(args, out),
        LogCommand::Checkpoint(args) => {
            let key = load_signing_key(&args.key)?;
            let mut log = Log::open(&args.dir)?;
            let signed = log.checkpoint(&key)?;
            let rendered = Rendered {
                json: &json!({ "checkpoint": signed.to_string() }),
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    write!(out, "{signed}")?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
            Ok(ExitStatus::Success)
        }
        LogCommand::Cosign(args) => cosign(&args.dir, &args.witnesses, args.format, out),
        LogCommand::Prove(args) => prove(args, out),
        LogCommand::Verify(args) => {
            let log = Log::open_read_only(&args.dir)?;
            let policy = match &args.policy {
                Some(path) => read_policy(path)?,
                None => Policy::log_only(log.vkey().clone()),
            };
            let report = audit(&DirSource(args.dir.clone()), &policy, None)?;
            render_report(&report, "verifies", args.format, out)?;
            Ok(ExitStatus::Success)
        }
        LogCommand::VerifyReceipt(args) => {
            let text = read_text(&args.receipt)?;
            let receipt = Receipt::parse(&text)?;
            let policy = trust(args.vkey.as_deref(), args.policy.as_deref())?;
            let entry = match &args.entry {
                Some(path) => Some(std::fs::read(path).map_err(|e| Error::File {
                    path: path.display().to_string(),
                    source: e,
                })?),
                None => None,
            };
            let trusted = receipt.verify(&policy, entry.as_deref())?;
            let verified = json!({
                "verified": true,
                "index": receipt.index,
                "origin": trusted.checkpoint.origin,
                "size": trusted.checkpoint.size,
                "witnesses": trusted.witnesses,
            });
            let rendered = Rendered {
                json: &verified,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "receipt verifies: entry {} of `{}` (tree size {})",
                        receipt.index, trusted.checkpoint.origin, trusted.checkpoint.size
                    )?;
                    writeln!(out, "  cosigned by: {}", witness_list(&trusted.witnesses))?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
            Ok(ExitStatus::Success)
        }
        LogCommand::Audit(args) => {
            let policy = trust(args.vkey.as_deref(), args.policy.as_deref())?;
            let source: Box<dyn Fetch> =
                if args.source.starts_with("http://") || args.source.starts_with("https://") {
                    Box::new(freeport_server::HttpSource::new(&args.source))
                } else {
                    Box::new(DirSource(args.source.clone().into()))
                };
            let report = audit(source.as_ref(), &policy, Some(&args.mirror))?;
            render_report(&report, "audited", args.format, out)?;
            Ok(ExitStatus::Success)
        }
        LogCommand::Serve(args) => {
            // Refuse to publish a directory that does not open cleanly.
            let log = Log::open_read_only(&args.dir)?;
            let listener = freeport_server::bind(args.listen)?;
            let url = format!("http://{}", listener.local_addr().map_err(Error::Io)?);
            let serving = json!({
                "origin": log.origin(),
                "dir": args.dir.display().to_string(),
                "url": url,
            });
            let rendered = Rendered {
                json: &serving,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "serving log `{}` from `{}` on {url} (checkpoint and tiles); Ctrl-C stops",
                        log.origin(),
                        args.dir.display(),
                    )?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
            out.flush()?;
            freeport_server::serve_log(args.dir.clone(), listener)?;
            Ok(ExitStatus::Success)
        }
    }
}

pub(crate) fn keygen(
    name: &str,
    prefix: &Path,
    kind: KeyKind,
    format: Format,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let key = SigningKey::generate(name, kind)?;
    let (private, public) = save_key_pair(prefix, &key)?;
    let vkey = key.verifier().to_vkey();
    let made = json!({
        "private_key": private.display().to_string(),
        "public_key": public.display().to_string(),
        "vkey": vkey,
    });
    let rendered = Rendered {
        json: &made,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(
                out,
                "wrote `{}` (private, mode 0600) and `{}`",
                private.display(),
                public.display()
            )?;
            writeln!(out, "{vkey}")?;
            Ok(())
        },
    };
    render(out, format, &rendered)?;
    Ok(ExitStatus::Success)
}

fn append(args: &freeport_cli::LogAppendArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let key = args.key.as_deref().map(load_signing_key).transpose()?;
    let mut log = Log::open(&args.dir)?;
    // A key that cannot sign this log's checkpoint is refused before anything is appended: found
    // only after the append, it would leave entries behind a failure.
    if let (Some(key), Some(path)) = (&key, &args.key)
        && key.verifier() != *log.vkey()
    {
        return Err(freeport_tlog::Error::Key {
            path: path.display().to_string(),
            reason: format!(
                "is `{}`, not the key of the log `{}` (`{}`); nothing was appended",
                key.verifier().label(),
                args.dir.display(),
                log.vkey().label()
            ),
        }
        .into());
    }
    let reader: Box<dyn Read> = if args.input.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(&args.input).map_err(|e| Error::File {
            path: args.input.display().to_string(),
            source: e,
        })?)
    };
    let batch_size = args.batch.max(1);
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(batch_size);
    let mut flush = |batch: &mut Vec<Vec<u8>>, log: &mut Log| -> Result<(), Error> {
        if batch.is_empty() {
            return Ok(());
        }
        let appended = log.append(batch)?;
        // One line per durable batch: everything up to `size` is acknowledged.
        match args.format {
            Format::Table => writeln!(
                out,
                "appended entries {}..={} (log size {})",
                appended.first_index,
                appended.size - 1,
                appended.size
            )?,
            // JSON Lines: each acknowledgement is read as soon as it is written.
            Format::Json => writeln!(
                out,
                "{}",
                json!({
                    "appended": { "first": appended.first_index, "last": appended.size - 1 },
                    "size": appended.size,
                })
            )?,
        }
        out.flush()?;
        batch.clear();
        Ok(())
    };
    for (i, line) in BufReader::new(reader).lines().enumerate() {
        let line = line.map_err(|e| Error::File {
            path: args.input.display().to_string(),
            source: e,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let entry = serde_json::from_str(&line)
            .map_err(|e| freeport_tlog::Error::Malformed {
                what: "entry",
                reason: format!("not JSON: {e}"),
            })
            .and_then(Entry::from_json)
            .map_err(|e| Error::InputLine {
                path: args.input.display().to_string(),
                line: i + 1,
                error: Box::new(e),
            })?;
        batch.push(entry.to_bytes()?);
        if batch.len() >= batch_size {
            flush(&mut batch, &mut log)?;
        }
    }
    flush(&mut batch, &mut log)?;
    if let Some(key) = key {
        // The lines above acknowledged every appended entry, whatever happens here.
        log.checkpoint(&key)?;
        let size = freeport_tlog::merkle::NodeSource::size(&log);
        match args.format {
            Format::Table => writeln!(out, "signed checkpoint at size {size}")?,
            Format::Json => writeln!(out, "{}", json!({ "checkpoint": { "size": size } }))?,
        }
    }
    Ok(ExitStatus::Success)
}

fn cosign(
    dir: &Path,
    witnesses: &[String],
    format: Format,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let mut log = Log::open(dir)?;
    let note = log.signed_checkpoint().ok_or_else(|| no_checkpoint(dir))?;
    let checkpoint = log.verify_checkpoint(note.as_bytes())?;
    let mut lines = Vec::new();
    for url in witnesses {
        // The round of C2SP tlog-witness, shared with the port (freeport_port::cosign).
        let more = cosign_with(
            &log,
            &note,
            checkpoint.size,
            url,
            None,
            &freeport_server::HttpWitnessClient,
        )
        .map_err(|failure| match failure {
            CosignFailure::Refused { status, reason } => Error::Witness {
                url: url.clone(),
                status,
                reason,
            },
            CosignFailure::Unreachable(reason) | CosignFailure::BadCosignature(reason) => {
                Error::Server(freeport_server::ServerError::Request {
                    url: url.clone(),
                    reason,
                })
            }
        })?;
        if format == Format::Table {
            writeln!(out, "cosigned by {url}")?;
        }
        lines.extend(more);
    }
    let updated = log.add_cosignatures(&lines)?;
    let rendered = Rendered {
        json: &json!({ "cosigned_by": witnesses, "checkpoint": updated.to_string() }),
        table: |out: &mut dyn Write| -> Result<(), Error> {
            write!(out, "{updated}")?;
            Ok(())
        },
    };
    render(out, format, &rendered)?;
    Ok(ExitStatus::Success)
}

fn prove(args: &freeport_cli::LogProveArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let log = Log::open_read_only(&args.dir)?;
    let note = log
        .signed_checkpoint()
        .ok_or_else(|| no_checkpoint(&args.dir))?;
    let checkpoint = log.verify_checkpoint(note.as_bytes())?;
    let (text, proof) = if let Some(index) = args.index {
        if index >= checkpoint.size {
            return Err(freeport_tlog::Error::OutOfRange(format!(
                "entry {index} is not covered by the checkpoint of size {}; sign a newer one with `freeport log checkpoint`",
                checkpoint.size
            ))
            .into());
        }
        let entry = log.entry(index)?;
        let text = Receipt::build(&log, checkpoint.size, index, Some(entry), note)?.to_text();
        let proof = json!({ "receipt": { "index": index, "size": checkpoint.size } });
        (text, proof)
    } else {
        let from = args.from.unwrap_or(0);
        let proof = prove_consistency(&log, from, checkpoint.size)?;
        let hashes: Vec<String> = proof.iter().map(hash_to_base64).collect();
        let mut text = format!("consistency {from} {}\n", checkpoint.size);
        for hash in &hashes {
            text.push_str(hash);
            text.push('\n');
        }
        let proof = json!({
            "consistency": { "from": from, "to": checkpoint.size, "hashes": hashes },
        });
        (text, proof)
    };
    let mut proof = proof;
    let target = args
        .output
        .as_deref()
        .map(|path| Target::of(path, args.force))
        .transpose()?;
    match (&args.output, target) {
        (Some(path), Some(target @ (Target::File(_) | Target::Special(_)))) => {
            target.deliver("proof", out, |temp| {
                freeport_util::write_atomic(temp, text.as_bytes()).map_err(|e| Error::File {
                    path: path.display().to_string(),
                    source: e,
                })
            })?;
            if let Some(object) = proof.as_object_mut() {
                object.insert("written".into(), json!(path.display().to_string()));
            }
            let rendered = Rendered {
                json: &proof,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(out, "wrote `{}`", path.display())?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        _ => {
            if let Some(object) = proof.as_object_mut() {
                object.insert("text".into(), json!(text));
            }
            let rendered = Rendered {
                json: &proof,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    write!(out, "{text}")?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
    }
    Ok(ExitStatus::Success)
}

fn no_checkpoint(dir: &Path) -> Error {
    freeport_tlog::Error::OutOfRange(format!(
        "log `{}` has no checkpoint yet; sign one with `freeport log checkpoint`",
        dir.display()
    ))
    .into()
}

fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::File {
        path: path.display().to_string(),
        source: e,
    })
}

fn read_policy(path: &Path) -> Result<Policy, Error> {
    Ok(Policy::parse(&read_text(path)?)?)
}

fn trust(vkey: Option<&Path>, policy: Option<&Path>) -> Result<Policy, Error> {
    match (vkey, policy) {
        (_, Some(policy)) => read_policy(policy),
        (Some(vkey), None) => Ok(Policy::log_only(load_verifier_key(vkey)?)),
        (None, None) => Err(freeport_tlog::Error::OutOfRange(
            "give the log key (`--vkey`) or a trust policy (`--policy`)".into(),
        )
        .into()),
    }
}

fn witness_list(witnesses: &[String]) -> String {
    if witnesses.is_empty() {
        "no witness required by the policy".to_owned()
    } else {
        witnesses.join(", ")
    }
}

fn render_report(
    report: &AuditReport,
    verb: &str,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let rendered = Rendered {
        json: &report,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(
                out,
                "log `{}` {verb}: size {}, root {}",
                report.origin, report.size, report.root
            )?;
            writeln!(out, "  cosigned by: {}", witness_list(&report.witnesses))?;
            writeln!(
                out,
                "  recomputed {} entries and {} hash tiles",
                report.entries_checked, report.tiles_checked
            )?;
            match report.previous_size {
                _ if verb != "audited" => {}
                Some(previous) => writeln!(
                    out,
                    "  consistent with {} checkpoint(s) seen before (largest size {previous})",
                    report.earlier_checkpoints
                )?,
                None => writeln!(out, "  first checkpoint seen for this log")?,
            }
            Ok(())
        },
    };
    render(out, format, &rendered)?;
    Ok(())
}
