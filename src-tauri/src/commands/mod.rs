//! The Tauri commands: each extracts its arguments and calls a plain
//! function of the core. Their names, arguments and replies are declared in
//! the contract crate: every handler takes one parameter, `args`, the
//! contract's argument struct, and returns its reply type. None runs on the
//! main thread (`async`), so a slow query never freezes the window. Errors
//! reach the UI as the contract's `CommandError` (see [`AppError`]).
//!
//! A turn's deltas reach the windows as the contract's [`TurnEvent`] and its
//! end as [`TurnFinished`].

use std::collections::BTreeMap;
use std::sync::Arc;

use contract::{self as c, Command, Event, TurnEvent, TurnFinished};
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_opener::OpenerExt;

use crate::app::AppCore;
use crate::embedded;
use crate::error::AppError;
use crate::network;
use crate::providers::StreamEvent;
use crate::secrets::SecretKey;
use crate::served_by::{ServedBy, ServedByExt};
use crate::settings::ShareMode;
use crate::share;
use crate::store::StoredMessage;
use crate::turns::{self, TurnSink};

mod settings;
mod sharing;

pub(crate) use settings::*;
pub(crate) use sharing::*;

type AppCore_<'a> = State<'a, Arc<AppCore>>;
type Result<T> = std::result::Result<T, AppError>;
/// What command `C` answers.
type Reply<C> = Result<<C as Command>::Reply>;

/// Sends a turn's progress to the windows as events.
struct WindowSink(AppHandle);

impl WindowSink {
    fn emit<E: Event + serde::Serialize + Clone>(&self, payload: E) {
        if let Err(e) = self.0.emit(E::NAME, payload) {
            tracing::warn!("could not emit {}: {e}", E::NAME);
        }
    }
}

impl TurnSink for WindowSink {
    fn event(&self, session_id: &str, message_id: &str, event: &StreamEvent) {
        self.emit(TurnEvent {
            session_id: session_id.to_owned(),
            message_id: message_id.to_owned(),
            event: event.clone(),
        });
    }

    fn finished(&self, message: &StoredMessage) {
        self.emit(TurnFinished {
            session_id: message.session_id.clone(),
            message_id: message.id.clone(),
            message: message.clone(),
        });
    }
}

// Sessions ------------------------------------------------------------------

#[tauri::command(async)]
pub fn list_sessions(core: AppCore_<'_>, args: c::ListSessions) -> Reply<c::ListSessions> {
    let c::ListSessions {} = args;
    Ok(core.store.list_sessions()?)
}

#[tauri::command(async)]
pub fn create_session(core: AppCore_<'_>, args: c::CreateSession) -> Reply<c::CreateSession> {
    let c::CreateSession { config } = args;
    Ok(core.store.create_session(&config)?)
}

#[tauri::command(async)]
pub fn get_session(core: AppCore_<'_>, args: c::GetSession) -> Reply<c::GetSession> {
    let c::GetSession { session_id } = args;
    Ok(core.store.session(&session_id)?)
}

#[tauri::command(async)]
pub fn update_session(core: AppCore_<'_>, args: c::UpdateSession) -> Reply<c::UpdateSession> {
    let c::UpdateSession { session_id, config } = args;
    Ok(core.store.update_session(&session_id, &config)?)
}

#[tauri::command(async)]
pub fn rename_session(core: AppCore_<'_>, args: c::RenameSession) -> Reply<c::RenameSession> {
    let c::RenameSession { session_id, title } = args;
    Ok(core.store.rename_session(&session_id, &title)?)
}

#[tauri::command(async)]
pub fn delete_session(core: AppCore_<'_>, args: c::DeleteSession) -> Reply<c::DeleteSession> {
    let c::DeleteSession { session_id } = args;
    Ok(core.store.delete_session(&session_id)?)
}

#[tauri::command(async)]
pub fn duplicate_session(
    core: AppCore_<'_>,
    args: c::DuplicateSession,
) -> Reply<c::DuplicateSession> {
    let c::DuplicateSession { session_id, title } = args;
    Ok(core
        .store
        .duplicate_session(&session_id, title.as_deref())?)
}

#[tauri::command(async)]
pub fn search_sessions(core: AppCore_<'_>, args: c::SearchSessions) -> Reply<c::SearchSessions> {
    let c::SearchSessions { query, limit } = args;
    Ok(core.store.search_sessions(&query, limit.unwrap_or(50))?)
}

