//! The bench's second reference beside nginx (`cargo xtask bench server`):
//! a bare axum 0.8 route serving saved pages from memory, so the figures
//! show what the share-server's own per-request work costs on top of the
//! framework. No middleware, no store, no cache lookup: one route, one map.
//!
//! `bare_page PORT DIR`: for every `DIR/NAME.headers` (`name: value` lines,
//! the headers the share-server sent) it serves `DIR/NAME` with those
//! headers. `GET /shared/ID` answers `ID.gz` when the request's
//! Accept-Encoding mentions gzip and that file exists, else `ID`;
//! `GET /ready` answers 200 once listening.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{ACCEPT_ENCODING, HeaderMap, HeaderName, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Router, body::Bytes};

/// Headers and body of each saved response, by file name.
type Pages = Arc<HashMap<String, (HeaderMap, Bytes)>>;

async fn page(
    State(pages): State<Pages>,
    Path(id): Path<String>,
    request: HeaderMap,
) -> impl IntoResponse {
    let gzip = request
        .get(ACCEPT_ENCODING)
        .is_some_and(|value| value.as_bytes().windows(4).any(|w| w == b"gzip"));
    let gzipped = format!("{id}.gz");
    let found = if gzip { pages.get(&gzipped) } else { None };
    match found.or_else(|| pages.get(&id)) {
        Some((headers, body)) => (headers.clone(), body.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn load(dir: &std::path::Path) -> std::io::Result<Pages> {
    let mut pages = HashMap::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(name) = name.strip_suffix(".headers") else {
            continue;
        };
        let mut headers = HeaderMap::new();
        for line in std::fs::read_to_string(&path)?.lines() {
            let Some((key, value)) = line.split_once(": ") else {
                continue;
            };
            if let (Ok(key), Ok(value)) = (
                HeaderName::from_bytes(key.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.append(key, value);
            }
        }
        let body = Bytes::from(std::fs::read(dir.join(name))?);
        pages.insert(name.to_owned(), (headers, body));
    }
    Ok(pages.into())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(port), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: bare_page PORT DIR");
        std::process::exit(2);
    };
    let app = Router::new()
        .route("/shared/{id}", get(page))
        .route("/ready", get(|| async { StatusCode::OK }))
        .with_state(load(dir.as_ref())?);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port.parse().unwrap_or(0))).await?;
    axum::serve(listener, app).await
}
