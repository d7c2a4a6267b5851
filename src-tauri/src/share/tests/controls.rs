//! The share controls as the app sends them, against a local server that
//! records every request and answers as a share-server does: the password
//! in its header (and nowhere else: not in the snapshot, the database, the
//! options kept or the log), the view limit in the snapshot, a new version
//! to an existing link with that link's credentials, and the views,
//! versions and protection My shares reads from a team server's list.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tempfile::TempDir;

use super::session_with_everything;
use super::*;
use crate::secrets::{MemoryStore, SecretKey};
use crate::settings::ShareMode;

const OWNER_TOKEN: &str = "owner-token-1";
const DELETE_TOKEN: &str = "delete-token-1";
/// Unicode, spaces and punctuation: the header carries UTF-8 as it is.
const PASSWORD: &str = "corrèct hörse · battery 🔑";

/// One request the fake server received.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    headers: axum::http::HeaderMap,
    body: Bytes,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers.get(name).map(|value| value.as_bytes())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Clone, Default)]
struct Fake {
    seen: Arc<Mutex<Vec<Seen>>>,
    base: Arc<Mutex<String>>,
    /// Behave as a server from before passwords: ignore the header.
    no_passwords: Arc<Mutex<bool>>,
}

impl Fake {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// `{success, data}` as a share-server answers.
fn data(status: StatusCode, data: Value) -> Response {
    (status, axum::Json(json!({"success": true, "data": data}))).into_response()
}

/// The share-server's API as far as the app uses it here.
async fn answer(State(fake): State<Fake>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 64 << 20).await.unwrap();
    let path = parts.uri.path().to_owned();
    fake.seen.lock().unwrap().push(Seen {
        method: parts.method.clone(),
        path: path.clone(),
        headers: parts.headers,
        body,
    });
    let base = fake.base.lock().unwrap().clone();
    let share = |id: &str| format!("{base}/shared/{id}");
    match (parts.method, path.as_str()) {
        (Method::POST, API_PATH) => data(
            StatusCode::CREATED,
            json!({"shareId": "abc", "shareUrl": share("abc"), "deleteToken": DELETE_TOKEN}),
        ),
        (Method::POST, "/api/v0/shared-chats/abc/versions") => data(
            StatusCode::CREATED,
            json!({"shareId": "abc", "shareUrl": share("abc"), "version": 2,
                   "versionUrl": format!("{}/v/2", share("abc"))}),
        ),
        // The fake knows passwords unless asked to forget them.
        (Method::GET, "/api/v0/shared-chats/abc") if !*fake.no_passwords.lock().unwrap() => (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"success": false, "error": {
                "code": "password_required", "message": "This share needs its password."}})),
        )
            .into_response(),
        (Method::GET, "/api/v0/shared-chats/abc") => data(StatusCode::OK, json!({"title": "T"})),
        (Method::DELETE, "/api/v0/shared-chats/abc") => StatusCode::NO_CONTENT.into_response(),
        (Method::GET, API_PATH) => data(
            StatusCode::OK,
            json!({"items": [
                {"shareId": "abc", "shareUrl": share("abc"), "title": "Weather bot",
                 "createdAt": "2026-11-25T08:00:00Z", "expiresAt": null, "revokedAt": null,
                 "views": 7, "lastViewedAt": "2026-11-26T09:30:00Z", "maxViews": 10,
                 "versions": 2, "protected": true},
                {"shareId": "elsewhere", "shareUrl": share("elsewhere"), "title": "Other device",
                 "createdAt": "2026-11-24T08:00:00Z", "views": 0, "versions": 1,
                 "protected": false}
            ]}),
        ),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The app's core over a temporary folder, a session to share, and the
/// fake team server it publishes to.
struct Harness {
    dir: TempDir,
    core: Arc<AppCore>,
    session: Session,
    fake: Fake,
    target: ShareTarget,
}

async fn harness() -> Harness {
    let dir = TempDir::new().unwrap();
    let core = AppCore::open(dir.path(), Arc::new(MemoryStore::default())).unwrap();
    let (session, _) = session_with_everything(&core.store);
    let fake = Fake::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    *fake.base.lock().unwrap() = base.clone();
    let app = Router::new().fallback(answer).with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let target = ShareTarget {
        server_url: base.clone(),
        token: Some(OWNER_TOKEN.into()),
        reach: ReachKind::Team,
        info: Some(ServerInfo {
            name: "Parlor share-server".into(),
            version: "0.2.0".into(),
            schema_versions: vec![1, 2],
            max_expiry_seconds: None,
            default_expiry_seconds: None,
            allow_anonymous: false,
            public_url: base.clone(),
        }),
    };
    // The team server's token, kept as Settings keeps it.
    let key = SecretKey::ShareServerToken(target.server_url.clone());
    core.set_secret(key, Some(OWNER_TOKEN.into()))
        .await
        .unwrap();
    Harness {
        dir,
        core,
        session,
        fake,
        target,
    }
}

