//! Parlor's desktop UI: a Yew app compiled to wasm and loaded by the Tauri
//! webview from `ui/dist` (built by `cargo xtask ui`).
//!
//! - [`app`]: the root component.
//! - [`components`]: presentational pieces.
//! - [`ipc`]: the only module that knows the Tauri bridge.

mod app;
mod components;
mod ipc;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
