//! The `share-server` binary as admins use it: `user add|list|revoke`,
//! `purge`, `serve` (flags, environment, config file, SIGTERM).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::common;

use std::process::{Output, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use share_server::Config;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_share-server");

fn share_server(dir: &tempfile::TempDir) -> Command {
    let mut command = Command::new(BIN);
    command.current_dir(dir.path()).env_remove("RUST_LOG");
    for (key, _) in std::env::vars() {
        if key.starts_with("SHARE_SERVER_") {
            command.env_remove(key);
        }
    }
    command
}

async fn run(command: &mut Command) -> Output {
    command.output().await.unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

async fn server_on(dir: &tempfile::TempDir) -> share_server::RunningServer {
    share_server::spawn(
        Config::default()
            .with_database_url(common::database_url(dir))
            .without_rate_limits(),
    )
    .await
    .unwrap()
}

async fn publish(base_url: &str, token: &str) -> StatusCode {
    common::http_client()
        .post(format!("{base_url}/api/v0/shared-chats"))
        .bearer_auth(token)
        .json(&common::snapshot("from the CLI test"))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn user_add_prints_a_working_token_as_the_last_line() {
    let dir = tempfile::tempdir().unwrap();
    // Exactly the documented command line (a path relative to the working directory).
    let output = run(share_server(&dir).args([
        "user",
        "add",
        "alice",
        "--database-url",
        "sqlite://shares.db",
    ]))
    .await;
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    let token = text.lines().last().unwrap().trim().to_owned();
    assert!(token.starts_with("psu_") && token.len() == 68, "{text}");
    assert!(dir.path().join("shares.db").exists());
    // No public URL, so no connect code: stderr says how to get one.
    assert!(!text.contains("parlor1."), "{text}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--public-url"), "{stderr}");

    let server = server_on(&dir).await;
    assert_eq!(publish(&server.base_url, &token).await, StatusCode::CREATED);
    assert_eq!(
        publish(&server.base_url, "psu_wrong").await,
        StatusCode::UNAUTHORIZED
    );
    server.shutdown().await;

    // The name is taken now.
    let output = run(share_server(&dir).args([
        "user",
        "add",
        "alice",
        "--database-url",
        "sqlite://shares.db",
    ]))
    .await;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists"));
}

/// The connect code printed with the token, decoded as the app decodes it.
fn connect_code(output: &Output) -> chat_core::connect_code::ConnectCode {
    let text = stdout(output);
    let line = text
        .lines()
        .find(|line| {
            line.starts_with("Connect code (paste into Parlor → Settings → Share server): ")
        })
        .unwrap_or_else(|| panic!("no connect code in\n{text}"));
    let code = line.rsplit(' ').next().unwrap();
    assert!(code.starts_with(chat_core::connect_code::PREFIX), "{line}");
    chat_core::connect_code::ConnectCode::decode(code).unwrap()
}

fn last_line(output: &Output) -> String {
    stdout(output).lines().last().unwrap().to_owned()
}

#[tokio::test]
async fn user_add_prints_a_connect_code_when_it_knows_the_public_url() {
    let dir = tempfile::tempdir().unwrap();
    // A flag, normalized as `serve` normalizes it.
    let output = run(share_server(&dir).args([
        "user",
        "add",
        "alice",
        "--database-url",
        "sqlite://shares.db",
        "--public-url",
        "https://share.example.com/",
    ]))
    .await;
    assert!(output.status.success(), "{output:?}");
    let code = connect_code(&output);
    assert_eq!(code.url, "https://share.example.com");
    let token = last_line(&output);
    assert_eq!(code.token, token, "the token is still the last line");
    assert!(token.starts_with("psu_") && token.len() == 68);
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("--public-url"),
        "no hint when there is a code"
    );
    let server = server_on(&dir).await;
    assert_eq!(
        publish(&server.base_url, &code.token).await,
        StatusCode::CREATED
    );
    server.shutdown().await;

    // The environment variable `serve` reads.
    let output = run(share_server(&dir)
        .args(["user", "add", "bob", "--database-url", "sqlite://shares.db"])
        .env("SHARE_SERVER_PUBLIC_URL", "http://10.0.0.5:8080/parlor"))
    .await;
    assert!(output.status.success(), "{output:?}");
    let code = connect_code(&output);
    assert_eq!(code.url, "http://10.0.0.5:8080/parlor");
    assert_eq!(code.token, last_line(&output));

    // The config file `serve` reads; the flag beats it.
    let config = dir.path().join("share-server.toml");
    std::fs::write(
        &config,
        "database_url = \"sqlite://shares.db\"\npublic_url = \"https://team.example.org\"\n",
    )
    .unwrap();
    let output = run(share_server(&dir)
        .args(["user", "add", "carol", "--config"])
        .arg(&config))
    .await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(connect_code(&output).url, "https://team.example.org");
    let output = run(share_server(&dir)
        .args([
            "user",
            "add",
            "dave",
            "--public-url",
            "https://flag.example",
        ])
        .arg("--config")
        .arg(&config))
    .await;
    assert_eq!(connect_code(&output).url, "https://flag.example");

    // A URL `serve` would refuse is refused before anyone is created.
    let output = run(share_server(&dir).args([
        "user",
        "add",
        "erin",
        "--database-url",
        "sqlite://shares.db",
        "--public-url",
        "share.example.com",
    ]))
    .await;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("public URL"));
    let listing = stdout(
        &run(share_server(&dir).args(["user", "list", "--database-url", "sqlite://shares.db"]))
            .await,
    );
    assert!(!listing.contains("erin"), "{listing}");
    assert!(listing.contains("dave"), "{listing}");
}

