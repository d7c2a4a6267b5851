//! The PostgreSQL backend, for several instances behind a load balancer:
//! tokio-postgres connections in a deadpool pool (TLS by [`tls`]),
//! migrations applied at start under an advisory lock.
//!
//! Every method is one autocommitted statement (or a read-only transaction)
//! at PostgreSQL's default READ COMMITTED isolation, so a read sees every
//! write committed before it started — on any instance. A share revoked
//! through one instance is therefore refused by all others on their very
//! next `share_status` check (see [`crate::delivery`]).

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::config::SslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres::{IsolationLevel, NoTls, Row};

mod tls;

use super::is_postgres_url;
use super::{
    Credential, NewShare, ShareAuth, SharePage, ShareStatus, ShareStore, ShareSummary, StoreError,
    StoredShare, User, UserId, redact_url,
};
use crate::ids::{ShareId, TokenHash};

/// The migrations, in order: version `n` is `MIGRATIONS[n - 1]`.
const MIGRATIONS: &[&str] = &[include_str!("../../../migrations/postgres/0001_init.sql")];

/// Serialises migrations across instances (`pg_advisory_xact_lock` key; an
/// arbitrary constant: "parlor" in ASCII).
const MIGRATION_LOCK: i64 = 0x7061_726c_6f72;

/// The schema version the embedded migrations lead to.
pub fn latest_schema_version() -> usize {
    MIGRATIONS.len()
}

/// Size and patience of the connection pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    /// Most connections one instance opens.
    pub max_size: usize,
    /// How long a request waits for a free connection (or a new one to be
    /// established) before it fails with [`StoreError::Unavailable`].
    pub wait_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 16,
            wait_timeout: Duration::from_secs(5),
        }
    }
}

/// PostgreSQL behind [`ShareStore`].
pub struct PostgresStore {
    pool: Pool,
}

impl PostgresStore {
    /// Connects with the default pool, applies pending migrations and
    /// checks the connection.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, PoolOptions::default()).await
    }

    /// Like [`PostgresStore::open`] with a pool of this size and patience.
    pub async fn open_with(url: &str, options: PoolOptions) -> Result<Self, StoreError> {
        let Connection { config, tls } = parse_url(url)?;
        let manager_config = || ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match tls {
            Some(tls) => {
                Manager::from_config(config, tls::MakeRustlsConnect::new(tls), manager_config())
            }
            None => Manager::from_config(config, NoTls, manager_config()),
        };
        let pool = Pool::builder(manager)
            .max_size(options.max_size.max(1))
            .wait_timeout(Some(options.wait_timeout))
            .create_timeout(Some(options.wait_timeout))
            .recycle_timeout(Some(options.wait_timeout))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Database(format!("cannot build the connection pool: {e}")))?;
        let store = Self { pool };
        store.migrate().await.map_err(|error| match error {
            // Keep `Unavailable` (the database is down or unreachable) apart
            // from real migration failures, and say which database it was.
            StoreError::Unavailable(reason) => {
                StoreError::Unavailable(format!("{}: {reason}", redact_url(url)))
            }
            other => other,
        })?;
        Ok(store)
    }

    /// Applies the pending migrations in one transaction that holds an
    /// advisory lock, so instances starting together apply each migration
    /// exactly once; the others wait and then find nothing to do.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await.map_err(db_error)?;
        transaction
            .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(db_error)?;
        transaction
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version    integer     PRIMARY KEY,
                     applied_at timestamptz NOT NULL DEFAULT now()
                 )",
            )
            .await
            .map_err(migration_error)?;
        let applied: i32 = transaction
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )
            .await
            .and_then(|row| row.try_get(0))
            .map_err(migration_error)?;
        let applied = usize::try_from(applied).unwrap_or(0);
        if applied > MIGRATIONS.len() {
            return Err(StoreError::Migration(format!(
                "the database is at schema version {applied}, newer than this share-server \
                 knows ({}); upgrade the share-server",
                MIGRATIONS.len()
            )));
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            let version = i32::try_from(index + 1)
                .map_err(|_| StoreError::Migration("too many migrations".into()))?;
            transaction
                .batch_execute(sql)
                .await
                .map_err(|e| match migration_error(e) {
                    StoreError::Migration(reason) => {
                        StoreError::Migration(format!("version {version}: {reason}"))
                    }
                    other => other,
                })?;
            transaction
                .execute(
                    "INSERT INTO schema_migrations (version) VALUES ($1)",
                    &[&version],
                )
                .await
                .map_err(migration_error)?;
        }
        transaction.commit().await.map_err(db_error)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(pool_error)
    }

    /// Runs one statement and returns its rows.
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(db_error)?;
        client.query(&statement, params).await.map_err(db_error)
    }

    /// Runs one statement and returns its row, if any.
    async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Option<Row>, StoreError> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(db_error)?;
        client.query_opt(&statement, params).await.map_err(db_error)
    }

    /// Runs one statement and returns how many rows it changed.
    async fn execute(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(db_error)?;
        client.execute(&statement, params).await.map_err(db_error)
    }
}

