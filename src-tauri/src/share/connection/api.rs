//! The HTTP steps, over the app's own client: is this a Parlor share-server
//! this app can publish to (`GET /api/v0/info`), and does it take the token
//! (`GET /api/v0/shared-chats?limit=1`, which answers only to a valid one).

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Response, Url};
use serde::Deserialize;
use serde_json::Value;

use super::ServerInfo;
use super::address::ServerAddress;
use super::error::{ConnectionError, Incompatibility, status_text};
use crate::providers::http::error_chain;
use crate::share::api::API_PATH;

/// Where a share-server describes itself.
pub(super) const INFO_PATH: &str = "/api/v0/info";

/// The most of an answer read: the info is a few hundred bytes, and an
/// error page is not worth more.
const MAX_BODY: usize = 256 * 1024;

/// How an HTTP step failed.
#[derive(Debug)]
pub(super) enum HttpFailure {
    /// No HTTP answer at all, in reqwest's words.
    Transport { detail: String },
    /// An answer that names the problem.
    Answer(ConnectionError),
}

impl HttpFailure {
    pub fn into_error(self, address: &ServerAddress) -> ConnectionError {
        match self {
            HttpFailure::Transport { detail } => ConnectionError::NoAnswer {
                server: address.base.clone(),
                detail,
            },
            HttpFailure::Answer(error) => error,
        }
    }
}

fn transport(error: reqwest::Error) -> HttpFailure {
    let detail = if error.is_timeout() {
        "no answer in time".to_owned()
    } else {
        error_chain(&error)
    };
    HttpFailure::Transport { detail }
}

/// What the server says it is, when it is a Parlor share-server.
pub(super) async fn fetch_info(
    client: &reqwest::Client,
    address: &ServerAddress,
    limit: std::time::Duration,
) -> Result<ServerInfo, HttpFailure> {
    let response = client
        .get(format!("{}{INFO_PATH}", address.base))
        .header(ACCEPT, "application/json")
        .timeout(limit)
        .send()
        .await
        .map_err(transport)?;
    if let Some(error) = redirection(address, response.url(), INFO_PATH) {
        return Err(HttpFailure::Answer(error));
    }
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = read_limited(response).await.map_err(transport)?;
    read_info(address, status, content_type.as_deref(), &body).map_err(HttpFailure::Answer)
}

/// Whether the server accepts `token`.
pub(super) async fn check_token(
    client: &reqwest::Client,
    address: &ServerAddress,
    token: &str,
    limit: std::time::Duration,
) -> Result<(), HttpFailure> {
    let response = client
        .get(format!("{}{API_PATH}?limit=1", address.base))
        .header(ACCEPT, "application/json")
        .bearer_auth(token)
        .timeout(limit)
        .send()
        .await
        .map_err(transport)?;
    token_verdict(&address.base, response.status().as_u16()).map_err(HttpFailure::Answer)
}

/// A request that ended elsewhere: the same path on another origin means the
/// server moved (typically http:// to https://), and the app must use the new
/// address — POSTs are not redirected as GETs are. Any other page (a login
/// page, say) is not the share-server.
fn redirection(address: &ServerAddress, reached: &Url, path: &str) -> Option<ConnectionError> {
    let origin = reached.origin().ascii_serialization();
    if reached.path() != path {
        return Some(ConnectionError::NotShareServer {
            server: address.base.clone(),
            answer: format!("GET {path} is redirected to another page"),
        });
    }
    (origin != address.base).then(|| ConnectionError::Redirected {
        server: address.base.clone(),
        to: origin,
    })
}

async fn read_limited(mut response: Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_BODY - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == MAX_BODY {
            break;
        }
    }
    Ok(body)
}

#[derive(Deserialize)]
struct Envelope {
    success: bool,
    data: Option<ServerInfo>,
}

