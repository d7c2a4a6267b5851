//! Reading a stored share in one representation, as the API and the page
//! both do: through the page cache, counted in the metrics, answered with
//! its strong ETag — and through the read gate, in this order: live (404 /
//! 410), password (see [`crate::protect`]), views (see [`crate::views`]).
//! A protected share is never answered to shared caches, nor is one with a
//! view limit (they would serve it uncounted).

use std::sync::Arc;

use axum::extract::FromRef;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::cache::Representation;
use crate::delivery::{self, Delivered, Wanted};
use crate::error::Error;
use crate::ids::ShareId;
use crate::protect::{Access, Credentials};
use crate::respond::{self, Caching};
use crate::state::AppState;
use crate::views;

/// What reading a share needs: the state (one reference count per request).
#[derive(Clone)]
pub struct ShareReader(AppState);

impl FromRef<AppState> for ShareReader {
    fn from_ref(state: &AppState) -> Self {
        Self(state.clone())
    }
}

impl std::ops::Deref for ShareReader {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.0
    }
}

impl ShareReader {
    /// The newest version of share `id` as `representation`, or 304 when
    /// the client has it.
    pub async fn respond(
        &self,
        id: &str,
        representation: Representation,
        headers: &HeaderMap,
        credentials: &Credentials,
    ) -> Result<Response, Error> {
        self.respond_version(id, None, representation, headers, credentials)
            .await
    }

    /// Version `version` (`None`: the newest) of share `id`. A 304 is not
    /// a view, nor is the preview card; a share with a view limit is
    /// counted before it is answered.
    pub async fn respond_version(
        &self,
        id: &str,
        version: Option<u32>,
        representation: Representation,
        headers: &HeaderMap,
        credentials: &Credentials,
    ) -> Result<Response, Error> {
        let now = self.clock.now();
        let wanted = Wanted {
            representation,
            version,
            access: Access {
                protection: &self.protection,
                credentials,
            },
        };
        // Gate, steps 1 and 2: live (404/410), then the share's password
        // (401/429), checked before anything is loaded or rendered.
        let delivered = delivery::share(
            self.store.as_ref(),
            &self.cache,
            &self.settings,
            now,
            id,
            wanted,
        )
        .await?;
        let share_id = ShareId::parse(id).ok_or(Error::NotFound)?;
        let counts = representation != Representation::OgImage;
        // Gate, step 3: views.
        match delivered {
            Delivered::Cached(share, outcome) => {
                self.metrics.cache_lookup(outcome);
                let gate = &share.gate;
                let caching = caching(gate.max_views, gate.password_hash.is_some());
                let response = respond::cached(headers, &share.body, StatusCode::OK, caching);
                if counts && response.status() == StatusCode::OK {
                    let store = self.store.as_ref();
                    views::count(store, &self.views, &share_id, gate.max_views, now).await?;
                }
                Ok(response)
            }
            Delivered::PerView(stored) => {
                let store = self.store.as_ref();
                let max_views = stored.status.max_views;
                let caching = caching(max_views, stored.password_hash.is_some());
                // A limited share's page says how many views remain: count
                // first. Any other is counted once it is known not to be a 304.
                let counted = match max_views {
                    Some(_) => {
                        Some(views::count(store, &self.views, &share_id, max_views, now).await?)
                    }
                    None => None,
                };
                let settings = Arc::clone(&self.settings);
                let remaining = counted.and_then(|counted| counted.remaining);
                let rendered = tokio::task::spawn_blocking(move || {
                    delivery::render_counted(&stored, &settings, representation, remaining)
                })
                .await
                .map_err(|e| Error::Internal(format!("rendering task failed: {e}")))??;
                let response = respond::cached(headers, &rendered.body, StatusCode::OK, caching);
                if counted.is_none() && response.status() == StatusCode::OK {
                    views::count(store, &self.views, &share_id, None, now).await?;
                }
                Ok(response)
            }
        }
    }
}

/// A protected share only to the reader's own browser, never stored; every
/// read of a share with a view limit is counted, so no cache may keep it.
fn caching(max_views: Option<u32>, protected: bool) -> Caching {
    match (max_views, protected) {
        (_, true) => Caching::Private,
        (Some(_), false) => Caching::None,
        (None, false) => Caching::Revalidate,
    }
}
