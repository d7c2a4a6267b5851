//! Share snapshots for tests, fuzz seeds and screenshots, in one place
//! (cargo feature `fixtures`, off by default): the crates that test pages,
//! exports and the API take their conversations from here instead of keeping
//! copies that drift apart.
//!
//! - [`weather`] / [`weather_v2`]: a small conversation with every field in
//!   use, and the same with every version 2 field.
//! - [`conversation`]: a realistic version 1 conversation (reasoning, a tool
//!   call and its result, code, a table, two days).
//! - [`comparison`]: one prompt to four models that ended in every way an
//!   answer can end early (cut off, stopped, failed).
//! - [`comparison_of_three`]: one prompt to three models that all finished,
//!   every figure measured, and the conversation going on below.
//! - [`hostile`]: a script vector in every string a reader is shown, in
//!   either schema version (in version 2 also in a three-way comparison).
//!
//! - [`browser_scheme`] and [`CONTROLS`]: a URL's scheme as a browser reads
//!   it, and the selectors of form controls, for the HTML checks.
//!
//! Every fixture is valid at [`now`], its totals filled in as the app fills
//! them (the builders panic otherwise: a broken fixture is a broken test).

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

use crate::snapshot::{Message, Role, ShareSnapshot};

pub mod files;
pub mod generated;
mod html;

pub use html::{CONTROLS, browser_scheme};

/// When the fixtures are published: each is valid then (its messages lie
/// before it or within the day of clock skew allowed, its expiry after it).
pub fn now() -> DateTime<Utc> {
    utc(2026, 11, 25, 14, 12)
}

fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .unwrap_or_else(|| panic!("{year}-{month}-{day} {hour}:{minute} is a valid time"))
}

/// A message with only its id, role, content and time.
pub fn message(id: &str, role: Role, content: &str, timestamp: DateTime<Utc>) -> Message {
    from_json(json!({ "id": id, "role": role, "content": content, "timestamp": timestamp }))
}

fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("fixture does not parse: {e}"))
}

/// Parses `value`, fills `totalTokens` and `totalCost` the way the app
/// does, and checks that a server would accept the snapshot at [`now`]
/// without a warning.
fn finish(value: Value) -> ShareSnapshot {
    let mut snapshot: ShareSnapshot = from_json(value);
    snapshot.fill_totals();
    match crate::validate(&snapshot, now()) {
        Ok(warnings) if warnings.is_empty() => snapshot,
        Ok(warnings) => panic!("fixture totals warn: {warnings:?}"),
        Err(errors) => panic!("fixture is invalid: {errors}"),
    }
}

/// A payload that sets `window.__pwned` or calls `alert()` if it runs.
pub const XSS: &str = r#"<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=1;alert(1)"><a href="javascript:window.__pwned=1">x</a>"'><svg onload=alert(1)>"#;

/// The same for fields limited to 128 bytes (names, ids).
pub const XSS_SHORT: &str =
    r#"<img src=x onerror="window.__pwned=1;alert(1)">"'><script>alert(1)</script>"#;

/// Every version of the snapshot schema [`hostile`] comes in.
pub const HOSTILE_VERSIONS: [u32; 2] = [1, 2];

/// system, user, an answer calling a tool, the tool's answer, the final
/// answer; priced, timed, with the prompt's system prompt, tool and
/// template variable. Schema version 2, using no version 2 field.
pub fn weather() -> ShareSnapshot {
    finish(json!({
        "schemaVersion": 2,
        "title": "Weather in Paris",
        "modelConfig": { "provider": "openai", "model": "gpt-4o", "temperature": 0.7, "maxTokens": 1024, "topP": 1.0 },
        "promptMeta": {
            "systemPrompt": "You are terse.", "variables": { "city": "Paris" },
            "tools": [{
                "name": "get_weather", "description": "Current weather of a city",
                "parameters": { "type": "object", "properties": { "city": { "type": "string" } } }
            }]
        },
        "messages": [
            { "id": "m0", "role": "system", "timestamp": "2026-11-20T11:00:00Z", "content": "You are terse." },
            { "id": "m1", "role": "user", "timestamp": "2026-11-20T11:01:00Z", "content": "Weather in {{city}}?" },
            {
                "id": "m2", "role": "assistant", "timestamp": "2026-11-20T11:02:00Z", "content": "",
                "reasoning": "The user wants the weather; call the tool.",
                "usage": { "inputTokens": 1200, "outputTokens": 300, "reasoningTokens": 120, "cachedTokens": 1024 },
                "cost": 0.0042, "inferenceTimeMs": 2400, "timeToFirstTokenMs": 350,
                "toolCalls": [{ "id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}" }]
            },
            {
                "id": "m3", "role": "tool", "timestamp": "2026-11-20T11:03:00Z",
                "toolCallId": "call_1", "content": "{\"temp\":18}"
            },
            {
                "id": "m4", "role": "assistant", "timestamp": "2026-11-20T11:04:00Z",
                "content": "It is **18 °C** in Paris.",
                "usage": { "inputTokens": 1550, "outputTokens": 25 },
                "cost": 0.0011, "inferenceTimeMs": 900, "timeToFirstTokenMs": 200
            }
        ],
        "expiresAt": "2026-12-20T00:00:00Z"
    }))
}