/// The answer to `GET /api/v0/info`, judged.
pub(super) fn read_info(
    address: &ServerAddress,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<ServerInfo, ConnectionError> {
    let server = address.base.as_str();
    let not_share_server = |answer: String| ConnectionError::NotShareServer {
        server: server.to_owned(),
        answer: format!("GET {INFO_PATH} {answer}"),
    };
    match (status, parlor_refusal(body).as_deref()) {
        (200..=299, _) => {}
        (500..=599, _) => {
            return Err(ConnectionError::ServerFailed {
                server: server.to_owned(),
                request: "GET /api/v0/info",
                status,
            });
        }
        (421, Some("unknown_host")) => {
            return Err(ConnectionError::UnknownHost {
                host: address.host.clone(),
            });
        }
        // A Parlor share-server's own refusal: one from before this endpoint.
        (404, Some(_)) => {
            return Err(ConnectionError::Incompatible {
                server: server.to_owned(),
                problem: Incompatibility::TooOld,
            });
        }
        _ => {
            return Err(not_share_server(format!(
                "returned {}",
                status_text(status)
            )));
        }
    }
    let error = match serde_json::from_slice::<Envelope>(body) {
        Ok(Envelope {
            success: true,
            data: Some(info),
        }) => return check_schema(server, info),
        Ok(_) => None,
        Err(error) => Some(error),
    };
    let looks_like_html = content_type.is_some_and(|t| t.starts_with("text/html"))
        || body.trim_ascii_start().starts_with(b"<");
    let answer = match serde_json::from_slice::<Value>(body) {
        _ if looks_like_html => {
            "returned a web page (HTML), not the share-server's JSON".to_owned()
        }
        Ok(value) if value.get("success") == Some(&Value::Bool(true)) => format!(
            "answered without the expected fields{}",
            error.map(|e| format!(": {e}")).unwrap_or_default()
        ),
        Ok(_) => "returned JSON that is not a Parlor share-server's".to_owned(),
        Err(_) => "returned something that is not JSON".to_owned(),
    };
    Err(not_share_server(answer))
}

/// The `code` of `{"success": false, "error": {"code": …}}`, the envelope of
/// every Parlor share-server refusal.
fn parlor_refusal(body: &[u8]) -> Option<String> {
    let value = serde_json::from_slice::<Value>(body).ok()?;
    if value.get("success") != Some(&Value::Bool(false)) {
        return None;
    }
    value.pointer("/error/code")?.as_str().map(str::to_owned)
}

/// The server must accept the snapshot version this app writes.
fn check_schema(server: &str, info: ServerInfo) -> Result<ServerInfo, ConnectionError> {
    if info.schema_versions.contains(&chat_core::SCHEMA_VERSION) {
        Ok(info)
    } else {
        Err(ConnectionError::Incompatible {
            server: server.to_owned(),
            problem: Incompatibility::SchemaVersions {
                version: info.version,
                accepted: info.schema_versions,
            },
        })
    }
}

/// The answer to the token check, judged.
pub(super) fn token_verdict(server: &str, status: u16) -> Result<(), ConnectionError> {
    match status {
        200..=299 => Ok(()),
        401 | 403 => Err(ConnectionError::TokenRefused { status }),
        _ => Err(ConnectionError::ServerFailed {
            server: server.to_owned(),
            request: "GET /api/v0/shared-chats",
            status,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: &str = "https://share.example.com";

    fn read(
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<ServerInfo, ConnectionError> {
        read_info(
            &ServerAddress::parse(SERVER).unwrap(),
            status,
            content_type,
            body,
        )
    }

    fn info_json(schema_versions: &str) -> String {
        format!(
            r#"{{"success":true,"data":{{"name":"Team shares","version":"0.1.0","schemaVersions":{schema_versions},"maxExpirySeconds":86400,"defaultExpirySeconds":null,"allowAnonymous":false,"publicUrl":"https://share.example.com","extra":"ignored"}}}}"#
        )
    }

    #[test]
    fn the_info_of_a_share_server_is_read() {
        let info = read(
            200,
            Some("application/json"),
            info_json("[1, 2]").as_bytes(),
        )
        .unwrap();
        assert_eq!(
            info,
            ServerInfo {
                name: "Team shares".into(),
                version: "0.1.0".into(),
                schema_versions: vec![1, 2],
                max_expiry_seconds: Some(86400),
                default_expiry_seconds: None,
                allow_anonymous: false,
                public_url: "https://share.example.com".into(),
            }
        );
    }

    #[test]
    fn other_answers_are_not_a_share_server() {
        let cases: [(u16, Option<&str>, &str, &str); 6] = [
            (
                404,
                Some("text/html"),
                "<h1>Not found</h1>",
                "returned 404 Not Found",
            ),
            (401, None, "", "returned 401 Unauthorized"),
            (
                200,
                Some("text/html; charset=utf-8"),
                "<!doctype html>",
                "web page (HTML)",
            ),
            (
                200,
                Some("application/json"),
                r#"{"status":"ok"}"#,
                "JSON that is not",
            ),
            (200, Some("text/plain"), "hello", "not JSON"),
            (
                200,
                None,
                r#"{"success":true,"data":{"name":"x"}}"#,
                "without the expected fields: missing field",
            ),
        ];
        for (status, content_type, body, expected) in cases {
            let error = read(status, content_type, body.as_bytes()).unwrap_err();
            assert_eq!(error.code(), "not_share_server", "{body}");
            let message = error.to_string();
            assert!(
                message.starts_with(
                    "This address answers, but it is not a Parlor share-server (GET /api/v0/info "
                ),
                "{message}"
            );
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn failures_and_old_or_incompatible_servers_are_told_apart() {
        let newer = info_json("[7, 8]");
        let older = info_json("[1]");
        let cases = [
            (
                502,
                Some("text/html"),
                "<html>",
                "server_error",
                "failed (502 Bad Gateway",
            ),
            (
                404,
                Some("application/json"),
                r#"{"success":false,"error":{"code":"not_found","message":"no such route"}}"#,
                "incompatible_server",
                "too old for this app",
            ),
            (
                421,
                Some("application/json"),
                r#"{"success":false,"error":{"code":"unknown_host","message":"no"}}"#,
                "unknown_host",
                "does not answer for the name share.example.com",
            ),
            (
                200,
                None,
                &newer,
                "incompatible_server",
                "(version 0.1.0) accepts snapshot versions 7, 8, but this app writes version 2: update Parlor.",
            ),
            (
                200,
                None,
                &older,
                "incompatible_server",
                "(version 0.1.0) accepts snapshot versions 1, but this app writes version 2: ask the admin to update the server.",
            ),
        ];
        for (status, content_type, body, code, sentence) in cases {
            let error = read(status, content_type, body.as_bytes()).unwrap_err();
            assert_eq!(error.code(), code, "{error}");
            let message = error.to_string();
            assert!(message.contains(sentence), "{message}");
        }
    }

    #[test]
    fn token_answers_are_judged() {
        assert_eq!(token_verdict(SERVER, 200), Ok(()));
        for status in [401, 403] {
            assert_eq!(
                token_verdict(SERVER, status),
                Err(ConnectionError::TokenRefused { status })
            );
        }
        let limited = token_verdict(SERVER, 429).unwrap_err().to_string();
        assert!(limited.contains("limiting requests"), "{limited}");
        let unexpected = token_verdict(SERVER, 404).unwrap_err().to_string();
        assert!(
            unexpected.contains("answered GET /api/v0/shared-chats with 404 Not Found"),
            "{unexpected}"
        );
    }

    #[test]
    fn a_redirect_names_the_new_address() {
        let address = ServerAddress::parse("http://share.example.com").unwrap();
        let moved = Url::parse("https://share.example.com/api/v0/info").unwrap();
        assert_eq!(
            redirection(&address, &moved, INFO_PATH),
            Some(ConnectionError::Redirected {
                server: "http://share.example.com".into(),
                to: "https://share.example.com".into(),
            })
        );
        let same = Url::parse("http://share.example.com:80/api/v0/info").unwrap();
        assert_eq!(redirection(&address, &same, INFO_PATH), None);
        let login = Url::parse("https://sso.example.com/login?next=x").unwrap();
        assert_eq!(
            redirection(&address, &login, INFO_PATH).map(|e| e.code()),
            Some("not_share_server")
        );
    }
}
