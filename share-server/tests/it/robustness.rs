//! Clients that misbehave — abort mid-upload, stall, or cut connections by
//! the hundred — never affect anyone else.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::common;

use std::time::Duration;

use common::{TestServer, expect_error, snapshot};
use reqwest::StatusCode;
use share_server::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends the headers of a POST announcing `length` bytes and `sent` bytes of body.
async fn partial_post(
    addr: std::net::SocketAddr,
    token: &str,
    length: usize,
    sent: usize,
) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/v0/shared-chats HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let body = serde_json::to_vec(&snapshot("aborted")).unwrap();
    let mut chunk = body.repeat(sent / body.len() + 1);
    chunk.truncate(sent);
    stream.write_all(&chunk).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_aborting_mid_request_do_not_affect_others() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let addr = server.server.addr;
    let created = server.publish_ok(Some(&token)).await;
    let id = created["shareId"].as_str().unwrap().to_owned();

    for round in 0..3 {
        let mut aborts = Vec::new();
        for i in 0..100 {
            let token = token.clone();
            aborts.push(tokio::spawn(async move {
                match i % 4 {
                    // Half a body, then gone.
                    0 | 1 => drop(partial_post(addr, &token, 100_000, 50_000).await),
                    // Only half the headers.
                    2 => {
                        let mut stream = TcpStream::connect(addr).await.unwrap();
                        stream
                            .write_all(b"POST /api/v0/shared-chats HTTP/1.1\r\nHost: x\r\nContent-")
                            .await
                            .unwrap();
                        drop(stream);
                    }
                    // Half a body, a pause, then gone (the handler is mid-read).
                    _ => {
                        let stream = partial_post(addr, &token, 10_000, 5_000).await;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        drop(stream);
                    }
                }
            }));
        }
        // Meanwhile, and afterwards, well-behaved clients are served.
        let response = server
            .publish(Some(&token), &snapshot(&format!("round {round}")))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        for abort in aborts {
            abort.await.unwrap();
        }
    }
    let answer = tokio::time::timeout(Duration::from_secs(5), async {
        let publish = server
            .publish(Some(&token), &snapshot("after"))
            .await
            .status();
        let page = server.get(&format!("/shared/{id}")).await.status();
        let api = server.read(&id).await.status();
        let ready = server.get("/readyz").await.status();
        (publish, page, api, ready)
    })
    .await
    .expect("the server stopped answering");
    assert_eq!(
        answer,
        (
            StatusCode::CREATED,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK
        )
    );
    // None of the aborted uploads was stored.
    let list: serde_json::Value = server.list_json(&token).await;
    assert_eq!(list["data"]["total"], 5);
    server.server.shutdown().await;
}

/// A server that gives each request 300 ms, body upload included.
async fn impatient_server() -> TestServer {
    TestServer::with(|c| Config {
        request_timeout: Duration::from_millis(300),
        ..c
    })
    .await
}

#[tokio::test]
async fn a_stalled_upload_times_out_with_408() {
    let server = impatient_server().await;
    let token = server.user("alice").await;
    let mut stream = partial_post(server.server.addr, &token, 10_000, 100).await;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("no answer to a stalled upload")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""code":"timeout""#), "{answer}");
    // Others are unaffected.
    let response = server.publish(Some(&token), &snapshot("t")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn clients_trickling_headers_are_cut_off() {
    let server = impatient_server().await;
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(server.server.addr).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow:")
            .await
            .unwrap();
        slow.push(stream);
    }
    for mut stream in slow {
        let mut rest = Vec::new();
        let closed =
            tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
        assert!(
            closed.is_ok(),
            "a connection with unfinished headers stayed open"
        );
    }
    assert_eq!(server.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let body = serde_json::to_vec(&snapshot("in flight")).unwrap();
    // An upload that is mid-body when shutdown begins…
    let mut stream = partial_post(server.server.addr, &token, body.len(), 0).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let TestServer {
        server: running, ..
    } = server;
    let shutdown = tokio::spawn(running.shutdown());
    tokio::time::sleep(Duration::from_millis(50)).await;
    // …is still answered.
    stream.write_all(&body).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    tokio::time::timeout(Duration::from_secs(5), shutdown)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn errors_are_envelopes_even_for_garbage_paths() {
    let server = TestServer::start().await;
    let response = server.get("/api/v0/shared-chats/%00%ff").await;
    expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    let page = server.get("/shared/%ff%fe.json").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
}
