//! The tool definitions as JSON: the text as typed is kept apart from the
//! session (it may not parse yet); a list that parses and differs is saved
//! when the field is left.

use yew::prelude::*;

use crate::dom::value_of;
use crate::tools::{parse_tools, tools_text};
use crate::types::SessionConfig;

#[derive(Properties, PartialEq)]
pub struct ToolsFieldProps {
    pub config: SessionConfig,
    /// A new tool list: keep and save.
    pub on_save: Callback<SessionConfig>,
}

#[component]
pub fn ToolsField(props: &ToolsFieldProps) -> Html {
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
    let tools_input = {
        let tools_draft = tools_draft.clone();
        let tools_error = tools_error.clone();
        Callback::from(move |e: InputEvent| {
            let text = value_of(&e);
            tools_error.set(parse_tools(&text).err());
            tools_draft.set(text);
        })
    };
    let tools_change = {
        let save = props.on_save.clone();
        let config = config.clone();
        Callback::from(move |e: Event| {
            if let Ok(tools) = parse_tools(&value_of(&e))
                && tools != config.tools
            {
                let mut next = config.clone();
                next.tools = tools;
                save.emit(next);
            }
        })
    };
    html! {
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
    }
}
