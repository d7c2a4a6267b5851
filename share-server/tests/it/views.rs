//! View limits and view counts, on both backends: `maxViews` is counted in
//! the database before a read is answered (burn after reading: the second
//! read is 410 `view_limit_reached` on the page, the API and every
//! download), revalidations and the owner's list do not count, counts of
//! other shares reach the list after a flush and at shutdown, two instances
//! on one PostgreSQL give the last view to exactly one reader, and `purge`
//! drops burnt shares.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::{common, pg};

use std::time::Duration;

use common::{Api, Schema, TestServer, expect_error, expect_refusal, snapshot_in};
use reqwest::StatusCode;
use serde_json::{Value, json};
use share_server::ids::ShareId;

/// A version 2 snapshot that allows `max_views` reads.
pub fn limited(title: &str, max_views: u32) -> Value {
    let mut snapshot = snapshot_in(Schema::V2, title);
    snapshot["maxViews"] = json!(max_views);
    snapshot
}

/// Publishes a share that allows `max_views` reads (with `token`, or
/// anonymously) and returns its id.
pub async fn publish_limited(
    api: &Api,
    token: Option<&str>,
    title: &str,
    max_views: u32,
) -> String {
    let data = api.publish_created(token, &limited(title, max_views)).await;
    data["shareId"].as_str().unwrap().to_owned()
}

/// The page and the API of share `id` answer 410 `view_limit_reached`.
async fn assert_used_up(api: &Api, id: &str) {
    let page = api.get(&format!("/shared/{id}")).await;
    assert_eq!(page.status(), StatusCode::GONE);
    expect_error(api.read(id).await, StatusCode::GONE, "view_limit_reached").await;
}

/// The views the database holds for share `id`.
pub async fn stored_views(server: &TestServer, id: &str) -> u64 {
    let id = ShareId::parse(id).unwrap();
    let status = server.server.store().share_status(&id).await.unwrap();
    status.unwrap().views
}

/// `path` with `If-None-Match: etag`.
async fn revalidate(api: &Api, path: &str, etag: &str) -> reqwest::Response {
    let url = api.url(path);
    api.client
        .get(url)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap()
}

/// The first item of the owner's list.
async fn listed(server: &TestServer, token: &str) -> Value {
    server.list_json(token).await["data"]["items"][0].clone()
}

on_both_backends!(burn_after_reading, |c| c);
async fn burn_after_reading(server: TestServer) {
    let token = server.user("alice").await;
    let id = publish_limited(&server, Some(&token), "Once", 1).await;
    let item = listed(&server, &token).await;
    assert_eq!(
        (item["views"].clone(), item["maxViews"].clone()),
        (json!(0), json!(1))
    );
    assert_eq!(item["status"], "live");

    let page = server.get(&format!("/shared/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers()["cache-control"],
        "no-store",
        "no shared cache may keep it"
    );
    let etag = page.headers()["etag"].to_str().unwrap().to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains("Once"));
    assert!(
        html.contains("This was the last time this link can be opened."),
        "{html}"
    );

    // From now on: 410 everywhere, revalidations included.
    for path in ["", ".json", ".md", ".html", "/v/1"] {
        let response = server.get(&format!("/shared/{id}{path}")).await;
        assert_eq!(response.status(), StatusCode::GONE, "{path}");
    }
    assert_eq!(
        revalidate(&server, &format!("/shared/{id}"), &etag)
            .await
            .status(),
        StatusCode::GONE
    );
    assert_used_up(&server, &id).await;
    assert_used_up(&server, &id).await;
    // The owner's list shows it burnt, and listing did not count.
    for _ in 0..2 {
        let item = listed(&server, &token).await;
        assert_eq!(item["status"], "burnt");
        assert_eq!(item["views"], 1);
        assert!(item["lastViewedAt"].is_string());
    }
    assert_eq!(stored_views(&server, &id).await, 1);
}

on_both_backends!(every_full_read_counts_but_revalidations_do_not, |c| c
    .with_allow_anonymous(true));
async fn every_full_read_counts_but_revalidations_do_not(server: TestServer) {
    let id = publish_limited(&server, None, "Thrice", 3).await;
    let first = server.read(&id).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["cache-control"], "no-store");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["data"]["maxViews"], 3);
    assert_eq!(stored_views(&server, &id).await, 1);

    let path = format!("/api/v0/shared-chats/{id}");
    let not_modified = revalidate(&server, &path, &etag).await;
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(stored_views(&server, &id).await, 1, "a 304 is not a view");

    let page = server.get_text(&format!("/shared/{id}")).await;
    assert!(
        page.contains("This link can be opened 1 more time."),
        "{page}"
    );
    assert_eq!(
        server.get(&format!("/shared/{id}.md")).await.status(),
        StatusCode::OK
    );
    assert_eq!(stored_views(&server, &id).await, 3);
    assert_used_up(&server, &id).await;
    assert_eq!(
        stored_views(&server, &id).await,
        3,
        "refused reads are not views"
    );
}

