//! The conversation: one `<article class="msg msg-{role}">` per message, in
//! order, with its reasoning, tool calls, tool result link and stats line,
//! and for answers what [`super::answers`] tells (model, settings, how it
//! ended, comparisons).

use std::collections::HashMap;

use chat_core::{Message, Role, ShareSnapshot, ToolCall};
use maud::{Markup, html};

use super::answers::{self, Comparisons};
use super::code;
use super::format;
use super::share::stat_items;
use super::stats;

/// Where a tool call is shown: its anchor and its name.
struct CallTarget<'a> {
    anchor: String,
    name: &'a str,
}

pub fn render(snapshot: &ShareSnapshot) -> Markup {
    let calls = call_targets(&snapshot.messages);
    let comparisons = Comparisons::of(&snapshot.messages);
    let messages = &snapshot.messages;
    html! {
        section.messages data-testid="messages" aria-label="Conversation" {
            @if messages.is_empty() {
                p.messages-empty { "This conversation has no messages." }
            }
            @for (index, message) in messages.iter().enumerate() {
                @let show_date = index == 0 || messages[index - 1].timestamp.date_naive() != message.timestamp.date_naive();
                (message_article(snapshot, index, show_date, &calls, &comparisons))
            }
        }
    }
}

/// The anchor of every tool call by its id, so a tool result can link to the
/// call it answers (first call wins if a model reused an id).
fn call_targets(messages: &[Message]) -> HashMap<&str, CallTarget<'_>> {
    let mut targets = HashMap::new();
    for (index, message) in messages.iter().enumerate() {
        for (call_index, call) in message.tool_calls.iter().enumerate() {
            targets.entry(call.id.as_str()).or_insert(CallTarget {
                anchor: call_anchor(index, call_index),
                name: &call.name,
            });
        }
    }
    targets
}

fn message_anchor(index: usize) -> String {
    format!("msg-{}", index + 1)
}

fn call_anchor(index: usize, call_index: usize) -> String {
    format!("msg-{}-call-{}", index + 1, call_index + 1)
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::User => "User",
        Role::Assistant => "Assistant",
        Role::System => "System",
        Role::Tool => "Tool result",
    }
}

fn message_article(
    snapshot: &ShareSnapshot,
    index: usize,
    show_date: bool,
    calls: &HashMap<&str, CallTarget<'_>>,
    comparisons: &Comparisons<'_>,
) -> Markup {
    let message = &snapshot.messages[index];
    let role = message.role.as_str();
    let anchor = message_anchor(index);
    let when = if show_date {
        format::date_time(message.timestamp)
    } else {
        format::time(message.timestamp)
    };
    let has_content = !message.content.trim().is_empty();
    let has_error = message
        .error
        .as_deref()
        .is_some_and(|e| !e.trim().is_empty());
    let state = message.finish_reason.map(|reason| reason.data_state());
    html! {
        article.msg.{ "msg-" (role) } id=(anchor) data-testid="message" data-role=(role)
            data-message-id=(message.id) data-tool-call-id=[message.tool_call_id.as_deref()]
            data-state=[state] {
            header.msg-header {
                span.msg-role { (role_label(message.role)) }
                (answers::model(snapshot, message))
                @if let Some(call_id) = &message.tool_call_id {
                    (answered_call(call_id, calls))
                }
                (answers::comparison(comparisons.place(index, message), message_anchor))
                (answers::finish_mark(message))
                a.msg-time href={ "#" (anchor) } {
                    time datetime=(format::iso(message.timestamp)) { (when) }
                }
            }
            (answers::settings_line(snapshot, message))
            @if let Some(reasoning) = message.reasoning.as_deref().filter(|r| !r.trim().is_empty()) {
                details.msg-reasoning data-testid="msg-reasoning" {
                    summary {
                        "Reasoning"
                        @if let Some(tokens) = message.usage.and_then(|u| u.reasoning_tokens) {
                            span.msg-reasoning-tokens { " · " (format::tokens(tokens)) }
                        }
                    }
                    div.msg-reasoning-body.markdown { (code::markdown(reasoning)) }
                }
            }
            @if has_content {
                div.msg-content.markdown data-testid="msg-content" {
                    @if message.role == Role::Tool {
                        (tool_result(&message.content))
                    } @else {
                        (code::markdown(&message.content))
                    }
                }
            } @else if message.tool_calls.is_empty() && !has_error {
                p.msg-empty data-testid="msg-content" { "(no content)" }
            }
            @if !message.tool_calls.is_empty() {
                div.tool-calls {
                    @for (call_index, call) in message.tool_calls.iter().enumerate() {
                        (tool_call(&call_anchor(index, call_index), call))
                    }
                }
            }
            (answers::error(message))
            (stats_line(message))
        }
    }
}

/// Tool output: JSON is pretty-printed, anything else read as Markdown.
fn tool_result(content: &str) -> Markup {
    match format::json_document(content) {
        Some(pretty) => code::block("json", &pretty),
        None => code::markdown(content),
    }
}

fn answered_call(call_id: &str, calls: &HashMap<&str, CallTarget<'_>>) -> Markup {
    html! {
        span.msg-answers data-testid="tool-result-for" {
            "for "
            @if let Some(target) = calls.get(call_id) {
                a href={ "#" (target.anchor) } { code.tool-call-name { (target.name) } }
                " "
            }
            code.tool-call-id title="Tool call id" { (call_id) }
        }
    }
}

fn tool_call(anchor: &str, call: &ToolCall) -> Markup {
    html! {
        section.tool-call id=(anchor) data-testid="tool-call" data-tool-call-id=(call.id) {
            header.tool-call-header {
                span.tool-call-label { "Tool call" }
                code.tool-call-name data-testid="tool-call-name" { (call.name) }
                code.tool-call-id title="Tool call id" { (call.id) }
            }
            div.tool-call-args.markdown data-testid="tool-call-args" {
                (code::json_or_raw(&call.arguments))
            }
        }
    }
}

/// The stats line: tokens, cost and timings, whichever were measured.
fn stats_line(message: &Message) -> Markup {
    let stats = stats::message(message);
    if stats.is_empty() {
        return html! {};
    }
    html! {
        footer.msg-stats data-testid="msg-stats" {
            dl.stat-line { (stat_items(&stats)) }
        }
    }
}
