//! Code shown on the page — tool arguments, tool results, JSON schemas —
//! goes through the same Markdown renderer as messages, as a fenced block,
//! so it is escaped by the one safe renderer and highlighted like any code.

use maud::{Markup, PreEscaped};

use super::format;

/// Pretty JSON when `text` is JSON (highlighted), the text as-is otherwise.
pub fn json_or_raw(text: &str) -> Markup {
    match format::pretty_json(text) {
        Some(pretty) => block("json", &pretty),
        None => block("", text),
    }
}

/// A JSON value, pretty-printed and highlighted.
pub fn json_value(value: &serde_json::Value) -> Markup {
    match serde_json::to_string_pretty(value) {
        Ok(pretty) => block("json", &pretty),
        Err(_) => block("", &value.to_string()),
    }
}

/// `text` in a code block of `language` (empty: plain).
pub fn block(language: &str, text: &str) -> Markup {
    PreEscaped(chat_core::render_markdown(&format::fenced(language, text)))
}

/// Message content: Markdown rendered safely.
pub fn markdown(text: &str) -> Markup {
    PreEscaped(chat_core::render_markdown(text))
}
