//! Opening a store: a SQLite file (created all at once) or a PostgreSQL database (named by a
//! `postgres://` URL or a `host=… dbname=…` string), refused when it is not ours, migrated or
//! checked.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::{Store, VolumeCache, db_error};
use crate::db::{self, Conn, PgConn};
use crate::{StoreError, location, migrate};

/// What a new SQLite store will mostly hold, which sets its page size (fixed once it has
/// tables). A PostgreSQL store ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pages {
    /// SQLite's largest pages (64 KiB): for a store that records assessed transfers, whose
    /// subject hashes are megabytes per entry and move in 16 times fewer reads and writes than
    /// with SQLite's default 4 KiB.
    #[default]
    Large,
    /// SQLite's default 4 KiB pages: for a port's store (`freeport init`), whose filings,
    /// cases, outbox rows and journal lines are small rows written a few at a time. Every
    /// commit writes each page it changed to the write-ahead log whole: with 64 KiB pages a
    /// port's commit wrote and checksummed about sixteen times the bytes it changed.
    Small,
}

impl Pages {
    fn bytes(self) -> i64 {
        match self {
            Self::Large => 65_536,
            Self::Small => 4_096,
        }
    }
}

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How [`Store::connect`] treats the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Opening {
    /// Create it if missing, else open and migrate (tests, benchmarks, first use).
    CreateOrOpen,
    /// Create it with pages of this size; refuse if anything is there.
    Create(Pages),
    /// Open and migrate; refuse if missing or empty.
    Existing,
    /// Open without migrating; refuse if missing, empty or of an older schema.
    Read,
}

/// Creates a store at `path` all at once: the schema is written to a temporary file beside it,
/// which is then linked into place only if nothing is there (no replace). A crash leaves either
/// no store or a whole one — never the empty file SQLite makes before its first write, which
/// every later command would rightly refuse.
fn create_atomically(path: &Path, pages: Pages) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
        path: dir.to_owned(),
        source,
    })?;
    let name = path
        .file_name()
        .map_or_else(|| "store".into(), |n| n.to_string_lossy());
    // Unique per call: threads of one process may create the same store at once.
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|source| StoreError::Rng {
        path: path.to_owned(),
        source,
    })?;
    let nonce: String = nonce.iter().map(|b| format!("{b:02x}")).collect();
    let temp = dir.join(format!(".{name}.creating-{}-{nonce}", std::process::id()));
    let io = |source: std::io::Error| StoreError::CreateDir {
        path: temp.clone(),
        source,
    };
    match std::fs::remove_file(&temp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    {
        let conn = Connection::open_with_flags(
            &temp,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| db_error(&temp, "create the database")(e.into()))?;
        conn.pragma_update(None, "page_size", pages.bytes())
            .map_err(|e| db_error(&temp, "set the page size")(e.into()))?;
        // A rollback journal here: the whole schema is in the file once the migration commits.
        let mut conn = Conn::Sqlite(conn);
        migrate::migrate(&mut conn, &temp)?;
    }
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(StoreError::AlreadyExists {
                path: path.to_owned(),
            });
        }
        Err(source) => {
            return Err(StoreError::CreateDir {
                path: path.to_owned(),
                source,
            });
        }
    }
    // Make the new name durable.
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(())
}

/// What a database holds before anything is written to it: no tables at all, ours (it has
/// the `freeport_schema` table), or another program's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    Nothing,
    Ours,
    Theirs(i64),
}

/// A file SQLite cannot read, or a database of another program, is refused before anything is
/// written to it (see [`Holds`]).
fn tables(conn: &mut Conn, path: &Path) -> Result<Holds, StoreError> {
    let sql = match conn {
        Conn::Sqlite(_) => {
            "SELECT COUNT(*), COALESCE(SUM(name = 'freeport_schema'), 0) FROM sqlite_master
             WHERE type = 'table'"
        }
        Conn::Postgres(_) => {
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE table_name = 'freeport_schema')
             FROM information_schema.tables WHERE table_schema = current_schema()"
        }
    };
    match conn
        .query_one(sql, &[])
        .and_then(|row| Ok((row.int(0)?, row.int(1)?)))
    {
        Ok((0, _)) => Ok(Holds::Nothing),
        Ok((_, 1..)) => Ok(Holds::Ours),
        Ok((n, _)) => Ok(Holds::Theirs(n)),
        Err(e) if e.is_not_a_database() => Err(StoreError::NotOurs {
            path: path.to_owned(),
            reason: "not a SQLite database".to_owned(),
        }),
        Err(e) => Err(db_error(path, "read the database's tables")(e)),
    }
}

