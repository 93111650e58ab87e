//! The backend seam: one connection and one transaction type over SQLite (rusqlite) and
//! PostgreSQL (the `postgres` crate, the blocking client of tokio-postgres), with typed
//! parameters ([`Param`]) and owned rows ([`Row`]). The store's queries are written once, in
//! the SQL both accept:
//!
//! - placeholders `?1`, `?2`, … (rewritten to `$1`, `$2`, … for PostgreSQL, [`postgres_sql`]);
//! - `INSERT … ON CONFLICT … DO NOTHING` / `DO UPDATE`, never `INSERT OR IGNORE`;
//! - `RETURNING seq` for a new row's key, never `last_insert_rowid()`;
//! - every integer column `BIGINT` on PostgreSQL (SQLite's `INTEGER` is 64-bit), sums cast
//!   back to `BIGINT` (PostgreSQL's `SUM(bigint)` is `numeric`), dates as ISO `YYYY-MM-DD`
//!   text, whose order is date order in both.
//!
//! No type of either driver leaves this module but through [`DbError`], which the store boxes
//! as a plain `std::error::Error` in [`StoreError::Database`](crate::StoreError::Database).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

/// A value bound to a placeholder.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    /// SQL `NULL`.
    Null,
    /// A 64-bit integer.
    Int(i64),
    /// Text.
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<Option<i64>> for Param<'_> {
    fn from(value: Option<i64>) -> Self {
        value.map_or(Self::Null, Self::Int)
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(value: &'a String) -> Self {
        Self::Text(value)
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(value: Option<&'a str>) -> Self {
        value.map_or(Self::Null, Self::Text)
    }
}

impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(value: &'a Option<String>) -> Self {
        value.as_deref().map_or(Self::Null, Self::Text)
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(value: &'a [u8]) -> Self {
        Self::Blob(value)
    }
}

impl<'a> From<&'a Vec<u8>> for Param<'a> {
    fn from(value: &'a Vec<u8>) -> Self {
        Self::Blob(value)
    }
}

impl<'a> From<Option<&'a [u8]>> for Param<'a> {
    fn from(value: Option<&'a [u8]>) -> Self {
        value.map_or(Self::Null, Self::Blob)
    }
}

impl<'a> From<&'a Option<Vec<u8>>> for Param<'a> {
    fn from(value: &'a Option<Vec<u8>>) -> Self {
        value.as_deref().map_or(Self::Null, Self::Blob)
    }
}

impl<'a> From<Option<&'a Vec<u8>>> for Param<'a> {
    fn from(value: Option<&'a Vec<u8>>) -> Self {
        value.map_or(Self::Null, |v| Self::Blob(v))
    }
}

