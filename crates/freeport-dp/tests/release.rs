//! Releases end to end against a real store: exact budget accounting, refusal before any noise,
//! nothing spent when the output cannot be written, and the dataset id.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::{Path, PathBuf};

use freeport_dp::{Error, ReleaseRequest};
use freeport_store::Store;

struct Fixture {
    dir: tempfile::TempDir,
    store: Store,
    data: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("people.csv");
    let mut csv = String::from("name,age,sex\n");
    for i in 0..200 {
        let sex = if i % 3 == 0 { "F" } else { "M" };
        csv.push_str(&format!("p{i},{},{sex}\n", 20 + i % 50));
    }
    std::fs::write(&data, csv).unwrap();
    let store = Store::open(dir.path().join("store.db")).unwrap();
    Fixture { dir, store, data }
}

impl Fixture {
    fn config(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn release(
        &mut self,
        config: &Path,
        output: &str,
        budget: Option<(f64, f64)>,
    ) -> Result<freeport_dp::ReleaseDocument, Error> {
        let output = self.dir.path().join(output);
        freeport_dp::release(
            &mut self.store,
            &ReleaseRequest {
                input: &self.data,
                config,
                output: &output,
                budget,
            },
        )
    }

    fn budget(&mut self) -> freeport_dp::BudgetView {
        freeport_dp::budget(&mut self.store, &self.data, None, None)
            .unwrap()
            .budget
            .unwrap()
    }
}

fn count(epsilon: &str) -> String {
    format!("[[query]]\nname = \"rows\"\nkind = \"count\"\nepsilon = {epsilon}\n")
}

#[test]
fn tenths_add_up_exactly_and_the_edge_is_inclusive() {
    let mut f = fixture();
    let both = f.config(
        "both.toml",
        "[[query]]\nname = \"a\"\nkind = \"count\"\nepsilon = 0.1\n\
         [[query]]\nname = \"b\"\nkind = \"count\"\nepsilon = 0.2\n",
    );
    let document = f.release(&both, "one.json", Some((0.6, 0.0))).unwrap();
    // 0.1 + 0.2 in f64 is 0.30000000000000004; the ledger is exact.
    assert_eq!(document.budget.epsilon_spent, 0.3);
    assert_eq!(document.budget.epsilon_remaining, 0.3);
    assert_eq!(document.budget.spends, 2);
    // Exactly what is left fits.
    f.release(&both, "two.json", None).unwrap();
    let after = f.budget();
    assert_eq!(after.epsilon_spent, 0.6);
    assert_eq!(after.epsilon_remaining, 0.0);
    // One unit more does not, and nothing is spent or written.
    let tiny = f.config("tiny.toml", &count("0.000000001"));
    let err = f.release(&tiny, "three.json", None).unwrap_err();
    assert!(matches!(err, Error::BudgetExceeded(_)), "{err:?}");
    assert_eq!(f.budget(), after);
    assert!(!f.dir.path().join("three.json").exists());
}

#[test]
fn a_release_is_refused_whole_when_a_later_query_does_not_fit() {
    let mut f = fixture();
    let config = f.config(
        "c.toml",
        "[[query]]\nname = \"fits\"\nkind = \"count\"\nepsilon = 0.2\n\
         [[query]]\nname = \"too-much\"\nkind = \"count\"\nepsilon = 0.2\n",
    );
    let err = f
        .release(&config, "out.json", Some((0.3, 0.0)))
        .unwrap_err();
    let Error::BudgetExceeded(exceeded) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(exceeded.query, "too-much");
    assert_eq!(exceeded.epsilon_before, 0.3);
    // Rolled back: the budget set by this run is gone with it, and nothing was spent.
    let report = freeport_dp::budget(&mut f.store, &f.data, None, None).unwrap();
    assert_eq!(report.budget, None);
    assert!(!f.dir.path().join("out.json").exists());
}

#[test]
fn delta_is_accounted_exactly_too() {
    let mut f = fixture();
    let gaussian = f.config(
        "g.toml",
        "[[query]]\nname = \"g\"\nkind = \"count\"\nepsilon = 0.5\ndelta = 1e-7\n",
    );
    f.release(&gaussian, "1.json", Some((10.0, 3e-7))).unwrap();
    f.release(&gaussian, "2.json", None).unwrap();
    f.release(&gaussian, "3.json", None).unwrap();
    let b = f.budget();
    assert_eq!(b.delta_spent, 3e-7);
    assert_eq!(b.delta_remaining, 0.0);
    let err = f.release(&gaussian, "4.json", None).unwrap_err();
    assert!(matches!(err, Error::BudgetExceeded(_)), "{err:?}");
    // A pure-DP query still fits: it needs no delta.
    let pure = f.config("p.toml", &count("0.5"));
    let document = f.release(&pure, "5.json", None).unwrap();
    assert_eq!(document.queries[0].mechanism, "discrete_laplace");
    assert_eq!(document.budget.epsilon_spent, 2.0);
}

#[test]
fn no_budget_is_refused_and_a_different_budget_is_a_conflict() {
    let mut f = fixture();
    let config = f.config("c.toml", &count("0.1"));
    let err = f.release(&config, "out.json", None).unwrap_err();
    assert!(matches!(err, Error::NoBudget { .. }), "{err:?}");
    f.release(&config, "out.json", Some((1.0, 0.0))).unwrap();
    // The same total again is fine; a different one is refused.
    f.release(&config, "out2.json", Some((1.0, 0.0))).unwrap();
    let err = f
        .release(&config, "out3.json", Some((2.0, 0.0)))
        .unwrap_err();
    assert!(matches!(err, Error::BudgetConflict { .. }), "{err:?}");
    assert_eq!(f.budget().epsilon_spent, 0.2);
}

#[test]
fn an_output_that_cannot_be_written_spends_nothing() {
    let mut f = fixture();
    let config = f.config("c.toml", &count("0.1"));
    f.release(&config, "ok.json", Some((1.0, 0.0))).unwrap();
    let before = f.budget();
    let err = f
        .release(&config, "missing-dir/out.json", None)
        .unwrap_err();
    assert!(matches!(err, Error::Write { .. }), "{err:?}");
    assert_eq!(f.budget(), before);
    // No temporary file (`.NAME.XXXXXX.tmp`, freeport_util::AtomicFile) is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.starts_with('.').then_some(name)
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_document_has_every_query_in_order_with_declared_bins() {
    let mut f = fixture();
    let config = f.config(
        "all.toml",
        r#"
confidence = 0.9
[[query]]
name = "rows"
kind = "count"
epsilon = 0.5
[[query]]
name = "sex"
kind = "histogram"
column = "sex"
categories = ["M", "F", "X"]
epsilon = 0.5
[[query]]
name = "age-sum"
kind = "sum"
column = "age"
bounds = [0, 100]
epsilon = 0.5
[[query]]
name = "age-mean"
kind = "mean"
column = "age"
bounds = [0, 100]
epsilon = 1
delta = 1e-6
"#,
    );
    let document = f.release(&config, "out.json", Some((5.0, 1e-5))).unwrap();
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.dir.path().join("out.json")).unwrap()).unwrap();
    // What was written is the document returned (both read back the same way).
    let returned: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&document).unwrap()).unwrap();
    assert_eq!(written, returned);
    let names: Vec<&str> = document.queries.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["rows", "sex", "age-sum", "age-mean"]);
    assert!(document.dataset.starts_with("sha256:"));
    let sex = &written["queries"][1]["answer"];
    // "X" never occurs in the data, yet has a bin: the bins are the declared set.
    let categories: Vec<&str> = sex["bins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["category"].as_str().unwrap())
        .collect();
    assert_eq!(categories, ["M", "F", "X"]);
    assert!(sex["other"].is_i64());
    let mean = &written["queries"][3];
    assert_eq!(mean["mechanism"], "discrete_gaussian");
    let answer = mean["answer"]["mean"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&answer));
    assert_eq!(document.budget.epsilon_spent, 2.5);
    assert_eq!(document.budget.delta_spent, 1e-6);
}

