//! The snapshot of a session, its redaction and validation, and the way
//! back: a snapshot made into a new session.
//!
//! Snapshots are written in schema version 2: every answer says who served
//! it, with which model and sampling parameters, and how it ended — taken
//! from the answer's own generation record (kept when it was generated, see
//! [`crate::turns`] and [`crate::served_by`]), never from the session's
//! settings at share time, which may have changed since. `modelConfig` is
//! the session's settings when it is shared. Totals are chat-core's.

use chat_core::cost::PriceTable;
use chat_core::{
    FinishReason, GenerationParams, Message, ModelConfig, PromptMeta, Role, SCHEMA_VERSION,
    ShareSnapshot, limits, validate,
};
use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::files::{published_files, store_imported_files};
use super::{ServerError, ShareError, ShareOptions};
use crate::redact::{Redactions, Redactor};
use crate::served_by::ServedBy;
use crate::served_by::ServedByExt;
use crate::settings::Settings;
use crate::store::Derived;
use crate::store::{
    Generation, ImportedFrom, MessageStatus, Session, SessionConfig, Store, StoredMessage,
};

/// Builds the snapshot of a session (not yet redacted or validated): its
/// selected path and, with `include_alternatives`, the other answers to
/// each prompt on it (see [`published`]).
///
/// Left out: answers still streaming, and failed answers that produced
/// nothing. A tool result whose call is not part of the selection loses its
/// `toolCallId`, and an answer whose prompt is not, its `replyTo` (the
/// reader could not follow them anyway).
pub fn build_snapshot(
    store: &Store,
    settings: &Settings,
    session_id: &str,
    options: &ShareOptions,
    now: DateTime<Utc>,
) -> Result<ShareSnapshot, ShareError> {
    let session = store.session(session_id)?;
    let path = store.path_messages(session_id)?;
    let all = store.all_messages(session_id)?;
    let mut entries = published(&path, &all, options.include_alternatives);
    if let Some(ids) = &options.message_ids {
        if let Some(missing) = ids.iter().find(|id| !all.iter().any(|m| &m.id == *id)) {
            return Err(ShareError::UnknownMessage(missing.clone()));
        }
        // An answer on the path brings its alternatives along.
        entries.retain(|entry| {
            ids.iter()
                .any(|id| *id == entry.message.id || id == entry.beside)
        });
    }
    let mut messages: Vec<Message> = Vec::with_capacity(entries.len());
    for Entry {
        message: stored,
        reply_to,
        ..
    } in entries
    {
        let nothing_produced = stored.status == MessageStatus::Error
            && stored.content.is_empty()
            && stored.tool_calls.is_empty();
        if stored.status == MessageStatus::Streaming || nothing_produced {
            continue;
        }
        let answers_known_call = |id: &str| {
            messages
                .iter()
                .any(|m| m.tool_calls.iter().any(|call| call.id == id))
        };
        let tool_call_id = stored
            .tool_call_id
            .clone()
            .filter(|id| stored.role == Role::Tool && answers_known_call(id));
        let reply_to = reply_to
            .filter(|prompt| messages.iter().any(|m| m.id == *prompt))
            .map(str::to_owned);
        let mut message = Message {
            id: stored.id.clone(),
            role: stored.role,
            content: stored.content.clone(),
            timestamp: stored.created_at,
            reasoning: stored.reasoning.clone().filter(|r| !r.is_empty()),
            usage: stored.usage,
            cost: stored.cost.filter(|c| c.is_finite() && *c >= 0.0),
            inference_time_ms: stored.inference_time_ms,
            time_to_first_token_ms: stored.time_to_first_token_ms,
            tool_calls: Vec::new(),
            tool_call_id,
            provider: None,
            model: None,
            params: None,
            finish_reason: None,
            error: None,
            reply_to,
            attachments: published_files(store, stored, &options.leave_out_attachments)?,
        };
        if stored.role == Role::Assistant {
            describe_answer(&mut message, stored, settings);
        }
        messages.push(message);
    }
    if messages.is_empty() {
        return Err(ShareError::NothingToShare);
    }
    let config = &session.config;
    let prompt_meta = prompt_meta(config, options.include_system_prompt);
    let expires_at = options
        .expires_in
        .and_then(|secs| TimeDelta::try_seconds(i64::try_from(secs).ok()?))
        .and_then(|delta| now.checked_add_signed(delta));
    let mut snapshot = ShareSnapshot {
        schema_version: Some(SCHEMA_VERSION),
        title: config.title.chars().take(limits::MAX_TITLE_CHARS).collect(),
        messages,
        model_config: ModelConfig {
            provider: served_through(settings, &config.provider_id).name,
            model: config.model.clone(),
            temperature: config.temperature,
            max_tokens: config.max_tokens,
            top_p: config.top_p,
        },
        prompt_meta,
        total_tokens: None,
        total_cost: None,
        expires_at,
        indexable: options.indexable,
        max_views: options.max_views,
    };
    snapshot.fill_totals();
    Ok(snapshot)
}

