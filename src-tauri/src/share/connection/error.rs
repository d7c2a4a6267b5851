//! Why a share-server cannot be used, in words for the person who pasted its
//! address. Each variant is one step of the check; `code` is stable for the
//! UI, `Display` is the whole sentence: what is wrong, then what to do.
//!
//! No variant holds the token, so no message, log line or `Debug` output
//! built from these can show it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use contract::error::code;
use reqwest::StatusCode;

/// The first thing that stops the app from publishing to a share-server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionError {
    #[error("{0}")]
    InvalidUrl(UrlProblem),
    #[error(
        "The token contains spaces, line breaks or other characters a token never has: copy it again, without them."
    )]
    InvalidToken,
    #[error(
        "The name {host} could not be found (DNS). Check the spelling of the address, and that this computer is on the network that knows the name (a company VPN, for instance)."
    )]
    Dns { host: String },
    #[error("{}", unreachable_sentence(host, *port, reason))]
    Unreachable {
        host: String,
        port: u16,
        reason: Unreachable,
    },
    #[error("{}", problem.sentence(host, *port))]
    Tls {
        host: String,
        port: u16,
        problem: TlsProblem,
    },
    #[error("{server} redirects to {to}: enter {to} as the address instead.")]
    Redirected { server: String, to: String },
    #[error("{server} accepted the connection but did not answer the request ({detail}).")]
    NoAnswer { server: String, detail: String },
    #[error(
        "This address answers, but it is not a Parlor share-server ({answer}). Check the address: it must be the share-server's own, not another site's."
    )]
    NotShareServer { server: String, answer: String },
    #[error(
        "This Parlor share-server does not answer for the name {host}: use the address its admin gave (the one in the connect code), or ask the admin to add {host} to the server's allowed hosts."
    )]
    UnknownHost { host: String },
    #[error("{}", server_failed_sentence(server, request, *status))]
    ServerFailed {
        server: String,
        request: &'static str,
        status: u16,
    },
    #[error("{}", incompatible_sentence(server, problem))]
    Incompatible {
        server: String,
        problem: Incompatibility,
    },
    #[error(
        "The server refused the token ({}): it is wrong, or its user was revoked — ask the admin for a new connect code.",
        status_text(*status)
    )]
    TokenRefused { status: u16 },
    #[error(
        "This share-server accepts no anonymous shares, so publishing will need a token: paste the connect code the admin gave you."
    )]
    TokenRequired,
}

impl ConnectionError {
    /// Stable, machine-readable name of the failed step.
    pub fn code(&self) -> &'static str {
        match self {
            ConnectionError::InvalidUrl(_) => code::INVALID_URL,
            ConnectionError::InvalidToken => code::INVALID_TOKEN,
            ConnectionError::Dns { .. } => code::DNS,
            ConnectionError::Unreachable { .. } => code::UNREACHABLE,
            ConnectionError::Tls { .. } => code::TLS,
            ConnectionError::Redirected { .. } => code::REDIRECTED,
            ConnectionError::NoAnswer { .. } => code::NO_ANSWER,
            ConnectionError::NotShareServer { .. } => code::NOT_SHARE_SERVER,
            ConnectionError::UnknownHost { .. } => code::UNKNOWN_HOST,
            ConnectionError::ServerFailed { .. } => code::SERVER_ERROR,
            ConnectionError::Incompatible { .. } => code::INCOMPATIBLE_SERVER,
            ConnectionError::TokenRefused { .. } => code::TOKEN_REFUSED,
            ConnectionError::TokenRequired => code::TOKEN_REQUIRED,
        }
    }
}

/// What is wrong with the typed address itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("Enter the share-server's address, such as https://share.example.com.")]
    Empty,
    #[error(
        "This is a connect code, not an address: paste it as a connect code (it carries both the address and the token)."
    )]
    ConnectCode,
    #[error(
        "The address must start with https:// (or http:// for a server without TLS): add https://, as in {suggestion}."
    )]
    NoScheme { suggestion: String },
    #[error("The address must start with https:// or http://, not {scheme}://.")]
    WrongScheme { scheme: String },
    #[error(
        "This is not a valid address ({detail}). It should look like https://share.example.com."
    )]
    Malformed { detail: String },
    #[error("The address has no server name. It should look like https://share.example.com.")]
    NoHost,
    #[error(
        "The address must not contain a user name or password (the token is given separately): use {server}."
    )]
    Credentials { server: String },
    #[error("This is the link to one shared chat, not the share-server's address: use {server}.")]
    ShareLink { server: String },
    #[error(
        "The address must be the share-server's own address, without a path such as {path}: use {server}."
    )]
    Path { server: String, path: String },
    #[error("The address must not have a query (?…) or a fragment (#…): use {server}.")]
    QueryOrFragment { server: String },
}

