//! End to end on the real desktop app: the Tauri binary with its Yew UI in
//! WebKitGTK, driven over WebDriver (`WebKitWebDriver`), under Xvfb, with the
//! real Secret Service (gnome-keyring) and the embedded share-server. The
//! providers are local servers speaking OpenAI's streaming wire format.
//! Each story starts its own app with its own fresh data, one at a time.
//!
//! The sharing story (here): set the provider's URL and key in Settings,
//! start a session, send a message and watch it stream, see the stats,
//! press Share (one click), find the link on the clipboard and read "only
//! this computer" and its QR code, open it in headless Chromium and see the
//! answer and its stats, revoke it from My shares, and see the page answer
//! 410. Then beyond this computer: switch to "On my network" and open the
//! link from a second host (a network namespace), connect a team server
//! with a connect code, share there and open it from the second host, save
//! the conversation as an HTML file and open it in Chromium: it shows the
//! conversation and runs nothing.
//!
//! The playground stories (`e2e/`): a first run with no usable provider
//! ([`first_run`]); editing, branches and regenerating ([`branches`]); a
//! three-model comparison with one provider failing, continued with one
//! answer and shared with the others ([`compare`]); a photo pasted, sent to
//! a vision model and shared without its GPS metadata ([`attachments`]); a
//! burn-after-reading link, a password-protected one and an update of it at
//! the same link ([`share_controls`]).
//!
//! It needs a display, a D-Bus session with an unlocked keyring and Debian's
//! webkit2gtk-driver, chromium, chromium-driver and xclip, so a plain
//! `cargo test` skips it; `cargo xtask test` runs it in that environment:
//! `cargo xtask e2e` alone (`cargo xtask e2e <name>` for the stories whose
//! test name contains `<name>`).

// A test crate: helpers outside `#[test]` fns unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "e2e/app.rs"]
mod app;
#[path = "e2e/attachments.rs"]
mod attachments;
#[path = "e2e/branches.rs"]
mod branches;
#[path = "e2e/compare.rs"]
mod compare;
#[path = "support/fake_openai.rs"]
mod fake_openai;
#[path = "e2e/first_run.rs"]
mod first_run;
#[path = "support/netns.rs"]
mod netns;
#[path = "e2e/share_controls.rs"]
mod share_controls;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use app::{
    AppHome, ForgetKeyAtEnd, new_session, on_element, run_app, select_value, send, streamed,
    with_chromium,
};
use fake_openai::{Answer, FakeOpenAi};
use fantoccini::Client;
use fantoccini::key::Key;
use netns::SecondHost;
use serde_json::json;
use webdriver::{click, fail, fill, find, save_png, text, wait_gone, wait_text};

/// The key typed into Settings; it must reach the provider and nowhere else.
const API_KEY: &str = "sk-e2e-FROMTHEKEYRING-4f1d2c3b";
const MODEL: &str = "gpt-4o-mini";
const QUESTION: &str = "What is the answer to everything?";
/// The answer, streamed in small pieces.
const ANSWER: &str = "The answer is **forty-two**. In code:\n\n```rust\nfn answer() -> u32 {\n    42\n}\n```\n\nAsk again any time.";
const ANSWER_TEXT: &str = "The answer is forty-two.";
const INPUT_TOKENS: u64 = 1234;
const CACHED_TOKENS: u64 = 200;
const OUTPUT_TOKENS: u64 = 567;
const REASONING_TOKENS: u64 = 64;
/// Pause between streamed pieces: long enough to see the answer stream.
const CHUNK_PAUSE: Duration = Duration::from_millis(60);

// ------------------------------------------------------- the fake provider

/// [`ANSWER`] streamed in small pieces, with the usage OpenAI reports
/// (cached and reasoning tokens included).
fn answer() -> Answer {
    let usage = json!({
        "prompt_tokens": INPUT_TOKENS, "completion_tokens": OUTPUT_TOKENS,
        "total_tokens": INPUT_TOKENS + OUTPUT_TOKENS,
        "prompt_tokens_details": {"cached_tokens": CACHED_TOKENS},
        "completion_tokens_details": {"reasoning_tokens": REASONING_TOKENS}
    });
    streamed(ANSWER, CHUNK_PAUSE, usage)
}