#[tauri::command(async)]
pub fn session_totals(core: AppCore_<'_>, args: c::GetSessionTotals) -> Reply<c::GetSessionTotals> {
    let c::GetSessionTotals { session_id } = args;
    Ok(core.store.session_totals(&session_id)?)
}

// Messages ------------------------------------------------------------------

#[tauri::command(async)]
pub fn list_messages(core: AppCore_<'_>, args: c::ListMessages) -> Reply<c::ListMessages> {
    let c::ListMessages {
        session_id,
        before,
        after,
        limit,
    } = args;
    Ok(core
        .store
        .messages_page(&session_id, before, after, limit.unwrap_or(100))?)
}

/// Appends a message without asking the model (a tool result, a system
/// note, a user message to send later with `continue_turn`).
#[tauri::command(async)]
pub fn add_message(core: AppCore_<'_>, args: c::AddMessage) -> Reply<c::AddMessage> {
    let c::AddMessage {
        session_id,
        message,
    } = args;
    Ok(core.store.append_message(&session_id, message)?)
}

#[tauri::command(async)]
pub fn edit_message(core: AppCore_<'_>, args: c::EditMessage) -> Reply<c::EditMessage> {
    let c::EditMessage {
        message_id,
        content,
    } = args;
    Ok(core.store.edit_message_content(&message_id, &content)?)
}

/// Deletes a message and everything below it.
#[tauri::command(async)]
pub fn delete_branch(core: AppCore_<'_>, args: c::DeleteBranch) -> Reply<c::DeleteBranch> {
    let c::DeleteBranch { message_id } = args;
    Ok(core.store.truncate_from(&message_id)?)
}

// Turns ---------------------------------------------------------------------

/// Appends the user's message and starts streaming the answer; returns both
/// messages at once. Progress arrives as [`TurnEvent`]s, the end as
/// [`TurnFinished`].
#[tauri::command]
pub async fn send_message(
    app: AppHandle,
    core: AppCore_<'_>,
    args: c::SendMessage,
) -> Reply<c::SendMessage> {
    let c::SendMessage {
        session_id,
        content,
    } = args;
    start(app, core.inner(), &session_id, Some(&content)).await
}

/// Asks the model to answer the conversation as it stands (after tool
/// results, or to regenerate after `truncate_from`).
#[tauri::command]
pub async fn continue_turn(
    app: AppHandle,
    core: AppCore_<'_>,
    args: c::ContinueTurn,
) -> Reply<c::ContinueTurn> {
    let c::ContinueTurn { session_id } = args;
    start(app, core.inner(), &session_id, None).await
}

async fn start(
    app: AppHandle,
    core: &Arc<AppCore>,
    session_id: &str,
    user_text: Option<&str>,
) -> Result<c::StartedTurn> {
    let (started, prepared) = turns::start_turn(core, session_id, user_text).await?;
    let core = Arc::clone(core);
    let sink: Arc<dyn TurnSink> = Arc::new(WindowSink(app));
    tauri::async_runtime::spawn(turns::run_turn(core, prepared, sink));
    Ok(started)
}

/// Stops a streaming answer; what arrived is kept, marked stopped.
#[tauri::command(async)]
pub fn stop_turn(core: AppCore_<'_>, args: c::StopTurn) -> Reply<c::StopTurn> {
    let c::StopTurn { message_id } = args;
    Ok(core.stop_turn(&message_id))
}

// Rendering ------------------------------------------------------------------

/// A message's Markdown as safe HTML with highlighted code blocks (`hl-`
/// classes). The UI renders without highlighting while a message streams
/// (syntect is too big for its wasm) and asks for this once it is done.
#[tauri::command(async)]
pub fn render_markdown(args: c::RenderMarkdown) -> Reply<c::RenderMarkdown> {
    let c::RenderMarkdown { source } = args;
    Ok(chat_core::render_markdown(&source))
}

/// The stylesheet of highlighted code, the same the public page serves.
#[tauri::command(async)]
pub fn highlight_stylesheet(args: c::HighlightStylesheet) -> Reply<c::HighlightStylesheet> {
    let c::HighlightStylesheet {} = args;
    static CSS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    Ok(CSS
        .get_or_init(chat_core::markdown::highlight_stylesheet)
        .clone())
}
