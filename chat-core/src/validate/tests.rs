use chrono::{Duration, TimeZone, Utc};

use super::limits::*;
use super::*;
use crate::snapshot::*;
use crate::test_fixtures::{message, now, snapshot};
use crate::totals::TotalsWarning;

/// The problems of `s`, as `path: message` strings.
fn problems(s: &ShareSnapshot) -> Vec<String> {
    match validate(s, now()) {
        Ok(_) => vec![],
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

/// Asserts that exactly `path` is reported (among possibly other problems)
/// with a message containing `needle`.
#[track_caller]
pub(super) fn assert_problem(s: &ShareSnapshot, path: &str, needle: &str) {
    let errors = validate(s, now()).expect_err("expected a validation error");
    assert!(
        errors
            .iter()
            .any(|e| e.path == path && e.message.contains(needle)),
        "no `{path}: …{needle}…` in: {errors}"
    );
}

/// [`assert_problem`] for each `(path, needle)`.
#[track_caller]
pub(super) fn assert_problems(s: &ShareSnapshot, expected: &[(&str, &str)]) {
    for (path, needle) in expected {
        assert_problem(s, path, needle);
    }
}

#[test]
fn the_fixture_is_valid() {
    assert_eq!(problems(&snapshot()), Vec::<String>::new());
}

#[test]
fn negative_output_tokens_name_their_path() {
    let mut s = snapshot();
    s.messages[2].usage.as_mut().unwrap().output_tokens = -5;
    s.fill_totals();
    assert_problem(&s, "messages[2].usage.outputTokens", "must be ≥ 0");
}

#[test]
fn every_problem_is_collected() {
    let mut s = snapshot();
    s.schema_version = Some(7);
    s.title = "  ".into();
    s.model_config.temperature = Some(2.5);
    s.model_config.top_p = Some(-0.1);
    s.model_config.max_tokens = Some(0);
    s.model_config.provider = String::new();
    s.messages[4].usage.as_mut().unwrap().input_tokens = -1;
    s.total_tokens = Some(-3);
    let errors = validate(&s, now()).unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "schemaVersion",
            "title",
            "modelConfig.provider",
            "modelConfig.temperature",
            "modelConfig.topP",
            "modelConfig.maxTokens",
            "messages[4].usage.inputTokens",
            "totalTokens",
        ]
    );
    let shown = errors.to_string();
    assert!(
        shown.starts_with("schemaVersion: must be one of 1, 2 (got 7); title: must not be empty; ")
    );
    assert!(shown.contains("modelConfig.temperature: must be ≤ 2"));
    assert!(shown.contains("modelConfig.topP: must be ≥ 0"));
    assert!(shown.contains("modelConfig.maxTokens: must be > 0"));
    assert_eq!(errors.field(), Some("schemaVersion"));
}

#[test]
fn display_is_shortened_but_the_list_is_complete() {
    let mut s = snapshot();
    for m in &mut s.messages {
        m.id = String::new();
    }
    for i in 0..30 {
        let mut m = message("", Role::User, "x", 5);
        m.inference_time_ms = Some(-i - 1);
        s.messages.push(m);
    }
    let errors = validate(&s, now()).unwrap_err();
    assert!(errors.len() > ValidationErrors::DISPLAYED);
    let shown = errors.to_string();
    assert_eq!(shown.matches("; ").count(), ValidationErrors::DISPLAYED);
    assert!(shown.ends_with(&format!(
        "… and {} more",
        errors.len() - ValidationErrors::DISPLAYED
    )));
}

#[test]
fn title_rules() {
    let mut s = snapshot();
    s.title = "é".repeat(MAX_TITLE_CHARS);
    assert!(problems(&s).is_empty(), "200 two-byte characters fit");
    s.title.push('é');
    assert_problem(&s, "title", "at most 200 characters (got 201)");
    s.title = "line\nbreak".into();
    assert_problem(&s, "title", "control characters");
    s.title = "invoice\u{202E}fdp.exe".into();
    assert_problem(&s, "title", "bidirectional");
    s.title = "\t".into();
    assert_problem(&s, "title", "must not be empty");
}

