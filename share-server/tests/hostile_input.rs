//! Hostile snapshot bodies over a real listener: each gets a clear 4xx in the
//! error envelope whose `error.field` (or, where there is no field, the
//! message) says what is wrong — never a 5xx, never a vague error; and
//! bodies at the edges of what is valid are kept byte for byte. The checks
//! run on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

mod common;
mod pg;

use chat_core::limits;
use common::{TestServer, snapshot};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// One hostile body and what the server must answer.
struct Case {
    name: &'static str,
    body: Vec<u8>,
    status: StatusCode,
    code: &'static str,
    /// Where the error must point.
    points_at: Points,
}

enum Points {
    /// `error.field` equals this path (and, for 422, `error.details` has it).
    Field(&'static str),
    /// `error.field` starts with this path (deep paths inside a JSON value).
    FieldUnder(&'static str),
    /// No single field is at fault: the message must contain this.
    Message(&'static str),
}

fn case(
    name: &'static str,
    body: Vec<u8>,
    status: StatusCode,
    code: &'static str,
    points_at: Points,
) -> Case {
    Case {
        name,
        body,
        status,
        code,
        points_at,
    }
}

/// The valid snapshot with `edit` applied, as bytes.
fn edited(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value = snapshot("Hostile");
    edit(&mut value);
    serde_json::to_vec(&value).unwrap()
}

/// The valid snapshot with the JSON text of `pointer`'s value replaced by
/// `raw` (for what `serde_json::Value` cannot hold: huge numbers, bad bytes).
fn with_raw(field: &str, raw: &[u8]) -> Vec<u8> {
    let marker = "\u{1}RAW\u{1}";
    let mut value = snapshot("Hostile");
    *value.pointer_mut(field).unwrap() = json!(marker);
    let text = serde_json::to_vec(&value).unwrap();
    let marker_json = serde_json::to_vec(&json!(marker)).unwrap();
    let at = text
        .windows(marker_json.len())
        .position(|w| w == marker_json.as_slice())
        .unwrap();
    let mut out = text[..at].to_vec();
    out.extend_from_slice(raw);
    out.extend_from_slice(&text[at + marker_json.len()..]);
    out
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

const BAD: StatusCode = StatusCode::BAD_REQUEST;
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

fn cases() -> Vec<Case> {
    use Points::{Field, FieldUnder, Message};
    vec![
        // --- Size -----------------------------------------------------------
        case(
            "body over the limit",
            {
                let mut body = edited(|_| {});
                body.truncate(body.len() - 1);
                body.extend(std::iter::repeat_n(b' ', limits::MAX_SNAPSHOT_BYTES));
                body.push(b'}');
                body
            },
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            Message("body"),
        ),
        case(
            "content over its limit",
            edited(|v| {
                v["messages"][0]["content"] = json!("x".repeat(limits::MAX_CONTENT_BYTES + 1))
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[0].content"),
        ),
        case(
            "title over its limit",
            edited(|v| v["title"] = json!("é".repeat(limits::MAX_TITLE_CHARS + 1))),
            INVALID,
            "invalid_snapshot",
            Field("title"),
        ),
        case(
            "too many messages",
            edited(|v| {
                let first = v["messages"][0].clone();
                v["messages"] = Value::Array(
                    (0..=limits::MAX_MESSAGES)
                        .map(|i| {
                            let mut m = first.clone();
                            m["id"] = json!(format!("m{i}"));
                            m
                        })
                        .collect(),
                );
                v["totalTokens"] = json!(0);
                v["totalCost"] = Value::Null;
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages"),
        ),
        case(
            "too many variables",
            edited(|v| {
                v["promptMeta"]["variables"] = (0..=limits::MAX_VARIABLES)
                    .map(|i| (format!("v{i}"), json!("x")))
                    .collect::<serde_json::Map<_, _>>()
                    .into();
            }),
            INVALID,
            "invalid_snapshot",
            Field("promptMeta.variables"),
        ),
        // --- Nesting --------------------------------------------------------
        case(
            "deeply nested document",
            nested(100_000).into_bytes(),
            BAD,
            "invalid_json",
            Message("expected"),
        ),
        case(
            "deeply nested tool parameters",
            with_raw(
                "/promptMeta/systemPrompt",
                format!(
                    "\"p\", \"tools\": [{{\"name\": \"t\", \"parameters\": {}}}]",
                    nested(100_000)
                )
                .as_bytes(),
            ),
            BAD,
            "invalid_json",
            FieldUnder("promptMeta.tools[0].parameters"),
        ),
        case(
            "deeply nested object where a string belongs",
            with_raw(
                "/title",
                format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000)).as_bytes(),
            ),
            BAD,
            "invalid_json",
            Field("title"),
        ),
        // --- Encoding -------------------------------------------------------
        case(
            "invalid UTF-8 in the title",
            with_raw("/title", b"\"Caf\xc3(\""),
            BAD,
            "invalid_utf8",
            Field("title"),
        ),
        case(
            "invalid UTF-8 in a message",
            with_raw("/messages/2/content", b"\"\xff\xfe\xfd\""),
            BAD,
            "invalid_utf8",
            Field("messages[2].content"),
        ),
        case(
            "overlong UTF-8 encoding of '<'",
            with_raw("/messages/0/content", b"\"\xc0\xbcscript\""),
            BAD,
            "invalid_utf8",
            Field("messages[0].content"),
        ),
        case(
            "UTF-16 surrogate encoded as UTF-8",
            with_raw("/modelConfig/model", b"\"\xed\xa0\x80\""),
            BAD,
            "invalid_utf8",
            Field("modelConfig.model"),
        ),
        case(
            "lone surrogate escape",
            with_raw("/messages/0/content", b"\"\\ud800\""),
            BAD,
            "invalid_json",
            Field("messages[0].content"),
        ),
        case(
            "NUL in content",
            edited(|v| v["messages"][0]["content"] = json!("a\u{0}b")),
            INVALID,
            "invalid_snapshot",
            Field("messages[0].content"),
        ),
        case(
            "right-to-left override in the title",
            edited(|v| v["title"] = json!("invoice\u{202e}fdp.exe")),
            INVALID,
            "invalid_snapshot",
            Field("title"),
        ),
        // --- Huge numbers ---------------------------------------------------
        case(
            "number beyond f64",
            with_raw("/totalTokens", b"1e400"),
            BAD,
            "invalid_json",
            Field("totalTokens"),
        ),
        case(
            "integer beyond i64",
            with_raw("/messages/1/usage/inputTokens", b"99999999999999999999999"),
            BAD,
            "invalid_json",
            Field("messages[1].usage.inputTokens"),
        ),
        case(
            "i64::MAX tokens",
            with_raw("/messages/1/usage/inputTokens", b"9223372036854775807"),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].usage.inputTokens"),
        ),
        case(
            "i64::MIN max tokens",
            edited(|v| v["modelConfig"]["maxTokens"] = json!(i64::MIN)),
            INVALID,
            "invalid_snapshot",
            Field("modelConfig.maxTokens"),
        ),
        case(
            "huge cost",
            edited(|v| v["messages"][1]["cost"] = json!(1e300)),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].cost"),
        ),
        case(
            "temperature beyond f64",
            with_raw("/modelConfig/temperature", b"-1e999"),
            BAD,
            "invalid_json",
            Field("modelConfig.temperature"),
        ),
        case(
            "schema version beyond u32",
            with_raw("/schemaVersion", b"4294967296"),
            BAD,
            "invalid_json",
            Field("schemaVersion"),
        ),
        case(
            "a 10,000-digit number",
            with_raw("/messages/3/inferenceTimeMs", "9".repeat(10_000).as_bytes()),
            BAD,
            "invalid_json",
            Field("messages[3].inferenceTimeMs"),
        ),
        // --- Negative values ------------------------------------------------
        case(
            "negative output tokens",
            edited(|v| v["messages"][1]["usage"]["outputTokens"] = json!(-1)),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].usage.outputTokens"),
        ),
        case(
            "negative reasoning tokens",
            edited(|v| v["messages"][1]["usage"]["reasoningTokens"] = json!(-10)),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].usage.reasoningTokens"),
        ),
        case(
            "negative cached tokens",
            edited(|v| v["messages"][3]["usage"]["cachedTokens"] = json!(-1)),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].usage.cachedTokens"),
        ),
        case(
            "negative total tokens",
            edited(|v| v["totalTokens"] = json!(-370)),
            INVALID,
            "invalid_snapshot",
            Field("totalTokens"),
        ),
        case(
            "negative time to first token",
            edited(|v| v["messages"][1]["timeToFirstTokenMs"] = json!(-300)),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].timeToFirstTokenMs"),
        ),
        case(
            "negative cost",
            edited(|v| v["messages"][3]["cost"] = json!(-0.001)),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].cost"),
        ),
        case(
            "negative schema version",
            edited(|v| v["schemaVersion"] = json!(-1)),
            BAD,
            "invalid_json",
            Field("schemaVersion"),
        ),
        // --- Duplicates -----------------------------------------------------
        case(
            "duplicate message ids",
            edited(|v| v["messages"][2]["id"] = json!("m1")),
            INVALID,
            "invalid_snapshot",
            Field("messages[2].id"),
        ),
        case(
            "duplicate tool call ids",
            edited(|v| {
                let call = v["messages"][1]["toolCalls"][0].clone();
                v["messages"][1]["toolCalls"]
                    .as_array_mut()
                    .unwrap()
                    .push(call);
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].toolCalls[1].id"),
        ),
        case(
            "duplicate JSON key",
            with_raw("/title", b"\"a\", \"title\": \"b\""),
            BAD,
            "invalid_json",
            Message("title"),
        ),
        // --- Timestamps -----------------------------------------------------
        case(
            "timestamp at the Unix epoch",
            edited(|v| v["messages"][0]["timestamp"] = json!("1970-01-01T00:00:00Z")),
            INVALID,
            "invalid_snapshot",
            Field("messages[0].timestamp"),
        ),
        case(
            "timestamp just before 2000",
            edited(|v| v["messages"][0]["timestamp"] = json!("1999-12-31T23:59:59Z")),
            INVALID,
            "invalid_snapshot",
            Field("messages[0].timestamp"),
        ),
        case(
            "timestamp in year 9999",
            edited(|v| v["messages"][3]["timestamp"] = json!("9999-12-31T23:59:59Z")),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].timestamp"),
        ),
        case(
            "timestamp beyond what a date type holds",
            edited(|v| v["messages"][0]["timestamp"] = json!("+999999999-01-01T00:00:00Z")),
            BAD,
            "invalid_json",
            Field("messages[0].timestamp"),
        ),
        case(
            "impossible date",
            edited(|v| v["messages"][0]["timestamp"] = json!("2026-02-30T25:61:00Z")),
            BAD,
            "invalid_json",
            Field("messages[0].timestamp"),
        ),
        case(
            "timestamp as a number",
            edited(|v| v["messages"][0]["timestamp"] = json!(1_700_000_000)),
            BAD,
            "invalid_json",
            Field("messages[0].timestamp"),
        ),
        case(
            "expiry in the past",
            edited(|v| v["expiresAt"] = json!("2001-01-01T00:00:00Z")),
            INVALID,
            "invalid_snapshot",
            Field("expiresAt"),
        ),
        // --- Wrong types ----------------------------------------------------
        case(
            "title as a number",
            edited(|v| v["title"] = json!(5)),
            BAD,
            "invalid_json",
            Field("title"),
        ),
        case(
            "messages as an object",
            edited(|v| v["messages"] = json!({"0": {}})),
            BAD,
            "invalid_json",
            Field("messages"),
        ),
        case(
            "content null",
            edited(|v| v["messages"][0]["content"] = Value::Null),
            BAD,
            "invalid_json",
            Field("messages[0].content"),
        ),
        case(
            "unknown role",
            edited(|v| v["messages"][0]["role"] = json!("admin")),
            BAD,
            "invalid_json",
            Field("messages[0].role"),
        ),
        case(
            "usage as an array",
            edited(|v| v["messages"][1]["usage"] = json!([120, 30])),
            BAD,
            "invalid_json",
            Field("messages[1].usage"),
        ),
        case(
            "model config as an array of its fields",
            edited(|v| v["modelConfig"] = json!(["openai", "gpt-4o", 0.7])),
            BAD,
            "invalid_json",
            Field("modelConfig"),
        ),
        case(
            "tool call as an array of its fields",
            edited(|v| {
                v["messages"][1]["toolCalls"][0] = json!(["call_1", "get_weather", "{}"]);
            }),
            BAD,
            "invalid_json",
            Field("messages[1].toolCalls[0]"),
        ),
        case(
            "tool calls as a string",
            edited(|v| v["messages"][1]["toolCalls"] = json!("get_weather()")),
            BAD,
            "invalid_json",
            Field("messages[1].toolCalls"),
        ),
        case(
            "tool arguments as an object",
            edited(|v| v["messages"][1]["toolCalls"][0]["arguments"] = json!({"city": "Paris"})),
            BAD,
            "invalid_json",
            Field("messages[1].toolCalls[0].arguments"),
        ),
        case(
            "variable value as a number",
            edited(|v| v["promptMeta"]["variables"] = json!({"city": 1})),
            BAD,
            "invalid_json",
            Field("promptMeta.variables.city"),
        ),
        case(
            "indexable as a string",
            edited(|v| v["indexable"] = json!("yes")),
            BAD,
            "invalid_json",
            Field("indexable"),
        ),
        case(
            "token count as a string",
            edited(|v| v["messages"][3]["usage"]["inputTokens"] = json!("200")),
            BAD,
            "invalid_json",
            Field("messages[3].usage.inputTokens"),
        ),
        case(
            "token count as a float",
            edited(|v| v["messages"][3]["usage"]["inputTokens"] = json!(200.5)),
            BAD,
            "invalid_json",
            Field("messages[3].usage.inputTokens"),
        ),
        case(
            "unknown field",
            edited(|v| v["messages"][0]["ownerId"] = json!(7)),
            BAD,
            "invalid_json",
            Message("ownerId"),
        ),
        // --- Not a snapshot at all -----------------------------------------
        case(
            "empty body",
            Vec::new(),
            BAD,
            "invalid_json",
            Message("EOF"),
        ),
        case(
            "JSON null",
            b"null".to_vec(),
            BAD,
            "invalid_json",
            Message("null"),
        ),
        case(
            "trailing garbage",
            [edited(|_| {}), b"{}".to_vec()].concat(),
            BAD,
            "invalid_json",
            Message("trailing"),
        ),
    ]
}

