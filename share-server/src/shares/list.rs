//! The owner's list of shares: its paging parameters and items.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Error;
use crate::settings::Settings;
use crate::store::{ShareStore, User};

/// Default page size of the share list.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// Largest page size of the share list.
pub const MAX_PAGE_SIZE: u32 = 100;

/// One of the caller's shares.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShareListItem {
    pub share_id: String,
    pub share_url: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// `live`, `expired`, `revoked` or `burnt` (opened as many times as
    /// `maxViews` allows).
    #[schema(example = "live")]
    pub status: &'static str,
    /// Full reads of the page or the API so far (304s and this list do not
    /// count; counts of shares without `maxViews` reach the list within a
    /// few seconds).
    pub views: u64,
    /// When it was last read; `null` before the first view.
    pub last_viewed_at: Option<DateTime<Utc>>,
    /// The view limit; `null` when there is none.
    pub max_views: Option<u32>,
    /// How many versions it has (1 until a new version is published).
    pub versions: u32,
    /// Whether it asks for a password.
    pub protected: bool,
}

/// A page of the caller's shares, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShareList {
    pub items: Vec<ShareListItem>,
    /// How many shares the caller has in all.
    pub total: u64,
    pub limit: u32,
    pub offset: u64,
}

/// Parses `limit` and `offset` from a raw query string.
pub fn page_params(query: Option<&str>) -> Result<(u32, u64), Error> {
    let mut limit = DEFAULT_PAGE_SIZE;
    let mut offset = 0;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "limit" => {
                limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
                    .ok_or_else(|| Error::InvalidQuery {
                        field: "limit",
                        message: format!("must be a whole number from 1 to {MAX_PAGE_SIZE}"),
                    })?;
            }
            "offset" => {
                offset = value
                    .parse()
                    .ok()
                    .filter(|&n: &u64| i64::try_from(n).is_ok())
                    .ok_or_else(|| Error::InvalidQuery {
                        field: "offset",
                        message: "must be a whole number ≥ 0".into(),
                    })?;
            }
            _ => {}
        }
    }
    Ok((limit, offset))
}

/// The caller's shares, newest first.
pub async fn list(
    store: &dyn ShareStore,
    settings: &Settings,
    now: DateTime<Utc>,
    user: &User,
    limit: u32,
    offset: u64,
) -> Result<ShareList, Error> {
    let page = store.list_shares(user.id, limit, offset).await?;
    let items = page
        .items
        .into_iter()
        .map(|share| ShareListItem {
            share_url: settings.share_url(&share.id),
            share_id: share.id.to_string(),
            title: share.title,
            created_at: share.created_at,
            expires_at: share.status.expires_at,
            revoked_at: share.status.revoked_at,
            status: share.status.liveness(now).as_str(),
            views: share.status.views,
            last_viewed_at: share.last_viewed_at,
            max_views: share.status.max_views,
            versions: share.status.versions,
            protected: share.protected,
        })
        .collect();
    Ok(ShareList {
        items,
        total: page.total,
        limit,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_parameters() {
        assert_eq!(page_params(None).unwrap(), (DEFAULT_PAGE_SIZE, 0));
        assert_eq!(page_params(Some("limit=5&offset=10")).unwrap(), (5, 10));
        assert_eq!(
            page_params(Some("offset=3&other=x")).unwrap(),
            (DEFAULT_PAGE_SIZE, 3)
        );
        for bad in ["limit=0", "limit=101", "limit=abc", "offset=-1", "limit="] {
            match page_params(Some(bad)) {
                Err(Error::InvalidQuery { .. }) => {}
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
