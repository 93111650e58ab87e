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
    let aggregator = super::stats::hosted_aggregator(port.layout())?;
    let listener = freeport_server::bind(args.listen)?;
    let addr = listener.local_addr().unwrap_or(args.listen);
    let home = port.layout().root().display().to_string();
    let url = format!("http://{addr}/api/v1");
    let hosts = aggregator.as_ref().map(|a| a.country().to_string());
    let mut serving = serde_json::json!({ "home": home, "url": url });
    if let Some(country) = &hosts {
        serving["stats_aggregator"] = serde_json::json!({
            "country": country,
            "url": format!("http://{addr}/stats/v1"),
        });
    }
    let rendered = Rendered {
        json: &serving,
        table: |out: &mut dyn Write| -> Result<(), Error> {
            // One line: callers wait for it and may stop reading after it.
            let hosting = hosts.as_ref().map_or_else(String::new, |country| {
                format!(
                    " and the `{country}` joint-statistics aggregator at http://{addr}/stats/v1"
                )
            });
            writeln!(
                out,
                "port `{home}` serving {url}{hosting} (Ctrl-C or SIGTERM stops it)"
            )?;
            Ok(())
        },
    };
    render(out, args.format, &rendered)?;
    out.flush()?;
    freeport_server::api::serve_port(Arc::new(port), listener, args.rate_limit, aggregator)?;
    Ok(ExitStatus::Success)
}
