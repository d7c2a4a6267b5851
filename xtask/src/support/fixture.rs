//! Realistic chat snapshots for the benchmarks, built from chat-core's schema:
//! turns of a user question, an assistant that reasons and calls a tool, the
//! tool's JSON result, and an answer in Markdown with a code block.
//!
//! The text comes from a seeded generator, not from one passage repeated: a
//! repeated passage would compress far better than real chats, which would
//! flatter the server's gzip and skew the page-weight ratio.

use chat_core::{Message, ModelConfig, PromptMeta, Role, ShareSnapshot, ToolCall, Usage};
use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, Utc};

/// The page benchmarked against nginx: 40 messages, ~20 KB of text.
pub fn page_chat(now: DateTime<Utc>) -> ShareSnapshot {
    chat("Why is the deploy pipeline slow?", 40, 400, 1, now)
}

/// The large publish: 500 messages, ~1 MB of JSON.
pub fn large_chat(now: DateTime<Utc>) -> ShareSnapshot {
    chat("A long debugging session", 500, 2_000, 2, now)
}

/// The small publish of the concurrency run: 4 messages, ~1 KB.
pub fn small_chat(now: DateTime<Utc>) -> ShareSnapshot {
    chat("Quick question", 4, 200, 3, now)
}

/// The small chat with ten 1 MiB [`image`]s on its first message.
pub fn image_chat(now: DateTime<Utc>) -> ShareSnapshot {
    let mut snapshot = small_chat(now);
    let image = |i| chat_core::attachment::Attachment::from_bytes("a.png", "image/png", &image(i));
    snapshot.messages[0].attachments = (0..10).map(image).collect();
    snapshot
}

/// A 1 MiB file typed as PNG (the signature, then `i`s).
pub fn image(i: u8) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(1 << 20, i);
    png
}

/// The snapshot of every share seeded for the growth runs: one short message.
pub fn seed_chat(now: DateTime<Utc>) -> ShareSnapshot {
    chat("Seeded share", 1, 300, 4, now)
}

/// The bytes of every message's text (content, reasoning, tool arguments):
/// what a reader reads, the baseline of the page-weight ratio.
pub fn message_text(snapshot: &ShareSnapshot) -> String {
    let mut text = String::new();
    for message in &snapshot.messages {
        text.push_str(&message.content);
        text.push('\n');
        if let Some(reasoning) = &message.reasoning {
            text.push_str(reasoning);
            text.push('\n');
        }
        for call in &message.tool_calls {
            text.push_str(&call.name);
            text.push(' ');
            text.push_str(&call.arguments);
            text.push('\n');
        }
    }
    text
}

/// `messages` messages averaging about `bytes_per_message` bytes of text,
/// all timestamped in the hour before `now`.
pub fn chat(
    title: &str,
    messages: usize,
    bytes_per_message: usize,
    seed: u64,
    now: DateTime<Utc>,
) -> ShareSnapshot {
    let mut text = TextGen::new(seed);
    let start = now - TimeDelta::hours(1);
    let step_ms = 3_000_000 / i64::try_from(messages.max(1)).unwrap_or(i64::MAX);
    let mut list = Vec::with_capacity(messages);
    let mut pending_call: Option<String> = None;
    for index in 0..messages {
        let timestamp = start + TimeDelta::milliseconds(step_ms * index as i64);
        let id = format!("msg-{index:05}");
        // A turn: user, assistant calling a tool, the tool, assistant answering.
        let message = match (index % 4, pending_call.take()) {
            (0, _) => Message {
                content: text.question(bytes_per_message / 2),
                ..plain(id, Role::User, timestamp)
            },
            (1, _) => {
                let call_id = format!("call-{index:05}");
                pending_call = Some(call_id.clone());
                Message {
                    content: text.paragraph(bytes_per_message / 5),
                    reasoning: Some(text.paragraph(bytes_per_message * 2 / 5)),
                    tool_calls: vec![ToolCall {
                        id: call_id,
                        name: text.tool_name().to_owned(),
                        arguments: text.tool_arguments(bytes_per_message / 5),
                    }],
                    ..answer(id, timestamp, &mut text, bytes_per_message)
                }
            }
            (2, Some(call_id)) => Message {
                content: text.tool_result(bytes_per_message),
                tool_call_id: Some(call_id),
                ..plain(id, Role::Tool, timestamp)
            },
            _ => Message {
                content: text.answer(bytes_per_message * 7 / 4),
                reasoning: Some(text.paragraph(bytes_per_message / 4)),
                ..answer(id, timestamp, &mut text, bytes_per_message)
            },
        };
        list.push(message);
    }
    let mut snapshot = ShareSnapshot {
        schema_version: Some(chat_core::SCHEMA_VERSION),
        title: title.to_owned(),
        messages: list,
        model_config: ModelConfig {
            provider: "openai".to_owned(),
            model: "gpt-4.1".to_owned(),
            temperature: Some(0.7),
            max_tokens: Some(4096),
            top_p: None,
        },
        prompt_meta: Some(PromptMeta {
            system_prompt: Some("You are a careful senior engineer. Answer briefly.".to_owned()),
            ..PromptMeta::default()
        }),
        total_tokens: None,
        total_cost: None,
        expires_at: None,
        indexable: false,
    };
    snapshot.fill_totals();
    snapshot
}

