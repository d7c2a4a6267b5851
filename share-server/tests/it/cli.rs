//! The `share-server` binary as admins use it: `user add|list|revoke`,
//! `purge`, `serve` (flags, environment, config file, SIGTERM).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::{binary, common};

use std::process::Output;
use std::time::Duration;

use binary::{last_line, run, stderr, stdout};
use common::Api;
use reqwest::StatusCode;
use serde_json::Value;
use share_server::Config;
use tokio::process::Command;

fn share_server(dir: &tempfile::TempDir) -> Command {
    binary::command(dir.path())
}

/// `user add NAME` on `sqlite://shares.db` in `dir`, with `more` arguments.
async fn user_add(dir: &tempfile::TempDir, name: &str, more: &[&str]) -> Output {
    let mut command = share_server(dir);
    command
        .args(["user", "add", name, "--database-url", "sqlite://shares.db"])
        .args(more);
    run(&mut command).await
}

/// Publishes once with each token on a server over `dir`'s database; the
/// statuses.
async fn publish_with(dir: &tempfile::TempDir, tokens: &[&str]) -> Vec<StatusCode> {
    let config = Config::default()
        .with_database_url(common::database_url(dir))
        .without_rate_limits();
    let server = share_server::spawn(config).await.unwrap();
    let api = Api::of(&server);
    let mut statuses = Vec::new();
    for token in tokens {
        let snapshot = common::snapshot("from the CLI test");
        statuses.push(api.publish(Some(token), &snapshot).await.status());
    }
    server.shutdown().await;
    statuses
}

#[tokio::test]
async fn user_add_prints_a_working_token_as_the_last_line() {
    let dir = tempfile::tempdir().unwrap();
    // Exactly the documented command line (a path relative to the working directory).
    let output = user_add(&dir, "alice", &[]).await;
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    let token = last_line(&output);
    assert!(token.starts_with("psu_") && token.len() == 68, "{text}");
    assert!(dir.path().join("shares.db").exists());
    // No public URL, so no connect code: stderr says how to get one.
    assert!(!text.contains("parlor1."), "{text}");
    let hint = stderr(&output);
    assert!(hint.contains("--public-url"), "{hint}");

    assert_eq!(
        publish_with(&dir, &[&token, "psu_wrong"]).await,
        [StatusCode::CREATED, StatusCode::UNAUTHORIZED]
    );

    // The name is taken now.
    let output = user_add(&dir, "alice", &[]).await;
    assert!(!output.status.success());
    assert!(stderr(&output).contains("already exists"));
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

#[tokio::test]
async fn user_add_prints_a_connect_code_when_it_knows_the_public_url() {
    let dir = tempfile::tempdir().unwrap();
    // A flag, normalized as `serve` normalizes it.
    let output = user_add(
        &dir,
        "alice",
        &["--public-url", "https://share.example.com/"],
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    let code = connect_code(&output);
    assert_eq!(code.url, "https://share.example.com");
    let token = last_line(&output);
    assert_eq!(code.token, token, "the token is still the last line");
    assert!(token.starts_with("psu_") && token.len() == 68);
    assert!(
        !stderr(&output).contains("--public-url"),
        "no hint when there is a code"
    );
    assert_eq!(
        publish_with(&dir, &[&code.token]).await,
        [StatusCode::CREATED]
    );

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
    let output = user_add(&dir, "erin", &["--public-url", "share.example.com"]).await;
    assert!(!output.status.success());
    assert!(stderr(&output).contains("public URL"));
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
    let alice = last_line(&run(&mut add("alice")).await);
    let bob = last_line(&run(&mut add("bob")).await);
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

    assert_eq!(
        publish_with(&dir, &[&alice, &bob]).await,
        [StatusCode::UNAUTHORIZED, StatusCode::CREATED]
    );

    let output =
        run(share_server(&dir).args(["user", "revoke", "nobody", "--database-url", &url])).await;
    assert!(!output.status.success());
}

#[tokio::test]
async fn purge_deletes_expired_and_burnt_shares_and_prints_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::database_url(&dir);
    {
        let store = share_server::store::open(&url).await.unwrap();
        let now = chrono::Utc::now();
        // The last one allows one view, and has had it.
        for (hours, max_views) in [(-48, None), (-1, None), (1, None), (1, Some(1))] {
            let share = share_server::store::NewShare {
                version: share_server::store::NewVersion {
                    id: share_server::ids::ShareId::generate().unwrap(),
                    title: "t".into(),
                    snapshot: b"{}".to_vec(),
                    created_at: now - chrono::Duration::days(3),
                    files: Vec::new(),
                },
                owner: None,
                delete_token_hash: share_server::ids::TokenHash::of("psd_x"),
                expires_at: Some(now + chrono::Duration::hours(hours)),
                indexable: false,
                password_hash: None,
                max_views,
            };
            let id = share.version.id.clone();
            store.insert_share(share).await.unwrap();
            if max_views.is_some() {
                assert_eq!(store.take_view(&id, now).await.unwrap(), Some(1));
            }
        }
    }
    let output = run(share_server(&dir).args(["purge", "--database-url", &url])).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output).trim(),
        "Purged 2 expired shares, 1 burnt shares (view limit reached) and 0 unused files."
    );
    let output = run(share_server(&dir).args(["purge", "--database-url", &url])).await;
    assert_eq!(
        stdout(&output).trim(),
        "Purged 0 expired shares, 0 burnt shares (view limit reached) and 0 unused files."
    );
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
    let mut serve = share_server(&dir);
    serve
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(["--database-url", "sqlite://shares.db"])
        .arg("--config")
        .arg(&config)
        .env("SHARE_SERVER_ALLOW_ANONYMOUS", "true");
    let binary::Serving {
        mut child,
        mut lines,
        address,
        ..
    } = binary::start(&mut serve, |line| {
        let Ok(event) = serde_json::from_str::<Value>(line) else {
            panic!("not a JSON log line: {line}")
        };
        let message = event["message"].as_str().unwrap_or_default();
        message
            .contains("listening on")
            .then(|| event["address"].as_str().unwrap().to_owned())
    })
    .await;
    let api = Api::at(&format!("http://{address}"));
    assert_eq!(api.get("/healthz").await.status(), StatusCode::OK);
    // Anonymous publishing from the environment beats the file; the public
    // URL comes from the file.
    let data = api.publish_created(None, &common::snapshot("served")).await;
    let share_url = data["shareUrl"].as_str().unwrap();
    assert!(
        share_url.starts_with("https://share.example.com/shared/"),
        "{share_url}"
    );
    let delete_token = data["deleteToken"].as_str().unwrap().to_owned();
    let id = data["shareId"].as_str().unwrap();
    let response = api.delete(id, None, Some(&delete_token)).await;
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
