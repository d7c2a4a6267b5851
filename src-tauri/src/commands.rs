//! The Tauri commands: each extracts its arguments and calls a plain
//! function of the core. None runs on the main thread (`async`), so a slow
//! query never freezes the window. Errors reach the UI as `{code, message, field?,
//! retryAfterSecs?}` (see [`AppError`]). Arguments are camelCase in JS
//! (`invoke("get_session", { sessionId })`).
//!
//! Events (see [`TURN_EVENT`], [`TURN_FINISHED`]) carry a turn's deltas.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_opener::OpenerExt;

use crate::core::Core;
use crate::embedded;
use crate::error::AppError;
use crate::network::{self, NetworkAddress};
use crate::providers::StreamEvent;
use crate::secrets::SecretKey;
use crate::served_by::ServedBy;
use crate::settings::{ProviderConfig, Settings, ShareMode};
use crate::share::export::{CopiedMarkdown, SavedFile};
use crate::share::team::ConnectionCheck;
use crate::share::{self, ShareListItem, ShareOptions, ShareResult, ShareServerStatus};
use crate::store::{
    MessagePage, NewMessage, SearchHit, Session, SessionConfig, SessionSummary, SessionTotals,
    ShareRecord, StoredMessage,
};
use crate::turns::{self, StartedTurn, TurnSink};

type Core_<'a> = State<'a, Arc<Core>>;
type Result<T> = std::result::Result<T, AppError>;

/// Every delta of a streaming answer: [`TurnEventPayload`].
pub const TURN_EVENT: &str = "turn:event";
/// A turn ended (complete, stopped or failed) and its message is stored:
/// [`TurnFinishedPayload`].
pub const TURN_FINISHED: &str = "turn:finished";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnEventPayload<'a> {
    pub session_id: &'a str,
    pub message_id: &'a str,
    pub event: &'a StreamEvent,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnFinishedPayload<'a> {
    pub session_id: &'a str,
    pub message_id: &'a str,
    pub message: &'a StoredMessage,
}

/// Sends a turn's progress to the windows as events.
struct WindowSink(AppHandle);

impl TurnSink for WindowSink {
    fn event(&self, session_id: &str, message_id: &str, event: &StreamEvent) {
        let payload = TurnEventPayload {
            session_id,
            message_id,
            event,
        };
        if let Err(e) = self.0.emit(TURN_EVENT, payload) {
            tracing::warn!("could not emit a turn event: {e}");
        }
    }

    fn finished(&self, message: &StoredMessage) {
        let payload = TurnFinishedPayload {
            session_id: &message.session_id,
            message_id: &message.id,
            message,
        };
        if let Err(e) = self.0.emit(TURN_FINISHED, payload) {
            tracing::warn!("could not emit a turn end: {e}");
        }
    }
}

// Sessions ------------------------------------------------------------------

#[tauri::command(async)]
pub fn list_sessions(core: Core_<'_>) -> Result<Vec<SessionSummary>> {
    Ok(core.store.list_sessions()?)
}

#[tauri::command(async)]
pub fn create_session(core: Core_<'_>, config: SessionConfig) -> Result<Session> {
    Ok(core.store.create_session(&config)?)
}

#[tauri::command(async)]
pub fn get_session(core: Core_<'_>, session_id: String) -> Result<Session> {
    Ok(core.store.session(&session_id)?)
}

#[tauri::command(async)]
pub fn update_session(
    core: Core_<'_>,
    session_id: String,
    config: SessionConfig,
) -> Result<Session> {
    Ok(core.store.update_session(&session_id, &config)?)
}

#[tauri::command(async)]
pub fn rename_session(core: Core_<'_>, session_id: String, title: String) -> Result<Session> {
    Ok(core.store.rename_session(&session_id, &title)?)
}

#[tauri::command(async)]
pub fn delete_session(core: Core_<'_>, session_id: String) -> Result<()> {
    Ok(core.store.delete_session(&session_id)?)
}

#[tauri::command(async)]
pub fn duplicate_session(
    core: Core_<'_>,
    session_id: String,
    title: Option<String>,
) -> Result<Session> {
    Ok(core
        .store
        .duplicate_session(&session_id, title.as_deref())?)
}

