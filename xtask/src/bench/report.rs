//! The bench's results as Markdown: the figures go into the layout of
//! `BENCHMARKS.md.in` (minijinja), printed to stderr and written to
//! `BENCHMARKS.md`, keeping the hand-written analysis below the marker.

use std::time::Duration;

use anyhow::Result;
use serde::Serialize;
use serde_json::{Map, Value};

/// Everything below this line in BENCHMARKS.md is written by people and kept
/// when the bench rewrites the figures above it.
pub const NOTES_MARKER: &str =
    "<!-- Hand-written notes below this line are kept by `cargo xtask bench`. -->";

/// The report's layout.
const TEMPLATE: &str = include_str!("BENCHMARKS.md.in");

/// A table's rows, each cell already formatted.
pub type Rows = Vec<Vec<String>>;

/// A performance target and whether this run met it.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub what: String,
    pub target: String,
    pub measured: String,
    pub met: bool,
}

impl Target {
    pub fn new(what: impl Into<String>, target: &str, measured: String, met: bool) -> Self {
        Self {
            what: what.into(),
            target: target.to_owned(),
            measured,
            met,
        }
    }

    /// A ratio that must stay at or below `limit`.
    pub fn ratio_at_most(what: impl Into<String>, limit: f64, value: f64) -> Self {
        Self::new(what, &format!("≤ {limit:?}×"), ratio(value), value <= limit)
    }

    /// A ratio that must reach `limit`.
    pub fn ratio_at_least(what: impl Into<String>, limit: f64, value: f64) -> Self {
        Self::new(what, &format!("≥ {limit:?}×"), ratio(value), value >= limit)
    }
}

/// Where and when the figures were taken.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub date: String,
    pub cores: usize,
    pub cpu: String,
    pub kernel: String,
    pub memory: String,
    pub load_before: String,
    pub load_after: String,
    pub tools: Vec<String>,
}

/// Everything one `cargo xtask bench` run found: the targets, and per part
/// (`server`, `desktop`) the figures its sections of the layout show.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub command: String,
    pub machine: Machine,
    #[serde(serialize_with = "target_rows")]
    pub targets: Vec<Target>,
    #[serde(flatten)]
    pub parts: Map<String, Value>,
}

fn target_rows<S: serde::Serializer>(targets: &[Target], serializer: S) -> Result<S::Ok, S::Error> {
    let met = |t: &Target| if t.met { "yes" } else { "**no**" }.to_owned();
    let rows: Rows = targets
        .iter()
        .map(|t| vec![t.what.clone(), t.target.clone(), t.measured.clone(), met(t)])
        .collect();
    rows.serialize(serializer)
}

impl Report {
    /// The generated part of BENCHMARKS.md.
    pub fn markdown(&self) -> Result<String> {
        crate::support::render(TEMPLATE, self)
    }
}

/// The new BENCHMARKS.md: the generated report, then the marker and
/// whatever was below the marker in the previous file.
pub fn merge_with_notes(generated: &str, previous: Option<&str>) -> String {
    let notes = previous
        .and_then(|text| text.split_once(NOTES_MARKER))
        .map(|(_, notes)| notes.trim_start_matches('\n'))
        .unwrap_or("\n## Notes\n\n(Analysis of missed targets goes here.)\n");
    format!("{}\n\n{NOTES_MARKER}\n{notes}", generated.trim_end())
}

// ---------------------------------------------------------------- formatting

pub fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1e3;
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1e3)
    } else if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

pub fn micros(duration: Duration) -> String {
    format!("{:.0} µs", duration.as_secs_f64() * 1e6)
}

pub fn rate(per_sec: f64) -> String {
    if per_sec >= 10_000.0 {
        format!("{:.1}k", per_sec / 1e3)
    } else {
        format!("{per_sec:.0}")
    }
}

pub fn ratio(value: f64) -> String {
    format!("{value:.2}×")
}