/// A message with nothing but its id, role and time: every other field
/// takes the schema's default.
fn plain(id: String, role: Role, timestamp: DateTime<Utc>) -> Message {
    let message =
        serde_json::json!({"id": id, "role": role, "content": "", "timestamp": timestamp});
    serde_json::from_value(message).unwrap_or_else(|error| panic!("a plain message: {error}"))
}

/// An assistant message with usage, cost and timings.
fn answer(id: String, timestamp: DateTime<Utc>, text: &mut TextGen, size: usize) -> Message {
    let output = i64::try_from(size / 4).unwrap_or(1_000) + text.below(200) as i64;
    let input = 1_000 + text.below(4_000) as i64;
    Message {
        usage: Some(Usage {
            input_tokens: input,
            output_tokens: output,
            reasoning_tokens: Some(output / 3),
            cached_tokens: Some(input / 2),
        }),
        cost: Some((input as f64 * 2.0 + output as f64 * 8.0) / 1_000_000.0),
        inference_time_ms: Some(800 + text.below(4_000) as i64),
        time_to_first_token_ms: Some(200 + text.below(500) as i64),
        ..plain(id, Role::Assistant, timestamp)
    }
}

/// The vocabulary, the short function words first (see [`TextGen::word`]).
const WORDS: &str = include_str!("fixture_words.txt");

const TOOLS: &str = "search_logs read_file run_query list_jobs http_get";

/// [`WORDS`], one by one.
static VOCABULARY: LazyLock<Vec<&str>> = LazyLock::new(|| WORDS.split_whitespace().collect());

/// Code blocks: the language, the shape of a line, the bound of its numbers.
const CODE: [(&str, &str, usize); 5] = [
    ("rust", "let {id} = {id}(&{id}, {n})?;", 10_000),
    ("python", "{id} = {id}({id}, retries={n})", 10),
    (
        "bash",
        "{w} --{w} /var/lib/{w}/{n}.log | grep -c {w}",
        1_000,
    ),
    (
        "sql",
        "SELECT {id}, count(*) FROM {id} WHERE {w} > {n} GROUP BY 1;",
        100_000,
    ),
    ("yaml", "{id}:\n  {w}: {n}", 512),
];

/// A small deterministic generator of technical-sounding text (xorshift64*).
struct TextGen {
    state: u64,
}

impl TextGen {
    fn new(seed: u64) -> Self {
        Self {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn word(&mut self) -> &'static str {
        // Short function words come up more often, as in real prose.
        let index = if self.below(3) == 0 {
            self.below(27)
        } else {
            self.below(VOCABULARY.len())
        };
        VOCABULARY[index]
    }

    fn identifier(&mut self) -> String {
        format!("{}_{}", self.word(), self.word())
    }

    fn sentence(&mut self, out: &mut String) {
        let words = 8 + self.below(10);
        for i in 0..words {
            let word = self.word();
            if i == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push(' ');
                if self.below(12) == 0 {
                    out.push('`');
                    out.push_str(&self.identifier());
                    out.push('`');
                    continue;
                }
                out.push_str(word);
            }
        }
        out.push_str(if self.below(6) == 0 { "?" } else { "." });
    }

    fn paragraph(&mut self, bytes: usize) -> String {
        let mut out = String::new();
        while out.len() < bytes.max(20) {
            if !out.is_empty() {
                out.push(' ');
            }
            self.sentence(&mut out);
        }
        out
    }

