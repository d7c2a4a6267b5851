//! Time until the page is rendered in headless Chromium (chromedriver +
//! fantoccini): Navigation Timing's `loadEventEnd`, relative to the start of
//! the navigation, so Chromium's own start-up is not counted.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::support::procs::{Supervised, free_port};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// First and repeat views of one URL.
#[derive(Debug, Clone, Default)]
pub struct LoadTimes {
    /// Each in a fresh browser profile: nothing cached, the stylesheet fetched.
    pub first_view: Vec<Duration>,
    /// The same page again in that browser (stylesheet cached, the page
    /// revalidated by ETag).
    pub repeat_view: Vec<Duration>,
}

/// Opens each of `urls` in `samples` fresh headless Chromium sessions,
/// twice each, alternating between the URLs; one [`LoadTimes`] per URL.
pub async fn load_times(
    urls: &[String],
    samples: usize,
    profiles: &Path,
) -> Result<Vec<LoadTimes>> {
    for binary in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(binary).exists() {
            bail!("{binary} is missing: apt-get install chromium chromium-driver");
        }
    }
    let port = free_port()?;
    let mut command = Command::new(CHROMEDRIVER);
    command
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _driver = Supervised::spawn("chromedriver", &mut command)?;
    let driver_url = format!("http://127.0.0.1:{port}");
    wait_for_driver(&driver_url).await?;
    let mut all = vec![LoadTimes::default(); urls.len()];
    for sample in 0..samples {
        for (index, url) in urls.iter().enumerate() {
            let profile = profiles.join(format!("profile-{sample}-{index}"));
            let client = session(&driver_url, &profile).await?;
            let measured = async {
                let first = navigate(&client, url).await?;
                let repeat = navigate(&client, url).await?;
                Ok::<_, anyhow::Error>((first, repeat))
            }
            .await;
            let _ = client.close().await;
            let (first, repeat) = measured?;
            all[index].first_view.push(first);
            all[index].repeat_view.push(repeat);
        }
    }
    Ok(all)
}

async fn wait_for_driver(url: &str) -> Result<()> {
    let http = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(response) = http.get(format!("{url}/status")).send().await {
            let status: Value = response.json().await.unwrap_or_default();
            if status["value"]["ready"] == json!(true) {
                return Ok(());
            }
        }
        if started.elapsed() > Duration::from_secs(20) {
            bail!("chromedriver did not get ready at {url}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn session(driver_url: &str, profile: &Path) -> Result<Client> {
    std::fs::create_dir_all(profile)?;
    // The flags TOOLCHAIN.md lists: without the background-networking ones
    // Chromium floods the closed network with refused connections.
    let args = [
        "--headless=new".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--window-size=1280,900".to_owned(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
    });
    let Value::Object(capabilities) = capabilities else {
        bail!("capabilities are not an object");
    };
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(driver_url)
        .await
        .context("no WebDriver session from chromedriver")
}

/// Navigates (WebDriver waits for the load event) and reads `loadEventEnd`.
async fn navigate(client: &Client, url: &str) -> Result<Duration> {
    client.goto(url).await?;
    let started = Instant::now();
    loop {
        let value = client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0];\
                 return n ? n.loadEventEnd : 0;",
                vec![],
            )
            .await?;
        let millis = value.as_f64().unwrap_or(0.0);
        if millis > 0.0 {
            return Ok(Duration::from_secs_f64(millis / 1e3));
        }
        if started.elapsed() > Duration::from_secs(10) {
            bail!("no loadEventEnd for {url}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
