//! Password-protected shares: the password step of the gate every read of
//! a share goes through (live → password → views), the unlock cookie the
//! page's form sets, and the limits on wrong guesses.
//!
//! - A password is never stored: the share row keeps its argon2id hash
//!   (a PHC string, default parameters m=19456 KiB, t=2, p=1).
//! - The unlock cookie of share `<id>` is `share_unlock_<id>=<expiry-unix>.
//!   <base64url HMAC-SHA256(key, "<id>|<expiry>")>` on `Path=/shared`, so
//!   the browser sends it to the page, its versions and files, and the
//!   `.json`/`.md`/`.html` downloads beside it (`/shared/<id>.json` is not
//!   under `/shared/<id>`). It is sent to other shares' pages too, where it
//!   opens nothing: only the cookie of that share's name is read, and its
//!   signature covers the share id. The key lives in the database
//!   (`server_keys`), so every instance on one database accepts every
//!   other's cookies. Each unlocked share adds one ~90-byte cookie to
//!   requests under `/shared` until it expires.
//! - Wrong guesses are counted per share and per client over a sliding
//!   minute: at 5 for a share or 10 for a client every further guess is
//!   refused with 429 and `Retry-After` before the password is even
//!   checked. The counts live in this instance's memory, not the database:
//!   N instances allow N times the guesses and a restart forgets them — a
//!   factor the operator sets, bought back by no database write per wrong
//!   guess (SECURITY.md weighs it).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::Error;
use crate::ids::ShareId;
use crate::store::ShareStore;

/// The header that carries a share's password (publish and reads).
pub const PASSWORD_HEADER: &str = "x-share-password";

/// The shape of a possible password, as the API document states it: no
/// control characters (C0, DEL or C1), as [`Password::parse`] requires.
pub const PASSWORD_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$";

/// The start of the unlock cookies' names: share `<id>`'s is
/// `share_unlock_<id>` (see [`unlock_cookie_name`]).
pub const UNLOCK_COOKIE_PREFIX: &str = "share_unlock_";
/// Longest password, in bytes of UTF-8.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Wrong guesses per share, then per client, allowed in [`GUESS_WINDOW`].
pub const SHARE_GUESSES: usize = 5;
pub const CLIENT_GUESSES: usize = 10;
pub const GUESS_WINDOW: Duration = Duration::from_secs(60);
/// The name of the cookie-signing key in `server_keys`.
const UNLOCK_KEY_NAME: &str = "unlock-cookie";
const KEY_BYTES: usize = 32;

/// A password as a client sent it: 1–1024 bytes of UTF-8 without control
/// characters. Its `Debug` never shows it.
pub struct Password(String);

impl Password {
    /// The password in a header value or form field, or 400 `invalid_password`.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let text = std::str::from_utf8(bytes).map_err(|_| Error::InvalidPassword)?;
        let valid =
            (1..=MAX_PASSWORD_BYTES).contains(&text.len()) && !text.chars().any(char::is_control);
        valid
            .then(|| Password(text.to_owned()))
            .ok_or(Error::InvalidPassword)
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// The argon2id hash of a password as a PHC string. CPU-bound (tens of
/// milliseconds), so it runs on the blocking pool.
pub async fn hash(password: Password) -> Result<String, Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| Error::Internal(format!("no randomness for a salt: {e}")))?;
    blocking(move || {
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| Error::Internal(format!("salt: {e}")))?;
        Argon2::default()
            .hash_password(password.0.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| Error::Internal(format!("could not hash a password: {e}")))
    })
    .await
}

