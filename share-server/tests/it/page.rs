//! Serving shares: the page routes' statuses, strong ETags and 304,
//! gzip/brotli negotiation, security headers, and revocation that beats the
//! cache — also across two instances sharing one database.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::common;

use std::io::Read;

use common::{TestServer, expect_error, snapshot};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use share_server::{CONTENT_SECURITY_POLICY, Config};

/// The API's path of the share `id`.
fn api_path(id: &str) -> String {
    format!("/api/v0/shared-chats/{id}")
}

async fn published(server: &TestServer) -> (String, String) {
    let token = server.user("alice").await;
    (server.publish_id(Some(&token)).await, token)
}

/// The policy a path is served with: the standalone file brings its own
/// (its stylesheet is inline); everything else, its 404 and 410 included,
/// has the server's.
fn policy_of(path: &str, status: StatusCode) -> &'static str {
    if path.ends_with(".html") && (status.is_success() || status == StatusCode::NOT_MODIFIED) {
        share_server::page::standalone_content_security_policy()
    } else {
        CONTENT_SECURITY_POLICY
    }
}

fn assert_security_headers(headers: &HeaderMap, what: &str) {
    assert_security_headers_with(headers, what, CONTENT_SECURITY_POLICY);
}

fn assert_security_headers_with(headers: &HeaderMap, what: &str, policy: &str) {
    assert_eq!(headers["content-security-policy"], policy, "{what}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(headers["referrer-policy"], "no-referrer", "{what}");
}

/// GET `path` with one request header.
async fn get_with(server: &TestServer, path: &str, header: &str, value: &str) -> reqwest::Response {
    server
        .client
        .get(server.url(path))
        .header(header, value)
        .send()
        .await
        .unwrap()
}

fn decode(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        None => out.extend_from_slice(body),
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some(other) => panic!("unexpected encoding {other}"),
    }
    out
}