#[tauri::command(async)]
pub fn search_sessions(
    core: Core_<'_>,
    query: String,
    limit: Option<usize>,
) -> Result<Vec<SearchHit>> {
    Ok(core.store.search_sessions(&query, limit.unwrap_or(50))?)
}

#[tauri::command(async)]
pub fn session_totals(core: Core_<'_>, session_id: String) -> Result<SessionTotals> {
    Ok(core.store.session_totals(&session_id)?)
}

// Messages ------------------------------------------------------------------

#[tauri::command(async)]
pub fn list_messages(
    core: Core_<'_>,
    session_id: String,
    before: Option<i64>,
    after: Option<i64>,
    limit: Option<usize>,
) -> Result<MessagePage> {
    Ok(core
        .store
        .messages_page(&session_id, before, after, limit.unwrap_or(100))?)
}

/// Appends a message without asking the model (a tool result, a system
/// note, a user message to send later with `continue_turn`).
#[tauri::command(async)]
pub fn add_message(
    core: Core_<'_>,
    session_id: String,
    message: NewMessage,
) -> Result<StoredMessage> {
    Ok(core.store.append_message(&session_id, message)?)
}

#[tauri::command(async)]
pub fn edit_message(core: Core_<'_>, message_id: String, content: String) -> Result<StoredMessage> {
    Ok(core.store.edit_message_content(&message_id, &content)?)
}

/// Deletes a message and all after it (to regenerate or rewrite from there).
#[tauri::command(async)]
pub fn truncate_from(core: Core_<'_>, message_id: String) -> Result<usize> {
    Ok(core.store.truncate_from(&message_id)?)
}

// Turns ---------------------------------------------------------------------

/// Appends the user's message and starts streaming the answer; returns both
/// messages at once. Progress arrives as `turn:event`, the end as
/// `turn:finished`.
#[tauri::command]
pub async fn send_message(
    app: AppHandle,
    core: Core_<'_>,
    session_id: String,
    content: String,
) -> Result<StartedTurn> {
    start(app, core.inner(), &session_id, Some(&content)).await
}

/// Asks the model to answer the conversation as it stands (after tool
/// results, or to regenerate after `truncate_from`).
#[tauri::command]
pub async fn continue_turn(
    app: AppHandle,
    core: Core_<'_>,
    session_id: String,
) -> Result<StartedTurn> {
    start(app, core.inner(), &session_id, None).await
}

async fn start(
    app: AppHandle,
    core: &Arc<Core>,
    session_id: &str,
    user_text: Option<&str>,
) -> Result<StartedTurn> {
    let (started, prepared) = turns::start_turn(core, session_id, user_text).await?;
    let core = Arc::clone(core);
    let sink: Arc<dyn TurnSink> = Arc::new(WindowSink(app));
    tauri::async_runtime::spawn(async move {
        if let Err(e) = turns::run_turn(core, prepared, sink).await {
            tracing::error!("a turn could not be stored: {e}");
        }
    });
    Ok(started)
}

/// Stops a streaming answer; what arrived is kept, marked stopped.
#[tauri::command(async)]
pub fn stop_turn(core: Core_<'_>, message_id: String) -> bool {
    core.stop_turn(&message_id)
}

// Settings and secrets ------------------------------------------------------

/// The settings, and which secrets are stored (never the secrets).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub settings: Settings,
    /// Provider id → an API key is stored.
    pub api_keys: BTreeMap<String, bool>,
    /// A token is stored for the team share server.
    pub share_token: bool,
    /// Provider id → who answers through it: the name the price editor files
    /// the user's prices under, and whether the bundled table applies.
    pub served_by: BTreeMap<String, ServedBy>,
}

#[tauri::command]
pub async fn get_settings(core: Core_<'_>) -> Result<SettingsView> {
    settings_view(&core).await
}

