//! Files into the composer and images out of the store. Attaching: the
//! files pasted, dropped or picked are checked against the limits, read in
//! the webview and stored by the shell (`add_attachment`), each reported to
//! the composer reducer as it settles. Showing: every image on screen is
//! fetched once (`get_attachment`) into the [`Previews`] cache.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{DataTransfer, File};
use yew::prelude::*;

use super::use_document_listener;
use crate::errors::share_error_message;
use crate::ipc;
use crate::state::{
    Composer, ComposerEdit, DataUrl, FilesEdit, Previews, PreviewsAction, is_image,
};
use crate::types::AttachmentRef;

/// The files a paste or a drop carries (none when it carries only text).
pub fn files_in(transfer: Option<DataTransfer>) -> Vec<File> {
    let Some(transfer) = transfer else {
        return Vec::new();
    };
    let listed: Vec<File> = transfer
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.item(i)).collect())
        .unwrap_or_default();
    if !listed.is_empty() {
        return listed;
    }
    // Some webviews put a pasted image in `items` only.
    let items = transfer.items();
    (0..items.length())
        .filter_map(|i| items.get(i))
        .filter(|item| item.kind() == "file")
        .filter_map(|item| item.get_as_file().ok().flatten())
        .collect()
}

/// Whether a drag carries files (not text or a link being moved).
fn drags_files(event: &DragEvent) -> bool {
    event.data_transfer().is_some_and(|t| {
        t.types()
            .iter()
            .any(|t| t.as_string().as_deref() == Some("Files"))
    })
}

/// Reads `file` and has the shell store it.
async fn store(file: &File) -> Result<AttachmentRef, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "the file could not be read".to_owned())?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let media_type = Some(file.type_()).filter(|t| !t.is_empty());
    ipc::add_attachment(&file.name(), media_type, STANDARD.encode(bytes))
        .await
        .map_err(|e| share_error_message(&e))
}

/// Attaches files to the composer's message: those the limits admit are
/// read and stored, the others are refused at once, saying why.
pub fn attach_files(composer: &UseReducerHandle<Composer>) -> Callback<Vec<File>> {
    let composer = composer.clone();
    Callback::from(move |files: Vec<File>| {
        if files.is_empty() {
            return;
        }
        let chosen: Vec<(String, usize)> = (files.iter())
            .map(|f| (f.name(), f.size() as usize))
            .collect();
        let (admitted, refused) = composer.files.admit(&chosen);
        let reading = admitted.iter().map(|&i| chosen[i].0.clone()).collect();
        composer.dispatch(ComposerEdit::Files(FilesEdit::Chosen { reading, refused }));
        for index in admitted {
            let (file, dispatch) = (files[index].clone(), composer.dispatcher());
            spawn_local(async move {
                let name = file.name();
                let edit = match store(&file).await {
                    Ok(attachment) => FilesEdit::Stored { name, attachment },
                    Err(message) => FilesEdit::Failed { name, message },
                };
                dispatch.dispatch(ComposerEdit::Files(edit));
            });
        }
    })
}

/// Files dropped anywhere on the window go to `on_files`; answers whether
/// files are being dragged over it now (the composer says "Drop to
/// attach"). Dropping a file never navigates the webview away.
///
/// Over the window is counted by `dragenter` and `dragleave`, which come in
/// pairs as the pointer crosses elements (`dragleave` says nothing of where
/// the pointer went in every webview).
#[hook]
pub fn use_file_drop(on_files: Callback<Vec<File>>) -> bool {
    let dragging = use_state_eq(|| false);
    let current = use_mut_ref(Callback::<Vec<File>>::noop);
    *current.borrow_mut() = on_files;
    let depth = use_mut_ref(|| 0_u32);
    {
        let (dragging, depth) = (dragging.setter(), depth.clone());
        use_document_listener("dragenter", move |event: DragEvent| {
            if drags_files(&event) {
                *depth.borrow_mut() += 1;
                dragging.set(true);
            }
        });
    }
    // Without this the webview refuses the drop.
    use_document_listener("dragover", move |event: DragEvent| {
        if drags_files(&event) {
            event.prevent_default();
        }
    });
    {
        let (dragging, depth) = (dragging.setter(), depth.clone());
        use_document_listener("dragleave", move |event: DragEvent| {
            if drags_files(&event) {
                let mut depth = depth.borrow_mut();
                *depth = depth.saturating_sub(1);
                dragging.set(*depth > 0);
            }
        });
    }
    {
        let dragging = dragging.setter();
        use_document_listener("drop", move |event: DragEvent| {
            *depth.borrow_mut() = 0;
            dragging.set(false);
            if drags_files(&event) {
                event.prevent_default();
                let on_files = current.borrow().clone();
                on_files.emit(files_in(event.data_transfer()));
            }
        });
    }
    *dragging
}

/// Fetches each image of `shown` not fetched yet into `previews`, once per
/// SHA-256 for the app's run (a failed fetch leaves its placeholder).
#[hook]
pub fn use_previews(previews: &UseReducerHandle<Previews>, shown: Vec<AttachmentRef>) {
    let requested = use_mut_ref(HashSet::<String>::new);
    let dispatch = previews.dispatcher();
    let wanted: Vec<String> = (shown.iter())
        .filter(|a| is_image(a))
        .map(|a| a.sha256.clone())
        .collect();
    use_effect_with(wanted, move |wanted| {
        for sha256 in wanted {
            if !requested.borrow_mut().insert(sha256.clone()) {
                continue;
            }
            let (dispatch, sha256) = (dispatch.clone(), sha256.clone());
            spawn_local(async move {
                if let Ok(data) = ipc::get_attachment(&sha256).await {
                    let url = DataUrl::new(data.data_url());
                    dispatch.dispatch(PreviewsAction::Loaded { sha256, url });
                }
            });
        }
    });
}
