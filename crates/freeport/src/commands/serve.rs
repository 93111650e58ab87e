//! `freeport serve`: the port's HTTP API over the home `freeport init` made.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use freeport_cli::ServeArgs;
use freeport_port::Port;

use crate::render::{Rendered, render};
use crate::{Error, ExitStatus};

/// Opens the port in the home (`--store`'s directory, else `$FREEPORT_HOME` or the platform
/// data directory) with the rule packs: never creates anything.
pub(crate) fn open_port(store: Option<&Path>, rules: Option<&Path>) -> Result<Port, Error> {
    let home = super::assess::home_of(store)?;
    let vocabulary = super::judge::load_vocabulary(None)?;
    let judge = super::judge::load_judge(rules, vocabulary)?;
    Port::open(home, judge, vocabulary).map_err(|e| Error::Port(Box::new(e)))
}

/// Opens the port's store only (accounts), beside a `freeport serve` that holds the log.
pub(crate) fn open_port_without_log(store: Option<&Path>) -> Result<Port, Error> {
    let home = super::assess::home_of(store)?;
    let vocabulary = super::judge::load_vocabulary(None)?;
    let judge = super::judge::load_judge(None, vocabulary)?;
    Port::open_without_log(home, judge, vocabulary).map_err(|e| Error::Port(Box::new(e)))
}

pub(crate) fn run(
    args: &ServeArgs,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let port = open_port(store, args.rules.as_deref())?;
    let listener = freeport_server::bind(args.listen)?;
    let addr = listener.local_addr().unwrap_or(args.listen);
    let home = port.layout().root().display().to_string();
    let url = format!("http://{addr}/api/v1");
    let serving = serde_json::json!({ "home": home, "url": url });
    let rendered = Rendered {
        json: &serving,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            writeln!(
                out,
                "port `{home}` serving {url} (Ctrl-C or SIGTERM stops it)"
            )?;
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    out.flush()?;
    freeport_server::api::serve_port(Arc::new(port), listener, args.rate_limit)?;
    Ok(ExitStatus::Success)
}
