//! The state every handler draws from. Each field is extractable on its own
//! (`State<Store>`, `State<Clock>`, …) so a handler asks for what it needs.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::assets::Assets;
use crate::cache::PageCache;
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::protect::Protection;
use crate::rate_limit::RateLimits;
use crate::settings::Settings;
use crate::store::Store;
use crate::views::ViewCounter;

/// Everything the handlers share, built by [`crate::build_state`], behind
/// one `Arc`: the router clones the state for every request, so a clone is
/// one reference count. Outside the crate only the store is reachable (the
/// desktop app manages users on the server it embeds).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub(crate) fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Shared {
    pub store: Store,
    pub(crate) clock: Clock,
    pub(crate) settings: Arc<Settings>,
    pub(crate) cache: Arc<PageCache>,
    pub(crate) rate_limits: Arc<RateLimits>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) assets: Arc<Assets>,
    pub(crate) protection: Arc<Protection>,
    /// Views of shares without a limit, counted until the next flush.
    pub(crate) views: Arc<ViewCounter>,
}

impl AppState {
    /// The base of every share link, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.settings.public_url
    }
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
    protection: Arc<Protection>,
    views: Arc<ViewCounter>,
}
