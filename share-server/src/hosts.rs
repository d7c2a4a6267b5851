//! The host allowlist: a server that names its hosts answers only requests
//! addressed to one of them (421 Misdirected Request otherwise, before any
//! handler runs).
//!
//! Why: DNS rebinding. A web page the user visits can point a name it
//! controls at 127.0.0.1 or a LAN address; the browser then sends that
//! page's scripts' requests to the server here as same-origin requests for
//! the attacker's name, so the page could read what the server answers.
//! The one thing it cannot fake is the `Host` header: it carries the
//! attacker's name. So a server that listens where such pages can reach it
//! (the desktop app's embedded server) lists its own addresses and names,
//! and everything else is refused. Without a list (the default) any host
//! is served, as behind a reverse proxy that already routes by name.
//!
//! Matching is on the host alone: the port is ignored, letters are
//! compared case-insensitively, a trailing dot is dropped, and IP addresses
//! are compared as addresses (`[::1]` and `[0::1]` are the same).

use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Error;

/// Longest part of a refused host quoted back in the error message.
const SHOWN_HOST_CHARS: usize = 64;

/// The hosts a server answers for; empty: any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    /// Normalized (see [`normalize`]).
    hosts: Vec<String>,
}

impl AllowedHosts {
    /// From configured entries: names (`share.example.com`, `localhost`),
    /// IPv4 addresses, IPv6 addresses with or without brackets; a port is
    /// allowed and ignored.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, Error> {
        let mut hosts = Vec::with_capacity(entries.len());
        for entry in entries {
            let entry = entry.as_ref().trim();
            let host = match entry.parse::<Ipv6Addr>() {
                Ok(address) => Some(address.to_string()),
                Err(_) => host_of(entry),
            };
            let host = host.ok_or_else(|| {
                Error::Config(format!(
                    "`{entry}` is not a host name or IP address for the allowed hosts"
                ))
            })?;
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        Ok(Self { hosts })
    }

    /// Whether any host is allowed (no list).
    pub fn allows_any(&self) -> bool {
        self.hosts.is_empty()
    }

    /// Whether a request with this target and these headers may be served.
    pub fn check(&self, uri: &Uri, headers: &HeaderMap) -> Result<(), Error> {
        if self.allows_any() {
            return Ok(());
        }
        // An absolute-form target (`GET http://host/ HTTP/1.1`) names the
        // host; the `Host` header is then ignored (RFC 9112, 3.2.2).
        let named = match uri.authority() {
            Some(authority) => Some(authority.as_str().as_bytes()),
            None => {
                let mut values = headers.get_all(header::HOST).iter();
                match (values.next(), values.next()) {
                    (Some(value), None) => Some(value.as_bytes()),
                    // Several `Host` headers: which one the browser meant
                    // is anyone's guess.
                    (Some(_), Some(_)) => return Err(Error::UnknownHost(None)),
                    (None, _) => None,
                }
            }
        };
        let Some(named) = named else {
            return Err(Error::UnknownHost(None));
        };
        let host = std::str::from_utf8(named).ok().and_then(host_of);
        match host {
            Some(host) if self.hosts.contains(&host) => Ok(()),
            _ => Err(Error::UnknownHost(Some(shown(named)))),
        }
    }
}

/// The middleware: refuses requests for other hosts with 421.
pub async fn enforce(
    State(allowed): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response {
    match allowed.check(request.uri(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => {
            tracing::debug!(%error, "request for a host not allowed");
            error.into_response()
        }
    }
}

/// The normalized host of a `Host` header value or URI authority
/// (`host[:port]`, `[ipv6][:port]`), or `None` if it is not one.
fn host_of(authority: &str) -> Option<String> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (literal, after) = rest.split_once(']')?;
            let address: Ipv6Addr = literal.parse().ok()?;
            return valid_port(after.strip_prefix(':').unwrap_or(after))
                .then(|| address.to_string());
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, port),
            None => (authority, ""),
        },
    };
    if !valid_port(port) {
        return None;
    }
    normalize(host)
}

/// `""` (no port) or digits.
fn valid_port(port: &str) -> bool {
    port.bytes().all(|b| b.is_ascii_digit())
}

/// A registered name or IPv4 address, lowercased, without a trailing dot.
fn normalize(host: &str) -> Option<String> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !valid {
        return None;
    }
    Some(match host.parse::<IpAddr>() {
        Ok(address) => address.to_string(),
        Err(_) => host.to_ascii_lowercase(),
    })
}

