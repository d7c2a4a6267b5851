//! Playground controls of the open session: provider, model (the models the
//! provider lists offered, free text allowed; a provider change says what
//! became of the model), sampling, system prompt, tool definitions
//! (validated JSON, [`ToolsField`]) and template variables ([`variables`]).

mod tools_field;
mod variables;

use yew::prelude::*;

use self::tools_field::ToolsField;
use self::variables::variables;
use super::model_fields::{model_field, provider_field};
use crate::dom::value_of;
use crate::template::fill;
use crate::types::{SessionConfig, Settings};

#[derive(Properties, PartialEq)]
pub struct PlaygroundProps {
    pub config: SessionConfig,
    pub settings: Option<Settings>,
    /// The models the session's provider offers.
    pub models: Vec<String>,
    /// What the last provider change did to the model.
    #[prop_or_default]
    pub notice: Option<AttrValue>,
    /// Another provider was chosen (its id).
    pub on_provider: Callback<String>,
    /// `{{name}}`s used in the prompts.
    pub variable_names: Vec<String>,
    /// A value changed while typing (kept, not saved yet).
    pub on_edit: Callback<SessionConfig>,
    /// A value was committed: keep and save.
    pub on_save: Callback<SessionConfig>,
}

fn parse_opt<T: std::str::FromStr>(text: &str) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        None
    } else {
        text.parse().ok()
    }
}

fn opt_text<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[component]
pub fn Playground(props: &PlaygroundProps) -> Html {
    let config = &props.config;
    // `field` builds the handler of a field that applies its value to a
    // copy of the config and passes that to `target`; `typing` the same
    // for input events.
    let field = |target: &Callback<SessionConfig>, apply: fn(&mut SessionConfig, String)| {
        let config = config.clone();
        target.reform(move |e: Event| {
            let mut next = config.clone();
            apply(&mut next, value_of(&e));
            next
        })
    };
    let typing = |target: &Callback<SessionConfig>, apply: fn(&mut SessionConfig, String)| {
        field(target, apply).reform(|e: InputEvent| e.into())
    };
    let set_prompt =
        |c: &mut SessionConfig, v: String| c.system_prompt = (!v.is_empty()).then_some(v);

    let provider_change = props.on_provider.reform(|e: Event| value_of(&e));
    let model_change = field(&props.on_save, |c, v| c.model = v.trim().to_owned());
    let model_input = typing(&props.on_edit, |c, v| c.model = v);
    let temperature_change = field(&props.on_save, |c, v| c.temperature = parse_opt(&v));
    let max_tokens_change = field(&props.on_save, |c, v| c.max_tokens = parse_opt(&v));
    let top_p_change = field(&props.on_save, |c, v| c.top_p = parse_opt(&v));
    let system_input = typing(&props.on_edit, set_prompt);
    let system_change = field(&props.on_save, set_prompt);
    let providers = props
        .settings
        .as_ref()
        .map(|s| s.providers.clone())
        .unwrap_or_default();

    html! {
        <aside class="playground" aria-label="Playground settings">
            <h2 class="panel-title">{ "Model" }</h2>
            { provider_field("provider-select", &providers, &config.provider_id, provider_change) }
            { model_field(("model-input", "model-options"), &config.model, &props.models, model_input, Some(model_change)) }
            <p id="model-notice" class="field-hint model-notice" role="status">{ props.notice.clone() }</p>
            <div class="field-row">
                <div class="field">
                    <label for="temperature" class="field-label">{ "Temperature" }</label>
                    <input id="temperature" class="input" type="number" min="0" max="2" step="0.1"
                        placeholder="default" value={opt_text(config.temperature)} onchange={temperature_change} />
                </div>
                <div class="field">
                    <label for="top-p" class="field-label">{ "Top-p" }</label>
                    <input id="top-p" class="input" type="number" min="0" max="1" step="0.05"
                        placeholder="default" value={opt_text(config.top_p)} onchange={top_p_change} />
                </div>
            </div>
            <div class="field">
                <label for="max-tokens" class="field-label">{ "Max tokens" }</label>
                <input id="max-tokens" class="input" type="number" min="1" step="1"
                    placeholder="default" value={opt_text(config.max_tokens)} onchange={max_tokens_change} />
            </div>
            <div class="field">
                <label for="system-prompt" class="field-label">{ "System prompt" }</label>
                <textarea id="system-prompt" class="input" rows="5" placeholder="Optional instructions for the model"
                    value={config.system_prompt.clone().unwrap_or_default()} oninput={system_input} onchange={system_change} />
            </div>
            if let Some(prompt) = config.system_prompt.as_deref().filter(|p| p.contains("{{") && !config.variables.is_empty()) {
                <details class="prompt-preview">
                    <summary>{ "Preview with values" }</summary>
                    <pre class="prompt-preview-text">{ fill(prompt, &config.variables) }</pre>
                </details>
            }
            <ToolsField config={config.clone()} on_save={props.on_save.clone()} />
            <h2 class="panel-title">{ "Variables" }</h2>
            { variables(config, &props.variable_names, &props.on_edit, &props.on_save) }
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_numbers_mean_the_default() {
        assert_eq!(parse_opt::<f64>(" 0.7 "), Some(0.7));
        assert_eq!(parse_opt::<f64>("  "), None);
        assert_eq!(parse_opt::<i64>("many"), None);
        assert_eq!(opt_text(Some(256)), "256");
        assert_eq!(opt_text(None::<i64>), "");
    }
}
