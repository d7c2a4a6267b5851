//! Hostile snapshot bodies over a real listener: each gets a clear 4xx in the
//! error envelope whose `error.field` (or, where there is no field, the
//! message) says what is wrong — never a 5xx, never a vague error; and
//! bodies at the edges of what is valid are kept byte for byte. The checks
//! run on SQLite and on PostgreSQL, on a version 1 and a version 2 snapshot
//! (plus what only version 2 has: answer models, settings, finish reasons,
//! errors, replies, free-form prompt details).
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::common;

use chat_core::limits;
use common::{Schema, TestServer, snapshot_in};
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

/// A body the snapshot checks refuse: 422 `invalid_snapshot` naming `field`.
fn invalid(name: &'static str, body: Vec<u8>, field: &'static str) -> Case {
    case(
        name,
        body,
        INVALID,
        "invalid_snapshot",
        Points::Field(field),
    )
}

/// A body that does not parse as a snapshot: 400 `invalid_json`.
fn bad_json(name: &'static str, body: Vec<u8>, points_at: Points) -> Case {
    case(name, body, BAD, "invalid_json", points_at)
}

/// `name` in `schema`: the value at the JSON pointer `at` replaced by
/// `value`, refused with 422 `invalid_snapshot` naming that field.
fn refused(schema: Schema, name: &'static str, at: &str, value: Value) -> Case {
    invalid(name, set(schema, at, value), field_of(at))
}

/// `name` in `schema`: the value at the JSON pointer `at` replaced by
/// `value`, refused with 400 `invalid_json` naming that field.
fn unparsable(schema: Schema, name: &'static str, at: &str, value: Value) -> Case {
    bad_json(name, set(schema, at, value), Points::Field(field_of(at)))
}

/// How the error names the field at the JSON pointer `at`:
/// `/messages/1/usage` is `messages[1].usage`. (Leaked: the cases live as
/// long as the test.)
fn field_of(at: &str) -> &'static str {
    let mut field = String::new();
    for part in at.split('/').skip(1) {
        if part.parse::<usize>().is_ok() {
            field.push_str(&format!("[{part}]"));
        } else {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(part);
        }
    }
    field.leak()
}

/// The valid snapshot in `schema` with `edit` applied, as bytes.
fn edited(schema: Schema, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value = snapshot_in(schema, "Hostile");
    edit(&mut value);
    serde_json::to_vec(&value).unwrap()
}

/// The valid snapshot in `schema` with the value at the JSON pointer `at`
/// set to `value` (a key its object lacks is added), as bytes.
fn set(schema: Schema, at: &str, value: Value) -> Vec<u8> {
    edited(schema, |v| {
        let (parent, key) = at.rsplit_once('/').unwrap();
        match v.pointer_mut(parent).unwrap() {
            Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
            parent => parent[key] = value,
        }
    })
}

