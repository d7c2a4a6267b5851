//! Passwords and view limits together, on both backends: the gate's order
//! (live → password → views) means that no refused read, wrong guess or
//! unlock form counts a view, the page read after the unlock does, the
//! versions of a protected share need its password too, the owner's list
//! says which shares are protected, and the preview card is never a view.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::common::{self, TestServer, expect_error};
use crate::protect::{
    PASSWORD, cookie_of, forwarded, get_with, header, publish_with_password, unlock,
};
use crate::versions::publish_version;
use crate::views::{limited, publish_limited, stored_views};

use reqwest::StatusCode;
use serde_json::json;

const CLIENT: &str = "192.0.2.7";
const TITLE: &str = "Protected and limited";

/// Reads `path` of share `id` with the unlock cookie: 200 to the reader's
/// browser only, the share's page saying `says`, and `views` counted in all.
async fn read_unlocked(
    server: &TestServer,
    id: &str,
    (path, says): (&str, &str),
    cookie: &str,
    views: u64,
) {
    let read = get_with(server, path, CLIENT, None, Some(cookie)).await;
    assert_eq!(read.status(), StatusCode::OK, "{path}");
    assert_eq!(header(&read, "cache-control"), "private, no-store");
    let html = read.text().await.unwrap();
    assert!(html.contains(TITLE) && html.contains(says), "{html}");
    assert_eq!(stored_views(server, id).await, views);
}

on_both_backends!(unlocking_is_not_a_view_reading_is, super::forwarded);
async fn unlocking_is_not_a_view_reading_is(server: TestServer) {
    let token = server.user("alice").await;
    let response =
        publish_with_password(&server, &token, &limited(TITLE, 2), PASSWORD.as_bytes()).await;
    let id = common::created(response).await["shareId"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = format!("/shared/{id}");

    // Locked: the unlock page, the API's 401s, a wrong guess and the
    // unlock itself count nothing.
    let locked = get_with(&server, &page, CLIENT, None, None).await;
    assert_eq!(locked.status(), StatusCode::UNAUTHORIZED);
    assert!(!locked.text().await.unwrap().contains(TITLE));
    let api = format!("{}/{id}", common::SHARES);
    let missing = get_with(&server, &api, CLIENT, None, None).await;
    expect_error(missing, StatusCode::UNAUTHORIZED, "password_required").await;
    let wrong = get_with(&server, &api, CLIENT, Some("not it"), None).await;
    expect_error(wrong, StatusCode::UNAUTHORIZED, "wrong_password").await;
    let guessed = unlock(&server, &id, CLIENT, "not it either").await;
    assert_eq!(guessed.status(), StatusCode::UNAUTHORIZED);
    let unlocked = unlock(&server, &id, CLIENT, PASSWORD).await;
    assert_eq!(unlocked.status(), StatusCode::SEE_OTHER);
    let cookie = cookie_of(&unlocked);
    assert_eq!(stored_views(&server, &id).await, 0, "nothing counted yet");

    // The page after the unlock is the first view, never for shared caches.
    let read = (page.as_str(), "This link can be opened 1 more time.");
    read_unlocked(&server, &id, read, &cookie, 1).await;

    // A second version: its predecessor's page is locked without the
    // cookie (the unlock page, no count) and a view with it.
    let mut second = limited("Second version", 2);
    second["title"] = json!("Second version");
    let published = publish_version(&server, &id, Some(&token), None, &second).await;
    assert_eq!(published.status(), StatusCode::CREATED);
    let first = format!("/shared/{id}/v/1");
    let locked = get_with(&server, &first, CLIENT, None, None).await;
    assert_eq!(locked.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&locked, "cache-control"), "private, no-store");
    let html = locked.text().await.unwrap();
    assert!(html.contains(&format!("/shared/{id}/unlock")), "{html}");
    assert!(!html.contains(TITLE), "{html}");
    let old_api = format!("{api}?version=1");
    let missing = get_with(&server, &old_api, CLIENT, None, None).await;
    expect_error(missing, StatusCode::UNAUTHORIZED, "password_required").await;
    assert_eq!(stored_views(&server, &id).await, 1);

    let read = (
        first.as_str(),
        "This was the last time this link can be opened.",
    );
    read_unlocked(&server, &id, read, &cookie, 2).await;

    // Used up: 410 even with the password, and the list says so.
    let gone = get_with(&server, &page, CLIENT, None, Some(&cookie)).await;
    assert_eq!(gone.status(), StatusCode::GONE);
    let gone = get_with(&server, &api, CLIENT, Some(PASSWORD), None).await;
    expect_error(gone, StatusCode::GONE, "view_limit_reached").await;
    let item = server.list_json(&token).await["data"]["items"][0].clone();
    assert_eq!(item["protected"], true);
    assert_eq!(item["status"], "burnt");
    assert_eq!(
        (item["views"].clone(), item["versions"].clone()),
        (json!(2), json!(2))
    );
}

on_both_backends!(the_list_says_which_shares_are_protected, super::forwarded);
async fn the_list_says_which_shares_are_protected(server: TestServer) {
    let token = server.user("alice").await;
    let open = server.publish_id(Some(&token)).await;
    let response =
        publish_with_password(&server, &token, &common::snapshot("Locked"), b"hunter2").await;
    let locked = common::created(response).await["shareId"]
        .as_str()
        .unwrap()
        .to_owned();
    let items = server.list_json(&token).await["data"]["items"].clone();
    let protected_of = |id: &str| {
        items
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["shareId"] == id)
            .map(|item| item["protected"].clone())
    };
    assert_eq!(protected_of(&locked), Some(json!(true)));
    assert_eq!(protected_of(&open), Some(json!(false)));
}

on_both_backends!(the_preview_card_is_not_a_view, |c| c);
async fn the_preview_card_is_not_a_view(server: TestServer) {
    let token = server.user("alice").await;
    let id = publish_limited(&server, Some(&token), "Card", 1).await;
    for _ in 0..2 {
        let card = server.get(&format!("/shared/{id}/og.png")).await;
        assert_eq!(card.status(), StatusCode::OK);
    }
    assert_eq!(stored_views(&server, &id).await, 0);
    let page = server.get(&format!("/shared/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(stored_views(&server, &id).await, 1);
}
