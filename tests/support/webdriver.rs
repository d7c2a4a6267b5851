//! WebDriver servers for the browser tests, shared by the share-server's page
//! tests and the desktop app's end-to-end test (included with `#[path]`):
//! `chromedriver` driving headless Chromium, and `WebKitWebDriver` driving
//! the Tauri app's own webview. Each runs on a free loopback port in its own
//! process group, killed with every browser it started when dropped.
#![allow(dead_code, reason = "each test crate uses its own part")]

use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use futures_util::FutureExt as _;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Map, Value, json};
use tempfile::TempDir;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const WEBKIT_WEBDRIVER: &str = "/usr/bin/WebKitWebDriver";

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
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        configure(&mut command, port);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("{binary} does not start: {e}"));
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
            let ready = http
                .get(format!("{}/status", driver.url))
                .send()
                .await
                .ok()
                .filter(|response| response.status().is_success());
            if let Some(response) = ready {
                let status: Value = response.json().await.unwrap_or_default();
                if status["value"]["ready"] == json!(true) {
                    return driver;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{binary} did not get ready on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
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
                .stderr(log);
            for (name, value) in env {
                command.env(name, value);
            }
        })
        .await
    }

    /// A session with these capabilities.
    pub async fn session(&self, capabilities: Value) -> Client {
        let Value::Object(capabilities) = capabilities else {
            panic!("capabilities must be a JSON object");
        };
        connect(&self.url, capabilities).await
    }

    /// A new headless Chromium session with a fresh profile (chromedriver only).
    pub async fn chromium(&self, profile: &TempDir, dark: bool) -> Client {
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--hide-scrollbars".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
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

async fn connect(url: &str, capabilities: Map<String, Value>) -> Client {
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("no WebDriver session from {url}: {e}"))
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
    let outcome = AssertUnwindSafe(tokio::time::timeout(limit, checks(client.clone())))
        .catch_unwind()
        .await;
    let _ = client.close().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(_)) => panic!("the browser checks timed out after {limit:?}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
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
