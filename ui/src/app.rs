//! The root component: the sidebar, the open session (header, messages,
//! composer, playground) and the dialogs. The state is in reducers: the
//! open session ([`Chat`]), what is typed and attached ([`Composer`]), the
//! attached images fetched ([`Previews`]), what covers it ([`Overlays`]),
//! the sidebar's lists ([`Sessions`]) and the providers' models
//! ([`Models`]); the commands that change them live in
//! [`crate::hooks`].

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::answer::session_sampling;
use crate::components::chat_header::{ChatHeaderProps, chat_header, model_label};
use crate::components::composer::ComposerView;
use crate::components::icon::Icon;
use crate::components::message_list::{MessageListProps, message_list};
use crate::components::overlays::{OverlayHostProps, overlay_host};
use crate::components::playground::Playground;
use crate::components::sidebar::Sidebar;
use crate::hooks::attachments::{attach_files, use_file_drop, use_previews};
use crate::hooks::branches::{MessageCommand, message_commands};
use crate::hooks::providers::{add_discovered, offered_models, use_model_lists};
use crate::hooks::sessions::{AppHandles, use_session_commands};
use crate::hooks::startup::use_startup;
use crate::hooks::turns::use_turn_commands;
use crate::hooks::{
    Shortcuts, stored_theme, use_highlighting, use_page, use_scroll_to_end, use_shortcuts,
};
use crate::ipc::{self, IpcError};
use crate::models::new_servers;
use crate::state::{
    Chat, Composer, ComposerEdit, Models, Overlay, OverlayAction, Overlays, Previews, Sessions,
    SessionsAction, SettingsFocus,
};
use crate::template::{missing, variable_names};
use crate::types::{DiscoveredProvider, ModelSetup, Role, SessionConfig, SettingsView};

