//! Reading a `postgres://` URL the way libpq does, including the TLS
//! parameters (`sslmode`, `sslrootcert`) the driver does not know.

use std::time::Duration;

use tokio_postgres::config::SslMode;

use super::rows::describe;
use super::tls;
use crate::store::{StoreError, is_postgres_url, redact_url};

/// Size and patience of the connection pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    /// Most connections one instance opens.
    pub max_size: usize,
    /// How long a request waits for a free connection (or a new one to be
    /// established) before it fails with [`StoreError::Unavailable`].
    pub wait_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 16,
            wait_timeout: Duration::from_secs(5),
        }
    }
}

/// What a URL asks for: the driver's settings and, unless TLS is off, the
/// rustls configuration.
pub(super) struct Connection {
    pub(super) config: tokio_postgres::Config,
    pub(super) tls: Option<std::sync::Arc<rustls::ClientConfig>>,
}

/// Parses a `postgres://` URL (see [`tokio_postgres::Config`] for its
/// parameters) with libpq's `sslmode` (default `prefer`) and `sslrootcert`.
pub(super) fn parse_url(url: &str) -> Result<Connection, StoreError> {
    let invalid = |reason: String| StoreError::InvalidUrl {
        url: redact_url(url),
        reason,
    };
    if !is_postgres_url(url) {
        return Err(StoreError::UnsupportedUrl(redact_url(url)));
    }
    // The driver knows neither `verify-*` nor `sslrootcert`: they are read
    // here and taken out of the URL it parses.
    let (rest, ssl_mode, root_cert) = take_tls_parameters(url);
    let mode = match ssl_mode.as_deref() {
        None => tls::Mode::Prefer,
        Some(text) => tls::Mode::parse(text).ok_or_else(|| {
            invalid(format!(
                "unknown sslmode={text} (use disable, prefer, require, verify-ca or verify-full)"
            ))
        })?,
    };
    let mut config: tokio_postgres::Config = rest
        .parse()
        .map_err(|e: tokio_postgres::Error| invalid(describe(&e)))?;
    if config.get_dbname().is_none() {
        return Err(invalid(
            "name the database, e.g. postgres://user@host/shares".into(),
        ));
    }
    let only_unix_sockets = config
        .get_hosts()
        .iter()
        .all(|host| matches!(host, tokio_postgres::config::Host::Unix(_)));
    // As libpq: no TLS over a Unix socket.
    let mode = if only_unix_sockets && mode == tls::Mode::Prefer {
        tls::Mode::Disable
    } else {
        mode
    };
    config.ssl_mode(match mode {
        tls::Mode::Disable => SslMode::Disable,
        tls::Mode::Prefer => SslMode::Prefer,
        tls::Mode::Require | tls::Mode::VerifyCa | tls::Mode::VerifyFull => SslMode::Require,
    });
    let tls = tls::client_config(mode, root_cert.as_deref().map(std::path::Path::new))
        .map_err(invalid)?;
    if config.get_application_name().is_none() {
        config.application_name("share-server");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    Ok(Connection { config, tls })
}

/// Splits `sslmode` and `sslrootcert` (percent-decoded) off a URL's query.
pub(super) fn take_tls_parameters(url: &str) -> (String, Option<String>, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), None, None);
    };
    let (mut mode, mut root_cert, mut kept) = (None, None, Vec::new());
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("sslmode", value)) => mode = Some(percent_decode(value)),
            Some(("sslrootcert", value)) => root_cert = Some(percent_decode(value)),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, mode, root_cert)
}

pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}
