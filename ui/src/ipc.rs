//! The bridge to the desktop shell — the only module that knows Tauri.
//!
//! Tauri injects `window.__TAURI__` (`app.withGlobalTauri: true`); a command
//! of the contract is called with [`call`], which invokes its name with
//! `{ args }` and decodes its reply type. Everything else in the UI calls the
//! typed functions here and gets a `Result`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use contract::{self as c, Command, Event};

use crate::types::{
    ConnectionCheck, CopiedMarkdown, MessagePage, NetworkAddress, NewMessage, ProviderConfig,
    SavedFile, SearchHit, ServedBy, Session, SessionConfig, SessionSummary, SessionTotals,
    Settings, SettingsView, ShareListItem, ShareOptions, ShareResult, ShareServerStatus,
    StartedTurn, StoredMessage, TurnEvent, TurnFinished,
};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// Resolves to the function that stops listening.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(
        event: &str,
        handler: &Closure<dyn FnMut(JsValue)>,
    ) -> Result<JsValue, JsValue>;
}

/// Why a command call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IpcError {
    /// Not inside the desktop app (e.g. the UI opened in a plain browser).
    #[error("the desktop shell is not available")]
    Unavailable,
    /// The arguments could not be turned into JS values.
    #[error("could not encode the arguments of `{command}`: {message}")]
    Encode { command: String, message: String },
    /// The reply did not have the expected shape.
    #[error("unexpected reply from `{command}`: {message}")]
    Decode { command: String, message: String },
    /// The command ran and failed; the shell's structured error.
    #[error("{message}")]
    Command {
        code: String,
        message: String,
        retry_after_secs: Option<u64>,
    },
}

impl IpcError {
    /// The shell's error code (`unauthorized`, `share_server_unreachable`, …).
    pub fn code(&self) -> &str {
        match self {
            IpcError::Unavailable => "unavailable",
            IpcError::Encode { .. } | IpcError::Decode { .. } => "internal",
            IpcError::Command { code, .. } => code,
        }
    }
}

/// Whether the Tauri bridge is present.
pub fn is_available() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window, &JsValue::from_str("__TAURI__"))
        .is_ok_and(|tauri| tauri.is_object())
}

/// Calls the contract's command `C` with `args` and decodes its reply.
pub async fn call<C>(args: &C) -> Result<C::Reply, IpcError>
where
    C: Command,
    C::Reply: DeserializeOwned,
{
    #[derive(Serialize)]
    struct Invoke<'a, A> {
        args: &'a A,
    }
    invoke(C::NAME, &Invoke { args }).await
}

/// Invokes `command` with `args` (serialized to a JS object of named
/// arguments) and decodes its reply.
async fn invoke<A, R>(command: &str, args: &A) -> Result<R, IpcError>
where
    A: Serialize + ?Sized,
    R: DeserializeOwned,
{
    if !is_available() {
        return Err(IpcError::Unavailable);
    }
    // Maps, not `Map` objects: Tauri reads the arguments as a plain object.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|error| IpcError::Encode {
            command: command.to_owned(),
            message: error.to_string(),
        })?;
    match tauri_invoke(command, args).await {
        Ok(reply) => serde_wasm_bindgen::from_value(reply).map_err(|error| IpcError::Decode {
            command: command.to_owned(),
            message: error.to_string(),
        }),
        Err(error) => Err(command_error(error)),
    }
}

/// A rejected invoke: the shell's `{code, message}`, else whatever was thrown.
fn command_error(error: JsValue) -> IpcError {
    if let Ok(c::CommandError {
        code,
        message,
        retry_after_secs,
        ..
    }) = serde_wasm_bindgen::from_value(error.clone())
    {
        return IpcError::Command {
            code,
            message,
            retry_after_secs,
        };
    }
    let message = error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|error| String::from(error.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"));
    IpcError::Command {
        code: "unknown".to_owned(),
        message,
        retry_after_secs: None,
    }
}

// Events --------------------------------------------------------------------

/// A subscription to a shell event; dropping it stops listening.
pub struct Listener {
    _handler: Closure<dyn FnMut(JsValue)>,
    unlisten: Option<js_sys::Function>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(unlisten) = &self.unlisten {
            let _ = unlisten.call0(&JsValue::NULL);
        }
    }
}

