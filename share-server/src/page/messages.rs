//! The conversation: one `<article class="msg msg-{role}">` per message, in
//! order, with its reasoning, tool calls, tool result link and stats line,
//! and for answers what [`super::answers`] tells (model, settings, how it
//! ended). Several answers to one prompt stand together as the columns of a
//! comparison ([`super::compare`]), where the first of them stands.

use std::collections::HashMap;

use chat_core::{Message, Role, ShareSnapshot, ToolCall};
use chrono::NaiveDate;
use maud::{Markup, html};

use super::answers::{self, Block};
use super::attachments::{self, Files};
use super::code;
use super::compare;
use super::format;
use super::share::stat_items;
use super::stats;

/// Where a tool call is shown: its anchor and its name.
struct CallTarget<'a> {
    anchor: String,
    name: &'a str,
}

/// Where an article stands: in the flow of the conversation, or as the
/// `number`th column of a comparison.
#[derive(Clone, Copy)]
enum Slot {
    Flow,
    Column { number: usize },
}

/// What every article of one conversation needs.
struct Conversation<'a> {
    snapshot: &'a ShareSnapshot,
    calls: HashMap<&'a str, CallTarget<'a>>,
    files: Files<'a>,
}

pub fn render<'a>(snapshot: &'a ShareSnapshot, files: Files<'a>) -> Markup {
    let conversation = Conversation {
        snapshot,
        calls: call_targets(&snapshot.messages),
        files,
    };
    // The date is repeated only when the day changes from the message shown before.
    let mut last_day: Option<NaiveDate> = None;
    let mut article = |index: usize, slot: Slot| {
        let day = snapshot.messages[index].timestamp.date_naive();
        let show_date = last_day != Some(day);
        last_day = Some(day);
        conversation.article(index, slot, show_date)
    };
    let mut blocks = Vec::new();
    for block in answers::layout(&snapshot.messages) {
        blocks.push(match block {
            Block::Message(index) => article(index, Slot::Flow),
            Block::Comparison(comparison) => {
                let columns = html! {
                    @for (position, &index) in comparison.answers.iter().enumerate() {
                        (article(index, Slot::Column { number: position + 1 }))
                    }
                };
                compare::section(snapshot, &comparison, columns, message_anchor)
            }
        });
    }
    html! {
        section.messages data-testid="messages" aria-label="Conversation" {
            @if snapshot.messages.is_empty() {
                p.messages-empty { "This conversation has no messages." }
            }
            @for block in blocks {
                (block)
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

impl Conversation<'_> {
    fn article(&self, index: usize, slot: Slot, show_date: bool) -> Markup {
        let snapshot = self.snapshot;
        let message = &snapshot.messages[index];
        let role = message.role.as_str();
        let anchor = message_anchor(index);
        let when = if show_date {
            format::date_time(message.timestamp)
        } else {
            format::time(message.timestamp)
        };
        // The minute, as the reader sees it; the exact instant is in the
        // JSON download (a `datetime` per message weighed more than the
        // figures of a stats line).
        let time = html! {
            a.msg-time href={ "#" (anchor) } { (when) }
        };
        let (column, settings) = match slot {
            Slot::Flow => (None, answers::differing_settings(snapshot, message)),
            Slot::Column { number } => (Some(number), answers::given_settings(message)),
        };
        let has_content = !message.content.trim().is_empty();
        let has_error = message
            .error
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty());
        let state = message.finish_reason.map(|reason| reason.data_state());
        html! {
            article.msg.{ "msg-" (role) }.compare-answer[column.is_some()] id=(anchor)
                data-testid="message" data-role=(role) data-state=[state] data-column=[column] {
                header.msg-header {
                    @if let Some(number) = column {
                        (column_title(snapshot, message, number))
                    } @else {
                        span.msg-role { (message.role.label()) }
                        (answers::model(snapshot, message))
                    }
                    @if let Some(call_id) = &message.tool_call_id {
                        (answered_call(call_id, &self.calls))
                    }
                    (answers::finish_mark(message))
                    (time)
                }
                (answers::settings_line(settings))
                @if let Some(reasoning) = message.reasoning.as_deref().filter(|r| !r.trim().is_empty()) {
                    // Its token count is in the stats line (or the comparison's table).
                    details.msg-reasoning {
                        summary { "Reasoning" }
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
                } @else if message.tool_calls.is_empty() && !has_error && message.attachments.is_empty() {
                    p.msg-empty data-testid="msg-content" { "(no content)" }
                }
                // Under the text, as the app shows them.
                (attachments::list(&message.attachments, self.files))
                @if !message.tool_calls.is_empty() {
                    div.tool-calls {
                        @for (call_index, call) in message.tool_calls.iter().enumerate() {
                            (tool_call(&call_anchor(index, call_index), call))
                        }
                    }
                }
                (answers::error(message))
                // A column's figures are in the comparison's table.
                @if column.is_none() {
                    (stats_line(message))
                }
            }
        }
    }
}

/// The heading of a comparison's column: its number, model and provider.
fn column_title(snapshot: &ShareSnapshot, message: &Message, number: usize) -> Markup {
    let model = snapshot.model_of(message);
    html! {
        h3.compare-title {
            span.compare-number { (number) }
            " "
            span.msg-model { (model.model) }
            " "
            span.msg-provider data-testid="msg-provider" { (model.provider) }
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
        span.msg-answers {
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
        section.tool-call id=(anchor) {
            header.tool-call-header {
                span.tool-call-label { "Tool call" }
                code.tool-call-name { (call.name) }
                code.tool-call-id title="Tool call id" { (call.id) }
            }
            div.tool-call-args.markdown {
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
