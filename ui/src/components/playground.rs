//! Playground controls of the open session: provider, model, sampling,
//! system prompt, tool definitions (validated JSON, [`ToolsField`]) and
//! template variables ([`variables`]).

mod tools_field;
mod variables;

use yew::prelude::*;

use self::tools_field::ToolsField;
use self::variables::variables;
use crate::dom::value_of;
use crate::template::fill;
use crate::types::{SessionConfig, Settings};

#[derive(Properties, PartialEq)]
pub struct PlaygroundProps {
    pub config: SessionConfig,
    pub settings: Option<Settings>,
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

/// `config` answered by another provider: its model stays if that provider
/// lists it (or lists none), else the provider's first model is taken.
fn with_provider(
    config: &SessionConfig,
    settings: Option<&Settings>,
    provider_id: String,
) -> SessionConfig {
    let mut next = config.clone();
    next.provider_id = provider_id;
    if let Some(provider) = settings.and_then(|s| s.provider(&next.provider_id))
        && !provider.models.is_empty()
        && !provider.models.contains(&next.model)
    {
        next.model = provider.models[0].clone();
    }
    next
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

    let provider_change = {
        let (config, settings) = (config.clone(), props.settings.clone());
        props
            .on_save
            .reform(move |e: Event| with_provider(&config, settings.as_ref(), value_of(&e)))
    };
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
    let known_provider = providers.iter().any(|p| p.id == config.provider_id);
    let models = providers
        .iter()
        .find(|p| p.id == config.provider_id)
        .map(|p| p.models.clone())
        .unwrap_or_default();

    html! {
        <aside class="playground" aria-label="Playground settings">
            <h2 class="panel-title">{ "Model" }</h2>
            <div class="field">
                <label for="provider-select" class="field-label">{ "Provider" }</label>
                <select id="provider-select" class="input" onchange={provider_change}>
                    if !known_provider {
                        <option value={config.provider_id.clone()} selected=true>{ config.provider_id.clone() }</option>
                    }
                    { for providers.iter().map(|p| html! {
                        <option value={p.id.clone()} selected={p.id == config.provider_id}>{ p.name.clone() }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="model-input" class="field-label">{ "Model" }</label>
                <input id="model-input" class="input" type="text" list="model-options" placeholder="model name"
                    value={config.model.clone()} onchange={model_change} oninput={model_input} autocomplete="off" />
                <datalist id="model-options">
                    { for models.iter().map(|m| html! { <option value={m.clone()} /> }) }
                </datalist>
            </div>
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

    fn settings() -> Settings {
        serde_json::from_value(serde_json::json!({
            "providers": [
                {"id": "openai", "name": "OpenAI", "kind": "openai",
                 "baseUrl": "https://api.openai.com/v1", "models": ["gpt-4o", "gpt-4o-mini"]},
                {"id": "ollama", "name": "Ollama", "kind": "ollama",
                 "baseUrl": "http://localhost:11434/v1"}
            ],
            "shareServer": {"mode": "thisComputer", "embeddedBind": "127.0.0.1"},
        }))
        .unwrap()
    }

    #[test]
    fn another_provider_keeps_the_model_only_if_it_lists_it_or_lists_none() {
        let config = SessionConfig {
            provider_id: "ollama".into(),
            model: "llama3".into(),
            ..SessionConfig::default()
        };
        let settings = settings();
        let openai = with_provider(&config, Some(&settings), "openai".into());
        assert_eq!(
            (openai.provider_id.as_str(), openai.model.as_str()),
            ("openai", "gpt-4o")
        );
        let mini = SessionConfig {
            model: "gpt-4o-mini".into(),
            ..config.clone()
        };
        assert_eq!(
            with_provider(&mini, Some(&settings), "openai".into()).model,
            "gpt-4o-mini"
        );
        let back = with_provider(&openai, Some(&settings), "ollama".into());
        assert_eq!(
            back.model, "gpt-4o",
            "Ollama lists no models: the name stays"
        );
        assert_eq!(
            with_provider(&config, None, "custom".into()).model,
            "llama3"
        );
    }

    #[test]
    fn empty_numbers_mean_the_default() {
        assert_eq!(parse_opt::<f64>(" 0.7 "), Some(0.7));
        assert_eq!(parse_opt::<f64>("  "), None);
        assert_eq!(parse_opt::<i64>("many"), None);
        assert_eq!(opt_text(Some(256)), "256");
        assert_eq!(opt_text(None::<i64>), "");
    }
}
