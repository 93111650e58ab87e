//! The store end to end on real database files: migrations, reopening, recording, both counting
//! windows, subject-hash deduplication, transactions, concurrency, salts, budgets and history.

#![expect(
    clippy::unwrap_used,
    reason = "tests; helpers outside `#[test]` functions unwrap too"
)]

mod common;

use std::collections::BTreeSet;

use common::{both, entry, hashed, integers, open, raw, set, transfer};
use freeport_store::{
    CollectedIn, Form, HistoryFilter, Store, StoreError, Unit, VolumeEntry, Window, latest_version,
};
use jiff::civil::date;

#[test]
fn a_new_store_is_created_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/freeport.db");
    let mut store = Store::open(&path).unwrap();
    assert!(path.exists());
    assert_eq!(store.path(), path);
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(latest_version(), 16);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let applied: Vec<(i64, String)> = conn
        .prepare("SELECT version, name FROM freeport_schema ORDER BY version")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        applied,
        [
            (1, "transfers".to_owned()),
            (2, "salts_and_budgets".to_owned()),
            (3, "log_outbox".to_owned()),
            (4, "collected_in".to_owned()),
            (5, "subject_hash_blobs".to_owned()),
            (6, "transfer_hash_runs".to_owned()),
            (7, "subject_hash_schemes".to_owned()),
            (8, "package_delivery".to_owned()),
            (9, "docket".to_owned()),
            (10, "port_outbox".to_owned()),
            (11, "contests_and_attachments".to_owned()),
            (12, "transfer_report".to_owned()),
            (13, "filing_assessment".to_owned()),
            (14, "chips".to_owned()),
            (15, "stats_studies".to_owned()),
            (16, "stats_releases".to_owned()),
        ]
    );
    let strict: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_list WHERE schema = 'main' AND strict = 0
             AND name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(strict, 0, "every table is STRICT");
}

/// New stores get 64 KiB pages (subject-hash blobs move in few page reads); a store created
/// with another page size keeps it.
#[test]
fn new_stores_use_large_pages_and_old_ones_keep_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let page_size = |path: &std::path::Path| -> i64 {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap()
    };
    let new = dir.path().join("new.db");
    drop(Store::open(&new).unwrap());
    assert_eq!(page_size(&new), 65_536);
    // A port's store asks for small pages, and keeps them when opened again.
    let small = dir.path().join("small.db");
    drop(Store::create_with(&small, freeport_store::Pages::Small).unwrap());
    drop(Store::open_existing(&small).unwrap());
    assert_eq!(page_size(&small), 4096);
    let old = dir.path().join("old.db");
    rusqlite::Connection::open(&old)
        .unwrap()
        // A store made before large pages: its schema table fixes the 4 KiB page size.
        .execute_batch(
            "PRAGMA page_size = 4096;
             CREATE TABLE freeport_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                 checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
        )
        .unwrap();
    let mut store = Store::open(&old).unwrap();
    store
        .record_transfer(&transfer(
            "1",
            "acme",
            "bob",
            date(2026, 1, 5),
            vec![hashed("person.name", 0..10)],
        ))
        .unwrap();
    drop(store);
    assert_eq!(page_size(&old), 4096);
}

both! {
fn reopening_keeps_everything_and_applies_nothing_twice(db) {
    let path = db.target();
    let salt = {
        let mut store = Store::open(path).unwrap();
        store
            .record_transfer(&transfer(
                "t1",
                "acme",
                "bob",
                date(2026, 5, 1),
                vec![entry("contact.phone", 10)],
            ))
            .unwrap();
        store.subject_salt("acme").unwrap()
    };
    let mut store = Store::open(path).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(store.subject_salt("acme").unwrap(), salt);
    let cn = store
        .volumes(&Window::cn("acme", date(2026, 5, 1)), &[])
        .unwrap();
    assert_eq!(cn.categories["contact.phone"].count, 10);
    // Each migration once (versions may have a gap a merge closes: compare with the count).
    let rows = integers(db, "SELECT COUNT(*), COUNT(DISTINCT version) FROM freeport_schema");
    let known = i64::try_from(freeport_store::migration_count()).unwrap();
    assert_eq!(rows, [[known, known]]);
}
}

both! {
fn a_newer_schema_is_refused_with_the_path(db) {
    let path = std::path::PathBuf::from(db.target());
    drop(Store::open(&path).unwrap());
    raw(
        db,
        "INSERT INTO freeport_schema VALUES (99, 'from_the_future', 'x', '2030-01-01T00:00:00Z')",
    )
    .unwrap();
    let error = Store::open(&path).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::SchemaTooNew {
                found: 99,
                known: 16,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("schema version 99"), "{message}");
    // A reading opener refuses it too, and so does one that needs an existing store.
    for error in [
        Store::open_for_reading(&path).unwrap_err(),
        Store::open_existing(&path).unwrap_err(),
    ] {
        assert!(matches!(error, StoreError::SchemaTooNew { found: 99, .. }), "{error:?}");
    }
}
}

both! {
fn an_edited_migration_is_refused(db) {
    let path = db.target();
    drop(Store::open(path).unwrap());
    raw(
        db,
        "UPDATE freeport_schema SET checksum = 'edited' WHERE version = 1",
    )
    .unwrap();
    let error = Store::open(path).unwrap_err();
    assert!(
        matches!(error, StoreError::MigrationChanged { version: 1, .. }),
        "{error:?}"
    );
}
}

both! {
fn the_china_window_resets_on_1_january(db) {
    let mut store = open(db);
    for (id, day, n) in [
        ("a", date(2025, 12, 31), 70_000),
        ("b", date(2026, 1, 1), 40_000),
        ("c", date(2026, 7, 1), 60_000),
    ] {
        store
            .record_transfer(&transfer(
                id,
                "acme",
                "bob",
                day,
                vec![entry("person.name", n)],
            ))
            .unwrap();
    }
    let count = |store: &mut Store, day| {
        store
            .volumes(&Window::cn("acme", day), &[set("pi", &["person.name"])])
            .unwrap()
    };
    let dec31 = count(&mut store, date(2025, 12, 31));
    assert_eq!(dec31.sets["pi"], 70_000);
    assert_eq!(dec31.window.from, date(2025, 1, 1));
    let jan1 = count(&mut store, date(2026, 1, 1));
    assert_eq!(jan1.sets["pi"], 40_000, "1 January starts a new count");
    assert_eq!(jan1.transfers, 1);
    let jun30 = count(&mut store, date(2026, 6, 30));
    assert_eq!(jun30.sets["pi"], 40_000, "later transfers do not count yet");
    let jul1 = count(&mut store, date(2026, 7, 1));
    assert_eq!(
        jul1.sets["pi"], 100_000,
        "the transfer's own date is included"
    );
    assert_eq!(jul1.categories["person.name"].count, 100_000);
}
}

both! {
fn the_us_window_is_twelve_months_ending_on_the_date(db) {
    let mut store = open(db);
    store
        .record_transfer(&transfer(
            "old",
            "acme-us",
            "vendor-cn",
            date(2025, 6, 15),
            vec![entry("health.diagnosis", 6_000)],
        ))
        .unwrap();
    store
        .record_transfer(&transfer(
            "new",
            "acme-us",
            "vendor-cn",
            date(2026, 6, 15),
            vec![entry("health.diagnosis", 4_001)],
        ))
        .unwrap();
    let us = |store: &mut Store, day| {
        store
            .volumes(&Window::us("acme-us", "vendor-cn", day), &[])
            .unwrap()
            .categories
            .get("health.diagnosis")
            .map_or(0, |v| v.count)
    };
    // Twelve months to the day later, the old transfer is still in the window (its first day
    // counts): 10,001 is "more than 10,000" ...
    assert_eq!(us(&mut store, date(2026, 6, 15)), 10_001);
    let window = Window::us("acme-us", "vendor-cn", date(2026, 6, 15));
    assert_eq!(
        (window.from, window.to),
        (date(2025, 6, 15), date(2026, 6, 15))
    );
    // ... the next day it has left; a transfer dated after the window's end does not count.
    store
        .record_transfer(&transfer(
            "eve",
            "acme-us",
            "vendor-cn",
            date(2026, 6, 16),
            vec![entry("health.diagnosis", 1)],
        ))
        .unwrap();
    assert_eq!(us(&mut store, date(2026, 6, 16)), 4_002);
    assert_eq!(us(&mut store, date(2026, 6, 14)), 6_000);
    assert_eq!(us(&mut store, date(2025, 6, 15)), 6_000);
    assert_eq!(us(&mut store, date(2025, 6, 14)), 0);
}
}

