//! The state every handler draws from. Each field is extractable on its own
//! (`State<Store>`, `State<Clock>`, …) so a handler asks for what it needs.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::assets::Assets;
use crate::cache::PageCache;
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::settings::Settings;
use crate::store::Store;

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
