//! The desktop half of the bench (`cargo xtask bench desktop`): the Tauri
//! app with its Yew UI in WebKitGTK, driven over WebDriver
//! (`WebKitWebDriver`) with the helpers `tests/e2e_app.rs` uses.
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
mod seed;

use std::fs;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::report::{Report, Rows, Target, bytes, median, millis, thousands};
use super::{Options, gzip_best};
use crate::cmd::{self, Build};
use crate::run::CPU_RENDERING;
use crate::support::{self, percentile};
use crate::ui;

/// Messages in the big session.
pub const BIG_SESSION_MESSAGES: usize = 10_000;
/// Content chunks the fake provider streams.
pub const STREAM_CHUNKS: usize = 2_000;
/// Pauses between chunks, one stream each: 200 chunks/s (faster than models
/// stream today; the target's run) and 50 chunks/s (a fast model).
pub const STREAM_PAUSES: &[Duration] = &[Duration::from_millis(5), Duration::from_millis(20)];
/// Launches, and opens of the big session: about a minute, `--quick` too.
const SAMPLES: usize = 5;

const WASM_GZIP_TARGET: u64 = 500 * 1024;
const COLD_START_TARGET: Duration = Duration::from_millis(1_500);
const OPEN_TARGET: Duration = Duration::from_millis(300);
const STREAM_P99_TARGET: Duration = Duration::from_millis(5);

/// Runs every desktop measurement and adds them to `report`.
pub fn run(options: &Options, report: &mut Report) -> Result<()> {
    let bundle = bundle(report)?;
    // The app's build profile: release, as shipped, unless
    // `PARLOR_BENCH_APP_PROFILE=debug` (a cold release build of the Tauri
    // app takes about ten minutes on two cores).
    let debug = std::env::var("PARLOR_BENCH_APP_PROFILE").is_ok_and(|p| p == "debug");
    let build = if debug { Build::Debug } else { Build::Release };
    let (work, binary, line) = support::private_build("parlor", build, "parlor-bench-desktop-")?;
    let build = if debug {
        format!("PARLOR_BENCH_APP_PROFILE=debug {line}")
    } else {
        line
    };
    let runtime = support::runtime(2)?;
    let outcome = runtime.block_on(app::measure(&binary, work.path(), SAMPLES));
    support::keep_if(options.keep, work, "the app's home, database and logs");
    let mut figures = outcome?.write(&mut report.targets);
    figures["build"] = json!(build);
    figures["debug"] = json!(debug);
    figures["bundle"] = json!(bundle);
    report.parts.insert("desktop".to_owned(), figures);
    Ok(())
}

/// `ui/dist`'s files by name, raw and gzip -9, and the wasm bundle's target.
fn bundle(report: &mut Report) -> Result<Rows> {
    ui::build()?;
    let dist = fs::read_dir(cmd::workspace_root().join("ui/dist"))?;
    let mut paths = dist
        .map(|entry| Ok(entry?.path()))
        .collect::<Result<Vec<_>>>()?;
    paths.sort();
    let (mut rows, mut all, mut wasm_gzip): (Rows, (u64, u64), u64) = Default::default();
    for path in paths {
        let file = fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
        let (raw, gzip) = (file.len() as u64, gzip_best(&file).len() as u64);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name == "ui_bg.wasm" {
            wasm_gzip = gzip;
        }
        all = (all.0 + raw, all.1 + gzip);
        rows.push(vec![format!("`{name}`"), bytes(raw), bytes(gzip)]);
    }
    rows.push(vec!["all".to_owned(), bytes(all.0), bytes(all.1)]);
    let met = wasm_gzip > 0 && wasm_gzip <= WASM_GZIP_TARGET;
    let target = format!("≤ {}", bytes(WASM_GZIP_TARGET));
    let what = "Desktop: wasm bundle, gzip";
    report
        .targets
        .push(Target::new(what, &target, bytes(wasm_gzip), met));
    Ok(rows)
}

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

/// A target on a figure in milliseconds (NaN: not measured, missed).
fn ms_target(what: String, target: Duration, value: f64, measured: String) -> Target {
    let met = !value.is_nan() && ms(value) <= target;
    Target::new(what, &format!("≤ {}", millis(target)), measured, met)
}

/// A row per figure: its name, then what `shown` makes of its values.
fn stat_rows(names: &[&str], values: &[Vec<f64>], shown: fn(&[f64]) -> [String; 3]) -> Rows {
    let rows = names.iter().zip(values);
    let row = |(what, values): (&&str, &Vec<f64>)| {
        [vec![(*what).to_owned()], shown(values).to_vec()].concat()
    };
    rows.map(row).collect()
}

