//! What schema version 2 and the plan's API contract add: clients that send
//! numbers their own way, free-form prompt details and their own totals are
//! accepted; the v2 fields of an answer are checked like every other field.

use serde_json::{Value, json};

use super::limits::*;
use super::tests::{assert_problem, assert_problems};
use super::*;
use crate::snapshot::*;
use crate::test_fixtures::{now, snapshot, snapshot_v2};

fn parse(value: &Value) -> Result<ParsedSnapshot, SnapshotError> {
    parse_snapshot(&serde_json::to_vec(value).unwrap(), now())
}

/// The field of the refusal of `value`.
#[track_caller]
fn refused_at(value: &Value) -> (String, String) {
    let error = parse(value).expect_err("expected a refusal");
    (
        error.field().unwrap_or_default().to_owned(),
        error.to_string(),
    )
}

/// A request exactly as the plan's `CreateSharedChatRequest` (its section
/// 3.1 client) sends it: no `schemaVersion`, `inferenceTimeMs` as a float,
/// free-form `promptMeta`, and totals that count reasoning tokens on top of
/// output tokens (the `totalTokensUsed` of a chat store that adds them up).
fn plan_request() -> Value {
    json!({
        "title": "Refactor the billing module",
        "messages": [
            {"id": "u1", "role": "user", "timestamp": "2026-11-20T11:00:00.000Z", "content": "How should I split this module?"},
            {"id": "a1", "role": "assistant", "content": "Split it by **responsibility**.",
             "timestamp": "2026-11-20T11:00:05.000Z",
             "usage": {"inputTokens": 3000, "outputTokens": 114, "reasoningTokens": 89},
             "cost": 0.0123, "inferenceTimeMs": 812.5,
             "toolCalls": [{"id": "call_1", "name": "read_file", "arguments": "{\"path\":\"billing.rs\"}"}]}
        ],
        "modelConfig": {"provider": "openai", "model": "o3-mini", "temperature": 1, "maxTokens": 4096},
        "promptMeta": {"promptId": "billing-refactor", "promptVersion": 7, "tags": ["rust", "refactor"],
                       "systemPrompt": "You are a senior engineer."},
        "totalTokens": 3203,
        "totalCost": 0.0123
    })
}

#[test]
fn the_plans_request_shape_is_accepted_with_a_warning() {
    let parsed = parse(&plan_request()).unwrap();
    let s = &parsed.snapshot;
    assert_eq!(s.schema_version, None);
    assert_eq!(s.version(), 1);
    assert_eq!(
        s.messages[1].inference_time_ms,
        Some(813),
        "812.5 ms is rounded half away from zero"
    );
    let meta = s.prompt_meta.as_ref().unwrap();
    assert_eq!(
        meta.system_prompt.as_deref(),
        Some("You are a senior engineer.")
    );
    assert_eq!(meta.extra["promptId"], "billing-refactor");
    assert_eq!(meta.extra["promptVersion"], 7);
    assert_eq!(meta.extra["tags"], json!(["rust", "refactor"]));
    assert_eq!(s.totals().total_tokens, 3114);
    assert_eq!(
        parsed.warnings,
        [TotalsWarning {
            field: "totalTokens".into(),
            client: 3203.into(),
            server: Some(3114.into()),
            message: "totalTokens 3203 differs from the sum of inputTokens + outputTokens of \
                      the messages (3114): it counts the reasoning tokens twice \
                      (reasoningTokens are part of outputTokens); the share shows 3114"
                .into(),
        }]
    );
    assert_eq!(
        serde_json::to_value(&parsed.warnings[0]).unwrap()["client"],
        json!(3203),
        "whole numbers stay whole on the wire"
    );
}

#[test]
fn the_plans_request_without_totals_is_accepted_without_warnings() {
    let mut request = plan_request();
    let object = request.as_object_mut().unwrap();
    object.remove("totalTokens");
    object.remove("totalCost");
    assert_eq!(parse(&request).unwrap().warnings, []);
}

