//! The rate limits of listing and revoking, per token and per client IP,
//! like publishing: 429 with `Retry-After`, each kind of request with its
//! own budget.

use crate::common::{SHARES, TestServer, assert_retry_after, expect_error};

use reqwest::StatusCode;
use share_server::Config;

fn limits(ip: u32, token: u32) -> impl FnOnce(Config) -> Config {
    move |config| Config {
        rate_limit_ip: ip,
        rate_limit_token: token,
        ..config
    }
}

#[tokio::test]
async fn listing_is_limited_per_token() {
    let server = TestServer::with(limits(0, 3)).await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    for _ in 0..3 {
        assert_eq!(server.list(&alice).await.status(), StatusCode::OK);
    }
    let limited = server.list(&alice).await;
    assert_retry_after(&limited, 60);
    expect_error(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Another token, and publishing with the same one, have their own budgets.
    assert_eq!(server.list(&bob).await.status(), StatusCode::OK);
    server.publish_ok(Some(&alice)).await;
}

#[tokio::test]
async fn listing_is_limited_per_client_whatever_the_token() {
    let server = TestServer::with(limits(3, 0)).await;
    for n in 0..3 {
        let token = server.user(&format!("user{n}")).await;
        assert_eq!(server.list(&token).await.status(), StatusCode::OK);
    }
    // A fourth token from the same address, even a wrong one.
    assert_retry_after(&server.list("psu_not-a-token").await, 60);
}

#[tokio::test]
async fn revoking_is_limited_per_token() {
    let server = TestServer::with(limits(0, 3)).await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    // Three publishes and three revocations: each within its own budget.
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(server.publish_id(Some(&alice)).await);
    }
    for id in &ids {
        let response = server.delete(id, Some(&alice), None).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let bobs = server.publish_ok(Some(&bob)).await;
    let id = bobs["shareId"].as_str().unwrap();
    assert_retry_after(&server.delete(id, Some(&alice), None).await, 60);
    // Guessing one share's delete token is throttled per token too.
    for _ in 0..3 {
        let wrong = server.delete(id, None, Some("psd_guess")).await;
        assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    }
    assert_retry_after(&server.delete(id, None, Some("psd_guess")).await, 60);
    // The share's own delete token has its own budget; listing is unaffected.
    let token = bobs["deleteToken"].as_str().unwrap();
    let response = server.delete(id, None, Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.list(&alice).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn revoking_is_limited_per_client() {
    let server = TestServer::with(|config| Config {
        trust_forwarded_for: true,
        ..limits(2, 0)(config)
    })
    .await;
    let alice = server.user("alice").await;
    // Published from 127.0.0.1, revoked from another address.
    let ids = [
        server.publish_id(Some(&alice)).await,
        server.publish_id(Some(&alice)).await,
    ];
    let delete = |id: &str, bearer: Option<&str>| {
        let mut request = server
            .client
            .delete(server.url(&format!("{SHARES}/{id}")))
            .header("x-forwarded-for", "198.51.100.4");
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    for id in &ids {
        let response = delete(id, Some(&alice)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    // With no credentials at all, too.
    assert_retry_after(&delete("AAAAAAAAAAAAAAAAAAAAAA", None).await.unwrap(), 60);
}