both! {
fn the_us_window_across_a_leap_day(db) {
    let mut store = open(db);
    for (id, day) in [
        ("feb28-2023", date(2023, 2, 28)),
        ("mar1-2023", date(2023, 3, 1)),
        ("feb29-2024", date(2024, 2, 29)),
    ] {
        store
            .record_transfer(&transfer(
                id,
                "x",
                "y",
                day,
                vec![entry("location.precise", 1)],
            ))
            .unwrap();
    }
    let ids_in = |store: &mut Store, day| {
        store
            .volumes(&Window::us("x", "y", day), &[])
            .unwrap()
            .transfers
    };
    // 2024-02-29 looks back to [2023-02-28, 2024-02-29] (no 29 February 2023): all three.
    assert_eq!(ids_in(&mut store, date(2024, 2, 29)), 3);
    // 2024-02-28 looks back to [2023-02-28, 2024-02-28]: both 2023 transfers.
    assert_eq!(ids_in(&mut store, date(2024, 2, 28)), 2);
    // 2025-02-28 looks back to [2024-02-28, 2025-02-28]: the leap day is in.
    assert_eq!(ids_in(&mut store, date(2025, 2, 28)), 1);
    // 2025-03-01 looks back to [2024-03-01, 2025-03-01]: the leap day is out.
    assert_eq!(ids_in(&mut store, date(2025, 3, 1)), 0);
}
}

both! {
fn each_country_counts_the_data_collected_on_its_side(db) {
    let mut store = open(db);
    let day = date(2026, 5, 1);
    let from = |category: &str, count, collected_in| VolumeEntry {
        collected_in,
        ..entry(category, count)
    };
    // HR data on staff in both countries, some of unknown origin, some from a third country.
    store
        .record_transfer(&transfer(
            "hr",
            "group",
            "sub",
            day,
            vec![
                from("person.name", 300, Some(CollectedIn::Cn)),
                from("person.name", 40, Some(CollectedIn::Us)),
                from("person.name", 5, Some(CollectedIn::Other)),
                from("person.name", 2, None),
            ],
        ))
        .unwrap();
    let count = |store: &mut Store, window: &Window| {
        store.volumes(window, &[]).unwrap().categories["person.name"].count
    };
    assert_eq!(count(&mut store, &Window::cn("group", day)), 302);
    assert_eq!(count(&mut store, &Window::us("group", "sub", day)), 42);
    let mut everywhere = Window::cn("group", day);
    everywhere.collected_in = None;
    assert_eq!(count(&mut store, &everywhere), 347);
    // One category may come from both sides in one transfer, but not twice from one side.
    let twice = transfer(
        "twice",
        "group",
        "sub",
        day,
        vec![
            from("person.name", 1, Some(CollectedIn::Cn)),
            from("person.name", 2, Some(CollectedIn::Cn)),
        ],
    );
    let error = store.record_transfer(&twice).unwrap_err();
    assert!(error.to_string().contains("collected in `cn`"), "{error}");
}
}

both! {
fn volumes_before_a_transfer_leave_its_people_to_it(db) {
    let mut store = open(db);
    let day = date(2026, 4, 1);
    store
        .record_transfer(&transfer(
            "first",
            "acme",
            "bob",
            day,
            vec![hashed("person.name", 0..100), entry("contact.email", 7)],
        ))
        .unwrap();
    // The next transfer sends 50 of the same people again and 50 new ones.
    let next = transfer(
        "next",
        "acme",
        "bob",
        day,
        vec![hashed("person.name", 50..150), entry("contact.email", 3)],
    );
    let sets = [set("people", &["person.name", "contact.email"])];
    let window = Window::cn("acme", day);
    let (before, plain) = store
        .dry_run(|tx| {
            let before = tx.volumes_before(&window, &sets, &next)?;
            let plain = tx.volumes(&window, &sets)?;
            Ok::<_, StoreError>((before, plain))
        })
        .unwrap();
    // 50 people only the first transfer had, plus 7 unhashed: the judge adds the next
    // transfer's 100 + 3 for the distinct total of 160.
    assert_eq!(before.categories["person.name"].count, 50);
    assert_eq!(before.categories["contact.email"].count, 7);
    assert_eq!(before.sets["people"], 57);
    assert_eq!(before.transfers, 1);
    // Nothing of the next transfer stayed behind, and the plain window is unchanged.
    assert_eq!(plain.categories["person.name"].count, 100);
    assert_eq!(plain.sets["people"], 107);
    assert_eq!(store.volumes(&window, &sets).unwrap(), plain);
    // Its id may even be recorded already (judging a transfer again).
    store.record_transfer(&next).unwrap();
    let again = store
        .dry_run(|tx| tx.volumes_before(&window, &sets, &next))
        .unwrap();
    assert_eq!(again.categories["person.name"].count, 50);
    assert_eq!(again.transfers, 2);
}
}

both! {
fn the_us_window_is_per_counterparty_and_china_per_exporter(db) {
    let mut store = open(db);
    let day = date(2026, 3, 3);
    store
        .record_transfer(&transfer(
            "1",
            "acme",
            "p",
            day,
            vec![entry("contact.email", 600)],
        ))
        .unwrap();
    store
        .record_transfer(&transfer(
            "2",
            "acme",
            "q",
            day,
            vec![entry("contact.email", 500)],
        ))
        .unwrap();
    store
        .record_transfer(&transfer(
            "3",
            "other",
            "p",
            day,
            vec![entry("contact.email", 900)],
        ))
        .unwrap();
    let us_p = store.volumes(&Window::us("acme", "p", day), &[]).unwrap();
    assert_eq!(us_p.categories["contact.email"].count, 600);
    let cn = store.volumes(&Window::cn("acme", day), &[]).unwrap();
    assert_eq!(cn.categories["contact.email"].count, 1_100);
}
}

both! {
fn subject_hashes_count_a_person_once_across_transfers_and_categories(db) {
    let mut store = open(db);
    let day = date(2026, 2, 1);
    store
        .record_transfer(&transfer(
            "1",
            "acme",
            "bob",
            day,
            vec![
                hashed("person.name", 0..100),
                hashed("health.diagnosis", 0..10),
            ],
        ))
        .unwrap();
    store
        .record_transfer(&transfer(
            "2",
            "acme",
            "bob",
            day,
            vec![
                hashed("person.name", 50..150),
                hashed("contact.phone", 140..160),
            ],
        ))
        .unwrap();
    let sets = [
        set("pi", &["person.name", "contact.phone", "health.diagnosis"]),
        set("sensitive_pi", &["health.diagnosis"]),
    ];
    let cn = store.volumes(&Window::cn("acme", day), &sets).unwrap();
    assert_eq!(cn.categories["person.name"].count, 150);
    assert_eq!(cn.categories["contact.phone"].count, 20);
    assert_eq!(cn.categories["health.diagnosis"].count, 10);
    assert_eq!(cn.sets["pi"], 160, "people 0..160, each once");
    assert_eq!(cn.sets["sensitive_pi"], 10);
}
}

both! {
/// A transfer's hashes are stored in blobs of at most 65,536; one that needs two still counts
/// exactly, against itself and other transfers.
fn hashes_beyond_one_blob_count_exactly(db) {
    let mut store = open(db);
    let day = date(2026, 2, 1);
    store
        .record_transfer(&transfer(
            "1",
            "acme",
            "bob",
            day,
            vec![hashed("person.name", 0..70_000)],
        ))
        .unwrap();
    let next = transfer(
        "2",
        "acme",
        "bob",
        day,
        vec![
            hashed("person.name", 35_000..105_000),
            hashed("contact.phone", 69_990..70_010),
        ],
    );
    let sets = [set("pi", &["person.name", "contact.phone"])];
    let window = Window::cn("acme", day);
    let before = store
        .dry_run(|tx| tx.volumes_before(&window, &sets, &next))
        .unwrap();
    assert_eq!(before.sets["pi"], 35_000);
    store.record_transfer(&next).unwrap();
    let cn = store.volumes(&window, &sets).unwrap();
    assert_eq!(cn.categories["person.name"].count, 105_000);
    assert_eq!(cn.categories["contact.phone"].count, 20);
    assert_eq!(cn.sets["pi"], 105_000);
    let blobs = integers(
        db,
        "SELECT chunk, length(hashes) / 16 FROM transfer_hashes
         WHERE transfer = (SELECT MIN(seq) FROM transfer) ORDER BY chunk",
    );
    assert_eq!(blobs, [[0, 65_536], [1, 70_000 - 65_536]]);
}
}

