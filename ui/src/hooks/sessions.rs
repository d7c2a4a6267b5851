//! The sidebar's commands on sessions: open, create, rename, duplicate,
//! delete, search. Each calls the shell and folds the reply into the chat
//! reducer; errors go to the banner.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::{focus, spawn_reported};
use crate::ipc::{self, IpcError};
use crate::state::{
    Chat, ChatAction, Confirmation, OverlayAction, Overlays, Sessions, SessionsAction,
};
use crate::types::{Session, SessionConfig, SettingsView};

/// How many messages of a session are loaded when it opens.
pub const PAGE: usize = 200;
pub const NEW_TITLE: &str = "New chat";

pub type Dispatch = UseReducerDispatcher<Chat>;

/// What the App's commands share: the reducers, the state they read, and
/// the two callbacks every command uses.
#[derive(Clone)]
pub struct AppHandles {
    pub chat: UseReducerHandle<Chat>,
    pub overlays: UseReducerDispatcher<Overlays>,
    pub settings: UseStateHandle<Option<SettingsView>>,
    pub draft: UseStateHandle<String>,
    /// Shows a failed command's error in the banner.
    pub report: Callback<IpcError>,
    /// Reloads the sidebar's list.
    pub refresh_sessions: Callback<()>,
}

impl AppHandles {
    pub fn session_id(&self) -> Option<String> {
        self.chat.session.as_ref().map(|s| s.id.clone())
    }

    pub fn ask(&self) -> Callback<Confirmation> {
        let overlays = self.overlays.clone();
        Callback::from(move |c: Confirmation| overlays.dispatch(OverlayAction::Ask(c)))
    }
}

pub async fn load_session(dispatch: &Dispatch, id: &str) -> Result<(), IpcError> {
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

/// The configuration of a new session: the open one's model and sampling,
/// else the first configured provider and its first model.
pub fn new_config(current: Option<&Session>, settings: Option<&SettingsView>) -> SessionConfig {
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

pub struct SessionCommands {
    pub open: Callback<String>,
    pub new: Callback<()>,
    /// `(id, title)`: asks first.
    pub delete: Callback<(String, String)>,
    pub rename: Callback<(String, String)>,
    pub duplicate: Callback<String>,
    pub search: Callback<String>,
}

#[hook]
pub fn use_session_commands(
    app: &AppHandles,
    sessions: &UseReducerDispatcher<Sessions>,
) -> SessionCommands {
    let open = {
        let dispatch = app.chat.dispatcher();
        let report = app.report.clone();
        Callback::from(move |id: String| {
            let dispatch = dispatch.clone();
            spawn_reported(&report, async move { load_session(&dispatch, &id).await });
        })
    };

    let new = {
        let (chat_session, settings) = (app.chat.session.clone(), app.settings.clone());
        let (dispatch, report, refresh_sessions) = (
            app.chat.dispatcher(),
            app.report.clone(),
            app.refresh_sessions.clone(),
        );
        let draft = app.draft.clone();
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

    let delete = {
        let (ask, report, refresh_sessions) =
            (app.ask(), app.report.clone(), app.refresh_sessions.clone());
        let dispatch = app.chat.dispatcher();
        let current = app.session_id();
        let open_session = open.clone();
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

    let rename = {
        let (dispatch, report, refresh_sessions) = (
            app.chat.dispatcher(),
            app.report.clone(),
            app.refresh_sessions.clone(),
        );
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

    let duplicate = {
        let (report, refresh_sessions, open_session) = (
            app.report.clone(),
            app.refresh_sessions.clone(),
            open.clone(),
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
        let sessions = sessions.clone();
        Callback::from(move |query: String| {
            if query.trim().is_empty() {
                sessions.dispatch(SessionsAction::SearchCleared);
                return;
            }
            let sessions = sessions.clone();
            spawn_local(async move {
                if let Ok(found) = ipc::search_sessions(query.trim()).await {
                    sessions.dispatch(SessionsAction::Found(found));
                }
            });
        })
    };

    SessionCommands {
        open,
        new,
        delete,
        rename,
        duplicate,
        search,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn session_with(provider: &str, model: &str) -> Session {
        let mut session = fixtures::session("s1");
        session.config = SessionConfig {
            title: "Old".into(),
            provider_id: provider.into(),
            model: model.into(),
            temperature: Some(0.3),
            system_prompt: Some("Be brief.".into()),
            ..SessionConfig::default()
        };
        session
    }

    #[test]
    fn a_new_session_takes_the_open_ones_model_and_sampling_not_its_prompt() {
        let config = new_config(Some(&session_with("anthropic", "claude")), None);
        assert_eq!(config.title, NEW_TITLE);
        assert_eq!(config.provider_id, "anthropic");
        assert_eq!(config.model, "claude");
        assert_eq!(config.temperature, Some(0.3));
        assert_eq!(config.system_prompt, None);
    }

    #[test]
    fn without_an_open_session_or_providers_a_new_session_asks_openai() {
        let config = new_config(None, None);
        assert_eq!(config.provider_id, "openai");
        assert!(config.model.is_empty());
    }
}
