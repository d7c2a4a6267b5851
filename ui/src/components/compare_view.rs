//! A prompt's answers side by side, `.compare-view`: one column a answer in
//! creation order (a CSS grid, stacked on a narrow window), each naming its
//! provider and model, with its text, its error when it failed, its figures
//! (measured live while it streams), Stop while it streams and "Continue
//! with this" — the selected one, which the conversation goes on from, is
//! marked `data-selected`.

use yew::prelude::*;

use super::icon::Icon;
use super::markdown::Markdown;
use super::stats::{column_stats, stat_items};
use crate::answer::served_by;
use crate::hooks::branches::MessageCommand;
use crate::types::{MessageStatus, StoredMessage};

/// One column: the answer when it is known here, else only its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub id: String,
    pub message: Option<StoredMessage>,
    pub highlighted: Option<AttrValue>,
}

#[derive(Properties, PartialEq)]
pub struct CompareViewProps {
    /// The user message the answers reply to, and its answer on the
    /// selected path.
    pub prompt_id: AttrValue,
    pub selected: Option<AttrValue>,
    pub columns: Vec<Column>,
    /// This view holds `#compare-stop-all` (one does, while any streams).
    pub stop_all: bool,
    pub on_command: Callback<MessageCommand>,
}

#[component]
pub fn CompareView(props: &CompareViewProps) -> Html {
    let streaming: Vec<String> = (props.columns.iter())
        .filter(|c| {
            c.message
                .as_ref()
                .is_some_and(|m| m.status == MessageStatus::Streaming)
        })
        .map(|c| c.id.clone())
        .collect();
    let stop_all = {
        let (streaming, on_command) = (streaming.clone(), props.on_command.clone());
        Callback::from(move |_: MouseEvent| {
            for id in &streaming {
                on_command.emit(MessageCommand::Stop(id.clone()));
            }
        })
    };
    let columns = props.columns.iter().map(|column| {
        let selected = props.selected.as_deref() == Some(column.id.as_str());
        html! {
            <CompareColumn key={column.id.clone()} column={column.clone()} {selected}
                on_command={props.on_command.clone()} />
        }
    });
    html! {
        <section class="compare compare-view" data-reply-to={props.prompt_id.clone()}
            aria-label="Answers side by side">
            <header class="compare-header">
                <h3 class="compare-heading">{ format!("{} answers", props.columns.len()) }</h3>
                if props.stop_all && !streaming.is_empty() {
                    <button id="compare-stop-all" type="button" class="button button-danger" onclick={stop_all}>
                        { Icon::Stop.view() }{ "Stop all" }
                    </button>
                }
            </header>
            <div class="compare-columns">{ for columns }</div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CompareColumnProps {
    column: Column,
    selected: bool,
    on_command: Callback<MessageCommand>,
}

#[component]
fn CompareColumn(props: &CompareColumnProps) -> Html {
    let id = props.column.id.clone();
    let command = |make: fn(String) -> MessageCommand| {
        let id = id.clone();
        props
            .on_command
            .reform(move |_: MouseEvent| make(id.clone()))
    };
    let Some(message) = &props.column.message else {
        return html! {
            <article class="msg msg-assistant compare-column" data-role="assistant" data-message-id={id}
                data-selected={props.selected.to_string()} aria-busy="true">
                <p class="msg-empty msg-pending">{ "Reading this answer…" }</p>
            </article>
        };
    };
    let streaming = message.status == MessageStatus::Streaming;
    let name = match (served_by(message), message.generation.model.as_deref()) {
        (Some(provider), Some(model)) => format!("{provider} · {model}"),
        (provider, model) => provider.or(model).unwrap_or("Unknown model").to_owned(),
    };
    let content = if message.content.is_empty() {
        let waiting = if streaming { "…" } else { "" };
        html! { <p class="msg-empty msg-pending">{ waiting }</p> }
    } else {
        html! { <Markdown source={message.content.clone()} highlighted={props.column.highlighted.clone()} {streaming} /> }
    };
    html! {
        <article class="msg msg-assistant compare-column" data-role="assistant" data-message-id={id.clone()}
            data-state={message.status.data_state()} data-selected={props.selected.to_string()}
            aria-busy={streaming.to_string()}>
            <header class="msg-header">
                <span class="compare-model-name">{ name }</span>
                if props.selected {
                    <span class="compare-best-mark compare-selected-mark">{ "Selected" }</span>
                }
            </header>
            { content }
            if let Some(error) = &message.error {
                <p class="msg-error compare-error" role="alert">{ error.clone() }</p>
            }
            <LiveStats message={message.clone()} />
            <footer class="compare-actions">
                if streaming {
                    <button type="button" class="button button-danger compare-stop"
                        onclick={command(MessageCommand::Stop)}>{ Icon::Stop.view() }{ "Stop" }</button>
                }
                <button type="button" class="button compare-continue" aria-pressed={props.selected.to_string()}
                    disabled={props.selected} onclick={command(MessageCommand::Select)}>
                    { if props.selected { "Continuing with this" } else { "Continue with this" } }
                </button>
            </footer>
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct LiveStatsProps {
    message: StoredMessage,
}

/// A column's figures; while its answer streams, measured here and drawn
/// again twice a second.
#[component]
fn LiveStats(props: &LiveStatsProps) -> Html {
    let message = &props.message;
    let streaming = message.status == MessageStatus::Streaming;
    let first_token = use_mut_ref(|| None::<f64>);
    crate::hooks::use_ticker(streaming, 500);
    let now = js_sys::Date::now();
    let arrived = !message.content.is_empty() || message.reasoning.is_some();
    if arrived && first_token.borrow().is_none() {
        *first_token.borrow_mut() = Some(now);
    }
    let stats = column_stats(message, now, *first_token.borrow());
    html! {
        <dl class="stat-line compare-stats" aria-label="Figures of this answer" aria-live="off">
            { stat_items(stats) }
        </dl>
    }
}