/// The valid snapshot with the JSON text of `pointer`'s value replaced by
/// `raw` (for what `serde_json::Value` cannot hold: huge numbers, bad bytes).
fn with_raw(schema: Schema, field: &str, raw: &[u8]) -> Vec<u8> {
    let marker = "\u{1}RAW\u{1}";
    let mut value = snapshot_in(schema, "Hostile");
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

fn cases(schema: Schema) -> Vec<Case> {
    use Points::{Field, FieldUnder, Message};
    let refused = |name, at, value| refused(schema, name, at, value);
    let unparsable = |name, at, value| unparsable(schema, name, at, value);
    vec![
        // --- Size -----------------------------------------------------------
        case(
            "body over the limit",
            {
                let mut body = edited(schema, |_| {});
                body.truncate(body.len() - 1);
                body.extend(std::iter::repeat_n(b' ', limits::MAX_BODY_BYTES));
                body.push(b'}');
                body
            },
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            Message("body"),
        ),
        refused(
            "content over its limit",
            "/messages/0/content",
            json!("x".repeat(limits::MAX_CONTENT_BYTES + 1)),
        ),
        refused(
            "title over its limit",
            "/title",
            json!("é".repeat(limits::MAX_TITLE_CHARS + 1)),
        ),
        invalid(
            "too many messages",
            edited(schema, |v| {
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
            "messages",
        ),
        invalid(
            "too many variables",
            edited(schema, |v| {
                v["promptMeta"]["variables"] = (0..=limits::MAX_VARIABLES)
                    .map(|i| (format!("v{i}"), json!("x")))
                    .collect::<serde_json::Map<_, _>>()
                    .into();
            }),
            "promptMeta.variables",
        ),
        // --- Nesting --------------------------------------------------------
        bad_json(
            "deeply nested document",
            nested(100_000).into_bytes(),
            Message("expected"),
        ),
        bad_json(
            "deeply nested tool parameters",
            with_raw(
                schema,
                "/promptMeta/systemPrompt",
                format!(
                    "\"p\", \"tools\": [{{\"name\": \"t\", \"parameters\": {}}}]",
                    nested(100_000)
                )
                .as_bytes(),
            ),
            FieldUnder("promptMeta.tools[0].parameters"),
        ),
        bad_json(
            "deeply nested object where a string belongs",
            with_raw(
                schema,
                "/title",
                format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000)).as_bytes(),
            ),
            Field("title"),
        ),
        // --- Encoding -------------------------------------------------------
        case(
            "invalid UTF-8 in the title",
            with_raw(schema, "/title", b"\"Caf\xc3(\""),
            BAD,
            "invalid_utf8",
            Field("title"),
        ),
        case(
            "invalid UTF-8 in a message",
            with_raw(schema, "/messages/2/content", b"\"\xff\xfe\xfd\""),
            BAD,
            "invalid_utf8",
            Field("messages[2].content"),
        ),
        case(
            "overlong UTF-8 encoding of '<'",
            with_raw(schema, "/messages/0/content", b"\"\xc0\xbcscript\""),
            BAD,
            "invalid_utf8",
            Field("messages[0].content"),
        ),
        case(
            "UTF-16 surrogate encoded as UTF-8",
            with_raw(schema, "/modelConfig/model", b"\"\xed\xa0\x80\""),
            BAD,
            "invalid_utf8",
            Field("modelConfig.model"),
        ),
        bad_json(
            "lone surrogate escape",
            with_raw(schema, "/messages/0/content", b"\"\\ud800\""),
            Field("messages[0].content"),
        ),
        refused("NUL in content", "/messages/0/content", json!("a\u{0}b")),
        refused(
            "right-to-left override in the title",
            "/title",
            json!("invoice\u{202e}fdp.exe"),
        ),
        // --- Huge numbers ---------------------------------------------------
        bad_json(
            "number beyond f64",
            with_raw(schema, "/totalTokens", b"1e400"),
            Field("totalTokens"),
        ),
        bad_json(
            "integer beyond i64",
            with_raw(
                schema,
                "/messages/1/usage/inputTokens",
                b"99999999999999999999999",
            ),
            Field("messages[1].usage.inputTokens"),
        ),
        invalid(
            "i64::MAX tokens",
            with_raw(
                schema,
                "/messages/1/usage/inputTokens",
                b"9223372036854775807",
            ),
            "messages[1].usage.inputTokens",
        ),
        refused(
            "i64::MIN max tokens",
            "/modelConfig/maxTokens",
            json!(i64::MIN),
        ),
        refused("huge cost", "/messages/1/cost", json!(1e300)),
        bad_json(
            "temperature beyond f64",
            with_raw(schema, "/modelConfig/temperature", b"-1e999"),
            Field("modelConfig.temperature"),
        ),
        bad_json(
            "schema version beyond u32",
            with_raw(schema, "/schemaVersion", b"4294967296"),
            Field("schemaVersion"),
        ),
        bad_json(
            "a 10,000-digit number",
            with_raw(
                schema,
                "/messages/3/inferenceTimeMs",
                "9".repeat(10_000).as_bytes(),
            ),
            Field("messages[3].inferenceTimeMs"),
        ),
        // --- Negative values ------------------------------------------------
        refused(
            "negative output tokens",
            "/messages/1/usage/outputTokens",
            json!(-1),
        ),
        refused(
            "negative reasoning tokens",
            "/messages/1/usage/reasoningTokens",
            json!(-10),
        ),
        refused(
            "negative cached tokens",
            "/messages/3/usage/cachedTokens",
            json!(-1),
        ),
        refused("negative total tokens", "/totalTokens", json!(-370)),
        refused(
            "negative time to first token",
            "/messages/1/timeToFirstTokenMs",
            json!(-300),
        ),
        refused("negative cost", "/messages/3/cost", json!(-0.001)),
        unparsable("negative schema version", "/schemaVersion", json!(-1)),
        // --- Duplicates -----------------------------------------------------
        refused("duplicate message ids", "/messages/2/id", json!("m1")),
        invalid(
            "duplicate tool call ids",
            edited(schema, |v| {
                let call = v["messages"][1]["toolCalls"][0].clone();
                v["messages"][1]["toolCalls"]
                    .as_array_mut()
                    .unwrap()
                    .push(call);
            }),
            "messages[1].toolCalls[1].id",
        ),
        bad_json(
            "duplicate JSON key",
            with_raw(schema, "/title", b"\"a\", \"title\": \"b\""),
            Message("title"),
        ),
        // --- Timestamps -----------------------------------------------------
        refused(
            "timestamp at the Unix epoch",
            "/messages/0/timestamp",
            json!("1970-01-01T00:00:00Z"),
        ),
        refused(
            "timestamp just before 2000",
            "/messages/0/timestamp",
            json!("1999-12-31T23:59:59Z"),
        ),
        refused(
            "timestamp in year 9999",
            "/messages/3/timestamp",
            json!("9999-12-31T23:59:59Z"),
        ),
        unparsable(
            "timestamp beyond what a date type holds",
            "/messages/0/timestamp",
            json!("+999999999-01-01T00:00:00Z"),
        ),
        unparsable(
            "impossible date",
            "/messages/0/timestamp",
            json!("2026-02-30T25:61:00Z"),
        ),
        unparsable(
            "timestamp as a number",
            "/messages/0/timestamp",
            json!(1_700_000_000),
        ),
        refused(
            "expiry in the past",
            "/expiresAt",
            json!("2001-01-01T00:00:00Z"),
        ),
        // --- Wrong types ----------------------------------------------------
        unparsable("title as a number", "/title", json!(5)),
        unparsable("messages as an object", "/messages", json!({"0": {}})),
        unparsable("content null", "/messages/0/content", Value::Null),
        unparsable("unknown role", "/messages/0/role", json!("admin")),
        unparsable("usage as an array", "/messages/1/usage", json!([120, 30])),
        unparsable(
            "model config as an array of its fields",
            "/modelConfig",
            json!(["openai", "gpt-4o", 0.7]),
        ),
        unparsable(
            "tool call as an array of its fields",
            "/messages/1/toolCalls/0",
            json!(["call_1", "get_weather", "{}"]),
        ),
        unparsable(
            "tool calls as a string",
            "/messages/1/toolCalls",
            json!("get_weather()"),
        ),
        unparsable(
            "tool arguments as an object",
            "/messages/1/toolCalls/0/arguments",
            json!({"city": "Paris"}),
        ),
        bad_json(
            "variable value as a number",
            set(schema, "/promptMeta/variables", json!({"city": 1})),
            Field("promptMeta.variables.city"),
        ),
        unparsable("indexable as a string", "/indexable", json!("yes")),
        unparsable(
            "token count as a string",
            "/messages/3/usage/inputTokens",
            json!("200"),
        ),
        unparsable(
            "token count as a float",
            "/messages/3/usage/inputTokens",
            json!(200.5),
        ),
        bad_json(
            "unknown field",
            set(schema, "/messages/0/ownerId", json!(7)),
            Message("ownerId"),
        ),
        // --- Not a snapshot at all -----------------------------------------
        bad_json("empty body", Vec::new(), Message("EOF")),
        bad_json("JSON null", b"null".to_vec(), Message("null")),
        bad_json(
            "trailing garbage",
            [edited(schema, |_| {}), b"{}".to_vec()].concat(),
            Message("trailing"),
        ),
    ]
}

/// The cases of `schema`: every case on both versions, and what only
/// version 2 has.
fn cases_of(schema: Schema) -> Vec<Case> {
    let mut all = cases(schema);
    if schema == Schema::V2 {
        all.extend(v2_cases());
    }
    all
}

/// Hostile version 2 fields: the answers at `messages[1]` and `messages[3]`
/// name their model, settings, end and prompt; `promptMeta` has a key of
/// the client's own.
fn v2_cases() -> Vec<Case> {
    use Points::{Field, FieldUnder};
    let v2 = |edit: fn(&mut Value)| edited(Schema::V2, edit);
    let set_v2 = |at: &str, value: Value| set(Schema::V2, at, value);
    let refused_v2 = |name, at, value| refused(Schema::V2, name, at, value);
    let unparsable_v2 = |name, at, value| unparsable(Schema::V2, name, at, value);
    let raw = |field: &str, raw: &[u8]| with_raw(Schema::V2, field, raw);
    vec![
        // --- How an answer ended ----------------------------------------------
        unparsable_v2(
            "unknown finish reason",
            "/messages/3/finishReason",
            json!("done"),
        ),
        unparsable_v2(
            "finish reason of the wrong type",
            "/messages/1/finishReason",
            json!(5),
        ),
        refused_v2(
            "error text without finishReason error",
            "/messages/3/error",
            json!("boom"),
        ),
        invalid(
            "error text over its limit",
            v2(|v| {
                v["messages"][3]["finishReason"] = json!("error");
                v["messages"][3]["error"] = json!("x".repeat(limits::MAX_ERROR_BYTES + 1));
            }),
            "messages[3].error",
        ),
        // --- Replies ------------------------------------------------------------
        refused_v2(
            "reply to a missing message",
            "/messages/1/replyTo",
            json!("m9"),
        ),
        refused_v2(
            "reply to an assistant message",
            "/messages/3/replyTo",
            json!("m2"),
        ),
        // --- Who answered -------------------------------------------------------
        refused_v2(
            "model over its limit",
            "/messages/1/model",
            json!("m".repeat(limits::MAX_MODEL_BYTES + 1)),
        ),
        refused_v2(
            "control characters in a provider",
            "/messages/1/provider",
            json!("open\u{7}ai"),
        ),
        refused_v2(
            "a v2 field on a user message",
            "/messages/0/model",
            json!("gpt-4o"),
        ),
        invalid(
            "v2 fields in a version 1 document",
            set_v2("/schemaVersion", json!(1)),
            "messages[1].provider",
        ),
        refused_v2("unknown schema version", "/schemaVersion", json!(3)),
        // --- Settings -----------------------------------------------------------
        invalid(
            "too many settings",
            v2(|v| {
                for i in 0..=limits::MAX_PARAMS_OTHER {
                    v["messages"][1]["params"][format!("k{i}")] = json!(i);
                }
            }),
            "messages[1].params",
        ),
        refused_v2(
            "a setting over its limit",
            "/messages/1/params/seed",
            json!("x".repeat(limits::MAX_PARAM_VALUE_BYTES)),
        ),
        refused_v2(
            "temperature setting out of range",
            "/messages/1/params/temperature",
            json!(9),
        ),
        refused_v2(
            "a typed setting spelled otherwise",
            "/messages/1/params/top_p",
            json!(0.9),
        ),
        unparsable_v2(
            "settings as an array",
            "/messages/1/params",
            json!([0.2, 1024]),
        ),
        bad_json(
            "a setting given twice",
            raw("/messages/1/params/seed", b"7, \"seed\": 8"),
            Field("messages[1].params.seed"),
        ),
        unparsable_v2(
            "max tokens setting with a fraction",
            "/messages/1/params/maxTokens",
            json!(12.5),
        ),
        // --- Prompt details -----------------------------------------------------
        invalid(
            "too many prompt details",
            v2(|v| {
                for i in 0..=limits::MAX_PROMPT_META_EXTRA_KEYS {
                    v["promptMeta"][format!("k{i}")] = json!(i);
                }
            }),
            "promptMeta",
        ),
        refused_v2(
            "a prompt detail over its limit",
            "/promptMeta/promptId",
            json!("x".repeat(limits::MAX_PROMPT_META_EXTRA_VALUE_BYTES)),
        ),
        invalid(
            "prompt details over their limit together",
            v2(|v| {
                for i in 0..5 {
                    v["promptMeta"][format!("k{i}")] = json!("x".repeat(60 * 1024));
                }
            }),
            "promptMeta",
        ),
        refused_v2(
            "NUL in a prompt detail",
            "/promptMeta/notes",
            json!({"a": ["\u{0}"]}),
        ),
        invalid(
            "an empty prompt detail key",
            set_v2("/promptMeta/", json!(1)),
            "promptMeta[\"\"]",
        ),
        bad_json(
            "a deeply nested prompt detail",
            raw("/promptMeta/promptId", nested(100_000).as_bytes()),
            FieldUnder("promptMeta.promptId"),
        ),
        bad_json(
            "a prompt detail given twice",
            raw("/promptMeta/promptId", b"\"a\", \"promptId\": \"b\""),
            Field("promptMeta.promptId"),
        ),
        // --- Numbers ------------------------------------------------------------
        unparsable_v2(
            "a token count with a fraction",
            "/messages/1/usage/outputTokens",
            json!(30.5),
        ),
        bad_json(
            "a token count beyond i64 written as a float",
            raw("/messages/1/usage/inputTokens", b"1e19"),
            Field("messages[1].usage.inputTokens"),
        ),
        refused_v2(
            "a negative fractional inference time",
            "/messages/3/inferenceTimeMs",
            json!(-0.4),
        ),
    ]
}

on_both_backends!(each_hostile_body_gets_a_clear_4xx_naming_the_field, |c| c);
async fn each_hostile_body_gets_a_clear_4xx_naming_the_field(server: TestServer) {
    let token = server.user("alice").await;
    let mut failures = Vec::new();
    let mut total = 0;
    for (schema, case) in Schema::ALL
        .into_iter()
        .flat_map(|schema| cases_of(schema).into_iter().map(move |case| (schema, case)))
    {
        total += 1;
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
            failures.push(format!(
                "{schema:?} {}: {} — {body}",
                case.name,
                problems.join("; ")
            ));
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
    let chunks =
        (0..=limits::MAX_BODY_BYTES >> 20).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let response = server.publish_bytes(Some(&token), body).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
}

/// Bodies at the edges of what is valid: escapes of every kind, characters
/// that look hostile but are allowed in free text, text exactly at the
/// limits, odd spacing. Each is accepted and served back byte for byte.
fn edge_bodies(schema: Schema) -> Vec<(&'static str, Vec<u8>)> {
    let pretty_crlf = serde_json::to_string_pretty(&snapshot_in(schema, "CRLF"))
        .unwrap()
        .replace('\n', "\r\n\t");
    vec![
        (
            "every JSON escape in content",
            with_raw(
                schema,
                "/messages/0/content",
                br#""caf\u00e9 \ud83d\ude00 \" \\ \/ \b\f\n\r\t \u001f""#,
            ),
        ),
        (
            "bidi override, BOM and ZWJ in content",
            edited(schema, |s| {
                s["messages"][0]["content"] = json!("a\u{202E}b\u{FEFF}c👩\u{200D}💻")
            }),
        ),
        (
            "title of the longest length in 4-byte characters",
            edited(schema, |s| {
                s["title"] = json!("😀".repeat(limits::MAX_TITLE_CHARS))
            }),
        ),
        (
            "content exactly at the byte limit in 2-byte characters",
            edited(schema, |s| {
                s["messages"][0]["content"] = json!("é".repeat(limits::MAX_CONTENT_BYTES / 2));
            }),
        ),
        (
            "content exactly at the byte limit in 4-byte characters",
            edited(schema, |s| {
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
    for (schema, (name, body)) in Schema::ALL.into_iter().flat_map(|schema| {
        edge_bodies(schema)
            .into_iter()
            .map(move |edge| (schema, edge))
    }) {
        let name = format!("{schema:?} {name}");
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
        let api: Value = server.read_json(id).await;
        let sent: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(api["data"]["title"], sent["title"], "{name}");
        assert_eq!(api["data"]["messages"], sent["messages"], "{name}");
    }
}