// ------------------------------------------------------------------ helpers

/// Clicks a radio button until it is checked: a click that lands while the
/// dialog is still rendering its first data can be lost, as a person's
/// would be, and a person would click again.
pub async fn choose(client: &Client, selector: &str) {
    for _ in 0..3 {
        click(client, selector).await;
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(3) {
            let checked = find(client, selector).await.prop("checked").await.unwrap();
            if checked.as_deref() == Some("true") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let message = format!("`{selector}` is not checked after 3 clicks");
    fail(client, "e2e-app-choose-failed.png", message).await;
}

/// Scrolls `selector` to the middle of its scrolling box, clear of a
/// dialog's sticky buttons.
async fn to_middle(client: &Client, selector: &str) {
    let script = "arguments[0].scrollIntoView({block: 'center'})";
    on_element(client, selector, script).await;
}

/// Who answers through the OpenAI entry once it points at the fake provider
/// (`http://127.0.0.1:port/v1`): an OpenAI-compatible server at that
/// address, as the app names it — not OpenAI.
fn served_name(provider_url: &str) -> String {
    let address = provider_url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap();
    format!("openai-compatible ({address})")
}

/// The answer's cost at the price typed into Settings (input $1000, output
/// $2000, cached input $100 per million tokens), as the app and page show it.
fn expected_cost() -> String {
    let usage = chat_core::Usage {
        input_tokens: INPUT_TOKENS as i64,
        output_tokens: OUTPUT_TOKENS as i64,
        reasoning_tokens: Some(REASONING_TOKENS as i64),
        cached_tokens: Some(CACHED_TOKENS as i64),
    };
    let price = chat_core::cost::PriceOverride {
        cached_input_per_mtok: Some(100.0),
        ..chat_core::cost::PriceOverride::new("openai", MODEL, 1000.0, 2000.0)
    };
    let expected = price.price().cost(&usage);
    let bundled = chat_core::cost::Prices::cost(
        &chat_core::cost::Pricing::bundled(Vec::new()),
        "openai",
        MODEL,
        &usage,
        chrono::Utc::now(),
    );
    assert!(
        expected.is_some() && expected != bundled,
        "the test price is the bundled one"
    );
    chat_core::format::cost(expected)
}

pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

pub fn clipboard() -> String {
    let output = Command::new("xclip")
        .args(["-selection", "clipboard", "-o"])
        .output()
        .expect("xclip runs (Debian package `xclip`)");
    assert!(
        output.status.success(),
        "xclip could not read the clipboard: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

// -------------------------------------------------------------------- test

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and WebKitWebDriver: run by `cargo xtask test` (or `cargo xtask e2e`)"]
async fn chat_share_open_revoke_in_the_real_app() {
    // The key typed into Settings goes to the keyring, which other stories share.
    let _forget = ForgetKeyAtEnd("openai");
    let provider = FakeOpenAi::start(API_KEY, answer()).await;
    let home = AppHome::new();
    let base_url = provider.base_url.clone();
    run_app(&home, Duration::from_secs(300), |app| async move {
        let url = chat_and_share(&app, &base_url).await;

        // What was published carries no secret.
        let published = reqwest::get(format!("{url}.json")).await.unwrap();
        assert_eq!(published.status(), 200, "{url}.json");
        let published = published.text().await.unwrap();
        assert!(published.contains(QUESTION), "{published}");
        assert!(!published.contains(API_KEY), "the key is in the share");

        // Colleagues open the link in their browser.
        let page_url = url.clone();
        with_chromium(|browser| async move {
            read_the_page(&browser, &page_url).await;
        })
        .await;

        revoke_from_my_shares(&app, &url).await;

        // Beyond this computer: the network, a team server, a file.
        let host = SecondHost::create().expect("the end-to-end test runs as root");
        share_on_the_network(&app, &host).await;
        let file = share_on_a_team_server(&app, &host).await;
        with_chromium(|browser| async move {
            read_the_file(&browser, &file).await;
        })
        .await;
    })
    .await;

    // The key went to the provider, in the header, and nowhere else.
    let seen = provider.seen.lock().unwrap();
    assert_eq!(seen.authorizations, [format!("Bearer {API_KEY}")]);
    let body = &seen.bodies[0];
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["stream"], true);
    assert!(
        body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["content"] == QUESTION),
        "the question reached the provider: {body}"
    );
    // Nor in the app's log (stderr, at trace level for the app and its
    // share-server), which did record the session.
    let logged = std::fs::read_to_string(home.log()).unwrap();
    assert!(
        logged.contains("TRACE") || logged.contains("DEBUG"),
        "{logged}"
    );
    assert!(!logged.contains(API_KEY), "the API key is in the app's log");
    let data_home = home.data();
    let files = files_under(&data_home);
    for database in ["parlor.db", "shares.db"] {
        assert!(
            files.iter().any(|f| f.ends_with(database)),
            "{database} is under {}: {files:?}",
            data_home.display()
        );
    }
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes
                .windows(API_KEY.len())
                .any(|w| w == API_KEY.as_bytes()),
            "the API key is stored in {}",
            file.display()
        );
    }
}

