//! What the server keeps in memory is gated as what it reads: a page or a
//! file of a protected share served from the cache still needs the
//! password on every request, and a cached page or file of a share that is
//! revoked, versioned or expires is not served again — on SQLite and
//! PostgreSQL.

use crate::attachments::{attach, conversation, file_path, png_of};
use crate::common::{self, TestServer};
use crate::protect::{get_with, publish_with_password};

use chat_core::attachment::{Attachment, sha256_hex};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

const PASSWORD: &str = "correct horse";

on_both_backends!(
    cached_reads_keep_the_password_and_end_with_the_share,
    crate::protect::forwarded
);
async fn cached_reads_keep_the_password_and_end_with_the_share(server: TestServer) {
    let token = server.user("alice").await;
    let png = png_of(4096, 7);
    let sha256 = sha256_hex(&png);
    let mut snapshot = attach(
        conversation(),
        0,
        &[Attachment::from_bytes("chart.png", "image/png", &png)],
    );
    snapshot["expiresAt"] = json!((server.clock.now() + Duration::hours(1)).to_rfc3339());
    let response = publish_with_password(&server, &token, &snapshot, PASSWORD.as_bytes()).await;
    let created = common::created(response).await;
    let id = created["shareId"].as_str().unwrap();
    let (page, file) = (format!("/shared/{id}"), file_path(id, &sha256));

    // Read twice with the password (the second from memory), then without
    // it and with a wrong one: refused, cache or not.
    for path in [&page, &file] {
        for _ in 0..2 {
            let response = get_with(&server, path, "203.0.113.1", Some(PASSWORD), None).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(response.headers()["cache-control"], "private, no-store");
        }
        let bytes = get_with(&server, path, "203.0.113.1", Some(PASSWORD), None)
            .await
            .bytes()
            .await
            .unwrap();
        if path == &file {
            assert_eq!(
                bytes.as_ref(),
                png.as_slice(),
                "the file comes back exactly"
            );
        }
        for password in [None, Some("wrong horse")] {
            let response = get_with(&server, path, "203.0.113.2", password, None).await;
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{path} {password:?}"
            );
        }
    }

    // Expired: 410 for both, from memory too.
    server.clock.advance(Duration::hours(2));
    for path in [&page, &file] {
        let response = get_with(&server, path, "203.0.113.1", Some(PASSWORD), None).await;
        assert_eq!(response.status(), StatusCode::GONE, "{path}");
    }
}

on_both_backends!(a_cached_file_is_not_served_once_its_share_is_revoked, |c| c);
async fn a_cached_file_is_not_served_once_its_share_is_revoked(server: TestServer) {
    let token = server.user("alice").await;
    let png = png_of(2048, 1);
    let sha256 = sha256_hex(&png);
    let snapshot = attach(
        conversation(),
        0,
        &[Attachment::from_bytes("a.png", "image/png", &png)],
    );
    let first = server.publish_created(Some(&token), &snapshot).await;
    let second = server.publish_created(Some(&token), &snapshot).await;
    let ids = [&first, &second].map(|share| share["shareId"].as_str().unwrap().to_owned());
    for _ in 0..2 {
        for id in &ids {
            let response = server.get(&file_path(id, &sha256)).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(response.bytes().await.unwrap().as_ref(), png.as_slice());
        }
    }
    let delete_token = first["deleteToken"].as_str().unwrap();
    let response = server.delete(&ids[0], None, Some(delete_token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let gone = server.get(&file_path(&ids[0], &sha256)).await;
    assert_eq!(gone.status(), StatusCode::GONE);
    // The same bytes, cached once by hash, are still the other share's.
    let kept = server.get(&file_path(&ids[1], &sha256)).await;
    assert_eq!(kept.status(), StatusCode::OK);
    assert_eq!(kept.bytes().await.unwrap().as_ref(), png.as_slice());
}
