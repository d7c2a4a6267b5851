//! "Share on my network" against a real second host: a network namespace
//! joined to this one by a veth pair. The app core's embedded server binds
//! the host end; the page and the JSON are fetched from inside the
//! namespace, as a colleague's computer would. Traffic stays on that pair
//! (addresses from 198.18.0.0/15, the range set aside for such tests) and on
//! loopback.
//!
//! Needs root (`ip netns`). CI runs as root and must run it; elsewhere it
//! says it did not run.

use parlor::settings::{SettingsExt, ShareMode};
use parlor::share::reach::ReachKind;
use parlor::share::{self, ShareOptions};

use super::{app, conversation, get, share_now};
use crate::netns::SecondHost;

#[tokio::test]
async fn a_colleague_on_the_network_opens_the_link_and_old_links_keep_working() {
    let Some(host) = SecondHost::create() else {
        return;
    };
    let app = app();
    let session_id = conversation(&app.core);

    // Made before the switch: a loopback link.
    let local = share_now(&app, &session_id, &ShareOptions::default()).await;
    assert_eq!(local.reach.kind, ReachKind::ThisComputer);

    let mut settings = app.core.settings().unwrap();
    settings.share_server.mode = ShareMode::Network;
    settings.share_server.embedded_bind = host.host_ip.clone();
    settings.save(&app.core.store).unwrap();
    let status = share::server_status(&app.core).await.unwrap();
    assert_eq!(status.reach.kind, ReachKind::Network);
    assert_eq!(status.notice, None);
    let port = status.url.rsplit(':').next().unwrap().to_owned();
    assert_eq!(status.url, format!("http://{}:{port}", host.host_ip));
    assert_eq!(
        status.reach.sentence,
        format!(
            "Anyone on your network can open this link (http://{}:{port}), while Parlor is running.",
            host.host_ip
        )
    );

    let shared = share_now(&app, &session_id, &ShareOptions::default()).await;
    assert_eq!(shared.reach.kind, ReachKind::Network);
    assert!(
        shared.share_url.starts_with(&status.url),
        "{}",
        shared.share_url
    );

    // From the second host: the page and the JSON.
    let (code, page) = host.fetch(&shared.share_url, None).await;
    assert_eq!(code, 200, "{page}");
    assert!(page.contains("Deploy troubleshooting"), "{page}");
    let api = format!("{}/api/v0/shared-chats/{}", status.url, shared.share_id);
    let (code, json) = host.fetch(&api, None).await;
    assert_eq!(code, 200, "{json}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["data"]["title"], "Deploy troubleshooting");
    // A name the server does not go by (DNS rebinding) is refused.
    let (code, _) = host
        .fetch(&shared.share_url, Some("attacker.example"))
        .await;
    assert_eq!(code, 421);
    // Publishing from the network needs the app's token.
    let (code, _) = host
        .fetch(&format!("{}{}", status.url, share::API_PATH), None)
        .await;
    assert_eq!(code, 401);

    // The link made before the switch still opens here, and is listed as such.
    assert_eq!(get(&local.share_url).await.0, 200);
    let listed = share::list_shares(&app.core).await.unwrap();
    let kinds: Vec<ReachKind> = listed.iter().map(|s| s.reach.kind).collect();
    assert_eq!(kinds, [ReachKind::Network, ReachKind::ThisComputer]);
    parlor::embedded::shutdown(&app.core).await;
}
