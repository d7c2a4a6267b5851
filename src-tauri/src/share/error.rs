//! The error of Share as a whole: a share server's answer, a failed
//! connection check, or what stopped the app before it asked a server.

use std::path::PathBuf;

use chat_core::connect_code::ConnectCodeError;
use contract::error::code;

use super::api::ServerError;
use super::connection::ConnectionError;
use crate::app::CoreError;
use crate::attachments::AttachmentError;
use crate::embedded::EmbeddedError;
use crate::store::StoreError;

/// Why a share could not be made, listed, revoked, exported or imported, or
/// a team server not connected; grouped by the step that meets them.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    // The local records, and what they lack.
    /// The session, or the local share records.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "this share was published with a token that is no longer stored; it cannot be revoked from here"
    )]
    TokenLost,
    #[error("share {0} is not known here")]
    UnknownShare(String),
    #[error("share {0} was made from another conversation")]
    OtherSession(String),
    // Making a share.
    /// The share server refused or failed, or would refuse the snapshot.
    #[error(transparent)]
    Server(#[from] ServerError),
    #[error("message {0} is not part of this session")]
    UnknownMessage(String),
    #[error("there is no message to share")]
    NothingToShare,
    // The app's own parts.
    /// The settings, secrets or the HTTP client.
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    // Exporting.
    #[error("the folder {} could not be made: {source}", dir.display())]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("the file {} could not be written: {source}", path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    // Connecting a team server.
    /// The team server's check, step by step.
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error("no token is stored for the team server")]
    NoTeamToken,
    #[error(transparent)]
    ConnectCode(#[from] ConnectCodeError),
    /// A file of the conversation that cannot be published or imported.
    #[error(transparent)]
    Attachment(#[from] AttachmentError),
}

impl ShareError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        match self {
            ShareError::Server(e) => e.code(),
            ShareError::Core(e) => e.code(),
            ShareError::Store(e) => e.code(),
            ShareError::Embedded(e) => e.code(),
            ShareError::Connection(e) => e.code(),
            ShareError::Attachment(e) => e.code(),
            ShareError::ConnectCode(_) => code::INVALID_CONNECT_CODE,
            ShareError::UnknownMessage(_)
            | ShareError::NothingToShare
            | ShareError::OtherSession(_)
            | ShareError::TokenLost
            | ShareError::NoTeamToken => code::INVALID_INPUT,
            ShareError::UnknownShare(_) => code::NOT_FOUND,
            ShareError::Folder { .. } | ShareError::File { .. } => code::INTERNAL,
        }
    }

    /// The field at fault, when a server named one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ShareError::Server(e) => e.field(),
            _ => None,
        }
    }

    /// Seconds to wait before trying again, when a server said so.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            ShareError::Server(e) => e.retry_after_secs(),
            _ => None,
        }
    }
}
