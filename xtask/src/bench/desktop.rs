//! The desktop half of the bench (`cargo xtask bench desktop`): the Tauri
//! app with its Yew UI in WebKitGTK, driven over WebDriver
//! (`WebKitWebDriver`) as `tests/e2e_app.rs` drives it.
//!
//! - the wasm bundle: `ui/dist/ui_bg.wasm` and its JS glue, raw and gzip;
//! - cold start: process start (from `/proc/PID/stat`) to the webview's
//!   first contentful paint, median of several launches;
//! - opening a 10,000-message session (seeded straight into the app's
//!   SQLite file before it starts): click in the sidebar to its latest page
//!   of messages in the DOM and painted, timed inside the page;
//! - memory: VmRSS of the app and its WebKit processes;
//! - streaming overhead: a fake OpenAI provider streams 2,000 numbered
//!   chunks; each chunk's write time against the time the UI's
//!   `turn:event` listener sees it (same machine, same wall clock); then
//!   the same in a second app whose WebKit paints on the CPU
//!   (`WEBKIT_SKIA_ENABLE_CPU_RENDERING=1`) instead of through OpenGL.
//!
//! The app needs a display and a D-Bus session with an unlocked keyring:
//! the WebDriver server (and so the app it starts) runs inside
//! `dbus-run-session` with gnome-keyring, and inside `xvfb-run` when
//! `DISPLAY` is unset (the recipe of `cargo xtask e2e`).

mod app;
mod provider;
mod seed;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use flate2::Compression;
use flate2::write::GzEncoder;

use self::app::CPU_RENDERING;
use super::Options;
use super::report::{Report, Section, Table, Target, bytes, median, millis};
use crate::{cmd, ui};

/// Messages in the big session.
pub const BIG_SESSION_MESSAGES: usize = 10_000;
/// Content chunks the fake provider streams.
pub const STREAM_CHUNKS: usize = 2_000;
/// Pauses between chunks, one stream each: 200 chunks/s (faster than models
/// stream today; the target's run) and 50 chunks/s (a fast model).
pub const STREAM_PAUSES: &[Duration] = &[Duration::from_millis(5), Duration::from_millis(20)];

const WASM_GZIP_TARGET: u64 = 500 * 1024;
const COLD_START_TARGET: Duration = Duration::from_millis(1_500);
const OPEN_TARGET: Duration = Duration::from_millis(300);
const STREAM_P99_TARGET: Duration = Duration::from_millis(5);

/// Runs every desktop measurement and adds them to `report`.
pub fn run(options: &Options, report: &mut Report) -> Result<()> {
    bundle(report)?;
    let (profile, built) = build(report)?;
    let work = tempfile::Builder::new()
        .prefix("parlor-bench-desktop-")
        .tempdir()
        .context("no temporary directory")?;
    // A copy: someone else's rebuild cannot swap the binary mid-run, and
    // the app's processes are found by this path.
    let binary = work.path().join("parlor");
    fs::copy(&built, &binary).with_context(|| format!("could not copy {}", built.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    // Five launches and opens take about a minute: `--quick` keeps them.
    let samples = 5;
    let outcome = runtime.block_on(app::measure(&binary, work.path(), samples));
    if options.keep {
        let kept = work.keep();
        eprintln!(
            "kept the app's home, database and logs in {}",
            kept.display()
        );
    }
    let figures = outcome?;
    figures.write(report, &profile, samples);
    Ok(())
}

/// The app's build profile: release, as shipped, unless
/// `PARLOR_BENCH_APP_PROFILE=debug` (a cold release build of the Tauri app
/// takes about ten minutes on two cores).
fn build(report: &mut Report) -> Result<(String, PathBuf)> {
    let debug = std::env::var("PARLOR_BENCH_APP_PROFILE").is_ok_and(|p| p == "debug");
    let (binary, line) = cmd::build_binary("parlor", debug)?;
    report.commands.push(if debug {
        format!("PARLOR_BENCH_APP_PROFILE=debug {line}")
    } else {
        line
    });
    let profile = if debug { "debug" } else { "release" };
    Ok((profile.to_owned(), binary))
}

// ------------------------------------------------------------------ bundle

/// Raw and gzip (level 9) sizes of a file.
fn sizes(path: &Path) -> Result<(u64, u64)> {
    let raw = fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    Ok((raw.len() as u64, gzip_len(&raw)?))
}

fn gzip_len(data: &[u8]) -> Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?.len() as u64)
}

