//! The share-server's address as the user typed or pasted it, checked before
//! any traffic. The app appends API paths to it (`{url}/api/v0/…`), so it must
//! be a bare base URL: http(s), a host, an optional port, nothing else. What
//! people paste instead — a host without scheme, a share link, a URL with a
//! query — is refused with the address they probably meant.

use std::net::IpAddr;

use chat_core::connect_code;
use url::{Host, Url};

use super::error::{ConnectionError, UrlProblem};

/// A checked share-server address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ServerAddress {
    /// `https://host[:port]`: no trailing slash, default port left out.
    pub base: String,
    pub https: bool,
    /// The host as written in URLs: `share.example.com`, `10.0.0.5`, `[::1]`.
    pub host: String,
    /// The host when it is an IP address (no DNS lookup then).
    pub ip: Option<IpAddr>,
    pub port: u16,
}

/// The canonical form of a share-server address (`https://host[:port]`, no
/// trailing slash), or why it is not one.
pub fn normalize_server_url(input: &str) -> Result<String, ConnectionError> {
    ServerAddress::parse(input).map(|address| address.base)
}

impl ServerAddress {
    pub fn parse(input: &str) -> Result<Self, ConnectionError> {
        parse(input).map_err(ConnectionError::InvalidUrl)
    }

    /// The same host and port under the other scheme, port always written
    /// (`http://host:443`), for advice such as "try http://…".
    #[cfg(test)]
    pub fn with_scheme(&self, https: bool) -> String {
        let scheme = if https { "https" } else { "http" };
        format!("{scheme}://{}:{}", self.host, self.port)
    }
}

fn parse(input: &str) -> Result<ServerAddress, UrlProblem> {
    let input = input.trim();
    if input.is_empty() {
        return Err(UrlProblem::Empty);
    }
    if input.starts_with(connect_code::PREFIX) {
        return Err(UrlProblem::ConnectCode);
    }
    if input.contains(char::is_whitespace) {
        return Err(UrlProblem::Malformed {
            detail: "it contains spaces".into(),
        });
    }
    let Some((scheme, _)) = input.split_once("://") else {
        // Only the host and port of what was typed: a path or a query may
        // hold something private, and the next try names them anyway.
        let suggestion = Url::parse(&format!("https://{}", input.trim_start_matches('/')))
            .ok()
            .and_then(|url| base("https", &url))
            .unwrap_or_else(|| "https://share.example.com".to_owned());
        return Err(UrlProblem::NoScheme { suggestion });
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(UrlProblem::WrongScheme { scheme });
    }
    let url = Url::parse(input).map_err(|e| match e {
        url::ParseError::EmptyHost => UrlProblem::NoHost,
        e => UrlProblem::Malformed {
            detail: e.to_string(),
        },
    })?;
    let base = base(&scheme, &url).ok_or(UrlProblem::NoHost)?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().ok_or(UrlProblem::NoHost)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Credentials { server: base });
    }
    let path = url.path();
    if path.starts_with("/shared/") || path.starts_with("/api/") {
        return Err(UrlProblem::ShareLink { server: base });
    }
    if !path.is_empty() && path != "/" {
        return Err(UrlProblem::Path {
            server: base,
            path: path.to_owned(),
        });
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(UrlProblem::QueryOrFragment { server: base });
    }
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        _ => None,
    };
    Ok(ServerAddress {
        base,
        https: scheme == "https",
        host,
        ip,
        port,
    })
}

