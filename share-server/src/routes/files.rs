//! `/shared/{shareId}/files/{sha256}`: a file a share attaches. Unknown and
//! gone shares get the HTML 404 and 410 pages, as the page does.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::page::error_page;
use crate::error::Error;
use crate::extract::{FileParams, ReaderCredentials, SharePasswordHeader};
use crate::files;
use crate::protect::Access;
use crate::state::AppState;

/// A file attached to a message of a share, for a live share only.
///
/// PNG, JPEG, WebP and GIF are served as their type and `text/plain` as
/// text; any other type the share declared (SVG, HTML, PDF…) is served as
/// `application/octet-stream` with `Content-Disposition: attachment`. Every
/// answer has `X-Content-Type-Options: nosniff`, `Content-Security-Policy:
/// default-src 'none'; sandbox` and `Cache-Control: no-cache` (revoking
/// the share takes its files down at once); the ETag is the file's SHA-256.
/// A password-protected share's files need its unlock cookie (which the
/// page's path covers) or `X-Share-Password`, and are `private, no-store`.
#[utoipa::path(
    get,
    path = "/shared/{shareId}/files/{sha256}",
    tag = "page",
    params(FileParams, SharePasswordHeader),
    responses(
        (status = 200, description = "The file (strong ETag: its SHA-256)",
            content(("image/png"), ("image/jpeg"), ("image/webp"), ("image/gif"),
                ("text/plain; charset=utf-8"), ("application/octet-stream")),
            headers(("Content-Disposition" = String,
                description = "`inline` for images and text, else `attachment`; `filename*=UTF-8''<name>`"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "`X-Share-Password` is not a possible password", body = crate::error::Failure),
        (status = 401, description = "A password-protected share without its password (`password_required`) or with a wrong one (`wrong_password`)", body = crate::error::Failure),
        (status = 429, description = "Too many wrong passwords", body = crate::error::Failure,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 404, description = "Unknown share, or a file it does not attach (HTML page)", content_type = "text/html"),
        (status = 410, description = "Expired or revoked share (HTML page)", content_type = "text/html"),
    ),
)]
pub async fn show(
    State(state): State<AppState>,
    params: Result<FileParams, Error>,
    credentials: Result<ReaderCredentials, Error>,
    headers: HeaderMap,
) -> Response {
    let file = async {
        let FileParams { share_id, sha256 } = params?;
        let ReaderCredentials(credentials) = credentials?;
        let access = Access {
            protection: &state.protection,
            credentials: &credentials,
        };
        let (now, store, cache) = (state.clock.now(), state.store.as_ref(), &state.cache);
        files::serve(store, cache, now, &share_id, &sha256, access, &headers).await
    };
    file.await
        .unwrap_or_else(|error| error_page(&state.assets, &headers, error))
}