    fn question(&mut self, bytes: usize) -> String {
        let mut out = self.paragraph(bytes);
        if out.ends_with('.') {
            out.pop();
            out.push('?');
        }
        out
    }

    fn code(&mut self, lines: usize) -> String {
        let (language, line, numbers) = CODE[self.below(CODE.len())];
        let mut out = format!("```{language}\n");
        for _ in 0..lines.max(1) {
            // Each `{id}` an identifier, `{w}` a word, `{n}` a number below `numbers`.
            let mut rest = line;
            while let Some((before, after)) = rest.split_once('{') {
                let (hole, after) = after.split_once('}').unwrap_or((after, ""));
                out.push_str(before);
                match hole {
                    "id" => out.push_str(&self.identifier()),
                    "w" => out.push_str(self.word()),
                    _ => out.push_str(&self.below(numbers).to_string()),
                }
                rest = after;
            }
            out.push_str(rest);
            out.push('\n');
        }
        out.push_str("```");
        out
    }

    /// Markdown with a heading, prose, a list and a code block.
    fn answer(&mut self, bytes: usize) -> String {
        let mut out = format!("## {}\n\n", self.paragraph(10).trim_end_matches('.'));
        out.push_str(&self.paragraph(bytes / 4));
        out.push_str("\n\n");
        for _ in 0..3 {
            out.push_str("- ");
            out.push_str(&self.paragraph(bytes / 16));
            out.push('\n');
        }
        out.push('\n');
        let code_lines = (bytes / 5 / 45).max(2);
        out.push_str(&self.code(code_lines));
        out.push_str("\n\n");
        let rest = bytes.saturating_sub(out.len());
        if rest > 0 {
            out.push_str(&self.paragraph(rest));
        }
        out
    }

    fn tool_name(&mut self) -> &'static str {
        let tools: Vec<&'static str> = TOOLS.split_whitespace().collect();
        tools[self.below(tools.len())]
    }

    fn tool_arguments(&mut self, bytes: usize) -> String {
        let query = self.paragraph(bytes.saturating_sub(40));
        serde_json::json!({ "query": query, "limit": 1 + self.below(50) }).to_string()
    }

    fn tool_result(&mut self, bytes: usize) -> String {
        let mut rows = Vec::new();
        let mut size = 0;
        while size < bytes.max(60) {
            let row = serde_json::json!({
                "id": self.below(1_000_000),
                "name": self.identifier(),
                "summary": self.paragraph(60),
                "durationMs": self.below(90_000),
            });
            size += row.to_string().len();
            rows.push(row);
        }
        serde_json::json!({ "ok": true, "rows": rows }).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-25T09:00:00Z".parse().unwrap()
    }

    #[test]
    fn page_chat_is_40_valid_messages_of_about_20_kb() {
        let snapshot = page_chat(now());
        assert_eq!(snapshot.messages.len(), 40);
        let text = message_text(&snapshot).len();
        assert!((17_000..=25_000).contains(&text), "{text} bytes of text");
        chat_core::validate(&snapshot, now()).unwrap();
        let roles = |role| snapshot.messages.iter().filter(|m| m.role == role).count();
        assert_eq!(roles(Role::Tool), 10);
        assert!(snapshot.messages.iter().any(|m| m.content.contains("```")));
        assert!(snapshot.messages.iter().any(|m| m.reasoning.is_some()));
    }

    #[test]
    fn publishes_are_valid_and_of_their_size() {
        for (snapshot, messages, json) in [
            (large_chat(now()), 500, 900_000..=1_300_000),
            (small_chat(now()), 4, 0..=4_000),
            (seed_chat(now()), 1, 0..=4_000),
        ] {
            assert_eq!(snapshot.messages.len(), messages);
            let size = serde_json::to_vec(&snapshot).unwrap().len();
            assert!(json.contains(&size), "{size} bytes of JSON");
            chat_core::validate(&snapshot, now()).unwrap();
        }
    }

    #[test]
    fn text_is_deterministic_and_not_repetitive() {
        assert_eq!(page_chat(now()), page_chat(now()));
        let text = message_text(&page_chat(now()));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut encoder, text.as_bytes()).unwrap();
        let ratio = text.len() as f64 / encoder.finish().unwrap().len() as f64;
        // English prose and code gzip about 2.5–4×; a repeated passage would be far more.
        assert!((2.0..6.0).contains(&ratio), "compresses {ratio:.1}×");
    }
}
