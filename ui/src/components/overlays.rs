//! The dialog that is open (Share, Shares, Import, Settings) and the
//! confirm question on top of it, as the [`Overlays`] reducer says.

use yew::prelude::*;

use super::import_dialog::ImportDialog;
use super::modal::ConfirmDialog;
use super::settings_panel::SettingsPanel;
use super::share_modal::ShareModal;
use super::shares_panel::SharesPanel;
use crate::hooks::apply_theme;
use crate::hooks::sessions::AppHandles;
use crate::state::{Overlay, OverlayAction, Overlays};
use crate::theme;
use crate::types::{Session, SettingsView, ShareServerMode};

/// What the overlays need; [`overlay_host`] renders them.
pub struct OverlayHostProps {
    /// The open session and the settings are read here; an imported share
    /// opens as a session.
    pub app: AppHandles,
    pub overlays: UseReducerHandle<Overlays>,
    pub theme: UseStateHandle<String>,
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
    let dialog = match props.overlays.overlay {
        Overlay::None => html! {},
        Overlay::Share => match &props.app.chat.session {
            Some(session) => {
                let on_open_settings = {
                    let dispatch = dispatch.clone();
                    Callback::from(move |mode: ShareServerMode| {
                        dispatch.dispatch(OverlayAction::Open(Overlay::Settings {
                            share_mode: Some(mode),
                        }));
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
        Overlay::Settings { share_mode } => match &*props.app.settings {
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
                        {on_theme} {on_saved} on_close={close} on_confirm={ask} {share_mode} />
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
    html! { <>{ dialog }{ confirm }</> }
}