/// What a URL asks for: the driver's settings and, unless TLS is off, the
/// rustls configuration.
struct Connection {
    config: tokio_postgres::Config,
    tls: Option<std::sync::Arc<rustls::ClientConfig>>,
}

/// Parses a `postgres://` URL (see [`tokio_postgres::Config`] for its
/// parameters) with libpq's `sslmode` (default `prefer`) and `sslrootcert`.
fn parse_url(url: &str) -> Result<Connection, StoreError> {
    let invalid = |reason: String| StoreError::InvalidUrl {
        url: redact_url(url),
        reason,
    };
    if !is_postgres_url(url) {
        return Err(StoreError::UnsupportedUrl(redact_url(url)));
    }
    // The driver knows neither `verify-*` nor `sslrootcert`: they are read
    // here and taken out of the URL it parses.
    let (rest, ssl_mode, root_cert) = take_tls_parameters(url);
    let mode = match ssl_mode.as_deref() {
        None => tls::Mode::Prefer,
        Some(text) => tls::Mode::parse(text).ok_or_else(|| {
            invalid(format!(
                "unknown sslmode={text} (use disable, prefer, require, verify-ca or verify-full)"
            ))
        })?,
    };
    let mut config: tokio_postgres::Config = rest
        .parse()
        .map_err(|e: tokio_postgres::Error| invalid(describe(&e)))?;
    if config.get_dbname().is_none() {
        return Err(invalid(
            "name the database, e.g. postgres://user@host/shares".into(),
        ));
    }
    let only_unix_sockets = config
        .get_hosts()
        .iter()
        .all(|host| matches!(host, tokio_postgres::config::Host::Unix(_)));
    // As libpq: no TLS over a Unix socket.
    let mode = if only_unix_sockets && mode == tls::Mode::Prefer {
        tls::Mode::Disable
    } else {
        mode
    };
    config.ssl_mode(match mode {
        tls::Mode::Disable => SslMode::Disable,
        tls::Mode::Prefer => SslMode::Prefer,
        tls::Mode::Require | tls::Mode::VerifyCa | tls::Mode::VerifyFull => SslMode::Require,
    });
    let tls = tls::client_config(mode, root_cert.as_deref().map(std::path::Path::new))
        .map_err(invalid)?;
    if config.get_application_name().is_none() {
        config.application_name("share-server");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    Ok(Connection { config, tls })
}

/// Splits `sslmode` and `sslrootcert` (percent-decoded) off a URL's query.
fn take_tls_parameters(url: &str) -> (String, Option<String>, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), None, None);
    };
    let (mut mode, mut root_cert, mut kept) = (None, None, Vec::new());
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("sslmode", value)) => mode = Some(percent_decode(value)),
            Some(("sslrootcert", value)) => root_cert = Some(percent_decode(value)),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, mode, root_cert)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The error with its cause and, for server errors, the SQLSTATE.
fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("{} ({}): {}", db.severity(), db.code().code(), db.message());
    }
    // The driver's message already ends with its cause.
    error.to_string()
}

/// Maps a driver error: unique violations are conflicts; a connection that
/// failed, closed or timed out (and a server shutting down or out of
/// connections) is "unavailable"; anything else is a database error.
fn db_error(error: tokio_postgres::Error) -> StoreError {
    match error.code() {
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => StoreError::Conflict,
        Some(code) if is_unavailable(code) => StoreError::Unavailable(describe(&error)),
        Some(_) => StoreError::Database(describe(&error)),
        None if error.is_closed() || is_io(&error) || error.to_string().starts_with("timeout") => {
            StoreError::Unavailable(describe(&error))
        }
        None => StoreError::Database(describe(&error)),
    }
}

/// SQLSTATE classes 08 (connection exception), 53 (insufficient
/// resources), 57P (operator intervention: shutdown, cannot connect now).
fn is_unavailable(code: &SqlState) -> bool {
    let code = code.code();
    code.starts_with("08") || code.starts_with("53") || code.starts_with("57P")
}

