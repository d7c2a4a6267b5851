//! What can be done to a message (its action buttons, its menu, the branch
//! switcher, a comparison's columns): copy, edit and resend, regenerate
//! (with the session's setup or another), fork, delete, switch branch,
//! continue with an answer, stop one, view an attached image large. One
//! callback takes them all, as
//! [`MessageCommand`]s.

use yew::prelude::*;

use super::sessions::AppHandles;
use super::{after_render, document};
use crate::ipc::{self, IpcError};
use crate::state::{Answer, ChatAction, Confirmation, MessageMenu, Overlay, OverlayAction};
use crate::types::{AttachmentRef, ModelSetup};

#[derive(Debug, Clone, PartialEq)]
pub enum MessageCommand {
    Copy(String),
    /// Edit a user message in place.
    Edit(String),
    CancelEdit,
    /// The edited text, sent as a new branch.
    Resend {
        id: String,
        text: String,
    },
    /// Another answer with the session's setup.
    Regenerate(String),
    /// Opens "Regenerate with…".
    RegenerateWith(String),
    /// Another answer with this setup.
    RegenerateAs {
        id: String,
        setup: ModelSetup,
    },
    Fork(String),
    /// Asks, then deletes the message and what is below it.
    Delete(String),
    /// Puts this message on the selected path (a sibling switched to, an
    /// answer to continue with).
    Select(String),
    Stop(String),
    /// A prompt's answers between side by side and one at a time.
    ToggleColumns(String),
    Menu(Option<MessageMenu>),
    /// Shows an attached image large.
    ViewAttachment(AttachmentRef),
}

/// The one callback for every [`MessageCommand`].
pub fn message_commands(app: &AppHandles) -> Callback<MessageCommand> {
    app.command(|app, command: MessageCommand| async move { run(&app, command).await })
}

async fn run(app: &AppHandles, command: MessageCommand) -> Result<(), IpcError> {
    match command {
        MessageCommand::Copy(id) => {
            if let Some(message) = app.chat.all_messages().find(|m| m.id == id) {
                ipc::copy_text(&message.content).await?;
            }
        }
        MessageCommand::Edit(id) => app.dispatch(ChatAction::Editing(Some(id))),
        MessageCommand::CancelEdit => app.dispatch(ChatAction::Editing(None)),
        MessageCommand::Resend { id, text } => {
            let started = ipc::resend_edited(&id, &text).await?;
            app.dispatch(ChatAction::Editing(None));
            app.dispatch(ChatAction::Branched(started));
            app.refresh_sessions.emit(());
        }
        MessageCommand::Regenerate(id) => regenerate(app, &id, None).await?,
        MessageCommand::RegenerateWith(id) => {
            app.overlays
                .dispatch(OverlayAction::Open(Overlay::Regenerate(id)));
        }
        MessageCommand::RegenerateAs { id, setup } => {
            app.overlays.dispatch(OverlayAction::Close);
            regenerate(app, &id, Some(setup)).await?;
        }
        MessageCommand::Fork(id) => {
            let fork = ipc::fork_session(&id).await?;
            app.refresh_sessions.emit(());
            app.load(&fork.id).await?;
        }
        MessageCommand::Delete(id) => ask_delete(app, id),
        MessageCommand::Select(id) => {
            let control = focused_control();
            ipc::select_branch(&id).await?;
            app.reload_path().await?;
            after_render(move || refocus(&id, control));
        }
        MessageCommand::Stop(id) => {
            ipc::stop_turn(&id).await?;
        }
        MessageCommand::ToggleColumns(prompt) => {
            let showing = app.chat.columns.contains(&prompt);
            app.dispatch(ChatAction::ToggleColumns(prompt.clone()));
            if !showing {
                read_answers(app, &prompt).await?;
            }
        }
        MessageCommand::Menu(menu) => app.overlays.dispatch(OverlayAction::Menu(menu)),
        MessageCommand::ViewAttachment(file) => {
            app.overlays
                .dispatch(OverlayAction::Open(Overlay::Attachment(file)));
        }
    }
    Ok(())
}

async fn regenerate(app: &AppHandles, id: &str, setup: Option<ModelSetup>) -> Result<(), IpcError> {
    let started = ipc::regenerate(id, setup).await?;
    app.dispatch(ChatAction::Branched(started));
    Ok(())
}

fn ask_delete(app: &AppHandles, id: String) {
    let on_confirm = app.command(move |app, ()| {
        let id = id.clone();
        async move {
            ipc::delete_branch(&id).await?;
            app.dispatch(ChatAction::Deleted(id));
            app.reload_path().await?;
            app.refresh_sessions.emit(());
            Ok(())
        }
    });
    app.ask(Confirmation {
        title: "Delete this branch?".into(),
        message: "This message and everything after it on its branch will be deleted.".into(),
        confirm_label: "Delete".into(),
        on_confirm,
    });
}

/// Reads the answers to `prompt` not known here (from an earlier run), to
/// show them side by side; the selected path stays as it is.
async fn read_answers(app: &AppHandles, prompt: &str) -> Result<(), IpcError> {
    let unread: Vec<String> = (app.chat.answers_to(prompt).into_iter())
        .filter_map(|answer| match answer {
            Answer::Unread(id) => Some(id),
            Answer::Known(_) => None,
        })
        .collect();
    if !unread.is_empty() {
        app.dispatch(ChatAction::Seen(ipc::get_messages(&unread).await?));
    }
    Ok(())
}

/// The controls a switch keeps the focus on, in the message switched to.
const REFOCUSED: [&str; 3] = ["branch-prev", "branch-next", "compare-continue"];

/// Which of [`REFOCUSED`] has the focus now.
fn focused_control() -> Option<&'static str> {
    let active = document()?.active_element()?;
    let classes = active.class_list();
    REFOCUSED.into_iter().find(|class| classes.contains(class))
}

/// Gives the focus back after a switch: to the same control in the message
/// `id` when it has one, else to the message.
fn refocus(id: &str, control: Option<&'static str>) {
    use wasm_bindgen::JsCast;
    let Some(document) = document() else {
        return;
    };
    let message = format!("[data-message-id=\"{id}\"]");
    let target = control
        .and_then(|class| {
            let selector = format!("{message} .{class}:not([disabled])");
            document.query_selector(&selector).ok().flatten()
        })
        .or_else(|| document.query_selector(&message).ok().flatten());
    if let Some(element) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}