#[test]
fn model_config_rules() {
    let mut s = snapshot();
    s.model_config.temperature = Some(f64::NAN);
    s.model_config.top_p = Some(1.5);
    s.model_config.max_tokens = Some(MAX_TOKENS + 1);
    s.model_config.model = "x".repeat(MAX_MODEL_BYTES + 1);
    assert_problems(
        &s,
        &[
            ("modelConfig.temperature", "finite"),
            ("modelConfig.topP", "must be ≤ 1"),
            ("modelConfig.maxTokens", "must be ≤ 50000000"),
            ("modelConfig.model", "at most 256 bytes (got 257)"),
        ],
    );

    let mut s = snapshot();
    s.model_config.temperature = Some(0.0);
    s.model_config.top_p = Some(0.0);
    s.model_config.max_tokens = Some(1);
    assert!(problems(&s).is_empty());
    s.model_config.temperature = Some(2.0);
    assert!(problems(&s).is_empty());
    s.model_config.max_tokens = Some(-3);
    assert_problem(&s, "modelConfig.maxTokens", "must be > 0");
}

#[test]
fn timestamp_window() {
    let mut s = snapshot();
    s.messages[0].timestamp = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap();
    assert_problem(&s, "messages[0].timestamp", "before 2000-01-01");
    s.messages[0].timestamp = now() + Duration::days(1) + Duration::seconds(1);
    assert_problem(&s, "messages[0].timestamp", "1 day in the future");
    // The edges themselves are allowed.
    s.messages[0].timestamp = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
    assert!(problems(&s).is_empty());
    s.messages[0].timestamp = now() + Duration::days(1);
    assert!(problems(&s).is_empty());
}

#[test]
fn usage_subsets_and_bounds() {
    let mut s = snapshot();
    let usage = s.messages[2].usage.as_mut().unwrap();
    usage.reasoning_tokens = Some(301);
    usage.cached_tokens = Some(1201);
    assert_problems(
        &s,
        &[
            ("messages[2].usage.reasoningTokens", "≤ outputTokens (300)"),
            ("messages[2].usage.cachedTokens", "≤ inputTokens (1200)"),
        ],
    );

    let mut s = snapshot();
    let usage = s.messages[2].usage.as_mut().unwrap();
    usage.reasoning_tokens = Some(-1);
    usage.cached_tokens = Some(-2);
    usage.input_tokens = MAX_TOKENS + 1;
    s.fill_totals();
    assert_problems(
        &s,
        &[
            ("messages[2].usage.reasoningTokens", "must be ≥ 0"),
            ("messages[2].usage.cachedTokens", "must be ≥ 0"),
            ("messages[2].usage.inputTokens", "must be ≤ 50000000"),
        ],
    );
}

#[test]
fn costs_and_timings() {
    let mut s = snapshot();
    s.messages[2].cost = Some(-0.01);
    s.messages[4].cost = Some(f64::INFINITY);
    s.messages[2].time_to_first_token_ms = Some(5000);
    s.messages[4].inference_time_ms = Some(-1);
    s.messages[1].inference_time_ms = Some(MAX_DURATION_MS + 1);
    assert_problems(
        &s,
        &[
            ("messages[2].cost", "must be ≥ 0"),
            ("messages[4].cost", "finite"),
            ("messages[2].timeToFirstTokenMs", "≤ inferenceTimeMs (2400)"),
            ("messages[4].inferenceTimeMs", "must be ≥ 0"),
            ("messages[1].inferenceTimeMs", "must be ≤ 86400000"),
        ],
    );
}

#[test]
fn message_ids_are_required_and_unique() {
    let mut s = snapshot();
    s.messages[3].id = "m1".into();
    s.messages[4].id = " ".into();
    assert_problems(
        &s,
        &[
            ("messages[3].id", "messages[1] has the same id"),
            ("messages[4].id", "must not be empty"),
        ],
    );
    s.messages[4].id = "x".repeat(MAX_ID_BYTES + 1);
    assert_problem(&s, "messages[4].id", "at most 128 bytes");
}

