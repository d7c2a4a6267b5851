//! Connecting a team server with a connect code or a URL and token, and
//! sharing without any server (a file, Markdown): what is saved when a check
//! passes, and that nothing saved is lost when one fails.

use chat_core::connect_code::ConnectCode;
use parlor::secrets::SecretKey;
use parlor::settings::ShareMode;
use parlor::share::reach::ReachKind;
use parlor::share::{ShareOptions, export, team};

use super::{App, app, assert_no_secrets, conversation, get, share_now, team_server};

async fn stored_token(app: &App, url: &str) -> Option<String> {
    app.core
        .secret(SecretKey::ShareServerToken(url.to_owned()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_connect_code_connects_and_sharing_goes_to_the_team_server() {
    let (server, token) = team_server().await;
    let code = ConnectCode {
        url: server.base_url.clone(),
        token: token.clone(),
    }
    .encode();
    let app = app();

    let tested = team::test(&app.core, &code, None).await.unwrap();
    assert_eq!(tested.url, server.base_url);
    assert!(
        tested.message.starts_with(&format!(
            "Connected to Parlor share-server {} at {}; the token is accepted.",
            env!("CARGO_PKG_VERSION"),
            server.base_url
        )),
        "{}",
        tested.message
    );
    assert_eq!(
        app.core.settings().unwrap().share_server.mode,
        ShareMode::ThisComputer,
        "a test saves nothing"
    );
    assert_eq!(stored_token(&app, &server.base_url).await, None);

    team::connect(&app.core, &code, None).await.unwrap();
    let settings = app.core.settings().unwrap().share_server;
    assert_eq!(settings.mode, ShareMode::Team);
    assert_eq!(settings.team_url.as_deref(), Some(server.base_url.as_str()));
    assert_eq!(stored_token(&app, &server.base_url).await, Some(token));

    let session_id = conversation(&app.core);
    let shared = share_now(&app, &session_id, &ShareOptions::default()).await;
    assert!(shared.share_url.starts_with(&server.base_url));
    assert_eq!(shared.reach.kind, ReachKind::Team);
    assert_eq!(get(&shared.share_url).await.0, 200);
    server.shutdown().await;
}

#[tokio::test]
async fn a_failed_connection_loses_nothing_already_saved() {
    let (good, token) = team_server().await;
    let app = app();
    team::connect(&app.core, &good.base_url, Some(&token))
        .await
        .unwrap();
    let session_id = conversation(&app.core);
    share_now(&app, &session_id, &ShareOptions::default()).await;
    let settings_before = app.core.settings().unwrap();
    let shares_before = app.core.store.list_shares().unwrap();

    // Another server, with a token it does not know; a damaged code; a
    // closed port; a share link instead of a server address.
    let other = share_server::spawn(share_server::Config::default())
        .await
        .unwrap();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let damaged = {
        let code = ConnectCode {
            url: other.base_url.clone(),
            token: "pst_x".into(),
        }
        .encode();
        code[..code.len() - 5].to_owned()
    };
    let link = format!("{}/shared/abc", good.base_url);
    let attempts: [(&str, Option<&str>, &str, &str); 4] = [
        (
            &other.base_url,
            Some("pst_wrong"),
            "token_refused",
            "refused the token",
        ),
        (
            &damaged,
            None,
            "invalid_connect_code",
            "incomplete or damaged",
        ),
        (&closed, Some(&token), "unreachable", "answers on"),
        (&link, Some(&token), "invalid_url", ""),
    ];
    for (input, token, code, words) in attempts {
        let error = team::connect(&app.core, input, token).await.unwrap_err();
        assert_eq!(error.code(), code, "{input}: {error}");
        assert!(error.to_string().contains(words), "{input}: {error}");
        assert_eq!(app.core.settings().unwrap(), settings_before, "{input}");
        assert_eq!(app.core.store.list_shares().unwrap(), shares_before);
        assert!(stored_token(&app, &good.base_url).await.is_some());
    }
    assert_eq!(stored_token(&app, &other.base_url).await, None);

    // A revoked user's token is refused by name too.
    share_server::users::revoke_user(good.store().as_ref(), "alice")
        .await
        .unwrap();
    let error = team::test(&app.core, &good.base_url, None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "token_refused", "{error}");
    good.shutdown().await;
    other.shutdown().await;
}

#[tokio::test]
async fn a_file_and_markdown_carry_the_conversation_redacted() {
    let app = app();
    let session_id = conversation(&app.core);
    let downloads = tempfile::tempdir().unwrap();
    let options = ShareOptions::default();

    let saved = export::save_html_file(&app.core, downloads.path(), &session_id, &options)
        .await
        .unwrap();
    assert!(saved.path.ends_with(".html"), "{}", saved.path);
    assert!(saved.redacted_summary.unwrap().contains("API key"));
    let html = std::fs::read_to_string(&saved.path).unwrap();
    assert!(
        html.contains("Deploy troubleshooting"),
        "{}",
        &html[..html.len().min(3000)]
    );
    assert!(html.contains("Content-Security-Policy"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link rel=\"stylesheet\""));
    assert_no_secrets(&html);
    let again = export::save_html_file(&app.core, downloads.path(), &session_id, &options)
        .await
        .unwrap();
    assert_ne!(
        again.path, saved.path,
        "an earlier file is never overwritten"
    );

    let markdown = export::markdown(&app.core, &session_id, &options)
        .await
        .unwrap();
    assert!(markdown.markdown.contains("Deploy troubleshooting"));
    assert!(markdown.copied.redacted_summary.is_some());
    assert_no_secrets(&markdown.markdown);
    assert!(
        app.core.store.list_shares().unwrap().is_empty(),
        "nothing was published"
    );
}