/// `scheme://host[:port]` of `url`, the port only when not the default.
fn base(scheme: &str, url: &Url) -> Option<String> {
    let host = url.host_str().filter(|host| !host.is_empty())?;
    Some(match url.port() {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalized() {
        for (input, expected) in [
            ("https://share.example.com", "https://share.example.com"),
            ("https://share.example.com/", "https://share.example.com"),
            (
                "  HTTPS://Share.Example.COM/ \n",
                "https://share.example.com",
            ),
            (
                "https://share.example.com:443/",
                "https://share.example.com",
            ),
            ("http://share.example.com:80", "http://share.example.com"),
            (
                "https://share.example.com:8443",
                "https://share.example.com:8443",
            ),
            ("http://127.0.0.1:3000/", "http://127.0.0.1:3000"),
            ("http://[::1]:3000", "http://[::1]:3000"),
            ("https://bücher.example", "https://xn--bcher-kva.example"),
        ] {
            assert_eq!(
                normalize_server_url(input).as_deref(),
                Ok(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn the_parts_are_kept_for_the_network_steps() {
        let address = ServerAddress::parse("https://share.example.com:8443").unwrap();
        assert!(address.https);
        assert_eq!(address.host, "share.example.com");
        assert_eq!(address.ip, None);
        assert_eq!(address.port, 8443);
        let address = ServerAddress::parse("http://[::1]").unwrap();
        assert_eq!(address.ip, Some("::1".parse().unwrap()));
        assert_eq!(address.port, 80);
        assert_eq!(address.with_scheme(true), "https://[::1]:80");
    }

    /// What the app says of an address it refuses.
    fn refusal(input: &str) -> String {
        ServerAddress::parse(input).unwrap_err().to_string()
    }

    fn problem(input: &str) -> UrlProblem {
        match ServerAddress::parse(input) {
            Err(ConnectionError::InvalidUrl(problem)) => problem,
            other => panic!("{input}: {other:?}"),
        }
    }

    #[test]
    fn a_missing_scheme_says_add_https() {
        for (input, suggestion) in [
            ("share.example.com", "https://share.example.com"),
            ("share.example.com:8443/", "https://share.example.com:8443"),
            ("localhost:3000", "https://localhost:3000"),
            ("ann:pw@share.example.com/?t=x", "https://share.example.com"),
        ] {
            let error = ServerAddress::parse(input).unwrap_err();
            assert_eq!(error.code(), "invalid_url");
            let message = error.to_string();
            assert!(
                message.contains(&format!("add https://, as in {suggestion}.")),
                "{message}"
            );
        }
        assert_eq!(
            problem("ftp://share.example.com"),
            UrlProblem::WrongScheme {
                scheme: "ftp".into()
            }
        );
    }

    #[test]
    fn a_share_link_or_a_path_is_not_a_server_address() {
        let message = refusal("https://x.example/shared/abc");
        assert!(
            message.contains("link to one shared chat, not the share-server's address"),
            "{message}"
        );
        assert!(message.contains("use https://x.example."), "{message}");
        assert!(matches!(
            problem("https://x.example:8443/api/v0/shared-chats"),
            UrlProblem::ShareLink { server } if server == "https://x.example:8443"
        ));
        let message = refusal("https://x.example/parlor");
        assert!(
            message.contains("share-server's own address, without a path such as /parlor"),
            "{message}"
        );
    }

    #[test]
    fn queries_fragments_and_credentials_are_refused() {
        let message = refusal("https://x.example/?token=secret");
        assert!(message.contains("must not have a query"), "{message}");
        assert!(!message.contains("secret"), "{message}");
        assert!(matches!(
            problem("https://x.example#top"),
            UrlProblem::QueryOrFragment { .. }
        ));
        let message = refusal("https://ann:pw@x.example");
        assert!(message.contains("user name or password"), "{message}");
        assert!(!message.contains("pw"), "{message}");
    }

    #[test]
    fn other_mistakes_are_named() {
        assert_eq!(problem(" "), UrlProblem::Empty);
        assert_eq!(problem("parlor1.eyJ1cmwiOiJ4In0"), UrlProblem::ConnectCode);
        assert_eq!(problem("https://"), UrlProblem::NoHost);
        assert!(matches!(
            problem("https://share example.com"),
            UrlProblem::Malformed { .. }
        ));
        assert!(matches!(
            problem("https://x.example:99999"),
            UrlProblem::Malformed { detail } if detail.contains("port")
        ));
    }
}