fn is_io(error: &tokio_postgres::Error) -> bool {
    std::error::Error::source(error).is_some_and(|cause| cause.is::<std::io::Error>())
}

/// Like [`db_error`], but a failing statement (a conflict included) is a
/// migration failure; only a lost connection stays "unavailable".
fn migration_error(error: tokio_postgres::Error) -> StoreError {
    let reason = describe(&error);
    match db_error(error) {
        StoreError::Unavailable(reason) => StoreError::Unavailable(reason),
        _ => StoreError::Migration(reason),
    }
}

fn pool_error(error: PoolError) -> StoreError {
    match error {
        PoolError::Backend(error) => match db_error(error) {
            // Failing to connect at all (wrong password, unknown database) is
            // still "cannot reach the database" to the caller.
            StoreError::Database(reason) => StoreError::Unavailable(reason),
            other => other,
        },
        PoolError::Timeout(kind) => StoreError::Unavailable(format!(
            "no database connection available in time ({kind:?}): the pool is exhausted or \
             the server does not answer"
        )),
        PoolError::Closed => StoreError::Unavailable("the connection pool is closed".into()),
        PoolError::NoRuntimeSpecified => {
            StoreError::Unavailable("the connection pool has no runtime".into())
        }
        PoolError::PostCreateHook(error) => StoreError::Unavailable(error.to_string()),
    }
}

/// Milliseconds, rounded down as the SQLite backend stores them.
fn millis(at: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
    Utc.timestamp_millis_opt(at.timestamp_millis())
        .single()
        .ok_or_else(|| StoreError::Database(format!("time out of range: {at}")))
}

fn optional_millis(at: Option<DateTime<Utc>>) -> Result<Option<DateTime<Utc>>, StoreError> {
    at.map(millis).transpose()
}

fn column<'a, T: tokio_postgres::types::FromSql<'a>>(
    row: &'a Row,
    index: usize,
) -> Result<T, StoreError> {
    row.try_get(index).map_err(db_error)
}

fn hash_column(row: &Row, index: usize) -> Result<TokenHash, StoreError> {
    TokenHash::from_bytes(column::<&[u8]>(row, index)?)
        .ok_or_else(|| StoreError::Database(format!("column {index} is not a token hash")))
}

fn share_id_column(row: &Row, index: usize) -> Result<ShareId, StoreError> {
    ShareId::parse(column::<&str>(row, index)?)
        .ok_or_else(|| StoreError::Database(format!("column {index} is not a share id")))
}

fn status_columns(row: &Row, first: usize) -> Result<ShareStatus, StoreError> {
    Ok(ShareStatus {
        expires_at: column(row, first)?,
        revoked_at: column(row, first + 1)?,
    })
}

const USER_COLUMNS: &str = "id, name, created_at, revoked_at";

fn user_row(row: &Row) -> Result<User, StoreError> {
    Ok(User {
        id: column(row, 0)?,
        name: column(row, 1)?,
        created_at: column(row, 2)?,
        revoked_at: column(row, 3)?,
    })
}

