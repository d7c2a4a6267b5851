//! Crash durability: the real `share-server` binary under a mixed load of
//! creates and reads is killed with SIGKILL at random moments and restarted
//! on the same database, three times by default; then
//! every share whose create was answered 201 must still be served
//! byte-identical, on SQLite and on PostgreSQL.
//!
//! A create in flight at the kill gets no answer: such a share may exist or
//! not, but if it does, its bytes must be exactly those sent. Anything else
//! the owner's list shows — a share nobody sent — fails the test too.
//!
//! The kill moments come from a seed printed at the start; set
//! `PARLOR_CRASH_SEED` to replay the same timing and body sizes (the
//! interleaving still varies). The long run is this same test with longer
//! settings: `PARLOR_HARDEN_KILLS` kills per backend and
//! `PARLOR_SHARE_SERVER_BIN` (a release build) as the server;
//! `cargo xtask harden crash` sets both (20 kills).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::{binary, common, pg};

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::snapshot;
use futures_util::{StreamExt, stream};
use pg::TestDatabase;
use serde_json::Value;
use tokio::process::Child;
use tokio::sync::watch;

const KILLS_VARIABLE: &str = "PARLOR_HARDEN_KILLS";
const DEFAULT_KILLS: usize = 3;
const WRITERS: usize = 4;
const READERS: usize = 2;
/// How long the load runs before a kill: a random time in this range…
const KILL_AFTER_MS: (u64, u64) = (300, 1_200);
/// …and at least this many creates answered 201 since the (re)start, so
/// every kill lands on a server that has been taking writes.
const MIN_ACKS_PER_LIFE: usize = 5;
/// Each writer pauses up to this long between creates: the first download
/// of a share (the check) costs more than its create in a debug build, so
/// this keeps the check short; with four writers one is still in flight at
/// most kills.
const MAX_PAUSE_MS: u64 = 50;
const SEED_VARIABLE: &str = "PARLOR_CRASH_SEED";

#[tokio::test]
async fn acknowledged_shares_survive_kill_9_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("shares.db").display());
    crash_and_verify("sqlite", &url, dir.path()).await;
}

#[tokio::test]
async fn acknowledged_shares_survive_kill_9_on_postgres() {
    let database = TestDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    crash_and_verify("postgres", &database.url, dir.path()).await;
}

