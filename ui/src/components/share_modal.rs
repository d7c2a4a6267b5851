//! The Share dialog. Opening it publishes at once with the options used
//! last time (the shell copies the link) — unless the conversation has a
//! link already, then it offers to update that link or make a new one
//! ([`update`]); then it shows the link, who can
//! open it and the ways out when that is only this computer, the QR code,
//! earlier links of the conversation, the files it publishes (each can be
//! left out), a file or Markdown instead, and the options to publish again
//! with. State is the [`ShareDialog`] reducer; what it asks of the shell is
//! in [`commands`].

mod attachments;
mod commands;
mod earlier;
mod exports;
mod link;
mod options;
mod update;

use yew::prelude::*;

use self::attachments::{ShareAttachments, use_share_attachments};
use self::commands::use_share_commands;
use self::earlier::EarlierShares;
use self::exports::ShareExports;
use self::link::ShareLink;
use self::options::ShareOptionsForm;
use self::update::SharedBeforeChoice;
use super::modal::Modal;
use crate::hooks::{focus, spawn_reported};
use crate::ipc;
use crate::share_dialog::{Export, ShareAction, ShareDialog};
use crate::types::{ShareServerMode, StoredMessage};

#[derive(Properties, PartialEq)]
pub struct ShareModalProps {
    pub session_id: AttrValue,
    pub messages: Vec<StoredMessage>,
    pub on_close: Callback<()>,
    /// "Connect a team server" / "Share on my network": Settings, at the
    /// share server, with that mode chosen.
    pub on_open_settings: Callback<ShareServerMode>,
}

#[component]
pub fn ShareModal(props: &ShareModalProps) -> Html {
    let dialog = {
        let ids: Vec<String> = props.messages.iter().map(|m| m.id.clone()).collect();
        use_reducer(move || ShareDialog::new(ids))
    };
    let dispatch = dialog.dispatcher();
    let commands = use_share_commands(&props.session_id, &dialog);
    use_share_attachments(&props.session_id, &dialog);

    // Opening is publishing, unless the conversation has a link to update;
    // meanwhile the server's cap and the last used options are fetched for
    // the options form.
    {
        let (publish, dispatch) = (commands.publish.clone(), dispatch.clone());
        let session_id = props.session_id.clone();
        use_effect_with((), move |()| {
            let quiet = Callback::noop();
            spawn_reported(&quiet, {
                let dispatch = dispatch.clone();
                async move {
                    match ipc::shared_before(&session_id).await {
                        Ok(Some(share)) => dispatch.dispatch(ShareAction::SharedBefore(share)),
                        // No link yet, or the shell could not say: a new one.
                        Ok(None) | Err(_) => publish.emit((None, None)),
                    }
                    Ok(())
                }
            });
            spawn_reported(&quiet, {
                let dispatch = dispatch.clone();
                async move {
                    let status = ipc::share_server_info().await?;
                    dispatch.dispatch(ShareAction::Server {
                        max_expiry_seconds: status.info.and_then(|i| i.max_expiry_seconds),
                        reach: status.reach.kind,
                    });
                    Ok(())
                }
            });
            spawn_reported(&quiet, async move {
                let options = ipc::share_options().await?;
                dispatch.dispatch(ShareAction::LastOptions(options));
                Ok(())
            });
        });
    }

    // A new link takes the focus to Copy (what was focused may be gone).
    let made = dialog.result.as_ref().map(|r| r.share_id.clone());
    use_effect_with(made, |made| {
        if made.is_some() {
            focus("share-copy");
        }
    });

    let on_edit = dispatch.to_callback().reform(ShareAction::Edit);
    let toggle_options = dispatch
        .to_callback()
        .reform(|_: MouseEvent| ShareAction::ToggleOptions);
    let on_way = props.on_open_settings.clone();

    let saving = dialog.exports.making == Some(Export::File);
    let feedback = feedback(&dialog, commands.retry);
    html! {
        <Modal id="share-modal" close_id="share-close" class="modal-share" title="Share this conversation"
            on_close={props.on_close.clone()}>
            if let Some(result) = &dialog.result {
                <ShareLink result={result.clone()} on_copy={commands.copy} on_open={commands.open} {on_way}
                    on_save_file={commands.save_file.clone()} {saving}>
                    { feedback }
                </ShareLink>
            } else {
                if let Some(share) = dialog.offers_update() {
                    <SharedBeforeChoice share={share.clone()} on_update={commands.update}
                        on_new_link={commands.new_link} />
                }
                if dialog.publishing {
                    <p id="share-publishing" class="share-publishing" aria-hidden="true">{ "Publishing…" }</p>
                }
                { feedback }
            }
            <ShareAttachments dialog={(*dialog).clone()} on_edit={on_edit.clone()}
                on_republish={commands.republish.clone()} />
            if let Some(result) = &dialog.result {
                <EarlierShares shares={result.earlier.clone()} />
            }
            <div class="share-more">
                <button id="share-options-toggle" type="button" class="button button-quiet"
                    aria-expanded={dialog.options_open.to_string()} aria-controls="share-options"
                    onclick={toggle_options}>
                    { if dialog.options_open { "Hide options" } else { "Options…" } }
                </button>
                <ShareExports exports={dialog.exports.clone()} on_save_file={commands.save_file}
                    on_copy_markdown={commands.copy_markdown} on_reveal={commands.reveal} />
            </div>
            if dialog.options_open {
                <ShareOptionsForm dialog={(*dialog).clone()} messages={props.messages.clone()} {on_edit}
                    on_republish={commands.republish} />
            }
        </Modal>
    }
}

/// What just happened: under the link when there is one, else on top.
fn feedback(dialog: &ShareDialog, retry: Callback<MouseEvent>) -> Html {
    html! {
        <>
            <p id="share-status" class="share-status" role="status" aria-live="polite">{ dialog.status.clone() }</p>
            if let Some(message) = &dialog.publish_error {
                <div class="share-error-row">
                    <p id="share-error" class="form-error" role="alert">{ message.clone() }</p>
                    if dialog.failed && !dialog.publishing {
                        <button id="share-retry" type="button" class="button" onclick={retry}>{ "Try again" }</button>
                    }
                </div>
                if dialog.failed {
                    <p class="field-hint">{ "Without a link, the conversation can still go as an HTML file or as Markdown." }</p>
                }
            }
            if let Some(message) = &dialog.error {
                <p id="share-action-error" class="form-error" role="alert">{ message.clone() }</p>
            }
        </>
    }
}
