//! `/api/v0/shared-chats`: publish, read, list, revoke.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chat_core::ShareSnapshot;

use super::reader::ShareReader;
use crate::cache::{PageCache, Representation};
use crate::clock::Clock;
use crate::delivery;
use crate::error::{Error, Failure, Success};
use crate::extract::{
    Lister, Publisher, ReaderCredentials, RevokeCredentials, ShareIdParam, SharePassword,
    SharePasswordHeader, SnapshotBody,
};
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::shares::{self, Created, Revoked, ShareList, SharedChat};
use crate::store::Store;
use crate::versions;

/// Publish a snapshot.
///
/// The body is stored byte for byte as sent. `expiresAt` in the snapshot is
/// a request: the server applies its default when absent and caps it at its
/// maximum; the answer carries the effective value.
///
/// Schema versions 1 (the plan's contract; `schemaVersion` may be absent)
/// and 2 are accepted. Numbers are JSON numbers: `3456.0` is a whole number,
/// `12.5` is not; `inferenceTimeMs` and `timeToFirstTokenMs` may have
/// fractions and are rounded to whole milliseconds when read.
/// `totalTokens` and `totalCost` are optional: the server computes both
/// from the messages and shows those; a total sent that differs is listed
/// in the answer's `warnings` instead of being refused.
///
/// `X-Share-Password` protects the share with a password: readers then
/// need it (the page shows an unlock form; the API and downloads take the
/// same header). Only its argon2id hash is stored, never the password.
#[utoipa::path(
    post,
    path = "/api/v0/shared-chats",
    tag = "shares",
    params(("X-Share-Password" = Option<String>, Header, min_length = 1, max_length = 1024,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$",
        description = "Protect the share with this password (1–1024 bytes of UTF-8, no control characters)")),
    request_body(content = ShareSnapshot, content_type = "application/json", example = json!({
        "schemaVersion": 2,
        "title": "Weather in Paris",
        "messages": [
            {"id": "m1", "role": "user", "content": "What is the weather in Paris?",
             "timestamp": "2025-01-15T09:30:00Z"},
            {"id": "m2", "role": "assistant", "content": "It is **18 °C** in Paris.",
             "timestamp": "2025-01-15T09:30:04Z",
             "provider": "openai", "model": "gpt-4o", "params": {"temperature": 0.2, "seed": 7},
             "finishReason": "stop", "replyTo": "m1",
             "usage": {"inputTokens": 120, "outputTokens": 30},
             "cost": 0.002, "inferenceTimeMs": 1200.5, "timeToFirstTokenMs": 300}
        ],
        "modelConfig": {"provider": "openai", "model": "gpt-4o", "temperature": 0.7},
        "promptMeta": {"promptId": "weather-v3"},
        "totalTokens": 150,
        "totalCost": 0.002
    })),
    responses(
        (status = 201, description = "Published. `deleteToken` is shown only here. `warnings` lists \
            the totals sent that differ from the server's (which the share shows).", body = Success<Created>,
            links(
                ("GetShare" = (operation_id = "get", parameters(("shareId" = "$response.body#/data/shareId")), description = "Read the new share")),
                ("RevokeShare" = (operation_id = "delete", parameters(("shareId" = "$response.body#/data/shareId")), description = "Revoke it (as its owner, or with `X-Delete-Token: deleteToken`)")),
                ("ShowPage" = (operation_id = "show", parameters(("shareId" = "$response.body#/data/shareId")), description = "Its public page")),
                ("DownloadJson" = (operation_id = "json", parameters(("shareId" = "$response.body#/data/shareId")), description = "Its published JSON")),
                ("DownloadMarkdown" = (operation_id = "markdown", parameters(("shareId" = "$response.body#/data/shareId")), description = "Its Markdown")),
                ("DownloadHtml" = (operation_id = "html", parameters(("shareId" = "$response.body#/data/shareId")), description = "Its page as one self-contained HTML file")),
            )),
        (status = 400, description = "Malformed JSON (`error.field` is the JSON path at fault), or \
            an `X-Share-Password` that cannot be a password (`invalid_password`)", body = Failure),
        (status = 401, description = "No token (and anonymous publishing is off), or an invalid or revoked token", body = Failure),
        (status = 413, description = "Body larger than the limit", body = Failure),
        (status = 415, description = "Content-Type is not application/json", body = Failure),
        (status = 422, description = "Invalid snapshot; `error.field` is the first path at fault, `error.details` lists all", body = Failure),
        (status = 429, description = "Rate limited", body = Failure,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security((), ("bearer" = [])),
)]
pub async fn create(
    State(store): State<Store>,
    State(settings): State<Arc<Settings>>,
    State(clock): State<Clock>,
    State(metrics): State<Arc<Metrics>>,
    Publisher(owner): Publisher,
    SharePassword(password): SharePassword,
    SnapshotBody(upload): SnapshotBody,
) -> Result<(StatusCode, Json<Success<Created>>), Error> {
    let created = shares::publish(
        store.as_ref(),
        &settings,
        clock.now(),
        owner.as_ref(),
        upload,
        password,
    )
    .await?;
    metrics.share_created();
    tracing::info!(
        share_id = %created.share_id,
        owner = owner.as_ref().map_or("(anonymous)", |user| user.name.as_str()),
        "share published"
    );
    Ok((StatusCode::CREATED, Json(Success::new(created))))
}

