//! The app under WebKitWebDriver: launches, the timed session opens, memory
//! and the streaming run. Everything timed in the page is timed by scripts
//! injected over WebDriver (`*.js` beside this file), so WebDriver's round
//! trips are not counted. The page helpers panic, as in the end-to-end
//! test; [`measure`] turns a panic into an error.

#[path = "../../../../tests/support/fake_openai.rs"]
mod fake_openai;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::Client;
use serde_json::json;

use self::fake_openai::{Answer, FakeOpenAi, now_ms};
use super::seed::{self, BIG_SESSION, SMALL_SESSION};
use super::{
    BIG_SESSION_MESSAGES, Figures, Memory, STREAM_CHUNKS, STREAM_PAUSES, Streaming, match_delays,
};
use crate::run::CPU_RENDERING;
use crate::support::percentile;
use crate::support::procs;
use crate::support::webdriver::{
    Driver, WEBKIT_WEBDRIVER, app_env, caught, click, fill, find, free_port, pid_of, wait_for_exit,
    wait_gone, wait_text,
};

/// Messages the UI loads when a session opens (`PAGE` in `ui/src/app.rs`).
pub const UI_PAGE: usize = 200;
/// The key typed into Settings (the keyring is a throwaway one).
const API_KEY: &str = "sk-bench-0000";

/// WebKitWebDriver for an app whose HOME is `home` (its database seeded
/// first) in a private D-Bus session with an unlocked gnome-keyring, inside
/// Xvfb when there is no display; everything it starts shares its process
/// group and goes when it is dropped. With `cpu_rendering` WebKit paints
/// with Skia on the CPU instead of its default GPU path (under Xvfb, Mesa's
/// software GL).
async fn start_driver(home: &Path, cpu_rendering: bool, log: &Path) -> Result<Driver> {
    let database = home.join("data/dev.parlor.app/parlor.db");
    fs::create_dir_all(database.parent().context("no data dir")?)?;
    eprintln!(
        "==> seeding {} with {BIG_SESSION_MESSAGES} messages",
        database.display()
    );
    seed::seed(&database, BIG_SESSION_MESSAGES)?;
    if !Path::new(WEBKIT_WEBDRIVER).exists() {
        bail!("{WEBKIT_WEBDRIVER} is missing: apt-get install webkit2gtk-driver");
    }
    let port = free_port();
    let display = std::env::var_os("DISPLAY").is_none();
    let driver = format!("{WEBKIT_WEBDRIVER} --port={port}");
    let mut command = crate::e2e::desktop_session(display, false, &driver);
    let log = fs::File::create(log)?;
    if cpu_rendering {
        command.env(CPU_RENDERING, "1");
    } else {
        command.env_remove(CPU_RENDERING);
    }
    command
        .envs(app_env(home))
        .env("TAURI_WEBVIEW_AUTOMATION", "true");
    command.stdout(log.try_clone()?).stderr(log);
    Ok(Driver::spawn(command, port).await)
}

/// All the desktop figures, `samples` launches and opens.
pub async fn measure(binary: &Path, work: &Path, samples: usize) -> Result<Figures> {
    let measured = caught(measure_all(binary, work, samples)).await;
    measured.map_err(anyhow::Error::msg)?
}

async fn measure_all(binary: &Path, work: &Path, samples: usize) -> Result<Figures> {
    if std::env::var("PARLOR_BENCH_DESKTOP").is_ok_and(|only| only == "streaming-cpu") {
        eprintln!("==> PARLOR_BENCH_DESKTOP=streaming-cpu: only the streams painted on the CPU");
        let streaming = caught(stream_on_cpu(binary, work))
            .await
            .and_then(|runs| runs);
        keep_delays(work, &streaming, "-cpu");
        return Ok(Figures {
            webkit_version: webkit_version(),
            streaming_cpu: Some(streaming),
            ..Figures::default()
        });
    }
    let driver = start_driver(&work.join("home"), false, &work.join("webdriver.log")).await?;
    let mut figures = Figures {
        webkit_version: webkit_version(),
        ..Figures::default()
    };
    for sample in 0..samples {
        eprintln!("==> launch {}/{samples}", sample + 1);
        let started = Instant::now();
        let client = driver.app(binary).await;
        let outcome = caught(cold_start(&client, binary, started, &mut figures)).await;
        let _ = client.close().await;
        outcome.map_err(anyhow::Error::msg)??;
        wait_for_exit(binary).await;
    }

    eprintln!("==> opening the {BIG_SESSION_MESSAGES}-message session");
    let client = driver.app(binary).await;
    let outcome = caught(async {
        find(&client, "#new-session").await;
        let pid = pid_of(binary).context("the app's process is gone")?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        figures.memory[0] = tree_memory(pid);
        let mut open = Vec::new();
        for _ in 0..samples {
            open_session(&client, SMALL_SESSION, 2).await?;
            open.push(open_session(&client, BIG_SESSION, UI_PAGE).await?);
        }
        figures.rendered_messages = open.first().map_or(0, |o| o.count);
        figures.opens = [
            open.iter().map(|o| o.dom).collect(),
            open.iter().map(|o| o.painted).collect(),
        ];
        tokio::time::sleep(Duration::from_millis(500)).await;
        figures.memory[1] = tree_memory(pid);
        eprintln!("==> streaming {STREAM_CHUNKS} chunks");
        let streaming = stream(&client).await;
        keep_delays(work, &streaming, "");
        if let Err(error) = &streaming {
            eprintln!("streaming failed: {error}");
            if let Ok(png) = client.screenshot().await {
                let _ = fs::write(work.join("streaming-failed.png"), png);
            }
        }
        figures.streaming = Some(streaming);
        Ok::<_, anyhow::Error>(())
    })
    .await;
    let _ = client.close().await;
    outcome.map_err(anyhow::Error::msg)??;
    drop(driver);
    wait_for_exit(binary).await;

    // The same streams with WebKit painting on the CPU, in a fresh home.
    eprintln!("==> streaming {STREAM_CHUNKS} chunks again with {CPU_RENDERING}=1");
    let streaming = caught(stream_on_cpu(binary, work))
        .await
        .and_then(|runs| runs);
    keep_delays(work, &streaming, "-cpu");
    if let Err(error) = &streaming {
        eprintln!("streaming with {CPU_RENDERING}=1 failed: {error}");
    }
    figures.streaming_cpu = Some(streaming);
    Ok(figures)
}

