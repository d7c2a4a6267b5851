//! What operators and tooling call: what the server is, health, readiness,
//! metrics, the OpenAPI document, and the envelope for unknown routes.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::assets::Assets;
use crate::cache::PageCache;
use crate::error::{Error, Failure, Success};
use crate::info::{self, ServerInfo};
use crate::metrics::Metrics;
use crate::respond::{self, Caching};
use crate::settings::Settings;
use crate::store::{Store, StoreError};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`
    pub status: &'static str,
}

/// What this server is and the rules it applies: its version, the snapshot
/// schema versions it accepts, share lifetimes, whether anonymous
/// publishing is allowed and the base of its share links. Public.
#[utoipa::path(
    get,
    path = "/api/v0/info",
    tag = "ops",
    responses((status = 200, description = "The server's identity and publishing rules", body = Success<ServerInfo>)),
)]
pub async fn info(State(settings): State<Arc<Settings>>) -> Json<Success<ServerInfo>> {
    Json(Success::new(info::server_info(&settings)))
}

/// Liveness: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "ops",
    responses((status = 200, description = "Alive", body = Success<Health>)),
)]
pub async fn healthz() -> Json<Success<Health>> {
    Json(Success::new(Health { status: "ok" }))
}

/// Readiness: the database answers.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "ops",
    responses(
        (status = 200, description = "Ready", body = Success<Health>),
        (status = 503, description = "The database does not answer", body = Failure),
    ),
)]
pub async fn readyz(State(store): State<Store>) -> Result<Json<Success<Health>>, Error> {
    match store.ping().await {
        Ok(()) => Ok(Json(Success::new(Health { status: "ok" }))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(Error::Store(StoreError::Unavailable(e.to_string())))
        }
    }
}

/// Prometheus metrics (OpenMetrics text).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "ops",
    responses((status = 200, description = "OpenMetrics text exposition", content_type = "application/openmetrics-text")),
)]
pub async fn metrics(
    State(metrics): State<Arc<Metrics>>,
    State(cache): State<Arc<PageCache>>,
) -> Result<Response, Error> {
    metrics.set_cache_bytes(cache.usage().0);
    let text = metrics
        .encode()
        .map_err(|e| Error::Internal(format!("could not encode metrics: {e}")))?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(response)
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v0/openapi.json",
    tag = "ops",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")),
)]
pub async fn openapi(State(assets): State<Arc<Assets>>, headers: HeaderMap) -> Response {
    respond::cached(&headers, &assets.openapi, StatusCode::OK, Caching::Static)
}

pub async fn not_found() -> Error {
    Error::RouteNotFound
}

pub async fn method_not_allowed() -> Error {
    Error::MethodNotAllowed
}
