//! "Regenerate with…", `#regenerate-dialog`: another answer to the same
//! prompt from a provider and model chosen here (the answer's own to begin
//! with); the session's sampling goes with it.

use yew::prelude::*;

use super::modal::Modal;
use super::model_fields::{model_field, provider_field};
use crate::dom::value_of;
use crate::hooks::branches::MessageCommand;
use crate::models::keep_or_first;
use crate::state::Models;
use crate::types::{ModelSetup, Settings};

#[derive(Properties, PartialEq)]
pub struct RegenerateDialogProps {
    pub message_id: AttrValue,
    /// Where it starts: the answer's provider and model, the session's
    /// sampling.
    pub setup: ModelSetup,
    pub settings: Option<Settings>,
    pub models: Models,
    /// Asks a provider for its models (once).
    pub on_need_models: Callback<String>,
    pub on_command: Callback<MessageCommand>,
    pub on_close: Callback<()>,
}

#[component]
pub fn RegenerateDialog(props: &RegenerateDialogProps) -> Html {
    let setup = use_state(|| props.setup.clone());
    {
        let need = props.on_need_models.clone();
        use_effect_with(setup.provider_id.clone(), move |provider| {
            need.emit(provider.clone())
        });
    }
    let offered = props
        .models
        .offered(props.settings.as_ref(), &setup.provider_id);
    let provider_change = {
        let (setup, models, settings) =
            (setup.clone(), props.models.clone(), props.settings.clone());
        Callback::from(move |e: Event| {
            let provider_id = value_of(&e);
            let offered = models.offered(settings.as_ref(), &provider_id);
            setup.set(ModelSetup {
                model: keep_or_first(&setup.model, &offered).model,
                provider_id,
                ..(*setup).clone()
            });
        })
    };
    let model_input = {
        let setup = setup.clone();
        Callback::from(move |e: InputEvent| {
            setup.set(ModelSetup {
                model: value_of(&e),
                ..(*setup).clone()
            });
        })
    };
    let go = {
        let (setup, id, on_command) = (
            setup.clone(),
            props.message_id.clone(),
            props.on_command.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_command.emit(MessageCommand::RegenerateAs {
                id: id.to_string(),
                setup: (*setup).clone(),
            });
        })
    };
    let providers: Vec<_> = (props.settings.iter())
        .flat_map(|s| s.providers.clone())
        .collect();
    html! {
        <Modal id="regenerate-dialog" close_id="regenerate-close" class="modal-small"
            title="Regenerate with…" on_close={props.on_close.clone()}>
            <form class="regenerate-form" onsubmit={go}>
                { provider_field("regenerate-provider", &providers, &setup.provider_id, provider_change) }
                { model_field(("regenerate-model", "regenerate-models"), &setup.model, &offered, model_input, None) }
                <p class="field-hint">{ "A new answer to the same prompt; the current one stays as a branch." }</p>
                <div class="modal-actions">
                    <button type="button" class="button" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
                    <button id="regenerate-go" type="submit" class="button button-primary"
                        disabled={setup.model.trim().is_empty()}>{ "Regenerate" }</button>
                </div>
            </form>
        </Modal>
    }
}
