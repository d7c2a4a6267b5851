//! Rules on the snapshot as a whole: version, title, model config, prompt
//! metadata, totals, expiry and size.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Report;
use super::limits::*;
use super::text::{
    float_in_range, free_text, is_bidi_control, json_size, key_path, non_negative_int,
    required_text, too_long,
};
use crate::snapshot::{ModelConfig, PromptMeta, SCHEMA_VERSION, ShareSnapshot};
use crate::totals::Totals;

pub(super) fn check(snapshot: &ShareSnapshot, now: DateTime<Utc>, report: &mut Report) {
    if snapshot.schema_version != SCHEMA_VERSION {
        report.push(
            "schemaVersion",
            format!("must be {SCHEMA_VERSION} (got {})", snapshot.schema_version),
        );
    }
    title(&snapshot.title, report);
    model_config(&snapshot.model_config, report);
    if let Some(meta) = &snapshot.prompt_meta {
        prompt_meta(meta, report);
    }
    if let Some(expires_at) = snapshot.expires_at
        && expires_at <= now
    {
        report.push("expiresAt", "must be in the future");
    }
    let size = json_size(snapshot);
    if size > MAX_SNAPSHOT_BYTES {
        report.push(
            "",
            format!("the snapshot must be at most {MAX_SNAPSHOT_BYTES} bytes of JSON (got {size})"),
        );
    }
}

fn title(title: &str, report: &mut Report) {
    if title.trim().is_empty() {
        report.push("title", "must not be empty");
    }
    let chars = title.chars().count();
    if chars > MAX_TITLE_CHARS {
        report.push(
            "title",
            format!("must be at most {MAX_TITLE_CHARS} characters (got {chars})"),
        );
    }
    if title.chars().any(char::is_control) {
        report.push("title", "must not contain control characters");
    }
    if title.chars().any(is_bidi_control) {
        report.push(
            "title",
            "must not contain bidirectional formatting characters",
        );
    }
}

fn model_config(config: &ModelConfig, report: &mut Report) {
    required_text(
        report,
        "modelConfig.provider",
        &config.provider,
        MAX_PROVIDER_BYTES,
    );
    required_text(report, "modelConfig.model", &config.model, MAX_MODEL_BYTES);
    if let Some(temperature) = config.temperature {
        float_in_range(
            report,
            "modelConfig.temperature",
            temperature,
            0.0,
            MAX_TEMPERATURE,
        );
    }
    if let Some(top_p) = config.top_p {
        float_in_range(report, "modelConfig.topP", top_p, 0.0, MAX_TOP_P);
    }
    if let Some(max_tokens) = config.max_tokens {
        if max_tokens <= 0 {
            report.push("modelConfig.maxTokens", "must be > 0");
        } else {
            non_negative_int(report, "modelConfig.maxTokens", max_tokens, MAX_TOKENS);
        }
    }
}

fn prompt_meta(meta: &PromptMeta, report: &mut Report) {
    if let Some(system_prompt) = &meta.system_prompt {
        free_text(
            report,
            "promptMeta.systemPrompt",
            system_prompt,
            MAX_SYSTEM_PROMPT_BYTES,
        );
    }
    if meta.tools.len() > MAX_TOOL_DEFINITIONS {
        report.push(
            "promptMeta.tools",
            format!(
                "must contain at most {MAX_TOOL_DEFINITIONS} tools (got {})",
                meta.tools.len()
            ),
        );
    }
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (i, tool) in meta.tools.iter().enumerate() {
        let path = format!("promptMeta.tools[{i}]");
        required_text(report, &format!("{path}.name"), &tool.name, MAX_NAME_BYTES);
        if let Some(first) = names.get(tool.name.as_str()) {
            report.push(
                format!("{path}.name"),
                format!("must be unique: promptMeta.tools[{first}] has the same name"),
            );
        } else {
            names.insert(&tool.name, i);
        }
        if let Some(description) = &tool.description {
            free_text(
                report,
                &format!("{path}.description"),
                description,
                MAX_TOOL_DESCRIPTION_BYTES,
            );
        }
        if !(tool.parameters.is_null() || tool.parameters.is_object()) {
            report.push(
                format!("{path}.parameters"),
                "must be a JSON object (a JSON Schema)",
            );
        }
        let size = json_size(&tool.parameters);
        if size > MAX_TOOL_PARAMETERS_BYTES {
            report.push(
                format!("{path}.parameters"),
                too_long(MAX_TOOL_PARAMETERS_BYTES, size),
            );
        }
    }
    if meta.variables.len() > MAX_VARIABLES {
        report.push(
            "promptMeta.variables",
            format!(
                "must contain at most {MAX_VARIABLES} variables (got {})",
                meta.variables.len()
            ),
        );
    }
    for (name, value) in &meta.variables {
        let path = key_path("promptMeta.variables", name);
        if name.trim().is_empty() {
            report.push(&path, "the variable name must not be empty");
        }
        if name.len() > MAX_NAME_BYTES {
            report.push(
                &path,
                format!(
                    "the variable name must be at most {MAX_NAME_BYTES} bytes (got {})",
                    name.len()
                ),
            );
        }
        if name.chars().any(char::is_control) {
            report.push(
                &path,
                "the variable name must not contain control characters",
            );
        }
        free_text(report, &path, value, MAX_VARIABLE_VALUE_BYTES);
    }
}

/// Checked after the messages: a wrong total is often a consequence of a
/// wrong message, which should be reported first.
pub(super) fn totals(snapshot: &ShareSnapshot, report: &mut Report) {
    let expected = Totals::of(&snapshot.messages);
    if snapshot.total_tokens != expected.total_tokens {
        report.push(
            "totalTokens",
            format!(
                "must be {} (Σ inputTokens + outputTokens of the messages), got {}",
                expected.total_tokens, snapshot.total_tokens
            ),
        );
    }
    match (expected.total_cost, snapshot.total_cost) {
        (None, Some(_)) => {
            let unpriced = snapshot
                .messages
                .iter()
                .position(|m| m.usage.is_some() && m.cost.is_none())
                .unwrap_or_default();
            report.push(
                "totalCost",
                format!("must be null: messages[{unpriced}] has usage but no cost"),
            );
        }
        (Some(expected), None) => report.push(
            "totalCost",
            format!("must be {expected} (Σ message costs), got null"),
        ),
        (Some(expected), Some(actual)) => {
            if !actual.is_finite() || actual < 0.0 {
                report.push("totalCost", "must be a finite number ≥ 0");
            } else if !costs_agree(expected, actual) {
                report.push(
                    "totalCost",
                    format!("must be {expected} (Σ message costs), got {actual}"),
                );
            }
        }
        (None, None) => {}
    }
}

/// Equal within a relative [`TOTAL_COST_RELATIVE_TOLERANCE`] (and a
/// picodollar, so that sums of zeros compare equal however they were added).
pub(crate) fn costs_agree(expected: f64, actual: f64) -> bool {
    let scale = expected.abs().max(actual.abs());
    (expected - actual).abs() <= (scale * TOTAL_COST_RELATIVE_TOLERANCE).max(1e-12)
}
