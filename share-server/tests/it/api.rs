//! The JSON API over a real listener and a real SQLite file: every endpoint's
//! success and each of its failures.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::common;

use chrono::{DateTime, Duration, Utc};
use common::{
    INVALID_JSON, INVALID_SNAPSHOT, PUBLIC_URL, SHARES, TestServer, created, expect_error,
    expect_refusal, snapshot,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use share_server::Config;

/// The string at `key` in each item of the array `items`.
fn strings_at<'a>(items: &'a Value, key: &str) -> Vec<&'a str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[key].as_str().unwrap())
        .collect()
}

fn expires_at(data: &Value) -> DateTime<Utc> {
    data["expiresAt"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn publish_with_a_token_returns_the_link_and_a_delete_token() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let data = server.publish_ok(Some(&token)).await;
    let id = data["shareId"].as_str().unwrap();
    assert_eq!(id.len(), 22);
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(data["shareUrl"], format!("{PUBLIC_URL}/shared/{id}"));
    let delete_token = data["deleteToken"].as_str().unwrap();
    assert!(delete_token.starts_with("psd_") && delete_token.len() == 68);
    // The default expiry (30 days) applies when the snapshot asks for none.
    let lifetime = expires_at(&data) - server.clock.now();
    assert!(lifetime > Duration::days(29) && lifetime <= Duration::days(30));
}

#[tokio::test]
async fn publish_without_a_token_is_refused_unless_anonymous_is_allowed() {
    let server = TestServer::start().await;
    let response = server.publish(None, &snapshot("t")).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    expect_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;

    let server = TestServer::with(|c| c.with_allow_anonymous(true)).await;
    let data = server.publish_ok(None).await;
    assert!(data["deleteToken"].as_str().unwrap().starts_with("psd_"));
    let response = server.read(data["shareId"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_malformed_and_revoked_tokens_are_refused() {
    let server = TestServer::with(|c| c.with_allow_anonymous(true)).await;
    let token = server.user("alice").await;
    // A wrong token is refused even where anonymous publishing is allowed.
    for bad in ["psu_0000", "not-a-token", &format!("{token}x")] {
        let response = server.publish(Some(bad), &snapshot("t")).await;
        expect_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
    let request = server
        .post()
        .header("authorization", format!("Basic {token}"))
        .json(&snapshot("t"));
    let response = request.send().await.unwrap();
    expect_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;

    share_server::users::revoke_user(server.server.store().as_ref(), "alice")
        .await
        .unwrap();
    let response = server.publish(Some(&token), &snapshot("t")).await;
    expect_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let response = server.list(&token).await;
    expect_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[tokio::test]
async fn the_snapshot_is_stored_verbatim() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    // Unusual spacing, key order and escapes survive byte for byte.
    let pretty = serde_json::to_string_pretty(&snapshot("Verbatim \u{e9}\\u00e9")).unwrap();
    let bytes = format!("\n  {}\t\n", pretty.replace("\"title\"", "\"title\" ")).into_bytes();
    let data = created(server.publish_bytes(Some(&token), bytes.clone()).await).await;
    let id = data["shareId"].as_str().unwrap();
    let response = server.get(&format!("/shared/{id}.json")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes.as_slice());
}

#[tokio::test]
async fn get_returns_the_snapshot_with_metadata_and_nothing_secret() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let created = server.publish_ok(Some(&token)).await;
    let [id, delete_token] = ["shareId", "deleteToken"].map(|key| created[key].as_str().unwrap());
    let response = server.read(id).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["success"], true);
    let data = &body["data"];
    assert_eq!(data["shareId"], id);
    assert_eq!(data["title"], "A shared chat");
    assert_eq!(data["messages"].as_array().unwrap().len(), 4);
    assert_eq!(data["modelConfig"]["model"], "gpt-4o");
    assert_eq!(data["totalTokens"], 370);
    assert_eq!(data["expiresAt"], created["expiresAt"]);
    let created_at: DateTime<Utc> = data["createdAt"].as_str().unwrap().parse().unwrap();
    assert!((server.clock.now() - created_at).num_seconds().abs() < 60);
    for secret in ["owner", "deleteToken", "alice", &token, delete_token] {
        assert!(!text.contains(secret), "the answer contains {secret}");
    }
}

/// The page and each download of `id` answer `status` with an HTML page.
async fn assert_pages_are(server: &TestServer, id: &str, status: StatusCode) {
    for suffix in ["", ".json", ".md", ".html"] {
        let response = server.get(&format!("/shared/{id}{suffix}")).await;
        assert_eq!(response.status(), status, "{id}{suffix}");
        let content_type = &response.headers()["content-type"];
        assert_eq!(content_type, "text/html; charset=utf-8", "{id}{suffix}");
    }
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404_on_the_api_and_the_page() {
    let server = TestServer::start().await;
    for id in [
        "AAAAAAAAAAAAAAAAAAAAAA",
        "short",
        "AAAAAAAAAAAAAAAAAAAAAA-",
        "AAAAAAAAAAAAAAAAAAAA%21%21",
    ] {
        let response = server.read(id).await;
        expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
        assert_pages_are(&server, id, StatusCode::NOT_FOUND).await;
    }
}

#[tokio::test]
async fn expired_shares_are_410_on_the_api_and_the_page() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let mut short = snapshot("short-lived");
    short["expiresAt"] = json!((server.clock.now() + Duration::hours(1)).to_rfc3339());
    let data = server.publish_created(Some(&token), &short).await;
    let id = data["shareId"].as_str().unwrap();
    // Served (and cached) while live…
    for path in [
        format!("/api/v0/shared-chats/{id}"),
        format!("/shared/{id}"),
    ] {
        assert_eq!(server.get(&path).await.status(), StatusCode::OK);
    }
    server.clock.advance(Duration::hours(2));
    // …gone once the clock passes expiresAt, cached or not.
    let response = server.read(id).await;
    expect_error(response, StatusCode::GONE, "gone").await;
    assert_pages_are(&server, id, StatusCode::GONE).await;
    // It still shows in the owner's list, as expired.
    let list: Value = server.list_json(&token).await;
    assert_eq!(list["data"]["items"][0]["status"], "expired");
}

#[tokio::test]
async fn expiry_requests_are_capped_and_past_ones_refused() {
    let server = TestServer::with(|c| Config {
        max_expiry: Some(std::time::Duration::from_secs(7 * 86_400)),
        ..c
    })
    .await;
    let token = server.user("alice").await;
    let mut far = snapshot("far");
    far["expiresAt"] = json!((server.clock.now() + Duration::days(100)).to_rfc3339());
    let data = server.publish_created(Some(&token), &far).await;
    let lifetime = expires_at(&data) - server.clock.now();
    assert!(lifetime <= Duration::days(7) && lifetime > Duration::days(6));

    let mut past = snapshot("past");
    past["expiresAt"] = json!((server.clock.now() - Duration::hours(1)).to_rfc3339());
    let response = server.publish(Some(&token), &past).await;
    expect_refusal(response, INVALID_SNAPSHOT, "expiresAt").await;
}

/// `snapshot("t")` with `edit` applied.
fn edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut snapshot = snapshot("t");
    edit(&mut snapshot);
    snapshot
}

#[tokio::test]
async fn malformed_json_is_400_with_the_path() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let wrong_type = edited(|s| s["messages"][1]["usage"]["outputTokens"] = json!("thirty"));
    let missing = edited(|s| {
        s["modelConfig"].as_object_mut().unwrap().remove("model");
    });
    for (body, field) in [
        (wrong_type, "messages[1].usage.outputTokens"),
        (missing, "modelConfig.model"),
    ] {
        let response = server.publish(Some(&token), &body).await;
        expect_refusal(response, INVALID_JSON, field).await;
    }

    let unknown = edited(|s| s["ownerId"] = json!(7));
    let response = server.publish(Some(&token), &unknown).await;
    expect_error(response, StatusCode::BAD_REQUEST, "invalid_json").await;

    let response = server
        .publish_bytes(Some(&token), b"{\"schemaVersion\": 1, \"title\": ".to_vec())
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, "invalid_json").await;

    let response = server
        .publish_bytes(Some(&token), vec![b'"', 0xff, 0xfe, b'"'])
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, "invalid_utf8").await;
}

