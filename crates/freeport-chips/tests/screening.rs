//! Screening end to end on the synthetic CSL: the labelled set's precision and recall, the
//! registry's ownership screening, and a bad registry.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;

use freeport_chips::screen::{self, DEFAULT_THRESHOLD, Index, Registry, Standing};
use serde::Deserialize;

fn data(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

fn index() -> Index {
    Index::new(screen::csl::load("csl-synthetic.csv", &data("csl-synthetic.csv")).unwrap())
}

#[derive(Deserialize)]
struct Labelled {
    query: Vec<Query>,
}

#[derive(Deserialize)]
struct Query {
    name: String,
    expect: String,
}

/// Precision, recall and the misses of the labelled set at `threshold`.
fn score(index: &Index, threshold: u8) -> (f64, f64, Vec<String>) {
    let labelled: Labelled = toml::from_str(&data("screening-labelled.toml")).unwrap();
    let (mut tp, mut fp, mut positives) = (0_u32, 0_u32, 0_u32);
    let mut misses = Vec::new();
    for q in &labelled.query {
        let hits = index.screen(&q.name, threshold);
        let top = hits.first().map(|h| h.entry_id.as_str());
        if !q.expect.is_empty() {
            positives += 1;
        }
        match top {
            Some(id) if id == q.expect => tp += 1,
            Some(id) => {
                fp += 1;
                misses.push(format!("{} → {id} (expected `{}`)", q.name, q.expect));
            }
            None if !q.expect.is_empty() => {
                misses.push(format!("{} → no hit (expected {})", q.name, q.expect))
            }
            None => {}
        }
    }
    let precision = f64::from(tp) / f64::from((tp + fp).max(1));
    let recall = f64::from(tp) / f64::from(positives.max(1));
    (precision, recall, misses)
}

#[test]
fn the_labelled_set_is_screened_with_high_precision_and_recall() {
    let index = index();
    let (precision, recall, misses) = score(&index, DEFAULT_THRESHOLD);
    insta::assert_snapshot!(format!(
        "precision {precision:.3}, recall {recall:.3}\n{}",
        misses.join("\n")
    ));
    assert!(
        precision >= 0.9 && recall >= 0.9,
        "precision {precision}, recall {recall}: {misses:#?}"
    );
}

#[test]
fn ownership_finds_affiliates_in_aggregate_and_indirectly() {
    let index_entries = {
        let mut entries =
            screen::csl::load("csl-synthetic.csv", &data("csl-synthetic.csv")).unwrap();
        let registry = Registry::parse("registry.toml", &data("registry.toml")).unwrap();
        entries.extend(registry.list_entries());
        (entries, registry)
    };
    let (entries, registry) = index_entries;
    let index = Index::new(entries);
    let findings = screen::ownership(&index, &registry, DEFAULT_THRESHOLD);
    let standing = |id: &str| {
        findings
            .iter()
            .find(|f| f.organisation == id)
            .unwrap()
            .standing
    };
    assert_eq!(standing("org-tianlan-holdings"), Standing::Affiliate);
    assert_eq!(standing("org-mingde"), Standing::Listed);
    assert_eq!(
        standing("org-aggregate"),
        Standing::Affiliate,
        "30 % CSL + 25.5 % watch-listed = 55.5 %"
    );
    assert_eq!(
        standing("org-indirect"),
        Standing::Affiliate,
        "50 % held by an affiliate"
    );
    assert_eq!(
        standing("org-clear"),
        Standing::Clear,
        "49.99 % is below 50 %"
    );
    assert_eq!(
        standing("org-named"),
        Standing::Listed,
        "its Chinese name hits syn-0004"
    );
    assert_eq!(
        standing("org-stale-csl"),
        Standing::Clear,
        "an owner not in the loaded list does not count"
    );
    let json = serde_json::to_string_pretty(&findings).unwrap();
    insta::assert_snapshot!(json);
}

#[test]
fn a_bad_registry_is_refused_naming_the_organisation() {
    let text = data("registry.toml");
    let bad_uscc = text.replacen("91350100M000100Y0", "91350100M000100Y1", 1);
    let error = Registry::parse("registry.toml", &bad_uscc).unwrap_err();
    assert_eq!(
        error.to_string(),
        "organisation `org-aggregate`: `ids` has a unified social credit code that fails its check digit"
    );
    let over = text.replacen("percent = 44.5", "percent = 45", 1);
    let error = Registry::parse("registry.toml", &over).unwrap_err();
    assert_eq!(
        error.to_string(),
        "organisation `org-aggregate`: its owners hold 100.5 %, more than 100 %"
    );
    let unknown = text.replacen("party = \"org-mingde\"", "party = \"org-nobody\"", 1);
    let error = Registry::parse("registry.toml", &unknown).unwrap_err();
    assert_eq!(
        error.to_string(),
        "organisation `org-aggregate`: owner `org-nobody` is not in the registry"
    );
}
