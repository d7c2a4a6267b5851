//! The ways out that need no server: the conversation as one HTML file
//! (shown in its folder afterwards) or as Markdown on the clipboard. They
//! work when publishing failed too.

use yew::prelude::*;

use crate::share_dialog::{Export, Exports};
use crate::sharing::{Removed, removed_line};

#[derive(Properties, PartialEq)]
pub struct ShareExportsProps {
    pub exports: Exports,
    pub on_save_file: Callback<()>,
    pub on_copy_markdown: Callback<()>,
    pub on_reveal: Callback<String>,
}

#[component]
pub fn ShareExports(props: &ShareExportsProps) -> Html {
    let click = |callback: &Callback<()>| callback.reform(|_: MouseEvent| ());
    let Exports {
        making,
        saved_file,
        removed,
    } = &props.exports;
    let busy = making.is_some();
    html! {
        <section class="share-exports" aria-label="Without a link">
            <div class="share-export-buttons">
                <button id="share-save-file" type="button" class="button" disabled={busy}
                    onclick={click(&props.on_save_file)}>
                    { if *making == Some(Export::File) { "Saving…" } else { "Save as HTML file…" } }
                </button>
                <button id="share-copy-markdown" type="button" class="button" disabled={busy}
                    onclick={click(&props.on_copy_markdown)}>{ "Copy as Markdown" }</button>
            </div>
            if let Some(saved) = saved_file {
                <div class="share-file-row">
                    <p id="share-file-status" class="share-file-status">
                        { "Saved to " }<code class="share-file-path">{ saved.path.clone() }</code>
                    </p>
                    <button id="share-reveal-file" type="button" class="button button-quiet"
                        onclick={{
                            let path = saved.path.clone();
                            props.on_reveal.reform(move |_: MouseEvent| path.clone())
                        }}>{ "Show in folder" }</button>
                </div>
            }
            if let Some((export, summary)) = removed {
                <p id="share-export-redacted" class="share-fact share-redacted">
                    { removed_line(if *export == Export::File { Removed::FromFile } else { Removed::FromMarkdown }, summary) }
                </p>
            }
        </section>
    }
}
