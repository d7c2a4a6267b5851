//! A secret (a password, an API key, a bearer token) that `Debug` never
//! prints: a struct holding one can derive `Debug` and still be logged.

use serde::{Deserialize, Serialize};

/// A secret string: on the wire and in code the plain text (it derefs to
/// `str`), in `Debug` only `<redacted>`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::ops::Deref for Secret {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl From<Secret> for String {
    fn from(secret: Secret) -> Self {
        secret.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_what_serde_and_deref_show() {
        let secret = Secret::from("sk-123");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(<redacted>)");
        assert_eq!(&*secret, "sk-123");
        assert_eq!(secret.as_str(), "sk-123");
        assert_eq!(serde_json::to_value(&secret).unwrap(), "sk-123");
        let read: Secret = serde_json::from_str("\"sk-123\"").unwrap();
        assert_eq!(
            (read, String::from(secret)),
            ("sk-123".into(), "sk-123".to_owned())
        );
    }
}