both! {
/// A membership bitmap that does not fit its transfer's run, or selects another number of
/// hashes than the entry says it has, is reported as corruption, not counted.
fn a_damaged_membership_bitmap_is_reported_not_counted(db) {
    let mut store = open(db);
    let day = date(2026, 2, 1);
    store
        .record_transfer(&transfer(
            "1",
            "acme",
            "bob",
            day,
            vec![
                hashed("person.name", 0..100),
                hashed("contact.phone", 0..10),
            ],
        ))
        .unwrap();
    let sets = [set("pi", &["person.name", "contact.phone"])];
    let window = Window::cn("acme", day);
    assert_eq!(store.volumes(&window, &sets).unwrap().sets["pi"], 100);
    for (bitmap, says) in [("ffffff".to_owned(), "does not fit"), ("00".repeat(13), "holds 0")] {
        let value = if db.is_postgres() {
            format!("decode('{bitmap}', 'hex')")
        } else {
            format!("X'{bitmap}'")
        };
        raw(
            db,
            &format!("UPDATE entry_members SET members = {value} WHERE members IS NOT NULL"),
        )
        .unwrap();
        let mut reopened = Store::open(db.target()).unwrap();
        let error = reopened.volumes(&window, &sets).unwrap_err();
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
        assert!(format!("{error:?}").contains(says), "{error:?}");
    }
}
}

both! {
fn without_hashes_counts_add_up_and_individuals_cap_a_transfer(db) {
    let mut store = open(db);
    let day = date(2026, 4, 1);
    // Same 1,000 people twice, but nothing proves it: counted twice.
    store
        .record_transfer(&transfer(
            "1",
            "acme",
            "bob",
            day,
            vec![entry("person.name", 1_000)],
        ))
        .unwrap();
    store
        .record_transfer(&transfer(
            "2",
            "acme",
            "bob",
            day,
            vec![entry("person.name", 1_000)],
        ))
        .unwrap();
    // Two categories of one transfer without `individuals`: summed across the set.
    store
        .record_transfer(&transfer(
            "3",
            "acme",
            "bob",
            day,
            vec![entry("contact.phone", 300), entry("contact.email", 200)],
        ))
        .unwrap();
    // With `individuals`, one transfer adds at most that many people to a set.
    let mut capped = transfer(
        "4",
        "acme",
        "bob",
        day,
        vec![entry("contact.phone", 300), entry("contact.email", 200)],
    );
    capped.individuals = Some(320);
    store.record_transfer(&capped).unwrap();
    // Partly hashed: 5 hashed people + 3 unhashed, capped at 6 individuals for the transfer.
    let mut partly = transfer(
        "5",
        "acme",
        "bob",
        day,
        vec![hashed("id.cn.resident_id", 0..5)],
    );
    partly.volumes[0].count = 8;
    partly.individuals = Some(8);
    store.record_transfer(&partly).unwrap();

    let sets = [
        set("contacts", &["contact.phone", "contact.email"]),
        set("ids", &["id.cn.resident_id"]),
        set("empty", &[]),
        set("absent", &["genetic.sequence"]),
    ];
    let cn = store.volumes(&Window::cn("acme", day), &sets).unwrap();
    assert_eq!(cn.categories["person.name"].count, 2_000);
    assert_eq!(cn.categories["contact.phone"].count, 600);
    assert_eq!(cn.categories["contact.email"].count, 400);
    assert_eq!(cn.sets["contacts"], 500 + 320);
    assert_eq!(cn.sets["ids"], 8);
    assert_eq!(cn.categories["id.cn.resident_id"].count, 8);
    assert_eq!(cn.sets["empty"], 0);
    assert_eq!(cn.sets["absent"], 0);
    assert_eq!(cn.transfers, 5);
}
}

both! {
fn anonymised_data_counts_for_the_us_only_and_devices_keep_their_unit(db) {
    let mut store = open(db);
    let day = date(2026, 9, 9);
    let mut anonymised = entry("health.diagnosis", 5_000);
    anonymised.state = Form::Anonymised;
    let mut pseudonymised = entry("health.diagnosis", 700);
    pseudonymised.state = Form::Pseudonymised;
    let mut devices = entry("location.precise", 1_001);
    devices.unit = Unit::Devices;
    store
        .record_transfer(&transfer(
            "1",
            "acme",
            "bob",
            day,
            vec![anonymised, pseudonymised, devices],
        ))
        .unwrap();
    let cn = store.volumes(&Window::cn("acme", day), &[]).unwrap();
    assert_eq!(cn.categories["health.diagnosis"].count, 700);
    let us = store.volumes(&Window::us("acme", "bob", day), &[]).unwrap();
    assert_eq!(us.categories["health.diagnosis"].count, 5_700);
    assert_eq!(us.categories["location.precise"].unit, Unit::Devices);
    assert_eq!(us.categories["location.precise"].count, 1_001);

    // The unit of a category is fixed once recorded.
    let mut as_people = transfer("2", "acme", "bob", day, vec![entry("location.precise", 3)]);
    as_people.volumes[0].unit = Unit::Individuals;
    let error = store.record_transfer(&as_people).unwrap_err();
    assert!(error.to_string().contains("volumes[0].unit"), "{error}");
}
}

both! {
fn a_transfer_id_is_recorded_once(db) {
    let mut store = open(db);
    let record = transfer(
        "t",
        "acme",
        "bob",
        date(2026, 1, 5),
        vec![entry("person.name", 5)],
    );
    store.record_transfer(&record).unwrap();
    let error = store.record_transfer(&record).unwrap_err();
    assert!(
        matches!(error, StoreError::DuplicateTransfer { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("`t` is already recorded"), "{message}");
    let shown = store.path().display().to_string();
    assert!(message.contains(&shown), "{message}");
    let cn = store
        .volumes(&Window::cn("acme", date(2026, 1, 5)), &[])
        .unwrap();
    assert_eq!(cn.categories["person.name"].count, 5);
}
}

both! {
fn invalid_records_name_the_field(db) {
    let mut store = open(db);
    let day = date(2026, 1, 5);
    let mut too_many_hashes = transfer("a", "acme", "bob", day, vec![hashed("person.name", 0..3)]);
    too_many_hashes.volumes[0].count = 2;
    let twice = transfer(
        "b",
        "acme",
        "bob",
        day,
        vec![entry("person.name", 1), entry("person.name", 2)],
    );
    let mut country = transfer("c", "acme", "bob", day, vec![]);
    country.destination = "USA".to_owned();
    let mut few = transfer("d", "acme", "bob", day, vec![entry("person.name", 10)]);
    few.individuals = Some(9);
    let empty = transfer("e", " ", "bob", day, vec![]);
    for (record, field) in [
        (too_many_hashes, "volumes[0].subject_hashes"),
        (twice, "volumes[1].category"),
        (country, "destination"),
        (few, "individuals"),
        (empty, "exporter"),
    ] {
        let error = store.record_transfer(&record).unwrap_err();
        assert!(
            matches!(&error, StoreError::InvalidTransfer(e) if e.field == field),
            "{field}: {error:?}"
        );
    }
    assert!(
        store
            .history(&HistoryFilter::default(), &[])
            .unwrap()
            .is_empty()
    );
}
}

both! {
fn a_failed_transaction_records_nothing(db) {
    let mut store = open(db);
    let day = date(2026, 8, 8);
    let result: Result<(), StoreError> = store.transaction(|tx| {
        tx.record_transfer(&transfer(
            "t",
            "acme",
            "bob",
            day,
            vec![entry("person.name", 9)],
        ))?;
        tx.subject_salt("acme")?;
        // Inside the transaction, the record is visible ...
        let cn = tx.volumes(&Window::cn("acme", day), &[])?;
        assert_eq!(cn.categories["person.name"].count, 9);
        // ... then the caller's own work (a log append) fails.
        Err(StoreError::NoDataDir)
    });
    assert!(result.is_err());
    assert!(
        store
            .history(&HistoryFilter::default(), &[])
            .unwrap()
            .is_empty()
    );
    let cn = store.volumes(&Window::cn("acme", day), &[]).unwrap();
    assert_eq!(cn.transfers, 0);

    // A record that fails half-way (after its first category's unit is written) leaves nothing.
    let mut devices = entry("location.precise", 5);
    devices.unit = Unit::Devices;
    store
        .record_transfer(&transfer("ok", "acme", "bob", day, vec![devices]))
        .unwrap();
    let half = transfer(
        "half",
        "acme",
        "bob",
        day,
        vec![entry("new.category", 1), entry("location.precise", 1)],
    );
    store.record_transfer(&half).unwrap_err();
    let mut as_devices = entry("new.category", 1);
    as_devices.unit = Unit::Devices;
    store
        .record_transfer(&transfer("later", "acme", "bob", day, vec![as_devices]))
        .expect("`new.category` got no unit from the failed record");

    // A panic inside the closure rolls back too.
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: Result<(), StoreError> = store.transaction(|tx| {
            tx.record_transfer(&transfer("p", "acme", "bob", day, vec![]))?;
            panic!("caller bug");
        });
    }));
    assert!(panicked.is_err());
    let ids: Vec<String> = store
        .history(&HistoryFilter::default(), &[])
        .unwrap()
        .into_iter()
        .map(|h| h.transfer.id.0)
        .collect();
    assert_eq!(ids, ["ok", "later"]);
}
}

