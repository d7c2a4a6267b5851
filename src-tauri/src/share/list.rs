//! My shares: the shares recorded here merged with a team server's own list,
//! and revoking one wherever it lives.

use super::*;

/// A share's status at `now`.
fn status_of(
    revoked_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ShareStatus {
    if revoked_at.is_some() {
        ShareStatus::Revoked
    } else if expires_at.is_some_and(|at| at <= now) {
        ShareStatus::Expired
    } else {
        ShareStatus::Active
    }
}

/// Who can open a recorded share: as recorded, or guessed from its server
/// for shares recorded before that was kept.
pub(super) fn reach_of(record: &ShareRecord) -> Reach {
    match record.reach.as_deref().and_then(ReachKind::parse) {
        Some(kind) => Reach::of(kind, &record.server_url),
        None => Reach::guess(&record.server_url),
    }
}

/// A share recorded here, as My shares lists it.
pub fn local_item(record: ShareRecord, now: DateTime<Utc>) -> ShareListItem {
    let reach = reach_of(&record);
    ShareListItem {
        status: status_of(record.revoked_at, record.expires_at, now),
        share_id: record.share_id,
        server_url: record.server_url,
        share_url: record.share_url,
        session_id: record.session_id,
        title: record.title,
        expires_at: record.expires_at,
        created_at: record.created_at,
        revoked_at: record.revoked_at,
        reach,
        source: ShareSource::Local,
        views: None,
        last_viewed_at: None,
        max_views: None,
        versions: 1,
        protected: false,
    }
}

/// One share in a server's `GET /api/v0/shared-chats` page.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServerShare {
    share_id: String,
    share_url: String,
    title: String,
    created_at: DateTime<Utc>,
    #[serde(default)]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    revoked_at: Option<DateTime<Utc>>,
    #[serde(default)]
    views: Option<u64>,
    #[serde(default)]
    last_viewed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    max_views: Option<u32>,
    #[serde(default)]
    versions: Option<u32>,
    #[serde(default)]
    protected: bool,
}

impl ServerShare {
    /// What only the server knows (views, limit, versions, password) into
    /// `item`; a server too old to count says nothing and changes nothing.
    fn count_into(&self, item: &mut ShareListItem) {
        item.views = self.views.or(item.views);
        item.last_viewed_at = self.last_viewed_at.or(item.last_viewed_at);
        item.max_views = self.max_views.or(item.max_views);
        item.versions = self.versions.unwrap_or(item.versions);
        item.protected |= self.protected;
    }
}

#[derive(Debug, Deserialize)]
struct ServerShareList {
    items: Vec<ServerShare>,
}

/// A server's own list of the shares `token` made; `None` when it cannot be
/// read (said in the log: the local records still stand).
async fn server_list(core: &AppCore, server: &str, token: &str) -> Option<Vec<ServerShare>> {
    let url = format!("{server}{API_PATH}?limit={SERVER_LIST_LIMIT}");
    let request = core
        .http
        .get(url)
        .timeout(SERVER_TIMEOUT)
        .bearer_auth(token);
    match call::<ServerShareList>(request, server).await {
        Ok(list) => Some(list.items),
        Err(e) => {
            tracing::warn!("the list of {server} could not be read: {e}");
            None
        }
    }
}

/// The embedded server's views, limits and versions into the shares it
/// holds. Only while it runs: My shares never starts it. Its shares are
/// matched by id alone, as its address changes with the share mode.
async fn count_embedded(core: &AppCore, items: &mut [ShareListItem]) -> Result<(), ShareError> {
    let Some(embedded) = crate::embedded::status(core).await else {
        return Ok(());
    };
    let key = SecretKey::ShareServerToken(crate::embedded::TOKEN_KEY.into());
    let Some(token) = core.secret(key).await? else {
        return Ok(());
    };
    let Some(listed) = server_list(core, &embedded.base_url, &token).await else {
        return Ok(());
    };
    for share in listed {
        let own = items
            .iter_mut()
            .filter(|item| item.reach.kind != ReachKind::Team)
            .find(|item| item.share_id == share.share_id);
        if let Some(item) = own {
            share.count_into(item);
        }
    }
    Ok(())
}

/// How many of the team server's shares My shares asks for.
const SERVER_LIST_LIMIT: u32 = 100;

