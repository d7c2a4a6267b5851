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

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use contract::{self as c, Command, Event, TurnEvent, TurnFinished};
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_opener::OpenerExt;

use crate::app::AppCore;
use crate::attachments;
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

/// Declares command handlers, each as
/// `fn name(core, Args { fields }) => reply;` (or `async fn`, or with
/// `app, core`, or no state before the arguments): a `#[tauri::command]`
/// named `name` whose one parameter `args` is the contract's `Args`, taken
/// apart into its fields for `reply` (an expression of `Reply<c::Args>`).
/// A plain `fn` runs off the main thread too (`#[tauri::command(async)]`).
macro_rules! commands {
    () => {};
    ($(#[$doc:meta])* fn $name:ident $params:tt => $reply:expr; $($rest:tt)*) => {
        commands!(@handler [$(#[$doc])* #[tauri::command(async)] pub fn] $name $params $reply);
        commands!($($rest)*);
    };
    ($(#[$doc:meta])* async fn $name:ident $params:tt => $reply:expr; $($rest:tt)*) => {
        commands!(@handler [$(#[$doc])* #[tauri::command] pub async fn] $name $params $reply);
        commands!($($rest)*);
    };
    (@handler [$($head:tt)*] $name:ident
        ($app:ident, $core:ident, $args:ident { $($field:ident),* }) $reply:expr) => {
        $($head)* $name($app: AppHandle, $core: AppCore_<'_>, args: c::$args) -> Reply<c::$args> {
            let c::$args { $($field),* } = args;
            $reply
        }
    };
    (@handler [$($head:tt)*] $name:ident
        ($core:ident, $args:ident { $($field:ident),* }) $reply:expr) => {
        $($head)* $name($core: AppCore_<'_>, args: c::$args) -> Reply<c::$args> {
            let c::$args { $($field),* } = args;
            $reply
        }
    };
    (@handler [$($head:tt)*] $name:ident ($args:ident { $($field:ident),* }) $reply:expr) => {
        $($head)* $name(args: c::$args) -> Reply<c::$args> {
            let c::$args { $($field),* } = args;
            $reply
        }
    };
}

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

commands! {
    // Sessions ----------------------------------------------------------------
    fn list_sessions(core, ListSessions {}) => Ok(core.store.list_sessions()?);
    fn create_session(core, CreateSession { config }) => Ok(core.store.create_session(&config)?);
    fn get_session(core, GetSession { session_id }) => Ok(core.store.session(&session_id)?);
    fn update_session(core, UpdateSession { session_id, config }) =>
        Ok(core.store.update_session(&session_id, &config)?);
    fn rename_session(core, RenameSession { session_id, title }) =>
        Ok(core.store.rename_session(&session_id, &title)?);
    fn delete_session(core, DeleteSession { session_id }) =>
        Ok(core.store.delete_session(&session_id)?);
    fn duplicate_session(core, DuplicateSession { session_id, title }) =>
        Ok(core.store.duplicate_session(&session_id, title.as_deref())?);
    fn search_sessions(core, SearchSessions { query, limit }) =>
        Ok(core.store.search_sessions(&query, limit.unwrap_or(50))?);
    fn session_totals(core, GetSessionTotals { session_id }) =>
        Ok(core.store.session_totals(&session_id)?);

    // Messages ----------------------------------------------------------------
    fn list_messages(core, ListMessages { session_id, before, after, limit }) =>
        Ok(core.store.messages_page(&session_id, before, after, limit.unwrap_or(100))?);
    /// Appends a message without asking the model (a tool result, a system
    /// note, a user message to send later with `continue_turn`).
    fn add_message(core, AddMessage { session_id, message }) =>
        Ok(core.store.append_message(&session_id, message)?);
    fn get_messages(core, GetMessages { message_ids }) =>
        Ok(message_ids.iter().map(|id| core.store.message(id)).collect::<crate::store::Result<_>>()?);
    fn edit_message(core, EditMessage { message_id, content }) =>
        Ok(core.store.edit_message_content(&message_id, &content)?);
    /// Makes the selected path go through a message.
    fn select_branch(core, SelectBranch { message_id }) =>
        Ok(core.store.select_branch(&message_id)?);
    /// A new session from the path down to a message.
    fn fork_session(core, ForkSession { message_id }) => Ok(core.store.fork_session(&message_id)?);
    /// Deletes a message and everything below it.
    fn delete_branch(core, DeleteBranch { message_id }) =>
        Ok(core.store.delete_branch(&message_id)?);

    // Attachments -------------------------------------------------------------
    /// Stores a file for the next message (its metadata stripped, if an
    /// image); refuses types and sizes a share could not carry.
    fn add_attachment(core, AddAttachment { name, media_type, data }) =>
        Ok(attachments::add(&core.store, &name, media_type.as_deref(), &data)?);
    fn get_attachment(core, GetAttachment { sha256 }) => {
        let (attachment, bytes) = core.store.attachment(&sha256)?;
        Ok(c::AttachmentData { attachment, data: STANDARD.encode(bytes) })
    };

    // Turns -------------------------------------------------------------------
    /// Appends the user's message after the selected path and starts
    /// streaming the answer; returns both messages at once. Progress arrives
    /// as [`TurnEvent`]s, the end as [`TurnFinished`].
    async fn send_message(app, core, SendMessage { session_id, content, attachments }) => {
        let started = turns::start_message(&core, &session_id, Some(&content), &attachments);
        stream(app, &core, started.await?)
    };
    /// Asks the model to answer the conversation as it stands (after tool
    /// results).
    async fn continue_turn(app, core, ContinueTurn { session_id }) =>
        stream(app, &core, turns::start_turn(&core, &session_id, None).await?);
    /// Sends an edited user message as a new branch beside the old one.
    async fn resend_edited(app, core, ResendEdited { message_id, content }) =>
        stream(app, &core, turns::start_resend(&core, &message_id, &content).await?);
    /// Another answer to an answer's prompt, beside it.
    async fn regenerate(app, core, Regenerate { message_id, setup }) =>
        stream(app, &core, turns::start_regenerate(&core, &message_id, setup).await?);
    /// One prompt answered by several setups at once, each streaming its own
    /// events.
    async fn compare(app, core, Compare { session_id, content, attachments, setups }) => {
        let (started, prepared) =
            turns::start_compare(&core, &session_id, &content, &attachments, setups).await?;
        let sink: Arc<dyn TurnSink> = Arc::new(WindowSink(app));
        tauri::async_runtime::spawn(turns::run_compare(Arc::clone(&core), prepared, sink));
        Ok(started)
    };
    /// Stops a streaming answer; what arrived is kept, marked stopped.
    fn stop_turn(core, StopTurn { message_id }) => Ok(core.stop_turn(&message_id));

    // Rendering ---------------------------------------------------------------
    /// A message's Markdown as safe HTML with highlighted code blocks (`hl-`
    /// classes). The UI renders without highlighting while a message streams
    /// (syntect is too big for its wasm) and asks for this once it is done.
    fn render_markdown(RenderMarkdown { source }) => Ok(chat_core::render_markdown(&source));
    /// The stylesheet of highlighted code, the same the public page serves.
    fn highlight_stylesheet(HighlightStylesheet {}) => {
        static CSS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        Ok(CSS.get_or_init(chat_core::markdown::highlight_stylesheet).clone())
    };
}

/// Streams a started turn in the background; answers what it created.
fn stream(
    app: AppHandle,
    core: &Arc<AppCore>,
    (started, prepared): (c::StartedTurn, turns::PreparedTurn),
) -> Result<c::StartedTurn> {
    let sink: Arc<dyn TurnSink> = Arc::new(WindowSink(app));
    tauri::async_runtime::spawn(turns::run_turn(Arc::clone(core), prepared, sink));
    Ok(started)
}
