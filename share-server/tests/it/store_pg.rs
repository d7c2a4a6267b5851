//! The store suite against PostgreSQL (a throwaway cluster, or
//! `PARLOR_TEST_POSTGRES_URL`), the PostgreSQL migrations, and how the
//! backend fails.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::{pg, store_suite};

use std::sync::Arc;
use std::time::{Duration, Instant};

use pg::TestDatabase;
use share_server::ids::TokenHash;
use share_server::store::postgres::{self, PoolOptions, PostgresStore};
use share_server::store::{self as store_mod, ShareStore, Store, StoreError};

async fn pg_store() -> (Store, TestDatabase) {
    let database = TestDatabase::create().await;
    (store_mod::open(&database.url).await.unwrap(), database)
}

store_suite!(postgres_store, super::pg_store());

async fn names(client: &tokio_postgres::Client, sql: &str) -> Vec<String> {
    client
        .query(sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

/// The one number `sql` selects.
async fn count(client: &tokio_postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.unwrap().get(0)
}

/// Each embedded migration is recorded once.
async fn assert_each_migration_applied_once(client: &tokio_postgres::Client) {
    let versions = count(client, "SELECT COUNT(*) FROM schema_migrations").await;
    let latest = i64::try_from(postgres::latest_schema_version()).unwrap();
    assert_eq!(versions, latest);
}

/// Every table the migrations create, by name.
const TABLES: [&str; 7] = [
    "files",
    "schema_migrations",
    "server_keys",
    "share_files",
    "share_versions",
    "shares",
    "users",
];

#[tokio::test]
async fn migrations_create_the_schema_on_an_empty_database() {
    let database = TestDatabase::create().await;
    let store = PostgresStore::open(&database.url).await.unwrap();
    store.ping().await.unwrap();

    let client = database.connect().await;
    let tables = names(
        &client,
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .await;
    assert_eq!(tables, TABLES);
    let indexes = names(
        &client,
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    )
    .await;
    store_suite::assert_has_all(
        &indexes,
        &[
            "shares_expires",
            "shares_id",
            "shares_owner_created",
            "users_name",
            "users_token_hash",
        ],
    );
    let unique = names(
        &client,
        "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE i.indisunique AND NOT i.indisprimary
           AND c.relnamespace = 'public'::regnamespace ORDER BY 1",
    )
    .await;
    assert_eq!(unique, ["shares_id", "users_name", "users_token_hash"]);
    let owner_index: String = client
        .query_one(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'shares_owner_created'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        owner_index.contains("(owner_id, created_at DESC, pk DESC)"),
        "{owner_index}"
    );
    // The snapshot is kept as bytes (verbatim), times as timestamptz.
    let snapshot_type: String = client
        .query_one(
            "SELECT data_type::text FROM information_schema.columns
             WHERE table_name = 'shares' AND column_name = 'snapshot'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(snapshot_type, "bytea");
    let versions: Vec<i32> = client
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let latest = i32::try_from(postgres::latest_schema_version()).unwrap();
    assert_eq!(versions, (1..=latest).collect::<Vec<_>>());
}

#[tokio::test]
async fn concurrent_starts_apply_each_migration_once() {
    let database = TestDatabase::create().await;
    // Several instances starting at the same moment, each with its own pool.
    let opens = (0..6).map(|_| {
        let url = database.url.clone();
        tokio::spawn(async move { PostgresStore::open(&url).await })
    });
    let stores: Vec<PostgresStore> = futures_util::future::join_all(opens)
        .await
        .into_iter()
        .map(|joined| joined.unwrap().unwrap())
        .collect();
    assert_eq!(stores.len(), 6);

    let client = database.connect().await;
    assert_each_migration_applied_once(&client).await;
    let tables = count(
        &client,
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'",
    );
    assert_eq!(tables.await, TABLES.len() as i64);
    // Every instance works on the one schema and sees the others' writes.
    let alice = stores[0]
        .create_user("alice", TokenHash::of("a"), store_suite::t0())
        .await
        .unwrap();
    let found = stores[5]
        .credential(TokenHash::of("a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.user, alice);
}

#[tokio::test]
async fn reopening_applies_nothing_and_keeps_data() {
    let database = TestDatabase::create().await;
    let store = store_mod::open(&database.url).await.unwrap();
    let token = share_server::add_user(store.as_ref(), "alice")
        .await
        .unwrap();
    drop(store);
    let store = store_mod::open(&database.url).await.unwrap();
    let user = share_server::users::authenticate(store.as_ref(), &token)
        .await
        .unwrap();
    assert_eq!(user.name, "alice");
    assert_each_migration_applied_once(&database.connect().await).await;
}

/// Runs `sql` on the database, then opens the store there, which must
/// fail with a migration error; its message.
async fn migration_error_after(database: &TestDatabase, sql: &str) -> String {
    database.connect().await.batch_execute(sql).await.unwrap();
    let result = PostgresStore::open(&database.url).await;
    let Err(StoreError::Migration(message)) = result else {
        panic!("{:?}", result.err());
    };
    message
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let database = TestDatabase::create().await;
    PostgresStore::open(&database.url).await.unwrap();
    let newer = "INSERT INTO schema_migrations (version) VALUES (99)";
    let message = migration_error_after(&database, newer).await;
    assert!(message.contains("schema version 99"), "{message}");
}

#[tokio::test]
async fn a_broken_migration_state_is_a_migration_error() {
    let database = TestDatabase::create().await;
    // A table in the way of the first migration.
    let message = migration_error_after(&database, "CREATE TABLE users (x int)").await;
    assert!(message.contains("42P07"), "{message}");
    // Nothing was half-applied: the transaction rolled back.
    let client = database.connect().await;
    let shares =
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'shares'";
    assert_eq!(count(&client, shares).await, 0);
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_and_the_password_stays_secret() {
    // Nothing listens on a port we just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://alice:hunter2@127.0.0.1:{port}/shares");
    let result = store_mod::open(&url).await;
    let Err(error) = result else {
        panic!("connected to nothing");
    };
    let message = error.to_string();
    assert!(matches!(error, StoreError::Unavailable(_)), "{message}");
    assert!(
        message.contains(&format!("postgres://alice:***@127.0.0.1:{port}/shares")),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
}

#[tokio::test]
async fn an_unknown_database_is_unavailable() {
    let database = TestDatabase::create().await;
    let url = database.url.replace("/t_", "/missing_");
    let result = store_mod::open(&url).await;
    let Err(error) = result else {
        panic!("opened a database that does not exist");
    };
    let message = error.to_string();
    assert!(matches!(error, StoreError::Unavailable(_)), "{message}");
    assert!(message.contains("3D000"), "{message}");
}

#[tokio::test]
async fn bad_tls_settings_are_refused_before_connecting() {
    // Nothing listens on port 1: these fail before any connection attempt.
    for (url, expected) in [
        (
            "postgres://u:hunter2@127.0.0.1:1/db?sslmode=allow",
            "unknown sslmode=allow",
        ),
        (
            "postgres://u:hunter2@127.0.0.1:1/db?sslmode=verify-full&sslrootcert=/nonexistent.pem",
            "cannot read sslrootcert /nonexistent.pem",
        ),
    ] {
        let Err(error) = store_mod::open(url).await else {
            panic!("{url} accepted");
        };
        let message = error.to_string();
        assert!(matches!(error, StoreError::InvalidUrl { .. }), "{message}");
        assert!(message.contains(expected), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}

#[tokio::test]
async fn an_exhausted_pool_is_unavailable_after_the_wait_timeout() {
    let database = TestDatabase::create().await;
    let store = Arc::new(
        PostgresStore::open_with(
            &database.url,
            PoolOptions {
                max_size: 1,
                wait_timeout: Duration::from_millis(300),
            },
        )
        .await
        .unwrap(),
    );
    let share = store_suite::new_share(None, store_suite::t0());
    store.insert_share(share.clone()).await.unwrap();
    // Another session locks the table, so the store's only connection
    // blocks in a read…
    let mut locker = database.connect().await;
    let lock = locker.transaction().await.unwrap();
    lock.batch_execute("LOCK TABLE shares IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let blocked = tokio::spawn({
        let store = Arc::clone(&store);
        let id = share.version.id.clone();
        async move { store.share(&id).await }
    });
    // Wait until the server shows that read waiting for the lock.
    let admin = pg::connect(&database.admin_url()).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let waiting: i64 = admin
            .query_one(
                "SELECT COUNT(*) FROM pg_stat_activity
                 WHERE datname = $1 AND wait_event_type = 'Lock'",
                &[&database.name],
            )
            .await
            .unwrap()
            .get(0);
        if waiting == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the read never blocked");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // …and the next request finds no connection in time.
    let started = Instant::now();
    let result = store.ping().await;
    assert!(
        matches!(result, Err(StoreError::Unavailable(_))),
        "{result:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(250));
    // Once the lock goes, the blocked read completes and the pool recovers.
    lock.rollback().await.unwrap();
    assert!(blocked.await.unwrap().unwrap().is_some());
    store.ping().await.unwrap();
}

#[tokio::test]
async fn killed_connections_are_replaced() {
    let database = TestDatabase::create().await;
    let store = PostgresStore::open(&database.url).await.unwrap();
    store.ping().await.unwrap();
    // The server ends every session of the store (a failover, a restart).
    let admin = pg::connect(&database.admin_url()).await;
    let name = database.url.rsplit('/').next().unwrap().to_owned();
    let killed: i64 = admin
        .query_one(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid()) AS t",
            &[&name],
        )
        .await
        .unwrap()
        .get(0);
    assert!(killed >= 1);
    // The first use of a dead connection may fail — as `Unavailable`, never
    // as a wrong answer — and the pool then connects afresh.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match store.ping().await {
            Ok(()) => break,
            Err(StoreError::Unavailable(_)) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    store
        .create_user("bob", TokenHash::of("b"), store_suite::t0())
        .await
        .unwrap();
}

#[tokio::test]
async fn postgres_urls_are_opened_as_postgres() {
    let database = TestDatabase::create().await;
    let url = database.url.replace("postgres://", "postgresql://");
    let store = store_mod::open(&url).await.unwrap();
    store.ping().await.unwrap();
}

#[test]
fn missing_postgres_binaries_fail_the_tests_naming_the_package() {
    // This very test binary, run for one PostgreSQL test with no binaries
    // to be found and no server URL: the test fails, it is not skipped.
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "store_pg::postgres_store::ping",
            "--test-threads=1",
        ])
        .env(pg::BIN_VARIABLE, "/nonexistent/postgresql/bin")
        .env_remove(pg::URL_VARIABLE)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!output.status.success(), "{report}");
    assert!(report.contains("1 failed"), "{report}");
    assert!(
        report.contains("install the `postgresql` apt package"),
        "{report}"
    );
}

#[tokio::test]
async fn other_server_errors_are_database_errors() {
    let (store, _database) = pg_store().await;
    // PostgreSQL text cannot hold NUL (the server's name validation keeps
    // such names away from any store; here the store is called directly).
    let result = store
        .create_user("nul\0byte", TokenHash::of("n"), store_suite::t0())
        .await;
    assert!(
        matches!(&result, Err(StoreError::Database(message)) if message.contains("22021")),
        "{result:?}"
    );
    // The pool is fine afterwards.
    store.ping().await.unwrap();
}

/// Opens a store on `url`, pings it, and returns whether its connections
/// are encrypted (as the server sees them).
async fn opened_over_tls(database: &TestDatabase, url: &str) -> Result<bool, StoreError> {
    let probe = format!("tls_probe_{}", database.name);
    let separator = if url.contains('?') { '&' } else { '?' };
    let store = PostgresStore::open(&format!("{url}{separator}application_name={probe}")).await?;
    store.ping().await?;
    let admin = pg::connect(&database.admin_url()).await;
    let encrypted: Vec<bool> = admin
        .query(
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE a.application_name = $1",
            &[&probe],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert!(!encrypted.is_empty(), "no connection of the store found");
    assert!(
        encrypted.iter().all(|&e| e == encrypted[0]),
        "{encrypted:?}"
    );
    Ok(encrypted[0])
}

#[tokio::test]
async fn tls_follows_libpqs_sslmodes() {
    // The throwaway cluster has TLS on, with a certificate for
    // DNS:localhost from its own CA.
    let database = TestDatabase::create_local().await;
    let cluster = pg::cluster();
    let (port, name) = (cluster.port, &database.name);
    let ca = cluster.ca_cert().display().to_string();
    let other_ca = cluster.other_ca_cert().display().to_string();
    let by_name = format!("postgres://postgres@localhost:{port}/{name}");
    let by_ip = format!("postgres://postgres@127.0.0.1:{port}/{name}");

    // Encrypted and authenticated.
    let verified = format!("{by_name}?sslmode=verify-full&sslrootcert={ca}");
    assert!(opened_over_tls(&database, &verified).await.unwrap());
    // verify-ca checks the chain, not the name.
    let chain_only = format!("{by_ip}?sslmode=verify-ca&sslrootcert={ca}");
    assert!(opened_over_tls(&database, &chain_only).await.unwrap());
    // require and prefer (the default) encrypt without checking anything.
    for url in [format!("{by_ip}?sslmode=require"), by_ip.clone()] {
        assert!(opened_over_tls(&database, &url).await.unwrap(), "{url}");
    }
    // disable does not encrypt.
    let plain = format!("{by_ip}?sslmode=disable");
    assert!(!opened_over_tls(&database, &plain).await.unwrap());

    // Refused: the certificate is not for 127.0.0.1; another CA; the
    // system's CAs (which do not know this one); require with a root
    // certificate checks the chain, as libpq does.
    for url in [
        format!("{by_ip}?sslmode=verify-full&sslrootcert={ca}"),
        format!("{by_name}?sslmode=verify-full&sslrootcert={other_ca}"),
        format!("{by_name}?sslmode=verify-ca&sslrootcert={other_ca}"),
        format!("{by_name}?sslmode=require&sslrootcert={other_ca}"),
        format!("{by_name}?sslmode=verify-full"),
    ] {
        let result = PostgresStore::open(&url).await;
        let Err(error) = result else {
            panic!("{url} connected");
        };
        let message = error.to_string();
        assert!(
            matches!(error, StoreError::Unavailable(_)),
            "{url}: {message}"
        );
        assert!(
            message.contains("certificate") || message.contains("Certificate"),
            "{url}: {message}"
        );
        eprintln!("{url}: {message}");
    }
}
