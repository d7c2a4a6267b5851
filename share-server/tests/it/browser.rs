//! The public page in a real headless Chromium, driven over WebDriver
//! (chromedriver + fantoccini) against a real share-server on 127.0.0.1:0.
//!
//! Needs Debian's `chromium` and `chromium-driver`; without them the test
//! fails (CI installs them) instead of silently passing. Screenshots land in
//! `target/test-output/` for a human to look at.

// A test crate: helpers outside `#[test]` fns unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::{common, webdriver};

use std::path::PathBuf;
use std::time::Duration;

use chat_core::fixtures::{self, XSS, to_json};
use chrono::Utc;
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use share_server::{Config, RunningServer};
use tempfile::TempDir;
use webdriver::{Driver, output_dir, with_session};

// ------------------------------------------------------------ chromedriver

/// Runs `checks` in a fresh headless Chromium session and closes it even
/// when a check fails, so no Chromium outlives the test.
async fn in_browser<F>(driver: &Driver, dark: bool, checks: impl FnOnce(Client) -> F)
where
    F: Future<Output = ()>,
{
    let profile = TempDir::new().unwrap();
    let client = driver.chromium(&profile, dark).await;
    with_session(client, Duration::from_secs(120), checks).await;
}

// ------------------------------------------------------------------ server

struct Server {
    running: RunningServer,
    token: String,
    http: reqwest::Client,
    _dir: TempDir,
}

impl Server {
    async fn start() -> Self {
        let dir = TempDir::new().unwrap();
        let database = dir.path().join("shares.db");
        let config = Config::default()
            .with_database_url(format!("sqlite://{}", database.display()))
            .without_rate_limits();
        let running = share_server::spawn(config).await.unwrap();
        let token = running.add_user("alice").await.unwrap();
        Self {
            running,
            token,
            http: common::http_client(),
            _dir: dir,
        }
    }

