//! Parlor's share-server: stores immutable chat snapshots and serves the
//! public, read-only page. A library (the desktop app embeds it; tests start
//! it on port 0) and the `share-server` binary.
//!
//! - [`spawn`] starts a server in the background and returns a [`RunningServer`].
//! - [`make_app`] builds the router over an [`AppState`] (from [`build_state`]);
//!   [`serve`] runs it on a listener until a shutdown signal.
//! - [`add_user`] creates a user and returns their token.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

mod assets;
mod cache;
pub mod cli;
mod clock;
mod config;
mod delivery;
mod error;
mod extract;
mod files;
mod hosts;
pub mod ids;
mod info;
#[cfg(test)]
mod layers;
mod metrics;
mod openapi;
pub mod page;
mod protect;
mod rate_limit;
mod respond;
mod routes;
mod server;
mod settings;
mod shares;
mod state;
pub mod store;
pub mod users;
mod versions;
mod views;

pub use clock::Clock;
pub use config::Config;
pub use error::Error;
pub use shares::{Purged, purge};
pub use state::AppState;
pub use store::{ShareStore, Store};
pub use users::add_user;

/// The Content-Security-Policy sent with every response but the `.html`
/// download (see [`page::standalone_content_security_policy`]).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// How long [`RunningServer::shutdown`] lets in-flight requests finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The router with every route and layer: security headers, panic catching,
/// tracing (only when enabled at DEBUG: at the default level a request
/// costs no span), metrics, the request timeout and the host allowlist. The
/// outer layers make one stack, boxed once per route, and the last three
/// are one middleware ([`edge`]), so a request pays for two boxed services
/// instead of nine.
pub fn make_app(state: AppState) -> Router {
    let edge_state = Arc::new(Edge {
        timeout: state.settings.config.request_timeout,
        metrics: Arc::clone(&state.metrics),
        allowed_hosts: Arc::clone(&state.settings.allowed_hosts),
    });
    let trace = tracing::enabled!(target: "tower_http::trace", Level::DEBUG).then(|| {
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::DEBUG))
            .on_response(DefaultOnResponse::new().level(Level::DEBUG))
    });
    let layers = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Unless a response brings its own: the `.html` download allows its
        // inline stylesheet by hash.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(CatchPanicLayer::custom(
            |_panic: Box<dyn std::any::Any + Send>| {
                Error::Internal("a handler panicked".into()).into_response()
            },
        ));
    let router = routes::router(state).layer(middleware::from_fn_with_state(edge_state, edge));
    match trace {
        Some(trace) => router.layer(trace),
        None => router,
    }
    .layer(layers)
}

/// What [`edge`] needs.
struct Edge {
    timeout: Duration,
    metrics: Arc<metrics::Metrics>,
    allowed_hosts: Arc<hosts::AllowedHosts>,
}

/// Counts and times the request (see [`metrics`]), answers 408 with the
/// envelope when it (body upload included) takes longer than the limit,
/// and refuses hosts not allowed — innermost, so a refused request is still
/// counted, logged and given the security headers, but reaches no handler.
async fn edge(State(edge): State<Arc<Edge>>, request: Request, next: Next) -> Response {
    let timer = edge.metrics.start(&request);
    let hosts = State(Arc::clone(&edge.allowed_hosts));
    let response =
        match tokio::time::timeout(edge.timeout, hosts::enforce(hosts, request, next)).await {
            Ok(response) => response,
            Err(_) => Error::Timeout.into_response(),
        };
    timer.finish(response.status());
    response
}

