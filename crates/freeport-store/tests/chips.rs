//! Chips records (migration 0014) on both backends: a verification report, a case decided by
//! both sides with its queued entries, a listing unique per organisation and class, a device
//! and its attestations (an unregistered device refused by the schema).

#![expect(clippy::unwrap_used, reason = "tests")]

#[expect(
    dead_code,
    reason = "the helpers the store tests share; these tests use one"
)]
mod common;

use common::both;
use freeport_store::chips::{
    AttestationRow, ChipsCase, DeviceRow, PendingChipsEntry, Verification,
};
use freeport_store::docket::{Account, CaseDecision, CaseStatus, Role};
use freeport_store::{Store, StoreError};

fn reviewer(id: &str, role: Role) -> Account {
    Account {
        id: id.to_owned(),
        role,
        organisation: None,
        name: id.to_owned(),
        public_key: None,
        created_at: "2026-12-01T00:00:00Z".to_owned(),
        revoked_at: None,
    }
}

both! {
fn chips_records_round_trip_and_queue_their_entries(db) {
    let mut store = Store::open(db.target()).unwrap();
    store
        .transaction(|tx| {
            tx.insert_account(&reviewer("wang", Role::CnReviewer), &[1; 32])?;
            tx.insert_account(&reviewer("smith", Role::UsReviewer), &[2; 32])?;
            let seq = tx.insert_chips_verification(&Verification {
                seq: 0,
                organisation: "tianlan-bio".into(),
                visited_on: "2026-11-20".into(),
                report: "{}".into(),
                report_sha256: "a".repeat(64),
                cn_signer: "wang".into(),
                cn_signature: "note-cn".into(),
                us_signer: "smith".into(),
                us_signature: "note-us".into(),
                recorded_by: "wang".into(),
                recorded_at: "2026-12-01T00:00:00Z".into(),
                log_entry: b"entry-v".to_vec(),
                log_index: None,
            })?;
            assert_eq!(seq, 1);
            let number = tx.next_chips_case_number("CC-2026-")?;
            let id = format!("CC-2026-{number:04}");
            tx.insert_chips_case(&ChipsCase {
                id: id.clone(),
                kind: "whitelist_application".into(),
                organisation: "tianlan-bio".into(),
                product_class: "3A090.a".into(),
                subject: "1".into(),
                detail: "{}".into(),
                evidence: vec!["a".repeat(64)],
                opened_by: "tianlan".into(),
                opened_at: "2026-12-01T00:00:00Z".into(),
                status: "in_review".into(),
            })?;
            let sides = tx.chips_case_sides(&id)?;
            assert_eq!(sides.len(), 2);
            assert!(sides.iter().all(|s| s.status == CaseStatus::Open));
            assert_eq!(sides[0].outcome, "whitelist_application");
            let decision = CaseDecision {
                status: CaseStatus::Refused,
                decided_by: "smith",
                decided_at: "2026-12-01T01:00:00Z",
                conditions: &[],
                public_reasons: &["diversion risk".to_owned()],
                signature: "note",
                log_entry: b"entry-d",
                publication_entry: Some(b"entry-p"),
            };
            assert!(tx.decide_chips_case_side(&id, "us", &decision)?);
            assert!(!tx.decide_chips_case_side(&id, "us", &decision)?, "decided once");
            tx.close_open_chips_sides(&id)?;
            let sides = tx.chips_case_sides(&id)?;
            assert_eq!(sides[0].status, CaseStatus::Closed);
            assert_eq!(sides[1].public_reasons, vec!["diversion risk".to_owned()]);

            tx.insert_chips_listing("tianlan-bio", "3A090.a", "{}", &id)?;
            let again = tx.insert_chips_listing("tianlan-bio", "3A090.a", "{}", &id);
            assert!(matches!(again, Err(StoreError::Duplicate { .. })), "{again:?}");
            Ok::<_, StoreError>(())
        })
        .unwrap();
    store
        .transaction(|tx| {
            let listing = tx.chips_listing("tianlan-bio", "3A090.a")?.unwrap();
            tx.update_chips_listing(listing.seq, "{\"removed\":true}", true)?;
            assert_eq!(tx.chips_listing("tianlan-bio", "3A090.a")?, None);
            // Removed, so the class may be listed again.
            tx.insert_chips_listing("tianlan-bio", "3A090.a", "{}", "CC-2026-0001")?;
            assert_eq!(tx.chips_listings()?.len(), 2);
            tx.insert_chips_device(&DeviceRow {
                serial: "GPU-1".into(),
                organisation: "tianlan-bio".into(),
                device: "{}".into(),
                registered_by: "tianlan".into(),
                registered_at: "2026-12-01T00:00:00Z".into(),
            })?;
            let row = AttestationRow {
                serial: "GPU-1".into(),
                seq: 0,
                attested_at: "2026-12-01T02:00:00Z".into(),
                record: "{}".into(),
                record_sha256: "b".repeat(64),
                anomalies: "[]".into(),
                submitted_by: "tianlan".into(),
                submitted_at: "2026-12-01T02:00:00Z".into(),
                log_entry: b"entry-a".to_vec(),
                log_index: None,
            };
            assert_eq!(tx.insert_chips_attestation(&row)?, 1);
            assert_eq!(tx.insert_chips_attestation(&row)?, 2);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    // An attestation for a device never registered breaks the schema's reference.
    let unregistered = store.transaction(|tx| {
        tx.insert_chips_attestation(&AttestationRow {
            serial: "GPU-404".into(),
            seq: 0,
            attested_at: "2026-12-01T02:00:00Z".into(),
            record: "{}".into(),
            record_sha256: "b".repeat(64),
            anomalies: "[]".into(),
            submitted_by: "tianlan".into(),
            submitted_at: "2026-12-01T02:00:00Z".into(),
            log_entry: b"entry-a".to_vec(),
            log_index: None,
        })
    });
    assert!(unregistered.is_err());
    let pending = store.transaction(|tx| tx.pending_chips_entries()).unwrap();
    assert_eq!(pending.len(), 4, "{pending:?}");
    assert!(matches!(&pending[0], PendingChipsEntry::Verification(1, e) if e == b"entry-v"));
    assert!(matches!(&pending[3], PendingChipsEntry::Decision(_, side, _, Some(_)) if side == "us"));
    store
        .transaction(|tx| {
            tx.set_chips_verification_log_index(1, 5)?;
            tx.set_chips_attestation_log_index("GPU-1", 1, 6)?;
            tx.set_chips_attestation_log_index("GPU-1", 2, 7)?;
            tx.set_chips_case_log_index("CC-2026-0001", "us", 8)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(store.transaction(|tx| tx.pending_chips_entries()).unwrap(), vec![]);
}
}
