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
    ModelSetup, NewMessage, ProviderConfig, SessionConfig, Settings, ShareOptions, TurnEvent,
    TurnFinished,
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

/// `fn name(params) -> Command { fields };` makes
/// `pub async fn name(params) -> Result<Command's reply, IpcError>`, which
/// calls the contract's `Command` with `fields` built from `params`.
macro_rules! shorthands {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($($param:ident: $param_ty:ty),* $(,)?)
            -> $command:ident { $($field:ident $(: $value:expr)?),* $(,)? };
    )*) => {
        $(
            $(#[$doc])*
            pub async fn $name(
                $($param: $param_ty),*
            ) -> Result<<c::$command as Command>::Reply, IpcError> {
                call(&c::$command { $($field $(: $value)?),* }).await
            }
        )*
    };
}

shorthands! {
    // Sessions
    fn list_sessions() -> ListSessions {};
    fn create_session(config: &SessionConfig) -> CreateSession { config: config.clone() };
    fn get_session(id: &str) -> GetSession { session_id: id.into() };
    fn update_session(id: &str, config: &SessionConfig)
        -> UpdateSession { session_id: id.into(), config: config.clone() };
    fn rename_session(id: &str, title: &str)
        -> RenameSession { session_id: id.into(), title: title.into() };
    fn delete_session(id: &str) -> DeleteSession { session_id: id.into() };
    fn duplicate_session(id: &str) -> DuplicateSession { session_id: id.into(), title: None };
    fn search_sessions(query: &str) -> SearchSessions { query: query.into(), limit: None };
    fn session_totals(id: &str) -> GetSessionTotals { session_id: id.into() };

    // Messages and turns
    /// A page of the session's messages: the last `limit` of them, or the
    /// `limit` before position `before`.
    fn list_messages(id: &str, before: Option<i64>, limit: usize)
        -> ListMessages { session_id: id.into(), before, after: None, limit: Some(limit) };
    fn add_message(id: &str, message: &NewMessage)
        -> AddMessage { session_id: id.into(), message: message.clone() };
    /// The first `limit` messages of the selected path after position `after`.
    fn get_messages(ids: &[String]) -> GetMessages { message_ids: ids.to_vec() };
    fn delete_branch(message_id: &str) -> DeleteBranch { message_id: message_id.into() };
    fn select_branch(message_id: &str) -> SelectBranch { message_id: message_id.into() };
    fn fork_session(message_id: &str) -> ForkSession { message_id: message_id.into() };
    /// `attachments`: the SHA-256s `add_attachment` answered, in order.
    fn send_message(id: &str, content: &str, attachments: Vec<String>)
        -> SendMessage { session_id: id.into(), content: content.into(), attachments };
    fn resend_edited(message_id: &str, content: &str) -> ResendEdited { message_id: message_id.into(), content: content.into() };
    /// `setup: None`: the session's own.
    fn regenerate(message_id: &str, setup: Option<ModelSetup>) -> Regenerate { message_id: message_id.into(), setup };
    fn compare(id: &str, content: &str, attachments: Vec<String>, setups: Vec<ModelSetup>)
        -> Compare { session_id: id.into(), content: content.into(), attachments, setups };
    fn continue_turn(id: &str) -> ContinueTurn { session_id: id.into() };
    /// `false`: the turn had already ended.
    fn stop_turn(message_id: &str) -> StopTurn { message_id: message_id.into() };

    // Attachments
    /// Stores a file (`data`: standard base64) for the next message;
    /// `media_type: None`: the shell decides from the name or the bytes.
    fn add_attachment(name: &str, media_type: Option<String>, data: String)
        -> AddAttachment { name: name.into(), media_type, data };
    fn get_attachment(sha256: &str) -> GetAttachment { sha256: sha256.into() };
    /// The files a share of the session with `options` would publish.
    fn share_attachments(id: &str, options: Option<&ShareOptions>)
        -> ShareAttachments { session_id: id.into(), options: options.cloned() };

    // Settings and secrets
    fn get_settings() -> GetSettings {};
    fn save_settings(settings: &Settings) -> SaveSettings { settings: settings.clone() };
    /// Who would answer through `provider` as it is typed: the name its
    /// prices are filed under.
    fn served_by(provider: &ProviderConfig) -> GetServedBy { provider: provider.clone() };
    /// Stores a provider's API key in the keyring; `None` deletes it.
    fn set_api_key(provider_id: &str, api_key: Option<&str>)
        -> SetApiKey { provider_id: provider_id.into(), api_key: api_key.map(Into::into) };

    // Providers' own model lists
    fn list_models(provider_id: &str, refresh: bool) -> ListModels { provider_id: provider_id.into(), refresh };
    /// Lists the models of a provider entry as typed (`api_key: None`: the
    /// stored key).
    fn test_provider(provider: &ProviderConfig, api_key: Option<&str>) -> TestProvider { provider: provider.clone(), api_key: api_key.map(Into::into) };
    fn discover_providers() -> DiscoverProviders {};

    // Sharing
    /// Publishes the session. `options: None` publishes with the options used
    /// last time; `replaces` names a link just made that the new one revokes.
    fn share_session(id: &str, options: Option<&ShareOptions>, replaces: Option<&str>)
        -> ShareSession {
            session_id: id.into(),
            options: options.cloned(),
            replaces: replaces.map(Into::into),
        };
    /// Publishes the session as a new version of the link `share_id` (the
    /// same URL); `options: None`: the last used.
    fn update_share(id: &str, share_id: &str, options: Option<&ShareOptions>)
        -> UpdateShare {
            session_id: id.into(),
            share_id: share_id.into(),
            options: options.cloned(),
        };
    /// The conversation's link Share would update, if any.
    fn shared_before(id: &str) -> SharedBefore { session_id: id.into() };
    /// The options of the last link made.
    fn share_options() -> GetShareOptions {};
    /// Writes the conversation to one self-contained HTML file.
    fn save_share_file(id: &str, options: Option<&ShareOptions>)
        -> SaveShareFile { session_id: id.into(), options: options.cloned() };
    fn copy_share_markdown(id: &str, options: Option<&ShareOptions>)
        -> CopyShareMarkdown { session_id: id.into(), options: options.cloned() };
    /// Shows the file in the system's file manager.
    fn reveal_file(path: &str) -> RevealFile { path: path.into() };
    fn list_shares() -> ListShares {};
    /// Revokes a link; the list is read again afterwards.
    fn revoke_share(share_id: &str) -> RevokeShare { share_id: share_id.into() };
    fn open_share(share_id: &str) -> OpenShare { share_id: share_id.into() };
    fn import_share(url: &str) -> ImportShare { url: url.into() };
    fn copy_text(text: &str) -> CopyText { text: text.into() };

    // The share server
    fn share_server_info() -> ShareServerInfo {};
    /// The addresses the embedded server can listen on for "On my network".
    fn network_addresses() -> NetworkAddresses {};
    /// Checks a team server: `input` is a connect code or a URL (then
    /// `token`). Nothing is stored.
    fn test_share_server(input: &str, token: Option<&str>)
        -> TestShareServer { input: input.into(), token: token.map(Into::into) };
    /// Tests the team server, then stores its token and URL and chooses team
    /// mode; the settings as they are now.
    fn connect_team_server(input: &str, token: Option<&str>)
        -> ConnectTeamServer { input: input.into(), token: token.map(Into::into) };

    // Rendering
    /// Markdown rendered by the shell, with highlighted code.
    fn render_markdown(source: &str) -> RenderMarkdown { source: source.into() };
    fn highlight_stylesheet() -> HighlightStylesheet {};
}