async fn settings_view(core: &Core) -> Result<SettingsView> {
    let settings = core.settings()?;
    let table = core.pricing()?.table();
    let served_by = settings
        .providers
        .iter()
        .map(|p| (p.id.clone(), ServedBy::of(p, table)))
        .collect();
    let mut api_keys = BTreeMap::new();
    for provider in &settings.providers {
        let stored = core
            .secret(SecretKey::ProviderApiKey(provider.id.clone()))
            .await
            .map(|key| key.is_some())
            .unwrap_or(false);
        api_keys.insert(provider.id.clone(), stored);
    }
    let share_token = match &settings.share_server.team_url {
        Some(url) => core
            .secret(SecretKey::ShareServerToken(url.clone()))
            .await
            .map(|token| token.is_some())
            .unwrap_or(false),
        None => false,
    };
    Ok(SettingsView {
        settings,
        api_keys,
        share_token,
        served_by,
    })
}

/// Saves the settings. A change of the share mode or the network address
/// restarts the embedded server, which then says where it runs.
#[tauri::command]
pub async fn save_settings(core: Core_<'_>, settings: Settings) -> Result<Settings> {
    let before = core.settings()?;
    if settings.share_server.mode == ShareMode::Team
        && settings.share_server.team_url != before.share_server.team_url
    {
        return Err(AppError::Invalid(
            "a new team server is connected with Test connection and Save (its connect code, or its URL and token)".into(),
        ));
    }
    settings.save(&core.store)?;
    if before.share_server != settings.share_server {
        embedded::ensure_started(&core).await?;
    }
    core.settings()
}

/// Stores (or, with `null`/empty, deletes) a provider's API key in the keyring.
#[tauri::command]
pub async fn set_api_key(
    core: Core_<'_>,
    provider_id: String,
    api_key: Option<String>,
) -> Result<()> {
    core.settings()?.provider(&provider_id)?;
    core.set_secret(SecretKey::ProviderApiKey(provider_id), api_key)
        .await
}

/// Who would answer through `provider` as it is being edited (Settings
/// files a price typed for it under this name).
#[tauri::command]
pub fn served_by(core: Core_<'_>, provider: ProviderConfig) -> Result<ServedBy> {
    Ok(ServedBy::of(&provider, core.pricing()?.table()))
}

/// The price Parlor charges for a provider's model, if known (as a turn
/// through that provider would be priced).
#[tauri::command(async)]
pub fn model_price(
    core: Core_<'_>,
    provider_id: String,
    model: String,
) -> Result<Option<chat_core::cost::ResolvedPrice>> {
    let settings = core.settings()?;
    let provider = settings.provider(&provider_id)?;
    let pricing = core.pricing()?;
    Ok(ServedBy::of(provider, pricing.table()).price(&pricing, &model, chrono::Utc::now()))
}

// Share ---------------------------------------------------------------------

/// Publishes the session (with the last options when none are given),
/// copies the link to the clipboard, returns it with who can open it. With
/// `replaces`, the share just made with other options is revoked after.
#[tauri::command]
pub async fn share_session(
    app: AppHandle,
    core: Core_<'_>,
    session_id: String,
    options: Option<ShareOptions>,
    replaces: Option<String>,
) -> Result<ShareResult> {
    let options = match options {
        Some(options) => options,
        None => share::last_options(&core)?,
    };
    let target = share::current_target(&core).await?;
    let result =
        share::share_session(&core, &target, &session_id, &options, replaces.as_deref()).await?;
    if let Err(e) = app.clipboard().write_text(result.share_url.clone()) {
        // The share exists; the dialog still shows the link to copy.
        tracing::warn!("could not copy the link: {e}");
    }
    Ok(result)
}

/// The options the last share was made with.
#[tauri::command(async)]
pub fn share_options(core: Core_<'_>) -> Result<ShareOptions> {
    share::last_options(&core)
}

/// Writes the session as one self-contained HTML file into the Downloads
/// folder (the home folder when there is none).
#[tauri::command]
pub async fn save_share_file(
    app: AppHandle,
    core: Core_<'_>,
    session_id: String,
    options: Option<ShareOptions>,
) -> Result<SavedFile> {
    let options = match options {
        Some(options) => options,
        None => share::last_options(&core)?,
    };
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| AppError::Internal(format!("no folder to save the file in: {e}")))?;
    share::export::save_html_file(&core, &dir, &session_id, &options).await
}

