//! The embedded share server: unless a team server is chosen, Share
//! publishes to the share-server library running inside the app, so it works
//! on a fresh install with no setup.
//!
//! - Its SQLite file is `shares.db` in the app-data dir.
//! - "This computer" binds 127.0.0.1; "On my network" binds the chosen LAN
//!   address *and* 127.0.0.1 on the same port, so links made before the
//!   switch keep working here. Links name the LAN address (or the chosen
//!   host name).
//! - When the chosen address is gone (Wi-Fi off, another network) the server
//!   falls back to loopback and says so in [`EmbeddedStatus::notice`] rather
//!   than failing to start.
//! - Its port is kept in the settings: links stay valid across restarts. On
//!   the first start, or when the kept port is taken, a free port is chosen
//!   (and kept from then on).
//! - Publishing and revoking always need the app's token, kept in the
//!   keyring: any local process, or a web page using DNS rebinding, could
//!   otherwise publish to it. It answers only requests whose `Host` is one of
//!   its own addresses or names (the DNS-rebinding defence). Pages and
//!   downloads stay public, as on any share-server.
//! - Shares expire only when asked to, and there are no rate limits (one
//!   publisher: the user).

pub(crate) mod running;

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use contract::ReachKind;
use contract::error::code;
use share_server::{AppState, Config};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::{AppCore, CoreError};
use crate::secrets::SecretKey;
use crate::settings::{ShareMode, ShareServerSettings};
use crate::store::StoreError;
pub use running::{EmbeddedServer, EmbeddedStatus};

/// Why the embedded share server could not start, in the order it meets
/// them.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// Its settings, or its token in the keyring.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// Its kept port.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the embedded share server could not listen on {ip}: {source}")]
    Listen { ip: IpAddr, source: std::io::Error },
    #[error("the embedded share server has no address: {0}")]
    NoAddress(std::io::Error),
    #[error("the embedded share server could not start: {0}")]
    Start(share_server::Error),
    #[error("could not create the embedded server's user: {0}")]
    User(share_server::Error),
}

impl EmbeddedError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        match self {
            EmbeddedError::Core(e) => e.code(),
            EmbeddedError::Store(e) => e.code(),
            _ => code::INTERNAL,
        }
    }
}

/// The database file of the embedded server, in the app-data dir.
pub const DATABASE_FILE: &str = "shares.db";

/// The settings row that keeps the embedded server's port.
pub const PORT_SETTING: &str = "embeddedPort";

/// The keyring entry of the embedded server's token.
pub const TOKEN_KEY: &str = "embedded";

/// The embedded server's status, starting it on first use (or restarting
/// it when its settings changed).
pub async fn ensure_started(core: &AppCore) -> Result<EmbeddedStatus, EmbeddedError> {
    let settings = core.settings()?.share_server;
    let mut slot = core.embedded.lock().await;
    if let Some(running) = slot.as_ref() {
        if same_server(&running.settings, &settings) {
            return Ok(running.status.clone());
        }
        if let Some(old) = slot.take() {
            old.stop().await;
        }
    }
    let running = launch(core, &settings).await?;
    tracing::info!(url = %running.status.base_url, "embedded share server started");
    let status = running.status.clone();
    *slot = Some(running);
    Ok(status)
}

/// Whether a server started for `a` is the one `b` asks for.
fn same_server(a: &ShareServerSettings, b: &ShareServerSettings) -> bool {
    let network = |s: &ShareServerSettings| network_address(s).map(|ip| (ip, s.link_host.clone()));
    network(a) == network(b)
}

/// The LAN address to serve on: the chosen one in network mode, and also
/// while a team server is chosen (links made on the network keep working);
/// none when the user chose "This computer".
fn network_address(settings: &ShareServerSettings) -> Option<IpAddr> {
    match settings.mode {
        ShareMode::ThisComputer => None,
        ShareMode::Network | ShareMode::Team => settings
            .embedded_bind
            .parse::<IpAddr>()
            .ok()
            .filter(|ip| !ip.is_loopback() && !ip.is_unspecified()),
    }
}

async fn launch(
    core: &AppCore,
    settings: &ShareServerSettings,
) -> Result<EmbeddedServer, EmbeddedError> {
    let kept_port: Option<u16> = core.store.setting(PORT_SETTING)?;
    let wanted = network_address(settings);
    let (listeners, reach, notice) = bind(wanted, kept_port).await?;
    let addr = listeners[0]
        .local_addr()
        .map_err(EmbeddedError::NoAddress)?;
    let port = addr.port();
    if kept_port != Some(port) {
        core.store.set_setting(PORT_SETTING, &port)?;
    }
    let link_host = match (reach, &settings.link_host, wanted) {
        (ReachKind::Network, Some(host), _) => host.clone(),
        (ReachKind::Network, None, Some(ip)) => url_host(ip),
        _ => Ipv4Addr::LOCALHOST.to_string(),
    };
    let base_url = format!("http://{link_host}:{port}");
    let mut allowed_hosts = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
    if reach == ReachKind::Network {
        allowed_hosts.extend(wanted.map(|ip| ip.to_string()));
        allowed_hosts.push(link_host.clone());
    }
    allowed_hosts.dedup();
    let database = core.data_dir.join(DATABASE_FILE);
    let config = Config {
        default_expiry: None,
        max_expiry: None,
        ..Config::default()
    }
    .with_bind(addr)
    .with_database_url(format!("sqlite://{}", database.display()))
    .with_public_url(base_url.clone())
    .with_allow_anonymous(false)
    .with_allowed_hosts(allowed_hosts)
    .without_rate_limits();
    let state = share_server::build_state(&config, addr)
        .await
        .map_err(EmbeddedError::Start)?;
    let token = app_token(core, &state).await?;
    let (shutdown, signal) = watch::channel(false);
    let tasks = listeners
        .into_iter()
        .map(|listener| {
            let mut signal = signal.clone();
            tokio::spawn(share_server::serve(listener, state.clone(), async move {
                let _ = signal.wait_for(|stop| *stop).await;
            }))
        })
        .collect();
    Ok(EmbeddedServer {
        status: EmbeddedStatus {
            base_url,
            token: token.into(),
            reach,
            notice,
        },
        settings: settings.clone(),
        shutdown,
        tasks,
    })
}