fn bundle(report: &mut Report) -> Result<()> {
    ui::build()?;
    report.commands.push("cargo xtask ui".to_owned());
    let dist = cmd::workspace_root().join("ui/dist");
    let mut table = Table::new(&["file", "raw", "gzip -9"]);
    let mut wasm_gzip = 0;
    let mut total = (0, 0);
    for name in [
        "ui_bg.wasm",
        "ui.js",
        "index.js",
        "index.html",
        "app.css",
        "chat.css",
    ] {
        let path = dist.join(name);
        if !path.exists() {
            continue;
        }
        let (raw, gzip) = sizes(&path)?;
        if name == "ui_bg.wasm" {
            wasm_gzip = gzip;
        }
        total = (total.0 + raw, total.1 + gzip);
        table.row(vec![format!("`{name}`"), bytes(raw), bytes(gzip)]);
    }
    table.row(vec!["all".to_owned(), bytes(total.0), bytes(total.1)]);
    report.sections.push(Section {
        title: "Desktop: the UI bundle".to_owned(),
        text: vec![
            "`ui/dist` as `cargo xtask ui` builds it (wasm-release profile, wasm-bindgen \
             glue `ui.js`), gzip at level 9. The app embeds these files and serves them \
             from memory; gzip is what a download of the bundle would cost."
                .to_owned(),
        ],
        table,
    });
    report.targets.push(Target {
        what: "Desktop: wasm bundle, gzip".to_owned(),
        target: format!("≤ {}", bytes(WASM_GZIP_TARGET)),
        measured: bytes(wasm_gzip),
        met: wasm_gzip > 0 && wasm_gzip <= WASM_GZIP_TARGET,
    });
    Ok(())
}

// ------------------------------------------------------------------ figures

pub use crate::support::percentile;

fn ms(value: f64) -> Duration {
    Duration::from_secs_f64(value.max(0.0) / 1e3)
}

fn ms_text(value: f64) -> String {
    if value.is_nan() {
        "n/a".to_owned()
    } else if value < 0.0 {
        format!("−{}", millis(ms(-value)))
    } else {
        millis(ms(value))
    }
}

/// Everything the app measurements found (milliseconds unless noted).
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub webkit_version: String,
    /// Per launch: process start → first contentful paint (NaN if none).
    pub start_to_paint: Vec<f64>,
    /// Per launch: process start → `loadEventEnd`.
    pub start_to_load: Vec<f64>,
    /// Per launch: WebDriver new-session request → `#new-session` found.
    pub session_to_ui: Vec<f64>,
    /// Per open of the big session: click → latest page in the DOM.
    pub open_dom: Vec<f64>,
    /// … and the next frame painted.
    pub open_painted: Vec<f64>,
    pub rendered_messages: usize,
    /// (process name, count, VmRSS bytes), idle after start.
    pub memory_idle: Vec<(String, usize, u64)>,
    /// … after opening the big session.
    pub memory_open: Vec<(String, usize, u64)>,
    /// The streaming run, or why it failed.
    pub streaming: Vec<Streaming>,
    pub streaming_error: String,
    /// The same with WebKit's CPU renderer (`app::CPU_RENDERING`).
    pub streaming_cpu: Vec<Streaming>,
    pub streaming_cpu_error: String,
}

/// Chunk written → UI event received, per chunk.
#[derive(Debug, Clone, Default)]
pub struct Streaming {
    pub pause: Duration,
    /// Chunk written → UI event received, per chunk, ms.
    pub delays: Vec<f64>,
    pub events: usize,
    pub chunks_sent: usize,
    /// Wall time from the first chunk written to the last event received.
    pub span_ms: f64,
    /// The page clock's offset subtracted from its times, and its error.
    pub clock_offset_ms: f64,
    pub clock_error_ms: f64,
}