/// [`weather`] with every version 2 field in use: the tool-calling answer
/// comes from another model with its own settings, the final answer
/// replies to the user message, and a second, failed answer to the same
/// message from a third model makes it a comparison.
pub fn weather_v2() -> ShareSnapshot {
    let mut value = to_json(&weather());
    let messages = &mut value["messages"];
    merge(
        &mut messages[2],
        json!({
            "provider": "anthropic", "model": "claude-sonnet-4",
            "params": { "temperature": 0.2, "maxTokens": 2048, "seed": 7 },
            "finishReason": "toolCalls", "replyTo": "m1"
        }),
    );
    merge(
        &mut messages[4],
        json!({ "finishReason": "stop", "replyTo": "m1" }),
    );
    push(
        messages,
        json!({
            "id": "m5", "role": "assistant", "timestamp": "2026-11-20T11:05:00Z", "content": "It is",
            "provider": "ollama", "model": "llama3.2",
            "finishReason": "error", "error": "connection reset by peer", "replyTo": "m1"
        }),
    );
    value["promptMeta"]["promptId"] = json!("weather-v3");
    value["promptMeta"]["version"] = json!(3);
    finish(value)
}

/// The roles of [`conversation`]'s messages, in order.
pub const CONVERSATION_ROLES: [&str; 6] = [
    "user",
    "assistant",
    "tool",
    "assistant",
    "user",
    "assistant",
];

/// A conversation with every feature the page shows: system prompt, tool
/// and template variable; reasoning, a tool call and its JSON result,
/// highlighted code and a table; cached and reasoning tokens; an answer
/// without a price; and a second day.
pub fn conversation() -> ShareSnapshot {
    finish(json!({
        "schemaVersion": 1,
        "title": "Why does my deploy script fail?",
        "modelConfig": {
            "provider": "openai", "model": "gpt-4o-2024-08-06",
            "temperature": 0.3, "maxTokens": 4096, "topP": 0.95
        },
        "promptMeta": {
            "systemPrompt": "You are a **deployment expert**. Answer briefly and show commands.",
            "tools": [{
                "name": "stat_file",
                "description": "Returns the mode, owner and size of a file.",
                "parameters": {
                    "type": "object",
                    "properties": { "path": { "type": "string", "description": "Path of the file" } },
                    "required": ["path"]
                }
            }],
            "variables": { "project": "billing-api" }
        },
        "messages": [
            {
                "id": "m1", "role": "user", "timestamp": "2026-11-25T14:03:07Z",
                "content": "My `deploy.sh` fails with **Permission denied**. Why?"
            },
            {
                "id": "m2", "role": "assistant", "timestamp": "2026-11-25T14:03:10Z",
                "content": "Let me check the file's permissions first.",
                "reasoning": "The error suggests the script lacks the execute bit.\nI should stat it.",
                "usage": { "inputTokens": 1200, "outputTokens": 80, "reasoningTokens": 30, "cachedTokens": 1024 },
                "cost": 0.00216,
                "timeToFirstTokenMs": 420, "inferenceTimeMs": 1900,
                "toolCalls": [{ "id": "call_perm", "name": "stat_file", "arguments": "{\"path\":\"deploy.sh\"}" }]
            },
            {
                "id": "m3", "role": "tool", "timestamp": "2026-11-25T14:03:11Z",
                "toolCallId": "call_perm",
                "content": "{\"mode\":\"-rw-r--r--\",\"owner\":\"deploy\",\"size\":2048}"
            },
            {
                "id": "m4", "role": "assistant", "timestamp": "2026-11-25T14:03:15Z",
                "content": "The script is **not executable** (`-rw-r--r--`). Fix it with:\n\n```bash\nchmod +x deploy.sh\n./deploy.sh --env production\n```\n\n| Mode | Meaning |\n|------|---------|\n| `r` | read |\n| `x` | execute |\n",
                "usage": { "inputTokens": 1350, "outputTokens": 142, "reasoningTokens": 0, "cachedTokens": 1152 },
                "cost": 0.0031,
                "timeToFirstTokenMs": 380, "inferenceTimeMs": 2340
            },
            {
                "id": "m5", "role": "user", "timestamp": "2026-11-26T09:00:00Z",
                "content": "Thanks! Can it stay executable after `git clone`?"
            },
            {
                "id": "m6", "role": "assistant", "timestamp": "2026-11-26T09:00:04Z",
                "content": "Yes: `git update-index --chmod=+x deploy.sh`, then commit.",
                "usage": { "inputTokens": 1510, "outputTokens": 35 },
                "timeToFirstTokenMs": 510, "inferenceTimeMs": 900
            }
        ],
        "totalTokens": 0,
        "indexable": false
    }))
}

