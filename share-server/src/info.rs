//! What the server tells clients about itself before they publish: which
//! snapshot versions it takes and the rules it applies (expiry, anonymous
//! publishing, where links point). The app reads it to check a server it is
//! pointed at, and to explain those rules before the user shares.

use std::time::Duration;

use serde::Serialize;

use crate::settings::Settings;

/// The snapshot `schemaVersion`s this server accepts: every version
/// chat-core reads.
pub const SCHEMA_VERSIONS: &[u32] = chat_core::ACCEPTED_SCHEMA_VERSIONS;

/// The answer of `GET /api/v0/info`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    /// Always `Parlor share-server`.
    #[schema(example = "Parlor share-server")]
    pub name: &'static str,
    /// The server's version.
    #[schema(example = "0.1.0")]
    pub version: &'static str,
    /// The snapshot `schemaVersion`s accepted by `POST /api/v0/shared-chats`.
    #[schema(example = json!([1, 2]))]
    pub schema_versions: Vec<u32>,
    /// Longest lifetime of a share, in seconds (later `expiresAt` requests
    /// are capped); `null`: no cap.
    pub max_expiry_seconds: Option<u64>,
    /// Lifetime of a share whose snapshot asks for none, in seconds; `null`:
    /// such shares never expire.
    pub default_expiry_seconds: Option<u64>,
    /// Whether shares may be published without a token.
    pub allow_anonymous: bool,
    /// The base of every `shareUrl`, without a trailing slash.
    #[schema(example = "https://share.example.com")]
    pub public_url: String,
}

pub const NAME: &str = "Parlor share-server";

pub fn server_info(settings: &Settings) -> ServerInfo {
    ServerInfo {
        name: NAME,
        version: env!("CARGO_PKG_VERSION"),
        schema_versions: SCHEMA_VERSIONS.to_vec(),
        max_expiry_seconds: settings.config.max_expiry.as_ref().map(Duration::as_secs),
        default_expiry_seconds: settings
            .config
            .default_expiry
            .as_ref()
            .map(Duration::as_secs),
        allow_anonymous: settings.config.allow_anonymous,
        public_url: settings.public_url.clone(),
    }
}
