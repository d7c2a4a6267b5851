//! The store suite against SQLite (a file in a temp dir, and in memory), and
//! the SQLite migrations.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::store_suite;

use rusqlite::Connection;
use share_server::store::sqlite::{self, Location, SqliteStore};
use share_server::store::{self as store_mod, ShareStore, Store, StoreError};

async fn sqlite_file() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("shares.db").display());
    (store_mod::open(&url).await.unwrap(), dir)
}

async fn sqlite_memory() -> (Store, ()) {
    (store_mod::open("sqlite::memory:").await.unwrap(), ())
}

store_suite!(sqlite_file_store, super::sqlite_file());
store_suite!(sqlite_memory_store, super::sqlite_memory());

#[tokio::test]
async fn migrations_create_the_schema_on_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let store = SqliteStore::open(Location::File(path.clone()))
        .await
        .unwrap();
    store.ping().await.unwrap();

    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        usize::try_from(version).unwrap(),
        sqlite::latest_schema_version()
    );
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let mut statement = conn
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap();
    let names: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    store_suite::assert_has_all(
        &names,
        &[
            "shares",
            "shares_expires",
            "shares_id",
            "shares_owner_created",
            "users",
            "users_name",
            "users_token_hash",
        ],
    );
    let unique: i64 = conn
        .query_row(
            "SELECT \"unique\" FROM pragma_index_list('shares') WHERE name = 'shares_id'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(unique, 1);
}

#[tokio::test]
async fn migrations_reapply_idempotently_and_keep_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("shares.db").display());
    let store = store_mod::open(&url).await.unwrap();
    let token = share_server::add_user(store.as_ref(), "alice")
        .await
        .unwrap();
    drop(store);
    // Opening again applies nothing new and loses nothing.
    let store = store_mod::open(&url).await.unwrap();
    let user = share_server::users::authenticate(store.as_ref(), &token)
        .await
        .unwrap();
    assert_eq!(user.name, "alice");
    // Running the migrations on an up-to-date connection is a no-op.
    let mut conn = Connection::open(dir.path().join("shares.db")).unwrap();
    sqlite::migrate(&mut conn).unwrap();
    sqlite::migrate(&mut conn).unwrap();
    let users: i64 = conn
        .query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))
        .unwrap();
    assert_eq!(users, 1);
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let result = SqliteStore::open(Location::File(path)).await;
    assert!(
        matches!(result, Err(StoreError::Migration(_))),
        "{:?}",
        result.err()
    );
}

#[tokio::test]
async fn unsupported_database_urls_are_refused() {
    for url in [
        "mysql://x",
        "shares.db",
        "sqlite://",
        "postgres:/shares",
        "redis://h/0",
    ] {
        assert!(
            matches!(
                store_mod::open(url).await,
                Err(StoreError::UnsupportedUrl(_))
            ),
            "{url}"
        );
    }
    // The URL in the error is redacted.
    let Err(error) = store_mod::open("mysql://root:hunter2@db/shares").await else {
        panic!("mysql accepted");
    };
    let message = error.to_string();
    assert!(message.contains("mysql://root:***@db/shares"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(
        message.contains("postgres://"),
        "names the supported schemes: {message}"
    );
}

#[tokio::test]
async fn postgres_urls_go_to_the_postgres_backend() {
    // Not refused as unsupported: the PostgreSQL backend parses the URL and
    // tries to connect (tests/it/store_pg.rs covers a real server). Nothing
    // listens on port 1.
    for url in [
        "postgres://u@127.0.0.1:1/shares",
        "postgresql://u@127.0.0.1:1/shares",
    ] {
        let result = store_mod::open(url).await;
        assert!(
            matches!(result, Err(StoreError::Unavailable(_))),
            "{url}: {:?}",
            result.err()
        );
    }
    let result = store_mod::open("postgres://u@127.0.0.1:1/shares?sslmode=allow").await;
    assert!(
        matches!(result, Err(StoreError::InvalidUrl { .. })),
        "{:?}",
        result.err()
    );
}

#[tokio::test]
async fn many_concurrent_readers_and_writers() {
    let (store, _dir) = sqlite_file().await;
    let owner = store
        .create_user(
            "alice",
            share_server::ids::TokenHash::of("a"),
            store_suite::t0(),
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..64 {
        let store = std::sync::Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let share = store_suite::new_share(Some(owner.id), store_suite::t0());
            store.insert_share(share.clone()).await.unwrap();
            if i % 2 == 0 {
                store.share(&share.version.id).await.unwrap().unwrap();
            }
            store.list_shares(owner.id, 5, 0).await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(store.list_shares(owner.id, 1, 0).await.unwrap().total, 64);
}
