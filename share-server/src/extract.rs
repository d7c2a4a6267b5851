//! Extractors that turn bad requests into the error envelope: the snapshot
//! body (415 / 413 / 400 / 422), bearer and delete tokens, and the publisher
//! (auth + rate limits).

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};

use crate::clock::Clock;
use crate::error::Error;
use crate::ids::TokenHash;
use crate::protect::{Credentials, PASSWORD_HEADER, Password, UNLOCK_COOKIE_PREFIX};
use crate::rate_limit::{self, Action, RateLimits};
use crate::settings::Settings;
use crate::shares::Upload;
use crate::store::{Store, User};
use crate::users;

/// The body types a route takes, as a 415's message names them.
const JSON_BODY: &str = "JSON (`Content-Type: application/json`)";
const FORM_BODY: &str = "form-encoded (`Content-Type: application/x-www-form-urlencoded`)";

/// The header that carries a share's delete token on DELETE.
pub const DELETE_TOKEN_HEADER: &str = "x-delete-token";

/// A snapshot body: `Content-Type: application/json`, within the body limit,
/// parsed and validated by `chat_core::parse_snapshot`, with the exact bytes
/// kept for storing verbatim.
#[derive(Debug)]
pub struct SnapshotBody(pub Upload);

impl<S> FromRequest<S> for SnapshotBody
where
    S: Send + Sync,
    Arc<Settings>: FromRef<S>,
    Clock: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = Arc::<Settings>::from_ref(state).body_limit;
        let now = Clock::from_ref(state).now();
        if !is_json(request.headers()) {
            return Err(Error::UnsupportedMediaType(JSON_BODY));
        }
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(Error::PayloadTooLarge { limit });
        }
        let bytes = read_limited(request, limit).await?;
        let upload = parse(bytes, now).await?;
        Ok(SnapshotBody(upload))
    }
}

/// `application/json`, optionally with parameters (`; charset=utf-8`).
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or_default().trim())
        .is_some_and(|essence| essence.eq_ignore_ascii_case("application/json"))
}

/// Reads the body, refusing it as soon as it passes `limit` (chunked
/// uploads announce no length).
async fn read_limited(request: Request, limit: usize) -> Result<Vec<u8>, Error> {
    let mut stream = request.into_body().into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk: Bytes = chunk.map_err(|_| Error::BodyRead)?;
        if bytes.len() + chunk.len() > limit {
            return Err(Error::PayloadTooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Parsing and validating a large snapshot takes a while: keep it off the
/// async workers.
async fn parse(bytes: Vec<u8>, now: DateTime<Utc>) -> Result<Upload, Error> {
    const INLINE_LIMIT: usize = 64 * 1024;
    if bytes.len() <= INLINE_LIMIT {
        let parsed = chat_core::parse_snapshot(&bytes, now)?;
        return Upload::new(bytes, parsed);
    }
    tokio::task::spawn_blocking(move || {
        let parsed = chat_core::parse_snapshot(&bytes, now)?;
        Upload::new(bytes, parsed)
    })
    .await
    .map_err(|e| Error::Internal(format!("validation task failed: {e}")))?
}

/// The token of an `Authorization: Bearer <token>` header, if any. A header
/// with another scheme counts as an invalid token.
#[derive(Debug)]
pub struct Bearer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Bearer(None));
        };
        let value = value.to_str().map_err(|_| Error::InvalidToken)?;
        let (scheme, token) = value.trim().split_once(' ').ok_or(Error::InvalidToken)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(Error::InvalidToken);
        }
        Ok(Bearer(Some(token.trim().to_owned())))
    }
}

/// The `X-Delete-Token` header, if any.
#[derive(Debug)]
pub struct DeleteToken(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for DeleteToken {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(DeleteToken(
            parts
                .headers
                .get(DELETE_TOKEN_HEADER)
                .and_then(|value| value.to_str().ok())
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty()),
        ))
    }
}