pub fn bytes(n: u64) -> String {
    if n >= 10 * 1024 * 1024 {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 10 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
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

/// The median of some figures (the mean of the middle two for even counts).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn report(parts: Value) -> Report {
        Report {
            command: "cargo xtask bench --quick".into(),
            machine: Machine {
                date: "2026-11-25 11:50 UTC".into(),
                cores: 2,
                cpu: "AMD EPYC".into(),
                kernel: "Linux".into(),
                memory: "23.5 GiB".into(),
                load_before: "0.1".into(),
                load_after: "0.2".into(),
                tools: vec!["wrk: 4.1".into(), "nginx: 1.22".into()],
            },
            targets: vec![
                Target::ratio_at_most("page weight", 1.3, 1.67),
                Target::new("required JavaScript", "0", "0".into(), true),
            ],
            parts: parts.as_object().cloned().unwrap_or_default(),
        }
    }

    fn holds(text: &str, parts: &[&str]) {
        for part in parts {
            assert!(text.contains(part), "{part:?} missing from\n{text}");
        }
        assert!(!text.contains("{{") && !text.contains("{%"), "{text}");
    }

    #[test]
    fn the_layout_holds_the_machine_the_targets_and_the_parts_that_ran() {
        let text = report(json!({})).markdown().unwrap();
        assert!(text.starts_with("# Benchmarks\n\nGenerated by `cargo xtask bench --quick` on "));
        holds(
            &text,
            &[
                " on 2026-11-25 11:50 UTC — do not edit",
                "\n- cores (`nproc`): 2\n",
                "- nginx: 1.22\n\n## Targets\n\n|  | target | measured | met |\n| --- | ---: | ---: | ---: |\n\
             | page weight | ≤ 1.3× | 1.67× | **no** |\n| required JavaScript | 0 | 0 | yes |\n\n## Commands\n\n```\n```",
            ],
        );
        assert!(!text.contains("## Page weight") && !text.contains("Desktop"));

        let desktop = json!({"desktop": {
            "build": "cargo build -p parlor --release", "debug": false, "samples": 5,
            "webkit": "WebKitGTK 2.50", "messages": "10,000", "ui_page": 200, "rendered": 200,
            "opens": 5, "bundle": [["`ui.js`", "1 B", "1 B"]], "cold_start": [], "open": [],
            "memory": [], "streaming_error": "", "chunks": "2,000", "cpu_error": "",
            "cpu_variable": "CPU", "streaming": [["GPU (default)", "5.00 ms", "all", "9", "1", "2", "3"]],
            "runs": [{"renderer": "GPU", "pause": "5.00 ms", "span": "10 s", "nominal": "10 s",
                      "offset": "+0.10 ms", "error": "0.05 ms"}],
        }});
        let text = report(desktop).markdown().unwrap();
        holds(
            &text,
            &[
                "\n## Desktop: the UI bundle\n\n`ui/dist`",
                "| file | raw | gzip -9 |\n| --- | ---: | ---: |\n| `ui.js` | 1 B | 1 B |\n\n## Desktop: cold",
                "\nThe app is the release build (`cargo build -p parlor --release`). 5 launches",
                "## Desktop: opening a 10,000-message session\n\n10,000 messages",
                "GPU, 5.00 ms apart: 10 s from the first chunk written to the last event seen (10 s nominal), page clock +0.10 ms ± 0.05 ms.\n\n\"GPU (default)\"",
                "```\ncargo xtask ui\ncargo build -p parlor --release\n```",
            ],
        );

        let rows = json!([["a", "1"]]);
        let server = json!({"server": {
            "build": "cargo build -p share-server --release", "serve_args": "serve --bind PORT",
            "log_level": "warn", "page_path": "/shared/ID", "nginx_conf": "daemon off;",
            "weight": {"text_bytes": "20.5 KiB", "rows": rows},
            "throughput": {"seconds": 15, "cores": 2, "rounds": 3, "rows": rows, "wrk": ["wrk -c64 A", "wrk -c64 B"]},
            "views": {"page": "2 messages", "flag": "--count-views=false", "figures": ["9k", "10k", "0.90×"]},
            "memory": rows, "browser": {"samples": 20, "blank": "<p>blank</p>", "stylesheets": ["`/a.css`, 1 B"], "rows": rows},
            "growth": {"seed_bytes": "541 B", "first": 10, "last": 100, "kept": "80%", "cpu": "1.27×", "rows": rows, "wrk": "wrk URL"},
            "publishing": {"rows": rows, "samples": 100, "wrk": "wrk -s post.lua"},
        }});
        let text = report(server).markdown().unwrap();
        holds(
            &text,
            &[
                "| yes |\n\n## Page weight\n\nThe 40-message fixture (`xtask/src/support/fixture.rs`): 20.5 KiB messages",
                "|  | bytes |\n| --- | ---: |\n| a | 1 |\n\n## Page throughput against nginx and a bare axum route\n\n`wrk -t2 -c64 -d15s",
                "same 2 cores",
                "| a | 1 |\n\nView counting (2 messages, identity, the same rounds",
                "started with `--count-views=false`; the share has no view limit, so that one counts nothing): 9k req/s counting, 10k req/s not counting, ratio 0.90×.\n\n## Memory",
                "a trivial page (`<p>blank</p>`) alternate. The page loads one stylesheet (`/a.css`, 1 B) and nothing else.",
                "From 10 to 100 shares the ratio keeps 80% of its value and the CPU time per request changes by 1.27×;",
                "lifted for the bench with `--rate-limit-ip 0 --rate-limit-token 0`.\n\n|  | p50 | p99 | throughput |",
                "| a | 1 |\n\n## Commands\n\n```\ncargo build -p share-server --release\nshare-server user add",
                "RUST_LOG=warn share-server serve --bind PORT   # WORK",
                "config:\ndaemon off;\ntarget/release/examples/bare_page PORT WORK/bare   #",
                "\nwrk -c64 A   # and the same against nginx and bare_page, in turn, 3 rounds\nwrk -c64 B   #",
                "then wrk URL against each\n# publishing, on a fresh database: 100 sequential",
                "\nwrk -s post.lua   # post.lua: POST the small share with the bearer token\n```",
            ],
        );
        assert!(!text.contains("Desktop"), "{text}");
    }

    #[test]
    fn notes_survive_a_rewrite() {
        let first = merge_with_notes("# Benchmarks\nold", None);
        let edited = format!("{first}\nThe p99 gap comes from logging.\n");
        let second = merge_with_notes("# Benchmarks\nnew", Some(&edited));
        assert!(second.starts_with("# Benchmarks\nnew\n"));
        assert!(second.contains("The p99 gap comes from logging."));
        assert_eq!(second.matches(NOTES_MARKER).count(), 1);
    }

    #[test]
    fn figures() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(millis(Duration::from_micros(850)), "850 µs");
        assert_eq!(millis(Duration::from_micros(1_234)), "1.23 ms");
        assert_eq!(micros(Duration::from_micros(37)), "37 µs");
        assert_eq!(bytes(20_480), "20.0 KiB");
        assert_eq!(ratio(1.234), "1.23×");
        assert_eq!(rate(42_674.0), "42.7k");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2_000), "2,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
