//! Counting views: the last step of the read gate (live → password → views).
//!
//! A share with a view limit is counted in the database before it is
//! answered, with one conditional UPDATE ([`ShareStore::take_view`]), so
//! every instance on one database agrees and the last view goes to exactly
//! one reader. Every other share is counted in memory and the counts are
//! added to the database every `view_flush` and at shutdown: the cached
//! page path pays one map update, and a crash loses at most one interval
//! of counts. No IP address or user agent is kept, only counts and times.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::ids::ShareId;
use crate::shares;
use crate::store::{ShareStore, ViewCount};

/// The shortest flush interval accepted (a zero interval would spin).
const MIN_FLUSH: Duration = Duration::from_millis(100);

/// What a counted read may show: how many more times the link can be
/// opened after this view (`None`: no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counted {
    pub remaining: Option<u64>,
}

/// The views of shares without a limit, counted in memory until the next flush.
pub struct ViewCounter {
    enabled: bool,
    flush_every: Duration,
    pending: Mutex<HashMap<ShareId, (u64, DateTime<Utc>)>>,
}

impl ViewCounter {
    /// `enabled: false` counts only shares with a view limit.
    pub fn new(enabled: bool, flush_every: Duration) -> Self {
        Self {
            enabled,
            flush_every: flush_every.max(MIN_FLUSH),
            pending: Mutex::default(),
        }
    }

    pub fn flush_interval(&self) -> Duration {
        self.flush_every
    }

    /// Counts one view of a share without a limit (in memory).
    pub fn record(&self, id: &ShareId, now: DateTime<Utc>) {
        if !self.enabled {
            return;
        }
        if let Ok(mut pending) = self.pending.lock() {
            match pending.get_mut(id) {
                Some((views, last)) => {
                    *views += 1;
                    *last = (*last).max(now);
                }
                None => {
                    pending.insert(id.clone(), (1, now));
                }
            }
        }
    }

    /// Writes the counts so far to the database. On failure they are kept
    /// for the next flush.
    pub async fn flush(&self, store: &dyn ShareStore) -> Result<(), Error> {
        let counts: Vec<ViewCount> = match self.pending.lock() {
            Ok(mut pending) => pending
                .drain()
                .map(|(id, (views, last_viewed_at))| ViewCount {
                    id,
                    views,
                    last_viewed_at,
                })
                .collect(),
            Err(_) => return Ok(()),
        };
        if counts.is_empty() {
            return Ok(());
        }
        if let Err(error) = store.add_views(counts.clone()).await {
            for count in counts {
                for _ in 0..count.views {
                    self.record(&count.id, count.last_viewed_at);
                }
            }
            return Err(error.into());
        }
        Ok(())
    }
}

/// Counts one full read of a live share: in the database for a share with
/// a view limit (410 `view_limit_reached` when it is used up), in memory
/// for any other.
pub async fn count(
    store: &dyn ShareStore,
    counter: &ViewCounter,
    id: &ShareId,
    max_views: Option<u32>,
    now: DateTime<Utc>,
) -> Result<Counted, Error> {
    let Some(max) = max_views else {
        counter.record(id, now);
        return Ok(Counted::default());
    };
    match store.take_view(id, now).await? {
        Some(views) => Ok(Counted {
            remaining: Some(u64::from(max).saturating_sub(views)),
        }),
        // Used up, or revoked or expired since the gate's check: say which.
        None => {
            shares::check_status(store.share_status(id).await?, now)?;
            Err(Error::ViewLimitReached)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_per_share_and_a_disabled_counter_keeps_none() {
        let counter = ViewCounter::new(true, Duration::ZERO);
        assert_eq!(counter.flush_interval(), MIN_FLUSH);
        let (a, b) = (ShareId::generate().unwrap(), ShareId::generate().unwrap());
        let t = DateTime::UNIX_EPOCH;
        counter.record(&a, t + chrono::TimeDelta::seconds(2));
        counter.record(&a, t);
        counter.record(&b, t);
        let pending = counter.pending.lock().unwrap();
        assert_eq!(pending[&a], (2, t + chrono::TimeDelta::seconds(2)));
        assert_eq!(pending[&b], (1, t));
        let off = ViewCounter::new(false, MIN_FLUSH);
        off.record(&a, t);
        assert!(off.pending.lock().unwrap().is_empty());
    }
}