/// Who publishes: a user, or nobody when anonymous publishing is allowed.
/// Checks the rate limits first — per client IP, then per presented token —
/// so floods and token guessing are both throttled before any lookup.
#[derive(Debug)]
pub struct Publisher(pub Option<User>);

impl<S> FromRequestParts<S> for Publisher
where
    S: Send + Sync,
    Store: FromRef<S>,
    Arc<Settings>: FromRef<S>,
    Arc<RateLimits>: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = throttled_bearer(parts, state, Action::Publish).await?;
        match token {
            Some(token) => {
                let store = Store::from_ref(state);
                Ok(Publisher(Some(
                    users::authenticate(store.as_ref(), &token).await?,
                )))
            }
            None if Arc::<Settings>::from_ref(state).allow_anonymous => Ok(Publisher(None)),
            None => Err(Error::Unauthorized),
        }
    }
}

/// Checks the rate limits of `action` — per client IP, then per presented
/// bearer token — and returns that token.
async fn throttled_bearer<S>(
    parts: &mut Parts,
    state: &S,
    action: Action,
) -> Result<Option<String>, Error>
where
    S: Send + Sync,
    Arc<Settings>: FromRef<S>,
    Arc<RateLimits>: FromRef<S>,
{
    let settings = Arc::<Settings>::from_ref(state);
    let limits = Arc::<RateLimits>::from_ref(state);
    if let Some(ip) = rate_limit::client_ip(parts, settings.trust_forwarded_for) {
        limits.check_ip(action, ip)?;
    }
    let Bearer(token) = Bearer::from_request_parts(parts, state).await?;
    if let Some(token) = &token {
        limits.check_token(action, &TokenHash::of(token))?;
    }
    Ok(token)
}

/// The caller of the share list: rate-limited like publishing (its own
/// budget), then authenticated (401 without a valid token).
#[derive(Debug)]
pub struct Lister(pub User);

impl<S> FromRequestParts<S> for Lister
where
    S: Send + Sync,
    Store: FromRef<S>,
    Arc<Settings>: FromRef<S>,
    Arc<RateLimits>: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = throttled_bearer(parts, state, Action::List)
            .await?
            .ok_or(Error::Unauthorized)?;
        let store = Store::from_ref(state);
        Ok(Lister(users::authenticate(store.as_ref(), &token).await?))
    }
}

/// The credentials of a DELETE — bearer token and `X-Delete-Token` — after
/// the rate limits of revoking: per client IP, then per token presented
/// (either kind).
#[derive(Debug)]
pub struct RevokeCredentials {
    pub bearer: Option<String>,
    pub delete_token: Option<String>,
}

impl<S> FromRequestParts<S> for RevokeCredentials
where
    S: Send + Sync,
    Arc<Settings>: FromRef<S>,
    Arc<RateLimits>: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let bearer = throttled_bearer(parts, state, Action::Revoke).await?;
        let DeleteToken(delete_token) = DeleteToken::from_request_parts(parts, state).await?;
        if let Some(token) = &delete_token {
            Arc::<RateLimits>::from_ref(state)
                .check_token(Action::Revoke, &TokenHash::of(token))?;
        }
        Ok(RevokeCredentials {
            bearer,
            delete_token,
        })
    }
}

/// The single path parameter of a share route. A parameter that cannot even
/// be decoded (invalid UTF-8) is as unknown as any other malformed id: 404.
#[derive(Debug)]
pub struct ShareIdParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ShareIdParam {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(param)| ShareIdParam(param))
            .map_err(|_| Error::NotFound)
    }
}

/// The path of a share's file: `{shareId}` and `{sha256}`. A path that
/// does not parse is 404, as for an unknown share.
#[derive(Debug)]
pub struct FileParams {
    pub share_id: String,
    pub sha256: String,
}

impl<S: Send + Sync> FromRequestParts<S> for FileParams {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path((share_id, sha256))| FileParams { share_id, sha256 })
            .map_err(|_| Error::NotFound)
    }
}

