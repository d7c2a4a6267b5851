//! The store's files, against the `ShareStore` trait only, on SQLite (a
//! file) and PostgreSQL (a throwaway database): stored once by hash in the
//! share's transaction, found only through a share that attaches them,
//! released when the share is revoked, purged when no share uses them.

use crate::pg::TestDatabase;
use crate::store_suite::{new_share, t0};

use chrono::Duration;
use share_server::ids::ShareId;
use share_server::store::{self as store_mod, NewFile, ShareStore, Store, StoreError, StoredFile};

macro_rules! files_suite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("shares.db").display());
                let store = share_server::store::open(&url).await.unwrap();
                super::$case(store.as_ref()).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                let (store, _database) = super::pg_store().await;
                super::$case(store.as_ref()).await;
            })*
        }
    };
}

files_suite!(
    files_are_stored_once_by_hash,
    a_file_is_found_only_through_a_share_that_attaches_it,
    revoking_releases_the_files_no_other_share_uses,
    purge_deletes_the_files_of_expired_shares_only_when_unused,
    a_failed_insert_stores_no_file,
);

async fn pg_store() -> (Store, TestDatabase) {
    let database = TestDatabase::create().await;
    (store_mod::open(&database.url).await.unwrap(), database)
}

fn file(name: &str, bytes: &[u8]) -> NewFile {
    NewFile {
        sha256: chat_core::attachment::sha256_hex(bytes),
        media_type: "image/png".into(),
        name: name.into(),
        bytes: bytes.to_vec(),
    }
}

async fn insert_with(store: &dyn ShareStore, files: Vec<NewFile>) -> ShareId {
    let mut share = new_share(None, t0());
    share.version.files = files;
    let id = share.version.id.clone();
    store.insert_share(share).await.unwrap();
    id
}

async fn files_are_stored_once_by_hash(store: &dyn ShareStore) {
    let photo = file("photo.png", b"\x89PNG same bytes");
    let mut renamed = photo.clone();
    renamed.name = "other.png".into();
    renamed.media_type = "image/svg+xml".into();
    let first = insert_with(store, vec![photo.clone()]).await;
    let second = insert_with(store, vec![renamed.clone()]).await;
    // Each share keeps the name and type it declared.
    let as_first = found(store, &first, &photo.sha256).await.unwrap();
    assert_eq!(
        (as_first.name.as_str(), as_first.media_type.as_str()),
        ("photo.png", "image/png")
    );
    assert_eq!(as_first.bytes, photo.bytes);
    let as_second = found(store, &second, &photo.sha256).await.unwrap();
    assert_eq!(
        (as_second.name.as_str(), as_second.media_type.as_str()),
        ("other.png", "image/svg+xml")
    );
    // One blob: revoking both releases exactly one.
    assert!(store.revoke_share(&first, t0()).await.unwrap());
    assert_eq!(store.purge_unused_files().await.unwrap(), 0, "still used");
    let mut third = new_share(None, t0());
    third.expires_at = Some(t0() + Duration::hours(1));
    third.version.files = vec![photo.clone()];
    let third_id = third.version.id.clone();
    store.insert_share(third).await.unwrap();
    assert!(store.revoke_share(&second, t0()).await.unwrap());
    assert_eq!(
        store
            .purge_expired(t0() + Duration::hours(2))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.purge_unused_files().await.unwrap(), 1, "one blob row");
    assert_eq!(found(store, &third_id, &photo.sha256).await, None);
}

async fn a_file_is_found_only_through_a_share_that_attaches_it(store: &dyn ShareStore) {
    let a = file("a.png", b"a");
    let b = file("b.png", b"b");
    let with_a = insert_with(store, vec![a.clone()]).await;
    let with_b = insert_with(store, vec![b.clone()]).await;
    assert!(found(store, &with_a, &a.sha256).await.is_some());
    assert_eq!(found(store, &with_a, &b.sha256).await, None);
    assert_eq!(found(store, &with_b, &a.sha256).await, None);
    let unknown = ShareId::generate().unwrap();
    assert_eq!(found(store, &unknown, &a.sha256).await, None);
    assert_eq!(found(store, &with_a, &"0".repeat(64)).await, None);
}

async fn revoking_releases_the_files_no_other_share_uses(store: &dyn ShareStore) {
    let kept = file("kept.png", b"kept");
    let own = file("own.png", b"own");
    let revoked = insert_with(store, vec![kept.clone(), own.clone()]).await;
    let other = insert_with(store, vec![kept.clone()]).await;
    assert!(store.revoke_share(&revoked, t0()).await.unwrap());
    assert_eq!(found(store, &revoked, &kept.sha256).await, None);
    assert_eq!(found(store, &revoked, &own.sha256).await, None);
    assert!(found(store, &other, &kept.sha256).await.is_some());
    // The own file went with the revocation: nothing is left to purge.
    assert_eq!(store.purge_unused_files().await.unwrap(), 0);
    // The same bytes can be published again afterwards.
    let again = insert_with(store, vec![own.clone()]).await;
    let stored = found(store, &again, &own.sha256).await.unwrap();
    assert_eq!(stored.bytes, b"own");
}

async fn purge_deletes_the_files_of_expired_shares_only_when_unused(store: &dyn ShareStore) {
    let mut expired = new_share(None, t0());
    expired.expires_at = Some(t0() + Duration::hours(1));
    expired.version.files = vec![file("gone.png", b"gone"), file("both.png", b"both")];
    store.insert_share(expired).await.unwrap();
    let live = insert_with(store, vec![file("both.png", b"both")]).await;
    // Before the share expires nothing is unused.
    assert_eq!(store.purge_unused_files().await.unwrap(), 0);
    assert_eq!(
        store
            .purge_expired(t0() + Duration::hours(2))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.purge_unused_files().await.unwrap(), 1);
    assert_eq!(store.purge_unused_files().await.unwrap(), 0, "idempotent");
    let both = chat_core::attachment::sha256_hex(b"both");
    assert!(found(store, &live, &both).await.is_some());
}

async fn a_failed_insert_stores_no_file(store: &dyn ShareStore) {
    let first = new_share(None, t0());
    let mut clash = new_share(None, t0());
    clash.version.id = first.version.id.clone();
    clash.version.files = vec![file("orphan.png", b"orphan")];
    store.insert_share(first).await.unwrap();
    assert!(matches!(
        store.insert_share(clash).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.purge_unused_files().await.unwrap(), 0, "rolled back");
}

/// The file `sha256` as share `id` attaches it, if it does.
async fn found(store: &dyn ShareStore, id: &ShareId, sha256: &str) -> Option<StoredFile> {
    store.share_file(id, sha256).await.unwrap()
}
