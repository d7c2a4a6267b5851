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
//!
//! [`FakeOpenAi::start_with`] makes other servers of the kind ([`Options`]):
//! one on a given address (LM Studio's 127.0.0.1:1234, for the app's search
//! for local servers), one that takes any key or none (a local server), one
//! that lists its models at `GET …/models`, one that fails mid-answer.
#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "each crate uses its own part; a poisoned lock is a panic, as in a test"
)]

use std::io;
use std::net::SocketAddr;
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
    /// How many times the model list was asked for (not in `authorizations`
    /// or `bodies`, which are the completions').
    pub model_lists: usize,
}

impl Seen {
    /// The images completion `index` sent, as OpenAI content parts carry
    /// them: `(media type, base64 data)` of each `image_url` data URL, in
    /// the order of the messages and their parts.
    pub fn images(&self, index: usize) -> Vec<(String, String)> {
        let messages = self
            .bodies
            .get(index)
            .and_then(|b| b["messages"].as_array());
        messages
            .into_iter()
            .flatten()
            .filter_map(|message| message["content"].as_array())
            .flatten()
            .filter(|part| part["type"] == "image_url")
            .filter_map(|part| part["image_url"]["url"].as_str())
            .filter_map(|url| {
                let (media_type, data) = url.strip_prefix("data:")?.split_once(";base64,")?;
                Some((media_type.to_owned(), data.to_owned()))
            })
            .collect()
    }
}

/// Where a server listens and how it answers beyond its [`Answer`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The address to listen on; any free loopback port when `None`.
    pub address: Option<SocketAddr>,
    /// The bearer key completions need; `None`: any key or none, as a
    /// local server takes.
    pub api_key: Option<String>,
    /// The models `GET …/models` lists; `None`: that path is not found.
    pub models: Option<Vec<String>>,
    /// Fail every completion after this many pieces, as OpenAI reports an
    /// error mid-answer: an `error` chunk, then the stream ends.
    pub fail_after: Option<usize>,
}

/// The message of [`Options::fail_after`]'s error (OpenAI's words for its
/// server errors).
pub const MID_ANSWER_ERROR: &str = "The server had an error while processing your request.";