on_both_backends!(counts_reach_the_list_after_a_flush, |mut c| {
    c.view_flush = std::time::Duration::from_millis(100);
    c
});
async fn counts_reach_the_list_after_a_flush(server: TestServer) {
    let token = server.user("alice").await;
    let id = server.publish_id(Some(&token)).await;
    let page_path = format!("/shared/{id}");
    let page = server.get(&page_path).await;
    let etag = page.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(page.headers()["cache-control"], "no-cache");
    assert_eq!(server.get(&page_path).await.status(), StatusCode::OK);
    assert_eq!(
        revalidate(&server, &page_path, &etag).await.status(),
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(server.read(&id).await.status(), StatusCode::OK);
    assert_eq!(
        server.get(&format!("{page_path}.json")).await.status(),
        StatusCode::OK
    );
    // Two pages, the API and a download: 4 (the 304 and the lists are not views).
    let mut item = Value::Null;
    for _ in 0..100 {
        item = listed(&server, &token).await;
        if item["views"] == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(item["views"], 4, "{item}");
    assert!(item["lastViewedAt"].is_string(), "{item}");
    assert_eq!(item["maxViews"], Value::Null);
    assert_eq!(item["versions"], 1);
    assert_eq!(item["protected"], false);
    assert_eq!(item["status"], "live");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        listed(&server, &token).await["views"],
        4,
        "listing is not a view"
    );
}

on_both_backends!(shutdown_writes_the_counts, |mut c| {
    c.view_flush = std::time::Duration::from_secs(3600);
    c
});
async fn shutdown_writes_the_counts(server: TestServer) {
    let id = server.publish_id(Some(&server.user("alice").await)).await;
    for _ in 0..3 {
        assert_eq!(
            server.get(&format!("/shared/{id}")).await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(stored_views(&server, &id).await, 0, "not flushed yet");
    let store = server.server.store();
    let TestServer {
        server: running,
        dir: _dir,
        ..
    } = server;
    running.shutdown().await;
    let status = store
        .share_status(&ShareId::parse(&id).unwrap())
        .await
        .unwrap();
    assert_eq!(status.unwrap().views, 3);
}

#[tokio::test]
async fn counting_can_be_turned_off_except_for_view_limits() {
    let server = TestServer::with(|mut c| {
        c.allow_anonymous = true;
        c.count_views = false;
        c.view_flush = std::time::Duration::from_millis(100);
        c
    })
    .await;
    let counted = server.publish_id(None).await;
    let limited_id = publish_limited(&server, None, "Twice", 2).await;
    for id in [&counted, &limited_id] {
        assert_eq!(
            server.get(&format!("/shared/{id}")).await.status(),
            StatusCode::OK
        );
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(stored_views(&server, &counted).await, 0);
    assert_eq!(stored_views(&server, &limited_id).await, 1);
}

on_both_backends!(max_views_is_validated, |c| c);
async fn max_views_is_validated(server: TestServer) {
    let token = server.user("alice").await;
    for bad in [json!(0), json!(1_000_001), json!(2.5), json!("1")] {
        let mut snapshot = snapshot_in(Schema::V2, "Bad limit");
        snapshot["maxViews"] = bad.clone();
        let response = server.publish(Some(&token), &snapshot).await;
        let status = response.status();
        assert!(matches!(status.as_u16(), 400 | 422), "{bad}: {status}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["field"], "maxViews", "{bad}: {body}");
    }
    let mut v1 = limited("Version 1", 1);
    v1["schemaVersion"] = json!(1);
    let response = server.publish(Some(&token), &v1).await;
    expect_refusal(response, common::INVALID_SNAPSHOT, "maxViews").await;
}

on_both_backends!(purge_drops_burnt_shares, |c| c.with_allow_anonymous(true));
async fn purge_drops_burnt_shares(server: TestServer) {
    let burnt = publish_limited(&server, None, "Burnt", 1).await;
    let open = publish_limited(&server, None, "Open", 2).await;
    for id in [&burnt, &open] {
        assert_eq!(server.read(id).await.status(), StatusCode::OK);
    }
    let store = server.server.store();
    let purged = share_server::purge(store.as_ref(), server.clock.now())
        .await
        .unwrap();
    assert_eq!((purged.shares, purged.burnt), (0, 1));
    expect_error(
        server.read(&burnt).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(server.read(&open).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn two_instances_race_for_the_last_view() {
    const ROUNDS: usize = 12;
    let database = pg::TestDatabase::create().await;
    let a = TestServer::on(Some(&database.url), |c| c.with_allow_anonymous(true)).await;
    let b = TestServer::on(Some(&database.url), |c| c).await;
    for round in 0..ROUNDS {
        let id = publish_limited(&a, None, "Race", 1).await;
        let path = format!("/shared/{id}");
        let (first, second) = tokio::join!(a.get(&path), b.get(&path));
        let mut statuses = [first.status(), second.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::GONE],
            "round {round}"
        );
        assert_eq!(stored_views(&a, &id).await, 1, "round {round}");
    }
}
