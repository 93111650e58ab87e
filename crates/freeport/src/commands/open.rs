//! `freeport open PACKAGE`: verify a sealed package against a trust file, then decrypt it.

use std::io::Write;
use std::path::{Path, PathBuf};

use freeport_cli::OpenArgs;
use freeport_seal::{Check, FirstOpen, Opened, OpenedRecord, Trust};
use serde_json::json;

use crate::progress::Bar;
use crate::render::{Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(args: &OpenArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let identity_path = match &args.identity {
        Some(path) => path.clone(),
        None => freeport_seal::keys::default_dir()?.join(freeport_seal::keys::AGE_KEY_FILE),
    };
    let identities = freeport_seal::load_identities(&identity_path)?;
    let trust_path = match &args.trust {
        Some(path) => path.clone(),
        None => default_trust_path()?,
    };
    if args.trust.is_none() && !trust_path.exists() {
        return Err(Error::Usage(format!(
            "no trust file: pass `--trust TRUST`, or create `{}` naming the exporters you trust \
             and the log policy (see `freeport open --help`)",
            trust_path.display()
        )));
    }
    let trust = Trust::load(&trust_path)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.package));
    if let Some(report) = &args.report {
        // Before anything is decrypted; `open` then verifies the very manifest read here.
        check_report(&args.package, report)?;
    }
    let progress = Bar::new();
    let opened = freeport_seal::open_observed(
        &args.package,
        &identities,
        &trust,
        &out_dir,
        &|done, total| progress.decrypted(done, total),
    );
    progress.finish();
    let opened = opened?;
    let replay = replay(&opened);
    let mut value = to_json(&args.package, &opened);
    if let Some(object) = value.as_object_mut() {
        let (replay, error) = match &replay {
            Replay::First => (serde_json::Value::Null, None),
            Replay::Again(first) => (json!(first), None),
            Replay::Unchecked(reason) => (serde_json::Value::Null, Some(reason)),
        };
        object.insert("replay".into(), replay);
        if let Some(reason) = error {
            object.insert("replay_unchecked".into(), json!(reason));
        }
    }
    let rendered = Rendered {
        json: &value,
        table: |out: &mut dyn Write| render_table(&args.package, &opened, &replay, out),
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}

/// Checks `report` (a `report.json`) against the report SHA-256 in `package`'s manifest.
fn check_report(package: &Path, report: &Path) -> Result<(), Error> {
    let mismatch = |reason: String| Error::ReportMismatch {
        file: report.display().to_string(),
        reason,
    };
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| Error::File {
            path: path.display().to_string(),
            source,
        })
    };
    let manifest_path = package.join(freeport_seal::manifest::MANIFEST_FILE);
    let manifest = freeport_seal::Manifest::parse(&read(&manifest_path)?)
        .map_err(|reason| mismatch(format!("the package's manifest {reason}")))?;
    let Some(bound) = manifest.report_sha256 else {
        return Err(mismatch(
            "the package's manifest names no report (sealed before reports were bound to it)"
                .into(),
        ));
    };
    let text = String::from_utf8(read(report)?)
        .map_err(|_| mismatch("the report is not UTF-8 text".into()))?;
    let parsed = freeport_report::Report::from_json(&text)
        .map_err(|e| mismatch(format!("it does not read as a report: {e}")))?;
    let found = freeport_report::sha256_hex(freeport_report::bound_json(&parsed)?.as_bytes());
    if found == bound {
        Ok(())
    } else {
        Err(mismatch(format!(
            "its SHA-256 as bound to the log is {found}; the manifest carries {bound}"
        )))
    }
}

/// Whether this package was opened here before, by the record of opened packages under the home.
enum Replay {
    /// Never before; now recorded.
    First,
    /// Opened before: when and where first.
    Again(FirstOpen),
    /// The record could not be read or written (the package is opened all the same).
    Unchecked(String),
}

