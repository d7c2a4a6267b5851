//! What the Share dialog asks of the shell: publish (again), copy or open
//! the link, save an HTML file, copy Markdown, show a saved file. Each
//! reports to the [`ShareDialog`] reducer.

use yew::prelude::*;

use crate::errors::{is_cancelled, share_error_message};
use crate::hooks::spawn_reported;
use crate::ipc::{self, IpcError};
use crate::share_dialog::{COPIED, Export, ShareAction, ShareDialog};
use crate::types::ShareOptions;

/// What a publish call carries: the options (none: the last used) and the
/// link it replaces.
pub type PublishRequest = (Option<ShareOptions>, Option<String>);

pub struct ShareCommands {
    pub publish: Callback<PublishRequest>,
    pub copy: Callback<()>,
    pub open: Callback<()>,
    pub save_file: Callback<()>,
    pub copy_markdown: Callback<()>,
    pub reveal: Callback<String>,
    /// Publishes again with the options form, replacing the link.
    pub republish: Callback<()>,
    /// Publishing failed: once more, with the options chosen.
    pub retry: Callback<MouseEvent>,
}

#[hook]
pub fn use_share_commands(
    session_id: &AttrValue,
    dialog: &UseReducerHandle<ShareDialog>,
) -> ShareCommands {
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
        let session_id = session_id.clone();
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

    let share_url = dialog.result.as_ref().map(|r| r.share_url.clone());
    let share_id = dialog.result.as_ref().map(|r| r.share_id.clone());
    let copy = {
        let (dispatch, report) = (dispatch.clone(), failed("Could not copy the link"));
        Callback::from(move |()| {
            let Some(url) = share_url.clone() else { return };
            let dispatch = dispatch.clone();
            spawn_reported(&report, async move {
                ipc::copy_text(&url).await?;
                dispatch.dispatch(ShareAction::Status(COPIED.to_owned()));
                Ok(())
            });
        })
    };
    let open = {
        let report = failed("Could not open a browser");
        let id = share_id.clone();
        Callback::from(move |()| {
            let Some(id) = id.clone() else { return };
            spawn_reported(&report, async move { ipc::open_share(&id).await });
        })
    };
    let save_file = {
        let (dispatch, report) = (dispatch.clone(), failed("Could not save the file"));
        let session_id = session_id.clone();
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
    let copy_markdown = {
        let (dispatch, report) = (dispatch.clone(), failed("Could not copy the Markdown"));
        let session_id = session_id.clone();
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
    let reveal = {
        let report = failed("Could not show the file");
        Callback::from(move |path: String| {
            spawn_reported(&report, async move { ipc::reveal_file(&path).await });
        })
    };
    let republish = {
        let (dispatch, publish) = (dispatch.clone(), publish.clone());
        let form = dialog.form_options();
        Callback::from(move |()| match form.clone() {
            Ok(options) => publish.emit((Some(options), share_id.clone())),
            Err(message) => dispatch.dispatch(ShareAction::Failed(message)),
        })
    };
    let retry = {
        let publish = publish.clone();
        let chosen = dialog.chosen_options();
        Callback::from(move |_: MouseEvent| match chosen.clone() {
            Ok(options) => publish.emit((options, None)),
            Err(message) => dispatch.dispatch(ShareAction::Failed(message)),
        })
    };

    ShareCommands {
        publish,
        copy,
        open,
        save_file,
        copy_markdown,
        reveal,
        republish,
        retry,
    }
}
