//! A short load with abuse: 256 keep-alive connections for about 3 s reading
//! pages and the JSON API (with revalidation), publishing and listing, while
//! other clients abort requests half way and reset connections while the
//! server is still writing a large page. No well-behaved client may see an
//! error, a 5xx or any answer it did not expect, and the server answers
//! normally afterwards. The long run is this same test with longer settings:
//! `PARLOR_LOAD_SECONDS` (default 3) and `PARLOR_LOAD_DATABASE_URL` (a
//! PostgreSQL server instead of SQLite); `cargo xtask harden load` runs it
//! for 60 s and the test prints its peak memory.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{TestServer, snapshot};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const CONNECTIONS: usize = 256;
const ABUSERS: usize = 8;
const DEFAULT_SECONDS: u64 = 3;
/// Requests each well-behaved connection makes at least.
const MIN_REQUESTS: u64 = 2;

struct Plan {
    base: String,
    addr: SocketAddr,
    pages: Vec<String>,
    /// A share whose page is larger than the socket buffers.
    large: String,
    tokens: Vec<String>,
    publish_body: Vec<u8>,
}

#[derive(Default)]
struct Seen {
    requests: u64,
    statuses: BTreeMap<u16, u64>,
    unexpected: Vec<String>,
    errors: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn well_behaved_clients_are_served_under_load_and_abuse() {
    let seconds = std::env::var("PARLOR_LOAD_SECONDS").map_or(DEFAULT_SECONDS, |seconds| {
        seconds
            .trim()
            .parse()
            .expect("PARLOR_LOAD_SECONDS: a number")
    });
    let database_url = std::env::var("PARLOR_LOAD_DATABASE_URL").ok();
    let server = TestServer::on(database_url.as_deref(), |config| config).await;
    let plan = Arc::new(seed(&server).await);

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|index| tokio::spawn(client(index, Arc::clone(&plan), deadline)))
        .collect();
    let abusers: Vec<_> = (0..ABUSERS)
        .map(|index| tokio::spawn(abuser(index, Arc::clone(&plan), deadline)))
        .collect();
    let mut seen = Seen::default();
    for handle in clients {
        let one = handle.await.unwrap();
        seen.requests += one.requests;
        for (status, count) in one.statuses {
            *seen.statuses.entry(status).or_default() += count;
        }
        seen.unexpected.extend(one.unexpected);
        seen.errors.extend(one.errors);
    }
    let mut aborts = [0u64; ABUSES];
    for handle in abusers {
        for (total, count) in aborts.iter_mut().zip(handle.await.unwrap()) {
            *total += count;
        }
    }

    eprintln!(
        "{} requests by {CONNECTIONS} connections in {seconds} s: {:?}; aborts by kind: {aborts:?}; \
         peak memory of server and clients: {}",
        seen.requests,
        seen.statuses,
        peak_memory()
    );
    assert!(
        seen.errors.is_empty(),
        "{} failed requests, e.g. {:?}",
        seen.errors.len(),
        &seen.errors[..seen.errors.len().min(5)]
    );
    assert!(
        seen.unexpected.is_empty(),
        "{} unexpected answers, e.g. {:?}",
        seen.unexpected.len(),
        &seen.unexpected[..seen.unexpected.len().min(5)]
    );
    assert!(seen.statuses.keys().all(|status| *status < 500));
    for status in [200, 201, 304] {
        assert!(
            seen.statuses.get(&status).is_some_and(|n| *n > 0),
            "no {status} among {:?}",
            seen.statuses
        );
    }
    assert!(
        aborts.iter().all(|n| *n > 0),
        "some abuse never happened: {aborts:?}"
    );

    // Afterwards the server answers at once, a first render included.
    tokio::time::timeout(Duration::from_secs(10), async {
        assert_eq!(server.get("/readyz").await.status(), StatusCode::OK);
        let old = server.get(&format!("/shared/{}", plan.pages[0])).await;
        assert_eq!(old.status(), StatusCode::OK);
        let token = &plan.tokens[0];
        let created = server
            .publish(Some(token), &snapshot("After the load"))
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let created: Value = created.json().await.unwrap();
        let id = created["data"]["shareId"].as_str().unwrap();
        let fresh = server.get(&format!("/shared/{id}")).await;
        assert_eq!(fresh.status(), StatusCode::OK);
        assert!(fresh.text().await.unwrap().contains("After the load"));
    })
    .await
    .expect("the server did not answer after the load");
    // The server's own count: no 5xx to anyone, the aborting clients included.
    let metrics = server.get_text("/metrics").await;
    let server_errors: Vec<&str> = metrics
        .lines()
        .filter(|line| line.starts_with("share_server_http_requests_total{"))
        .filter(|line| line.contains("status=\"5"))
        .collect();
    assert!(server_errors.is_empty(), "{server_errors:?}");
    server.server.shutdown().await;
}

async fn seed(server: &TestServer) -> Plan {
    let tokens = vec![server.user("alice").await, server.user("bob").await];
    let mut pages = Vec::new();
    for n in 0..4 {
        let response = server
            .publish(Some(&tokens[0]), &snapshot(&format!("Page {n}")))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        pages.push(body["data"]["shareId"].as_str().unwrap().to_owned());
    }
    // ~200 kB of plain text: far more than a socket buffer holds.
    let mut large = snapshot("A large page");
    large["messages"][0]["content"] = Value::from(
        (0..4000)
            .map(|n| format!("word{n} "))
            .collect::<String>()
            .repeat(4),
    );
    let response = server.publish(Some(&tokens[0]), &large).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let large = body["data"]["shareId"].as_str().unwrap().to_owned();
    // Rendered once before the load, as a long-running server would have.
    for id in pages.iter().chain([&large]) {
        assert_eq!(
            server.get(&format!("/shared/{id}")).await.status(),
            StatusCode::OK
        );
    }
    Plan {
        base: server.server.base_url.clone(),
        addr: server.server.addr,
        pages,
        large,
        tokens,
        publish_body: serde_json::to_vec(&snapshot("Published under load")).unwrap(),
    }
}

