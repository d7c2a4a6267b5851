//! The store "story" suite, written against the `ShareStore` trait only, so
//! every backend runs the same checks: `store_suite!(name, factory)` expands
//! to one test per case, each on a fresh, empty store from `factory`.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use share_server::ids::{ShareId, TokenHash};
use share_server::store::{Liveness, NewShare, NewVersion, ShareStore, StoreError, UserId};

/// Declares the suite's tests for one backend. `$factory` is an async
/// expression yielding `(Store, guard)`; the guard keeps e.g. a temp dir alive.
#[macro_export]
macro_rules! store_suite {
    ($backend:ident, $factory:expr) => {
        mod $backend {
            use super::store_suite as suite;

            macro_rules! case {
                ($name:ident) => {
                    #[tokio::test]
                    async fn $name() {
                        let (store, _guard) = $factory.await;
                        suite::$name(store.as_ref()).await;
                    }
                };
            }

            case!(ping);
            case!(users_are_created_found_by_token_hash_and_revoked);
            case!(user_names_and_token_hashes_are_unique);
            case!(shares_keep_their_bytes_and_metadata);
            case!(share_ids_are_unique);
            case!(unknown_shares_are_absent);
            case!(lists_are_per_owner_newest_first_and_paged);
            case!(revoking_erases_the_snapshot_once);
            case!(purge_deletes_only_expired_shares);
            case!(expiry_and_revocation_show_in_the_status);
        }
    };
}

/// Asserts that the schema `names` (tables, indexes) include each of `expected`.
#[track_caller]
pub fn assert_has_all(names: &[String], expected: &[&str]) {
    for expected in expected {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap() + Duration::milliseconds(123)
}

pub fn new_share(owner: Option<UserId>, created_at: DateTime<Utc>) -> NewShare {
    NewShare {
        version: NewVersion {
            id: ShareId::generate().unwrap(),
            title: "A title".into(),
            snapshot: b"{ \"verbatim\" : true }\n".to_vec(),
            created_at,
            files: Vec::new(),
        },
        owner,
        delete_token_hash: TokenHash::of(&format!("psd_{}", ShareId::generate().unwrap())),
        expires_at: None,
        indexable: false,
        password_hash: None,
        max_views: None,
    }
}

pub async fn ping(store: &dyn ShareStore) {
    store.ping().await.unwrap();
}

pub async fn users_are_created_found_by_token_hash_and_revoked(store: &dyn ShareStore) {
    let hash = TokenHash::of("psu_alice");
    let alice = store.create_user("alice", hash, t0()).await.unwrap();
    assert_eq!(alice.name, "alice");
    assert_eq!(alice.created_at, t0());
    assert!(alice.is_active());
    store
        .create_user("bob", TokenHash::of("psu_bob"), t0())
        .await
        .unwrap();

    let credential = store.credential(hash).await.unwrap().unwrap();
    assert_eq!(credential.user, alice);
    assert!(credential.token_hash.matches(&hash));
    assert!(
        store
            .credential(TokenHash::of("psu_nobody"))
            .await
            .unwrap()
            .is_none()
    );

    let names: Vec<String> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["alice", "bob"]);

    let later = t0() + Duration::hours(1);
    assert!(store.revoke_user("alice", later).await.unwrap());
    assert!(
        !store.revoke_user("alice", later).await.unwrap(),
        "revoked twice"
    );
    assert!(!store.revoke_user("nobody", later).await.unwrap());
    let revoked = store.credential(hash).await.unwrap().unwrap().user;
    assert_eq!(revoked.revoked_at, Some(later));
    assert!(!revoked.is_active());
    let bob = store
        .credential(TokenHash::of("psu_bob"))
        .await
        .unwrap()
        .unwrap();
    assert!(bob.user.is_active());
}

pub async fn user_names_and_token_hashes_are_unique(store: &dyn ShareStore) {
    store
        .create_user("alice", TokenHash::of("a"), t0())
        .await
        .unwrap();
    assert!(matches!(
        store.create_user("alice", TokenHash::of("b"), t0()).await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        store.create_user("carol", TokenHash::of("a"), t0()).await,
        Err(StoreError::Conflict)
    ));
}

pub async fn shares_keep_their_bytes_and_metadata(store: &dyn ShareStore) {
    let owner = store
        .create_user("alice", TokenHash::of("a"), t0())
        .await
        .unwrap();
    let mut share = new_share(Some(owner.id), t0());
    share.expires_at = Some(t0() + Duration::days(30));
    share.indexable = true;
    share.version.snapshot = "{\"title\":\"caf\u{e9} \\u00e9\"}  \n".as_bytes().to_vec();
    store.insert_share(share.clone()).await.unwrap();

    let stored = store.share(&share.version.id).await.unwrap().unwrap();
    assert_eq!(stored.id, share.version.id);
    assert_eq!(stored.owner, Some(owner.id));
    assert_eq!(stored.snapshot, share.version.snapshot, "stored verbatim");
    assert_eq!(stored.created_at, t0(), "millisecond precision survives");
    assert_eq!(stored.status.expires_at, share.expires_at);
    assert_eq!(stored.status.revoked_at, None);
    assert!(stored.indexable);

    let auth = store.share_auth(&share.version.id).await.unwrap().unwrap();
    assert_eq!(auth.owner, Some(owner.id));
    assert!(auth.delete_token_hash.matches(&share.delete_token_hash));
    assert_eq!(
        store.share_status(&share.version.id).await.unwrap(),
        Some(stored.status)
    );

    let anonymous = new_share(None, t0());
    store.insert_share(anonymous.clone()).await.unwrap();
    let stored = store.share(&anonymous.version.id).await.unwrap().unwrap();
    assert_eq!(stored.owner, None);
    assert!(!stored.indexable);
    assert_eq!(stored.status.expires_at, None);
}

