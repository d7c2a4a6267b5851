//! Settings → Share server: where links are published, as three modes each
//! saying who can open them; the network address (and host name) for "On my
//! network"; the connect code, or URL and token, of a team server, with a
//! test that names the first step that fails; and where links go now.
//! The form lives in the panel (Save sends it); this draws and edits it.

use yew::prelude::*;

use super::reach::ReachLine;
use crate::dom::value_of;
use crate::errors::share_error_message;
use crate::hooks::{after_render, document, focus, spawn_reported};
use crate::ipc::{self, IpcError};
use crate::share_server_form::{
    ShareServerEdit, ShareServerForm, address_choices, mode_id, mode_reach,
};
use crate::types::{NetworkAddress, ShareServerMode, ShareServerSettings, ShareServerStatus};

const MODES: [(ShareServerMode, &str); 3] = [
    (ShareServerMode::ThisComputer, "This computer only"),
    (ShareServerMode::Network, "On my network"),
    (ShareServerMode::Team, "Team server"),
];

#[derive(Properties, PartialEq)]
pub struct ShareServerSectionProps {
    pub form: ShareServerForm,
    pub on_edit: Callback<ShareServerEdit>,
    /// What is stored now (where links go is asked again when it changes).
    pub saved: ShareServerSettings,
    /// A team token is in the keyring.
    pub share_token: bool,
    /// Opened from Share's ways out: bring this section into view, on the
    /// mode's radio.
    #[prop_or_default]
    pub focus_mode: Option<ShareServerMode>,
}

/// The answer of "Test connection".
#[derive(Clone, PartialEq)]
enum Check {
    Testing,
    Passed(String),
    Failed(String),
}

impl Check {
    fn failed(error: &IpcError) -> Self {
        Self::Failed(share_error_message(error))
    }

    /// `#connection-result`: what the test says; `data-ok` once it is done.
    fn view(&self) -> Html {
        let (text, ok) = match self {
            Self::Testing => ("Testing…", None),
            Self::Passed(message) => (message.as_str(), Some("true")),
            Self::Failed(message) => (message.as_str(), Some("false")),
        };
        let role = if ok == Some("false") {
            "alert"
        } else {
            "status"
        };
        html! {
            <p id="connection-result" class="connection-result" {role} data-ok={ok}>{ text.to_owned() }</p>
        }
    }
}