both! {
fn concurrent_openers_and_writers_all_succeed(db) {
    let path = std::path::PathBuf::from(db.target());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                for i in 0..10 {
                    store
                        .record_transfer(&transfer(
                            &format!("t{t}-{i}"),
                            "acme",
                            "bob",
                            date(2026, 5, 5),
                            vec![hashed("person.name", [t * 100 + i, 9_999])],
                        ))
                        .unwrap();
                }
                store.subject_salt("shared").unwrap()
            })
        })
        .collect();
    let salts: BTreeSet<[u8; 32]> = threads
        .into_iter()
        .map(|t| t.join().unwrap().bytes)
        .collect();
    assert_eq!(salts.len(), 1, "one salt per exporter, whoever asks first");
    let mut store = Store::open(&path).unwrap();
    let cn = store
        .volumes(&Window::cn("acme", date(2026, 5, 5)), &[])
        .unwrap();
    assert_eq!(cn.transfers, 40);
    assert_eq!(
        cn.categories["person.name"].count, 41,
        "40 people + the shared one"
    );
}
}

both! {
fn salts_are_per_exporter_random_and_stable(db) {
    let mut store = open(db);
    let a = store.subject_salt("a").unwrap();
    let b = store.subject_salt("b").unwrap();
    assert_ne!(a, b);
    assert_ne!(a.bytes, [0; 32]);
    assert_eq!(store.subject_salt("a").unwrap(), a);
    // New salts hash with keyed SipHash-2-4, as Scan does with the same salt and scheme.
    assert_eq!(a.scheme, freeport_store::HashScheme::SipHash24);
    let h = freeport_store::subject_hash(&a, b"person-1");
    assert_eq!(
        h,
        freeport_store::subject_hash(&store.subject_salt("a").unwrap(), b"person-1")
    );
    assert_ne!(h, freeport_store::subject_hash(&b, b"person-1"));
}
}

both! {
/// A salt's scheme is one of the two the store knows; anything else is refused by the schema.
fn a_salt_scheme_is_one_the_store_knows(db) {
    let _salt = open(db).subject_salt("a").unwrap();
    let refused = raw(db, "UPDATE subject_salt SET scheme = 'md5' WHERE exporter = 'a'");
    assert!(refused.is_err(), "the schema admits only the two schemes");
}
}

both! {
fn budgets_refuse_to_overdraw_and_account_exactly(db) {
    let mut store = open(db);
    let error = store.spend_budget("adult", 0.1, 0.0, "count").unwrap_err();
    assert!(matches!(error, StoreError::NoBudget { .. }), "{error:?}");
    store.set_budget("adult", 1.0, 1e-6).unwrap();
    for i in 0..10 {
        store
            .spend_budget("adult", 0.1, 1e-7, &format!("release {i}"))
            .unwrap();
    }
    let budget = store.budget("adult").unwrap().unwrap();
    assert_eq!(budget.spends, 10);
    assert!((budget.epsilon_spent - 1.0).abs() < 1e-12);
    let error = store
        .spend_budget("adult", 1e-9, 0.0, "one more")
        .unwrap_err();
    assert!(matches!(error, StoreError::BudgetExceeded(_)), "{error:?}");
    assert!(error.to_string().contains("`adult`"), "{error}");
    assert_eq!(store.budget("adult").unwrap().unwrap().spends, 10);

    store.set_budget("other", 0.3, 0.0).unwrap();
    store.spend_budget("other", 0.1, 0.0, "a").unwrap();
    store.spend_budget("other", 0.2, 0.0, "b").unwrap();
    store
        .spend_budget("other", 0.0, 1e-30, "any delta at all")
        .unwrap_err();
    let error = store.set_budget("other", 0.2, 0.0).unwrap_err();
    assert!(matches!(error, StoreError::InvalidBudget(_)), "{error:?}");
    let error = store.spend_budget("other", -1.0, 0.0, "x").unwrap_err();
    assert!(matches!(error, StoreError::InvalidBudget(_)), "{error:?}");
    assert!(store.budget("missing").unwrap().is_none());
}
}

both! {
fn concurrent_spenders_never_overdraw(db) {
    let path = std::path::PathBuf::from(db.target());
    Store::open(&path)
        .unwrap()
        .set_budget("d", 1.0, 0.0)
        .unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                (0..10)
                    .filter(|_| store.spend_budget("d", 0.07, 0.0, "q").is_ok())
                    .count()
            })
        })
        .collect();
    let granted: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(granted, 14, "floor(1.0 / 0.07) spends fit");
    let budget = Store::open(&path).unwrap().budget("d").unwrap().unwrap();
    assert!(budget.epsilon_spent <= 1.0);
}
}

both! {
fn history_lists_transfers_with_both_windows(db) {
    let mut store = open(db);
    store
        .record_transfer(&transfer(
            "t2",
            "acme",
            "q",
            date(2026, 3, 1),
            vec![hashed("person.name", 0..4)],
        ))
        .unwrap();
    store
        .record_transfer(&transfer(
            "t1",
            "acme",
            "p",
            date(2026, 1, 1),
            vec![hashed("person.name", 2..8)],
        ))
        .unwrap();
    store
        .record_transfer(&transfer(
            "t3",
            "other",
            "p",
            date(2026, 2, 1),
            vec![entry("person.name", 1)],
        ))
        .unwrap();
    let pi = [set("pi", &["person.name"])];
    let all = store.history(&HistoryFilter::default(), &pi).unwrap();
    let ids: Vec<&str> = all.iter().map(|h| h.transfer.id.as_str()).collect();
    assert_eq!(ids, ["t1", "t3", "t2"], "by date");
    let acme = store
        .history(
            &HistoryFilter {
                exporter: Some("acme".to_owned()),
                counterparty: None,
            },
            &pi,
        )
        .unwrap();
    assert_eq!(acme.len(), 2);
    // t2: China counts acme's people 0..8 since 1 January; the US pair (acme, q) only 0..4.
    assert_eq!(acme[1].cn.sets["pi"], 8);
    assert_eq!(acme[1].us.categories["person.name"].count, 4);
    assert_eq!(acme[1].transfer.volumes[0].hashed, 4);
    assert_eq!(acme[1].transfer.rule_packs.len(), 2);
    let to_p = store
        .history(
            &HistoryFilter {
                exporter: None,
                counterparty: Some("p".to_owned()),
            },
            &pi,
        )
        .unwrap();
    assert_eq!(to_p.len(), 2);
}
}

mod windowed_counts_match_a_naive_computation {
    use std::collections::{BTreeMap, BTreeSet};

    use freeport_store::{
        CategorySet, CollectedIn, Form, SubjectHashes, TransferRecord, Unit, VolumeEntry, Window,
    };
    use jiff::ToSpan;
    use jiff::civil::{Date, date};
    use proptest::prelude::*;

    use super::common::{case_dbs, hash, open, set, transfer};

    const CATEGORIES: [(&str, Unit); 3] = [
        ("c1", Unit::Individuals),
        ("c2", Unit::Individuals),
        ("geo", Unit::Devices),
    ];

    fn day(offset: i64) -> Date {
        date(2025, 1, 1).checked_add(offset.days()).unwrap()
    }

    /// One generated transfer: parties, day, per category (state + 3 × place of collection,
    /// hashed people, unhashed extra),
    /// and an optional slack above the smallest valid `individuals`.
    type Spec = (
        usize,
        usize,
        i64,
        Vec<Option<(u8, BTreeSet<u32>, u64)>>,
        Option<u64>,
    );

    fn spec() -> impl Strategy<Value = Spec> {
        (
            0..2_usize,
            0..2_usize,
            0..760_i64,
            proptest::collection::vec(
                proptest::option::weighted(
                    0.8,
                    (
                        0..12_u8,
                        proptest::collection::btree_set(0..25_u32, 0..8),
                        0..4_u64,
                    ),
                ),
                3,
            ),
            proptest::option::weighted(0.7, 0..3_u64),
        )
    }

