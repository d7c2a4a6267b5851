//! The app under WebKitWebDriver: launches, the timed session opens, memory
//! and the streaming run. Everything timed in the page is timed by scripts
//! injected over WebDriver, so WebDriver's round trips are not counted.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use super::provider::{FakeProvider, now_ms};
use super::seed::{self, BIG_SESSION, SMALL_SESSION};
use super::{BIG_SESSION_MESSAGES, Figures, STREAM_CHUNKS, STREAM_PAUSES, Streaming, match_delays};
use crate::support::procs::{self, Supervised, free_port};

pub const WEBKIT_WEBDRIVER: &str = "/usr/bin/WebKitWebDriver";
/// Messages the UI loads when a session opens (`PAGE` in `ui/src/app.rs`).
pub const UI_PAGE: usize = 200;
const WAIT: Duration = Duration::from_secs(30);
/// The key typed into Settings (the keyring is a throwaway one).
const API_KEY: &str = "sk-bench-0000";

/// The app's environment: a throwaway HOME and XDG dirs under `work`.
struct Home {
    home: PathBuf,
    /// WebKit paints with Skia on the CPU ([`CPU_RENDERING`] set) instead of
    /// its default GPU path, which under Xvfb is Mesa's software GL.
    cpu_rendering: bool,
}

pub use crate::run::CPU_RENDERING;

impl Home {
    /// A home in `dir` whose app database holds the seeded sessions.
    fn seeded(dir: &Path, cpu_rendering: bool) -> Result<Self> {
        for sub in ["data", "config", "cache"] {
            fs::create_dir_all(dir.join(sub))?;
        }
        let home = Self {
            home: dir.to_owned(),
            cpu_rendering,
        };
        let database = home.database();
        fs::create_dir_all(database.parent().context("no data dir")?)?;
        eprintln!(
            "==> seeding {} with {BIG_SESSION_MESSAGES} messages",
            database.display()
        );
        seed::seed(&database, BIG_SESSION_MESSAGES)?;
        Ok(home)
    }

    fn database(&self) -> PathBuf {
        self.home.join("data/dev.parlor.app/parlor.db")
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        let path = |sub: &str| self.home.join(sub).display().to_string();
        vec![
            ("HOME", self.home.display().to_string()),
            ("XDG_DATA_HOME", path("data")),
            ("XDG_CONFIG_HOME", path("config")),
            ("XDG_CACHE_HOME", path("cache")),
            ("NO_AT_BRIDGE", "1".to_owned()),
            ("TAURI_WEBVIEW_AUTOMATION", "true".to_owned()),
        ]
    }
}

/// WebKitWebDriver in a private D-Bus session with an unlocked
/// gnome-keyring, inside Xvfb when there is no display; everything it
/// starts shares its process group and goes when it is dropped.
struct Driver {
    _process: Supervised,
    url: String,
}

impl Driver {
    async fn start(home: &Home, log: &Path) -> Result<Self> {
        if !Path::new(WEBKIT_WEBDRIVER).exists() {
            bail!("{WEBKIT_WEBDRIVER} is missing: apt-get install webkit2gtk-driver");
        }
        let port = free_port()?;
        let script = format!(
            "eval \"$(printf parlor | gnome-keyring-daemon --unlock --components=secrets)\" >/dev/null; \
             exec {WEBKIT_WEBDRIVER} --port={port}"
        );
        let mut command = if std::env::var_os("DISPLAY").is_some() {
            Command::new("dbus-run-session")
        } else {
            let mut xvfb = Command::new("xvfb-run");
            xvfb.args(["-a", "-s", "-screen 0 1280x800x24", "dbus-run-session"]);
            xvfb
        };
        let log = fs::File::create(log)?;
        if home.cpu_rendering {
            command.env(CPU_RENDERING, "1");
        } else {
            command.env_remove(CPU_RENDERING);
        }
        command
            .args(["--", "sh", "-c", &script])
            .envs(home.env())
            .stdout(log.try_clone()?)
            .stderr(log);
        let process = Supervised::spawn("WebKitWebDriver", &mut command)
            .context("could not start xvfb-run / dbus-run-session (apt-get install xvfb dbus)")?;
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(response) = http.get(format!("{url}/status")).send().await {
                let status: Value = response.json().await.unwrap_or_default();
                if status["value"]["ready"] == json!(true) {
                    break;
                }
            }
            if started.elapsed() > Duration::from_secs(20) {
                bail!("WebKitWebDriver did not get ready at {url}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(Self {
            _process: process,
            url,
        })
    }

