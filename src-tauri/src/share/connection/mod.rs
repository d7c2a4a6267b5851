//! "Test connection" to a team share-server (Settings → Share server; saving
//! runs the same check). It goes down the stack in order and stops at the
//! first failure, because each step only means something when the one below
//! worked:
//!
//! 1. the address is a bare http(s) base URL ([`normalize_server_url`]);
//! 2. its host name resolves (DNS);
//! 3. its port accepts a TCP connection;
//! 4. for https, the TLS handshake passes with the verifier reqwest uses;
//! 5. `GET /api/v0/info` says it is a Parlor share-server this app can use;
//! 6. the token is accepted (or, with none, the server allows anonymous
//!    publishing).
//!
//! Steps 2–4 are done by hand rather than inferred from a failed request,
//! since reqwest's errors do not tell a wrong name from a closed port or an
//! untrusted certificate, and the person reading the message must know which
//! one to fix. The token is only ever sent as a header: it is in no error,
//! log line or `Debug` output.

mod address;
mod api;
mod error;
mod network;
#[cfg(test)]
mod tests;
mod tls;

use std::time::Duration;

pub use address::normalize_server_url;
pub use error::{ConnectionError, Incompatibility, TlsProblem, Unreachable, UrlProblem};

use address::ServerAddress;
use api::HttpFailure;
use tls::TlsCheck;

/// How long DNS, the TCP connection and the TLS handshake may each take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long each HTTP request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub use contract::ServerInfo;

/// Checks that the app can publish to the share-server at `url` with `token`
/// (none or blank: anonymously), and returns what the server says about
/// itself; otherwise the first thing in the way, in plain words.
pub async fn check_server(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
) -> Result<ServerInfo, ConnectionError> {
    let result = Check::new().run(client, url, token).await;
    // The normalized address only: what was typed may carry a secret.
    let server = normalize_server_url(url).unwrap_or_else(|_| "(not an address)".into());
    match &result {
        Ok(info) => tracing::info!(%server, version = %info.version, "share-server check passed"),
        Err(error) => {
            tracing::info!(%server, code = error.code(), "share-server check failed: {error}")
        }
    }
    result
}

/// The check with its limits (shorter in tests) and its view of the world.
struct Check {
    connect_timeout: Duration,
    request_timeout: Duration,
    /// Reads an environment variable (the proxy settings reqwest follows).
    env: fn(&str) -> Option<String>,
    /// Certificates trusted on top of the platform's (tests' own authority).
    #[cfg(test)]
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
}

impl Check {
    fn new() -> Self {
        Self {
            connect_timeout: CONNECT_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            env: |name| std::env::var(name).ok(),
            #[cfg(test)]
            extra_roots: Vec::new(),
        }
    }

    async fn run(
        &self,
        client: &reqwest::Client,
        url: &str,
        token: Option<&str>,
    ) -> Result<ServerInfo, ConnectionError> {
        let address = ServerAddress::parse(url)?;
        let token = usable_token(token)?;
        let direct = !network::proxy_configured(address.https, self.env);
        if direct {
            let addrs = network::resolve(&address, self.connect_timeout).await?;
            let stream = network::connect(&address, &addrs, self.connect_timeout).await?;
            if address.https {
                self.tls(&address)?
                    .handshake(stream, &address, self.connect_timeout)
                    .await
                    .map_err(|problem| tls_error(&address, problem))?;
            }
        }
        let info = match api::fetch_info(client, &address, self.request_timeout).await {
            Ok(info) => info,
            Err(HttpFailure::Transport { detail }) if direct && !address.https => {
                // Plain HTTP to a TLS port gets no HTTP answer: say so.
                if self.speaks_tls(&address).await {
                    return Err(tls_error(&address, TlsProblem::HttpsExpected));
                }
                return Err(HttpFailure::Transport { detail }.into_error(&address));
            }
            Err(failure) => return Err(failure.into_error(&address)),
        };
        match token {
            Some(token) => api::check_token(client, &address, token, self.request_timeout)
                .await
                .map_err(|failure| failure.into_error(&address))?,
            None if !info.allow_anonymous => return Err(ConnectionError::TokenRequired),
            None => {}
        }
        Ok(info)
    }

    fn tls(&self, address: &ServerAddress) -> Result<TlsCheck, ConnectionError> {
        #[cfg(test)]
        if !self.extra_roots.is_empty() {
            return TlsCheck::platform_with_extra_roots(self.extra_roots.clone())
                .map_err(|problem| tls_error(address, problem));
        }
        TlsCheck::platform().map_err(|problem| tls_error(address, problem))
    }

    /// Whether the server's port answers a TLS handshake (even one that then
    /// fails on the certificate).
    async fn speaks_tls(&self, address: &ServerAddress) -> bool {
        let Ok(tls) = self.tls(address) else {
            return false;
        };
        let Ok(addrs) = network::resolve(address, self.connect_timeout).await else {
            return false;
        };
        let Ok(stream) = network::connect(address, &addrs, self.connect_timeout).await else {
            return false;
        };
        match tls.handshake(stream, address, self.connect_timeout).await {
            Ok(()) => true,
            Err(problem) => problem.proves_tls(),
        }
    }
}

fn tls_error(address: &ServerAddress, problem: TlsProblem) -> ConnectionError {
    ConnectionError::Tls {
        host: address.host.clone(),
        port: address.port,
        problem,
    }
}

/// The token to send: none when blank; refused when it holds characters no
/// token has (a line break copied along, say), which would also make an
/// invalid header.
fn usable_token(token: Option<&str>) -> Result<Option<&str>, ConnectionError> {
    match token {
        Some(token) if token.trim().is_empty() => Ok(None),
        Some(token) if token.chars().all(|c| c.is_ascii_graphic()) => Ok(Some(token)),
        Some(_) => Err(ConnectionError::InvalidToken),
        None => Ok(None),
    }
}
