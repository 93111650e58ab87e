//! Cost of [`ColumnProfiler::observe`] per cell on the benchmark tables, replayed to a given
//! number of rows per column so the sampled head is a realistic fraction of a large file.
//!
//! `cargo run --release -p freeport-detect --example observe_cost -- DIR [--rows 200000]`
//!
//! Cells are split into memory first: this measures the detection engine alone, not reading.

#![expect(clippy::print_stdout, reason = "command-line example")]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "command-line example"
)]

use std::path::PathBuf;
use std::time::Instant;

use freeport_detect::ColumnProfiler;

/// CPU time of this process in seconds (Linux `/proc/self/schedstat`), so figures on a shared
/// machine reflect work done rather than time spent waiting for a core.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: observe_cost DIR [--rows N]"));
    let mut rows = 200_000usize;
    while let Some(a) = args.next() {
        if a == "--rows" {
            rows = args.next().and_then(|v| v.parse().ok()).expect("--rows N");
        }
    }
    let mut columns: Vec<(String, Vec<String>)> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
        let mut cols: Vec<Vec<String>> = vec![Vec::new(); header.len()];
        for line in lines {
            // Quoted cells are rare in these tables; a plain split is enough for timing.
            for (c, v) in cols.iter_mut().zip(line.split(',')) {
                c.push(v.to_string());
            }
        }
        columns.extend(header.into_iter().zip(cols));
    }
    let (mut cells, mut bytes) = (0u64, 0u64);
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let mut labelled = 0;
    for (h, values) in &columns {
        let mut p = ColumnProfiler::new(h);
        for v in values.iter().cycle().take(rows) {
            bytes += v.len() as u64 + 1;
            p.observe(Some(v.as_str()).filter(|v| !v.is_empty()));
        }
        cells += rows as u64;
        labelled += usize::from(p.finish().category.is_some());
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_start).map(|(b, a)| b - a);
    let secs = cpu.unwrap_or(wall);
    println!(
        "{} columns × {rows} rows = {cells} cells, {:.1} MB: {secs:.2} s CPU ({wall:.2} s wall), {:.0} ns/cell, {:.0} MB/s per core (one thread, observe+finish only); {labelled} columns labelled",
        columns.len(),
        bytes as f64 / 1e6,
        secs * 1e9 / cells as f64,
        bytes as f64 / 1e6 / secs
    );
}