#[test]
fn integers_accept_whole_numbers_written_as_floats() {
    let mut request = plan_request();
    request["messages"][1]["usage"]["inputTokens"] = json!(3456.0);
    request["modelConfig"]["maxTokens"] = json!(4096.0);
    request["totalTokens"] = json!(3570.0);
    request["schemaVersion"] = json!(1.0);
    let parsed = parse(&request).unwrap();
    let s = &parsed.snapshot;
    assert_eq!(s.messages[1].usage.unwrap().input_tokens, 3456);
    assert_eq!(s.model_config.max_tokens, Some(4096));
    assert_eq!(s.total_tokens, Some(3570));
    assert_eq!(s.schema_version, Some(1));
    assert_eq!(parsed.warnings, []);
}

#[test]
fn fractional_token_counts_are_refused_naming_the_field() {
    let cases = [
        (
            "/messages/1/usage/outputTokens",
            "messages[1].usage.outputTokens",
        ),
        (
            "/messages/1/usage/reasoningTokens",
            "messages[1].usage.reasoningTokens",
        ),
        ("/modelConfig/maxTokens", "modelConfig.maxTokens"),
        ("/totalTokens", "totalTokens"),
        ("/schemaVersion", "schemaVersion"),
    ];
    for (pointer, path) in cases {
        let mut request = plan_request();
        match request.pointer_mut(pointer) {
            Some(slot) => *slot = json!(12.5),
            None => request["schemaVersion"] = json!(12.5),
        }
        let (field, shown) = refused_at(&request);
        assert_eq!(field, path, "{shown}");
        assert!(
            shown.contains("12.5") && shown.contains("whole number"),
            "{shown}"
        );
    }
}

#[test]
fn negative_and_non_finite_numbers_are_refused_naming_the_field() {
    let refusals = [
        (
            "/messages/1/inferenceTimeMs",
            json!(-3.5),
            "messages[1].inferenceTimeMs",
        ),
        (
            "/messages/1/inferenceTimeMs",
            json!(-0.4),
            "messages[1].inferenceTimeMs",
        ),
        (
            "/messages/1/usage/inputTokens",
            json!(-1.0),
            "messages[1].usage.inputTokens",
        ),
        ("/messages/1/cost", json!(-0.01), "messages[1].cost"),
        ("/totalTokens", json!(-1), "totalTokens"),
        ("/totalCost", json!(-0.5), "totalCost"),
        (
            "/modelConfig/temperature",
            json!(-1e-9),
            "modelConfig.temperature",
        ),
    ];
    for (pointer, value, path) in refusals {
        let mut request = plan_request();
        *request.pointer_mut(pointer).unwrap() = value.clone();
        let (field, shown) = refused_at(&request);
        assert_eq!(field, path, "{value}: {shown}");
    }
    // JSON has no NaN or infinity; a number too large for f64 is refused
    // where it stands.
    let text = serde_json::to_string(&plan_request()).unwrap();
    for (literal, path) in [
        ("NaN", "messages[1].inferenceTimeMs"),
        ("Infinity", "messages[1].inferenceTimeMs"),
        ("1e400", "messages[1].inferenceTimeMs"),
        ("1e300", "messages[1].inferenceTimeMs"),
    ] {
        let bytes = text.replace("812.5", literal);
        let error = parse_snapshot(bytes.as_bytes(), now()).unwrap_err();
        assert_eq!(error.code(), "invalid_json", "{literal}: {error}");
        if literal != "NaN" && literal != "Infinity" {
            assert_eq!(error.field(), Some(path), "{literal}: {error}");
        }
    }
}

#[test]
fn schema_versions() {
    let mut request = plan_request();
    request["schemaVersion"] = json!(2);
    assert_eq!(parse(&request).unwrap().snapshot.version(), 2);
    for bad in [json!(0), json!(3), json!(99)] {
        request["schemaVersion"] = bad.clone();
        let (field, shown) = refused_at(&request);
        assert_eq!(field, "schemaVersion", "{bad}: {shown}");
        assert!(shown.contains("must be one of 1, 2"), "{shown}");
    }
    request["schemaVersion"] = json!("2");
    assert_eq!(refused_at(&request).0, "schemaVersion");
    request["schemaVersion"] = json!(-1);
    assert_eq!(refused_at(&request).0, "schemaVersion");
}

