//! Push invalidation across instances: every change that makes a share's
//! renderings stale sends `NOTIFY` on [`CHANNEL`] with the share's id, in
//! the transaction that makes it (so it is delivered if and only if the
//! change commits), and every instance `LISTEN`s on one connection of its
//! own and evicts the share it names.
//!
//! The caches may answer from memory only while [`Invalidations::is_complete`]:
//! while this listener holds a lease that a round trip on its connection
//! renews every [`HEARTBEAT`]. When the connection is lost (killed,
//! the server restarted, the network down) a notification may have been
//! lost with it, so everything cached is dropped at once and the lease
//! lapses: until the listener is back (retrying with a growing pause),
//! every hit is checked with the database, as without push. A connection
//! that goes silent without closing stops renewing, so the lease ends
//! within [`LEASE`]. Once listening again, everything is dropped once more
//! (what was rendered meanwhile may predate a missed change).
//!
//! The instance that makes a revoke or a new version answers it only once
//! its own listener heard the notification (for up to [`ECHO_PATIENCE`],
//! the whole of it while that listener is down): PostgreSQL signals every
//! listening backend at the same commit, so by then the other instances
//! have been sent it too, and a client that reads on another instance
//! after the answer finds it evicted there.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{AsyncMessage, Client, NoTls, Socket};

use super::rows::describe;
use super::tls::MakeRustlsConnect;
use super::url::Connection;
use crate::ids::ShareId;
use crate::store::invalidations::Invalidations;

/// The channel every change is announced on.
pub(super) const CHANNEL: &str = "parlor_share_changes";

/// Sends the notification of a change to share `$1` (in its transaction).
pub(super) const NOTIFY: &str = "SELECT pg_notify('parlor_share_changes', $1)";

/// The `application_name` of the listener's connection (so operators, and
/// the tests, can tell it apart from the pool's).
pub const APPLICATION_NAME: &str = "share-server listener";

/// How long a change waits for its own notification to come back before it
/// is answered (see [`Invalidations::expect_echo`]).
pub(super) const ECHO_PATIENCE: Duration = Duration::from_millis(200);

/// How often the listener's connection is checked.
const HEARTBEAT: Duration = Duration::from_millis(500);
/// How long a successful check vouches for the connection: the longest a
/// silently dead connection can leave the caches trusted.
const LEASE: Duration = Duration::from_millis(1500);
/// The pause before listening again, doubled on each failure up to the last.
const RETRY: [Duration; 4] = [
    Duration::from_millis(250),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
];

/// A task aborted when this is dropped (the listener, with its store).
pub(super) struct Listener(tokio::task::AbortHandle);

impl Drop for Listener {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts listening for `invalidations` (in the background, for as long as
/// the returned handle lives).
pub(super) fn spawn(connection: &Connection, invalidations: &Arc<Invalidations>) -> Listener {
    let mut config = connection.config.clone();
    config.application_name(APPLICATION_NAME);
    let tls = connection.tls.clone();
    let invalidations = Arc::downgrade(invalidations);
    let task = tokio::spawn(async move {
        let mut failures = 0;
        loop {
            let outcome = match &tls {
                Some(tls) => {
                    listen(
                        &config,
                        MakeRustlsConnect::new(Arc::clone(tls)),
                        &invalidations,
                    )
                    .await
                }
                None => listen(&config, NoTls, &invalidations).await,
            };
            let Some(hub) = invalidations.upgrade() else {
                return;
            };
            hub.lapse();
            let (listened, reason) = outcome;
            if listened {
                failures = 0;
            }
            tracing::warn!(%reason, "lost the connection that listens for share changes; \
                checking every cached share with the database until it is back");
            let pause = RETRY[failures.min(RETRY.len() - 1)];
            failures += 1;
            tokio::time::sleep(pause).await;
        }
    });
    Listener(task.abort_handle())
}

/// Connects, listens and evicts until the connection is lost: whether it
/// got as far as listening, and why it stopped.
async fn listen<T>(
    config: &tokio_postgres::Config,
    tls: T,
    invalidations: &Weak<Invalidations>,
) -> (bool, String)
where
    T: MakeTlsConnect<Socket>,
    T::Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (client, mut connection) = match config.connect(tls).await {
        Ok(connected) => connected,
        Err(error) => return (false, describe(&error)),
    };
    let (notifications, mut received) = mpsc::unbounded_channel();
    let weak = Weak::clone(invalidations);
    // Drives the connection; when it ends, the caches stop trusting pushes
    // at once, before anything else runs.
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        let reason = loop {
            match messages.next().await {
                Some(Ok(AsyncMessage::Notification(notification))) => {
                    if notifications
                        .send(notification.payload().to_owned())
                        .is_err()
                    {
                        break "the listener stopped".to_owned();
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => break describe(&error),
                None => break "the connection closed".to_owned(),
            }
        };
        if let Some(hub) = weak.upgrade() {
            hub.lapse();
        }
        reason
    });
    let _driver = Listener(driver.abort_handle());
    if let Err(error) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
        return (false, describe(&error));
    }
    {
        let Some(hub) = invalidations.upgrade() else {
            return (true, "the store was dropped".to_owned());
        };
        // Changes may have been missed before this connection listened.
        hub.everything();
        hub.renew(LEASE);
    }
    let mut check = std::pin::pin!(check_every(&client, invalidations));
    loop {
        tokio::select! {
            payload = received.recv() => {
                let Some(payload) = payload else { break };
                let Some(hub) = invalidations.upgrade() else {
                    return (true, "the store was dropped".to_owned());
                };
                match ShareId::parse(&payload) {
                    Some(id) => hub.notified(&id),
                    None => hub.everything(),
                }
            }
            reason = &mut check => return (true, reason),
        }
    }
    let reason = driver.await.unwrap_or_else(|error| error.to_string());
    (true, reason)
}

/// Renews the lease after every successful round trip on the connection,
/// every [`HEARTBEAT`]; returns why it stopped (no answer within [`LEASE`]).
async fn check_every(client: &Client, invalidations: &Weak<Invalidations>) -> String {
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        heartbeat.tick().await;
        match tokio::time::timeout(LEASE, client.simple_query("")).await {
            Ok(Ok(_)) => match invalidations.upgrade() {
                Some(hub) => hub.renew(LEASE),
                None => return "the store was dropped".to_owned(),
            },
            Ok(Err(error)) => return describe(&error),
            Err(_) => return format!("no answer within {LEASE:?}"),
        }
    }
}
