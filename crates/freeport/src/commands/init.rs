//! `freeport init`: create a port home, once.

use std::io::Write;
use std::path::{Path, PathBuf};

use freeport_cli::{Format, InitArgs};
use freeport_port::HomeLayout;

use crate::{Error, ExitStatus};

pub(crate) fn run(
    args: &InitArgs,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    // With `--store`, the home is the store's directory, as for `assess`.
    let home = match store {
        Some(path) => HomeLayout::new(
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        ),
        None => HomeLayout::locate()?,
    };
    let made = home.init()?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &made)?;
            writeln!(out)?;
        }
        Format::Table => {
            writeln!(out, "Created the port home `{}`:", made.home)?;
            writeln!(out, "  store         {}", made.store)?;
            writeln!(
                out,
                "  log           {} ({})",
                made.log_origin, made.log_vkey
            )?;
            writeln!(
                out,
                "  witnesses     cn, us (local keys; a deployment points the log at each country's own witness)"
            )?;
            writeln!(out, "  trust policy  {}", made.trust_policy)?;
        }
    }
    Ok(ExitStatus::Success)
}
