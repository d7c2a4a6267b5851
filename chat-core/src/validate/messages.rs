//! Rules on the messages: ids, sizes, timestamps, usage, timings, tool calls,
//! and the v2 fields that say who produced an answer and how it ended.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::Report;
use super::document::sampling;
use super::limits::*;
use super::text::{
    float_in_range, free_text, has_nul, json_size, key_path, non_negative_int, open_key,
    required_text, too_long, unique_key,
};
use crate::snapshot::{FinishReason, GenerationParams, Message, Role, Usage};

pub(super) fn check(messages: &[Message], version: u32, now: DateTime<Utc>, report: &mut Report) {
    if messages.is_empty() {
        report.push("messages", "must contain at least one message");
    }
    if messages.len() > MAX_MESSAGES {
        report.push(
            "messages",
            format!(
                "must contain at most {MAX_MESSAGES} messages (got {})",
                messages.len()
            ),
        );
    }
    let calls = tool_call_index(messages, report);
    let window = TimestampWindow::new(now);
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, message) in messages.iter().enumerate() {
        let path = format!("messages[{i}]");
        unique_key(report, &mut ids, ("messages", "id"), i, &message.id);
        check_message(&path, i, message, &calls, &window, report);
        check_answer(&path, i, message, version, messages, &ids, report);
    }
}

/// The v2 fields: only in a version 2 document, only on assistant messages.
fn check_answer(
    path: &str,
    index: usize,
    message: &Message,
    version: u32,
    messages: &[Message],
    ids: &HashMap<&str, usize>,
    report: &mut Report,
) {
    let fields = [
        ("provider", message.provider.is_some()),
        ("model", message.model.is_some()),
        ("params", message.params.is_some()),
        ("finishReason", message.finish_reason.is_some()),
        ("error", message.error.is_some()),
        ("replyTo", message.reply_to.is_some()),
    ];
    for (name, present) in fields {
        if !present {
            continue;
        }
        if version < 2 {
            report.push(
                format!("{path}.{name}"),
                "is a schema version 2 field: set schemaVersion to 2",
            );
        } else if message.role != Role::Assistant {
            report.push(
                format!("{path}.{name}"),
                "is only allowed on assistant messages",
            );
        }
    }
    if let Some(provider) = &message.provider {
        required_text(
            report,
            &format!("{path}.provider"),
            provider,
            MAX_PROVIDER_BYTES,
        );
    }
    if let Some(model) = &message.model {
        required_text(report, &format!("{path}.model"), model, MAX_MODEL_BYTES);
    }
    if let Some(params) = &message.params {
        check_params(&format!("{path}.params"), params, report);
    }
    if let Some(error) = &message.error {
        let field = format!("{path}.error");
        free_text(report, &field, error, MAX_ERROR_BYTES);
        if message.finish_reason != Some(FinishReason::Error) {
            report.push(field, "is only allowed with finishReason \"error\"");
        }
    }
    if let Some(reply_to) = &message.reply_to {
        let field = format!("{path}.replyTo");
        required_text(report, &field, reply_to, MAX_ID_BYTES);
        match ids.get(reply_to.as_str()) {
            Some(&j) if j < index && messages[j].role == Role::User => {}
            Some(&j) if j < index => report.push(
                &field,
                format!(
                    "must name a user message (messages[{j}] has role {})",
                    messages[j].role.as_str()
                ),
            ),
            Some(_) => report.push(&field, "must name an earlier message"),
            None if reply_to.is_empty() => {}
            None => report.push(&field, "does not match the id of any earlier message"),
        }
    }
}

fn check_params(path: &str, params: &GenerationParams, report: &mut Report) {
    sampling(
        report,
        path,
        params.temperature,
        params.top_p,
        params.max_tokens,
    );
    if params.other.len() > MAX_PARAMS_OTHER {
        report.push(
            path,
            format!(
                "must contain at most {MAX_PARAMS_OTHER} settings besides temperature, topP \
                 and maxTokens (got {})",
                params.other.len()
            ),
        );
    }
    for (key, value) in &params.other {
        let field = key_path(path, key);
        open_key(report, &field, key);
        if let Some(typed) = typed_param_spelled_otherwise(key) {
            report.push(&field, format!("write it as `{typed}`"));
        }
        let size = json_size(value);
        if size > MAX_PARAM_VALUE_BYTES {
            report.push(&field, too_long(MAX_PARAM_VALUE_BYTES, size));
        }
        if has_nul(value) {
            report.push(&field, "must not contain NUL characters");
        }
    }
}

/// `top_p`, `max_tokens`, `Temperature`…: a typed setting under another
/// spelling would be shown as an extra setting and ignored as the typed one.
fn typed_param_spelled_otherwise(key: &str) -> Option<&'static str> {
    let folded: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    match folded.as_str() {
        "temperature" => Some("temperature"),
        "topp" => Some("topP"),
        "maxtokens" => Some("maxTokens"),
        _ => None,
    }
}

/// Where each tool call id first appears: (message index, call index).
/// Reports duplicated ids on the way.
fn tool_call_index<'a>(
    messages: &'a [Message],
    report: &mut Report,
) -> HashMap<&'a str, (usize, usize)> {
    let mut calls: HashMap<&str, (usize, usize)> = HashMap::new();
    for (i, message) in messages.iter().enumerate() {
        for (k, call) in message.tool_calls.iter().enumerate() {
            if let Some((j, l)) = calls.get(call.id.as_str()) {
                report.push(
                    format!("messages[{i}].toolCalls[{k}].id"),
                    format!("must be unique: messages[{j}].toolCalls[{l}] has the same id"),
                );
            } else {
                calls.insert(&call.id, (i, k));
            }
        }
    }
    calls
}

