//! Settings: provider endpoints and API keys (written to the keyring; only
//! whether one is set is ever shown), the user's own model prices, the share
//! server, the theme. The form is the [`SettingsForm`] reducer; the share
//! server section has its own, [`ShareServerForm`].

mod prices;
mod providers;

use yew::prelude::*;

use self::prices::PriceEditor;
use self::providers::ProviderFields;
use super::icon::Icon;
use super::modal::{Confirmation, Modal};
use super::share_server_section::ShareServerSection;
use crate::dom::value_of;
use crate::errors::share_error_message;
use crate::hooks::{after_render, document, spawn_reported};
use crate::ipc::{self, IpcError};
use crate::settings_form::{SettingsEdit, SettingsForm};
use crate::share_server_form::{ShareServerEdit, ShareServerForm};
use crate::state::SettingsFocus;
use crate::theme::THEMES;
use crate::types::SettingsView;

/// Said next to Save while something typed is not saved.
const UNSAVED: &str = "Unsaved changes";

#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    pub view: SettingsView,
    pub theme: AttrValue,
    pub on_theme: Callback<String>,
    /// Saved: the fresh view from the shell.
    pub on_saved: Callback<SettingsView>,
    pub on_close: Callback<()>,
    /// Asks the user (to discard unsaved edits when closing).
    pub on_confirm: Callback<Confirmation>,
    /// Where it opens: at the top, at the share server (from Share's ways
    /// out), or at the providers (a message found none usable).
    #[prop_or_default]
    pub focus: SettingsFocus,
}