#[component]
pub fn ShareServerSection(props: &ShareServerSectionProps) -> Html {
    let addresses = use_state(|| None::<Vec<NetworkAddress>>);
    let status = use_state(|| None::<ShareServerStatus>);
    let check = use_state(|| None::<Check>);

    {
        let (addresses, on_edit) = (addresses.clone(), props.on_edit.clone());
        let focus_mode = props.focus_mode;
        use_effect_with((), move |()| {
            spawn_reported(&Callback::noop(), async move {
                let list = ipc::network_addresses().await?;
                on_edit.emit(ShareServerEdit::Addresses(list.clone()));
                addresses.set(Some(list));
                Ok(())
            });
            if let Some(mode) = focus_mode {
                // After the dialog's own first focus.
                after_render(move || {
                    if let Some(section) =
                        document().and_then(|d| d.get_element_by_id("settings-share-section"))
                    {
                        section.scroll_into_view();
                    }
                    focus(mode_id(mode));
                });
            }
        });
    }
    {
        let status = status.clone();
        use_effect_with(props.saved.clone(), move |_| {
            spawn_reported(&Callback::noop(), async move {
                status.set(Some(ipc::share_server_info().await?));
                Ok(())
            });
        });
    }

    let form = &props.form;
    // An edit also clears the answer of a test made with other values.
    let edit = |make: fn(String) -> ShareServerEdit| {
        let (on_edit, check) = (props.on_edit.clone(), check.clone());
        Callback::from(move |e: InputEvent| {
            if check.is_some() {
                check.set(None);
            }
            on_edit.emit(make(value_of(&e)));
        })
    };
    let choose_mode = |mode: ShareServerMode| {
        let (on_edit, check) = (props.on_edit.clone(), check.clone());
        Callback::from(move |_: Event| {
            check.set(None);
            on_edit.emit(ShareServerEdit::Mode(mode));
        })
    };
    let choose_address = props
        .on_edit
        .reform(|e: Event| ShareServerEdit::NetworkIp(value_of(&e)));
    let test = {
        let check = check.clone();
        let input = form.team_input();
        let report = {
            let check = check.clone();
            Callback::from(move |e: IpcError| check.set(Some(Check::failed(&e))))
        };
        Callback::from(move |_: MouseEvent| {
            let Some(input) = input.clone() else {
                check.set(Some(Check::Failed(
                    "Paste a connect code, or type the server's URL, first.".into(),
                )));
                return;
            };
            check.set(Some(Check::Testing));
            let check = check.clone();
            spawn_reported(&report, async move {
                let answer = ipc::test_share_server(&input.input, input.token.as_deref()).await?;
                check.set(Some(Check::Passed(answer.message)));
                Ok(())
            });
        })
    };

    let network_fields = || {
        let choices = address_choices(addresses.as_deref().unwrap_or_default(), &form.network_ip);
        html! {
            <div class="share-mode-fields">
                <div class="field">
                    if addresses.is_some() && choices.is_empty() {
                        <span class="field-label">{ "Address to share on" }</span>
                        <p id="network-none" class="field-hint">
                            { "This computer has no network address other than loopback." }
                        </p>
                    } else {
                        <label for="network-address" class="field-label">{ "Address to share on" }</label>
                        <select id="network-address" class="input" onchange={choose_address.clone()}>
                            { for choices.into_iter().map(|(ip, label)| html! {
                                <option value={ip.clone()} selected={ip == form.network_ip}>{ label }</option>
                            }) }
                        </select>
                    }
                </div>
                <div class="field">
                    <label for="network-host" class="field-label">{ "Host name for links (optional)" }</label>
                    <input id="network-host" class="input" type="text" autocomplete="off"
                        placeholder="e.g. myhost.local" value={form.link_host.clone()}
                        oninput={edit(ShareServerEdit::LinkHost)} />
                </div>
            </div>
        }
    };
    let team_fields = || {
        let code_typed = !form.connect_code.trim().is_empty();
        let token_placeholder = if props.share_token {
            "•••••••• (stored; type to replace)"
        } else {
            "bearer token"
        };
        html! {
            <div class="share-mode-fields">
                <div class="field">
                    <label for="connect-code" class="field-label">{ "Connect code" }</label>
                    <input id="connect-code" class="input code-input" type="text" autocomplete="off"
                        spellcheck="false" placeholder="parlor1.… — the line `share-server user add` printed"
                        value={form.connect_code.clone()} oninput={edit(ShareServerEdit::ConnectCode)} />
                </div>
                <p class="share-mode-or">{ "or" }</p>
                <div class="field">
                    <label for="team-url" class="field-label">{ "Server URL" }</label>
                    <input id="team-url" class="input" type="url" placeholder="https://share.example.com"
                        disabled={code_typed} value={form.team_url.clone()} oninput={edit(ShareServerEdit::TeamUrl)} />
                </div>
                <div class="field">
                    <label for="team-token" class="field-label">{ "Token" }</label>
                    <div class="key-row">
                        <input id="team-token" class="input" type="password" autocomplete="off"
                            placeholder={token_placeholder} disabled={code_typed}
                            value={form.team_token.clone()} oninput={edit(ShareServerEdit::TeamToken)} />
                        <span class={classes!("key-state", props.share_token.then_some("key-set"))}
                            data-token-state={if props.share_token { "set" } else { "unset" }}>
                            { if props.share_token { "Token set" } else { "No token" } }
                        </span>
                    </div>
                </div>
                <div class="connection-row">
                    <button id="test-connection" type="button" class="button"
                        disabled={*check == Some(Check::Testing)} onclick={test.clone()}>{ "Test connection" }</button>
                    if let Some(check) = &*check {
                        { check.view() }
                    }
                </div>
            </div>
        }
    };

    let modes = MODES.iter().map(|(mode, label)| {
        let id = mode_id(*mode);
        let chosen = form.mode == *mode;
        html! {
            <div class={classes!("share-mode", chosen.then_some("share-mode-chosen"))} data-mode={mode.as_str()}>
                <label class="check">
                    <input type="radio" {id} name="share-server-mode" value={mode.as_str()}
                        checked={chosen} onchange={choose_mode(*mode)}
                        aria-describedby={format!("{id}-reach")} />
                    <span class="share-mode-label">{ *label }</span>
                </label>
                <p id={format!("{id}-reach")} class="share-mode-reach">{ mode_reach(*mode) }</p>
                if chosen && *mode == ShareServerMode::Network {
                    { network_fields() }
                }
                if chosen && *mode == ShareServerMode::Team {
                    { team_fields() }
                }
            </div>
        }
    });

    html! {
        <section id="settings-share-section" class="settings-section" aria-labelledby="settings-share">
            <h3 id="settings-share" class="section-title">{ "Share server" }</h3>
            <fieldset class="share-modes">
                <legend class="visually-hidden">{ "Where links are published" }</legend>
                { for modes }
            </fieldset>
            if let Some(status) = &*status {
                <div id="share-server-info" class="share-server-info" data-mode={status.mode.as_str()}>
                    <p class="field-label">{ "Where links go now" }</p>
                    <ReachLine reach={status.reach.clone()} />
                    <p class="field-hint">{ format!("Links are published to {}.", status.url) }</p>
                    if let Some(notice) = &status.notice {
                        <p id="share-server-notice" class="share-notice">{ notice.clone() }</p>
                    }
                </div>
            }
        </section>
    }
}
