//! `cargo xtask bench [--quick] [PART…]`: measures Parlor's speed, prints the
//! figures and writes `BENCHMARKS.md` (figures, machine, date, commands).
//!
//! The bench is made of parts, each adding sections and targets to one
//! report: `server` (the share-server against nginx, publishing, growth,
//! page weight) and `desktop` (the app under Xvfb: bundle size, cold start,
//! a 10,000-message session, memory, streaming overhead). Each is a module
//! with `run(&Options, &mut Report)` and one arm in [`Part`].
//!
//! `--quick` runs everything with short durations and few samples, as a
//! smoke check; its report goes to `target/bench/BENCHMARKS-quick.md` so it
//! never replaces the real figures.

mod desktop;
mod report;
mod server;
mod wrk;

use std::fs;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::Utc;

use crate::cmd;
use report::{Machine, Report};

/// A part of the bench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Part {
    /// The share-server: page throughput against nginx and a bare axum route
    /// (a short and a long page, identity and gzip), view counting,
    /// publishing, cost of growth to 1,000,000 shares, page weight and render
    /// time in headless Chromium (needs wrk, nginx, chromium, chromium-driver)
    #[value(alias = "share-server")]
    Server,
    /// The desktop app under Xvfb: wasm bundle size, cold start to first
    /// paint, opening a 10,000-message session, memory, streaming overhead
    /// against a fake provider (release build; PARLOR_BENCH_APP_PROFILE=debug
    /// measures the debug build instead; PARLOR_BENCH_DESKTOP=streaming-cpu
    /// runs only the streams painted on the CPU)
    #[value(alias = "app")]
    Desktop,
}

impl Part {
    fn run(self, options: &Options, report: &mut Report) -> Result<()> {
        match self {
            Part::Server => server::run(options, report),
            Part::Desktop => desktop::run(options, report),
        }
    }
}

/// Measures Parlor's speed (no part: all of them). About 20 minutes
/// (`--quick`: about 2) for `server`, about 2 more (plus the app's release
/// build) for `desktop`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(value_enum, default_values_t = [Part::Server, Part::Desktop])]
    parts: Vec<Part>,
    /// Short runs and few samples, a smoke check; writes
    /// target/bench/BENCHMARKS-quick.md instead of BENCHMARKS.md
    #[arg(long)]
    quick: bool,
    /// Keep the temporary directory (databases, server log, page copies,
    /// nginx config) and print where it is
    #[arg(long)]
    keep: bool,
}

/// How long and how often to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// Keep the temporary directory (databases, server log, page copies).
    pub keep: bool,
    pub cores: usize,
    /// Each wrk run (a page, or concurrent small publishes).
    pub duration: Duration,
    /// Alternating rounds per page and encoding.
    pub rounds: usize,
    pub browser_samples: usize,
    /// Timed publishes of the 1 MB share.
    pub publish_samples: usize,
    /// Stored shares at each growth step, ascending.
    pub growth_levels: Vec<u64>,
}

impl Options {
    fn new(quick: bool, keep: bool) -> Self {
        let [seconds, rounds, browser_samples, publish_samples, largest] = match quick {
            true => [3, 1, 3, 10, 100_000],
            false => [15, 3, 20, 100, 1_000_000],
        };
        Self {
            keep,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            duration: Duration::from_secs(seconds),
            rounds: rounds as usize,
            browser_samples: browser_samples as usize,
            publish_samples: publish_samples as usize,
            growth_levels: vec![10, 10_000, largest],
        }
    }
}

/// Runs the bench with the command line after `bench`.
pub fn run(args: Args) -> Result<()> {
    let (mut parts, quick) = (args.parts, args.quick);
    parts.sort();
    parts.dedup();
    if parts.contains(&Part::Server) {
        for tool in ["wrk", "nginx"] {
            if !cmd::on_path(tool) {
                bail!("`{tool}` is missing: apt-get install {tool}");
            }
        }
    }
    let options = Options::new(quick, args.keep);
    let mut report = Report {
        command: format!("cargo xtask bench{}", if quick { " --quick" } else { "" }),
        machine: machine(),
        targets: Vec::new(),
        parts: serde_json::Map::new(),
    };
    for part in parts {
        part.run(&options, &mut report)?;
    }
    report.machine.load_after = load_average();
    write(&report, quick)
}

/// `data` compressed with gzip at level 9.
fn gzip_best(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = std::io::Write::write_all(&mut encoder, data);
    encoder.finish().unwrap_or_default()
}

fn write(report: &Report, quick: bool) -> Result<()> {
    let generated = report.markdown()?;
    eprintln!("\n{generated}");
    let path = if quick {
        let dir = cmd::workspace_root().join("target/bench");
        fs::create_dir_all(&dir)?;
        dir.join("BENCHMARKS-quick.md")
    } else {
        cmd::workspace_root().join("BENCHMARKS.md")
    };
    let previous = fs::read_to_string(&path).ok();
    let merged = report::merge_with_notes(&generated, previous.as_deref());
    fs::write(&path, merged).with_context(|| format!("could not write {}", path.display()))?;
    eprintln!("wrote {}", path.display());
    let missed = report.targets.iter().filter(|t| !t.met).count();
    if missed > 0 {
        eprintln!("{missed} target(s) missed: see the notes in BENCHMARKS.md");
    }
    Ok(())
}

fn machine() -> Machine {
    let unknown = || "unknown".to_owned();
    let memory = proc_field("/proc/meminfo", "MemTotal")
        .and_then(|kb| kb.trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or_else(unknown, |kb| format!("{:.1} GiB", kb / (1024.0 * 1024.0)));
    let tools = [
        ("wrk", "-v"),
        ("nginx", "-v"),
        ("chromium", "--version"),
        ("rustc", "-V"),
    ];
    // The first line of stdout or, for nginx and wrk, stderr.
    let tools = tools
        .iter()
        .filter_map(|(tool, arg)| Some(format!("{tool}: {}", first_line(tool, &[arg])?)))
        .collect();
    Machine {
        date: Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        cpu: proc_field("/proc/cpuinfo", "model name").unwrap_or_else(unknown),
        kernel: first_line("uname", &["-srm"]).unwrap_or_else(unknown),
        memory,
        load_before: load_average(),
        load_after: String::new(),
        tools,
    }
}

/// The value of the first `key: value` line of a `/proc` file.
fn proc_field(file: &str, key: &str) -> Option<String> {
    let text = fs::read_to_string(file).ok()?;
    text.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        (name.trim() == key).then(|| value.trim().to_owned())
    })
}

fn load_average() -> String {
    let text = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    let text = [output.stdout, output.stderr].concat();
    String::from_utf8_lossy(&text)
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_options() {
        use clap::ValueEnum as _;
        assert_eq!(Part::from_str("server", false), Ok(Part::Server));
        assert_eq!(Part::from_str("share-server", false), Ok(Part::Server));
        assert_eq!(Part::from_str("app", false), Ok(Part::Desktop));
        let full = Options::new(false, false);
        assert_eq!(full.duration, Duration::from_secs(15));
        assert!(full.rounds >= 3);
        assert_eq!(full.growth_levels, [10, 10_000, 1_000_000]);
        assert!(Options::new(true, true).duration < full.duration);
        assert!(proc_field("/proc/meminfo", "MemTotal").is_some_and(|kb| kb.ends_with("kB")));
    }
}
