//! Builders shared by the store's integration tests.

use freeport_store::{
    CategorySet, Form, RulePackRef, Store, SubjectHash, SubjectHashes, TransferId, TransferRecord,
    Unit, VolumeEntry,
};
use jiff::civil::Date;

pub fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("freeport.db")).unwrap();
    (dir, store)
}

pub fn hash(n: u32) -> SubjectHash {
    SubjectHash(u128::from(n) << 96)
}

pub fn entry(category: &str, count: u64) -> VolumeEntry {
    VolumeEntry {
        category: category.to_owned(),
        unit: Unit::Individuals,
        count,
        subject_hashes: SubjectHashes::new(),
        state: Form::Raw,
        collected_in: None,
    }
}

pub fn hashed(category: &str, people: impl IntoIterator<Item = u32>) -> VolumeEntry {
    let subject_hashes: SubjectHashes = people.into_iter().map(hash).collect();
    VolumeEntry {
        category: category.to_owned(),
        unit: Unit::Individuals,
        count: subject_hashes.len() as u64,
        subject_hashes,
        state: Form::Raw,
        collected_in: None,
    }
}

pub fn transfer(
    id: &str,
    exporter: &str,
    counterparty: &str,
    date: Date,
    volumes: Vec<VolumeEntry>,
) -> TransferRecord {
    TransferRecord {
        id: TransferId::from(id),
        exporter: exporter.to_owned(),
        counterparty: counterparty.to_owned(),
        date,
        origin: "CN".to_owned(),
        destination: "US".to_owned(),
        individuals: None,
        volumes,
        decision_json: r#"{"cn":{"outcome":"EXEMPT"},"us":{"outcome":"NOT_COVERED"}}"#.to_owned(),
        rule_packs: vec![
            RulePackRef {
                name: "cn".to_owned(),
                version: "2026.1".to_owned(),
                hash: "sha256:aaaa".to_owned(),
            },
            RulePackRef {
                name: "us".to_owned(),
                version: "2026.1".to_owned(),
                hash: "sha256:bbbb".to_owned(),
            },
        ],
    }
}

pub fn set(name: &str, categories: &[&str]) -> CategorySet {
    CategorySet {
        name: name.to_owned(),
        categories: categories.iter().map(|c| (*c).to_owned()).collect(),
    }
}
