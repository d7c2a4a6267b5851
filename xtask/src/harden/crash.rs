//! `cargo xtask harden crash`: crash durability (issue 8). The release
//! share-server runs under a mixed load of creates and reads and is killed
//! with SIGKILL at random moments, 20 times (`--quick`: 5), restarted each
//! time on the same database; then every share whose create was answered
//! 201 must still be served byte-identical. On SQLite and on a throwaway
//! PostgreSQL cluster (`postgres.rs`).
//!
//! A create in flight at a kill gets no answer: that share may exist or
//! not, but if it does its bytes must be those sent, and the owner's list
//! must hold nothing else. Reads during the load check acknowledged shares
//! too, right after each restart included. The short version of this is
//! `share-server/tests/crash_durability.rs` in `cargo test`.

mod postgres;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::process::{Child, Command};
use tokio::sync::watch;

use crate::bench::{fixture, procs, publish};
use crate::cmd;

pub const DEFAULT_KILLS: usize = 20;
pub const QUICK_KILLS: usize = 5;
const WRITERS: usize = 6;
const READERS: usize = 3;
/// The load runs a random time in this range before each kill…
const KILL_AFTER_MS: (u64, u64) = (100, 4_000);
/// …and until at least one create since the (re)start was answered 201.
const MIN_ACKS_PER_LIFE: usize = 1;
/// Each writer pauses up to this long between creates, so that what is in
/// flight at a kill varies and the check at the end stays short.
const MAX_PAUSE_MS: u64 = 40;
/// Downloads at a time during the check.
const CHECKERS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" | "pg" => Some(Backend::Postgres),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub kills: usize,
    pub backends: Vec<Backend>,
    /// Replays the kill timing and the bodies of an earlier run.
    pub seed: Option<u64>,
}

pub fn run(options: &Options) -> Result<()> {
    let (built, _) = cmd::step("build the share-server (release)", build)?;
    let work = tempfile::Builder::new()
        .prefix("parlor-crash-")
        .tempdir()
        .context("no temporary directory")?;
    // A copy, so that a rebuild by someone else meanwhile cannot swap the
    // binary between restarts.
    let binary = work.path().join("share-server");
    fs::copy(&built, &binary).with_context(|| format!("could not copy {}", built.display()))?;
    let seed = options.seed.unwrap_or_else(random_seed);
    eprintln!("seed {seed} (`--seed {seed}` replays the kill timing and the bodies)");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut outcomes = Vec::new();
    for &backend in &options.backends {
        let name = backend.name();
        let dir = work.path().join(name);
        fs::create_dir_all(&dir)?;
        let step = format!("kill -9 the share-server {} times on {name}", options.kills);
        let (outcome, _) = cmd::step(&step, || {
            let cluster = match backend {
                Backend::Sqlite => None,
                Backend::Postgres => Some(postgres::Cluster::start()?),
            };
            let database_url = match &cluster {
                None => format!("sqlite://{}", dir.join("shares.db").display()),
                Some(cluster) => cluster.url(),
            };
            let crash = Crash {
                binary: &binary,
                database_url: &database_url,
                dir: &dir,
                kills: options.kills,
                seed,
            };
            runtime.block_on(crash.run(backend))
        })?;
        outcomes.push(outcome);
    }
    report(&outcomes);
    let failures: Vec<String> = outcomes.iter().flat_map(Outcome::failures).collect();
    if failures.is_empty() {
        return Ok(());
    }
    let kept = work.keep();
    eprintln!("\nkept the databases and server logs in {}", kept.display());
    for failure in failures.iter().take(20) {
        eprintln!("  {failure}");
    }
    bail!(
        "crash durability failed ({} findings; seed {seed})",
        failures.len()
    )
}

fn build() -> Result<PathBuf> {
    cmd::run(cmd::cargo(["build", "-p", "share-server", "--release"]).args(cmd::locked()))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cmd::workspace_root().join("target"));
    let binary = target.join("release/share-server");
    if !binary.exists() {
        bail!("{} is missing after the build", binary.display());
    }
    Ok(binary)
}

/// What one backend's run saw.
struct Outcome {
    backend: Backend,
    kills: usize,
    acknowledged: usize,
    /// Creates in flight at a kill (no answer), and how many of them exist.
    unanswered: usize,
    unanswered_present: usize,
    reads_verified: u64,
    /// Acknowledged shares not served byte-identical afterwards.
    lost: Vec<String>,
    /// Shares in the owner's list whose bytes match nothing unanswered.
    foreign: Vec<String>,
    read_failures: Vec<String>,
    refused: Vec<String>,
    /// From starting the process to `/healthz` answering, after each kill.
    restarts: Vec<Duration>,
}

