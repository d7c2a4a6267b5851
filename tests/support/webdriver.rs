//! WebDriver, one copy compiled into each crate that drives a browser
//! (`#[path]`): the share-server's page tests, the desktop app's end-to-end
//! test and `cargo xtask bench`. `chromedriver` drives headless Chromium,
//! `WebKitWebDriver` the Tauri app's own webview; each runs on a free
//! loopback port in its own process group, killed with every browser or app
//! it started when dropped. The helpers panic on failure, as tests do; xtask
//! turns a panic back into an error with [`caught`].
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "each crate uses its own part; a failed step is a panic, as in a test"
)]

use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt as _;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tempfile::TempDir;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const WEBKIT_WEBDRIVER: &str = "/usr/bin/WebKitWebDriver";
/// How long a helper waits for an element or a text.
pub const WAIT: Duration = Duration::from_secs(30);

/// A WebDriver server child process.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Driver {
    /// Starts `binary` (from the Debian `package`) with `configure` adding
    /// its port argument and environment; waits until `/status` says ready.
    pub async fn start(
        binary: &str,
        package: &str,
        configure: impl FnOnce(&mut Command, u16),
    ) -> Self {
        assert!(
            Path::new(binary).exists(),
            "{binary} is missing: install the Debian package `{package}` \
             (cargo xtask setup does)"
        );
        let port = free_port();
        let mut command = Command::new(binary);
        command.stdout(Stdio::null()).stderr(Stdio::null());
        configure(&mut command, port);
        Self::spawn(command, port).await
    }

    /// Runs `command`, a WebDriver server (or a wrapper that runs one) that
    /// listens on `port`, in a process group of its own; waits until ready.
    pub async fn spawn(mut command: Command, port: u16) -> Self {
        command.stdin(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let shown = format!("{:?}", command.get_program());
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("{shown} does not start: {e}"));
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        // In a workspace build reqwest's rustls comes without a crypto
        // provider (the desktop app installs ring at start): install it here.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(response) = http.get(format!("{}/status", driver.url)).send().await {
                let status: Value = response.json().await.unwrap_or_default();
                if status["value"]["ready"] == json!(true) {
                    return driver;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{shown} did not get ready on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `chromedriver` for headless Chromium.
    pub async fn chromedriver() -> Self {
        assert!(
            Path::new(CHROMIUM).exists(),
            "{CHROMIUM} is missing: install the Debian package `chromium`"
        );
        Self::start(CHROMEDRIVER, "chromium-driver", |command, port| {
            command.arg(format!("--port={port}"));
        })
        .await
    }

    /// `WebKitWebDriver`, able to drive a Tauri app's webview (which only
    /// accepts automation with `TAURI_WEBVIEW_AUTOMATION=true`). The app it
    /// starts inherits `env`, and its stderr (the app's log) goes to `log`.
    pub async fn webkit(env: &[(&str, String)], log: &Path) -> Self {
        let log = std::fs::File::create(log)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        Self::start(WEBKIT_WEBDRIVER, "webkit2gtk-driver", |command, port| {
            command
                .arg(format!("--port={port}"))
                .env("TAURI_WEBVIEW_AUTOMATION", "true")
                .envs(env.iter().map(|(name, value)| (name, value)))
                .stderr(log);
        })
        .await
    }

    /// A session with these capabilities.
    pub async fn session(&self, capabilities: Value) -> Client {
        let Value::Object(capabilities) = capabilities else {
            panic!("capabilities must be a JSON object");
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("no WebDriver session from {}: {e}", self.url))
    }

    /// A session of WebKitWebDriver that starts the desktop app `binary`.
    pub async fn app(&self, binary: &Path) -> Client {
        let options = json!({ "binary": binary.display().to_string(), "args": [] });
        self.session(json!({ "webkitgtk:browserOptions": options }))
            .await
    }

    /// A new headless Chromium session with a fresh profile (chromedriver only).
    pub async fn chromium(&self, profile: &TempDir, dark: bool) -> Client {
        // Without the background-networking flags Chromium floods a closed
        // network with refused connections.
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--window-size=1280,900",
        ]
        .map(str::to_owned)
        .into();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        if dark {
            args.push("--force-dark-mode".to_owned());
        }
        self.session(json!({
            "browserName": "chrome",
            // Leave a dialog open so that the test sees it (the default
            // dismisses it and only fails the next command).
            "unhandledPromptBehavior": "ignore",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        }))
        .await
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: the driver and any browser or app it left behind.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `checks` with `client` and closes the session even when a check
/// fails or times out, so no browser outlives the test.
pub async fn with_session<F>(client: Client, limit: Duration, checks: impl FnOnce(Client) -> F)
where
    F: Future<Output = ()>,
{
    let outcome = caught(tokio::time::timeout(limit, checks(client.clone()))).await;
    let _ = client.close().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(_)) => panic!("the browser checks timed out after {limit:?}"),
        Err(message) => panic!("{message}"),
    }
}