#[test]
fn tool_call_rules() {
    let mut s = snapshot();
    s.messages[1].tool_call_id = Some("call_1".into());
    s.messages[1].tool_calls = s.messages[2].tool_calls.clone();
    assert_problems(
        &s,
        &[
            ("messages[1].toolCallId", "only allowed on tool messages"),
            (
                "messages[1].toolCalls",
                "only allowed on assistant messages",
            ),
            (
                "messages[2].toolCalls[0].id",
                "messages[1].toolCalls[0] has the same id",
            ),
        ],
    );

    let mut s = snapshot();
    s.messages[3].tool_call_id = Some("call_404".into());
    let unknown = "does not match the id of any tool call";
    assert_problem(&s, "messages[3].toolCallId", unknown);

    let mut s = snapshot();
    s.messages.swap(2, 3);
    s.fill_totals();
    assert_problem(&s, "messages[2].toolCallId", "earlier message");

    let mut s = snapshot();
    s.messages[2].tool_calls[0].name = String::new();
    s.messages[2].tool_calls[0].arguments = "\0".into();
    assert_problems(
        &s,
        &[
            ("messages[2].toolCalls[0].name", "must not be empty"),
            ("messages[2].toolCalls[0].arguments", "NUL"),
        ],
    );

    let mut s = snapshot();
    s.messages[3].tool_call_id = None;
    assert!(
        problems(&s).is_empty(),
        "tool answers without ids are accepted"
    );
}

#[test]
fn sizes_and_counts() {
    let mut s = snapshot();
    s.messages[1].content = "a".repeat(MAX_CONTENT_BYTES);
    assert!(problems(&s).is_empty());
    s.messages[1].content.push('a');
    assert_problem(
        &s,
        "messages[1].content",
        "at most 262144 bytes (got 262145)",
    );

    let mut s = snapshot();
    s.messages = (0..=MAX_MESSAGES)
        .map(|i| message(&format!("m{i}"), Role::User, "hi", 1))
        .collect();
    s.fill_totals();
    assert_problem(&s, "messages", "at most 5000 messages (got 5001)");

    let mut s = snapshot();
    s.messages.clear();
    s.fill_totals();
    assert_problem(&s, "messages", "at least one message");

    let mut s = snapshot();
    s.messages[2].tool_calls = (0..=MAX_TOOL_CALLS_PER_MESSAGE)
        .map(|i| ToolCall {
            id: format!("c{i}"),
            name: "f".into(),
            arguments: "{}".into(),
        })
        .collect();
    s.messages[3].tool_call_id = Some("c0".into());
    assert_problem(
        &s,
        "messages[2].toolCalls",
        "at most 128 tool calls (got 129)",
    );

    let mut s = snapshot();
    for i in 0..40 {
        s.messages[1].content = "a".repeat(MAX_CONTENT_BYTES);
        let mut m = s.messages[1].clone();
        m.id = format!("big{i}");
        s.messages.push(m);
    }
    s.fill_totals();
    let errors = validate(&s, now()).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors.errors()[0].path, "");
    assert!(
        errors
            .to_string()
            .starts_with("the snapshot must be at most 8388608 bytes")
    );
    assert_eq!(errors.field(), None);
}

#[test]
fn prompt_meta_rules() {
    let mut s = snapshot();
    let meta = s.prompt_meta.as_mut().unwrap();
    meta.variables.insert("name".into(), "\0".into());
    meta.variables
        .insert("odd key".into(), "x".repeat(MAX_VARIABLE_VALUE_BYTES + 1));
    meta.variables.insert(String::new(), "v".into());
    meta.tools.push(meta.tools[0].clone());
    meta.tools[1].parameters = serde_json::json!([1, 2]);
    meta.system_prompt = Some("p".repeat(MAX_SYSTEM_PROMPT_BYTES + 1));
    assert_problems(
        &s,
        &[
            ("promptMeta.variables.name", "NUL"),
            ("promptMeta.variables[\"odd key\"]", "at most 65536 bytes"),
            ("promptMeta.variables[\"\"]", "name must not be empty"),
            (
                "promptMeta.tools[1].name",
                "promptMeta.tools[0] has the same name",
            ),
            ("promptMeta.tools[1].parameters", "JSON object"),
            ("promptMeta.systemPrompt", "at most 262144 bytes"),
        ],
    );

    let mut s = snapshot();
    let meta = s.prompt_meta.as_mut().unwrap();
    meta.variables = (0..=MAX_VARIABLES)
        .map(|i| (format!("v{i}"), String::new()))
        .collect();
    meta.tools[0].parameters = serde_json::Value::Null;
    assert_eq!(
        problems(&s),
        ["promptMeta.variables: must contain at most 100 variables (got 101)"]
    );
}

/// The warnings of `s`, which must be valid.
#[track_caller]
fn warnings(s: &ShareSnapshot) -> Vec<TotalsWarning> {
    validate(s, now()).unwrap_or_else(|errors| panic!("invalid: {errors}"))
}

