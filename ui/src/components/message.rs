//! One message of the chat view, marked up like the public page's (same
//! classes, same stylesheet), plus what only the app has: the streaming
//! state, its actions and menu, the branch switcher ([`actions`]), editing
//! in place ([`editor`]), Retry, fields for tool results, and its attached
//! files.

mod actions;
mod editor;

use yew::prelude::*;

use self::actions::{action_buttons, branch_switcher, message_handlers};
use self::editor::MessageEditor;
use super::attachments::message_attachments;
use super::icon::Icon;
use super::markdown::Markdown;
use super::stats::MessageStats;
use crate::answer::{params_if_different, served_by};
use crate::dom::value_of;
use crate::format;
use crate::hooks::branches::MessageCommand;
use crate::state::{BranchPlace, Shown};
use crate::tools::pretty_arguments;
use crate::types::{GenerationParams, MessageStatus, Role, StoredMessage, ToolCall};

#[derive(Properties, PartialEq)]
pub struct MessageProps {
    pub message: StoredMessage,
    #[prop_or_default]
    pub highlighted: Option<AttrValue>,
    /// Calls of this message still waiting for a result.
    #[prop_or_default]
    pub unanswered: Vec<ToolCall>,
    /// Retry is offered (a failed answer that is the last message).
    #[prop_or_default]
    pub can_retry: bool,
    /// The session's sampling parameters now: an answer shows its own when
    /// they differ.
    #[prop_or_default]
    pub session_sampling: Option<GenerationParams>,
    #[prop_or_default]
    pub branching: Branching,
    /// Its files, with their images once fetched.
    #[prop_or_default]
    pub attachments: Vec<Shown>,
    pub on_command: Callback<MessageCommand>,
    /// A tool result typed by the user: `(call id, content)`.
    pub on_tool_result: Callback<(String, String)>,
}

/// A message in the session's tree: its `place` among its siblings (when
/// it has some), whether it is `editing` in place, for a prompt with several
/// answers whether they are side by side (`columns`), and whether answers
/// are streaming (`busy`: what would start or change one waits).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Branching {
    pub place: Option<BranchPlace>,
    pub editing: bool,
    pub columns: Option<bool>,
    pub busy: bool,
}

/// How a role is named over its messages.
pub fn role_label(role: Role) -> &'static str {
    role.label()
}

