//! Publishing: latency of one large share (a small Rust client, one request
//! at a time, timed from sending until the whole answer is read) and
//! throughput of small shares from many concurrent clients (wrk with a POST
//! script, so the client costs little CPU beside the server).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// POSTs `body` once; returns the new share's id.
pub async fn create(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    body: &[u8],
) -> Result<String> {
    let response = http
        .post(format!("{base}/api/v0/shared-chats"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .context("POST /api/v0/shared-chats failed")?;
    let status = response.status();
    let answer: Value = response.json().await.context("no JSON answer")?;
    if status.as_u16() != 201 {
        bail!("publishing answered {status}: {answer}");
    }
    answer["data"]["shareId"]
        .as_str()
        .map(str::to_owned)
        .context("no data.shareId in the answer")
}

/// Times `samples` sequential publishes of `body` (after two unmeasured ones).
pub async fn latencies(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    body: &[u8],
    samples: usize,
) -> Result<Vec<Duration>> {
    for _ in 0..2 {
        create(http, base, token, body).await?;
    }
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        create(http, base, token, body).await?;
        times.push(started.elapsed());
    }
    Ok(times)
}