    fn build(i: usize, spec: &Spec) -> TransferRecord {
        let (exporter, counterparty, offset, entries, slack) = spec;
        let mut volumes = Vec::new();
        for ((category, unit), generated) in CATEGORIES.iter().zip(entries) {
            let Some((state, people, extra)) = generated else {
                continue;
            };
            let subject_hashes: SubjectHashes = people.iter().copied().map(hash).collect();
            volumes.push(VolumeEntry {
                category: (*category).to_owned(),
                unit: *unit,
                count: subject_hashes.len() as u64 + extra,
                subject_hashes,
                state: [Form::Raw, Form::Pseudonymised, Form::Anonymised][usize::from(*state % 3)],
                collected_in: [
                    Some(CollectedIn::Cn),
                    Some(CollectedIn::Us),
                    Some(CollectedIn::Other),
                    None,
                ][usize::from(*state / 3)],
            });
        }
        let mut record = transfer(
            &format!("t{i}"),
            ["e0", "e1"][*exporter],
            ["p0", "p1"][*counterparty],
            day(*offset),
            volumes,
        );
        record.individuals = slack.map(|slack| {
            let people = record
                .volumes
                .iter()
                .filter(|e| e.unit == Unit::Individuals);
            let most = people.clone().map(|e| e.count).max().unwrap_or(0);
            let hashed: BTreeSet<_> = people.flat_map(|e| e.subject_hashes.iter()).collect();
            most.max(hashed.len() as u64) + slack
        });
        record
    }

    /// The counting rule of the crate docs, over plain vectors.
    fn naive(records: &[TransferRecord], window: &Window, categories: &BTreeSet<String>) -> u64 {
        let mut union = BTreeSet::new();
        let mut unhashed = 0;
        for r in records {
            let inside = r.exporter == window.exporter
                && window
                    .counterparty
                    .as_ref()
                    .is_none_or(|c| *c == r.counterparty)
                && r.date >= window.from
                && r.date <= window.to;
            if !inside {
                continue;
            }
            let entries: Vec<&VolumeEntry> = r
                .volumes
                .iter()
                .filter(|e| categories.contains(&e.category))
                .filter(|e| window.include_anonymised || e.state != Form::Anonymised)
                .filter(|e| {
                    window
                        .collected_in
                        .is_none_or(|c| e.collected_in.is_none_or(|place| place == c))
                })
                .collect();
            let mut people_hashes = BTreeSet::new();
            let (mut people, mut devices) = (0, 0);
            for e in &entries {
                union.extend(e.subject_hashes.iter().copied());
                let rest = e.count - e.subject_hashes.len() as u64;
                if e.unit == Unit::Individuals {
                    people += rest;
                    people_hashes.extend(e.subject_hashes.iter().copied());
                } else {
                    devices += rest;
                }
            }
            let people = match r.individuals {
                Some(n) => people.min(n.saturating_sub(people_hashes.len() as u64)),
                None => people,
            };
            unhashed += people + devices;
        }
        union.len() as u64 + unhashed
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn store_equals_naive(
            specs in proptest::collection::vec(spec(), 0..16),
            at in 0..800_i64,
            exporter in 0..2_usize,
            counterparty in 0..2_usize,
        ) {
            for db in case_dbs() {
            let mut store = open(&db);
            let records: Vec<TransferRecord> =
                specs.iter().enumerate().map(|(i, s)| build(i, s)).collect();
            store
                .transaction(|tx| {
                    for r in &records {
                        tx.record_transfer(r)?;
                    }
                    Ok::<_, freeport_store::StoreError>(())
                })
                .unwrap();
            let sets: Vec<CategorySet> = vec![
                set("people", &["c1", "c2"]),
                set("all", &["c1", "c2", "geo"]),
                set("geo", &["geo"]),
            ];
            let exporter = ["e0", "e1"][exporter];
            // The same database read through SQLite queries only, without the exporters' index.
            let mut sql_only = freeport_store::Store::open(store.path()).unwrap().with_window_index(false);
            // An exporter is indexed once looked up in a third transaction: every window below
            // is counted from the index (answers from it are not cached).
            for offset in 0..3 {
                store.volumes(&Window::cn(exporter, day(offset)), &[]).unwrap();
            }
            for window in [
                Window::cn(exporter, day(at)),
                Window::us(exporter, ["p0", "p1"][counterparty], day(at)),
            ] {
                let volumes = store.volumes(&window, &sets).unwrap();
                prop_assert_eq!(&volumes, &sql_only.volumes(&window, &sets).unwrap());
                for s in &sets {
                    prop_assert_eq!(volumes.sets[&s.name], naive(&records, &window, &s.categories));
                }
                let mut expected = BTreeMap::new();
                for (category, _) in CATEGORIES {
                    let one: BTreeSet<String> = [category.to_owned()].into();
                    let present = records.iter().any(|r| {
                        r.exporter == window.exporter
                            && window.counterparty.as_ref().is_none_or(|c| *c == r.counterparty)
                            && r.date >= window.from
                            && r.date <= window.to
                            && r.volumes.iter().any(|e| {
                                e.category == category
                                    && (window.include_anonymised || e.state != Form::Anonymised)
                                    && window.collected_in.is_none_or(|c| {
                                        e.collected_in.is_none_or(|place| place == c)
                                    })
                            })
                    });
                    if present {
                        expected.insert(category.to_owned(), naive(&records, &window, &one));
                    }
                }
                let got: BTreeMap<String, u64> =
                    volumes.categories.iter().map(|(c, v)| (c.clone(), v.count)).collect();
                prop_assert_eq!(got, expected);
            }
            }
        }

        /// A handle that keeps its exporters' index across its own commits (inserting what it
        /// recorded) and reads it inside a transaction that recorded (adding the transaction's
        /// own transfers) counts exactly as SQLite alone and as the naive count: transfers
        /// recorded in batches of several per transaction, windows read between and inside.
        #[test]
        fn an_index_kept_across_commits_counts_as_sqlite(
            specs in proptest::collection::vec(spec(), 1..16),
            hashless in proptest::collection::vec(any::<bool>(), 16),
            batch in 1..5_usize,
            at in 0..800_i64,
            exporter in 0..2_usize,
            counterparty in 0..2_usize,
        ) {
            for db in case_dbs() {
            let mut store = open(&db);
            let mut sql_only = freeport_store::Store::open(store.path()).unwrap().with_window_index(false);
            // Some transfers without subject hashes (the same people counted as unknown): the
            // store adds those to the answers it keeps instead of counting again.
            let records: Vec<TransferRecord> = specs
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let mut record = build(i, s);
                    if hashless[i] {
                        for entry in &mut record.volumes {
                            entry.subject_hashes.clear();
                        }
                    }
                    record
                })
                .collect();
            let exporter = ["e0", "e1"][exporter];
            let sets: Vec<CategorySet> = vec![set("people", &["c1", "c2"]), set("geo", &["geo"])];
            let windows = [
                Window::cn(exporter, day(at)),
                Window::us(exporter, ["p0", "p1"][counterparty], day(at)),
            ];
            // Indexed from the third transaction that looks the exporter up.
            for offset in 0..3 {
                store.volumes(&Window::cn(exporter, day(offset)), &[]).unwrap();
            }
            let mut done = 0;
            for chunk in records.chunks(batch) {
                let inside: Vec<(String, u64, u64)> = store
                    .transaction(|tx| {
                        let mut seen = Vec::new();
                        for record in chunk {
                            tx.record_transfer(record)?;
                            done += 1;
                            for window in &windows {
                                for s in &sets {
                                    let got = tx.volumes(window, std::slice::from_ref(s))?.sets[&s.name];
                                    seen.push((s.name.clone(), got, naive(&records[..done], window, &s.categories)));
                                }
                                // The kept answer for all the sets, plus this transaction's own.
                                let all = tx.volumes(window, &sets)?;
                                for s in &sets {
                                    seen.push((format!("{} of all", s.name), all.sets[&s.name], naive(&records[..done], window, &s.categories)));
                                }
                            }
                        }
                        Ok::<_, freeport_store::StoreError>(seen)
                    })
                    .unwrap();
                for (set, got, expected) in inside {
                    prop_assert_eq!(got, expected, "set {} inside a transaction", set);
                }
                for window in &windows {
                    prop_assert_eq!(
                        store.volumes(window, &sets).unwrap(),
                        sql_only.volumes(window, &sets).unwrap()
                    );
                    // What a transfer without hashes finds before it, read from the kept answer:
                    // the stored window (nobody can be matched), as the naive count has it.
                    let mut probe = build(99, &specs[0]);
                    probe.exporter = window.exporter.clone();
                    for entry in &mut probe.volumes {
                        entry.subject_hashes.clear();
                    }
                    let before = store
                        .transaction(|tx| tx.volumes_before(window, &sets, &probe))
                        .unwrap();
                    for s in &sets {
                        prop_assert_eq!(before.sets[&s.name], naive(&records[..done], window, &s.categories));
                    }
                }
            }
            }
        }

        #[test]
        fn fully_hashed_counts_are_exact_and_unhashed_never_undercount(
            transfers in proptest::collection::vec(proptest::collection::btree_set(0..40_u32, 0..15), 1..8),
        ) {
            for db in case_dbs() {
            let mut store = open(&db);
            let day = date(2026, 6, 1);
            let mut truth = BTreeSet::new();
            for (i, people) in transfers.iter().enumerate() {
                truth.extend(people.iter().copied());
                let subject_hashes: SubjectHashes = people.iter().copied().map(hash).collect();
                let hashed = VolumeEntry {
                    category: "c1".to_owned(),
                    unit: Unit::Individuals,
                    count: people.len() as u64,
                    subject_hashes,
                    state: Form::Raw,
                    collected_in: None,
                };
                let mut bare = hashed.clone();
                bare.category = "c2".to_owned();
                bare.subject_hashes.clear();
                store.record_transfer(&transfer(&format!("t{i}"), "e", "p", day, vec![hashed, bare])).unwrap();
            }
            let cn = store.volumes(&Window::cn("e", day), &[]).unwrap();
            prop_assert_eq!(cn.categories["c1"].count, truth.len() as u64);
            prop_assert!(cn.categories["c2"].count >= truth.len() as u64);
            }
        }

        /// What the judge reads before a transfer, counted from memory without recording it,
        /// is the naive count with the transfer less the naive count of the transfer alone.
        #[test]
        fn volumes_before_equal_naive_with_less_alone(
            specs in proptest::collection::vec(spec(), 1..12),
            at in 0..800_i64,
            exporter in 0..2_usize,
            counterparty in 0..2_usize,
        ) {
            for db in case_dbs() {
            let mut store = open(&db);
            let records: Vec<TransferRecord> =
                specs.iter().enumerate().map(|(i, s)| build(i, s)).collect();
            let Some((new, stored)) = records.split_last() else {
                return Ok(());
            };
            store
                .transaction(|tx| {
                    for r in stored {
                        tx.record_transfer(r)?;
                    }
                    Ok::<_, freeport_store::StoreError>(())
                })
                .unwrap();
            let sets: Vec<CategorySet> = vec![
                set("people", &["c1", "c2"]),
                set("all", &["c1", "c2", "geo"]),
            ];
            let exporter = ["e0", "e1"][exporter];
            for window in [
                Window::cn(exporter, day(at)),
                Window::us(exporter, ["p0", "p1"][counterparty], day(at)),
            ] {
                // The first two dry runs read the stored transfers by SQL, the next from the
                // exporter's index: all must agree.
                let before = store
                    .dry_run(|tx| tx.volumes_before(&window, &sets, new))
                    .unwrap();
                for _ in 0..2 {
                    let again = store
                        .dry_run(|tx| tx.volumes_before(&window, &sets, new))
                        .unwrap();
                    prop_assert_eq!(&again, &before);
                }
                let alone = std::slice::from_ref(new);
                for s in &sets {
                    let expected = naive(&records, &window, &s.categories)
                        - naive(alone, &window, &s.categories);
                    prop_assert_eq!(before.sets[&s.name], expected);
                }
                for (category, _) in CATEGORIES {
                    let one: BTreeSet<String> = [category.to_owned()].into();
                    let expected = naive(&records, &window, &one) - naive(alone, &window, &one);
                    let got = before.categories.get(category).map_or(0, |v| v.count);
                    prop_assert_eq!(got, expected);
                }
            }
            // Nothing was written.
            prop_assert_eq!(store.history(&freeport_store::HistoryFilter::default(), &[]).unwrap().len(), stored.len());
            }
        }
    }
}