/// Why a TCP connection could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreachable {
    Refused,
    TimedOut(Duration),
    /// Another network error, in the operating system's words.
    Other(String),
}

fn unreachable_sentence(host: &str, port: u16, reason: &Unreachable) -> String {
    match reason {
        Unreachable::Refused => format!(
            "Nothing answers on {host} port {port} (connection refused): the share-server is not running, or it listens on another port."
        ),
        Unreachable::TimedOut(limit) => format!(
            "Nothing answers on {host} port {port} (timed out after {} s): the server may be down, or a firewall drops the connection.",
            seconds(*limit)
        ),
        Unreachable::Other(detail) => format!(
            "{host} port {port} cannot be reached ({detail}): check this computer's network connection."
        ),
    }
}

/// What went wrong in the TLS handshake, certificate problems first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsProblem {
    /// Issued by an authority this computer does not trust.
    NotTrusted,
    /// Issued by itself.
    SelfSigned,
    Expired {
        on: Option<DateTime<Utc>>,
    },
    NotYetValid {
        from: Option<DateTime<Utc>>,
    },
    /// Valid, but for other names (those it names, when known).
    WrongName {
        names: Vec<String>,
    },
    Revoked,
    /// A certificate not meant for a web server (its key usage).
    NotForServers,
    /// Any other certificate defect, in rustls's words.
    BadCertificate {
        detail: String,
    },
    /// The port answers, but not with TLS; `answers_http` when it answers
    /// plain HTTP.
    NotTls {
        answers_http: bool,
    },
    /// The server ended the handshake with an alert or offered nothing this
    /// app accepts (old protocol versions or ciphers).
    Refused {
        detail: String,
    },
    /// The connection was closed during the handshake.
    Closed,
    TimedOut(Duration),
    /// The address says http://, but the port speaks TLS.
    HttpsExpected,
    /// TLS cannot be set up on this side: no trusted certificates could be
    /// loaded, or the host name is not one TLS accepts.
    Setup {
        detail: String,
    },
}

