//! `freeport transfer init`: a bundled scenario's facts, every key explained from the facts
//! schema ([`freeport_policy::commented_facts`]), written where asked (never over an existing
//! file without `--force`).

use std::io::Write;

use freeport_cli::{SCENARIOS, TransferCommand, TransferInitArgs, scenario_example};

use crate::output::Target;
use crate::{Error, ExitStatus};

pub(crate) fn run(command: &TransferCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        TransferCommand::Init(args) => init(args, out),
    }
}

fn init(args: &TransferInitArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    if args.list {
        let width = SCENARIOS
            .iter()
            .map(|(name, _, _)| name.len())
            .max()
            .unwrap_or(0);
        for (name, summary, _) in SCENARIOS {
            writeln!(out, "{name:width$}  {summary}")?;
        }
        return Ok(ExitStatus::Success);
    }
    // The parser admits only the bundled names.
    let example = scenario_example(&args.scenario)
        .ok_or_else(|| Error::Usage(format!("no bundled scenario `{}`", args.scenario)))?;
    let commented = freeport_policy::commented_facts(&format!("{}.toml", args.scenario), example)?;
    let target = Target::of(&args.out, args.force)?;
    target.deliver("transfer.toml", out, |path| {
        freeport_util::atomic::write_atomic(path, commented.as_bytes()).map_err(|source| {
            Error::File {
                path: path.display().to_string(),
                source,
            }
        })
    })?;
    if !target.is_stdout() {
        writeln!(
            out,
            "wrote {} (scenario {}): edit it, then `freeport judge {}`",
            args.out.display(),
            args.scenario,
            args.out.display()
        )?;
    }
    Ok(ExitStatus::Success)
}
