//! The `freeport` executable: parses the command line and hands it to [`freeport::run`].

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use freeport_cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = freeport::run(cli, &mut out).and_then(|status| {
        out.flush().map_err(freeport::Error::from)?;
        Ok(status)
    });
    match result {
        Ok(status) => status.into(),
        // A reader that stops early (`freeport vocab list | head`) is not an error.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            let status = error.exit_status();
            report(error);
            status.into()
        }
    }
}

#[expect(
    clippy::print_stderr,
    reason = "the top of the binary is where errors are shown"
)]
fn report(error: freeport::Error) {
    eprintln!("{:?}", miette::Report::new(error));
}
