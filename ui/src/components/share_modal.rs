//! The Share dialog. Opening it publishes at once with the options used
//! last time (the shell copies the link); then it shows the link, who can
//! open it and the ways out when that is only this computer, the QR code,
//! earlier links of the conversation, a file or Markdown instead, and the
//! options to publish again with. State is the [`ShareDialog`] reducer.

mod earlier;
mod exports;
mod link;
mod options;

use yew::prelude::*;

use self::earlier::EarlierShares;
use self::exports::ShareExports;
use self::link::ShareLink;
use self::options::ShareOptionsForm;
use super::modal::Modal;
use crate::errors::{is_cancelled, share_error_message};
use crate::hooks::{focus, spawn_reported};
use crate::ipc::{self, IpcError};
use crate::share_dialog::{COPIED, Export, FormEdit, ShareAction, ShareDialog};
use crate::types::{ShareOptions, ShareServerMode, StoredMessage};

#[derive(Properties, PartialEq)]
pub struct ShareModalProps {
    pub session_id: AttrValue,
    pub messages: Vec<StoredMessage>,
    pub on_close: Callback<()>,
    /// "Connect a team server" / "Share on my network": Settings, at the
    /// share server, with that mode chosen.
    pub on_open_settings: Callback<ShareServerMode>,
}

/// What a publish call carries: the options (none: the last used) and the
/// link it replaces.
type PublishRequest = (Option<ShareOptions>, Option<String>);

