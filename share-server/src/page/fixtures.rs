//! Snapshots for the page tests: a realistic conversation that uses every
//! field, a version 2 comparison of models, and a hostile one with script
//! vectors in every rendered string (in both schema versions).

use chat_core::ShareSnapshot;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use super::ShareView;

pub const SHARE_ID: &str = "4kQ7vT2mXb9LpR3sWz8YcA";
pub const PUBLIC_URL: &str = "https://share.example.com";

pub fn created_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 14, 12, 0)
        .single()
        .unwrap_or_default()
}

pub fn expires_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 25, 14, 12, 0)
        .single()
        .unwrap_or_default()
}

pub fn view(snapshot: &ShareSnapshot) -> ShareView<'_> {
    ShareView {
        share_id: SHARE_ID,
        snapshot,
        created_at: created_at(),
        expires_at: Some(expires_at()),
        public_url: PUBLIC_URL,
    }
}

/// Fills `totalTokens` and `totalCost` the way the app does and checks that
/// the server would accept the snapshot.
fn finish(value: serde_json::Value) -> ShareSnapshot {
    let mut snapshot: ShareSnapshot = serde_json::from_value(value).unwrap();
    snapshot.fill_totals();
    match chat_core::validate(&snapshot, created_at()) {
        Ok(warnings) => assert_eq!(warnings, [], "fixture totals"),
        Err(errors) => panic!("fixture is invalid: {errors:?}"),
    }
    snapshot
}

/// The schema versions the hostile fixture comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    V1,
    V2,
}

impl Schema {
    pub const ALL: [Schema; 2] = [Schema::V1, Schema::V2];
}

/// One prompt answered by three models with their own settings: one
/// stopped by the user, one cut off at its token limit, one failed; and
/// prompt details beside the system prompt.
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

/// A conversation with every feature the page shows.
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

/// A payload that sets `window.__pwned` or calls `alert()` if it runs.
pub const XSS: &str = r#"<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=1;alert(1)"><a href="javascript:window.__pwned=1">x</a>"'><svg onload=alert(1)>"#;

/// The same for fields limited to 128 bytes (names, ids).
pub const XSS_SHORT: &str =
    r#"<img src=x onerror="window.__pwned=1;alert(1)">"'><script>alert(1)</script>"#;

/// Every string the page renders is a script vector; in version 2 also the
/// answers' models, providers, settings and errors, and prompt details.
pub fn hostile(schema: Schema) -> ShareSnapshot {
    let mut value = hostile_v1();
    if schema == Schema::V2 {
        value["schemaVersion"] = json!(2);
        let markdown = value["messages"][0]["content"].clone();
        let user_id = value["messages"][0]["id"].clone();
        let answer = &mut value["messages"][1];
        answer["provider"] = json!("<svg onload=alert(2)>");
        answer["model"] = json!(format!("m{XSS}"));
        answer["params"] =
            json!({ "temperature": 0.1, (XSS_SHORT): XSS, "plain": { "html": XSS } });
        answer["finishReason"] = json!("error");
        answer["error"] = markdown.clone();
        answer["replyTo"] = user_id.clone();
        value["messages"].as_array_mut().unwrap().push(json!({
            "id": "m6", "role": "assistant", "timestamp": "2026-11-25T14:03:14Z",
            "content": markdown, "provider": "</td></tr></table><script>alert(1)</script>",
            "model": XSS_SHORT, "finishReason": "stopped", "replyTo": user_id,
            "usage": { "inputTokens": 1, "outputTokens": 1 }, "cost": 0.5
        }));
        value["promptMeta"][XSS_SHORT] = json!({ (XSS): XSS, "list": [XSS] });
        value["promptMeta"]["notes"] = json!(XSS);
    }
    finish(value)
}

fn hostile_v1() -> serde_json::Value {
    let call_id = r#""><script>alert(1)</script>"#;
    let markdown = format!(
        "{XSS}\n\n[click](javascript:window.__pwned=1) ![img](javascript:alert(1)) \
         [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) \
         <a href=\"javascript:alert(1)\">raw</a> <iframe src=\"javascript:alert(1)\"></iframe>\n\n\
         <details open ontoggle=alert(1)>x</details><style>body{{display:none}}</style>\n\n\
         ```\"><script>alert(1)</script>\n{XSS}\n```\n"
    );
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
