//! Attached files in a real headless Chromium: the page's images load from
//! the server under its CSP and display (natural size > 0), the saved HTML
//! file shows them from its `data:` URLs, and nothing runs — not the hostile
//! SVG and HTML attached (served as downloads), not the hostile file names,
//! not even when the files are opened directly.

use crate::attachments::{attach, conversation, file_path, publish_id};
use crate::common::TestServer;
use crate::webdriver::{Driver, with_session};

use std::time::Duration;

use chat_core::attachment::Attachment;
use chat_core::fixtures::{XSS, files};
use fantoccini::Client;
use serde_json::{Value, json};
use tempfile::TempDir;

const SVG: &[u8] =
    b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.__pwned=1;alert(1)\">\
    <script>window.__pwned=2;alert(2)</script></svg>";
const HTML: &[u8] = b"<!doctype html><script>window.__pwned=3;alert(3)</script>";

async fn eval(client: &Client, script: &str) -> Value {
    match client.execute(script, vec![]).await {
        Ok(value) => value,
        Err(error) if error.is_unexpected_alert_open() => panic!("a script ran: {error}"),
        Err(error) => panic!("script failed: {error}\n{script}"),
    }
}

/// No dialog is open and `window.__pwned` was never set.
async fn assert_nothing_ran(client: &Client) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    match client.get_alert_text().await {
        Ok(text) => panic!("a script ran: a dialog is open with {text:?}"),
        Err(error) if error.is_no_such_alert() => {}
        Err(error) => panic!("could not check for dialogs: {error}"),
    }
    let pwned = eval(client, "return typeof window.__pwned;").await;
    assert_eq!(pwned, json!("undefined"));
}

/// Scrolls every image into view (they load lazily), waits until all are
/// complete and returns `[src, naturalWidth, naturalHeight, alt]` of each.
async fn loaded_images(client: &Client) -> Vec<Value> {
    for _ in 0..50 {
        let done = eval(
            client,
            "const images = [...document.querySelectorAll('img.attachment-image')];\
             images.forEach(i => i.scrollIntoView());\
             return images.every(i => i.complete);",
        )
        .await;
        if done == json!(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let images = eval(
        client,
        "return [...document.querySelectorAll('img.attachment-image')]\
             .map(i => [i.getAttribute('src'), i.naturalWidth, i.naturalHeight, i.alt]);",
    )
    .await;
    images.as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_display_and_no_attached_file_runs() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let hostile_name = format!("{}.png", XSS.replace(['/', '\\'], ""));
    let mut images = files::images();
    images[1].name = hostile_name.clone();
    let mut attachments = images.clone();
    attachments.extend([
        Attachment::from_bytes("logo.svg", "image/svg+xml", SVG),
        Attachment::from_bytes(&hostile_name, "text/html", HTML),
        Attachment::from_bytes(&hostile_name, "text/plain", XSS.as_bytes()),
    ]);
    let id = publish_id(&server, &token, &attach(conversation(), 0, &attachments)).await;
    let page = server.url(&format!("/shared/{id}"));
    let file_urls: Vec<String> = attachments
        .iter()
        .map(|a| server.url(&file_path(&id, &a.sha256)))
        .collect();
    let profile = TempDir::new().unwrap();
    let saved_dir = TempDir::new().unwrap();
    let saved = saved_dir.path().join("saved.html");
    let html = server.get(&format!("/shared/{id}.html")).await;
    std::fs::write(&saved, html.bytes().await.unwrap()).unwrap();

    let driver = Driver::chromedriver().await;
    let client = driver.chromium(&profile, false).await;
    with_session(client, Duration::from_secs(120), |client| async move {
        client.goto(&page).await.unwrap();
        let shown = loaded_images(&client).await;
        assert_eq!(shown.len(), images.len(), "{shown:?}");
        for (shown, image) in shown.iter().zip(&images) {
            assert_eq!(shown[0], json!(file_path(&id, &image.sha256)));
            assert_eq!(shown[1], json!(files::SIZE.0), "{shown:?}");
            assert_eq!(shown[2], json!(files::SIZE.1), "{shown:?}");
            assert_eq!(shown[3], json!(image.name));
        }
        // Hovering and focusing everything runs nothing either.
        eval(
            &client,
            "for (const e of document.querySelectorAll('*')) {\
                 e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));\
                 e.dispatchEvent(new FocusEvent('focus')); }\
             return 0;",
        )
        .await;
        assert_nothing_ran(&client).await;

        // Opened directly, an image shows as an image; the SVG and the HTML
        // are downloads (the page stays) and run nothing.
        client.goto(&file_urls[0]).await.unwrap();
        let natural = eval(&client, "return document.images[0].naturalWidth;").await;
        assert_eq!(natural, json!(files::SIZE.0));
        for url in &file_urls[4..6] {
            client.goto(&page).await.unwrap();
            client.goto(url).await.unwrap();
            assert_nothing_ran(&client).await;
            let title = eval(&client, "return document.title;").await;
            assert!(title.as_str().unwrap().ends_with("· Parlor"), "{title}");
        }
        // Plain text is shown as text, not as markup.
        client.goto(&file_urls[6]).await.unwrap();
        assert_nothing_ran(&client).await;
        let text = eval(&client, "return document.body.innerText;").await;
        assert!(text.as_str().unwrap().contains("<script>"), "{text}");

        // The saved file shows its embedded images, offline, under its own CSP.
        client
            .goto(&format!("file://{}", saved.display()))
            .await
            .unwrap();
        let shown = loaded_images(&client).await;
        assert_eq!(shown.len(), images.len());
        for shown in &shown {
            assert!(shown[0].as_str().unwrap().starts_with("data:image/"));
            assert_eq!(shown[1], json!(files::SIZE.0), "{shown:?}");
        }
        assert_nothing_ran(&client).await;
    })
    .await;
}
