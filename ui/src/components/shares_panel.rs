//! My shares: every link made from this app (and those the team server
//! lists for the same token, made on another device), revoked and expired
//! ones included, each saying who can open it, how often it was opened, its
//! versions and whether it takes a password, with Open, Copy and Revoke.

use yew::prelude::*;

use super::modal::{Confirmation, Modal};
use super::reach::ReachLine;
use crate::errors::share_error_message;
use crate::format;
use crate::hooks::spawn_reported;
use crate::ipc::{self, IpcError};
use crate::sharing::{status_label, versions_label, views_line};
use crate::types::{ShareListItem, ShareSource, ShareStatus};

#[derive(Properties, PartialEq)]
pub struct SharesPanelProps {
    pub on_close: Callback<()>,
    pub on_confirm: Callback<Confirmation>,
}

#[component]
pub fn SharesPanel(props: &SharesPanelProps) -> Html {
    let shares = use_state(|| None::<Vec<ShareListItem>>);
    let error = use_state(|| None::<String>);
    let status = use_state(String::new);

    let failed = |doing: Option<&'static str>| {
        let error = error.clone();
        Callback::from(move |e: IpcError| {
            let message = share_error_message(&e);
            error.set(Some(match doing {
                Some(doing) => format!("{doing}: {message}"),
                None => message,
            }));
        })
    };
    let reload = {
        let shares = shares.clone();
        let report = failed(None);
        Callback::from(move |()| {
            let shares = shares.clone();
            spawn_reported(&report, async move {
                shares.set(Some(ipc::list_shares().await?));
                Ok(())
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |()| reload.emit(()));
    }

    let row = |share: &ShareListItem| {
        let id = share.share_id.clone();
        let copy = {
            let url = share.share_url.clone();
            let (status, error, report) = (status.clone(), error.clone(), failed(None));
            Callback::from(move |_: MouseEvent| {
                let url = url.clone();
                let (status, error) = (status.clone(), error.clone());
                spawn_reported(&report, async move {
                    ipc::copy_text(&url).await?;
                    error.set(None);
                    status.set("Link copied.".into());
                    Ok(())
                });
            })
        };
        let open = {
            let id = id.clone();
            let report = failed(Some("Could not open a browser"));
            Callback::from(move |_: MouseEvent| {
                let id = id.clone();
                spawn_reported(&report, async move { ipc::open_share(&id).await });
            })
        };
        let revoke = {
            let id = id.clone();
            let title = share.title.clone();
            let on_confirm = props.on_confirm.clone();
            let (reload, status, report) = (reload.clone(), status.clone(), failed(None));
            Callback::from(move |_: MouseEvent| {
                let (id, reload, status, report) =
                    (id.clone(), reload.clone(), status.clone(), report.clone());
                on_confirm.emit(Confirmation {
                    title: "Revoke this link?".into(),
                    message: format!(
                        "“{title}” will no longer be readable by anyone who has the link."
                    )
                    .into(),
                    confirm_label: "Revoke".into(),
                    on_confirm: Callback::from(move |()| {
                        let (id, reload, status) = (id.clone(), reload.clone(), status.clone());
                        spawn_reported(&report, async move {
                            ipc::revoke_share(&id).await?;
                            status.set("Link revoked.".into());
                            reload.emit(());
                            Ok(())
                        });
                    }),
                });
            })
        };
        let state = share.status.as_str();
        html! {
            <li key={id.clone()} class="share-row" data-share-id={id.clone()} data-status={state}>
                <div class="share-row-main">
                    <span class="share-row-title">
                        { share.title.clone() }
                        <span class="share-state" data-status={state}>{ status_label(share) }</span>
                        if share.protected {
                            <span class="share-state share-protected">{ "protected" }</span>
                        }
                        if let Some(versions) = versions_label(share) {
                            <span class="share-state share-versions">{ versions }</span>
                        }
                        if share.source == ShareSource::Server {
                            <span class="share-origin">{ "made on another device" }</span>
                        }
                    </span>
                    <span class="share-row-meta">
                        { format!("Shared {} · {}", format::date_time(&share.created_at), share.server_url) }
                    </span>
                    if let Some(views) = views_line(share) {
                        <span class="share-views">{ views }</span>
                    }
                    <span class="share-row-url">{ share.share_url.clone() }</span>
                    <ReachLine class="share-reach" reach={share.reach.clone()} />
                </div>
                <div class="share-row-actions">
                    <button type="button" class="button share-open" onclick={open}
                        aria-label={format!("Open {} in a browser", share.title)}>{ "Open in browser" }</button>
                    <button type="button" class="button share-copy" onclick={copy}
                        aria-label={format!("Copy the link of {}", share.title)}>{ "Copy" }</button>
                    if share.status == ShareStatus::Active {
                        <button type="button" class="button button-danger share-revoke" onclick={revoke}
                            aria-label={format!("Revoke {}", share.title)}>{ "Revoke" }</button>
                    }
                </div>
            </li>
        }
    };

    html! {
        <Modal id="shares-panel" close_id="shares-close" class="modal-wide" title="My shares" on_close={props.on_close.clone()}>
            <p id="shares-status" class="share-status" role="status" aria-live="polite">{ (*status).clone() }</p>
            if let Some(message) = &*error {
                <p id="shares-error" class="form-error" role="alert">{ message.clone() }</p>
            }
            { match shares.as_ref() {
                None => html! { <p class="field-hint">{ "Loading…" }</p> },
                Some(list) if list.is_empty() => html! {
                    <p id="shares-empty" class="field-hint">{ "You have not shared anything yet." }</p>
                },
                Some(list) => html! { <ul class="share-list">{ for list.iter().map(row) }</ul> },
            } }
        </Modal>
    }
}
