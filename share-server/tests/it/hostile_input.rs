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

/// The valid snapshot in `schema` with `edit` applied, as bytes.
fn edited(schema: Schema, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value = snapshot_in(schema, "Hostile");
    edit(&mut value);
    serde_json::to_vec(&value).unwrap()
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
        case(
            "content over its limit",
            edited(schema, |v| {
                v["messages"][0]["content"] = json!("x".repeat(limits::MAX_CONTENT_BYTES + 1))
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[0].content"),
        ),
        case(
            "title over its limit",
            edited(schema, |v| {
                v["title"] = json!("é".repeat(limits::MAX_TITLE_CHARS + 1))
            }),
            INVALID,
            "invalid_snapshot",
            Field("title"),
        ),
        case(
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
            INVALID,
            "invalid_snapshot",
            Field("messages"),
        ),
        case(
            "too many variables",
            edited(schema, |v| {
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
                schema,
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
                schema,
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
        case(
            "lone surrogate escape",
            with_raw(schema, "/messages/0/content", b"\"\\ud800\""),
            BAD,
            "invalid_json",
            Field("messages[0].content"),
        ),
        case(
            "NUL in content",
            edited(schema, |v| v["messages"][0]["content"] = json!("a\u{0}b")),
            INVALID,
            "invalid_snapshot",
            Field("messages[0].content"),
        ),
        case(
            "right-to-left override in the title",
            edited(schema, |v| v["title"] = json!("invoice\u{202e}fdp.exe")),
            INVALID,
            "invalid_snapshot",
            Field("title"),
        ),
        // --- Huge numbers ---------------------------------------------------
        case(
            "number beyond f64",
            with_raw(schema, "/totalTokens", b"1e400"),
            BAD,
            "invalid_json",
            Field("totalTokens"),
        ),
        case(
            "integer beyond i64",
            with_raw(
                schema,
                "/messages/1/usage/inputTokens",
                b"99999999999999999999999",
            ),
            BAD,
            "invalid_json",
            Field("messages[1].usage.inputTokens"),
        ),
        case(
            "i64::MAX tokens",
            with_raw(
                schema,
                "/messages/1/usage/inputTokens",
                b"9223372036854775807",
            ),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].usage.inputTokens"),
        ),
        case(
            "i64::MIN max tokens",
            edited(schema, |v| v["modelConfig"]["maxTokens"] = json!(i64::MIN)),
            INVALID,
            "invalid_snapshot",
            Field("modelConfig.maxTokens"),
        ),
        case(
            "huge cost",
            edited(schema, |v| v["messages"][1]["cost"] = json!(1e300)),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].cost"),
        ),
        case(
            "temperature beyond f64",
            with_raw(schema, "/modelConfig/temperature", b"-1e999"),
            BAD,
            "invalid_json",
            Field("modelConfig.temperature"),
        ),
        case(
            "schema version beyond u32",
            with_raw(schema, "/schemaVersion", b"4294967296"),
            BAD,
            "invalid_json",
            Field("schemaVersion"),
        ),
        case(
            "a 10,000-digit number",
            with_raw(
                schema,
                "/messages/3/inferenceTimeMs",
                "9".repeat(10_000).as_bytes(),
            ),
            BAD,
            "invalid_json",
            Field("messages[3].inferenceTimeMs"),
        ),
        // --- Negative values ------------------------------------------------
        case(
            "negative output tokens",
            edited(schema, |v| {
                v["messages"][1]["usage"]["outputTokens"] = json!(-1)
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].usage.outputTokens"),
        ),
        case(
            "negative reasoning tokens",
            edited(schema, |v| {
                v["messages"][1]["usage"]["reasoningTokens"] = json!(-10)
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].usage.reasoningTokens"),
        ),
        case(
            "negative cached tokens",
            edited(schema, |v| {
                v["messages"][3]["usage"]["cachedTokens"] = json!(-1)
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].usage.cachedTokens"),
        ),
        case(
            "negative total tokens",
            edited(schema, |v| v["totalTokens"] = json!(-370)),
            INVALID,
            "invalid_snapshot",
            Field("totalTokens"),
        ),
        case(
            "negative time to first token",
            edited(schema, |v| {
                v["messages"][1]["timeToFirstTokenMs"] = json!(-300)
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].timeToFirstTokenMs"),
        ),
        case(
            "negative cost",
            edited(schema, |v| v["messages"][3]["cost"] = json!(-0.001)),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].cost"),
        ),
        case(
            "negative schema version",
            edited(schema, |v| v["schemaVersion"] = json!(-1)),
            BAD,
            "invalid_json",
            Field("schemaVersion"),
        ),
        // --- Duplicates -----------------------------------------------------
        case(
            "duplicate message ids",
            edited(schema, |v| v["messages"][2]["id"] = json!("m1")),
            INVALID,
            "invalid_snapshot",
            Field("messages[2].id"),
        ),
        case(
            "duplicate tool call ids",
            edited(schema, |v| {
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
            with_raw(schema, "/title", b"\"a\", \"title\": \"b\""),
            BAD,
            "invalid_json",
            Message("title"),
        ),
        // --- Timestamps -----------------------------------------------------
        case(
            "timestamp at the Unix epoch",
            edited(schema, |v| {
                v["messages"][0]["timestamp"] = json!("1970-01-01T00:00:00Z")
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[0].timestamp"),
        ),
        case(
            "timestamp just before 2000",
            edited(schema, |v| {
                v["messages"][0]["timestamp"] = json!("1999-12-31T23:59:59Z")
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[0].timestamp"),
        ),
        case(
            "timestamp in year 9999",
            edited(schema, |v| {
                v["messages"][3]["timestamp"] = json!("9999-12-31T23:59:59Z")
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].timestamp"),
        ),
        case(
            "timestamp beyond what a date type holds",
            edited(schema, |v| {
                v["messages"][0]["timestamp"] = json!("+999999999-01-01T00:00:00Z")
            }),
            BAD,
            "invalid_json",
            Field("messages[0].timestamp"),
        ),
        case(
            "impossible date",
            edited(schema, |v| {
                v["messages"][0]["timestamp"] = json!("2026-02-30T25:61:00Z")
            }),
            BAD,
            "invalid_json",
            Field("messages[0].timestamp"),
        ),
        case(
            "timestamp as a number",
            edited(schema, |v| {
                v["messages"][0]["timestamp"] = json!(1_700_000_000)
            }),
            BAD,
            "invalid_json",
            Field("messages[0].timestamp"),
        ),
        case(
            "expiry in the past",
            edited(schema, |v| v["expiresAt"] = json!("2001-01-01T00:00:00Z")),
            INVALID,
            "invalid_snapshot",
            Field("expiresAt"),
        ),
        // --- Wrong types ----------------------------------------------------
        case(
            "title as a number",
            edited(schema, |v| v["title"] = json!(5)),
            BAD,
            "invalid_json",
            Field("title"),
        ),
        case(
            "messages as an object",
            edited(schema, |v| v["messages"] = json!({"0": {}})),
            BAD,
            "invalid_json",
            Field("messages"),
        ),
        case(
            "content null",
            edited(schema, |v| v["messages"][0]["content"] = Value::Null),
            BAD,
            "invalid_json",
            Field("messages[0].content"),
        ),
        case(
            "unknown role",
            edited(schema, |v| v["messages"][0]["role"] = json!("admin")),
            BAD,
            "invalid_json",
            Field("messages[0].role"),
        ),
        case(
            "usage as an array",
            edited(schema, |v| v["messages"][1]["usage"] = json!([120, 30])),
            BAD,
            "invalid_json",
            Field("messages[1].usage"),
        ),
        case(
            "model config as an array of its fields",
            edited(schema, |v| {
                v["modelConfig"] = json!(["openai", "gpt-4o", 0.7])
            }),
            BAD,
            "invalid_json",
            Field("modelConfig"),
        ),
        case(
            "tool call as an array of its fields",
            edited(schema, |v| {
                v["messages"][1]["toolCalls"][0] = json!(["call_1", "get_weather", "{}"]);
            }),
            BAD,
            "invalid_json",
            Field("messages[1].toolCalls[0]"),
        ),
        case(
            "tool calls as a string",
            edited(schema, |v| {
                v["messages"][1]["toolCalls"] = json!("get_weather()")
            }),
            BAD,
            "invalid_json",
            Field("messages[1].toolCalls"),
        ),
        case(
            "tool arguments as an object",
            edited(schema, |v| {
                v["messages"][1]["toolCalls"][0]["arguments"] = json!({"city": "Paris"})
            }),
            BAD,
            "invalid_json",
            Field("messages[1].toolCalls[0].arguments"),
        ),
        case(
            "variable value as a number",
            edited(schema, |v| {
                v["promptMeta"]["variables"] = json!({"city": 1})
            }),
            BAD,
            "invalid_json",
            Field("promptMeta.variables.city"),
        ),
        case(
            "indexable as a string",
            edited(schema, |v| v["indexable"] = json!("yes")),
            BAD,
            "invalid_json",
            Field("indexable"),
        ),
        case(
            "token count as a string",
            edited(schema, |v| {
                v["messages"][3]["usage"]["inputTokens"] = json!("200")
            }),
            BAD,
            "invalid_json",
            Field("messages[3].usage.inputTokens"),
        ),
        case(
            "token count as a float",
            edited(schema, |v| {
                v["messages"][3]["usage"]["inputTokens"] = json!(200.5)
            }),
            BAD,
            "invalid_json",
            Field("messages[3].usage.inputTokens"),
        ),
        case(
            "unknown field",
            edited(schema, |v| v["messages"][0]["ownerId"] = json!(7)),
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
            [edited(schema, |_| {}), b"{}".to_vec()].concat(),
            BAD,
            "invalid_json",
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
    let raw = |field: &str, raw: &[u8]| with_raw(Schema::V2, field, raw);
    vec![
        // --- How an answer ended ----------------------------------------------
        case(
            "unknown finish reason",
            v2(|v| v["messages"][3]["finishReason"] = json!("done")),
            BAD,
            "invalid_json",
            Field("messages[3].finishReason"),
        ),
        case(
            "finish reason of the wrong type",
            v2(|v| v["messages"][1]["finishReason"] = json!(5)),
            BAD,
            "invalid_json",
            Field("messages[1].finishReason"),
        ),
        case(
            "error text without finishReason error",
            v2(|v| v["messages"][3]["error"] = json!("boom")),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].error"),
        ),
        case(
            "error text over its limit",
            v2(|v| {
                v["messages"][3]["finishReason"] = json!("error");
                v["messages"][3]["error"] = json!("x".repeat(limits::MAX_ERROR_BYTES + 1));
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].error"),
        ),
        // --- Replies ------------------------------------------------------------
        case(
            "reply to a missing message",
            v2(|v| v["messages"][1]["replyTo"] = json!("m9")),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].replyTo"),
        ),
        case(
            "reply to an assistant message",
            v2(|v| v["messages"][3]["replyTo"] = json!("m2")),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].replyTo"),
        ),
        // --- Who answered -------------------------------------------------------
        case(
            "model over its limit",
            v2(|v| v["messages"][1]["model"] = json!("m".repeat(limits::MAX_MODEL_BYTES + 1))),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].model"),
        ),
        case(
            "control characters in a provider",
            v2(|v| v["messages"][1]["provider"] = json!("open\u{7}ai")),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].provider"),
        ),
        case(
            "a v2 field on a user message",
            v2(|v| v["messages"][0]["model"] = json!("gpt-4o")),
            INVALID,
            "invalid_snapshot",
            Field("messages[0].model"),
        ),
        case(
            "v2 fields in a version 1 document",
            v2(|v| v["schemaVersion"] = json!(1)),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].provider"),
        ),
        case(
            "unknown schema version",
            v2(|v| v["schemaVersion"] = json!(3)),
            INVALID,
            "invalid_snapshot",
            Field("schemaVersion"),
        ),
        // --- Settings -----------------------------------------------------------
        case(
            "too many settings",
            v2(|v| {
                for i in 0..=limits::MAX_PARAMS_OTHER {
                    v["messages"][1]["params"][format!("k{i}")] = json!(i);
                }
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].params"),
        ),
        case(
            "a setting over its limit",
            v2(|v| {
                v["messages"][1]["params"]["seed"] =
                    json!("x".repeat(limits::MAX_PARAM_VALUE_BYTES))
            }),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].params.seed"),
        ),
        case(
            "temperature setting out of range",
            v2(|v| v["messages"][1]["params"]["temperature"] = json!(9)),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].params.temperature"),
        ),
        case(
            "a typed setting spelled otherwise",
            v2(|v| v["messages"][1]["params"]["top_p"] = json!(0.9)),
            INVALID,
            "invalid_snapshot",
            Field("messages[1].params.top_p"),
        ),
        case(
            "settings as an array",
            v2(|v| v["messages"][1]["params"] = json!([0.2, 1024])),
            BAD,
            "invalid_json",
            Field("messages[1].params"),
        ),
        case(
            "a setting given twice",
            raw("/messages/1/params/seed", b"7, \"seed\": 8"),
            BAD,
            "invalid_json",
            Field("messages[1].params.seed"),
        ),
        case(
            "max tokens setting with a fraction",
            v2(|v| v["messages"][1]["params"]["maxTokens"] = json!(12.5)),
            BAD,
            "invalid_json",
            Field("messages[1].params.maxTokens"),
        ),
        // --- Prompt details -----------------------------------------------------
        case(
            "too many prompt details",
            v2(|v| {
                for i in 0..=limits::MAX_PROMPT_META_EXTRA_KEYS {
                    v["promptMeta"][format!("k{i}")] = json!(i);
                }
            }),
            INVALID,
            "invalid_snapshot",
            Field("promptMeta"),
        ),
        case(
            "a prompt detail over its limit",
            v2(|v| {
                v["promptMeta"]["promptId"] =
                    json!("x".repeat(limits::MAX_PROMPT_META_EXTRA_VALUE_BYTES))
            }),
            INVALID,
            "invalid_snapshot",
            Field("promptMeta.promptId"),
        ),
        case(
            "prompt details over their limit together",
            v2(|v| {
                for i in 0..5 {
                    v["promptMeta"][format!("k{i}")] = json!("x".repeat(60 * 1024));
                }
            }),
            INVALID,
            "invalid_snapshot",
            Field("promptMeta"),
        ),
        case(
            "NUL in a prompt detail",
            v2(|v| v["promptMeta"]["notes"] = json!({"a": ["\u{0}"]})),
            INVALID,
            "invalid_snapshot",
            Field("promptMeta.notes"),
        ),
        case(
            "an empty prompt detail key",
            v2(|v| v["promptMeta"][""] = json!(1)),
            INVALID,
            "invalid_snapshot",
            Field("promptMeta[\"\"]"),
        ),
        case(
            "a deeply nested prompt detail",
            raw("/promptMeta/promptId", nested(100_000).as_bytes()),
            BAD,
            "invalid_json",
            FieldUnder("promptMeta.promptId"),
        ),
        case(
            "a prompt detail given twice",
            raw("/promptMeta/promptId", b"\"a\", \"promptId\": \"b\""),
            BAD,
            "invalid_json",
            Field("promptMeta.promptId"),
        ),
        // --- Numbers ------------------------------------------------------------
        case(
            "a token count with a fraction",
            v2(|v| v["messages"][1]["usage"]["outputTokens"] = json!(30.5)),
            BAD,
            "invalid_json",
            Field("messages[1].usage.outputTokens"),
        ),
        case(
            "a token count beyond i64 written as a float",
            raw("/messages/1/usage/inputTokens", b"1e19"),
            BAD,
            "invalid_json",
            Field("messages[1].usage.inputTokens"),
        ),
        case(
            "a negative fractional inference time",
            v2(|v| v["messages"][3]["inferenceTimeMs"] = json!(-0.4)),
            INVALID,
            "invalid_snapshot",
            Field("messages[3].inferenceTimeMs"),
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
