//! The study registry (migration 0015) on both backends: an approval recorded once per study
//! and country with its queued entry, the same approval again answered with the first record,
//! the other country's approval of the same study its own record, and a country the schema
//! does not know refused; a release (migration 0016) recorded once per collection request with its
//! queued entry.

#![expect(clippy::unwrap_used, reason = "tests")]

#[expect(
    dead_code,
    reason = "the helpers the store tests share; these tests use one"
)]
mod common;

use common::both;
use freeport_store::Store;
use freeport_store::stats::{StudyApproval, StudyRelease};

fn approval(country: &str, by: &str, entry: &[u8]) -> StudyApproval {
    StudyApproval {
        seq: 0,
        study_sha256: "d7".repeat(32),
        study_id: "clinical-2026".into(),
        country: country.into(),
        approved_at: "2026-12-07T20:00:00Z".into(),
        approved_by: by.into(),
        log_entry: entry.to_vec(),
        log_index: None,
    }
}

both! {
fn a_study_approval_is_recorded_once_per_country_with_its_queued_entry(db) {
    let mut store = Store::open(db.target()).unwrap();
    let first = store
        .transaction(|tx| tx.record_study_approval(&approval("cn", "wang", b"entry-cn")))
        .unwrap();
    assert_eq!((first.seq, first.log_index), (1, None));
    assert_eq!(first.approved_by, "wang");
    // Again (a retry after a crash, or another operator): the first record, not a second.
    let again = store
        .transaction(|tx| tx.record_study_approval(&approval("cn", "li", b"entry-other")))
        .unwrap();
    assert_eq!(again, first);
    store
        .transaction(|tx| tx.set_study_approval_log_index(first.seq, 7))
        .unwrap();
    let us = store
        .transaction(|tx| tx.record_study_approval(&approval("us", "smith", b"entry-us")))
        .unwrap();
    // Later in approval order. PostgreSQL's sequence spends a number on the insert the
    // repeated approval skipped, so the numbers need not be consecutive.
    assert!(us.seq > first.seq);
    let listed = store.transaction(|tx| tx.study_approvals()).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].log_index, Some(7));
    assert_eq!(listed[0].log_entry, b"entry-cn");
    assert_eq!((listed[1].country.as_str(), listed[1].log_index), ("us", None));
    // The schema knows two countries.
    assert!(
        store
            .transaction(|tx| tx.record_study_approval(&approval("fr", "x", b"e")))
            .is_err()
    );
}
}

fn release(request_id: &str, by: &str, entry: &[u8]) -> StudyRelease {
    StudyRelease {
        seq: 0,
        study_sha256: "d7".repeat(32),
        study_id: "clinical-2026".into(),
        query: "admissions".into(),
        request_id: request_id.into(),
        country: "cn".into(),
        published_at: "2026-12-07T21:00:00Z".into(),
        published_by: by.into(),
        log_entry: entry.to_vec(),
        log_index: None,
    }
}

both! {
fn a_release_is_recorded_once_per_collection_request_with_its_queued_entry(db) {
    let mut store = Store::open(db.target()).unwrap();
    let first = store
        .transaction(|tx| tx.record_study_release(&release("r1", "wang", b"entry-1")))
        .unwrap();
    assert_eq!((first.seq, first.log_index), (1, None));
    // The same request posted again (a retry, or another account): the first record.
    let again = store
        .transaction(|tx| tx.record_study_release(&release("r1", "li", b"entry-other")))
        .unwrap();
    assert_eq!(again, first);
    store
        .transaction(|tx| tx.set_study_release_log_index(first.seq, 9))
        .unwrap();
    let second = store
        .transaction(|tx| tx.record_study_release(&release("r2", "wang", b"entry-2")))
        .unwrap();
    assert!(second.seq > first.seq);
    let listed = store.transaction(|tx| tx.study_releases()).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!((listed[0].log_index, listed[0].log_entry.as_slice()), (Some(9), b"entry-1".as_slice()));
    assert_eq!((listed[1].request_id.as_str(), listed[1].log_index), ("r2", None));
    let mut other = release("r3", "x", b"e");
    other.country = "fr".into();
    assert!(store.transaction(|tx| tx.record_study_release(&other)).is_err());
}
}
