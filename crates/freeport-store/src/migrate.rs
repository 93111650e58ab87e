//! The schema migration runner: plain `.sql` files under `migrations/sqlite/`, applied in order,
//! each once, each recorded with a checksum in `freeport_schema`.
//!
//! Migrations are append-only. A database that records a migration this program does not have
//! (written by a newer `freeport`) is refused rather than used, and so is one whose applied
//! migration text differs from ours.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::StoreError;
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
];

/// The newest schema version this program knows.
#[must_use]
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

fn checksum(sql: &str) -> String {
    Sha256::digest(sql.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Brings the database at `path` to the latest schema, in one immediate transaction so that
/// concurrent openers migrate once and wait for each other.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<i64, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_error(path, "lock the database to migrate it"))?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS freeport_schema (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            checksum   TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT;",
    )
    .map_err(db_error(path, "create the schema table"))?;

    let found: Option<i64> = tx
        .query_row("SELECT MAX(version) FROM freeport_schema", [], |row| {
            row.get(0)
        })
        .optional()
        .map_err(db_error(path, "read the schema version"))?
        .flatten();
    let known = latest_version();
    if let Some(found) = found
        && found > known
    {
        return Err(StoreError::SchemaTooNew {
            path: path.to_owned(),
            found,
            known,
        });
    }

    for migration in MIGRATIONS {
        let applied: Option<String> = tx
            .query_row(
                "SELECT checksum FROM freeport_schema WHERE version = ?1",
                [migration.version],
                |row| row.get(0),
            )
            .optional()
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
                tx.execute_batch(migration.sql)
                    .map_err(db_error(path, "apply a schema migration"))?;
                tx.execute(
                    "INSERT INTO freeport_schema (version, name, checksum, applied_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    (
                        migration.version,
                        migration.name,
                        sum,
                        jiff::Timestamp::now().to_string(),
                    ),
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
    use super::*;

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
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i64::try_from(i).unwrap() + 1);
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

        assert_eq!(migrate(&mut conn, &path).unwrap(), 4);
        let entry: (i64, String, i64, i64) = conn
            .query_row(
                "SELECT seq, collected_in, count, hash_count FROM volume_entry",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(entry, (7, "unknown".to_owned(), 5, 2));
        let hashes: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM subject_hash WHERE entry = 7",
                [],
                |r| r.get(0),
            )
            .unwrap();
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
}
