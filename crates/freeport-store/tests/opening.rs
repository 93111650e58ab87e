//! How a store file is opened: only `create` (and the create-or-open of first use) makes one;
//! a missing, emptied or foreign file is refused by every other way in, and nothing is written
//! to it (issue 15: a deleted or zero-length store was silently recreated, and cumulative
//! volumes restarted at zero).

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

#[expect(
    dead_code,
    reason = "the helpers the store tests share; these tests use a few"
)]
mod common;

use common::{Backend, TestDb, both, integers, raw};
use freeport_store::{Store, StoreError};

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn only_create_and_first_use_make_a_store() {
    let d = dir();
    let path = d.path().join("freeport.db");
    for open in [Store::open_existing, Store::open_for_reading] {
        let error = open(&path).unwrap_err();
        assert!(matches!(error, StoreError::Missing { .. }), "{error:?}");
        assert!(!path.exists(), "a refused open created the file");
    }
    let mut store = Store::create(&path).unwrap();
    assert_eq!(store.log_high_water().unwrap(), None);
    drop(store);
    Store::open_existing(&path).unwrap();
    Store::open_for_reading(&path).unwrap();
    let error = Store::create(&path).unwrap_err();
    assert!(
        matches!(error, StoreError::AlreadyExists { .. }),
        "{error:?}"
    );
}

/// The regression: an emptied store used to be migrated into a fresh one.
#[test]
fn a_zero_length_store_is_refused_and_left_alone() {
    let d = dir();
    let path = d.path().join("freeport.db");
    std::fs::write(&path, b"").unwrap();
    for open in [Store::open_existing, Store::open_for_reading, Store::create] {
        let error = open(&path).unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::Empty { .. } | StoreError::AlreadyExists { .. }
            ),
            "{error:?}"
        );
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    }
}

#[test]
fn a_file_that_is_not_ours_is_refused_and_never_migrated() {
    let d = dir();
    // Another program's SQLite database.
    let theirs = d.path().join("theirs.db");
    let conn = rusqlite::Connection::open(&theirs).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&theirs).unwrap();
    for open in [Store::open, Store::open_existing, Store::open_for_reading] {
        let error = open(&theirs).unwrap_err();
        assert!(matches!(error, StoreError::NotOurs { .. }), "{error:?}");
        assert!(error.to_string().contains("another program"), "{error}");
    }
    assert_eq!(std::fs::read(&theirs).unwrap(), before);
    // Not SQLite at all.
    let text = d.path().join("notes.db");
    std::fs::write(
        &text,
        "these are not the droids you are looking for\n".repeat(200),
    )
    .unwrap();
    for open in [Store::open, Store::open_existing, Store::open_for_reading] {
        let error = open(&text).unwrap_err();
        assert!(matches!(error, StoreError::NotOurs { .. }), "{error:?}");
    }
}

both! {
fn a_reading_open_never_migrates(db) {
    let path = db.target();
    drop(Store::create(path).unwrap());
    // Pretend the store is one migration behind.
    let latest = freeport_store::latest_version();
    raw(db, &format!("DELETE FROM freeport_schema WHERE version = {latest}")).unwrap();
    // The migration before the latest (versions may have a gap a merge closes).
    let previous = integers(db, "SELECT MAX(version) FROM freeport_schema")[0][0];
    assert!(previous < latest);
    let error = Store::open_for_reading(path).unwrap_err();
    assert!(
        matches!(error, StoreError::NeedsMigration { found, latest: l, .. } if found == previous && l == latest),
        "{error:?}"
    );
    let still = integers(db, "SELECT MAX(version) FROM freeport_schema");
    assert_eq!(still, [[previous]], "the reading open migrated");
}
}

/// A PostgreSQL database is a store only once `create` (or the create-or-open of first use)
/// has written the schema: opening an empty one for recording or reading is refused, and
/// nothing is written to it.
#[test]
fn an_empty_postgres_database_is_not_a_store() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        return;
    };
    let tables = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'";
    for open in [Store::open_existing, Store::open_for_reading] {
        let error = open(db.target()).unwrap_err();
        assert!(matches!(error, StoreError::NoSchema { .. }), "{error:?}");
        assert!(
            error.to_string().contains("holds no Free Data Port store"),
            "{error}"
        );
        assert_eq!(
            integers(&db, tables),
            [[0]],
            "a refused open wrote to the database"
        );
    }
    let mut store = Store::create(db.target()).unwrap();
    assert!(store.is_postgres());
    assert_eq!(store.log_high_water().unwrap(), None);
    drop(store);
    Store::open_existing(db.target()).unwrap();
    Store::open_for_reading(db.target()).unwrap();
    let error = Store::create(db.target()).unwrap_err();
    assert!(
        matches!(error, StoreError::AlreadyExists { .. }),
        "{error:?}"
    );
}

#[test]
fn a_postgres_database_of_another_program_is_refused() {
    let Some(db) = TestDb::new(Backend::Postgres) else {
        return;
    };
    raw(
        &db,
        "CREATE TABLE invoices (id BIGINT PRIMARY KEY, total DOUBLE PRECISION)",
    )
    .unwrap();
    for open in [
        Store::open,
        Store::open_existing,
        Store::open_for_reading,
        Store::create,
    ] {
        let error = open(db.target()).unwrap_err();
        assert!(matches!(error, StoreError::NotOurs { .. }), "{error:?}");
        assert!(error.to_string().contains("another program"), "{error}");
    }
    let tables = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'";
    assert_eq!(integers(&db, tables), [[1]]);
}

/// A password in a connection string never reaches a message.
#[test]
fn a_postgres_password_is_not_shown() {
    let error = Store::open_existing("postgresql://fp:hunter2@127.0.0.1:1/none").unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("fp:***@127.0.0.1"), "{shown}");
}

/// `create` writes the schema beside the store and links it into place whole: no empty file
/// is ever visible at the store's name, and no temporary file is left.
#[test]
fn a_created_store_appears_whole_and_leaves_nothing_beside_it() {
    let d = dir();
    let path = d.path().join("home").join("freeport.db");
    drop(Store::create(&path).unwrap());
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
    let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("creating"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    Store::open_for_reading(&path).unwrap();
}
