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
use crate::settings::{Settings, SettingsExt, ShareMode};
use crate::share;
use crate::store::StoredMessage;
use crate::turns::{self, TurnSink};

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

/// Deletes a message and all after it (to regenerate or rewrite from there).
#[tauri::command(async)]
pub fn truncate_from(core: AppCore_<'_>, args: c::TruncateFrom) -> Reply<c::TruncateFrom> {
    let c::TruncateFrom { message_id } = args;
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

// Settings and secrets ------------------------------------------------------

/// The settings, and which secrets are stored (never the secrets).
#[tauri::command]
pub async fn get_settings(core: AppCore_<'_>, args: c::GetSettings) -> Reply<c::GetSettings> {
    let c::GetSettings {} = args;
    settings_view(&core).await
}

async fn settings_view(core: &AppCore) -> Result<c::SettingsView> {
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
    Ok(c::SettingsView {
        settings,
        api_keys,
        share_token,
        served_by,
    })
}

/// Saves the settings. A change of the share mode or the network address
/// restarts the embedded server, which then says where it runs.
#[tauri::command]
pub async fn save_settings(core: AppCore_<'_>, args: c::SaveSettings) -> Reply<c::SaveSettings> {
    let c::SaveSettings { settings } = args;
    let before = core.settings()?;
    if settings.share_server.mode == ShareMode::Team
        && settings.share_server.team_url != before.share_server.team_url
    {
        return Err(AppError::Invalid(
            "a new team server is connected with Test connection and Save (its connect code, or its URL and token)".into(),
        ));
    }
    Settings::save(&settings, &core.store)?;
    if before.share_server != settings.share_server {
        embedded::ensure_started(&core).await?;
    }
    core.settings()
}

/// Stores (or, with `null`/empty, deletes) a provider's API key in the keyring.
#[tauri::command]
pub async fn set_api_key(core: AppCore_<'_>, args: c::SetApiKey) -> Reply<c::SetApiKey> {
    let c::SetApiKey {
        provider_id,
        api_key,
    } = args;
    core.settings()?.configured_provider(&provider_id)?;
    core.set_secret(SecretKey::ProviderApiKey(provider_id), api_key)
        .await
}

/// Who would answer through `provider` as it is being edited (Settings
/// files a price typed for it under this name).
#[tauri::command]
pub fn served_by(core: AppCore_<'_>, args: c::GetServedBy) -> Reply<c::GetServedBy> {
    let c::GetServedBy { provider } = args;
    Ok(ServedBy::of(&provider, core.pricing()?.table()))
}

/// The price Parlor charges for a provider's model, if known (as a turn
/// through that provider would be priced).
#[tauri::command(async)]
pub fn model_price(core: AppCore_<'_>, args: c::ModelPrice) -> Reply<c::ModelPrice> {
    let c::ModelPrice { provider_id, model } = args;
    let settings = core.settings()?;
    let provider = settings.configured_provider(&provider_id)?;
    let pricing = core.pricing()?;
    Ok(ServedBy::of(provider, pricing.table()).price(&pricing, &model, chrono::Utc::now()))
}

// Share ---------------------------------------------------------------------

/// The options given, or those of the last share.
fn options_or_last(core: &AppCore, options: Option<c::ShareOptions>) -> Result<c::ShareOptions> {
    match options {
        Some(options) => Ok(options),
        None => share::last_options(core),
    }
}

/// Publishes the session (with the last options when none are given),
/// copies the link to the clipboard, returns it with who can open it. With
/// `replaces`, the share just made with other options is revoked after.
#[tauri::command]
pub async fn share_session(
    app: AppHandle,
    core: AppCore_<'_>,
    args: c::ShareSession,
) -> Reply<c::ShareSession> {
    let c::ShareSession {
        session_id,
        options,
        replaces,
    } = args;
    let options = options_or_last(&core, options)?;
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
pub fn share_options(core: AppCore_<'_>, args: c::GetShareOptions) -> Reply<c::GetShareOptions> {
    let c::GetShareOptions {} = args;
    share::last_options(&core)
}

/// Writes the session as one self-contained HTML file into the Downloads
/// folder (the home folder when there is none).
#[tauri::command]
pub async fn save_share_file(
    app: AppHandle,
    core: AppCore_<'_>,
    args: c::SaveShareFile,
) -> Reply<c::SaveShareFile> {
    let c::SaveShareFile {
        session_id,
        options,
    } = args;
    let options = options_or_last(&core, options)?;
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
    core: AppCore_<'_>,
    args: c::CopyShareMarkdown,
) -> Reply<c::CopyShareMarkdown> {
    let c::CopyShareMarkdown {
        session_id,
        options,
    } = args;
    let options = options_or_last(&core, options)?;
    let export = share::export::markdown(&core, &session_id, &options).await?;
    app.clipboard()
        .write_text(export.markdown)
        .map_err(|e| AppError::Internal(format!("could not copy: {e}")))?;
    Ok(export.copied)
}

/// Shows a saved file in the system's file manager.
#[tauri::command(async)]
pub fn reveal_file(app: AppHandle, args: c::RevealFile) -> Reply<c::RevealFile> {
    let c::RevealFile { path } = args;
    app.opener()
        .reveal_item_in_dir(&path)
        .map_err(|e| AppError::Internal(format!("could not open the folder: {e}")))
}

#[tauri::command]
pub async fn list_shares(core: AppCore_<'_>, args: c::ListShares) -> Reply<c::ListShares> {
    let c::ListShares {} = args;
    share::list_shares(&core).await
}

#[tauri::command]
pub async fn revoke_share(core: AppCore_<'_>, args: c::RevokeShare) -> Reply<c::RevokeShare> {
    let c::RevokeShare { share_id } = args;
    share::revoke_share(&core, &share_id).await
}

/// Opens a share's page in the system browser.
#[tauri::command]
pub async fn open_share(
    app: AppHandle,
    core: AppCore_<'_>,
    args: c::OpenShare,
) -> Reply<c::OpenShare> {
    let c::OpenShare { share_id } = args;
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
pub async fn import_share(core: AppCore_<'_>, args: c::ImportShare) -> Reply<c::ImportShare> {
    let c::ImportShare { url } = args;
    share::import_share(&core, &url).await
}

#[tauri::command(async)]
pub fn copy_text(app: AppHandle, args: c::CopyText) -> Reply<c::CopyText> {
    let c::CopyText { text } = args;
    app.clipboard()
        .write_text(text)
        .map_err(|e| AppError::Internal(format!("could not copy: {e}")))
}

/// Where Share publishes now and who can open its links.
#[tauri::command]
pub async fn share_server_info(
    core: AppCore_<'_>,
    args: c::ShareServerInfo,
) -> Reply<c::ShareServerInfo> {
    let c::ShareServerInfo {} = args;
    share::server_status(&core).await
}

/// This machine's addresses another computer could reach.
#[tauri::command(async)]
pub fn network_addresses(args: c::NetworkAddresses) -> Reply<c::NetworkAddresses> {
    let c::NetworkAddresses {} = args;
    network::addresses()
        .map_err(|e| AppError::Internal(format!("the network addresses could not be read: {e}")))
}

/// Tests a team server (connect code, or URL and token) step by step;
/// saves nothing.
#[tauri::command]
pub async fn test_share_server(
    core: AppCore_<'_>,
    args: c::TestShareServer,
) -> Reply<c::TestShareServer> {
    let c::TestShareServer { input, token } = args;
    share::team::test(&core, &input, token.as_deref()).await
}

/// Tests a team server, then keeps its token and publishes there from now
/// on; nothing changes when a check fails.
#[tauri::command]
pub async fn connect_team_server(
    core: AppCore_<'_>,
    args: c::ConnectTeamServer,
) -> Reply<c::ConnectTeamServer> {
    let c::ConnectTeamServer { input, token } = args;
    share::team::connect(&core, &input, token.as_deref()).await?;
    settings_view(&core).await
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
