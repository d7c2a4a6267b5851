//! Connecting a team share-server: a pasted connect code (or URL + token) is
//! tested step by step before anything is saved, so a typo, a wrong port, a
//! bad certificate or a revoked token is named at once and the previous
//! server, its token and the local share records stay as they were.

use chat_core::connect_code::{ConnectCode, PREFIX};

use super::ShareError;
use super::connection::{check_server, normalize_server_url};
use crate::app::AppCore;
use crate::secrets::SecretKey;
use crate::settings::ShareMode;

pub use contract::ConnectionCheck;

/// A server URL and the token to use with it, from a connect code or from a
/// URL and a typed token (or the one stored for that URL).
async fn server_and_token(
    core: &AppCore,
    input: &str,
    token: Option<&str>,
) -> Result<(String, Option<String>), ShareError> {
    let input = input.trim();
    if input.starts_with(PREFIX) || !input.contains("://") && input.starts_with("parlor") {
        let code = ConnectCode::decode(input)?;
        let url = normalize_server_url(&code.url)?;
        return Ok((url, Some(code.token)));
    }
    let url = normalize_server_url(input)?;
    let typed = token.map(str::trim).filter(|t| !t.is_empty());
    let token = match typed {
        Some(token) => Some(token.to_owned()),
        None => {
            core.secret(SecretKey::ShareServerToken(url.clone()))
                .await?
        }
    };
    Ok((url, token))
}

async fn check(
    core: &AppCore,
    url: &str,
    token: Option<&str>,
) -> Result<ConnectionCheck, ShareError> {
    // The check also refuses a server that cannot store this app's snapshots.
    let info = check_server(&core.http, url, token).await?;
    let token_part = if token.is_some() {
        "; the token is accepted"
    } else {
        "; it accepts shares without a token"
    };
    let cap = info
        .max_expiry_seconds
        .map(|max| {
            format!(
                " Links expire after at most {}.",
                super::duration_words(max)
            )
        })
        .unwrap_or_default();
    Ok(ConnectionCheck {
        message: format!(
            "Connected to {} {} at {url}{token_part}.{cap}",
            info.name, info.version
        ),
        url: url.to_owned(),
        info,
    })
}

/// The server `input` names, checked: its URL, the token to use with it,
/// and what the checks found.
async fn checked_server(
    core: &AppCore,
    input: &str,
    token: Option<&str>,
) -> Result<(String, Option<String>, ConnectionCheck), ShareError> {
    let (url, token) = server_and_token(core, input, token).await?;
    let checked = check(core, &url, token.as_deref()).await?;
    Ok((url, token, checked))
}

/// "Test connection": every check, nothing saved.
pub async fn test(
    core: &AppCore,
    input: &str,
    token: Option<&str>,
) -> Result<ConnectionCheck, ShareError> {
    checked_server(core, input, token)
        .await
        .map(|(_, _, checked)| checked)
}

/// Tests the server, then keeps its token in the keyring and chooses it as
/// the place Share publishes to. Nothing is changed when a check fails.
pub async fn connect(
    core: &AppCore,
    input: &str,
    token: Option<&str>,
) -> Result<ConnectionCheck, ShareError> {
    let (url, token, checked) = checked_server(core, input, token).await?;
    let mut settings = core.settings()?;
    if let Some(token) = token {
        core.set_secret(SecretKey::ShareServerToken(url.clone()), Some(token))
            .await?;
    }
    settings.share_server.mode = ShareMode::Team;
    settings.share_server.team_url = Some(url);
    core.save_settings(&settings)?;
    Ok(checked)
}