/// A refused host as quoted in the message: printable, and short.
fn shown(named: &[u8]) -> String {
    let text = String::from_utf8_lossy(named);
    let mut shown = String::with_capacity(SHOWN_HOST_CHARS + 8);
    for c in text.chars().take(SHOWN_HOST_CHARS) {
        if c.is_control() {
            shown.extend(c.escape_debug());
        } else {
            shown.push(c);
        }
    }
    if text.chars().count() > SHOWN_HOST_CHARS {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn allowed(entries: &[&str]) -> AllowedHosts {
        AllowedHosts::parse(entries).unwrap()
    }

    fn with_host(value: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_bytes(value).unwrap());
        headers
    }

    fn check(list: &AllowedHosts, host: &str) -> Result<(), Error> {
        list.check(&Uri::from_static("/"), &with_host(host.as_bytes()))
    }

    #[test]
    fn hosts_match_without_port_case_or_trailing_dot() {
        let list = allowed(&["share.example.com", "127.0.0.1", "localhost:8080", "[::1]"]);
        for host in [
            "share.example.com",
            "SHARE.Example.COM:443",
            "share.example.com.",
            "127.0.0.1:49152",
            "localhost",
            "LocalHost:1",
            "[::1]:8080",
            "[0:0::1]",
            "[::1]",
        ] {
            assert!(check(&list, host).is_ok(), "{host} refused");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "share.example.com.evil.example",
            "127.0.0.2",
            "localhost:notaport",
            "[::2]",
            "::1",
            "[::1",
            "user@localhost",
            "",
            ":8080",
        ] {
            assert!(
                matches!(check(&list, host), Err(Error::UnknownHost(Some(_)))),
                "{host} allowed"
            );
        }
    }

    #[test]
    fn bare_ipv6_entries_are_addresses() {
        let list = allowed(&["::1", "fe80::1"]);
        assert!(check(&list, "[::1]:80").is_ok());
        assert!(check(&list, "[FE80:0::1]").is_ok());
    }

    #[test]
    fn no_host_or_several_are_refused() {
        let list = allowed(&["localhost"]);
        let none = list.check(&Uri::from_static("/"), &HeaderMap::new());
        assert!(matches!(none, Err(Error::UnknownHost(None))));
        let mut two = with_host(b"localhost");
        two.append(header::HOST, HeaderValue::from_static("localhost"));
        let both = list.check(&Uri::from_static("/"), &two);
        assert!(matches!(both, Err(Error::UnknownHost(None))));
    }

    #[test]
    fn an_absolute_target_names_the_host() {
        let list = allowed(&["localhost"]);
        let headers = with_host(b"localhost");
        let uri = Uri::from_static("http://evil.example/healthz");
        assert!(list.check(&uri, &headers).is_err());
        let uri = Uri::from_static("http://localhost:8080/healthz");
        assert!(list.check(&uri, &with_host(b"evil.example")).is_ok());
    }

    #[test]
    fn no_list_allows_anything() {
        let list = AllowedHosts::default();
        assert!(list.allows_any());
        assert!(check(&list, "evil.example").is_ok());
        assert!(
            list.check(&Uri::from_static("/"), &HeaderMap::new())
                .is_ok()
        );
    }

    #[test]
    fn invalid_entries_are_configuration_errors() {
        for entry in ["", "http://share.example.com", "a b", "host:port", "[::1"] {
            assert!(
                matches!(AllowedHosts::parse(&[entry]), Err(Error::Config(_))),
                "{entry:?}"
            );
        }
    }

    #[test]
    fn refused_hosts_are_quoted_short_and_printable() {
        let list = allowed(&["localhost"]);
        let long = format!("{}.example", "a".repeat(500));
        let Err(Error::UnknownHost(Some(shown))) = check(&list, &long) else {
            panic!("not refused")
        };
        assert_eq!(shown.chars().count(), SHOWN_HOST_CHARS + 1);
        assert!(shown.ends_with('…'));
        let Err(Error::UnknownHost(Some(shown))) =
            list.check(&Uri::from_static("/"), &with_host(b"ev\xffil\t`.example"))
        else {
            panic!("not refused")
        };
        assert_eq!(shown, "ev\u{fffd}il\\t`.example");
    }
}
