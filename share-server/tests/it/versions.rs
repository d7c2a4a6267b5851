//! Versions at the same link, on both backends: a new version is published
//! by the owner or the delete token (auth as for DELETE), the page and the
//! API show the newest (caches notwithstanding, on two instances too), each
//! earlier one stays at `/shared/{id}/v/{n}` and `?version=n`, a version
//! keeps the share's expiry and view limit, revoking removes all, and
//! hostile titles stay inert on the versions page.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::views::{limited, publish_limited, stored_views};
use crate::{common, pg};

use chrono::{Duration, SecondsFormat, Utc};
use common::{Api, Schema, TestServer, expect_error, expect_refusal, snapshot_in};
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::{Value, json};

/// POSTs `snapshot` as a new version of `id`, with a bearer and/or delete token.
pub async fn publish_version(
    api: &Api,
    id: &str,
    bearer: Option<&str>,
    delete_token: Option<&str>,
    snapshot: &Value,
) -> reqwest::Response {
    let mut request = api
        .client
        .post(api.url(&format!("/api/v0/shared-chats/{id}/versions")))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(snapshot).unwrap());
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    if let Some(token) = delete_token {
        request = request.header("x-delete-token", token);
    }
    request.send().await.unwrap()
}

/// The text of the page's versions line and its links' targets.
pub fn versions_line(html: &str) -> (String, Vec<String>) {
    let document = Html::parse_document(html);
    let line = Selector::parse("[data-testid=share-versions]").unwrap();
    let link = Selector::parse("[data-testid=share-version-link]").unwrap();
    let Some(line) = document.select(&line).next() else {
        return (String::new(), Vec::new());
    };
    let text = line.text().collect::<String>();
    let hrefs = line
        .select(&link)
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    (text, hrefs)
}

