//! Files attached to messages, as the shell stores them (once, by SHA-256)
//! and the UI shows them. The rules on what may be attached — types, sizes,
//! counts — are chat-core's ([`chat_core::attachment`], [`chat_core::limits`]),
//! the same ones the share-server applies.

use serde::{Deserialize, Serialize};

/// A stored file a message refers to (its bytes are fetched apart, with
/// `get_attachment`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentRef {
    /// SHA-256 of the stored bytes (after metadata was stripped from an
    /// image), lowercase hex: the file's identity.
    pub sha256: String,
    /// The name the user attached it with.
    pub name: String,
    /// `image/png`, `text/markdown`, `application/pdf`, …
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// Pixels, for an image whose header says.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// A stored file with its bytes, base64 (standard, padded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentData {
    pub attachment: AttachmentRef,
    pub data: String,
}

impl AttachmentData {
    /// A `data:` URL of the file, for an `<img src>` or a download link.
    pub fn data_url(&self) -> String {
        format!("data:{};base64,{}", self.attachment.media_type, self.data)
    }
}

/// The limits the UI states beside the attach button and checks before it
/// sends a file: chat-core's, so the app never keeps a file a share would
/// refuse.
pub mod limits {
    pub use chat_core::limits::{
        MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_NAME_BYTES, MAX_ATTACHMENTS,
        MAX_ATTACHMENTS_PER_MESSAGE, MAX_ATTACHMENTS_TOTAL_BYTES,
    };
}