#[component]
pub fn ShareModal(props: &ShareModalProps) -> Html {
    let dialog = {
        let ids: Vec<String> = props.messages.iter().map(|m| m.id.clone()).collect();
        use_reducer(move || ShareDialog::new(ids))
    };
    let dispatch = dialog.dispatcher();
    // A failure other than publishing, said with what was being done.
    let failed = |doing: &'static str| {
        let dispatch = dispatch.clone();
        Callback::from(move |e: IpcError| {
            dispatch.dispatch(ShareAction::Failed(format!(
                "{doing}: {}",
                share_error_message(&e)
            )));
        })
    };

    let publish = {
        let dispatch = dispatch.clone();
        let session_id = props.session_id.clone();
        let report = {
            let dispatch = dispatch.clone();
            Callback::from(move |e: IpcError| {
                dispatch.dispatch(ShareAction::PublishFailed(share_error_message(&e)));
            })
        };
        Callback::from(move |(options, replaces): PublishRequest| {
            dispatch.dispatch(ShareAction::Publishing);
            let (dispatch, session_id) = (dispatch.clone(), session_id.clone());
            spawn_reported(&report, async move {
                let shared =
                    ipc::share_session(&session_id, options.as_ref(), replaces.as_deref()).await?;
                dispatch.dispatch(ShareAction::Published(shared));
                Ok(())
            });
        })
    };

    // Opening is publishing; meanwhile the server's cap and the last used
    // options are fetched for the options form.
    {
        let (publish, dispatch) = (publish.clone(), dispatch.clone());
        use_effect_with((), move |()| {
            publish.emit((None, None));
            let quiet = Callback::noop();
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

    let share_url = dialog.result.as_ref().map(|r| r.share_url.clone());
    let share_id = dialog.result.as_ref().map(|r| r.share_id.clone());
    let on_copy = {
        let (dispatch, report) = (dispatch.clone(), failed("Could not copy the link"));
        let url = share_url.clone();
        Callback::from(move |()| {
            let Some(url) = url.clone() else { return };
            let dispatch = dispatch.clone();
            spawn_reported(&report, async move {
                ipc::copy_text(&url).await?;
                dispatch.dispatch(ShareAction::Status(COPIED.to_owned()));
                Ok(())
            });
        })
    };
    let on_open = {
        let report = failed("Could not open a browser");
        let id = share_id.clone();
        Callback::from(move |()| {
            let Some(id) = id.clone() else { return };
            spawn_reported(&report, async move { ipc::open_share(&id).await });
        })
    };
    let on_save_file = {
        let (dispatch, report) = (dispatch.clone(), failed("Could not save the file"));
        let session_id = props.session_id.clone();
        let chosen = dialog.chosen_options();
        Callback::from(move |()| {
            let options = match chosen.clone() {
                Ok(options) => options,
                Err(message) => return dispatch.dispatch(ShareAction::Failed(message)),
            };
            dispatch.dispatch(ShareAction::Exporting(Export::File));
            let (dispatch, session_id) = (dispatch.clone(), session_id.clone());
            spawn_reported(&report, async move {
                match ipc::save_share_file(&session_id, options.as_ref()).await {
                    Ok(saved) => dispatch.dispatch(ShareAction::FileSaved(saved)),
                    Err(e) if is_cancelled(&e) => dispatch.dispatch(ShareAction::Cancelled),
                    Err(e) => return Err(e),
                }
                Ok(())
            });
        })
    };
    let on_copy_markdown = {
        let (dispatch, report) = (dispatch.clone(), failed("Could not copy the Markdown"));
        let session_id = props.session_id.clone();
        let chosen = dialog.chosen_options();
        Callback::from(move |()| {
            let options = match chosen.clone() {
                Ok(options) => options,
                Err(message) => return dispatch.dispatch(ShareAction::Failed(message)),
            };
            dispatch.dispatch(ShareAction::Exporting(Export::Markdown));
            let (dispatch, session_id) = (dispatch.clone(), session_id.clone());
            spawn_reported(&report, async move {
                let copied = ipc::copy_share_markdown(&session_id, options.as_ref()).await?;
                dispatch.dispatch(ShareAction::MarkdownCopied(copied));
                Ok(())
            });
        })
    };
    let on_reveal = {
        let report = failed("Could not show the file");
        Callback::from(move |path: String| {
            spawn_reported(&report, async move { ipc::reveal_file(&path).await });
        })
    };
    let on_republish = {
        let (dispatch, publish) = (dispatch.clone(), publish.clone());
        let form = dialog.form_options();
        let replaces = share_id.clone();
        Callback::from(move |()| match form.clone() {
            Ok(options) => publish.emit((Some(options), replaces.clone())),
            Err(message) => dispatch.dispatch(ShareAction::Failed(message)),
        })
    };
    let retry = {
        let (dispatch, publish) = (dispatch.clone(), publish.clone());
        let chosen = dialog.chosen_options();
        Callback::from(move |_: MouseEvent| match chosen.clone() {
            Ok(options) => publish.emit((options, None)),
            Err(message) => dispatch.dispatch(ShareAction::Failed(message)),
        })
    };
    let on_edit = {
        let dispatch = dispatch.clone();
        Callback::from(move |edit: FormEdit| dispatch.dispatch(ShareAction::Edit(edit)))
    };
    let toggle_options = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(ShareAction::ToggleOptions))
    };
    let on_way = {
        let on_open_settings = props.on_open_settings.clone();
        Callback::from(move |mode: ShareServerMode| on_open_settings.emit(mode))
    };

    let saving = dialog.exporting == Some(Export::File);
    // What just happened: under the link when there is one, else on top.
    let feedback = html! {
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
    };
    html! {
        <Modal id="share-modal" close_id="share-close" class="modal-share" title="Share this conversation"
            on_close={props.on_close.clone()}>
            if let Some(result) = &dialog.result {
                <ShareLink result={result.clone()} on_copy={on_copy} on_open={on_open} {on_way}
                    on_save_file={on_save_file.clone()} {saving}>
                    { feedback }
                </ShareLink>
            } else {
                if dialog.publishing {
                    <p id="share-publishing" class="share-publishing" aria-hidden="true">{ "Publishing…" }</p>
                }
                { feedback }
            }
            if let Some(result) = &dialog.result {
                <EarlierShares shares={result.earlier.clone()} />
            }
            <div class="share-more">
                <button id="share-options-toggle" type="button" class="button button-quiet"
                    aria-expanded={dialog.options_open.to_string()} aria-controls="share-options"
                    onclick={toggle_options}>
                    { if dialog.options_open { "Hide options" } else { "Options…" } }
                </button>
                <ShareExports exporting={dialog.exporting} saved_file={dialog.saved_file.clone()}
                    removed={dialog.export_removed.clone()} {on_save_file} {on_copy_markdown} {on_reveal} />
            </div>
            if dialog.options_open {
                <ShareOptionsForm form={dialog.form.clone()} expiry={dialog.form_expiry()}
                    max_expiry_seconds={dialog.max_expiry_seconds} offers_indexing={dialog.offers_indexing()}
                    messages={props.messages.clone()} {on_edit}
                    replaces_url={share_url.map(AttrValue::from)} publishing={dialog.publishing}
                    {on_republish} />
            }
        </Modal>
    }
}