#[tokio::test]
async fn environment_variables_stand_in_for_flags_and_users_can_be_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::database_url(&dir);
    let add = |name: &'static str| {
        let mut command = share_server(&dir);
        command
            .args(["user", "add", name])
            .env("SHARE_SERVER_DATABASE_URL", &url);
        command
    };
    let alice = stdout(&run(&mut add("alice")).await)
        .lines()
        .last()
        .unwrap()
        .to_owned();
    let bob = stdout(&run(&mut add("bob")).await)
        .lines()
        .last()
        .unwrap()
        .to_owned();
    assert_ne!(alice, bob);

    let output = run(share_server(&dir)
        .args(["user", "revoke", "alice"])
        .env("SHARE_SERVER_DATABASE_URL", &url))
    .await;
    assert!(output.status.success(), "{output:?}");

    let output = run(share_server(&dir).args(["user", "list", "--database-url", &url])).await;
    let listing = stdout(&output);
    let status_of = |name: &str| {
        listing
            .lines()
            .find(|line| line.starts_with(name))
            .map(|line| line.split_whitespace().nth(1).unwrap().to_owned())
    };
    assert_eq!(status_of("alice").as_deref(), Some("revoked"), "{listing}");
    assert_eq!(status_of("bob").as_deref(), Some("active"), "{listing}");
    assert!(!listing.contains("psu_"), "tokens are never listed");

    let server = server_on(&dir).await;
    assert_eq!(
        publish(&server.base_url, &alice).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(publish(&server.base_url, &bob).await, StatusCode::CREATED);
    server.shutdown().await;

    let output =
        run(share_server(&dir).args(["user", "revoke", "nobody", "--database-url", &url])).await;
    assert!(!output.status.success());
}

