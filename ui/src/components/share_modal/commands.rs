//! What the Share dialog asks of the shell: publish (again), update the
//! link made before, copy or open the link, save an HTML file, copy
//! Markdown, show a saved file. Each reports to the [`ShareDialog`] reducer.

use yew::prelude::*;

use crate::errors::{is_cancelled, share_error_message};
use crate::hooks::spawn_reported;
use crate::ipc::{self, IpcError};
use crate::share_dialog::{COPIED, Export, ShareAction, ShareDialog};
use crate::types::{ShareOptions, ShareResult};

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
    /// A new version of the link made before, with the options chosen.
    pub update: Callback<()>,
    /// A new link beside the one made before, with the options chosen.
    pub new_link: Callback<()>,
}

/// Publishes: the dialog says so, then shows the link `made` answers, or
/// why there is none.
fn start_publish(
    dispatch: &UseReducerDispatcher<ShareDialog>,
    made: impl Future<Output = Result<ShareResult, IpcError>> + 'static,
) {
    dispatch.dispatch(ShareAction::Publishing);
    let report = (dispatch.to_callback())
        .reform(|e: IpcError| ShareAction::PublishFailed(share_error_message(&e)));
    let dispatch = dispatch.clone();
    spawn_reported(&report, async move {
        dispatch.dispatch(ShareAction::Published(made.await?));
        Ok(())
    });
}

#[hook]
pub fn use_share_commands(
    session_id: &AttrValue,
    dialog: &UseReducerHandle<ShareDialog>,
) -> ShareCommands {
    let dispatch = dialog.dispatcher();
    // A failure other than publishing, said with what was being done.
    let failed = |doing: &'static str| {
        dispatch.to_callback().reform(move |e: IpcError| {
            ShareAction::Failed(format!("{doing}: {}", share_error_message(&e)))
        })
    };

    let publish = {
        let (dispatch, session_id) = (dispatch.clone(), session_id.clone());
        Callback::from(move |(options, replaces): PublishRequest| {
            let session_id = session_id.clone();
            start_publish(&dispatch, async move {
                ipc::share_session(&session_id, options.as_ref(), replaces.as_deref()).await
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
    let chosen = dialog.chosen_options();
    let save_file = {
        let session_id = session_id.clone();
        let report = failed("Could not save the file");
        export(&dispatch, &chosen, Export::File, report, move |options| {
            let session_id = session_id.clone();
            async move {
                match ipc::save_share_file(&session_id, options.as_ref()).await {
                    Ok(saved) => Ok(ShareAction::FileSaved(saved)),
                    Err(e) if is_cancelled(&e) => Ok(ShareAction::Cancelled),
                    Err(e) => Err(e),
                }
            }
        })
    };
    let copy_markdown = {
        let session_id = session_id.clone();
        let report = failed("Could not copy the Markdown");
        export(
            &dispatch,
            &chosen,
            Export::Markdown,
            report,
            move |options| {
                let session_id = session_id.clone();
                async move {
                    let copied = ipc::copy_share_markdown(&session_id, options.as_ref()).await?;
                    Ok(ShareAction::MarkdownCopied(copied))
                }
            },
        )
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
        Callback::from(move |()| {
            if let Some(options) = or_say_why(&dispatch, form.clone()) {
                publish.emit((Some(options), share_id.clone()));
            }
        })
    };
    let update = {
        let (dispatch, session_id, chosen) = (dispatch.clone(), session_id.clone(), chosen.clone());
        let before = dialog.shared_before.as_ref().map(|s| s.share_id.clone());
        Callback::from(move |()| {
            let Some(share_id) = before.clone() else {
                return;
            };
            let Some(options) = or_say_why(&dispatch, chosen.clone()) else {
                return;
            };
            let session_id = session_id.clone();
            start_publish(&dispatch, async move {
                ipc::update_share(&session_id, &share_id, options.as_ref()).await
            });
        })
    };
    let new_link = {
        let publish = publish.clone();
        Callback::from(move |()| {
            if let Some(options) = or_say_why(&dispatch, chosen.clone()) {
                publish.emit((options, None));
            }
        })
    };
    let retry = new_link.reform(|_: MouseEvent| ());

    ShareCommands {
        publish,
        copy,
        open,
        save_file,
        copy_markdown,
        reveal,
        republish,
        retry,
        update,
        new_link,
    }
}

/// The options, or none when they cannot be had: the dialog says why.
fn or_say_why<T>(
    dispatch: &UseReducerDispatcher<ShareDialog>,
    options: Result<T, String>,
) -> Option<T> {
    options
        .map_err(|message| dispatch.dispatch(ShareAction::Failed(message)))
        .ok()
}

/// A way out without a link (a file, Markdown) with the options chosen:
/// `make` makes it and says how that went.
fn export<Made>(
    dispatch: &UseReducerDispatcher<ShareDialog>,
    chosen: &Result<Option<ShareOptions>, String>,
    kind: Export,
    report: Callback<IpcError>,
    make: impl Fn(Option<ShareOptions>) -> Made + 'static,
) -> Callback<()>
where
    Made: Future<Output = Result<ShareAction, IpcError>> + 'static,
{
    let (dispatch, chosen) = (dispatch.clone(), chosen.clone());
    Callback::from(move |()| {
        let Some(options) = or_say_why(&dispatch, chosen.clone()) else {
            return;
        };
        dispatch.dispatch(ShareAction::Exporting(kind));
        let (dispatch, made) = (dispatch.clone(), make(options));
        spawn_reported(&report, async move {
            dispatch.dispatch(made.await?);
            Ok(())
        });
    })
}
