//! Column-level accuracy of [`ColumnProfiler`] on a benchmark written by `gen_bench`.
//!
//! `cargo run -p freeport-detect --example eval_bench -- DIR [--predictions FILE]`
//!
//! Reads `DIR/labels.tsv` and the tables, profiles every column, prints precision, recall and
//! F1 per category, macro F1 over the labelled categories, and the hard negatives that were
//! labelled (target: none). `--predictions` writes `file<TAB>column<TAB>predicted` for the
//! side-by-side scorer in `bench/scan-accuracy/`.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "command-line example"
)]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "command-line example; failing fast is the point"
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use freeport_detect::ColumnProfiler;

/// RFC 4180 line splitter (the generator writes no embedded newlines).
fn split_csv_line(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&line[start..]);
    out
}

fn unquote(s: &str) -> std::borrow::Cow<'_, str> {
    match s.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\"").into(),
        None => s.into(),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .expect("usage: eval_bench DIR [--predictions FILE]"),
    );
    let mut predictions_out = None;
    while let Some(a) = args.next() {
        if a == "--predictions" {
            predictions_out = args.next().map(PathBuf::from);
        }
    }
    let labels_text = std::fs::read_to_string(dir.join("labels.tsv")).expect("labels.tsv");
    let mut labels: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for line in labels_text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        labels.insert((f[0].into(), f[1].into()), (f[2].into(), f[3].into()));
    }
    let mut files: Vec<String> = labels.keys().map(|(f, _)| f.clone()).collect();
    files.dedup();

    let mut predicted: BTreeMap<(String, String), String> = BTreeMap::new();
    let (mut bytes, start) = (0usize, Instant::now());
    for file in &files {
        let text = std::fs::read_to_string(dir.join(file)).expect("table");
        bytes += text.len();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut lines = text.lines();
        let header: Vec<String> = split_csv_line(lines.next().unwrap())
            .into_iter()
            .map(|h| unquote(h).into_owned())
            .collect();
        let mut profilers: Vec<ColumnProfiler> =
            header.iter().map(|h| ColumnProfiler::new(h)).collect();
        for line in lines {
            for (p, cell) in profilers.iter_mut().zip(split_csv_line(line)) {
                let v = unquote(cell);
                p.observe(Some(v.as_ref()).filter(|v| !v.is_empty()));
            }
        }
        // As the scanner does: table-level evidence (paired coordinates, whether the table is
        // about people) on top of each column's own.
        let paired = freeport_detect::paired_coordinates(&profilers);
        let mut profiles: Vec<_> = profilers
            .into_iter()
            .zip(paired)
            .map(|(p, paired)| p.finish_in_table(paired))
            .collect();
        let headers: Vec<&str> = header.iter().map(String::as_str).collect();
        freeport_detect::people_in_table(&headers, &mut profiles);
        for (h, p) in header.into_iter().zip(profiles) {
            let cat = p.category.unwrap_or_else(|| "none".into());
            predicted.insert((file.clone(), h), cat);
        }
    }
    let secs = start.elapsed().as_secs_f64();

    // Per-category counts.
    let mut tp: BTreeMap<String, u32> = BTreeMap::new();
    let mut fp: BTreeMap<String, u32> = BTreeMap::new();
    let mut fn_: BTreeMap<String, u32> = BTreeMap::new();
    let mut hard_labelled = Vec::new();
    let mut errors = Vec::new();
    for (key, (truth, role)) in &labels {
        let pred = predicted.get(key).cloned().unwrap_or_else(|| "none".into());
        if pred == *truth {
            if truth != "none" {
                *tp.entry(truth.clone()).or_default() += 1;
            }
            continue;
        }
        errors.push(format!(
            "{}:{} truth={truth} predicted={pred}",
            key.0, key.1
        ));
        if truth != "none" {
            *fn_.entry(truth.clone()).or_default() += 1;
        }
        if pred != "none" {
            *fp.entry(pred.clone()).or_default() += 1;
        }
        if role == "hard_negative" && pred != "none" {
            hard_labelled.push(format!("{}:{} → {pred}", key.0, key.1));
        }
    }
    let mut cats: Vec<String> = labels
        .values()
        .filter(|(t, _)| t != "none")
        .map(|(t, _)| t.clone())
        .collect();
    cats.sort();
    cats.dedup();
    println!("| category | columns | TP | FP | FN | precision | recall | F1 |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut f1_sum = 0.0;
    for c in &cats {
        let (t, p, n) = (
            f64::from(tp.get(c).copied().unwrap_or(0)),
            f64::from(fp.get(c).copied().unwrap_or(0)),
            f64::from(fn_.get(c).copied().unwrap_or(0)),
        );
        let prec = if t + p == 0.0 { 0.0 } else { t / (t + p) };
        let rec = if t + n == 0.0 { 0.0 } else { t / (t + n) };
        let f1 = if prec + rec == 0.0 {
            0.0
        } else {
            2.0 * prec * rec / (prec + rec)
        };
        f1_sum += f1;
        println!(
            "| {c} | {} | {t} | {p} | {n} | {prec:.3} | {rec:.3} | {f1:.3} |",
            t + n
        );
    }
    let macro_f1 = f1_sum / cats.len() as f64;
    let negatives = labels.values().filter(|(t, _)| t == "none").count();
    let hard = labels
        .values()
        .filter(|(_, r)| r == "hard_negative")
        .count();
    println!();
    println!(
        "columns: {} ({} labelled, {negatives} negative of which {hard} hard negatives)",
        labels.len(),
        labels.len() - negatives
    );
    println!("macro F1: {macro_f1:.4} over {} categories", cats.len());
    println!("hard negatives labelled: {} of {hard}", hard_labelled.len());
    for h in &hard_labelled {
        println!("  {h}");
    }
    println!(
        "profiling: {:.1} MB in {secs:.2} s (single thread, includes CSV splitting)",
        bytes as f64 / 1e6
    );
    if !errors.is_empty() {
        eprintln!("misclassified columns:");
        for e in &errors {
            eprintln!("  {e}");
        }
    }
    if let Some(path) = predictions_out {
        let mut s = String::from("file\tcolumn\tpredicted\n");
        for ((f, c), p) in &predicted {
            s.push_str(&format!("{f}\t{c}\t{p}\n"));
        }
        std::fs::write(path, s).expect("write predictions");
    }
}
