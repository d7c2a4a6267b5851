//! The bridge to the desktop shell — the only module that knows Tauri.
//!
//! Tauri injects `window.__TAURI__` (`app.withGlobalTauri: true`); commands
//! are called with `window.__TAURI__.core.invoke(cmd, args)`. Everything else
//! in the UI calls the typed functions here and gets a `Result`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
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
    Command { code: String, message: String },
}

/// The shape of errors the shell's commands return (`{code, message}`).
#[derive(Deserialize)]
struct CommandErrorBody {
    code: String,
    message: String,
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
#[allow(
    dead_code,
    reason = "the first commands arrive with the desktop app; the bridge is ready for them"
)]
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
    if let Ok(CommandErrorBody { code, message }) = serde_wasm_bindgen::from_value(error.clone()) {
        return IpcError::Command { code, message };
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
    }
}
