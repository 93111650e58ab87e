//! Runs the commands of the `freeport` executable: wires the parsed command line to the
//! engine crates and renders their results for people (tables) and programs (JSON).
//!
//! This crate is the output layer: the only one that writes to standard output, and the only one
//! that knows exit codes. Engines return values and typed errors; they never print.

mod commands;
mod config;
mod error;
mod error_json;
mod exit;
mod output;
mod progress;
mod render;

use std::io::Write;

use freeport_cli::{Cli, Command, ConfigCommand, DeidCommand};

pub use config::{Config, ConfigError, InvalidConfig};
pub use error::Error;
pub use error_json::{write_json_diagnostic, write_json_usage_error};
pub use exit::{ExitStatus, Stdout, write_diagnostic};
pub use render::{Terminal, set_terminal};

/// Runs one parsed command line, writing its result to `out`. `config` is the configuration the
/// command line was parsed with ([`Config::apply`]); `freeport config show` shows it.
///
/// # Errors
///
/// Any error that stops the command; [`Error::exit_status`] says which exit code it maps to.
pub fn run(cli: Cli, config: &Config, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match cli.command {
        Command::Init(args) => commands::init::run(&args, cli.store.as_deref(), out),
        Command::Serve(args) => commands::serve::run(&args, cli.store.as_deref(), out),
        Command::Account(command) => commands::account::run(&command, cli.store.as_deref(), out),
        Command::File(args) => commands::port_client::file(&args, out),
        Command::Case(command) => commands::port_client::case(&command, out),
        Command::Review(args) => commands::port_client::review(&args, out),
        Command::Audit(command) => commands::audit::run(&command, out),
        Command::Publish(args) => commands::port_client::publish(&args, out),
        Command::Vocab(command) => commands::vocab::run(&command, out),
        Command::History(args) => commands::history::run(&args, cli.store.as_deref(), out),
        Command::Report(args) => commands::report::run(&args, cli.store.as_deref(), out),
        Command::Deid(args) => match &args.command {
            Some(DeidCommand::Release(release)) => {
                commands::deid_release::release(release, cli.store.as_deref(), out)
            }
            Some(DeidCommand::Budget(budget)) => {
                commands::deid_release::budget(budget, cli.store.as_deref(), out)
            }
            _ => commands::deid::run(&args, out),
        },
        Command::Log(command) => commands::log::run(&command, out),
        Command::Witness(command) => commands::witness::run(&command, cli.store.as_deref(), out),
        Command::Transfer(command) => commands::transfer::run(&command, out),
        Command::Judge(args) => commands::judge::run(&args, cli.store.as_deref(), out),
        Command::Rules(command) => commands::rules::run(&command, out),
        Command::Scan(args) => commands::scan::run(&args, out),
        Command::Assess(args) => commands::assess::run(&args, cli.store.as_deref(), out),
        Command::Open(args) => commands::open::run(&args, out),
        Command::Keys(command) => commands::keys::run(&command, out),
        Command::Chips(command) => commands::chips::run(&command, out),
        Command::Stats(command) => commands::stats::run(&command, cli.store.as_deref(), out),
        Command::Completions(args) => commands::docs::completions(&args, out),
        Command::Man(args) => commands::docs::man(&args, out),
        Command::Config(ConfigCommand::Show(args)) => config.show(&args, out),
    }
}