#[test]
fn the_v2_fixture_is_valid_and_round_trips() {
    let s = snapshot_v2();
    assert_eq!(validate(&s, now()), Ok(vec![]));
    let bytes = serde_json::to_vec(&s).unwrap();
    let value: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(value["messages"][2]["finishReason"], "toolCalls");
    assert_eq!(value["messages"][2]["params"]["maxTokens"], 2048);
    assert_eq!(value["messages"][2]["params"]["seed"], 7);
    assert_eq!(value["messages"][5]["replyTo"], "m1");
    assert_eq!(value["promptMeta"]["promptId"], "weather-v3");
    assert_eq!(parse_snapshot(&bytes, now()).unwrap().snapshot, s);
}

#[test]
fn an_unknown_finish_reason_is_refused_at_its_path() {
    let mut value = serde_json::to_value(snapshot_v2()).unwrap();
    value["messages"][3]["finishReason"] = json!("done");
    let (field, shown) = refused_at(&value);
    assert_eq!(field, "messages[3].finishReason");
    assert!(shown.contains("unknown variant `done`"), "{shown}");
    for name in ["stop", "length", "toolCalls", "stopped", "error"] {
        let reason: FinishReason = serde_json::from_value(json!(name)).unwrap();
        assert_eq!(reason.as_str(), name);
    }
}

#[test]
fn reply_to_must_name_an_earlier_user_message() {
    let mut s = snapshot_v2();
    s.messages[4].reply_to = Some("nope".into());
    assert_problem(
        &s,
        "messages[4].replyTo",
        "does not match the id of any earlier message",
    );
    s.messages[4].reply_to = Some("m2".into());
    assert_problem(
        &s,
        "messages[4].replyTo",
        "must name a user message (messages[2] has role assistant)",
    );
    s.messages[4].reply_to = Some("m4".into());
    assert_problem(&s, "messages[4].replyTo", "must name an earlier message");
    let mut s = snapshot_v2();
    s.messages.swap(1, 4);
    s.messages[1].timestamp = s.messages[4].timestamp;
    assert!(
        validate(&s, now()).unwrap_err().has("messages[1].replyTo"),
        "a reply before its prompt"
    );
}

#[test]
fn reply_to_a_missing_id_is_refused_through_parse() {
    let mut value = serde_json::to_value(snapshot_v2()).unwrap();
    value["messages"][3]["role"] = json!("assistant");
    value["messages"][3]
        .as_object_mut()
        .unwrap()
        .remove("toolCallId");
    value["messages"][3]["replyTo"] = json!("m9");
    let (field, shown) = refused_at(&value);
    assert_eq!(field, "messages[3].replyTo", "{shown}");
}

#[test]
fn v2_fields_need_version_2_and_an_assistant_message() {
    let mut s = snapshot_v2();
    s.schema_version = Some(1);
    let errors = validate(&s, now()).unwrap_err();
    for path in [
        "messages[2].provider",
        "messages[2].model",
        "messages[2].params",
        "messages[2].finishReason",
        "messages[2].replyTo",
        "messages[5].error",
    ] {
        assert!(errors.has(path), "{path} in {errors}");
    }
    assert!(errors.to_string().contains("set schemaVersion to 2"));
    s.schema_version = None;
    assert!(validate(&s, now()).unwrap_err().has("messages[2].model"));

    let mut s = snapshot_v2();
    s.messages[1].model = Some("gpt-4o".into());
    s.messages[3].finish_reason = Some(FinishReason::Stop);
    assert_problems(
        &s,
        &[
            ("messages[1].model", "only allowed on assistant messages"),
            (
                "messages[3].finishReason",
                "only allowed on assistant messages",
            ),
        ],
    );
}

