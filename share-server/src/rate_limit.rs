//! Rate limits on publishing, listing and revoking, per client IP and per
//! token (governor's keyed GCRA limiters; each kind of request has its own
//! budget), and how the client IP is found.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::Error;
use crate::ids::TokenHash;

/// The kinds of request that are limited, each with its own budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Publish,
    List,
    Revoke,
}

pub struct RateLimits {
    per_ip: Option<DefaultKeyedRateLimiter<(Action, IpAddr)>>,
    per_token: Option<DefaultKeyedRateLimiter<(Action, TokenHash)>>,
    clock: DefaultClock,
}

fn per_minute(n: u32) -> Option<Quota> {
    NonZeroU32::new(n).map(Quota::per_minute)
}

impl RateLimits {
    /// Allows `ip_per_minute` requests of each [`Action`] per client IP and
    /// `token_per_minute` per token, each with a burst of the same size; 0
    /// turns a limit off.
    pub fn new(ip_per_minute: u32, token_per_minute: u32) -> Self {
        Self {
            per_ip: per_minute(ip_per_minute).map(RateLimiter::keyed),
            per_token: per_minute(token_per_minute).map(RateLimiter::keyed),
            clock: DefaultClock::default(),
        }
    }

    pub fn check_ip(&self, action: Action, ip: IpAddr) -> Result<(), Error> {
        self.check(self.per_ip.as_ref(), &(action, ip))
    }

    pub fn check_token(&self, action: Action, token: &TokenHash) -> Result<(), Error> {
        self.check(self.per_token.as_ref(), &(action, *token))
    }

    fn check<K: Clone + Eq + std::hash::Hash>(
        &self,
        limiter: Option<&DefaultKeyedRateLimiter<K>>,
        key: &K,
    ) -> Result<(), Error> {
        match limiter {
            Some(limiter) => limiter
                .check_key(key)
                .map_err(|not_until| Error::RateLimited {
                    retry_after: not_until.wait_time_from(self.clock.now()),
                }),
            None => Ok(()),
        }
    }

    /// Forgets keys whose limits have fully replenished (bounds memory).
    pub fn retain_recent(&self) {
        if let Some(limiter) = &self.per_ip {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        if let Some(limiter) = &self.per_token {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// How often [`RateLimits::retain_recent`] runs.
pub const CLEANUP_INTERVAL: Duration = Duration::from_secs(60);

/// The client's IP: the last `X-Forwarded-For` entry when the proxy is
/// trusted (the one the proxy itself appended), else the TCP peer.
pub fn client_ip(parts: &Parts, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key() {
        let limits = RateLimits::new(2, 0);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limits.check_ip(Action::Publish, a).is_ok());
        assert!(limits.check_ip(Action::Publish, a).is_ok());
        match limits.check_ip(Action::Publish, a) {
            Err(Error::RateLimited { retry_after }) => {
                assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(30));
            }
            other => panic!("{other:?}"),
        }
        assert!(limits.check_ip(Action::Publish, b).is_ok());
        // Each kind of request has its own budget.
        assert!(limits.check_ip(Action::List, a).is_ok());
        assert!(limits.check_ip(Action::Revoke, a).is_ok());
        // The token limit is off.
        for _ in 0..100 {
            assert!(
                limits
                    .check_token(Action::List, &TokenHash::of("t"))
                    .is_ok()
            );
        }
    }

    #[test]
    fn forwarded_for_only_when_trusted() {
        let request = axum::http::Request::builder()
            .header("x-forwarded-for", "203.0.113.9, 198.51.100.7")
            .body(())
            .unwrap();
        let (mut parts, ()) = request.into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
        assert_eq!(client_ip(&parts, false), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(
            client_ip(&parts, true),
            Some("198.51.100.7".parse().unwrap())
        );
    }
}