impl utoipa::IntoParams for FileParams {
    fn into_params(in_path: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = ShareIdParam::into_params(in_path);
        params.push(
            ParameterBuilder::new()
                .name("sha256")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some("SHA-256 of the file, 64 lowercase hex digits"))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some("^[0-9a-f]{64}$")),
                ))
                .build(),
        );
        params
    }
}

/// How the document states the parameter: `shareId` in the path.
impl utoipa::IntoParams for ShareIdParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let parameter = ParameterBuilder::new()
            .name("shareId")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("22 base62 characters"))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)));
        vec![parameter.build()]
    }
}

/// The `X-Share-Password` header of a publish, checked (400
/// `invalid_password` for an empty, oversized or control-laden one).
#[derive(Debug)]
pub struct SharePassword(pub Option<Password>);

impl<S: Send + Sync> FromRequestParts<S> for SharePassword {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        password_header(parts).map(SharePassword)
    }
}

fn password_header(parts: &Parts) -> Result<Option<Password>, Error> {
    parts
        .headers
        .get(PASSWORD_HEADER)
        .map(|value| Password::parse(value.as_bytes()))
        .transpose()
}

/// What a reader of a share presents to the password step of the gate: the
/// `X-Share-Password` header, its `share_unlock_…` cookies and its address.
#[derive(Debug)]
pub struct ReaderCredentials(pub Credentials);

impl<S> FromRequestParts<S> for ReaderCredentials
where
    S: Send + Sync,
    Arc<Settings>: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let settings = Arc::<Settings>::from_ref(state);
        Ok(ReaderCredentials(Credentials {
            password: password_header(parts)?,
            cookies: unlock_cookies(parts),
            client: rate_limit::client_ip(parts, settings.trust_forwarded_for),
        }))
    }
}

/// Name and value of every `share_unlock_…` cookie the request carries.
fn unlock_cookies(parts: &Parts) -> Vec<(String, String)> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| name.starts_with(UNLOCK_COOKIE_PREFIX))
        .map(|(name, value)| (name.to_owned(), value.trim_matches('"').to_owned()))
        .collect()
}

/// The unlock form: its body, `application/x-www-form-urlencoded` with a
/// `password` field (absent: `None`; not a password: 400
/// `invalid_password`), and the client's address (for the guess limits).
#[derive(Debug)]
pub struct UnlockForm {
    pub password: Option<Password>,
    pub client: Option<IpAddr>,
}

/// Largest unlock form body: a 1024-byte password, every byte percent-encoded.
const UNLOCK_FORM_LIMIT: usize = 4 * 1024;

impl<S> FromRequest<S> for UnlockForm
where
    S: Send + Sync,
    Arc<Settings>: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let settings = Arc::<Settings>::from_ref(state);
        let (parts, body) = request.into_parts();
        let client = rate_limit::client_ip(&parts, settings.trust_forwarded_for);
        let request = Request::from_parts(parts, body);
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.split(';').next().unwrap_or_default().trim())
            .is_some_and(|essence| {
                essence.eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !is_form {
            return Err(Error::UnsupportedMediaType(FORM_BODY));
        }
        let body = read_limited(request, UNLOCK_FORM_LIMIT).await?;
        let password = form_urlencoded::parse(&body)
            .find(|(name, _)| name == "password")
            .map(|(_, value)| Password::parse(value.as_bytes()))
            .transpose()?;
        Ok(UnlockForm { password, client })
    }
}

/// How the document states the `X-Share-Password` header of a read.
pub struct SharePasswordHeader;

impl utoipa::IntoParams for SharePasswordHeader {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let parameter = ParameterBuilder::new()
            .name("X-Share-Password")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "The share's password, for a password-protected share (1–1024 bytes of \
                 UTF-8, no control characters). A browser that sent the page's unlock form \
                 carries a `share_unlock_{shareId}` cookie instead.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(1024))
                    .pattern(Some(crate::protect::PASSWORD_PATTERN)),
            ));
        vec![parameter.build()]
    }
}
