//! The schema migration runner: plain `.sql` files under `migrations/sqlite/`, applied in order,
//! each once, each recorded with a checksum in `freeport_schema`.
//!
//! Migrations are append-only. A database that records a migration this program does not have
//! (written by a newer `freeport`) is refused rather than used, and so is one whose applied
//! migration text differs from ours.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::db::{Conn, Mode, params};
use crate::store::db_error;

/// One migration built into the program.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    /// Its number; applied in increasing order.
    pub(crate) version: i64,
    /// Its file name without the number and extension.
    pub(crate) name: &'static str,
    /// Its SQL.
    pub(crate) sql: &'static str,
}

/// Every migration, in order. A test checks this list against the directory.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "transfers",
        sql: include_str!("../migrations/sqlite/0001_transfers.sql"),
    },
    Migration {
        version: 2,
        name: "salts_and_budgets",
        sql: include_str!("../migrations/sqlite/0002_salts_and_budgets.sql"),
    },
    Migration {
        version: 3,
        name: "log_outbox",
        sql: include_str!("../migrations/sqlite/0003_log_outbox.sql"),
    },
    Migration {
        version: 4,
        name: "collected_in",
        sql: include_str!("../migrations/sqlite/0004_collected_in.sql"),
    },
    Migration {
        version: 5,
        name: "subject_hash_blobs",
        sql: include_str!("../migrations/sqlite/0005_subject_hash_blobs.sql"),
    },
    Migration {
        version: 6,
        name: "transfer_hash_runs",
        sql: include_str!("../migrations/sqlite/0006_transfer_hash_runs.sql"),
    },
    Migration {
        version: 7,
        name: "subject_hash_schemes",
        sql: include_str!("../migrations/sqlite/0007_subject_hash_schemes.sql"),
    },
    Migration {
        version: 8,
        name: "package_delivery",
        sql: include_str!("../migrations/sqlite/0008_package_delivery.sql"),
    },
    Migration {
        version: 9,
        name: "docket",
        sql: include_str!("../migrations/sqlite/0009_docket.sql"),
    },
    Migration {
        version: 10,
        name: "port_outbox",
        sql: include_str!("../migrations/sqlite/0010_port_outbox.sql"),
    },
    Migration {
        version: 11,
        name: "contests_and_attachments",
        sql: include_str!("../migrations/sqlite/0011_contests_and_attachments.sql"),
    },
    Migration {
        version: 12,
        name: "transfer_report",
        sql: include_str!("../migrations/sqlite/0012_transfer_report.sql"),
    },
    Migration {
        version: 13,
        name: "filing_assessment",
        sql: include_str!("../migrations/sqlite/0013_filing_assessment.sql"),
    },
    Migration {
        version: 14,
        name: "chips",
        sql: include_str!("../migrations/sqlite/0014_chips.sql"),
    },
    Migration {
        version: 15,
        name: "stats_studies",
        sql: include_str!("../migrations/sqlite/0015_stats_studies.sql"),
    },
    Migration {
        version: 16,
        name: "stats_releases",
        sql: include_str!("../migrations/sqlite/0016_stats_releases.sql"),
    },
];

