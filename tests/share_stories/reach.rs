//! Stories of who can open a link: one-click Share says so, re-sharing with
//! other options revokes the link just made, a team server's expiry cap is
//! told, My shares is the server's truth, a server too old refuses cleanly,
//! and the embedded server takes shares only with the app's token.

use chrono::Utc;
use parlor::settings::{SettingsExt, ShareMode};
use parlor::share::reach::ReachKind;
use parlor::share::{self, ShareOptions, ShareSource, ShareStatus};

use super::{App, app, conversation, get, refused, share_now};

#[tokio::test]
async fn one_click_share_says_who_can_open_it_and_what_was_removed() {
    let app = app();
    let session_id = conversation(&app.core);
    let options = share::last_options(&app.core).unwrap();
    assert_eq!(
        options,
        ShareOptions::default(),
        "first time: whole session, no expiry"
    );

    let first = share_now(&app, &session_id, &options).await;
    assert!(
        first.share_url.starts_with("http://127.0.0.1:"),
        "{}",
        first.share_url
    );
    assert_eq!(first.reach.kind, ReachKind::ThisComputer);
    assert_eq!(
        first.reach.sentence,
        "Only this computer can open this link, while Parlor is running."
    );
    // The conversation pastes a provider key, the stored key and a home path.
    let summary = first.redacted_summary.clone().unwrap();
    assert!(summary.contains("2 API keys or tokens"), "{summary}");
    assert!(summary.contains("home-directory path"), "{summary}");
    assert!(first.qr_svg.starts_with("<svg"), "{}", &first.qr_svg[..40]);
    assert!(first.earlier.is_empty());
    assert_eq!(first.replaced_url, None);

    // Options chosen for the next link are kept for the one after.
    let week = ShareOptions {
        expires_in: Some(7 * 86_400),
        include_system_prompt: false,
        ..ShareOptions::default()
    };
    let target = share::current_target(&app.core).await.unwrap();
    let second = share::share_session(
        &app.core,
        &target,
        &session_id,
        &week,
        Some(&first.share_id),
    )
    .await
    .unwrap();
    assert_eq!(
        second.replaced_url.as_deref(),
        Some(first.share_url.as_str())
    );
    assert_eq!(
        get(&first.share_url).await.0,
        410,
        "the replaced link is revoked"
    );
    assert_eq!(get(&second.share_url).await.0, 200);
    assert!(second.expires_at.is_some());
    assert_eq!(second.options, week);
    assert_eq!(second.earlier.len(), 1);
    assert_eq!(second.earlier[0].share_id, first.share_id);
    assert_eq!(second.earlier[0].status, ShareStatus::Revoked);
    assert_eq!(share::last_options(&app.core).unwrap(), week);

    // My shares keeps the revoked one, marked, with its reach.
    let listed = share::list_shares(&app.core).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].share_id, second.share_id);
    assert_eq!(listed[0].status, ShareStatus::Active);
    assert_eq!(listed[1].status, ShareStatus::Revoked);
    assert!(
        listed
            .iter()
            .all(|s| s.reach.kind == ReachKind::ThisComputer)
    );
    parlor::embedded::shutdown(&app.core).await;
}

#[tokio::test]
async fn the_embedded_server_takes_shares_only_with_the_apps_token() {
    let app = app();
    let target = share::current_target(&app.core).await.unwrap();
    let token = target
        .token
        .clone()
        .expect("the app publishes with its token");
    let body = serde_json::json!({
        "schemaVersion": 1,
        "title": "from a web page",
        "messages": [{"id": "m1", "role": "user", "content": "hi", "timestamp": Utc::now()}],
        "modelConfig": {"provider": "openai", "model": "gpt-4o"},
        "totalTokens": 0,
        "totalCost": 0
    });
    let url = format!("{}{}", target.server_url, share::API_PATH);
    let client = reqwest::Client::new();
    let anonymous = client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(
        anonymous.status(),
        401,
        "no anonymous publishing, even on loopback"
    );
    let owned = client
        .post(&url)
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = owned.status();
    assert_eq!(status, 201, "{}", owned.text().await.unwrap());

    // The token outlives a restart; a server that forgot it makes a new one.
    parlor::embedded::shutdown(&app.core).await;
    let again = share::current_target(&app.core).await.unwrap();
    assert_eq!(again.token.as_deref(), Some(token.as_str()));
    parlor::embedded::shutdown(&app.core).await;
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", parlor::embedded::DATABASE_FILE);
        let _ = std::fs::remove_file(app.core.data_dir.join(file));
    }
    let fresh = share::current_target(&app.core).await.unwrap();
    assert_ne!(fresh.token.as_deref(), Some(token.as_str()));
    let session_id = conversation(&app.core);
    share_now(&app, &session_id, &ShareOptions::default()).await;
    parlor::embedded::shutdown(&app.core).await;
}

#[tokio::test]
async fn a_network_address_that_is_gone_falls_back_to_this_computer_and_says_so() {
    let app = app();
    let mut settings = app.core.settings().unwrap();
    settings.share_server.mode = ShareMode::Network;
    // TEST-NET-1: never an address of this machine.
    settings.share_server.embedded_bind = "192.0.2.77".into();
    settings.save(&app.core.store).unwrap();

    let status = share::server_status(&app.core).await.unwrap();
    assert_eq!(status.mode, ShareMode::Network);
    assert_eq!(status.reach.kind, ReachKind::ThisComputer);
    assert!(
        status.url.starts_with("http://127.0.0.1:"),
        "{}",
        status.url
    );
    let notice = status.notice.unwrap();
    assert!(notice.contains("192.0.2.77 is not available"), "{notice}");

    let session_id = conversation(&app.core);
    let shared = share_now(&app, &session_id, &ShareOptions::default()).await;
    assert_eq!(shared.reach.kind, ReachKind::ThisComputer);
    assert_eq!(get(&shared.share_url).await.0, 200);
    parlor::embedded::shutdown(&app.core).await;
}