/// The listeners: loopback alone, or the LAN address plus loopback on the
/// same port. A LAN address that is gone falls back to loopback with a notice.
async fn bind(
    wanted: Option<IpAddr>,
    kept_port: Option<u16>,
) -> Result<(Vec<TcpListener>, ReachKind, Option<String>), EmbeddedError> {
    if let Some(ip) = wanted {
        match bind_pair(ip, kept_port).await {
            Ok(listeners) => return Ok((listeners, ReachKind::Network, None)),
            Err(e) if e.kind() == ErrorKind::AddrNotAvailable => {
                tracing::warn!(%ip, "the network address is gone; sharing falls back to loopback");
                let notice = format!(
                    "The network address {ip} is not available on this computer any more (Wi-Fi off, or another network?): links are for this computer only until it is back, or another address is chosen in Settings."
                );
                let listener = bind_one(Ipv4Addr::LOCALHOST.into(), kept_port).await?;
                return Ok((vec![listener], ReachKind::ThisComputer, Some(notice)));
            }
            Err(source) => return Err(EmbeddedError::Listen { ip, source }),
        }
    }
    let listener = bind_one(Ipv4Addr::LOCALHOST.into(), kept_port).await?;
    Ok((vec![listener], ReachKind::ThisComputer, None))
}

/// Binds `ip` on the kept port, or on a free one when it is taken.
async fn bind_one(ip: IpAddr, kept_port: Option<u16>) -> Result<TcpListener, EmbeddedError> {
    if let Some(port) = kept_port {
        match TcpListener::bind(SocketAddr::new(ip, port)).await {
            Ok(listener) => return Ok(listener),
            Err(e) => tracing::warn!("port {port} is not available ({e}); choosing another"),
        }
    }
    TcpListener::bind(SocketAddr::new(ip, 0))
        .await
        .map_err(|source| EmbeddedError::Listen { ip, source })
}

/// The LAN address and loopback on one port (the kept one when both are free).
async fn bind_pair(ip: IpAddr, kept_port: Option<u16>) -> std::io::Result<Vec<TcpListener>> {
    let loopback: IpAddr = if ip.is_ipv6() {
        std::net::Ipv6Addr::LOCALHOST.into()
    } else {
        Ipv4Addr::LOCALHOST.into()
    };
    for port in kept_port.into_iter().chain(std::iter::repeat_n(0, 8)) {
        let lan = match TcpListener::bind(SocketAddr::new(ip, port)).await {
            Ok(lan) => lan,
            Err(e) if e.kind() == ErrorKind::AddrInUse => continue,
            Err(e) => return Err(e),
        };
        let port = lan.local_addr()?.port();
        match TcpListener::bind(SocketAddr::new(loopback, port)).await {
            Ok(local) => return Ok(vec![lan, local]),
            // Someone else has that port on loopback: try another pair.
            Err(e) if e.kind() == ErrorKind::AddrInUse => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        ErrorKind::AddrInUse,
        "no port is free on both the network address and loopback",
    ))
}

/// An IP as it stands in a URL's host.
fn url_host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The app's token on its own server: the one in the keyring while the
/// server still knows it, otherwise a new user's.
async fn app_token(core: &AppCore, state: &AppState) -> Result<String, EmbeddedError> {
    let key = SecretKey::ShareServerToken(TOKEN_KEY.into());
    if let Some(token) = core.secret(key.clone()).await?
        && share_server::users::authenticate(state.store.as_ref(), &token)
            .await
            .is_ok()
    {
        return Ok(token);
    }
    let name = format!("parlor-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let token = share_server::add_user(state.store.as_ref(), &name)
        .await
        .map_err(EmbeddedError::User)?;
    core.set_secret(key, Some(token.clone())).await?;
    Ok(token)
}

/// Starts the embedded server at app start. It runs in every mode: with a
/// team server chosen it still serves the links made before.
pub async fn start(core: &AppCore) -> Result<(), EmbeddedError> {
    ensure_started(core).await.map(|_| ())
}

/// Stops the embedded server, letting requests in flight finish.
pub async fn shutdown(core: &AppCore) {
    let running = core.embedded.lock().await.take();
    if let Some(running) = running {
        running.stop().await;
    }
}

/// The embedded server's status if it runs now.
pub async fn status(core: &AppCore) -> Option<EmbeddedStatus> {
    core.embedded
        .lock()
        .await
        .as_ref()
        .map(|running| running.status.clone())
}
