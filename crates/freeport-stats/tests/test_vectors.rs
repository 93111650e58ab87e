//! Prio3 correctness against the VDAF draft 18 test vectors that `prio` 0.18.1 ships
//! (`src/vdaf/test_vec/18/`, read from the `prio` package cargo unpacked, never copied into this
//! repository), for every instance the studies use:
//! Count, Sum, Histogram and SumVec, including the draft's negative vectors (bad proofs,
//! bad shares), which must be rejected.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failure fails the test"
)]

use prio::vdaf::prio3::{Prio3Count, Prio3Histogram, Prio3Sum, Prio3SumVec};
use prio::vdaf::test_utils::{TestVector, check_test_vector};

/// The `prio` version whose vectors are read; it must be the one `Cargo.lock` builds.
const PRIO: &str = "prio-0.18.1";

/// `src/vdaf/test_vec/18` of the `prio` package in cargo's registry sources (`$CARGO_HOME`, else
/// `~/.cargo`), which cargo unpacked to build it.
fn vector_dir() -> std::path::PathBuf {
    let home = std::env::var_os("CARGO_HOME").map_or_else(
        || std::path::Path::new(&std::env::var_os("HOME").unwrap()).join(".cargo"),
        std::path::PathBuf::from,
    );
    let sources = home.join("registry/src");
    std::fs::read_dir(&sources)
        .unwrap()
        .map(|e| e.unwrap().path().join(PRIO).join("src/vdaf/test_vec/18"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| panic!("no {PRIO} sources under {}", sources.display()))
}

fn vectors(prefix: &str) -> Vec<(String, TestVector)> {
    let dir = vector_dir();
    let mut out: Vec<(String, TestVector)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(prefix) && name.ends_with(".json"))
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            let vector: TestVector = serde_json::from_str(&text).unwrap();
            (name, vector)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!out.is_empty(), "no vectors for {prefix}");
    out
}

#[test]
fn prio3_count_matches_the_draft_vectors() {
    let all = vectors("Prio3Count_");
    assert_eq!(all.len(), 7);
    for (name, vector) in all {
        eprintln!("{name}");
        check_test_vector::<Prio3Count, 32, 16>(&vector);
    }
}

#[test]
fn prio3_sum_matches_the_draft_vectors() {
    let all = vectors("Prio3Sum_");
    assert_eq!(all.len(), 3);
    for (name, vector) in all {
        eprintln!("{name}");
        check_test_vector::<Prio3Sum, 32, 16>(&vector);
    }
}

#[test]
fn prio3_histogram_matches_the_draft_vectors() {
    let all = vectors("Prio3Histogram_");
    assert_eq!(all.len(), 7);
    for (name, vector) in all {
        eprintln!("{name}");
        check_test_vector::<Prio3Histogram, 32, 16>(&vector);
    }
}

#[test]
fn prio3_sumvec_matches_the_draft_vectors() {
    let all = vectors("Prio3SumVec_");
    assert_eq!(all.len(), 2);
    for (name, vector) in all {
        eprintln!("{name}");
        check_test_vector::<Prio3SumVec, 32, 16>(&vector);
    }
}
