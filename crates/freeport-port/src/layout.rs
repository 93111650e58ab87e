//! The port's home: where it is, what belongs in it, and whether what is there agrees with
//! itself. Every command finds its home here, and nothing is created in a home that holds
//! anything unless all of it agrees: a server, like sunlight, never creates state silently.
//!
//! ```text
//! $FREEPORT_HOME/            (else the platform data directory, e.g. ~/.local/share/freeport)
//!   freeport.db              the store (SQLite), or
//!   database.url             the connection string of the store's PostgreSQL database
//!                            (`freeport init --database postgres://…`)
//!   log/                     the C2SP tlog-tiles log
//!   keys/log.key|.vkey       the log's Ed25519 note key
//!   keys/witness-cn.key|.vkey, keys/witness-us.key|.vkey   the local witnesses' keys
//!   witnesses/cn.json, us.json                             their durable witness state
//!   trust-policy.txt         the tlog-policy a recipient needs
//!   rules/cn|us/             rule packs installed by `freeport rules update` (crate::rules)
//! ```
//!
//! The rule ([`HomeLayout::check`]): a home with nothing in it is **fresh** and its first
//! recording command (or `freeport init`) creates it; a home with a store and a log is
//! **ready** when the store's highest logged entry lies inside the log and the log's key is
//! there; anything else — a store deleted or emptied beside a log and keys, a log gone from
//! under a store that records logged entries, a log key missing — is refused, naming what is
//! missing, and nothing is created or changed.

use std::path::{Path, PathBuf};

use freeport_store::{Pages, Store, StoreError};
use freeport_tlog::merkle::NodeSource as _;
use miette::Diagnostic;

/// Where a port keeps its state: one directory, every path in it derived here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeLayout {
    root: PathBuf,
}

/// What a home holds, read without creating or changing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeContents {
    /// The store file: `None` if absent, else its length in bytes.
    pub store_bytes: Option<u64>,
    /// Whether the home names a PostgreSQL database as its store (`database.url`).
    pub store_database: bool,
    /// Whether the log directory has been initialised (`log/log.json`).
    pub log: bool,
    /// Whether the log's private key is there.
    pub log_key: bool,
    /// Local witness state files present, by country (`cn`, `us`).
    pub witness_states: Vec<&'static str>,
}

impl HomeContents {
    /// Nothing of a port is there yet.
    #[must_use]
    pub fn is_fresh(&self) -> bool {
        self.store_bytes.is_none()
            && !self.store_database
            && !self.log
            && !self.log_key
            && self.witness_states.is_empty()
    }
}