/// One prompt answered by four models with their own settings: one
/// finished, one cut off at its token limit, one stopped by the user, one
/// failed; and prompt details beside the system prompt.
pub fn comparison() -> ShareSnapshot {
    finish(json!({
        "schemaVersion": 2,
        "title": "Which model explains lifetimes best?",
        "modelConfig": { "provider": "openai", "model": "gpt-4o", "temperature": 0.7, "maxTokens": 1024 },
        "promptMeta": {
            "systemPrompt": "Explain like a patient teacher.",
            "promptId": "lifetimes-explainer",
            "promptVersion": 3,
            "tags": ["rust", "teaching"]
        },
        "messages": [
            {
                "id": "u1", "role": "user", "timestamp": "2026-11-25T14:00:00Z",
                "content": "Explain Rust lifetimes in two sentences."
            },
            {
                "id": "a1", "role": "assistant", "timestamp": "2026-11-25T14:00:04Z",
                "content": "A lifetime names how long a reference is valid. The compiler checks that no reference outlives its data.",
                "model": "gpt-4o", "finishReason": "stop", "replyTo": "u1",
                "usage": { "inputTokens": 900, "outputTokens": 100 }, "cost": 0.003,
                "timeToFirstTokenMs": 300, "inferenceTimeMs": 1300
            },
            {
                "id": "a2", "role": "assistant", "timestamp": "2026-11-25T14:00:09Z",
                "content": "Lifetimes are regions of code during which",
                "provider": "anthropic", "model": "claude-sonnet-4",
                "params": { "temperature": 0.2, "maxTokens": 64, "topK": 40, "stop": ["\n\n"] },
                "finishReason": "length", "replyTo": "u1",
                "usage": { "inputTokens": 950, "outputTokens": 64 }, "cost": 0.0038,
                "timeToFirstTokenMs": 500, "inferenceTimeMs": 1500
            },
            {
                "id": "a3", "role": "assistant", "timestamp": "2026-11-25T14:00:12Z",
                "content": "A lifetime is",
                "provider": "ollama", "model": "llama3.2",
                "params": { "temperature": 0.7 },
                "finishReason": "stopped", "replyTo": "u1",
                "usage": { "inputTokens": 880, "outputTokens": 6 }, "cost": 0
            },
            {
                "id": "a4", "role": "assistant", "timestamp": "2026-11-25T14:00:13Z",
                "content": "",
                "provider": "groq", "model": "llama-3.3-70b",
                "finishReason": "error", "error": "429 Too Many Requests: rate limit reached", "replyTo": "u1"
            }
        ]
    }))
}