impl Figures {
    fn write(&self, report: &mut Report, profile: &str, samples: usize) {
        let build_note = if profile == "release" {
            "The app is the release build (`cargo build -p parlor --release`).".to_owned()
        } else {
            "**The app is the debug build** (`PARLOR_BENCH_APP_PROFILE=debug`): its Rust \
             side is unoptimised, so these figures are pessimistic for the shell (the \
             wasm UI is the same release bundle either way)."
                .to_owned()
        };

        // Cold start.
        let paint = median(&self.start_to_paint);
        let load = median(&self.start_to_load);
        let mut table = Table::new(&["from → to", "median", "min", "max"]);
        for (what, values) in [
            (
                "process start → first contentful paint",
                &self.start_to_paint,
            ),
            ("process start → `loadEventEnd`", &self.start_to_load),
            (
                "WebDriver new-session → `#new-session` found",
                &self.session_to_ui,
            ),
        ] {
            table.row(vec![
                what.to_owned(),
                ms_text(median(values)),
                ms_text(percentile(values, 0.0)),
                ms_text(percentile(values, 1.0)),
            ]);
        }
        report.sections.push(Section {
            title: "Desktop: cold start to first paint".to_owned(),
            text: vec![format!(
                "{build_note} {samples} launches under Xvfb (1280×800×24), each a fresh \
                     WebDriver session that starts the app with the seeded database. The \
                     reported figure is the app process's start time (`/proc/PID/stat` \
                     starttime, 10 ms resolution) to the webview's `first-contentful-paint` \
                     entry (`performance.timeOrigin` + `startTime`, same wall clock). The \
                     WebDriver figure also counts WebKitWebDriver's own work and the \
                     polling for the element. {}.",
                self.webkit_version
            )],
            table,
        });
        let (start_figure, start_label) = if paint.is_nan() {
            (load, "load event (no paint timing)")
        } else {
            (paint, "first contentful paint")
        };
        report.targets.push(Target {
            what: format!("Desktop: cold start to {start_label}, median"),
            target: format!("≤ {}", millis(COLD_START_TARGET)),
            measured: ms_text(start_figure),
            met: !start_figure.is_nan() && ms(start_figure) <= COLD_START_TARGET,
        });

        // Opening the big session.
        let open = median(&self.open_painted);
        let mut table = Table::new(&["click → …", "first", "median", "max"]);
        for (what, values) in [
            ("latest page in the DOM", &self.open_dom),
            ("… and the next frame painted", &self.open_painted),
        ] {
            table.row(vec![
                what.to_owned(),
                ms_text(values.first().copied().unwrap_or(f64::NAN)),
                ms_text(median(values)),
                ms_text(percentile(values, 1.0)),
            ]);
        }
        report.sections.push(Section {
            title: format!(
                "Desktop: opening a {}-message session",
                thousands(BIG_SESSION_MESSAGES)
            ),
            text: vec![format!(
                "{} messages (alternating questions and Markdown answers \
                 of a few hundred bytes, every fifth answer with a code block) written into \
                 the app's SQLite file before it starts. Timed inside the page: a script \
                 clicks the session in the sidebar and a MutationObserver waits until the \
                 latest page is in the DOM — the UI loads the last {} messages and offers \
                 \"Load earlier messages\" for the rest, so \"rendered\" means those {} \
                 `article.msg` elements, the newest one included; then one \
                 `requestAnimationFrame` + `setTimeout(0)` for the frame to be painted. \
                 {} opens, switching to a two-message session between them; the first is \
                 the first open after start.",
                thousands(BIG_SESSION_MESSAGES),
                app::UI_PAGE,
                self.rendered_messages,
                self.open_painted.len()
            )],
            table,
        });
        report.targets.push(Target {
            what: format!(
                "Desktop: open a {}-message session, median",
                thousands(BIG_SESSION_MESSAGES)
            ),
            target: format!("≤ {}", millis(OPEN_TARGET)),
            measured: ms_text(open),
            met: !open.is_nan() && ms(open) <= OPEN_TARGET,
        });

        // Memory.
        let mut table = Table::new(&["process", "count", "idle after start", "after opening"]);
        let total = |rows: &[(String, usize, u64)]| rows.iter().map(|r| r.2).sum::<u64>();
        for (name, count, idle) in &self.memory_idle {
            let open = self
                .memory_open
                .iter()
                .find(|row| &row.0 == name)
                .map_or(0, |row| row.2);
            table.row(vec![
                format!("`{name}`"),
                count.to_string(),
                bytes(*idle),
                bytes(open),
            ]);
        }
        table.row(vec![
            "all".to_owned(),
            String::new(),
            bytes(total(&self.memory_idle)),
            bytes(total(&self.memory_open)),
        ]);
        report.sections.push(Section {
            title: "Desktop: memory".to_owned(),
            text: vec![
                "VmRSS summed over the app's process tree (the app, WebKitWebProcess, \
                 WebKitNetworkProcess and any helpers) from `/proc`: once the UI is up, \
                 and after the 10,000-message session is open. Shared pages count once \
                 per process, so the total overstates the unique memory."
                    .to_owned(),
            ],
            table,
        });

        // Streaming.
        let Some(first) = self.streaming.first() else {
            report.sections.push(Section {
                title: "Desktop: streaming overhead".to_owned(),
                text: vec![format!("Not measured: {}", self.streaming_error)],
                table: Table::default(),
            });
            report.targets.push(Target {
                what: "Desktop: chunk written → UI event, p99".to_owned(),
                target: format!("≤ {}", millis(STREAM_P99_TARGET)),
                measured: "failed".to_owned(),
                met: false,
            });
            return;
        };
        let mut table = Table::new(&[
            "WebKit painting",
            "chunks apart",
            "part",
            "UI events",
            "p50",
            "p99",
            "max",
        ]);
        let renderers = [
            ("GPU (default)", &self.streaming),
            ("CPU", &self.streaming_cpu),
        ];
        for (renderer, runs) in renderers {
            for run in runs {
                let row = |part: String, events: String, values: &[f64]| {
                    vec![
                        renderer.to_owned(),
                        millis(run.pause),
                        part,
                        events,
                        ms_text(percentile(values, 0.5)),
                        ms_text(percentile(values, 0.99)),
                        ms_text(percentile(values, 1.0)),
                    ]
                };
                table.row(row(
                    format!("all {} of {}", run.delays.len(), run.chunks_sent),
                    run.events.to_string(),
                    &run.delays,
                ));
                // By quarter of the stream: a delay that grows with the
                // answer's length points at re-rendering the whole answer.
                let quarter = run.delays.len().div_ceil(4).max(1);
                for (i, part) in run.delays.chunks(quarter).enumerate() {
                    table.row(row(format!("quarter {}", i + 1), String::new(), part));
                }
            }
        }
        let spans: Vec<String> = renderers
            .iter()
            .flat_map(|(renderer, runs)| runs.iter().map(move |run| (renderer, run)))
            .map(|(renderer, run)| {
                format!(
                    "{renderer}, {} apart: {} from the first chunk written to the last event seen \
                     ({} nominal), page clock {:+.2} ms ± {:.2} ms",
                    millis(run.pause),
                    millis(ms(run.span_ms)),
                    millis(run.pause * u32::try_from(run.chunks_sent).unwrap_or(u32::MAX)),
                    run.clock_offset_ms,
                    run.clock_error_ms
                )
            })
            .collect();
        let cpu_note = if self.streaming_cpu.is_empty() {
            format!(
                "The run with `{CPU_RENDERING}=1` failed: {}.",
                self.streaming_cpu_error
            )
        } else {
            format!(
                "\"GPU (default)\" is WebKitGTK as it starts: Skia paints through OpenGL, which \
                 under Xvfb (no GPU) is Mesa's software rasteriser. \"CPU\" is the same \
                 streams in a second app started with `{CPU_RENDERING}=1` (a fresh home, \
                 the same seed), where Skia paints on the CPU."
            )
        };
        report.sections.push(Section {
            title: "Desktop: streaming overhead".to_owned(),
            text: vec![
                format!(
                    "A fake OpenAI provider (raw tokio TCP, chunked HTTP/1.1 \
                     `text/event-stream`, `TCP_NODELAY`) streams {} \
                     `chat.completion.chunk` events into the two-message session, chunk \
                     i's content being `\"i \"`, and records the wall clock right after \
                     writing each chunk. A listener injected over WebDriver \
                     (`window.__TAURI__.event.listen('turn:event', …)`) records \
                     `performance.timeOrigin + performance.now()` per event; chunks are \
                     matched by the indices in the event's text (an event carrying several \
                     chunks counts for each). The page's clock is put onto the bench's by \
                     the fastest of 20 WebDriver round trips before each stream (± half \
                     that round trip). The delay covers the app's HTTP client, SSE parsing, \
                     chat-core, the store's checkpoints, the Tauri event and the webview's \
                     IPC — and any wait for the page's main thread, which also runs the \
                     UI's re-render of the streaming answer after each event.",
                    thousands(STREAM_CHUNKS)
                ),
                format!("{}.", spans.join("; ")),
                cpu_note,
            ],
            table,
        });
        let p50 = percentile(&first.delays, 0.5);
        let p99 = percentile(&first.delays, 0.99);
        report.targets.push(Target {
            what: format!(
                "Desktop: chunk written → UI event, p99 ({} chunks {} apart)",
                thousands(STREAM_CHUNKS),
                millis(first.pause)
            ),
            target: format!("≤ {}", millis(STREAM_P99_TARGET)),
            measured: format!("{} (p50 {})", ms_text(p99), ms_text(p50)),
            met: !p99.is_nan() && ms(p99) <= STREAM_P99_TARGET,
        });
        if let Some(cpu) = self.streaming_cpu.first() {
            let p50 = percentile(&cpu.delays, 0.5);
            let p99 = percentile(&cpu.delays, 0.99);
            report.targets.push(Target {
                what: format!(
                    "Desktop: the same with `{CPU_RENDERING}=1` ({} apart)",
                    millis(cpu.pause)
                ),
                target: format!("≤ {}", millis(STREAM_P99_TARGET)),
                measured: format!("{} (p50 {})", ms_text(p99), ms_text(p50)),
                met: !p99.is_nan() && ms(p99) <= STREAM_P99_TARGET,
            });
        }
    }
}

