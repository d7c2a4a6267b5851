//! Share ids and secret tokens: generated from the OS CSPRNG, checked by shape
//! before any database lookup, and stored only as SHA-256 hashes.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Length of a share id in base62 characters (22 × log2(62) ≈ 131 bits).
pub(crate) const SHARE_ID_LEN: usize = 22;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Random bytes per token (256 bits).
const TOKEN_BYTES: usize = 32;

/// The OS random number generator failed (no entropy source available).
#[derive(Debug, thiserror::Error)]
#[error("the OS random number generator failed: {0}")]
pub struct RandomError(String);

fn fill_random(buf: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(buf).map_err(|e| RandomError(e.to_string()))
}

/// The public id of a share: 22 base62 characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShareId(String);

impl ShareId {
    /// A fresh id from the OS CSPRNG.
    pub fn generate() -> Result<Self, RandomError> {
        let mut id = String::with_capacity(SHARE_ID_LEN);
        let mut buf = [0u8; 32];
        while id.len() < SHARE_ID_LEN {
            fill_random(&mut buf)?;
            // Rejection sampling keeps every character equally likely:
            // 248 = 4 × 62, so bytes below it map onto base62 without bias.
            for &byte in buf.iter().filter(|&&b| b < 248) {
                if id.len() == SHARE_ID_LEN {
                    break;
                }
                id.push(char::from(BASE62[usize::from(byte % 62)]));
            }
        }
        Ok(Self(id))
    }

    /// `Some` when `text` has the shape of a share id (checked before any lookup).
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == SHARE_ID_LEN && text.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ShareId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ShareId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ShareId({})", self.0)
    }
}

/// What a token is for; the prefix makes leaked tokens easy to recognise
/// (and to find with secret scanners).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A user's API token (`Authorization: Bearer …`).
    User,
    /// The token that lets its holder revoke one share (`X-Delete-Token`).
    Delete,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::User => "psu_",
            TokenKind::Delete => "psd_",
        }
    }
}

/// A secret token in clear text. It exists only between generation and the
/// one response (or CLI output) that shows it; `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A fresh token: a kind prefix and 32 random bytes in hex.
    pub fn generate(kind: TokenKind) -> Result<Self, RandomError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        fill_random(&mut bytes)?;
        Ok(Self(format!("{}{}", kind.prefix(), hex::encode(bytes))))
    }

    pub(crate) fn into_string(self) -> String {
        self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// SHA-256 of a token: the only form in which tokens are stored.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The hash of a token as presented by a client.
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Self)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Constant-time equality, for comparing a presented token with a stored hash.
    pub fn matches(&self, other: &TokenHash) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_have_the_shape_parse_accepts() {
        for _ in 0..200 {
            let id = ShareId::generate().unwrap();
            assert_eq!(id.as_str().len(), SHARE_ID_LEN);
            assert_eq!(ShareId::parse(id.as_str()), Some(id));
        }
    }

    #[test]
    fn ids_are_distinct() {
        let ids: std::collections::HashSet<_> =
            (0..1000).map(|_| ShareId::generate().unwrap()).collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            "",
            "short",
            "abcdefghijklmnopqrstuvw",
            "abcdefghijklmnopqrstu-",
            "abcdefghijklmnopqrst.u",
            "../../../../etc/passwd",
            "abcdefghijklmnopqrstué",
        ] {
            assert_eq!(ShareId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn tokens_are_prefixed_hashed_and_compared() {
        let token = Token::generate(TokenKind::User).unwrap();
        let clear = token.clone().into_string();
        assert!(clear.starts_with("psu_"));
        assert_eq!(clear.len(), 4 + 64);
        assert!(token.hash().matches(&TokenHash::of(&clear)));
        assert!(!token.hash().matches(&TokenHash::of("psu_other")));
        assert!(!format!("{token:?}").contains(&clear[4..]));
        let delete = Token::generate(TokenKind::Delete).unwrap();
        assert!(delete.clone().into_string().starts_with("psd_"));
        assert_ne!(delete, token);
    }
}
