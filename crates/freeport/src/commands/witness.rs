//! `freeport witness keygen|serve`: a C2SP tlog-witness that cosigns checkpoints.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use freeport_cli::WitnessCommand;
use freeport_port::cosign::{RemoteWitness, RemoteWitnesses};
use freeport_tlog::note::{KeyKind, load_signing_key, load_verifier_key};
use freeport_tlog::witness::{Witness, load_state};

use serde_json::json;

use crate::render::{Rendered, render};
use crate::{Error, ExitStatus};

pub(crate) fn run(
    command: &WitnessCommand,
    store: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    match command {
        WitnessCommand::Add(args) => {
            let home = super::assess::home_of(store)?;
            let contents = home.check()?;
            if contents.is_fresh() {
                return Err(Error::Port(Box::new(freeport_port::PortError::NoHome {
                    root: home.root().to_owned(),
                })));
            }
            let key = freeport_server::fetch_witness_vkey(&args.url)?;
            if let Some(expected) = &args.expect_key
                && *expected != key.label()
            {
                return Err(Error::Usage(format!(
                    "the witness at `{}` publishes `{}`, not `{expected}`; nothing was changed",
                    args.url,
                    key.label()
                )));
            }
            let mut witnesses = RemoteWitnesses::load(home.root())?;
            witnesses.put(RemoteWitness {
                name: args.name.clone(),
                url: args.url.trim_end_matches('/').to_owned(),
                vkey: key.to_vkey(),
            });
            witnesses.save(home.root())?;
            let added = json!({ "name": args.name, "url": args.url, "key": key.label() });
            let rendered = Rendered {
                json: &added,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "the {} witness at {} cosigns this port's log with `{}` (compare it with the key its operator published); it takes effect when the port next starts",
                        args.name.to_uppercase(),
                        args.url,
                        key.label()
                    )?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
            Ok(ExitStatus::Success)
        }
        WitnessCommand::Keygen(args) => super::log::keygen(
            &args.name,
            &args.out,
            KeyKind::Cosignature,
            args.format,
            out,
        ),
        WitnessCommand::Serve(args) => {
            let witness = Witness::new(load_signing_key(&args.key)?)?;
            let mut state = load_state(&args.state)?.unwrap_or_default();
            for path in &args.logs {
                state.add_log(&load_verifier_key(path)?);
            }
            freeport_server::save_state(&args.state, &state)?;
            let listener = freeport_server::bind(args.listen)?;
            let url = submission_url(listener.local_addr().map_err(Error::Io)?);
            let logs: Vec<&String> = state.logs.keys().collect();
            let serving = json!({ "key": witness.vkey().label(), "logs": logs, "url": url });
            let rendered = Rendered {
                json: &serving,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(
                        out,
                        "witness `{}` cosigning {} on {url} (`freeport log cosign LOG --witness {url}`); Ctrl-C stops",
                        witness.vkey().label(),
                        logs.iter()
                            .map(|o| format!("`{o}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    )?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
            out.flush()?;
            freeport_server::serve_witness(witness, state, args.state.clone(), listener)?;
            Ok(ExitStatus::Success)
        }
    }
}

/// The URL `freeport log cosign --witness` takes for a witness listening on `addr`: the
/// submission prefix (the client adds `/add-checkpoint`), on loopback when the witness listens on
/// every address.
fn submission_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_submission_url_is_what_the_client_takes() {
        assert_eq!(
            submission_url("127.0.0.1:8081".parse().unwrap()),
            "http://127.0.0.1:8081"
        );
        assert_eq!(
            submission_url("0.0.0.0:9000".parse().unwrap()),
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            submission_url("[::]:9000".parse().unwrap()),
            "http://[::1]:9000"
        );
    }
}
