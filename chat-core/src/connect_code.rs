//! The connect code: one line that carries a team share-server's public URL
//! and a user's API token, printed by `share-server user add` and pasted into
//! the app (Settings → Share server).
//!
//! Format: `parlor1.` followed by the unpadded base64url encoding of the JSON
//! object `{"url": "<public URL>", "token": "<API token>"}`. The prefix names
//! the version; the JSON ends with `}`, so a code cut off when copied fails to
//! decode instead of yielding a shorter token. The code is a secret (it holds
//! the token): treat it like the token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// What every connect code starts with.
pub const PREFIX: &str = "parlor1.";

/// A team server's URL and a token for it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectCode {
    pub url: String,
    pub token: String,
}

impl std::fmt::Debug for ConnectCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectCode")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// Why a pasted connect code cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectCodeError {
    #[error("The connect code is empty.")]
    Empty,
    #[error(
        "This is not a Parlor connect code: it should start with “{PREFIX}” (the server's `share-server user add` prints it)."
    )]
    NoPrefix,
    #[error(
        "The connect code is incomplete or damaged: {0}. Copy the whole line again (it may have been cut off)."
    )]
    Damaged(String),
    #[error("The connect code has no {0}.")]
    Missing(&'static str),
}

impl ConnectCode {
    /// The one-line code.
    pub fn encode(&self) -> String {
        // Serializing two strings cannot fail.
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
    }

    /// Reads a pasted code; surrounding whitespace (and line breaks a chat
    /// program may have inserted) are ignored.
    pub fn decode(text: &str) -> Result<Self, ConnectCodeError> {
        let compact: String = text.split_whitespace().collect();
        if compact.is_empty() {
            return Err(ConnectCodeError::Empty);
        }
        let body = compact
            .strip_prefix(PREFIX)
            .ok_or(ConnectCodeError::NoPrefix)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body.trim_end_matches('='))
            .map_err(|e| ConnectCodeError::Damaged(format!("not base64url ({e})")))?;
        let code: ConnectCode = serde_json::from_slice(&bytes)
            .map_err(|e| ConnectCodeError::Damaged(format!("not the expected JSON ({e})")))?;
        if code.url.trim().is_empty() {
            return Err(ConnectCodeError::Missing("server URL"));
        }
        if code.token.trim().is_empty() {
            return Err(ConnectCodeError::Missing("token"));
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ConnectCode {
        ConnectCode {
            url: "https://share.example.com".into(),
            token: "pst_0123456789abcdef".into(),
        }
    }

    #[test]
    fn a_code_round_trips_and_survives_whitespace() {
        let code = sample().encode();
        assert!(code.starts_with(PREFIX));
        assert!(!code.contains(char::is_whitespace));
        assert_eq!(ConnectCode::decode(&code), Ok(sample()));
        let (head, tail) = code.split_at(20);
        let wrapped = format!("  {head}\n{tail}\r\n");
        assert_eq!(ConnectCode::decode(&wrapped), Ok(sample()));
    }

    #[test]
    fn every_truncation_is_refused() {
        let code = sample().encode();
        for end in PREFIX.len()..code.len() {
            let cut = &code[..end];
            assert!(
                matches!(ConnectCode::decode(cut), Err(ConnectCodeError::Damaged(_))),
                "{cut:?} was accepted"
            );
        }
    }

    #[test]
    fn bad_codes_name_what_is_wrong() {
        assert_eq!(ConnectCode::decode(" \n"), Err(ConnectCodeError::Empty));
        assert_eq!(
            ConnectCode::decode("https://share.example.com"),
            Err(ConnectCodeError::NoPrefix)
        );
        assert!(matches!(
            ConnectCode::decode("parlor1.!!!"),
            Err(ConnectCodeError::Damaged(m)) if m.contains("base64url")
        ));
        let no_token = format!(
            "{PREFIX}{}",
            URL_SAFE_NO_PAD.encode(r#"{"url":"https://a","token":""}"#)
        );
        assert_eq!(
            ConnectCode::decode(&no_token),
            Err(ConnectCodeError::Missing("token"))
        );
        let extra = format!(
            "{PREFIX}{}",
            URL_SAFE_NO_PAD.encode(r#"{"url":"https://a","token":"t","x":1}"#)
        );
        assert!(matches!(
            ConnectCode::decode(&extra),
            Err(ConnectCodeError::Damaged(_))
        ));
        let message = ConnectCode::decode("parlor1.e30").unwrap_err().to_string();
        assert!(message.contains("incomplete or damaged"), "{message}");
    }

    #[test]
    fn debug_output_hides_the_token() {
        let shown = format!("{:?}", sample());
        assert!(!shown.contains("pst_"), "{shown}");
    }
}
