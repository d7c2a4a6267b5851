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
//! Each instance acknowledges every eviction on a second channel, and the
//! instance that makes a revoke or a new version counts the listeners in
//! its transaction and answers only once as many acknowledgements came
//! back (for up to [`ACK_PATIENCE`]): a client that reads on another
//! instance after the answer finds the share evicted there, unless that
//! instance is slower than the patience (or lost its listener, and then
//! checks every hit anyway).

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

/// The channel every change is announced on, as a macro so that the SQL
/// sending on it is `concat!`ed from the one name.
macro_rules! changes_channel {
    () => {
        "parlor_share_changes"
    };
}
pub(super) use changes_channel;

/// The channel every change is announced on.
pub(super) const CHANNEL: &str = changes_channel!();
/// The channel every instance acknowledges each eviction on.
const ACKS: &str = "parlor_share_acks";

/// Sends the notification of a change to share `$1` (in its transaction)
/// and says how many instances listen (as many acknowledgements to wait
/// for once it commits).
pub(super) const NOTIFY: &str = concat!(
    "SELECT pg_notify('",
    changes_channel!(),
    "', $1) IS NULL,
            (SELECT count(*) FROM pg_stat_activity
             WHERE application_name = $2 AND datname = current_database())"
);

/// Acknowledges evicting share `$1`.
const ACK: &str = "SELECT pg_notify($2, $1)";

/// The `application_name` of the listener's connection (so operators, and
/// the tests, can tell it apart from the pool's).
pub const APPLICATION_NAME: &str = "share-server listener";

/// How long a change waits for the acknowledgements before it is answered.
pub(super) const ACK_PATIENCE: Duration = Duration::from_millis(200);

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
    let (evicted, mut to_acknowledge) = mpsc::unbounded_channel();
    let weak = Weak::clone(invalidations);
    // Drives the connection and evicts as each notification is read (no
    // hand-over to another task first); when the connection ends, the
    // caches stop trusting pushes at once, before anything else runs.
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        let reason = loop {
            let notification = match messages.next().await {
                Some(Ok(AsyncMessage::Notification(notification))) => notification,
                Some(Ok(_)) => continue,
                Some(Err(error)) => break describe(&error),
                None => break "the connection closed".to_owned(),
            };
            let Some(hub) = weak.upgrade() else {
                break "the store was dropped".to_owned();
            };
            match (
                notification.channel(),
                ShareId::parse(notification.payload()),
            ) {
                (CHANNEL, Some(id)) => {
                    hub.share(&id);
                    let _ = evicted.send(id);
                }
                (CHANNEL, None) => hub.everything(),
                (_, Some(id)) => hub.acked(&id),
                (_, None) => {}
            }
        };
        if let Some(hub) = weak.upgrade() {
            hub.lapse();
        }
        reason
    });
    let _driver = Listener(driver.abort_handle());
    let listen = format!("LISTEN {CHANNEL}; LISTEN {ACKS}");
    if let Err(error) = client.batch_execute(&listen).await {
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
            id = to_acknowledge.recv() => {
                let Some(id) = id else { break };
                if let Err(error) = client.execute(ACK, &[&id.as_str(), &ACKS]).await {
                    return (true, describe(&error));
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
