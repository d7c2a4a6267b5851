//! Parlor's desktop app. Business logic lives in plain modules that know
//! nothing of Tauri (and are what the tests drive); [`commands`] is the thin
//! Tauri layer over them and [`run`] builds the app.
//!
//! - [`store`]: SQLite (sessions, messages, shares, settings).
//! - [`providers`]: streaming OpenAI-compatible, Anthropic and Ollama clients.
//! - [`attachments`]: what may be attached, images stripped of metadata.
//! - [`turns`]: one chat turn from the user's message to the stored answer.
//! - [`secrets`]: the keyring (API keys, share token).
//! - [`served_by`]: who served an answer, as shares name it and prices charge it.
//! - [`share`] with [`redact`]: publish, list, revoke, import shares.
//! - [`embedded`]: the in-process share server used when no team server is set.
//! - [`app`]: the [`app::AppCore`] the commands and tests work with.
//!
//! The contract with the UI (command names, arguments, replies, events,
//! error codes) is the `contract` crate's. The modules sit on floors and
//! import only downwards: `floors.rs` declares the order and its test checks
//! it (`cargo test -p parlor --lib floors`). Modules that tests in `tests/`
//! do not use are crate-private, so the dead-code lint sees them.

pub mod app;
pub mod attachments;
pub(crate) mod commands;
pub mod embedded;
pub mod error;
pub(crate) mod network;
pub(crate) mod providers;
pub(crate) mod redact;
pub mod secrets;
pub(crate) mod served_by;
pub mod settings;
pub mod share;
pub mod store;
pub mod turns;

#[cfg(test)]
mod floors;

use std::sync::Arc;

use tauri::Manager;

use crate::app::AppCore;
use crate::secrets::KeyringStore;

/// Registers the command handlers and names them: [`REGISTERED`] is checked
/// against the contract's `COMMANDS` by a test.
macro_rules! handlers {
    ($($name:ident),* $(,)?) => {
        /// The commands `run()` registers, by name.
        #[cfg(test)]
        const REGISTERED: &[&str] = &[$(stringify!($name)),*];

        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(commands::$name),*]
        }
    };
}

handlers!(
    list_sessions,
    create_session,
    get_session,
    update_session,
    rename_session,
    delete_session,
    duplicate_session,
    search_sessions,
    session_totals,
    list_messages,
    add_message,
    edit_message,
    get_messages,
    select_branch,
    fork_session,
    delete_branch,
    add_attachment,
    get_attachment,
    share_attachments,
    send_message,
    continue_turn,
    resend_edited,
    regenerate,
    compare,
    stop_turn,
    get_settings,
    save_settings,
    set_api_key,
    model_price,
    served_by,
    list_models,
    test_provider,
    discover_providers,
    share_session,
    update_share,
    shared_before,
    list_shares,
    revoke_share,
    open_share,
    import_share,
    copy_text,
    share_server_info,
    share_options,
    save_share_file,
    copy_share_markdown,
    reveal_file,
    network_addresses,
    test_share_server,
    connect_team_server,
    render_markdown,
    highlight_stylesheet,
);

/// Builds and runs the app until its last window closes.
pub fn run() {
    init_tracing();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            let core = AppCore::open(&data_dir, Arc::new(KeyringStore))?;
            tracing::info!("data in {}", data_dir.display());
            // Links published earlier point at the embedded server: serve
            // them from the start, not from the first Share.
            let embedded_core = Arc::clone(&core);
            tauri::async_runtime::spawn(async move {
                if let Err(e) = embedded::start(&embedded_core).await {
                    tracing::warn!("{e}");
                }
            });
            app.manage(core);
            Ok(())
        })
        .invoke_handler(invoke_handler())
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("Parlor could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event
            && let Some(core) = handle.try_state::<Arc<AppCore>>()
        {
            tauri::async_runtime::block_on(embedded::shutdown(&core));
        }
    });
}

/// Logs to stderr; `RUST_LOG` overrides the default level.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,parlor=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    /// The handlers registered are exactly the contract's commands.
    #[test]
    fn every_contract_command_has_its_handler() {
        let mut registered = super::REGISTERED.to_vec();
        let mut declared = contract::COMMANDS.to_vec();
        registered.sort_unstable();
        declared.sort_unstable();
        assert_eq!(registered, declared);
    }

    /// Every command has its permission in the capability, and nothing else
    /// is granted beyond event listening.
    #[test]
    fn capability_grants_exactly_the_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let granted: Vec<&str> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let mut expected: Vec<String> = contract::COMMANDS
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        expected.push("core:event:allow-listen".into());
        expected.push("core:event:allow-unlisten".into());
        let mut granted_sorted: Vec<String> = granted.iter().map(|s| (*s).to_owned()).collect();
        granted_sorted.sort();
        expected.sort();
        assert_eq!(granted_sorted, expected);
    }
}