fn refuse_theirs(holds: Holds, path: &Path, what: &str) -> Result<(), StoreError> {
    if let Holds::Theirs(n) = holds {
        return Err(StoreError::NotOurs {
            path: path.to_owned(),
            reason: format!("a {what} database with {n} table(s) of another program"),
        });
    }
    Ok(())
}

impl Store {
    /// Opens the default store ([`default_path`](crate::default_path)), creating it on first use.
    ///
    /// # Errors
    ///
    /// No data directory, or any error of [`Store::open`].
    pub fn open_default() -> Result<Self, StoreError> {
        Self::open(location::default_path()?)
    }

    /// Opens the store at `target`, creating it if needed and applying every schema migration
    /// it lacks. `target` is a SQLite file (created with its directory) or a PostgreSQL
    /// database: a `postgres://` / `postgresql://` URL or a libpq `host=… dbname=…` string
    /// (the database must exist; its tables are created).
    ///
    /// # Errors
    ///
    /// The directory cannot be created, the database cannot be opened or reached, it holds
    /// another program's tables ([`StoreError::NotOurs`]), its schema is newer than this
    /// program's ([`StoreError::SchemaTooNew`]) or an applied migration differs from ours.
    pub fn open(target: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect(target.as_ref(), Opening::CreateOrOpen)
    }

    /// Creates a new store at `target` (and its directory); refuses if a file is already there,
    /// even an empty one, or if the PostgreSQL database already holds tables. For
    /// `freeport init` and the first use of an empty home.
    ///
    /// # Errors
    ///
    /// [`StoreError::AlreadyExists`], or any error of [`Store::open`].
    pub fn create(target: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::create_with(target, Pages::Large)
    }

    /// As [`Store::create`], a SQLite store with pages of the size `pages` names (a port's
    /// store: [`Pages::Small`]).
    ///
    /// # Errors
    ///
    /// As [`Store::create`].
    pub fn create_with(target: impl AsRef<Path>, pages: Pages) -> Result<Self, StoreError> {
        Self::connect(target.as_ref(), Opening::Create(pages))
    }

    /// Opens a store that must already exist, migrating it to the latest schema: for commands
    /// that record. A missing or empty file, or a PostgreSQL database without the store's
    /// schema, is refused, never taken as a new store.
    ///
    /// # Errors
    ///
    /// [`StoreError::Missing`], [`StoreError::Empty`], [`StoreError::NotOurs`], or any error
    /// of [`Store::open`].
    pub fn open_existing(target: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect(target.as_ref(), Opening::Existing)
    }

    /// Opens a store that must already exist and be at the latest schema, without changing
    /// it: for commands that only read (`history`, `judge` without `--record`) and for a
    /// server's second, reading connection. Their dry runs still write inside a transaction
    /// that always rolls back.
    ///
    /// # Errors
    ///
    /// As [`Store::open_existing`], and [`StoreError::NeedsMigration`] for an older schema.
    pub fn open_for_reading(target: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect(target.as_ref(), Opening::Read)
    }

    /// Whether `target` names a PostgreSQL database rather than a SQLite file.
    #[must_use]
    pub fn is_postgres_target(target: &str) -> bool {
        db::is_postgres_target(target)
    }

