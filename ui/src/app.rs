//! The root component: the sidebar, the open session (header, messages,
//! composer, playground) and the dialogs, wired to the shell through
//! [`crate::ipc`]. State of the open session is the [`Chat`] reducer.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::answer::session_sampling;
use crate::batch::EventBatch;
use crate::components::composer::Composer;
use crate::components::import_dialog::ImportDialog;
use crate::components::markdown::Markdown;
use crate::components::message::MessageView;
use crate::components::modal::{ConfirmDialog, Confirmation};
use crate::components::playground::Playground;
use crate::components::settings_panel::SettingsPanel;
use crate::components::share_modal::ShareModal;
use crate::components::shares_panel::SharesPanel;
use crate::components::sidebar::Sidebar;
use crate::components::stats::{stat_items, totals_stats};
use crate::errors::share_error_message;
use crate::format;
use crate::hooks::{
    Shortcuts, apply_theme, focus, install_highlight_css, spawn_reported, stored_theme,
    use_highlighting, use_scroll_to_end, use_shortcuts,
};
use crate::ipc::{self, IpcError, Listener};
use crate::state::{Chat, ChatAction};
use crate::template::{missing, variable_names};
use crate::theme;
use crate::types::{
    NewMessage, Role, SearchHit, Session, SessionConfig, SessionSummary, SettingsView,
    ShareServerMode, TurnEvent, TurnFinished,
};

/// How many messages of a session are loaded when it opens.
const PAGE: usize = 200;
const NEW_TITLE: &str = "New chat";

/// Which dialog is open.
#[derive(Clone, Copy, PartialEq)]
enum Overlay {
    None,
    Share,
    Shares,
    Import,
    /// Settings; from Share's ways out, at the share server with this mode
    /// chosen.
    Settings {
        share_mode: Option<ShareServerMode>,
    },
}

type Dispatch = UseReducerDispatcher<Chat>;

async fn load_session(dispatch: &Dispatch, id: &str) -> Result<(), IpcError> {
    let session = ipc::get_session(id).await?;
    let page = ipc::list_messages(id, None, PAGE).await?;
    let totals = ipc::session_totals(id).await?;
    dispatch.dispatch(ChatAction::Loaded {
        session,
        messages: page.messages,
        has_more_before: page.has_more_before,
        totals,
    });
    Ok(())
}

async fn refresh_totals(dispatch: &Dispatch, session_id: &str) {
    if let Ok(totals) = ipc::session_totals(session_id).await {
        dispatch.dispatch(ChatAction::Totals {
            session_id: session_id.to_owned(),
            totals,
        });
    }
}

/// The configuration of a new session: the open one's model and sampling,
/// else the first configured provider and its first model.
fn new_config(current: Option<&Session>, settings: Option<&SettingsView>) -> SessionConfig {
    let mut config = SessionConfig {
        title: NEW_TITLE.to_owned(),
        ..SessionConfig::default()
    };
    if let Some(session) = current {
        config.provider_id = session.config.provider_id.clone();
        config.model = session.config.model.clone();
        config.temperature = session.config.temperature;
        config.max_tokens = session.config.max_tokens;
        config.top_p = session.config.top_p;
    } else if let Some(provider) = settings.and_then(|s| s.settings.providers.first()) {
        config.provider_id = provider.id.clone();
        config.model = provider.models.first().cloned().unwrap_or_default();
    } else {
        config.provider_id = "openai".to_owned();
    }
    config
}

