//! A password-protected share in headless Chromium: the unlock form opens
//! the page, whose attached image loads and whose JSON, Markdown and HTML
//! links download the conversation (the unlock cookie reaches the downloads
//! beside the page); another protected share stays locked in the same
//! browser, which sends it the first share's cookie too.

use crate::common::TestServer;
use crate::protect::{CONTENT_MARKER, TITLE, publish_protected};
use crate::webdriver::{Driver, click, fill, find, with_session};

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

/// Lets Chromium save downloads into `dir` (headless Chromium refuses them
/// by default), through chromedriver's DevTools passthrough.
async fn allow_downloads(driver: &Driver, client: &fantoccini::Client, dir: &Path) {
    let session = client.session_id().await.unwrap().unwrap();
    let command = json!({
        "cmd": "Browser.setDownloadBehavior",
        "params": { "behavior": "allow", "downloadPath": dir.display().to_string() },
    });
    let response = reqwest::Client::new()
        .post(format!("{}/session/{session}/goog/cdp/execute", driver.url))
        .json(&command)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
}

/// The files in `dir` once `count` downloads have finished.
async fn downloaded(dir: &Path, count: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for _ in 0..100 {
        files = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .map(|path| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).unwrap_or_default())
            })
            .collect();
        if files.len() == count && !files.iter().any(|(name, _)| name.ends_with(".crdownload")) {
            files.sort();
            return files;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{count} downloads did not finish, got {files:?}");
}

/// In headless Chromium: the unlock form opens the page, whose image loads
/// and whose JSON, Markdown and HTML links download the conversation (the
/// cookie reaches the downloads beside the page); another protected share
/// stays locked in the same browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_unlocks_the_page_and_downloads_it() {
    // Chromium types only characters of the Basic Multilingual Plane.
    const TYPED: &str = "correct horse ü 密码";
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let x = publish_protected(&server, &token, TYPED).await;
    let y = publish_protected(&server, &token, TYPED).await;
    let page = server.url(&format!("/shared/{}", x.id));
    let other = server.url(&format!("/shared/{}", y.id));
    let driver = Driver::chromedriver().await;
    let (profile, downloads) = (
        tempfile::TempDir::new().unwrap(),
        tempfile::TempDir::new().unwrap(),
    );
    let client = driver.chromium(&profile, false).await;
    allow_downloads(&driver, &client, downloads.path()).await;
    with_session(client, Duration::from_secs(120), |client| async move {
        client.goto(&page).await.unwrap();
        find(&client, "[data-testid=unlock-page]").await;
        fill(&client, "#share-password", TYPED).await;
        click(&client, "form button[type=submit]").await;
        let title = find(&client, "[data-testid=share-title]").await;
        assert_eq!(title.text().await.unwrap(), TITLE);
        let image = client
            .execute(
                "const i = document.querySelector('img.attachment-image'); i.scrollIntoView();\
                 return new Promise(done => i.complete ? done(i.naturalWidth) : i.onload = () => done(i.naturalWidth));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(image, json!(16), "the attached image (16 × 12) loaded");
        for link in ["download-json", "download-markdown", "download-html"] {
            click(&client, &format!("a[data-testid={link}]")).await;
        }
        let files = downloaded(downloads.path(), 3).await;
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        let id = &x.id;
        assert_eq!(
            names,
            [
                format!("parlor-share-{id}.json"),
                format!("parlor-share-{id}.md"),
                "secret-roadmap.html".to_owned(),
            ],
            "{files:?}"
        );
        for (name, content) in &files {
            assert!(content.contains(TITLE) && content.contains(CONTENT_MARKER), "{name}: {content}");
        }
        // X's cookie goes to Y's page too, and opens nothing there.
        client.goto(&other).await.unwrap();
        find(&client, "[data-testid=unlock-page]").await;
        assert!(!client.source().await.unwrap().contains(TITLE));
    })
    .await;
}
