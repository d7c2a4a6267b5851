//! The bridge to the desktop shell — the only module that knows Tauri.
//!
//! Tauri injects `window.__TAURI__` (`app.withGlobalTauri: true`); commands
//! are called with `window.__TAURI__.core.invoke(cmd, args)`. Everything else
//! in the UI calls the typed functions here and gets a `Result`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::types::{
    ConnectionCheck, CopiedMarkdown, MessagePage, NetworkAddress, NewMessage, ProviderConfig,
    SavedFile, SearchHit, ServedBy, Session, SessionConfig, SessionSummary, SessionTotals,
    Settings, SettingsView, ShareListItem, ShareOptions, ShareResult, ShareServerStatus,
    StartedTurn, StoredMessage,
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

/// The shape of errors the shell's commands return (`{code, message}`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CommandErrorBody {
    code: String,
    message: String,
    #[serde(default)]
    retry_after_secs: Option<u64>,
}

/// Whether the Tauri bridge is present.
pub fn is_available() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window, &JsValue::from_str("__TAURI__"))
        .is_ok_and(|tauri| tauri.is_object())
}

/// Calls the shell command `command` with `args` (a struct serialized to a JS
/// object of named arguments) and decodes its reply.
pub async fn invoke<A, R>(command: &str, args: &A) -> Result<R, IpcError>
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
    if let Ok(CommandErrorBody {
        code,
        message,
        retry_after_secs,
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

/// Calls `on_event` with the payload of every `event` the shell emits.
/// Payloads of another shape are skipped.
pub async fn listen<T, F>(event: &str, on_event: F) -> Result<Listener, IpcError>
where
    T: DeserializeOwned + 'static,
    F: Fn(T) + 'static,
{
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

pub const TURN_EVENT: &str = "turn:event";
pub const TURN_FINISHED: &str = "turn:finished";

// Commands ------------------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionId<'a> {
    session_id: &'a str,
}

#[derive(Serialize)]
struct NoArgs {}

pub async fn list_sessions() -> Result<Vec<SessionSummary>, IpcError> {
    invoke("list_sessions", &NoArgs {}).await
}

pub async fn create_session(config: &SessionConfig) -> Result<Session, IpcError> {
    #[derive(Serialize)]
    struct Args<'a> {
        config: &'a SessionConfig,
    }
    invoke("create_session", &Args { config }).await
}

pub async fn get_session(session_id: &str) -> Result<Session, IpcError> {
    invoke("get_session", &SessionId { session_id }).await
}

pub async fn update_session(session_id: &str, config: &SessionConfig) -> Result<Session, IpcError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        session_id: &'a str,
        config: &'a SessionConfig,
    }
    invoke("update_session", &Args { session_id, config }).await
}

pub async fn rename_session(session_id: &str, title: &str) -> Result<Session, IpcError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        session_id: &'a str,
        title: &'a str,
    }
    invoke("rename_session", &Args { session_id, title }).await
}

pub async fn delete_session(session_id: &str) -> Result<(), IpcError> {
    invoke("delete_session", &SessionId { session_id }).await
}

pub async fn duplicate_session(session_id: &str) -> Result<Session, IpcError> {
    invoke("duplicate_session", &SessionId { session_id }).await
}

pub async fn search_sessions(query: &str) -> Result<Vec<SearchHit>, IpcError> {
    #[derive(Serialize)]
    struct Args<'a> {
        query: &'a str,
    }
    invoke("search_sessions", &Args { query }).await
}

pub async fn session_totals(session_id: &str) -> Result<SessionTotals, IpcError> {
    invoke("session_totals", &SessionId { session_id }).await
}

/// A page of the session's messages: the last `limit` of them, or the
/// `limit` before position `before`.
pub async fn list_messages(
    session_id: &str,
    before: Option<i64>,
    limit: usize,
) -> Result<MessagePage, IpcError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        session_id: &'a str,
        before: Option<i64>,
        limit: usize,
    }
    invoke(
        "list_messages",
        &Args {
            session_id,
            before,
            limit,
        },
    )
    .await
}

pub async fn add_message(
    session_id: &str,
    message: &NewMessage,
) -> Result<StoredMessage, IpcError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        session_id: &'a str,
        message: &'a NewMessage,
    }
    invoke(
        "add_message",
        &Args {
            session_id,
            message,
        },
    )
    .await
}

pub async fn truncate_from(message_id: &str) -> Result<usize, IpcError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        message_id: &'a str,
    }
    invoke("truncate_from", &Args { message_id }).await
}

pub async fn send_message(session_id: &str, content: &str) -> Result<StartedTurn, IpcError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        session_id: &'a str,
        content: &'a str,
    }
    invoke(
        "send_message",
        &Args {
            session_id,
            content,
        },
    )
    .await
}

pub async fn continue_turn(session_id: &str) -> Result<StartedTurn, IpcError> {
    invoke("continue_turn", &SessionId { session_id }).await
}

pub async fn stop_turn(message_id: &str) -> Result<bool, IpcError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        message_id: &'a str,
    }
    invoke("stop_turn", &Args { message_id }).await
}