/// The parameters of one statement: `params![a, b, …]`.
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::db::Param::from($value)),*][..]
    };
}
pub(crate) use params;

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Self::Null => ValueRef::Null,
            Self::Int(v) => ValueRef::Integer(v),
            Self::Text(v) => ValueRef::Text(v.as_bytes()),
            Self::Blob(v) => ValueRef::Blob(v),
        }))
    }
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Self::Null => Ok(IsNull::Yes),
            // The server picks each placeholder's type from its use; integers fit the narrower
            // ones the catalogues use, or fail there.
            Self::Int(v) => match *ty {
                Type::INT2 => i16::try_from(v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
                Type::BOOL => (v != 0).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Self::Text(v) => v.to_sql(ty, out),
            Self::Blob(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [
            Type::INT2,
            Type::INT4,
            Type::INT8,
            Type::BOOL,
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
            Type::BYTEA,
        ]
        .contains(ty)
    }

    to_sql_checked!();
}

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// One result row, owned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row(Vec<Cell>);

impl Row {
    fn cell(&self, index: usize) -> Result<&Cell, DbError> {
        self.0.get(index).ok_or(DbError::Column {
            index,
            expected: "a column",
        })
    }

    fn take(&mut self, index: usize) -> Result<Cell, DbError> {
        self.0
            .get_mut(index)
            .map(|c| std::mem::replace(c, Cell::Null))
            .ok_or(DbError::Column {
                index,
                expected: "a column",
            })
    }

    fn wrong(index: usize, expected: &'static str) -> DbError {
        DbError::Column { index, expected }
    }

    /// An integer (a boolean reads as 0 or 1).
    pub(crate) fn int(&self, index: usize) -> Result<i64, DbError> {
        self.opt_int(index)?
            .ok_or_else(|| Self::wrong(index, "an integer"))
    }

    /// An integer or `NULL`.
    pub(crate) fn opt_int(&self, index: usize) -> Result<Option<i64>, DbError> {
        match self.cell(index)? {
            Cell::Null => Ok(None),
            Cell::Int(v) => Ok(Some(*v)),
            _ => Err(Self::wrong(index, "an integer")),
        }
    }

    /// A truth value (an integer, non-zero for true).
    pub(crate) fn bool(&self, index: usize) -> Result<bool, DbError> {
        Ok(self.int(index)? != 0)
    }

    /// Text, taken out of the row.
    pub(crate) fn text(&mut self, index: usize) -> Result<String, DbError> {
        self.opt_text(index)?
            .ok_or_else(|| Self::wrong(index, "text"))
    }

    /// Text or `NULL`, taken out of the row.
    pub(crate) fn opt_text(&mut self, index: usize) -> Result<Option<String>, DbError> {
        match self.take(index)? {
            Cell::Null => Ok(None),
            Cell::Text(v) => Ok(Some(v)),
            _ => Err(Self::wrong(index, "text")),
        }
    }

    /// Text, borrowed.
    pub(crate) fn str(&self, index: usize) -> Result<&str, DbError> {
        match self.cell(index)? {
            Cell::Text(v) => Ok(v),
            _ => Err(Self::wrong(index, "text")),
        }
    }

    /// Bytes, taken out of the row.
    pub(crate) fn blob(&mut self, index: usize) -> Result<Vec<u8>, DbError> {
        self.opt_blob(index)?
            .ok_or_else(|| Self::wrong(index, "bytes"))
    }

    /// Bytes or `NULL`, taken out of the row.
    pub(crate) fn opt_blob(&mut self, index: usize) -> Result<Option<Vec<u8>>, DbError> {
        match self.take(index)? {
            Cell::Null => Ok(None),
            Cell::Blob(v) => Ok(Some(v)),
            _ => Err(Self::wrong(index, "bytes")),
        }
    }

    /// Bytes, borrowed.
    pub(crate) fn bytes(&self, index: usize) -> Result<&[u8], DbError> {
        match self.cell(index)? {
            Cell::Blob(v) => Ok(v),
            _ => Err(Self::wrong(index, "bytes")),
        }
    }

    fn from_sqlite(row: &rusqlite::Row<'_>, columns: usize) -> rusqlite::Result<Self> {
        use rusqlite::types::ValueRef;
        let mut cells = Vec::with_capacity(columns);
        for i in 0..columns {
            cells.push(match row.get_ref(i)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Real(v) => Cell::Real(v),
                ValueRef::Text(v) => Cell::Text(String::from_utf8_lossy(v).into_owned()),
                ValueRef::Blob(v) => Cell::Blob(v.to_vec()),
            });
        }
        Ok(Self(cells))
    }

    fn from_postgres(row: &postgres::Row) -> Result<Self, DbError> {
        let mut cells = Vec::with_capacity(row.len());
        for (i, column) in row.columns().iter().enumerate() {
            let ty = column.type_();
            let cell = match *ty {
                Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Cell::Int),
                Type::INT4 => row
                    .try_get::<_, Option<i32>>(i)?
                    .map(|v| Cell::Int(v.into())),
                Type::INT2 => row
                    .try_get::<_, Option<i16>>(i)?
                    .map(|v| Cell::Int(v.into())),
                Type::BOOL => row
                    .try_get::<_, Option<bool>>(i)?
                    .map(|v| Cell::Int(v.into())),
                Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Cell::Real),
                Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Cell::Blob),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                    row.try_get::<_, Option<String>>(i)?.map(Cell::Text)
                }
                _ => {
                    return Err(DbError::Type {
                        index: i,
                        name: ty.name().to_owned(),
                    });
                }
            };
            cells.push(cell.unwrap_or(Cell::Null));
        }
        Ok(Self(cells))
    }
}

/// A failure of the database or of reading its answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Postgres(#[from] postgres::Error),
    #[error("column {index} is not {expected}")]
    Column {
        index: usize,
        expected: &'static str,
    },
    #[error("column {index} has the type `{name}`, which the store never uses")]
    Type { index: usize, name: String },
    #[error("the query returned no row")]
    NoRow,
}

impl DbError {
    /// A unique or primary-key constraint refused the write.
    pub(crate) fn is_unique_violation(&self) -> bool {
        match self {
            Self::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            }
            Self::Postgres(e) => e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            _ => false,
        }
    }

    /// SQLite says the file is not a database.
    pub(crate) fn is_not_a_database(&self) -> bool {
        matches!(self, Self::Sqlite(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase)
    }
}

/// `sql` with SQLite's numbered placeholders `?N` as PostgreSQL's `$N` (outside string
/// literals and quoted names).
pub(crate) fn postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            None => out.push(c),
        }
    }
    out
}

