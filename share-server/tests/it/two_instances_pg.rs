//! Two real share-servers on one PostgreSQL database, as behind a load
//! balancer: what one publishes the other serves, what one revokes neither
//! serves any longer — at once, caches notwithstanding — and concurrent
//! publishing on both never collides. Also the `share-server` binary on
//! PostgreSQL, and that it never shows the database password.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::{common, pg};

use std::collections::HashSet;

use common::{expect_error, http_client, snapshot};
use pg::TestDatabase;
use reqwest::StatusCode;
use serde_json::Value;
use share_server::{Config, RunningServer};

const PUBLIC_URL: &str = "https://share.example.com";

/// Two instances started together (so their migrations race too).
async fn two_instances(database: &TestDatabase) -> (RunningServer, RunningServer) {
    let config = || {
        Config::default()
            .with_database_url(database.url.clone())
            .with_public_url(PUBLIC_URL)
            .without_rate_limits()
    };
    let (a, b) = tokio::join!(share_server::spawn(config()), share_server::spawn(config()));
    (a.unwrap(), b.unwrap())
}

async fn cache_hits(client: &reqwest::Client, server: &RunningServer) -> u64 {
    let metrics = client
        .get(format!("{}/metrics", server.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    metrics
        .lines()
        .find(|line| line.starts_with(r#"share_server_render_cache_lookups_total{outcome="hit"}"#))
        .and_then(|line| line.rsplit(' ').next())
        .map_or(0, |count| count.parse().unwrap())
}

async fn publish(
    client: &reqwest::Client,
    server: &RunningServer,
    token: &str,
    body: Vec<u8>,
) -> Value {
    let response = client
        .post(format!("{}/api/v0/shared-chats", server.base_url))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["data"].clone()
}

#[tokio::test]
async fn a_share_published_on_one_instance_is_served_listed_and_revoked_on_the_other() {
    let database = TestDatabase::create().await;
    let (a, b) = two_instances(&database).await;
    let client = http_client();
    // A user created through one instance authenticates on both.
    let token = a.add_user("alice").await.unwrap();

    // Bytes with their own spacing (jsonb would rewrite them): served back verbatim.
    let mut snapshot_bytes = serde_json::to_vec_pretty(&snapshot("Across instances")).unwrap();
    snapshot_bytes.extend_from_slice(b" \n");
    let created = publish(&client, &a, &token, snapshot_bytes.clone()).await;
    let id = created["shareId"].as_str().unwrap().to_owned();
    assert_eq!(created["shareUrl"], format!("{PUBLIC_URL}/shared/{id}"));

    let get = |server: &RunningServer, path: String| {
        let request = client.get(format!("{}{path}", server.base_url));
        async move { request.send().await.unwrap() }
    };
    let page_path = format!("/shared/{id}");
    let api_path = format!("/api/v0/shared-chats/{id}");

    // Read on B: the page, the API and the verbatim JSON download.
    let page = get(&b, page_path.clone()).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Across instances"));
    let api: Value = get(&b, api_path.clone()).await.json().await.unwrap();
    assert_eq!(api["success"], true);
    assert_eq!(api["data"]["title"], "Across instances");
    assert!(api["data"]["createdAt"].is_string());
    let download = get(&b, format!("/shared/{id}.json")).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.bytes().await.unwrap().as_ref(), snapshot_bytes);

    // Listed on B.
    let list: Value = client
        .get(format!("{}/api/v0/shared-chats", b.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["data"]["total"], 1);
    assert_eq!(list["data"]["items"][0]["shareId"], id.as_str());
    assert_eq!(list["data"]["items"][0]["status"], "live");

    // A renders and caches the page and the API answer, then serves them
    // from its cache.
    for _ in 0..2 {
        assert_eq!(get(&a, page_path.clone()).await.status(), StatusCode::OK);
        assert_eq!(get(&a, api_path.clone()).await.status(), StatusCode::OK);
    }
    assert!(
        cache_hits(&client, &a).await >= 2,
        "A answers from its cache"
    );

    // Deleted through B…
    let response = client
        .delete(format!("{}{api_path}", b.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // …A refuses it on the very next request, cache or not: no sleep, no retry.
    assert_eq!(get(&a, page_path.clone()).await.status(), StatusCode::GONE);
    expect_error(get(&a, api_path.clone()).await, StatusCode::GONE, "gone").await;
    assert_eq!(
        get(&a, format!("/shared/{id}.json")).await.status(),
        StatusCode::GONE
    );
    assert_eq!(get(&b, page_path.clone()).await.status(), StatusCode::GONE);
    expect_error(get(&b, api_path.clone()).await, StatusCode::GONE, "gone").await;
    // A second delete through A knows it is gone, and both list it as revoked.
    let again = client
        .delete(format!("{}{api_path}", a.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    expect_error(again, StatusCode::GONE, "gone").await;
    let list: Value = client
        .get(format!("{}/api/v0/shared-chats", a.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["data"]["items"][0]["status"], "revoked");

    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn concurrent_publishing_on_both_instances_never_collides() {
    const PER_INSTANCE: usize = 100;
    let database = TestDatabase::create().await;
    let (a, b) = two_instances(&database).await;
    let client = http_client();
    let token = b.add_user("alice").await.unwrap();

    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for i in 0..2 * PER_INSTANCE {
        let base = if i % 2 == 0 { &a.base_url } else { &b.base_url }.clone();
        let client = client.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(format!("{base}/api/v0/shared-chats"))
                .bearer_auth(&token)
                .json(&snapshot(&format!("chat {i}")))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            let body: Value = response.json().await.unwrap();
            (i, body["data"]["shareId"].as_str().unwrap().to_owned())
        }));
    }
    let mut created = Vec::new();
    for task in tasks {
        created.push(task.await.unwrap());
    }
    eprintln!(
        "{} concurrent creates on two instances in {:.2?}",
        created.len(),
        started.elapsed()
    );
    let ids: HashSet<&str> = created.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(ids.len(), 2 * PER_INSTANCE, "every share has its own id");

    // Each readable on the instance that did not create it, with its own title.
    for (i, id) in &created {
        let other = if i % 2 == 0 { &b } else { &a };
        let response = client
            .get(format!("{}/api/v0/shared-chats/{id}", other.base_url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{id}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["title"], format!("chat {i}"));
    }
    for server in [&a, &b] {
        let list: Value = client
            .get(format!("{}/api/v0/shared-chats?limit=1", server.base_url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["data"]["total"], 2 * PER_INSTANCE);
    }
    a.shutdown().await;
    b.shutdown().await;
}

const BIN: &str = env!("CARGO_BIN_EXE_share-server");

fn binary(dir: &tempfile::TempDir) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(BIN);
    command
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .kill_on_drop(true);
    for (key, _) in std::env::vars() {
        if key.starts_with("SHARE_SERVER_") {
            command.env_remove(key);
        }
    }
    command
}

/// The test database's URL with a password in it, and that password (the
/// throwaway cluster trusts local connections, so any password works).
fn url_with_password(database: &TestDatabase) -> (String, String) {
    let config: tokio_postgres::Config = database.url.parse().unwrap();
    match config.get_password() {
        Some(password) => (
            database.url.clone(),
            String::from_utf8(password.to_vec()).unwrap(),
        ),
        None => {
            let user = config.get_user().unwrap();
            let url = database
                .url
                .replacen(&format!("{user}@"), &format!("{user}:hunter2@"), 1);
            (url, "hunter2".to_owned())
        }
    }
}

#[tokio::test]
async fn the_binary_runs_on_postgres_and_never_shows_the_password() {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let database = TestDatabase::create().await;
    let (url, password) = url_with_password(&database);
    let dir = tempfile::tempdir().unwrap();

    // The admin CLI on the shared database.
    let output = binary(&dir)
        .args(["user", "add", "alice", "--database-url", &url])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains(&password), "{stderr}");
    let token = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned();

    // `serve` logs which database it uses, redacted.
    let mut server = binary(&dir)
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let mut log = Vec::new();
    let base_url = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            log.push(line.clone());
            if let Some((_, rest)) = line.split_once("listening on ") {
                return rest.split_whitespace().next().unwrap().to_owned();
            }
        }
        panic!("serve exited: {log:?}");
    })
    .await
    .unwrap();
    let log = log.join("\n");
    assert!(!log.contains(&password), "{log}");
    assert!(log.contains("store opened"), "{log}");
    assert!(log.contains(":***@"), "{log}");
    // It serves, with the user the CLI created.
    let client = http_client();
    let response = client
        .post(format!("{base_url}/api/v0/shared-chats"))
        .bearer_auth(&token)
        .json(&snapshot("from the binary"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    server.start_kill().unwrap();
    server.wait().await.unwrap();

    // A database that cannot be reached: a clear error, no password.
    let output = binary(&dir)
        .args([
            "user",
            "list",
            "--database-url",
            "postgres://alice:hunter2@127.0.0.1:1/shares",
        ])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success());
    assert!(
        stderr.contains("database unavailable: postgres://alice:***@127.0.0.1:1/shares"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
