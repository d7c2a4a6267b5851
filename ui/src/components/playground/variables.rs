//! The values of the `{{name}}`s the prompts use: kept while typing, saved
//! when a field is left.

use yew::prelude::*;

use crate::types::SessionConfig;

#[derive(Properties, PartialEq)]
pub struct VariablesProps {
    pub config: SessionConfig,
    /// `{{name}}`s used in the prompts.
    pub names: Vec<String>,
    pub on_edit: Callback<SessionConfig>,
    pub on_save: Callback<SessionConfig>,
}

/// `config` with `name` set to `value`.
fn with_value(config: &SessionConfig, name: &str, value: String) -> SessionConfig {
    let mut next = config.clone();
    next.variables.insert(name.to_owned(), value);
    next
}

#[component]
pub fn Variables(props: &VariablesProps) -> Html {
    let config = &props.config;
    if props.names.is_empty() {
        return html! {
            <p class="field-hint">{ "Write {{name}} in a prompt or message to define a variable; values are filled in when sending." }</p>
        };
    }
    let variables = props.names.iter().map(|name| {
        let value = config.variables.get(name).cloned().unwrap_or_default();
        let id = format!("var-{name}");
        let onchange = {
            let (save, config, name) = (props.on_save.clone(), config.clone(), name.clone());
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                save.emit(with_value(&config, &name, input.value()));
            })
        };
        let oninput = {
            let (edit, config, name) = (props.on_edit.clone(), config.clone(), name.clone());
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                edit.emit(with_value(&config, &name, input.value()));
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
    html! { <div id="variables-panel" class="variables">{ for variables }</div> }
}