#[tokio::test]
async fn purge_deletes_expired_shares_and_prints_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::database_url(&dir);
    {
        let store = share_server::store::open(&url).await.unwrap();
        let now = chrono::Utc::now();
        for hours in [-48, -1, 1] {
            let share = share_server::store::NewShare {
                id: share_server::ids::ShareId::generate().unwrap(),
                owner: None,
                delete_token_hash: share_server::ids::TokenHash::of("psd_x"),
                title: "t".into(),
                snapshot: b"{}".to_vec(),
                created_at: now - chrono::Duration::days(3),
                expires_at: Some(now + chrono::Duration::hours(hours)),
                indexable: false,
            };
            store.insert_share(share).await.unwrap();
        }
    }
    let output = run(share_server(&dir).args(["purge", "--database-url", &url])).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output).trim(), "Purged 2 expired shares.");
    let output = run(share_server(&dir).args(["purge", "--database-url", &url])).await;
    assert_eq!(stdout(&output).trim(), "Purged 0 expired shares.");
}

#[tokio::test]
async fn serve_reads_file_env_and_flags_logs_its_address_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("share-server.toml");
    std::fs::write(
        &config,
        "bind = \"127.0.0.1:1\"\n\
         public_url = \"https://share.example.com/\"\n\
         allow_anonymous = false\n\
         log_format = \"json\"\n",
    )
    .unwrap();
    let mut child = share_server(&dir)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            "sqlite://shares.db",
        ])
        .arg("--config")
        .arg(&config)
        .env("SHARE_SERVER_ALLOW_ANONYMOUS", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let Ok(event) = serde_json::from_str::<Value>(&line) else {
                panic!("not a JSON log line: {line}")
            };
            if event["message"]
                .as_str()
                .is_some_and(|m| m.contains("listening on"))
            {
                return event["address"].as_str().unwrap().to_owned();
            }
        }
        panic!("the server exited without logging its address")
    })
    .await
    .unwrap();
    let base = format!("http://{address}");
    let client = common::http_client();
    assert_eq!(
        client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // Anonymous publishing from the environment beats the file; the public
    // URL comes from the file.
    let response = client
        .post(format!("{base}/api/v0/shared-chats"))
        .json(&common::snapshot("served"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let data = &body["data"];
    let share_url = data["shareUrl"].as_str().unwrap();
    assert!(
        share_url.starts_with("https://share.example.com/shared/"),
        "{share_url}"
    );
    let delete_token = data["deleteToken"].as_str().unwrap().to_owned();
    let response = client
        .delete(format!(
            "{base}/api/v0/shared-chats/{}",
            data["shareId"].as_str().unwrap()
        ))
        .header("x-delete-token", &delete_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let mut rest = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        rest.push(line);
    }
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
    let rest = rest.join("\n");
    assert!(rest.contains("share-server stopped"), "{rest}");
    assert!(!rest.contains(&delete_token), "tokens must not be logged");
}

#[tokio::test]
async fn help_names_the_environment_variables() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(share_server(&dir).args(["serve", "--help"])).await;
    let help = stdout(&output);
    for variable in [
        "SHARE_SERVER_BIND",
        "SHARE_SERVER_DATABASE_URL",
        "SHARE_SERVER_PUBLIC_URL",
        "SHARE_SERVER_BODY_LIMIT",
        "SHARE_SERVER_RATE_LIMIT_IP",
        "SHARE_SERVER_RATE_LIMIT_TOKEN",
        "SHARE_SERVER_ALLOW_ANONYMOUS",
        "SHARE_SERVER_DEFAULT_EXPIRY",
        "SHARE_SERVER_MAX_EXPIRY",
        "SHARE_SERVER_LOG_FORMAT",
        "SHARE_SERVER_CONFIG",
        "SHARE_SERVER_ALLOWED_HOSTS",
    ] {
        assert!(help.contains(variable), "{variable} missing from\n{help}");
    }
    assert!(help.contains("--allowed-host <HOST>"), "{help}");
    let output = run(share_server(&dir).args(["user", "add", "--help"])).await;
    let help = stdout(&output);
    for expected in [
        "--public-url <URL>",
        "SHARE_SERVER_PUBLIC_URL",
        "connect code",
    ] {
        assert!(help.contains(expected), "{expected} missing from\n{help}");
    }
    let output = run(share_server(&dir).args(["serve", "--body-limit", "lots"])).await;
    assert!(!output.status.success());
}
