//! Load with abuse: the release share-server under 256 keep-alive connections
//! for 60 s (`--quick`: 10 s) reading pages, reading the JSON API, publishing
//! and listing, while other clients keep opening connections and aborting
//! them mid-request and mid-response. Its resident memory is sampled every
//! 100 ms. Fails on any 5xx, any failed or unexpected answer to a
//! well-behaved client, memory over [`RSS_BOUND`], or a server that does not
//! answer afterwards.
//!
//! Why a Rust load generator and not wrk: the verdict needs what wrk does not
//! give — every status per kind of client (wrk lumps all non-2xx together),
//! errors split into connect, read and timeout, conditional requests that
//! must answer 304, and the aborting clients in the same run and the same
//! clock. One reqwest client per connection keeps it at exactly one
//! keep-alive connection each, as wrk's `-c` does. The price is client CPU
//! on a shared machine, so the request rates here are not benchmark figures
//! (`cargo xtask bench` measures those).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::Utc;
use reqwest::StatusCode;

use crate::cmd;
use crate::support::fixture;
use crate::support::procs::{self, Supervised};
use crate::support::publish::{self, quantile};

mod abuse;
mod clients;

use abuse::{Abuse, AbuseTally, abuser};
pub use clients::Errors;
use clients::{Class, Tally, user};

const FULL: Duration = Duration::from_secs(60);
const QUICK: Duration = Duration::from_secs(10);
const CONNECTIONS: usize = 256;
/// Clients that connect and abort, beside the well-behaved ones.
const ABUSERS: usize = 16;
/// A well-behaved client gives up on an answer after this long.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The most resident memory the server may use during and after the run.
/// The rendered-share cache may hold 64 MiB (the default `--cache-size`);
/// the rest is the allocator's arenas, 256 connections' buffers and SQLite.
/// The measured peak is printed by every run (`cargo xtask harden load`).
pub const RSS_BOUND: u64 = 256 * MIB;
const MIB: u64 = 1024 * 1024;

/// How long, how wide, and against which database.
#[derive(Debug, Clone)]
pub struct Options {
    pub duration: Duration,
    pub connections: usize,
    /// `None`: a fresh SQLite file in a temporary directory.
    pub database_url: Option<String>,
}

impl Options {
    pub fn new(quick: bool) -> Self {
        Self {
            duration: if quick { QUICK } else { FULL },
            connections: CONNECTIONS,
            database_url: None,
        }
    }
}

/// What the run measured (also printed as a report).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub took: Duration,
    pub requests: u64,
    /// Failed requests of well-behaved clients: connect, read, timeout.
    pub errors: Errors,
    /// Answers a well-behaved client did not expect, by status.
    pub unexpected: BTreeMap<u16, u64>,
    /// 5xx answers to well-behaved clients.
    pub server_errors: u64,
    /// 5xx answers the server counted for everyone, abusers included.
    pub server_errors_counted: u64,
    pub p50: Duration,
    pub p99: Duration,
    pub aborts: u64,
    /// Right after start, before anything was published.
    pub rss_fresh: u64,
    /// After publishing and rendering the shares the clients read.
    pub rss_idle: u64,
    /// The largest RSS sampled under load.
    pub rss_peak: u64,
    pub rss_after: u64,
    /// The kernel's high-water mark (`VmHWM`) since start, seeding included.
    pub rss_high_water: u64,
    /// Panics and ERROR lines in the server's log.
    pub log_errors: usize,
}