mod budgets {
    use proptest::prelude::*;

    use super::common::{case_dbs, open};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// Whatever the order and size of spends (in hundredths, as a user types them), the
        /// granted ones never sum above the total, and a refusal means the spend did not fit.
        #[test]
        fn a_budget_is_never_exceeded(
            total in 0..300_u32,
            spends in proptest::collection::vec(0..80_u32, 0..25),
        ) {
            for db in case_dbs() {
            let mut store = open(&db);
            let hundredths = |n: u32| f64::from(n) / 100.0;
            store.set_budget("d", hundredths(total), 0.0).unwrap();
            let mut granted = 0;
            for &spend in &spends {
                match store.spend_budget("d", hundredths(spend), 0.0, "release") {
                    Ok(_) => granted += spend,
                    Err(freeport_store::StoreError::BudgetExceeded(_)) => {
                        prop_assert!(granted + spend > total);
                    }
                    Err(other) => panic!("{other}"),
                }
                prop_assert!(granted <= total);
            }
            let budget = store.budget("d").unwrap().unwrap();
            prop_assert!((budget.epsilon_spent - hundredths(granted)).abs() < 1e-9);
            }
        }
    }
}

/// Transfer `id` of `people` names from `exporter` to counterparty `b` on `day`.
fn names_to_b(
    id: &str,
    exporter: &str,
    day: jiff::civil::Date,
    people: u64,
) -> freeport_store::TransferRecord {
    transfer(id, exporter, "b", day, vec![entry("person.name", people)])
}

both! {
fn cached_windows_follow_every_recording(db) {
    let path = std::path::PathBuf::from(db.target());
    let mut reader = Store::open(&path).unwrap();
    let mut writer = Store::open(&path).unwrap();
    let day = date(2026, 10, 1);
    let window = Window::cn("acme", day);
    let count = |store: &mut Store| store.volumes(&window, &[]).unwrap().transfers;
    assert_eq!(count(&mut reader), 0);
    // Recorded through this handle.
    reader
        .record_transfer(&names_to_b("1", "acme", day, 1))
        .unwrap();
    assert_eq!(count(&mut reader), 1);
    // Recorded through another connection.
    assert_eq!(count(&mut writer), 1);
    writer
        .record_transfer(&names_to_b("2", "acme", day, 1))
        .unwrap();
    assert_eq!(count(&mut reader), 2);
    // Read, record and read again in one transaction, then roll back.
    let inside: Result<(), StoreError> = reader.transaction(|tx| {
        assert_eq!(tx.volumes(&window, &[])?.transfers, 2);
        tx.record_transfer(&transfer("3", "acme", "b", day, vec![]))?;
        assert_eq!(tx.volumes(&window, &[])?.transfers, 3);
        Err(StoreError::NoDataDir)
    });
    assert!(inside.is_err());
    assert_eq!(count(&mut reader), 2);
    assert_eq!(count(&mut writer), 2);
}
}

both! {
/// The exporters' index is dropped when another connection commits, even where no cached
/// answer would be (each read asks for other category sets), and is not used inside a
/// transaction after it recorded.
fn the_window_index_follows_every_recording(db) {
    let path = std::path::PathBuf::from(db.target());
    let mut reader = Store::open(&path).unwrap();
    let mut writer = Store::open(&path).unwrap();
    let day = date(2026, 10, 1);
    let window = Window::us("acme", "b", day);
    let mut reads = 0;
    let mut count = |store: &mut Store| {
        reads += 1;
        // A set no earlier read asked for: the answer cache cannot serve it.
        let sets = [set(&format!("names-{reads}"), &["person.name"])];
        store.volumes(&window, &sets).unwrap().sets[&format!("names-{reads}")]
    };
    // The reader indexes the exporter from its third transaction on: every read below.
    assert_eq!(count(&mut reader), 0);
    assert_eq!(count(&mut reader), 0);
    writer
        .record_transfer(&names_to_b("1", "acme", day, 5))
        .unwrap();
    assert_eq!(count(&mut reader), 5);
    writer
        .record_transfer(&names_to_b("2", "acme", day, 7))
        .unwrap();
    assert_eq!(count(&mut reader), 12);
    // Another exporter's recording drops the index too, and this exporter still counts right.
    writer
        .record_transfer(&names_to_b("3", "other", day, 1))
        .unwrap();
    assert_eq!(count(&mut reader), 12);
    let inside: Result<(), StoreError> = reader.transaction(|tx| {
        let names = [set("inside", &["person.name"])];
        assert_eq!(tx.volumes(&window, &names)?.sets["inside"], 12);
        tx.record_transfer(&names_to_b("4", "acme", day, 3))?;
        assert_eq!(tx.volumes(&window, &names)?.sets["inside"], 15);
        Err(StoreError::NoDataDir)
    });
    assert!(inside.is_err());
    assert_eq!(count(&mut reader), 12);
    reader
        .record_transfer(&names_to_b("4", "acme", day, 3))
        .unwrap();
    assert_eq!(count(&mut reader), 15);
    assert_eq!(count(&mut writer), 15);
}
}

