//! The sidebar's commands on sessions: open, create, rename, duplicate,
//! delete, search. Each calls the shell and folds the reply into the chat
//! reducer; errors go to the banner.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::{focus, spawn_reported};
use crate::ipc::{self, IpcError};
use crate::state::{
    Chat, ChatAction, Composer, ComposerEdit, Confirmation, Models, OverlayAction, Overlays,
    Previews, Sessions, SessionsAction,
};
use crate::types::{DiscoveredProvider, Session, SessionConfig, Settings, SettingsView};

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
    pub composer: UseReducerHandle<Composer>,
    pub models: UseReducerHandle<Models>,
    /// The attached images fetched so far.
    pub previews: UseReducerHandle<Previews>,
    /// Local model servers found on start.
    pub discovered: UseStateHandle<Vec<DiscoveredProvider>>,
    /// Shows a failed command's error in the banner.
    pub report: Callback<IpcError>,
    /// Reloads the sidebar's list.
    pub refresh_sessions: Callback<()>,
}

impl AppHandles {
    /// The open session's id, as this render knows it.
    pub fn session_id(&self) -> Option<String> {
        self.chat.session.as_ref().map(|s| s.id.clone())
    }

    pub fn dispatch(&self, action: ChatAction) {
        self.chat.dispatch(action);
    }

    /// The settings as the shell last said them.
    pub fn settings(&self) -> Option<&Settings> {
        self.settings.as_ref().map(|view| &view.settings)
    }

    /// Reads the selected path again (after a switch or a deletion) and
    /// the totals with it.
    pub async fn reload_path(&self) -> Result<(), IpcError> {
        let Some(id) = self.session_id() else {
            return Ok(());
        };
        let page = ipc::list_messages(&id, None, PAGE).await?;
        self.dispatch(ChatAction::Path {
            session_id: id.clone(),
            messages: page.messages,
            has_more_before: page.has_more_before,
        });
        super::turns::refresh_totals(&self.chat.dispatcher(), &id).await;
        Ok(())
    }

    /// Asks the user to confirm (the confirm dialog).
    pub fn ask(&self, confirmation: Confirmation) {
        self.overlays.dispatch(OverlayAction::Ask(confirmation));
    }

    /// Opens session `id`: its settings, its last page of messages, its totals.
    pub async fn load(&self, id: &str) -> Result<(), IpcError> {
        load_session(&self.chat.dispatcher(), id).await
    }

    /// The shell saved the session (or renamed it): the chat view takes its
    /// title and dates, the sidebar is read again.
    pub fn saved(&self, session: Session) {
        self.dispatch(ChatAction::SessionSaved(session));
        self.refresh_sessions.emit(());
    }

    /// A command: a callback that runs `task` with these handles and its
    /// argument in the background; a failure goes to the banner.
    pub fn command<T, Task, Done>(&self, task: Task) -> Callback<T>
    where
        T: 'static,
        Task: Fn(AppHandles, T) -> Done + 'static,
        Done: Future<Output = Result<(), IpcError>> + 'static,
    {
        let app = self.clone();
        Callback::from(move |arg: T| spawn_reported(&app.report, task(app.clone(), arg)))
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
    let open = app.command(|app, id: String| async move { app.load(&id).await });

    let new = {
        let config = new_config(app.chat.session.as_ref(), app.settings.as_ref());
        let create = app.command(move |app, ()| {
            let config = config.clone();
            async move {
                let created = ipc::create_session(&config).await?;
                app.refresh_sessions.emit(());
                app.load(&created.id).await?;
                focus("composer");
                Ok(())
            }
        });
        let composer = app.composer.dispatcher();
        Callback::from(move |()| {
            composer.dispatch(ComposerEdit::Input(String::new()));
            create.emit(());
        })
    };

    let delete = {
        let app = app.clone();
        Callback::from(move |(id, title): (String, String)| {
            let on_confirm = app.command(move |app, ()| {
                let id = id.clone();
                async move {
                    ipc::delete_session(&id).await?;
                    // The open session went: the newest one left opens.
                    let mut next = None;
                    if app.session_id().as_deref() == Some(id.as_str()) {
                        app.dispatch(ChatAction::Closed);
                        next = ipc::list_sessions()
                            .await
                            .ok()
                            .and_then(|list| list.into_iter().next().map(|first| first.id));
                    }
                    app.refresh_sessions.emit(());
                    match next {
                        Some(next) => app.load(&next).await,
                        None => Ok(()),
                    }
                }
            });
            app.ask(Confirmation {
                title: "Delete this session?".into(),
                message: format!("“{title}” and all its messages will be deleted.").into(),
                confirm_label: "Delete".into(),
                on_confirm,
            });
        })
    };

    let rename = app.command(|app, (id, title): (String, String)| async move {
        app.saved(ipc::rename_session(&id, &title).await?);
        Ok(())
    });

    let duplicate = app.command(|app, id: String| async move {
        let copy = ipc::duplicate_session(&id).await?;
        app.refresh_sessions.emit(());
        app.load(&copy.id).await
    });

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