#[test]
fn error_text_goes_with_finish_reason_error() {
    let mut s = snapshot_v2();
    s.messages[5].finish_reason = Some(FinishReason::Stopped);
    assert_problem(
        &s,
        "messages[5].error",
        "only allowed with finishReason \"error\"",
    );
    s.messages[5].finish_reason = Some(FinishReason::Error);
    s.messages[5].error = Some("x".repeat(MAX_ERROR_BYTES + 1));
    assert_problem(&s, "messages[5].error", "at most 16384 bytes");
    s.messages[5].error = Some("nul\0".into());
    assert_problem(&s, "messages[5].error", "NUL");
    s.messages[5].error = None;
    assert_eq!(
        validate(&s, now()),
        Ok(vec![]),
        "a failure without text is fine"
    );
}

#[test]
fn answer_model_and_provider_rules() {
    let mut s = snapshot_v2();
    s.messages[2].model = Some(" ".into());
    s.messages[2].provider = Some("p".repeat(MAX_PROVIDER_BYTES + 1));
    assert_problems(
        &s,
        &[
            ("messages[2].model", "must not be empty"),
            ("messages[2].provider", "at most 64 bytes"),
        ],
    );
    s.messages[2].model = Some("gpt\n4o".into());
    assert_problem(&s, "messages[2].model", "control characters");
}

#[test]
fn params_rules() {
    let mut s = snapshot_v2();
    let params = s.messages[2].params.as_mut().unwrap();
    params.temperature = Some(2.5);
    params.top_p = Some(f64::NAN);
    params.max_tokens = Some(0);
    params.other.insert("top_p".into(), json!(0.9));
    params
        .other
        .insert("stop".into(), json!(["x".repeat(MAX_PARAM_VALUE_BYTES)]));
    params.other.insert("bad\u{7}key".into(), json!(1));
    params.other.insert("nul".into(), json!({"a": "\0"}));
    assert_problems(
        &s,
        &[
            ("messages[2].params.temperature", "must be ≤ 2"),
            ("messages[2].params.topP", "finite"),
            ("messages[2].params.maxTokens", "must be > 0"),
            ("messages[2].params.top_p", "write it as `topP`"),
            ("messages[2].params.stop", "at most 1024 bytes"),
            (
                "messages[2].params[\"bad\\u0007key\"]",
                "control characters",
            ),
            ("messages[2].params.nul", "NUL"),
        ],
    );

    let mut s = snapshot_v2();
    let params = s.messages[2].params.as_mut().unwrap();
    params.other = (0..=MAX_PARAMS_OTHER)
        .map(|i| (format!("k{i}"), json!(i)))
        .collect();
    assert_problem(&s, "messages[2].params", "at most 32 settings");
}

#[test]
fn params_refuse_a_malformed_typed_setting_at_its_path() {
    let mut value = serde_json::to_value(snapshot_v2()).unwrap();
    value["messages"][2]["params"]["temperature"] = json!("hot");
    assert_eq!(refused_at(&value).0, "messages[2].params.temperature");
    let mut value = serde_json::to_value(snapshot_v2()).unwrap();
    value["messages"][2]["params"]["maxTokens"] = json!(12.5);
    assert_eq!(refused_at(&value).0, "messages[2].params.maxTokens");
    let mut value = serde_json::to_value(snapshot_v2()).unwrap();
    value["messages"][2]["params"] = json!([0.2]);
    assert_eq!(refused_at(&value).0, "messages[2].params");
}

#[test]
fn prompt_meta_extra_keys_are_limited_and_named() {
    let mut s = snapshot_v2();
    let meta = s.prompt_meta.as_mut().unwrap();
    meta.extra.insert(
        "promptId".into(),
        json!("x".repeat(MAX_PROMPT_META_EXTRA_VALUE_BYTES)),
    );
    meta.extra.insert("notes".into(), json!({"a": ["\0"]}));
    meta.extra.insert(String::new(), json!(1));
    meta.extra.insert("k".repeat(MAX_NAME_BYTES + 1), json!(1));
    assert_problems(
        &s,
        &[
            ("promptMeta.promptId", "at most 65536 bytes"),
            ("promptMeta.notes", "NUL"),
            ("promptMeta[\"\"]", "must not be empty"),
        ],
    );
    assert_problem(
        &s,
        &format!("promptMeta.{}", "k".repeat(MAX_NAME_BYTES + 1)),
        "at most 128 bytes",
    );

    let mut s = snapshot_v2();
    let meta = s.prompt_meta.as_mut().unwrap();
    meta.extra = (0..=MAX_PROMPT_META_EXTRA_KEYS)
        .map(|i| (format!("k{i}"), json!(i)))
        .collect();
    assert_problem(&s, "promptMeta", "at most 64 keys");

    let mut s = snapshot_v2();
    let meta = s.prompt_meta.as_mut().unwrap();
    meta.extra = (0..5)
        .map(|i| (format!("k{i}"), json!("x".repeat(60 * 1024))))
        .collect();
    assert_problem(&s, "promptMeta", "at most 262144 bytes of JSON together");
}