/// A PostgreSQL connection with its prepared statements, by the store's SQL text.
pub(crate) struct PgConn {
    pub(crate) client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

impl std::fmt::Debug for PgConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConn")
            .field("statements", &self.statements.len())
            .finish_non_exhaustive()
    }
}

impl PgConn {
    pub(crate) fn new(client: postgres::Client) -> Self {
        Self {
            client,
            statements: HashMap::new(),
        }
    }
}

/// An open connection of either backend.
#[derive(Debug)]
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<PgConn>),
}

/// How a transaction begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// May write: holds the store's one write lock from its first statement (SQLite's
    /// `BEGIN IMMEDIATE`; PostgreSQL's transaction-level advisory lock [`WRITE_LOCK`]).
    Write,
    /// Only reads, from one snapshot (SQLite's deferred transaction under WAL; PostgreSQL's
    /// `REPEATABLE READ READ ONLY`).
    Read,
}

/// The key of the PostgreSQL advisory lock every writing transaction (and the migration
/// runner) holds: the bytes of `"fdport"` read as a number, arbitrary but fixed.
pub(crate) const WRITE_LOCK: i64 = 0x6664_706f_7274;

/// An open transaction of either backend.
pub(crate) enum Txn<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    Postgres(RefCell<PgTxn<'c>>),
}

/// A PostgreSQL transaction and the connection's statement cache.
pub(crate) struct PgTxn<'c> {
    tx: postgres::Transaction<'c>,
    statements: &'c mut HashMap<String, postgres::Statement>,
}

impl std::fmt::Debug for Txn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sqlite(_) => "Txn::Sqlite",
            Self::Postgres(_) => "Txn::Postgres",
        })
    }
}

impl PgTxn<'_> {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx.prepare(&postgres_sql(sql))?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn refs<'p>(params: &'p [Param<'p>]) -> Vec<&'p (dyn ToSql + Sync)> {
        params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
    }
}

impl Conn {
    /// Begins a transaction.
    pub(crate) fn begin(&mut self, mode: Mode) -> Result<Txn<'_>, DbError> {
        match self {
            Self::Sqlite(conn) => Ok(Txn::Sqlite(conn.transaction_with_behavior(match mode {
                Mode::Write => rusqlite::TransactionBehavior::Immediate,
                Mode::Read => rusqlite::TransactionBehavior::Deferred,
            })?)),
            Self::Postgres(pg) => {
                let PgConn { client, statements } = &mut **pg;
                let tx = match mode {
                    Mode::Write => {
                        let mut tx = client.transaction()?;
                        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
                        tx
                    }
                    Mode::Read => client
                        .build_transaction()
                        .isolation_level(postgres::IsolationLevel::RepeatableRead)
                        .read_only(true)
                        .start()?,
                };
                Ok(Txn::Postgres(RefCell::new(PgTxn { tx, statements })))
            }
        }
    }

    /// All rows of one statement outside any transaction.
    pub(crate) fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, DbError> {
        match self {
            Self::Sqlite(conn) => sqlite_query(conn, sql, params),
            Self::Postgres(pg) => {
                let rows = pg.client.query(&postgres_sql(sql), &PgTxn::refs(params))?;
                rows.iter().map(Row::from_postgres).collect()
            }
        }
    }

    /// The first row of one statement outside any transaction.
    pub(crate) fn query_one(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Row, DbError> {
        self.query(sql, params)?
            .into_iter()
            .next()
            .ok_or(DbError::NoRow)
    }
}

fn sqlite_query(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Row>, DbError> {
    let mut statement = conn.prepare_cached(sql)?;
    let columns = statement.column_count();
    let mut rows = statement.query(rusqlite::params_from_iter(params))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(Row::from_sqlite(row, columns)?);
    }
    Ok(out)
}