/// The `{{names}}` used by the system prompt, the user's messages and the
/// draft, and those of them the session gives no value.
fn variables_in_use(
    config: Option<&SessionConfig>,
    chat: &Chat,
    draft: &str,
) -> (Vec<String>, Vec<String>) {
    let mut texts: Vec<&str> = Vec::new();
    if let Some(prompt) = config.and_then(|c| c.system_prompt.as_deref()) {
        texts.push(prompt);
    }
    texts.extend(
        chat.messages
            .iter()
            .filter(|m| matches!(m.role, Role::User | Role::System))
            .map(|m| m.content.as_str()),
    );
    texts.push(draft);
    let names = variable_names(texts);
    let missing_values = config
        .map(|c| {
            missing(&names, &c.variables)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    (names, missing_values)
}

#[component]
pub fn App() -> Html {
    let chat = use_reducer(Chat::default);
    let overlays = use_reducer(Overlays::default);
    let sessions = use_reducer(Sessions::default);
    let composer = use_reducer(Composer::default);
    let models = use_reducer(Models::default);
    let previews = use_reducer(Previews::default);
    let settings = use_state(|| None::<SettingsView>);
    let discovered = use_state(Vec::<DiscoveredProvider>::new);
    let theme_choice = use_state(stored_theme);
    let messages_ref = use_node_ref();

    let report = {
        let overlays = overlays.dispatcher();
        Callback::from(move |error: IpcError| overlays.dispatch(OverlayAction::Failed(error)))
    };
    let refresh_sessions = {
        let sessions = sessions.dispatcher();
        Callback::from(move |()| {
            let sessions = sessions.clone();
            spawn_local(async move {
                if let Ok(list) = ipc::list_sessions().await {
                    sessions.dispatch(SessionsAction::Listed(list));
                }
            });
        })
    };
    let app = AppHandles {
        chat: chat.clone(),
        overlays: overlays.dispatcher(),
        settings: settings.clone(),
        composer: composer.clone(),
        models: models.clone(),
        previews: previews.clone(),
        discovered: discovered.clone(),
        report,
        refresh_sessions,
    };

    use_page(&theme_choice);
    use_startup(&app, &sessions.dispatcher());
    use_highlighting(&chat);
    use_scroll_to_end(&chat, &messages_ref);
    let commands = use_session_commands(&app, &sessions.dispatcher());
    let turn = use_turn_commands(&app);
    let need_models = use_model_lists(&app);
    let on_command = message_commands(&app);
    let view_file = on_command.reform(MessageCommand::ViewAttachment);
    let on_files = attach_files(&composer);
    let dragging = use_file_drop(on_files.clone());
    use_previews(
        &previews,
        (chat.all_messages())
            .flat_map(|m| m.attachments.iter().cloned())
            .chain(composer.files.attached.iter().cloned())
            .collect(),
    );
    {
        // The providers in use are asked for their models.
        let mut in_use: Vec<String> = chat
            .session
            .iter()
            .map(|s| s.config.provider_id.clone())
            .collect();
        in_use.extend(
            composer
                .compare
                .iter()
                .flatten()
                .map(|s| s.provider_id.clone()),
        );
        let need = need_models.clone();
        use_effect_with(in_use, move |in_use| {
            for id in in_use {
                need.emit(id.clone());
            }
        });
    }
    let compare_provider = app.command(|app, (index, provider_id): (usize, String)| async move {
        let offered = offered_models(&app, &provider_id).await;
        app.composer.dispatch(ComposerEdit::Provider {
            index,
            provider_id,
            offered,
        });
        Ok(())
    });

    let open = |value: Overlay| {
        let overlays = overlays.dispatcher();
        Callback::from(move |()| overlays.dispatch(OverlayAction::Open(value.clone())))
    };
    let session = chat.session.as_ref();
    let session_id = session.map(|s| AttrValue::from(s.id.clone()));
    let has_messages = !chat.messages.is_empty();
    let streaming = chat.is_streaming();
    // What the Share button allows, the shortcut allows.
    let can_share = session.is_some() && has_messages && !streaming;
    use_shortcuts(Shortcuts {
        new_session: commands.new.clone(),
        share: open(Overlay::Share),
        can_share,
        stop: turn.stop.clone(),
        dialog_open: overlays.dialog_open(),
    });

    let config = session.map(|s| s.config.clone());
    let (names, missing_values) = variables_in_use(config.as_ref(), &chat, &composer.text);
    let settings_now = settings.as_ref().map(|v| &v.settings);
    let providers = settings_now
        .map(|s| s.providers.clone())
        .unwrap_or_default();
    let offered_for = |provider_id: &str| models.offered(settings_now, provider_id);
    let compare_offered: Vec<Vec<String>> = (composer.compare.iter().flatten())
        .map(|setup| offered_for(&setup.provider_id))
        .collect();
    let session_models = config
        .as_ref()
        .map(|c| offered_for(&c.provider_id))
        .unwrap_or_default();
    let dismiss_banner = {
        let overlays = overlays.dispatcher();
        Callback::from(move |_: MouseEvent| overlays.dispatch(OverlayAction::DismissBanner))
    };

    let header = chat_header(&ChatHeaderProps {
        title: session.map_or_else(
            || AttrValue::Static("Parlor"),
            |s| AttrValue::from(s.config.title.clone()),
        ),
        model_label: config
            .as_ref()
            .map(|c| AttrValue::from(model_label(c, settings.as_ref()))),
        origin: session.and_then(|s| s.imported_from.clone()),
        totals: session.map(|_| chat.totals),
        can_reset: has_messages && !streaming,
        can_share,
        on_reset: turn.reset,
        on_share: open(Overlay::Share),
    });
    let messages = message_list(&MessageListProps {
        chat: chat.clone(),
        previews: previews.clone(),
        sampling: config.as_ref().map(session_sampling),
        section_ref: messages_ref,
        discovered: new_servers(&discovered, settings_now),
        on_add_discovered: add_discovered(&app),
        on_command: on_command.clone(),
        on_tool_result: turn.tool_result,
        on_load_earlier: turn.load_earlier,
    });
    let dialogs = overlay_host(&OverlayHostProps {
        app: app.clone(),
        overlays: overlays.clone(),
        theme: theme_choice.clone(),
        on_command,
        on_need_models: need_models,
    });

    html! {
        <div class="app">
            <Sidebar sessions={sessions.list.clone()} hits={sessions.hits.clone()}
                current={session_id.clone()}
                on_new={commands.new} on_select={commands.open.clone()} on_search={commands.search}
                on_rename={commands.rename} on_duplicate={commands.duplicate} on_delete={commands.delete}
                on_open_shares={open(Overlay::Shares)}
                on_open_import={open(Overlay::Import)}
                on_open_settings={open(Overlay::Settings(SettingsFocus::Top))} />
            <main class="chat" aria-label="Conversation">
                { header }
                if let Some(message) = &overlays.banner {
                    <div id="app-error" class="banner" role="alert">
                        <span>{ message.clone() }</span>
                        <button type="button" class="icon-button" aria-label="Dismiss" title="Dismiss"
                            onclick={dismiss_banner}>{ Icon::Close.view() }</button>
                    </div>
                }
                <div class={classes!("chat-body", config.is_none().then_some("no-playground"))}>
                    <div class="chat-column">
                        { messages }
                        <ComposerView composer={(*composer).clone()} {missing_values} {streaming}
                            providers={providers.clone()} offered={compare_offered}
                            session_setup={config.as_ref().map(ModelSetup::of).unwrap_or_default()}
                            on_edit={composer.dispatcher().to_callback()} on_provider={compare_provider}
                            on_send={turn.send} on_stop={turn.stop}
                            shown={previews.shown(&composer.files.attached)} {on_files} {dragging}
                            on_view={view_file} />
                    </div>
                    if let Some(config) = config {
                        <Playground {config} settings={settings_now.cloned()} models={session_models}
                            notice={chat.notice.clone().map(AttrValue::from)} on_provider={turn.change_provider}
                            variable_names={names} on_edit={turn.edit_config} on_save={turn.save_config} />
                    }
                </div>
            </main>
            { dialogs }
        </div>
    }
}
