use chrono::TimeZone;
use rusqlite::ErrorCode;

use super::connections::is_busy;
use super::*;
use crate::ids::TokenHash;

#[test]
fn urls() {
    assert_eq!(
        Location::from_url("sqlite://shares.db"),
        Some(Location::File("shares.db".into()))
    );
    assert_eq!(
        Location::from_url("sqlite:///var/lib/x.db"),
        Some(Location::File("/var/lib/x.db".into()))
    );
    assert_eq!(
        Location::from_url("sqlite:rel/my data?.db"),
        Some(Location::File("rel/my data?.db".into()))
    );
    assert_eq!(
        Location::from_url("sqlite::memory:"),
        Some(Location::Memory)
    );
    assert_eq!(Location::from_url("sqlite://"), None);
    assert_eq!(Location::from_url("postgres://localhost/db"), None);
}

async fn store_with_share(dir: &tempfile::TempDir) -> (SqliteStore, ShareId) {
    let store = SqliteStore::open(Location::File(dir.path().join("s.db")))
        .await
        .unwrap();
    let id = ShareId::generate().unwrap();
    let now = Utc.timestamp_millis_opt(1_764_000_000_000).unwrap();
    store
        .insert_share(NewShare {
            version: NewVersion {
                id: id.clone(),
                title: "t".into(),
                snapshot: b"{}".to_vec(),
                created_at: now,
                files: Vec::new(),
            },
            owner: None,
            delete_token_hash: TokenHash::of("psd_x"),
            expires_at: None,
            indexable: false,
            password_hash: None,
            max_views: None,
        })
        .await
        .unwrap();
    (store, id)
}

#[tokio::test]
async fn the_liveness_check_is_answered_in_place_and_sees_revocations() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_share(&dir).await;
    assert!(!store.inline.connections.is_empty());
    let live = store.inline.share_status(&id).unwrap().unwrap().unwrap();
    assert_eq!(live.revoked_at, None);
    let now = Utc.timestamp_millis_opt(1_764_000_001_000).unwrap();
    assert!(store.revoke_share(&id, now).await.unwrap());
    let revoked = store.inline.share_status(&id).unwrap().unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(now));
    let unknown = ShareId::generate().unwrap();
    assert_eq!(store.inline.share_status(&unknown).unwrap().unwrap(), None);
}

#[tokio::test]
async fn with_every_inline_reader_taken_the_pool_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_share(&dir).await;
    let held: Vec<_> = store
        .inline
        .connections
        .iter()
        .map(|slot| slot.lock().unwrap())
        .collect();
    assert!(store.inline.share_status(&id).is_none());
    let status = store.share_status(&id).await.unwrap().unwrap();
    assert_eq!(status.revoked_at, None);
    drop(held);
}

#[test]
fn busy_and_locked_send_the_check_to_the_pool_other_errors_do_not() {
    let failure = |code| {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error {
                code,
                extended_code: 0,
            },
            None,
        )
    };
    assert!(is_busy(&failure(ErrorCode::DatabaseBusy)));
    assert!(is_busy(&failure(ErrorCode::DatabaseLocked)));
    assert!(!is_busy(&failure(ErrorCode::DatabaseCorrupt)));
    assert!(!is_busy(&rusqlite::Error::QueryReturnedNoRows));
}

#[test]
fn migrations_are_valid() {
    Migrations::from_slice(MIGRATIONS).validate().unwrap();
}