    /// Publishes `snapshot` and returns `(shareId, shareUrl)`.
    async fn publish(&self, snapshot: &Value) -> (String, String) {
        let response = self
            .http
            .post(format!("{}/api/v0/shared-chats", self.running.base_url))
            .bearer_auth(&self.token)
            .json(snapshot)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "publishing failed: {body}");
        let data = &body["data"];
        (
            data["shareId"].as_str().unwrap().to_owned(),
            data["shareUrl"].as_str().unwrap().to_owned(),
        )
    }

    async fn revoke(&self, share_id: &str) {
        let response = self
            .http
            .delete(format!(
                "{}/api/v0/shared-chats/{share_id}",
                self.running.base_url
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
    }

    async fn get(&self, url: &str) -> reqwest::Response {
        self.http.get(url).send().await.unwrap()
    }

    /// The body the server sends for `url`.
    async fn text_of(&self, url: &str) -> String {
        self.get(url).await.text().await.unwrap()
    }

    async fn status_of(&self, url: &str) -> u16 {
        self.get(url).await.status().as_u16()
    }
}

// ----------------------------------------------------------------- helpers

/// Fails the test with a clear message if a dialog is open (a script ran).
async fn assert_no_dialog(client: &Client) {
    match client.get_alert_text().await {
        Ok(text) => panic!("a script ran: a dialog is open with {text:?}"),
        Err(error) if error.is_no_such_alert() => {}
        Err(error) => panic!("could not check for dialogs: {error}"),
    }
}

/// After `wait_ms` for handlers to fire: no dialog is open and
/// `window.__pwned` was never set.
async fn assert_nothing_ran(client: &Client, wait_ms: u64) {
    tokio::time::sleep(Duration::from_millis(wait_ms)).await;
    assert_no_dialog(client).await;
    assert_eq!(
        eval(client, "return typeof window.__pwned;").await,
        json!("undefined")
    );
}

/// Opens every collapsible (ontoggle vectors) and hovers every element
/// (onmouseover vectors).
async fn provoke_handlers(client: &Client) {
    eval(
        client,
        "for (const d of document.querySelectorAll('details')) d.open = true; \
         for (const e of document.querySelectorAll('*')) \
             e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); \
         return 0;",
    )
    .await;
}

/// Runs `script` in the page; a dialog opened by the page is reported as
/// such instead of as an obscure WebDriver error.
async fn eval(client: &Client, script: &str) -> Value {
    match client.execute(script, vec![]).await {
        Ok(value) => value,
        Err(error) if error.is_unexpected_alert_open() => {
            panic!("a script ran: an alert is open ({error})")
        }
        Err(error) => panic!("script failed: {error}\n{script}"),
    }
}

/// The first `selector` match, there now (the page is static).
async fn element(client: &Client, selector: &str) -> Element {
    client
        .find(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("no `{selector}`: {e}"))
}

/// Every `selector` match.
async fn elements(client: &Client, selector: &str) -> Vec<Element> {
    client.find_all(Locator::Css(selector)).await.unwrap()
}

/// The `href` of the `selector` link, as written in the page.
async fn href(client: &Client, selector: &str) -> String {
    let link = element(client, selector).await;
    link.attr("href").await.unwrap().unwrap_or_default()
}

async fn text(client: &Client, selector: &str) -> String {
    element(client, selector).await.text().await.unwrap()
}

async fn assert_title(client: &Client, expected: &str) {
    assert_eq!(client.title().await.unwrap(), expected);
}

/// Each selector's first match reads as expected.
async fn assert_texts(client: &Client, expected: &[(&str, &str)]) {
    for &(selector, expected) in expected {
        assert_eq!(text(client, selector).await, expected, "{selector}");
    }
}

/// The text of every `selector` match in `html` as the server sent it,
/// whitespace runs folded: what Chromium should show.
fn served_texts(html: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// `key=value` for every `data-stat` figure under `selector` as the server
/// sent it.
fn served_stats(html: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let stat = scraper::Selector::parse(&format!("{selector} [data-stat]")).unwrap();
    let value = scraper::Selector::parse("dd").unwrap();
    document
        .select(&stat)
        .map(|e| {
            let key = e.value().attr("data-stat").unwrap_or_default();
            let value: String = e.select(&value).flat_map(|dd| dd.text()).collect();
            format!("{key}={}", value.trim())
        })
        .collect()
}

/// The text of every `selector` match as Chromium renders it, whitespace
/// runs folded.
async fn rendered_texts(client: &Client, selector: &str) -> Vec<String> {
    let script = format!(
        "return [...document.querySelectorAll({selector:?})]\
         .map(e => e.innerText.split(/\\s+/).filter(w => w).join(' '));"
    );
    serde_json::from_value(eval(client, &script).await).unwrap()
}

/// `key=value` for every `data-stat` figure under `selector`, as rendered.
async fn stats(client: &Client, selector: &str) -> Vec<String> {
    let mut out = Vec::new();
    for stat in elements(client, &format!("{selector} [data-stat]")).await {
        let key = stat.attr("data-stat").await.unwrap().unwrap_or_default();
        let value = stat.find(Locator::Css("dd")).await.unwrap();
        let value = value.text().await.unwrap();
        out.push(format!("{key}={value}"));
    }
    out
}

/// A screenshot of the whole page at `width`, saved as `name`.
async fn screenshot(client: &Client, width: u32, name: &str) -> PathBuf {
    client.set_window_size(width, 900).await.unwrap();
    // The window is taller than the viewport by the browser's own chrome.
    let sizes = eval(
        client,
        "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight];",
    )
    .await;
    let content = sizes[0].as_u64().unwrap().clamp(600, 12_000);
    let chrome = sizes[1].as_u64().unwrap().min(400);
    let height = u32::try_from(content + chrome).unwrap();
    client.set_window_size(width, height).await.unwrap();
    eval(client, "window.scrollTo(0, 0); return 0;").await;
    let png = client.screenshot().await.unwrap();
    let path = output_dir().join(name);
    std::fs::write(&path, png).unwrap();
    path
}

// ------------------------------------------------------------------- tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_share_page_in_chromium() {
    let server = Server::start().await;
    let driver = Driver::chromedriver().await;
    let (share_id, share_url) = server.publish(&to_json(&fixtures::conversation())).await;
    assert!(share_url.ends_with(&format!("/shared/{share_id}")));
    let page_url = format!("{}/shared/{share_id}", server.running.base_url);
    let served_page = server.text_of(&page_url).await;

    in_browser(&driver, false, |client| async move {
        client.goto(&share_url).await.unwrap();
        assert_no_dialog(&client).await;
        assert_title(&client, "Why does my deploy script fail? · Parlor").await;

        // The stylesheet loaded under the server's CSP and applies.
        let styled = eval(
            &client,
            "return [document.styleSheets.length, document.styleSheets[0].cssRules.length, \
             getComputedStyle(document.body).fontFamily.includes('system-ui')];",
        )
        .await;
        assert_eq!(styled[0], json!(1), "{styled}");
        assert!(styled[1].as_u64().unwrap() > 50, "{styled}");
        assert_eq!(styled[2], json!(true), "{styled}");

        // Header: model, provider, parameters, date, totals.
        assert_texts(
            &client,
            &[
                ("[data-testid=model]", "gpt-4o-2024-08-06"),
                ("[data-testid=provider]", "openai"),
                ("[data-field=temperature] dd", "0.3"),
                ("[data-field=max-tokens] dd", "4,096"),
                ("[data-field=top-p] dd", "0.95"),
            ],
        )
        .await;
        let shared_on = text(&client, "[data-testid=shared-on]").await;
        let today = Utc::now().format("%-d %b %Y").to_string();
        assert_eq!(shared_on, format!("Shared on {today}"));
        // The totals as the server wrote them (the page tests pin their values).
        let totals = served_stats(&served_page, "[data-testid=totals]");
        assert_eq!(totals.len(), 8, "{totals:?}");
        assert_eq!(stats(&client, "[data-testid=totals]").await, totals);

        // Every message, with its role and per-message figures.
        let messages = elements(&client, "article[data-testid=message]").await;
        let mut roles = Vec::new();
        for message in &messages {
            roles.push(message.attr("data-role").await.unwrap().unwrap_or_default());
        }
        assert_eq!(roles, fixtures::CONVERSATION_ROLES);
        // Every message's figures as the server wrote them (the page tests
        // pin their values), and one message's spelled out.
        let served = served_texts(&served_page, "[data-testid=msg-stats] [data-stat]");
        assert_eq!(served.len(), 22, "{served:?}");
        assert_eq!(
            rendered_texts(&client, "[data-testid=msg-stats] [data-stat]").await,
            served
        );
        assert_eq!(
            stats(&client, "#msg-4 [data-testid=msg-stats]").await,
            [
                "input-tokens=1,350",
                "output-tokens=142",
                "reasoning-tokens=0",
                "cached-tokens=1,152",
                "cost=$0.0031",
                "ttft=380 ms",
                "inference-time=2.34 s",
                "tokens-per-second=72.4 tok/s",
            ]
        );
        let line = text(&client, "#msg-2 [data-testid=msg-stats]").await;
        for label in [
            "Input",
            "Output",
            "Reasoning",
            "Cost",
            "First token",
            "Inference",
        ] {
            assert!(line.contains(label), "{label} in {line:?}");
        }

        // Tool call and result, distinct and linked.
        assert_texts(
            &client,
            &[
                ("#msg-2 .tool-call-header .tool-call-name", "stat_file"),
                ("#msg-2 .tool-call-args", "{\n  \"path\": \"deploy.sh\"\n}"),
            ],
        )
        .await;
        let result = text(&client, "article[data-role=tool]").await;
        assert!(result.contains("Tool result"), "{result}");
        assert!(result.contains("\"mode\": \"-rw-r--r--\""), "{result}");
        let colors = eval(
            &client,
            "const bg = s => getComputedStyle(document.querySelector(s)).backgroundColor; \
             return [bg('#msg-1'), bg('#msg-2'), bg('#msg-3'), bg('#msg-2 .tool-call')];",
        )
        .await;
        let colors: Vec<_> = colors.as_array().unwrap().iter().collect();
        for (i, a) in colors.iter().enumerate() {
            for b in &colors[i + 1..] {
                assert_ne!(
                    a, b,
                    "user, assistant, tool result and tool call look alike"
                );
            }
        }

        // Reasoning is collapsed, and opens without any script of ours.
        assert!(
            !element(&client, "#msg-2 .msg-reasoning-body")
                .await
                .is_displayed()
                .await
                .unwrap()
        );
        let summary = element(&client, "#msg-2 .msg-reasoning summary").await;
        summary.click().await.unwrap();
        assert!(
            text(&client, "#msg-2 .msg-reasoning-body")
                .await
                .contains("lacks the execute bit")
        );

        // Read-only: nothing to type into or press.
        for selector in fixtures::CONTROLS {
            let found = elements(&client, selector).await;
            assert!(found.is_empty(), "found {selector}");
        }
        let editable = eval(
            &client,
            "return [document.designMode, document.scripts.length, \
             [...document.querySelectorAll('*')].filter(e => e.isContentEditable).length];",
        )
        .await;
        assert_eq!(editable, json!(["off", 0, 0]));

        // Downloads work from the page.
        let json_link = href(&client, "a[data-testid=download-json]").await;
        assert!(
            json_link.ends_with(&format!("/shared/{share_id}.json")),
            "{json_link}"
        );

        // Close the reasoning again so the screenshot shows the default view.
        eval(
            &client,
            "document.querySelector('#msg-2 details').open = false; return 0;",
        )
        .await;
        let path = screenshot(&client, 1280, "share-page.png").await;
        eprintln!("screenshot: {}", path.display());
        screenshot(&client, 390, "share-page-mobile.png").await;

        // Printing: a PDF to look at (reasoning and tools print open, links
        // show their address).
        let configuration = fantoccini::wd::PrintConfigurationBuilder::default()
            .build()
            .unwrap();
        let pdf = client.print(configuration).await.unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        std::fs::write(output_dir().join("share-page.pdf"), pdf).unwrap();
    })
    .await;

    in_browser(&driver, true, |client| async move {
        client.goto(&page_url).await.unwrap();
        let dark = "return matchMedia('(prefers-color-scheme: dark)').matches;";
        assert_eq!(
            eval(&client, dark).await,
            json!(true),
            "dark mode is emulated"
        );
        let background = eval(
            &client,
            "return getComputedStyle(document.body).backgroundColor;",
        )
        .await;
        assert_eq!(
            background,
            json!("rgb(15, 17, 21)"),
            "the dark theme applies"
        );
        screenshot(&client, 1280, "share-page-dark.png").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_snapshot_runs_nothing() {
    let server = Server::start().await;
    let driver = Driver::chromedriver().await;
    let mut pages = Vec::new();
    for version in fixtures::HOSTILE_VERSIONS {
        let (_, url) = server.publish(&to_json(&fixtures::hostile(version))).await;
        pages.push((version, url));
    }

    in_browser(&driver, false, |client| async move {
        // First prove the detectors work: a page that does run the payload
        // is caught by both.
        client
            .goto("data:text/html,<script>window.__pwned=1</script>")
            .await
            .unwrap();
        assert_eq!(eval(&client, "return window.__pwned;").await, json!(1));
        client
            .goto("data:text/html,<script>alert('canary')</script>")
            .await
            .unwrap();
        assert_eq!(client.get_alert_text().await.unwrap(), "canary");
        client.dismiss_alert().await.unwrap();

        for (version, share_url) in pages {
            client.goto(&share_url).await.unwrap();
            hostile_page_runs_nothing(&client).await;
            screenshot(&client, 1280, &format!("hostile-page-v{version}.png")).await;
        }
    })
    .await;
}

/// The checks of a hostile share's page, loaded in `client`.
async fn hostile_page_runs_nothing(client: &Client) {
    assert_nothing_ran(client, 500).await;

    // The payloads are on the page, as text.
    let title = client.title().await.unwrap();
    assert_eq!(
        title,
        r#"</script><script>window.__pwned=1</script>" onmouseover="alert(1) · Parlor"#
    );
    assert_eq!(
        text(client, "[data-testid=provider]").await,
        "<svg/onload=alert(1)>"
    );
    assert_eq!(
        text(client, "[data-testid=model]").await,
        format!("gpt-4o{XSS}")
    );

    // Nothing executable made it into the DOM.
    let findings = eval(
            client,
            r#"
            const found = [];
            for (const el of document.querySelectorAll('*')) {
                const tag = el.tagName.toLowerCase();
                if (['script', 'iframe', 'img', 'svg', 'object', 'embed', 'style', 'frame', 'animate']
                        .includes(tag)) found.push('<' + tag + '>');
                for (const attr of el.attributes) {
                    if (attr.name.toLowerCase().startsWith('on')) found.push(tag + '[' + attr.name + ']');
                    if (attr.name === 'style') found.push(tag + '[style]');
                }
                if (el.href !== undefined && typeof el.href === 'string' && el.href !== '') {
                    const scheme = new URL(el.href, location.href).protocol;
                    if (!['http:', 'https:', 'mailto:'].includes(scheme)
                            && !(tag === 'link' && el.rel === 'icon')) {
                        found.push(tag + ' href ' + el.href);
                    }
                }
            }
            return found;
            "#,
        )
        .await;
    assert_eq!(findings, json!([]), "executable content in the page");

    // Open every collapsible (ontoggle vectors) and hover every element
    // (onmouseover vectors): still nothing runs.
    provoke_handlers(client).await;
    assert_nothing_ran(client, 300).await;

    // Clicking every link on the page runs nothing either (they are all
    // http(s) or in-page anchors).
    let links = elements(client, "main a[href^='#']").await;
    assert!(!links.is_empty());
    for link in links {
        link.click().await.unwrap();
    }
    assert_nothing_ran(client, 0).await;
}

/// Where each column of the comparison is drawn: `[left, top, width,
/// height]` in CSS pixels, and the viewport's width.
async fn column_boxes(client: &Client) -> (Vec<[f64; 4]>, f64) {
    let found = eval(
        client,
        "return [window.innerWidth, [...document.querySelectorAll(\
         '[data-testid=comparison-columns] > article')].map(a => { \
         const r = a.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })];",
    )
    .await;
    let boxes = serde_json::from_value(found[1].clone()).unwrap();
    (boxes, found[0].as_f64().unwrap())
}

/// The browser's console messages at level SEVERE since the last call.
async fn console_errors(client: &Client) -> Vec<String> {
    #[derive(Debug)]
    struct BrowserLog;
    impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
        fn endpoint(
            &self,
            base: &reqwest::Url,
            session: Option<&str>,
        ) -> Result<reqwest::Url, <reqwest::Url as std::str::FromStr>::Err> {
            base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
        }
        fn method_and_body(&self, _: &reqwest::Url) -> (reqwest::Method, Option<String>) {
            (reqwest::Method::POST, Some(r#"{"type":"browser"}"#.into()))
        }
    }
    let entries = client.issue_cmd(BrowserLog).await.unwrap();
    entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["level"] == "SEVERE")
        .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A comparison of three models: its columns side by side on a desktop and
/// stacked on a phone, without script; the table's rows with each model's
/// figures; nothing in the console. Screenshots of both go to
/// `target/test-output/` (`comparison-desktop.png`, `comparison-phone.png`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comparison_stands_side_by_side_on_a_desktop_and_stacked_on_a_phone() {
    let server = Server::start().await;
    let driver = Driver::chromedriver().await;
    let (_, share_url) = server
        .publish(&to_json(&fixtures::comparison_of_three()))
        .await;
    let served_page = server.text_of(&share_url).await;

    in_browser(&driver, false, |client| async move {
        // The console detector works: an error logged by a page is caught.
        client
            .goto("data:text/html,<script>console.error('canary')</script>")
            .await
            .unwrap();
        let caught = console_errors(&client).await;
        assert!(caught.iter().any(|m| m.contains("canary")), "{caught:?}");

        client.set_window_size(1280, 900).await.unwrap();
        client.goto(&share_url).await.unwrap();
        assert_nothing_ran(&client, 0).await;
        assert_eq!(
            eval(&client, "return document.scripts.length;").await,
            json!(0)
        );

        // Desktop: three boxes on one row, left to right, not overlapping.
        let (boxes, viewport) = column_boxes(&client).await;
        assert_eq!(boxes.len(), 3, "{boxes:?}");
        for pair in boxes.windows(2) {
            let ([left, top, width, _], [next_left, next_top, ..]) = (pair[0], pair[1]);
            assert!((top - next_top).abs() < 1.0, "not on one row: {boxes:?}");
            assert!(next_left >= left + width, "overlapping: {boxes:?}");
        }
        assert!(
            boxes[2][0] + boxes[2][2] <= viewport,
            "{boxes:?} in {viewport}"
        );

        // The table: a row per model with its figures, the best marked.
        let rows = rendered_texts(&client, "[data-testid=comparison-row] > *").await;
        assert_eq!(rows.len(), 3 * 9, "{rows:?}");
        assert_eq!(
            rows,
            served_texts(&served_page, "[data-testid=comparison-row] > *")
        );
        for best in ["176 tok/s ★ best", "$0.00 ★ best", "120 ms ★ best"] {
            assert!(rows.iter().any(|cell| cell == best), "{best} in {rows:?}");
        }
        // The conversation goes on under the comparison.
        let below = eval(
            &client,
            "const table = document.querySelector('[data-testid=comparison-table]'); \
             const next = document.querySelector('#msg-5'); \
             return next.getBoundingClientRect().top > table.getBoundingClientRect().bottom;",
        )
        .await;
        assert_eq!(below, json!(true));
        screenshot(&client, 1280, "comparison-desktop.png").await;

        // Phone: the same boxes stacked, each the width of the screen.
        client.set_window_size(375, 800).await.unwrap();
        let (boxes, viewport) = column_boxes(&client).await;
        assert!(viewport <= 375.0, "the window is a phone's: {viewport}");
        for pair in boxes.windows(2) {
            let ([left, top, width, height], [next_left, next_top, next_width, _]) =
                (pair[0], pair[1]);
            assert!((left - next_left).abs() < 1.0, "not stacked: {boxes:?}");
            assert!((width - next_width).abs() < 1.0, "{boxes:?}");
            assert!(next_top >= top + height, "overlapping: {boxes:?}");
        }
        assert!(boxes[0][2] > viewport * 0.8, "{boxes:?} in {viewport}");
        let overflow = eval(
            &client,
            "return document.documentElement.scrollWidth <= window.innerWidth;",
        )
        .await;
        assert_eq!(overflow, json!(true), "the page scrolls sideways");
        screenshot(&client, 375, "comparison-phone.png").await;

        assert_eq!(console_errors(&client).await, Vec::<String>::new());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_and_revoked_shares_get_their_error_pages() {
    let server = Server::start().await;
    let driver = Driver::chromedriver().await;
    let base = server.running.base_url.clone();
    let (revoked_id, revoked_url) = server.publish(&to_json(&fixtures::conversation())).await;
    server.revoke(&revoked_id).await;
    let missing_url = format!("{base}/shared/doesNotExist0000000000000");
    assert_eq!(server.status_of(&missing_url).await, 404);
    assert_eq!(server.status_of(&revoked_url).await, 410);

    in_browser(&driver, false, |client| async move {
        client.goto(&missing_url).await.unwrap();
        assert_title(&client, "404 · Share not found · Parlor").await;
        assert_texts(
            &client,
            &[("h1", "Share not found"), (".pl-error-status", "404")],
        )
        .await;
        screenshot(&client, 1280, "not-found.png").await;

        client.goto(&revoked_url).await.unwrap();
        assert_title(&client, "410 · This share is no longer available · Parlor").await;
        assert_texts(&client, &[("h1", "This share is no longer available")]).await;
        let page = text(&client, "body").await;
        assert!(page.contains("expired or was revoked"), "{page}");
        assert!(
            !page.contains("deploy"),
            "no share data on the 410 page: {page}"
        );
        assert!(elements(&client, "article").await.is_empty());
    })
    .await;
}

/// The `.html` download opened from disk, as a colleague opens a file they
/// were sent: the conversation reads as on the served page, styled by the
/// inline stylesheet its own CSP allows, and nothing runs or loads. A
/// conversation never published, rendered by the library as the desktop app
/// renders it, hostile content and all, runs nothing either. Screenshots of
/// the served page and the file at the same size go to `target/test-output/`
/// (`share-page-served.png`, `share-page-file.png`) for comparison.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_saved_html_file_reads_like_the_page_and_runs_nothing() {
    let server = Server::start().await;
    let driver = Driver::chromedriver().await;
    let (share_id, share_url) = server.publish(&to_json(&fixtures::conversation())).await;
    let response = server.get(&format!("{share_url}.html")).await;
    assert_eq!(response.status(), 200);
    let dir = TempDir::new().unwrap();
    let saved = dir.path().join("why-does-my-deploy-script-fail.html");
    std::fs::write(&saved, response.bytes().await.unwrap()).unwrap();
    let snapshot = fixtures::hostile(2);
    let never_published = share_server::page::render_standalone(
        &share_server::page::ExportView::new(&snapshot, Utc::now()),
    );
    let hostile_file = dir.path().join("hostile.html");
    std::fs::write(&hostile_file, never_published).unwrap();
    let policy = share_server::page::standalone_content_security_policy();

    in_browser(&driver, false, |client| async move {
        client.goto(&share_url).await.unwrap();
        // The detector works: the served page loads its stylesheet.
        let loaded = eval(
            &client,
            "return performance.getEntriesByType('resource').map(e => e.name);",
        )
        .await;
        assert!(loaded.to_string().contains("/assets/share.css"), "{loaded}");
        screenshot(&client, 1280, "share-page-served.png").await;

        client
            .goto(&format!("file://{}", saved.display()))
            .await
            .unwrap();
        assert_no_dialog(&client).await;
        assert_title(&client, "Why does my deploy script fail? · Parlor").await;
        assert_eq!(
            text(&client, "[data-testid=model]").await,
            "gpt-4o-2024-08-06"
        );
        let messages = elements(&client, "article[data-testid=message]").await;
        assert_eq!(messages.len(), 6);
        assert!(text(&client, "#msg-4").await.contains("chmod +x deploy.sh"));
        let original = href(&client, "[data-testid=original-link] a").await;
        assert!(
            original.ends_with(&format!("/shared/{share_id}")),
            "{original}"
        );

        // Styled by the inline stylesheet (allowed by its hash), with no
        // script, no request for anything, under the file's own policy.
        let probe = eval(
            &client,
            "return [location.protocol, document.styleSheets.length, \
             document.styleSheets[0].cssRules.length, \
             getComputedStyle(document.body).fontFamily.includes('system-ui'), \
             document.scripts.length, performance.getEntriesByType('resource').length, \
             document.querySelector('meta[http-equiv=Content-Security-Policy]').content, \
             typeof window.__pwned];",
        )
        .await;
        assert_eq!(probe[0], json!("file:"), "{probe}");
        assert_eq!(probe[1], json!(1), "{probe}");
        assert!(probe[2].as_u64().unwrap() > 50, "{probe}");
        assert_eq!(
            probe[3],
            json!(true),
            "the inline stylesheet applies: {probe}"
        );
        assert_eq!(probe[4], json!(0), "{probe}");
        assert_eq!(probe[5], json!(0), "a resource was requested: {probe}");
        assert_eq!(probe[6], json!(policy), "{probe}");
        assert_eq!(probe[7], json!("undefined"), "{probe}");
        screenshot(&client, 1280, "share-page-file.png").await;

        // Never published, every field hostile: nothing runs, even when
        // every collapsible opens and every element is hovered.
        client
            .goto(&format!("file://{}", hostile_file.display()))
            .await
            .unwrap();
        assert_nothing_ran(&client, 500).await;
        provoke_handlers(&client).await;
        assert_nothing_ran(&client, 300).await;
        let probe = eval(
            &client,
            "return [typeof window.__pwned, document.scripts.length, \
             performance.getEntriesByType('resource').length, \
             document.querySelectorAll('[data-testid=original-link]').length];",
        )
        .await;
        assert_eq!(probe, json!(["undefined", 0, 0, 0]));
        assert_eq!(
            text(&client, "[data-testid=provider]").await,
            "<svg/onload=alert(1)>"
        );
    })
    .await;
}
