//! Two real share-servers on one PostgreSQL database, as behind a load
//! balancer: what one publishes the other serves, what one revokes neither
//! serves any longer — at once, caches notwithstanding, and also when the
//! connection that listens for changes is killed — and concurrent
//! publishing on both never collides. Also the `share-server` binary on
//! PostgreSQL, and that it never shows the database password.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::{binary, common, pg};

use std::collections::HashSet;

use common::{Api, created, expect_error, snapshot};
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

/// How many lookups of the rendered-share cache had `outcome`: `hit`
/// (served from memory), `checked` (served after asking the database) or
/// `miss`.
async fn cache_lookups(server: &Api, outcome: &str) -> u64 {
    let metrics = server.get_text("/metrics").await;
    let prefix = format!(r#"share_server_render_cache_lookups_total{{outcome="{outcome}"}}"#);
    metrics
        .lines()
        .find(|line| line.starts_with(&prefix))
        .and_then(|line| line.rsplit(' ').next())
        .map_or(0, |count| count.parse().unwrap())
}

async fn cache_hits(server: &Api) -> u64 {
    cache_lookups(server, "hit").await
}

/// Terminates every instance's listener connection and waits until their
/// backends are gone; how many there were.
async fn kill_listeners(database: &TestDatabase) -> i64 {
    let client = database.connect().await;
    let listeners = client
        .query(
            "SELECT pid FROM pg_stat_activity
             WHERE application_name = $1 AND datname = current_database()",
            &[&share_server::store::postgres::LISTENER_APPLICATION_NAME],
        )
        .await
        .unwrap();
    for listener in &listeners {
        let pid: i32 = listener.get(0);
        let killed = client
            .query_one("SELECT pg_terminate_backend($1, 5000)", &[&pid])
            .await
            .unwrap();
        assert!(killed.get::<_, bool>(0), "listener {pid} still runs");
    }
    i64::try_from(listeners.len()).unwrap()
}

/// Reads `path` on `api` until it is served from memory again (the
/// listener is back), for up to 10 s.
async fn until_served_from_memory(api: &Api, path: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let hits = cache_hits(api).await;
        assert_eq!(api.get(path).await.status(), StatusCode::OK);
        if cache_hits(api).await > hits {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the listener never came back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Two instances on a fresh database, and a user's token.
struct Pair {
    database: TestDatabase,
    servers: (RunningServer, RunningServer),
    a: Api,
    b: Api,
    token: String,
}

impl Pair {
    async fn start() -> Self {
        let database = TestDatabase::create().await;
        let servers = two_instances(&database).await;
        let (a, b) = (Api::of(&servers.0), Api::of(&servers.1));
        let token = servers.0.add_user("alice").await.unwrap();
        Self {
            database,
            servers,
            a,
            b,
            token,
        }
    }

    /// A share published on A with its page cached on B (served from
    /// memory): its id and page path.
    async fn share_cached_on_b(&self) -> (String, String) {
        let created = self
            .a
            .publish_created(Some(&self.token), &snapshot("Pushed"))
            .await;
        let id = created["shareId"].as_str().unwrap().to_owned();
        let path = format!("/shared/{id}");
        assert_eq!(self.b.get(&path).await.status(), StatusCode::OK);
        until_served_from_memory(&self.b, &path).await;
        (id, path)
    }

    async fn revoke_on_a(&self, id: &str) {
        let response = self.a.delete(id, Some(&self.token), None).await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    async fn shutdown(self) {
        self.servers.0.shutdown().await;
        self.servers.1.shutdown().await;
    }
}

#[tokio::test]
async fn a_share_published_on_one_instance_is_served_listed_and_revoked_on_the_other() {
    let database = TestDatabase::create().await;
    let (a, b) = two_instances(&database).await;
    let (api_a, api_b) = (Api::of(&a), Api::of(&b));
    // A user created through one instance authenticates on both.
    let token = a.add_user("alice").await.unwrap();

    // Bytes with their own spacing (jsonb would rewrite them): served back verbatim.
    let mut snapshot_bytes = serde_json::to_vec_pretty(&snapshot("Across instances")).unwrap();
    snapshot_bytes.extend_from_slice(b" \n");
    let created = created(
        api_a
            .publish_bytes(Some(&token), snapshot_bytes.clone())
            .await,
    )
    .await;
    let id = created["shareId"].as_str().unwrap().to_owned();
    assert_eq!(created["shareUrl"], format!("{PUBLIC_URL}/shared/{id}"));
    let page_path = format!("/shared/{id}");
    let json_path = format!("/shared/{id}.json");

    // Read on B: the page, the API and the verbatim JSON download.
    let page = api_b.get(&page_path).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Across instances"));
    let api = api_b.read_json(&id).await;
    assert_eq!(api["success"], true);
    assert_eq!(api["data"]["title"], "Across instances");
    assert!(api["data"]["createdAt"].is_string());
    let download = api_b.get(&json_path).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.bytes().await.unwrap().as_ref(), snapshot_bytes);

    // Listed on B.
    let list = api_b.list_json(&token).await;
    assert_eq!(list["data"]["total"], 1);
    assert_eq!(list["data"]["items"][0]["shareId"], id.as_str());
    assert_eq!(list["data"]["items"][0]["status"], "live");

    // A renders and caches the page and the API answer, then serves them
    // from its cache, without asking the database.
    for _ in 0..2 {
        assert_eq!(api_a.get(&page_path).await.status(), StatusCode::OK);
        assert_eq!(api_a.read(&id).await.status(), StatusCode::OK);
    }
    until_served_from_memory(&api_a, &page_path).await;
    assert!(cache_hits(&api_a).await >= 2, "A answers from its cache");

    // Deleted through B…
    let response = api_b.delete(&id, Some(&token), None).await;
    assert_eq!(response.status(), StatusCode::OK);

    // …A refuses it on the very next request, cache or not: no sleep, no retry.
    assert_eq!(api_a.get(&page_path).await.status(), StatusCode::GONE);
    expect_error(api_a.read(&id).await, StatusCode::GONE, "gone").await;
    assert_eq!(api_a.get(&json_path).await.status(), StatusCode::GONE);
    assert_eq!(api_b.get(&page_path).await.status(), StatusCode::GONE);
    expect_error(api_b.read(&id).await, StatusCode::GONE, "gone").await;
    // A second delete through A knows it is gone, and both list it as revoked.
    let again = api_a.delete(&id, Some(&token), None).await;
    expect_error(again, StatusCode::GONE, "gone").await;
    let list = api_a.list_json(&token).await;
    assert_eq!(list["data"]["items"][0]["status"], "revoked");

    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn a_revoke_is_refused_on_the_other_instance_when_its_listener_is_killed_before_the_read() {
    let pair = Pair::start().await;
    let (id, path) = pair.share_cached_on_b().await;

    // Revoked through A; then B's listener is killed, whether or not it
    // passed the notification on before: the next read on B is 410.
    pair.revoke_on_a(&id).await;
    assert_eq!(kill_listeners(&pair.database).await, 2);
    assert_eq!(pair.b.get(&path).await.status(), StatusCode::GONE);
    expect_error(pair.b.read(&id).await, StatusCode::GONE, "gone").await;
    pair.shutdown().await;
}

#[tokio::test]
async fn without_its_listener_an_instance_checks_every_hit_and_pushes_resume_once_it_is_back() {
    let pair = Pair::start().await;
    let (id, path) = pair.share_cached_on_b().await;
    let (other, other_path) = pair.share_cached_on_b().await;

    // The listener killed first: B drops its cache; what it caches again
    // it serves only after asking the database (until the listener is
    // back), so a revoke it was not told of is refused all the same.
    assert_eq!(kill_listeners(&pair.database).await, 2);
    let checked = cache_lookups(&pair.b, "checked").await;
    let hits = cache_hits(&pair.b).await;
    let mut seen_checked = false;
    for _ in 0..10 {
        assert_eq!(pair.b.get(&path).await.status(), StatusCode::OK);
        if cache_hits(&pair.b).await > hits {
            break; // The listener is back already.
        }
        if cache_lookups(&pair.b, "checked").await > checked {
            seen_checked = true;
            break;
        }
    }
    pair.revoke_on_a(&id).await;
    assert_eq!(pair.b.get(&path).await.status(), StatusCode::GONE);
    eprintln!("while the listener was down, a hit was checked with the database: {seen_checked}");

    // Back, B serves from memory again, and hears of the next revoke.
    until_served_from_memory(&pair.b, &other_path).await;
    pair.revoke_on_a(&other).await;
    assert_eq!(pair.b.get(&other_path).await.status(), StatusCode::GONE);
    pair.shutdown().await;
}

#[tokio::test]
async fn concurrent_publishing_on_both_instances_never_collides() {
    const PER_INSTANCE: usize = 100;
    let database = TestDatabase::create().await;
    let (a, b) = two_instances(&database).await;
    let (api_a, api_b) = (Api::of(&a), Api::of(&b));
    let token = b.add_user("alice").await.unwrap();

    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for i in 0..2 * PER_INSTANCE {
        let api = if i % 2 == 0 { &api_a } else { &api_b }.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let snapshot = snapshot(&format!("chat {i}"));
            let created = api.publish_created(Some(&token), &snapshot).await;
            (i, created["shareId"].as_str().unwrap().to_owned())
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
        let other = if i % 2 == 0 { &api_b } else { &api_a };
        let response = other.read(id).await;
        assert_eq!(response.status(), StatusCode::OK, "{id}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["title"], format!("chat {i}"));
    }
    for api in [&api_a, &api_b] {
        let list: Value = api
            .list_page(&token, "?limit=1")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list["data"]["total"], 2 * PER_INSTANCE);
    }
    a.shutdown().await;
    b.shutdown().await;
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
    let database = TestDatabase::create().await;
    let (url, password) = url_with_password(&database);
    let dir = tempfile::tempdir().unwrap();

    // The admin CLI on the shared database.
    let output = binary::add_user(dir.path(), "alice", &url).await;
    let stderr = binary::stderr(&output);
    assert!(!stderr.contains(&password), "{stderr}");
    let token = binary::last_line(&output);

    // `serve` logs which database it uses, redacted.
    let mut serve = binary::command(dir.path());
    serve.args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url]);
    let mut server = binary::start(&mut serve, binary::text_log_address).await;
    let log = server.log.join("\n");
    assert!(!log.contains(&password), "{log}");
    assert!(log.contains("store opened"), "{log}");
    assert!(log.contains(":***@"), "{log}");
    // It serves, with the user the CLI created.
    let api = Api::at(&server.address);
    api.publish_created(Some(&token), &snapshot("from the binary"))
        .await;
    server.child.start_kill().unwrap();
    server.child.wait().await.unwrap();

    // A database that cannot be reached: a clear error, no password.
    let unreachable = "postgres://alice:hunter2@127.0.0.1:1/shares";
    let output = binary::run(binary::command(dir.path()).args([
        "user",
        "list",
        "--database-url",
        unreachable,
    ]))
    .await;
    let stderr = binary::stderr(&output);
    assert!(!output.status.success());
    assert!(
        stderr.contains("database unavailable: postgres://alice:***@127.0.0.1:1/shares"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
