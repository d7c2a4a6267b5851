//! Reading a stored share in one representation, as the API and the page
//! both do: through the gate and the page cache, counted in the metrics,
//! answered with its strong ETag (and never to shared caches when the
//! share has a password).

use std::sync::Arc;

use axum::extract::FromRef;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::cache::{PageCache, Representation};
use crate::clock::Clock;
use crate::delivery;
use crate::error::Error;
use crate::metrics::Metrics;
use crate::protect::{Access, Credentials, Protection};
use crate::respond::{self, Caching};
use crate::settings::Settings;
use crate::state::AppState;
use crate::store::Store;

/// What reading a share needs from the state.
#[derive(Clone)]
pub struct ShareReader {
    store: Store,
    cache: Arc<PageCache>,
    settings: Arc<Settings>,
    clock: Clock,
    metrics: Arc<Metrics>,
    protection: Arc<Protection>,
}

impl FromRef<AppState> for ShareReader {
    fn from_ref(state: &AppState) -> Self {
        Self {
            store: FromRef::from_ref(state),
            cache: FromRef::from_ref(state),
            settings: FromRef::from_ref(state),
            clock: FromRef::from_ref(state),
            metrics: FromRef::from_ref(state),
            protection: FromRef::from_ref(state),
        }
    }
}

impl ShareReader {
    /// The share `id` as `representation`, or 304 when the client has it.
    pub async fn respond(
        &self,
        id: &str,
        representation: Representation,
        headers: &HeaderMap,
        credentials: &Credentials,
    ) -> Result<Response, Error> {
        let access = Access {
            protection: &self.protection,
            credentials,
        };
        let (share, outcome) = delivery::share(
            self.store.as_ref(),
            &self.cache,
            &self.settings,
            self.clock.now(),
            id,
            representation,
            access,
        )
        .await?;
        self.metrics.cache_lookup(outcome);
        let caching = if share.password_hash.is_some() {
            Caching::Private
        } else {
            Caching::Revalidate
        };
        Ok(respond::cached(
            headers,
            &share.body,
            StatusCode::OK,
            caching,
        ))
    }
}