/// One keep-alive connection: page reads, JSON reads each followed by a
/// revalidation (304), publishes or lists, by `index`.
async fn client(index: usize, plan: Arc<Plan>, deadline: Instant) -> Seen {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(15))
        .no_proxy()
        .build()
        .unwrap();
    let token = &plan.tokens[index % plan.tokens.len()];
    let mut seen = Seen::default();
    let mut revalidate: Option<(String, String)> = None;
    let mut turn = index;
    // Until the deadline, and at least a read and its revalidation however
    // slow the machine is: what the test checks must have happened.
    while seen.requests < MIN_REQUESTS || Instant::now() < deadline {
        turn += 1;
        let id = &plan.pages[turn % plan.pages.len()];
        let base = &plan.base;
        let (request, expected) = match index % 4 {
            0 => {
                let encoding = ["identity", "gzip", "br"][turn % 3];
                let request = http
                    .get(format!("{base}/shared/{id}"))
                    .header("accept-encoding", encoding);
                (request, 200)
            }
            1 => match revalidate.take() {
                Some((url, etag)) => (http.get(url).header("if-none-match", etag), 304),
                None => {
                    let path = [
                        format!("/api/v0/shared-chats/{id}"),
                        format!("/shared/{id}.json"),
                        format!("/shared/{id}.md"),
                    ];
                    (http.get(format!("{base}{}", path[turn % 3])), 200)
                }
            },
            2 => (
                http.post(format!("{base}/api/v0/shared-chats"))
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(plan.publish_body.clone()),
                201,
            ),
            _ => (
                http.get(format!(
                    "{base}/api/v0/shared-chats?limit=20&offset={}",
                    turn % 50
                ))
                .bearer_auth(token),
                200,
            ),
        };
        seen.requests += 1;
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                seen.errors.push(format!("{error:#}"));
                continue;
            }
        };
        let status = response.status().as_u16();
        let url = response.url().to_string();
        let etag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned());
        if let Err(error) = response.bytes().await {
            seen.errors.push(format!("{url}: {error:#}"));
            continue;
        }
        *seen.statuses.entry(status).or_default() += 1;
        if status != expected {
            seen.unexpected
                .push(format!("{url}: {status}, expected {expected}"));
        }
        if index % 4 == 1 && status == 200 {
            revalidate = etag.map(|etag| (url, etag));
        }
    }
    seen
}

const ABUSES: usize = 5;

/// Connects and goes away in each of the [`ABUSES`] ways in turn; returns
/// how many of each it did.
async fn abuser(index: usize, plan: Arc<Plan>, deadline: Instant) -> [u64; ABUSES] {
    let addr = plan.addr;
    let token = &plan.tokens[0];
    let mut done = [0; ABUSES];
    let mut turn = index;
    // Every kind of abuse at least once, however slow the machine is.
    while done.contains(&0) || Instant::now() < deadline {
        turn += 1;
        let kind = turn % ABUSES;
        let abuse = async {
            match kind {
                // Connect, close.
                0 => drop(TcpStream::connect(addr).await.unwrap()),
                // Half the headers.
                1 => {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    let head = format!("GET /shared/{} HTTP/1.1\r\nHost: x\r\nAcc", plan.large);
                    stream.write_all(head.as_bytes()).await.unwrap();
                }
                // Half the body, a pause (the handler is mid-read), gone.
                2 => {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    let head = format!(
                        "POST /api/v0/shared-chats HTTP/1.1\r\nHost: x\r\n\
                         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
                         Content-Length: {}\r\n\r\n",
                        plan.publish_body.len()
                    );
                    stream.write_all(head.as_bytes()).await.unwrap();
                    let half = &plan.publish_body[..plan.publish_body.len() / 2];
                    stream.write_all(half).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                // The first bytes of the large page through a tiny window,
                // then a reset while the server is still writing.
                3 => {
                    let socket = TcpSocket::new_v4().unwrap();
                    socket.set_recv_buffer_size(4096).unwrap();
                    let mut stream = socket.connect(addr).await.unwrap();
                    let request = format!("GET /shared/{} HTTP/1.1\r\nHost: x\r\n\r\n", plan.large);
                    // Twice, pipelined: the second is queued behind the first.
                    stream
                        .write_all(request.repeat(2).as_bytes())
                        .await
                        .unwrap();
                    let mut first = [0; 1024];
                    let read = stream.read(&mut first).await.unwrap();
                    assert!(
                        first[..read].starts_with(b"HTTP/1.1 200"),
                        "{:?}",
                        String::from_utf8_lossy(&first[..read])
                    );
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                // Not HTTP: answered 400 and closed.
                _ => {
                    let mut stream = TcpStream::connect(addr).await.unwrap();
                    stream
                        .write_all(b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
                        .await
                        .unwrap();
                    let mut answer = Vec::new();
                    let _ = stream.read_to_end(&mut answer).await;
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(5), abuse)
            .await
            .expect("an abusive client was stuck");
        done[kind] += 1;
    }
    done
}

/// `VmHWM` of this process (the server and the clients): the peak resident
/// memory, as the kernel counts it.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
            Some(line.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}
