//! "Share on my network" against a real second host: a network namespace
//! joined to this one by a veth pair. The app core's embedded server binds
//! the host end; the page and the JSON are fetched from inside the
//! namespace, as a colleague's computer would. Traffic stays on that pair
//! (addresses from 198.18.0.0/15, the range set aside for such tests) and on
//! loopback.
//!
//! Needs root (`ip netns`). CI runs as root and must run it; elsewhere it
//! says it did not run.

use std::process::{Command, Output};

use parlor::settings::ShareMode;
use parlor::share::reach::ReachKind;
use parlor::share::{self, ShareOptions};

use super::{app, conversation, get};

/// A namespace and the veth pair into it, removed on drop.
struct SecondHost {
    namespace: String,
    host_link: String,
    host_ip: String,
}

fn run(args: &[&str]) -> Output {
    let output = Command::new(args[0]).args(&args[1..]).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

impl SecondHost {
    fn create() -> Option<Self> {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
        if !root {
            assert!(
                std::env::var_os("CI").is_none(),
                "the network-namespace story needs root, and CI runs as root"
            );
            eprintln!("NOT RUN: the network-namespace story needs root (ip netns)");
            return None;
        }
        // Unique per process and test, short enough for an interface name (15).
        let tag = format!("{:x}", std::process::id() % 0xffff);
        let namespace = format!("parlor-t{tag}");
        let host_link = format!("prl{tag}h");
        let peer_link = format!("prl{tag}p");
        let octet = std::process::id() % 250 + 1;
        let host_ip = format!("198.18.{octet}.1");
        let peer_ip = format!("198.18.{octet}.2");
        let host = Self {
            namespace: namespace.clone(),
            host_link: host_link.clone(),
            host_ip: host_ip.clone(),
        };
        run(&["ip", "netns", "add", &namespace]);
        run(&[
            "ip", "link", "add", &host_link, "type", "veth", "peer", "name", &peer_link,
        ]);
        run(&["ip", "link", "set", &peer_link, "netns", &namespace]);
        run(&[
            "ip",
            "addr",
            "add",
            &format!("{host_ip}/30"),
            "dev",
            &host_link,
        ]);
        run(&["ip", "link", "set", &host_link, "up"]);
        let inside = |args: &[&str]| {
            let mut all = vec!["ip", "netns", "exec", namespace.as_str()];
            all.extend_from_slice(args);
            run(&all);
        };
        inside(&[
            "ip",
            "addr",
            "add",
            &format!("{peer_ip}/30"),
            "dev",
            &peer_link,
        ]);
        inside(&["ip", "link", "set", &peer_link, "up"]);
        inside(&["ip", "link", "set", "lo", "up"]);
        Some(host)
    }

    /// `curl` from inside the namespace: (status, body). Off the test's
    /// runtime thread, which also runs the server being fetched.
    async fn fetch(&self, url: &str, host_header: Option<&str>) -> (u16, String) {
        let mut args: Vec<String> = ["netns", "exec", &self.namespace, "curl", "-sS"]
            .into_iter()
            .chain(["--max-time", "10", "-w", "\n%{http_code}"])
            .map(str::to_owned)
            .collect();
        if let Some(host) = host_header {
            args.extend(["-H".to_owned(), format!("Host: {host}")]);
        }
        args.push(url.to_owned());
        let output = tokio::process::Command::new("ip")
            .args(&args)
            .output()
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            eprintln!("curl {url}: {}", String::from_utf8_lossy(&output.stderr));
        }
        let (body, status) = text.rsplit_once('\n').unwrap_or(("", "0"));
        (status.trim().parse().unwrap_or(0), body.to_owned())
    }
}

impl Drop for SecondHost {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["link", "del", &self.host_link])
            .output();
        let _ = Command::new("ip")
            .args(["netns", "del", &self.namespace])
            .output();
    }
}

#[tokio::test]
async fn a_colleague_on_the_network_opens_the_link_and_old_links_keep_working() {
    let Some(host) = SecondHost::create() else {
        return;
    };
    let app = app();
    let session_id = conversation(&app.core);

    // Made before the switch: a loopback link.
    let target = share::current_target(&app.core).await.unwrap();
    let local = share::share_session(
        &app.core,
        &target,
        &session_id,
        &ShareOptions::default(),
        None,
    )
    .await
    .unwrap();
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

    let target = share::current_target(&app.core).await.unwrap();
    let shared = share::share_session(
        &app.core,
        &target,
        &session_id,
        &ShareOptions::default(),
        None,
    )
    .await
    .unwrap();
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