/// One prompt to three models that all finished, every figure measured (the
/// lowest cost and first token from one, the highest speed from another, a
/// tie on inference time), then the conversation going on with the answer
/// the user chose.
pub fn comparison_of_three() -> ShareSnapshot {
    finish(json!({
        "schemaVersion": 2,
        "title": "Three models explain Rust lifetimes",
        "modelConfig": { "provider": "openai", "model": "gpt-4o", "temperature": 0.7 },
        "messages": [
            {
                "id": "u1", "role": "user", "timestamp": "2026-11-25T14:00:00Z",
                "content": "Explain Rust lifetimes in two sentences."
            },
            {
                "id": "a1", "role": "assistant", "timestamp": "2026-11-25T14:00:02Z",
                "content": "A lifetime names how long a reference is valid. The compiler checks that no reference outlives the data it points to.",
                "provider": "openai", "model": "gpt-4o", "finishReason": "stop", "replyTo": "u1",
                "usage": { "inputTokens": 900, "outputTokens": 120 }, "cost": 0.00345,
                "timeToFirstTokenMs": 300, "inferenceTimeMs": 1500
            },
            {
                "id": "a2", "role": "assistant", "timestamp": "2026-11-25T14:00:02Z",
                "content": "Every reference has a **lifetime**: the span of code in which it may be used.\n\nThe borrow checker proves that each lifetime ends before the value it borrows is dropped or moved.",
                "reasoning": "Two sentences: what a lifetime is, and who checks it.",
                "provider": "anthropic", "model": "claude-sonnet-4",
                "params": { "temperature": 0.2, "maxTokens": 512 },
                "finishReason": "stop", "replyTo": "u1",
                "usage": { "inputTokens": 950, "outputTokens": 150, "reasoningTokens": 40, "cachedTokens": 512 },
                "cost": 0.0051, "timeToFirstTokenMs": 650, "inferenceTimeMs": 1500
            },
            {
                "id": "a3", "role": "assistant", "timestamp": "2026-11-25T14:00:03Z",
                "content": "Lifetimes tell the compiler how long references live. They stop you from using a reference after its value is gone.",
                "provider": "ollama", "model": "llama3.2",
                "params": { "temperature": 0.7, "seed": 42 },
                "finishReason": "stop", "replyTo": "u1",
                "usage": { "inputTokens": 880, "outputTokens": 95 }, "cost": 0,
                "timeToFirstTokenMs": 120, "inferenceTimeMs": 2500
            },
            {
                "id": "u2", "role": "user", "timestamp": "2026-11-25T14:01:00Z",
                "content": "Thanks, Claude's is clearest. Show an example."
            },
            {
                "id": "a4", "role": "assistant", "timestamp": "2026-11-25T14:01:03Z",
                "content": "```rust\nfn longest<'a>(x: &'a str, y: &'a str) -> &'a str {\n    if x.len() > y.len() { x } else { y }\n}\n```",
                "provider": "anthropic", "model": "claude-sonnet-4",
                "params": { "temperature": 0.2, "maxTokens": 512 },
                "finishReason": "stop", "replyTo": "u2",
                "usage": { "inputTokens": 1200, "outputTokens": 60 },
                "cost": 0.0045, "timeToFirstTokenMs": 600, "inferenceTimeMs": 1100
            }
        ]
    }))
}

/// Every string the page renders is a script vector. In version 2 also the
/// answers' models, providers, settings and errors, in a three-way
/// comparison, and prompt details.
pub fn hostile(version: u32) -> ShareSnapshot {
    let mut value = hostile_v1();
    if version >= 2 {
        hostile_v2(&mut value);
    }
    finish(value)
}

/// Markdown with every kind of script vector: raw HTML, script and data
/// URLs, event handlers, a stylesheet, an SVG animation, a fence that tries
/// to close itself.
fn hostile_markdown() -> String {
    format!(
        "{XSS}\n\n[click](javascript:window.__pwned=1) ![img](javascript:alert(1)) \
         [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) \
         [data2](data:text/html,<script>alert(1)</script>) \
         <a href=\"javascript:alert(1)\">raw</a> <iframe src=\"javascript:alert(1)\"></iframe>\n\n\
         <details open ontoggle=\"window.__pwned=1\">x</details><style>body{{display:none}}</style>\n\n\
         <svg><animate onbegin=\"window.__pwned=1\" attributeName=x dur=1s>\n\n\
         ```\"><script>alert(1)</script>\n{XSS}\n```\n"
    )
}