/// What is timed per launch, in the order of [`Figures::launches`].
const LAUNCH: [&str; 3] = [
    "process start → first contentful paint",
    "process start → `loadEventEnd`",
    "WebDriver new-session → `#new-session` found",
];
/// What is timed per open of the big session (click → …), in the order of
/// [`Figures::opens`].
const OPEN: [&str; 2] = ["latest page in the DOM", "… and the next frame painted"];

/// (process name, count, VmRSS bytes) of the app's process tree.
pub type Memory = Vec<(String, usize, u64)>;

/// Everything the app measurements found (milliseconds unless noted).
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub webkit_version: String,
    /// Per launch: [`LAUNCH`] (NaN where the page had no such entry).
    pub launches: [Vec<f64>; 3],
    /// Per open of the big session: [`OPEN`].
    pub opens: [Vec<f64>; 2],
    pub rendered_messages: usize,
    /// Idle after start, and after opening the big session.
    pub memory: [Memory; 2],
    /// The streaming runs with WebKit's default (GPU) painting, or why they
    /// failed (`None`: not run).
    pub streaming: Option<Streams>,
    /// The same with WebKit's CPU painting ([`CPU_RENDERING`]).
    pub streaming_cpu: Option<Streams>,
}

/// Streaming runs, or why they failed.
pub type Streams = Result<Vec<Streaming>, String>;

fn ran(streams: &Option<Streams>) -> Streams {
    streams.clone().unwrap_or_else(|| Err("not run".to_owned()))
}