/// A home whose parts disagree, or that cannot be read. Nothing was created or changed.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum HomeError {
    /// The store is gone or emptied while the log and keys remain: cumulative volumes would
    /// restart at zero and blocked transfers turn exempt.
    #[error(
        "the port home `{}` has {kept} but its store `{}` is {state}",
        root.display(),
        store.display()
    )]
    #[diagnostic(
        code(freeport::home::store_missing),
        help(
            "restore the store from a backup; a new store would count every earlier transfer as never sent. Nothing was created"
        )
    )]
    StoreMissing {
        /// The home.
        root: PathBuf,
        /// The store file.
        store: PathBuf,
        /// `missing` or `empty (0 bytes)`.
        state: &'static str,
        /// What remains, e.g. `a log with its key`.
        kept: String,
    },
    /// The store records logged entries but the log is gone or shorter.
    #[error(
        "the store `{}` records log entry #{high_water}, but the log `{}` {log_state}",
        store.display(),
        log.display()
    )]
    #[diagnostic(
        code(freeport::home::log_behind),
        help(
            "restore the log directory from a backup; a new log would hide transfers the store counts. Nothing was created"
        )
    )]
    LogBehind {
        /// The store file.
        store: PathBuf,
        /// The log directory.
        log: PathBuf,
        /// The highest index the store records.
        high_water: u64,
        /// `is missing` or `holds N entries`.
        log_state: String,
    },
    /// The log exists but its private key does not.
    #[error("the log `{}` has no key `{}`", log.display(), key.display())]
    #[diagnostic(
        code(freeport::home::log_key_missing),
        help(
            "restore the log's key from a backup; a new key cannot sign checkpoints of this log. Nothing was created"
        )
    )]
    LogKeyMissing {
        /// The log directory.
        log: PathBuf,
        /// The expected private key file.
        key: PathBuf,
    },
    /// `freeport init` found a home that is not empty.
    #[error("`{}` already holds a port home ({holds})", root.display())]
    #[diagnostic(
        code(freeport::home::exists),
        help("a home is created once; use it, or choose another directory with `FREEPORT_HOME`")
    )]
    AlreadyInitialised {
        /// The home.
        root: PathBuf,
        /// What is there.
        holds: String,
    },
    /// The store failed to open.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] StoreError),
    /// The log failed to open.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Log(#[from] freeport_tlog::Error),
    /// `freeport init --database` was given something that is not a PostgreSQL connection
    /// string.
    #[error("`{database}` is not a PostgreSQL connection string")]
    #[diagnostic(
        code(freeport::home::not_a_database),
        help(
            "give a `postgres://user@host/dbname` URL or a `host=… dbname=…` string; without `--database` the store is `freeport.db` in the home"
        )
    )]
    NotADatabase {
        /// What was given.
        database: String,
    },
    /// A file of the home could not be read.
    #[error("cannot read `{}`", path.display())]
    #[diagnostic(code(freeport::home::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl HomeLayout {
    /// A home at `root`.
    #[must_use]
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The default home: `$FREEPORT_HOME`, else the platform data directory.
    ///
    /// # Errors
    ///
    /// When no data directory can be found.
    pub fn locate() -> Result<Self, StoreError> {
        freeport_util::home::default_home()
            .map(Self::new)
            .map_err(|_| StoreError::NoDataDir)
    }

    /// The directory.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The store database file (of a home whose store is SQLite).
    #[must_use]
    pub fn store_path(&self) -> PathBuf {
        self.root.join(freeport_store::DB_FILE)
    }

    /// The file naming the store's PostgreSQL database, in a home whose store is one.
    #[must_use]
    pub fn database_url_path(&self) -> PathBuf {
        self.root.join("database.url")
    }

    /// What the store is opened from: the PostgreSQL connection string `database.url` holds,
    /// else the store file's path.
    ///
    /// # Errors
    ///
    /// `database.url` exists but cannot be read.
    pub fn store_target(&self) -> Result<PathBuf, HomeError> {
        let url = self.database_url_path();
        match std::fs::read_to_string(&url) {
            Ok(text) => Ok(PathBuf::from(text.trim())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(self.store_path()),
            Err(source) => Err(HomeError::Io { path: url, source }),
        }
    }

    /// The store as shown to people: the file, or the connection string without a password.
    fn store_shown(&self) -> Result<PathBuf, HomeError> {
        let target = self.store_target()?;
        if self.database_url_path().exists() {
            // Opening fails before any message shows it; the store redacts its own copy.
            return Ok(target
                .to_str()
                .map_or_else(|| target.clone(), |t| PathBuf::from(redact(t))));
        }
        Ok(target)
    }

    /// The log directory.
    #[must_use]
    pub fn log_dir(&self) -> PathBuf {
        self.root.join("log")
    }

    /// Where a port keeps the joint-statistics aggregator it hosts, if `freeport stats
    /// aggregator init` made one there (`freeport serve` then mounts its endpoints).
    #[must_use]
    pub fn stats_aggregator_dir(&self) -> PathBuf {
        self.root.join("stats-aggregator")
    }

    /// Where a port keeps the documents attached to filings, each named by its SHA-256.
    #[must_use]
    pub fn attachments_dir(&self) -> PathBuf {
        self.root.join("attachments")
    }

    /// The key directory.
    #[must_use]
    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    /// The log's private key.
    #[must_use]
    pub fn log_key_path(&self) -> PathBuf {
        self.keys_dir().join("log.key")
    }

    /// The local witnesses' state directory.
    #[must_use]
    pub fn witnesses_dir(&self) -> PathBuf {
        self.root.join("witnesses")
    }

    /// Rule packs installed by `freeport rules update` ([`crate::rules::InstalledPacks`]).
    #[must_use]
    pub fn rules_dir(&self) -> PathBuf {
        self.root.join("rules")
    }

    /// The trust policy for this log and its witnesses.
    #[must_use]
    pub fn trust_policy_path(&self) -> PathBuf {
        self.root.join("trust-policy.txt")
    }

    /// What the home holds, without creating or changing anything.
    ///
    /// # Errors
    ///
    /// A file that exists cannot be inspected.
    pub fn contents(&self) -> Result<HomeContents, HomeError> {
        let store = self.store_path();
        let store_bytes = match std::fs::metadata(&store) {
            Ok(meta) => Some(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(HomeError::Io {
                    path: store,
                    source,
                });
            }
        };
        let witnesses = self.witnesses_dir();
        Ok(HomeContents {
            store_bytes,
            store_database: self.database_url_path().exists(),
            log: self.log_dir().join("log.json").exists(),
            log_key: self.log_key_path().exists(),
            witness_states: ["cn", "us"]
                .into_iter()
                .filter(|name| witnesses.join(format!("{name}.json")).exists())
                .collect(),
        })
    }

    /// Checks that the home's parts agree (see the module docs) and returns what it holds.
    /// Reads the store and the log, changes nothing.
    ///
    /// # Errors
    ///
    /// A [`HomeError`] naming what is missing or disagrees.
    pub fn check(&self) -> Result<HomeContents, HomeError> {
        let contents = self.check_files()?;
        if contents.store_bytes.is_some() || contents.store_database {
            // A store of an older schema is checked once a recording command has migrated it
            // (reading commands refuse it anyway).
            match Store::open_for_reading(self.store_target()?) {
                Ok(mut store) => self.check_log_covers(&mut store, &contents)?,
                Err(StoreError::NeedsMigration { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(contents)
    }

    /// The checks made on files alone: a fresh home, or a non-empty store with the log's key
    /// beside any log.
    fn check_files(&self) -> Result<HomeContents, HomeError> {
        let contents = self.contents()?;
        if contents.is_fresh() {
            return Ok(contents);
        }
        let store_state = match contents.store_bytes {
            // The database is checked when it is opened: one without the store's schema is
            // refused there (`StoreError::NoSchema`).
            _ if contents.store_database => None,
            None => Some("missing"),
            Some(0) => Some("empty (0 bytes)"),
            Some(_) => None,
        };
        if let Some(state) = store_state {
            let mut kept = Vec::new();
            if contents.log {
                kept.push("a log".to_owned());
            }
            if contents.log_key {
                kept.push("the log's key".to_owned());
            }
            if !contents.witness_states.is_empty() {
                kept.push(format!(
                    "witness state ({})",
                    contents.witness_states.join(", ")
                ));
            }
            if kept.is_empty() {
                kept.push("no log or keys".to_owned());
            }
            return Err(HomeError::StoreMissing {
                root: self.root.clone(),
                store: self.store_path(),
                state,
                kept: kept.join(", "),
            });
        }
        if contents.log && !contents.log_key {
            return Err(HomeError::LogKeyMissing {
                log: self.log_dir(),
                key: self.log_key_path(),
            });
        }
        Ok(contents)
    }

    /// The log holds every entry the store records as logged.
    fn check_log_covers(
        &self,
        store: &mut Store,
        contents: &HomeContents,
    ) -> Result<(), HomeError> {
        let Some(high_water) = store.log_high_water()? else {
            return Ok(());
        };
        let log_state = if contents.log {
            let size = freeport_tlog::store::Log::open_read_only(&self.log_dir())?.size();
            (size <= high_water).then(|| format!("holds {size} entries"))
        } else {
            Some("is missing".to_owned())
        };
        match log_state {
            None => Ok(()),
            Some(log_state) => Err(HomeError::LogBehind {
                store: self.store_shown()?,
                log: self.log_dir(),
                high_water,
                log_state,
            }),
        }
    }

    /// The store, for a command that records: created in a fresh home, opened (and migrated)
    /// in one whose parts agree, refused otherwise.
    ///
    /// # Errors
    ///
    /// [`HomeLayout::check`]'s, or the store's.
    pub fn open_store_for_recording(&self) -> Result<Store, HomeError> {
        let contents = self.check_files()?;
        if contents.store_bytes.is_none() && !contents.store_database {
            return Ok(Store::create(self.store_path())?);
        }
        // A database is never given a new schema here: only `freeport init` does that.
        let mut store = Store::open_existing(self.store_target()?)?;
        self.check_log_covers(&mut store, &contents)?;
        Ok(store)
    }

    /// The store, for a command that only reads: `None` in a fresh home (nothing was ever
    /// recorded there), opened without migrating in one whose parts agree, refused otherwise.
    ///
    /// # Errors
    ///
    /// [`HomeLayout::check`]'s, or the store's (an older schema included).
    pub fn open_store_for_reading(&self) -> Result<Option<Store>, HomeError> {
        let contents = self.check_files()?;
        if contents.store_bytes.is_none() && !contents.store_database {
            return Ok(None);
        }
        let mut store = Store::open_for_reading(self.store_target()?)?;
        self.check_log_covers(&mut store, &contents)?;
        Ok(Some(store))
    }
}

/// What `freeport init` made: the home and the public keys a verifier pins.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Initialised {
    /// The home directory.
    pub home: String,
    /// The store file.
    pub store: String,
    /// The log's origin.
    pub log_origin: String,
    /// The log's verifier key (C2SP vkey).
    pub log_vkey: String,
    /// The trust policy file (tlog-policy naming the log and both witnesses).
    pub trust_policy: String,
}

impl HomeLayout {
    /// Creates a port home: the store, the log with its key, the local witnesses and the trust
    /// policy. Only in an empty (or absent) directory: a home that holds anything is refused
    /// and left as it is.
    ///
    /// # Errors
    ///
    /// [`HomeError::AlreadyInitialised`], or a store, log or file error.
    pub fn init(&self) -> Result<Initialised, HomeError> {
        self.init_as(crate::home::LOG_ORIGIN)
    }

    /// As [`HomeLayout::init`], the log named `origin` (a schema-less URL such as
    /// `port.example.org/log`; also its key's name), which checkpoints, receipts and trust
    /// policies carry.
    ///
    /// # Errors
    ///
    /// As [`HomeLayout::init`]; an origin that is not a valid key name.
    pub fn init_as(&self, origin: &str) -> Result<Initialised, HomeError> {
        self.init_with(origin, None)
    }

    /// As [`HomeLayout::init_as`], with the store in the PostgreSQL database `database` (a
    /// `postgres://` URL or a `host=… dbname=…` string) when given, else `freeport.db` in the
    /// home. The database must exist and hold no tables: one that holds a store already (of
    /// another port, or of this one before its home was lost) is refused, and so is one of
    /// another program. The home records the connection string in `database.url` (readable by
    /// its owner only: it may hold a password).
    ///
    /// # Errors
    ///
    /// As [`HomeLayout::init_as`]; [`HomeError::NotADatabase`]; the store's
    /// [`StoreError::AlreadyExists`] or [`StoreError::NotOurs`] for a database in use.
    pub fn init_with(
        &self,
        origin: &str,
        database: Option<&str>,
    ) -> Result<Initialised, HomeError> {
        if let Some(database) = database
            && !Store::is_postgres_target(database)
        {
            return Err(HomeError::NotADatabase {
                database: redact(database),
            });
        }
        let contents = self.contents()?;
        if !contents.is_fresh() {
            let mut holds = Vec::new();
            if contents.store_bytes.is_some() {
                holds.push("a store".to_owned());
            }
            if contents.store_database {
                holds.push("a store database".to_owned());
            }
            if contents.log {
                holds.push("a log".to_owned());
            }
            if contents.log_key {
                holds.push("the log's key".to_owned());
            }
            if !contents.witness_states.is_empty() {
                holds.push(format!(
                    "witness state ({})",
                    contents.witness_states.join(", ")
                ));
            }
            return Err(HomeError::AlreadyInitialised {
                root: self.root.clone(),
                holds: holds.join(", "),
            });
        }
        // The origin is checked (as a key name) before anything is made.
        freeport_tlog::note::SigningKey::generate(origin, freeport_tlog::note::KeyKind::Ed25519)?;
        let store = match database {
            Some(database) => {
                let store = Store::create(database)?;
                self.write_database_url(database)?;
                store
            }
            // A port's store holds small rows written a few at a time: small pages.
            None => Store::create_with(self.store_path(), Pages::Small)?,
        };
        let shown = store.path().display().to_string();
        drop(store);
        let log = crate::home::PortLog::open_or_create_as(self, origin)?;
        Ok(Initialised {
            home: self.root.display().to_string(),
            store: shown,
            log_origin: log.origin().to_owned(),
            log_vkey: log.vkey(),
            trust_policy: self.trust_policy_path().display().to_string(),
        })
    }
}

impl HomeLayout {
    /// Writes `database.url` whole (temporary file, then rename), readable by its owner only.
    fn write_database_url(&self, database: &str) -> Result<(), HomeError> {
        let path = self.database_url_path();
        let io = |source| HomeError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&self.root).map_err(io)?;
        let temp = self.root.join(".database.url.tmp");
        {
            use std::io::Write as _;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&temp).map_err(io)?;
            writeln!(file, "{database}").map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        std::fs::rename(&temp, &path).map_err(io)
    }
}

/// `target` without a password (a URL's `user:password@`, a `password=` word).
fn redact(target: &str) -> String {
    let words: Vec<String> = target
        .split_whitespace()
        .map(|word| {
            if word.starts_with("password=") {
                return "password=***".to_owned();
            }
            match (word.find("://"), word.rfind('@')) {
                (Some(scheme), Some(at)) if scheme < at => {
                    let (head, host) = word.split_at(at);
                    let (prefix, userinfo) = head.split_at(scheme + 3);
                    match userinfo.split_once(':') {
                        Some((user, _)) => format!("{prefix}{user}:***{host}"),
                        None => word.to_owned(),
                    }
                }
                _ => word.to_owned(),
            }
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home() -> (tempfile::TempDir, HomeLayout) {
        let dir = tempfile::tempdir().unwrap();
        let home = HomeLayout::new(dir.path().join("home"));
        (dir, home)
    }

    #[test]
    fn a_fresh_home_is_created_only_by_a_recording_command() {
        let (_dir, home) = home();
        assert!(home.check().unwrap().is_fresh());
        assert!(home.open_store_for_reading().unwrap().is_none());
        assert!(!home.store_path().exists(), "reading created the store");
        drop(home.open_store_for_recording().unwrap());
        assert!(home.store_path().exists());
        assert!(home.open_store_for_reading().unwrap().is_some());
    }

    #[test]
    fn init_makes_a_home_once() {
        let (_dir, home) = home();
        let made = home.init().unwrap();
        assert!(made.log_vkey.starts_with("freeport.local/log+"), "{made:?}");
        let contents = home.check().unwrap();
        assert!(contents.log && contents.log_key && contents.store_bytes.is_some());
        let error = home.init().unwrap_err();
        assert!(
            error
                .to_string()
                .contains("(a store, a log, the log's key)"),
            "{error}"
        );
    }

    #[test]
    fn a_port_names_its_log_and_a_bad_name_creates_nothing() {
        let (_dir, home) = home();
        let error = home.init_as("not a key name").unwrap_err();
        assert!(matches!(error, HomeError::Log(_)), "{error:?}");
        assert!(
            home.check().unwrap().is_fresh(),
            "a refused init left something"
        );
        let made = home.init_as("port.example.org/log").unwrap();
        assert_eq!(made.log_origin, "port.example.org/log");
        assert!(
            made.log_vkey.starts_with("port.example.org/log+"),
            "{made:?}"
        );
        // Reopened, the log keeps its name.
        let log = crate::home::PortLog::open_or_create(&home).unwrap();
        assert_eq!(log.origin(), "port.example.org/log");
        assert!(
            log.policy().starts_with("log port.example.org/log+"),
            "{}",
            log.policy()
        );
    }

    #[test]
    fn a_store_gone_beside_a_log_key_is_refused_naming_what_remains() {
        let (_dir, home) = home();
        std::fs::create_dir_all(home.keys_dir()).unwrap();
        std::fs::write(home.log_key_path(), "key").unwrap();
        for truncate in [false, true] {
            if truncate {
                std::fs::write(home.store_path(), b"").unwrap();
            }
            let error = home.open_store_for_recording().unwrap_err();
            let HomeError::StoreMissing { state, kept, .. } = &error else {
                panic!("{error:?}");
            };
            assert_eq!(
                *state,
                if truncate {
                    "empty (0 bytes)"
                } else {
                    "missing"
                }
            );
            assert_eq!(kept, "the log's key");
            let error = home.open_store_for_reading().unwrap_err();
            assert!(matches!(error, HomeError::StoreMissing { .. }), "{error:?}");
        }
        assert_eq!(std::fs::metadata(home.store_path()).unwrap().len(), 0);
    }

    /// A home may keep its store in PostgreSQL (`freeport init --database`): it is opened from
    /// `database.url` by every later command, and refused — nothing created — when the
    /// database has lost its schema or when `init` is pointed at a database that already
    /// holds a port's store (or another program's tables).
    #[test]
    fn a_home_keeps_its_store_in_postgres_and_fails_closed() {
        let Some(db) = freeport_testdb::TestDb::new(freeport_testdb::Backend::Postgres) else {
            return;
        };
        let (_dir, home) = home();
        let error = home
            .init_with(crate::home::LOG_ORIGIN, Some("not a url.db"))
            .unwrap_err();
        assert!(matches!(error, HomeError::NotADatabase { .. }), "{error:?}");
        assert!(
            home.contents().unwrap().is_fresh(),
            "a refused init left something"
        );

        let made = home
            .init_with(crate::home::LOG_ORIGIN, Some(db.target()))
            .unwrap();
        assert!(made.store.contains("dbname="), "{made:?}");
        assert!(
            !home.store_path().exists(),
            "a PostgreSQL home made a SQLite file"
        );
        assert_eq!(home.store_target().unwrap(), PathBuf::from(db.target()));
        let contents = home.check().unwrap();
        assert!(contents.store_database && contents.store_bytes.is_none());
        let mut store = home.open_store_for_recording().unwrap();
        assert!(store.is_postgres());
        store.subject_salt("acme").unwrap();
        drop(store);
        assert!(
            home.open_store_for_reading()
                .unwrap()
                .unwrap()
                .is_postgres()
        );

        // A second home pointed at the same database is refused: it holds a port's store.
        let (_other_dir, other) = home_at("other");
        let error = other
            .init_with(crate::home::LOG_ORIGIN, Some(db.target()))
            .unwrap_err();
        assert!(
            matches!(error, HomeError::Store(StoreError::AlreadyExists { .. })),
            "{error:?}"
        );
        assert!(!other.database_url_path().exists());

        // The database loses its schema: every way in refuses, and nothing is recreated.
        db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            .unwrap();
        for error in [
            home.open_store_for_recording().unwrap_err(),
            home.open_store_for_reading().unwrap_err(),
            home.check().unwrap_err(),
        ] {
            assert!(
                matches!(error, HomeError::Store(StoreError::NoSchema { .. })),
                "{error:?}"
            );
        }
        let tables = db.execute("SELECT 1 FROM freeport_schema");
        assert!(tables.is_err(), "a refused open recreated the schema");
    }

    fn home_at(name: &str) -> (tempfile::TempDir, HomeLayout) {
        let dir = tempfile::tempdir().unwrap();
        let home = HomeLayout::new(dir.path().join(name));
        (dir, home)
    }
}