on_both_backends!(versions_at_the_same_link, |c| c);
async fn versions_at_the_same_link(server: TestServer) {
    let token = server.user("alice").await;
    let expires_at = (Utc::now() + Duration::days(3)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut first = limited("First version", 100);
    first["expiresAt"] = json!(expires_at);
    let data = server.publish_created(Some(&token), &first).await;
    let id = data["shareId"].as_str().unwrap().to_owned();
    let delete_token = data["deleteToken"].as_str().unwrap().to_owned();
    let page_path = format!("/shared/{id}");
    // Rendered (and for the API, cached) before the new version.
    let page = server.get_text(&page_path).await;
    assert_eq!(versions_line(&page).0, "", "one version: no versions line");
    assert_eq!(
        server.read_json(&id).await["data"]["title"],
        "First version"
    );

    // Without `maxViews` or `expiresAt`: the share keeps its own.
    let second = snapshot_in(Schema::V2, "Second version");
    let created =
        common::created(publish_version(&server, &id, Some(&token), None, &second).await).await;
    assert_eq!(created["shareId"], id.as_str());
    assert_eq!(created["version"], 2);
    assert_eq!(
        created["shareUrl"],
        format!("{}{page_path}", common::PUBLIC_URL)
    );
    assert_eq!(
        created["versionUrl"],
        format!("{}{page_path}/v/2", common::PUBLIC_URL)
    );

    let page = server.get_text(&page_path).await;
    assert!(page.contains("Second version") && !page.contains("First version"));
    assert_eq!(
        versions_line(&page),
        (
            "Version 2 of 2 · see version 1".into(),
            vec![format!("{page_path}/v/1")]
        )
    );
    let old = server.get_text(&format!("{page_path}/v/1")).await;
    assert!(old.contains("First version") && !old.contains("Second version"));
    assert_eq!(
        versions_line(&old),
        (
            "Version 1 of 2 · see version 2".into(),
            vec![page_path.clone()]
        )
    );
    assert!(
        server
            .get_text(&format!("{page_path}/v/2"))
            .await
            .contains("Second version")
    );
    for missing in ["3", "0", "x", "99999999999"] {
        let response = server.get(&format!("{page_path}/v/{missing}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "/v/{missing}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(content_type.starts_with("text/html"), "{content_type}");
    }

    // The API: the newest, or the one asked for; the share's expiry and limit.
    let newest = server.read_json(&id).await;
    assert_eq!(newest["data"]["title"], "Second version");
    let api = format!("/api/v0/shared-chats/{id}");
    for (version, title) in [(1, "First version"), (2, "Second version")] {
        let answer = server.get_json(&format!("{api}?version={version}")).await;
        assert_eq!(answer["data"]["title"], title);
        assert_eq!(answer["data"]["expiresAt"], newest["data"]["expiresAt"]);
        assert_eq!(answer["data"]["maxViews"], 100);
    }
    assert!(newest["data"]["expiresAt"].is_string());
    expect_error(
        server.get(&format!("{api}?version=3")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let bad = server.get(&format!("{api}?version=0")).await;
    expect_refusal(bad, (StatusCode::BAD_REQUEST, "invalid_query"), "version").await;

    // Views keep counting across versions; the list shows the newest title.
    let views = stored_views(&server, &id).await;
    assert_eq!(
        views, 8,
        "a page and an API read before, 3 pages and 3 API reads after"
    );
    let item = server.list_json(&token).await["data"]["items"][0].clone();
    assert_eq!(item["title"], "Second version");
    assert_eq!(
        (item["versions"].clone(), item["maxViews"].clone()),
        (json!(2), json!(100))
    );
    assert_eq!(item["views"], 8);

    // The delete token may publish too.
    let third = snapshot_in(Schema::V1, "Third version");
    let created =
        common::created(publish_version(&server, &id, None, Some(&delete_token), &third).await)
            .await;
    assert_eq!(created["version"], 3);
    let page = server.get_text(&page_path).await;
    assert_eq!(versions_line(&page).0, "Version 3 of 3 · see versions 1, 2");

    // Refusals: no credentials, an invalid snapshot.
    let response = publish_version(&server, &id, None, None, &third).await;
    expect_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let mut invalid = snapshot_in(Schema::V2, "Invalid");
    invalid["title"] = json!("");
    let response = publish_version(&server, &id, Some(&token), None, &invalid).await;
    expect_refusal(response, common::INVALID_SNAPSHOT, "title").await;

    // Revoking removes every version.
    assert_eq!(
        server.delete(&id, Some(&token), None).await.status(),
        StatusCode::OK
    );
    for path in ["", "/v/1", "/v/2", "/v/3"] {
        let response = server.get(&format!("{page_path}{path}")).await;
        assert_eq!(response.status(), StatusCode::GONE, "{path}");
    }
    expect_error(
        server.get(&format!("{api}?version=1")).await,
        StatusCode::GONE,
        "gone",
    )
    .await;
    let response = publish_version(&server, &id, Some(&token), None, &third).await;
    expect_error(response, StatusCode::GONE, "gone").await;
}

on_both_backends!(revalidating_an_earlier_version_is_not_a_view, |mut c| {
    c.view_flush = std::time::Duration::from_millis(100);
    c
});
async fn revalidating_an_earlier_version_is_not_a_view(server: TestServer) {
    let token = server.user("alice").await;
    let id = server.publish_id(Some(&token)).await;
    let newer = snapshot_in(Schema::V2, "Newer");
    common::created(publish_version(&server, &id, Some(&token), None, &newer).await).await;
    let path = format!("/shared/{id}/v/1");
    let first = server.get(&path).await;
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let url = server.url(&path);
    let again = server
        .client
        .get(url)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        server.get(&format!("/shared/{id}")).await.status(),
        StatusCode::OK
    );
    let mut views = 0;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        views = stored_views(&server, &id).await;
        if views >= 2 {
            break;
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        (views, stored_views(&server, &id).await),
        (2, 2),
        "the 304 is not a view"
    );
}

on_both_backends!(a_used_up_share_takes_no_new_version, |c| c);
async fn a_used_up_share_takes_no_new_version(server: TestServer) {
    let token = server.user("alice").await;
    let id = publish_limited(&server, Some(&token), "Once", 1).await;
    assert_eq!(server.read(&id).await.status(), StatusCode::OK);
    let response = publish_version(
        &server,
        &id,
        Some(&token),
        None,
        &snapshot_in(Schema::V2, "Again"),
    )
    .await;
    expect_error(response, StatusCode::GONE, "view_limit_reached").await;
}

#[tokio::test]
async fn a_new_version_published_on_one_instance_is_served_by_the_other() {
    let database = pg::TestDatabase::create().await;
    let a = TestServer::on(Some(&database.url), |c| c).await;
    let b = TestServer::on(Some(&database.url), |c| c).await;
    let token = a.user("alice").await;
    let id = a.publish_id(Some(&token)).await;
    let page_path = format!("/shared/{id}");
    // A caches the page and the API answer.
    for _ in 0..2 {
        assert!(a.get_text(&page_path).await.contains("A shared chat"));
        assert_eq!(a.read_json(&id).await["data"]["title"], "A shared chat");
    }
    let newer = snapshot_in(Schema::V2, "Published on B");
    common::created(publish_version(&b, &id, Some(&token), None, &newer).await).await;
    let page = a.get_text(&page_path).await;
    assert!(page.contains("Published on B"), "A's cached page is stale");
    assert_eq!(versions_line(&page).0, "Version 2 of 2 · see version 1");
    assert_eq!(a.read_json(&id).await["data"]["title"], "Published on B");
    assert!(
        a.get_text(&format!("{page_path}/v/1"))
            .await
            .contains("A shared chat")
    );
}

on_both_backends!(hostile_titles_stay_inert_on_the_versions_pages, |c| c);
async fn hostile_titles_stay_inert_on_the_versions_pages(server: TestServer) {
    const VECTORS: [&str; 5] = [
        "<script>window.__pwned=1</script>",
        "\"><img src=x onerror=alert(1)>",
        "</title><svg onload=alert(1)>",
        "javascript:alert(1)//",
        "<a href=\"javascript:alert(1)\">x</a>",
    ];
    let token = server.user("alice").await;
    let id = server
        .publish_created(Some(&token), &snapshot_in(Schema::V2, VECTORS[0]))
        .await["shareId"]
        .as_str()
        .unwrap()
        .to_owned();
    for title in &VECTORS[1..] {
        common::created(
            publish_version(
                &server,
                &id,
                Some(&token),
                None,
                &snapshot_in(Schema::V2, title),
            )
            .await,
        )
        .await;
    }
    let any = Selector::parse("*").unwrap();
    let title_selector = Selector::parse("[data-testid=share-title]").unwrap();
    for (i, title) in VECTORS.iter().enumerate() {
        let html = server.get_text(&format!("/shared/{id}/v/{}", i + 1)).await;
        let document = Html::parse_document(&html);
        let shown: String = document
            .select(&title_selector)
            .next()
            .unwrap()
            .text()
            .collect();
        assert_eq!(shown, *title, "the title is shown as text");
        for element in document.select(&any) {
            let name = element.value().name();
            assert!(
                !matches!(name, "script" | "svg" | "img" | "iframe"),
                "{title}: <{name}>"
            );
            for (attribute, value) in element.value().attrs() {
                assert!(!attribute.starts_with("on"), "{title}: {attribute}");
                // `content` of the title's meta tags is text, not a URL.
                let is_url = matches!(attribute, "href" | "src" | "action" | "formaction");
                let scheme = value.trim_start().to_ascii_lowercase();
                assert!(
                    !(is_url && scheme.starts_with("javascript:")),
                    "{title}: {attribute}={value}"
                );
            }
        }
    }
}
