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

#[component]
pub fn ImportDialog(props: &ImportDialogProps) -> Html {
    let url = use_state(String::new);
    let importing = use_state(|| false);
    let error = use_state(|| None::<String>);

    let oninput = {
        let url = url.clone();
        Callback::from(move |e: InputEvent| url.set(value_of(&e)))
    };
    let onsubmit = {
        let (url, importing, error) = (url.clone(), importing.clone(), error.clone());
        let on_imported = props.on_imported.clone();
        let report = {
            let (importing, error) = (importing.clone(), error.clone());
            Callback::from(move |e: IpcError| {
                importing.set(false);
                error.set(Some(share_error_message(&e)));
            })
        };
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let link = url.trim().to_owned();
            if link.is_empty() {
                error.set(Some("Paste a share link first.".into()));
                return;
            }
            importing.set(true);
            error.set(None);
            let (importing, on_imported) = (importing.clone(), on_imported.clone());
            spawn_reported(&report, async move {
                let session = ipc::import_share(&link).await?;
                importing.set(false);
                on_imported.emit(session);
                Ok(())
            });
        })
    };

    html! {
        <Modal id="import-modal" close_id="import-close" title="Import a shared conversation"
            on_close={props.on_close.clone()}>
            <form class="import-form" {onsubmit}>
                <label for="import-url" class="field-label">{ "Share link" }</label>
                <p class="field-hint">{ "The conversation becomes a new session here, to continue it." }</p>
                <div class="share-url-row">
                    <input id="import-url" class="input" type="url" placeholder="https://…/shared/…"
                        value={(*url).clone()} {oninput} />
                    <button id="import-submit" type="submit" class="button button-primary" disabled={*importing}>
                        { if *importing { "Importing…" } else { "Continue in Parlor" } }
                    </button>
                </div>
            </form>
            if let Some(message) = &*error {
                <p id="import-error" class="form-error" role="alert">{ message.clone() }</p>
            }
        </Modal>
    }
}
