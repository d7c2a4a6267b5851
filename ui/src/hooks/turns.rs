//! The open session's commands: send, stop, retry, answer a tool call,
//! save the playground's controls, reset, load earlier messages. Each calls
//! the shell and folds the reply into the chat reducer.

use yew::prelude::*;

use super::sessions::{AppHandles, Dispatch, NEW_TITLE, PAGE, load_session, new_config};
use super::spawn_reported;
use crate::format;
use crate::ipc;
use crate::state::{ChatAction, Confirmation, OverlayAction};
use crate::types::{NewMessage, Role, SessionConfig};

pub async fn refresh_totals(dispatch: &Dispatch, session_id: &str) {
    if let Ok(totals) = ipc::session_totals(session_id).await {
        dispatch.dispatch(ChatAction::Totals {
            session_id: session_id.to_owned(),
            totals,
        });
    }
}

pub struct TurnCommands {
    pub send: Callback<()>,
    /// Stops the streaming answer, if any.
    pub stop: Callback<()>,
    /// Deletes this message and what follows, then answers again.
    pub retry: Callback<String>,
    /// `(call id, content)`.
    pub tool_result: Callback<(String, String)>,
    /// A control changed and is saved.
    pub save_config: Callback<SessionConfig>,
    /// A control is being edited (saved later).
    pub edit_config: Callback<SessionConfig>,
    /// Asks, then deletes all messages.
    pub reset: Callback<MouseEvent>,
    pub load_earlier: Callback<MouseEvent>,
}

