//! Secrets: provider API keys and share-server tokens. The only module that
//! touches the OS keyring (the `keyring` crate over the Secret Service on
//! Linux). Secrets never reach SQLite, logs, error messages or a share.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

/// Service name of Parlor's keyring entries.
pub const SERVICE: &str = "dev.parlor.app";

/// What a secret is for; its keyring account name derives from it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum SecretKey {
    /// The API key of a configured provider endpoint (by provider id).
    ProviderApiKey(String),
    /// The bearer token for a share server (by its base URL).
    ShareServerToken(String),
}

impl SecretKey {
    /// The keyring account: `provider:<id>` or `share-token:<url>`.
    pub fn account(&self) -> String {
        match self {
            SecretKey::ProviderApiKey(id) => format!("provider:{id}"),
            SecretKey::ShareServerToken(url) => {
                format!("share-token:{}", url.trim_end_matches('/'))
            }
        }
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.account())
    }
}

/// The keyring could not be used. Never carries the secret itself.
#[derive(Debug, thiserror::Error)]
#[error("the system keyring failed for {account}: {reason}")]
pub struct SecretError {
    pub account: String,
    pub reason: String,
}

impl SecretError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        contract::error::code::KEYRING
    }
}

/// Get, set and delete secrets. [`KeyringStore`] in the app; [`MemoryStore`]
/// in tests (keyring's own mock keeps state per entry object, which makes it
/// useless across calls).
pub trait SecretStore: Send + Sync {
    /// The secret, or `None` when none is stored.
    fn get(&self, key: &SecretKey) -> Result<Option<String>, SecretError>;
    fn set(&self, key: &SecretKey, secret: &str) -> Result<(), SecretError>;
    /// Deletes the secret; deleting a missing one is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError>;
}

/// The OS keyring (Secret Service over D-Bus on Linux, via gnome-keyring or
/// KWallet).
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

impl KeyringStore {
    fn entry(key: &SecretKey) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, &key.account()).map_err(|e| failure(key, &e))
    }
}

fn failure(key: &SecretKey, error: &keyring::Error) -> SecretError {
    // keyring's messages describe the store, never the secret.
    SecretError {
        account: key.account(),
        reason: error.to_string(),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &SecretKey) -> Result<Option<String>, SecretError> {
        match Self::entry(key)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(failure(key, &e)),
        }
    }

    fn set(&self, key: &SecretKey, secret: &str) -> Result<(), SecretError> {
        Self::entry(key)?
            .set_password(secret)
            .map_err(|e| failure(key, &e))
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        match Self::entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(failure(key, &e)),
        }
    }
}

/// Secrets in memory, for tests and for a machine without a keyring.
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<SecretKey, String>>,
}

impl MemoryStore {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<SecretKey, String>>, SecretError> {
        self.secrets.lock().map_err(|_| SecretError {
            account: "memory".into(),
            reason: "lock poisoned".into(),
        })
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<String>, SecretError> {
        Ok(self.lock()?.get(key).cloned())
    }

    fn set(&self, key: &SecretKey, secret: &str) -> Result<(), SecretError> {
        self.lock()?.insert(key.clone(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.lock()?.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let store = MemoryStore::default();
        let key = SecretKey::ProviderApiKey("openai".into());
        assert_eq!(store.get(&key).unwrap(), None);
        store.set(&key, "sk-test").unwrap();
        assert_eq!(store.get(&key).unwrap().as_deref(), Some("sk-test"));
        store.delete(&key).unwrap();
        store.delete(&key).unwrap();
        assert_eq!(store.get(&key).unwrap(), None);
    }

    #[test]
    fn accounts_name_the_purpose_not_the_secret() {
        assert_eq!(
            SecretKey::ShareServerToken("https://share.example/".into()).account(),
            "share-token:https://share.example"
        );
        assert_eq!(
            format!("{:?}", SecretKey::ProviderApiKey("groq".into())),
            "provider:groq"
        );
    }

    /// The real Secret Service. Needs a session bus and an unlocked
    /// gnome-keyring, so it is ignored by default; run it with
    /// `dbus-run-session -- sh -c 'export HOME=$(mktemp -d); eval "$(printf pw |
    /// gnome-keyring-daemon --unlock --components=secrets)"; cargo test -p parlor
    /// -- --ignored secret_service'`.
    #[test]
    #[ignore = "needs a D-Bus session with gnome-keyring (see the doc comment)"]
    fn secret_service_round_trip() {
        let store = KeyringStore;
        let key = SecretKey::ProviderApiKey(format!("e2e-{}", uuid::Uuid::new_v4()));
        assert_eq!(store.get(&key).unwrap(), None);
        store.set(&key, "sk-e2e-secret-value").unwrap();
        // A fresh entry object reads it back: it really went to the keyring.
        assert_eq!(
            KeyringStore.get(&key).unwrap().as_deref(),
            Some("sk-e2e-secret-value")
        );
        store.delete(&key).unwrap();
        assert_eq!(KeyringStore.get(&key).unwrap(), None);
    }
}
