//! The public page `/shared/{id}`, its downloads (`.json`, `.md`, `.html`),
//! its preview card (`/og.png`) and the stylesheet. Unknown and gone shares
//! get the HTML 404 and 410 pages; a password-protected page without its
//! password gets the unlock page, its downloads the JSON 401.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::{self, Content, Ref, RefOr, ResponseBuilder};

use super::reader::ShareReader;
use super::unlock::unlock_page;
use crate::assets::Assets;
use crate::cache::Representation;
use crate::error::Error;
use crate::extract::{ReaderCredentials, ShareIdParam, SharePasswordHeader};
use crate::page::ErrorPage;
use crate::protect::Credentials;
use crate::respond::{self, Caching};

/// `/shared/{file}`: the page, a download, or the HTML 404/410 page.
pub async fn file(
    State(reader): State<ShareReader>,
    State(assets): State<Arc<Assets>>,
    file: Result<ShareIdParam, Error>,
    credentials: Result<ReaderCredentials, Error>,
    headers: HeaderMap,
) -> Response {
    let Ok(ShareIdParam(file)) = file else {
        return error_page(&assets, &headers, Error::NotFound);
    };
    let result = match credentials {
        Ok(ReaderCredentials(credentials)) => {
            dispatch(&reader, &file, &headers, &credentials).await
        }
        Err(error) => Err(error),
    };
    let is_page = ![".json", ".md", ".html"]
        .iter()
        .any(|suffix| file.ends_with(suffix));
    result
        .or_else(|error| {
            if is_page {
                unlock_page(&file, error)
            } else {
                Err(error)
            }
        })
        .unwrap_or_else(|error| error_page(&assets, &headers, error))
}

/// Dispatches on the suffix of the last segment.
async fn dispatch(
    reader: &ShareReader,
    file: &str,
    headers: &HeaderMap,
    credentials: &Credentials,
) -> Result<Response, Error> {
    if let Some(id) = file.strip_suffix(".json") {
        json(reader, id, headers, credentials).await
    } else if let Some(id) = file.strip_suffix(".md") {
        markdown(reader, id, headers, credentials).await
    } else if let Some(id) = file.strip_suffix(".html") {
        html(reader, id, headers, credentials).await
    } else {
        show(reader, file, headers, credentials).await
    }
}

/// The link-preview card of a share: a 1200×630 PNG with its title, models,
/// message count, total tokens and cost (the page's `og:image`). Cached and
/// revalidated like the page. Never for a password-protected share: 404,
/// as for an unknown one.
#[utoipa::path(
    get,
    path = "/shared/{shareId}/og.png",
    tag = "page",
    params(ShareIdParam),
    responses(
        (status = 200, description = "The card (strong ETag)", content_type = "image/png"),
        PageMisses,
    ),
)]
pub async fn og_image(
    State(reader): State<ShareReader>,
    State(assets): State<Arc<Assets>>,
    id: Result<ShareIdParam, Error>,
    headers: HeaderMap,
) -> Response {
    let result = match id {
        Ok(ShareIdParam(id)) => {
            // No credentials: a protected share has no card for anyone.
            let credentials = Credentials::default();
            reader
                .respond(&id, Representation::OgImage, &headers, &credentials)
                .await
        }
        Err(error) => Err(error),
    };
    result.unwrap_or_else(|error| error_page(&assets, &headers, error))
}

/// One handler per representation of a share, each documented as its own
/// OpenAPI operation (named after the handler) that answers 200 as `$ok`
/// says or one of the [`PageMisses`].
macro_rules! representations {
    ($(
        $(#[doc = $doc:tt])*
        $name:ident($path:tt) => $representation:ident, $ok:tt;
    )*) => {$(
        $(#[doc = $doc])*
        #[utoipa::path(get, path = $path, tag = "page", params(ShareIdParam, SharePasswordHeader),
            responses($ok, PageMisses, PasswordMisses))]
        pub async fn $name(
            reader: &ShareReader,
            id: &str,
            headers: &HeaderMap,
            credentials: &Credentials,
        ) -> Result<Response, Error> {
            reader.respond(id, Representation::$representation, headers, credentials).await
        }
    )*};
}