/// The same migrations for PostgreSQL (`migrations/postgres/`): the same versions and names,
/// the same tables and columns in PostgreSQL's types (a test checks the two lists agree).
pub(crate) const POSTGRES_MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "transfers",
        sql: include_str!("../migrations/postgres/0001_transfers.sql"),
    },
    Migration {
        version: 2,
        name: "salts_and_budgets",
        sql: include_str!("../migrations/postgres/0002_salts_and_budgets.sql"),
    },
    Migration {
        version: 3,
        name: "log_outbox",
        sql: include_str!("../migrations/postgres/0003_log_outbox.sql"),
    },
    Migration {
        version: 4,
        name: "collected_in",
        sql: include_str!("../migrations/postgres/0004_collected_in.sql"),
    },
    Migration {
        version: 5,
        name: "subject_hash_blobs",
        sql: include_str!("../migrations/postgres/0005_subject_hash_blobs.sql"),
    },
    Migration {
        version: 6,
        name: "transfer_hash_runs",
        sql: include_str!("../migrations/postgres/0006_transfer_hash_runs.sql"),
    },
    Migration {
        version: 7,
        name: "subject_hash_schemes",
        sql: include_str!("../migrations/postgres/0007_subject_hash_schemes.sql"),
    },
    Migration {
        version: 8,
        name: "package_delivery",
        sql: include_str!("../migrations/postgres/0008_package_delivery.sql"),
    },
    Migration {
        version: 9,
        name: "docket",
        sql: include_str!("../migrations/postgres/0009_docket.sql"),
    },
    Migration {
        version: 10,
        name: "port_outbox",
        sql: include_str!("../migrations/postgres/0010_port_outbox.sql"),
    },
    Migration {
        version: 11,
        name: "contests_and_attachments",
        sql: include_str!("../migrations/postgres/0011_contests_and_attachments.sql"),
    },
    Migration {
        version: 12,
        name: "transfer_report",
        sql: include_str!("../migrations/postgres/0012_transfer_report.sql"),
    },
    Migration {
        version: 13,
        name: "filing_assessment",
        sql: include_str!("../migrations/postgres/0013_filing_assessment.sql"),
    },
    Migration {
        version: 14,
        name: "chips",
        sql: include_str!("../migrations/postgres/0014_chips.sql"),
    },
    Migration {
        version: 15,
        name: "stats_studies",
        sql: include_str!("../migrations/postgres/0015_stats_studies.sql"),
    },
    Migration {
        version: 16,
        name: "stats_releases",
        sql: include_str!("../migrations/postgres/0016_stats_releases.sql"),
    },
];

/// How many migrations this program knows (one per version; versions may have a gap that a
/// merge of another branch's migration closes).
#[must_use]
pub fn migration_count() -> usize {
    MIGRATIONS.len()
}

