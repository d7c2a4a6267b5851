//! Share controls in the real app, with the embedded share-server. A chat
//! is shared; Options → "Can be opened at most 1 times" says "burn after
//! reading" and makes a link that opens once, then answers 410. Options →
//! a password makes a protected link: a colleague's Chromium gets the
//! unlock form and no word of the chat, a wrong password is refused, the
//! right one shows the chat. The chat goes on; Share now offers "Update the
//! existing link": the same link shows version 2 with the new question. My
//! shares says the link is protected, has 2 versions and counts its views.
//! The password is in neither the app's data nor its log.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::app::{LocalLab, run_app, send, streamed, usage, with_chromium};
use crate::webdriver::{click, fill, find, text, wait_gone, wait_text};
use crate::{files_under, shared_link};

const LAB: LocalLab = LocalLab::new("lab", "Lab", "lab");
/// The question and its answer.
const QUESTION: &str = "Which colour is the tower?";
const ANSWER: &str = "Rust red, with a white light on top.";
/// Asked after the first shares: version 2 shows it.
const FOLLOW_UP: &str = "And at night?";
/// Unicode and spaces: the header carries UTF-8 as typed. Characters of
/// the Basic Multilingual Plane only: WebKitWebDriver drops the others
/// (an emoji) when it types.
const PASSWORD: &str = "tower · clé 鍵 open sesame";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and WebKitWebDriver: run by `cargo xtask test` (or `cargo xtask e2e`)"]
async fn a_protected_link_a_burnt_link_and_an_updated_link() {
    let answer = streamed(ANSWER, Duration::from_millis(10), usage(40, 12));
    let (home, _server) = LAB.home(answer).await;
    run_app(&home, Duration::from_secs(240), |app| async move {
        LAB.new_session(&app).await;
        send(&app, QUESTION).await;
        find(&app, "article.msg-assistant[data-state=\"complete\"]").await;
        click(&app, "#share-button").await;
        shared_link(&app, "thisComputer").await;

        burn_after_reading(&app).await;
        let url = protected(&app).await;
        with_chromium(|browser| async move {
            unlocks_with_the_password(&browser, &url, QUESTION).await;
        })
        .await;
        click(&app, "#share-close").await;
        wait_gone(&app, "#share-modal").await;

        let url = updated(&app).await;
        let page_url = url.clone();
        with_chromium(|browser| async move {
            let page = unlocks_with_the_password(&browser, &page_url, FOLLOW_UP).await;
            assert!(page.contains("Version 2 of 2"), "{page}");
        })
        .await;
        my_shares_say_protected_with_two_versions(&app, &url).await;
    })
    .await;

    let logged = std::fs::read_to_string(home.log()).unwrap();
    assert!(
        !logged.contains(PASSWORD),
        "the password is in the app's log"
    );
    for file in files_under(&home.data()) {
        let bytes = std::fs::read(&file).unwrap();
        let found = bytes
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes());
        assert!(!found, "the password is stored in {}", file.display());
    }
}

/// Publishes again with the options form as it is; the new link.
async fn republish(app: &Client) -> String {
    click(app, "#share-republish").await;
    wait_text(app, "#share-status", |t| t.contains("revoked")).await;
    let url = find(app, "#share-url").await.prop("value").await.unwrap();
    url.unwrap_or_default()
}

/// A view limit of 1 says "burn after reading"; the link opens once.
async fn burn_after_reading(app: &Client) {
    click(app, "#share-options-toggle").await;
    fill(app, "#share-max-views", "1").await;
    let hint = text(app, "#share-burn-hint").await;
    assert!(hint.contains("Burn after reading"), "{hint:?}");
    let url = republish(app).await;
    let first = reqwest::get(&url).await.unwrap();
    assert_eq!(first.status(), 200, "{url} the first time");
    let page = first.text().await.unwrap();
    assert!(page.contains(QUESTION), "{page}");
    assert!(
        page.contains("This was the last time this link can be opened."),
        "{page}"
    );
    let second = reqwest::get(&url).await.unwrap();
    assert_eq!(second.status(), 410, "{url} the second time");
}

/// A password (and no view limit) makes a protected link; the page without
/// it shows no word of the chat.
async fn protected(app: &Client) -> String {
    // Typed, as a person would (a cleared field fires no input event): 0
    // is no limit, which the field shows empty ("any") and without the
    // burn-after-reading hint.
    let limit = find(app, "#share-max-views").await;
    limit.clear().await.unwrap();
    limit.send_keys("0").await.unwrap();
    wait_gone(app, "#share-burn-hint").await;
    let shown = find(app, "#share-max-views").await.prop("value").await;
    assert_eq!(shown.unwrap().as_deref(), Some(""), "no view limit");
    fill(app, "#share-password", PASSWORD).await;
    let url = republish(app).await;
    let locked = reqwest::get(&url).await.unwrap();
    assert_eq!(locked.status(), 401, "{url} without the password");
    let page = locked.text().await.unwrap();
    assert!(!page.contains(QUESTION) && !page.contains(ANSWER), "{page}");
    url
}

/// The unlock form refuses a wrong password and takes the right one; the
/// page then shows `expected`. Returns the page.
async fn unlocks_with_the_password(browser: &Client, url: &str, expected: &str) -> String {
    browser.goto(url).await.unwrap();
    let form = browser.form(Locator::Css("form")).await.unwrap();
    form.set_by_name("password", "not it").await.unwrap();
    form.submit().await.unwrap();
    // The submit returns once the form is sent, not once its answer is
    // shown: wait for the answer's notice before reading the page.
    let notice = text(browser, "[data-testid=\"unlock-notice\"]").await;
    assert!(notice.contains("Wrong password"), "{notice:?}");
    let page = browser.source().await.unwrap();
    assert!(!page.contains(expected), "{page}");
    let form = browser.form(Locator::Css("form")).await.unwrap();
    form.set_by_name("password", PASSWORD).await.unwrap();
    form.submit().await.unwrap();
    find(browser, "article").await;
    let page = browser.source().await.unwrap();
    assert!(page.contains(expected), "{page}");
    page
}

/// The chat goes on; Share offers to update the link made before, and the
/// update keeps its URL.
async fn updated(app: &Client) -> String {
    send(app, FOLLOW_UP).await;
    wait_gone(app, "article.msg-assistant[data-state=\"streaming\"]").await;
    click(app, "#share-button").await;
    let before = find(app, "#share-before").await;
    let share_id = before.attr("data-share-id").await.unwrap().unwrap();
    find(app, "#share-new-link").await;
    click(app, "#share-update").await;
    wait_text(app, "#share-status", |t| t.contains("version 2")).await;
    let url = find(app, "#share-url").await.prop("value").await.unwrap();
    let url = url.unwrap_or_default();
    assert!(url.ends_with(&format!("/shared/{share_id}")), "{url}");
    click(app, "#share-close").await;
    wait_gone(app, "#share-modal").await;
    url
}

/// My shares: the link is protected, has two versions and says its views.
async fn my_shares_say_protected_with_two_versions(app: &Client, url: &str) {
    let share_id = url.rsplit('/').next().unwrap();
    click(app, "#open-shares").await;
    let row = format!(".share-row[data-share-id=\"{share_id}\"]");
    find(app, &format!("{row} .share-protected")).await;
    let versions = text(app, &format!("{row} .share-versions")).await;
    assert_eq!(versions.trim(), "2 versions");
    let views = text(app, &format!("{row} .share-views")).await;
    assert!(views.contains("view"), "{views:?}");
    click(app, "#shares-close").await;
    wait_gone(app, "#shares-panel").await;
}
