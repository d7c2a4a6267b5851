//! Server configuration: one plain struct with defaults suitable for tests and
//! embedding, plus the parsers for the human forms used by the CLI and the
//! TOML config file (`30d`, `8MiB`, `never`).

use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;

use crate::clock::Clock;
use crate::error::Error;

/// Everything [`crate::spawn`] needs. Start from [`Config::default`] (port 0,
/// an in-memory database, anonymous publishing off) and set what differs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// `sqlite://path/to/shares.db`, `sqlite:///abs/path.db`, `sqlite::memory:`
    /// or `postgres://user:password@host:port/database` (several instances on
    /// one database).
    pub database_url: String,
    /// Public base URL used in `shareUrl` (no trailing slash needed). `None`:
    /// `http://<bound address>`.
    pub public_url: Option<String>,
    /// Largest accepted request body, in bytes (413 above it). The default,
    /// `chat_core::limits::MAX_BODY_BYTES`, fits the largest snapshot the
    /// schema allows with its attachments.
    pub body_limit: usize,
    /// Longest time a request may take, body upload included (408 after it).
    pub request_timeout: Duration,
    /// Whether POST without a token is accepted.
    pub allow_anonymous: bool,
    /// Lifetime of a share whose snapshot asks for none. `None`: no expiry.
    pub default_expiry: Option<Duration>,
    /// Longest lifetime of any share; later `expiresAt` requests are capped.
    /// `None`: unlimited.
    pub max_expiry: Option<Duration>,
    /// Shares one client IP may publish per minute (0: unlimited).
    pub rate_limit_ip: u32,
    /// Shares one token may publish per minute (0: unlimited).
    pub rate_limit_token: u32,
    /// Take the client IP from the last `X-Forwarded-For` entry (only behind
    /// a reverse proxy that sets it) instead of the TCP peer address.
    pub trust_forwarded_for: bool,
    /// Memory budget of the rendered-share cache, in bytes (0 disables it).
    pub cache_size: usize,
    /// The host names and IP addresses the server answers for, as in the
    /// `Host` header (port ignored, case-insensitive; IPv6 with or without
    /// brackets). Requests for any other host, or naming none, get 421
    /// before any handler runs: the defence against DNS rebinding for a
    /// server that web pages can reach (see `hosts.rs`). Empty (the
    /// default): any host.
    pub allowed_hosts: Vec<String>,
    /// The clock (tests use [`Clock::adjustable`]).
    pub clock: Clock,
    /// How long the cookie set by a password-protected share's unlock form
    /// opens that share.
    pub unlock_ttl: Duration,
    /// Count the views of shares without a view limit, for their owners
    /// (shares with a limit are always counted).
    pub count_views: bool,
    /// How often the views counted in memory are written to the database
    /// (and at shutdown): a crash loses at most this much of the counts.
    pub view_flush: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            database_url: "sqlite::memory:".to_owned(),
            public_url: None,
            body_limit: chat_core::limits::MAX_BODY_BYTES,
            // Enough to upload the largest body (34.7 MiB) at 5 Mbit/s.
            request_timeout: Duration::from_secs(60),
            allow_anonymous: false,
            default_expiry: Some(days(30)),
            max_expiry: Some(days(365)),
            rate_limit_ip: 60,
            rate_limit_token: 120,
            trust_forwarded_for: false,
            cache_size: 64 * 1024 * 1024,
            allowed_hosts: Vec::new(),
            clock: Clock::system(),
            unlock_ttl: Duration::from_secs(12 * 60 * 60),
            count_views: true,
            view_flush: Duration::from_secs(5),
        }
    }
}

impl Config {
    pub fn with_database_url(mut self, url: impl Into<String>) -> Self {
        self.database_url = url.into();
        self
    }

    pub fn with_public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    pub fn with_bind(mut self, bind: SocketAddr) -> Self {
        self.bind = bind;
        self
    }

    pub fn with_allow_anonymous(mut self, allow: bool) -> Self {
        self.allow_anonymous = allow;
        self
    }

