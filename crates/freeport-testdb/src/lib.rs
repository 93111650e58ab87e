//! Test support only (a dev-dependency): one fresh database per test, so that one store test
//! suite runs against both of the store's backends.
//!
//! - [`Backend::Sqlite`]: a file `freeport.db` in a new temporary directory (not created: the
//!   store creates it).
//! - [`Backend::Postgres`]: a new database with a unique name, created on the server that
//!   `FREEPORT_TEST_POSTGRES` names (a libpq key-value string such as
//!   `host=/tmp/freeport-pg.x user=postgres dbname=postgres`; `scripts/postgres-cluster start`
//!   prints one) and dropped when the [`TestDb`] is dropped.
//!
//! When `FREEPORT_TEST_POSTGRES` is unset, [`TestDb::new`] for PostgreSQL returns `None` after
//! printing why the case is skipped — unless `FREEPORT_REQUIRE_POSTGRES=1`, when it panics, so
//! that CI can never skip the PostgreSQL cases silently.
//!
//! [`both!`] writes a test once and runs it on each backend:
//!
//! ```
//! freeport_testdb::both! {
//!     /// Opens the database.
//!     fn opens(db) {
//!         assert!(!db.target().is_empty());
//!     }
//! }
//! # fn main() {}
//! ```

use std::path::PathBuf;

/// The environment variable naming the PostgreSQL server the tests use.
pub const POSTGRES_ENV: &str = "FREEPORT_TEST_POSTGRES";
/// Set to `1` to make missing PostgreSQL a failure instead of a skip.
pub const REQUIRE_ENV: &str = "FREEPORT_REQUIRE_POSTGRES";

/// A store backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

/// One fresh database for one test.
#[derive(Debug)]
pub struct TestDb {
    backend: Backend,
    target: String,
    dir: Option<tempfile::TempDir>,
    postgres: Option<Created>,
}

/// A PostgreSQL database this process created: dropped with it.
#[derive(Debug)]
struct Created {
    admin: String,
    name: String,
}

impl Drop for Created {
    fn drop(&mut self) {
        // Best effort: a database left behind goes with the throw-away cluster. On a thread of
        // its own: a `TestDb` kept in a thread-local is dropped while that thread's runtime
        // context (which the client needs) is already gone.
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let dropping = std::thread::spawn(move || {
            if let Ok(mut client) = postgres::Client::connect(&admin, postgres::NoTls) {
                let _ = client.batch_execute(&sql);
            }
        });
        let _ = dropping.join();
    }
}

/// Why a PostgreSQL case cannot run.
fn unavailable(reason: &str) -> Option<TestDb> {
    let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1");
    assert!(
        !required,
        "PostgreSQL test required ({REQUIRE_ENV}=1) but {reason}"
    );
    #[expect(
        clippy::print_stderr,
        reason = "test support: a skipped case says so in the test's output"
    )]
    {
        eprintln!("skipped: PostgreSQL case ({reason}; scripts/postgres-cluster starts a server)");
    }
    None
}