#[test]
fn prompt_meta_typed_keys_keep_their_types() {
    let mut value = serde_json::to_value(snapshot()).unwrap();
    value["promptMeta"]["systemPrompt"] = json!({"text": "hi"});
    assert_eq!(refused_at(&value).0, "promptMeta.systemPrompt");
    let mut value = serde_json::to_value(snapshot()).unwrap();
    value["promptMeta"]["tools"][0]["kind"] = json!("function");
    let (field, shown) = refused_at(&value);
    assert_eq!(field, "promptMeta.tools[0].kind", "{shown}");
    let mut value = serde_json::to_value(snapshot()).unwrap();
    value["promptMeta"]["promptId"] = json!("a");
    let text = serde_json::to_string(&value)
        .unwrap()
        .replace(r#""promptId":"a""#, r#""promptId":"a","promptId":"b""#);
    let error = parse_snapshot(text.as_bytes(), now()).unwrap_err();
    assert_eq!(error.field(), Some("promptMeta.promptId"), "{error}");
    assert!(error.to_string().contains("duplicate field"), "{error}");
}

#[test]
fn unknown_fields_elsewhere_are_still_refused() {
    for (pointer, key) in [
        ("", "totalTokenz"),
        ("/messages/2", "modelName"),
        ("/messages/2/usage", "audioTokens"),
        ("/modelConfig", "seed"),
    ] {
        let mut value = serde_json::to_value(snapshot_v2()).unwrap();
        value.pointer_mut(pointer).unwrap()[key] = json!(1);
        let (field, shown) = refused_at(&value);
        let expected = match pointer {
            "" => key.to_owned(),
            "/messages/2" => format!("messages[2].{key}"),
            "/messages/2/usage" => format!("messages[2].usage.{key}"),
            _ => format!("modelConfig.{key}"),
        };
        assert_eq!(field, expected, "{shown}");
        assert!(shown.contains("unknown field"), "{shown}");
    }
}

#[test]
fn a_snapshot_without_v2_fields_can_be_written_as_version_1() {
    let mut s = snapshot();
    assert_eq!(s.required_version(), 1);
    s.schema_version = Some(1);
    assert_eq!(validate(&s, now()), Ok(vec![]));
    assert_eq!(snapshot_v2().required_version(), 2);
}

#[test]
fn max_views_is_a_v2_field_from_one_to_a_million() {
    let mut s = snapshot_v2();
    for accepted in [1, 2, MAX_VIEWS] {
        s.max_views = Some(accepted);
        assert!(validate(&s, now()).is_ok(), "{accepted}");
    }
    for refused in [0, MAX_VIEWS + 1, u32::MAX] {
        s.max_views = Some(refused);
        assert_problem(&s, "maxViews", "from 1 to 1000000");
    }
    let mut v1 = snapshot();
    v1.schema_version = Some(1);
    v1.max_views = Some(1);
    assert_problem(&v1, "maxViews", "schema version 2 field");
}

#[test]
fn max_views_must_be_a_whole_number() {
    let mut value = serde_json::to_value(snapshot_v2()).unwrap();
    value["maxViews"] = json!(3.0);
    assert_eq!(parse(&value).unwrap().snapshot.max_views, Some(3));
    for bad in [json!(1.5), json!(-1), json!("1"), json!(4_294_967_296_u64)] {
        value["maxViews"] = bad.clone();
        let (field, message) = refused_at(&value);
        assert_eq!(field, "maxViews", "{bad}: {message}");
    }
}
