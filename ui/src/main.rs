//! Parlor's desktop UI: a Yew app compiled to wasm and loaded by the Tauri
//! webview from `ui/dist` (built by `cargo xtask ui`).
//!
//! - [`app`]: the root component; [`state`]: its reducers (the open
//!   session, and the dialog, question and banner over it).
//! - [`components`]: the screens' pieces; [`hooks`]: the App's commands,
//!   its start, the page around it, and DOM plumbing; [`dom`]: what a
//!   handler reads from an event.
//! - [`ipc`]: the only module that knows the Tauri bridge; [`types`]: the
//!   shapes it carries.
//! - Plain logic, tested on the host (`cargo test -p ui`): [`format`],
//!   [`template`], [`tools`], [`theme`], [`errors`], [`prices`], [`sharing`],
//!   [`answer`] (where an answer came from), [`models`] (providers' models);
//!   the Share dialog's reducer [`share_dialog`], Settings' form
//!   [`settings_form`] and its share-server part [`share_server_form`].

mod answer;
mod app;
mod batch;
mod components;
mod dom;
mod errors;
#[cfg(test)]
mod fixtures;
mod format;
mod hooks;
mod ipc;
mod models;
mod prices;
mod settings_form;
mod share_dialog;
mod share_server_form;
mod sharing;
mod state;
mod template;
mod theme;
mod tools;
mod types;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
