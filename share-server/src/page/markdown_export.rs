//! The Markdown document (the `.md` download, the app's "Copy as
//! Markdown"): the conversation as a document that reads well as plain text
//! and renders well anywhere. Message content is kept
//! as written (it is Markdown already); our own lines are built so that
//! names and ids cannot break out of their code spans or fences. It says
//! what the page says: each answer's model, how it ended, its settings when
//! they differ from the header's, the prompt details, and a comparison as
//! a section with a heading per answer and the table of their figures.

use std::collections::HashMap;
use std::fmt::Write as _;

use chat_core::attachment::{Attachment, Kind};
use chat_core::{PromptMeta, Role, ShareSnapshot};

use super::ExportView;
use super::answers::{self, Block, Comparison};
use super::attachments::file_url;
use super::compare;
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
    let link = view.web_link();
    let mut names = HashMap::new();
    for message in &snapshot.messages {
        for call in &message.tool_calls {
            names.entry(call.id.as_str()).or_insert(call.name.as_str());
        }
    }
    for block in answers::layout(&snapshot.messages) {
        out.push_str("\n---\n\n");
        match block {
            Block::Message(index) => {
                message_section(&mut out, snapshot, index, &names, link, None);
            }
            Block::Comparison(comparison) => {
                comparison_section(&mut out, snapshot, &comparison, &names, link);
            }
        }
    }
    out.push_str("\n---\n\n*Shared with Parlor.*\n");
    out
}

