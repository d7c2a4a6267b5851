//! How a store tells the caches above it that what they hold of a share is
//! stale: pushed by the store itself, so a cached hit needs no lookup.
//!
//! A store calls [`Invalidations::share`] after every change that can make
//! a share unservable or its rendering stale (revoked, a new version, its
//! view limit reached, purged), and [`Invalidations::everything`] when it
//! may have missed some. Whether every change is known is
//! [`Invalidations::is_complete`]: always for SQLite (one process makes
//! every change, so the eviction is made before the change is answered);
//! for PostgreSQL only while this instance's listener holds a lease that
//! its connection renews (see `postgres/listen.rs`). While it is not, the
//! caches must check the store on every hit.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Weak};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::ids::ShareId;

/// Something that keeps renderings of shares.
pub trait Evict: Send + Sync {
    /// Drops what is kept of one share.
    fn evict(&self, id: &ShareId);
    /// Drops everything (changes may have been missed).
    fn evict_all(&self);
}

/// [`Invalidations::complete_until`] of a store whose pushes never lapse.
const FOREVER: u64 = u64::MAX;

/// The caches to tell, and until when what they were told is complete.
pub struct Invalidations {
    sinks: Mutex<Vec<Weak<dyn Evict>>>,
    /// Milliseconds after `origin` until which every change has been
    /// pushed; 0: not complete, [`FOREVER`]: always.
    complete_until: AtomicU64,
    origin: Instant,
    /// The shares whose eviction some process acknowledged.
    acks: broadcast::Sender<ShareId>,
}

/// Waits for the acknowledgements of a change this process makes (see
/// [`Invalidations::expect_acks`]).
pub struct Acks(broadcast::Receiver<ShareId>);

impl Acks {
    /// Waits until `count` processes acknowledged evicting share `id`, or
    /// `patience` ran out.
    pub async fn wait(mut self, id: &ShareId, count: usize, patience: Duration) {
        let wait = async {
            let mut heard = 0;
            while heard < count {
                match self.0.recv().await {
                    Ok(acked) if acked == *id => heard += 1,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        };
        let _ = tokio::time::timeout(patience, wait).await;
    }
}

impl Invalidations {
    /// For a store that makes every change itself (one process).
    pub fn always_complete() -> Self {
        Self::until(FOREVER)
    }

    /// For a store that learns of other processes' changes: incomplete
    /// until [`Invalidations::renew`] says otherwise.
    pub fn incomplete() -> Self {
        Self::until(0)
    }

    fn until(millis: u64) -> Self {
        Self {
            sinks: Mutex::default(),
            complete_until: AtomicU64::new(millis),
            origin: Instant::now(),
            acks: broadcast::channel(256).0,
        }
    }

    /// Tells `sink` of every later change (until it is dropped).
    pub fn subscribe(&self, sink: Weak<dyn Evict>) {
        if let Ok(mut sinks) = self.sinks.lock() {
            sinks.retain(|sink| sink.strong_count() > 0);
            sinks.push(sink);
        }
    }

    /// Whether every change made so far, by any process, has been pushed
    /// (up to its delivery time): a cached hit may then be served without
    /// asking the store.
    pub fn is_complete(&self) -> bool {
        match self.complete_until.load(Ordering::Acquire) {
            FOREVER => true,
            0 => false,
            until => self.millis_now() < until,
        }
    }

    /// Share `id` changed.
    pub fn share(&self, id: &ShareId) {
        self.each(|sink| sink.evict(id));
    }

    /// A process acknowledged evicting share `id`.
    pub fn acked(&self, id: &ShareId) {
        let _ = self.acks.send(id.clone());
    }

    /// Before making a change that every listening process acknowledges:
    /// the acknowledgements that arrive from now on.
    pub fn expect_acks(&self) -> Acks {
        Acks(self.acks.subscribe())
    }

    /// Changes may have been missed: drop everything.
    pub fn everything(&self) {
        self.each(|sink| sink.evict_all());
    }

    /// Pushes are complete for `lease` from now (the listener's connection
    /// just answered).
    pub fn renew(&self, lease: Duration) {
        let lease = u64::try_from(lease.as_millis()).unwrap_or(FOREVER - 1);
        let until = self.millis_now().saturating_add(lease).min(FOREVER - 1);
        self.complete_until.store(until, Ordering::Release);
    }

    /// Pushes stop being complete (the listener lost its connection), and
    /// everything kept so far is dropped: changes may have been missed.
    pub fn lapse(&self) {
        self.complete_until.store(0, Ordering::Release);
        self.everything();
    }

    fn millis_now(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis())
            .unwrap_or(FOREVER - 1)
            .max(1)
    }

    fn each(&self, tell: impl Fn(&dyn Evict)) {
        let sinks: Vec<_> = match self.sinks.lock() {
            Ok(sinks) => sinks.iter().filter_map(Weak::upgrade).collect(),
            Err(_) => return,
        };
        for sink in sinks {
            tell(sink.as_ref());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    use super::*;

    #[derive(Default)]
    struct Counting {
        shares: AtomicUsize,
        all: AtomicUsize,
    }

    impl Evict for Counting {
        fn evict(&self, _: &ShareId) {
            self.shares.fetch_add(1, Ordering::Relaxed);
        }
        fn evict_all(&self) {
            self.all.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn sinks_are_told_until_dropped_and_the_lease_lapses() {
        let hub = Invalidations::incomplete();
        assert!(!hub.is_complete());
        let sink = Arc::new(Counting::default());
        let weak: Weak<dyn Evict> = Arc::downgrade(&sink) as Weak<dyn Evict>;
        hub.subscribe(weak);
        hub.share(&ShareId::generate().unwrap());
        hub.renew(Duration::from_secs(60));
        assert!(hub.is_complete());
        hub.lapse();
        assert!(!hub.is_complete());
        assert_eq!(sink.shares.load(Ordering::Relaxed), 1);
        assert_eq!(sink.all.load(Ordering::Relaxed), 1);
        hub.renew(Duration::ZERO);
        assert!(!hub.is_complete(), "a lease of zero is over at once");
        drop(sink);
        hub.everything();
        assert!(Invalidations::always_complete().is_complete());
    }
}