/// Each run's raw delays (chunk order) in `work/stream-{pause}ms{suffix}.json`.
fn keep_delays(work: &Path, streaming: &Result<Vec<Streaming>, String>, suffix: &str) {
    for run in streaming.iter().flatten() {
        let name = format!("stream-{}ms{suffix}.json", run.pause.as_millis());
        let _ = fs::write(work.join(name), json!(run.delays).to_string());
    }
}

/// [`stream`] in an app whose WebKit paints with Skia on the CPU.
async fn stream_on_cpu(binary: &Path, work: &Path) -> Result<Vec<Streaming>, String> {
    let log = work.join("webdriver-cpu.log");
    let driver = start_driver(&work.join("home-cpu"), true, &log).await;
    let driver = driver.map_err(|error| format!("{error:#}"))?;
    let client = driver.app(binary).await;
    let streaming = stream(&client).await;
    let _ = client.close().await;
    drop(driver);
    wait_for_exit(binary).await;
    streaming
}

// -------------------------------------------------------------- cold start

async fn cold_start(
    client: &Client,
    binary: &Path,
    started: Instant,
    figures: &mut Figures,
) -> Result<()> {
    find(client, "#new-session").await;
    let to_ui = started.elapsed().as_secs_f64() * 1e3;
    figures.launches[2].push(to_ui);
    let pid = pid_of(binary).context("the app's process is gone")?;
    let start_ms = procs::start_ms(pid)?;
    // Paint timing entries appear once painted: wait a little for them.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let timing = client
            .execute(include_str!("paint_timing.js"), vec![])
            .await?;
        let origin = timing["origin"]
            .as_f64()
            .context("no performance.timeOrigin")?;
        let [fcp, load] =
            ["fcp", "load"].map(|key| timing[key].as_f64().map(|t| origin + t - start_ms));
        if (fcp.is_some() && load.is_some()) || Instant::now() > deadline {
            figures.launches[0].push(fcp.unwrap_or(f64::NAN));
            figures.launches[1].push(load.unwrap_or(f64::NAN));
            eprintln!(
                "    start → paint {fcp:.0?} ms, → load {load:.0?} ms, new-session → UI {to_ui:.0} ms"
            );
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ------------------------------------------------------------------ memory

/// VmRSS of `root` and its descendants, summed by process name (the app,
/// WebKitWebProcess, WebKitNetworkProcess, …).
fn tree_memory(root: u32) -> Memory {
    let mut rows = Memory::new();
    for process in procs::tree(root) {
        // The executable's name: `comm` is cut at 15 characters.
        let exe = fs::read_link(format!("/proc/{}/exe", process.pid)).unwrap_or_default();
        let name = exe
            .file_name()
            .map_or("?".into(), |n| n.to_string_lossy().into_owned());
        let Ok(memory) = procs::memory(process.pid) else {
            continue;
        };
        match rows.iter_mut().find(|row| row.0 == name) {
            Some(row) => (row.1, row.2) = (row.1 + 1, row.2 + memory.rss),
            None => rows.push((name, 1, memory.rss)),
        }
    }
    rows
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
    let total = match session {
        BIG_SESSION => BIG_SESSION_MESSAGES,
        _ => 2,
    };
    let last = seed::message_id(session, total - 1);
    find(
        client,
        &format!(".session-item[data-session-id=\"{session}\"]"),
    )
    .await;
    let arguments = vec![json!(session), json!(last), json!(expected)];
    let result = client
        .execute_async(include_str!("open_session.js"), arguments)
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
/// to `turn:event` and streams once per pause in [`STREAM_PAUSES`]; an
/// error (a panic included) is the reason it could not.
async fn stream(client: &Client) -> Result<Vec<Streaming>, String> {
    let runs = caught(async {
        find(client, "#new-session").await;
        let answer = Answer {
            pieces: (0..STREAM_CHUNKS).map(|i| format!("{i} ")).collect(),
            pause: STREAM_PAUSES[0],
            usage: json!({"prompt_tokens": 20, "completion_tokens": STREAM_CHUNKS,
                          "total_tokens": STREAM_CHUNKS + 20}),
        };
        let provider = FakeOpenAi::start(API_KEY, answer).await;
        // The provider's endpoint and key, as a user sets them.
        click(client, "#open-settings").await;
        let openai = "#settings-panel [data-provider=\"openai\"]";
        let input = |name: &str| format!("{openai} input[name=\"{name}\"]");
        fill(client, &input("base-url"), &provider.base_url).await;
        fill(client, &input("api-key"), API_KEY).await;
        click(client, "#settings-save").await;
        wait_text(client, &format!("{openai} [data-key-state]"), |t| {
            t.contains("Key set")
        })
        .await;
        click(client, "#settings-close").await;
        wait_gone(client, "#settings-panel").await;

        // The small session (provider openai, a model set) and the listener.
        open_session(client, SMALL_SESSION, 2).await?;
        let listening = client
            .execute_async(include_str!("listen.js"), vec![])
            .await?;
        if listening != json!(true) {
            bail!("could not listen to turn:event: {listening}");
        }
        let mut runs = Vec::new();
        for &pause in STREAM_PAUSES {
            let answer = provider.answer.lock();
            answer.map_err(|_| anyhow::anyhow!("poisoned"))?.pause = pause;
            runs.push(stream_once(client, &provider, pause).await?);
        }
        Ok(runs)
    });
    runs.await?.map_err(|error| format!("{error:#}"))
}

async fn stream_once(client: &Client, provider: &FakeOpenAi, pause: Duration) -> Result<Streaming> {
    let (offset, offset_error) = clock_offset(client).await?;
    client
        .execute("window.__parlorBench.length = 0;", vec![])
        .await?;
    fill(client, "#composer", "Count to two thousand, please.").await;
    click(client, "#send").await;
    // No WebDriver command while the chunks flow: each one is a script run on
    // the page's main thread (and the app's), which would delay the events
    // it is there to measure. Poll only once the stream should be over.
    let nominal = pause * u32::try_from(STREAM_CHUNKS).unwrap_or(u32::MAX);
    tokio::time::sleep(nominal + nominal / 10).await;
    let deadline = Instant::now() + Duration::from_secs(180);
    let finished =
        "return window.__parlorBench.some(([t, e]) => e.type === 'finish' || e.type === 'error');";
    while client.execute(finished, vec![]).await? != json!(true) {
        if Instant::now() > deadline {
            bail!("the stream did not finish within 180 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let events = "return window.__parlorBench.map(([t, e]) =>
                      [t, e.type, e.type === 'contentDelta' ? e.text : (e.message || '')]);";
    let events = client.execute(events, vec![]).await?;
    // The turn ends (Stop gives way to Send) before the next one starts.
    wait_gone(client, "#stop").await;
    let mut content = Vec::new();
    for event in events.as_array().context("no events")? {
        // The page's clock, moved onto the bench's.
        let time = event[0].as_f64().unwrap_or(f64::NAN) - offset;
        match event[1].as_str() {
            Some("contentDelta") => {
                content.push((time, event[2].as_str().unwrap_or_default().to_owned()))
            }
            Some("error") => bail!("the turn failed: {}", event[2]),
            _ => {}
        }
    }
    let sent = provider.seen.lock().map(|seen| seen.sent.clone());
    let sent = sent.unwrap_or_default();
    let delays = match_delays(&content, &sent);
    if delays.is_empty() {
        let (events, chunks) = (content.len(), sent.len());
        bail!("no chunk matched ({events} events, {chunks} chunks sent)");
    }
    let span_ms = content.last().map_or(0.0, |e| e.0) - sent.first().copied().unwrap_or(0.0);
    let [p50, p99, max] = [0.5, 0.99, 1.0].map(|q| percentile(&delays, q));
    eprintln!(
        "    {} ms apart: {} chunks in {} events: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms \
         (page clock {offset:+.2} ± {offset_error:.2} ms)",
        pause.as_millis(),
        delays.len(),
        content.len(),
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
        let page = client.execute("return performance.timeOrigin + performance.now();", vec![]);
        let page = page.await?.as_f64().context("no page time")?;
        let after = now_ms();
        let half = (after - before) / 2.0;
        if half < best.1 {
            best = (page - (before + half), half);
        }
    }
    Ok(best)
}

fn webkit_version() -> String {
    let query = ["-W", "-f", "${Version}", "libwebkit2gtk-4.1-0"];
    let version = crate::cmd::output(Command::new("dpkg-query").args(query));
    let version = version.unwrap_or_else(|_| "(version unknown)".to_owned());
    format!("WebKitGTK {}", version.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_memory_by_process_name() {
        let rows = tree_memory(std::process::id());
        let own = rows.iter().find(|row| row.0.starts_with("xtask"));
        assert!(own.is_some_and(|row| row.1 == 1 && row.2 > 0), "{rows:?}");
    }
}