/// The newest schema version this program knows.
#[must_use]
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The newest migration applied to the database, without changing it (0 for a database that
/// has none, or no schema table yet).
pub(crate) fn applied_version(conn: &mut Conn, path: &Path) -> Result<i64, StoreError> {
    let look = match conn {
        Conn::Sqlite(_) => {
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'freeport_schema'"
        }
        Conn::Postgres(_) => {
            "SELECT COUNT(*) > 0 FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name = 'freeport_schema'"
        }
    };
    let has_table = conn
        .query_one(look, &[])
        .and_then(|row| row.bool(0))
        .map_err(db_error(path, "look for the schema table"))?;
    if !has_table {
        return Ok(0);
    }
    conn.query_one("SELECT COALESCE(MAX(version), 0) FROM freeport_schema", &[])
        .and_then(|row| row.int(0))
        .map_err(db_error(path, "read the schema version"))
}

fn checksum(sql: &str) -> String {
    Sha256::digest(sql.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Brings the database at `path` to the latest schema, in one transaction holding the store's
/// write lock (SQLite's immediate transaction, PostgreSQL's advisory lock) so that concurrent
/// openers migrate once and wait for each other.
pub(crate) fn migrate(conn: &mut Conn, path: &Path) -> Result<i64, StoreError> {
    let migrations = match conn {
        Conn::Sqlite(_) => MIGRATIONS,
        Conn::Postgres(_) => POSTGRES_MIGRATIONS,
    };
    migrate_with(conn, path, migrations)
}

/// Brings the database to the last of `migrations` (all of them but in tests, which build
/// stores of older versions).
fn migrate_with(conn: &mut Conn, path: &Path, migrations: &[Migration]) -> Result<i64, StoreError> {
    let schema_table = match conn {
        Conn::Sqlite(_) => {
            "CREATE TABLE IF NOT EXISTS freeport_schema (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at TEXT NOT NULL
            ) STRICT;"
        }
        Conn::Postgres(_) => {
            "CREATE TABLE IF NOT EXISTS freeport_schema (
                version    BIGINT PRIMARY KEY,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at TEXT NOT NULL
            );"
        }
    };
    let tx = conn
        .begin(Mode::Write)
        .map_err(db_error(path, "lock the database to migrate it"))?;
    tx.batch(schema_table)
        .map_err(db_error(path, "create the schema table"))?;

    let found: Option<i64> = tx
        .query_one("SELECT MAX(version) FROM freeport_schema", &[])
        .and_then(|row| row.opt_int(0))
        .map_err(db_error(path, "read the schema version"))?;
    let known = migrations.last().map_or(0, |m| m.version);
    if let Some(found) = found
        && found > known
    {
        return Err(StoreError::SchemaTooNew {
            path: path.to_owned(),
            found,
            known,
        });
    }

    for migration in migrations {
        let applied: Option<String> = tx
            .query_opt(
                "SELECT checksum FROM freeport_schema WHERE version = ?1",
                params![migration.version],
            )
            .and_then(|row| row.map(|mut r| r.text(0)).transpose())
            .map_err(db_error(path, "read the applied migrations"))?;
        let sum = checksum(migration.sql);
        match applied {
            Some(applied) if applied == sum => {}
            Some(_) => {
                return Err(StoreError::MigrationChanged {
                    path: path.to_owned(),
                    version: migration.version,
                    name: migration.name.to_owned(),
                });
            }
            None => {
                tx.batch(migration.sql)
                    .map_err(db_error(path, "apply a schema migration"))?;
                let now = jiff::Timestamp::now().to_string();
                tx.execute(
                    "INSERT INTO freeport_schema (version, name, checksum, applied_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![migration.version, migration.name, &sum, &now],
                )
                .map_err(db_error(path, "record a schema migration"))?;
            }
        }
    }
    tx.commit()
        .map_err(db_error(path, "commit the schema migrations"))?;
    Ok(known)
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    /// The runner over a SQLite connection the test goes on using.
    fn migrate_with(
        conn: &mut Connection,
        path: &Path,
        migrations: &[Migration],
    ) -> Result<i64, StoreError> {
        let taken = std::mem::replace(conn, Connection::open_in_memory().unwrap());
        let mut wrapped = Conn::Sqlite(taken);
        let result = super::migrate_with(&mut wrapped, path, migrations);
        let Conn::Sqlite(back) = wrapped else {
            unreachable!()
        };
        *conn = back;
        result
    }

    #[test]
    fn postgres_migrations_mirror_the_sqlite_ones() {
        let names = |list: &[Migration]| -> Vec<(i64, &str)> {
            list.iter().map(|m| (m.version, m.name)).collect()
        };
        assert_eq!(names(MIGRATIONS), names(POSTGRES_MIGRATIONS));
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        let listed: Vec<String> = POSTGRES_MIGRATIONS
            .iter()
            .map(|m| format!("{:04}_{}.sql", m.version, m.name))
            .collect();
        assert_eq!(files, listed);
    }

    /// The one value the query `sql` returns.
    fn one<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> T {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn the_list_matches_the_migrations_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{:04}_{}.sql", m.version, m.name))
            .collect();
        assert_eq!(files, listed);
    }

    #[test]
    fn versions_increase_by_one_from_one() {
        for (expected, m) in (1..).zip(MIGRATIONS) {
            assert_eq!(m.version, expected);
        }
    }

    /// Migration 4 rebuilds `volume_entry` and `subject_hash`: a version-3 store keeps every
    /// entry and hash, and its entries, whose origin was never recorded, become `unknown`.
    #[test]
    fn a_version_3_store_keeps_its_volumes_through_migration_4() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        conn.execute_batch(
            "CREATE TABLE freeport_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
             checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
        )
        .unwrap();
        for m in &MIGRATIONS[..3] {
            conn.execute_batch(m.sql).unwrap();
            conn.execute(
                "INSERT INTO freeport_schema VALUES (?1, ?2, ?3, 'then')",
                (m.version, m.name, checksum(m.sql)),
            )
            .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO transfer (seq, id, exporter, counterparty, date, origin, destination,
                                   decision, recorded_at)
             VALUES (1, 't', 'e', 'c', '2026-01-02', 'CN', 'US', '{}', 'then');
             INSERT INTO volume_entry (seq, transfer, category, unit, state, count, hash_count)
             VALUES (7, 1, 'contact.phone', 'individuals', 'raw', 5, 2);
             INSERT INTO subject_hash VALUES (7, zeroblob(32)), (7, randomblob(32));",
        )
        .unwrap();

        assert_eq!(migrate_with(&mut conn, &path, &MIGRATIONS[..4]).unwrap(), 4);
        let entry: (i64, String, i64, i64) = conn
            .query_row(
                "SELECT seq, collected_in, count, hash_count FROM volume_entry",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(entry, (7, "unknown".to_owned(), 5, 2));
        let hashes: i64 = one(&conn, "SELECT COUNT(*) FROM subject_hash WHERE entry = 7");
        assert_eq!(hashes, 2);
        // The rebuilt tables still enforce their references and keys.
        let orphan = conn.execute("INSERT INTO subject_hash VALUES (99, zeroblob(32))", []);
        assert!(orphan.is_err());
        let violations: i64 = conn
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0);
    }

    /// A store of `version` with its schema table, for upgrade tests.
    fn store_of_version(path: &Path, version: usize) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        conn.execute_batch(
            "CREATE TABLE freeport_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
             checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
        )
        .unwrap();
        for m in &MIGRATIONS[..version] {
            conn.execute_batch(m.sql).unwrap();
            conn.execute(
                "INSERT INTO freeport_schema VALUES (?1, ?2, ?3, 'then')",
                (m.version, m.name, checksum(m.sql)),
            )
            .unwrap();
        }
        conn
    }

    /// Migration 5 turns one row per 32-byte hash into one sorted blob of 16-byte hashes per
    /// entry: every byte value survives `group_concat` (zeros and invalid UTF-8 included), the
    /// blob is in ascending order, hashes that agree on their first half become one, and
    /// `hash_count` follows.
    #[test]
    fn a_version_4_store_keeps_its_hashes_as_blobs_through_migration_5() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.db");
        let mut conn = store_of_version(&path, 4);
        conn.execute_batch(
            "INSERT INTO transfer (seq, id, exporter, counterparty, date, origin, destination,
                                   decision, recorded_at)
             VALUES (1, 't', 'e', 'c', '2026-01-02', 'CN', 'US', '{}', 'then');
             INSERT INTO volume_entry (seq, transfer, category, unit, state, collected_in, count,
                                       hash_count)
             VALUES (7, 1, 'contact.phone', 'individuals', 'raw', 'cn', 900, 300),
                    (8, 1, 'person.name', 'individuals', 'raw', 'cn', 5, 2),
                    (9, 1, 'health.diagnosis', 'individuals', 'raw', 'cn', 4, 0);",
        )
        .unwrap();
        // Entry 7: 300 random 32-byte hashes (bytes 0x00 and 0x80–0xff among them), inserted
        // out of order. Entry 8: two hashes with the same first 16 bytes.
        let mut expected: Vec<[u8; 16]> = Vec::new();
        for i in 0..300_u32 {
            let mut hash = [0_u8; 32];
            let mut state = u64::from(i) + 1;
            for byte in &mut hash {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                *byte = state.to_be_bytes()[0];
            }
            hash[0] = u8::try_from(i % 7).unwrap(); // many leading zeros
            expected.push(hash[..16].try_into().unwrap());
            conn.execute("INSERT INTO subject_hash VALUES (7, ?1)", [&hash[..]])
                .unwrap();
        }
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(expected.len(), 300);
        let mut twin = [0xff_u8; 32];
        conn.execute("INSERT INTO subject_hash VALUES (8, ?1)", [&twin[..]])
            .unwrap();
        twin[31] = 0;
        conn.execute("INSERT INTO subject_hash VALUES (8, ?1)", [&twin[..]])
            .unwrap();

        assert_eq!(migrate_with(&mut conn, &path, &MIGRATIONS[..5]).unwrap(), 5);
        let blob: Vec<u8> = one(
            &conn,
            "SELECT hashes FROM subject_hashes WHERE entry = 7 AND chunk = 0",
        );
        assert_eq!(blob, expected.concat());
        let counts: Vec<(i64, i64, i64)> = conn
            .prepare(
                "SELECT e.seq, e.hash_count, (SELECT COUNT(*) FROM subject_hashes h
                                              WHERE h.entry = e.seq)
                 FROM volume_entry e ORDER BY e.seq",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(counts, [(7, 300, 1), (8, 1, 1), (9, 0, 0)]);
        let old: i64 = one(
            &conn,
            "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'subject_hash'",
        );
        assert_eq!(old, 0);
        // The new table refuses what the store never writes.
        for bad in [
            "INSERT INTO subject_hashes VALUES (99, 0, zeroblob(16))",
            "INSERT INTO subject_hashes VALUES (9, 0, zeroblob(17))",
            "INSERT INTO subject_hashes VALUES (9, 0, zeroblob(0))",
            "INSERT INTO subject_hashes VALUES (7, 0, zeroblob(16))",
        ] {
            assert!(conn.execute(bad, []).is_err(), "{bad}");
        }
        let violations: i64 = conn
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0);
    }

    /// Migration 6 rewrites nothing: entries recorded before it keep their own runs and still
    /// count, alone and together with a transfer recorded after it (one run per transfer plus
    /// membership bitmaps), each person once.
    #[test]
    fn a_version_5_store_counts_its_old_runs_beside_new_transfers() {
        use crate::model::{
            CategorySet, CollectedIn, Form, SubjectHashes, TransferId, TransferRecord, Unit,
            VolumeEntry, Window,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v5.db");
        let conn = store_of_version(&path, 5);
        let blob = |range: std::ops::Range<u128>| -> Vec<u8> {
            range.flat_map(|h| (h << 64).to_be_bytes()).collect()
        };
        conn.execute_batch(
            "INSERT INTO transfer (seq, id, exporter, counterparty, date, origin, destination,
                                   decision, recorded_at)
             VALUES (1, 'old', 'acme', 'bob', '2026-02-01', 'CN', 'US', '{}', 'then');
             INSERT INTO volume_entry (seq, transfer, category, unit, state, collected_in, count,
                                       hash_count)
             VALUES (1, 1, 'person.name', 'individuals', 'raw', 'cn', 100, 100),
                    (2, 1, 'health.diagnosis', 'individuals', 'raw', 'cn', 10, 10);
             INSERT INTO category_unit VALUES ('person.name', 'cn', 'individuals'),
                                              ('health.diagnosis', 'cn', 'individuals');",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO subject_hashes VALUES (1, 0, ?1)",
            [blob(0..100)],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO subject_hashes VALUES (2, 0, ?1)",
            [blob(0..10)],
        )
        .unwrap();
        drop(conn);

        let mut store = crate::Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), latest_version());
        let day = jiff::civil::date(2026, 3, 1);
        let sets = [CategorySet {
            name: "pi".into(),
            categories: ["person.name", "health.diagnosis", "contact.phone"]
                .map(String::from)
                .into(),
        }];
        let cn = store.volumes(&Window::cn("acme", day), &sets).unwrap();
        assert_eq!(cn.categories["person.name"].count, 100);
        assert_eq!(cn.sets["pi"], 100);

        let hashed = |category: &str, range: std::ops::Range<u128>| VolumeEntry {
            category: category.into(),
            unit: Unit::Individuals,
            count: u64::try_from(range.end - range.start).unwrap(),
            subject_hashes: SubjectHashes::from_sorted_u128(range.map(|h| h << 64).collect())
                .unwrap(),
            state: Form::Raw,
            collected_in: Some(CollectedIn::Cn),
        };
        store
            .record_transfer(&TransferRecord {
                id: TransferId("new".into()),
                exporter: "acme".into(),
                counterparty: "bob".into(),
                date: day,
                origin: "CN".into(),
                destination: "US".into(),
                individuals: None,
                volumes: vec![
                    hashed("person.name", 50..150),
                    hashed("contact.phone", 140..160),
                ],
                decision_json: "{}".into(),
                rule_packs: Vec::new(),
            })
            .unwrap();
        let cn = store.volumes(&Window::cn("acme", day), &sets).unwrap();
        assert_eq!(cn.categories["person.name"].count, 150);
        assert_eq!(cn.categories["contact.phone"].count, 20);
        assert_eq!(cn.categories["health.diagnosis"].count, 10);
        assert_eq!(cn.sets["pi"], 160, "people 0..160, each once");
        // The new transfer's people are stored once: 110 hashes, two bitmaps.
        let conn = Connection::open(&path).unwrap();
        let stored: i64 = one(
            &conn,
            "SELECT sum(length(hashes)) / 16 FROM transfer_hashes WHERE transfer = 2",
        );
        assert_eq!(stored, 110);
    }

    /// Migration 7 leaves every existing salt on HMAC-SHA-256, so the people it hashed still
    /// match; a salt made afterwards uses SipHash-2-4.
    #[test]
    fn a_version_6_salt_keeps_hmac_through_migration_7() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v6.db");
        let conn = store_of_version(&path, 6);
        conn.execute(
            "INSERT INTO subject_salt (exporter, salt, created_at) VALUES ('old', ?1, 'then')",
            [&[7_u8; 32][..]],
        )
        .unwrap();
        drop(conn);
        let mut store = crate::Store::open(&path).unwrap();
        let old = store.subject_salt("old").unwrap();
        assert_eq!(old.bytes, [7; 32]);
        assert_eq!(old.scheme, crate::HashScheme::HmacSha256);
        assert_eq!(
            store.subject_salt("new").unwrap().scheme,
            crate::HashScheme::SipHash24
        );
    }
}
