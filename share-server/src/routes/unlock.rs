//! The unlock form of a password-protected share: `POST
//! /shared/{shareId}/unlock`, and the unlock page the share's page shows
//! instead of the conversation until the form has been sent the password.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::page::error_page;
use crate::delivery;
use crate::error::Error;
use crate::extract::{ShareIdParam, UnlockForm};
use crate::page::{self, UNLOCK_CONTENT_SECURITY_POLICY, UnlockNotice};
use crate::respond::Caching;
use crate::state::AppState;

/// Open a password-protected share in a browser.
///
/// The right password answers 303 to the page with a
/// `share_unlock_{shareId}` cookie (`HttpOnly; SameSite=Strict;
/// Path=/shared`, `Secure` when the server's public URL is https) that
/// opens the share — its page, versions, files and `.json`/`.md`/`.html`
/// downloads — for the server's `unlock_ttl` (12 h by default), on every
/// instance sharing the database, and no other share. A wrong one answers
/// the unlock page again, "Wrong password". Wrong guesses are limited: 5
/// per share and 10 per client per minute (on each instance), then 429
/// with `Retry-After`. A share without a password: 303 to its page.
#[utoipa::path(
    post,
    path = "/shared/{shareId}/unlock",
    tag = "page",
    params(ShareIdParam),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "`password=<the share's password>`"),
    responses(
        (status = 303, description = "Unlocked (or no password needed): go to the page",
            headers(("Location" = String, description = "`/shared/{shareId}`"),
                ("Set-Cookie" = String, description = "`share_unlock_{shareId}=<expiry>.<signature>; Path=/shared; HttpOnly; SameSite=Strict; Max-Age=<ttl>`"))),
        (status = 400, description = "The password is empty, longer than 1024 bytes or has control characters (unlock page)", content_type = "text/html"),
        (status = 401, description = "No or a wrong password (unlock page)", content_type = "text/html"),
        (status = 404, description = "Unknown or malformed id (HTML page)", content_type = "text/html"),
        (status = 410, description = "Expired or revoked (HTML page)", content_type = "text/html"),
        (status = 413, description = "Body larger than 4 KiB", body = crate::error::Failure),
        (status = 415, description = "Not `application/x-www-form-urlencoded` (the message names the type it takes)", body = crate::error::Failure),
        (status = 429, description = "Too many wrong passwords for this share or from this client (unlock page)", content_type = "text/html",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
)]
pub async fn unlock(
    State(state): State<AppState>,
    id: Result<ShareIdParam, Error>,
    headers: HeaderMap,
    form: Result<UnlockForm, Error>,
) -> Response {
    let Ok(ShareIdParam(id)) = id else {
        return error_page(&state.assets, &headers, Error::NotFound);
    };
    let unlocked = async {
        let UnlockForm { password, client } = form?;
        let (store, protection) = (state.store.as_ref(), &state.protection);
        delivery::unlock(store, protection, state.clock.now(), &id, password, client).await
    };
    match unlocked.await {
        Ok(cookie) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            let headers = response.headers_mut();
            if let Ok(location) = HeaderValue::from_str(&format!("/shared/{id}")) {
                headers.insert(header::LOCATION, location);
            }
            if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
                headers.insert(header::SET_COOKIE, cookie);
            }
            headers.insert(header::CACHE_CONTROL, Caching::None.header());
            response
        }
        Err(error) => unlock_page(&id, error)
            .unwrap_or_else(|error| error_page(&state.assets, &headers, error)),
    }
}

/// The unlock page for the errors of the password step (401, 400, 429);
/// any other error is handed back.
pub(super) fn unlock_page(share_id: &str, error: Error) -> Result<Response, Error> {
    let (status, notice) = match &error {
        Error::PasswordRequired => (StatusCode::UNAUTHORIZED, UnlockNotice::None),
        Error::WrongPassword => (StatusCode::UNAUTHORIZED, UnlockNotice::WrongPassword),
        Error::InvalidPassword => (StatusCode::BAD_REQUEST, UnlockNotice::InvalidPassword),
        Error::RateLimited { .. } => {
            let seconds = error.retry_after_secs().unwrap_or(60);
            (
                StatusCode::TOO_MANY_REQUESTS,
                UnlockNotice::TooManyGuesses {
                    retry_after_secs: seconds,
                },
            )
        }
        _ => return Err(error),
    };
    let mut response = (status, page::render_unlock(share_id, notice)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, Caching::Private.header());
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(UNLOCK_CONTENT_SECURITY_POLICY),
    );
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    if let UnlockNotice::TooManyGuesses { retry_after_secs } = notice {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    }
    Ok(response)
}
