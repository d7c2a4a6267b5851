//! The public page `/shared/{id}`, its downloads (`.json`, `.md`, `.html`)
//! and the stylesheet. Unknown and gone shares get the HTML 404 and 410 pages.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::{self, Content, RefOr, ResponseBuilder};

use super::reader::ShareReader;
use crate::assets::Assets;
use crate::cache::Representation;
use crate::error::Error;
use crate::extract::ShareIdParam;
use crate::page::ErrorPage;
use crate::respond::{self, Caching};

/// `/shared/{file}`: the page, a download, or the HTML 404/410 page.
pub async fn file(
    State(reader): State<ShareReader>,
    State(assets): State<Arc<Assets>>,
    file: Result<ShareIdParam, Error>,
    headers: HeaderMap,
) -> Response {
    let result = match file {
        Ok(ShareIdParam(file)) => dispatch(&reader, &file, &headers).await,
        Err(error) => Err(error),
    };
    result.unwrap_or_else(|error| error_page(&assets, &headers, error))
}

/// Dispatches on the suffix of the last segment.
async fn dispatch(
    reader: &ShareReader,
    file: &str,
    headers: &HeaderMap,
) -> Result<Response, Error> {
    if let Some(id) = file.strip_suffix(".json") {
        json(reader, id, headers).await
    } else if let Some(id) = file.strip_suffix(".md") {
        markdown(reader, id, headers).await
    } else if let Some(id) = file.strip_suffix(".html") {
        html(reader, id, headers).await
    } else {
        show(reader, file, headers).await
    }
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
        #[utoipa::path(get, path = $path, tag = "page", params(ShareIdParam), responses($ok, PageMisses))]
        pub async fn $name(
            reader: &ShareReader,
            id: &str,
            headers: &HeaderMap,
        ) -> Result<Response, Error> {
            reader.respond(id, Representation::$representation, headers).await
        }
    )*};
}

representations! {
    /// The read-only HTML page of a share.
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
