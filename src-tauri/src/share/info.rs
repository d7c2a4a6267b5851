//! What a share server says about itself (`GET /api/v0/info`): the snapshot
//! versions it accepts and its expiry policy, so the app never promises what
//! the server will not do.

use super::api::call;
use super::{SERVER_TIMEOUT, ServerError};

/// The path of a server's self-description.
pub const INFO_PATH: &str = "/api/v0/info";

pub use contract::ServerInfo;

/// What a server older than its self-description stores: version 1 only.
pub const VERSIONS_BEFORE_INFO: &[u32] = &[1];

/// Refuses a server that cannot store what this app writes.
pub fn check_info_accepts(
    info: &ServerInfo,
    server: &str,
    version: u32,
) -> Result<(), ServerError> {
    check_accepts(&info.schema_versions, server, version)
}

/// Refuses a server described by `info` — or, without a description (a
/// server that answered 404), taken to store version 1 only — when it cannot
/// store snapshot `version`.
pub fn check_described(
    info: Option<&ServerInfo>,
    server: &str,
    version: u32,
) -> Result<(), ServerError> {
    match info {
        Some(info) => check_info_accepts(info, server, version),
        None => check_accepts(VERSIONS_BEFORE_INFO, server, version),
    }
}

fn check_accepts(accepted: &[u32], server: &str, version: u32) -> Result<(), ServerError> {
    if accepted.contains(&version) {
        Ok(())
    } else {
        Err(ServerError::ServerTooOld {
            server: server.to_owned(),
            accepted: accepted.to_vec(),
            written: version,
        })
    }
}

/// The server's description; `None` from a server older than the endpoint
/// (it answers 404), which accepts version 1 snapshots only.
pub async fn fetch_info(
    client: &reqwest::Client,
    server: &str,
) -> Result<Option<ServerInfo>, ServerError> {
    let url = format!("{}{INFO_PATH}", server.trim_end_matches('/'));
    match call::<ServerInfo>(client.get(url).timeout(SERVER_TIMEOUT), server).await {
        Ok(info) => Ok(Some(info)),
        Err(ServerError::Gone { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server described as accepting version 1, and one without a
    /// description (taken to store version 1 only), refuse version 2 alike.
    #[test]
    fn a_server_that_cannot_store_the_snapshot_is_named_too_old() {
        let server = "https://share.example.com";
        let info = ServerInfo {
            name: "Parlor share-server".into(),
            version: "0.0.9".into(),
            schema_versions: vec![1],
            max_expiry_seconds: None,
            default_expiry_seconds: None,
            allow_anonymous: false,
            public_url: server.into(),
        };
        for described in [Some(&info), None] {
            assert!(check_described(described, server, 1).is_ok());
            let error = check_described(described, server, 2).unwrap_err();
            assert_eq!(error.code(), "server_too_old");
            assert_eq!(
                error.to_string(),
                "The share server at https://share.example.com is too old for this snapshot: it accepts snapshot versions [1], Parlor writes version 2. Ask its admin to upgrade it."
            );
        }
        assert!(check_info_accepts(&info, server, 1).is_ok());
        assert!(check_info_accepts(&info, server, 2).is_err());
    }
}
