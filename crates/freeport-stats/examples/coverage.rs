//! Interval coverage of a pilot over repeated collections with fresh noise, in one process
//! (`bench/stats/coverage.sh` runs it on both bundled pilots; figures in BENCHMARKS.md).
//!
//! `coverage TEMPLATE CONFIDENCE RUNS SITE=DATA... [-- QUERY...]` prints, per query and per
//! answer, the intervals checked, missed, and the empirical coverage against the stated rate.
#![expect(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark program: it prints its figures and stops on any failure"
)]

#[path = "../tests/common/coverage.rs"]
mod coverage;

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let template = PathBuf::from(&args[0]);
    let confidence: f64 = args[1].parse().unwrap();
    let runs: u32 = args[2].parse().unwrap();
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let sites: Vec<(String, PathBuf)> = args[3..split]
        .iter()
        .map(|a| {
            let (site, data) = a.split_once('=').unwrap();
            (site.to_owned(), PathBuf::from(data))
        })
        .collect();
    let queries: Vec<String> = args.get(split + 1..).unwrap_or_default().to_vec();
    let c = coverage::run(&template, confidence, runs, &queries, &sites).unwrap();
    println!(
        "# {} — stated confidence {}, {} collections per query",
        template.display(),
        c.confidence,
        c.runs
    );
    println!("| query | answer | intervals | missed | coverage |");
    println!("|---|---|---:|---:|---:|");
    for ((query, answer), t) in &c.answers {
        if t.checked > 0 {
            println!(
                "| {query} | {answer} | {} | {} | {:.4} |",
                t.checked,
                t.missed,
                t.coverage()
            );
        }
    }
    let mut all = coverage::Tally::default();
    for (query, t) in &c.queries {
        all.checked += t.checked;
        all.missed += t.missed;
        println!(
            "| {query} | (all) | {} | {} | {:.4} |",
            t.checked,
            t.missed,
            t.coverage()
        );
    }
    println!(
        "| (all) | (all) | {} | {} | {:.4} |",
        all.checked,
        all.missed,
        all.coverage()
    );
}
