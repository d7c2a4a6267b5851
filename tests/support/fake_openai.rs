//! A fake OpenAI-compatible provider on 127.0.0.1:0 for the desktop app, one
//! copy compiled into the end-to-end test and `cargo xtask bench` (`#[path]`).
//!
//! `POST …/chat/completions` with the right bearer key is answered as OpenAI
//! streams with `stream_options.include_usage`: a chunked HTTP/1.1
//! `text/event-stream` of a role chunk, one `chat.completion.chunk` per
//! content piece, `pause` apart, the finish chunk, the usage chunk and
//! `[DONE]`; a wrong key gets OpenAI's 401. Raw tokio TCP with `TCP_NODELAY`
//! and one write per frame, the wall clock taken right after each piece is
//! written: the bench matches those times with the UI's events.
#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "each crate uses its own part; a poisoned lock is a panic, as in a test"
)]

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the provider streams for every completion.
#[derive(Debug, Clone)]
pub struct Answer {
    pub pieces: Vec<String>,
    pub pause: Duration,
    /// OpenAI's `usage` object.
    pub usage: Value,
}

/// What the provider was asked, and when it wrote the last answer's pieces.
#[derive(Debug, Default)]
pub struct Seen {
    pub authorizations: Vec<String>,
    pub bodies: Vec<Value>,
    /// Milliseconds since the epoch right after each piece was written.
    pub sent: Vec<f64>,
}

pub struct FakeOpenAi {
    pub base_url: String,
    pub seen: Arc<Mutex<Seen>>,
    /// The answer of the next completion (the bench changes its pause).
    pub answer: Arc<Mutex<Answer>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeOpenAi {
    pub async fn start(api_key: &str, answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let answer = Arc::new(Mutex::new(answer));
        let (shared_seen, shared_answer) = (Arc::clone(&seen), Arc::clone(&answer));
        let key = api_key.to_owned();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (seen, answer) = (Arc::clone(&shared_seen), Arc::clone(&shared_answer));
                let key = key.clone();
                tokio::spawn(async move { serve(stream, &key, &seen, &answer).await });
            }
        });
        Self {
            base_url,
            seen,
            answer,
            task,
        }
    }
}

impl Drop for FakeOpenAi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// Reads one request and answers it.
async fn serve(
    mut stream: TcpStream,
    key: &str,
    seen: &Mutex<Seen>,
    answer: &Mutex<Answer>,
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let (head, body) = read_request(&mut stream).await?;
    let path = head.split_whitespace().nth(1).unwrap_or_default();
    if !head.starts_with("POST ") || !path.ends_with("/chat/completions") {
        return respond(&mut stream, "404 Not Found", "").await;
    }
    let authorization = header(&head, "authorization").to_owned();
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    {
        let mut seen = seen.lock().unwrap();
        seen.authorizations.push(authorization.clone());
        seen.bodies.push(request.clone());
    }
    if authorization != format!("Bearer {key}") {
        let error = json!({"error": {"message": "Incorrect API key provided",
            "type": "invalid_request_error", "code": "invalid_api_key"}});
        return respond(&mut stream, "401 Unauthorized", &error.to_string()).await;
    }
    let Answer {
        pieces,
        pause,
        usage,
    } = answer.lock().unwrap().clone();
    let model = request["model"].as_str().unwrap_or("gpt-4o-mini");
    let chunk = |delta: Value, finish_reason: Option<&str>| {
        json!({
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_764_000_000,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]
        })
    };
    stream
        .write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
              Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )
        .await?;
    let role = chunk(json!({"role": "assistant", "content": ""}), None);
    write_frame(&mut stream, &event(&role)).await?;
    let mut sent = Vec::with_capacity(pieces.len());
    for piece in pieces {
        tokio::time::sleep(pause).await;
        write_frame(&mut stream, &event(&chunk(json!({"content": piece}), None))).await?;
        sent.push(now_ms());
    }
    write_frame(&mut stream, &event(&chunk(json!({}), Some("stop")))).await?;
    let mut last = chunk(json!({}), None);
    last["choices"] = json!([]);
    last["usage"] = usage;
    write_frame(&mut stream, &event(&last)).await?;
    write_frame(&mut stream, "data: [DONE]\n\n").await?;
    stream.write_all(b"0\r\n\r\n").await?;
    stream.flush().await?;
    seen.lock().unwrap().sent = sent;
    Ok(())
}

/// The request's head and its `Content-Length` body.
async fn read_request(stream: &mut TcpStream) -> io::Result<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut piece = [0u8; 4096];
    let mut head_end = None;
    loop {
        if let Some(end) = head_end {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let length: usize = header(&head, "content-length").parse().unwrap_or(0);
            if buffer.len() >= end + length {
                return Ok((head, buffer[end..end + length].to_vec()));
            }
        }
        let n = stream.read(&mut piece).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&piece[..n]);
        head_end = head_end.or_else(|| {
            let end = buffer.windows(4).position(|w| w == b"\r\n\r\n")?;
            Some(end + 4)
        });
    }
}

/// A header's value (`""` when absent).
fn header<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
        .map_or("", |(_, value)| value.trim())
}

async fn respond(stream: &mut TcpStream, status: &str, json: &str) -> io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{json}",
        json.len()
    );
    stream.write_all(response.as_bytes()).await
}

/// One SSE event with a JSON payload.
fn event(payload: &Value) -> String {
    format!("data: {payload}\n\n")
}

/// One HTTP/1.1 chunk, written in one call (one TCP segment with NODELAY).
async fn write_frame(stream: &mut TcpStream, data: &str) -> io::Result<()> {
    let framed = format!("{:x}\r\n{data}\r\n", data.len());
    stream.write_all(framed.as_bytes()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn post(provider: &FakeOpenAi, key: &str) -> String {
        let address = provider.base_url.trim_start_matches("http://");
        let address = address.trim_end_matches("/v1");
        let mut stream = TcpStream::connect(address).await.unwrap();
        let body = r#"{"model":"m","stream":true}"#;
        let request = format!(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
    }

    #[tokio::test]
    async fn streams_the_pieces_as_chunked_sse_and_records_them() {
        let answer = Answer {
            pieces: (0..3).map(|i| format!("{i} ")).collect(),
            pause: Duration::from_millis(1),
            usage: json!({"prompt_tokens": 20, "completion_tokens": 3, "total_tokens": 23}),
        };
        let provider = FakeOpenAi::start("sk-good", answer).await;
        let response = post(&provider, "sk-good").await;
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        for index in 0..3 {
            let piece = format!(r#""delta":{{"content":"{index} "}}"#);
            assert!(response.contains(&piece), "{response}");
        }
        assert!(response.contains(r#""completion_tokens":3"#), "{response}");
        assert!(response.contains("\"model\":\"m\""), "{response}");
        assert!(response.contains("data: [DONE]") && response.ends_with("0\r\n\r\n"));
        {
            let seen = provider.seen.lock().unwrap();
            assert_eq!(seen.sent.len(), 3);
            assert_eq!(seen.authorizations, ["Bearer sk-good"]);
            assert_eq!(seen.bodies[0]["stream"], true);
        }

        let refused = post(&provider, "sk-wrong").await;
        assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
        assert!(refused.contains("invalid_api_key"), "{refused}");
    }
}