fn header(out: &mut String, view: &ExportView<'_>) {
    let snapshot = view.snapshot;
    let config = &snapshot.model_config;
    let _ = writeln!(out, "# {}\n", one_line(display_title(snapshot)));
    let several = snapshot.uses_several_models();
    let _ = writeln!(
        out,
        "- **{}:** {} ({})",
        if several { "Session model" } else { "Model" },
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
    let models = stats::models(snapshot);
    if !models.is_empty() {
        out.push_str("\n| Model | Provider | Answers | Tokens | Cost |\n");
        out.push_str("|---|---|---:|---:|---:|\n");
        for row in &models {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                table_cell(&code_span(&row.model)),
                table_cell(&one_line(&row.provider)),
                row.answers,
                row.tokens,
                row.cost
            );
        }
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
    if !meta.extra.is_empty() {
        out.push_str("\n## Prompt details\n");
        for (key, value) in &meta.extra {
            let _ = writeln!(out, "\n{}\n", code_span(key));
            let json = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
            out.push_str(&format::fenced("json", &json));
        }
    }
}

/// A comparison: a heading naming the prompt, a section per answer, then
/// the table of their figures (the best of a column in bold, with a star).
fn comparison_section(
    out: &mut String,
    snapshot: &ShareSnapshot,
    comparison: &Comparison,
    names: &HashMap<&str, &str>,
    link: Option<&str>,
) {
    let _ = write!(out, "## Comparison: {} answers", comparison.answers.len());
    match comparison.prompt {
        Some(prompt) => {
            let _ = writeln!(out, " to message {}", prompt + 1);
        }
        None => out.push('\n'),
    }
    for (position, &index) in comparison.answers.iter().enumerate() {
        out.push('\n');
        message_section(out, snapshot, index, names, link, Some(position + 1));
    }
    out.push_str("\n| Answer |");
    for figure in &compare::FIGURES {
        let _ = write!(out, " {} |", figure.label);
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(compare::FIGURES.len()));
    out.push('\n');
    for row in compare::rows(snapshot, &comparison.answers) {
        let _ = write!(
            out,
            "| {}. {} ({}) |",
            row.number,
            table_cell(&code_span(row.model.model)),
            table_cell(&one_line(row.model.provider))
        );
        for cell in &row.cells {
            match (&cell.text, cell.best) {
                (Some(text), true) => {
                    let _ = write!(out, " **{text}** ★ |");
                }
                (Some(text), false) => {
                    let _ = write!(out, " {text} |");
                }
                (None, _) => out.push_str(" — |"),
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "\n*★ {}*", compare::LEGEND);
}

/// One message: `## N. Role …`, or in a comparison, where it is the
/// `column`th answer, `### N. Answer k: model (provider) …`. Its files link
/// to the share online at `link`, when it is.
fn message_section(
    out: &mut String,
    snapshot: &ShareSnapshot,
    index: usize,
    names: &HashMap<&str, &str>,
    link: Option<&str>,
    column: Option<usize>,
) {
    let message = &snapshot.messages[index];
    if let Some(number) = column {
        let model = snapshot.model_of(message);
        let _ = write!(
            out,
            "### {}. Answer {number}: {} ({})",
            index + 1,
            code_span(model.model),
            one_line(model.provider)
        );
    } else {
        flow_heading(out, snapshot, index, names);
    }
    if let Some(label) = message.finish_reason.and_then(|r| r.label()) {
        let _ = write!(out, " · **{label}**");
    }
    let _ = writeln!(out, " · {}\n", format::date_time(message.timestamp));

    let settings = match column {
        None => answers::differing_settings(snapshot, message),
        Some(_) => answers::given_settings(message),
    };
    if let Some(settings) = settings {
        let line: Vec<String> = settings
            .iter()
            .map(|s| format!("{} {}", one_line(&s.label), code_span(&s.value)))
            .collect();
        let _ = writeln!(out, "*Settings: {}*\n", line.join(" · "));
    }
    // A comparison's figures are in its table.
    let stats = stats::message(message);
    if column.is_none() && !stats.is_empty() {
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
    attachment_list(out, &message.attachments, link);
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
    if let Some(error) = message.error.as_deref().filter(|e| !e.trim().is_empty()) {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str("**Error:**\n\n");
        out.push_str(&format::fenced("", error));
    }
}

/// `## N. Role`, what a tool result answers, and an answer's model when it
/// names its own (a version 1 answer's model is the header's: said once).
fn flow_heading(
    out: &mut String,
    snapshot: &ShareSnapshot,
    index: usize,
    names: &HashMap<&str, &str>,
) {
    let message = &snapshot.messages[index];
    let _ = write!(out, "## {}. {}", index + 1, message.role.label());
    if let Some(id) = message.tool_call_id.as_deref() {
        out.push_str(" for ");
        if let Some(name) = names.get(id) {
            let _ = write!(out, "{} ", code_span(name));
        }
        let _ = write!(out, "({})", code_span(id));
    }
    if message.role == Role::Assistant && (message.model.is_some() || message.provider.is_some()) {
        let model = snapshot.model_of(message);
        let _ = write!(out, " · {}", code_span(model.model));
        if let Some(provider) = message
            .provider
            .as_deref()
            .filter(|p| *p != snapshot.model_config.provider)
        {
            let _ = write!(out, " ({})", one_line(provider));
        }
    }
}

/// A message's files, one per line: images as Markdown images and other
/// files as links to the share online, or just their names and sizes when
/// it is not online.
fn attachment_list(out: &mut String, attachments: &[Attachment], link: Option<&str>) {
    if attachments.is_empty() {
        return;
    }
    out.push_str("\n**Attachments:**\n\n");
    for attachment in attachments {
        let name = escape_inline(&one_line(&attachment.name));
        let size = format::file_size(usize::try_from(attachment.size).unwrap_or(0));
        match (link, attachment.kind()) {
            (Some(link), Kind::Image(_)) => {
                let url = file_url(link, &attachment.sha256);
                let _ = writeln!(out, "- ![{name}](<{url}>) {name} · {size}");
            }
            (Some(link), _) => {
                let url = file_url(link, &attachment.sha256);
                let _ = writeln!(out, "- [{name}](<{url}>) · {size}");
            }
            (None, _) => {
                let _ = writeln!(out, "- {name} · {size}");
            }
        }
    }
}

/// `text` with every ASCII punctuation character backslash-escaped, so it
/// reads as itself in link text, image descriptions and list items.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A table cell's text: no `|` that would end the cell early.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// `text` on one line (headings and list items end at a newline).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An inline code span that backticks inside `text` cannot close.
fn code_span(text: &str) -> String {
    let text = one_line(text);
    let longest = format::longest_backtick_run(&text);
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
    fn inline_text_is_escaped() {
        assert_eq!(escape_inline("a.png"), "a\\.png");
        assert_eq!(escape_inline("](javascript:x)"), "\\]\\(javascript\\:x\\)");
        assert_eq!(escape_inline("été"), "été");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code_span("get_weather"), "`get_weather`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert_eq!(code_span("x\ny"), "`x y`");
    }
}
