//! My shares: every link made from this app, with Open, Copy and Revoke;
//! and Import ("Continue in Parlor" from a share link).

use yew::prelude::*;

use super::modal::{Confirmation, Modal};
use crate::errors::share_error_message;
use crate::format;
use crate::ipc;
use crate::types::{Session, ShareRecord};

#[derive(Properties, PartialEq)]
pub struct SharesPanelProps {
    pub on_close: Callback<()>,
    pub on_confirm: Callback<Confirmation>,
    /// A share was imported as a new session.
    pub on_imported: Callback<Session>,
    /// Opened by Import: start in the link field.
    #[prop_or_default]
    pub import_first: bool,
}

#[component]
pub fn SharesPanel(props: &SharesPanelProps) -> Html {
    let shares = use_state(|| None::<Vec<ShareRecord>>);
    let error = use_state(|| None::<String>);
    let status = use_state(String::new);
    let import_url = use_state(String::new);
    let importing = use_state(|| false);
    let import_ref = use_node_ref();

    let reload = {
        let shares = shares.clone();
        let error = error.clone();
        Callback::from(move |()| {
            let shares = shares.clone();
            let error = error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::list_shares().await {
                    Ok(list) => shares.set(Some(
                        list.into_iter()
                            .filter(|s| s.revoked_at.is_none())
                            .collect(),
                    )),
                    Err(e) => error.set(Some(share_error_message(&e))),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        let import_ref = import_ref.clone();
        let import_first = props.import_first;
        use_effect_with((), move |()| {
            reload.emit(());
            if import_first && let Some(input) = import_ref.cast::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        });
    }

    let rows = shares.as_ref().map(|list| {
        list.iter()
            .map(|share| {
                let id = share.share_id.clone();
                let copy = {
                    let url = share.share_url.clone();
                    let (status, error) = (status.clone(), error.clone());
                    Callback::from(move |_: MouseEvent| {
                        let url = url.clone();
                        let (status, error) = (status.clone(), error.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match ipc::copy_text(&url).await {
                                Ok(()) => status.set("Link copied.".into()),
                                Err(e) => error.set(Some(share_error_message(&e))),
                            }
                        });
                    })
                };
                let open = {
                    let id = id.clone();
                    let error = error.clone();
                    Callback::from(move |_: MouseEvent| {
                        let id = id.clone();
                        let error = error.clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            if let Err(e) = ipc::open_share(&id).await {
                                error.set(Some(share_error_message(&e)));
                            }
                        });
                    })
                };
                let revoke = {
                    let id = id.clone();
                    let title = share.title.clone();
                    let on_confirm = props.on_confirm.clone();
                    let (reload, status, error) = (reload.clone(), status.clone(), error.clone());
                    Callback::from(move |_: MouseEvent| {
                        let id = id.clone();
                        let (reload, status, error) = (reload.clone(), status.clone(), error.clone());
                        on_confirm.emit(Confirmation {
                            title: "Revoke this link?".into(),
                            message: format!(
                                "“{title}” will no longer be readable by anyone who has the link."
                            )
                            .into(),
                            confirm_label: "Revoke".into(),
                            on_confirm: Callback::from(move |()| {
                                let id = id.clone();
                                let (reload, status, error) =
                                    (reload.clone(), status.clone(), error.clone());
                                wasm_bindgen_futures::spawn_local(async move {
                                    match ipc::revoke_share(&id).await {
                                        Ok(_) => {
                                            status.set("Link revoked.".into());
                                            reload.emit(());
                                        }
                                        Err(e) => error.set(Some(share_error_message(&e))),
                                    }
                                });
                            }),
                        });
                    })
                };
                let expiry = share
                    .expires_at
                    .as_deref()
                    .map_or_else(|| "never expires".to_owned(), |at| format!("expires {}", format::date_time(at)));
                html! {
                    <li key={id.clone()} class="share-row" data-share-id={id.clone()}>
                        <div class="share-row-main">
                            <span class="share-row-title">{ share.title.clone() }</span>
                            <span class="share-row-meta">
                                { format!("Shared {} · {} · {}", format::date_time(&share.created_at), expiry, share.server_url) }
                            </span>
                            <a class="share-row-url" href={share.share_url.clone()}
                                onclick={Callback::from(|e: MouseEvent| e.prevent_default())}>{ share.share_url.clone() }</a>
                        </div>
                        <div class="share-row-actions">
                            <button type="button" class="button share-open" onclick={open}
                                aria-label={format!("Open {}", share.title)}>{ "Open" }</button>
                            <button type="button" class="button share-copy" onclick={copy}
                                aria-label={format!("Copy the link of {}", share.title)}>{ "Copy" }</button>
                            <button type="button" class="button button-danger share-revoke" onclick={revoke}
                                aria-label={format!("Revoke {}", share.title)}>{ "Revoke" }</button>
                        </div>
                    </li>
                }
            })
            .collect::<Html>()
    });

    let import_input = {
        let import_url = import_url.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            import_url.set(input.value());
        })
    };
    let import = {
        let (import_url, importing, error) = (import_url.clone(), importing.clone(), error.clone());
        let on_imported = props.on_imported.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let url = import_url.trim().to_owned();
            if url.is_empty() {
                error.set(Some("Paste a share link first.".into()));
                return;
            }
            importing.set(true);
            error.set(None);
            let (importing, error, on_imported) =
                (importing.clone(), error.clone(), on_imported.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::import_share(&url).await {
                    Ok(session) => on_imported.emit(session),
                    Err(e) => error.set(Some(share_error_message(&e))),
                }
                importing.set(false);
            });
        })
    };

    html! {
        <Modal id="shares-panel" close_id="shares-close" class="modal-wide" title="My shares" on_close={props.on_close.clone()}>
            <form class="import-form" onsubmit={import}>
                <label for="import-url" class="field-label">{ "Continue a shared conversation in Parlor" }</label>
                <div class="share-url-row">
                    <input id="import-url" ref={import_ref} class="input" type="url" placeholder="https://…/shared/…"
                        value={(*import_url).clone()} oninput={import_input} />
                    <button id="import-submit" type="submit" class="button button-primary" disabled={*importing}>
                        { if *importing { "Importing…" } else { "Continue in Parlor" } }
                    </button>
                </div>
            </form>
            <p id="shares-status" class="share-status" role="status" aria-live="polite">{ (*status).clone() }</p>
            if let Some(message) = &*error {
                <p id="shares-error" class="form-error" role="alert">{ message.clone() }</p>
            }
            { match (rows, shares.as_ref().map(Vec::is_empty)) {
                (_, None) => html! { <p class="field-hint">{ "Loading…" }</p> },
                (_, Some(true)) => html! { <p class="field-hint">{ "You have not shared anything yet." }</p> },
                (Some(rows), _) => html! { <ul class="share-list">{ rows }</ul> },
                (None, _) => html! {},
            } }
        </Modal>
    }
}