/// Puts the session's Markdown (as a share-server's `.md` download gives
/// it, redacted) on the clipboard.
#[tauri::command]
pub async fn copy_share_markdown(
    app: AppHandle,
    core: Core_<'_>,
    session_id: String,
    options: Option<ShareOptions>,
) -> Result<CopiedMarkdown> {
    let options = match options {
        Some(options) => options,
        None => share::last_options(&core)?,
    };
    let copied = share::export::markdown(&core, &session_id, &options).await?;
    app.clipboard()
        .write_text(copied.markdown.clone())
        .map_err(|e| AppError::Internal(format!("could not copy: {e}")))?;
    Ok(copied)
}

/// Shows a saved file in the system's file manager.
#[tauri::command(async)]
pub fn reveal_file(app: AppHandle, path: String) -> Result<()> {
    app.opener()
        .reveal_item_in_dir(&path)
        .map_err(|e| AppError::Internal(format!("could not open the folder: {e}")))
}

#[tauri::command]
pub async fn list_shares(core: Core_<'_>) -> Result<Vec<ShareListItem>> {
    share::list_shares(&core).await
}

#[tauri::command]
pub async fn revoke_share(core: Core_<'_>, share_id: String) -> Result<ShareRecord> {
    share::revoke_share(&core, &share_id).await
}

/// Opens a share's page in the system browser.
#[tauri::command]
pub async fn open_share(app: AppHandle, core: Core_<'_>, share_id: String) -> Result<()> {
    let url = match core.store.share(&share_id) {
        Ok(record) => record.share_url,
        Err(_) => share::list_shares(&core)
            .await?
            .into_iter()
            .find(|item| item.share_id == share_id)
            .map(|item| item.share_url)
            .ok_or_else(|| AppError::NotFound(format!("share {share_id} is not known here")))?,
    };
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| AppError::Internal(format!("no browser could be opened: {e}")))
}

/// "Continue in Parlor": a new session from a share link.
#[tauri::command]
pub async fn import_share(core: Core_<'_>, url: String) -> Result<Session> {
    share::import_share(&core, &url).await
}

#[tauri::command(async)]
pub fn copy_text(app: AppHandle, text: String) -> Result<()> {
    app.clipboard()
        .write_text(text)
        .map_err(|e| AppError::Internal(format!("could not copy: {e}")))
}

/// Where Share publishes now and who can open its links.
#[tauri::command]
pub async fn share_server_info(core: Core_<'_>) -> Result<ShareServerStatus> {
    share::server_status(&core).await
}

/// This machine's addresses another computer could reach.
#[tauri::command(async)]
pub fn network_addresses() -> Result<Vec<NetworkAddress>> {
    network::addresses()
}

/// Tests a team server (connect code, or URL and token) step by step;
/// saves nothing.
#[tauri::command]
pub async fn test_share_server(
    core: Core_<'_>,
    input: String,
    token: Option<String>,
) -> Result<ConnectionCheck> {
    share::team::test(&core, &input, token.as_deref()).await
}

/// Tests a team server, then keeps its token and publishes there from now
/// on; nothing changes when a check fails.
#[tauri::command]
pub async fn connect_team_server(
    core: Core_<'_>,
    input: String,
    token: Option<String>,
) -> Result<SettingsView> {
    share::team::connect(&core, &input, token.as_deref()).await?;
    settings_view(&core).await
}

// Rendering ------------------------------------------------------------------

/// A message's Markdown as safe HTML with highlighted code blocks (`hl-`
/// classes). The UI renders without highlighting while a message streams
/// (syntect is too big for its wasm) and asks for this once it is done.
#[tauri::command(async)]
pub fn render_markdown(source: String) -> String {
    chat_core::render_markdown(&source)
}

/// The stylesheet of highlighted code, the same the public page serves.
#[tauri::command(async)]
pub fn highlight_stylesheet() -> String {
    static CSS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSS.get_or_init(chat_core::markdown::highlight_stylesheet)
        .clone()
}

// The command names, shared with `build.rs` (which generates a permission
// for each) and checked against `capabilities/default.json` by a test.
include!("command_names.rs");
