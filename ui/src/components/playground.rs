//! Playground controls of the open session: provider, model, sampling,
//! system prompt, tool definitions (validated JSON) and template variables.

use yew::prelude::*;

use crate::template::fill;
use crate::tools::{parse_tools, tools_text};
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

#[component]
pub fn Playground(props: &PlaygroundProps) -> Html {
    let config = &props.config;
    let tools_draft = use_state(|| tools_text(&config.tools));
    let tools_error = use_state(|| None::<String>);
    // A tool list saved elsewhere (another session opened) replaces the draft.
    {
        let tools_draft = tools_draft.clone();
        let tools_error = tools_error.clone();
        use_effect_with(config.tools.clone(), move |tools| {
            let current = parse_tools(&tools_draft).ok();
            if current.as_ref() != Some(tools) {
                tools_draft.set(tools_text(tools));
                tools_error.set(None);
            }
        });
    }

    // `field` builds a callback that applies an input's value to a copy of
    // the config and passes it to `target`.
    let field = |target: &Callback<SessionConfig>, apply: fn(&mut SessionConfig, String)| {
        let target = target.clone();
        let config = config.clone();
        move |value: String| {
            let mut next = config.clone();
            apply(&mut next, value);
            target.emit(next);
        }
    };
    let input_value = |e: &Event| -> String {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.value()
    };

    let provider_change = {
        let save = props.on_save.clone();
        let config = config.clone();
        let settings = props.settings.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut next = config.clone();
            next.provider_id = select.value();
            if let Some(provider) = settings
                .as_ref()
                .and_then(|s| s.provider(&next.provider_id))
                && !provider.models.is_empty()
                && !provider.models.contains(&next.model)
            {
                next.model = provider.models[0].clone();
            }
            save.emit(next);
        })
    };
    let on_model = field(&props.on_save, |c, v| c.model = v.trim().to_owned());
    let model_change = Callback::from(move |e: Event| on_model(input_value(&e)));
    let on_model_edit = field(&props.on_edit, |c, v| c.model = v);
    let model_input = Callback::from(move |e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        on_model_edit(input.value());
    });
    let number = |apply: fn(&mut SessionConfig, String)| {
        let on_save = field(&props.on_save, apply);
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_save(input.value());
        })
    };
    let temperature_change = number(|c, v| c.temperature = parse_opt(&v));
    let max_tokens_change = number(|c, v| c.max_tokens = parse_opt(&v));
    let top_p_change = number(|c, v| c.top_p = parse_opt(&v));
    let on_system_edit = field(&props.on_edit, |c, v| {
        c.system_prompt = (!v.is_empty()).then_some(v);
    });
    let system_input = Callback::from(move |e: InputEvent| {
        let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
        on_system_edit(area.value());
    });
    let on_system_save = field(&props.on_save, |c, v| {
        c.system_prompt = (!v.is_empty()).then_some(v);
    });
    let system_change = Callback::from(move |e: Event| {
        let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
        on_system_save(area.value());
    });
    let tools_input = {
        let tools_draft = tools_draft.clone();
        let tools_error = tools_error.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            let text = area.value();
            tools_error.set(parse_tools(&text).err());
            tools_draft.set(text);
        })
    };
    let tools_change = {
        let save = props.on_save.clone();
        let config = config.clone();
        Callback::from(move |e: Event| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            if let Ok(tools) = parse_tools(&area.value())
                && tools != config.tools
            {
                let mut next = config.clone();
                next.tools = tools;
                save.emit(next);
            }
        })
    };

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

    let variables = props.variable_names.iter().map(|name| {
        let value = config.variables.get(name).cloned().unwrap_or_default();
        let id = format!("var-{name}");
        let onchange = {
            let save = props.on_save.clone();
            let config = config.clone();
            let name = name.clone();
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut next = config.clone();
                next.variables.insert(name.clone(), input.value());
                save.emit(next);
            })
        };
        let oninput = {
            let edit = props.on_edit.clone();
            let config = config.clone();
            let name = name.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut next = config.clone();
                next.variables.insert(name.clone(), input.value());
                edit.emit(next);
            })
        };
        html! {
            <div class="field variable-field">
                <label for={id.clone()} class="field-label"><code>{ format!("{{{{{name}}}}}") }</code></label>
                <input id={id} class="input" type="text" data-variable={name.clone()} {value}
                    placeholder="value" {onchange} {oninput} />
            </div>
        }
    });

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
            <div class="field">
                <label for="tool-definitions" class="field-label">{ "Tools (JSON)" }</label>
                <textarea id="tool-definitions" class={classes!("input", "code-input", tools_error.is_some().then_some("invalid"))}
                    rows="6" spellcheck="false"
                    placeholder={r#"[{"name": "get_weather", "parameters": {"type": "object", "properties": {}}}]"#}
                    aria-invalid={tools_error.is_some().to_string()} aria-describedby="tools-error"
                    value={(*tools_draft).clone()} oninput={tools_input} onchange={tools_change} />
                <p id="tools-error" class="field-error" role="alert">{ (*tools_error).clone().unwrap_or_default() }</p>
                if tools_error.is_none() && !config.tools.is_empty() {
                    <p class="field-hint">{ format!("{} tool(s) offered to the model.", config.tools.len()) }</p>
                }
            </div>
            <h2 class="panel-title">{ "Variables" }</h2>
            if props.variable_names.is_empty() {
                <p class="field-hint">{ "Write {{name}} in a prompt or message to define a variable; values are filled in when sending." }</p>
            } else {
                <div id="variables-panel" class="variables">{ for variables }</div>
            }
        </aside>
    }
}