#[test]
fn totals_that_differ_are_warnings() {
    let mut s = snapshot();
    assert_eq!(s.total_tokens, Some(1200 + 300 + 1550 + 25));
    assert!(warnings(&s).is_empty());
    s.total_tokens = Some(3075 + 120); // reasoning counted twice
    let found = warnings(&s);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].field, "totalTokens");
    assert_eq!(found[0].client, 3195.into());
    assert_eq!(found[0].server, Some(3075.into()));
    assert!(
        found[0]
            .message
            .contains("counts the reasoning tokens twice"),
        "{}",
        found[0].message
    );
    s.total_tokens = Some(3075 + 1024); // cached counted twice
    assert!(warnings(&s)[0].message.contains("cached tokens twice"));
    s.total_tokens = Some(1);
    assert!(warnings(&s)[0].message.contains("the share shows 3075"));
    s.total_tokens = None;
    assert!(warnings(&s).is_empty(), "no claim, nothing to warn about");
    s.total_tokens = Some(-1);
    assert_problem(&s, "totalTokens", "must be ≥ 0");

    let mut s = snapshot();
    s.total_cost = s.total_cost.map(|c| c * (1.0 + 1e-12));
    assert!(
        warnings(&s).is_empty(),
        "rounding differences are tolerated"
    );
    s.total_cost = s.total_cost.map(|c| c * (1.0 + 1e-6));
    let found = warnings(&s);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].field, "totalCost");
    assert!(found[0].message.contains("sum of the messages' cost"));
    s.total_cost = None;
    assert!(warnings(&s).is_empty(), "null is no claim");
    s.total_cost = Some(f64::NAN);
    assert_problem(&s, "totalCost", "finite");
    s.total_cost = Some(-0.5);
    assert_problem(&s, "totalCost", "≥ 0");

    let mut s = snapshot();
    s.messages[4].cost = None;
    let found = warnings(&s);
    assert_eq!(found[0].field, "totalCost");
    assert_eq!(found[0].server, None);
    assert!(
        found[0]
            .message
            .contains("messages[4] has usage but no cost")
    );
    s.total_cost = None;
    assert!(warnings(&s).is_empty());
}

#[test]
fn expiry_must_be_in_the_future() {
    let mut s = snapshot();
    s.expires_at = Some(now());
    assert_problem(&s, "expiresAt", "in the future");
    s.expires_at = Some(now() + Duration::seconds(1));
    assert!(problems(&s).is_empty());
    s.expires_at = None;
    assert!(problems(&s).is_empty());
}

fn json(s: &ShareSnapshot) -> serde_json::Value {
    serde_json::to_value(s).unwrap()
}

fn parse_value(value: &serde_json::Value) -> Result<ShareSnapshot, SnapshotError> {
    parse_snapshot(&serde_json::to_vec(value).unwrap(), now()).map(|parsed| parsed.snapshot)
}

#[test]
fn parse_round_trips_a_valid_snapshot() {
    let s = snapshot();
    let bytes = serde_json::to_vec_pretty(&s).unwrap();
    let parsed = parse_snapshot(&bytes, now()).unwrap();
    assert_eq!(parsed.snapshot, s);
    assert_eq!(parsed.warnings, vec![]);
}

#[test]
fn parse_checks_size_before_anything_else() {
    let bytes = vec![0xFF; MAX_BODY_BYTES + 1];
    let error = parse_snapshot(&bytes, now()).unwrap_err();
    assert_eq!(
        error,
        SnapshotError::TooLarge {
            limit: MAX_BODY_BYTES,
            actual: MAX_BODY_BYTES + 1
        }
    );
    assert_eq!(error.code(), "too_large");
    assert_eq!(error.field(), None);
}

#[test]
fn parse_names_the_offset_of_invalid_utf8() {
    let mut bytes = serde_json::to_vec(&snapshot()).unwrap();
    let offset = bytes.iter().position(|b| *b == b'W').unwrap(); // "Weather in Paris"
    bytes[offset] = 0xC3; // a lead byte followed by ASCII: invalid
    let error = parse_snapshot(&bytes, now()).unwrap_err();
    assert_eq!(
        error,
        SnapshotError::InvalidUtf8 {
            offset,
            path: "title".into()
        }
    );
    assert_eq!(error.field(), Some("title"));
    assert!(
        error
            .to_string()
            .contains(&format!("at byte {offset} in title"))
    );
}

