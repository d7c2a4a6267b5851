//! The PostgreSQL backend, for several instances behind a load balancer:
//! tokio-postgres connections in a deadpool pool (TLS in `tls.rs`),
//! migrations applied at start under an advisory lock.
//!
//! Every method is one autocommitted statement (or a read-only transaction)
//! at PostgreSQL's default READ COMMITTED isolation, so a read sees every
//! write committed before it started — on any instance. Every change that
//! makes a share's renderings stale is announced to every instance's
//! caches with `NOTIFY` (see `listen.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, NoTls, Row};

mod changes;
mod listen;
mod rows;
#[cfg(test)]
mod tests;
mod tls;
mod url;
mod versions;

use std::sync::{Arc, OnceLock, Weak};

pub use listen::APPLICATION_NAME as LISTENER_APPLICATION_NAME;
use rows::{
    USER_COLUMNS, VIEW_COLUMNS, column, db_error, hash_column, migration_error, millis,
    optional_millis, pool_error, share_id_column, status_columns, user_row,
};
pub use url::PoolOptions;
use url::{Connection, parse_url};

use super::invalidations::{Evict, Invalidations};
use super::{
    Credential, NewShare, NewVersion, Result, ShareAuth, SharePage, ShareStatus, ShareStore,
    ShareSummary, StoreError, StoredFile, StoredShare, User, UserId, ViewCount, redact_url,
};
use crate::ids::{ShareId, TokenHash};

/// The migrations, in order: version `n` is `MIGRATIONS[n - 1]`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/0001_init.sql"),
    include_str!("../../../migrations/postgres/0002_files.sql"),
    include_str!("../../../migrations/postgres/0003_protect.sql"),
    include_str!("../../../migrations/postgres/0004_views_versions.sql"),
];

/// Serialises migrations across instances (`pg_advisory_xact_lock` key; an
/// arbitrary constant: "parlor" in ASCII).
const MIGRATION_LOCK: i64 = 0x7061_726c_6f72;

/// The schema version the embedded migrations lead to.
pub fn latest_schema_version() -> usize {
    MIGRATIONS.len()
}

/// PostgreSQL behind [`ShareStore`].
pub struct PostgresStore {
    pool: Pool,
    /// Where the listener connects (see `listen.rs`).
    connection: Connection,
    invalidations: Arc<Invalidations>,
    /// Started when a cache first watches this store.
    listener: OnceLock<listen::Listener>,
}

impl PostgresStore {
    /// Connects with the default pool, applies pending migrations and
    /// checks the connection.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(url, PoolOptions::default()).await
    }

    /// Like [`PostgresStore::open`] with a pool of this size and patience.
    pub async fn open_with(url: &str, options: PoolOptions) -> Result<Self> {
        let connection = parse_url(url)?;
        let Connection { config, tls } = Connection {
            config: connection.config.clone(),
            tls: connection.tls.clone(),
        };
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
        let store = Self {
            pool,
            connection,
            invalidations: Arc::new(Invalidations::incomplete()),
            listener: OnceLock::new(),
        };
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
    async fn migrate(&self) -> Result<()> {
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

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(pool_error)
    }

    /// Runs one statement and returns its rows.
    async fn query(&self, sql: &str, params: &Params<'_>) -> Result<Vec<Row>> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(db_error)?;
        client.query(&statement, params).await.map_err(db_error)
    }

    /// Runs one statement and returns its first row, if any (every caller
    /// selects by a unique key).
    async fn query_opt(&self, sql: &str, params: &Params<'_>) -> Result<Option<Row>> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// Runs one statement and returns how many rows it changed.
    async fn execute(&self, sql: &str, params: &Params<'_>) -> Result<u64> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(db_error)?;
        client.execute(&statement, params).await.map_err(db_error)
    }
}

/// The parameters of a statement.
type Params<'a> = [&'a (dyn ToSql + Sync)];

#[async_trait]
impl ShareStore for PostgresStore {
    async fn ping(&self) -> Result<()> {
        self.query("SELECT 1", &[]).await.map(drop)
    }

    async fn create_user(&self, name: &str, hash: TokenHash, now: DateTime<Utc>) -> Result<User> {
        let rows = self
            .query(
                &format!(
                    "INSERT INTO users (name, token_hash, created_at) VALUES ($1, $2, $3)
                     RETURNING {USER_COLUMNS}"
                ),
                &[&name, &hash.as_bytes().as_slice(), &millis(now)?],
            )
            .await?;
        match rows.first() {
            Some(row) => user_row(row),
            None => Err(StoreError::Database(
                "INSERT … RETURNING gave no row".into(),
            )),
        }
    }

    async fn list_users(&self) -> Result<Vec<User>> {
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

    async fn revoke_user(&self, name: &str, now: DateTime<Utc>) -> Result<bool> {
        self.execute(
            "UPDATE users SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
            &[&name, &millis(now)?],
        )
        .await
        .map(|changed| changed > 0)
    }

    async fn credential(&self, token_hash: TokenHash) -> Result<Option<Credential>> {
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

    async fn insert_share(&self, share: NewShare) -> Result<()> {
        let version = &share.version;
        let mut client = self.client().await?;
        let transaction = client.transaction().await.map_err(db_error)?;
        transaction
            .execute(
                "INSERT INTO shares (id, owner_id, delete_token_hash, title, snapshot,
                                     created_at, expires_at, indexable, password_hash,
                                     max_views)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    &version.id.as_str(),
                    &share.owner,
                    &share.delete_token_hash.as_bytes().as_slice(),
                    &version.title,
                    &version.snapshot,
                    &millis(version.created_at)?,
                    &optional_millis(share.expires_at)?,
                    &share.indexable,
                    &share.password_hash,
                    &share
                        .max_views
                        .map(|max| i32::try_from(max).unwrap_or(i32::MAX)),
                ],
            )
            .await
            .map_err(db_error)?;
        versions::insert_files(&transaction, &version.id, &version.files).await?;
        transaction.commit().await.map_err(db_error)
    }