#[component]
pub fn App() -> Html {
    let chat = use_reducer(Chat::default);
    let sessions = use_state(Vec::<SessionSummary>::new);
    let hits = use_state(|| None::<Vec<SearchHit>>);
    let settings = use_state(|| None::<SettingsView>);
    let overlay = use_state(|| Overlay::None);
    let confirm = use_state(|| None::<Confirmation>);
    let draft = use_state(String::new);
    let banner = use_state(|| None::<String>);
    let theme_choice = use_state(stored_theme);
    let listeners = use_mut_ref(Vec::<Listener>::new);
    let messages_ref = use_node_ref();

    let report = {
        let banner = banner.clone();
        Callback::from(move |error: IpcError| banner.set(Some(share_error_message(&error))))
    };
    let refresh_sessions = {
        let sessions = sessions.clone();
        Callback::from(move |()| {
            let sessions = sessions.clone();
            spawn_local(async move {
                if let Ok(list) = ipc::list_sessions().await {
                    sessions.set(list);
                }
            });
        })
    };
    let open_session = {
        let dispatch = chat.dispatcher();
        let report = report.clone();
        Callback::from(move |id: String| {
            let dispatch = dispatch.clone();
            spawn_reported(&report, async move { load_session(&dispatch, &id).await });
        })
    };

    // Start: theme, highlight CSS, settings, sessions, turn events.
    {
        let dispatch = chat.dispatcher();
        let (settings, sessions, banner) = (settings.clone(), sessions.clone(), banner.clone());
        let refresh_sessions = refresh_sessions.clone();
        let listeners = listeners.clone();
        let theme_choice = theme_choice.clone();
        use_effect_with((), move |()| {
            apply_theme(&theme_choice);
            if !ipc::is_available() {
                banner.set(Some(
                    "Running without Parlor's desktop shell: nothing can be loaded or sent.".into(),
                ));
                return;
            }
            spawn_local(install_highlight_css());
            spawn_local(async move {
                match ipc::get_settings().await {
                    Ok(view) => settings.set(Some(view)),
                    Err(e) => banner.set(Some(share_error_message(&e))),
                }
                if let Ok(list) = ipc::list_sessions().await {
                    if let Some(first) = list.first()
                        && let Err(e) = load_session(&dispatch, &first.id).await
                    {
                        banner.set(Some(share_error_message(&e)));
                    }
                    sessions.set(list);
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
                    Err(e) => banner.set(Some(share_error_message(&e))),
                }
                if let Ok(listener) = ipc::listen(ipc::TURN_FINISHED, on_finished).await {
                    listeners.borrow_mut().push(listener);
                }
            });
        });
    }

    use_highlighting(&chat);
    use_scroll_to_end(&chat, &messages_ref);

    let session = chat.session.clone();
    let session_id = session.as_ref().map(|s| s.id.clone());
    let streaming_id = chat.streaming().map(|m| m.id.clone());

    let new_session = {
        let (chat_session, settings) = (session.clone(), settings.clone());
        let (dispatch, report, refresh_sessions) =
            (chat.dispatcher(), report.clone(), refresh_sessions.clone());
        let draft = draft.clone();
        Callback::from(move |()| {
            let config = new_config(chat_session.as_ref(), settings.as_ref());
            let (dispatch, refresh_sessions) = (dispatch.clone(), refresh_sessions.clone());
            draft.set(String::new());
            spawn_reported(&report, async move {
                let created = ipc::create_session(&config).await?;
                refresh_sessions.emit(());
                load_session(&dispatch, &created.id).await?;
                focus("composer");
                Ok(())
            });
        })
    };

    let stop = {
        let streaming_id = streaming_id.clone();
        let report = report.clone();
        Callback::from(move |()| {
            let Some(id) = streaming_id.clone() else {
                return;
            };
            // `false`: the turn had already ended, nothing to stop.
            spawn_reported(&report, async move { ipc::stop_turn(&id).await.map(drop) });
        })
    };

    let send = {
        let (draft, banner) = (draft.clone(), banner.clone());
        let chat_session = session.clone();
        let no_messages = chat.messages.is_empty();
        let settings = settings.clone();
        let busy = streaming_id.is_some();
        let (dispatch, report, refresh_sessions) =
            (chat.dispatcher(), report.clone(), refresh_sessions.clone());
        Callback::from(move |()| {
            let text = (*draft).clone();
            if text.trim().is_empty() || busy {
                return;
            }
            let (dispatch, refresh_sessions, draft) =
                (dispatch.clone(), refresh_sessions.clone(), draft.clone());
            let chat_session = chat_session.clone();
            let fresh_config = new_config(None, settings.as_ref());
            banner.set(None);
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
        let (dispatch, report) = (chat.dispatcher(), report.clone());
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
        let (dispatch, report) = (chat.dispatcher(), report.clone());
        let session_id = session_id.clone();
        let chat_state = chat.clone();
        Callback::from(move |(call_id, content): (String, String)| {
            let Some(session_id) = session_id.clone() else {
                return;
            };
            // After this result, does the answer still wait for others?
            let others_waiting = chat_state
                .messages
                .iter()
                .find(|m| m.tool_calls.iter().any(|c| c.id == call_id))
                .is_some_and(|m| {
                    chat_state
                        .unanswered_calls(m)
                        .iter()
                        .any(|c| c.id != call_id)
                });
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
        let (dispatch, report) = (chat.dispatcher(), report.clone());
        let session_id = session_id.clone();
        let refresh_sessions = refresh_sessions.clone();
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

    let ask = {
        let confirm = confirm.clone();
        Callback::from(move |c: Confirmation| confirm.set(Some(c)))
    };

    let delete_session = {
        let (ask, report, refresh_sessions) =
            (ask.clone(), report.clone(), refresh_sessions.clone());
        let dispatch = chat.dispatcher();
        let current = session_id.clone();
        let open_session = open_session.clone();
        Callback::from(move |(id, title): (String, String)| {
            let (report, refresh_sessions, dispatch, current, open_session) = (
                report.clone(),
                refresh_sessions.clone(),
                dispatch.clone(),
                current.clone(),
                open_session.clone(),
            );
            ask.emit(Confirmation {
                title: "Delete this session?".into(),
                message: format!("“{title}” and all its messages will be deleted.").into(),
                confirm_label: "Delete".into(),
                on_confirm: Callback::from(move |()| {
                    let (id, report, refresh_sessions, dispatch, current, open_session) = (
                        id.clone(),
                        report.clone(),
                        refresh_sessions.clone(),
                        dispatch.clone(),
                        current.clone(),
                        open_session.clone(),
                    );
                    spawn_reported(&report, async move {
                        ipc::delete_session(&id).await?;
                        if current.as_deref() == Some(id.as_str()) {
                            dispatch.dispatch(ChatAction::Closed);
                            if let Ok(list) = ipc::list_sessions().await
                                && let Some(first) = list.first()
                            {
                                open_session.emit(first.id.clone());
                            }
                        }
                        refresh_sessions.emit(());
                        Ok(())
                    });
                }),
            });
        })
    };

    let rename_session = {
        let (dispatch, report, refresh_sessions) =
            (chat.dispatcher(), report.clone(), refresh_sessions.clone());
        Callback::from(move |(id, title): (String, String)| {
            let (dispatch, refresh_sessions) = (dispatch.clone(), refresh_sessions.clone());
            spawn_reported(&report, async move {
                let saved = ipc::rename_session(&id, &title).await?;
                dispatch.dispatch(ChatAction::SessionSaved(saved));
                refresh_sessions.emit(());
                Ok(())
            });
        })
    };

    let duplicate_session = {
        let (report, refresh_sessions, open_session) = (
            report.clone(),
            refresh_sessions.clone(),
            open_session.clone(),
        );
        Callback::from(move |id: String| {
            let (refresh_sessions, open_session) = (refresh_sessions.clone(), open_session.clone());
            spawn_reported(&report, async move {
                let copy = ipc::duplicate_session(&id).await?;
                refresh_sessions.emit(());
                open_session.emit(copy.id);
                Ok(())
            });
        })
    };

    let search = {
        let hits = hits.clone();
        Callback::from(move |query: String| {
            if query.trim().is_empty() {
                hits.set(None);
                return;
            }
            let hits = hits.clone();
            spawn_local(async move {
                if let Ok(found) = ipc::search_sessions(query.trim()).await {
                    hits.set(Some(found));
                }
            });
        })
    };

    let reset = {
        let ask = ask.clone();
        let first = chat.messages.first().map(|m| m.id.clone());
        let (dispatch, report, refresh_sessions) =
            (chat.dispatcher(), report.clone(), refresh_sessions.clone());
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
        let (dispatch, report) = (chat.dispatcher(), report.clone());
        let session_id = session_id.clone();
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

    let set_overlay = |value: Overlay| {
        let overlay = overlay.clone();
        Callback::from(move |()| overlay.set(value))
    };
    let close_overlay = set_overlay(Overlay::None);
    let has_messages = !chat.messages.is_empty();
    let streaming = streaming_id.is_some();
    // What the Share button allows, the shortcut allows.
    let can_share = session.is_some() && has_messages && !streaming;
    use_shortcuts(Shortcuts {
        new_session: new_session.clone(),
        share: set_overlay(Overlay::Share),
        can_share,
        stop: stop.clone(),
        dialog_open: *overlay != Overlay::None || confirm.is_some(),
    });

    // --- view -------------------------------------------------------------

    let draft_input = {
        let draft = draft.clone();
        Callback::from(move |text: String| draft.set(text))
    };

    let config = session.as_ref().map(|s| s.config.clone());
    let names = {
        let mut texts: Vec<&str> = Vec::new();
        if let Some(prompt) = config.as_ref().and_then(|c| c.system_prompt.as_deref()) {
            texts.push(prompt);
        }
        texts.extend(
            chat.messages
                .iter()
                .filter(|m| matches!(m.role, Role::User | Role::System))
                .map(|m| m.content.as_str()),
        );
        texts.push(draft.as_str());
        variable_names(texts)
    };
    let missing_values: Vec<String> = config
        .as_ref()
        .map(|c| {
            missing(&names, &c.variables)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();

    let last_id = chat.messages.last().map(|m| m.id.clone());
    let sampling = config.as_ref().map(session_sampling);
    let messages = chat.messages.iter().map(|message| {
        let can_retry = last_id.as_deref() == Some(message.id.as_str());
        let highlighted = chat.highlighted_html(message).map(|h| AttrValue::from(h.to_owned()));
        let unanswered = chat
            .unanswered_calls(message)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>();
        html! {
            <MessageView key={message.id.clone()} message={message.clone()} {highlighted} {unanswered} {can_retry}
                session_sampling={sampling.clone()}
                on_retry={retry.clone()} on_tool_result={tool_result.clone()} />
        }
    });

    let title = session
        .as_ref()
        .map_or_else(|| "Parlor".to_owned(), |s| s.config.title.clone());
    // Who answers next: the name answers through this provider will carry.
    let model_label = config.as_ref().map(|c| {
        let provider = settings
            .as_ref()
            .and_then(|view| view.served_by.get(&c.provider_id))
            .map_or(c.provider_id.as_str(), |served| served.name.as_str());
        if c.model.is_empty() {
            format!("{provider} · choose a model")
        } else {
            format!("{provider} · {}", c.model)
        }
    });
    let origin = session.as_ref().and_then(|s| s.imported_from.clone());
    let overlay_view = match *overlay {
        Overlay::None => html! {},
        Overlay::Share => match &session_id {
            Some(id) => {
                let on_open_settings = {
                    let overlay = overlay.clone();
                    Callback::from(move |mode: ShareServerMode| {
                        overlay.set(Overlay::Settings {
                            share_mode: Some(mode),
                        });
                    })
                };
                html! {
                    <ShareModal session_id={AttrValue::from(id.clone())} messages={chat.messages.clone()}
                        on_close={close_overlay.clone()} {on_open_settings} />
                }
            }
            None => html! {},
        },
        Overlay::Shares => html! {
            <SharesPanel on_close={close_overlay.clone()} on_confirm={ask.clone()} />
        },
        Overlay::Import => {
            let on_imported = {
                let (overlay, open_session, refresh_sessions) = (
                    overlay.clone(),
                    open_session.clone(),
                    refresh_sessions.clone(),
                );
                Callback::from(move |imported: Session| {
                    overlay.set(Overlay::None);
                    refresh_sessions.emit(());
                    open_session.emit(imported.id);
                })
            };
            html! { <ImportDialog on_close={close_overlay.clone()} {on_imported} /> }
        }
        Overlay::Settings { share_mode } => match &*settings {
            Some(view) => {
                let on_saved = {
                    let settings = settings.clone();
                    Callback::from(move |view: SettingsView| settings.set(Some(view)))
                };
                let on_theme = {
                    let theme_choice = theme_choice.clone();
                    Callback::from(move |value: String| {
                        let value = theme::normalize(&value).to_owned();
                        apply_theme(&value);
                        theme_choice.set(value);
                    })
                };
                html! {
                    <SettingsPanel view={view.clone()} theme={AttrValue::from((*theme_choice).clone())}
                        {on_theme} {on_saved} on_close={close_overlay.clone()} {share_mode} />
                }
            }
            None => html! {},
        },
    };
    let confirm_view = match &*confirm {
        Some(confirmation) => {
            let on_close = {
                let confirm = confirm.clone();
                Callback::from(move |()| confirm.set(None))
            };
            html! { <ConfirmDialog confirmation={confirmation.clone()} {on_close} /> }
        }
        None => html! {},
    };

    let share_click = {
        let overlay = overlay.clone();
        Callback::from(move |_: MouseEvent| overlay.set(Overlay::Share))
    };
    let new_click = {
        let new_session = new_session.clone();
        Callback::from(move |_: MouseEvent| new_session.emit(()))
    };
    let dismiss_banner = {
        let banner = banner.clone();
        Callback::from(move |_: MouseEvent| banner.set(None))
    };

    html! {
            <div class="app">
                <Sidebar sessions={(*sessions).clone()} hits={(*hits).clone()}
                    current={session_id.clone().map(AttrValue::from)}
                    on_new={new_session.clone()} on_select={open_session.clone()} on_search={search}
                    on_rename={rename_session} on_duplicate={duplicate_session} on_delete={delete_session}
                    on_open_shares={set_overlay(Overlay::Shares)}
                    on_open_import={set_overlay(Overlay::Import)}
                    on_open_settings={set_overlay(Overlay::Settings { share_mode: None })} />
                <main class="chat" aria-label="Conversation">
                    <header class="chat-header">
                        <div class="chat-heading">
                            <h1 class="chat-title">{ title }</h1>
                            if let Some(label) = model_label {
                                <span class="chat-model">{ label }</span>
                            }
                            if let Some(origin) = origin {
                                <span id="session-origin" class="chat-origin" title={origin.share_url.clone()}>
                                    { format!("Imported from share {} on {}", origin.share_id, format::date_time(&origin.imported_at)) }
                                </span>
                            }
                        </div>
                        <dl id="session-totals" class="stat-line session-totals" aria-label="Session totals">
                            if session.is_some() {
                                { stat_items(totals_stats(&chat.totals)) }
                            }
                        </dl>
                        <div class="chat-actions">
                            <button id="reset-session" type="button" class="button" onclick={reset}
                                disabled={!has_messages || streaming} title="Delete all messages of this session">{ "Reset" }</button>
                            <button id="new-session-header" type="button" class="button" onclick={new_click}
                                title="New session (Ctrl+N)">{ "New" }</button>
                            <button id="share-button" type="button" class="button button-primary" onclick={share_click}
                                disabled={!can_share} title="Publish a read-only link (Ctrl+Shift+S)">{ "Share" }</button>
                        </div>
                    </header>
                    if let Some(message) = &*banner {
                        <div id="app-error" class="banner" role="alert">
                            <span>{ message.clone() }</span>
                            <button type="button" class="icon-button" aria-label="Dismiss" onclick={dismiss_banner}>{ "×" }</button>
                        </div>
                    }
                    <div class={classes!("chat-body", config.is_none().then_some("no-playground"))}>
                        <div class="chat-column">
                            <section class="messages" ref={messages_ref} aria-label="Messages">
                                if chat.has_more_before {
                                    <button id="load-earlier" type="button" class="button load-earlier"
                                        onclick={load_earlier}>{ "Load earlier messages" }</button>
                                }
                                if has_messages {
                                    { for messages }
                                } else {
                                    <div class="messages-empty">
                                        <Markdown class="markdown"
                                        source={AttrValue::Static(if session.is_some() { EMPTY } else { NO_SESSION })} />
                                    </div>
                                }
                            </section>
    <Composer draft={AttrValue::from((*draft).clone())} {missing_values} {streaming}
                                on_input={draft_input} on_send={send.clone()} on_stop={stop.clone()} />
                        </div>
                        if let Some(config) = config {
                            <Playground {config} settings={settings.as_ref().map(|v| v.settings.clone())}
                                variable_names={names} on_edit={edit_config} on_save={save_config} />
                        }
                    </div>
                </main>
                { overlay_view }
                { confirm_view }
            </div>
        }
}

const EMPTY: &str = "### Start a conversation\n\
Choose a provider and model in the panel on the right, type below, and press \
**Ctrl+Enter**. Every answer shows its tokens, cost and timings; **Share** publishes \
a read-only link.";

const NO_SESSION: &str = "### Welcome to Parlor\n\
Press **+ New chat** (Ctrl+N), or type below to start one. Every answer shows its \
tokens, cost and timings; **Share** publishes a read-only link.";
