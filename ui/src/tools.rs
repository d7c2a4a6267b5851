//! Tool definitions typed as JSON in the playground: parsed and checked here,
//! with an error that says where and what, before they reach the session.

use serde_json::Value;

use crate::types::ToolDefinition;

/// Parses the tool-definition editor's text: an array of `{name,
/// description?, parameters}` objects (a single object is accepted too, and
/// OpenAI's `{"type": "function", "function": {…}}` wrapper). Empty text is
/// no tools.
pub fn parse_tools(text: &str) -> Result<Vec<ToolDefinition>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "Not valid JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    let items = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        _ => return Err("Expected an array of tool definitions.".to_owned()),
    };
    let mut tools: Vec<ToolDefinition> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let tool = tool(i, item)?;
        if tools.iter().any(|known| known.name == tool.name) {
            return Err(format!(
                "tools[{i}]: the name “{}” is used twice.",
                tool.name
            ));
        }
        tools.push(tool);
    }
    Ok(tools)
}

fn tool(i: usize, item: Value) -> Result<ToolDefinition, String> {
    let Value::Object(mut object) = item else {
        return Err(format!("tools[{i}]: expected an object."));
    };
    if object.get("type").and_then(Value::as_str) == Some("function")
        && let Some(Value::Object(function)) = object.remove("function")
    {
        object = function;
    }
    let name = match object.get("name") {
        Some(Value::String(name)) => name.clone(),
        _ => return Err(format!("tools[{i}].name: a string is required.")),
    };
    let valid_name = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if !valid_name {
        return Err(format!(
            "tools[{i}].name: “{name}” must be 1–64 letters, digits, _ or -."
        ));
    }
    let description = match object.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => return Err(format!("tools[{i}].description: must be a string.")),
    };
    let parameters = object
        .get("parameters")
        .or_else(|| object.get("input_schema"))
        .cloned()
        .unwrap_or_else(|| serde_json::json!({ "type": "object", "properties": {} }));
    match &parameters {
        Value::Object(schema) => {
            if let Some(kind) = schema.get("type")
                && kind != "object"
            {
                return Err(format!(
                    "tools[{i}].parameters.type: must be \"object\" (got {kind})."
                ));
            }
            if let Some(properties) = schema.get("properties")
                && !properties.is_object()
            {
                return Err(format!(
                    "tools[{i}].parameters.properties: must be an object."
                ));
            }
        }
        _ => {
            return Err(format!(
                "tools[{i}].parameters: must be a JSON schema object."
            ));
        }
    }
    Ok(ToolDefinition {
        name,
        description,
        parameters,
    })
}

/// The tools as the editor shows them: pretty JSON, empty for none.
pub fn tools_text(tools: &[ToolDefinition]) -> String {
    if tools.is_empty() {
        return String::new();
    }
    serde_json::to_string_pretty(tools).unwrap_or_default()
}

/// A tool call's arguments pretty-printed when they are JSON.
pub fn pretty_arguments(arguments: &str) -> String {
    serde_json::from_str::<Value>(arguments)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| arguments.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_text_is_no_tools() {
        assert_eq!(parse_tools("  "), Ok(Vec::new()));
    }

    #[test]
    fn parses_plain_and_openai_shapes() {
        let tools = parse_tools(
            r#"[{"name": "get_weather", "description": "Weather",
                 "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
                {"type": "function", "function": {"name": "now"}}]"#,
        )
        .unwrap();
        assert_eq!(tools.len(), 2);
        assert_eq!(tools[0].name, "get_weather");
        assert_eq!(tools[0].description.as_deref(), Some("Weather"));
        assert_eq!(tools[1].name, "now");
        assert_eq!(tools[1].parameters["type"], "object");
        let back = parse_tools(&tools_text(&tools)).unwrap();
        assert_eq!(back, tools);
    }

    #[test]
    fn errors_say_where() {
        let error = parse_tools("[{\"name\": ").unwrap_err();
        assert!(error.starts_with("Not valid JSON (line 1"), "{error}");
        assert_eq!(
            parse_tools("[{}]").unwrap_err(),
            "tools[0].name: a string is required."
        );
        assert!(
            parse_tools(r#"[{"name": "has space"}]"#)
                .unwrap_err()
                .starts_with("tools[0].name")
        );
        assert!(
            parse_tools(r#"[{"name": "a", "parameters": {"type": "string"}}]"#)
                .unwrap_err()
                .starts_with("tools[0].parameters.type")
        );
        assert!(
            parse_tools(r#"[{"name": "a", "parameters": 3}]"#)
                .unwrap_err()
                .starts_with("tools[0].parameters")
        );
        assert!(
            parse_tools(r#"[{"name": "a"}, {"name": "a"}]"#)
                .unwrap_err()
                .contains("used twice")
        );
        assert_eq!(
            parse_tools("42").unwrap_err(),
            "Expected an array of tool definitions."
        );
    }

    #[test]
    fn arguments_are_pretty_when_json() {
        assert_eq!(pretty_arguments(r#"{"a":1}"#), "{\n  \"a\": 1\n}");
        assert_eq!(pretty_arguments("not json"), "not json");
    }
}