pub struct FakeOpenAi {
    pub base_url: String,
    pub seen: Arc<Mutex<Seen>>,
    /// The answer of the next completion (the bench changes its pause).
    pub answer: Arc<Mutex<Answer>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeOpenAi {
    pub async fn start(api_key: &str, answer: Answer) -> Self {
        let options = Options {
            api_key: Some(api_key.to_owned()),
            ..Options::default()
        };
        Self::start_with(answer, options).await.unwrap()
    }

    /// A server as `options` say; fails only when it cannot listen where
    /// they say (the address is taken).
    pub async fn start_with(answer: Answer, options: Options) -> io::Result<Self> {
        let address = options.address.unwrap_or(([127, 0, 0, 1], 0).into());
        let listener = TcpListener::bind(address).await?;
        let base_url = format!("http://{}/v1", listener.local_addr()?);
        let seen = Arc::new(Mutex::new(Seen::default()));
        let answer = Arc::new(Mutex::new(answer));
        let (shared_seen, shared_answer) = (Arc::clone(&seen), Arc::clone(&answer));
        let options = Arc::new(options);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (seen, answer) = (Arc::clone(&shared_seen), Arc::clone(&shared_answer));
                let options = Arc::clone(&options);
                tokio::spawn(async move { serve(stream, &options, &seen, &answer).await });
            }
        });
        Ok(Self {
            base_url,
            seen,
            answer,
            task,
        })
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
    options: &Options,
    seen: &Mutex<Seen>,
    answer: &Mutex<Answer>,
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let (head, body) = read_request(&mut stream).await?;
    let path = head.split_whitespace().nth(1).unwrap_or_default();
    if let Some(models) = &options.models
        && head.starts_with("GET ")
        && path.ends_with("/models")
    {
        seen.lock().unwrap().model_lists += 1;
        return respond(&mut stream, "200 OK", &model_list(models).to_string()).await;
    }
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
    if let Some(key) = &options.api_key
        && authorization != format!("Bearer {key}")
    {
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
    for (index, piece) in pieces.into_iter().enumerate() {
        tokio::time::sleep(pause).await;
        if options.fail_after == Some(index) {
            return fail_mid_answer(&mut stream).await;
        }
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

/// OpenAI's model list: `{"object": "list", "data": [{"id": …}, …]}`.
fn model_list(models: &[String]) -> Value {
    let data: Vec<Value> = models
        .iter()
        .map(
            |id| json!({"id": id, "object": "model", "created": 1_764_000_000, "owned_by": "fake"}),
        )
        .collect();
    json!({"object": "list", "data": data})
}

/// An error chunk as OpenAI streams one mid-answer, then the end of the
/// stream without `[DONE]`.
async fn fail_mid_answer(stream: &mut TcpStream) -> io::Result<()> {
    let error =
        json!({"error": {"message": MID_ANSWER_ERROR, "type": "server_error", "code": null}});
    write_frame(stream, &event(&error)).await?;
    stream.write_all(b"0\r\n\r\n").await?;
    stream.flush().await
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
        let body = r#"{"model":"m","stream":true}"#;
        let request = format!(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        exchange(provider, &request).await
    }

    /// Sends a whole HTTP/1.1 `request` and reads the whole response.
    async fn exchange(provider: &FakeOpenAi, request: &str) -> String {
        let mut stream = TcpStream::connect(address_of(provider)).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
    }

    fn address_of(provider: &FakeOpenAi) -> SocketAddr {
        let address = provider.base_url.trim_start_matches("http://");
        address.trim_end_matches("/v1").parse().unwrap()
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

    /// A request with an image is recorded whole (a body of megabytes read
    /// to its end), and its images can be read back.
    #[tokio::test]
    async fn records_the_images_a_request_carries() {
        let answer = Answer {
            pieces: vec!["A cat.".into()],
            pause: Duration::from_millis(1),
            usage: json!({"prompt_tokens": 1105, "completion_tokens": 3, "total_tokens": 1108}),
        };
        let provider = FakeOpenAi::start("sk-good", answer).await;
        let data = "iVBORw0K".repeat(300_000);
        let body = json!({"model": "m", "stream": true, "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "user", "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{data}")}},
            ]},
        ]})
        .to_string();
        let request = format!(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-good\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let response = exchange(&provider, &request).await;
        assert!(response.contains(r#""content":"A cat.""#), "{response}");
        let seen = provider.seen.lock().unwrap();
        assert_eq!(seen.images(0), [("image/png".to_owned(), data)]);
        assert!(seen.images(1).is_empty());
    }

    #[tokio::test]
    async fn a_local_server_lists_its_models_takes_any_key_and_can_fail_mid_answer() {
        let answer = Answer {
            pieces: ["one ", "two ", "three "].map(str::to_owned).to_vec(),
            pause: Duration::from_millis(1),
            usage: json!({"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}),
        };
        let options = Options {
            models: Some(vec!["small".into(), "large".into()]),
            fail_after: Some(2),
            ..Options::default()
        };
        let provider = FakeOpenAi::start_with(answer.clone(), options)
            .await
            .unwrap();
        let listed = exchange(&provider, "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n").await;
        assert!(listed.starts_with("HTTP/1.1 200 OK"), "{listed}");
        for model in ["small", "large"] {
            assert!(listed.contains(&format!(r#""id":"{model}""#)), "{listed}");
        }

        let answered = post(&provider, "sk-anything").await;
        assert!(answered.starts_with("HTTP/1.1 200 OK"), "{answered}");
        assert!(answered.contains(r#""content":"two ""#), "{answered}");
        assert!(!answered.contains("three"), "{answered}");
        assert!(answered.contains(MID_ANSWER_ERROR), "{answered}");
        assert!(!answered.contains("[DONE]"), "{answered}");
        {
            let seen = provider.seen.lock().unwrap();
            assert_eq!(seen.model_lists, 1);
            assert_eq!(seen.authorizations, ["Bearer sk-anything"]);
            assert_eq!(seen.bodies.len(), 1);
        }

        // A second server on a taken address: an error to report, no panic.
        let taken = Options {
            address: Some(address_of(&provider)),
            ..Options::default()
        };
        assert!(FakeOpenAi::start_with(answer, taken).await.is_err());
    }
}
