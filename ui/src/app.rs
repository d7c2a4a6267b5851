//! The root component. For now a starting screen that proves the pieces are
//! wired: the wasm loaded, the shared Markdown renderer runs here, and whether
//! the desktop shell's bridge is present.

use yew::prelude::*;

use crate::components::markdown::Markdown;
use crate::ipc;

/// Shown until the chat view exists: it exercises the same renderer the
/// public share page uses.
const WELCOME: &str = "\
**Welcome to Parlor.** Chat with a model, see what every answer cost, and press \
*Share* to publish a read-only link.

```rust
fn main() {
    println!(\"rendered by chat_core::render_markdown\");
}
```

Raw HTML such as <script>alert(1)</script> shows as text, and \
[unsafe links](javascript:alert(1)) lose their URL.";

#[component]
pub fn App() -> Html {
    let bridge = if ipc::is_available() {
        "connected to the desktop shell"
    } else {
        "running without the desktop shell (no Tauri bridge)"
    };
    html! {
        <div class="app">
            <header class="app-header">
                <h1 class="app-title">{ "Parlor" }</h1>
                <span class="app-version">{ concat!("v", env!("CARGO_PKG_VERSION")) }</span>
            </header>
            <main class="app-main">
                <p class="app-status" role="status">{ format!("Interface loaded, {bridge}.") }</p>
                <div class="messages">
                    <article class="msg msg-assistant">
                        <header class="msg-header">
                            <span class="msg-role">{ "Assistant" }</span>
                        </header>
                        <Markdown source={WELCOME} />
                    </article>
                </div>
            </main>
        </div>
    }
}