pub async fn get_settings() -> Result<SettingsView, IpcError> {
    invoke("get_settings", &NoArgs {}).await
}

pub async fn save_settings(settings: &Settings) -> Result<Settings, IpcError> {
    #[derive(Serialize)]
    struct Args<'a> {
        settings: &'a Settings,
    }
    invoke("save_settings", &Args { settings }).await
}

/// Who would answer through `provider` as it is typed: the name its prices
/// are filed under.
pub async fn served_by(provider: &ProviderConfig) -> Result<ServedBy, IpcError> {
    #[derive(Serialize)]
    struct Args<'a> {
        provider: &'a ProviderConfig,
    }
    invoke("served_by", &Args { provider }).await
}

/// Stores a provider's API key in the keyring; `None` deletes it.
pub async fn set_api_key(provider_id: &str, api_key: Option<&str>) -> Result<(), IpcError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        provider_id: &'a str,
        api_key: Option<&'a str>,
    }
    invoke(
        "set_api_key",
        &Args {
            provider_id,
            api_key,
        },
    )
    .await
}

/// Publishes the session. `options: None` publishes with the options used
/// last time; `replaces` names a link just made that the new one revokes.
pub async fn share_session(
    session_id: &str,
    options: Option<&ShareOptions>,
    replaces: Option<&str>,
) -> Result<ShareResult, IpcError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        session_id: &'a str,
        options: Option<&'a ShareOptions>,
        replaces: Option<&'a str>,
    }
    invoke(
        "share_session",
        &Args {
            session_id,
            options,
            replaces,
        },
    )
    .await
}

/// The options of the last link made.
pub async fn share_options() -> Result<ShareOptions, IpcError> {
    invoke("share_options", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportArgs<'a> {
    session_id: &'a str,
    options: Option<&'a ShareOptions>,
}

/// Writes the conversation to one self-contained HTML file (the shell asks
/// where).
pub async fn save_share_file(
    session_id: &str,
    options: Option<&ShareOptions>,
) -> Result<SavedFile, IpcError> {
    invoke(
        "save_share_file",
        &ExportArgs {
            session_id,
            options,
        },
    )
    .await
}

pub async fn copy_share_markdown(
    session_id: &str,
    options: Option<&ShareOptions>,
) -> Result<CopiedMarkdown, IpcError> {
    invoke(
        "copy_share_markdown",
        &ExportArgs {
            session_id,
            options,
        },
    )
    .await
}

/// Shows the file in the system's file manager.
pub async fn reveal_file(path: &str) -> Result<(), IpcError> {
    #[derive(Serialize)]
    struct Args<'a> {
        path: &'a str,
    }
    invoke("reveal_file", &Args { path }).await
}

pub async fn list_shares() -> Result<Vec<ShareListItem>, IpcError> {
    invoke("list_shares", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ShareId<'a> {
    share_id: &'a str,
}

/// Revokes a link; the list is read again afterwards, so the reply's shape
/// does not matter here.
pub async fn revoke_share(share_id: &str) -> Result<(), IpcError> {
    invoke::<_, serde::de::IgnoredAny>("revoke_share", &ShareId { share_id })
        .await
        .map(drop)
}

pub async fn open_share(share_id: &str) -> Result<(), IpcError> {
    invoke("open_share", &ShareId { share_id }).await
}

pub async fn import_share(url: &str) -> Result<Session, IpcError> {
    #[derive(Serialize)]
    struct Args<'a> {
        url: &'a str,
    }
    invoke("import_share", &Args { url }).await
}

pub async fn copy_text(text: &str) -> Result<(), IpcError> {
    #[derive(Serialize)]
    struct Args<'a> {
        text: &'a str,
    }
    invoke("copy_text", &Args { text }).await
}

pub async fn share_server_info() -> Result<ShareServerStatus, IpcError> {
    invoke("share_server_info", &NoArgs {}).await
}

/// The addresses the embedded server can listen on for "On my network".
pub async fn network_addresses() -> Result<Vec<NetworkAddress>, IpcError> {
    invoke("network_addresses", &NoArgs {}).await
}

#[derive(Serialize)]
struct TeamServerArgs<'a> {
    input: &'a str,
    token: Option<&'a str>,
}

/// Checks a team server: `input` is a connect code or a URL (then `token`).
/// Nothing is stored.
pub async fn test_share_server(
    input: &str,
    token: Option<&str>,
) -> Result<ConnectionCheck, IpcError> {
    invoke("test_share_server", &TeamServerArgs { input, token }).await
}

/// Tests the team server, then stores its token and URL and chooses team
/// mode; the settings as they are now.
pub async fn connect_team_server(
    input: &str,
    token: Option<&str>,
) -> Result<SettingsView, IpcError> {
    invoke("connect_team_server", &TeamServerArgs { input, token }).await
}

/// Markdown rendered by the shell, with highlighted code.
pub async fn render_markdown(source: &str) -> Result<String, IpcError> {
    #[derive(Serialize)]
    struct Args<'a> {
        source: &'a str,
    }
    invoke("render_markdown", &Args { source }).await
}

pub async fn highlight_stylesheet() -> Result<String, IpcError> {
    invoke("highlight_stylesheet", &NoArgs {}).await
}
