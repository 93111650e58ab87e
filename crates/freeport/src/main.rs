//! The `freeport` executable: parses the command line and hands it to [`freeport::run`].
//!
//! The exit code is the command's: a reader that stops early (`freeport judge … | head`) leaves
//! a blocking decision's 1 as it is, and an error whose message cannot be shown (standard error
//! closed) still exits 2 — neither a closed pipe nor a failed diagnostic is ever success or a
//! panic.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use freeport::{Stdout, write_diagnostic};
use freeport_cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Stdout::new(std::io::stdout().lock());
    let result = freeport::run(cli, &mut out).and_then(|status| {
        out.flush().map_err(freeport::Error::from)?;
        Ok(status)
    });
    match result {
        Ok(status) => status.into(),
        Err(error) => {
            let status = error.exit_status();
            write_diagnostic(error, &mut std::io::stderr().lock());
            status.into()
        }
    }
}
