//! `freeport init`: create a port home, once.

use std::io::Write;
use std::path::Path;

use freeport_cli::InitArgs;

use crate::render::{Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(
    args: &InitArgs,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    // With `--store`, the home is the store's directory, as for `assess`.
    let home = super::assess::home_of(store)?;
    let origin = args
        .origin
        .as_deref()
        .unwrap_or(freeport_port::home::LOG_ORIGIN);
    let made = home.init_with(origin, args.database.as_deref())?;
    let rendered = Rendered {
        json: &made,
        table: |out: &mut dyn Write| -> Result<(), Error> {
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
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    Ok(ExitStatus::Success)
}