/// `10000` as `10,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The delays (ms) of the chunks found in UI events: `events` are (time
/// received, text), `sent[i]` the time chunk i was written.
pub fn match_delays(events: &[(f64, String)], sent: &[f64]) -> Vec<f64> {
    let mut seen = vec![false; sent.len()];
    let mut delays = Vec::new();
    for (received, text) in events {
        for index in text
            .split_whitespace()
            .filter_map(|w| w.parse::<usize>().ok())
        {
            if let Some(at) = sent.get(index)
                && !seen[index]
            {
                seen[index] = true;
                delays.push(received - at);
            }
        }
    }
    delays
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2_000), "2,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn chunks_match_by_index() {
        let sent = [100.0, 110.0, 120.0];
        let events = [
            (101.5, "0 ".to_owned()),
            (125.0, "1 2 ".to_owned()),
            (130.0, "2 ".to_owned()),
        ];
        assert_eq!(match_delays(&events, &sent), [1.5, 15.0, 5.0]);
        assert!(match_delays(&[(1.0, "7 x".to_owned())], &sent).is_empty());
    }

    #[test]
    fn gzip_shrinks_repetitive_data() {
        let data = vec![b'a'; 100_000];
        let gz = gzip_len(&data).unwrap();
        assert!(gz > 18 && gz < 1_000, "{gz}");
    }
}