    async fn share(&self, id: &ShareId) -> Result<Option<StoredShare>> {
        let row = self
            .query_opt(
                "SELECT owner_id, created_at, indexable, expires_at, revoked_at, snapshot,
                        max_views, views, versions, password_hash
                 FROM shares WHERE id = $1",
                &[&id.as_str()],
            )
            .await?;
        row.map(|row| versions::stored_share(&row, id.clone()))
            .transpose()
    }

    async fn share_status(&self, id: &ShareId) -> Result<Option<ShareStatus>> {
        // Autocommit at READ COMMITTED: sees every revocation committed
        // before this statement started, whichever instance made it.
        let row = self
            .query_opt(
                &format!("SELECT expires_at, revoked_at, {VIEW_COLUMNS} FROM shares WHERE id = $1"),
                &[&id.as_str()],
            )
            .await?;
        row.map(|row| status_columns(&row, 0, 2)).transpose()
    }

    async fn share_auth(&self, id: &ShareId) -> Result<Option<ShareAuth>> {
        let row = self
            .query_opt(
                "SELECT owner_id, delete_token_hash, expires_at, revoked_at,
                        max_views, views, versions, password_hash
                 FROM shares WHERE id = $1",
                &[&id.as_str()],
            )
            .await?;
        row.map(|row| {
            Ok(ShareAuth {
                owner: column(&row, 0)?,
                delete_token_hash: hash_column(&row, 1)?,
                status: status_columns(&row, 2, 4)?,
                password_hash: column(&row, 7)?,
            })
        })
        .transpose()
    }

    async fn list_shares(&self, owner: UserId, limit: u32, offset: u64) -> Result<SharePage> {
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
            .prepare_cached(&format!(
                "SELECT id, title, created_at, expires_at, revoked_at,
                        {VIEW_COLUMNS}, last_viewed_at,
                        password_hash IS NOT NULL FROM shares
                 WHERE owner_id = $1
                 ORDER BY created_at DESC, pk DESC
                 LIMIT $2 OFFSET $3"
            ))
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
                    status: status_columns(row, 3, 5)?,
                    last_viewed_at: column(row, 8)?,
                    protected: column(row, 9)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        transaction.commit().await.map_err(db_error)?;
        Ok(SharePage {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn share_file(&self, id: &ShareId, sha256: &str) -> Result<Option<StoredFile>> {
        let row = self
            .query_opt(
                "SELECT share_files.media_type, share_files.name, files.bytes
                 FROM share_files JOIN files USING (sha256)
                 WHERE share_files.share_id = $1 AND share_files.sha256 = $2",
                &[&id.as_str(), &sha256],
            )
            .await?;
        row.map(|row| {
            Ok(StoredFile {
                media_type: column(&row, 0)?,
                name: column(&row, 1)?,
                bytes: column(&row, 2)?,
            })
        })
        .transpose()
    }

    async fn revoke_share(&self, id: &ShareId, now: DateTime<Utc>) -> Result<bool> {
        changes::revoke(self, id, now).await
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64> {
        let expired = "expires_at IS NOT NULL AND expires_at <= $1";
        changes::purge(self, expired, Some(now)).await
    }

    async fn purge_unused_files(&self) -> Result<u64> {
        self.execute(
            &format!("{} FOR UPDATE SKIP LOCKED)", changes::DELETE_UNUSED_FILES),
            &[],
        )
        .await
    }

    async fn server_key(&self, name: &str, candidate: Vec<u8>) -> Result<Vec<u8>> {
        // The no-op update makes RETURNING give the stored key when the row
        // exists; the unique key settles a race between instances.
        let row = self
            .query_opt(
                "INSERT INTO server_keys (name, key) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET key = server_keys.key
                 RETURNING key",
                &[&name, &candidate],
            )
            .await?
            .ok_or_else(|| StoreError::Database("INSERT … RETURNING gave no row".into()))?;
        column(&row, 0)
    }

    async fn take_view(&self, id: &ShareId, now: DateTime<Utc>) -> Result<Option<u64>> {
        let taken = versions::take_view(self, id, now).await?;
        if taken.is_some_and(|(_, last)| last) {
            self.invalidations.share(id);
        }
        Ok(taken.map(|(views, _)| views))
    }

    async fn add_views(&self, counts: Vec<ViewCount>) -> Result<()> {
        versions::add_views(&mut self.client().await?, &counts).await
    }

    async fn insert_version(&self, version: NewVersion, now: DateTime<Utc>) -> Result<Option<u32>> {
        let acks = self.invalidations.expect_acks();
        let inserted = versions::insert_version(&mut self.client().await?, &version, now).await?;
        self.invalidations.share(&version.id);
        let listeners = inserted.map_or(0, |(_, listeners)| listeners);
        self.acknowledged(acks, &version.id, listeners).await;
        Ok(inserted.map(|(number, _)| number))
    }

    async fn share_version(&self, id: &ShareId, version: u32) -> Result<Option<StoredShare>> {
        versions::share_version(self, id, version).await
    }

    async fn purge_burnt(&self) -> Result<u64> {
        let burnt = "max_views IS NOT NULL AND views >= max_views";
        changes::purge(self, burnt, None).await
    }

    fn invalidations(&self) -> &Invalidations {
        &self.invalidations
    }

    fn watch(&self, sink: Weak<dyn Evict>) {
        self.invalidations.subscribe(sink);
        self.listener
            .get_or_init(|| listen::spawn(&self.connection, &self.invalidations));
    }
}
