//! The values of the `{{name}}`s the prompts use: kept while typing, saved
//! when a field is left.

use yew::prelude::*;

use crate::dom::value_of;
use crate::types::SessionConfig;

/// `config` with `name` set to `value`.
fn with_value(config: &SessionConfig, name: &str, value: String) -> SessionConfig {
    let mut next = config.clone();
    next.variables.insert(name.to_owned(), value);
    next
}

/// The fields for `names` (`{{name}}`s used in the prompts): `on_edit`
/// while typing, `on_save` when a field is left. A view function, not a
/// component: it has no state of its own.
pub fn variables(
    config: &SessionConfig,
    names: &[String],
    on_edit: &Callback<SessionConfig>,
    on_save: &Callback<SessionConfig>,
) -> Html {
    if names.is_empty() {
        return html! {
            <p class="field-hint">{ "Write {{name}} in a prompt or message to define a variable; values are filled in when sending." }</p>
        };
    }
    let variables = names.iter().map(|name| {
        let value = config.variables.get(name).cloned().unwrap_or_default();
        let id = format!("var-{name}");
        let set = |target: &Callback<SessionConfig>| {
            let (config, name) = (config.clone(), name.clone());
            target.reform(move |e: Event| with_value(&config, &name, value_of(&e)))
        };
        let onchange = set(on_save);
        let oninput = set(on_edit).reform(|e: InputEvent| e.into());
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