/// Brings the providers section into view and gives it the focus (after
/// the dialog's own first focus).
fn show_provider_setup() {
    after_render(|| {
        if let Some(section) = document()
            .and_then(|d| d.get_element_by_id("provider-setup"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            section.scroll_into_view();
            let _ = section.focus();
        }
    });
}

#[component]
pub fn SettingsPanel(props: &SettingsPanelProps) -> Html {
    let form = {
        let view = props.view.clone();
        use_reducer(move || SettingsForm::new(&view))
    };
    let share_mode = match props.focus {
        SettingsFocus::ShareServer(mode) => Some(mode),
        _ => None,
    };
    let setup_needed = props.focus == SettingsFocus::ProviderSetup;
    let share_form = {
        let saved = props.view.settings.share_server.clone();
        use_reducer(move || ShareServerForm::new(&saved, share_mode))
    };
    use_effect_with(setup_needed, |&setup_needed| {
        if setup_needed {
            show_provider_setup();
        }
    });
    {
        let dispatch = form.dispatcher();
        use_effect_with(props.view.served_by.clone(), move |saved| {
            dispatch.dispatch(SettingsEdit::ServedFromShell(saved.clone()));
        });
    }

    let providers = form
        .settings
        .providers
        .iter()
        .enumerate()
        .map(|(index, provider)| {
            let has_key = props
                .view
                .api_keys
                .get(&provider.id)
                .copied()
                .unwrap_or(false);
            html! {
                <ProviderFields form={form.clone()} {index} provider={provider.clone()} {has_key}
                    on_saved={props.on_saved.clone()} />
            }
        });

    let save = {
        let (form, share_form) = (form.clone(), share_form.clone());
        let saved_share_server = props.view.settings.share_server.clone();
        let on_saved = props.on_saved.clone();
        let report = {
            let dispatch = form.dispatcher();
            Callback::from(move |e: IpcError| {
                dispatch.dispatch(SettingsEdit::Failed(share_error_message(&e)));
            })
        };
        Callback::from(move |_: MouseEvent| {
            let mut next = form.settings.clone();
            let plan = match share_form.plan(&saved_share_server) {
                Ok(plan) => plan,
                Err(message) => {
                    form.dispatch(SettingsEdit::Error(message));
                    return;
                }
            };
            next.price_overrides = match crate::prices::overrides(&form.price_rows) {
                Ok(overrides) => overrides,
                Err(message) => {
                    form.dispatch(SettingsEdit::Error(message));
                    return;
                }
            };
            let new_keys = form.new_keys();
            form.dispatch(SettingsEdit::Saving);
            let (dispatch, on_saved, share_form) =
                (form.dispatcher(), on_saved.clone(), share_form.dispatcher());
            spawn_reported(&report, async move {
                // The team server first: if it refuses, nothing is saved and
                // the form stays as typed.
                let team_url = match &plan.connect {
                    Some(team) => {
                        let connected =
                            ipc::connect_team_server(&team.input, team.token.as_deref()).await?;
                        connected.settings.share_server.team_url
                    }
                    None => None,
                };
                next.share_server = plan.connected(team_url);
                ipc::save_settings(&next).await?;
                for (id, key) in &new_keys {
                    ipc::set_api_key(id, Some(key)).await?;
                }
                let view = ipc::get_settings().await?;
                share_form.dispatch(ShareServerEdit::Reset(ShareServerForm::new(
                    &view.settings.share_server,
                    None,
                )));
                dispatch.dispatch(SettingsEdit::Saved);
                on_saved.emit(view);
                Ok(())
            });
        })
    };
    let theme_change = props.on_theme.reform(|e: Event| value_of(&e));
    let add_provider = form
        .dispatcher()
        .to_callback()
        .reform(|_: MouseEvent| SettingsEdit::AddProvider);
    let on_share_edit = share_form.dispatcher().to_callback();
    // Closing (Close, ×, Esc) with edits not saved asks first.
    let edited = form.is_edited() || share_form.is_edited(&props.view.settings.share_server);
    let request_close = {
        let (on_close, on_confirm) = (props.on_close.clone(), props.on_confirm.clone());
        Callback::from(move |()| {
            if !edited {
                return on_close.emit(());
            }
            on_confirm.emit(Confirmation {
                title: "Discard your changes?".into(),
                message: "What you changed in Settings is not saved.".into(),
                confirm_label: "Discard".into(),
                on_confirm: on_close.clone(),
            });
        })
    };
    let close = request_close.reform(|_: MouseEvent| ());
    let unsaved = edited && !form.busy;

    html! {
        <Modal id="settings-panel" close_id="settings-x" class="modal-wide" title="Settings" on_close={request_close}>
            <section id="provider-setup" class="settings-section" aria-labelledby="settings-providers" tabindex="-1">
                <h3 id="settings-providers" class="section-title">{ "Providers" }</h3>
                if setup_needed {
                    <p id="provider-setup-needed" class="provider-setup-needed" role="alert">
                        { "Your message needs a provider that can answer: add or fix one here (a key for a \
                           hosted service, or a local server), save, then send again. Your message is kept." }
                    </p>
                }
                { for providers }
                <button id="provider-add" type="button" class="button button-quiet" onclick={add_provider}>
                    { Icon::Plus.view() }{ "Add a provider" }
                </button>
            </section>
            <PriceEditor form={form.clone()} />
            <ShareServerSection form={(*share_form).clone()} on_edit={on_share_edit}
                saved={props.view.settings.share_server.clone()} share_token={props.view.share_token}
                focus_mode={share_mode} />
            <section class="settings-section" aria-labelledby="settings-look">
                <h3 id="settings-look" class="section-title">{ "Appearance" }</h3>
                <div class="field">
                    <label for="theme-select" class="field-label">{ "Theme" }</label>
                    <select id="theme-select" class="input" onchange={theme_change}>
                        { for THEMES.iter().map(|(value, label)| html! {
                            <option value={*value} selected={props.theme == *value}>{ *label }</option>
                        }) }
                    </select>
                </div>
            </section>
            // The buttons stay in view as the dialog scrolls, and what Save
            // said stays next to them.
            <div class="modal-actions">
                <div class="modal-feedback">
                    if let Some(message) = &form.error {
                        <p id="settings-error" class="form-error" role="alert">{ message.clone() }</p>
                    }
                    <p id="settings-status" class={classes!("share-status", unsaved.then_some("share-status-pending"))}
                        role="status" aria-live="polite">
                        { if unsaved { UNSAVED } else { form.status.as_str() } }
                    </p>
                </div>
                <button id="settings-close" type="button" class="button" onclick={close}>{ "Close" }</button>
                <button id="settings-save" type="button" class="button button-primary" disabled={form.busy} onclick={save}>
                    { if form.busy { "Saving…" } else { "Save" } }
                </button>
            </div>
        </Modal>
    }
}
