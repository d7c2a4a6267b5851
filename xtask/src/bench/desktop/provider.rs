//! A fake OpenAI-compatible provider for the streaming measurement: a raw
//! tokio `TcpListener` answering `POST …/chat/completions` with a chunked
//! HTTP/1.1 `text/event-stream` of `chat.completion.chunk` events (the
//! frames `tests/e2e_app.rs`'s `FakeOpenAi` sends). Chunk `i`'s content is
//! `"i "`; the wall-clock time (ms since the epoch) right after each chunk
//! is written to the socket is recorded, to match with the UI's events.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// When each content chunk was flushed, ms since the epoch, by index.
pub type Sent = Arc<Mutex<Vec<f64>>>;

pub struct FakeProvider {
    pub base_url: String,
    pub sent: Sent,
    /// The pause between chunks of the next completion.
    pub pause: Arc<Mutex<Duration>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeProvider {
    /// Listens on 127.0.0.1:0; each completion streams `chunks` content
    /// chunks, `pause` apart.
    pub async fn start(chunks: usize, pause: Duration) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}/v1", listener.local_addr()?);
        let sent: Sent = Arc::default();
        let pause = Arc::new(Mutex::new(pause));
        let task = {
            let (sent, pause) = (Arc::clone(&sent), Arc::clone(&pause));
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let sent = Arc::clone(&sent);
                    let pause = pause.lock().map_or(Duration::from_millis(5), |p| *p);
                    tokio::spawn(async move {
                        let _ = serve(stream, chunks, pause, sent).await;
                    });
                }
            })
        };
        Ok(Self {
            base_url,
            sent,
            pause,
            task,
        })
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// Reads one request (head and `Content-Length` body) and answers it.
async fn serve(mut stream: TcpStream, chunks: usize, pause: Duration, sent: Sent) -> Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = Vec::new();
    let head_end = loop {
        let mut piece = [0u8; 4096];
        let n = stream.read(&mut piece).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&piece[..n]);
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length = content_length(&head);
    while buffer.len() < head_end + length {
        let mut piece = [0u8; 4096];
        let n = stream.read(&mut piece).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&piece[..n]);
    }
    let path = head.split_whitespace().nth(1).unwrap_or_default();
    if !head.starts_with("POST ") || !path.ends_with("/chat/completions") {
        stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await?;
        return Ok(());
    }
    stream
        .write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
              Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )
        .await?;
    let model = serde_json::from_slice::<Value>(&buffer[head_end..])
        .ok()
        .and_then(|body| body["model"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "gpt-4o-mini".to_owned());
    write_frame(
        &mut stream,
        &event(&chunk(
            &model,
            json!({"role": "assistant", "content": ""}),
            None,
        )),
    )
    .await?;
    let mut times = Vec::with_capacity(chunks);
    for index in 0..chunks {
        tokio::time::sleep(pause).await;
        let frame = event(&chunk(
            &model,
            json!({"content": format!("{index} ")}),
            None,
        ));
        write_frame(&mut stream, &frame).await?;
        times.push(now_ms());
    }
    write_frame(&mut stream, &event(&chunk(&model, json!({}), Some("stop")))).await?;
    let usage = json!({
        "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1_764_000_000,
        "model": model, "choices": [],
        "usage": {"prompt_tokens": 20, "completion_tokens": chunks, "total_tokens": chunks + 20}
    });
    write_frame(&mut stream, &event(&usage)).await?;
    write_frame(&mut stream, "data: [DONE]\n\n").await?;
    stream.write_all(b"0\r\n\r\n").await?;
    stream.flush().await?;
    if let Ok(mut sent) = sent.lock() {
        *sent = times;
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// One SSE event with a JSON payload.
fn event(payload: &Value) -> String {
    format!("data: {payload}\n\n")
}

/// A `chat.completion.chunk`, as OpenAI streams them.
pub fn chunk(model: &str, delta: Value, finish_reason: Option<&str>) -> Value {
    json!({
        "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1_764_000_000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]
    })
}

/// One HTTP/1.1 chunk, written in one call (one TCP segment with NODELAY).
async fn write_frame(stream: &mut TcpStream, data: &str) -> Result<()> {
    let framed = chunked(data);
    stream.write_all(&framed).await.context("the app hung up")?;
    Ok(())
}

pub fn chunked(data: &str) -> Vec<u8> {
    let mut framed = format!("{:x}\r\n", data.len()).into_bytes();
    framed.extend_from_slice(data.as_bytes());
    framed.extend_from_slice(b"\r\n");
    framed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_chunked_sse() {
        let frame = event(&chunk("m", json!({"content": "7 "}), None));
        assert!(frame.starts_with("data: {") && frame.ends_with("}\n\n"));
        let payload: Value = serde_json::from_str(&frame[6..frame.len() - 2]).unwrap();
        assert_eq!(payload["choices"][0]["delta"]["content"], "7 ");
        assert_eq!(payload["object"], "chat.completion.chunk");
        assert_eq!(chunked("abc"), b"3\r\nabc\r\n");
        assert_eq!(
            content_length("POST / HTTP/1.1\r\ncontent-length: 42\r\n\r\n"),
            42
        );
    }

    #[tokio::test]
    async fn streams_numbered_chunks() {
        let provider = FakeProvider::start(3, Duration::from_millis(1))
            .await
            .unwrap();
        let addr = provider
            .base_url
            .trim_start_matches("http://")
            .trim_end_matches("/v1")
            .to_owned();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let body = r#"{"model":"x","stream":true}"#;
        stream
            .write_all(
                format!(
                    "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            )
            .await
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        for index in 0..3 {
            assert!(
                response.contains(&format!("\"content\":\"{index} \"")),
                "{response}"
            );
        }
        assert!(response.contains("data: [DONE]") && response.ends_with("0\r\n\r\n"));
        assert_eq!(provider.sent.lock().unwrap().len(), 3);
    }
}