impl Outcome {
    fn failures(&self) -> Vec<String> {
        let name = self.backend.name();
        let mut failures = Vec::new();
        for (what, list) in [
            ("lost", &self.lost),
            ("unsent or altered", &self.foreign),
            ("read failed during the load", &self.read_failures),
            ("create refused", &self.refused),
        ] {
            failures.extend(list.iter().map(|entry| format!("{name}: {what}: {entry}")));
        }
        if self.acknowledged < self.kills * MIN_ACKS_PER_LIFE {
            failures.push(format!(
                "{name}: only {} creates acknowledged",
                self.acknowledged
            ));
        }
        failures
    }
}

fn report(outcomes: &[Outcome]) {
    eprintln!(
        "\n{:<9} {:>5} {:>12} {:>10} {:>8} {:>5} {:>8} {:>11} {:>12} {:>12}",
        "backend",
        "kills",
        "acknowledged",
        "unanswered",
        "present",
        "lost",
        "altered",
        "reads ok",
        "restart p50",
        "restart max"
    );
    for o in outcomes {
        let millis = |q: f64| {
            publish::quantile(&o.restarts, q)
                .map_or_else(|| "-".to_owned(), |d| format!("{} ms", d.as_millis()))
        };
        eprintln!(
            "{:<9} {:>5} {:>12} {:>10} {:>8} {:>5} {:>8} {:>11} {:>12} {:>12}",
            o.backend.name(),
            o.kills,
            o.acknowledged,
            o.unanswered,
            o.unanswered_present,
            o.lost.len(),
            o.foreign.len(),
            o.reads_verified,
            millis(0.5),
            millis(1.0)
        );
    }
    eprintln!(
        "(unanswered: creates in flight at a kill; present: those that exist, byte-identical; \
         altered: listed shares whose bytes match nothing sent)"
    );
}

/// One backend's run.
struct Crash<'a> {
    binary: &'a Path,
    database_url: &'a str,
    dir: &'a Path,
    kills: usize,
    seed: u64,
}

/// What the load saw.
#[derive(Default)]
struct Ledger {
    /// Answered 201: the id and the exact bytes sent.
    acknowledged: Vec<(String, Arc<[u8]>)>,
    /// Sent but not answered (the server died first), by title.
    unanswered: HashMap<String, Arc<[u8]>>,
    /// Answered with anything but 201.
    refused: Vec<String>,
    /// Reads of acknowledged shares that did not serve them.
    read_failures: Vec<String>,
    reads_verified: u64,
}

/// What the load tasks share.
#[derive(Clone)]
struct Load {
    client: reqwest::Client,
    base_url: watch::Receiver<String>,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
}

