//! Import: a share link pasted here becomes a new session of this app
//! ("Continue in Parlor").

use yew::prelude::*;

use super::modal::Modal;
use crate::dom::value_of;
use crate::errors::share_error_message;
use crate::hooks::spawn_reported;
use crate::ipc::{self, IpcError};
use crate::types::Session;

#[derive(Properties, PartialEq)]
pub struct ImportDialogProps {
    pub on_close: Callback<()>,
    /// The share became this new session.
    pub on_imported: Callback<Session>,
}

/// Where the import is.
#[derive(Clone, PartialEq)]
enum Import {
    Typing,
    Importing,
    Failed(String),
}

#[component]
pub fn ImportDialog(props: &ImportDialogProps) -> Html {
    let url = use_state(String::new);
    let import = use_state(|| Import::Typing);

    let oninput = {
        let url = url.clone();
        Callback::from(move |e: InputEvent| url.set(value_of(&e)))
    };
    let onsubmit = {
        let (url, import) = (url.clone(), import.clone());
        let on_imported = props.on_imported.clone();
        let report = {
            let import = import.clone();
            Callback::from(move |e: IpcError| import.set(Import::Failed(share_error_message(&e))))
        };
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let link = url.trim().to_owned();
            if link.is_empty() {
                import.set(Import::Failed("Paste a share link first.".into()));
                return;
            }
            import.set(Import::Importing);
            let (import, on_imported) = (import.clone(), on_imported.clone());
            spawn_reported(&report, async move {
                let session = ipc::import_share(&link).await?;
                import.set(Import::Typing);
                on_imported.emit(session);
                Ok(())
            });
        })
    };
    let importing = *import == Import::Importing;

    html! {
        <Modal id="import-modal" close_id="import-close" title="Import a shared conversation"
            on_close={props.on_close.clone()}>
            <form class="import-form" {onsubmit}>
                <label for="import-url" class="field-label">{ "Share link" }</label>
                <p class="field-hint">{ "The conversation becomes a new session here, to continue it." }</p>
                <div class="share-url-row">
                    <input id="import-url" class="input" type="url" placeholder="https://…/shared/…"
                        value={(*url).clone()} {oninput} />
                    <button id="import-submit" type="submit" class="button button-primary" disabled={importing}>
                        { if importing { "Importing…" } else { "Continue in Parlor" } }
                    </button>
                </div>
            </form>
            if let Import::Failed(message) = &*import {
                <p id="import-error" class="form-error" role="alert">{ message.clone() }</p>
            }
        </Modal>
    }
}
