//! The state every handler draws from. Each field is extractable on its own
//! (`State<Store>`, `State<Clock>`, …) so a handler asks for what it needs.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;

use crate::assets::Assets;
use crate::cache::PageCache;
use crate::clock::Clock;
use crate::hosts::AllowedHosts;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::store::Store;

/// The request-independent settings derived from [`crate::Config`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// Public base URL without a trailing slash.
    pub public_url: String,
    pub allow_anonymous: bool,
    pub body_limit: usize,
    pub default_expiry: Option<Duration>,
    pub max_expiry: Option<Duration>,
    pub trust_forwarded_for: bool,
    pub request_timeout: Duration,
    pub allowed_hosts: Arc<AllowedHosts>,
}

impl Settings {
    pub fn share_url(&self, id: &crate::ids::ShareId) -> String {
        format!("{}/shared/{id}", self.public_url)
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub cache: Arc<PageCache>,
    pub rate_limits: Arc<RateLimits>,
    pub metrics: Arc<Metrics>,
    pub assets: Arc<Assets>,
}

macro_rules! from_ref {
    ($($field:ident: $type:ty),* $(,)?) => {
        $(impl FromRef<AppState> for $type {
            fn from_ref(state: &AppState) -> Self {
                state.$field.clone()
            }
        })*
    };
}

from_ref! {
    store: Store,
    clock: Clock,
    settings: Arc<Settings>,
    cache: Arc<PageCache>,
    rate_limits: Arc<RateLimits>,
    metrics: Arc<Metrics>,
    assets: Arc<Assets>,
}
