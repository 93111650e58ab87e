//! The in-process anchor of `bench/port`: the same filings `freeport serve` takes over HTTP,
//! made by calling `Port::file` directly (no HTTP, no JSON over the wire), round-robin over
//! `ORGS` exporter organisations, in a fresh port home.
//!
//!   filing_bench FACTS.json N ORGS [BATCH]
//!
//! With `BATCH` 1 (the default) each filing is `Port::file`, one transaction and one log
//! append each; with more, `Port::file_prepared` files them in batches of `BATCH` as the
//! server's filing writer does under load.
//!
//! With `FREEPORT_BENCH_DATABASE` set to an empty PostgreSQL database (a `postgres://` URL or
//! a `host=… dbname=…` string), the port's store is there instead of `freeport.db` in the home.
//!
//! Prints one line: `filings N seconds S per_second R batch B`.

use std::error::Error;
use std::time::Instant;

use freeport_policy::Judge;
use freeport_port::layout::HomeLayout;
use freeport_port::port::{NewAccount, Port, Principal};
use freeport_store::docket::Role;
use freeport_vocabulary::Vocabulary;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (facts, n, orgs, batch) = match args.as_slice() {
        [_, facts, n, orgs] => (facts, n, orgs, "1"),
        [_, facts, n, orgs, batch] => (facts, n, orgs, batch.as_str()),
        _ => return Err("usage: filing_bench FACTS.json N ORGS [BATCH]".into()),
    };
    let batch: usize = batch.parse::<usize>()?.max(1);
    let facts = std::fs::read_to_string(facts)?;
    let n: usize = n.parse()?;
    let orgs: usize = orgs.parse()?;
    let dir = tempfile::tempdir()?;
    let layout = HomeLayout::new(dir.path().join("port"));
    let database = std::env::var("FREEPORT_BENCH_DATABASE").ok();
    layout.init_with(freeport_port::home::LOG_ORIGIN, database.as_deref())?;
    let vocabulary = Vocabulary::embedded()?;
    let port = Port::open(layout, Judge::embedded(vocabulary)?, vocabulary)?;
    let admin = Principal::local_admin();
    let mut exporters = Vec::new();
    for i in 0..orgs.max(1) {
        let (_, token) = port.create_account(
            &admin,
            &NewAccount {
                id: format!("exporter-{i}"),
                role: Role::Exporter,
                organisation: Some(format!("org-{i}")),
                organisation_name: None,
                name: format!("Exporter {i}"),
                public_key: None,
                key_held_by_port: false,
            },
        )?;
        exporters.push(port.authenticate(token.expose())?);
    }
    let started = Instant::now();
    if batch == 1 {
        for who in exporters.iter().cycle().take(n) {
            port.file(who, &facts)?;
        }
    } else {
        let whos: Vec<&Principal> = exporters.iter().cycle().take(n).collect();
        for chunk in whos.chunks(batch) {
            let prepared = chunk
                .iter()
                .map(|who| port.prepare_filing(who, &facts))
                .collect::<Result<Vec<_>, _>>()?;
            for filed in port.file_prepared(prepared) {
                filed?;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    #[expect(clippy::print_stdout, reason = "a benchmark's one line of figures")]
    {
        println!(
            "filings {n} seconds {seconds:.3} per_second {:.0} batch {batch}",
            n as f64 / seconds
        );
    }
    Ok(())
}