/// Runs the whole check: build, start, seed, load, verify. An error when
/// anything failed (after printing the report).
pub fn run(options: &Options) -> Result<Summary> {
    let built = cmd::step("build the release share-server", build_release)?.0;
    let work = tempfile::Builder::new()
        .prefix("parlor-load-")
        .tempdir()
        .context("no temporary directory")?;
    // A copy, so that a rebuild meanwhile cannot swap the binary.
    let binary = work.path().join("share-server");
    fs::copy(&built, &binary).with_context(|| format!("could not copy {}", built.display()))?;
    let database_url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", work.path().join("load.db").display()));
    let log = work.path().join("server.log");
    let tokens = (0..4)
        .map(|i| {
            add_user(
                &binary,
                &database_url,
                &format!("load-{i}-{}", std::process::id()),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let mut server = Server::start(&binary, &database_url, &log)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(measure(options, &mut server, tokens));
    server.process.stop();
    let log_text = fs::read_to_string(&log).unwrap_or_default();
    let mut summary = outcome?;
    summary.log_errors = log_text
        .lines()
        .filter(|line| line.contains("ERROR") || line.contains("panicked"))
        .count();
    if summary.log_errors > 0 {
        let lines: Vec<&str> = log_text.lines().take(20).collect();
        eprintln!("server log (first lines):\n{}", lines.join("\n"));
    }
    verdict(&summary)?;
    Ok(summary)
}

fn build_release() -> Result<PathBuf> {
    Ok(cmd::build_binary("share-server", false)?.0)
}

/// `share-server user add NAME --database-url URL`: returns the token.
pub(super) fn add_user(binary: &Path, database_url: &str, name: &str) -> Result<String> {
    let output = Command::new(binary)
        .args(["user", "add", name, "--database-url", database_url])
        .env("RUST_LOG", "warn")
        .stderr(Stdio::inherit())
        .output()
        .context("could not run `share-server user add`")?;
    if !output.status.success() {
        bail!("`share-server user add {name}` failed ({})", output.status);
    }
    String::from_utf8(output.stdout)?
        .lines()
        .last()
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty())
        .context("`share-server user add` printed no token")
}

/// `share-server serve` on a free loopback port with the rate limits lifted
/// (thousands of requests come from one IP and four tokens), warnings and
/// errors logged to a file; stopped with SIGTERM when dropped.
pub(super) struct Server {
    pub process: Supervised,
    pub port: u16,
}

impl Server {
    pub fn start(binary: &Path, database_url: &str, log: &Path) -> Result<Self> {
        let port = procs::free_port()?;
        let log = fs::OpenOptions::new().create(true).append(true).open(log)?;
        let mut command = Command::new(binary);
        command
            .args(["serve", "--database-url", database_url, "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["--rate-limit-ip", "0", "--rate-limit-token", "0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log);
        let mut process = Supervised::spawn("share-server", &mut command)?;
        procs::wait_ready(&mut process, port, "/readyz")?;
        Ok(Self { process, port })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// What the clients share: where to go and what to send.
struct Plan {
    base: String,
    /// Shares whose pages and JSON are read.
    pages: Vec<String>,
    /// A share whose page is about a megabyte, for aborts mid-response.
    large: String,
    tokens: Vec<String>,
    /// A small valid snapshot, published again and again.
    publish_body: Vec<u8>,
}

async fn measure(options: &Options, server: &mut Server, tokens: Vec<String>) -> Result<Summary> {
    let pid = server.process.pid();
    let http = reqwest::Client::builder().no_proxy().build()?;
    let base = server.url("");
    let rss_fresh = procs::memory(pid)?.rss;
    let plan = Arc::new(seed(&http, &base, tokens).await?);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = procs::memory(pid)?.rss;

    let sampler = RssSampler::start(pid);
    let started = Instant::now();
    let deadline = started + options.duration;
    eprintln!(
        "{} connections for {} s against {base} ({} abusers beside them)",
        options.connections,
        options.duration.as_secs(),
        ABUSERS
    );
    let mut users = Vec::new();
    for index in 0..options.connections {
        let class = Class::for_connection(index);
        users.push(tokio::spawn(user(
            class,
            index,
            Arc::clone(&plan),
            deadline,
        )));
    }
    let mut abusers = Vec::new();
    for index in 0..ABUSERS {
        abusers.push(tokio::spawn(abuser(index, Arc::clone(&plan), deadline)));
    }
    let mut tallies: BTreeMap<Class, Tally> = BTreeMap::new();
    for (index, handle) in users.into_iter().enumerate() {
        let class = Class::for_connection(index);
        let tally = handle.await.context("a client task failed")?;
        tallies.entry(class).or_default().merge(tally);
    }
    let mut abuse = AbuseTally::default();
    for handle in abusers {
        abuse.merge(handle.await.context("an abusing task failed")?);
    }
    let took = started.elapsed();
    let samples = sampler.finish();
    server.process.ensure_running()?;

    // Settle, then the server must still answer: ready, an old page, and a
    // share published now (rendered for the first time).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = procs::memory(pid)?;
    let checks = tokio::time::timeout(Duration::from_secs(10), after_checks(&http, &plan))
        .await
        .context("the server did not answer within 10 s after the run")?;
    let server_errors_counted = counted_server_errors(&http, &base).await?;

    let all_latencies: Vec<u32> = tallies
        .values()
        .flat_map(|t| t.latencies.iter().copied())
        .collect();
    let mut summary = Summary {
        took,
        p50: micros(quantile(&all_latencies, 0.5).unwrap_or(0)),
        p99: micros(quantile(&all_latencies, 0.99).unwrap_or(0)),
        aborts: abuse.total(),
        rss_fresh,
        rss_idle,
        rss_peak: samples.iter().map(|s| s.rss).max().unwrap_or(0),
        rss_after: after.rss,
        rss_high_water: after.peak,
        server_errors_counted,
        ..Summary::default()
    };
    for tally in tallies.values() {
        summary.requests += tally.requests;
        summary.errors.add(&tally.errors);
        summary.server_errors += tally
            .statuses
            .iter()
            .filter(|(status, _)| **status >= 500)
            .map(|(_, count)| count)
            .sum::<u64>();
        for (status, count) in &tally.unexpected {
            *summary.unexpected.entry(*status).or_default() += count;
        }
    }
    eprintln!("{}", report(options, &summary, &tallies, &abuse, &samples));
    checks?;
    Ok(summary)
}

/// Publishes the shares the clients read, and renders each once.
async fn seed(http: &reqwest::Client, base: &str, tokens: Vec<String>) -> Result<Plan> {
    let now = Utc::now();
    let token = tokens.first().context("no token")?;
    let mut pages = Vec::new();
    for seed in 0..8 {
        let chat = fixture::chat(&format!("Load page {seed}"), 40, 400, 100 + seed, now);
        let body = serde_json::to_vec(&chat)?;
        pages.push(publish::create(http, base, token, &body).await?);
    }
    let large_body = serde_json::to_vec(&fixture::large_chat(now))?;
    let large = publish::create(http, base, token, &large_body).await?;
    for id in pages.iter().chain([&large]) {
        for path in [
            format!("/shared/{id}"),
            format!("/api/v0/shared-chats/{id}"),
        ] {
            let status = http.get(format!("{base}{path}")).send().await?.status();
            if status != StatusCode::OK {
                bail!("GET {path} answered {status} before the run");
            }
        }
    }
    Ok(Plan {
        base: base.to_owned(),
        pages,
        large,
        tokens,
        publish_body: serde_json::to_vec(&fixture::small_chat(now))?,
    })
}

/// After the run: `/readyz`, a page from before, and a share published now.
async fn after_checks(http: &reqwest::Client, plan: &Plan) -> Result<()> {
    let expect_ok = |status: StatusCode, what: &str| {
        if status == StatusCode::OK {
            Ok(())
        } else {
            bail!("after the run, {what} answered {status}")
        }
    };
    let ready = http.get(format!("{}/readyz", plan.base)).send().await?;
    expect_ok(ready.status(), "/readyz")?;
    let old = http
        .get(format!("{}/shared/{}", plan.base, plan.pages[0]))
        .send()
        .await?;
    expect_ok(old.status(), "a page published before")?;
    let token = plan.tokens.first().context("no token")?;
    let chat = fixture::chat("Published after the load", 12, 300, 999, Utc::now());
    let id = publish::create(http, &plan.base, token, &serde_json::to_vec(&chat)?).await?;
    let fresh = http
        .get(format!("{}/shared/{id}", plan.base))
        .send()
        .await?;
    expect_ok(fresh.status(), "a page published after")?;
    let html = fresh.text().await?;
    if !html.contains("Published after the load") {
        bail!("the page published after the run does not show its title");
    }
    Ok(())
}

/// The server's own count of 5xx answers (`/metrics`), abusers included.
async fn counted_server_errors(http: &reqwest::Client, base: &str) -> Result<u64> {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    Ok(text
        .lines()
        .filter(|line| {
            line.starts_with("share_server_http_requests_total{") && line.contains("status=\"5")
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .map(|count| count as u64)
        .sum())
}

fn verdict(summary: &Summary) -> Result<()> {
    let mut problems = Vec::new();
    if summary.server_errors > 0 || summary.server_errors_counted > 0 {
        problems.push(format!(
            "5xx answers: {} to the clients, {} counted by the server",
            summary.server_errors, summary.server_errors_counted
        ));
    }
    if summary.errors.total() > 0 {
        problems.push(format!(
            "{} failed requests of well-behaved clients",
            summary.errors.total()
        ));
    }
    if !summary.unexpected.is_empty() {
        problems.push(format!(
            "unexpected answers to well-behaved clients: {:?}",
            summary.unexpected
        ));
    }
    let highest = summary
        .rss_peak
        .max(summary.rss_after)
        .max(summary.rss_high_water);
    if highest > RSS_BOUND {
        problems.push(format!(
            "RSS reached {} MiB, over the bound of {} MiB",
            highest / MIB,
            RSS_BOUND / MIB
        ));
    }
    if summary.log_errors > 0 {
        problems.push(format!(
            "{} ERROR or panic lines in the server log",
            summary.log_errors
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("the load run failed: {}", problems.join("; "))
    }
}

// ------------------------------------------------------------ memory

/// One sample of a process's memory, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sample {
    rss: u64,
    /// The anonymous part (heap, stacks), without the mapped files (SQLite's
    /// shared WAL index, the binary): what a leak would grow.
    anon: u64,
    threads: u64,
}

/// `VmRSS`, `RssAnon` (kB) and `Threads` from `/proc/PID/status`.
fn parse_sample(status: &str) -> Option<Sample> {
    let field = |name: &str| {
        status.lines().find_map(|line| {
            let value = line.strip_prefix(name)?.trim();
            let (number, factor) = match value.strip_suffix("kB") {
                Some(kb) => (kb.trim(), 1024),
                None => (value, 1),
            };
            number.parse::<u64>().ok().map(|n| n * factor)
        })
    };
    Some(Sample {
        rss: field("VmRSS:")?,
        anon: field("RssAnon:")?,
        threads: field("Threads:")?,
    })
}

/// Samples a process's memory every 100 ms until finished.
struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<Vec<Sample>>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                let mut samples = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let status = fs::read_to_string(format!("/proc/{pid}/status"));
                    if let Some(sample) = status.ok().as_deref().and_then(parse_sample) {
                        samples.push(sample);
                    }
                    thread::sleep(Duration::from_millis(100));
                }
                samples
            })
        };
        Self { stop, thread }
    }

    fn finish(self) -> Vec<Sample> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

// ------------------------------------------------------------ report

fn micros(value: u32) -> Duration {
    Duration::from_micros(u64::from(value))
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

fn report(
    options: &Options,
    summary: &Summary,
    tallies: &BTreeMap<Class, Tally>,
    abuse: &AbuseTally,
    samples: &[Sample],
) -> String {
    let seconds = summary.took.as_secs_f64().max(0.001);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nload: {} connections, {:.1} s, database {}",
        options.connections,
        summary.took.as_secs_f64(),
        options
            .database_url
            .as_deref()
            .unwrap_or("SQLite (temporary)")
    );
    let _ = writeln!(
        out,
        "{:<16} {:>5} {:>9} {:>8} {:>9} {:>9}  {:<24} errors (connect/read/timeout)",
        "clients", "conns", "requests", "req/s", "p50", "p99", "statuses"
    );
    for (class, tally) in tallies {
        let statuses: Vec<String> = tally
            .statuses
            .iter()
            .map(|(status, count)| format!("{status}×{count}"))
            .collect();
        let _ = writeln!(
            out,
            "{:<16} {:>5} {:>9} {:>8.0} {:>9} {:>9}  {:<24} {}/{}/{}",
            class.name(),
            tally.connections,
            tally.requests,
            tally.requests as f64 / seconds,
            millis(micros(quantile(&tally.latencies, 0.5).unwrap_or(0))),
            millis(micros(quantile(&tally.latencies, 0.99).unwrap_or(0))),
            statuses.join(" "),
            tally.errors.connect,
            tally.errors.read,
            tally.errors.timeout
        );
        for sample in &tally.error_samples {
            let _ = writeln!(out, "    error: {sample}");
        }
    }
    let _ = writeln!(
        out,
        "{:<16} {:>5} {:>9} {:>8.0} {:>9} {:>9}  unexpected: {:?}, 5xx: {} (server's count, abusers included: {})",
        "all",
        options.connections,
        summary.requests,
        summary.requests as f64 / seconds,
        millis(summary.p50),
        millis(summary.p99),
        summary.unexpected,
        summary.server_errors,
        summary.server_errors_counted
    );
    let _ = writeln!(
        out,
        "\naborting clients ({ABUSERS} at a time): {} aborts, {} could not connect",
        summary.aborts, abuse.failed
    );
    for (kind, count) in Abuse::ALL.iter().zip(abuse.done) {
        let _ = writeln!(out, "  {:<30} {count:>7}", kind.name());
    }
    for sample in &abuse.samples {
        let _ = writeln!(out, "    failure: {sample}");
    }
    let at = |fraction: f64| {
        let index = ((samples.len() as f64 - 1.0) * fraction).round().max(0.0) as usize;
        let sample = samples.get(index).copied().unwrap_or_default();
        format!(
            "{}/{} ({} threads)",
            sample.rss / MIB,
            sample.anon / MIB,
            sample.threads
        )
    };
    let _ = writeln!(
        out,
        "\nserver memory in MiB: fresh {}, idle after seeding {}; under load (RSS/anonymous) \
         at 1/4 {}, 1/2 {}, 3/4 {}, end {}; peak {} ({} samples every 100 ms); 2 s after {}; \
         high-water mark {}; bound {}",
        summary.rss_fresh / MIB,
        summary.rss_idle / MIB,
        at(0.25),
        at(0.5),
        at(0.75),
        at(1.0),
        summary.rss_peak / MIB,
        samples.len(),
        summary.rss_after / MIB,
        summary.rss_high_water / MIB,
        RSS_BOUND / MIB
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_split_into_the_four_classes() {
        let count = |class| {
            (0..256)
                .filter(|&i| Class::for_connection(i) == class)
                .count()
        };
        assert_eq!(count(Class::Page), 96);
        assert_eq!(count(Class::Json), 64);
        assert_eq!(count(Class::Publish), 48);
        assert_eq!(count(Class::List), 48);
        for class in [Class::Page, Class::Json, Class::Publish, Class::List] {
            assert!((0..4).any(|i| Class::for_connection(i) == class));
        }
    }

    #[test]
    fn reads_rss_and_its_anonymous_part() {
        let status = "Name:\tshare-server\nVmHWM:\t  20480 kB\nVmRSS:\t   10240 kB\n\
                      RssAnon:\t    8192 kB\nRssFile:\t    2048 kB\nThreads:\t7\n";
        assert_eq!(
            parse_sample(status),
            Some(Sample {
                rss: 10 * MIB,
                anon: 8 * MIB,
                threads: 7
            })
        );
        assert_eq!(parse_sample("VmRSS:\t1 kB\n"), None);
    }

    #[test]
    fn options() {
        assert_eq!(Options::new(false).duration, FULL);
        let quick = Options::new(true);
        assert_eq!((quick.duration, quick.connections), (QUICK, 256));
        assert_eq!(quick.database_url, None);
    }

    #[test]
    fn failures_fail_the_verdict() {
        let clean = Summary {
            rss_peak: 50 * MIB,
            rss_after: 40 * MIB,
            ..Summary::default()
        };
        assert!(verdict(&clean).is_ok());
        let server_error = Summary {
            server_errors_counted: 1,
            ..clean.clone()
        };
        assert!(verdict(&server_error).is_err());
        let timeout = Summary {
            errors: Errors {
                timeout: 1,
                ..Errors::default()
            },
            ..clean.clone()
        };
        assert!(verdict(&timeout).is_err());
        let fat = Summary {
            rss_peak: RSS_BOUND + 1,
            ..clean.clone()
        };
        assert!(verdict(&fat).is_err());
        let spiked = Summary {
            rss_high_water: RSS_BOUND + 1,
            ..clean.clone()
        };
        assert!(verdict(&spiked).is_err());
        let mut unexpected = clean;
        unexpected.unexpected.insert(404, 1);
        assert!(verdict(&unexpected).is_err());
    }
}