#[test]
fn the_same_table_renamed_or_as_tsv_shares_an_id_and_an_edit_does_not() {
    let f = fixture();
    let id = freeport_dp::dataset_id(&f.data).unwrap();
    let renamed = f.dir.path().join("copy.csv");
    std::fs::copy(&f.data, &renamed).unwrap();
    assert_eq!(freeport_dp::dataset_id(&renamed).unwrap(), id);
    let text = std::fs::read_to_string(&f.data).unwrap();
    let tsv = f.dir.path().join("copy.tsv");
    std::fs::write(&tsv, text.replace(',', "\t")).unwrap();
    assert_eq!(freeport_dp::dataset_id(&tsv).unwrap(), id);
    let edited = f.dir.path().join("edited.csv");
    std::fs::write(&edited, text.replacen("p0,20", "p0,21", 1)).unwrap();
    assert_ne!(freeport_dp::dataset_id(&edited).unwrap(), id);
}

#[test]
fn reordered_rows_or_columns_keep_the_id_and_the_budget_and_a_duplicated_row_does_not() {
    let mut f = fixture();
    let id = freeport_dp::dataset_id(&f.data).unwrap();
    let text = std::fs::read_to_string(&f.data).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    // Rows sorted another way.
    let mut reversed = lines.clone();
    reversed.reverse();
    let sorted = f.dir.path().join("sorted.csv");
    std::fs::write(&sorted, format!("{header}\n{}\n", reversed.join("\n"))).unwrap();
    assert_eq!(freeport_dp::dataset_id(&sorted).unwrap(), id);
    // Columns in another order.
    let swapped: Vec<String> = lines
        .iter()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{},{},{}", cells[2], cells[0], cells[1])
        })
        .collect();
    let columns = f.dir.path().join("columns.csv");
    std::fs::write(&columns, format!("sex,name,age\n{}\n", swapped.join("\n"))).unwrap();
    assert_eq!(freeport_dp::dataset_id(&columns).unwrap(), id);
    // One row twice is another dataset.
    let doubled = f.dir.path().join("doubled.csv");
    std::fs::write(&doubled, format!("{text}{}\n", lines[0])).unwrap();
    assert_ne!(freeport_dp::dataset_id(&doubled).unwrap(), id);

    // A budget spent on the file is the sorted copy's budget too.
    let one = f.config("one.toml", &count("0.25"));
    f.release(&one, "first.json", Some((1.0, 0.0))).unwrap();
    let seen = freeport_dp::budget(&mut f.store, &sorted, None, None)
        .unwrap()
        .budget
        .unwrap();
    assert_eq!(seen.epsilon_spent, 0.25);
}