/// Whether `password` matches the stored `hash` (constant time inside argon2).
async fn is_right(hash: &str, password: &Password) -> Result<bool, Error> {
    let hash = hash.to_owned();
    let password = password.0.clone();
    blocking(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| Error::Internal(format!("stored password hash is unreadable: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(format!("password task failed: {e}")))?
}

/// The key that signs unlock cookies.
pub struct UnlockKey([u8; KEY_BYTES]);

impl UnlockKey {
    /// The key stored in the database, created by the first instance that asks.
    pub async fn load(store: &dyn ShareStore) -> Result<Self, Error> {
        let mut candidate = vec![0u8; KEY_BYTES];
        getrandom::fill(&mut candidate)
            .map_err(|e| Error::Internal(format!("no randomness for a key: {e}")))?;
        let stored = store.server_key(UNLOCK_KEY_NAME, candidate).await?;
        Self::from_bytes(&stored)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        bytes
            .try_into()
            .map(UnlockKey)
            .map_err(|_| Error::Internal("the stored unlock key has the wrong length".into()))
    }

    fn mac(&self, id: &ShareId, expires: i64) -> Hmac<Sha256> {
        // A 32-byte key is always accepted.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(format!("{id}|{expires}").as_bytes());
        mac
    }

    /// The cookie value that unlocks share `id` until `expires`.
    pub fn sign(&self, id: &ShareId, expires: DateTime<Utc>) -> String {
        let expires = expires.timestamp();
        let tag = self.mac(id, expires).finalize().into_bytes();
        format!("{expires}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// Whether `value` is a cookie this key signed for share `id`, not yet expired.
    pub fn accepts(&self, id: &ShareId, value: &str, now: DateTime<Utc>) -> bool {
        let Some((expires, tag)) = value.split_once('.') else {
            return false;
        };
        let (Ok(expires), Ok(tag)) = (expires.parse::<i64>(), URL_SAFE_NO_PAD.decode(tag)) else {
            return false;
        };
        expires > now.timestamp() && self.mac(id, expires).verify_slice(&tag).is_ok()
    }
}

/// The name of share `id`'s unlock cookie (a share id is a valid cookie name).
pub fn unlock_cookie_name(id: &ShareId) -> String {
    format!("{UNLOCK_COOKIE_PREFIX}{id}")
}

/// Who is guessing: a share being guessed at, or a client guessing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Guesser {
    Share(ShareId),
    Client(IpAddr),
}

/// Wrong guesses of the last [`GUESS_WINDOW`], per share and per client.
#[derive(Default)]
pub struct GuessLimiter {
    wrong: Mutex<HashMap<Guesser, VecDeque<Instant>>>,
}

impl GuessLimiter {
    fn keys(id: &ShareId, client: Option<IpAddr>) -> Vec<(Guesser, usize)> {
        let mut keys = vec![(Guesser::Share(id.clone()), SHARE_GUESSES)];
        keys.extend(client.map(|ip| (Guesser::Client(ip), CLIENT_GUESSES)));
        keys
    }

    /// 429 while the share or the client has used up its wrong guesses;
    /// `Retry-After` is when the oldest of them leaves the window.
    pub fn check(&self, id: &ShareId, client: Option<IpAddr>) -> Result<(), Error> {
        let now = Instant::now();
        let Ok(mut wrong) = self.wrong.lock() else {
            return Ok(());
        };
        let mut wait = Duration::ZERO;
        for (key, limit) in Self::keys(id, client) {
            if let Some(times) = wrong.get_mut(&key) {
                forget_old(times, now);
                if times.len() >= limit
                    && let Some(&oldest) = times.front()
                {
                    wait = wait.max(GUESS_WINDOW.saturating_sub(now - oldest));
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(Error::RateLimited { retry_after: wait })
        }
    }

    /// Counts a wrong guess against the share and the client.
    pub fn record_wrong(&self, id: &ShareId, client: Option<IpAddr>) {
        let now = Instant::now();
        if let Ok(mut wrong) = self.wrong.lock() {
            for (key, _) in Self::keys(id, client) {
                wrong.entry(key).or_default().push_back(now);
            }
        }
    }

    /// Forgets guesses older than the window (bounds memory).
    pub fn retain_recent(&self) {
        let now = Instant::now();
        if let Ok(mut wrong) = self.wrong.lock() {
            wrong.retain(|_, times| {
                forget_old(times, now);
                !times.is_empty()
            });
        }
    }
}

fn forget_old(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|&at| now.duration_since(at) >= GUESS_WINDOW)
    {
        times.pop_front();
    }
}

/// What the password step needs: the cookie key, the cookie's lifetime and
/// attributes, and the guess counters.
pub struct Protection {
    key: UnlockKey,
    ttl: Duration,
    /// Mark the cookie `Secure` (the public URL is https).
    secure: bool,
    pub guesses: GuessLimiter,
}

impl Protection {
    pub fn new(key: UnlockKey, ttl: Duration, public_url: &str) -> Self {
        Self {
            key,
            ttl,
            secure: public_url.starts_with("https://"),
            guesses: GuessLimiter::default(),
        }
    }

    /// The `Set-Cookie` value that unlocks share `id` for the configured
    /// time: on `Path=/shared`, so it also reaches the downloads beside the
    /// page.
    pub fn unlock_cookie(&self, id: &ShareId, now: DateTime<Utc>) -> String {
        let ttl = chrono::TimeDelta::from_std(self.ttl).unwrap_or(chrono::TimeDelta::hours(12));
        let value = self.key.sign(id, now + ttl);
        let secure = if self.secure { "; Secure" } else { "" };
        format!(
            "{}={value}; Path=/shared; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            unlock_cookie_name(id),
            self.ttl.as_secs()
        )
    }

    /// Checks a guess at share `id`'s password: 429 when the share or the
    /// client has guessed wrong too often, 401 `wrong_password` (counted)
    /// when it does not match.
    pub async fn try_password(
        &self,
        id: &ShareId,
        hash: &str,
        password: &Password,
        client: Option<IpAddr>,
    ) -> Result<(), Error> {
        self.guesses.check(id, client)?;
        if is_right(hash, password).await? {
            Ok(())
        } else {
            self.guesses.record_wrong(id, client);
            Err(Error::WrongPassword)
        }
    }
}

/// What a reader of a share presents: the `X-Share-Password` header, the
/// unlock cookies it sent (name and value of each `share_unlock_…`), and
/// its address (for the guess limit).
#[derive(Debug, Default)]
pub struct Credentials {
    pub password: Option<Password>,
    pub cookies: Vec<(String, String)>,
    pub client: Option<IpAddr>,
}

/// One reader at the password step of the gate.
#[derive(Clone, Copy)]
pub struct Access<'a> {
    pub protection: &'a Protection,
    pub credentials: &'a Credentials,
}

impl Access<'_> {
    /// The password step for share `id` (already known live): open for a
    /// share without a password, for a valid unlock cookie, or for the
    /// right password; else 401 (`password_required`, `wrong_password`)
    /// or 429.
    pub async fn admit(
        &self,
        id: &ShareId,
        password_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let Some(hash) = password_hash else {
            return Ok(());
        };
        let key = &self.protection.key;
        let name = unlock_cookie_name(id);
        if self
            .credentials
            .cookies
            .iter()
            .any(|(n, value)| *n == name && key.accepts(id, value, now))
        {
            return Ok(());
        }
        match &self.credentials.password {
            Some(password) => {
                self.protection
                    .try_password(id, hash, password, self.credentials.client)
                    .await
            }
            None => Err(Error::PasswordRequired),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> ShareId {
        ShareId::generate().unwrap()
    }

    #[test]
    fn passwords_are_checked_for_size_and_characters() {
        for good in [
            "x",
            "correct horse",
            "пароль 🔐",
            &"a".repeat(MAX_PASSWORD_BYTES),
        ] {
            assert!(Password::parse(good.as_bytes()).is_ok(), "{good:?}");
        }
        let too_long = "a".repeat(MAX_PASSWORD_BYTES + 1);
        for bad in [
            b"".as_slice(),
            too_long.as_bytes(),
            b"tab\there",
            b"new\nline",
            b"\x7f",
            b"\xff\xfe",
            "\u{85}".as_bytes(),
        ] {
            assert!(
                matches!(Password::parse(bad), Err(Error::InvalidPassword)),
                "{bad:?}"
            );
        }
        assert_eq!(
            format!("{:?}", Password::parse(b"secret").unwrap()),
            "Password(…)"
        );
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let hash = hash(Password::parse("s3cret ü".as_bytes()).unwrap())
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(!hash.contains("s3cret"));
        let right = Password::parse("s3cret ü".as_bytes()).unwrap();
        let wrong = Password::parse(b"s3cret u").unwrap();
        assert!(is_right(&hash, &right).await.unwrap());
        assert!(!is_right(&hash, &wrong).await.unwrap());
    }

    #[test]
    fn cookies_open_their_share_until_they_expire() {
        let key = UnlockKey::from_bytes(&[7; KEY_BYTES]).unwrap();
        let (x, y) = (id(), id());
        let now = Utc::now();
        let cookie = key.sign(&x, now + chrono::TimeDelta::hours(1));
        assert!(key.accepts(&x, &cookie, now));
        assert!(!key.accepts(&y, &cookie, now), "another share");
        assert!(
            !key.accepts(&x, &cookie, now + chrono::TimeDelta::hours(2)),
            "expired"
        );
        let other_key = UnlockKey::from_bytes(&[8; KEY_BYTES]).unwrap();
        assert!(!other_key.accepts(&x, &cookie, now), "another key");
        // A later expiry with the old signature, a flipped signature, junk.
        let (expires, tag) = cookie.split_once('.').unwrap();
        let later = format!("{}.{tag}", expires.parse::<i64>().unwrap() + 3600);
        let mut flipped = cookie.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        for bad in [
            later,
            String::from_utf8(flipped).unwrap(),
            String::new(),
            ".".into(),
            "x.y".into(),
        ] {
            assert!(!key.accepts(&x, &bad, now), "{bad:?}");
        }
    }

    #[test]
    fn wrong_guesses_are_limited_per_share_and_per_client() {
        let limiter = GuessLimiter::default();
        let share = id();
        let client: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..SHARE_GUESSES {
            assert!(limiter.check(&share, Some(client)).is_ok());
            limiter.record_wrong(&share, Some(client));
        }
        match limiter.check(&share, None) {
            Err(Error::RateLimited { retry_after }) => {
                assert!(retry_after > Duration::ZERO && retry_after <= GUESS_WINDOW);
            }
            other => panic!("{other:?}"),
        }
        // The same client at other shares, up to its own limit.
        for _ in SHARE_GUESSES..CLIENT_GUESSES {
            let other = id();
            assert!(limiter.check(&other, Some(client)).is_ok());
            limiter.record_wrong(&other, Some(client));
        }
        assert!(limiter.check(&id(), Some(client)).is_err());
        assert!(
            limiter
                .check(&id(), Some("192.0.2.2".parse().unwrap()))
                .is_ok()
        );
        limiter.retain_recent();
        assert!(limiter.check(&share, None).is_err(), "still in the window");
    }
}
