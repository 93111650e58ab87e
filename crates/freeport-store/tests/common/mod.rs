//! Builders shared by the store's integration tests.

use freeport_store::{
    CategorySet, Form, RulePackRef, Store, SubjectHash, SubjectHashes, TransferId, TransferRecord,
    Unit, VolumeEntry,
};
use jiff::civil::Date;

pub use freeport_testdb::{Backend, TestDb, both};

/// The store in `db`, created on first use.
pub fn open(db: &TestDb) -> Store {
    Store::open(db.target()).unwrap()
}

/// Runs `sql` on the database behind the store's back (to damage it, or to fake an old or
/// newer schema).
pub fn raw(db: &TestDb, sql: &str) -> Result<(), String> {
    if db.is_postgres() {
        db.execute(sql)
    } else {
        rusqlite::Connection::open(db.target())
            .and_then(|c| c.execute_batch(sql))
            .map_err(|e| e.to_string())
    }
}

/// The integers `sql` returns, row by row, read behind the store's back.
pub fn integers(db: &TestDb, sql: &str) -> Vec<Vec<i64>> {
    if db.is_postgres() {
        let mut client = postgres::Client::connect(db.target(), postgres::NoTls).unwrap();
        client
            .query(sql, &[])
            .unwrap()
            .iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        row.try_get::<_, i64>(i)
                            .or_else(|_| row.try_get::<_, i32>(i).map(i64::from))
                            .unwrap()
                    })
                    .collect()
            })
            .collect()
    } else {
        let conn = rusqlite::Connection::open(db.target()).unwrap();
        let mut statement = conn.prepare(sql).unwrap();
        let columns = statement.column_count();
        statement
            .query_map([], |row| (0..columns).map(|i| row.get(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
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

thread_local! {
    /// Each test thread's PostgreSQL database for property tests, emptied before each case.
    static CASE_POSTGRES: std::cell::RefCell<Option<std::rc::Rc<TestDb>>> =
        const { std::cell::RefCell::new(None) };
}

/// The databases one property-test case runs on: a fresh SQLite file, and (when configured)
/// this thread's PostgreSQL database with every table emptied — creating a database per case
/// would spend the test's time on `CREATE DATABASE`.
pub fn case_dbs() -> Vec<std::rc::Rc<TestDb>> {
    let mut dbs = vec![std::rc::Rc::new(TestDb::new(Backend::Sqlite).unwrap())];
    let postgres = CASE_POSTGRES.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = TestDb::new(Backend::Postgres).map(|db| {
                drop(open(&db));
                std::rc::Rc::new(db)
            });
        }
        cell.clone()
    });
    if let Some(db) = postgres {
        db.empty_postgres_tables().unwrap();
        dbs.push(db);
    }
    dbs
}