    /// A new session: WebKitWebDriver starts the app.
    async fn launch(&self, binary: &Path) -> Result<Client> {
        let capabilities = json!({
            "webkitgtk:browserOptions": { "binary": binary.display().to_string(), "args": [] }
        });
        let Value::Object(capabilities) = capabilities else {
            bail!("capabilities are not an object");
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .context("no WebDriver session from WebKitWebDriver (did the app start?)")
    }
}

/// All the desktop figures, `samples` launches and opens.
pub async fn measure(binary: &Path, work: &Path, samples: usize) -> Result<Figures> {
    let home = Home::seeded(&work.join("home"), false)?;
    let driver = Driver::start(&home, &work.join("webdriver.log")).await?;
    let mut figures = Figures {
        webkit_version: webkit_version(),
        streaming_error: "not run".to_owned(),
        streaming_cpu_error: "not run".to_owned(),
        ..Figures::default()
    };

    for sample in 0..samples {
        eprintln!("==> launch {}/{samples}", sample + 1);
        let started = Instant::now();
        let client = driver.launch(binary).await?;
        let outcome = cold_start(&client, binary, started, &mut figures).await;
        let _ = client.close().await;
        outcome?;
        wait_exited(binary).await;
    }

    eprintln!("==> opening the {BIG_SESSION_MESSAGES}-message session");
    let client = driver.launch(binary).await?;
    let outcome = async {
        find(&client, "#new-session").await?;
        let pid = app_pid(binary).context("the app's process is gone")?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        figures.memory_idle = tree_memory(pid);
        let mut open = Vec::new();
        for _ in 0..samples {
            open_session(&client, SMALL_SESSION, 2).await?;
            open.push(open_session(&client, BIG_SESSION, UI_PAGE).await?);
        }
        figures.rendered_messages = open.first().map_or(0, |o| o.count);
        figures.open_dom = open.iter().map(|o| o.dom).collect();
        figures.open_painted = open.iter().map(|o| o.painted).collect();
        tokio::time::sleep(Duration::from_millis(500)).await;
        figures.memory_open = tree_memory(pid);
        eprintln!("==> streaming {STREAM_CHUNKS} chunks");
        match stream(&client).await {
            Ok(streaming) => {
                // The raw delays (chunk order), for a closer look with --keep.
                for run in &streaming {
                    let path = work.join(format!("stream-{}ms.json", run.pause.as_millis()));
                    let _ = fs::write(path, json!(run.delays).to_string());
                }
                figures.streaming = streaming;
            }
            Err(error) => {
                eprintln!("streaming failed: {error:#}");
                figures.streaming_error = format!("{error:#}");
                if let Ok(png) = client.screenshot().await {
                    let _ = fs::write(work.join("streaming-failed.png"), png);
                }
            }
        }
        Ok::<_, anyhow::Error>(())
    }
    .await;
    let _ = client.close().await;
    outcome?;
    drop(driver);
    wait_exited(binary).await;

    // The same streams with WebKit painting on the CPU, in a fresh home.
    eprintln!("==> streaming {STREAM_CHUNKS} chunks again with {CPU_RENDERING}=1");
    match stream_on_cpu(binary, work).await {
        Ok(streaming) => figures.streaming_cpu = streaming,
        Err(error) => {
            eprintln!("streaming with {CPU_RENDERING}=1 failed: {error:#}");
            figures.streaming_cpu_error = format!("{error:#}");
        }
    }
    Ok(figures)
}

/// [`stream`] in an app whose WebKit paints with Skia on the CPU.
async fn stream_on_cpu(binary: &Path, work: &Path) -> Result<Vec<Streaming>> {
    let home = Home::seeded(&work.join("home-cpu"), true)?;
    let driver = Driver::start(&home, &work.join("webdriver-cpu.log")).await?;
    let client = driver.launch(binary).await?;
    let outcome = async {
        find(&client, "#new-session").await?;
        stream(&client).await
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    wait_exited(binary).await;
    outcome
}

// -------------------------------------------------------------- cold start

async fn cold_start(
    client: &Client,
    binary: &Path,
    started: Instant,
    figures: &mut Figures,
) -> Result<()> {
    find(client, "#new-session").await?;
    figures
        .session_to_ui
        .push(started.elapsed().as_secs_f64() * 1e3);
    let pid = app_pid(binary).context("the app's process is gone")?;
    let start_ms = process_start_ms(pid)?;
    // Paint timing entries appear once painted: wait a little for them.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let timing = client
            .execute(
                "const paint = performance.getEntriesByType('paint')
                     .find(e => e.name === 'first-contentful-paint');
                 const nav = performance.getEntriesByType('navigation')[0];
                 return {origin: performance.timeOrigin,
                         fcp: paint ? paint.startTime : null,
                         load: nav && nav.loadEventEnd > 0 ? nav.loadEventEnd
                             : (performance.timing.loadEventEnd > 0
                                 ? performance.timing.loadEventEnd - performance.timeOrigin : null)};",
                vec![],
            )
            .await?;
        let origin = timing["origin"]
            .as_f64()
            .context("no performance.timeOrigin")?;
        let fcp = timing["fcp"].as_f64();
        let load = timing["load"].as_f64();
        if (fcp.is_some() && load.is_some()) || Instant::now() > deadline {
            figures
                .start_to_paint
                .push(fcp.map_or(f64::NAN, |fcp| origin + fcp - start_ms));
            figures
                .start_to_load
                .push(load.map_or(f64::NAN, |load| origin + load - start_ms));
            eprintln!(
                "    start → paint {:?} ms, → load {:?} ms, new-session → UI {:.0} ms",
                fcp.map(|f| (origin + f - start_ms).round()),
                load.map(|l| (origin + l - start_ms).round()),
                started.elapsed().as_secs_f64() * 1e3
            );
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Wall-clock start of a process, ms since the epoch, from its starttime
/// (clock ticks after boot) and `/proc/uptime`.
fn process_start_ms(pid: u32) -> Result<f64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let ticks = start_ticks(&stat).context("unreadable /proc/PID/stat")?;
    let uptime = fs::read_to_string("/proc/uptime")?;
    let now = now_ms();
    let uptime: f64 = uptime
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .context("unreadable /proc/uptime")?;
    Ok(now - uptime * 1e3 + ticks as f64 / clock_ticks() * 1e3)
}

/// Field 22 of `/proc/PID/stat`: when the process started, in clock ticks
/// after boot (the command name may hold spaces and parentheses).
pub fn start_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(22 - 3)?.parse().ok()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// The process running `binary` (our private copy of the app).
fn app_pid(binary: &Path) -> Option<u32> {
    fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
}

async fn wait_exited(binary: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while app_pid(binary).is_some() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ------------------------------------------------------------------ memory

/// VmRSS of `root` and its descendants, summed by process name (the app,
/// WebKitWebProcess, WebKitNetworkProcess, …).
fn tree_memory(root: u32) -> Vec<(String, usize, u64)> {
    let stats: Vec<procs::Stat> = fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| fs::read_to_string(entry.path().join("stat")).ok())
        .filter_map(|stat| procs::parse_stat(&stat))
        .collect();
    let tree = descendants(root, &stats);
    let mut rows: Vec<(String, usize, u64)> = Vec::new();
    for pid in tree {
        // The executable's name: `comm` is cut at 15 characters.
        let name = fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .and_then(|exe| Some(exe.file_name()?.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "?".to_owned());
        let Ok(memory) = procs::memory(pid) else {
            continue;
        };
        match rows.iter_mut().find(|row| row.0 == name) {
            Some(row) => {
                row.1 += 1;
                row.2 += memory.rss;
            }
            None => rows.push((name, 1, memory.rss)),
        }
    }
    rows
}

/// `root` and every process below it.
pub fn descendants(root: u32, stats: &[procs::Stat]) -> Vec<u32> {
    let mut tree = vec![root];
    let mut index = 0;
    while let Some(&pid) = tree.get(index) {
        index += 1;
        for stat in stats {
            if stat.parent == pid && !tree.contains(&stat.pid) {
                tree.push(stat.pid);
            }
        }
    }
    tree
}

// ------------------------------------------------------------ session open

struct Open {
    dom: f64,
    painted: f64,
    count: usize,
}

/// Clicks the session in the sidebar; times (in the page) until its newest
/// message and `expected` messages are in the DOM, then the next frame.
async fn open_session(client: &Client, session: &str, expected: usize) -> Result<Open> {
    let total = if session == BIG_SESSION {
        BIG_SESSION_MESSAGES
    } else {
        2
    };
    let last = seed::message_id(session, total - 1);
    find(
        client,
        &format!(".session-item[data-session-id=\"{session}\"]"),
    )
    .await?;
    let result = client
        .execute_async(
            r#"const [session, last, expected, done] = arguments;
            const button = document.querySelector(
                `.session-item[data-session-id="${session}"] .session-open`);
            if (!button) { done({error: 'no sidebar entry for ' + session}); return; }
            const count = () => document.querySelectorAll('section.messages article.msg').length;
            const ready = () => document.querySelector(`article.msg[data-message-id="${last}"]`)
                && count() >= expected;
            let dom = null;
            const start = performance.now();
            const finish = () => {
                dom = performance.now() - start;
                observer.disconnect();
                let sent = false;
                const send = () => { if (!sent) { sent = true;
                    done({dom, painted: performance.now() - start, count: count()}); } };
                requestAnimationFrame(() => setTimeout(send, 0));
                setTimeout(send, 1000);
            };
            const observer = new MutationObserver(() => { if (dom === null && ready()) finish(); });
            observer.observe(document.body, {childList: true, subtree: true, attributes: true});
            button.click();
            if (dom === null && ready()) finish();"#,
            vec![json!(session), json!(last), json!(expected)],
        )
        .await
        .with_context(|| format!("opening {session} timed out"))?;
    if let Some(error) = result["error"].as_str() {
        bail!("{error}");
    }
    let open = Open {
        dom: result["dom"].as_f64().context("no DOM time")?,
        painted: result["painted"].as_f64().context("no paint time")?,
        count: result["count"]
            .as_u64()
            .and_then(|c| usize::try_from(c).ok())
            .unwrap_or(0),
    };
    if session == BIG_SESSION {
        eprintln!(
            "    {} messages in the DOM after {:.1} ms, painted after {:.1} ms",
            open.count, open.dom, open.painted
        );
    }
    Ok(open)
}

// --------------------------------------------------------------- streaming

/// Sets up the fake provider in Settings, opens the small session, listens
/// to `turn:event` and streams once per pause in [`STREAM_PAUSES`].
async fn stream(client: &Client) -> Result<Vec<Streaming>> {
    let provider = FakeProvider::start(STREAM_CHUNKS, STREAM_PAUSES[0]).await?;
    // The provider's endpoint and key, as a user sets them.
    click(client, "#open-settings").await?;
    find(client, "#settings-panel").await?;
    let openai = "#settings-panel [data-provider=\"openai\"]";
    fill(
        client,
        &format!("{openai} input[name=\"base-url\"]"),
        &provider.base_url,
    )
    .await?;
    fill(
        client,
        &format!("{openai} input[name=\"api-key\"]"),
        API_KEY,
    )
    .await?;
    click(client, "#settings-save").await?;
    let state = format!("{openai} [data-key-state]");
    let deadline = Instant::now() + WAIT;
    loop {
        let text = match client.find(Locator::Css(&state)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains("Key set") {
            break;
        }
        if Instant::now() > deadline {
            bail!("the key was not saved (keyring?): {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    click(client, "#settings-close").await?;
    wait_gone(client, "#settings-panel").await?;

    // The small session (provider openai, a model set) and the listener.
    open_session(client, SMALL_SESSION, 2).await?;
    let listening = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__parlorBench = [];
             window.__TAURI__.event.listen('turn:event', e => {
                 const t = performance.timeOrigin + performance.now();
                 window.__parlorBench.push([t, e.payload.event]);
             }).then(() => done(true), error => done(String(error)));",
            vec![],
        )
        .await?;
    if listening != json!(true) {
        bail!("could not listen to turn:event: {listening}");
    }
    let mut runs = Vec::new();
    for &pause in STREAM_PAUSES {
        if let Ok(mut next) = provider.pause.lock() {
            *next = pause;
        }
        runs.push(stream_once(client, &provider, pause).await?);
    }
    Ok(runs)
}

async fn stream_once(
    client: &Client,
    provider: &FakeProvider,
    pause: Duration,
) -> Result<Streaming> {
    let (offset, offset_error) = clock_offset(client).await?;
    client
        .execute("window.__parlorBench.length = 0;", vec![])
        .await?;
    fill(client, "#composer", "Count to two thousand, please.").await?;
    click(client, "#send").await?;
    // No WebDriver command while the chunks flow: each one is a script run on
    // the page's main thread (and the app's), which would delay the events
    // it is there to measure. Poll only once the stream should be over.
    let nominal = pause * u32::try_from(STREAM_CHUNKS).unwrap_or(u32::MAX);
    tokio::time::sleep(nominal + nominal / 10).await;
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let finished = client
            .execute(
                "return window.__parlorBench.some(([t, e]) => e.type === 'finish' || e.type === 'error');",
                vec![],
            )
            .await?;
        if finished == json!(true) {
            break;
        }
        if Instant::now() > deadline {
            bail!("the stream did not finish within 180 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let events = client
        .execute(
            "return window.__parlorBench.map(([t, e]) =>
                 [t, e.type, e.type === 'contentDelta' ? e.text : (e.message || '')]);",
            vec![],
        )
        .await?;
    // The turn ends (Stop gives way to Send) before the next one starts.
    wait_gone(client, "#stop").await?;
    let events = events.as_array().context("no events")?;
    let mut content = Vec::new();
    for event in events {
        // The page's clock, moved onto the bench's.
        let time = event[0].as_f64().unwrap_or(f64::NAN) - offset;
        match event[1].as_str() {
            Some("contentDelta") => {
                content.push((time, event[2].as_str().unwrap_or_default().to_owned()));
            }
            Some("error") => bail!("the turn failed: {}", event[2]),
            _ => {}
        }
    }
    let sent = provider.sent.lock().map(|s| s.clone()).unwrap_or_default();
    let delays = match_delays(&content, &sent);
    if delays.is_empty() {
        bail!(
            "no chunk matched ({} events, {} chunks sent)",
            content.len(),
            sent.len()
        );
    }
    let span_ms = content.last().map_or(0.0, |e| e.0) - sent.first().copied().unwrap_or(0.0);
    let p = |q| super::percentile(&delays, q);
    eprintln!(
        "    {} ms apart: {} chunks in {} events: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
         (page clock {offset:+.2} ± {offset_error:.2} ms)",
        pause.as_millis(),
        delays.len(),
        content.len(),
        p(0.5),
        p(0.99),
        p(1.0)
    );
    Ok(Streaming {
        pause,
        events: content.len(),
        chunks_sent: sent.len(),
        span_ms,
        delays,
        clock_offset_ms: offset,
        clock_error_ms: offset_error,
    })
}

/// How far the page's `performance.timeOrigin + performance.now()` is ahead
/// of this process's wall clock, from the WebDriver round trip with the
/// smallest duration (Cristian's method); and ± half that round trip.
async fn clock_offset(client: &Client) -> Result<(f64, f64)> {
    let mut best = (f64::NAN, f64::INFINITY);
    for _ in 0..20 {
        let before = now_ms();
        let page = client
            .execute("return performance.timeOrigin + performance.now();", vec![])
            .await?
            .as_f64()
            .context("no page time")?;
        let after = now_ms();
        let half = (after - before) / 2.0;
        if half < best.1 {
            best = (page - (before + half), half);
        }
    }
    Ok(best)
}

// ----------------------------------------------------------------- helpers

async fn find(client: &Client, selector: &str) -> Result<fantoccini::elements::Element> {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(selector))
        .await
        .with_context(|| format!("`{selector}` did not appear"))
}

async fn click(client: &Client, selector: &str) -> Result<()> {
    find(client, selector)
        .await?
        .click()
        .await
        .with_context(|| format!("could not click `{selector}`"))
}

async fn wait_gone(client: &Client, selector: &str) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    while !client.find_all(Locator::Css(selector)).await?.is_empty() {
        if Instant::now() > deadline {
            bail!("`{selector}` did not go away");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Replaces the text of an input, and checks it took: WebDriver's clear fires
/// no `input` event, so a re-render in between can put the old text back.
async fn fill(client: &Client, selector: &str, text: &str) -> Result<()> {
    let mut value = None;
    for _ in 0..3 {
        let input = find(client, selector).await?;
        input.clear().await?;
        input
            .send_keys(text)
            .await
            .with_context(|| format!("could not type into `{selector}`"))?;
        value = input.prop("value").await?;
        if value.as_deref() == Some(text) {
            return Ok(());
        }
    }
    bail!("`{selector}` holds {value:?} after typing {text:?}")
}

fn webkit_version() -> String {
    Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "libwebkit2gtk-4.1-0"])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| format!("WebKitGTK {}", String::from_utf8_lossy(&out.stdout).trim()))
        .unwrap_or_else(|| "WebKitGTK (version unknown)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_start_time_and_process_tree() {
        let stat = "4242 (Web Content) (x)) S 4200 4200 4200 0 -1 4194560 90 0 0 0 170 30 0 0 20 0 1 0 987654 1000 50";
        assert_eq!(start_ticks(stat), Some(987_654));
        let own = fs::read_to_string(format!("/proc/{}/stat", std::process::id())).unwrap();
        assert!(start_ticks(&own).is_some());
        let start = process_start_ms(std::process::id()).unwrap();
        let now = now_ms();
        assert!(
            start <= now + 50.0 && now - start < 3_600_000.0,
            "{start} vs {now}"
        );

        let stat = |pid, parent| procs::Stat {
            pid,
            parent,
            ticks: 0,
        };
        let stats = [
            stat(1, 0),
            stat(10, 1),
            stat(11, 10),
            stat(12, 10),
            stat(20, 1),
            stat(13, 11),
        ];
        assert_eq!(descendants(10, &stats), [10, 11, 12, 13]);
    }
}