/// A team server with a 30-day cap, and a user whose token two devices use.
async fn capped_team_server() -> (share_server::RunningServer, String) {
    let config = share_server::Config {
        max_expiry: Some(std::time::Duration::from_secs(30 * 86_400)),
        ..share_server::Config::default()
    };
    let server = share_server::spawn(config).await.unwrap();
    let token = server.add_user("alice").await.unwrap();
    (server, token)
}

async fn use_team_server(app: &App, url: &str, token: &str) {
    let mut settings = app.core.settings().unwrap();
    settings.share_server.mode = ShareMode::Team;
    settings.share_server.team_url = Some(url.to_owned());
    settings.save(&app.core.store).unwrap();
    app.core
        .set_secret(
            parlor::secrets::SecretKey::ShareServerToken(url.to_owned()),
            Some(token.to_owned()),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_team_servers_expiry_cap_is_told_and_my_shares_is_its_truth() {
    let (server, token) = capped_team_server().await;
    let laptop = app();
    let desktop = app();
    use_team_server(&laptop, &server.base_url, &token).await;
    use_team_server(&desktop, &server.base_url, &token).await;

    let status = share::server_status(&laptop.core).await.unwrap();
    assert_eq!(status.reach.kind, ReachKind::Team);
    let host = server.base_url.trim_start_matches("http://");
    assert_eq!(
        status.reach.sentence,
        format!("Anyone who can reach {host} can open this link.")
    );
    let info = status.info.unwrap();
    assert_eq!(info.max_expiry_seconds, Some(30 * 86_400));
    assert!(info.schema_versions.contains(&chat_core::SCHEMA_VERSION));

    // "Never" asked; the server keeps it 30 days, and the result says so.
    let session_id = conversation(&laptop.core);
    let shared = share_now(&laptop, &session_id, &ShareOptions::default()).await;
    let expires = shared.expires_at.expect("the server caps the expiry");
    let days = (expires - Utc::now()).num_hours() as f64 / 24.0;
    assert!((29.9..=30.1).contains(&days), "{days}");
    let note = shared.expiry_note.unwrap();
    assert!(
        note.starts_with("This server keeps links at most 30 days, so this link expires on "),
        "{note}"
    );
    // Within the cap nothing is said.
    let day = ShareOptions {
        expires_in: Some(86_400),
        ..ShareOptions::default()
    };
    assert_eq!(
        share_now(&laptop, &session_id, &day).await.expiry_note,
        None
    );

    // The other device sees both shares (made with the same token there),
    // revokes one, and the laptop's list follows the server.
    let seen = share::list_shares(&desktop.core).await.unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen.iter().all(|s| s.source == ShareSource::Server));
    assert!(seen.iter().all(|s| s.reach.kind == ReachKind::Team));
    share::revoke_share(&desktop.core, &shared.share_id)
        .await
        .unwrap();
    let mine = share::list_shares(&laptop.core).await.unwrap();
    let revoked = mine.iter().find(|s| s.share_id == shared.share_id).unwrap();
    assert_eq!(revoked.status, ShareStatus::Revoked);
    assert_eq!(revoked.source, ShareSource::Local);
    assert!(
        laptop
            .core
            .store
            .share(&shared.share_id)
            .unwrap()
            .revoked_at
            .is_some(),
        "the local record follows the server"
    );
    server.shutdown().await;
}

/// A team server that answers `/api/v0/info` with `info` (or, with
/// `None`, has no such endpoint: 404, like every server before it).
async fn describing_server(
    info: Option<serde_json::Value>,
) -> (String, tokio::task::JoinHandle<()>) {
    use axum::routing::get as route;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut router = axum::Router::new();
    if let Some(versions) = info {
        let info = serde_json::json!({"success": true, "data": {
            "name": "Parlor share-server", "version": "0.0.1", "schemaVersions": versions,
            "maxExpirySeconds": null, "defaultExpirySeconds": null,
            "allowAnonymous": true, "publicUrl": url,
        }});
        router = router.route(
            share::INFO_PATH,
            route(move || {
                let info = info.clone();
                async move { axum::Json(info) }
            }),
        );
    }
    let served = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (url, served)
}

#[tokio::test]
async fn a_server_too_old_for_the_snapshot_is_named_and_nothing_is_recorded() {
    use serde_json::json;
    // What the server says it stores: nothing this app writes, version 1
    // only, or nothing at all (no /api/v0/info: older than version 2).
    for (info, accepted) in [
        (Some(json!([0])), "[0]"),
        (Some(json!([1])), "[1]"),
        (None, "[1]"),
    ] {
        let (url, served) = describing_server(info).await;
        let app = app();
        use_team_server(&app, &url, "pst_some-token").await;
        let session_id = conversation(&app.core);
        let target = share::current_target(&app.core).await.unwrap();
        let error = refused(&app, &target, &session_id).await;
        assert_eq!(error.code(), "server_too_old", "{error}");
        assert_eq!(
            error.to_string(),
            format!(
                "The share server at {url} is too old for this snapshot: it accepts snapshot versions {accepted}, Parlor writes version {}. Ask its admin to upgrade it.",
                chat_core::SCHEMA_VERSION
            )
        );
        assert!(
            app.core.store.list_shares().unwrap().is_empty(),
            "no half-made record"
        );
        served.abort();
    }
}
