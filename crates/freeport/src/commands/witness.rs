//! `freeport witness keygen|serve`: a C2SP tlog-witness that cosigns checkpoints.

use std::io::Write;

use freeport_cli::WitnessCommand;
use freeport_tlog::note::{KeyKind, load_signing_key, load_verifier_key};
use freeport_tlog::witness::{Witness, WitnessState, state_from_json};

use crate::{Error, ExitStatus};

pub(crate) fn run(command: &WitnessCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match command {
        WitnessCommand::Keygen(args) => {
            super::log::keygen(&args.name, &args.out, KeyKind::Cosignature, out)
        }
        WitnessCommand::Serve(args) => {
            let witness = Witness::new(load_signing_key(&args.key)?)?;
            let mut state = match std::fs::read_to_string(&args.state) {
                Ok(text) => state_from_json(&text)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => WitnessState::default(),
                Err(e) => {
                    return Err(Error::File {
                        path: args.state.display().to_string(),
                        source: e,
                    });
                }
            };
            for path in &args.logs {
                state.add_log(&load_verifier_key(path)?);
            }
            freeport_server::save_state(&args.state, &state)?;
            let listener = freeport_server::bind(args.listen)?;
            writeln!(
                out,
                "witness `{}` cosigning {} on http://{}/add-checkpoint; Ctrl-C stops",
                witness.vkey().label(),
                state
                    .logs
                    .keys()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                listener.local_addr().map_err(Error::Io)?
            )?;
            out.flush()?;
            freeport_server::serve_witness(witness, state, args.state.clone(), listener)?;
            Ok(ExitStatus::Success)
        }
    }
}
