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
        let limit = Arc::<Settings>::from_ref(state).config.body_limit;
        let now = Clock::from_ref(state).now();
        if !has_content_type(request.headers(), "application/json") {
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

/// Whether the `Content-Type` is `essence`, optionally with parameters
/// (`; charset=utf-8`).
fn has_content_type(headers: &axum::http::HeaderMap, essence: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or_default().trim())
        .is_some_and(|given| given.eq_ignore_ascii_case(essence))
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

/// What the extractors of the gates (who may publish, list, revoke or read)
/// draw from the state: the store, the settings and the rate limits. Every
/// state that yields the three has it.
pub trait GateState: Send + Sync {
    fn store(&self) -> Store;
    fn settings(&self) -> Arc<Settings>;
    fn rate_limits(&self) -> Arc<RateLimits>;
}

impl<S> GateState for S
where
    S: Send + Sync,
    Store: FromRef<S>,
    Arc<Settings>: FromRef<S>,
    Arc<RateLimits>: FromRef<S>,
{
    fn store(&self) -> Store {
        Store::from_ref(self)
    }

    fn settings(&self) -> Arc<Settings> {
        Arc::<Settings>::from_ref(self)
    }

    fn rate_limits(&self) -> Arc<RateLimits> {
        Arc::<RateLimits>::from_ref(self)
    }
}

/// Who publishes: a user, or nobody when anonymous publishing is allowed.
/// Checks the rate limits first — per client IP, then per presented token —
/// so floods and token guessing are both throttled before any lookup.
#[derive(Debug)]
pub struct Publisher(pub Option<User>);

impl<S: GateState> FromRequestParts<S> for Publisher {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match throttled_user(parts, state, Action::Publish).await? {
            Some(user) => Ok(Publisher(Some(user))),
            None if state.settings().config.allow_anonymous => Ok(Publisher(None)),
            None => Err(Error::Unauthorized),
        }
    }
}

/// The caller of the share list: rate-limited like publishing (its own
/// budget), then authenticated (401 without a valid token).
#[derive(Debug)]
pub struct Lister(pub User);

impl<S: GateState> FromRequestParts<S> for Lister {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = throttled_user(parts, state, Action::List).await?;
        user.map(Lister).ok_or(Error::Unauthorized)
    }
}

/// Checks the rate limits of `action` — per client IP, then per presented
/// bearer token — and returns that token.
async fn throttled_bearer(
    parts: &mut Parts,
    state: &impl GateState,
    action: Action,
) -> Result<Option<String>, Error> {
    let limits = state.rate_limits();
    if let Some(ip) = rate_limit::client_ip(parts, state.settings().config.trust_forwarded_for) {
        limits.check_ip(action, ip)?;
    }
    let Bearer(token) = Bearer::from_request_parts(parts, state).await?;
    if let Some(token) = &token {
        limits.check_token(action, &TokenHash::of(token))?;
    }
    Ok(token)
}

/// The user of the bearer token presented, after the rate limits of
/// `action`; `None` without a token, 401 for a token of nobody.
async fn throttled_user(
    parts: &mut Parts,
    state: &impl GateState,
    action: Action,
) -> Result<Option<User>, Error> {
    let Some(token) = throttled_bearer(parts, state, action).await? else {
        return Ok(None);
    };
    let user = users::authenticate(state.store().as_ref(), &token).await?;
    Ok(Some(user))
}

/// The credentials of a DELETE — bearer token and `X-Delete-Token` — after
/// the rate limits of revoking: per client IP, then per token presented
/// (either kind).
#[derive(Debug)]
pub struct RevokeCredentials {
    pub bearer: Option<String>,
    pub delete_token: Option<String>,
}

impl<S: GateState> FromRequestParts<S> for RevokeCredentials {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let bearer = throttled_bearer(parts, state, Action::Revoke).await?;
        let DeleteToken(delete_token) = DeleteToken::from_request_parts(parts, state).await?;
        if let Some(token) = &delete_token {
            state
                .rate_limits()
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
        path_or_not_found(parts, state).await.map(ShareIdParam)
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
        let (share_id, sha256) = path_or_not_found(parts, state).await?;
        Ok(FileParams { share_id, sha256 })
    }
}

/// The path parameters of a share route; a path that does not parse is
/// 404, as for an unknown share.
async fn path_or_not_found<T, S>(parts: &mut Parts, state: &S) -> Result<T, Error>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    let axum::extract::Path(params) = axum::extract::Path::<T>::from_request_parts(parts, state)
        .await
        .map_err(|_| Error::NotFound)?;
    Ok(params)
}

impl utoipa::IntoParams for FileParams {
    fn into_params(in_path: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = ShareIdParam::into_params(in_path);
        params.push(string_parameter(
            "sha256",
            ParameterIn::Path,
            "SHA-256 of the file, 64 lowercase hex digits",
            ObjectBuilder::new().pattern(Some("^[0-9a-f]{64}$")),
        ));
        params
    }
}

/// How the document states the parameter: `shareId` in the path.
impl utoipa::IntoParams for ShareIdParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![string_parameter(
            "shareId",
            ParameterIn::Path,
            "22 base62 characters",
            ObjectBuilder::new(),
        )]
    }
}

/// A string parameter as the document states it: `schema` typed as a
/// string, required in the path, optional elsewhere.
fn string_parameter(
    name: &str,
    place: ParameterIn,
    description: &str,
    schema: ObjectBuilder,
) -> Parameter {
    let required = if place == ParameterIn::Path {
        Required::True
    } else {
        Required::False
    };
    ParameterBuilder::new()
        .name(name)
        .parameter_in(place)
        .required(required)
        .description(Some(description))
        .schema(Some(schema.schema_type(Type::String)))
        .build()
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

impl<S: GateState> FromRequestParts<S> for ReaderCredentials {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(ReaderCredentials(Credentials {
            password: password_header(parts)?,
            cookies: unlock_cookies(parts),
            client: rate_limit::client_ip(parts, state.settings().config.trust_forwarded_for),
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

impl<S: GateState> FromRequest<S> for UnlockForm {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let client = rate_limit::client_ip(&parts, state.settings().config.trust_forwarded_for);
        let request = Request::from_parts(parts, body);
        if !has_content_type(request.headers(), "application/x-www-form-urlencoded") {
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
        vec![string_parameter(
            "X-Share-Password",
            ParameterIn::Header,
            "The share's password, for a password-protected share (1–1024 bytes of \
             UTF-8, no control characters). A browser that sent the page's unlock form \
             carries a `share_unlock_{shareId}` cookie instead.",
            ObjectBuilder::new()
                .min_length(Some(1))
                .max_length(Some(1024))
                .pattern(Some(crate::protect::PASSWORD_PATTERN)),
        )]
    }
}
