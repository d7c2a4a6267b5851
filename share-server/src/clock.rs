//! The server's notion of "now", injectable so tests can move time forward
//! (expiry) without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

/// The wall clock, optionally shifted by an adjustable offset.
///
/// Clones share the offset: a test keeps one clone and advances it while the
/// server reads another.
#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { offset_ms: None }
    }

    /// The system clock plus an offset that [`Clock::advance`] moves (for tests).
    pub fn adjustable() -> Self {
        Self {
            offset_ms: Some(Arc::new(AtomicI64::new(0))),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        match &self.offset_ms {
            None => now,
            Some(offset) => now + TimeDelta::milliseconds(offset.load(Ordering::Relaxed)),
        }
    }

    /// Moves an adjustable clock forward (or back, with a negative delta).
    /// Returns `false`, and does nothing, on the system clock.
    pub fn advance(&self, by: TimeDelta) -> bool {
        match &self.offset_ms {
            None => false,
            Some(offset) => {
                offset.fetch_add(by.num_milliseconds(), Ordering::Relaxed);
                true
            }
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.offset_ms {
            None => f.write_str("Clock::system"),
            Some(offset) => write!(
                f,
                "Clock::adjustable({} ms)",
                offset.load(Ordering::Relaxed)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjustable_clock_moves_for_every_clone() {
        let clock = Clock::adjustable();
        let other = clock.clone();
        let before = other.now();
        assert!(clock.advance(TimeDelta::hours(2)));
        assert!(other.now() - before >= TimeDelta::hours(2));
        assert!(!Clock::system().advance(TimeDelta::hours(1)));
    }
}
