//! Times the store's hot paths on a filled temporary store: recording a transfer and reading
//! both counting windows, as `freeport judge --record` does once per decision.
//!
//! Run: `cargo run -p freeport-store --release --example volumes -- [TRANSFERS] [HASHED_PEOPLE]`

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::collections::BTreeSet;
use std::time::Instant;

use freeport_store::{
    CategorySet, CollectedIn, DataState, Store, StoreError, SubjectHash, TransferId,
    TransferRecord, Unit, VolumeEntry, Window, subject_hash,
};
use jiff::ToSpan;
use jiff::civil::date;

const CATEGORIES: [&str; 8] = [
    "person.name",
    "contact.phone",
    "contact.email",
    "contact.address",
    "id.cn.resident_id",
    "health.diagnosis",
    "finance.bank_account",
    "location.precise",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let transfers: u32 = args.next().map_or(Ok(1_000), |a| a.parse())?;
    let hashed_people: u32 = args.next().map_or(Ok(100), |a| a.parse())?;
    let dir = std::env::temp_dir().join(format!("freeport-store-bench-{}", std::process::id()));
    let path = dir.join("freeport.db");
    let mut store = Store::open(&path)?;
    let salt = store.subject_salt("acme")?;
    let start = date(2025, 7, 1);

    let record = |i: u32| -> Result<TransferRecord, StoreError> {
        let day = start
            .checked_add(i64::from(i % 365).days())
            .map_err(|_| StoreError::NoDataDir)?;
        let volumes = CATEGORIES
            .iter()
            .enumerate()
            .map(|(c, category)| {
                // Every third transfer carries hashes for its first categories.
                let hashes: BTreeSet<SubjectHash> = if i.is_multiple_of(3) && c < 3 {
                    (0..hashed_people)
                        .map(|p| subject_hash(&salt, &(i * 7 + p).to_be_bytes()))
                        .collect()
                } else {
                    BTreeSet::new()
                };
                VolumeEntry {
                    category: (*category).to_owned(),
                    unit: if *category == "location.precise" {
                        Unit::Devices
                    } else {
                        Unit::Individuals
                    },
                    count: u64::from(hashed_people) + 1_000,
                    subject_hashes: hashes,
                    state: DataState::Raw,
                    collected_in: CollectedIn::Cn,
                }
            })
            .collect();
        Ok(TransferRecord {
            id: TransferId(format!("t{i}")),
            exporter: "acme".to_owned(),
            counterparty: format!("p{}", i % 10),
            date: day,
            origin: "CN".to_owned(),
            destination: "US".to_owned(),
            individuals: None,
            volumes,
            decision_json: "{}".to_owned(),
            rule_packs: vec![],
        })
    };

    let fill = Instant::now();
    store.transaction(|tx| {
        for i in 0..transfers {
            tx.record_transfer(&record(i)?)?;
        }
        Ok::<_, StoreError>(())
    })?;
    let fill = fill.elapsed();

    let sets = [
        CategorySet {
            name: "pi".to_owned(),
            categories: CATEGORIES.iter().map(|c| (*c).to_owned()).collect(),
        },
        CategorySet {
            name: "sensitive_pi".to_owned(),
            categories: [
                "id.cn.resident_id",
                "health.diagnosis",
                "finance.bank_account",
                "location.precise",
            ]
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
        },
    ];
    let query_day = date(2026, 6, 30);
    let mut check = 0;
    let cold_runs = 5;
    let cold = Instant::now();
    for _ in 0..cold_runs {
        // A fresh handle has an empty cache: every window is counted from the tables.
        let mut fresh = Store::open(&path)?;
        fresh.transaction(|tx| {
            let cn = tx.volumes(&Window::cn("acme", query_day), &sets)?;
            let us = tx.volumes(&Window::us("acme", "p3", query_day), &[])?;
            check += cn.sets["pi"] + us.transfers;
            Ok::<_, StoreError>(())
        })?;
    }
    let cold = cold.elapsed();
    let open = Instant::now();
    for _ in 0..cold_runs {
        drop(Store::open(&path)?);
    }
    let open = open.elapsed();
    let runs = 2_000;
    let read = Instant::now();
    for _ in 0..runs {
        store.transaction(|tx| {
            let cn = tx.volumes(&Window::cn("acme", query_day), &sets)?;
            let us = tx.volumes(&Window::us("acme", "p3", query_day), &[])?;
            check += cn.sets["pi"] + us.transfers;
            Ok::<_, StoreError>(())
        })?;
    }
    let read = read.elapsed();

    let record_runs = 200;
    let write = Instant::now();
    for i in 0..record_runs {
        store.record_transfer(&record(transfers + i)?)?;
    }
    let write = write.elapsed();

    println!(
        "transfers in store: {transfers} (8 categories each, every third with {hashed_people} hashes on 3 categories)"
    );
    println!("fill (one transaction): {:.1} ms", fill.as_secs_f64() * 1e3);
    println!(
        "both windows (CN with 2 sets + US pair), counted from the tables: {:.1} ms per decision",
        (cold.as_secs_f64() - open.as_secs_f64()) * 1e3 / f64::from(cold_runs)
    );
    println!(
        "open the store (checks migrations): {:.1} ms",
        open.as_secs_f64() * 1e3 / f64::from(cold_runs)
    );
    println!(
        "both windows again, nothing recorded since (cached), in a write transaction: {:.1} µs per decision (checksum {check})",
        read.as_secs_f64() * 1e6 / f64::from(runs)
    );
    println!(
        "record one transfer (own transaction, fsync): {:.1} µs",
        write.as_secs_f64() * 1e6 / f64::from(record_runs)
    );
    drop(store);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
