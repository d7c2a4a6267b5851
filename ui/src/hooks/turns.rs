//! The open session's commands: send (to the session's setup, or to
//! several to compare), stop, answer a tool call, save the playground's
//! controls (a provider change says what became of the model), reset, load
//! earlier messages. Each calls the shell and folds the reply into the chat
//! reducer. A message's own commands are in [`super::branches`].

use yew::prelude::*;

use super::providers::offered_models;
use super::sessions::{AppHandles, Dispatch, NEW_TITLE, PAGE, new_config};
use crate::format;
use crate::ipc::{self, IpcError};
use crate::models::switch_provider;
use crate::state::{ChatAction, ComposerEdit, Confirmation, OverlayAction};
use crate::types::{ModelSetup, NewMessage, Role, SessionConfig};

pub async fn refresh_totals(dispatch: &Dispatch, session_id: &str) {
    if let Ok(totals) = ipc::session_totals(session_id).await {
        dispatch.dispatch(ChatAction::Totals {
            session_id: session_id.to_owned(),
            totals,
        });
    }
}

/// What Send sends: the text, the files' SHA-256s, and the setups when
/// comparing.
struct Draft {
    text: String,
    files: Vec<String>,
    setups: Option<Vec<ModelSetup>>,
}

pub struct TurnCommands {
    /// Sends the composer's text and files (to every compared setup when
    /// Compare is on).
    pub send: Callback<()>,
    /// Stops every streaming answer.
    pub stop: Callback<()>,
    /// `(call id, content)`.
    pub tool_result: Callback<(String, String)>,
    /// A control changed and is saved.
    pub save_config: Callback<SessionConfig>,
    /// A control is being edited (saved later).
    pub edit_config: Callback<SessionConfig>,
    /// Another provider for the session (by id).
    pub change_provider: Callback<String>,
    /// Asks, then deletes all messages.
    pub reset: Callback<MouseEvent>,
    pub load_earlier: Callback<MouseEvent>,
}

#[hook]
pub fn use_turn_commands(app: &AppHandles) -> TurnCommands {
    let streaming = app.chat.streaming_ids();

    let stop = {
        let streaming = streaming.clone();
        app.command(move |_, ()| {
            let streaming = streaming.clone();
            async move {
                for id in streaming {
                    // `false`: the turn had already ended, nothing to stop.
                    ipc::stop_turn(&id).await?;
                }
                Ok(())
            }
        })
    };

    let send = {
        let fresh_config = new_config(None, app.settings.as_ref());
        let send = app.command(move |app, draft: Draft| {
            let fresh_config = fresh_config.clone();
            async move {
                let Draft {
                    text,
                    files,
                    setups,
                } = draft;
                let id = saved_session(&app, fresh_config, &text).await?;
                match setups {
                    Some(setups) => {
                        let started = ipc::compare(&id, &text, files, setups).await?;
                        app.composer.dispatch(ComposerEdit::Sent);
                        app.dispatch(ChatAction::Compared(started));
                    }
                    None => {
                        let started = ipc::send_message(&id, &text, files).await?;
                        app.composer.dispatch(ComposerEdit::Sent);
                        app.dispatch(ChatAction::Started(started));
                    }
                }
                app.refresh_sessions.emit(());
                Ok(())
            }
        });
        let (composer, overlays) = (app.composer.clone(), app.overlays.clone());
        let busy = !streaming.is_empty();
        Callback::from(move |()| {
            if !composer.ready() || busy {
                return;
            }
            match composer.setups() {
                Ok(setups) => {
                    overlays.dispatch(OverlayAction::DismissBanner);
                    send.emit(Draft {
                        text: composer.text.clone(),
                        files: composer.files.hashes(),
                        setups,
                    });
                }
                Err(message) => overlays.dispatch(OverlayAction::Report(message)),
            }
        })
    };

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

    let change_provider = app.command(|app, provider_id: String| async move {
        let Some(session) = app.chat.session.clone() else {
            return Ok(());
        };
        let offered = offered_models(&app, &provider_id).await;
        let name = (app.settings().and_then(|s| s.provider(&provider_id)))
            .map_or_else(|| provider_id.clone(), |p| p.name.clone());
        let (config, notice) = switch_provider(&session.config, &provider_id, &name, &offered);
        app.dispatch(ChatAction::Config(config.clone()));
        app.dispatch(ChatAction::Notice(notice));
        app.saved(ipc::update_session(&session.id, &config).await?);
        Ok(())
    });

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
        tool_result,
        save_config,
        edit_config,
        change_provider,
        reset,
        load_earlier,
    }
}

/// The open session with the latest controls saved (the shell builds the
/// request from the stored session; a first message names it), or a new one
/// when none is open; its id.
async fn saved_session(
    app: &AppHandles,
    fresh_config: SessionConfig,
    text: &str,
) -> Result<String, IpcError> {
    let (id, mut config, created) = match app.chat.session.clone() {
        Some(session) => (session.id, session.config, false),
        None => {
            let created = ipc::create_session(&fresh_config).await?;
            (created.id, created.config, true)
        }
    };
    if app.chat.messages.is_empty() && config.title == NEW_TITLE {
        config.title = format::title_from(text);
    }
    let saved = ipc::update_session(&id, &config).await?;
    if created {
        app.load(&id).await?;
    } else {
        app.dispatch(ChatAction::SessionSaved(saved));
    }
    Ok(id)
}

/// Asks the model to answer again (after the last tool result).
async fn continue_turn(app: &AppHandles, session_id: &str) -> Result<(), IpcError> {
    let started = ipc::continue_turn(session_id).await?;
    app.dispatch(ChatAction::Started(started));
    Ok(())
}
