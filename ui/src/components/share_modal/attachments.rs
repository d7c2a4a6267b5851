//! The files a link publishes, `#share-attachments`: one checkbox each
//! (ticked: published), the promise that image metadata goes first, and,
//! when the ticks differ from what the link was made with, publishing again
//! with them. The list is asked of the shell for the messages the form
//! shares, so it follows the selection.

use yew::prelude::*;

use crate::dom::checked_of;
use crate::format::size_of;
use crate::hooks::spawn_reported;
use crate::ipc;
use crate::share_dialog::{FormEdit, ShareAction, ShareDialog};

/// Keeps the dialog's list of files to publish in step with the messages
/// its form shares.
#[hook]
pub fn use_share_attachments(session_id: &AttrValue, dialog: &UseReducerHandle<ShareDialog>) {
    let dispatch = dialog.dispatcher();
    let session_id = session_id.clone();
    use_effect_with(dialog.listed_options(), move |options| {
        if let Some(options) = options.clone() {
            spawn_reported(&Callback::noop(), async move {
                let files = ipc::share_attachments(&session_id, Some(&options)).await?;
                dispatch.dispatch(ShareAction::Attachments(files));
                Ok(())
            });
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct ShareAttachmentsProps {
    pub dialog: ShareDialog,
    pub on_edit: Callback<FormEdit>,
    pub on_republish: Callback<()>,
}

#[component]
pub fn ShareAttachments(props: &ShareAttachmentsProps) -> Html {
    let dialog = &props.dialog;
    if dialog.attachments.is_empty() {
        return html! {};
    }
    let files = dialog.attachments.iter().map(|file| {
        let onchange = {
            let sha256 = file.sha256.clone();
            props.on_edit.reform(move |e: Event| FormEdit::Attachment {
                sha256: sha256.clone(),
                published: checked_of(&e),
            })
        };
        let size = size_of(file);
        html! {
            <li class="share-attachment" key={file.sha256.clone()} data-sha256={file.sha256.clone()}>
                <label class="check">
                    <input type="checkbox" checked={!dialog.form.options.leave_out_attachments.contains(&file.sha256)} {onchange} />
                    <span class="attachment-name">{ file.name.clone() }</span>
                    <span class="attachment-size">{ size }</span>
                </label>
            </li>
        }
    });
    let left_out = (dialog.attachments.iter())
        .filter(|f| {
            dialog
                .form
                .options
                .leave_out_attachments
                .contains(&f.sha256)
        })
        .count();
    let republish = props.on_republish.reform(|_: MouseEvent| ());
    html! {
        <section id="share-attachments" class="share-attachments" aria-labelledby="share-attachments-title">
            <h3 id="share-attachments-title" class="field-label">
                { format!("Files published with the link ({})", dialog.attachments.len() - left_out) }
            </h3>
            <ul class="share-attachment-list">{ for files }</ul>
            <p class="field-hint">{ "Image metadata (EXIF, GPS location, camera details) is removed before publishing. Untick a file to leave it out." }</p>
            if dialog.files_changed() {
                <button id="share-attachments-republish" type="button" class="button button-primary"
                    disabled={dialog.publishing} onclick={republish}>
                    { "Publish again with these files" }
                </button>
            }
        </section>
    }
}