impl TestDb {
    /// A fresh database of `backend`; `None` (after saying why) when PostgreSQL is not
    /// configured and not required.
    ///
    /// # Panics
    ///
    /// When the temporary directory or database cannot be created, or PostgreSQL is required
    /// and not configured.
    #[must_use]
    #[expect(
        clippy::expect_used,
        clippy::panic,
        reason = "test support: failing loudly is the point"
    )]
    pub fn new(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let target = dir.path().join("freeport.db").display().to_string();
                Some(Self {
                    backend,
                    target,
                    dir: Some(dir),
                    postgres: None,
                })
            }
            Backend::Postgres => {
                let Ok(admin) = std::env::var(POSTGRES_ENV) else {
                    return unavailable(&format!("{POSTGRES_ENV} is not set"));
                };
                let mut nonce = [0_u8; 6];
                getrandom::fill(&mut nonce).expect("random bytes");
                let name = format!(
                    "freeport_test_{}_{}",
                    std::process::id(),
                    nonce.iter().map(|b| format!("{b:02x}")).collect::<String>()
                );
                let mut client = postgres::Client::connect(&admin, postgres::NoTls)
                    .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_ENV}=`{admin}`: {e}"));
                client
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
                let target = format!("{admin} dbname={name}");
                Some(Self {
                    backend,
                    target,
                    dir: Some(tempfile::tempdir().expect("a temporary directory")),
                    postgres: Some(Created { admin, name }),
                })
            }
        }
    }

    /// The backend.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether this is a PostgreSQL database.
    #[must_use]
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// What the store opens: the file's path, or the connection string.
    #[must_use]
    pub fn target(&self) -> &str {
        &self.target
    }

    /// A temporary directory that lives as long as the database (for other files of a test).
    #[must_use]
    pub fn dir(&self) -> PathBuf {
        self.dir
            .as_ref()
            .map(|d| d.path().to_owned())
            .unwrap_or_default()
    }

    /// Runs `sql` (statements without parameters) on the database directly, outside the store.
    ///
    /// # Errors
    ///
    /// The database's message.
    pub fn execute(&self, sql: &str) -> Result<(), String> {
        match self.backend {
            Backend::Sqlite => Err(format!(
                "TestDb::execute is for PostgreSQL; open `{}` with rusqlite",
                self.target
            )),
            Backend::Postgres => postgres::Client::connect(&self.target, postgres::NoTls)
                .and_then(|mut c| c.batch_execute(sql))
                .map_err(|e| e.to_string()),
        }
    }

    /// The first column of the first row of `sql` as an integer (e.g. a `COUNT(*)`), read on
    /// the PostgreSQL database directly, outside the store.
    ///
    /// # Errors
    ///
    /// The database's message; a SQLite database (open its file with rusqlite).
    pub fn query_i64(&self, sql: &str) -> Result<i64, String> {
        match self.backend {
            Backend::Sqlite => Err(format!(
                "TestDb::query_i64 is for PostgreSQL; open `{}` with rusqlite",
                self.target
            )),
            Backend::Postgres => postgres::Client::connect(&self.target, postgres::NoTls)
                .and_then(|mut c| c.query_one(sql, &[]))
                .map_err(|e| e.to_string())
                .and_then(|row| row.try_get::<_, i64>(0).map_err(|e| e.to_string())),
        }
    }

    /// Empties every table of the store but its schema record (PostgreSQL; for property tests
    /// that run many cases on one database).
    ///
    /// # Errors
    ///
    /// The database's message.
    pub fn empty_postgres_tables(&self) -> Result<(), String> {
        self.execute(
            "DO $$ DECLARE t text; BEGIN
               FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
                        AND tablename NOT IN ('freeport_schema', 'freeport_data_version') LOOP
                 EXECUTE format('TRUNCATE %I RESTART IDENTITY CASCADE', t);
               END LOOP;
               UPDATE freeport_data_version SET version = version + 1;
             END $$;",
        )
    }
}

/// Writes a test once, run on each backend: `both! { fn name(db) { … } }` becomes a module
/// `name` with the tests `sqlite` and `postgres`, each given a fresh `&TestDb` as `db`.
#[macro_export]
macro_rules! both {
    ($($(#[$meta:meta])* fn $name:ident($db:ident) $body:block)*) => {
        $(
            $(#[$meta])*
            #[cfg(test)]
            mod $name {
                use super::*;

                fn run($db: &$crate::TestDb) $body

                #[test]
                fn sqlite() {
                    if let Some(db) = $crate::TestDb::new($crate::Backend::Sqlite) {
                        run(&db);
                    }
                }

                #[test]
                fn postgres() {
                    if let Some(db) = $crate::TestDb::new($crate::Backend::Postgres) {
                        run(&db);
                    }
                }
            }
        )*
    };
}
