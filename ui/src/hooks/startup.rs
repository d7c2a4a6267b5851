//! What the App does once, when it mounts: load the settings and the
//! sessions (opening the newest), look for local model servers, and listen
//! for the shell's turn events for as long as it lives. (The page itself is
//! set up by [`super::use_page`].)

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::sessions::{AppHandles, load_session};
use super::turns::refresh_totals;
use crate::batch::EventBatch;
use crate::ipc::{self, Listener};
use crate::state::{ChatAction, OverlayAction, Sessions, SessionsAction};
use crate::types::{TurnEvent, TurnFinished};

#[hook]
pub fn use_startup(app: &AppHandles, sessions: &UseReducerDispatcher<Sessions>) {
    let listeners = use_mut_ref(Vec::<Listener>::new);
    let dispatch = app.chat.dispatcher();
    let overlays = app.overlays.clone();
    let (settings, sessions) = (app.settings.clone(), sessions.clone());
    let discovered = app.discovered.clone();
    let (report, refresh_sessions) = (app.report.clone(), app.refresh_sessions.clone());
    use_effect_with((), move |()| {
        if !ipc::is_available() {
            overlays.dispatch(OverlayAction::Report(
                "Running without Parlor's desktop shell: nothing can be loaded or sent.".into(),
            ));
            return;
        }
        // The probes wait for servers that may not answer: on their own.
        spawn_local(async move {
            if let Ok(found) = ipc::discover_providers().await {
                discovered.set(found);
            }
        });
        spawn_local(async move {
            match ipc::get_settings().await {
                Ok(view) => settings.set(Some(view)),
                Err(e) => report.emit(e),
            }
            if let Ok(list) = ipc::list_sessions().await {
                if let Some(first) = list.first()
                    && let Err(e) = load_session(&dispatch, &first.id).await
                {
                    report.emit(e);
                }
                sessions.dispatch(SessionsAction::Listed(list));
            }
            let batch = EventBatch::new(dispatch.clone());
            let on_event = {
                let batch = Rc::clone(&batch);
                move |event: TurnEvent| batch.push(event)
            };
            let on_finished = {
                let dispatch = dispatch.clone();
                move |finished: TurnFinished| {
                    let session_id = finished.session_id.clone();
                    // The deltas still queued come before the end.
                    batch.flush();
                    dispatch.dispatch(ChatAction::Finished(finished));
                    let dispatch = dispatch.clone();
                    spawn_local(async move { refresh_totals(&dispatch, &session_id).await });
                    refresh_sessions.emit(());
                }
            };
            match ipc::listen(ipc::TURN_EVENT, on_event).await {
                Ok(listener) => listeners.borrow_mut().push(listener),
                Err(e) => report.emit(e),
            }
            if let Ok(listener) = ipc::listen(ipc::TURN_FINISHED, on_finished).await {
                listeners.borrow_mut().push(listener);
            }
        });
    });
}
