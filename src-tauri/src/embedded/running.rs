//! A running embedded server, as the app core holds it. It knows nothing of
//! the app: [`super`] starts and stops it.

use contract::{ReachKind, Secret, ShareServerSettings};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How the embedded server runs now.
#[derive(Debug, Clone)]
pub struct EmbeddedStatus {
    /// The base URL links are made with.
    pub base_url: String,
    /// The bearer token to publish and revoke with.
    pub token: Secret,
    /// Who can open its links.
    pub reach: ReachKind,
    /// Why it runs other than the settings ask (the chosen address is gone).
    pub notice: Option<String>,
}

/// A running embedded server: its status, what it was started for, and how
/// to stop it. The app core keeps the one that runs.
pub struct EmbeddedServer {
    pub(super) status: EmbeddedStatus,
    /// What the server was started for: a change restarts it.
    pub(super) settings: ShareServerSettings,
    pub(super) shutdown: watch::Sender<bool>,
    pub(super) tasks: Vec<JoinHandle<Result<(), share_server::Error>>>,
}

impl EmbeddedServer {
    /// Stops it, letting requests in flight finish.
    pub(super) async fn stop(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            match tokio::time::timeout(std::time::Duration::from_secs(10), task).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => {
                    tracing::warn!(error = %e, "embedded server stopped with an error")
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "embedded server task failed"),
                Err(_) => tracing::warn!("embedded server did not stop in time"),
            }
        }
    }
}

impl std::fmt::Debug for EmbeddedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedServer")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
