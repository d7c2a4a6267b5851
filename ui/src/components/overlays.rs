//! The dialog that is open (Share, Shares, Import, Settings, Regenerate
//! with…, an attached image), the confirm question on top of it and a
//! message's menu, as the
//! [`Overlays`] reducer says.

use yew::prelude::*;

use super::attachments::AttachmentViewer;
use super::import_dialog::ImportDialog;
use super::message_menu::MessageMenuView;
use super::modal::ConfirmDialog;
use super::regenerate_dialog::RegenerateDialog;
use super::settings_panel::SettingsPanel;
use super::share_modal::ShareModal;
use super::shares_panel::SharesPanel;
use crate::hooks::apply_theme;
use crate::hooks::branches::MessageCommand;
use crate::hooks::sessions::AppHandles;
use crate::state::{Overlay, OverlayAction, Overlays, SettingsFocus};
use crate::theme;
use crate::types::{ModelSetup, Session, SettingsView, ShareServerMode};

/// What the overlays need; [`overlay_host`] renders them.
pub struct OverlayHostProps {
    /// The open session and the settings are read here; an imported share
    /// opens as a session.
    pub app: AppHandles,
    pub overlays: UseReducerHandle<Overlays>,
    pub theme: UseStateHandle<String>,
    pub on_command: Callback<MessageCommand>,
    /// Asks a provider for its models (once).
    pub on_need_models: Callback<String>,
}

/// Where "Regenerate with…" starts for the answer `id`: its provider and
/// model, the session's sampling.
fn regenerate_setup(app: &AppHandles, id: &str) -> ModelSetup {
    let mut setup = (app.chat.session.as_ref())
        .map(|s| ModelSetup::of(&s.config))
        .unwrap_or_default();
    if let Some(answer) = app.chat.all_messages().find(|m| m.id == id) {
        if let Some(provider) = &answer.generation.provider_id {
            setup.provider_id.clone_from(provider);
        }
        if let Some(model) = &answer.generation.model {
            setup.model.clone_from(model);
        }
    }
    setup
}

/// A view function rather than a component: it has no state and renders
/// with every App render, as it did inline.
pub fn overlay_host(props: &OverlayHostProps) -> Html {
    let dispatch = props.overlays.dispatcher();
    let close = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| dispatch.dispatch(OverlayAction::Close))
    };
    let ask = {
        let dispatch = dispatch.clone();
        Callback::from(move |c| dispatch.dispatch(OverlayAction::Ask(c)))
    };
    let dialog = match &props.overlays.overlay {
        Overlay::None => html! {},
        Overlay::Share => match &props.app.chat.session {
            Some(session) => {
                let on_open_settings = {
                    let dispatch = dispatch.clone();
                    Callback::from(move |mode: ShareServerMode| {
                        dispatch.dispatch(OverlayAction::Open(Overlay::Settings(
                            SettingsFocus::ShareServer(mode),
                        )));
                    })
                };
                html! {
                    <ShareModal session_id={AttrValue::from(session.id.clone())} messages={props.app.chat.messages.clone()}
                        on_close={close} {on_open_settings} />
                }
            }
            None => html! {},
        },
        Overlay::Shares => html! { <SharesPanel on_close={close} on_confirm={ask} /> },
        Overlay::Import => {
            let on_imported = props.app.command(|app, imported: Session| async move {
                app.overlays.dispatch(OverlayAction::Close);
                app.refresh_sessions.emit(());
                app.load(&imported.id).await
            });
            html! { <ImportDialog on_close={close} {on_imported} /> }
        }
        Overlay::Regenerate(id) => html! {
            <RegenerateDialog message_id={id.clone()} setup={regenerate_setup(&props.app, id)}
                settings={props.app.settings().cloned()} models={(*props.app.models).clone()}
                on_need_models={props.on_need_models.clone()} on_command={props.on_command.clone()}
                on_close={close} />
        },
        Overlay::Attachment(file) => html! {
            <AttachmentViewer attachment={file.clone()} url={props.app.previews.url(&file.sha256)}
                on_close={close} />
        },
        Overlay::Settings(focus) => match &*props.app.settings {
            Some(view) => {
                let on_saved = {
                    let settings = props.app.settings.clone();
                    Callback::from(move |view: SettingsView| settings.set(Some(view)))
                };
                let on_theme = {
                    let theme_choice = props.theme.clone();
                    Callback::from(move |value: String| {
                        let value = theme::normalize(&value).to_owned();
                        apply_theme(&value);
                        theme_choice.set(value);
                    })
                };
                html! {
                    <SettingsPanel view={view.clone()} theme={AttrValue::from((*props.theme).clone())}
                        {on_theme} {on_saved} on_close={close} on_confirm={ask} focus={*focus} />
                }
            }
            None => html! {},
        },
    };
    let confirm = match &props.overlays.confirm {
        Some(confirmation) => {
            let on_close = Callback::from(move |()| dispatch.dispatch(OverlayAction::Answered));
            html! { <ConfirmDialog confirmation={confirmation.clone()} {on_close} /> }
        }
        None => html! {},
    };
    let menu = match &props.overlays.menu {
        Some(menu) => html! {
            <MessageMenuView menu={menu.clone()} busy={props.app.chat.is_streaming()}
                on_command={props.on_command.clone()} />
        },
        None => html! {},
    };
    html! { <>{ dialog }{ confirm }{ menu }</> }
}
