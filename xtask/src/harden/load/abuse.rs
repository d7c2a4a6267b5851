//! The abusive clients: they connect and go away half way through a request
//! or a response, in every way listed in [`Abuse`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::Plan;

/// The ways an abusive client goes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Abuse {
    /// Connects and closes without a byte.
    ConnectOnly,
    /// Half a request line and headers, then gone.
    PartialHeaders,
    /// Headers announcing 20 kB of body, 10 kB sent, then gone.
    PartialBody,
    /// As above, with a pause first, so that the handler is mid-read.
    PartialBodyStalled,
    /// Reads the first bytes of the large page through a tiny receive
    /// window (the server is still writing), then resets the connection.
    MidResponse,
    /// The same, compressed (brotli) and with three requests pipelined.
    MidResponsePipelined,
    /// Not HTTP at all (a TLS ClientHello's first bytes).
    Garbage,
}

impl Abuse {
    pub(super) const ALL: [Abuse; 7] = [
        Abuse::ConnectOnly,
        Abuse::PartialHeaders,
        Abuse::PartialBody,
        Abuse::PartialBodyStalled,
        Abuse::MidResponse,
        Abuse::MidResponsePipelined,
        Abuse::Garbage,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Abuse::ConnectOnly => "connect, close",
            Abuse::PartialHeaders => "half the headers",
            Abuse::PartialBody => "half the body",
            Abuse::PartialBodyStalled => "half the body, stall, close",
            Abuse::MidResponse => "first bytes of a 1 MB page",
            Abuse::MidResponsePipelined => "pipelined, first bytes (br)",
            Abuse::Garbage => "not HTTP",
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct AbuseTally {
    pub(super) done: [u64; Abuse::ALL.len()],
    /// Abuses that could not even connect (reported, not judged: the
    /// well-behaved clients' errors are what count).
    pub(super) failed: u64,
    pub(super) samples: Vec<String>,
}

impl AbuseTally {
    pub(super) fn merge(&mut self, other: AbuseTally) {
        for (mine, theirs) in self.done.iter_mut().zip(other.done) {
            *mine += theirs;
        }
        self.failed += other.failed;
        for sample in other.samples {
            if self.samples.len() < 5 {
                self.samples.push(sample);
            }
        }
    }

    pub(super) fn total(&self) -> u64 {
        self.done.iter().sum()
    }
}

pub(super) async fn abuser(index: usize, plan: Arc<Plan>, deadline: Instant) -> AbuseTally {
    let mut tally = AbuseTally::default();
    let Some(addr) = plan
        .base
        .strip_prefix("http://")
        .and_then(|authority| authority.parse::<SocketAddr>().ok())
    else {
        tally.failed += 1;
        tally.samples.push(format!("bad base URL {}", plan.base));
        return tally;
    };
    let mut turn = index;
    while Instant::now() < deadline {
        turn += 1;
        let kind = Abuse::ALL[turn % Abuse::ALL.len()];
        let outcome = tokio::time::timeout(Duration::from_secs(5), abuse(kind, addr, &plan)).await;
        match outcome {
            Ok(Ok(())) => tally.done[turn % Abuse::ALL.len()] += 1,
            Ok(Err(error)) => {
                tally.failed += 1;
                if tally.samples.len() < 5 {
                    tally.samples.push(format!("{}: {error:#}", kind.name()));
                }
            }
            // Stuck for 5 s: the abuse happened (and was dropped) all the same.
            Err(_) => tally.done[turn % Abuse::ALL.len()] += 1,
        }
    }
    tally
}

async fn abuse(kind: Abuse, addr: SocketAddr, plan: &Plan) -> Result<()> {
    let token = plan.tokens.first().map_or("", String::as_str);
    let post_head = |length: usize| {
        format!(
            "POST /api/v0/shared-chats HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    match kind {
        Abuse::ConnectOnly => drop(TcpStream::connect(addr).await?),
        Abuse::PartialHeaders => {
            let mut stream = TcpStream::connect(addr).await?;
            let request = format!(
                "GET /shared/{} HTTP/1.1\r\nHost: {addr}\r\nAccept-",
                plan.large
            );
            stream.write_all(request.as_bytes()).await?;
        }
        Abuse::PartialBody | Abuse::PartialBodyStalled => {
            let mut stream = TcpStream::connect(addr).await?;
            stream.write_all(post_head(20_000).as_bytes()).await?;
            let body = plan
                .publish_body
                .repeat(20_000 / plan.publish_body.len().max(1) + 1);
            stream.write_all(&body[..10_000.min(body.len())]).await?;
            stream.flush().await?;
            if kind == Abuse::PartialBodyStalled {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Abuse::MidResponse | Abuse::MidResponsePipelined => {
            let socket = TcpSocket::new_v4()?;
            // A tiny window: the server cannot send the page in one go, so it
            // is still writing when the connection is reset.
            socket.set_recv_buffer_size(4096)?;
            let mut stream = socket.connect(addr).await?;
            let (count, encoding) = if kind == Abuse::MidResponse {
                (1, "identity")
            } else {
                (3, "br")
            };
            let request = format!(
                "GET /shared/{} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: {encoding}\r\n\r\n",
                plan.large
            );
            stream.write_all(request.repeat(count).as_bytes()).await?;
            let mut first = [0u8; 2048];
            let read = stream.read(&mut first).await?;
            if !first[..read].starts_with(b"HTTP/1.1 200") {
                bail!(
                    "the large page answered {:?}",
                    String::from_utf8_lossy(&first[..read.min(40)])
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            // Unread data at close: the kernel sends a reset.
        }
        Abuse::Garbage => {
            let mut stream = TcpStream::connect(addr).await?;
            stream
                .write_all(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n")
                .await?;
            let mut answer = Vec::new();
            // The server answers 400 and closes; reading ends with it.
            let _ = stream.read_to_end(&mut answer).await;
        }
    }
    Ok(())
}
