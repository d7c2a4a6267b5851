//! Versions at the same link: publishing one (`POST
//! /api/v0/shared-chats/{shareId}/versions`) and the page of a given one
//! (`/shared/{shareId}/v/{version}`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chat_core::ShareSnapshot;

use super::page::error_page;
use super::reader::ShareReader;
use super::unlock::unlock_page;
use crate::assets::Assets;
use crate::cache::Representation;
use crate::error::{Error, Failure, Success};
use crate::extract::{Bearer, DeleteToken, ReaderCredentials, ShareIdParam, SnapshotBody};
use crate::shares::Revoker;
use crate::state::AppState;
use crate::versions::{self, VersionCreated};

/// Publish a new version of a share at the same link, with the owner's
/// bearer token or the share's delete token in `X-Delete-Token` (anyone
/// else gets the same 404 as for an unknown id).
///
/// The body is a snapshot, validated and stored as for a publish. The share
/// keeps its expiry, view limit (views keep counting across versions) and
/// password: `expiresAt` and `maxViews` in the body are not applied. Its
/// page and API then show this version; earlier ones stay at
/// `/shared/{shareId}/v/{n}` and `?version=n`.
#[utoipa::path(
    post,
    path = "/api/v0/shared-chats/{shareId}/versions",
    tag = "shares",
    params(ShareIdParam),
    request_body(content = ShareSnapshot, content_type = "application/json"),
    responses(
        (status = 201, description = "Published as the share's newest version", body = Success<VersionCreated>),
        (status = 400, description = "Malformed JSON; `error.field` is the JSON path at fault", body = Failure),
        (status = 401, description = "Neither a bearer token nor `X-Delete-Token`, or an invalid or revoked bearer token", body = Failure),
        (status = 404, description = "Unknown id, or the caller may not update it", body = Failure),
        (status = 410, description = "Expired, revoked, or opened as many times as `maxViews` allows (`view_limit_reached`)", body = Failure),
        (status = 413, description = "Body larger than the limit", body = Failure),
        (status = 415, description = "Content-Type is not application/json", body = Failure),
        (status = 422, description = "Invalid snapshot; `error.field` is the first path at fault", body = Failure),
    ),
    security(("bearer" = []), ("deleteToken" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    ShareIdParam(share_id): ShareIdParam,
    Bearer(bearer): Bearer,
    DeleteToken(delete_token): DeleteToken,
    SnapshotBody(upload): SnapshotBody,
) -> Result<(StatusCode, Json<Success<VersionCreated>>), Error> {
    let store = state.store.as_ref();
    let revoker = Revoker::from_credentials(store, bearer.as_deref(), delete_token).await?;
    let now = state.clock.now();
    let (cache, settings) = (&state.cache, &state.settings);
    let created =
        versions::publish(store, cache, settings, now, &share_id, &revoker, upload).await?;
    tracing::info!(share_id = %created.share_id, version = created.version, "share version published");
    Ok((StatusCode::CREATED, Json(Success::new(created))))
}

/// The read-only page of one version of a share, with links to the others.
/// A view like the share's page (it counts towards `maxViews`), and like it
/// a password-protected share answers the unlock page (401) until its form
/// has set the unlock cookie (or `X-Share-Password` carries the password).
#[utoipa::path(
    get,
    path = "/shared/{shareId}/v/{version}",
    tag = "page",
    params(ShareIdParam, ("version" = u32, Path, minimum = 1, description = "The version, from 1")),
    responses(
        (status = 200, description = "The page of that version", content_type = "text/html"),
        (status = 304, description = "Not modified"),
        (status = 400, description = "`X-Share-Password` is not a possible password (unlock page)", content_type = "text/html"),
        (status = 401, description = "A password-protected share without its password or unlock cookie, or with a wrong password (unlock page)", content_type = "text/html"),
        (status = 404, description = "Unknown share, or no such version (HTML page)", content_type = "text/html"),
        (status = 410, description = "Expired, revoked or used up (HTML page)", content_type = "text/html"),
        (status = 429, description = "Too many wrong passwords (unlock page)", content_type = "text/html",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
pub async fn show(
    State(reader): State<ShareReader>,
    State(assets): State<Arc<Assets>>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    credentials: Result<ReaderCredentials, Error>,
    headers: HeaderMap,
) -> Response {
    let Ok(Path((share_id, version))) = path else {
        return error_page(&assets, &headers, Error::NotFound);
    };
    let page = async {
        let version = version.parse::<u32>().map_err(|_| Error::NotFound)?;
        let ReaderCredentials(credentials) = credentials?;
        reader
            .respond_version(
                &share_id,
                Some(version),
                Representation::Page,
                &headers,
                &credentials,
            )
            .await
    };
    page.await
        .or_else(|error| unlock_page(&share_id, error))
        .unwrap_or_else(|error| error_page(&assets, &headers, error))
}