on_both_backends!(each_hostile_body_gets_a_clear_4xx_naming_the_field, |c| c);
async fn each_hostile_body_gets_a_clear_4xx_naming_the_field(server: TestServer) {
    let token = server.user("alice").await;
    let mut failures = Vec::new();
    let total = cases().len();
    for case in cases() {
        let response = server.publish_bytes(Some(&token), case.body).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let error = &body["error"];
        let message = error["message"].as_str().unwrap_or_default();
        let field = error["field"].as_str();
        let mut problems = Vec::new();
        if status != case.status {
            problems.push(format!("status {status}, expected {}", case.status));
        }
        if body["success"] != false || error["code"] != case.code {
            problems.push(format!("code {}, expected {}", error["code"], case.code));
        }
        if message.is_empty() {
            problems.push("no message".into());
        }
        match case.points_at {
            Points::Field(path) => {
                if field != Some(path) {
                    problems.push(format!("field {field:?}, expected {path:?}"));
                }
                if status == INVALID {
                    let listed = error["details"]
                        .as_array()
                        .is_some_and(|d| d.iter().any(|d| d["path"] == path));
                    if !listed {
                        problems.push(format!("{path} missing from details"));
                    }
                }
            }
            Points::FieldUnder(path) => {
                if !field.is_some_and(|f| f.starts_with(path)) {
                    problems.push(format!("field {field:?}, expected under {path:?}"));
                }
            }
            Points::Message(needle) => {
                if !message.contains(needle) {
                    problems.push(format!("message lacks {needle:?}"));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {} — {body}", case.name, problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Nothing above took the server down.
    assert_eq!(server.get("/readyz").await.status(), StatusCode::OK);
}

/// The same bodies, announced with no length (chunked) or sent slowly, are
/// refused the same way (the limit holds without a Content-Length).
#[tokio::test]
async fn an_oversized_chunked_body_is_refused_with_413() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let chunk = vec![b' '; 1024 * 1024];
    let chunks = (0..10).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let response = server
        .client
        .post(server.url("/api/v0/shared-chats"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
}

/// Bodies at the edges of what is valid: escapes of every kind, characters
/// that look hostile but are allowed in free text, text exactly at the
/// limits, odd spacing. Each is accepted and served back byte for byte.
fn edge_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let pretty_crlf = serde_json::to_string_pretty(&snapshot("CRLF"))
        .unwrap()
        .replace('\n', "\r\n\t");
    vec![
        (
            "every JSON escape in content",
            with_raw(
                "/messages/0/content",
                br#""caf\u00e9 \ud83d\ude00 \" \\ \/ \b\f\n\r\t \u001f""#,
            ),
        ),
        (
            "bidi override, BOM and ZWJ in content",
            edited(|s| s["messages"][0]["content"] = json!("a\u{202E}b\u{FEFF}c👩\u{200D}💻")),
        ),
        (
            "title of the longest length in 4-byte characters",
            edited(|s| s["title"] = json!("😀".repeat(limits::MAX_TITLE_CHARS))),
        ),
        (
            "content exactly at the byte limit in 2-byte characters",
            edited(|s| {
                s["messages"][0]["content"] = json!("é".repeat(limits::MAX_CONTENT_BYTES / 2));
            }),
        ),
        (
            "content exactly at the byte limit in 4-byte characters",
            edited(|s| {
                s["messages"][3]["content"] = json!("😀".repeat(limits::MAX_CONTENT_BYTES / 4));
            }),
        ),
        (
            "CRLF and tabs between tokens",
            format!(" \r\n{pretty_crlf}\r\n\t ").into_bytes(),
        ),
    ]
}

on_both_backends!(
    edge_bodies_are_accepted_and_served_back_byte_for_byte,
    |c| c
);
async fn edge_bodies_are_accepted_and_served_back_byte_for_byte(server: TestServer) {
    let token = server.user("alice").await;
    for (name, body) in edge_bodies() {
        let response = server.publish_bytes(Some(&token), body.clone()).await;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, StatusCode::CREATED, "{name}: {answer}");
        let id = answer["data"]["shareId"].as_str().unwrap();
        let download = server.get(&format!("/shared/{id}.json")).await;
        assert_eq!(download.status(), StatusCode::OK, "{name}");
        assert!(
            download.bytes().await.unwrap() == body,
            "{name}: the download differs from the bytes published"
        );
        let page = server.get(&format!("/shared/{id}")).await;
        assert_eq!(page.status(), StatusCode::OK, "{name}");
        let api: Value = server
            .get(&format!("/api/v0/shared-chats/{id}"))
            .await
            .json()
            .await
            .unwrap();
        let sent: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(api["data"]["title"], sent["title"], "{name}");
        assert_eq!(api["data"]["messages"], sent["messages"], "{name}");
    }
}
