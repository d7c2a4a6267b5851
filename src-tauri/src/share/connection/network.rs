//! The network steps below HTTP: the name resolves, the port answers. Done
//! here rather than read from a failed reqwest request, whose error chain
//! ("error sending request … client error (Connect) …") mixes them up.
//!
//! Every address the name resolves to is tried at once, and the first to
//! answer wins: an unreachable IPv6 address must not hide a working IPv4 one.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::net::TcpStream;

use super::address::ServerAddress;
use super::error::{ConnectionError, Unreachable};

/// The socket addresses of the server; IP addresses need no DNS.
pub(super) async fn resolve(
    address: &ServerAddress,
    limit: Duration,
) -> Result<Vec<SocketAddr>, ConnectionError> {
    if let Some(ip) = address.ip {
        return Ok(vec![SocketAddr::new(ip, address.port)]);
    }
    let lookup = tokio::net::lookup_host((address.host.as_str(), address.port));
    let found = match tokio::time::timeout(limit, lookup).await {
        Ok(Ok(addrs)) => addrs.collect::<Vec<_>>(),
        Ok(Err(error)) => {
            tracing::debug!(host = %address.host, %error, "DNS lookup failed");
            Vec::new()
        }
        Err(_) => {
            tracing::debug!(host = %address.host, "DNS lookup timed out");
            Vec::new()
        }
    };
    if found.is_empty() {
        Err(ConnectionError::Dns {
            host: address.host.clone(),
        })
    } else {
        Ok(found)
    }
}

/// A TCP connection to the first of `addrs` that accepts, within `limit`.
pub(super) async fn connect(
    address: &ServerAddress,
    addrs: &[SocketAddr],
    limit: Duration,
) -> Result<TcpStream, ConnectionError> {
    let attempts = async {
        let mut pending: FuturesUnordered<_> = addrs.iter().map(TcpStream::connect).collect();
        let mut errors = Vec::new();
        while let Some(result) = pending.next().await {
            match result {
                Ok(stream) => return Ok(stream),
                Err(error) => errors.push(error),
            }
        }
        Err(errors)
    };
    let reason = match tokio::time::timeout(limit, attempts).await {
        Ok(Ok(stream)) => return Ok(stream),
        Ok(Err(errors)) => reason(&errors, limit),
        Err(_) => Unreachable::TimedOut(limit),
    };
    Err(ConnectionError::Unreachable {
        host: address.host.clone(),
        port: address.port,
        reason,
    })
}

/// The most telling of the errors: refused only when every address refused.
fn reason(errors: &[io::Error], limit: Duration) -> Unreachable {
    if errors
        .iter()
        .all(|e| e.kind() == io::ErrorKind::ConnectionRefused)
    {
        return Unreachable::Refused;
    }
    if errors.iter().any(|e| e.kind() == io::ErrorKind::TimedOut) {
        return Unreachable::TimedOut(limit);
    }
    let telling = errors
        .iter()
        .find(|e| e.kind() != io::ErrorKind::ConnectionRefused)
        .or(errors.first());
    match telling {
        Some(error) if matches!(error.kind(), io::ErrorKind::Other) => {
            Unreachable::Other(error.to_string())
        }
        Some(error) => Unreachable::Other(error.kind().to_string()),
        None => Unreachable::TimedOut(limit),
    }
}

/// Whether reqwest sends requests for this scheme through a proxy named in
/// the environment. The app's own DNS and TCP steps would then test a path
/// its requests never take (a proxied network often resolves nothing
/// directly), so they are skipped and the HTTP steps speak for the server.
pub(super) fn proxy_configured(https: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    let names: &[&str] = if https {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    names
        .iter()
        .any(|name| var(name).is_some_and(|value| !value.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_only_when_every_address_refused() {
        let limit = Duration::from_secs(5);
        let refused = || io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(reason(&[refused(), refused()], limit), Unreachable::Refused);
        assert_eq!(
            reason(
                &[refused(), io::ErrorKind::NetworkUnreachable.into()],
                limit
            ),
            Unreachable::Other("network unreachable".into())
        );
        assert_eq!(
            reason(&[io::ErrorKind::TimedOut.into(), refused()], limit),
            Unreachable::TimedOut(limit)
        );
        assert_eq!(
            reason(&[io::ErrorKind::HostUnreachable.into()], limit),
            Unreachable::Other("host unreachable".into())
        );
    }

    #[test]
    fn a_proxy_for_the_scheme_skips_the_direct_steps() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert!(!proxy_configured(true, env(&[])));
        assert!(proxy_configured(
            true,
            env(&[("https_proxy", "http://proxy:3128")])
        ));
        assert!(!proxy_configured(
            true,
            env(&[("HTTP_PROXY", "http://proxy:3128")])
        ));
        assert!(proxy_configured(false, env(&[("ALL_PROXY", "socks5://p")])));
        assert!(!proxy_configured(false, env(&[("HTTP_PROXY", " ")])));
    }
}