#[test]
fn an_unknown_column_points_at_the_config() {
    let mut f = fixture();
    let config = f.config(
        "c.toml",
        "[[query]]\nname = \"s\"\nkind = \"sum\"\ncolumn = \"salary\"\nbounds = [0, 1]\nepsilon = 0.1\n",
    );
    let err = f
        .release(&config, "out.json", Some((1.0, 0.0)))
        .unwrap_err();
    let Error::Config(config_error) = &err else {
        panic!("{err:?}")
    };
    assert!(
        config_error.message.contains("`salary`"),
        "{}",
        config_error.message
    );
    assert!(config_error.span.is_some());
}

/// A declared dataset id keeps one budget across the data's versions: adding rows gives a new
/// fingerprint but spends from the declared id's budget too, and a new declared name for the
/// same rows still spends from the fingerprint's. Neither starts a fresh budget.
#[test]
fn a_declared_dataset_keeps_one_budget_across_versions_and_names() {
    let mut f = fixture();
    let declared = |name: &str| {
        format!(
            "dataset = \"{name}\"\n[[query]]\nname = \"rows\"\nkind = \"count\"\nepsilon = 0.4\n"
        )
    };
    let admissions = f.config("admissions.toml", &declared("hospital-a/admissions"));
    let first = f.release(&admissions, "v1.json", Some((1.0, 0.0))).unwrap();
    let declared_budget = first.declared.as_ref().unwrap();
    assert_eq!(declared_budget.dataset, "hospital-a/admissions");
    assert_eq!(declared_budget.budget.epsilon_spent, 0.4);
    assert_eq!(
        first.budget.epsilon_spent, 0.4,
        "the fingerprint's budget is spent too"
    );

    // Next month: one more row. A new fingerprint (its own fresh budget of 1.0), but the
    // declared id's budget carries on: 0.4 + 0.4 fits, a third 0.4 does not.
    let mut rows = std::fs::read_to_string(&f.data).unwrap();
    rows.push_str("p200,33,F\n");
    std::fs::write(&f.data, rows).unwrap();
    let second = f.release(&admissions, "v2.json", Some((1.0, 0.0))).unwrap();
    assert_ne!(second.dataset, first.dataset, "new rows, new fingerprint");
    assert_eq!(second.budget.epsilon_spent, 0.4);
    assert_eq!(second.declared.as_ref().unwrap().budget.epsilon_spent, 0.8);
    let refused = f.release(&admissions, "v3.json", None).unwrap_err();
    assert!(
        matches!(&refused, Error::BudgetExceeded(e) if e.dataset == "declared:hospital-a/admissions"),
        "{refused}"
    );
    assert!(!f.dir.path().join("v3.json").exists(), "nothing released");
    // Nothing was spent by the refusal, from either budget.
    let report =
        freeport_dp::budget(&mut f.store, &f.data, Some("hospital-a/admissions"), None).unwrap();
    assert_eq!(report.budget.unwrap().epsilon_spent, 0.4);
    assert_eq!(report.declared.unwrap().budget.unwrap().epsilon_spent, 0.8);

    // The same rows under a new declared name: a fresh declared budget, but the fingerprint's
    // has 0.6 left, so two more releases of 0.4 are refused at the second.
    let renamed = f.config("renamed.toml", &declared("hospital-a/admissions-copy"));
    f.release(&renamed, "r1.json", Some((1.0, 0.0))).unwrap();
    let refused = f.release(&renamed, "r2.json", None).unwrap_err();
    assert!(
        matches!(&refused, Error::BudgetExceeded(e) if e.dataset.starts_with("sha256:")),
        "{refused}"
    );
}
