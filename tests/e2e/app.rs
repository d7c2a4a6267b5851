//! What every story of the real app starts from: a fresh HOME (its own data
//! dir, settings stored there beforehand when the story needs providers of
//! its own), the app started by WebKitWebDriver under the display, one app
//! at a time; fake providers that speak OpenAI's format; Chromium for the
//! pages colleagues open; and the waits the stories share.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chat_core::cost::PriceOverride;
use fantoccini::{Client, Locator};
use parlor::secrets::{KeyringStore, SecretKey, SecretStore as _};
use parlor::settings::{ProviderConfig, ProviderKind, Settings, SettingsExt as _};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::fake_openai::{Answer, FakeOpenAi, Options};
use crate::webdriver::{
    Driver, WAIT, app_env, click, fail, fill, find, save_png, wait_for_exit, with_session,
};

/// The app's binary, as cargo built it for this test.
pub const APP_BINARY: &str = env!("CARGO_BIN_EXE_parlor");

/// One app at a time: the stories share one display, and each waits until
/// no process runs the app's binary before it reads what the app wrote.
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A fresh HOME for one run of the app: XDG data, config and cache under
/// it, and the app's log (stderr).
pub struct AppHome {
    dir: TempDir,
}

impl AppHome {
    pub fn new() -> Self {
        Self {
            dir: TempDir::new().unwrap(),
        }
    }

    /// Where the app keeps its data (`XDG_DATA_HOME`).
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn log(&self) -> PathBuf {
        self.dir.path().join("app.log")
    }

    /// Stores `settings` where the app reads them on start (its database
    /// in its data dir), as if they had been saved from Settings.
    pub fn store_settings(&self, settings: &Settings) {
        let dir = self.data().join("dev.parlor.app");
        std::fs::create_dir_all(&dir).unwrap();
        let store = parlor::store::Store::open(&dir.join(parlor::app::DATABASE_FILE)).unwrap();
        settings.save(&store).unwrap();
    }
}

/// The API key a story stores through Settings for provider `.0`, removed
/// from the keyring when the story ends, passed or not: the keyring outlives
/// the app's data dir, and the next story starts as a fresh install.
pub struct ForgetKeyAtEnd(pub &'static str);

impl Drop for ForgetKeyAtEnd {
    fn drop(&mut self) {
        let key = SecretKey::ProviderApiKey(self.0.to_owned());
        KeyringStore.delete(&key).unwrap();
    }
}

/// The built-in providers that have a key in the keyring.
pub async fn keyed_builtin_providers() -> Vec<String> {
    let keyed = || {
        let ids = Settings::default().providers.into_iter().map(|p| p.id);
        ids.filter(|id| {
            let key = SecretKey::ProviderApiKey(id.clone());
            KeyringStore.get(&key).unwrap().is_some()
        })
        .collect()
    };
    // Keyring calls block on D-Bus.
    tokio::task::spawn_blocking(keyed).await.unwrap()
}

/// Starts the app in `home` and runs `story` with it (at most `limit`);
/// returns once the app has exited, so that its files can be read.
pub async fn run_app<F>(home: &AppHome, limit: Duration, story: impl FnOnce(Client) -> F)
where
    F: Future<Output = ()>,
{
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run under Xvfb (cargo xtask e2e does)"
    );
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let mut env = app_env(home.dir.path());
    // As much as the app logs: the stories check what is (not) in it.
    env.push((
        "RUST_LOG",
        "debug,parlor=trace,share_server=trace".to_owned(),
    ));
    let driver = Driver::webkit(&env, &home.log()).await;
    let app = driver.app(Path::new(APP_BINARY)).await;
    with_session(app, limit, story).await;
    // The app writes its databases until it has exited (WAL checkpoint,
    // files removed).
    drop(driver);
    wait_for_exit(Path::new(APP_BINARY)).await;
}

/// Runs `checks` in a fresh headless Chromium, as a colleague's browser.
pub async fn with_chromium<F>(checks: impl FnOnce(Client) -> F)
where
    F: Future<Output = ()>,
{
    let chromedriver = Driver::chromedriver().await;
    let profile = TempDir::new().unwrap();
    let browser = chromedriver.chromium(&profile, false).await;
    with_session(browser, Duration::from_secs(60), checks).await;
}

// ------------------------------------------------------- fake providers

/// `text` in pieces of about `size` bytes, cut on character boundaries.
fn pieces(text: &str, size: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    for c in text.chars() {
        if pieces.last().is_some_and(|piece| piece.len() >= size) {
            pieces.push(String::new());
        }
        pieces.last_mut().unwrap().push(c);
    }
    pieces
}