#[component]
pub fn MessageView(props: &MessageProps) -> Html {
    let message = &props.message;
    let role = message.role.as_str();
    let streaming = message.status == MessageStatus::Streaming;
    let reasoning = message
        .reasoning
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(|reasoning| {
            let tokens = message
                .usage
                .and_then(|u| u.reasoning_tokens)
                .map(|t| format!(" · {}", format::tokens(t)));
            html! {
                <details class="msg-reasoning" open={streaming && message.content.is_empty()}>
                    <summary>{ "Reasoning" }<span class="msg-reasoning-tokens">{ tokens }</span></summary>
                    <Markdown class="msg-reasoning-body markdown" source={AttrValue::from(reasoning.to_owned())} {streaming} />
                </details>
            }
        });
    let content = if !message.content.is_empty() {
        let source = if message.role == Role::Tool {
            format!("```json\n{}\n```", pretty_arguments(&message.content))
        } else {
            message.content.clone()
        };
        html! { <Markdown source={source} highlighted={props.highlighted.clone()} {streaming} /> }
    } else if streaming {
        html! { <p class="msg-empty msg-pending" aria-label="Waiting for the answer">{ "…" }</p> }
    } else if message.tool_calls.is_empty() && message.error.is_none() {
        html! { <p class="msg-empty">{ "(no content)" }</p> }
    } else {
        html! {}
    };
    let calls = (!message.tool_calls.is_empty()).then(|| {
        html! {
            <div class="tool-calls">
                { for message.tool_calls.iter().map(|call| {
                    let waiting = props.unanswered.iter().any(|c| c.id == call.id) && !streaming;
                    html! {
                        <ToolCallView key={call.id.clone()} call={call.clone()} waiting={waiting}
                            on_tool_result={props.on_tool_result.clone()} />
                    }
                }) }
            </div>
        }
    });
    let error = message.error.as_ref().map(|error| {
        let retry = {
            let id = message.id.clone();
            (props.on_command).reform(move |_: MouseEvent| MessageCommand::Regenerate(id.clone()))
        };
        let failed = message.status == MessageStatus::Error && props.can_retry;
        html! {
            <div class="msg-error" role="alert">
                <span class="msg-error-text">{ error.clone() }</span>
                if failed {
                    <button type="button" class="button msg-retry" onclick={retry} disabled={props.branching.busy}>{ "Retry" }</button>
                }
            </div>
        }
    });
    // How it ended when not normally: the share page's marks and words.
    let state_note = match message.status {
        MessageStatus::Streaming => Some(("Generating…", "streaming", None)),
        _ => message
            .ended
            .and_then(|reason| Some((reason.label()?, reason.data_state(), reason.description()))),
    };
    // Who served an answer, with which model and parameters: its own record.
    let origin = (message.role == Role::Assistant).then(|| {
        html! {
            <>
                if let Some(model) = &message.generation.model {
                    <span class="msg-model">{ model.clone() }</span>
                }
                if let Some(provider) = served_by(message) {
                    <span class="msg-provider" title="Served by">{ provider.to_owned() }</span>
                }
            </>
        }
    });
    // Its settings when they are not the session's, as the share page shows them.
    let settings = params_if_different(message, props.session_sampling.as_ref()).map(|params| {
        html! {
            <dl class="msg-params" aria-label="Settings of this answer">
                { for chat_core::format::settings(params).into_iter().map(|setting| html! {
                    <div class="msg-param" data-param={setting.key}>
                        <dt>{ setting.label }</dt>
                        <dd><code>{ setting.value }</code></dd>
                    </div>
                }) }
            </dl>
        }
    });
    let answers = message.tool_call_id.as_ref().map(|id| {
        html! {
            <span class="msg-answers">{ "for " }<code class="tool-call-id" title="Tool call id">{ id.clone() }</code></span>
        }
    });
    let (onkeydown, oncontextmenu) =
        message_handlers(message, props.branching.place.as_ref(), &props.on_command);
    let toggle_columns = props.branching.columns.map(|side_by_side| {
        let id = message.id.clone();
        let onclick =
            (props.on_command).reform(move |_: MouseEvent| MessageCommand::ToggleColumns(id.clone()));
        let label = if side_by_side { "One at a time" } else { "Side by side" };
        html! {
            <button type="button" class="button button-quiet compare-toggle-view" aria-pressed={side_by_side.to_string()}
                title="Show the answers side by side, or one at a time" {onclick}>
                { Icon::Columns.view() }{ label }
            </button>
        }
    });
    let files = message_attachments(
        &props.attachments,
        &(props.on_command).reform(MessageCommand::ViewAttachment),
    );
    let body = if props.branching.editing {
        html! {
            <MessageEditor message_id={message.id.clone()} content={message.content.clone()}
                on_command={props.on_command.clone()} />
        }
    } else {
        content
    };
    html! {
        <article class={classes!("msg", format!("msg-{role}"))} data-state={message.status.data_state()}
            data-role={role} data-message-id={message.id.clone()} aria-busy={streaming.to_string()}
            tabindex="0" {onkeydown} {oncontextmenu}>
            <header class="msg-header">
                <span class="msg-role">{ role_label(message.role) }</span>
                { origin }
                { answers }
                if let Some((note, state, description)) = state_note {
                    <span class={classes!("msg-state", format!("msg-state-{state}"))} title={description}>{ note }</span>
                }
                <span class="msg-time">{ format::date_time(&message.created_at) }</span>
                if let Some(place) = &props.branching.place {
                    { branch_switcher(place, props.branching.busy, &props.on_command) }
                }
                { toggle_columns }
                { action_buttons(message, props.branching.busy || streaming, &props.on_command) }
            </header>
            { settings }
            { reasoning }
            { body }
            { files }
            { calls }
            { error }
            if message.role == Role::Assistant && !streaming
                && (message.usage.is_some() || message.time_to_first_token_ms.is_some()) {
                <MessageStats message={message.clone()} />
            }
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct ToolCallProps {
    call: ToolCall,
    waiting: bool,
    on_tool_result: Callback<(String, String)>,
}

#[component]
fn ToolCallView(props: &ToolCallProps) -> Html {
    let draft = use_state(String::new);
    let call = &props.call;
    let args = format!("```json\n{}\n```", pretty_arguments(&call.arguments));
    let field_id = format!("tool-result-{}", call.id);
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.set(value_of(&e)))
    };
    let submit = {
        let draft = draft.clone();
        let on_tool_result = props.on_tool_result.clone();
        let id = call.id.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_tool_result.emit((id.clone(), (*draft).clone()));
            draft.set(String::new());
        })
    };
    html! {
        <section class="tool-call" data-tool-call-id={call.id.clone()}>
            <header class="tool-call-header">
                <span class="tool-call-label">{ "Tool call" }</span>
                <code class="tool-call-name">{ call.name.clone() }</code>
                <code class="tool-call-id" title="Tool call id">{ call.id.clone() }</code>
            </header>
            <Markdown class="tool-call-args markdown" source={args} />
            if props.waiting {
                <form class="tool-result-form" onsubmit={submit}>
                    <label for={field_id.clone()} class="field-label">{ format!("Result of {}", call.name) }</label>
                    <textarea id={field_id} class="tool-result-input" rows="3"
                        placeholder="The tool's output (JSON or text)" value={(*draft).clone()} {oninput} />
                    <button type="submit" class="button button-primary tool-result-submit"
                        disabled={draft.trim().is_empty()}>{ "Send result" }</button>
                </form>
            }
        </section>
    }
}