/// Settings → a session → a streamed answer with its stats → Share.
/// Returns the share URL.
async fn chat_and_share(app: &Client, provider_url: &str) -> String {
    // The provider's endpoint and key.
    find(app, "#new-session").await;
    click(app, "#open-settings").await;
    find(app, "#settings-panel").await;
    let openai = "#settings-panel [data-provider=\"openai\"]";
    fill(
        app,
        &format!("{openai} input[name=\"base-url\"]"),
        provider_url,
    )
    .await;
    fill(app, &format!("{openai} input[name=\"api-key\"]"), API_KEY).await;
    // A price of the user's own for the model, used before the bundled table,
    // for the server that answers: the OpenAI entry now points at a local
    // OpenAI-compatible server, which is not OpenAI. (The choice appears
    // once the shell has named the edited entry.)
    let served = served_name(provider_url);
    click(app, "#add-price").await;
    // The new row may still be moving into view: retry until it takes the choice.
    select_value(app, "#price-1-provider", &served).await;
    for (field, value) in [
        ("model", MODEL),
        ("input", "$1000"),
        ("output", "ten"),
        ("cached", "100"),
    ] {
        fill(app, &format!("#price-1-{field}"), value).await;
    }
    // A price that is not a number: named, and nothing is saved.
    click(app, "#settings-save").await;
    let error = wait_text(app, "#settings-error", |t| !t.is_empty()).await;
    assert_eq!(
        error,
        format!(
            "Price 1 ({MODEL}): the output price “ten” is not a number (US dollars per million tokens, e.g. 2.50)."
        )
    );
    let state = text(app, &format!("{openai} [data-key-state]")).await;
    assert_eq!(state, "No key", "the key was saved despite the error");
    fill(app, "#price-1-output", "2000").await;
    let png = app.screenshot().await.unwrap();
    save_png(&png, "e2e-app-settings.png");
    click(app, "#settings-save").await;
    let state = wait_text(app, &format!("{openai} [data-key-state]"), |t| {
        t.contains("Key set")
    })
    .await;
    assert!(!state.contains(API_KEY), "the key is shown: {state}");
    click(app, "#settings-close").await;
    wait_gone(app, "#settings-panel").await;
    // The price was stored: it is there when Settings opens again.
    click(app, "#open-settings").await;
    let model = find(app, "#price-1-model")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(model.as_deref(), Some(MODEL));
    let input = find(app, "#price-1-input")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(input.as_deref(), Some("1000"));
    click(app, "#settings-close").await;
    wait_gone(app, "#settings-panel").await;

    // A new session on that provider.
    new_session(app, "openai", MODEL).await;
    let share = find(app, "#share-button").await;
    assert!(
        share.attr("disabled").await.unwrap().is_some(),
        "Share is enabled in an empty session"
    );

    // Ask, and watch the answer stream in.
    send(app, QUESTION).await;
    let streaming = find(app, "article.msg-assistant[data-state=\"streaming\"]").await;
    find(app, "#stop").await;
    let partial = streaming.text().await.unwrap_or_default();
    assert!(
        !partial.contains("Ask again any time."),
        "the whole answer was there at once: {partial:?}"
    );
    let answer = find(app, "article.msg-assistant[data-state=\"complete\"]").await;
    let answer_text = answer.text().await.unwrap();
    assert!(answer_text.contains(ANSWER_TEXT), "{answer_text:?}");
    assert!(answer_text.contains("fn answer()"), "{answer_text:?}");
    let user_text = text(app, "article.msg-user").await;
    assert!(user_text.contains(QUESTION), "{user_text:?}");
    // The answer names who served it and the model.
    let served_by = text(app, "article.msg-assistant .msg-provider").await;
    assert_eq!(served_by.trim(), served, "{served_by:?}");
    assert_eq!(text(app, "article.msg-assistant .msg-model").await, MODEL);

    // The stats of the answer.
    let stat = |key: &str| format!("article.msg-assistant .msg-stats [data-stat=\"{key}\"]");
    for (key, expected) in [
        ("input-tokens", INPUT_TOKENS),
        ("output-tokens", OUTPUT_TOKENS),
        ("cached-tokens", CACHED_TOKENS),
        ("reasoning-tokens", REASONING_TOKENS),
    ] {
        let shown = text(app, &stat(key)).await;
        assert_eq!(digits(&shown), expected.to_string(), "{key}: {shown:?}");
    }
    // The cost is the user's price, not the bundled one.
    let cost = text(app, &stat("cost")).await;
    assert_eq!(cost.trim(), expected_cost(), "cost: {cost:?}");
    let ttft = text(app, &stat("ttft")).await;
    assert!(
        ttft.chars().any(|c| c.is_ascii_digit()) && ttft.contains('s'),
        "time to first token: {ttft:?}"
    );
    let inference = text(app, &stat("inference-time")).await;
    assert!(
        inference.chars().any(|c| c.is_ascii_digit()),
        "inference time: {inference:?}"
    );
    let totals = text(app, "#session-totals").await;
    assert!(
        digits(&totals).contains(&(INPUT_TOKENS + OUTPUT_TOKENS).to_string())
            || digits(&totals).contains(&INPUT_TOKENS.to_string()),
        "session totals: {totals:?}"
    );

    // Share: one click publishes, copies the link and says who can open it.
    click(app, "#share-button").await;
    let url = shared_link(app, "thisComputer").await;
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("/shared/"),
        "share URL: {url:?}"
    );
    let reach = text(app, "#share-reach").await;
    assert!(
        reach.contains("Only this computer can open this link, while Parlor is running"),
        "{reach:?}"
    );
    // The ways out of a link only this computer can open.
    find(app, "#share-ways-out #way-team").await;
    find(app, "#share-ways-out #way-network").await;
    find(app, "#share-ways-out #way-file").await;
    // The QR code is the link.
    assert_eq!(qr_code_of(app).await, url);
    let png = app.screenshot().await.unwrap();
    save_png(&png, "e2e-app-share.png");
    save_png(&png, "share-this-computer.png");
    click(app, "#share-close").await;
    wait_gone(app, "#share-modal").await;
    let png = app.screenshot().await.unwrap();
    save_png(&png, "e2e-app.png");
    url
}