    fn connect(target: &Path, opening: Opening) -> Result<Self, StoreError> {
        let mut conn = match target.to_str().filter(|t| db::is_postgres_target(t)) {
            Some(url) => Self::connect_postgres(url, opening)?,
            None => Self::connect_sqlite(target, opening)?,
        };
        let path = conn.1;
        if opening == Opening::Read {
            let found = migrate::applied_version(&mut conn.0, &path)?;
            let latest = migrate::latest_version();
            if found < latest {
                return Err(StoreError::NeedsMigration {
                    path,
                    found,
                    latest,
                });
            }
            if found > latest {
                return Err(StoreError::SchemaTooNew {
                    path,
                    found,
                    known: latest,
                });
            }
        } else {
            migrate::migrate(&mut conn.0, &path)?;
        }
        Ok(Self {
            conn: conn.0,
            path,
            cache: VolumeCache::new(),
        })
    }

    fn connect_postgres(url: &str, opening: Opening) -> Result<(Conn, PathBuf), StoreError> {
        let path = PathBuf::from(db::redacted(url).into_owned());
        let config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            db_error(&path, "read the PostgreSQL connection string")(e.into())
        })?;
        let client = config
            .connect(postgres::NoTls)
            .map_err(|e| db_error(&path, "connect to PostgreSQL")(e.into()))?;
        let mut conn = Conn::Postgres(Box::new(PgConn::new(client)));
        let holds = tables(&mut conn, &path)?;
        refuse_theirs(holds, &path, "PostgreSQL")?;
        match (opening, holds) {
            (Opening::Create(_), Holds::Ours) => return Err(StoreError::AlreadyExists { path }),
            (Opening::Existing | Opening::Read, Holds::Nothing) => {
                return Err(StoreError::NoSchema { path });
            }
            _ => {}
        }
        Ok((conn, path))
    }

    fn connect_sqlite(path: &Path, opening: Opening) -> Result<(Conn, PathBuf), StoreError> {
        let path = path.to_owned();
        let length = std::fs::metadata(&path).ok().map(|m| m.len());
        match (opening, length) {
            (Opening::Create(_), Some(_)) => return Err(StoreError::AlreadyExists { path }),
            (Opening::Existing | Opening::Read, None) => return Err(StoreError::Missing { path }),
            (Opening::Existing | Opening::Read, Some(0)) => return Err(StoreError::Empty { path }),
            _ => {}
        }
        let pages = match opening {
            Opening::Create(pages) => Some(pages),
            Opening::CreateOrOpen => Some(Pages::Large),
            Opening::Existing | Opening::Read => None,
        };
        if let Some(pages) = pages.filter(|_| length.is_none()) {
            match create_atomically(&path, pages) {
                Ok(()) => {}
                // Another process created it first: open theirs (create-or-open only).
                Err(StoreError::AlreadyExists { .. }) if opening == Opening::CreateOrOpen => {}
                Err(e) => return Err(e),
            }
        }
        let shown = path.clone();
        let fail = |action| {
            let path = shown.clone();
            move |e: rusqlite::Error| db_error(&path, action)(e.into())
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(fail("open the database"))?;
        let mut conn = Conn::Sqlite(conn);
        refuse_theirs(tables(&mut conn, &path)?, &path, "SQLite")?;
        let Conn::Sqlite(conn) = conn else {
            return Err(StoreError::Corrupt {
                path,
                detail: "a SQLite connection turned into another".to_owned(),
            });
        };
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(fail("set the busy timeout"))?;
        // A store made here was given its page size when it was created (`Pages`); only a
        // database without tables takes a new one, so this sets large pages for a file that
        // holds no tables yet and leaves every store alone.
        conn.pragma_update(None, "page_size", Pages::Large.bytes())
            .map_err(fail("set the page size"))?;
        // WAL lets readers (history, judge) run while one writer records.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(fail("switch to write-ahead logging"))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(fail("enable foreign keys"))?;
        // Every commit is already durable in the WAL (synchronous = FULL), and commits
        // checkpoint it as it grows; a checkpoint on close would only fsync the database file
        // once more on the way out (≈ 0.1 s after recording a large transfer) — SQLite
        // finishes it on a later commit or open instead.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(fail("keep the write-ahead log on close"))?;
        Ok((Conn::Sqlite(conn), path))
    }
}
