//! The HTTP surface: which path goes to which handler. Handlers are grouped
//! by resource and only extract, call a plain function and map the result.

use axum::Router;
use axum::routing::{get, post};

use crate::page::STYLESHEET_PATH;
use crate::state::AppState;

pub mod files;
pub mod ops;
pub mod page;
mod reader;
pub mod shares;
pub mod unlock;
pub mod versions;

/// Path of the share collection.
pub const SHARES_PATH: &str = "/api/v0/shared-chats";

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(SHARES_PATH, get(shares::list).post(shares::create))
        .route(
            "/api/v0/shared-chats/{share_id}",
            get(shares::get).delete(shares::delete),
        )
        // `{id}`, `{id}.json`, `{id}.md` and `{id}.html` share one route:
        // the router cannot match a parameter with a suffix.
        .route("/shared/{file}", get(page::file))
        .route("/shared/{share_id}/files/{sha256}", get(files::show))
        .route("/shared/{share_id}/og.png", get(page::og_image))
        .route("/shared/{share_id}/unlock", post(unlock::unlock))
        .route(
            "/api/v0/shared-chats/{share_id}/versions",
            post(versions::create),
        )
        .route("/shared/{share_id}/v/{version}", get(versions::show))
        .route(STYLESHEET_PATH, get(page::stylesheet))
        .route("/api/v0/info", get(ops::info))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/api/v0/openapi.json", get(ops::openapi))
        .fallback(ops::not_found)
        .method_not_allowed_fallback(ops::method_not_allowed)
        .with_state(state)
}