impl TlsProblem {
    /// Stable name of the problem, finer than the error's `tls` code.
    pub fn code(&self) -> &'static str {
        match self {
            TlsProblem::NotTrusted => "not_trusted",
            TlsProblem::SelfSigned => "self_signed",
            TlsProblem::Expired { .. } => "expired",
            TlsProblem::NotYetValid { .. } => "not_yet_valid",
            TlsProblem::WrongName { .. } => "wrong_name",
            TlsProblem::Revoked => "revoked",
            TlsProblem::NotForServers => "not_for_servers",
            TlsProblem::BadCertificate { .. } => "bad_certificate",
            TlsProblem::NotTls { .. } => "not_tls",
            TlsProblem::Refused { .. } => "handshake_refused",
            TlsProblem::Closed => "closed",
            TlsProblem::TimedOut(_) => "timed_out",
            TlsProblem::HttpsExpected => "https_expected",
            TlsProblem::Setup { .. } => "setup",
        }
    }

    fn sentence(&self, host: &str, port: u16) -> String {
        let certificate = format!("The certificate of {host}");
        match self {
            TlsProblem::NotTrusted => format!(
                "{certificate} is not trusted: it was issued by an authority this computer does not know. If the team has its own certificate authority, install it in this computer's trust store; otherwise the server needs a certificate from a public authority (Let's Encrypt, for instance)."
            ),
            TlsProblem::SelfSigned => format!(
                "{certificate} is self-signed, so it is not trusted by this computer. The server needs a certificate from a public authority (Let's Encrypt, for instance), or this certificate must be installed in this computer's trust store."
            ),
            TlsProblem::Expired { on } => format!(
                "{certificate} has expired{}: the admin needs to renew it.",
                on_date(" on", *on)
            ),
            TlsProblem::NotYetValid { from: Some(from) } => format!(
                "{certificate} is not valid before {}: check this computer's date and time.",
                from.format("%Y-%m-%d")
            ),
            TlsProblem::NotYetValid { from: None } => {
                format!("{certificate} is not valid yet: check this computer's date and time.")
            }
            TlsProblem::WrongName { names } if names.is_empty() => format!(
                "{certificate} is not valid for this host name: use the name the certificate was issued for, or ask the admin to fix the certificate."
            ),
            TlsProblem::WrongName { names } => format!(
                "{certificate} is not valid for this host name: it is for {}. Use that name, or ask the admin to fix the certificate.",
                names.join(", ")
            ),
            TlsProblem::Revoked => format!(
                "{certificate} has been revoked by its authority: the admin needs a new one."
            ),
            TlsProblem::NotForServers => format!(
                "{certificate} is not meant for a web server (its key usage forbids it): the admin needs a server certificate."
            ),
            TlsProblem::BadCertificate { detail } => {
                format!("{certificate} could not be verified ({detail}).")
            }
            TlsProblem::NotTls { answers_http: true } => format!(
                "The server does not speak TLS on this port — it answers plain HTTP: try http://{host}:{port}."
            ),
            TlsProblem::NotTls {
                answers_http: false,
            } => format!(
                "The server does not speak TLS on this port ({host} port {port} answers something else): check the port, or try http://{host}:{port}."
            ),
            TlsProblem::Refused { detail } => format!(
                "{host} refused the secure connection ({detail}): its TLS settings may be too old for this app, or it refuses this client."
            ),
            TlsProblem::Closed => format!(
                "{host} port {port} closed the connection during the TLS handshake: it may not speak TLS on this port (try http://{host}:{port}), or it refuses this client."
            ),
            TlsProblem::TimedOut(limit) => format!(
                "{host} port {port} accepted the connection but did not complete the TLS handshake within {} s: check the port, or try http://{host}:{port}.",
                seconds(*limit)
            ),
            TlsProblem::HttpsExpected => {
                format!("{host} port {port} speaks TLS, not plain HTTP: use https://{host}:{port}.")
            }
            TlsProblem::Setup { detail } => format!(
                "No secure connection to {host} can be set up from this computer ({detail})."
            ),
        }
    }
}

/// `5`, or `0.2` for the short limits of tests.
fn seconds(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        duration.as_secs().to_string()
    } else {
        format!("{:.1}", duration.as_secs_f32())
    }
}

fn on_date(prefix: &str, date: Option<DateTime<Utc>>) -> String {
    date.map(|d| format!("{prefix} {}", d.format("%Y-%m-%d")))
        .unwrap_or_default()
}

/// Why a Parlor share-server cannot serve this app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incompatibility {
    /// It predates `GET /api/v0/info`.
    TooOld,
    /// It accepts none of the snapshot versions this app writes.
    SchemaVersions { version: String, accepted: Vec<u32> },
}

fn incompatible_sentence(server: &str, problem: &Incompatibility) -> String {
    match problem {
        Incompatibility::TooOld => format!(
            "The Parlor share-server at {server} is too old for this app (it does not answer GET /api/v0/info): ask the admin to update it."
        ),
        Incompatibility::SchemaVersions { version, accepted } => {
            let ours = chat_core::SCHEMA_VERSION;
            let list = accepted
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let advice = if accepted.iter().all(|v| *v > ours) {
                "update Parlor"
            } else {
                "ask the admin to update the server"
            };
            format!(
                "The share-server at {server} (version {version}) accepts snapshot versions {list}, but this app writes version {ours}: {advice}."
            )
        }
    }
}

fn server_failed_sentence(server: &str, request: &str, status: u16) -> String {
    let status_text = status_text(status);
    match status {
        429 => format!(
            "The share-server at {server} is limiting requests right now ({status_text}): try again in a minute."
        ),
        500..=599 => format!(
            "The share-server at {server} failed ({status_text} to {request}): it may be starting, overloaded or misconfigured — try again later, or tell the admin."
        ),
        _ => format!(
            "The share-server at {server} answered {request} with {status_text}, which this app does not expect: it may be another version — tell the admin."
        ),
    }
}

/// `404 Not Found`: the number, which admins search for, and its name.
pub(super) fn status_text(status: u16) -> String {
    StatusCode::from_u16(status)
        .map(|s| s.to_string())
        .unwrap_or_else(|_| status.to_string())
}