/// OpenAI's `usage` object for `input` and `output` tokens.
pub fn usage(input: u64, output: u64) -> Value {
    json!({"prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output})
}

/// `text` streamed in pieces of about 6 bytes, `pause` apart, then `usage`.
pub fn streamed(text: &str, pause: Duration, usage: Value) -> Answer {
    Answer {
        pieces: pieces(text, 6),
        pause,
        usage,
    }
}

/// A local OpenAI-compatible server (no key) listing `model`.
pub async fn local_server(answer: Answer, model: &str, fail_after: Option<usize>) -> FakeOpenAi {
    let options = Options {
        models: Some(vec![model.to_owned()]),
        fail_after,
        ..Options::default()
    };
    FakeOpenAi::start_with(answer, options).await.unwrap()
}

/// A provider entry for a local OpenAI-compatible server, as a user adds
/// one: its own name, no key, its model.
pub fn local_provider(id: &str, name: &str, base_url: &str, model: &str) -> ProviderConfig {
    // Named as it is, its answers are priced at the user's prices filed
    // under that name: a name the price table reads as a vendor would not be.
    assert!(
        chat_core::cost::PriceTable::bundled()
            .provider_id(name)
            .is_none(),
        "{name} reads as a vendor"
    );
    ProviderConfig {
        id: id.to_owned(),
        name: name.to_owned(),
        kind: ProviderKind::OpenAi,
        base_url: base_url.to_owned(),
        price_provider: None,
        models: vec![model.to_owned()],
    }
}

/// The default settings with `providers` added after the built-in ones and
/// the user's `prices`.
pub fn settings_with(providers: Vec<ProviderConfig>, prices: Vec<PriceOverride>) -> Settings {
    let mut settings = Settings::default();
    settings.providers.extend(providers);
    settings.price_overrides = prices;
    settings
}

/// A provider a story adds for itself: a local OpenAI-compatible server
/// with one model, entered under its own id and name.
pub struct LocalLab {
    pub id: &'static str,
    pub name: &'static str,
    pub model: &'static str,
}

impl LocalLab {
    /// The provider entered as `name` under `id`, serving `model`.
    pub const fn new(id: &'static str, name: &'static str, model: &'static str) -> Self {
        Self { id, name, model }
    }

    /// A fresh HOME whose settings add this provider, and the fake server
    /// behind it, which answers `answer` (the story may change its next
    /// answer or read what it was sent).
    pub async fn home(&self, answer: Answer) -> (AppHome, FakeOpenAi) {
        let server = local_server(answer, self.model, None).await;
        let provider = local_provider(self.id, self.name, &server.base_url, self.model);
        let home = AppHome::new();
        home.store_settings(&settings_with(vec![provider], Vec::new()));
        (home, server)
    }

    /// A new session answered by this provider's model.
    pub async fn new_session(&self, app: &Client) {
        new_session(app, self.id, self.model).await;
    }
}

/// The user's message texts (in order) of a completion request `body`,
/// and its assistant ones.
pub fn conversation(body: &Value) -> (Vec<String>, Vec<String>) {
    let of = |role: &str| -> Vec<String> {
        body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == role)
            .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    (of("user"), of("assistant"))
}

// ------------------------------------------------------------- actions

/// Chooses `value` in the select `selector`, retrying while its options are
/// still arriving (a select filled from data the UI is still loading).
pub async fn select_value(client: &Client, selector: &str, value: &str) {
    let started = Instant::now();
    while let Err(error) = find(client, selector).await.select_by_value(value).await {
        if started.elapsed() > WAIT {
            let message = format!("`{selector}` does not offer {value:?}: {error:?}");
            fail(client, "e2e-app-select-failed.png", message).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A new session answered by `provider` with `model`.
pub async fn new_session(app: &Client, provider: &str, model: &str) {
    click(app, "#new-session").await;
    find(app, ".session-item.current").await;
    select_value(app, "#provider-select", provider).await;
    fill(app, "#model-input", model).await;
}

/// Types `text` in the composer and sends it.
pub async fn send(app: &Client, text: &str) {
    fill(app, "#composer", text).await;
    click(app, "#send").await;
}

// ----------------------------------------------------------------- waits

/// Waits until some element matching `selector` has a text that satisfies
/// `ok`, and returns that text.
pub async fn wait_some_text(client: &Client, selector: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let mut texts = Vec::new();
        for element in client.find_all(Locator::Css(selector)).await.unwrap() {
            texts.push(element.text().await.unwrap_or_default());
        }
        if let Some(text) = texts.iter().find(|text| ok(text)) {
            return text.clone();
        }
        if started.elapsed() > WAIT {
            let message = format!("no `{selector}` got the expected text; they hold {texts:?}");
            fail(client, "e2e-app-wait-failed.png", message).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until exactly `count` elements match `selector`.
pub async fn wait_count(client: &Client, selector: &str, count: usize) {
    let started = Instant::now();
    loop {
        let found = client.find_all(Locator::Css(selector)).await.unwrap().len();
        if found == count {
            return;
        }
        if started.elapsed() > WAIT {
            let message = format!("{found} `{selector}`, not {count}");
            fail(client, "e2e-app-count-failed.png", message).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A property of the element `selector` (`value`, `checked`, …).
pub async fn prop(client: &Client, selector: &str, name: &str) -> Option<String> {
    let element = find(client, selector).await;
    element.prop(name).await.unwrap()
}

/// Saves a screenshot of the window as `name` once it has painted what the
/// page holds: a screenshot taken at once can show the frame before.
pub async fn shot(client: &Client, name: &str) {
    let painted = "const done = arguments[0]; \
                   requestAnimationFrame(() => requestAnimationFrame(() => done()));";
    let _ = client.execute_async(painted, vec![]).await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    save_png(&client.screenshot().await.unwrap(), name);
}

/// Waits until the property `name` of `selector` is `expected`.
pub async fn wait_prop(client: &Client, selector: &str, name: &str, expected: &str) {
    let started = Instant::now();
    loop {
        let value = prop(client, selector, name).await;
        if value.as_deref() == Some(expected) {
            return;
        }
        if started.elapsed() > WAIT {
            let message = format!("`{selector}`'s {name} is {value:?}, not {expected:?}");
            fail(client, "e2e-app-prop-failed.png", message).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs `script` with the element `selector` as `arguments[0]`.
pub async fn on_element(client: &Client, selector: &str, script: &str) -> Value {
    let element = find(client, selector).await;
    let element = serde_json::to_value(&element).unwrap();
    client.execute(script, vec![element]).await.unwrap()
}
