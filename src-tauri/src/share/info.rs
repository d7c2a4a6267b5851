//! What a share server says about itself (`GET /api/v0/info`): the snapshot
//! versions it accepts and its expiry policy, so the app never promises what
//! the server will not do.

use super::api::call;
use super::{SERVER_TIMEOUT, ShareError};

/// The path of a server's self-description.
pub const INFO_PATH: &str = "/api/v0/info";

pub use super::connection::ServerInfo;

impl ServerInfo {
    /// Refuses a server that cannot store what this app writes.
    pub fn check_accepts(&self, server: &str, version: u32) -> Result<(), ShareError> {
        if self.schema_versions.contains(&version) {
            Ok(())
        } else {
            Err(ShareError::ServerTooOld {
                server: server.to_owned(),
                accepted: self.schema_versions.clone(),
                written: version,
            })
        }
    }
}

/// The server's description; `None` from a server older than the endpoint
/// (it answers 404), which accepts version 1 snapshots only.
pub async fn fetch_info(
    client: &reqwest::Client,
    server: &str,
) -> Result<Option<ServerInfo>, ShareError> {
    let url = format!("{}{INFO_PATH}", server.trim_end_matches('/'));
    match call::<ServerInfo>(client.get(url).timeout(SERVER_TIMEOUT), server).await {
        Ok(info) => Ok(Some(info)),
        Err(ShareError::Gone { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_that_cannot_store_the_snapshot_is_named_too_old() {
        let info = ServerInfo {
            name: "Parlor share-server".into(),
            version: "0.0.9".into(),
            schema_versions: vec![1],
            max_expiry_seconds: None,
            default_expiry_seconds: None,
            allow_anonymous: false,
            public_url: "https://share.example.com".into(),
        };
        assert!(info.check_accepts("https://share.example.com", 1).is_ok());
        let error = info
            .check_accepts("https://share.example.com", 2)
            .unwrap_err();
        assert_eq!(error.code(), "server_too_old");
        assert_eq!(
            error.to_string(),
            "The share server at https://share.example.com is too old for this snapshot: it accepts snapshot versions [1], Parlor writes version 2. Ask its admin to upgrade it."
        );
    }
}