/// A message to publish.
struct Entry<'a> {
    message: &'a StoredMessage,
    /// The prompt it answers, when it is one of several answers to it.
    reply_to: Option<&'a str>,
    /// The path message it stands for (itself, or the selected answer of
    /// its group).
    beside: &'a str,
}

/// The selected path and, with `alternatives`, before each answer on it
/// that has siblings, the other answers to its prompt (not what follows
/// them) in creation order, so that the answer the path continues with is
/// its group's last; the members of a group name their prompt.
fn published<'a>(
    path: &'a [StoredMessage],
    all: &'a [StoredMessage],
    alternatives: bool,
) -> Vec<Entry<'a>> {
    let by_id: HashMap<&str, &StoredMessage> = all.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut entries = Vec::with_capacity(path.len());
    let mut previous: Option<&StoredMessage> = None;
    for message in path {
        let others: Vec<&StoredMessage> = match previous {
            Some(prompt)
                if alternatives && prompt.role == Role::User && message.role == Role::Assistant =>
            {
                message
                    .siblings
                    .iter()
                    .filter(|id| **id != message.id)
                    .filter_map(|id| by_id.get(id.as_str()).copied())
                    .filter(|m| m.role == Role::Assistant)
                    .collect()
            }
            _ => Vec::new(),
        };
        let reply_to = previous
            .filter(|_| !others.is_empty())
            .map(|prompt| prompt.id.as_str());
        for other in others.into_iter().chain([message]) {
            entries.push(Entry {
                message: other,
                reply_to,
                beside: &message.id,
            });
        }
        previous = Some(message);
    }
    entries
}

/// An answer's own record: its tool calls, who served it with which model
/// and parameters, and how it ended. What the record lacks (answers stored
/// before it was kept, or added by hand) is left out, so readers fall back
/// to `modelConfig`, as for a version 1 snapshot.
fn describe_answer(message: &mut Message, stored: &StoredMessage, settings: &Settings) {
    message.tool_calls = stored.tool_calls.clone();
    message.provider = stored.generation.provider_name.clone().or_else(|| {
        stored
            .generation
            .provider_id
            .as_deref()
            .map(|id| served_through(settings, id).name)
    });
    message.model = stored
        .generation
        .model
        .clone()
        .filter(|m| !m.trim().is_empty());
    message.params = stored.generation.params.clone();
    message.finish_reason = stored.finish();
    if message.finish_reason == Some(FinishReason::Error) {
        message.error = stored
            .error
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| at_most_bytes(e, limits::MAX_ERROR_BYTES));
    }
}

