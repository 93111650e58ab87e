//! Times the store's hot paths on a filled temporary store: recording a transfer and reading
//! both counting windows, as `freeport judge --record` does once per decision.
//!
//! Run: `cargo run -p freeport-store --release --example volumes -- [TRANSFERS] [HASHED_PEOPLE]`,
//! or `... --example volumes -- large [PEOPLE]` for two big fully hashed transfers (see
//! [`large`]).

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::time::Instant;

use freeport_store::{
    CategorySet, CollectedIn, Form, Store, StoreError, SubjectHashes, TransferId, TransferRecord,
    Unit, UnsortedHashes, VolumeEntry, Window, subject_hash,
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
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().is_some_and(|a| a == "large") {
        let people: u32 = args.nth(1).map_or(Ok(2_000_000), |a| a.parse())?;
        return large(people);
    }
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
                let hashes: SubjectHashes = if i.is_multiple_of(3) && c < 3 {
                    (0..hashed_people)
                        .map(|p| subject_hash(&salt, &(i * 7 + p).to_be_bytes()))
                        .collect()
                } else {
                    SubjectHashes::new()
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
                    state: Form::Raw,
                    collected_in: Some(CollectedIn::Cn),
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

/// The categories of [`large`]: every person has data in all four.
const LARGE_CATEGORIES: [&str; 4] = [
    "person.name",
    "contact.phone",
    "id.cn.resident_id",
    "health.diagnosis",
];

/// What `freeport assess` records for a big dataset: transfer A carries `people` people, fully
/// hashed, in 4 categories (4 × `people` hashes); transfer B carries as many, half of them the
/// people of A. Entries are of unknown origin so that both countries' windows count every hash
/// (the worst case). Times recording each, counting both windows from the tables after each,
/// and judging B against A (`volumes_before` on both windows) before B is recorded.
fn large(people: u32) -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("freeport-store-large-{}", std::process::id()));
    let path = dir.join("freeport.db");
    let mut store = Store::open(&path)?;
    let salt = store.subject_salt("acme")?;
    let day = date(2026, 6, 30);

    // Scan hands over per category a sorted `Vec<u128>`; hashing is Scan's cost, not timed.
    let hashing = Instant::now();
    let hashes_of = |from: u32| -> Vec<u128> {
        let mut hashes: Vec<u128> = (from..from + people)
            .map(|p| subject_hash(&salt, &p.to_be_bytes()).0)
            .collect();
        hashes.sort_unstable();
        hashes
    };
    let a_hashes = hashes_of(0);
    let b_hashes = hashes_of(people / 2);
    println!(
        "hash 2 × {people} people (Scan's work, for reference): {:.0} ms",
        hashing.elapsed().as_secs_f64() * 1e3
    );

    let to_entries = |hashes: &[u128]| -> Result<Vec<VolumeEntry>, UnsortedHashes> {
        LARGE_CATEGORIES
            .iter()
            .map(|category| {
                // Scan's map holds one `Vec<u128>` per category; the copy stands for taking it.
                let subject_hashes = SubjectHashes::from_sorted_u128(hashes.to_vec())?;
                Ok(VolumeEntry {
                    category: (*category).to_owned(),
                    unit: Unit::Individuals,
                    count: u64::from(people),
                    subject_hashes,
                    state: Form::Raw,
                    collected_in: None,
                })
            })
            .collect()
    };
    let transfer = |id: &str, volumes| TransferRecord {
        id: TransferId::from(id),
        exporter: "acme".to_owned(),
        counterparty: "acme-us".to_owned(),
        date: day,
        origin: "CN".to_owned(),
        destination: "US".to_owned(),
        individuals: Some(u64::from(people)),
        volumes,
        decision_json: "{}".to_owned(),
        rule_packs: vec![],
    };
    let sets = [
        CategorySet {
            name: "pi".to_owned(),
            categories: ["person.name", "contact.phone"]
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
        },
        CategorySet {
            name: "sensitive_pi".to_owned(),
            categories: ["id.cn.resident_id", "health.diagnosis"]
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
        },
    ];
    let us_sets = [CategorySet {
        name: "covered_personal_identifiers".to_owned(),
        categories: LARGE_CATEGORIES.iter().map(|c| (*c).to_owned()).collect(),
    }];
    let windows = |path: &std::path::Path| -> Result<(f64, u64, u64), StoreError> {
        // A fresh handle: nothing cached, every window counted from the tables.
        let mut fresh = Store::open(path)?;
        let timer = Instant::now();
        let (cn, us) = fresh.transaction(|tx| {
            let cn = tx.volumes(&Window::cn("acme", day), &sets)?;
            let us = tx.volumes(&Window::us("acme", "acme-us", day), &us_sets)?;
            Ok::<_, StoreError>((cn, us))
        })?;
        Ok((
            timer.elapsed().as_secs_f64() * 1e3,
            cn.sets["pi"],
            us.sets["covered_personal_identifiers"],
        ))
    };

    let handover = Instant::now();
    let a = transfer("a", to_entries(&a_hashes)?);
    let handover_a = handover.elapsed().as_secs_f64() * 1e3;
    let timer = Instant::now();
    store.record_transfer(&a)?;
    let record_a = timer.elapsed().as_secs_f64() * 1e3;
    drop(a);
    let (count_a, cn_a, us_a) = windows(&path)?;

    let b = transfer("b", to_entries(&b_hashes)?);
    let timer = Instant::now();
    let (before_cn, before_us) = store.dry_run(|tx| {
        let cn = tx.volumes_before(&Window::cn("acme", day), &sets, &b)?;
        let us = tx.volumes_before(&Window::us("acme", "acme-us", day), &us_sets, &b)?;
        Ok::<_, StoreError>((cn.sets["pi"], us.sets["covered_personal_identifiers"]))
    })?;
    let judge_b = timer.elapsed().as_secs_f64() * 1e3;
    let timer = Instant::now();
    store.record_transfer(&b)?;
    let record_b = timer.elapsed().as_secs_f64() * 1e3;
    drop(b);
    let (count_ab, cn_ab, us_ab) = windows(&path)?;

    let hashes = 4 * u64::from(people);
    println!(
        "transfer A: {people} people × 4 categories ({hashes} hashes); B: as many, half of them A's"
    );
    println!("hand A's hashes to the store (Scan's Vec<u128> → VolumeEntry): {handover_a:.0} ms");
    println!("record A (own transaction, fsync): {record_a:.0} ms");
    println!(
        "both windows after A, counted from the tables: {count_a:.0} ms (CN pi {cn_a}, US {us_a})"
    );
    println!(
        "judge B against A (volumes_before, both windows): {judge_b:.0} ms (CN pi before B {before_cn}, US {before_us})"
    );
    println!("record B (own transaction, fsync): {record_b:.0} ms");
    println!(
        "both windows after A and B, counted from the tables: {count_ab:.0} ms (CN pi {cn_ab}, US {us_ab})"
    );
    println!(
        "database size: {:.0} MB",
        std::fs::metadata(&path)?.len() as f64 / 1e6 + wal_size(&path) / 1e6
    );
    drop(store);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn wal_size(path: &std::path::Path) -> f64 {
    std::fs::metadata(format!("{}-wal", path.display())).map_or(0.0, |m| m.len() as f64)
}