struct TimestampWindow {
    earliest: DateTime<Utc>,
    latest: DateTime<Utc>,
}

impl TimestampWindow {
    fn new(now: DateTime<Utc>) -> Self {
        let earliest = DateTime::from_timestamp(EARLIEST_TIMESTAMP_SECS, 0).unwrap_or_default();
        let latest = TimeDelta::try_seconds(MAX_FUTURE_SKEW_SECS)
            .and_then(|skew| now.checked_add_signed(skew))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        Self { earliest, latest }
    }
}

fn check_message(
    path: &str,
    index: usize,
    message: &Message,
    calls: &HashMap<&str, (usize, usize)>,
    window: &TimestampWindow,
    report: &mut Report,
) {
    required_text(report, &format!("{path}.id"), &message.id, MAX_ID_BYTES);
    free_text(
        report,
        &format!("{path}.content"),
        &message.content,
        MAX_CONTENT_BYTES,
    );
    if let Some(reasoning) = &message.reasoning {
        free_text(
            report,
            &format!("{path}.reasoning"),
            reasoning,
            MAX_CONTENT_BYTES,
        );
    }
    if message.timestamp < window.earliest {
        report.push(
            format!("{path}.timestamp"),
            "must not be before 2000-01-01T00:00:00Z",
        );
    } else if message.timestamp > window.latest {
        report.push(
            format!("{path}.timestamp"),
            "must not be more than 1 day in the future",
        );
    }
    if let Some(usage) = &message.usage {
        check_usage(&format!("{path}.usage"), usage, report);
    }
    if let Some(cost) = message.cost {
        float_in_range(
            report,
            &format!("{path}.cost"),
            cost,
            0.0,
            MAX_MESSAGE_COST_USD,
        );
    }
    check_timings(path, message, report);
    check_tool_calls(path, message, report);
    if let Some(call_id) = &message.tool_call_id {
        let field = format!("{path}.toolCallId");
        if message.role != Role::Tool {
            report.push(&field, "is only allowed on tool messages");
        }
        required_text(report, &field, call_id, MAX_ID_BYTES);
        match calls.get(call_id.as_str()) {
            Some((j, _)) if *j < index => {}
            Some((j, k)) => report.push(
                &field,
                format!(
                    "must answer a tool call of an earlier message \
                     (messages[{j}].toolCalls[{k}] is not earlier)"
                ),
            ),
            None if call_id.is_empty() => {}
            None => report.push(&field, "does not match the id of any tool call"),
        }
    }
}

fn check_usage(path: &str, usage: &Usage, report: &mut Report) {
    let (input, output) = (usage.input_tokens, usage.output_tokens);
    non_negative_int(report, &format!("{path}.inputTokens"), input, MAX_TOKENS);
    non_negative_int(report, &format!("{path}.outputTokens"), output, MAX_TOKENS);
    let reasoning = ("reasoningTokens", usage.reasoning_tokens);
    let output = ("outputTokens", output, "reasoning is part of the output");
    check_part(report, path, reasoning, output);
    let cached = ("cachedTokens", usage.cached_tokens);
    let input = ("inputTokens", input, "cached tokens are part of the input");
    check_part(report, path, cached, input);
}

/// A token count `(name, count)` that is a part of another `(name, count,
/// why)`: within the limits and no larger than the whole.
fn check_part(
    report: &mut Report,
    path: &str,
    (name, part): (&str, Option<i64>),
    (whole_name, whole, why): (&str, i64, &str),
) {
    let Some(part) = part else { return };
    let field = format!("{path}.{name}");
    non_negative_int(report, &field, part, MAX_TOKENS);
    if part > whole {
        report.push(field, format!("must be ≤ {whole_name} ({whole}): {why}"));
    }
}

fn check_timings(path: &str, message: &Message, report: &mut Report) {
    if let Some(total) = message.inference_time_ms {
        non_negative_int(
            report,
            &format!("{path}.inferenceTimeMs"),
            total,
            MAX_DURATION_MS,
        );
    }
    if let Some(first) = message.time_to_first_token_ms {
        let field = format!("{path}.timeToFirstTokenMs");
        non_negative_int(report, &field, first, MAX_DURATION_MS);
        if let Some(total) = message.inference_time_ms
            && first > total
        {
            report.push(field, format!("must be ≤ inferenceTimeMs ({total})"));
        }
    }
}

fn check_tool_calls(path: &str, message: &Message, report: &mut Report) {
    if message.tool_calls.is_empty() {
        return;
    }
    if message.role != Role::Assistant {
        report.push(
            format!("{path}.toolCalls"),
            "is only allowed on assistant messages",
        );
    }
    if message.tool_calls.len() > MAX_TOOL_CALLS_PER_MESSAGE {
        report.push(
            format!("{path}.toolCalls"),
            format!(
                "must contain at most {MAX_TOOL_CALLS_PER_MESSAGE} tool calls (got {})",
                message.tool_calls.len()
            ),
        );
    }
    for (k, call) in message.tool_calls.iter().enumerate() {
        let call_path = format!("{path}.toolCalls[{k}]");
        required_text(report, &format!("{call_path}.id"), &call.id, MAX_ID_BYTES);
        required_text(
            report,
            &format!("{call_path}.name"),
            &call.name,
            MAX_NAME_BYTES,
        );
        free_text(
            report,
            &format!("{call_path}.arguments"),
            &call.arguments,
            MAX_TOOL_ARGUMENTS_BYTES,
        );
    }
}