async fn crash_and_verify(backend: &str, database_url: &str, dir: &Path) {
    let started = Instant::now();
    let seed = seed();
    eprintln!("{backend}: seed {seed} ({SEED_VARIABLE}={seed} replays the kill timing)");
    let mut rng = Rng(seed);
    let kills = kills();
    let token = add_user(database_url, dir).await;
    let client = client();

    let (mut server, first_start) = Server::start(database_url, dir).await;
    let mut restarts = vec![first_start];
    let (base_tx, base_rx) = watch::channel(server.base_url.clone());
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let sequence = Arc::new(AtomicU64::new(0));
    let mut load = Vec::new();
    for _ in 0..WRITERS {
        let load_rng = Rng(rng.next());
        load.push(tokio::spawn(write_loop(
            client.clone(),
            base_rx.clone(),
            token.clone(),
            Arc::clone(&ledger),
            Arc::clone(&stop),
            Arc::clone(&sequence),
            load_rng,
        )));
    }
    for _ in 0..READERS {
        let load_rng = Rng(rng.next());
        load.push(tokio::spawn(read_loop(
            client.clone(),
            base_rx.clone(),
            Arc::clone(&ledger),
            Arc::clone(&stop),
            load_rng,
        )));
    }

    for kill in 1..=kills {
        let life_started = Instant::now();
        let acks_before = ledger.lock().unwrap().acknowledged.len();
        let delay =
            Duration::from_millis(KILL_AFTER_MS.0 + rng.below(KILL_AFTER_MS.1 - KILL_AFTER_MS.0));
        tokio::time::sleep(delay).await;
        loop {
            let acks = ledger.lock().unwrap().acknowledged.len() - acks_before;
            if acks >= MIN_ACKS_PER_LIFE {
                break;
            }
            assert!(
                life_started.elapsed() < Duration::from_secs(20),
                "{backend}: only {acks} creates acknowledged in 20 s after start {kill}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        server.kill_9().await;
        if kill == kills {
            // The last life ends with the kill: what was in flight then
            // stays unanswered, and the check below runs on a quiet server.
            stop.store(true, Ordering::SeqCst);
            for task in load.drain(..) {
                task.await.unwrap();
            }
        }
        let (restarted, took) = Server::start(database_url, dir).await;
        server = restarted;
        restarts.push(took);
        base_tx.send_replace(server.base_url.clone());
    }

    let ledger = Arc::try_unwrap(ledger).ok().unwrap().into_inner().unwrap();
    let load_took = started.elapsed();
    let verdict = verify(&client, &server.base_url, &token, &ledger).await;
    let max_restart = restarts[1..].iter().max().copied().unwrap_or_default();
    eprintln!(
        "{backend}: kills {kills}, acknowledged {}, unanswered {} (of which present {}), lost {}, \
         unsent or altered {}, reads verified during the load {}, refused {}, \
         first start {:.0?}, max restart {max_restart:.0?}, load and kills {load_took:.1?}, took {:.1?}",
        ledger.acknowledged.len(),
        ledger.unanswered.len(),
        verdict.unanswered_present,
        verdict.lost.len(),
        verdict.foreign.len(),
        ledger.reads_verified,
        ledger.refused.len(),
        restarts[0],
        started.elapsed(),
    );
    server.kill_9().await;

    for (what, problems) in [
        ("acknowledged shares lost or changed", &verdict.lost),
        (
            "shares whose bytes match nothing that was sent",
            &verdict.foreign,
        ),
        ("reads during the load failed", &ledger.read_failures),
        ("creates answered with an error", &ledger.refused),
    ] {
        assert!(problems.is_empty(), "{backend}: {what}: {problems:?}");
    }
    // Cannot pass vacuously: each life took writes before its kill.
    assert!(ledger.acknowledged.len() >= kills * MIN_ACKS_PER_LIFE);
    assert!(ledger.reads_verified > 0, "{backend}: no read was verified");
}

/// The check itself notices a share deleted or altered behind the server's
/// back, and one that nobody sent.
#[tokio::test]
async fn the_check_notices_lost_altered_and_unsent_shares() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shares.db");
    let url = format!("sqlite://{}", path.display());
    let token = add_user(&url, dir.path()).await;
    let client = client();
    let (mut server, _) = Server::start(&url, dir.path()).await;
    let mut ledger = Ledger::default();
    let mut rng = Rng(8);
    let mut ids = Vec::new();
    for n in 0..5 {
        let title = format!("check #{n}");
        let body = snapshot_bytes(&title, &mut rng);
        let (status, answer) = post(&client, &server.base_url, &token, body.clone())
            .await
            .unwrap();
        assert_eq!(status, 201);
        let id = share_id(&answer).unwrap();
        match n {
            // As if its create had gone unanswered.
            3 => drop(ledger.unanswered.insert(title, body)),
            // Left out of the ledger: a share nobody sent.
            4 => {}
            _ => ledger.acknowledged.push((id.clone(), body)),
        }
        ids.push(id);
    }
    server.kill_9().await;
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute("DELETE FROM shares WHERE id = ?1", [&ids[0]])
        .unwrap();
    db.execute(
        "UPDATE shares SET snapshot = CAST(snapshot || x'20' AS BLOB) WHERE id = ?1",
        [&ids[1]],
    )
    .unwrap();
    drop(db);
    let (mut server, _) = Server::start(&url, dir.path()).await;

    let verdict = verify(&client, &server.base_url, &token, &ledger).await;
    server.kill_9().await;
    let mentions = |list: &[String], id: &str| list.iter().any(|entry| entry.starts_with(id));
    assert!(mentions(&verdict.lost, &ids[0]), "{:?}", verdict.lost);
    assert!(mentions(&verdict.lost, &ids[1]), "{:?}", verdict.lost);
    assert!(!mentions(&verdict.lost, &ids[2]), "{:?}", verdict.lost);
    assert_eq!(verdict.unanswered_present, 1);
    assert_eq!(verdict.foreign.len(), 1, "{:?}", verdict.foreign);
    assert!(mentions(&verdict.foreign, &ids[4]));
}

/// What the load saw.
#[derive(Default)]
struct Ledger {
    /// Answered 201: the id and the exact bytes sent.
    acknowledged: Vec<(String, Vec<u8>)>,
    /// Sent but not answered (the server died first), by title.
    unanswered: HashMap<String, Vec<u8>>,
    /// Answered with anything but 201.
    refused: Vec<String>,
    /// Reads of acknowledged shares that did not serve the bytes sent.
    read_failures: Vec<String>,
    reads_verified: u64,
}

async fn write_loop(
    client: reqwest::Client,
    base: watch::Receiver<String>,
    token: String,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
    sequence: Arc<AtomicU64>,
    mut rng: Rng,
) {
    while !stop.load(Ordering::SeqCst) {
        let title = format!("crash #{}", sequence.fetch_add(1, Ordering::Relaxed));
        let body = snapshot_bytes(&title, &mut rng);
        let base_url = base.borrow().clone();
        match post(&client, &base_url, &token, body.clone()).await {
            Ok((201, bytes)) => {
                match share_id(&bytes) {
                    Some(id) => ledger.lock().unwrap().acknowledged.push((id, body)),
                    None => ledger.lock().unwrap().refused.push(format!(
                        "201 without a shareId: {}",
                        String::from_utf8_lossy(&bytes)
                    )),
                }
                let pause = rng.below(MAX_PAUSE_MS);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            Ok((status, bytes)) => ledger
                .lock()
                .unwrap()
                .refused
                .push(format!("{status}: {}", String::from_utf8_lossy(&bytes))),
            // Not even connected (the server is down): never sent.
            Err(error) if error.is_connect() => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(_) => {
                ledger.lock().unwrap().unanswered.insert(title, body);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// Reads acknowledged shares at random: the download must be the bytes
/// sent (an acknowledged share is never missing, even right after a
/// restart); the page must be served.
async fn read_loop(
    client: reqwest::Client,
    base: watch::Receiver<String>,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
    mut rng: Rng,
) {
    while !stop.load(Ordering::SeqCst) {
        let pick = {
            let ledger = ledger.lock().unwrap();
            let count = ledger.acknowledged.len() as u64;
            (count > 0).then(|| ledger.acknowledged[rng.below(count) as usize].clone())
        };
        let Some((id, body)) = pick else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let base_url = base.borrow().clone();
        let page = rng.below(4) == 0;
        let path = if page {
            format!("/shared/{id}")
        } else {
            format!("/shared/{id}.json")
        };
        match answered(client.get(format!("{base_url}{path}")).send().await).await {
            // The server is down or died mid-answer: nothing to judge.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            Ok((200, bytes)) if page || bytes == body => {
                ledger.lock().unwrap().reads_verified += 1;
            }
            Ok((status, bytes)) => ledger.lock().unwrap().read_failures.push(format!(
                "{path}: {status}, {} bytes (sent {})",
                bytes.len(),
                body.len()
            )),
        }
    }
}

/// POSTs a snapshot; the status and body of the answer, or the error when
/// there was no (complete) answer.
async fn post(
    client: &reqwest::Client,
    base_url: &str,
    token: &str,
    body: Vec<u8>,
) -> Result<(u16, Vec<u8>), reqwest::Error> {
    let response = client
        .post(format!("{base_url}/api/v0/shared-chats"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await;
    answered(response).await
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

struct Verdict {
    /// Acknowledged shares not served byte-identical.
    lost: Vec<String>,
    /// Shares in the owner's list whose bytes match nothing unanswered.
    foreign: Vec<String>,
    unanswered_present: usize,
}

async fn verify(client: &reqwest::Client, base_url: &str, token: &str, ledger: &Ledger) -> Verdict {
    let mut lost = Vec::new();
    let ids = ledger.acknowledged.iter().map(|(id, _)| id.clone());
    let served = download_all(client, base_url, ids).await;
    for (id, body) in &ledger.acknowledged {
        let (status, bytes) = &served[id];
        if *status != 200 || bytes != body {
            lost.push(format!(
                "{id}: {status}, {} bytes (sent {})",
                bytes.len(),
                body.len()
            ));
        }
    }

    let listed = list_all(client, base_url, token).await;
    let acknowledged: HashSet<&str> = served.keys().map(String::as_str).collect();
    for id in &acknowledged {
        if !listed.contains(*id) {
            lost.push(format!("{id}: missing from the owner's list"));
        }
    }
    let others = listed
        .iter()
        .filter(|id| !acknowledged.contains(id.as_str()))
        .cloned();
    let mut foreign = Vec::new();
    let mut unanswered_present = 0;
    for (id, (status, bytes)) in download_all(client, base_url, others).await {
        let title = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|snapshot| snapshot["title"].as_str().map(str::to_owned));
        let sent = title.and_then(|title| ledger.unanswered.get(&title));
        if status == 200 && sent.is_some_and(|sent| *sent == bytes) {
            unanswered_present += 1;
        } else {
            foreign.push(format!("{id}: {status}, {} bytes", bytes.len()));
        }
    }
    Verdict {
        lost,
        foreign,
        unanswered_present,
    }
}

/// `/shared/{id}.json` of each id, a few at a time (a share's first
/// download also compresses it, which takes a while in a debug build).
async fn download_all(
    client: &reqwest::Client,
    base_url: &str,
    ids: impl Iterator<Item = String>,
) -> HashMap<String, (u16, Vec<u8>)> {
    stream::iter(ids.map(|id| async move {
        let answer = download(client, base_url, &id).await;
        (id, answer)
    }))
    .buffer_unordered(4)
    .collect()
    .await
}

async fn download(client: &reqwest::Client, base_url: &str, id: &str) -> (u16, Vec<u8>) {
    let response = client
        .get(format!("{base_url}/shared/{id}.json"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

/// Every share id in the owner's list, page by page.
async fn list_all(client: &reqwest::Client, base_url: &str, token: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    loop {
        let page: Value = client
            .get(format!(
                "{base_url}/api/v0/shared-chats?limit=100&offset={}",
                ids.len()
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = page["data"]["items"].as_array().unwrap();
        if items.is_empty() {
            return ids;
        }
        for item in items {
            ids.insert(item["shareId"].as_str().unwrap().to_owned());
        }
    }
}

/// A valid snapshot with a unique title: mostly about 1 KB, a quarter
/// 10–20 KB, one in sixteen 100–120 KB; compact or pretty-printed, so that "byte-identical"
/// means more than "the same JSON".
fn snapshot_bytes(title: &str, rng: &mut Rng) -> Vec<u8> {
    let filler_len = match rng.below(100) {
        0..6 => 100_000 + rng.below(20_000),
        6..30 => 10_000 + rng.below(10_000),
        _ => rng.below(1_000),
    };
    let mut snapshot = snapshot(title);
    snapshot["messages"][3]["content"] = Value::String(filler(filler_len as usize, rng));
    if rng.below(2) == 0 {
        serde_json::to_vec_pretty(&snapshot).unwrap()
    } else {
        serde_json::to_vec(&snapshot).unwrap()
    }
}

fn filler(len: usize, rng: &mut Rng) -> String {
    const WORDS: [&str; 8] = [
        "crash",
        "durable",
        "café",
        "日本語",
        "**bold**",
        "`code`",
        "\n\n",
        "WAL",
    ];
    let mut text = String::with_capacity(len + 16);
    while text.len() < len {
        text.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
        text.push(' ');
    }
    text
}

/// A running `share-server serve`, killed with SIGKILL when dropped.
struct Server {
    child: Child,
    base_url: String,
}

impl Server {
    /// Starts the binary on a free port; returns it once `/healthz`
    /// answers, with the time that took.
    async fn start(database_url: &str, dir: &Path) -> (Self, Duration) {
        let started = Instant::now();
        let mut serve = binary::command(dir);
        serve
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(["--database-url", database_url])
            .args(["--rate-limit-ip", "0", "--rate-limit-token", "0"]);
        let binary::Serving {
            child,
            mut lines,
            address: base_url,
            ..
        } = binary::start(&mut serve, binary::text_log_address).await;
        // Keep reading its log (a full pipe would stall it); show errors.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("ERROR") {
                    eprintln!("share-server: {line}");
                }
            }
        });
        let client = client();
        loop {
            let healthy = client.get(format!("{base_url}/healthz")).send().await;
            if healthy.is_ok_and(|response| response.status().is_success()) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no /healthz in 30 s"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        (Self { child, base_url }, started.elapsed())
    }

    async fn kill_9(&mut self) {
        // `Child::start_kill` sends SIGKILL on Unix: no graceful shutdown.
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}

/// `share-server user add` (creating the database); returns the token.
async fn add_user(database_url: &str, dir: &Path) -> String {
    binary::last_line(&binary::add_user(dir, "crash", database_url).await)
}

fn client() -> reqwest::Client {
    // As `common::http_client`, with a timeout so a hung request cannot stall the test.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap()
}

fn kills() -> usize {
    std::env::var(KILLS_VARIABLE).map_or(DEFAULT_KILLS, |kills| {
        kills.trim().parse().expect("PARLOR_HARDEN_KILLS: a number")
    })
}

fn seed() -> u64 {
    match std::env::var(SEED_VARIABLE) {
        Ok(seed) => seed.trim().parse().expect("PARLOR_CRASH_SEED: a number"),
        Err(_) => {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            (nanos as u64) ^ u64::from(std::process::id()).rotate_left(32)
        }
    }
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
        self.next() % bound
    }
}