fn hostile_v1() -> Value {
    let call_id = r#""><script>alert(1)</script>"#;
    let markdown = hostile_markdown();
    json!({
        "schemaVersion": 1,
        "title": r#"</script><script>window.__pwned=1</script>" onmouseover="alert(1)"#,
        "modelConfig": {
            "provider": "<svg/onload=alert(1)>",
            "model": format!("gpt-4o{XSS}"),
            "temperature": 1.0
        },
        "promptMeta": {
            "systemPrompt": markdown,
            "tools": [{
                "name": XSS_SHORT,
                "description": XSS,
                "parameters": { "type": "object", "properties": { (XSS): { "type": XSS } } }
            }],
            "variables": { (XSS_SHORT): XSS }
        },
        "messages": [
            {
                "id": XSS_SHORT, "role": "user", "timestamp": "2026-11-25T14:03:07Z",
                "content": markdown
            },
            {
                "id": "m2", "role": "assistant", "timestamp": "2026-11-25T14:03:10Z",
                "content": markdown, "reasoning": markdown,
                "usage": { "inputTokens": 10, "outputTokens": 20, "reasoningTokens": 5 },
                "cost": 0.001,
                "toolCalls": [
                    { "id": call_id, "name": XSS_SHORT, "arguments": json!({ "html": XSS }).to_string() },
                    { "id": "call_raw", "name": "raw", "arguments": XSS }
                ]
            },
            {
                "id": "m3", "role": "tool", "timestamp": "2026-11-25T14:03:11Z",
                "toolCallId": call_id, "content": markdown
            },
            {
                "id": "m4", "role": "tool", "timestamp": "2026-11-25T14:03:12Z",
                "toolCallId": "call_raw", "content": json!({ "result": XSS }).to_string()
            },
            {
                "id": "m5", "role": "system", "timestamp": "2026-11-25T14:03:13Z",
                "content": markdown
            }
        ],
        "totalTokens": 0
    })
}

/// The version 2 fields of [`hostile`]: three answers to the user message,
/// a comparison whose columns and table carry hostile models, providers,
/// settings, errors and answers. The second and third come from the same
/// (hostile) model with other settings, so two models are listed.
fn hostile_v2(value: &mut Value) {
    value["schemaVersion"] = json!(2);
    let markdown = hostile_markdown();
    let user_id = value["messages"][0]["id"].clone();
    let table_breaker = "</td></tr></table><script>alert(1)</script>";
    merge(
        &mut value["messages"][1],
        json!({
            "provider": "<svg onload=alert(2)>",
            "model": format!("m{XSS}"),
            "params": { "temperature": 0.1, (XSS_SHORT): XSS, "plain": { "html": XSS } },
            "finishReason": "error", "error": markdown, "replyTo": user_id
        }),
    );
    let messages = &mut value["messages"];
    push(
        messages,
        json!({
            "id": "m6", "role": "assistant", "timestamp": "2026-11-25T14:03:14Z",
            "content": markdown, "provider": table_breaker,
            "model": XSS_SHORT, "finishReason": "stopped", "replyTo": user_id,
            "usage": { "inputTokens": 1, "outputTokens": 1 }, "cost": 0.5
        }),
    );
    push(
        messages,
        json!({
            "id": "m7", "role": "assistant", "timestamp": "2026-11-25T14:03:15Z",
            "content": markdown, "reasoning": markdown, "provider": table_breaker,
            "model": XSS_SHORT, "finishReason": "stop", "replyTo": user_id,
            "params": { "maxTokens": 99, "stop": [XSS], (table_breaker): XSS_SHORT },
            "usage": { "inputTokens": 2, "outputTokens": 30, "reasoningTokens": 3, "cachedTokens": 1 },
            "cost": 0.25, "timeToFirstTokenMs": 100, "inferenceTimeMs": 600
        }),
    );
    value["promptMeta"][XSS_SHORT] = json!({ (XSS): XSS, "list": [XSS] });
    value["promptMeta"]["notes"] = json!(XSS);
}

/// Every fixture with a name (the name of its fuzz seed): for checks that
/// hold for any snapshot.
pub fn all() -> Vec<(&'static str, ShareSnapshot)> {
    vec![
        ("weather", weather()),
        ("weather_v2", weather_v2()),
        ("conversation", conversation()),
        ("comparison", comparison()),
        ("comparison_of_three", comparison_of_three()),
        ("hostile_v1", hostile(1)),
        ("hostile_v2", hostile(2)),
    ]
}

/// `snapshot` as the JSON a client posts.
pub fn to_json(snapshot: &ShareSnapshot) -> Value {
    serde_json::to_value(snapshot).unwrap_or_else(|e| panic!("a snapshot serializes: {e}"))
}

fn merge(target: &mut Value, fields: Value) {
    if let (Some(target), Value::Object(fields)) = (target.as_object_mut(), fields) {
        target.extend(fields);
    }
}

fn push(list: &mut Value, item: Value) {
    if let Some(list) = list.as_array_mut() {
        list.push(item);
    }
}

#[cfg(test)]
mod tests;
