//! Attached files as the app shows them: images as thumbnails that open
//! large ([`AttachmentViewer`]), other files as chips with their name and
//! size; under a message ([`message_attachments`]) and in the composer
//! ([`ComposerAttachments`], with remove buttons, the files on their way
//! and why any were refused).

use yew::prelude::*;

use super::icon::Icon;
use super::modal::Modal;
use crate::format::size_of;
use crate::state::{ComposerFiles, DataUrl, Shown, is_image};
use crate::types::AttachmentRef;

/// One file: a thumbnail button (an image), or a chip.
fn item(shown: &Shown, on_view: &Callback<AttachmentRef>) -> Html {
    let file = &shown.attachment;
    let size = size_of(file);
    if !is_image(file) {
        return html! {
            <span class="attachment-chip" title={format!("{} · {}", file.name, file.media_type)}>
                { Icon::File.view() }
                <span class="attachment-name">{ file.name.clone() }</span>
                <span class="attachment-size">{ size }</span>
            </span>
        };
    }
    let onclick = {
        let file = file.clone();
        on_view.reform(move |_: MouseEvent| file.clone())
    };
    let (width, height) = (
        file.width.map(|w| w.to_string()),
        file.height.map(|h| h.to_string()),
    );
    html! {
        <button type="button" class="attachment-open" {onclick}
            aria-label={format!("View {} large", file.name)} title={format!("{} · {size}", file.name)}>
            if let Some(url) = &shown.url {
                <img class="attachment-thumb" src={url.attr()} alt={file.name.clone()}
                    {width} {height} />
            } else {
                <span class="attachment-thumb attachment-loading" aria-hidden="true" />
            }
        </button>
    }
}

/// A message's files, under its text.
pub fn message_attachments(files: &[Shown], on_view: &Callback<AttachmentRef>) -> Html {
    if files.is_empty() {
        return html! {};
    }
    html! {
        <ul class="message-attachments" aria-label="Attached files">
            { for files.iter().map(|shown| html! {
                <li class="message-attachment" key={shown.attachment.sha256.clone()}
                    data-sha256={shown.attachment.sha256.clone()}>
                    { item(shown, on_view) }
                </li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct ComposerAttachmentsProps {
    pub files: ComposerFiles,
    /// The attached files with their images.
    pub shown: Vec<Shown>,
    pub on_view: Callback<AttachmentRef>,
    /// Removes a file (by SHA-256).
    pub on_remove: Callback<String>,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn ComposerAttachments(props: &ComposerAttachmentsProps) -> Html {
    let attached = props.shown.iter().map(|shown| {
        let file = &shown.attachment;
        let remove = {
            let sha256 = file.sha256.clone();
            props.on_remove.reform(move |_: MouseEvent| sha256.clone())
        };
        html! {
            <li class="composer-attachment" key={file.sha256.clone()} data-sha256={file.sha256.clone()}>
                { item(shown, &props.on_view) }
                <button type="button" class="attachment-remove icon-button" onclick={remove}
                    aria-label={format!("Remove {}", file.name)} title="Remove">{ Icon::Close.view() }</button>
            </li>
        }
    });
    let pending = props.files.pending.iter().map(|name| {
        html! {
            <li class="composer-attachment composer-attachment-pending" aria-busy="true">
                <span class="attachment-chip">
                    <span class="attachment-name">{ name.clone() }</span>
                    <span class="attachment-size">{ "attaching…" }</span>
                </span>
            </li>
        }
    });
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <>
            if !props.shown.is_empty() || !props.files.pending.is_empty() {
                <ul id="composer-attachments" class="composer-attachments" aria-label="Files to send">
                    { for attached }{ for pending }
                </ul>
            }
            if !props.files.errors.is_empty() {
                <div id="attach-errors" class="msg-error attach-errors" role="alert">
                    <ul>{ for props.files.errors.iter().map(|e| html! { <li>{ e.clone() }</li> }) }</ul>
                    <button type="button" class="icon-button" aria-label="Dismiss" title="Dismiss"
                        onclick={dismiss}>{ Icon::Close.view() }</button>
                </div>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct AttachmentViewerProps {
    pub attachment: AttachmentRef,
    /// Its image, once fetched.
    pub url: Option<DataUrl>,
    pub on_close: Callback<()>,
}

/// An image at its size (fitted to the window): `#attachment-viewer`.
#[component]
pub fn AttachmentViewer(props: &AttachmentViewerProps) -> Html {
    let file = &props.attachment;
    let mut facts = vec![file.media_type.clone(), size_of(file)];
    if let (Some(width), Some(height)) = (file.width, file.height) {
        facts.push(format!("{width} × {height}"));
    }
    html! {
        <Modal id="attachment-viewer" close_id="attachment-viewer-close" class="modal-viewer"
            title={file.name.clone()} on_close={props.on_close.clone()}>
            if let Some(url) = &props.url {
                <img class="attachment-large" src={url.attr()} alt={file.name.clone()} />
            } else {
                <p class="attachment-loading">{ "Loading…" }</p>
            }
            <p class="attachment-facts">{ facts.join(" · ") }</p>
        </Modal>
    }
}