impl Txn<'_> {
    /// The backend's name, for messages.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// Runs one statement; how many rows it changed.
    pub(crate) fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        match self {
            Self::Sqlite(tx) => {
                let changed = tx
                    .prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(params))?;
                Ok(u64::try_from(changed).unwrap_or(u64::MAX))
            }
            Self::Postgres(cell) => {
                let mut pg = cell.borrow_mut();
                let statement = pg.statement(sql)?;
                Ok(pg.tx.execute(&statement, &PgTxn::refs(params))?)
            }
        }
    }

    /// All rows of one statement.
    pub(crate) fn query(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, DbError> {
        match self {
            Self::Sqlite(tx) => sqlite_query(tx, sql, params),
            Self::Postgres(cell) => {
                let mut pg = cell.borrow_mut();
                let statement = pg.statement(sql)?;
                let rows = pg.tx.query(&statement, &PgTxn::refs(params))?;
                rows.iter().map(Row::from_postgres).collect()
            }
        }
    }

    /// The first row of one statement, if any.
    pub(crate) fn query_opt(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<Row>, DbError> {
        match self {
            Self::Sqlite(tx) => {
                let mut statement = tx.prepare_cached(sql)?;
                let columns = statement.column_count();
                let mut rows = statement.query(rusqlite::params_from_iter(params))?;
                rows.next()?
                    .map(|row| Row::from_sqlite(row, columns))
                    .transpose()
                    .map_err(DbError::from)
            }
            Self::Postgres(_) => Ok(self.query(sql, params)?.into_iter().next()),
        }
    }

    /// The first row of one statement, which must return one.
    pub(crate) fn query_one(&self, sql: &str, params: &[Param<'_>]) -> Result<Row, DbError> {
        self.query_opt(sql, params)?.ok_or(DbError::NoRow)
    }

    /// Runs statements without parameters (savepoints, migrations).
    pub(crate) fn batch(&self, sql: &str) -> Result<(), DbError> {
        match self {
            Self::Sqlite(tx) => Ok(tx.execute_batch(sql)?),
            Self::Postgres(cell) => Ok(cell.borrow_mut().tx.batch_execute(sql)?),
        }
    }

    /// Commits.
    pub(crate) fn commit(self) -> Result<(), DbError> {
        match self {
            Self::Sqlite(tx) => Ok(tx.commit()?),
            Self::Postgres(cell) => Ok(cell.into_inner().tx.commit()?),
        }
    }

    /// Rolls back.
    pub(crate) fn rollback(self) -> Result<(), DbError> {
        match self {
            Self::Sqlite(tx) => Ok(tx.rollback()?),
            Self::Postgres(cell) => Ok(cell.into_inner().tx.rollback()?),
        }
    }
}

/// Whether `target` names a PostgreSQL database rather than a file: a `postgres://` or
/// `postgresql://` URL, or a libpq key-value string (`host=… dbname=…`) whose every word is a
/// `key=value` pair.
pub(crate) fn is_postgres_target(target: &str) -> bool {
    const KEYS: &[&str] = &[
        "host",
        "hostaddr",
        "port",
        "dbname",
        "user",
        "password",
        "options",
        "application_name",
        "connect_timeout",
        "sslmode",
        "target_session_attrs",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_retries",
        "channel_binding",
        "load_balance_hosts",
        "sslcert",
        "sslkey",
        "sslrootcert",
    ];
    if target.starts_with("postgres://") || target.starts_with("postgresql://") {
        return true;
    }
    let mut words = target.split_whitespace().peekable();
    words.peek().is_some()
        && words.all(|word| {
            word.split_once('=')
                .is_some_and(|(key, _)| KEYS.contains(&key))
        })
}

/// `target` as shown in messages and [`Store::path`](crate::Store::path): a password in it
/// replaced by `***`.
pub(crate) fn redacted(target: &str) -> Cow<'_, str> {
    if let Some(rest) = target
        .strip_prefix("postgres://")
        .or_else(|| target.strip_prefix("postgresql://"))
    {
        let scheme = if target.starts_with("postgres://") {
            "postgres://"
        } else {
            "postgresql://"
        };
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        if let Some((userinfo, host)) = authority.rsplit_once('@')
            && let Some((user, _)) = userinfo.split_once(':')
        {
            return Cow::Owned(format!("{scheme}{user}:***@{host}{tail}"));
        }
        return Cow::Borrowed(target);
    }
    if target
        .split_whitespace()
        .any(|w| w.starts_with("password="))
    {
        let words: Vec<&str> = target
            .split_whitespace()
            .map(|w| {
                if w.starts_with("password=") {
                    "password=***"
                } else {
                    w
                }
            })
            .collect();
        return Cow::Owned(words.join(" "));
    }
    Cow::Borrowed(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            postgres_sql("SELECT ?1, '?2', \"a?3\" FROM t WHERE x = ?12 AND y = ?"),
            "SELECT $1, '?2', \"a?3\" FROM t WHERE x = $12 AND y = ?"
        );
    }

    #[test]
    fn targets_are_told_apart() {
        for (target, postgres) in [
            ("postgres://u@h/db", true),
            ("postgresql:///db?host=/tmp", true),
            ("host=/tmp/pg user=postgres dbname=port", true),
            ("freeport.db", false),
            ("/home/a/freeport.db", false),
            ("host=x freeport.db", false),
            ("", false),
        ] {
            assert_eq!(is_postgres_target(target), postgres, "{target}");
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redacted("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redacted("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redacted("host=/tmp password=secret dbname=x"),
            "host=/tmp password=*** dbname=x"
        );
    }
}
