//! Rules on the snapshot as a whole: version, title, model config, prompt
//! metadata, totals, expiry and size.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Report;
use super::limits::*;
use super::text::{
    float_in_range, free_text, has_nul, is_bidi_control, json_size, key_path, non_negative_int,
    open_key, required_text, too_long, unique_key,
};
use crate::snapshot::{ACCEPTED_SCHEMA_VERSIONS, ModelConfig, PromptMeta, ShareSnapshot};

pub(super) fn check(snapshot: &ShareSnapshot, now: DateTime<Utc>, report: &mut Report) {
    let version = snapshot.version();
    if !ACCEPTED_SCHEMA_VERSIONS.contains(&version) {
        let accepted: Vec<String> = ACCEPTED_SCHEMA_VERSIONS
            .iter()
            .map(ToString::to_string)
            .collect();
        report.push(
            "schemaVersion",
            format!("must be one of {} (got {version})", accepted.join(", ")),
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
    if let Some(max_views) = snapshot.max_views {
        if version < 2 {
            report.push(
                "maxViews",
                "is a schema version 2 field: set schemaVersion to 2",
            );
        }
        if !(1..=MAX_VIEWS).contains(&max_views) {
            report.push(
                "maxViews",
                format!("must be a whole number from 1 to {MAX_VIEWS} (got {max_views})"),
            );
        }
    }
    let data: usize = snapshot
        .messages
        .iter()
        .flat_map(|message| &message.attachments)
        .map(|attachment| attachment.data.len() + 2)
        .sum();
    let size = json_size(snapshot).saturating_sub(data);
    if size > MAX_SNAPSHOT_BYTES {
        report.push(
            "",
            format!(
                "the snapshot must be at most {MAX_SNAPSHOT_BYTES} bytes of JSON without its \
                 attachments' data (got {size})"
            ),
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
    sampling(
        report,
        "modelConfig",
        config.temperature,
        config.top_p,
        config.max_tokens,
    );
}

/// `temperature`, `topP` and `maxTokens`, in `modelConfig` and in a
/// message's `params`.
pub(super) fn sampling(
    report: &mut Report,
    parent: &str,
    temperature: Option<f64>,
    top_p: Option<f64>,
    max_tokens: Option<i64>,
) {
    if let Some(temperature) = temperature {
        float_in_range(
            report,
            &format!("{parent}.temperature"),
            temperature,
            0.0,
            MAX_TEMPERATURE,
        );
    }
    if let Some(top_p) = top_p {
        float_in_range(report, &format!("{parent}.topP"), top_p, 0.0, MAX_TOP_P);
    }
    if let Some(max_tokens) = max_tokens {
        let path = format!("{parent}.maxTokens");
        if max_tokens <= 0 {
            report.push(path, "must be > 0");
        } else {
            non_negative_int(report, &path, max_tokens, MAX_TOKENS);
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
        unique_key(
            report,
            &mut names,
            ("promptMeta.tools", "name"),
            i,
            &tool.name,
        );
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
    prompt_meta_extra(meta, report);
}

/// The keys a client added to `promptMeta`: bounded in number and size,
/// names like variable names, and no NUL in any string (nor in a key).
fn prompt_meta_extra(meta: &PromptMeta, report: &mut Report) {
    if meta.extra.len() > MAX_PROMPT_META_EXTRA_KEYS {
        report.push(
            "promptMeta",
            format!(
                "must contain at most {MAX_PROMPT_META_EXTRA_KEYS} keys besides systemPrompt, \
                 tools and variables (got {})",
                meta.extra.len()
            ),
        );
    }
    let mut total = 0usize;
    for (key, value) in &meta.extra {
        let path = key_path("promptMeta", key);
        open_key(report, &path, key);
        let size = json_size(value);
        total = total.saturating_add(size);
        if size > MAX_PROMPT_META_EXTRA_VALUE_BYTES {
            report.push(&path, too_long(MAX_PROMPT_META_EXTRA_VALUE_BYTES, size));
        }
        if has_nul(value) {
            report.push(&path, "must not contain NUL characters");
        }
    }
    if total > MAX_PROMPT_META_EXTRA_BYTES {
        report.push(
            "promptMeta",
            format!(
                "its keys besides systemPrompt, tools and variables must be at most \
                 {MAX_PROMPT_META_EXTRA_BYTES} bytes of JSON together (got {total})"
            ),
        );
    }
}

/// The client's totals are claims, compared in
/// [`ShareSnapshot::totals_warnings`]; only what no total can be is refused.
pub(super) fn totals(snapshot: &ShareSnapshot, report: &mut Report) {
    if let Some(tokens) = snapshot.total_tokens
        && tokens < 0
    {
        report.push("totalTokens", "must be ≥ 0");
    }
    if let Some(cost) = snapshot.total_cost
        && (!cost.is_finite() || cost < 0.0)
    {
        report.push("totalCost", "must be a finite number ≥ 0");
    }
}