#[tokio::test]
async fn the_page_and_downloads_are_served_with_their_types() {
    let server = TestServer::start().await;
    let (id, _) = published(&server).await;
    for (suffix, content_type) in [
        ("", "text/html; charset=utf-8"),
        (".json", "application/json"),
        (".md", "text/markdown; charset=utf-8"),
        (".html", "text/html; charset=utf-8"),
    ] {
        let response = server.get(&format!("/shared/{id}{suffix}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{suffix}");
        assert_eq!(response.headers()["content-type"], content_type);
        assert_eq!(response.headers()["cache-control"], "no-cache");
        // Not indexable unless the publisher opted in.
        assert_eq!(response.headers()["x-robots-tag"], "noindex");
        assert!(response.headers().contains_key("etag"));
    }
    let md = server.get(&format!("/shared/{id}.md")).await;
    assert!(
        md.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".md\"")
    );
    let head = server
        .client
        .head(server.url(&format!("/shared/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.bytes().await.unwrap().is_empty());

    let stylesheet = server.get(share_server::page::STYLESHEET_PATH).await;
    assert_eq!(stylesheet.status(), StatusCode::OK);
    assert_eq!(
        stylesheet.headers()["content-type"],
        "text/css; charset=utf-8"
    );
}

/// `/shared/{id}.html` is the page as one file: the same conversation
/// markup, the stylesheet inline under the file's own CSP (header and
/// `<meta>` alike), nothing loaded, nothing run, named after the title.
#[tokio::test]
async fn the_html_download_is_the_page_as_one_file() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let response = server
        .publish(Some(&token), &snapshot("Weather in Paris: 18 °C?"))
        .await;
    let created: Value = response.json().await.unwrap();
    let id = created["data"]["shareId"].as_str().unwrap();
    let share_url = created["data"]["shareUrl"].as_str().unwrap();

    let response = server.get(&format!("/shared/{id}.html")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"weather-in-paris-18-c.html\""
    );
    let policy = share_server::page::standalone_content_security_policy();
    assert_eq!(headers["content-security-policy"], policy);
    assert!(policy.starts_with("default-src 'none'; style-src 'sha256-"));
    let file = response.text().await.unwrap();
    let page = server
        .get(&format!("/shared/{id}"))
        .await
        .text()
        .await
        .unwrap();

    let file = scraper::Html::parse_document(&file);
    let page = scraper::Html::parse_document(&page);
    let one = |document: &scraper::Html, selector: &str| {
        let selector = scraper::Selector::parse(selector).unwrap();
        let found: Vec<_> = document.select(&selector).collect();
        assert_eq!(found.len(), 1, "{selector:?}");
        found[0].html()
    };
    assert_eq!(
        one(&file, "div.pl-container"),
        one(&page, "div.pl-container")
    );
    assert!(one(&file, "meta[http-equiv=Content-Security-Policy]").contains(policy));
    assert!(one(&file, "head > style").contains(".msg-assistant"));
    assert!(one(&file, "[data-testid=original-link]").contains(share_url));
    for absent in ["script", "link[rel=stylesheet]", "[src]", "a[download]"] {
        let selector = scraper::Selector::parse(absent).unwrap();
        assert_eq!(file.select(&selector).count(), 0, "{absent}");
    }
}

#[tokio::test]
async fn the_html_download_of_a_gone_share_is_410() {
    let server = TestServer::start().await;
    let (id, token) = published(&server).await;
    let path = format!("/shared/{id}.html");
    assert_eq!(server.get(&path).await.status(), StatusCode::OK);
    server.delete(&id, Some(&token), None).await;
    let response = server.get(&path).await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert!(!response.headers().contains_key("content-disposition"));
    assert_eq!(
        response.headers()["content-security-policy"],
        CONTENT_SECURITY_POLICY
    );
}

#[tokio::test]
async fn indexable_shares_may_be_indexed() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let mut indexable = snapshot("public");
    indexable["indexable"] = json!(true);
    let response = server.publish(Some(&token), &indexable).await;
    let data: Value = response.json().await.unwrap();
    let id = data["data"]["shareId"].as_str().unwrap();
    let page = server.get(&format!("/shared/{id}")).await;
    assert!(!page.headers().contains_key("x-robots-tag"));
}

#[tokio::test]
async fn strong_etags_answer_if_none_match_with_304() {
    let server = TestServer::start().await;
    let (id, _) = published(&server).await;
    for path in [
        format!("/shared/{id}"),
        format!("/shared/{id}.json"),
        format!("/shared/{id}.md"),
        format!("/shared/{id}.html"),
        api_path(&id),
    ] {
        let first = server.get(&path).await;
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"),
            "{etag}"
        );
        let body = first.bytes().await.unwrap();
        // The same bytes and tag on the next (cached) request.
        let second = server.get(&path).await;
        assert_eq!(second.headers()["etag"].to_str().unwrap(), etag);
        assert_eq!(second.bytes().await.unwrap(), body);

        let response = get_with(
            &server,
            &path,
            "if-none-match",
            &format!("\"nope\", {etag}"),
        )
        .await;
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(response.headers()["etag"].to_str().unwrap(), etag);
        let policy = policy_of(&path, response.status());
        assert_security_headers_with(response.headers(), &path, policy);
        assert!(response.bytes().await.unwrap().is_empty());

        let response = get_with(&server, &path, "if-none-match", "\"something-else\"").await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_revoked_share_is_not_revalidated() {
    let server = TestServer::start().await;
    let (id, token) = published(&server).await;
    let etag = server.get(&format!("/shared/{id}")).await.headers()["etag"].clone();
    server.delete(&id, Some(&token), None).await;
    let response = get_with(
        &server,
        &format!("/shared/{id}"),
        "if-none-match",
        etag.to_str().unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::GONE);
}

#[tokio::test]
async fn gzip_and_brotli_are_negotiated() {
    let server = TestServer::start().await;
    let (id, _) = published(&server).await;
    for path in [format!("/shared/{id}.json"), api_path(&id)] {
        let plain = server.get(&path).await;
        assert!(!plain.headers().contains_key("content-encoding"));
        assert_eq!(plain.headers()["vary"], "accept-encoding");
        let plain_etag = plain.headers()["etag"].clone();
        let identity = plain.bytes().await.unwrap().to_vec();
        for (accept, expected) in [
            ("gzip", "gzip"),
            ("br", "br"),
            ("gzip, deflate, br, zstd", "br"),
            ("br;q=0.5, gzip;q=0.9", "gzip"),
            ("*", "br"),
        ] {
            let response = get_with(&server, &path, "accept-encoding", accept).await;
            assert_eq!(
                response
                    .headers()
                    .get("content-encoding")
                    .map(|v| v.to_str().unwrap()),
                Some(expected),
                "{path} {accept}"
            );
            assert_eq!(response.headers()["vary"], "accept-encoding");
            // Each encoding is its own representation with its own strong tag.
            assert_ne!(response.headers()["etag"], plain_etag);
            let body = response.bytes().await.unwrap();
            assert!(body.len() < identity.len());
            assert_eq!(decode(Some(expected), &body), identity, "{accept}");
        }
        let response = get_with(&server, &path, "accept-encoding", "deflate, identity").await;
        assert!(!response.headers().contains_key("content-encoding"));
    }
    // The page too, whatever its size: what arrives decodes to the plain page.
    let path = format!("/shared/{id}");
    let identity = server.get(&path).await.bytes().await.unwrap().to_vec();
    for accept in ["gzip", "br"] {
        let response = get_with(&server, &path, "accept-encoding", accept).await;
        let encoding = response
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = response.bytes().await.unwrap();
        assert_eq!(decode(encoding.as_deref(), &body), identity);
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let server = TestServer::with(|c| c.with_allow_anonymous(false)).await;
    let (id, _) = published(&server).await;
    let paths = [
        format!("/shared/{id}"),
        format!("/shared/{id}.json"),
        format!("/shared/{id}.html"),
        "/shared/AAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        "/shared/AAAAAAAAAAAAAAAAAAAAAA.html".to_owned(),
        api_path(&id),
        "/api/v0/shared-chats/nope".to_owned(),
        "/api/v0/shared-chats".to_owned(),
        "/healthz".to_owned(),
        "/readyz".to_owned(),
        "/metrics".to_owned(),
        "/api/v0/openapi.json".to_owned(),
        share_server::page::STYLESHEET_PATH.to_owned(),
        "/no/such/route".to_owned(),
    ];
    for path in paths {
        let response = server.get(&path).await;
        let policy = policy_of(&path, response.status());
        assert_security_headers_with(response.headers(), &path, policy);
    }
    let response = server.publish(None, &snapshot("t")).await;
    assert_security_headers(response.headers(), "401");
    let response = server
        .client
        .patch(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_security_headers(response.headers(), "405");
}

#[tokio::test]
async fn revocation_in_the_store_beats_the_cache() {
    let server = TestServer::start().await;
    let (id, _) = published(&server).await;
    for path in [format!("/shared/{id}"), api_path(&id)] {
        assert_eq!(server.get(&path).await.status(), StatusCode::OK);
    }
    // Revoked behind this instance's back (as another instance would).
    let share_id = share_server::ids::ShareId::parse(&id).unwrap();
    assert!(
        server
            .server
            .store()
            .revoke_share(&share_id, server.clock.now())
            .await
            .unwrap()
    );
    assert_eq!(
        server.get(&format!("/shared/{id}")).await.status(),
        StatusCode::GONE
    );
    expect_error(server.get(&api_path(&id)).await, StatusCode::GONE, "gone").await;
}

#[tokio::test]
async fn two_instances_on_one_database_never_serve_a_revoked_share() {
    let first = TestServer::start().await;
    let second = share_server::spawn(
        Config::default()
            .with_database_url(common::database_url(&first.dir))
            .without_rate_limits(),
    )
    .await
    .unwrap();
    let (id, token) = published(&first).await;
    let page = format!("/shared/{id}");
    // Both instances render and cache the page.
    assert_eq!(first.get(&page).await.status(), StatusCode::OK);
    let on_second = |path: &str| {
        let request = first.client.get(format!("{}{path}", second.base_url));
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(on_second(&page).await, StatusCode::OK);
    // Revoked through the second instance…
    let response = first
        .client
        .delete(format!("{}/api/v0/shared-chats/{id}", second.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // …the first instance stops serving it at once, from its cache or not.
    assert_eq!(first.get(&page).await.status(), StatusCode::GONE);
    assert_eq!(first.get(&api_path(&id)).await.status(), StatusCode::GONE);
    assert_eq!(on_second(&page).await, StatusCode::GONE);
    second.shutdown().await;
}

#[tokio::test]
async fn the_cache_can_be_disabled() {
    let server = TestServer::with(|c| Config { cache_size: 0, ..c }).await;
    let (id, _) = published(&server).await;
    for _ in 0..3 {
        assert_eq!(
            server.get(&format!("/shared/{id}")).await.status(),
            StatusCode::OK
        );
    }
    let metrics = server.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains(r#"share_server_render_cache_lookups_total{outcome="miss"} 3"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_views_render_once() {
    let server = TestServer::start().await;
    let (id, _) = published(&server).await;
    let path = format!("/shared/{id}");
    let views: Vec<_> = (0..20)
        .map(|_| {
            let request = server.client.get(server.url(&path));
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    for view in views {
        assert_eq!(view.await.unwrap(), StatusCode::OK);
    }
    let metrics = server.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"share_server_render_cache_lookups_total{outcome="miss"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"share_server_render_cache_lookups_total{outcome="hit"} 19"#));
}