    /// Answer only requests for these hosts (see [`Config::allowed_hosts`]),
    /// e.g. `["127.0.0.1", "localhost", "[::1]"]` for a loopback server.
    pub fn with_allowed_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed_hosts = hosts.into_iter().map(Into::into).collect();
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Turns both rate limits off (e.g. for an embedded, single-user server).
    pub fn without_rate_limits(mut self) -> Self {
        self.rate_limit_ip = 0;
        self.rate_limit_token = 0;
        self
    }
}

const fn days(n: u64) -> Duration {
    Duration::from_secs(n * 24 * 60 * 60)
}

/// Parses `90s`, `15m`, `12h`, `30d`, `2w` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = number_and_unit::<u64>(text, "a duration (e.g. 30s, 15m, 12h, 30d)")?;
    let seconds_per_unit = match unit {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        "w" => 7 * 24 * 60 * 60,
        other => {
            return Err(format!(
                "unknown duration unit `{other}` (use s, m, h, d or w)"
            ));
        }
    };
    number
        .checked_mul(seconds_per_unit)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{text}` is too long a duration"))
}

/// `text` as its leading whole number and the unit after it: `30d` is
/// `(30, "d")`. `what` names the expected form in the error.
fn number_and_unit<'a, T: FromStr>(text: &'a str, what: &str) -> Result<(T, &'a str), String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number = number
        .parse()
        .map_err(|_| format!("`{text}` is not {what}"))?;
    Ok((number, unit.trim()))
}

/// Parses an expiry: a duration as [`parse_duration`], or `never` (`None`).
pub fn parse_expiry(text: &str) -> Result<Option<Duration>, String> {
    if text.trim().eq_ignore_ascii_case("never") {
        Ok(None)
    } else {
        parse_duration(text).map(Some)
    }
}

/// Parses a byte size: `1048576`, `512KiB`, `8MiB`, `8MB`, `1GiB`.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (number, unit) = number_and_unit::<usize>(text, "a size (e.g. 8MiB, 512KiB, 1048576)")?;
    let multiplier: usize = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "kib" => 1024,
        "m" | "mb" => 1000 * 1000,
        "mib" => 1024 * 1024,
        "g" | "gb" => 1000 * 1000 * 1000,
        "gib" => 1024 * 1024 * 1024,
        other => return Err(format!("unknown size unit `{other}` (use KiB, MiB or GiB)")),
    };
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// `url` without surrounding space or trailing slash, if it is an http(s)
/// URL without query or fragment: the base of every share link, and the URL
/// in connect codes.
pub fn normalize_public_url(url: &str) -> Result<String, Error> {
    let url = url.trim().trim_end_matches('/');
    let valid = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains(['?', '#', ' ']);
    if valid {
        Ok(url.to_owned())
    } else {
        Err(Error::Config(format!(
            "the public URL `{url}` must be an http(s) URL without query or fragment"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls() {
        assert_eq!(
            normalize_public_url("https://share.example.com/").unwrap(),
            "https://share.example.com"
        );
        assert_eq!(
            normalize_public_url("http://10.0.0.1:8080/parlor").unwrap(),
            "http://10.0.0.1:8080/parlor"
        );
        for bad in ["share.example.com", "ftp://x", "https://", "https://x/?q=1"] {
            assert!(normalize_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("30d"), Ok(days(30)));
        assert_eq!(parse_duration("2w"), Ok(days(14)));
        assert!(parse_duration("d").is_err());
        assert!(parse_duration("3y").is_err());
        assert!(parse_duration("-3s").is_err());
        assert_eq!(parse_expiry("never"), Ok(None));
        assert_eq!(parse_expiry("1h"), Ok(Some(Duration::from_secs(3600))));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("8MiB"), Ok(8 * 1024 * 1024));
        assert_eq!(parse_size("512 KiB"), Ok(512 * 1024));
        assert_eq!(parse_size("2mb"), Ok(2_000_000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5TiB").is_err());
    }
}
