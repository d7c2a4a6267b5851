//! The one error type of the app core. The UI receives it as
//! `{code, message, field?, retryAfterSecs?}`: `code` is stable and
//! machine-readable, `message` is for a person. No secret is ever part of a
//! message (keys travel in headers; errors name the server, never the key).

use contract::error::{CommandError, code};
use serde::ser::{Serialize, Serializer};

use crate::secrets::SecretError;
use crate::settings::SettingsError;
use crate::share::api::ShareError;
use crate::share::connection::ConnectionError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error(transparent)]
    ConnectCode(#[from] chat_core::connect_code::ConnectCodeError),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) | AppError::Store(StoreError::NotFound { .. }) => code::NOT_FOUND,
            AppError::Invalid(_) | AppError::Store(StoreError::Invalid(_)) => code::INVALID_INPUT,
            AppError::Store(_) => code::STORAGE,
            AppError::Secret(_) => code::KEYRING,
            AppError::Settings(e) => e.code(),
            AppError::Share(e) => e.code(),
            AppError::Connection(e) => e.code(),
            AppError::ConnectCode(_) => code::INVALID_CONNECT_CODE,
            AppError::Internal(_) => code::INTERNAL,
        }
    }

    /// The field at fault, when a server named one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Share(e) => e.field(),
            _ => None,
        }
    }

    /// Seconds to wait before trying again, when a server said so.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::Share(e) => e.retry_after_secs(),
            _ => None,
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CommandError {
            code: self.code().to_owned(),
            message: self.to_string(),
            field: self.field().map(str::to_owned),
            retry_after_secs: self.retry_after_secs(),
        }
        .serialize(serializer)
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("a background task failed: {e}"))
    }
}