impl Harness {
    async fn share(&self, options: &ShareOptions) -> Result<ShareResult, ShareError> {
        share_session(&self.core, &self.target, &self.session.id, options, None).await
    }

    /// Every byte of every file in the app's data folder (the database and
    /// its journal).
    fn data_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                bytes.extend(std::fs::read(path).unwrap());
            }
        }
        bytes
    }
}

fn protected_once() -> ShareOptions {
    ShareOptions {
        password: Some(PASSWORD.into()),
        max_views: Some(1),
        ..ShareOptions::default()
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// The log, as a subscriber on this thread writes it.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_protected_burn_after_reading_link_sends_the_password_in_its_header_only() {
    let h = harness().await;
    let shared = h.share(&protected_once()).await.unwrap();

    let seen = h.fake.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    let create = &seen[0];
    assert_eq!(
        (&create.method, create.path.as_str()),
        (&Method::POST, API_PATH)
    );
    assert_eq!(create.header(PASSWORD_HEADER), Some(PASSWORD.as_bytes()));
    assert_eq!(
        create.header("authorization"),
        Some(format!("Bearer {OWNER_TOKEN}").as_bytes())
    );
    let snapshot = create.json();
    assert_eq!(snapshot["maxViews"], 1);
    assert_eq!(snapshot["title"], "Weather bot");
    assert!(!contains(&create.body, PASSWORD), "the snapshot holds it");
    // Then the link is read without the password: the server must refuse.
    let check = &seen[1];
    assert_eq!(
        (&check.method, check.path.as_str()),
        (&Method::GET, "/api/v0/shared-chats/abc")
    );
    assert_eq!(check.header(PASSWORD_HEADER), None);
    assert_eq!(check.header("authorization"), None);

    // The reply says what the link was made with, without the password.
    assert_eq!(shared.version, 1);
    assert_eq!(shared.options.max_views, Some(1));
    assert_eq!(shared.options.password, None);
    assert!(!serde_json::to_string(&shared).unwrap().contains(PASSWORD));
}

#[tokio::test]
async fn the_password_is_kept_nowhere_not_in_the_database_the_options_or_the_log() {
    let h = harness().await;
    let log = LogBuffer::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::debug!(options = ?protected_once(), "sharing");
    h.share(&protected_once()).await.unwrap();

    let last = last_options(&h.core).unwrap();
    assert_eq!(last.password, None);
    assert_eq!(
        last.max_views, None,
        "a view limit is asked for each link, never kept for the next Share"
    );
    let record = h.core.store.share("abc").unwrap();
    assert_eq!(record.delete_token.as_deref(), Some(DELETE_TOKEN));
    let stored = h.data_bytes();
    assert!(contains(&stored, DELETE_TOKEN), "the data folder was read");
    assert!(
        !contains(&stored, PASSWORD),
        "the password is in the database"
    );
    let log = log.0.lock().unwrap().clone();
    assert!(contains(&log, "sharing"), "the log was captured");
    assert!(
        !contains(&log, PASSWORD),
        "{}",
        String::from_utf8_lossy(&log)
    );
}

#[tokio::test]
async fn a_password_the_server_would_refuse_is_refused_before_anything_is_sent() {
    let h = harness().await;
    let control = "tab\there".to_owned();
    let huge = "p".repeat(1025);
    for bad in [String::new(), control, huge] {
        let options = ShareOptions {
            password: Some(bad.clone().into()),
            ..ShareOptions::default()
        };
        let error = h.share(&options).await.unwrap_err();
        assert_eq!(error.code(), "invalid_input", "{bad:?}: {error}");
        assert_eq!(error.field(), Some("password"), "{bad:?}");
    }
    assert!(h.fake.seen().is_empty());
    // The longest allowed goes.
    let longest = ShareOptions {
        password: Some("é".repeat(512).into()),
        ..ShareOptions::default()
    };
    h.share(&longest).await.unwrap();
    let seen = h.fake.seen();
    assert_eq!(seen[0].header(PASSWORD_HEADER).map(<[u8]>::len), Some(1024));
    assert!(seen[0].json().get("maxViews").is_none(), "no limit asked");
}

#[tokio::test]
async fn a_server_that_ignores_the_password_gets_the_link_revoked_and_the_share_fails() {
    let h = harness().await;
    *h.fake.no_passwords.lock().unwrap() = true;
    let error = h.share(&protected_once()).await.unwrap_err();
    assert_eq!(error.code(), "server_too_old", "{error}");
    assert!(
        error.to_string().contains("does not support passwords"),
        "{error}"
    );
    let seen = h.fake.seen();
    let revoke = seen.last().unwrap();
    assert_eq!(
        (&revoke.method, revoke.path.as_str()),
        (&Method::DELETE, "/api/v0/shared-chats/abc")
    );
    assert_eq!(
        revoke.header(DELETE_TOKEN_HEADER),
        Some(DELETE_TOKEN.as_bytes())
    );
    assert!(
        h.core.store.list_shares().unwrap().is_empty(),
        "nothing recorded"
    );
}

#[tokio::test]
async fn updating_a_link_posts_a_new_version_with_the_links_credentials() {
    let h = harness().await;
    let first = h.share(&protected_once()).await.unwrap();
    let before = shared_before(&h.core, &h.target, &h.session.id).unwrap();
    assert_eq!(
        before.map(|item| item.share_url),
        Some(first.share_url.clone())
    );

    let options = ShareOptions {
        include_system_prompt: false,
        ..protected_once()
    };
    let updated = update_share(&h.core, &h.target, &h.session.id, "abc", &options)
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.share_url, first.share_url);
    assert_eq!(updated.options.password, None);

    let seen = h.fake.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    let version = &seen[2];
    assert_eq!(
        (&version.method, version.path.as_str()),
        (&Method::POST, "/api/v0/shared-chats/abc/versions")
    );
    assert_eq!(
        version.header("authorization"),
        Some(format!("Bearer {OWNER_TOKEN}").as_bytes())
    );
    assert_eq!(
        version.header(DELETE_TOKEN_HEADER),
        Some(DELETE_TOKEN.as_bytes())
    );
    // The link keeps its own password and limit: the version asks neither.
    assert_eq!(version.header(PASSWORD_HEADER), None);
    let snapshot = version.json();
    assert!(snapshot.get("maxViews").is_none(), "{snapshot}");
    assert_eq!(snapshot["title"], "Weather bot");
    assert!(snapshot["promptMeta"]["systemPrompt"].is_null());
    // Still one link, and the options kept without the password.
    assert_eq!(h.core.store.list_shares().unwrap().len(), 1);
    assert_eq!(last_options(&h.core).unwrap().password, None);
    assert!(!contains(&h.data_bytes(), PASSWORD));
}