/// One stream: chunk written → UI event received.
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
    /// The figures the desktop sections of BENCHMARKS.md.in show; adds the targets.
    fn write(&self, targets: &mut Vec<Target>) -> Value {
        let cold_start = stat_rows(&LAUNCH, &self.launches, |values| {
            let [min, max] = [0.0, 1.0].map(|q| ms_text(percentile(values, q)));
            [ms_text(median(values)), min, max]
        });
        let [paint, load, _] = self.launches.each_ref().map(|values| median(values));
        let (start, label) = match paint.is_nan() {
            true => (load, "load event (no paint timing)"),
            false => (paint, "first contentful paint"),
        };
        let what = format!("Desktop: cold start to {label}, median");
        targets.push(ms_target(what, COLD_START_TARGET, start, ms_text(start)));

        let open = stat_rows(&OPEN, &self.opens, |values| {
            let first = values.first().copied().unwrap_or(f64::NAN);
            [first, median(values), percentile(values, 1.0)].map(ms_text)
        });
        let messages = thousands(BIG_SESSION_MESSAGES);
        let opened = median(&self.opens[1]);
        let what = format!("Desktop: open a {messages}-message session, median");
        targets.push(ms_target(what, OPEN_TARGET, opened, ms_text(opened)));

        let [idle, after] = &self.memory;
        let total = |rows: &Memory| bytes(rows.iter().map(|r| r.2).sum::<u64>());
        let mut memory: Rows = Vec::new();
        for (name, count, rss) in idle {
            let open = after.iter().find(|row| &row.0 == name);
            let open = bytes(open.map_or(0, |row| row.2));
            memory.push(vec![
                format!("`{name}`"),
                count.to_string(),
                bytes(*rss),
                open,
            ]);
        }
        memory.push(vec!["all".into(), String::new(), total(idle), total(after)]);

        let mut figures = json!({
            "samples": self.launches[0].len(), "webkit": self.webkit_version,
            "cold_start": cold_start, "messages": messages, "ui_page": app::UI_PAGE,
            "rendered": self.rendered_messages, "opens": self.opens[1].len(), "open": open,
            "memory": memory, "chunks": thousands(STREAM_CHUNKS), "cpu_variable": CPU_RENDERING,
            "cpu_error": ran(&self.streaming_cpu).err(),
        });
        match &ran(&self.streaming) {
            Ok(streaming) => self.streaming_figures(streaming, &mut figures, targets),
            Err(error) => {
                figures["streaming_error"] = json!(error);
                let (what, failed) = ("Desktop: chunk written → UI event, p99", "failed");
                let target = ms_target(what.into(), STREAM_P99_TARGET, f64::NAN, failed.into());
                targets.push(target);
            }
        }
        figures
    }

    /// The streaming table (each run whole and by quarter: a delay that grows
    /// with the answer's length points at re-rendering the whole answer),
    /// each run's span, and a target on the first run of each renderer.
    fn streaming_figures(&self, gpu: &[Streaming], figures: &mut Value, targets: &mut Vec<Target>) {
        let cpu = ran(&self.streaming_cpu).unwrap_or_default();
        let cpu = cpu.as_slice();
        let (mut rows, mut runs): (Rows, Vec<Value>) = Default::default();
        for (renderer, streams) in [("GPU (default)", gpu), ("CPU", cpu)] {
            for run in streams {
                let quarter = run.delays.len().div_ceil(4).max(1);
                let all = format!("all {} of {}", run.delays.len(), run.chunks_sent);
                let parts = std::iter::once((all, run.events.to_string(), run.delays.as_slice()));
                let quarters = run.delays.chunks(quarter).enumerate();
                let parts = parts.chain(
                    quarters.map(|(i, part)| (format!("quarter {}", i + 1), String::new(), part)),
                );
                for (part, events, values) in parts {
                    let [p50, p99, max] = [0.5, 0.99, 1.0].map(|q| ms_text(percentile(values, q)));
                    rows.push(vec![
                        renderer.to_owned(),
                        millis(run.pause),
                        part,
                        events,
                        p50,
                        p99,
                        max,
                    ]);
                }
                let nominal = run.pause * u32::try_from(run.chunks_sent).unwrap_or(u32::MAX);
                runs.push(json!({
                    "renderer": renderer, "pause": millis(run.pause), "span": millis(ms(run.span_ms)),
                    "nominal": millis(nominal), "offset": format!("{:+.2} ms", run.clock_offset_ms),
                    "error": format!("{:.2} ms", run.clock_error_ms),
                }));
            }
        }
        figures["streaming"] = json!(rows);
        figures["runs"] = json!(runs);
        let chunks = thousands(STREAM_CHUNKS);
        for (streams, on_cpu) in [(gpu, false), (cpu, true)] {
            let Some(first) = streams.first() else {
                continue;
            };
            let [p50, p99] = [0.5, 0.99].map(|q| percentile(&first.delays, q));
            let pause = millis(first.pause);
            let what = if on_cpu {
                format!("Desktop: the same with `{CPU_RENDERING}=1` ({pause} apart)")
            } else {
                format!("Desktop: chunk written → UI event, p99 ({chunks} chunks {pause} apart)")
            };
            let measured = format!("{} (p50 {})", ms_text(p99), ms_text(p50));
            targets.push(ms_target(what, STREAM_P99_TARGET, p99, measured));
        }
    }
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
    fn figures_fill_the_layout_and_the_targets() {
        let stream = |pause| Streaming {
            pause,
            delays: (1..=8).map(f64::from).collect(),
            events: 8,
            chunks_sent: 8,
            span_ms: 100.0,
            clock_offset_ms: 0.5,
            clock_error_ms: 0.1,
        };
        let figures = Figures {
            launches: [vec![500.0, 600.0, 700.0], vec![400.0; 3], Vec::new()],
            opens: [Vec::new(), vec![250.0, 350.0]],
            memory: [vec![("parlor".into(), 1, 1024)], Vec::new()],
            streaming: Some(Ok(vec![stream(Duration::from_millis(5))])),
            streaming_cpu: Some(Err("no CPU painting".into())),
            ..Figures::default()
        };
        let mut targets = Vec::new();
        let map = figures.write(&mut targets);
        let met: Vec<(&str, bool)> = targets
            .iter()
            .map(|t| (t.measured.as_str(), t.met))
            .collect();
        assert_eq!(
            met,
            [
                ("600.0 ms", true),
                ("300.0 ms", true),
                ("8.00 ms (p50 4.00 ms)", false)
            ]
        );
        assert_eq!(map["cold_start"][0][1], "600.0 ms");
        assert_eq!(map["memory"][1], json!(["all", "", "1024 B", "0 B"]));
        assert_eq!(
            map["streaming"].as_array().map(Vec::len),
            Some(5),
            "all and 4 quarters"
        );
        assert_eq!(map["cpu_error"], "no CPU painting");
        assert_eq!(map["runs"][0]["offset"], "+0.50 ms");

        let failed = Figures::default().write(&mut targets);
        assert_eq!(failed["streaming_error"], "not run");
        assert_eq!(
            targets.last().map(|t| (t.measured.as_str(), t.met)),
            Some(("failed", false))
        );
    }
}
