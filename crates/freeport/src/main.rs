//! The `freeport` executable: parses the command line and hands it to [`freeport::run`].
//!
//! The exit code is the command's: a reader that stops early (`freeport judge … | head`) leaves
//! a blocking decision's 1 as it is, and an error whose message cannot be shown (standard error
//! closed) still exits 2 — neither a closed pipe nor a failed diagnostic is ever success or a
//! panic.

use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches};
use freeport::{Config, Stdout, write_diagnostic, write_json_diagnostic, write_json_usage_error};
use freeport_cli::{Cli, Format};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let config = match Config::load() {
        Ok(config) => config,
        // Help and the version show without the configuration: they are how one learns to
        // fix it.
        Err(_) if asks_for_help(&args) => Config::default(),
        Err(error) => {
            let error = freeport::Error::from(Box::new(error));
            let status = error.exit_status();
            match freeport_cli::format_in_args(&args) {
                Format::Json => write_json_diagnostic(&error, &mut std::io::stderr().lock()),
                Format::Table => write_diagnostic(error, &mut std::io::stderr().lock()),
            }
            return status.into();
        }
    };
    let parsed = config
        .apply(Cli::command())
        .try_get_matches_from(&args)
        .and_then(|matches| Ok((Cli::from_arg_matches(&matches)?, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return usage_error(&error, &args),
    };
    let format = freeport_cli::requested_format(&matches);
    freeport::set_terminal(freeport::Terminal::detect());
    let mut out = Stdout::new(std::io::stdout().lock());
    let result = freeport::run(cli, &config, &mut out).and_then(|status| {
        out.flush().map_err(freeport::Error::from)?;
        Ok(status)
    });
    match result {
        Ok(status) => status.into(),
        Err(error) => {
            let status = error.exit_status();
            match format {
                Format::Json => write_json_diagnostic(&error, &mut std::io::stderr().lock()),
                Format::Table => write_diagnostic(error, &mut std::io::stderr().lock()),
            }
            status.into()
        }
    }
}

/// Whether the command line asks only for help or the version (`--help`, `-h`, `--version`,
/// `-V`, or the `help` subcommand first).
fn asks_for_help(args: &[std::ffi::OsString]) -> bool {
    let words: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    words.first() == Some(&"help")
        || words
            .iter()
            .any(|w| matches!(*w, "--help" | "-h" | "--version" | "-V"))
}

/// A command line clap refused (or `--help`, `--version`): as clap shows it, or, when the
/// arguments ask for `--format json`, as a JSON `freeport::usage` error (exit 2).
fn usage_error(error: &clap::Error, args: &[std::ffi::OsString]) -> ExitCode {
    let shown = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if shown || freeport_cli::format_in_args(args) != Format::Json {
        error.exit();
    }
    // clap's message is its lines up to the usage: `error: …` and, for missing arguments, one
    // line per argument.
    let text = error.to_string();
    let message = text
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let message = message.trim_start_matches("error: ");
    write_json_usage_error(message, &mut std::io::stderr().lock());
    freeport::ExitStatus::Error.into()
}
