//! The open session's commands: send, stop, retry, answer a tool call,
//! save the playground's controls, reset, load earlier messages. Each calls
//! the shell and folds the reply into the chat reducer.

use yew::prelude::*;

use super::sessions::{AppHandles, Dispatch, NEW_TITLE, PAGE, new_config};
use crate::format;
use crate::ipc::{self, IpcError};
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
    let streaming_id = app.chat.streaming().map(|m| m.id.clone());

    let stop = {
        let streaming_id = streaming_id.clone();
        app.command(move |_, ()| {
            let streaming_id = streaming_id.clone();
            async move {
                if let Some(id) = streaming_id {
                    // `false`: the turn had already ended, nothing to stop.
                    ipc::stop_turn(&id).await?;
                }
                Ok(())
            }
        })
    };

    let send = {
        let fresh_config = new_config(None, app.settings.as_ref());
        let send = app.command(move |app, text: String| {
            let fresh_config = fresh_config.clone();
            async move {
                // The latest controls are saved first: the shell builds
                // the request from the stored session.
                let (id, mut config, created) = match app.chat.session.clone() {
                    Some(session) => (session.id, session.config, false),
                    None => {
                        let created = ipc::create_session(&fresh_config).await?;
                        (created.id, created.config, true)
                    }
                };
                if app.chat.messages.is_empty() && config.title == NEW_TITLE {
                    config.title = format::title_from(&text);
                }
                let saved = ipc::update_session(&id, &config).await?;
                if created {
                    app.load(&id).await?;
                } else {
                    app.dispatch(ChatAction::SessionSaved(saved));
                }
                let started = ipc::send_message(&id, &text).await?;
                app.draft.set(String::new());
                app.dispatch(ChatAction::Started(started));
                app.refresh_sessions.emit(());
                Ok(())
            }
        });
        let (draft, overlays) = (app.draft.clone(), app.overlays.clone());
        let busy = streaming_id.is_some();
        Callback::from(move |()| {
            let text = (*draft).clone();
            if text.trim().is_empty() || busy {
                return;
            }
            overlays.dispatch(OverlayAction::DismissBanner);
            send.emit(text);
        })
    };

    let retry = app.command(|app, message_id: String| async move {
        let Some(session_id) = app.session_id() else {
            return Ok(());
        };
        ipc::delete_branch(&message_id).await?;
        app.dispatch(ChatAction::TruncatedFrom(message_id));
        continue_turn(&app, &session_id).await
    });

    let tool_result = app.command(|app, (call_id, content): (String, String)| async move {
        let Some(session_id) = app.session_id() else {
            return Ok(());
        };
        // After this result, does the answer still wait for others?
        let others_waiting = app.chat.others_waiting(&call_id);
        let message = NewMessage {
            tool_call_id: Some(call_id),
            ..NewMessage::new(Role::Tool, content)
        };
        let stored = ipc::add_message(&session_id, &message).await?;
        app.dispatch(ChatAction::Appended(stored));
        if others_waiting {
            return Ok(());
        }
        continue_turn(&app, &session_id).await
    });

    let save = app.command(|app, config: SessionConfig| async move {
        if let Some(id) = app.session_id() {
            app.saved(ipc::update_session(&id, &config).await?);
        }
        Ok(())
    });
    let edit_config = {
        let chat = app.chat.clone();
        Callback::from(move |config: SessionConfig| chat.dispatch(ChatAction::Config(config)))
    };
    let save_config = {
        let edit_config = edit_config.clone();
        Callback::from(move |config: SessionConfig| {
            edit_config.emit(config.clone());
            save.emit(config);
        })
    };

    let reset = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            let first = app.chat.messages.first().map(|m| m.id.clone());
            let (Some(first), Some(session_id)) = (first, app.session_id()) else {
                return;
            };
            let on_confirm = app.command(move |app, ()| {
                let (first, session_id) = (first.clone(), session_id.clone());
                async move {
                    let reset = async {
                        ipc::delete_branch(&first).await?;
                        app.load(&session_id).await
                    }
                    .await;
                    app.refresh_sessions.emit(());
                    reset
                }
            });
            app.ask(Confirmation {
                title: "Reset this session?".into(),
                message: "All messages are deleted; the model settings stay.".into(),
                confirm_label: "Reset".into(),
                on_confirm,
            });
        })
    };

    let load_earlier = app.command(|app, _: MouseEvent| async move {
        let first = app.chat.messages.first().map(|m| m.position);
        let (Some(session_id), Some(first)) = (app.session_id(), first) else {
            return Ok(());
        };
        let page = ipc::list_messages(&session_id, Some(first), PAGE).await?;
        app.dispatch(ChatAction::Earlier {
            session_id,
            messages: page.messages,
            has_more_before: page.has_more_before,
        });
        Ok(())
    });

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

/// Asks the model to answer again (after a retry or the last tool result).
async fn continue_turn(app: &AppHandles, session_id: &str) -> Result<(), IpcError> {
    let started = ipc::continue_turn(session_id).await?;
    app.dispatch(ChatAction::Started(started));
    Ok(())
}
