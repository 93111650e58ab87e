//! Data-driven fixture suite: every `fixtures/NAME.csv` is profiled column by column through
//! [`ColumnProfiler`], finished as one table (with [`paired_coordinates`]), and compared with `fixtures/NAME.expected` (`column<TAB>category`, `none`
//! for columns without personal data).

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;

use freeport_detect::{ColumnProfiler, paired_coordinates, people_in_table};

/// Minimal RFC 4180 reader for the fixtures (quoted fields, doubled quotes; no embedded newlines).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn check(csv: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    let header = split_csv_line(lines.next().unwrap());
    let mut profilers: Vec<ColumnProfiler> =
        header.iter().map(|h| ColumnProfiler::new(h)).collect();
    for line in lines {
        let cells = split_csv_line(line);
        assert_eq!(cells.len(), header.len(), "ragged row in {}", csv.display());
        for (p, c) in profilers.iter_mut().zip(&cells) {
            p.observe(Some(c.as_str()).filter(|c| !c.is_empty()));
        }
    }
    let expected_text = std::fs::read_to_string(csv.with_extension("expected")).unwrap();
    let expected: Vec<(&str, &str)> = expected_text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split_once('\t').unwrap())
        .collect();
    assert_eq!(
        expected.len(),
        header.len(),
        "{}: one expectation per column",
        csv.display()
    );
    let mut failures = Vec::new();
    let paired = paired_coordinates(&profilers);
    let mut profiles: Vec<_> = profilers
        .into_iter()
        .zip(paired)
        .map(|(p, paired)| p.finish_in_table(paired))
        .collect();
    let headers: Vec<&str> = header.iter().map(String::as_str).collect();
    people_in_table(&headers, &mut profiles);
    for ((name, want), profile) in expected.iter().zip(profiles) {
        let got = profile.category.clone().unwrap_or_else(|| "none".into());
        if got != *want {
            failures.push(format!(
                "{}: column `{name}`: expected {want}, got {got} (candidates {:?})",
                csv.file_name().unwrap().to_string_lossy(),
                profile.candidates
            ));
        }
    }
    failures
}

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    let failures: Vec<String> = files.iter().flat_map(|f| check(f)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