/// Read a share: the snapshot plus `shareId`, `createdAt` and the effective
/// `expiresAt` and `maxViews`. Public; never shows the owner or any token.
/// The newest version, or the one `version` names. Each 200 counts as a
/// view (a 304 does not); a share with `maxViews` answers 410
/// `view_limit_reached` once it has been read that many times. A
/// password-protected share needs its password in `X-Share-Password`
/// (answered `Cache-Control: private, no-store`); the password is checked
/// before the view is counted.
#[utoipa::path(
    get,
    path = "/api/v0/shared-chats/{shareId}",
    tag = "shares",
    params(
        ShareIdParam,
        SharePasswordHeader,
        ("version" = Option<u32>, Query, minimum = 1, description = "A given version (default: the newest)"),
    ),
    responses(
        (status = 200, description = "The share (strong ETag; gzip/br negotiated)", body = Success<SharedChat>),
        (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 400, description = "`version` is not a whole number ≥ 1, or `X-Share-Password` is not a possible password (`invalid_password`)", body = Failure),
        (status = 401, description = "A password-protected share without `X-Share-Password` \
            (`password_required`) or with a wrong one (`wrong_password`)", body = Failure),
        (status = 404, description = "Unknown or malformed id, or no such version", body = Failure),
        (status = 410, description = "Expired or revoked (`gone`), or opened as many times as `maxViews` allows (`view_limit_reached`)", body = Failure),
        (status = 429, description = "Too many wrong passwords for this share (5 a minute) or from this client (10 a minute)", body = Failure,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
pub async fn get(
    State(reader): State<ShareReader>,
    ShareIdParam(share_id): ShareIdParam,
    ReaderCredentials(credentials): ReaderCredentials,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let version = versions::version_param(query.as_deref())?;
    reader
        .respond_version(
            &share_id,
            version,
            Representation::Api,
            &headers,
            &credentials,
        )
        .await
}

/// The caller's shares, newest first (live, expired and revoked).
#[utoipa::path(
    get,
    path = "/api/v0/shared-chats",
    tag = "shares",
    params(
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Page size, 1–100 (default 20)"),
        ("offset" = Option<i64>, Query, minimum = 0, description = "Shares to skip (default 0)"),
    ),
    responses(
        (status = 200, description = "A page of the caller's shares", body = Success<ShareList>),
        (status = 400, description = "Bad `limit` or `offset`", body = Failure),
        (status = 401, description = "No, invalid or revoked token", body = Failure),
        (status = 429, description = "Rate limited (per client IP and per token)", body = Failure,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(("bearer" = [])),
)]
pub async fn list(
    State(store): State<Store>,
    State(settings): State<Arc<Settings>>,
    State(clock): State<Clock>,
    Lister(user): Lister,
    RawQuery(query): RawQuery,
) -> Result<Json<Success<ShareList>>, Error> {
    let (limit, offset) = shares::page_params(query.as_deref())?;
    let list = shares::list(store.as_ref(), &settings, clock.now(), &user, limit, offset).await?;
    Ok(Json(Success::new(list)))
}

/// Revoke a share, with the owner's bearer token or the share's delete token
/// in `X-Delete-Token`. Anyone else gets the same 404 as for an unknown id.
/// The share stops being served at once (410 afterwards) and its snapshot is
/// erased.
#[utoipa::path(
    delete,
    path = "/api/v0/shared-chats/{shareId}",
    params(ShareIdParam),
    tag = "shares",
    responses(
        (status = 200, description = "Revoked", body = Success<Revoked>),
        (status = 401, description = "Neither a bearer token nor `X-Delete-Token`, or an invalid or revoked bearer token", body = Failure),
        (status = 404, description = "Unknown id, or the caller may not revoke it", body = Failure),
        (status = 410, description = "Already revoked", body = Failure),
        (status = 429, description = "Rate limited (per client IP, and per bearer or delete token)", body = Failure,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(("bearer" = []), ("deleteToken" = [])),
)]
pub async fn delete(
    State(store): State<Store>,
    State(clock): State<Clock>,
    State(cache): State<Arc<PageCache>>,
    State(metrics): State<Arc<Metrics>>,
    credentials: RevokeCredentials,
    ShareIdParam(share_id): ShareIdParam,
) -> Result<Json<Success<Revoked>>, Error> {
    let RevokeCredentials {
        bearer,
        delete_token,
    } = credentials;
    let revoked = delivery::revoke(
        store.as_ref(),
        &cache,
        clock.now(),
        &share_id,
        bearer.as_deref(),
        delete_token,
    )
    .await?;
    metrics.share_deleted();
    tracing::info!(share_id = %revoked.share_id, "share revoked");
    Ok(Json(Success::new(revoked)))
}