/// My shares: every share recorded here, merged with the team server's own
/// list when a team server is chosen (so shares made with the same token
/// on another device appear, and the server's word on revocation and
/// expiry wins). The server's list failing is not fatal: the local records
/// are still the truth of what this app made.
pub async fn list_shares(core: &AppCore) -> Result<Vec<ShareListItem>, ShareError> {
    let now = Utc::now();
    let mut items: Vec<ShareListItem> = core
        .store
        .list_shares()?
        .into_iter()
        .map(|record| local_item(record, now))
        .collect();
    count_embedded(core, &mut items).await?;
    let settings = core.settings()?;
    let Some(team) = settings.share_server.active_team_url() else {
        return Ok(items);
    };
    let team = team.trim_end_matches('/').to_owned();
    let Some(token) = core
        .secret(SecretKey::ShareServerToken(team.clone()))
        .await?
    else {
        return Ok(items);
    };
    let Some(listed) = server_list(core, &team, &token).await else {
        return Ok(items);
    };
    for share in listed {
        let status = status_of(share.revoked_at, share.expires_at, now);
        if let Some(item) = items
            .iter_mut()
            .find(|item| item.share_id == share.share_id && item.server_url == team)
        {
            if status == ShareStatus::Revoked && item.revoked_at.is_none() {
                core.store.mark_share_revoked(
                    &team,
                    &share.share_id,
                    share.revoked_at.unwrap_or(now),
                )?;
                item.revoked_at = share.revoked_at;
            }
            item.status = status;
            share.count_into(item);
            continue;
        }
        let record = ShareRecord {
            share_id: share.share_id.clone(),
            server_url: team.clone(),
            share_url: share.share_url.clone(),
            session_id: None,
            title: share.title.clone(),
            delete_token: None,
            expires_at: share.expires_at,
            created_at: share.created_at,
            revoked_at: share.revoked_at,
            reach: Some(ReachKind::Team.as_str().to_owned()),
        };
        let mut item = ShareListItem {
            source: ShareSource::Server,
            ..local_item(record, now)
        };
        share.count_into(&mut item);
        items.push(item);
    }
    items.sort_by_key(|item| std::cmp::Reverse(item.created_at));
    Ok(items)
}

/// Revokes a share: `DELETE` with the owner token of its server (from the
/// keyring) and/or the share's own delete token (`X-Delete-Token`). A share
/// the server no longer has (404/410) counts as revoked. A share listed only
/// by the team server is revoked there with the team token.
pub async fn revoke_share(core: &AppCore, share_id: &str) -> Result<ShareRecord, ShareError> {
    let record = match core.store.share(share_id) {
        Ok(record) => record,
        Err(StoreError::NotFound { .. }) => return revoke_on_team_server(core, share_id).await,
        Err(e) => return Err(e.into()),
    };
    let auth = share_auth(core, &record).await?;
    let url = format!(
        "{}{API_PATH}/{}",
        record.server_url.trim_end_matches('/'),
        record.share_id
    );
    let request = auth.apply(core.http.delete(url).timeout(SERVER_TIMEOUT));
    match call::<Value>(request, &record.server_url).await {
        Ok(_) | Err(ServerError::Gone { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    core.store
        .mark_share_revoked(&record.server_url, &record.share_id, Utc::now())?;
    Ok(core.store.share(share_id)?)
}

/// What lets this app change a share it recorded: its server's owner token
/// and/or its delete token; neither is [`ShareError::TokenLost`].
pub(super) async fn share_auth(
    core: &AppCore,
    record: &ShareRecord,
) -> Result<ShareAuth, ShareError> {
    let auth = ShareAuth {
        owner_token: owner_token(core, &record.server_url).await?,
        delete_token: record.delete_token.clone(),
    };
    if auth.owner_token.is_none() && auth.delete_token.is_none() {
        return Err(ShareError::TokenLost);
    }
    Ok(auth)
}

/// The owner token for shares on `server_url`: the team token stored for
/// it, or the app's own token when it is the embedded server.
async fn owner_token(core: &AppCore, server_url: &str) -> Result<Option<String>, ShareError> {
    let server_url = server_url.trim_end_matches('/');
    if let Some(token) = core
        .secret(SecretKey::ShareServerToken(server_url.to_owned()))
        .await?
    {
        return Ok(Some(token));
    }
    let embedded = crate::embedded::status(core).await;
    let own = embedded.as_ref().is_some_and(|e| e.base_url == server_url)
        || Reach::guess(server_url).kind != ReachKind::Team;
    if own {
        return Ok(core
            .secret(SecretKey::ShareServerToken(
                crate::embedded::TOKEN_KEY.into(),
            ))
            .await?);
    }
    Ok(None)
}

/// Revokes a share this app has no record of, on the chosen team server.
async fn revoke_on_team_server(core: &AppCore, share_id: &str) -> Result<ShareRecord, ShareError> {
    let settings = core.settings()?;
    let team = settings
        .share_server
        .active_team_url()
        .ok_or_else(|| ShareError::UnknownShare(share_id.to_owned()))?
        .trim_end_matches('/')
        .to_owned();
    let token = core
        .secret(SecretKey::ShareServerToken(team.clone()))
        .await?
        .ok_or(ShareError::NoTeamToken)?;
    let url = format!("{team}{API_PATH}/{share_id}");
    let request = core
        .http
        .delete(url)
        .timeout(SERVER_TIMEOUT)
        .bearer_auth(&token);
    match call::<Value>(request, &team).await {
        Ok(_) | Err(ServerError::Gone { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let now = Utc::now();
    Ok(ShareRecord {
        share_id: share_id.to_owned(),
        share_url: format!("{team}/shared/{share_id}"),
        server_url: team,
        session_id: None,
        title: String::new(),
        delete_token: None,
        expires_at: None,
        created_at: now,
        revoked_at: Some(now),
        reach: Some(ReachKind::Team.as_str().to_owned()),
    })
}