#[derive(Deserialize)]
struct EventEnvelope<T> {
    payload: T,
}

/// Calls `on_event` with the payload of every event `T` the shell emits
/// (`event` is `T::NAME`). Payloads of another shape are skipped.
pub async fn listen<T, F>(event: &str, on_event: F) -> Result<Listener, IpcError>
where
    T: Event + DeserializeOwned + 'static,
    F: Fn(T) + 'static,
{
    debug_assert_eq!(event, T::NAME);
    if !is_available() {
        return Err(IpcError::Unavailable);
    }
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |raw: JsValue| {
        if let Ok(EventEnvelope { payload }) =
            serde_wasm_bindgen::from_value::<EventEnvelope<T>>(raw)
        {
            on_event(payload);
        }
    });
    let unlisten = tauri_listen(event, &handler).await.map_err(command_error)?;
    Ok(Listener {
        _handler: handler,
        unlisten: unlisten.dyn_into::<js_sys::Function>().ok(),
    })
}

pub const TURN_EVENT: &str = TurnEvent::NAME;
pub const TURN_FINISHED: &str = TurnFinished::NAME;

// Commands: typed shorthands over [`call`] -----------------------------------

fn text(value: &str) -> String {
    value.to_owned()
}

pub async fn list_sessions() -> Result<Vec<SessionSummary>, IpcError> {
    call(&c::ListSessions {}).await
}

pub async fn create_session(config: &SessionConfig) -> Result<Session, IpcError> {
    call(&c::CreateSession {
        config: config.clone(),
    })
    .await
}

pub async fn get_session(session_id: &str) -> Result<Session, IpcError> {
    call(&c::GetSession {
        session_id: text(session_id),
    })
    .await
}

pub async fn update_session(session_id: &str, config: &SessionConfig) -> Result<Session, IpcError> {
    call(&c::UpdateSession {
        session_id: text(session_id),
        config: config.clone(),
    })
    .await
}

pub async fn rename_session(session_id: &str, title: &str) -> Result<Session, IpcError> {
    call(&c::RenameSession {
        session_id: text(session_id),
        title: text(title),
    })
    .await
}

pub async fn delete_session(session_id: &str) -> Result<(), IpcError> {
    call(&c::DeleteSession {
        session_id: text(session_id),
    })
    .await
}

pub async fn duplicate_session(session_id: &str) -> Result<Session, IpcError> {
    call(&c::DuplicateSession {
        session_id: text(session_id),
        title: None,
    })
    .await
}

pub async fn search_sessions(query: &str) -> Result<Vec<SearchHit>, IpcError> {
    call(&c::SearchSessions {
        query: text(query),
        limit: None,
    })
    .await
}

pub async fn session_totals(session_id: &str) -> Result<SessionTotals, IpcError> {
    call(&c::GetSessionTotals {
        session_id: text(session_id),
    })
    .await
}

/// A page of the session's messages: the last `limit` of them, or the
/// `limit` before position `before`.
pub async fn list_messages(
    session_id: &str,
    before: Option<i64>,
    limit: usize,
) -> Result<MessagePage, IpcError> {
    call(&c::ListMessages {
        session_id: text(session_id),
        before,
        after: None,
        limit: Some(limit),
    })
    .await
}

pub async fn add_message(
    session_id: &str,
    message: &NewMessage,
) -> Result<StoredMessage, IpcError> {
    call(&c::AddMessage {
        session_id: text(session_id),
        message: message.clone(),
    })
    .await
}

pub async fn truncate_from(message_id: &str) -> Result<usize, IpcError> {
    call(&c::DeleteBranch {
        message_id: text(message_id),
    })
    .await
}

pub async fn send_message(session_id: &str, content: &str) -> Result<StartedTurn, IpcError> {
    call(&c::SendMessage {
        session_id: text(session_id),
        content: text(content),
    })
    .await
}

pub async fn continue_turn(session_id: &str) -> Result<StartedTurn, IpcError> {
    call(&c::ContinueTurn {
        session_id: text(session_id),
    })
    .await
}

pub async fn stop_turn(message_id: &str) -> Result<bool, IpcError> {
    call(&c::StopTurn {
        message_id: text(message_id),
    })
    .await
}

pub async fn get_settings() -> Result<SettingsView, IpcError> {
    call(&c::GetSettings {}).await
}