#[test]
fn parse_names_the_path_of_a_type_error() {
    let mut value = json(&snapshot());
    value["messages"][2]["usage"]["inputTokens"] = "many".into();
    let error = parse_value(&value).unwrap_err();
    let SnapshotError::Json { path, message } = &error else {
        panic!("unexpected {error:?}")
    };
    assert_eq!(path, "messages[2].usage.inputTokens");
    assert!(
        message.contains("invalid type: string \"many\", expected a whole number"),
        "{message}"
    );
    assert_eq!(error.field(), Some("messages[2].usage.inputTokens"));
    assert_eq!(error.code(), "invalid_json");
    assert!(
        error
            .to_string()
            .starts_with("invalid JSON at messages[2].usage.inputTokens: ")
    );
}

/// serde would take `"usage": [120, 30]` for a struct; the stored document
/// must keep the schema's shape.
#[test]
fn parse_refuses_arrays_in_place_of_objects() {
    let value = json(&snapshot());
    // The fields in declaration order, as serde reads a sequence.
    let fields = |v: &serde_json::Value, names: &[&str]| {
        serde_json::Value::Array(names.iter().map(|name| v[*name].clone()).collect())
    };
    let mut cases = Vec::new();
    let mut usage = value.clone();
    usage["messages"][2]["usage"] = fields(
        &value["messages"][2]["usage"],
        &["inputTokens", "outputTokens"],
    );
    cases.push((usage, "messages[2].usage"));
    let mut model = value.clone();
    model["modelConfig"] = fields(&value["modelConfig"], &["provider", "model"]);
    cases.push((model, "modelConfig"));
    let mut message = value.clone();
    message["messages"][0] = fields(
        &value["messages"][0],
        &["id", "role", "content", "timestamp"],
    );
    cases.push((message, "messages[0]"));
    for (bad, path) in cases {
        let error = parse_value(&bad).unwrap_err();
        assert_eq!(error.field(), Some(path), "{error}");
        assert_eq!(error.code(), "invalid_json");
    }
}

#[test]
fn parse_names_unknown_and_missing_fields() {
    let mut value = json(&snapshot());
    value["messages"][1]["sender"] = "bob".into();
    let error = parse_value(&value).unwrap_err();
    assert_eq!(error.field(), Some("messages[1].sender"), "{error}");
    assert!(error.to_string().contains("unknown field `sender`"));

    let mut value = json(&snapshot());
    value["modelConfig"]
        .as_object_mut()
        .unwrap()
        .remove("model");
    let error = parse_value(&value).unwrap_err();
    assert_eq!(error.field(), Some("modelConfig.model"), "{error}");

    let mut value = json(&snapshot());
    value.as_object_mut().unwrap().remove("title");
    assert_eq!(parse_value(&value).unwrap_err().field(), Some("title"));

    let mut value = json(&snapshot());
    value["messages"][3]["role"] = "bot".into();
    let error = parse_value(&value).unwrap_err();
    assert_eq!(error.field(), Some("messages[3].role"));
    assert!(error.to_string().contains("unknown variant `bot`"));
}

#[test]
fn parse_refuses_malformed_json() {
    for bad in ["", "{", "[]", "null", "{\"title\": \"x\",}"] {
        let error = parse_snapshot(bad.as_bytes(), now()).unwrap_err();
        assert_eq!(error.code(), "invalid_json", "{bad:?}: {error}");
    }
    let mut bytes = serde_json::to_vec(&snapshot()).unwrap();
    bytes.extend_from_slice(b" {}");
    let error = parse_snapshot(&bytes, now()).unwrap_err();
    assert!(error.to_string().contains("trailing characters"), "{error}");
    assert_eq!(error.field(), None);
}

#[test]
fn parse_then_validates() {
    let mut value = json(&snapshot());
    value["messages"][4]["usage"]["outputTokens"] = (-1).into();
    let error = parse_value(&value).unwrap_err();
    assert_eq!(error.code(), "invalid_snapshot");
    assert_eq!(error.field(), Some("messages[4].usage.outputTokens"));
    assert!(
        error
            .to_string()
            .starts_with("invalid snapshot: messages[4].usage.outputTokens: must be ≥ 0")
    );
}

#[test]
fn errors_serialize_as_a_list() {
    let errors =
        ValidationErrors::new(vec![FieldError::new("title", "must not be empty")]).unwrap();
    assert_eq!(
        serde_json::to_string(&errors).unwrap(),
        r#"[{"path":"title","message":"must not be empty"}]"#
    );
    assert!(ValidationErrors::new(vec![]).is_none());
}
