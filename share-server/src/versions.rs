//! Versions at the same link: the owner (or the holder of the delete token)
//! publishes a new snapshot to a live share. Each version is immutable;
//! the share's page and API answer the newest, `/shared/{id}/v/{n}` and
//! `?version=n` a given one. A new version keeps the share's expiry, view
//! limit and count; revoking the share removes every version.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use crate::cache::PageCache;
use crate::error::Error;
use crate::settings::Settings;
use crate::shares::{self, Revoker, Upload};
use crate::store::{NewVersion, ShareStore};
use chat_core::TotalsWarning;

/// The answer to publishing a new version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionCreated {
    #[schema(example = "3kTMd9Fv0qLzR8wYbN2pXe")]
    pub share_id: String,
    /// The share's link, which now shows this version.
    pub share_url: String,
    /// The new version's number (2 for the first update).
    #[schema(example = 2)]
    pub version: u32,
    /// The link that keeps showing this version after newer ones.
    pub version_url: String,
    /// As for a publish: totals sent that differ from the server's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<TotalsWarning>,
}

/// Publishes `upload` as the newest version of share `id` for its owner or
/// the holder of its delete token (anyone else: the 404 of an unknown id),
/// and drops this instance's cached renderings of it (other instances see
/// the new version count on their next hit).
pub async fn publish(
    store: &dyn ShareStore,
    cache: &PageCache,
    settings: &Settings,
    now: DateTime<Utc>,
    id: &str,
    revoker: &Revoker,
    upload: Upload,
) -> Result<VersionCreated, Error> {
    let (id, auth) = shares::authorize(store, id, revoker).await?;
    shares::check_status(Some(auth.status), now)?;
    let version = NewVersion {
        id: id.clone(),
        title: upload.snapshot.title.clone(),
        snapshot: upload.bytes,
        created_at: now.trunc_subsecs(3),
        files: upload.files,
    };
    let number = store.insert_version(version, now).await?;
    cache.remove(&id);
    // Revoked, expired or used up since the check above.
    let number = number.ok_or(Error::Gone)?;
    let share_url = settings.share_url(&id);
    Ok(VersionCreated {
        share_id: id.to_string(),
        version_url: format!("{share_url}/v/{number}"),
        share_url,
        version: number,
        warnings: upload.warnings,
    })
}

/// `version` from a raw query string (`None`: the newest). Not a whole
/// number from 1: 400 naming `version`.
pub fn version_param(query: Option<&str>) -> Result<Option<u32>, Error> {
    let mut version = None;
    for pair in query.unwrap_or_default().split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == "version" {
            let number = value.parse().ok().filter(|&n: &u32| n >= 1);
            version = Some(number.ok_or_else(|| Error::InvalidQuery {
                field: "version",
                message: "must be a whole number ≥ 1".into(),
            })?);
        }
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_parameter() {
        assert_eq!(version_param(None).unwrap(), None);
        assert_eq!(version_param(Some("version=2")).unwrap(), Some(2));
        assert_eq!(version_param(Some("x=1&version=1")).unwrap(), Some(1));
        for bad in [
            "version=0",
            "version=-1",
            "version=",
            "version=a",
            "version=1.5",
        ] {
            assert!(
                matches!(
                    version_param(Some(bad)),
                    Err(Error::InvalidQuery {
                        field: "version",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }
}