#[tokio::test]
async fn invalid_fields_are_422_with_every_path() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let mut invalid = snapshot("t");
    invalid["messages"][1]["usage"]["outputTokens"] = json!(-5);
    invalid["modelConfig"]["temperature"] = json!(7.5);
    let response = server.publish(Some(&token), &invalid).await;
    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_snapshot",
    )
    .await;
    let paths = strings_at(&error["details"], "path");
    // `field` is the first problem; `details` has them all.
    assert_eq!(error["field"], paths[0]);
    assert!(
        paths.contains(&"messages[1].usage.outputTokens"),
        "{paths:?}"
    );
    assert!(paths.contains(&"modelConfig.temperature"), "{paths:?}");

    // A total that differs is a warning (`snapshot_versions.rs`); one no
    // conversation can have is refused.
    let cases = [
        (
            edited(|s| s["totalTokens"] = json!(-1)),
            INVALID_SNAPSHOT,
            "totalTokens",
        ),
        (
            edited(|s| s["messages"][3]["usage"]["inputTokens"] = json!(-1)),
            INVALID_SNAPSHOT,
            "messages[3].usage.inputTokens",
        ),
        (
            edited(|s| s["messages"][0]["role"] = json!("wizard")),
            INVALID_JSON,
            "messages[0].role",
        ),
    ];
    for (body, refusal, field) in cases {
        let response = server.publish(Some(&token), &body).await;
        expect_refusal(response, refusal, field).await;
    }
}

