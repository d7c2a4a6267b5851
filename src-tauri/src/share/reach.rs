//! Who can open a link: the one sentence the Share dialog and My shares show
//! under every link, so a user never sends a colleague a link that cannot
//! work for them without being told.
//!
//! The kind is recorded with each share when it is made (the mode that made
//! it); shares recorded before that are judged by their server's address.

use std::net::IpAddr;

pub use contract::{Reach, ReachKind};

/// The sentence of a reach, as this app words it.
pub trait ReachExt: Sized {
    /// The reach of a link on `server_url` made in mode `kind`.
    fn of(kind: ReachKind, server_url: &str) -> Self;
    /// The reach of a link recorded without one: loopback hosts are this
    /// computer, private addresses the network, anything else a server.
    fn guess(server_url: &str) -> Self;
}

impl ReachExt for Reach {
    fn of(kind: ReachKind, server_url: &str) -> Self {
        let sentence = match kind {
            ReachKind::ThisComputer => {
                "Only this computer can open this link, while Parlor is running.".to_owned()
            }
            ReachKind::Network => format!(
                "Anyone on your network can open this link ({}), while Parlor is running.",
                server_url.trim_end_matches('/')
            ),
            ReachKind::Team | ReachKind::Other => format!(
                "Anyone who can reach {} can open this link.",
                authority(server_url)
            ),
            ReachKind::File => "Whoever you give the file to can open it.".to_owned(),
        };
        Self { kind, sentence }
    }

    fn guess(server_url: &str) -> Self {
        let host = host_of(server_url);
        let kind = match host.parse::<IpAddr>() {
            _ if crate::network::is_this_computer(host) => ReachKind::ThisComputer,
            Ok(IpAddr::V4(ip)) if ip.is_private() || ip.is_link_local() => ReachKind::Network,
            _ if host.ends_with(".local") => ReachKind::Network,
            _ => ReachKind::Team,
        };
        Self::of(kind, server_url)
    }
}

/// `host[:port]` of an http(s) URL, as a person would type it.
fn authority(url: &str) -> &str {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// The host of an http(s) URL, without port or IPv6 brackets.
fn host_of(url: &str) -> &str {
    let authority = authority(url);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or(v6);
    }
    authority.split(':').next().unwrap_or(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_says_who_can_open_the_link() {
        let cases = [
            (
                ReachKind::ThisComputer,
                "http://127.0.0.1:4545",
                "Only this computer can open this link, while Parlor is running.",
            ),
            (
                ReachKind::Network,
                "http://192.168.1.20:4545/",
                "Anyone on your network can open this link (http://192.168.1.20:4545), while Parlor is running.",
            ),
            (
                ReachKind::Team,
                "https://share.example.com",
                "Anyone who can reach share.example.com can open this link.",
            ),
            (
                ReachKind::Team,
                "http://10.1.2.3:8080/",
                "Anyone who can reach 10.1.2.3:8080 can open this link.",
            ),
        ];
        for (kind, url, sentence) in cases {
            assert_eq!(Reach::of(kind, url).sentence, sentence, "{url}");
        }
    }

    #[test]
    fn records_without_a_kind_are_judged_by_their_server() {
        let kind = |url: &str| Reach::guess(url).kind;
        assert_eq!(kind("http://127.0.0.1:4545"), ReachKind::ThisComputer);
        assert_eq!(kind("http://localhost:4545"), ReachKind::ThisComputer);
        assert_eq!(kind("http://[::1]:4545"), ReachKind::ThisComputer);
        assert_eq!(kind("http://192.168.1.20:4545"), ReachKind::Network);
        assert_eq!(kind("http://myhost.local:4545"), ReachKind::Network);
        assert_eq!(kind("https://share.example.com"), ReachKind::Team);
    }

    #[test]
    fn kinds_round_trip_through_their_stored_names() {
        for kind in [
            ReachKind::ThisComputer,
            ReachKind::Network,
            ReachKind::Team,
            ReachKind::File,
        ] {
            assert_eq!(ReachKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::String(kind.as_str().into())
            );
        }
        assert_eq!(ReachKind::parse("moon"), None);
    }
}
