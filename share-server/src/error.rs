//! The crate's one error type and its single mapping to an HTTP status and
//! the JSON envelope. 5xx details go to the log, never to the client.

use std::time::Duration;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chat_core::SnapshotError;
use serde::Serialize;

use crate::ids::RandomError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No `Authorization: Bearer` token where one is required.
    #[error("this endpoint requires an `Authorization: Bearer <token>` header")]
    Unauthorized,
    /// A token that is unknown, malformed or revoked.
    #[error("the token is invalid or has been revoked")]
    InvalidToken,
    /// Unknown or malformed share id, or a DELETE the caller may not make.
    #[error("no such share")]
    NotFound,
    /// An expired or revoked share.
    #[error("this share has expired or was revoked")]
    Gone,
    /// A password-protected share read without its password (or unlock cookie).
    #[error("this share is protected by a password: send it in `X-Share-Password`")]
    PasswordRequired,
    /// A password-protected share read with a wrong password.
    #[error("wrong password for this share")]
    WrongPassword,
    /// An `X-Share-Password` (or form password) that cannot be a password.
    #[error("invalid `X-Share-Password`: use 1–1024 bytes of UTF-8 without control characters")]
    InvalidPassword,
    /// A share opened as many times as its view limit allows.
    #[error("this share has been opened as many times as it allows")]
    ViewLimitReached,
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// A body of another type than the route takes (the one it takes, as
    /// the message names it).
    #[error("the request body must be {0}")]
    UnsupportedMediaType(&'static str),
    /// The snapshot failed to parse or validate.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// A bad query-string parameter.
    #[error("invalid `{field}`: {message}")]
    InvalidQuery {
        field: &'static str,
        message: String,
    },
    /// The request body could not be read (the client went away or sent garbage).
    #[error("could not read the request body")]
    BodyRead,
    #[error("too many requests; retry in {} s", retry_after_secs(*.retry_after))]
    RateLimited { retry_after: Duration },
    #[error("the request took too long")]
    Timeout,
    #[error("the path was not found")]
    RouteNotFound,
    /// A request for a host the server does not answer for (the host as
    /// shown to the client), or naming none.
    #[error("{}", unknown_host_message(.0.as_deref()))]
    UnknownHost(Option<String>),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// `user add` with a name that exists.
    #[error("a user named `{0}` already exists")]
    UserExists(String),
    /// `user revoke` of an unknown or already revoked user.
    #[error("no active user named `{0}`")]
    UnknownUser(String),
    #[error("invalid user name `{0}`: use 1–64 letters, digits, `.`, `_`, `-` or `@`")]
    InvalidUserName(String),
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

fn unknown_host_message(host: Option<&str>) -> String {
    match host {
        Some(host) => format!("this server does not answer for the host `{host}`"),
        None => "this server answers only requests that name one of its hosts in one `Host` header"
            .to_owned(),
    }
}

fn retry_after_secs(wait: Duration) -> u64 {
    // Round up: retrying a fraction of a second early would be refused again.
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// `{"success": true, "data": …}`
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Success<T> {
    /// Always `true`.
    pub success: bool,
    pub data: T,
}

impl<T> Success<T> {
    pub fn new(data: T) -> Self {
        Self {
            success: true,
            data,
        }
    }
}

/// `{"success": false, "error": {…}}`
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Failure {
    /// Always `false`.
    pub success: bool,
    pub error: ErrorBody,
}

/// What went wrong, for programs (`code`) and people (`message`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `invalid_snapshot`.
    pub code: &'static str,
    pub message: String,
    /// JSON path of the field at fault, e.g. `messages[2].usage.outputTokens`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every problem found, for `invalid_snapshot`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<chat_core::FieldError>>,
}

impl Error {
    /// Status and machine-readable code: the one place errors meet HTTP.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Error::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Error::InvalidToken => (StatusCode::UNAUTHORIZED, "invalid_token"),
            Error::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Error::Gone => (StatusCode::GONE, "gone"),
            Error::PasswordRequired => (StatusCode::UNAUTHORIZED, "password_required"),
            Error::WrongPassword => (StatusCode::UNAUTHORIZED, "wrong_password"),
            Error::InvalidPassword => (StatusCode::BAD_REQUEST, "invalid_password"),
            Error::ViewLimitReached => (StatusCode::GONE, "view_limit_reached"),
            Error::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Error::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            Error::Snapshot(error) => match error {
                SnapshotError::TooLarge { .. }
                | SnapshotError::TooLargeWithoutAttachments { .. } => {
                    (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
                }
                SnapshotError::InvalidUtf8 { .. } => (StatusCode::BAD_REQUEST, "invalid_utf8"),
                SnapshotError::Json { .. } => (StatusCode::BAD_REQUEST, "invalid_json"),
                SnapshotError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_snapshot"),
            },
            Error::InvalidQuery { .. } => (StatusCode::BAD_REQUEST, "invalid_query"),
            Error::BodyRead => (StatusCode::BAD_REQUEST, "body_read_failed"),
            Error::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            Error::Timeout => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            Error::RouteNotFound => (StatusCode::NOT_FOUND, "route_not_found"),
            Error::UnknownHost(_) => (StatusCode::MISDIRECTED_REQUEST, "unknown_host"),
            Error::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Error::UserExists(_) => (StatusCode::CONFLICT, "user_exists"),
            Error::UnknownUser(_) => (StatusCode::NOT_FOUND, "unknown_user"),
            Error::InvalidUserName(_) => (StatusCode::BAD_REQUEST, "invalid_user_name"),
            Error::Store(StoreError::Unavailable(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            }
            Error::Config(_)
            | Error::Store(_)
            | Error::Random(_)
            | Error::Io(_)
            | Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    fn field(&self) -> Option<String> {
        match self {
            Error::Snapshot(error) => error.field().map(str::to_owned),
            Error::InvalidQuery { field, .. } => Some((*field).to_owned()),
            Error::InvalidPassword => Some("X-Share-Password".to_owned()),
            _ => None,
        }
    }

    /// The envelope for this error (5xx: a generic message, details logged).
    pub fn to_failure(&self) -> (StatusCode, Failure) {
        let (status, code) = self.status_and_code();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            match status {
                StatusCode::SERVICE_UNAVAILABLE => "the service is temporarily unavailable",
                _ => "internal server error",
            }
            .to_owned()
        } else {
            self.to_string()
        };
        let details = match self {
            Error::Snapshot(SnapshotError::Invalid(errors)) => Some(errors.errors().to_vec()),
            _ => None,
        };
        let failure = Failure {
            success: false,
            error: ErrorBody {
                code,
                message,
                field: self.field(),
                details,
            },
        };
        (status, failure)
    }
}

impl Error {
    /// The whole seconds a client should wait, for a rate limit (at least 1).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Error::RateLimited { retry_after } => Some(retry_after_secs(*retry_after).max(1)),
            _ => None,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, failure) = self.to_failure();
        let mut response = (status, Json(failure)).into_response();
        let headers = response.headers_mut();
        match &self {
            Error::Unauthorized | Error::InvalidToken => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            // About a protected share: no shared cache may keep the answer.
            Error::PasswordRequired | Error::WrongPassword | Error::InvalidPassword => {
                headers.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                );
            }
            Error::RateLimited { .. } => {
                if let Some(seconds) = self.retry_after_secs() {
                    headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_hide_their_details() {
        let (status, failure) = Error::Store(StoreError::Database(
            "disk I/O error at /secret/path".into(),
        ))
        .to_failure();
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!failure.error.message.contains("secret"));
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
    }
}
