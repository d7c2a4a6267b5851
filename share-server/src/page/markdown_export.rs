//! The Markdown document (the `.md` download, the app's "Copy as
//! Markdown"): the conversation as a document that reads well as plain text
//! and renders well anywhere. Message content is kept
//! as written (it is Markdown already); our own lines are built so that
//! names and ids cannot break out of their code spans or fences.

use std::fmt::Write as _;

use chat_core::{Message, PromptMeta, Role};

use super::ExportView;
use super::format;
use super::share::display_title;
use super::stats;

pub fn render(view: &ExportView<'_>) -> String {
    let snapshot = view.snapshot;
    let mut out = String::with_capacity(
        1024 + snapshot
            .messages
            .iter()
            .map(|m| m.content.len() + m.reasoning.as_ref().map_or(0, String::len) + 256)
            .sum::<usize>(),
    );
    header(&mut out, view);
    if let Some(meta) = &snapshot.prompt_meta {
        prompt_meta(&mut out, meta);
    }
    let mut names = std::collections::HashMap::new();
    for message in &snapshot.messages {
        for call in &message.tool_calls {
            names.entry(call.id.as_str()).or_insert(call.name.as_str());
        }
    }
    for (index, message) in snapshot.messages.iter().enumerate() {
        out.push_str("\n---\n\n");
        let answers = message
            .tool_call_id
            .as_deref()
            .map(|id| (id, names.get(id).copied()));
        message_section(&mut out, index, message, answers);
    }
    out.push_str("\n---\n\n*Shared with Parlor.*\n");
    out
}

fn header(out: &mut String, view: &ExportView<'_>) {
    let snapshot = view.snapshot;
    let config = &snapshot.model_config;
    let _ = writeln!(out, "# {}\n", one_line(display_title(snapshot)));
    let _ = writeln!(
        out,
        "- **Model:** {} ({})",
        code_span(&config.model),
        one_line(&config.provider)
    );
    let mut parameters = Vec::new();
    if let Some(temperature) = config.temperature {
        parameters.push(format!("temperature {}", format::parameter(temperature)));
    }
    if let Some(max_tokens) = config.max_tokens {
        parameters.push(format!("max tokens {}", format::count(max_tokens)));
    }
    if let Some(top_p) = config.top_p {
        parameters.push(format!("top-p {}", format::parameter(top_p)));
    }
    if !parameters.is_empty() {
        let _ = writeln!(out, "- **Parameters:** {}", parameters.join(" · "));
    }
    let _ = writeln!(out, "- **Shared on:** {}", format::date(view.shared_at));
    if let Some(expires_at) = view.expires_at {
        let _ = writeln!(out, "- **Expires on:** {}", format::date(expires_at));
    }
    let _ = writeln!(
        out,
        "- **Totals:** {}",
        stats::line(&stats::totals(snapshot))
    );
    if let Some(link) = view.web_link() {
        let _ = writeln!(out, "- **Link:** <{link}>");
    }
}

fn prompt_meta(out: &mut String, meta: &PromptMeta) {
    if let Some(prompt) = meta
        .system_prompt
        .as_deref()
        .filter(|p| !p.trim().is_empty())
    {
        let _ = writeln!(out, "\n## System prompt\n\n{}", prompt.trim_end());
    }
    if !meta.tools.is_empty() {
        out.push_str("\n## Tools\n");
        for tool in &meta.tools {
            let _ = writeln!(out, "\n### {}\n", code_span(&tool.name));
            if let Some(description) = &tool.description {
                let _ = writeln!(out, "{}\n", description.trim_end());
            }
            if !tool.parameters.is_null() {
                let json = serde_json::to_string_pretty(&tool.parameters)
                    .unwrap_or_else(|_| tool.parameters.to_string());
                out.push_str(&format::fenced("json", &json));
            }
        }
    }
    if !meta.variables.is_empty() {
        out.push_str("\n## Template variables\n\n");
        for (name, value) in &meta.variables {
            let _ = writeln!(
                out,
                "- {}: {}",
                code_span(&format!("{{{{{name}}}}}")),
                one_line(value)
            );
        }
    }
}

fn message_section(
    out: &mut String,
    index: usize,
    message: &Message,
    answers: Option<(&str, Option<&str>)>,
) {
    let role = match message.role {
        Role::User => "User",
        Role::Assistant => "Assistant",
        Role::System => "System",
        Role::Tool => "Tool result",
    };
    let _ = write!(out, "## {}. {role}", index + 1);
    if let Some((id, name)) = answers {
        out.push_str(" for ");
        if let Some(name) = name {
            let _ = write!(out, "{} ", code_span(name));
        }
        let _ = write!(out, "({})", code_span(id));
    }
    let _ = writeln!(out, " · {}\n", format::date_time(message.timestamp));

    let stats = stats::message(message);
    if !stats.is_empty() {
        let _ = writeln!(out, "*{}*\n", stats::line(&stats));
    }
    if let Some(reasoning) = message
        .reasoning
        .as_deref()
        .filter(|r| !r.trim().is_empty())
    {
        out.push_str("> **Reasoning**\n>\n");
        for line in reasoning.trim_end().lines() {
            out.push('>');
            if !line.is_empty() {
                out.push(' ');
                out.push_str(line);
            }
            out.push('\n');
        }
        out.push('\n');
    }
    if !message.content.trim().is_empty() {
        if message.role == Role::Tool
            && let Some(pretty) = format::json_document(&message.content)
        {
            out.push_str(&format::fenced("json", &pretty));
        } else {
            out.push_str(message.content.trim_end());
            out.push('\n');
        }
    }
    for call in &message.tool_calls {
        let _ = writeln!(
            out,
            "\n**Tool call** {} ({})\n",
            code_span(&call.name),
            code_span(&call.id)
        );
        match format::pretty_json(&call.arguments) {
            Some(pretty) => out.push_str(&format::fenced("json", &pretty)),
            None => out.push_str(&format::fenced("", &call.arguments)),
        }
    }
}

/// `text` on one line (headings and list items end at a newline).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An inline code span that backticks inside `text` cannot close.
fn code_span(text: &str) -> String {
    let text = one_line(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code_span("get_weather"), "`get_weather`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert_eq!(code_span("x\ny"), "`x y`");
    }
}