fn replay(opened: &Opened) -> Replay {
    let sha = &opened.verified.manifest_sha256;
    let check = || -> Result<Replay, freeport_seal::Error> {
        let record = OpenedRecord::default_location()?;
        if let Some(first) = record.first_open(sha)? {
            return Ok(Replay::Again(first));
        }
        let first = FirstOpen::now(&opened.verified.manifest.transfer_id, &opened.out_dir);
        record.record(sha, &first)?;
        Ok(Replay::First)
    };
    check().unwrap_or_else(|e| Replay::Unchecked(e.to_string()))
}

/// `$FREEPORT_HOME/trust.toml`: beside the key ring.
fn default_trust_path() -> Result<PathBuf, Error> {
    let keys = freeport_seal::keys::default_dir()?;
    Ok(keys
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        .join("trust.toml"))
}

/// `orders.fdp` opens into `orders`; any other name into `<name>.opened`.
fn default_out_dir(package: &Path) -> PathBuf {
    let trimmed = package.components().as_path();
    if trimmed.extension().is_some_and(|e| e == "fdp") {
        trimmed.with_extension("")
    } else {
        let mut name = trimmed.as_os_str().to_owned();
        name.push(".opened");
        PathBuf::from(name)
    }
}

fn render_table(
    package: &Path,
    opened: &Opened,
    replay: &Replay,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let verified = &opened.verified;
    let manifest = &verified.manifest;
    let log = &verified.log;
    writeln!(
        out,
        "opened `{}` into `{}`",
        package.display(),
        opened.out_dir.display()
    )?;
    writeln!(out, "  exporter:  {} (trusted)", verified.exporter.label())?;
    writeln!(
        out,
        "  transfer:  {}, sealed {}",
        manifest.transfer_id, manifest.sealed_at
    )?;
    writeln!(
        out,
        "  log:       entry {} of `{}` (tree size {}), cosigned by: {}",
        log.index,
        log.origin,
        log.tree_size,
        if log.witnesses.is_empty() {
            "no witness".to_owned()
        } else {
            log.witnesses.join(", ")
        }
    )?;
    writeln!(
        out,
        "  checks:    {}: all passed",
        Check::ALL.map(Check::as_str).join(", ")
    )?;
    match replay {
        Replay::First => {}
        Replay::Again(first) => writeln!(
            out,
            "  replay:    this package (the same signed manifest) was already opened here at {} into `{}`",
            first.opened_at_for_people(),
            first.out_dir
        )?,
        Replay::Unchecked(reason) => {
            writeln!(out, "  replay:    not checked: {reason}")?;
        }
    }
    writeln!(out, "  files:")?;
    let width = manifest
        .files
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    for file in &manifest.files {
        writeln!(
            out,
            "    {:<width$}  {:>12} bytes  sha256 {}",
            file.name, file.bytes, file.sha256
        )?;
    }
    Ok(())
}

fn to_json(package: &Path, opened: &Opened) -> serde_json::Value {
    let verified = &opened.verified;
    let manifest = &verified.manifest;
    json!({
        "package": package.display().to_string(),
        "out_dir": opened.out_dir.display().to_string(),
        "transfer_id": manifest.transfer_id,
        "sealed_at": manifest.sealed_at,
        "exporter": verified.exporter.to_vkey(),
        "log": {
            "origin": verified.log.origin,
            "index": verified.log.index,
            "tree_size": verified.log.tree_size,
            "witnesses": verified.log.witnesses,
        },
        "checks": Check::ALL.map(Check::as_str),
        "files": manifest.files.iter().zip(&opened.files).map(|(file, path)| json!({
            "name": file.name,
            "bytes": file.bytes,
            "sha256": file.sha256,
            "path": path.display().to_string(),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_output_directories() {
        assert_eq!(
            default_out_dir(Path::new("a/orders.fdp")),
            Path::new("a/orders")
        );
        assert_eq!(
            default_out_dir(Path::new("orders.fdp/")),
            Path::new("orders")
        );
        assert_eq!(default_out_dir(Path::new("pkg")), Path::new("pkg.opened"));
    }
}