#[async_trait]
impl ShareStore for PostgresStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.query("SELECT 1", &[]).await.map(drop)
    }

    async fn create_user(
        &self,
        name: &str,
        token_hash: TokenHash,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let rows = self
            .query(
                &format!(
                    "INSERT INTO users (name, token_hash, created_at) VALUES ($1, $2, $3)
                     RETURNING {USER_COLUMNS}"
                ),
                &[&name, &token_hash.as_bytes().as_slice(), &millis(now)?],
            )
            .await?;
        match rows.first() {
            Some(row) => user_row(row),
            None => Err(StoreError::Database(
                "INSERT … RETURNING gave no row".into(),
            )),
        }
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        // `COLLATE "C"`: byte order, as SQLite sorts, whatever the database's locale.
        self.query(
            &format!("SELECT {USER_COLUMNS} FROM users ORDER BY name COLLATE \"C\""),
            &[],
        )
        .await?
        .iter()
        .map(user_row)
        .collect()
    }

    async fn revoke_user(&self, name: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        self.execute(
            "UPDATE users SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
            &[&name, &millis(now)?],
        )
        .await
        .map(|changed| changed > 0)
    }

    async fn credential(&self, token_hash: TokenHash) -> Result<Option<Credential>, StoreError> {
        let row = self
            .query_opt(
                &format!("SELECT {USER_COLUMNS}, token_hash FROM users WHERE token_hash = $1"),
                &[&token_hash.as_bytes().as_slice()],
            )
            .await?;
        row.map(|row| {
            Ok(Credential {
                user: user_row(&row)?,
                token_hash: hash_column(&row, 4)?,
            })
        })
        .transpose()
    }

    async fn insert_share(&self, share: NewShare) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO shares (id, owner_id, delete_token_hash, title, snapshot,
                                 created_at, expires_at, indexable)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &share.id.as_str(),
                &share.owner,
                &share.delete_token_hash.as_bytes().as_slice(),
                &share.title,
                &share.snapshot,
                &millis(share.created_at)?,
                &optional_millis(share.expires_at)?,
                &share.indexable,
            ],
        )
        .await
        .map(drop)
    }

    async fn share(&self, id: &ShareId) -> Result<Option<StoredShare>, StoreError> {
        let row = self
            .query_opt(
                "SELECT owner_id, created_at, indexable, expires_at, revoked_at, snapshot
                 FROM shares WHERE id = $1",
                &[&id.as_str()],
            )
            .await?;
        row.map(|row| {
            Ok(StoredShare {
                id: id.clone(),
                owner: column(&row, 0)?,
                created_at: column(&row, 1)?,
                indexable: column(&row, 2)?,
                status: status_columns(&row, 3)?,
                snapshot: column(&row, 5)?,
            })
        })
        .transpose()
    }

    async fn share_status(&self, id: &ShareId) -> Result<Option<ShareStatus>, StoreError> {
        // Autocommit at READ COMMITTED: sees every revocation committed
        // before this statement started, whichever instance made it.
        let row = self
            .query_opt(
                "SELECT expires_at, revoked_at FROM shares WHERE id = $1",
                &[&id.as_str()],
            )
            .await?;
        row.map(|row| status_columns(&row, 0)).transpose()
    }

    async fn share_auth(&self, id: &ShareId) -> Result<Option<ShareAuth>, StoreError> {
        let row = self
            .query_opt(
                "SELECT owner_id, delete_token_hash, expires_at, revoked_at
                 FROM shares WHERE id = $1",
                &[&id.as_str()],
            )
            .await?;
        row.map(|row| {
            Ok(ShareAuth {
                owner: column(&row, 0)?,
                delete_token_hash: hash_column(&row, 1)?,
                status: status_columns(&row, 2)?,
            })
        })
        .transpose()
    }

    async fn list_shares(
        &self,
        owner: UserId,
        limit: u32,
        offset: u64,
    ) -> Result<SharePage, StoreError> {
        let limit = i64::from(limit);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let mut client = self.client().await?;
        // One snapshot for the count and the page, so they agree.
        let transaction = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(db_error)?;
        let count = transaction
            .prepare_cached("SELECT COUNT(*) FROM shares WHERE owner_id = $1")
            .await
            .map_err(db_error)?;
        let total: i64 = column(
            &transaction
                .query_one(&count, &[&owner])
                .await
                .map_err(db_error)?,
            0,
        )?;
        let page = transaction
            .prepare_cached(
                "SELECT id, title, created_at, expires_at, revoked_at FROM shares
                 WHERE owner_id = $1
                 ORDER BY created_at DESC, pk DESC
                 LIMIT $2 OFFSET $3",
            )
            .await
            .map_err(db_error)?;
        let items = transaction
            .query(&page, &[&owner, &limit, &offset])
            .await
            .map_err(db_error)?
            .iter()
            .map(|row| {
                Ok(ShareSummary {
                    id: share_id_column(row, 0)?,
                    title: column(row, 1)?,
                    created_at: column(row, 2)?,
                    status: status_columns(row, 3)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        transaction.commit().await.map_err(db_error)?;
        Ok(SharePage {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn revoke_share(&self, id: &ShareId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        self.execute(
            "UPDATE shares SET revoked_at = $2, snapshot = ''::bytea
             WHERE id = $1 AND revoked_at IS NULL",
            &[&id.as_str(), &millis(now)?],
        )
        .await
        .map(|changed| changed > 0)
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        self.execute(
            "DELETE FROM shares WHERE expires_at IS NOT NULL AND expires_at <= $1",
            &[&millis(now)?],
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_libpq_defaults() {
        let Connection { config, tls } =
            parse_url("postgres://alice:secret@db.example:5433/shares").unwrap();
        assert_eq!(config.get_user(), Some("alice"));
        assert_eq!(config.get_password(), Some(b"secret".as_slice()));
        assert_eq!(config.get_dbname(), Some("shares"));
        assert_eq!(config.get_ports(), [5433]);
        // libpq's default: TLS when the server offers it.
        assert_eq!(config.get_ssl_mode(), SslMode::Prefer);
        assert!(tls.is_some());
        assert_eq!(config.get_application_name(), Some("share-server"));
        assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(5)));

        let Connection { config, tls } =
            parse_url("postgresql://u@h/db?sslmode=disable&application_name=a&connect_timeout=2")
                .unwrap();
        assert_eq!(config.get_ssl_mode(), SslMode::Disable);
        assert!(tls.is_none());
        assert_eq!(config.get_application_name(), Some("a"));
        assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(2)));

        // A Unix socket directory, percent-encoded or as a parameter: no TLS.
        for url in [
            "postgres://parlor@%2Frun%2Fpostgresql/parlor",
            "postgres://parlor@/parlor?host=/run/postgresql",
        ] {
            let Connection { config, tls } = parse_url(url).unwrap();
            assert_eq!(
                config.get_hosts(),
                [tokio_postgres::config::Host::Unix("/run/postgresql".into())],
                "{url}"
            );
            assert_eq!(config.get_ssl_mode(), SslMode::Disable, "{url}");
            assert!(tls.is_none(), "{url}");
        }
    }

    #[test]
    fn tls_modes_are_libpqs() {
        for (mode, driver_mode) in [
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
            ("verify-ca", SslMode::Require),
            ("verify-full", SslMode::Require),
        ] {
            let url = format!("postgres://u@h/db?connect_timeout=3&sslmode={mode}");
            let Connection { config, tls } = parse_url(&url).unwrap();
            assert_eq!(config.get_ssl_mode(), driver_mode, "{mode}");
            assert!(tls.is_some(), "{mode}");
            // The other parameters survive the removal of sslmode.
            assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(3)));
        }
    }

    #[test]
    fn tls_parameters_are_taken_out_of_the_url() {
        assert_eq!(
            take_tls_parameters(
                "postgres://h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20x.pem&x=1"
            ),
            (
                "postgres://h/db?x=1".to_owned(),
                Some("verify-full".to_owned()),
                Some("/etc/ca x.pem".to_owned())
            )
        );
        assert_eq!(
            take_tls_parameters("postgres://h/db?sslrootcert=ca.pem"),
            (
                "postgres://h/db".to_owned(),
                None,
                Some("ca.pem".to_owned())
            )
        );
        assert_eq!(
            take_tls_parameters("postgres://h/db"),
            ("postgres://h/db".to_owned(), None, None)
        );
        assert_eq!(percent_decode("a%2x%41%"), "a%2xA%");
    }

    #[test]
    fn bad_tls_settings_are_refused_with_a_clear_message() {
        for (url, expected) in [
            (
                "postgres://u:hunter2@h/db?sslmode=allow",
                "unknown sslmode=allow",
            ),
            (
                "postgres://u:hunter2@h/db?sslmode=bogus",
                "unknown sslmode=bogus",
            ),
            (
                "postgres://u:hunter2@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
                "cannot read sslrootcert /nonexistent/ca.pem",
            ),
        ] {
            let Err(error) = parse_url(url) else {
                panic!("{url} accepted");
            };
            let message = error.to_string();
            assert!(matches!(error, StoreError::InvalidUrl { .. }), "{message}");
            assert!(message.contains(expected), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn malformed_urls_are_refused_without_the_password() {
        for url in [
            "postgres://u:hunter2@h:notaport/db",
            "postgres://u:hunter2@h/db?bogus_option=1",
            "postgres://u:hunter2@h",
        ] {
            let Err(error) = parse_url(url) else {
                panic!("{url} accepted");
            };
            let message = error.to_string();
            assert!(matches!(error, StoreError::InvalidUrl { .. }), "{message}");
            assert!(message.contains("postgres://u:***@h"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
        assert!(matches!(
            parse_url("mysql://u:hunter2@h/db"),
            Err(StoreError::UnsupportedUrl(url)) if url == "mysql://u:***@h/db"
        ));
    }

    #[test]
    fn timestamps_are_truncated_to_milliseconds() {
        let at = Utc.timestamp_nanos(1_700_000_000_123_456_789);
        assert_eq!(
            millis(at).unwrap(),
            Utc.timestamp_millis_opt(1_700_000_000_123).unwrap()
        );
    }

    #[test]
    fn sqlstates_that_mean_unavailable() {
        for code in ["08006", "08001", "53300", "57P01", "57P03"] {
            assert!(is_unavailable(&SqlState::from_code(code)), "{code}");
        }
        for code in ["23505", "42P01", "22001"] {
            assert!(!is_unavailable(&SqlState::from_code(code)), "{code}");
        }
    }
}
