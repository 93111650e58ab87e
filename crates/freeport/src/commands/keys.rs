//! `freeport keys init|show`: the exporter signing key and the age identity in the key ring.

use std::io::Write;
use std::path::PathBuf;

use freeport_cli::{Format, KeysCommand};
use freeport_seal::KeyRing;
use serde_json::json;

use crate::render::{self, Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(command: &KeysCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        KeysCommand::Init(args) => {
            let dir = dir_or_default(args.dir.as_ref())?;
            let ring = KeyRing::open_or_create_named(&dir, &args.name)?;
            if args.format == Format::Json {
                let created: Vec<String> = ring
                    .created()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                let mut value = ring_json(&ring);
                if let Some(object) = value.as_object_mut() {
                    object.insert("created".into(), json!(created));
                }
                render::write_json(out, &value)?;
                return Ok(ExitStatus::Success);
            }
            if ring.created().is_empty() {
                writeln!(
                    out,
                    "keys already exist in `{}`; nothing created",
                    dir.display()
                )?;
            } else {
                for path in ring.created() {
                    writeln!(out, "created `{}` (private, mode 0600)", path.display())?;
                }
            }
            show(&ring, Format::Table, out)?;
            Ok(ExitStatus::Success)
        }
        KeysCommand::Show(args) => {
            let dir = dir_or_default(args.dir.as_ref())?;
            let ring = KeyRing::open(&dir)?;
            show(&ring, args.format, out)?;
            Ok(ExitStatus::Success)
        }
    }
}

fn dir_or_default(dir: Option<&PathBuf>) -> Result<PathBuf, Error> {
    match dir {
        Some(dir) => Ok(dir.clone()),
        None => Ok(freeport_seal::keys::default_dir()?),
    }
}

/// The key ring as `keys show --format json` prints it.
fn ring_json(ring: &KeyRing) -> serde_json::Value {
    json!({
        "dir": ring.dir().display().to_string(),
        "exporter": ring.exporter().public().to_vkey(),
        "recipient": ring.recipient().to_string(),
    })
}

fn show(ring: &KeyRing, format: Format, out: &mut dyn Write) -> Result<(), Error> {
    let exporter = ring.exporter().public().to_vkey();
    let recipient = ring.recipient().to_string();
    let value = ring_json(ring);
    let rendered = Rendered {
        json: &value,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(out, "key ring: `{}`", ring.dir().display())?;
            writeln!(
                out,
                "exporter key (signs manifests; recipients list it in their trust file):"
            )?;
            writeln!(out, "  {exporter}")?;
            writeln!(
                out,
                "age recipient (exporters seal packages to it with `--seal-to`):"
            )?;
            writeln!(out, "  {recipient}")?;
            Ok(())
        },
    };
    render(out, format, &rendered)?;
    Ok(())
}