/// Runs `future`; a panic in it becomes an error with the panic's message.
pub async fn caught<T>(future: impl Future<Output = T>) -> Result<T, String> {
    AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .map_err(|panic| {
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic without a message".to_owned())
        })
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|e| panic!("no free loopback port: {e}"))
}

/// `target/test-output/`, where screenshots go for a human to look at.
pub fn output_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-output");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

pub fn save_png(png: &[u8], name: &str) -> PathBuf {
    let path = output_dir().join(name);
    std::fs::write(&path, png).unwrap();
    path
}

/// Panics with `message` and where a screenshot of the window went.
pub async fn fail(client: &Client, shot: &str, message: String) -> ! {
    let png = client.screenshot().await.unwrap_or_default();
    panic!("{message} (screen: {})", save_png(&png, shot).display())
}

// ------------------------------------------------------------ page helpers

pub async fn find(client: &Client, selector: &str) -> Element {
    let found = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(selector));
    match found.await {
        Ok(element) => element,
        Err(e) => {
            fail(
                client,
                "find-failed.png",
                format!("`{selector}` did not appear: {e}"),
            )
            .await
        }
    }
}

pub async fn click(client: &Client, selector: &str) {
    if let Err(e) = find(client, selector).await.click().await {
        fail(
            client,
            "click-failed.png",
            format!("could not click `{selector}`: {e:?}"),
        )
        .await;
    }
}

/// Replaces the text of an input, and checks it took: WebDriver's clear fires
/// no `input` event, so a re-render in between can put the old text back, or
/// replace the element while it is typed into (it is found again).
pub async fn fill(client: &Client, selector: &str, text: &str) {
    let mut last = String::new();
    for _ in 0..3 {
        let input = find(client, selector).await;
        let typed = async {
            input.clear().await?;
            input.send_keys(text).await?;
            input.prop("value").await
        };
        match typed.await {
            Ok(value) if value.as_deref() == Some(text) => return,
            Ok(value) => last = format!("it holds {value:?}"),
            Err(e) => last = format!("typing failed: {e}"),
        }
    }
    panic!("could not type {text:?} into `{selector}`: {last}");
}

/// An element re-rendered between finding it and reading it is found again.
pub async fn text(client: &Client, selector: &str) -> String {
    wait_text(client, selector, |_| true).await
}

/// Waits until `selector`'s text satisfies `ok`, and returns it.
pub async fn wait_text(client: &Client, selector: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let text = match client.find(Locator::Css(selector)).await {
            Ok(element) => element.text().await.ok(),
            Err(_) => None,
        };
        if let Some(text) = &text
            && ok(text)
        {
            return text.clone();
        }
        assert!(
            started.elapsed() < WAIT,
            "`{selector}` never got the expected text; last: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until nothing matches `selector`.
pub async fn wait_gone(client: &Client, selector: &str) {
    let started = Instant::now();
    while !client
        .find_all(Locator::Css(selector))
        .await
        .unwrap()
        .is_empty()
    {
        assert!(started.elapsed() < WAIT, "`{selector}` did not go away");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------- the desktop app

/// The desktop app's environment with a throwaway `home` for HOME and the
/// XDG folders (its data under `home/data/dev.parlor.app`).
pub fn app_env(home: &Path) -> Vec<(&'static str, String)> {
    let path = |sub: &str| home.join(sub).display().to_string();
    vec![
        ("HOME", home.display().to_string()),
        ("XDG_DATA_HOME", path("data")),
        ("XDG_CONFIG_HOME", path("config")),
        ("XDG_CACHE_HOME", path("cache")),
        ("NO_AT_BRIDGE", "1".to_owned()),
    ]
}

/// The process running `binary` (the app WebKitWebDriver started), if any.
pub fn pid_of(binary: &Path) -> Option<u32> {
    let binary = binary.canonicalize().ok()?;
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
}

/// Waits until no process runs `binary`: the app writes its databases until
/// it has exited (WAL checkpoint, files removed).
pub async fn wait_for_exit(binary: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while pid_of(binary).is_some() {
        assert!(
            Instant::now() < deadline,
            "{} still runs 20 s after its session ended",
            binary.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