pub async fn save_settings(settings: &Settings) -> Result<Settings, IpcError> {
    call(&c::SaveSettings {
        settings: settings.clone(),
    })
    .await
}

/// Who would answer through `provider` as it is typed: the name its prices
/// are filed under.
pub async fn served_by(provider: &ProviderConfig) -> Result<ServedBy, IpcError> {
    call(&c::GetServedBy {
        provider: provider.clone(),
    })
    .await
}

/// Stores a provider's API key in the keyring; `None` deletes it.
pub async fn set_api_key(provider_id: &str, api_key: Option<&str>) -> Result<(), IpcError> {
    call(&c::SetApiKey {
        provider_id: text(provider_id),
        api_key: api_key.map(text),
    })
    .await
}

/// Publishes the session. `options: None` publishes with the options used
/// last time; `replaces` names a link just made that the new one revokes.
pub async fn share_session(
    session_id: &str,
    options: Option<&ShareOptions>,
    replaces: Option<&str>,
) -> Result<ShareResult, IpcError> {
    call(&c::ShareSession {
        session_id: text(session_id),
        options: options.cloned(),
        replaces: replaces.map(text),
    })
    .await
}

/// The options of the last link made.
pub async fn share_options() -> Result<ShareOptions, IpcError> {
    call(&c::GetShareOptions {}).await
}

/// Writes the conversation to one self-contained HTML file.
pub async fn save_share_file(
    session_id: &str,
    options: Option<&ShareOptions>,
) -> Result<SavedFile, IpcError> {
    call(&c::SaveShareFile {
        session_id: text(session_id),
        options: options.cloned(),
    })
    .await
}

pub async fn copy_share_markdown(
    session_id: &str,
    options: Option<&ShareOptions>,
) -> Result<CopiedMarkdown, IpcError> {
    call(&c::CopyShareMarkdown {
        session_id: text(session_id),
        options: options.cloned(),
    })
    .await
}

/// Shows the file in the system's file manager.
pub async fn reveal_file(path: &str) -> Result<(), IpcError> {
    call(&c::RevealFile { path: text(path) }).await
}

pub async fn list_shares() -> Result<Vec<ShareListItem>, IpcError> {
    call(&c::ListShares {}).await
}

/// Revokes a link; the list is read again afterwards.
pub async fn revoke_share(share_id: &str) -> Result<(), IpcError> {
    call(&c::RevokeShare {
        share_id: text(share_id),
    })
    .await
    .map(drop)
}

pub async fn open_share(share_id: &str) -> Result<(), IpcError> {
    call(&c::OpenShare {
        share_id: text(share_id),
    })
    .await
}

pub async fn import_share(url: &str) -> Result<Session, IpcError> {
    call(&c::ImportShare { url: text(url) }).await
}

pub async fn copy_text(value: &str) -> Result<(), IpcError> {
    call(&c::CopyText { text: text(value) }).await
}

pub async fn share_server_info() -> Result<ShareServerStatus, IpcError> {
    call(&c::ShareServerInfo {}).await
}

/// The addresses the embedded server can listen on for "On my network".
pub async fn network_addresses() -> Result<Vec<NetworkAddress>, IpcError> {
    call(&c::NetworkAddresses {}).await
}

/// Checks a team server: `input` is a connect code or a URL (then `token`).
/// Nothing is stored.
pub async fn test_share_server(
    input: &str,
    token: Option<&str>,
) -> Result<ConnectionCheck, IpcError> {
    call(&c::TestShareServer {
        input: text(input),
        token: token.map(text),
    })
    .await
}

/// Tests the team server, then stores its token and URL and chooses team
/// mode; the settings as they are now.
pub async fn connect_team_server(
    input: &str,
    token: Option<&str>,
) -> Result<SettingsView, IpcError> {
    call(&c::ConnectTeamServer {
        input: text(input),
        token: token.map(text),
    })
    .await
}

/// Markdown rendered by the shell, with highlighted code.
pub async fn render_markdown(source: &str) -> Result<String, IpcError> {
    call(&c::RenderMarkdown {
        source: text(source),
    })
    .await
}

pub async fn highlight_stylesheet() -> Result<String, IpcError> {
    call(&c::HighlightStylesheet {}).await
}