#[tokio::test]
async fn wrong_content_types_are_415() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let body = serde_json::to_vec(&snapshot("t")).unwrap();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = server.post().bearer_auth(&token).body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        expect_error(
            request.send().await.unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
    let request = server
        .post()
        .bearer_auth(&token)
        .header("content-type", "Application/JSON; charset=utf-8")
        .body(body);
    assert_eq!(request.send().await.unwrap().status(), StatusCode::CREATED);
}

#[tokio::test]
async fn oversize_bodies_are_413_with_the_envelope() {
    let server = TestServer::with(|c| Config {
        body_limit: 4096,
        ..c
    })
    .await;
    let token = server.user("alice").await;
    let mut big = snapshot("big");
    big["messages"][0]["content"] = json!("x".repeat(8192));
    let response = server.publish(Some(&token), &big).await;
    let error = expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert!(error["message"].as_str().unwrap().contains("4096"));

    // Chunked, without Content-Length: refused while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..8).map(|_| Ok(vec![b' '; 1024])).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let response = server.publish_bytes(Some(&token), body).await;
    expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    // Within the limit it works.
    assert_eq!(
        server
            .publish(Some(&token), &snapshot("small"))
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn list_pages_through_the_callers_own_shares_newest_first() {
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let data = server
            .publish_created(Some(&alice), &snapshot(&format!("chat {i}")))
            .await;
        ids.push(data["shareId"].as_str().unwrap().to_owned());
        server.clock.advance(Duration::seconds(1));
    }
    server.publish_ok(Some(&bob)).await;

    let page = async |query: &str| -> Value {
        let response = server.list_page(&alice, query).await;
        response.json().await.unwrap()
    };
    let first = page("?limit=3").await;
    let data = &first["data"];
    assert_eq!(data["total"], 7);
    assert_eq!(data["limit"], 3);
    assert_eq!(data["offset"], 0);
    let listed = strings_at(&data["items"], "shareId");
    assert_eq!(listed, [&ids[6], &ids[5], &ids[4]]);
    assert_eq!(data["items"][0]["title"], "chat 6");
    assert_eq!(data["items"][0]["status"], "live");
    assert_eq!(
        data["items"][0]["shareUrl"],
        format!("{PUBLIC_URL}/shared/{}", ids[6])
    );

    let last = page("?limit=3&offset=6").await;
    assert_eq!(last["data"]["items"].as_array().unwrap().len(), 1);
    assert_eq!(last["data"]["items"][0]["shareId"], ids[0].as_str());
    let beyond = page("?offset=50").await;
    assert_eq!(beyond["data"]["items"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["data"]["total"], 7);

    let bobs = server.list_json(&bob).await;
    assert_eq!(bobs["data"]["total"], 1);
    assert_eq!(bobs["data"]["limit"], 20);

    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=1000", "limit"),
        ("?offset=-1", "offset"),
    ] {
        let response = server.list_page(&alice, query).await;
        let error = expect_error(response, StatusCode::BAD_REQUEST, "invalid_query").await;
        assert_eq!(error["field"], field, "{query}");
    }

    let response = server.get(SHARES).await;
    expect_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let response = server.list("psu_wrong").await;
    expect_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[tokio::test]
async fn delete_by_owner_token() {
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let id: &str = &server.publish_id(Some(&alice)).await;
    let response = server.delete(id, Some(&alice), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["shareId"], id);
    assert!(body["data"]["revokedAt"].is_string());
    // Gone at once, on the API and the page; a second DELETE says so too.
    expect_error(server.read(id).await, StatusCode::GONE, "gone").await;
    assert_eq!(
        server.get(&format!("/shared/{id}")).await.status(),
        StatusCode::GONE
    );
    let response = server.delete(id, Some(&alice), None).await;
    expect_error(response, StatusCode::GONE, "gone").await;
    let list: Value = server.list_json(&alice).await;
    assert_eq!(list["data"]["items"][0]["status"], "revoked");
}

#[tokio::test]
async fn delete_by_delete_token_works_for_anonymous_shares() {
    let server = TestServer::with(|c| c.with_allow_anonymous(true)).await;
    let created = server.publish_ok(None).await;
    let id = created["shareId"].as_str().unwrap();
    let delete_token = created["deleteToken"].as_str().unwrap();
    let response = server.delete(id, None, Some("psd_wrong")).await;
    expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(
        server.delete(id, None, Some(delete_token)).await.status(),
        StatusCode::OK
    );
    expect_error(server.read(id).await, StatusCode::GONE, "gone").await;
}

#[tokio::test]
async fn delete_by_anyone_else_is_the_same_404_as_an_unknown_id() {
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let created = server.publish_ok(Some(&alice)).await;
    let id = created["shareId"].as_str().unwrap();
    let other = server.publish_ok(Some(&bob)).await;

    let response = server
        .delete("AAAAAAAAAAAAAAAAAAAAAA", Some(&bob), None)
        .await;
    let unknown = expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = server.delete(id, Some(&bob), None).await;
    let others = expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(unknown, others);
    // Another share's delete token does not work either.
    let foreign_token = other["deleteToken"].as_str().unwrap();
    let response = server.delete(id, None, Some(foreign_token)).await;
    expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = server.delete("malformed", Some(&bob), None).await;
    expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    // No credentials at all, or an invalid bearer token: 401 (says nothing about the share).
    let response = server.delete(id, None, None).await;
    expect_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let response = server.delete(id, Some("psu_nope"), None).await;
    expect_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // Still there.
    assert_eq!(server.read(id).await.status(), StatusCode::OK);
    // The owner's delete token also works on an owned share.
    let delete_token = created["deleteToken"].as_str().unwrap();
    assert_eq!(
        server.delete(id, None, Some(delete_token)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn publishing_is_rate_limited_per_token_with_retry_after() {
    let server = TestServer::with(|c| Config {
        rate_limit_token: 2,
        rate_limit_ip: 100,
        ..c
    })
    .await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    for _ in 0..2 {
        assert_eq!(
            server.publish(Some(&alice), &snapshot("t")).await.status(),
            StatusCode::CREATED
        );
    }
    let response = server.publish(Some(&alice), &snapshot("t")).await;
    common::assert_retry_after(&response, 30);
    expect_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Another token still may.
    assert_eq!(
        server.publish(Some(&bob), &snapshot("t")).await.status(),
        StatusCode::CREATED
    );
    // Reading is not limited.
    for _ in 0..5 {
        assert_eq!(server.get("/healthz").await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn publishing_is_rate_limited_per_client_ip() {
    let server = TestServer::with(|c| Config {
        rate_limit_ip: 3,
        allow_anonymous: true,
        ..c
    })
    .await;
    let alice = server.user("alice").await;
    for token in [None, Some(alice.as_str()), None] {
        assert_eq!(
            server.publish(token, &snapshot("t")).await.status(),
            StatusCode::CREATED
        );
    }
    let response = server.publish(Some(&alice), &snapshot("t")).await;
    assert!(response.headers().contains_key("retry-after"));
    expect_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // X-Forwarded-For is not trusted by default: spoofing it does not help.
    let request = server
        .post()
        .header("x-forwarded-for", "203.0.113.7")
        .json(&snapshot("t"));
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_trusted_forwarded_for_header_keys_the_ip_limit() {
    let server = TestServer::with(|c| Config {
        rate_limit_ip: 1,
        allow_anonymous: true,
        trust_forwarded_for: true,
        ..c
    })
    .await;
    let post = |ip: &'static str| {
        let request = server
            .post()
            .header("x-forwarded-for", format!("198.51.100.99, {ip}"))
            .json(&snapshot("t"));
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(post("203.0.113.1").await, StatusCode::CREATED);
    assert_eq!(post("203.0.113.2").await, StatusCode::CREATED);
    assert_eq!(post("203.0.113.1").await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn health_readiness_metrics_and_openapi() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    for path in ["/healthz", "/readyz"] {
        let body: Value = server.get_json(path).await;
        assert_eq!(body, json!({"success": true, "data": {"status": "ok"}}));
    }
    let id: &str = &server.publish_id(Some(&token)).await;
    server.get(&format!("/shared/{id}")).await;
    server.get(&format!("/shared/{id}")).await;
    server.delete(id, Some(&token), None).await;

    let response = server.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = response.text().await.unwrap();
    for expected in [
        r#"share_server_http_requests_total{method="POST",route="/api/v0/shared-chats",status="201"} 1"#,
        r#"share_server_http_requests_total{method="GET",route="/shared/{file}",status="200"} 2"#,
        r#"share_server_http_request_duration_seconds_count{method="GET",route="/healthz"} 1"#,
        "share_server_shares_created_total 1",
        "share_server_shares_deleted_total 1",
        r#"share_server_render_cache_lookups_total{outcome="hit"} 1"#,
        r#"share_server_render_cache_lookups_total{outcome="miss"} 1"#,
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
    assert!(!text.contains(id), "share ids must not become labels");

    let response = server.get("/api/v0/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v0/shared-chats",
        "/api/v0/shared-chats/{shareId}",
        "/shared/{shareId}",
        "/shared/{shareId}.json",
        "/shared/{shareId}.md",
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v0/openapi.json",
        "/api/v0/info",
        "/shared/{shareId}.html",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    let shares = &paths["/api/v0/shared-chats"];
    assert!(shares["post"]["responses"]["201"].is_object());
    assert!(shares["post"]["responses"]["429"].is_object());
    assert!(shares["get"].is_object());
    assert!(paths["/api/v0/shared-chats/{shareId}"]["delete"]["responses"]["404"].is_object());
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["deleteToken"]["name"], "X-Delete-Token");
    assert!(doc["components"]["schemas"]["ShareSnapshot"].is_object());
}

#[tokio::test]
async fn info_names_the_server_and_its_rules() {
    let server = TestServer::start().await;
    let doc = openapi_document(&server).await;
    // Public: no token.
    let response = server.get("/api/v0/info").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"success": true, "data": {
            "name": "Parlor share-server",
            "version": env!("CARGO_PKG_VERSION"),
            "schemaVersions": chat_core::ACCEPTED_SCHEMA_VERSIONS,
            "maxExpirySeconds": 365 * 86_400,
            "defaultExpirySeconds": 30 * 86_400,
            "allowAnonymous": false,
            "publicUrl": PUBLIC_URL,
        }})
    );
    let response = server.get("/api/v0/info").await;
    assert_documented(&doc, "get", "/api/v0/info", response).await;

    // No caps, anonymous publishing, links on the bound address.
    let open = TestServer::with(|c| Config {
        default_expiry: None,
        max_expiry: None,
        public_url: None,
        allow_anonymous: true,
        ..c
    })
    .await;
    let body: Value = open.get_json("/api/v0/info").await;
    let data = &body["data"];
    assert_eq!(data["maxExpirySeconds"], Value::Null);
    assert_eq!(data["defaultExpirySeconds"], Value::Null);
    assert_eq!(data["allowAnonymous"], true);
    assert_eq!(data["publicUrl"], open.server.base_url);
    let response = open.get("/api/v0/info").await;
    assert_documented(&doc, "get", "/api/v0/info", response).await;
    // What it says is what publishing does.
    let created = open.publish_ok(None).await;
    assert_eq!(created["expiresAt"], Value::Null);
    assert!(
        created["shareUrl"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/shared/", data["publicUrl"].as_str().unwrap()))
    );
}

/// Sends `request` as is over a new connection and returns the status and
/// the JSON body (HTTP/1.0: the server closes the connection after it).
async fn raw_request(addr: std::net::SocketAddr, request: &str) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8(response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// With `allowed_hosts` set, a request naming another host (as a page
/// that rebound its DNS name to this server would), or none, is refused
/// with 421 before any handler runs, on every route.
#[tokio::test]
async fn requests_for_hosts_not_allowed_are_421_on_every_route() {
    let server =
        TestServer::with(|c| c.with_allowed_hosts(["127.0.0.1", "localhost", "[::1]"])).await;
    let port = server.server.addr.port();
    let token = server.user("alice").await;
    // reqwest names 127.0.0.1:PORT, which is allowed.
    let id = server.publish_id(Some(&token)).await;
    let get_with = |path: &str, host: &str| {
        server
            .client
            .get(server.url(path))
            .header("host", host)
            .send()
    };
    for host in [
        format!("127.0.0.1:{port}"),
        "localhost".to_owned(),
        format!("LocalHost:{port}"),
        "[::1]:8080".to_owned(),
    ] {
        let response = get_with(&format!("/shared/{id}"), &host).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{host}");
    }

    let evil = format!("evil.example:{port}");
    for path in [
        "/healthz".to_owned(),
        "/readyz".to_owned(),
        "/metrics".to_owned(),
        "/api/v0/info".to_owned(),
        "/api/v0/openapi.json".to_owned(),
        format!("/api/v0/shared-chats/{id}"),
        format!("/shared/{id}"),
        format!("/shared/{id}.json"),
        format!("/shared/{id}.md"),
        format!("/shared/{id}.html"),
        share_server::page::STYLESHEET_PATH.to_owned(),
        "/no/such/route".to_owned(),
    ] {
        let response = get_with(&path, &evil).await.unwrap();
        assert!(response.headers().contains_key("content-security-policy"));
        let error = expect_error(response, StatusCode::MISDIRECTED_REQUEST, "unknown_host").await;
        assert_eq!(
            error["message"],
            format!("this server does not answer for the host `{evil}`"),
            "{path}"
        );
    }
    // Nothing ran: the share was not published, the list not read.
    let request = server
        .post()
        .header("host", &evil)
        .bearer_auth(&token)
        .json(&snapshot("rebound"));
    let response = request.send().await.unwrap();
    expect_error(response, StatusCode::MISDIRECTED_REQUEST, "unknown_host").await;
    let list: Value = server.list_json(&token).await;
    assert_eq!(list["data"]["items"].as_array().unwrap().len(), 1);

    // A long hostile host is quoted short.
    let long = format!("{}.example", "a".repeat(300));
    let response = get_with("/healthz", &long).await.unwrap();
    let error = expect_error(response, StatusCode::MISDIRECTED_REQUEST, "unknown_host").await;
    assert!(error["message"].as_str().unwrap().len() < 200, "{error}");

    // No Host at all (HTTP/1.0 allows it), or an allowed one, on a bare connection.
    let addr = server.server.addr;
    let (status, body) = raw_request(addr, "GET /healthz HTTP/1.0\r\n\r\n").await;
    assert_eq!(status, 421, "{body}");
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["code"], "unknown_host");
    let (status, body) =
        raw_request(addr, "GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n").await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = raw_request(
        addr,
        &format!("GET http://evil.example:{port}/healthz HTTP/1.0\r\nHost: localhost\r\n\r\n"),
    )
    .await;
    assert_eq!(status, 421, "an absolute target names its host");

    // Without a list, any host is served.
    let open = TestServer::start().await;
    let request = open
        .client
        .get(open.url("/healthz"))
        .header("host", "evil.example");
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (status, _) = raw_request(open.server.addr, "GET /healthz HTTP/1.0\r\n\r\n").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_invalid_allowed_host_stops_the_start() {
    let result = share_server::spawn(
        share_server::Config::default().with_allowed_hosts(["https://share.example.com"]),
    )
    .await;
    let Err(error) = result else {
        panic!("started with an invalid allowed host")
    };
    assert!(matches!(error, share_server::Error::Config(_)), "{error}");
    assert!(
        error.to_string().contains("https://share.example.com"),
        "{error}"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_get_the_envelope() {
    let server = TestServer::start().await;
    let response = server.get("/nope").await;
    expect_error(response, StatusCode::NOT_FOUND, "route_not_found").await;
    let request = server.client.put(server.url("/api/v0/shared-chats"));
    let response = request.send().await.unwrap();
    expect_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

/// Whether `value` matches `schema` from the OpenAPI document `doc`, for the
/// keywords the document uses: `$ref`, `type`, `properties`, `required`,
/// `additionalProperties`, `items`, `allOf` and `oneOf`. The path of the
/// first mismatch otherwise.
fn conforms(value: &Value, schema: &Value, doc: &Value, path: &str) -> Result<(), String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return conforms(value, &doc["components"]["schemas"][name], doc, path);
    }
    if let Some(all) = schema["allOf"].as_array() {
        for part in all {
            conforms(value, part, doc, path)?;
        }
    }
    if let Some(one) = schema["oneOf"].as_array()
        && !one
            .iter()
            .any(|part| conforms(value, part, doc, path).is_ok())
    {
        return Err(format!("{path}: {value} matches no branch of oneOf"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let type_ok = |name: &str| match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|name| type_ok(name)) {
        return Err(format!("{path}: {value} is not of type {types:?}"));
    }
    if let Some(object) = value.as_object() {
        let properties = schema["properties"].as_object();
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap();
            if !object.contains_key(name) {
                return Err(format!("{path}: `{name}` is required"));
            }
        }
        for (name, field) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => conforms(field, property, doc, &format!("{path}.{name}"))?,
                None if schema["additionalProperties"] == false => {
                    return Err(format!("{path}: `{name}` is not allowed"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            conforms(item, schema, doc, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

/// Checks an answer against what the document says `method path` answers
/// with its status.
async fn assert_documented(doc: &Value, method: &str, path: &str, response: reqwest::Response) {
    let status = response.status().as_u16().to_string();
    let documented = &doc["paths"][path][method]["responses"][&status];
    assert!(
        documented.is_object(),
        "{method} {path} answered {status}, which is not documented"
    );
    let body: Value = response.json().await.unwrap();
    let schema = &documented["content"]["application/json"]["schema"];
    if let Err(mismatch) = conforms(&body, schema, doc, "$") {
        panic!("{method} {path} {status} does not match the document: {mismatch}\n{body}");
    }
}

/// The server's OpenAPI document.
async fn openapi_document(server: &TestServer) -> Value {
    server.get_json("/api/v0/openapi.json").await
}

#[tokio::test]
async fn real_answers_match_the_documented_schemas() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let doc = openapi_document(&server).await;
    let collection = SHARES;
    let one = "/api/v0/shared-chats/{shareId}";

    let created = server.publish(Some(&token), &snapshot("Documented")).await;
    let created_body: Value = created.json().await.unwrap();
    let id = created_body["data"]["shareId"].as_str().unwrap().to_owned();
    let republished = server.publish(Some(&token), &snapshot("Documented")).await;
    assert_documented(&doc, "post", collection, republished).await;
    // A version 2 snapshot whose client counted reasoning tokens twice:
    // published, with `warnings`.
    let mut miscounted = common::snapshot_in(common::Schema::V2, "Documented");
    miscounted["totalTokens"] = json!(380);
    let warned = server.publish(Some(&token), &miscounted).await;
    assert_eq!(warned.status(), StatusCode::CREATED);
    let warned_body: Value = warned.json().await.unwrap();
    assert_eq!(warned_body["data"]["warnings"][0]["field"], "totalTokens");
    let schema = &doc["paths"][collection]["post"]["responses"]["201"]["content"]["application/json"]
        ["schema"];
    if let Err(mismatch) = conforms(&warned_body, schema, &doc, "$") {
        panic!("the 201 with warnings does not match the document: {mismatch}\n{warned_body}");
    }
    let invalid = server
        .publish(Some(&token), &json!({"schemaVersion": 1}))
        .await;
    assert_documented(&doc, "post", collection, invalid).await;
    // The answer with the snapshot and its metadata flattened into one
    // object: `shareId` and `createdAt` beside the snapshot's own fields.
    let read = server.get(&format!("{collection}/{id}")).await;
    assert_documented(&doc, "get", one, read).await;
    let list = server.list(&token).await;
    assert_documented(&doc, "get", collection, list).await;
    assert_documented(
        &doc,
        "delete",
        one,
        server.delete(&id, Some(&token), None).await,
    )
    .await;
    let gone = server.get(&format!("{collection}/{id}")).await;
    assert_documented(&doc, "get", one, gone).await;
    let unknown = server.get(&format!("{collection}/nope")).await;
    assert_documented(&doc, "get", one, unknown).await;
    for path in ["/healthz", "/readyz"] {
        assert_documented(&doc, "get", path, server.get(path).await).await;
    }
}

#[tokio::test]
async fn the_documented_example_publishes() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let doc = openapi_document(&server).await;
    let example = &doc["paths"]["/api/v0/shared-chats"]["post"]["requestBody"]["content"]["application/json"]
        ["example"];
    assert!(example.is_object(), "the request body has no example");
    let response = server.publish(Some(&token), example).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn list_bounds_are_the_documented_ones() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let doc = openapi_document(&server).await;
    let parameters = doc["paths"]["/api/v0/shared-chats"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let bounds = |name: &str| {
        let schema = &parameters.iter().find(|p| p["name"] == name).unwrap()["schema"];
        (schema["minimum"].as_i64(), schema["maximum"].as_i64())
    };
    let (Some(min), Some(max)) = bounds("limit") else {
        panic!("`limit` is documented without bounds");
    };
    assert_eq!(bounds("offset").0, Some(0));
    for (query, status) in [
        (format!("?limit={min}"), StatusCode::OK),
        (format!("?limit={max}"), StatusCode::OK),
        (format!("?limit={}", min - 1), StatusCode::BAD_REQUEST),
        (format!("?limit={}", max + 1), StatusCode::BAD_REQUEST),
        (format!("?offset={}", i64::MAX), StatusCode::OK),
        ("?offset=-1".to_owned(), StatusCode::BAD_REQUEST),
    ] {
        let answer = server.list_page(&token, &query).await;
        assert_eq!(answer.status(), status, "{query}");
    }
}

/// `keyword` of a documented property: on the property itself or, for an
/// optional one, on the branch of `oneOf`/`anyOf`/`allOf` that has it.
fn schema_keyword<'a>(property: &'a Value, keyword: &str) -> Option<&'a Value> {
    property.get(keyword).or_else(|| {
        ["oneOf", "anyOf", "allOf"]
            .iter()
            .filter_map(|k| property.get(*k)?.as_array())
            .flatten()
            .find_map(|branch| schema_keyword(branch, keyword))
    })
}

/// The request schema states the limits validation enforces, from the same
/// constants: what the document accepts, validation does not refuse for
/// size or range (cross-field rules aside).
#[tokio::test]
async fn the_snapshot_limits_are_the_documented_ones() {
    use chat_core::limits::*;
    let server = TestServer::start().await;
    let doc = openapi_document(&server).await;
    let schemas = &doc["components"]["schemas"];
    let tokens = MAX_TOKENS as f64;
    let ids = MAX_ID_BYTES as f64;
    let names = MAX_NAME_BYTES as f64;
    let duration = MAX_DURATION_MS as f64;
    let title = MAX_TITLE_CHARS as f64;
    let provider = MAX_PROVIDER_BYTES as f64;
    let model = MAX_MODEL_BYTES as f64;
    let tool_calls = MAX_TOOL_CALLS_PER_MESSAGE as f64;
    let tools = MAX_TOOL_DEFINITIONS as f64;
    let messages = MAX_MESSAGES as f64;
    let error = MAX_ERROR_BYTES as f64;
    let temperature = MAX_TEMPERATURE;
    let versions: Vec<Value> = schemas["ShareSnapshot"]["properties"]["schemaVersion"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| !v.is_null())
        .cloned()
        .collect();
    assert_eq!(
        versions,
        json!(chat_core::ACCEPTED_SCHEMA_VERSIONS)
            .as_array()
            .unwrap()
            .clone()
    );
    let expected: &[(&str, &str, &str, f64)] = &[
        // Lower bounds.
        ("ShareSnapshot", "title", "minLength", 1.0),
        ("ShareSnapshot", "totalTokens", "minimum", 0.0),
        ("ShareSnapshot", "totalCost", "minimum", 0.0),
        ("Message", "id", "minLength", 1.0),
        ("Message", "cost", "minimum", 0.0),
        ("Message", "inferenceTimeMs", "minimum", 0.0),
        ("GenerationParams", "temperature", "minimum", 0.0),
        ("GenerationParams", "maxTokens", "minimum", 1.0),
        ("Usage", "inputTokens", "minimum", 0.0),
        ("ModelConfig", "temperature", "minimum", 0.0),
        ("ModelConfig", "maxTokens", "minimum", 1.0),
        // Upper bounds, from the limits.
        ("ShareSnapshot", "title", "maxLength", title),
        ("ShareSnapshot", "messages", "maxItems", messages),
        ("Message", "id", "maxLength", ids),
        ("Message", "cost", "maximum", MAX_MESSAGE_COST_USD),
        ("Message", "inferenceTimeMs", "maximum", duration),
        ("Message", "timeToFirstTokenMs", "maximum", duration),
        ("Message", "toolCalls", "maxItems", tool_calls),
        ("Message", "toolCallId", "maxLength", ids),
        ("Message", "provider", "maxLength", provider),
        ("Message", "model", "maxLength", model),
        ("Message", "error", "maxLength", error),
        ("Message", "replyTo", "maxLength", ids),
        ("GenerationParams", "temperature", "maximum", temperature),
        ("GenerationParams", "topP", "maximum", MAX_TOP_P),
        ("GenerationParams", "maxTokens", "maximum", tokens),
        ("Usage", "inputTokens", "maximum", tokens),
        ("Usage", "outputTokens", "maximum", tokens),
        ("Usage", "reasoningTokens", "maximum", tokens),
        ("Usage", "cachedTokens", "maximum", tokens),
        ("ToolCall", "id", "maxLength", ids),
        ("ToolCall", "name", "maxLength", names),
        ("ModelConfig", "provider", "maxLength", provider),
        ("ModelConfig", "model", "maxLength", model),
        ("ModelConfig", "temperature", "maximum", temperature),
        ("ModelConfig", "topP", "maximum", MAX_TOP_P),
        ("ModelConfig", "maxTokens", "maximum", tokens),
        ("PromptMeta", "tools", "maxItems", tools),
        ("ToolDefinition", "name", "maxLength", names),
    ];
    for (schema, extra) in [
        ("PromptMeta", MAX_PROMPT_META_EXTRA_KEYS),
        ("GenerationParams", MAX_PARAMS_OTHER),
    ] {
        let object = &schemas[schema];
        let typed = object["properties"].as_object().unwrap().len();
        assert_eq!(object["additionalProperties"], true, "{schema}");
        assert_eq!(object["maxProperties"], json!(extra + typed), "{schema}");
        assert_eq!(
            object["propertyNames"]["maxLength"],
            json!(MAX_NAME_BYTES),
            "{schema}"
        );
    }
    let mut wrong = Vec::new();
    for (schema, property, keyword, value) in expected {
        let documented = schema_keyword(&schemas[schema]["properties"][property], keyword)
            .and_then(Value::as_f64);
        if documented != Some(*value) {
            wrong.push(format!(
                "{schema}.{property} {keyword}: documented {documented:?}, enforced {value}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