/// The longest start of `text` that fits in `max` bytes.
fn at_most_bytes(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Who answers through the provider entry `provider_id` now.
fn served_through(settings: &Settings, provider_id: &str) -> ServedBy {
    let table = PriceTable::bundled();
    match settings.provider(provider_id) {
        Some(provider) => ServedBy::of(provider, table),
        None => ServedBy::unknown(provider_id, table),
    }
}

fn prompt_meta(config: &SessionConfig, include_prompt: bool) -> Option<PromptMeta> {
    let meta = PromptMeta {
        system_prompt: config
            .system_prompt
            .clone()
            .filter(|p| include_prompt && !p.trim().is_empty()),
        tools: config.tools.clone(),
        variables: if include_prompt {
            config.variables.clone()
        } else {
            Default::default()
        },
        ..Default::default()
    };
    (meta != PromptMeta::default()).then_some(meta)
}

/// Redacts `snapshot`, then checks it with chat-core's rules, so that what
/// is published is what the server accepts.
pub fn prepare(
    snapshot: &mut ShareSnapshot,
    redactor: &Redactor,
    now: DateTime<Utc>,
) -> Result<Redactions, ServerError> {
    let redactions = redactor.redact_snapshot(snapshot);
    // Redaction changes no number, but keep the totals exact regardless.
    snapshot.fill_totals();
    // The totals are chat-core's own: there is nothing to warn about.
    validate(snapshot, now)?;
    Ok(redactions)
}

/// The snapshot in the API's `data` (which adds `createdAt` and perhaps
/// other server fields to it).
pub(super) fn snapshot_from_api(mut data: Value) -> Result<ShareSnapshot, ServerError> {
    const FIELDS: &[&str] = &[
        "schemaVersion",
        "title",
        "messages",
        "modelConfig",
        "promptMeta",
        "totalTokens",
        "totalCost",
        "expiresAt",
        "indexable",
    ];
    if let Some(map) = data.as_object_mut() {
        map.retain(|key, _| FIELDS.contains(&key.as_str()));
    }
    serde_json::from_value(data).map_err(|e| ServerError::Server {
        status: 200,
        message: format!("the share is not a snapshot Parlor can read: {e}"),
    })
}

/// A new session holding a snapshot's conversation ("Continue in Parlor"),
/// noting the share it came from. The tree comes back: answers to the same
/// `replyTo` are siblings, the last of each group selected, and the next
/// message continues from it (see [`parents`]). Each answer keeps who served it, its
/// model, parameters and how it ended; what an answer does not say (every
/// answer of a version 1 share) is `modelConfig`'s. The session continues
/// on the configured provider the share names, else on the first one.
pub fn import_snapshot(
    store: &Store,
    settings: &Settings,
    snapshot: &ShareSnapshot,
    imported_from: Option<ImportedFrom>,
) -> Result<Session, ShareError> {
    let model_config = &snapshot.model_config;
    let wanted = model_config.provider.trim().to_lowercase();
    let table = PriceTable::bundled();
    let provider_id = settings
        .providers
        .iter()
        .find(|p| {
            ServedBy::of(p, table).name.to_lowercase() == wanted || p.id.to_lowercase() == wanted
        })
        .or_else(|| settings.providers.first())
        .map(|p| p.id.clone())
        .unwrap_or_else(|| model_config.provider.clone());
    let meta = snapshot.prompt_meta.clone().unwrap_or_default();
    let config = SessionConfig {
        title: snapshot.title.clone(),
        provider_id,
        model: model_config.model.clone(),
        temperature: model_config.temperature,
        max_tokens: model_config.max_tokens,
        top_p: model_config.top_p,
        system_prompt: meta.system_prompt,
        tools: meta.tools,
        variables: meta.variables,
    };
    let shared_params = GenerationParams {
        temperature: model_config.temperature,
        top_p: model_config.top_p,
        max_tokens: model_config.max_tokens,
        other: Default::default(),
    };
    let files = store_imported_files(store, snapshot)?;
    let messages = snapshot
        .messages
        .iter()
        .zip(parents(&snapshot.messages))
        .zip(files)
        .map(|((m, parent_id), attachments)| {
            let answer = m.role == Role::Assistant;
            let status = match m.finish_reason {
                Some(FinishReason::Stopped) => MessageStatus::Stopped,
                Some(FinishReason::Error) => MessageStatus::Error,
                _ => MessageStatus::Complete,
            };
            // Ids as the snapshot gives them, for the store to plant the tree
            // by; the store gives the messages their own.
            let mut stored = StoredMessage {
                id: m.id.clone(),
                session_id: String::new(),
                position: 0,
                parent_id,
                siblings: Vec::new(),
                role: m.role,
                content: m.content.clone(),
                reasoning: m.reasoning.clone(),
                usage: m.usage,
                cost: m.cost,
                time_to_first_token_ms: m.time_to_first_token_ms,
                inference_time_ms: m.inference_time_ms,
                tokens_per_second: None,
                tool_calls: m.tool_calls.clone(),
                tool_call_id: m.tool_call_id.clone(),
                status,
                error: m.error.clone(),
                finish_reason: m.finish_reason.map(|r| r.as_str().to_owned()),
                // Not produced by an endpoint of this app.
                generation: Generation {
                    model: answer.then(|| snapshot.model_of(m).model.to_owned()),
                    provider_name: answer.then(|| snapshot.model_of(m).provider.to_owned()),
                    params: if answer {
                        m.params
                            .clone()
                            .or_else(|| (!shared_params.is_empty()).then(|| shared_params.clone()))
                    } else {
                        None
                    },
                    ..Generation::default()
                },
                ended: None,
                attachments,
                created_at: m.timestamp,
                updated_at: m.timestamp,
            };
            stored.derive();
            stored
        })
        .collect();
    Ok(store.import_session(&config, imported_from, messages)?)
}

/// The parent of each snapshot message, as the store plants a tree from
/// them: an answer with `replyTo` follows that prompt while its group runs
/// (it comes right after the prompt or after another answer to it);
/// anything else (`None`) follows the message before it.
fn parents(messages: &[Message]) -> Vec<Option<String>> {
    let mut previous: Option<&Message> = None;
    messages
        .iter()
        .map(|message| {
            let parent = message.reply_to.clone().filter(|prompt| {
                previous.is_some_and(|p| p.id == *prompt || p.reply_to.as_ref() == Some(prompt))
            });
            previous = Some(message);
            parent
        })
        .collect()
}