/// Opens and migrates the store and prepares everything the handlers share.
/// `addr` is where the server listens (the public URL when none is configured).
pub async fn build_state(config: &Config, addr: SocketAddr) -> Result<AppState, Error> {
    let public_url = match &config.public_url {
        Some(url) => config::normalize_public_url(url)?,
        None => format!("http://{addr}"),
    };
    let allowed_hosts = Arc::new(hosts::AllowedHosts::parse(&config.allowed_hosts)?);
    let openapi = openapi::document_json()
        .map_err(|e| Error::Internal(format!("could not render the OpenAPI document: {e}")))?;
    let store = store::open(&config.database_url).await?;
    // Redacted: the URL may carry the database password.
    tracing::info!(database = %store::redact_url(&config.database_url), "store opened and migrated");
    let unlock_key = protect::UnlockKey::load(store.as_ref()).await?;
    let protection = protect::Protection::new(unlock_key, config.unlock_ttl, &public_url);
    let cache = Arc::new(cache::PageCache::new(config.cache_size));
    // Every change the store makes or hears of evicts the share here.
    let evict: Arc<dyn store::invalidations::Evict> = Arc::clone(&cache) as _;
    store.watch(Arc::downgrade(&evict));
    Ok(AppState::new(state::Shared {
        store,
        clock: config.clock.clone(),
        settings: Arc::new(settings::Settings {
            public_url,
            allowed_hosts,
            config: config.clone(),
        }),
        cache,
        rate_limits: Arc::new(rate_limit::RateLimits::new(
            config.rate_limit_ip,
            config.rate_limit_token,
        )),
        metrics: Arc::new(metrics::Metrics::new()),
        assets: Arc::new(assets::Assets::render(openapi)),
        protection: Arc::new(protection),
        views: Arc::new(views::ViewCounter::new(
            config.count_views,
            config.view_flush,
        )),
    }))
}

/// Serves `state` on `listener` until `shutdown` completes, then lets
/// in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let limits = Arc::clone(&state.rate_limits);
    let protection = Arc::clone(&state.protection);
    let cleanup = tokio::spawn(async move {
        let mut interval = tokio::time::interval(rate_limit::CLEANUP_INTERVAL);
        loop {
            interval.tick().await;
            limits.retain_recent();
            protection.guesses.retain_recent();
        }
    });
    let (views, store) = (Arc::clone(&state.views), Arc::clone(&state.store));
    let flush = tokio::spawn(async move {
        let mut interval = tokio::time::interval(views.flush_interval());
        loop {
            interval.tick().await;
            if let Err(error) = views.flush(store.as_ref()).await {
                tracing::warn!(%error, "could not write the view counts; keeping them for the next try");
            }
        }
    });
    // Headers get the same deadline as whole requests.
    let header_read_timeout = state.settings.config.request_timeout;
    let (views, store) = (Arc::clone(&state.views), Arc::clone(&state.store));
    server::run(listener, make_app(state), header_read_timeout, shutdown).await;
    cleanup.abort();
    flush.abort();
    // The views counted since the last flush (in-flight requests are done).
    views.flush(store.as_ref()).await?;
    Ok(())
}

/// A server running in the background (see [`spawn`]).
pub struct RunningServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// `http://<addr>`, without a trailing slash.
    pub base_url: String,
    state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), Error>>,
}

impl RunningServer {
    /// The server's store (e.g. to create users in tests).
    pub fn store(&self) -> Store {
        Arc::clone(&self.state.store)
    }

    /// The server's clock.
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// The public base URL used in share links.
    pub fn public_url(&self) -> &str {
        &self.state.settings.public_url
    }

    /// Creates a user on this server and returns their token.
    pub async fn add_user(&self, name: &str) -> Result<String, Error> {
        add_user(self.state.store.as_ref(), name).await
    }

    /// Stops accepting connections, lets in-flight requests finish (up to
    /// 10 s) and returns once the server is down.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut self.task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => tracing::warn!(error = %e, "server stopped with an error"),
            Ok(Err(e)) => tracing::warn!(error = %e, "server task failed"),
            Err(_) => {
                tracing::warn!("in-flight requests did not finish in time; aborting");
                self.task.abort();
            }
        }
    }
}

impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer")
            .field("addr", &self.addr)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Binds `config.bind` (port 0 allowed), opens and migrates the database and
/// serves in a background task.
pub async fn spawn(config: Config) -> Result<RunningServer, Error> {
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let state = build_state(&config, addr).await?;
    let (shutdown, signal) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, state.clone(), async move {
        let _ = signal.await;
    }));
    Ok(RunningServer {
        addr,
        base_url: format!("http://{addr}"),
        state,
        shutdown: Some(shutdown),
        task,
    })
}