#[hook]
pub fn use_turn_commands(app: &AppHandles) -> TurnCommands {
    let chat = &app.chat;
    let session_id = app.session_id();
    let streaming_id = chat.streaming().map(|m| m.id.clone());

    let stop = {
        let streaming_id = streaming_id.clone();
        let report = app.report.clone();
        Callback::from(move |()| {
            let Some(id) = streaming_id.clone() else {
                return;
            };
            // `false`: the turn had already ended, nothing to stop.
            spawn_reported(&report, async move { ipc::stop_turn(&id).await.map(drop) });
        })
    };

    let send = {
        let draft = app.draft.clone();
        let overlays = app.overlays.clone();
        let chat_session = chat.session.clone();
        let no_messages = chat.messages.is_empty();
        let settings = app.settings.clone();
        let busy = streaming_id.is_some();
        let (dispatch, report, refresh_sessions) = (
            chat.dispatcher(),
            app.report.clone(),
            app.refresh_sessions.clone(),
        );
        Callback::from(move |()| {
            let text = (*draft).clone();
            if text.trim().is_empty() || busy {
                return;
            }
            let (dispatch, refresh_sessions, draft) =
                (dispatch.clone(), refresh_sessions.clone(), draft.clone());
            let chat_session = chat_session.clone();
            let fresh_config = new_config(None, settings.as_ref());
            overlays.dispatch(OverlayAction::DismissBanner);
            spawn_reported(&report, async move {
                // The latest controls are saved first: the shell builds
                // the request from the stored session.
                let (id, mut config, created) = match chat_session {
                    Some(session) => (session.id, session.config, false),
                    None => {
                        let created = ipc::create_session(&fresh_config).await?;
                        (created.id, created.config, true)
                    }
                };
                if no_messages && config.title == NEW_TITLE {
                    config.title = format::title_from(&text);
                }
                let saved = ipc::update_session(&id, &config).await?;
                if created {
                    load_session(&dispatch, &id).await?;
                } else {
                    dispatch.dispatch(ChatAction::SessionSaved(saved));
                }
                let started = ipc::send_message(&id, &text).await?;
                draft.set(String::new());
                dispatch.dispatch(ChatAction::Started(started));
                refresh_sessions.emit(());
                Ok(())
            });
        })
    };

    let retry = {
        let (dispatch, report) = (chat.dispatcher(), app.report.clone());
        let session_id = session_id.clone();
        Callback::from(move |message_id: String| {
            let Some(session_id) = session_id.clone() else {
                return;
            };
            let dispatch = dispatch.clone();
            spawn_reported(&report, async move {
                ipc::truncate_from(&message_id).await?;
                dispatch.dispatch(ChatAction::TruncatedFrom(message_id));
                let started = ipc::continue_turn(&session_id).await?;
                dispatch.dispatch(ChatAction::Started(started));
                Ok(())
            });
        })
    };

    let tool_result = {
        let (dispatch, report) = (chat.dispatcher(), app.report.clone());
        let session_id = session_id.clone();
        let chat_state = chat.clone();
        Callback::from(move |(call_id, content): (String, String)| {
            let Some(session_id) = session_id.clone() else {
                return;
            };
            // After this result, does the answer still wait for others?
            let others_waiting = chat_state.others_waiting(&call_id);
            let dispatch = dispatch.clone();
            spawn_reported(&report, async move {
                let message = NewMessage {
                    tool_call_id: Some(call_id),
                    ..NewMessage::new(Role::Tool, content)
                };
                let stored = ipc::add_message(&session_id, &message).await?;
                dispatch.dispatch(ChatAction::Appended(stored));
                if !others_waiting {
                    let started = ipc::continue_turn(&session_id).await?;
                    dispatch.dispatch(ChatAction::Started(started));
                }
                Ok(())
            });
        })
    };

    let save_config = {
        let (dispatch, report) = (chat.dispatcher(), app.report.clone());
        let session_id = session_id.clone();
        let refresh_sessions = app.refresh_sessions.clone();
        Callback::from(move |config: SessionConfig| {
            dispatch.dispatch(ChatAction::Config(config.clone()));
            let Some(id) = session_id.clone() else {
                return;
            };
            let (dispatch, refresh_sessions) = (dispatch.clone(), refresh_sessions.clone());
            spawn_reported(&report, async move {
                let saved = ipc::update_session(&id, &config).await?;
                dispatch.dispatch(ChatAction::SessionSaved(saved));
                refresh_sessions.emit(());
                Ok(())
            });
        })
    };
    let edit_config = {
        let dispatch = chat.dispatcher();
        Callback::from(move |config: SessionConfig| dispatch.dispatch(ChatAction::Config(config)))
    };

    let reset = {
        let ask = app.ask();
        let first = chat.messages.first().map(|m| m.id.clone());
        let (dispatch, report, refresh_sessions) = (
            chat.dispatcher(),
            app.report.clone(),
            app.refresh_sessions.clone(),
        );
        let session_id = session_id.clone();
        Callback::from(move |_: MouseEvent| {
            let (Some(first), Some(session_id)) = (first.clone(), session_id.clone()) else {
                return;
            };
            let (dispatch, report, refresh_sessions) =
                (dispatch.clone(), report.clone(), refresh_sessions.clone());
            ask.emit(Confirmation {
                title: "Reset this session?".into(),
                message: "All messages are deleted; the model settings stay.".into(),
                confirm_label: "Reset".into(),
                on_confirm: Callback::from(move |()| {
                    let (first, session_id) = (first.clone(), session_id.clone());
                    let (dispatch, report, refresh_sessions) =
                        (dispatch.clone(), report.clone(), refresh_sessions.clone());
                    spawn_reported(&report, async move {
                        let reset = async {
                            ipc::truncate_from(&first).await?;
                            load_session(&dispatch, &session_id).await
                        }
                        .await;
                        refresh_sessions.emit(());
                        reset
                    });
                }),
            });
        })
    };

    let load_earlier = {
        let (dispatch, report) = (chat.dispatcher(), app.report.clone());
        let first = chat.messages.first().map(|m| m.position);
        Callback::from(move |_: MouseEvent| {
            let (Some(session_id), Some(first)) = (session_id.clone(), first) else {
                return;
            };
            let dispatch = dispatch.clone();
            spawn_reported(&report, async move {
                let page = ipc::list_messages(&session_id, Some(first), PAGE).await?;
                dispatch.dispatch(ChatAction::Earlier {
                    session_id,
                    messages: page.messages,
                    has_more_before: page.has_more_before,
                });
                Ok(())
            });
        })
    };

    TurnCommands {
        send,
        stop,
        retry,
        tool_result,
        save_config,
        edit_config,
        reset,
        load_earlier,
    }
}