pub async fn share_ids_are_unique(store: &dyn ShareStore) {
    let share = new_share(None, t0());
    store.insert_share(share.clone()).await.unwrap();
    let mut again = new_share(None, t0());
    again.version.id = share.version.id.clone();
    assert!(matches!(
        store.insert_share(again).await,
        Err(StoreError::Conflict)
    ));
}

pub async fn unknown_shares_are_absent(store: &dyn ShareStore) {
    let id = ShareId::generate().unwrap();
    assert!(store.share(&id).await.unwrap().is_none());
    assert!(store.share_status(&id).await.unwrap().is_none());
    assert!(store.share_auth(&id).await.unwrap().is_none());
    assert!(!store.revoke_share(&id, t0()).await.unwrap());
}

pub async fn lists_are_per_owner_newest_first_and_paged(store: &dyn ShareStore) {
    let alice = store
        .create_user("alice", TokenHash::of("a"), t0())
        .await
        .unwrap();
    let bob = store
        .create_user("bob", TokenHash::of("b"), t0())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut share = new_share(Some(alice.id), t0() + Duration::minutes(i));
        share.version.title = format!("chat {i}");
        ids.push(share.version.id.clone());
        store.insert_share(share).await.unwrap();
    }
    // Same creation time: the later insert still lists first.
    let tie = new_share(Some(alice.id), t0() + Duration::minutes(4));
    store.insert_share(tie.clone()).await.unwrap();
    store
        .insert_share(new_share(Some(bob.id), t0()))
        .await
        .unwrap();
    store.insert_share(new_share(None, t0())).await.unwrap();
    store.revoke_share(&ids[0], t0()).await.unwrap();

    let page = store.list_shares(alice.id, 3, 0).await.unwrap();
    assert_eq!(page.total, 6);
    let listed: Vec<&ShareId> = page.items.iter().map(|s| &s.id).collect();
    assert_eq!(listed, [&tie.version.id, &ids[4], &ids[3]]);
    assert_eq!(page.items[1].title, "chat 4");

    let rest = store.list_shares(alice.id, 10, 3).await.unwrap();
    let listed: Vec<&ShareId> = rest.items.iter().map(|s| &s.id).collect();
    assert_eq!(listed, [&ids[2], &ids[1], &ids[0]]);
    assert_eq!(
        rest.items[2].status.revoked_at,
        Some(t0()),
        "revoked shares stay listed"
    );

    assert!(
        store
            .list_shares(alice.id, 10, 6)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(store.list_shares(bob.id, 10, 0).await.unwrap().total, 1);
    assert_eq!(store.list_shares(9_999, 10, 0).await.unwrap().total, 0);
}

pub async fn revoking_erases_the_snapshot_once(store: &dyn ShareStore) {
    let share = new_share(None, t0());
    store.insert_share(share.clone()).await.unwrap();
    let at = t0() + Duration::hours(1);
    assert!(store.revoke_share(&share.version.id, at).await.unwrap());
    assert!(
        !store
            .revoke_share(&share.version.id, at + Duration::hours(1))
            .await
            .unwrap()
    );
    let stored = store.share(&share.version.id).await.unwrap().unwrap();
    assert!(stored.snapshot.is_empty(), "the snapshot is erased");
    assert_eq!(stored.status.revoked_at, Some(at));
    assert_eq!(stored.status.liveness(at), Liveness::Revoked);
}

pub async fn purge_deletes_only_expired_shares(store: &dyn ShareStore) {
    let now = t0() + Duration::days(10);
    let mut expired = new_share(None, t0());
    expired.expires_at = Some(t0() + Duration::days(1));
    let mut just_expired = new_share(None, t0());
    just_expired.expires_at = Some(now);
    let mut live = new_share(None, t0());
    live.expires_at = Some(now + Duration::milliseconds(1));
    let forever = new_share(None, t0());
    for share in [&expired, &just_expired, &live, &forever] {
        store.insert_share(share.clone()).await.unwrap();
    }
    assert_eq!(store.purge_expired(now).await.unwrap(), 2);
    let kept = [
        (expired, false),
        (just_expired, false),
        (live, true),
        (forever, true),
    ];
    for (share, kept) in kept {
        let found = store.share(&share.version.id).await.unwrap();
        assert_eq!(found.is_some(), kept, "expires at {:?}", share.expires_at);
    }
    assert_eq!(store.purge_expired(now).await.unwrap(), 0, "idempotent");
}

pub async fn expiry_and_revocation_show_in_the_status(store: &dyn ShareStore) {
    let mut share = new_share(None, t0());
    share.expires_at = Some(t0() + Duration::hours(1));
    let id = share.version.id.clone();
    store.insert_share(share).await.unwrap();
    let status = store.share_status(&id).await.unwrap().unwrap();
    assert_eq!(status.liveness(t0()), Liveness::Live);
    assert_eq!(
        status.liveness(t0() + Duration::hours(1)),
        Liveness::Expired
    );
    store.revoke_share(&id, t0()).await.unwrap();
    let status = store.share_status(&id).await.unwrap().unwrap();
    assert_eq!(status.liveness(t0()), Liveness::Revoked);
}
