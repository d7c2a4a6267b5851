//! Prometheus metrics: requests by route and status, latency, shares
//! created and revoked, cache hits.
//!
//! Recording a request allocates nothing: its labels are `&'static str`s
//! (the route templates, a bounded set, are interned on first sight; a
//! method outside the standard ones is counted as `OTHER`, so a client
//! cannot grow the label set).

use std::collections::HashSet;
use std::sync::{OnceLock, RwLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, StatusCode};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::cache::Outcome;

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: &'static str,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct CacheLabels {
    outcome: &'static str,
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    shares_created: Counter,
    shares_deleted: Counter,
    cache: Family<CacheLabels, Counter>,
    cache_bytes: Gauge,
}

fn latency_histogram() -> Histogram {
    // 100 µs … ~6.5 s
    Histogram::new(exponential_buckets(0.0001, 2.0, 17))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("share_server");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let shares_created = Counter::default();
        let shares_deleted = Counter::default();
        let cache = Family::<CacheLabels, Counter>::default();
        let cache_bytes = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to produce a response, by method and route",
            latency.clone(),
        );
        registry.register("shares_created", "Shares published", shares_created.clone());
        registry.register(
            "shares_deleted",
            "Shares deleted (revoked) through the API",
            shares_deleted.clone(),
        );
        registry.register(
            "render_cache_lookups",
            "Rendered-share cache lookups by outcome",
            cache.clone(),
        );
        registry.register(
            "render_cache_bytes",
            "Bytes held by the rendered-share cache",
            cache_bytes.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            shares_created,
            shares_deleted,
            cache,
            cache_bytes,
        }
    }

    pub fn share_created(&self) {
        self.shares_created.inc();
    }

    pub fn share_deleted(&self) {
        self.shares_deleted.inc();
    }

    pub fn cache_lookup(&self, outcome: Outcome) {
        let outcome = match outcome {
            Outcome::Hit => "hit",
            Outcome::Checked => "checked",
            Outcome::Miss => "miss",
        };
        self.cache.get_or_create(&CacheLabels { outcome }).inc();
    }

    pub fn set_cache_bytes(&self, bytes: usize) {
        self.cache_bytes
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }

    /// The OpenMetrics text exposition.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }

    fn record(&self, method: &'static str, route: &'static str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { method, route })
            .observe(seconds);
    }

    /// Starts recording a request under its route template (never the
    /// concrete path: share ids would explode the label set).
    pub fn start(&self, request: &Request) -> Timer<'_> {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("unmatched", |path| intern(path.as_str()));
        Timer {
            metrics: self,
            method: method_label(request.method()),
            route,
            started: Instant::now(),
        }
    }
}

/// A request being recorded (see [`Metrics::start`]).
pub struct Timer<'a> {
    metrics: &'a Metrics,
    method: &'static str,
    route: &'static str,
    started: Instant,
}

impl Timer<'_> {
    pub fn finish(self, status: StatusCode) {
        let seconds = self.started.elapsed().as_secs_f64();
        (self.metrics).record(self.method, self.route, status.as_u16(), seconds);
    }
}

fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        "CONNECT" => "CONNECT",
        "TRACE" => "TRACE",
        _ => "OTHER",
    }
}

/// The route template as a `&'static str`: leaked once per template (the
/// router's, a fixed set).
fn intern(route: &str) -> &'static str {
    static ROUTES: OnceLock<RwLock<HashSet<&'static str>>> = OnceLock::new();
    let routes = ROUTES.get_or_init(RwLock::default);
    if let Some(known) = routes
        .read()
        .ok()
        .and_then(|known| known.get(route).copied())
    {
        return known;
    }
    let Ok(mut known) = routes.write() else {
        return "unmatched";
    };
    if let Some(route) = known.get(route) {
        return route;
    }
    let leaked: &'static str = Box::leak(route.to_owned().into_boxed_str());
    known.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_what_was_recorded() {
        let metrics = Metrics::new();
        metrics.record("GET", "/shared/{file}", 200, 0.002);
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "OTHER");
        assert!(std::ptr::eq(
            intern("/a/{b}"),
            intern(&String::from("/a/{b}"))
        ));
        metrics.share_created();
        metrics.cache_lookup(Outcome::Hit);
        let text = metrics.encode().unwrap();
        assert!(text.contains(
            r#"share_server_http_requests_total{method="GET",route="/shared/{file}",status="200"} 1"#
        ));
        assert!(text.contains("share_server_http_request_duration_seconds_bucket"));
        assert!(text.contains("share_server_shares_created_total 1"));
        assert!(text.contains(r#"share_server_render_cache_lookups_total{outcome="hit"} 1"#));
        assert!(text.ends_with("# EOF\n"));
    }
}