/// Waits for the Share dialog's link with reach `kind`; checks the clipboard
/// holds it.
pub async fn shared_link(app: &Client, kind: &str) -> String {
    find(app, "#share-modal").await;
    wait_text(app, "#share-status", |t| t.contains("Link copied")).await;
    find(app, &format!("#share-reach[data-reach=\"{kind}\"]")).await;
    let url = find(app, "#share-url")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(clipboard().trim(), url, "the clipboard holds the link");
    url
}

/// The text of the Share dialog's QR code, read from a screenshot of it
/// (zbarimg, Debian's `zbar-tools`). The dialog may still be painting its
/// way in: a few screenshots are tried.
async fn qr_code_of(app: &Client) -> String {
    let mut tries = 0;
    loop {
        // The whole window: zbarimg finds the code in it (an element
        // screenshot of it came out half black in WebKitWebDriver).
        find(app, "#share-qr svg").await;
        let png = app.screenshot().await.unwrap();
        let path = save_png(&png, "e2e-app-share-qr.png");
        let output = Command::new("zbarimg")
            .args(["--raw", "-q"])
            .arg(&path)
            .output()
            .expect("zbarimg runs (Debian package `zbar-tools`)");
        if output.status.success() {
            return String::from_utf8(output.stdout).unwrap().trim().to_owned();
        }
        tries += 1;
        assert!(tries < 10, "no QR code found in {}", path.display());
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The page (or the saved file) shows the question, and who answered: the
/// local server by what it is, and the model it ran.
async fn question_and_who_answered(browser: &Client) {
    let question = text(browser, "article[data-role=\"user\"]").await;
    assert!(question.contains(QUESTION), "{question:?}");
    // Who answered: the local server by what it is, and the model it ran.
    let model = text(browser, "article[data-role=\"assistant\"] .msg-model").await;
    assert_eq!(model, MODEL);
    let provider = text(browser, "[data-testid=\"provider\"]").await;
    assert!(
        provider.starts_with("openai-compatible (127.0.0.1:"),
        "the page names the server {provider:?}"
    );
}

/// The public page shows the question, the answer and its figures.
async fn read_the_page(browser: &Client, url: &str) {
    browser.goto(url).await.unwrap();
    let answer = text(
        browser,
        "article[data-role=\"assistant\"] [data-testid=\"msg-content\"]",
    )
    .await;
    assert!(answer.contains(ANSWER_TEXT), "{answer:?}");
    find(browser, "article[data-role=\"assistant\"] pre code").await;
    question_and_who_answered(browser).await;
    let stat = |key: &str| {
        format!(
            "article[data-role=\"assistant\"] [data-testid=\"msg-stats\"] [data-stat=\"{key}\"] dd"
        )
    };
    assert_eq!(text(browser, &stat("input-tokens")).await, "1,234");
    assert_eq!(text(browser, &stat("output-tokens")).await, "567");
    assert_eq!(text(browser, &stat("cached-tokens")).await, "200");
    let cost = text(browser, &stat("cost")).await;
    assert_eq!(cost, expected_cost(), "cost on the page");
    let ttft = text(browser, &stat("ttft")).await;
    assert!(ttft.chars().any(|c| c.is_ascii_digit()), "{ttft:?}");
    browser.set_window_size(1280, 1000).await.unwrap();
    let png = browser.screenshot().await.unwrap();
    save_png(&png, "e2e-share-page.png");
}

/// My shares → Revoke → confirm: the row stays, marked revoked.
async fn revoke_from_my_shares(app: &Client, url: &str) {
    let share_id = url.rsplit('/').next().unwrap();
    click(app, "#open-shares").await;
    find(app, "#shares-panel").await;
    let row = format!(".share-row[data-share-id=\"{share_id}\"]");
    let reach = text(app, &format!("{row} .share-reach")).await;
    assert!(reach.contains("Only this computer"), "{reach:?}");
    click(app, &format!("{row} .share-revoke")).await;
    click(app, "#confirm-ok").await;
    find(
        app,
        &format!(".share-row[data-share-id=\"{share_id}\"][data-status=\"revoked\"]"),
    )
    .await;
    wait_gone(app, &format!("{row} .share-revoke")).await;

    // The page is gone at once (the app, and with it the embedded server,
    // still runs).
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 410, "{url} after revoking");
    let page = response.text().await.unwrap();
    assert!(page.contains("data-status=\"410\""), "{page}");
    click(app, "#shares-close").await;
    wait_gone(app, "#shares-panel").await;
}

/// "On my network": Settings → the second host's address → Ctrl+Shift+S →
/// the link names that address and opens from the second host.
async fn share_on_the_network(app: &Client, host: &SecondHost) {
    click(app, "#open-settings").await;
    choose(app, "#share-mode-network").await;
    to_middle(app, "#network-address").await;
    select_value(app, "#network-address", &host.host_ip).await;
    click(app, "#settings-save").await;
    wait_text(app, "#share-server-info", |t| {
        t.contains("Anyone on your network can open this link")
    })
    .await;
    click(app, "#settings-close").await;
    wait_gone(app, "#settings-panel").await;

    // The keyboard does what the button does.
    let composer = find(app, "#composer").await;
    let keys = format!("{}{}s{}", Key::Control, Key::Shift, Key::Null);
    composer.send_keys(&keys).await.unwrap();
    let url = shared_link(app, "network").await;
    assert!(
        url.starts_with(&format!("http://{}:", host.host_ip)),
        "{url}"
    );
    opens_from_the_second_host(app, host, &url, "share-network.png").await;
    click(app, "#share-close").await;
    wait_gone(app, "#share-modal").await;
}

/// Saves a screenshot of the app as `shot`; `url` opens from the second
/// host and shows the question.
async fn opens_from_the_second_host(app: &Client, host: &SecondHost, url: &str, shot: &str) {
    save_png(&app.screenshot().await.unwrap(), shot);
    let (status, page) = host.fetch(url, None).await;
    assert_eq!(status, 200, "{url} from the second host: {page}");
    assert!(page.contains(QUESTION), "{page}");
}

/// A team server on the second host's side of the veth: connect with the
/// code `share-server user add` prints, test, save, share, open it from the
/// second host; then save the conversation as a file. Returns the file.
async fn share_on_a_team_server(app: &Client, host: &SecondHost) -> PathBuf {
    let listener = std::net::TcpListener::bind((host.host_ip.as_str(), 0)).unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let public_url = format!("http://{addr}");
    let server = share_server::spawn(
        share_server::Config::default()
            .with_bind(addr)
            .with_public_url(public_url.clone()),
    )
    .await
    .unwrap();
    let token = server.add_user("colleague").await.unwrap();
    let code = share_server::users::connect_code(&public_url, &token);

    click(app, "#open-settings").await;
    choose(app, "#share-mode-team").await;
    to_middle(app, "#connect-code").await;
    fill(app, "#connect-code", &code).await;
    click(app, "#test-connection").await;
    let result = wait_text(app, "#connection-result", |t| t.contains("Connected")).await;
    assert!(
        result.contains(&format!(
            "Parlor share-server {}",
            env!("CARGO_PKG_VERSION")
        )),
        "{result}"
    );
    find(app, "#connection-result[data-ok=\"true\"]").await;
    click(app, "#settings-save").await;
    wait_text(app, "#share-server-info", |t| {
        t.contains(&format!("Anyone who can reach {addr} can open this link"))
    })
    .await;
    click(app, "#settings-close").await;
    wait_gone(app, "#settings-panel").await;

    click(app, "#share-button").await;
    let url = shared_link(app, "team").await;
    assert!(url.starts_with(&public_url), "{url}");
    // Indexing is offered for a link anyone can reach.
    click(app, "#share-options-toggle").await;
    find(app, "#share-indexable").await;
    opens_from_the_second_host(app, host, &url, "share-team.png").await;

    click(app, "#share-save-file").await;
    wait_text(app, "#share-file-status", |t| t.contains(".html")).await;
    let saved = text(app, "#share-file-status .share-file-path").await;
    let path = PathBuf::from(saved.trim());
    assert!(path.is_file(), "{saved:?} names no file");
    click(app, "#share-close").await;
    wait_gone(app, "#share-modal").await;
    server.shutdown().await;
    path
}

/// The saved file, opened from disk: the conversation, nothing run, nothing
/// loaded.
async fn read_the_file(browser: &Client, file: &Path) {
    browser
        .goto(&format!("file://{}", file.display()))
        .await
        .unwrap();
    question_and_who_answered(browser).await;
    let answer = text(browser, "article[data-role=\"assistant\"]").await;
    assert!(answer.contains(ANSWER_TEXT), "{answer:?}");
    let scripts = browser
        .execute(
            "return [document.scripts.length, performance.getEntriesByType('resource').length]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(scripts, json!([0, 0]), "the file runs or loads something");
    let png = browser.screenshot().await.unwrap();
    save_png(&png, "e2e-share-file.png");
}
