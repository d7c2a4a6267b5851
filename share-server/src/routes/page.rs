//! The public page `/shared/{id}`, its downloads (`.json`, `.md`, `.html`)
//! and the stylesheet. Unknown and gone shares get the HTML 404 and 410 pages.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::{self, Content, RefOr, ResponseBuilder};

use crate::assets::Assets;
use crate::cache::{PageCache, Representation};
use crate::clock::Clock;
use crate::delivery;
use crate::error::Error;
use crate::extract::ShareIdParam;
use crate::metrics::Metrics;
use crate::page::ErrorPage;
use crate::respond::{self, Caching};
use crate::settings::Settings;
use crate::state::AppState;
use crate::store::Store;

/// What a page request needs from the state.
#[derive(Clone)]
pub struct PageContext {
    store: Store,
    cache: Arc<PageCache>,
    settings: Arc<Settings>,
    clock: Clock,
    metrics: Arc<Metrics>,
    assets: Arc<Assets>,
}

impl FromRef<AppState> for PageContext {
    fn from_ref(state: &AppState) -> Self {
        Self {
            store: Store::from_ref(state),
            cache: FromRef::from_ref(state),
            settings: FromRef::from_ref(state),
            clock: FromRef::from_ref(state),
            metrics: FromRef::from_ref(state),
            assets: FromRef::from_ref(state),
        }
    }
}

/// `/shared/{file}`: dispatches on the suffix of the last segment.
pub async fn file(
    State(context): State<PageContext>,
    file: Result<ShareIdParam, Error>,
    headers: HeaderMap,
) -> Response {
    let file = match file {
        Ok(ShareIdParam(file)) => file,
        Err(error) => return error_page(&context.assets, &headers, error),
    };
    if let Some(id) = file.strip_suffix(".json") {
        json(&context, id, &headers).await
    } else if let Some(id) = file.strip_suffix(".md") {
        markdown(&context, id, &headers).await
    } else if let Some(id) = file.strip_suffix(".html") {
        html(&context, id, &headers).await
    } else {
        show(&context, &file, &headers).await
    }
}

/// The read-only HTML page of a share.
#[utoipa::path(
    get,
    path = "/shared/{shareId}",
    tag = "page",
    params(ShareIdParam),
    responses(
        (status = 200, description = "The page (strong ETag; gzip/br negotiated)", content_type = "text/html"),
        PageMisses,
    ),
)]
pub async fn show(context: &PageContext, id: &str, headers: &HeaderMap) -> Response {
    serve(context, id, Representation::Page, headers).await
}

/// The snapshot exactly as it was published, as a download.
#[utoipa::path(
    get,
    path = "/shared/{shareId}.json",
    tag = "page",
    params(ShareIdParam),
    responses(
        (status = 200, description = "The published bytes, verbatim", content_type = "application/json"),
        PageMisses,
    ),
)]
pub async fn json(context: &PageContext, id: &str, headers: &HeaderMap) -> Response {
    serve(context, id, Representation::JsonDownload, headers).await
}

/// The conversation as a readable Markdown document, as a download.
#[utoipa::path(
    get,
    path = "/shared/{shareId}.md",
    tag = "page",
    params(ShareIdParam),
    responses(
        (status = 200, description = "Markdown", content_type = "text/markdown"),
        PageMisses,
    ),
)]
pub async fn markdown(context: &PageContext, id: &str, headers: &HeaderMap) -> Response {
    serve(context, id, Representation::Markdown, headers).await
}

/// The page as one self-contained HTML file, as a download: the stylesheet
/// inline, no script, nothing loaded from anywhere; it reads the same
/// opened from disk. Its `Content-Security-Policy` header is the file's own
/// (the stylesheet allowed by its hash), as in its `<meta>`.
#[utoipa::path(
    get,
    path = "/shared/{shareId}.html",
    tag = "page",
    params(ShareIdParam),
    responses(
        (status = 200, description = "One self-contained HTML file, named after the title", content_type = "text/html",
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"<title-slug>.html\"`"))),
        PageMisses,
    ),
)]
pub async fn html(context: &PageContext, id: &str, headers: &HeaderMap) -> Response {
    serve(context, id, Representation::Standalone, headers).await
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
            ("410", html("Expired or revoked (HTML page)")),
        ]
        .into_iter()
        .map(|(status, response)| (status.to_owned(), response.build().into()))
        .collect()
    }
}

async fn serve(
    context: &PageContext,
    id: &str,
    representation: Representation,
    headers: &HeaderMap,
) -> Response {
    let result = delivery::share(
        context.store.as_ref(),
        &context.cache,
        &context.settings,
        context.clock.now(),
        id,
        representation,
    )
    .await;
    match result {
        Ok((share, outcome)) => {
            context.metrics.cache_lookup(outcome);
            respond::cached(headers, &share.body, StatusCode::OK, Caching::Revalidate)
        }
        Err(error) => error_page(&context.assets, headers, error),
    }
}

/// 404 and 410 as HTML pages; anything else as the JSON envelope.
fn error_page(assets: &Assets, headers: &HeaderMap, error: Error) -> Response {
    let (page, status) = match error {
        Error::NotFound => (ErrorPage::NotFound, StatusCode::NOT_FOUND),
        Error::Gone => (ErrorPage::Gone, StatusCode::GONE),
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
