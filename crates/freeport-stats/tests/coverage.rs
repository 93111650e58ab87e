//! The released intervals cover the truth at their stated rate over repeated collections with
//! fresh noise (not timed; the pilots' figures are `examples/coverage.rs`, in BENCHMARKS.md).

#[path = "common/coverage.rs"]
mod coverage;

const TEMPLATE: &str = r#"id = "coverage"
title = "coverage test"
start = "2026-01-01"
end = "2026-02-01"
time_column = "date"
min_batch_size = 20
cell_floor = 5
epsilon_total = 10.0
confidence = 0.99
leader = "cn"

[collector]
signing_key = "@COLLECTOR_SIGNING@"
hpke_key = "@COLLECTOR_HPKE@"

[cn]
url = "http://127.0.0.1:@CN_PORT@"
hpke_key = "@CN_HPKE@"

[us]
url = "http://127.0.0.1:@US_PORT@"
hpke_key = "@US_HPKE@"

[[sites]]
id = "a"
country = "cn"

[[queries]]
id = "total"
kind = "sum"
value = { column = "x", lower = 0, upper = 500 }
decimals = 1
epsilon = 1.0

[[queries]]
id = "by_group"
kind = "histogram"
by = { column = "g", categories = ["p", "q"] }
epsilon = 0.25
"#;

#[test]
fn intervals_cover_the_truth_at_the_stated_rate() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("study.template.toml");
    std::fs::write(&template, TEMPLATE).unwrap();
    let data = dir.path().join("a.csv");
    let mut text = String::from("date,g,x\n");
    for i in 0..200 {
        let g = if i % 3 == 0 { "p" } else { "q" };
        text.push_str(&format!("2026-01-{:02},{g},{}.5\n", 1 + i % 28, i % 400));
    }
    std::fs::write(&data, text).unwrap();
    let runs = 200;
    let stated = 0.9;
    let c = coverage::run(&template, stated, runs, &[], &[("a".to_owned(), data)]).unwrap();
    assert_eq!((c.confidence, c.runs), (stated, u64::from(runs)));
    // The sum's noise (scale 5,000 per aggregator) is close to continuous: its interval, the
    // narrowest that holds the stated rate, covers at that rate — within 4 standard errors,
    // above and below (an interval for one aggregator's noise only would cover about 0.79).
    let total = c.queries["total"];
    assert_eq!(total.checked, u64::from(runs));
    let se = (stated * (1.0 - stated) / f64::from(runs)).sqrt();
    assert!(
        (total.coverage() - stated).abs() < 4.0 * se,
        "sum: coverage {} at stated {stated}",
        total.coverage()
    );
    // Histogram cells (scale 8): discrete noise makes the interval a little wider than
    // needed, so coverage is at least the stated rate.
    let cells = c.queries["by_group"];
    // p (67 records) and q (133) clear the floor of 5 with their interval's lower end nearly
    // always (half-width 26); the empty `(other)` only when its noise exceeds 31.
    assert!(
        cells.checked >= u64::from(runs) * 2 * 19 / 20,
        "{}",
        cells.checked
    );
    assert!(
        cells.coverage() >= stated - 4.0 * se,
        "histogram: coverage {} at stated {stated}",
        cells.coverage()
    );
}