#[tokio::test]
async fn only_an_active_link_of_the_session_on_the_same_server_is_offered_for_an_update() {
    let h = harness().await;
    assert_eq!(
        shared_before(&h.core, &h.target, &h.session.id).unwrap(),
        None
    );
    let now = Utc::now();
    let record = |id: &str, server: &str, revoked: bool| ShareRecord {
        share_id: id.into(),
        server_url: server.into(),
        share_url: format!("{server}/shared/{id}"),
        session_id: Some(h.session.id.clone()),
        title: "Weather bot".into(),
        delete_token: None,
        expires_at: None,
        created_at: now,
        revoked_at: revoked.then_some(now),
        reach: Some(ReachKind::Team.as_str().into()),
    };
    let server = h.target.server_url.clone();
    h.core
        .store
        .insert_share(&record("elsewhere", "https://other.example", false))
        .unwrap();
    h.core
        .store
        .insert_share(&record("gone", &server, true))
        .unwrap();
    assert_eq!(
        shared_before(&h.core, &h.target, &h.session.id).unwrap(),
        None
    );
    h.core
        .store
        .insert_share(&record("live", &server, false))
        .unwrap();
    let offered = shared_before(&h.core, &h.target, &h.session.id).unwrap();
    assert_eq!(offered.map(|item| item.share_id).as_deref(), Some("live"));
    assert_eq!(shared_before(&h.core, &h.target, "another").unwrap(), None);

    // A link of another conversation is not updated with this one.
    let other = h
        .core
        .store
        .create_session(&crate::store::SessionConfig {
            title: "Another".into(),
            ..h.session.config.clone()
        })
        .unwrap();
    let error = update_share(
        &h.core,
        &h.target,
        &other.id,
        "live",
        &ShareOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, ShareError::OtherSession(_)), "{error}");
    assert!(h.fake.seen().is_empty());
}

#[tokio::test]
async fn my_shares_shows_the_team_servers_views_versions_and_protection() {
    let h = harness().await;
    h.share(&protected_once()).await.unwrap();
    let url = h.target.server_url.clone();
    let mut settings = h.core.settings().unwrap();
    settings.share_server.mode = ShareMode::Team;
    settings.share_server.team_url = Some(url);
    h.core.save_settings(&settings).unwrap();

    let items = list_shares(&h.core).await.unwrap();
    let mine = items.iter().find(|item| item.share_id == "abc").unwrap();
    let counted = (mine.views, mine.max_views, mine.versions, mine.protected);
    assert_eq!(counted, (Some(7), Some(10), 2, true));
    let last_viewed = mine.last_viewed_at.map(|at| at.to_rfc3339());
    assert_eq!(last_viewed.as_deref(), Some("2026-11-26T09:30:00+00:00"));
    assert_eq!(mine.source, ShareSource::Local);
    let other = items
        .iter()
        .find(|item| item.share_id == "elsewhere")
        .unwrap();
    assert_eq!(other.source, ShareSource::Server);
    assert_eq!(
        (
            other.views,
            other.max_views,
            other.versions,
            other.protected
        ),
        (Some(0), None, 1, false)
    );
    let list = h.fake.seen().pop().unwrap();
    assert_eq!((list.method, list.path.as_str()), (Method::GET, API_PATH));
}