representations! {
    /// The read-only HTML page of a share. A password-protected share shows
    /// the unlock page instead (401) until its form has set the unlock
    /// cookie, or `X-Share-Password` carries the password; its answers are
    /// `Cache-Control: private, no-store` and never indexable.
    show("/shared/{shareId}") => Page,
        (status = 200, description = "The page (strong ETag; gzip/br negotiated)", content_type = "text/html");

    /// The snapshot exactly as it was published, as a download.
    json("/shared/{shareId}.json") => JsonDownload,
        (status = 200, description = "The published bytes, verbatim", content_type = "application/json");

    /// The conversation as a readable Markdown document, as a download.
    markdown("/shared/{shareId}.md") => Markdown,
        (status = 200, description = "Markdown", content_type = "text/markdown");

    /// The page as one self-contained HTML file, as a download: the stylesheet
    /// inline, no script, nothing loaded from anywhere; it reads the same
    /// opened from disk. Its `Content-Security-Policy` header is the file's own
    /// (the stylesheet allowed by its hash), as in its `<meta>`.
    html("/shared/{shareId}.html") => Standalone,
        (status = 200, description = "One self-contained HTML file, named after the title", content_type = "text/html",
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"<title-slug>.html\"`")));
}

/// What the page and each download answer besides 200, for the document.
enum PageMisses {}

impl utoipa::IntoResponses for PageMisses {
    fn responses() -> BTreeMap<String, RefOr<openapi::Response>> {
        let html = |description| {
            ResponseBuilder::new()
                .description(description)
                .content("text/html", Content::default())
        };
        [
            ("304", ResponseBuilder::new().description("Not modified")),
            ("404", html("Unknown or malformed id (HTML page)")),
            ("410", html("Expired, revoked, or opened as many times as its view limit allows (HTML page)")),
        ]
        .into_iter()
        .map(|(status, response)| (status.to_owned(), response.build().into()))
        .collect()
    }
}

/// What the page and each download answer for a password-protected share.
enum PasswordMisses {}

impl utoipa::IntoResponses for PasswordMisses {
    fn responses() -> BTreeMap<String, RefOr<openapi::Response>> {
        let envelope = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    Content::new(Some(Ref::from_schema_name("Failure"))),
                )
                .content("text/html", Content::default())
        };
        [
            (
                "400",
                envelope("`X-Share-Password` is not a possible password (`invalid_password`)"),
            ),
            (
                "401",
                envelope(
                    "A password-protected share without its password (`password_required`) \
                or with a wrong one (`wrong_password`): the page answers the unlock page (HTML), \
                the downloads the JSON envelope",
                ),
            ),
            (
                "429",
                envelope(
                    "Too many wrong passwords for this share (5 a minute) or from this \
                client (10 a minute); `Retry-After` says when to try again",
                ),
            ),
        ]
        .into_iter()
        .map(|(status, response)| (status.to_owned(), response.build().into()))
        .collect()
    }
}

/// 404 and 410 as HTML pages; anything else as the JSON envelope.
pub(super) fn error_page(assets: &Assets, headers: &HeaderMap, error: Error) -> Response {
    let (page, status) = match error {
        Error::NotFound => (ErrorPage::NotFound, StatusCode::NOT_FOUND),
        Error::Gone | Error::ViewLimitReached => (ErrorPage::Gone, StatusCode::GONE),
        other => return other.into_response(),
    };
    respond::cached(headers, assets.error_page(page), status, Caching::None)
}

/// The page stylesheet.
pub async fn stylesheet(State(assets): State<Arc<Assets>>, headers: HeaderMap) -> Response {
    respond::cached(
        &headers,
        &assets.stylesheet,
        StatusCode::OK,
        Caching::Static,
    )
}