impl Crash<'_> {
    async fn run(&self, backend: Backend) -> Result<Outcome> {
        let mut rng = Rng(self.seed);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        let token = self.add_user().await?;
        let (mut server, _) = self.start_server(&client).await?;
        let (base_tx, base_rx) = watch::channel(server.base_url.clone());
        let load = Load {
            client: client.clone(),
            base_url: base_rx,
            ledger: Arc::default(),
            stop: Arc::default(),
        };
        let sequence = Arc::new(AtomicU64::new(0));
        let now = Utc::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..WRITERS {
            let writer = write_loop(
                load.clone(),
                token.clone(),
                Arc::clone(&sequence),
                self.seed,
                now,
                Rng(rng.next()),
            );
            tasks.spawn(writer);
        }
        for _ in 0..READERS {
            tasks.spawn(read_loop(load.clone(), Rng(rng.next())));
        }

        let mut restarts = Vec::new();
        for kill in 1..=self.kills {
            let life_started = Instant::now();
            let acks_before = lock(&load.ledger).acknowledged.len();
            let delay = rng.between(KILL_AFTER_MS.0, KILL_AFTER_MS.1);
            tokio::time::sleep(Duration::from_millis(delay)).await;
            loop {
                let acks = lock(&load.ledger).acknowledged.len() - acks_before;
                if acks >= MIN_ACKS_PER_LIFE {
                    break;
                }
                if life_started.elapsed() > Duration::from_secs(60) {
                    bail!("no create acknowledged within 60 s of start {kill}");
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            server.kill_9().await?;
            if kill == self.kills {
                // The last life ends with the kill: the check below runs
                // on a quiet server.
                load.stop.store(true, Ordering::SeqCst);
                while let Some(task) = tasks.join_next().await {
                    task??;
                }
            }
            let (restarted, took) = self
                .start_server(&client)
                .await
                .with_context(|| format!("restart after kill {kill}"))?;
            server = restarted;
            restarts.push(took);
            base_tx.send_replace(server.base_url.clone());
            let acknowledged = lock(&load.ledger).acknowledged.len();
            eprintln!(
                "kill {kill:>2}/{} after {delay:>4} ms: {acknowledged:>6} acknowledged so far, \
                 restarted in {} ms",
                self.kills,
                took.as_millis()
            );
        }

        let ledger = std::mem::take(&mut *lock(&load.ledger));
        eprintln!(
            "checking {} acknowledged shares…",
            ledger.acknowledged.len()
        );
        let checked = check(&client, &server.base_url, &token, &ledger).await;
        server.kill_9().await?;
        let checked = checked?;
        Ok(Outcome {
            backend,
            kills: self.kills,
            acknowledged: ledger.acknowledged.len(),
            unanswered: ledger.unanswered.len(),
            unanswered_present: checked.unanswered_present,
            reads_verified: ledger.reads_verified,
            lost: checked.lost,
            foreign: checked.foreign,
            read_failures: ledger.read_failures,
            refused: ledger.refused,
            restarts,
        })
    }

    /// `share-server user add` (creating the database); returns the token.
    async fn add_user(&self) -> Result<String> {
        let output = self
            .command()
            .args(["user", "add", "crash", "--database-url", self.database_url])
            .output()
            .await
            .context("could not run `share-server user add`")?;
        if !output.status.success() {
            bail!(
                "`share-server user add` failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        String::from_utf8(output.stdout)?
            .lines()
            .last()
            .map(|token| token.trim().to_owned())
            .filter(|token| !token.is_empty())
            .context("`share-server user add` printed no token")
    }

    /// Starts `share-server serve` on a free port; returns it once
    /// `/healthz` answers, with the time that took. Three tries: another
    /// process may take the port between the probe and the server's bind.
    async fn start_server(&self, client: &reqwest::Client) -> Result<(Server, Duration)> {
        let log_path = self.dir.join("share-server.log");
        let mut exits = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            let port = procs::free_port()?;
            let log = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log_path)?;
            let mut child = self
                .command()
                .args(["serve", "--database-url", self.database_url])
                .args(["--bind", &format!("127.0.0.1:{port}")])
                .args(["--rate-limit-ip", "0", "--rate-limit-token", "0"])
                .env("RUST_LOG", procs::SERVER_LOG_LEVEL)
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .context("could not start share-server")?;
            let base_url = format!("http://127.0.0.1:{port}");
            loop {
                if let Some(status) = child.try_wait()? {
                    exits.push(status.to_string());
                    break;
                }
                let health = client.get(format!("{base_url}/healthz")).send().await;
                if health.is_ok_and(|response| response.status().is_success()) {
                    return Ok((Server { child, base_url }, started.elapsed()));
                }
                if started.elapsed() > Duration::from_secs(60) {
                    bail!(
                        "share-server did not answer within 60 s (log: {})",
                        log_path.display()
                    );
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        bail!(
            "share-server exited at start three times ({}; log: {})",
            exits.join(", "),
            log_path.display()
        )
    }

    fn command(&self) -> Command {
        let mut command = Command::new(self.binary);
        command
            .current_dir(self.dir)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("SHARE_SERVER_") {
                command.env_remove(key);
            }
        }
        command
    }
}

/// A running `share-server serve` (killed if dropped).
struct Server {
    child: Child,
    base_url: String,
}

impl Server {
    async fn kill_9(&mut self) -> Result<()> {
        // `start_kill` sends SIGKILL on Unix: no graceful shutdown at all.
        self.child
            .start_kill()
            .context("could not kill share-server")?;
        self.child.wait().await?;
        Ok(())
    }
}

async fn write_loop(
    load: Load,
    token: String,
    sequence: Arc<AtomicU64>,
    seed: u64,
    now: DateTime<Utc>,
    mut rng: Rng,
) -> Result<()> {
    while !load.stop.load(Ordering::SeqCst) {
        let number = sequence.fetch_add(1, Ordering::Relaxed);
        let title = title(number);
        let body: Arc<[u8]> = snapshot_body(&title, seed ^ number, now)?.into();
        let base_url = load.base_url.borrow().clone();
        let response = load
            .client
            .post(format!("{base_url}/api/v0/shared-chats"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await;
        match answered(response).await {
            Ok((201, answer)) => {
                match share_id(&answer) {
                    Some(id) => lock(&load.ledger).acknowledged.push((id, body)),
                    None => lock(&load.ledger).refused.push(format!(
                        "201 without a shareId: {}",
                        String::from_utf8_lossy(&answer)
                    )),
                }
                let pause = rng.between(0, MAX_PAUSE_MS);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            Ok((status, answer)) => lock(&load.ledger)
                .refused
                .push(format!("{status}: {}", String::from_utf8_lossy(&answer))),
            // Not even connected (the server is down): never sent.
            Err(error) if error.is_connect() => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(_) => {
                lock(&load.ledger).unanswered.insert(title, body);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    Ok(())
}

/// Reads acknowledged shares at random: the download must be the bytes
/// sent, the page and the API answer must be served (an acknowledged
/// share is never missing, not even right after a restart).
async fn read_loop(load: Load, mut rng: Rng) -> Result<()> {
    while !load.stop.load(Ordering::SeqCst) {
        let pick = {
            let ledger = lock(&load.ledger);
            let count = ledger.acknowledged.len() as u64;
            (count > 0).then(|| ledger.acknowledged[rng.below(count) as usize].clone())
        };
        let Some((id, body)) = pick else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let path = match rng.below(5) {
            0 => format!("/shared/{id}"),
            1 => format!("/api/v0/shared-chats/{id}"),
            _ => format!("/shared/{id}.json"),
        };
        let base_url = load.base_url.borrow().clone();
        let response = load.client.get(format!("{base_url}{path}")).send().await;
        match answered(response).await {
            // The server is down or died mid-answer: nothing to judge.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            Ok((200, bytes)) if !path.ends_with(".json") || *bytes == *body => {
                lock(&load.ledger).reads_verified += 1;
            }
            Ok((status, bytes)) => lock(&load.ledger).read_failures.push(format!(
                "{path}: {status}, {} bytes (sent {})",
                bytes.len(),
                body.len()
            )),
        }
    }
    Ok(())
}

async fn answered(
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<(u16, Vec<u8>), reqwest::Error> {
    let response = response?;
    let status = response.status().as_u16();
    Ok((status, response.bytes().await?.to_vec()))
}

/// `data.shareId` of a create's answer.
fn share_id(answer: &[u8]) -> Option<String> {
    let answer: Value = serde_json::from_slice(answer).ok()?;
    answer["data"]["shareId"].as_str().map(str::to_owned)
}

fn title(number: u64) -> String {
    format!("crash #{number}")
}

/// A realistic chat (the bench's fixture): about 1 KB (70 %), 15 KB (25 %)
/// or 100 KB (5 %); compact or pretty-printed, so that "byte-identical"
/// means more than "the same JSON". The same title, seed and `now` give
/// the same bytes.
fn snapshot_body(title: &str, seed: u64, now: DateTime<Utc>) -> Result<Vec<u8>> {
    let mut rng = Rng(seed);
    let (messages, bytes_per_message) = match rng.below(100) {
        0..5 => (40, 2_200),
        5..30 => (8, 1_700),
        _ => (4, 200),
    };
    let chat = fixture::chat(title, messages, bytes_per_message, rng.next(), now);
    let body = if rng.below(2) == 0 {
        serde_json::to_vec_pretty(&chat)?
    } else {
        serde_json::to_vec(&chat)?
    };
    Ok(body)
}

struct Checked {
    lost: Vec<String>,
    foreign: Vec<String>,
    unanswered_present: usize,
}

/// After the last restart: every acknowledged share is served with the
/// bytes sent and listed; every other listed share is an unanswered create,
/// byte-identical.
async fn check(
    client: &reqwest::Client,
    base_url: &str,
    token: &str,
    ledger: &Ledger,
) -> Result<Checked> {
    let mut checkers = tokio::task::JoinSet::new();
    let chunk = ledger.acknowledged.len().div_ceil(CHECKERS).max(1);
    for shares in ledger.acknowledged.chunks(chunk) {
        let shares = shares.to_vec();
        let (client, base_url) = (client.clone(), base_url.to_owned());
        checkers.spawn(async move {
            let mut lost = Vec::new();
            for (id, body) in shares {
                let (status, bytes) = download(&client, &base_url, &id).await?;
                if status != 200 || *bytes != *body {
                    lost.push(format!(
                        "{id}: {status}, {} bytes (sent {})",
                        bytes.len(),
                        body.len()
                    ));
                }
            }
            anyhow::Ok(lost)
        });
    }
    let mut lost = Vec::new();
    while let Some(found) = checkers.join_next().await {
        lost.extend(found??);
    }

    let listed = list_all(client, base_url, token).await?;
    let acknowledged: HashSet<&str> = ledger
        .acknowledged
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    lost.extend(
        acknowledged
            .iter()
            .filter(|id| !listed.contains(**id))
            .map(|id| format!("{id}: missing from the owner's list")),
    );
    let mut foreign = Vec::new();
    let mut unanswered_present = 0;
    for id in listed
        .iter()
        .filter(|id| !acknowledged.contains(id.as_str()))
    {
        let (status, bytes) = download(client, base_url, id).await?;
        let title = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|snapshot| snapshot["title"].as_str().map(str::to_owned));
        let sent = title.and_then(|title| ledger.unanswered.get(&title));
        if status == 200 && sent.is_some_and(|sent| **sent == *bytes) {
            unanswered_present += 1;
        } else {
            foreign.push(format!("{id}: {status}, {} bytes", bytes.len()));
        }
    }
    Ok(Checked {
        lost,
        foreign,
        unanswered_present,
    })
}

async fn download(client: &reqwest::Client, base_url: &str, id: &str) -> Result<(u16, Vec<u8>)> {
    let response = client
        .get(format!("{base_url}/shared/{id}.json"))
        .send()
        .await;
    answered(response)
        .await
        .with_context(|| format!("GET /shared/{id}.json after the last restart"))
}

/// Every share id in the owner's list, page by page.
async fn list_all(
    client: &reqwest::Client,
    base_url: &str,
    token: &str,
) -> Result<HashSet<String>> {
    let mut ids = HashSet::new();
    loop {
        let url = format!(
            "{base_url}/api/v0/shared-chats?limit=100&offset={}",
            ids.len()
        );
        let page: Value = client
            .get(url)
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let items = page["data"]["items"]
            .as_array()
            .context("no data.items in the list of shares")?;
        if items.is_empty() {
            return Ok(ids);
        }
        for item in items {
            let id = item["shareId"]
                .as_str()
                .context("a listed share without shareId")?;
            ids.insert(id.to_owned());
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn random_seed() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    (nanos as u64) ^ u64::from(std::process::id()).rotate_left(32)
}

/// SplitMix64: small, seedable, good enough for timing and sizes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    /// In `low..high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_valid_reproducible_and_of_three_sizes() {
        let now = Utc::now();
        let mut sizes = Vec::new();
        for number in 0..200 {
            let body = snapshot_body(&title(number), 42 ^ number, now).unwrap();
            assert_eq!(
                body,
                snapshot_body(&title(number), 42 ^ number, now).unwrap()
            );
            let parsed = chat_core::parse_snapshot(&body, now).unwrap();
            assert_eq!(parsed.snapshot.title, title(number));
            sizes.push(body.len());
        }
        let count =
            |range: std::ops::Range<usize>| sizes.iter().filter(|s| range.contains(s)).count();
        let (small, medium, large) = (
            count(0..4_000),
            count(8_000..30_000),
            count(80_000..150_000),
        );
        assert_eq!(small + medium + large, sizes.len(), "{sizes:?}");
        assert!(
            small > 100 && medium > 20 && large > 2,
            "{small} {medium} {large}"
        );
    }

    #[test]
    fn backends_by_name() {
        assert_eq!(Backend::parse("sqlite"), Some(Backend::Sqlite));
        assert_eq!(Backend::parse("pg"), Some(Backend::Postgres));
        assert_eq!(Backend::parse("postgres"), Some(Backend::Postgres));
        assert_eq!(Backend::parse("mysql"), None);
    }

    #[test]
    fn random_ranges() {
        let mut rng = Rng(7);
        for _ in 0..1_000 {
            let value = rng.between(100, 4_000);
            assert!((100..4_000).contains(&value));
        }
        assert_eq!(rng.between(5, 5), 5);
        assert_ne!(Rng(1).next(), Rng(2).next());
    }

    #[test]
    fn an_outcome_with_a_lost_share_fails() {
        let outcome = |lost: Vec<String>, acknowledged| Outcome {
            backend: Backend::Sqlite,
            kills: 2,
            acknowledged,
            unanswered: 0,
            unanswered_present: 0,
            reads_verified: 0,
            lost,
            foreign: Vec::new(),
            read_failures: Vec::new(),
            refused: Vec::new(),
            restarts: Vec::new(),
        };
        assert!(outcome(Vec::new(), 10).failures().is_empty());
        assert_eq!(outcome(vec!["x: 404".to_owned()], 10).failures().len(), 1);
        assert_eq!(outcome(Vec::new(), 1).failures().len(), 1);
    }
}