both! {
fn a_savepoint_undoes_only_its_own_work(db) {
    let mut store = open(db);
    let day = date(2026, 10, 1);
    let window = Window::us("acme", "b", day);
    let names = [set("names", &["person.name"])];
    // Index the exporter (looked up in a third transaction; three windows, so no answer is
    // cached), so the transaction below reads the index with its own transfers.
    for n in 1..=3 {
        store
            .volumes(&Window::cn("acme", date(2026, 1, n)), &[])
            .unwrap();
    }
    store
        .transaction(|tx| {
            tx.record_transfer(&names_to_b("1", "acme", day, 5))?;
            let refused: Result<(), StoreError> = tx.savepoint(|tx| {
                tx.record_transfer(&names_to_b("2", "acme", day, 7))?;
                assert_eq!(tx.volumes(&window, &names)?.sets["names"], 12);
                Err(StoreError::NoDataDir)
            });
            assert!(refused.is_err());
            assert_eq!(tx.volumes(&window, &names)?.sets["names"], 5);
            tx.savepoint(|tx| tx.record_transfer(&names_to_b("3", "acme", day, 1)))?;
            assert_eq!(tx.volumes(&window, &names)?.sets["names"], 6);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(store.volumes(&window, &names).unwrap().sets["names"], 6);
    let listed: Vec<String> = store
        .history(&HistoryFilter::default(), &[])
        .unwrap()
        .into_iter()
        .map(|h| h.transfer.id.0)
        .collect();
    assert_eq!(listed, ["1", "3"]);
}
}

both! {
fn a_dry_run_counts_the_new_transfer_and_leaves_no_trace(db) {
    let mut store = open(db);
    let day = date(2026, 11, 1);
    store
        .record_transfer(&transfer(
            "old",
            "acme",
            "b",
            day,
            vec![hashed("person.name", 0..10)],
        ))
        .unwrap();
    let window = Window::cn("acme", day);
    let seen = store
        .dry_run(|tx| {
            tx.record_transfer(&transfer(
                "new",
                "acme",
                "b",
                day,
                vec![hashed("person.name", 5..20)],
            ))?;
            Ok::<_, StoreError>(tx.volumes(&window, &[])?.categories["person.name"].count)
        })
        .unwrap();
    assert_eq!(
        seen, 20,
        "people 0..20 once each, the new transfer included"
    );
    let after = store.volumes(&window, &[]).unwrap();
    assert_eq!(
        (after.transfers, after.categories["person.name"].count),
        (1, 10)
    );
    // The id was not taken by the dry run.
    store
        .record_transfer(&transfer("new", "acme", "b", day, vec![]))
        .unwrap();
}
}

both! {
fn the_log_outbox_survives_a_crash_between_store_and_log(db) {
    use freeport_store::{LogState, TransferId};
    let path = std::path::PathBuf::from(db.target());
    let day = date(2026, 11, 2);
    {
        let mut store = Store::open(&path).unwrap();
        for id in ["a", "b", "c"] {
            store
                .transaction(|tx| {
                    let id = tx.record_transfer(&transfer(
                        id,
                        "acme",
                        "p",
                        day,
                        vec![entry("person.name", 10)],
                    ))?;
                    tx.queue_log_entry(&id, format!("entry {id}").as_bytes())
                })
                .unwrap();
        }
        store.mark_logged(&TransferId::from("a"), 0).unwrap();
        // The process dies here: `b` and `c` are recorded and queued, not confirmed logged.
    }
    let mut store = Store::open(&path).unwrap();
    let pending = store.pending_log_entries().unwrap();
    let ids: Vec<&str> = pending.iter().map(|p| p.transfer.as_str()).collect();
    assert_eq!(ids, ["b", "c"]);
    assert_eq!(pending[0].entry, b"entry b");
    // Until recovery, the pending transfers count (the stricter side).
    let cn = store.volumes(&Window::cn("acme", day), &[]).unwrap();
    assert_eq!(cn.categories["person.name"].count, 30);
    // Recovery: `b` is appended; `c` can no longer be and is abandoned.
    store.mark_logged(&TransferId::from("b"), 1).unwrap();
    store.abandon_unlogged(&TransferId::from("c")).unwrap();
    assert!(store.pending_log_entries().unwrap().is_empty());
    let cn = store.volumes(&Window::cn("acme", day), &[]).unwrap();
    assert_eq!(cn.categories["person.name"].count, 20);
    let history = store.history(&HistoryFilter::default(), &[]).unwrap();
    let states: Vec<LogState> = history.iter().map(|h| h.transfer.log).collect();
    assert_eq!(states, [LogState::Logged(0), LogState::Logged(1)]);

    // Wrong steps are refused with the transfer named.
    let error = store.abandon_unlogged(&TransferId::from("a")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("transfer `a` has no pending log entry"),
        "{error}"
    );
    let error = store.mark_logged(&TransferId::from("c"), 2).unwrap_err();
    assert!(
        matches!(error, StoreError::UnknownTransfer { .. }),
        "{error:?}"
    );
    let error = store
        .transaction(|tx| tx.queue_log_entry(&TransferId::from("a"), b"again"))
        .unwrap_err();
    assert!(matches!(error, StoreError::LogState { .. }), "{error:?}");
    // An unlogged transfer keeps its state.
    store
        .record_transfer(&transfer("d", "acme", "p", day, vec![]))
        .unwrap();
    let last = store.history(&HistoryFilter::default(), &[]).unwrap();
    assert_eq!(last[2].transfer.log, LogState::NotLogged);
}
}

/// The writer half of `a_killed_writer_leaves_only_whole_transfers`: runs only when that test
/// starts this binary as a child process, then records until it is killed.
#[test]
fn killed_child_writer() {
    let Some(path) = std::env::var_os("FREEPORT_STORE_TEST_CHILD") else {
        return;
    };
    let mut store = Store::open(path).unwrap();
    for i in 0_u32.. {
        let volumes = (0..8)
            .map(|c| hashed(&format!("category.{c}"), (i * 50)..(i * 50 + 40)))
            .collect();
        store
            .transaction(|tx| {
                let id = tx.record_transfer(&transfer(
                    &format!("t{i}"),
                    "acme",
                    "p",
                    date(2026, 1, 1),
                    volumes,
                ))?;
                tx.queue_log_entry(&id, b"entry")
            })
            .unwrap();
    }
}

#[test]
fn a_killed_writer_leaves_only_whole_transfers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("freeport.db");
    drop(Store::open(&path).unwrap());
    for round in 0..3_u64 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["killed_child_writer", "--exact", "--nocapture"])
            .env("FREEPORT_STORE_TEST_CHILD", &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the child is writing, then kill it a little later, mid-stream.
        let watcher = rusqlite::Connection::open(&path).unwrap();
        let started = std::time::Instant::now();
        while watcher
            .query_row("SELECT COUNT(*) FROM transfer", [], |r| r.get::<_, i64>(0))
            .unwrap_or(0)
            == 0
        {
            assert!(started.elapsed().as_secs() < 30, "the child never wrote");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        drop(watcher);
        std::thread::sleep(std::time::Duration::from_millis(20 + 37 * round));
        child.kill().unwrap(); // SIGKILL: no destructor, no rollback, mid-transaction
        child.wait().unwrap();

        let mut store = Store::open(&path).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let broken: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM transfer t
                 WHERE (SELECT COUNT(*) FROM volume_entry e WHERE e.transfer = t.seq) != 8
                    OR (SELECT SUM(length(h.hashes)) / 16
                        FROM subject_hashes h JOIN volume_entry e ON h.entry = e.seq
                        WHERE e.transfer = t.seq) != 8 * 40
                    OR NOT EXISTS (SELECT 1 FROM log_outbox o WHERE o.transfer = t.seq)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(broken, 0, "round {round}: a transfer was left half-written");
        let recorded: i64 = conn
            .query_row("SELECT COUNT(*) FROM transfer", [], |r| r.get(0))
            .unwrap();
        let pending = store.pending_log_entries().unwrap().len();
        assert_eq!(
            pending as i64, recorded,
            "every recorded transfer awaits its log append"
        );
        // The windows agree with what is there: 40 distinct people per recorded transfer.
        let cn = store
            .volumes(&Window::cn("acme", date(2026, 1, 1)), &[])
            .unwrap();
        assert!(recorded > 0);
        assert_eq!(cn.categories["category.0"].count, recorded as u64 * 40);
        let listed = store.history(&HistoryFilter::default(), &[]).unwrap().len();
        assert_eq!(listed as i64, recorded);
        drop(store);
        // Start the next round from a clean slate of ids.
        std::fs::remove_file(&path).ok();
        for suffix in ["-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
        }
        drop(Store::open(&path).unwrap());
    }
}

both! {
/// A package staged with a recorded transfer stays listed until it is delivered or declared
/// lost, whatever crash comes between (issue 15 item 4); only a logged transfer's package can
/// be either.
fn a_staged_package_is_listed_until_delivered_or_lost(db) {
    use freeport_store::TransferId;
    let path = std::path::PathBuf::from(db.target());
    let day = date(2026, 11, 2);
    {
        let mut store = Store::open(&path).unwrap();
        for id in ["a", "b", "c"] {
            store
                .transaction(|tx| {
                    let id = tx.record_transfer(&transfer(id, "acme", "p", day, vec![]))?;
                    tx.queue_log_entry(&id, format!("entry {id}").as_bytes())?;
                    tx.stage_package(&id, &format!("/out/.freeport-assess-1-{id}"))
                })
                .unwrap();
        }
        // Not yet logged: neither delivered nor lost.
        let error = store.mark_delivered(&TransferId::from("a")).unwrap_err();
        assert!(error.to_string().contains("is not logged"), "{error}");
        for (i, id) in ["a", "b"].into_iter().enumerate() {
            store
                .mark_logged(&TransferId::from(id), u64::try_from(i).unwrap())
                .unwrap();
        }
        store.mark_delivered(&TransferId::from("a")).unwrap();
        // The process dies here.
    }
    let mut store = Store::open(&path).unwrap();
    let staged = store.staged_packages().unwrap();
    let listed: Vec<(&str, &str, Option<u64>)> = staged
        .iter()
        .map(|s| (s.transfer.as_str(), s.staging.as_str(), s.log_index))
        .collect();
    assert_eq!(
        listed,
        [
            ("b", "/out/.freeport-assess-1-b", Some(1)),
            ("c", "/out/.freeport-assess-1-c", None)
        ]
    );
    assert_eq!(staged[0].entry, b"entry b");
    store.mark_package_lost(&TransferId::from("b")).unwrap();
    let error = store.mark_delivered(&TransferId::from("b")).unwrap_err();
    assert!(
        error.to_string().contains("has no staged package"),
        "{error}"
    );
    // Abandoning an unlogged transfer takes its staged package with it.
    store.abandon_unlogged(&TransferId::from("c")).unwrap();
    assert!(store.staged_packages().unwrap().is_empty());
    // A package is staged once, and only for a queued entry.
    store
        .record_transfer(&transfer("d", "acme", "p", day, vec![]))
        .unwrap();
    let error = store
        .transaction(|tx| tx.stage_package(&TransferId::from("d"), "/out/x"))
        .unwrap_err();
    assert!(error.to_string().contains("no queued log entry"), "{error}");
}
}

both! {
/// A kept answer takes a committed transfer without hashes as a recount would — unless the
/// transfer would change a category's unit (here: devices collected in the US joining
/// individuals of unknown origin, whose transfer gave its individuals), when it is counted again.
fn kept_answers_follow_commits_and_recount_when_a_unit_would_change(db) {
    let mut store = open(db);
    let mut sql_only = Store::open(store.path()).unwrap().with_window_index(false);
    let day = date(2026, 10, 1);
    let window = Window::us("acme", "b", day);
    let sets = [set("geo", &["location.precise"])];
    let geo = |count: u64, unit: Unit, place: Option<CollectedIn>| VolumeEntry {
        unit,
        collected_in: place,
        ..entry("location.precise", count)
    };
    let mut first = transfer(
        "1",
        "acme",
        "b",
        day,
        vec![geo(40, Unit::Individuals, None)],
    );
    first.individuals = Some(40);
    store.record_transfer(&first).unwrap();
    let counted = store.volumes(&window, &sets).unwrap();
    assert_eq!(counted, sql_only.volumes(&window, &sets).unwrap());
    assert_eq!(
        counted.categories["location.precise"].unit,
        Unit::Individuals
    );
    assert_eq!(counted.sets["geo"], 40);
    // Same unit: added to the kept answer.
    let mut second = transfer("2", "acme", "b", day, vec![geo(5, Unit::Individuals, None)]);
    second.individuals = Some(5);
    store.record_transfer(&second).unwrap();
    let counted = store.volumes(&window, &sets).unwrap();
    assert_eq!(counted, sql_only.volumes(&window, &sets).unwrap());
    assert_eq!(counted.sets["geo"], 45);
    // Devices, uncapped: the category's unit becomes devices; counted again, not added.
    let third = transfer(
        "3",
        "acme",
        "b",
        day,
        vec![geo(7, Unit::Devices, Some(CollectedIn::Us))],
    );
    store.record_transfer(&third).unwrap();
    let counted = store.volumes(&window, &sets).unwrap();
    assert_eq!(counted, sql_only.volumes(&window, &sets).unwrap());
    assert_eq!(counted.categories["location.precise"].unit, Unit::Devices);
    // Inside a transaction that records, the same.
    let fourth = transfer(
        "4",
        "acme",
        "b",
        day,
        vec![geo(2, Unit::Devices, Some(CollectedIn::Us))],
    );
    let inside = store
        .transaction(|tx| {
            tx.record_transfer(&fourth)?;
            tx.volumes(&window, &sets)
        })
        .unwrap();
    assert_eq!(inside, sql_only.volumes(&window, &sets).unwrap());
    assert_eq!(inside.sets["geo"], counted.sets["geo"] + 2);
}
}

both! {
/// Writers on separate connections take turns (SQLite's write lock; PostgreSQL's advisory
/// lock): filing numbers taken concurrently are all different, with none skipped.
fn concurrent_writers_never_share_a_filing_number(db) {
    drop(open(db));
    let target = db.target().to_owned();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let target = target.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&target).unwrap();
                (0..10)
                    .map(|_| {
                        store
                            .transaction(|tx| tx.next_filing_number("F-2026-"))
                            .unwrap()
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let numbers: BTreeSet<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    assert_eq!(numbers, (1..=40).collect::<BTreeSet<u64>>());
}
}

both! {
/// A recorded transfer's report is kept with it (in the recording transaction), completed with
/// its place in the log, read back as kept; a second report for it is refused, an unknown id
/// and a transfer without a report are told apart, and an abandoned transfer takes its report
/// with it.
fn a_transfers_report_is_kept_with_it(db) {
    use freeport_store::{KeptReport, ReportLookup, TransferId};
    let mut store = open(db);
    let kept = KeptReport {
        report: "{\"schema\": 2}\n".to_owned(),
        sha256: "ab".repeat(32),
        generated_on: date(2026, 5, 2),
        log: None,
    };
    let a = TransferId::from("a");
    store
        .transaction(|tx| {
            tx.record_transfer(&transfer("a", "acme", "bob", date(2026, 5, 1), vec![entry("contact.phone", 10)]))?;
            tx.queue_log_entry(&a, b"entry a")?;
            tx.keep_report(&a, &kept)
        })
        .unwrap();
    store
        .record_transfer(&transfer("b", "acme", "bob", date(2026, 5, 1), vec![entry("contact.phone", 5)]))
        .unwrap();
    assert_eq!(store.transfer_report(&a).unwrap(), ReportLookup::Kept(kept.clone()));
    assert_eq!(store.transfer_report(&TransferId::from("b")).unwrap(), ReportLookup::NotKept);
    assert_eq!(store.transfer_report(&TransferId::from("zz")).unwrap(), ReportLookup::NoSuchTransfer);

    let again = store.transaction(|tx| tx.keep_report(&a, &kept)).unwrap_err();
    assert!(again.to_string().contains("already has a kept report"), "{again}");

    let log = "{\"checkpoint\": {}, \"receipt\": \"r\"}";
    assert!(store.transaction(|tx| tx.set_report_log(&a, log)).unwrap());
    assert!(!store.transaction(|tx| tx.set_report_log(&TransferId::from("b"), log)).unwrap());
    let ReportLookup::Kept(logged) = store.transfer_report(&a).unwrap() else {
        panic!("kept");
    };
    assert_eq!(logged.log.as_deref(), Some(log));
    assert_eq!(logged.report, kept.report);

    // A report kept for a transfer whose entry can no longer be appended goes with it.
    let c = TransferId::from("c");
    store
        .transaction(|tx| {
            tx.record_transfer(&transfer("c", "acme", "bob", date(2026, 5, 1), vec![entry("contact.phone", 3)]))?;
            tx.queue_log_entry(&c, b"entry c")?;
            tx.keep_report(&c, &kept)
        })
        .unwrap();
    store.abandon_unlogged(&c).unwrap();
    assert_eq!(store.transfer_report(&c).unwrap(), ReportLookup::NoSuchTransfer);
    assert_eq!(integers(db, "SELECT COUNT(*) FROM transfer_report"), [[1]]);
}
}
