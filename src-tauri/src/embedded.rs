//! The embedded share server: when no team server is configured, Share
//! publishes to the share-server library running inside the app, so it works
//! on a fresh install with no setup.
//!
//! - Its SQLite file is `shares.db` in the app-data dir.
//! - It binds 127.0.0.1 unless the user chose a LAN address in Settings.
//! - Its port is kept in the settings: links stay valid across restarts. On
//!   the first start, or when the kept port is taken, a free port is chosen
//!   (and kept from then on); old links of a taken port then stop working.
//! - On loopback anyone who can connect is this machine's user, so
//!   publishing is anonymous. On a LAN address it is not: the app creates a
//!   user on its server and keeps the token in the keyring.
//! - Shares expire only when asked to, and there are no rate limits (one
//!   publisher: the user).

use std::net::{IpAddr, SocketAddr};

use share_server::{Config, RunningServer};

use crate::core::Core;
use crate::error::AppError;
use crate::secrets::SecretKey;

/// The database file of the embedded server, in the app-data dir.
pub const DATABASE_FILE: &str = "shares.db";

/// The settings row that keeps the embedded server's port.
pub const PORT_SETTING: &str = "embeddedPort";

/// The keyring entry of the embedded server's token (LAN mode only).
pub const TOKEN_KEY: &str = "embedded";

pub struct EmbeddedServer {
    pub base_url: String,
    /// The bearer token to publish with (LAN mode), `None` on loopback.
    pub token: Option<String>,
    server: RunningServer,
}

impl std::fmt::Debug for EmbeddedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedServer")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// The embedded server's base URL and token, starting it on first use.
pub async fn ensure_started(core: &Core) -> Result<(String, Option<String>), AppError> {
    let mut slot = core.embedded.lock().await;
    if let Some(running) = slot.as_ref() {
        return Ok((running.base_url.clone(), running.token.clone()));
    }
    let settings = core.settings()?;
    let ip: IpAddr = settings.share_server.embedded_bind.parse().map_err(|_| {
        AppError::Invalid("the embedded server address is not an IP address".into())
    })?;
    // Kept apart from the user's settings, which the UI saves whole.
    let kept_port: Option<u16> = core.store.setting(PORT_SETTING)?;
    let server = match spawn(core, ip, kept_port.unwrap_or(0)).await {
        Ok(server) => server,
        Err(e) if kept_port.is_some() => {
            tracing::warn!("port {kept_port:?} is not available ({e}); choosing another");
            spawn(core, ip, 0).await?
        }
        Err(e) => return Err(e),
    };
    let port = server.addr.port();
    if kept_port != Some(port) {
        core.store.set_setting(PORT_SETTING, &port)?;
    }
    let token = if ip.is_loopback() {
        None
    } else {
        Some(lan_token(core, &server).await?)
    };
    let running = EmbeddedServer {
        base_url: server.base_url.clone(),
        token,
        server,
    };
    tracing::info!("embedded share server at {}", running.base_url);
    let answer = (running.base_url.clone(), running.token.clone());
    *slot = Some(running);
    Ok(answer)
}

async fn spawn(core: &Core, ip: IpAddr, port: u16) -> Result<RunningServer, AppError> {
    let database = core.data_dir.join(DATABASE_FILE);
    let config = Config {
        default_expiry: None,
        max_expiry: None,
        ..Config::default()
    }
    .with_bind(SocketAddr::new(ip, port))
    .with_database_url(format!("sqlite://{}", database.display()))
    .with_allow_anonymous(ip.is_loopback())
    .without_rate_limits();
    share_server::spawn(config)
        .await
        .map_err(|e| AppError::Internal(format!("the embedded share server could not start: {e}")))
}

/// The token for a LAN-bound server: the one in the keyring, or a new user's.
async fn lan_token(core: &Core, server: &RunningServer) -> Result<String, AppError> {
    let key = SecretKey::ShareServerToken(TOKEN_KEY.into());
    if let Some(token) = core.secret(key.clone()).await? {
        return Ok(token);
    }
    let name = format!("parlor-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let token = server.add_user(&name).await.map_err(|e| {
        AppError::Internal(format!("could not create the embedded server's user: {e}"))
    })?;
    core.set_secret(key, Some(token.clone())).await?;
    Ok(token)
}

/// Starts the embedded server at app start, unless a team server is set.
pub async fn start_unless_team(core: &Core) -> Result<(), AppError> {
    if core.settings()?.share_server.team_url.is_none() {
        ensure_started(core).await?;
    }
    Ok(())
}

/// Stops the embedded server, letting requests in flight finish.
pub async fn shutdown(core: &Core) {
    let running = core.embedded.lock().await.take();
    if let Some(running) = running {
        running.server.shutdown().await;
    }
}

/// Whether the embedded server runs now, and where.
pub async fn running_url(core: &Core) -> Option<String> {
    core.embedded
        .lock()
        .await
        .as_ref()
        .map(|running| running.base_url.clone())
}
