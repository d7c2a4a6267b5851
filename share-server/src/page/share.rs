//! The share page: head meta, the header with model and totals (and every
//! model used, when the answers came from several), what the prompt was
//! made of, the messages (see [`super::messages`]) and the footer.
//! One renderer for both forms of it, the page the server serves and the
//! standalone file, so they cannot drift apart.

use chat_core::{ModelConfig, PromptMeta, ShareSnapshot};
use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::attachments::Files;
use super::layout::{self, Head, Stylesheet};
use super::stats::{self, Stat};
use super::{ExportView, ShareView, code, controls, format, messages, standalone};

/// The title shown for a share, never empty.
pub fn display_title(snapshot: &ShareSnapshot) -> &str {
    match snapshot.title.trim() {
        "" => "Untitled conversation",
        title => title,
    }
}

/// `6 messages with gpt-4o (openai)`, or `5 messages with gpt-4o,
/// claude-sonnet-4, llama3.2 and 1 more model` when the answers came from
/// several: the one-line summary used in the description and the social
/// cards.
pub fn summary(snapshot: &ShareSnapshot) -> String {
    const NAMED: usize = 3;
    let count = snapshot.messages.len();
    let noun = if count == 1 { "message" } else { "messages" };
    let count = format::count(count as i64);
    let config = &snapshot.model_config;
    if !snapshot.uses_several_models() {
        return format!("{count} {noun} with {} ({})", config.model, config.provider);
    }
    let models = snapshot.totals_by_model();
    let named: Vec<&str> = models
        .iter()
        .take(NAMED)
        .map(|m| m.model.as_str())
        .collect();
    match models.len().saturating_sub(NAMED) {
        0 => {
            let (last, first) = named.split_last().unwrap_or((&"", &[]));
            format!("{count} {noun} with {} and {last}", first.join(", "))
        }
        more => {
            let unit = if more == 1 { "model" } else { "models" };
            format!(
                "{count} {noun} with {} and {more} more {unit}",
                named.join(", ")
            )
        }
    }
}

/// What differs between the served page and the standalone file.
struct Page<'a> {
    snapshot: &'a ShareSnapshot,
    shared_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    /// The page's address online, if it has one.
    url: Option<&'a str>,
    stylesheet: Stylesheet,
    /// Where the attached files come from.
    files: Files<'a>,
    /// The footer's line of links.
    links: Markup,
    /// Which version this is and how many views are left (the served page only).
    notices: Markup,
    /// How the page presents itself to link unfurlers and search engines.
    social: Social,
}

/// What the head tells link unfurlers and search engines.
enum Social {
    /// Title and summary, and the preview card at this address if any.
    Open { image: Option<String> },
    /// A password-protected share: "Protected share" only, never indexable.
    Protected,
}

/// The page served at `/shared/{id}`.
pub fn render(view: &ShareView<'_>) -> Markup {
    let url = view.url();
    document(Page {
        snapshot: view.snapshot,
        shared_at: view.created_at,
        expires_at: view.expires_at,
        url: Some(&url),
        stylesheet: Stylesheet::Linked,
        files: Files::Served {
            share_id: view.share_id,
        },
        notices: controls::render(view),
        links: html! {
            p.pl-downloads data-testid="downloads" {
                "Download this conversation: "
                a.pl-download href={ "/shared/" (view.share_id) ".json" } download data-testid="download-json" {
                    "JSON"
                }
                " · "
                a.pl-download href={ "/shared/" (view.share_id) ".md" } download data-testid="download-markdown" {
                    "Markdown"
                }
                " · "
                a.pl-download href={ "/shared/" (view.share_id) ".html" } download data-testid="download-html" {
                    "HTML file"
                }
            }
        },
        social: if view.protected {
            Social::Protected
        } else {
            Social::Open {
                image: Some(format!("{url}/og.png")),
            }
        },
    })
}

/// The same page as a file: stylesheet inline, and no link that only makes
/// sense on the server (the downloads are relative to it).
pub fn render_standalone(view: &ExportView<'_>) -> Markup {
    let link = view.web_link();
    document(Page {
        snapshot: view.snapshot,
        shared_at: view.shared_at,
        expires_at: view.expires_at,
        url: link,
        stylesheet: Stylesheet::Inline(standalone::inline_style()),
        files: Files::Embedded { link },
        notices: html! {},
        links: html! {
            @if let Some(link) = link {
                // Styled and printed (with its address) like the page's
                // download links.
                p.pl-downloads data-testid="original-link" {
                    "This conversation online: "
                    a.pl-download href=(link) { "the shared page" }
                }
            }
        },
        social: Social::Open { image: None },
    })
}

fn document(page: Page<'_>) -> Markup {
    let snapshot = page.snapshot;
    let title = display_title(snapshot);
    let description = format!("{}, shared from Parlor.", summary(snapshot));
    let page_title = format!("{title} · Parlor");
    let extra = match &page.social {
        Social::Open { image } => html! {
            @if let Some(url) = page.url {
                link rel="canonical" href=(url);
            }
            meta property="og:type" content="article";
            meta property="og:site_name" content="Parlor";
            meta property="og:title" content=(title);
            meta property="og:description" content=(description);
            @if let Some(url) = page.url {
                meta property="og:url" content=(url);
            }
            meta property="article:published_time" content=(format::iso(page.shared_at));
            @if let Some(image) = image {
                meta property="og:image" content=(image);
                meta property="og:image:type" content="image/png";
                meta property="og:image:width" content=(super::OG_IMAGE_WIDTH);
                meta property="og:image:height" content=(super::OG_IMAGE_HEIGHT);
                meta property="og:image:alt" content=(description);
                meta name="twitter:card" content="summary_large_image";
            } @else {
                meta name="twitter:card" content="summary";
            }
            // No twitter:title, :description or :image: X reads the og: ones
            // when they are missing.
        },
        Social::Protected => html! {
            meta property="og:type" content="website";
            meta property="og:site_name" content="Parlor";
            meta property="og:title" content="Protected share";
            meta name="twitter:card" content="summary";
        },
    };
    let protected = matches!(page.social, Social::Protected);
    let head = Head {
        title: &page_title,
        description: &description,
        indexable: snapshot.indexable && !protected,
        extra,
        stylesheet: page.stylesheet,
    };
    let main = html! {
        div.pl-container {
            (header(&page, title))
            main.share-main {
                @if let Some(meta) = &snapshot.prompt_meta {
                    (prompt_meta(meta))
                }
                (messages::render(snapshot, page.files))
            }
        }
    };
    layout::document(head, "pl-page-share", main, layout::footer(page.links))
}

fn header(page: &Page<'_>, title: &str) -> Markup {
    html! {
        header.share-header data-testid="share-header" {
            div.share-topline {
                (layout::brand())
                span.share-badge { "Read-only snapshot" }
            }
            h1.share-title data-testid="share-title" { (title) }
            p.share-dates {
                span data-testid="shared-on" {
                    "Shared on "
                    time datetime=(format::iso(page.shared_at)) { (format::date(page.shared_at)) }
                }
                @if let Some(expires_at) = page.expires_at {
                    span.share-expiry data-testid="expires-on" {
                        "Expires on "
                        time datetime=(format::iso(expires_at)) { (format::date(expires_at)) }
                    }
                }
            }
            (page.notices)
            (model_config(&page.snapshot.model_config, page.snapshot.uses_several_models()))
            (totals_section(page.snapshot))
            (models_used(page.snapshot))
        }
    }
}

/// The session's model and settings. When the answers came from several
/// models, this is the one the session was set to, and says so.
fn model_config(config: &ModelConfig, several: bool) -> Markup {
    let (provider, model) = if several {
        ("Session provider", "Session model")
    } else {
        ("Provider", "Model")
    };
    html! {
        dl.share-model data-testid="model-config" {
            div.share-model-item data-field="provider" {
                dt { (provider) }
                dd data-testid="provider" { (config.provider) }
            }
            div.share-model-item data-field="model" {
                dt { (model) }
                dd data-testid="model" { code { (config.model) } }
            }
            @if let Some(temperature) = config.temperature {
                div.share-model-item data-field="temperature" {
                    dt { "Temperature" }
                    dd { (format::parameter(temperature)) }
                }
            }
            @if let Some(max_tokens) = config.max_tokens {
                div.share-model-item data-field="max-tokens" {
                    dt { "Max tokens" }
                    dd { (format::count(max_tokens)) }
                }
            }
            @if let Some(top_p) = config.top_p {
                div.share-model-item data-field="top-p" {
                    dt { "Top-p" }
                    dd { (format::parameter(top_p)) }
                }
            }
        }
    }
}

/// Figures as `<div data-stat><dt><dd>` items of a `<dl>`.
pub fn stat_items(stats: &[Stat]) -> Markup {
    html! {
        @for stat in stats {
            div data-stat=(stat.key) {
                dt { (stat.label) }
                dd { (stat.value) }
            }
        }
    }
}

fn totals_section(snapshot: &ShareSnapshot) -> Markup {
    html! {
        section.share-totals data-testid="totals" aria-label="Conversation totals" {
            dl.stat-grid { (stat_items(&stats::totals(snapshot))) }
        }
    }
}

/// Every model the answers came from, with its share of tokens and cost.
fn models_used(snapshot: &ShareSnapshot) -> Markup {
    let models = stats::models(snapshot);
    if models.is_empty() {
        return html! {};
    }
    html! {
        section.share-models data-testid="models-used" aria-label="Models used" {
            table.share-models-table {
                caption { "Models used" }
                thead {
                    tr {
                        th scope="col" { "Model" }
                        th scope="col" { "Provider" }
                        th scope="col" { "Answers" }
                        th scope="col" { "Tokens" }
                        th scope="col" { "Cost" }
                    }
                }
                tbody {
                    @for row in &models {
                        tr data-testid="model-used" {
                            th scope="row" { code { (row.model) } }
                            td data-column="provider" { (row.provider) }
                            td data-column="answers" { (row.answers) }
                            td data-column="tokens" { (row.tokens) }
                            td data-column="cost" { (row.cost) }
                        }
                    }
                }
            }
        }
    }
}

fn prompt_meta(meta: &PromptMeta) -> Markup {
    let system_prompt = meta
        .system_prompt
        .as_deref()
        .filter(|p| !p.trim().is_empty());
    if system_prompt.is_none()
        && meta.tools.is_empty()
        && meta.variables.is_empty()
        && meta.extra.is_empty()
    {
        return html! {};
    }
    html! {
        section.prompt-meta data-testid="prompt-meta" aria-label="Prompt" {
            @if let Some(prompt) = system_prompt {
                details.prompt-block.system-prompt data-testid="system-prompt" open {
                    summary { span.prompt-block-title { "System prompt" } }
                    div.prompt-block-body.markdown {
                        (code::markdown(prompt))
                    }
                }
            }
            @if !meta.tools.is_empty() {
                details.prompt-block.tool-definitions data-testid="tool-definitions" {
                    summary {
                        span.prompt-block-title { "Tools" }
                        span.prompt-block-count { (meta.tools.len()) }
                    }
                    div.prompt-block-body {
                        @for tool in &meta.tools {
                            div.tool-def data-testid="tool-definition" {
                                p.tool-def-name { code { (tool.name) } }
                                @if let Some(description) = &tool.description {
                                    p.tool-def-description { (description) }
                                }
                                @if !tool.parameters.is_null() {
                                    div.tool-def-parameters.markdown {
                                        (code::json_value(&tool.parameters))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !meta.variables.is_empty() {
                section.prompt-block.template-variables data-testid="template-variables" {
                    h2.prompt-block-title { "Template variables" }
                    dl.variables {
                        @for (name, value) in &meta.variables {
                            div.variable {
                                dt { code { "{{" (name) "}}" } }
                                dd { (value) }
                            }
                        }
                    }
                }
            }
            @if !meta.extra.is_empty() {
                details.prompt-block.prompt-details data-testid="prompt-details" open {
                    summary {
                        span.prompt-block-title { "Prompt details" }
                        span.prompt-block-count { (meta.extra.len()) }
                    }
                    dl.prompt-block-body.prompt-details-list {
                        @for (key, value) in &meta.extra {
                            div.prompt-detail data-testid="prompt-detail" {
                                dt { code { (key) } }
                                dd.markdown { (code::json_value(value)) }
                            }
                        }
                    }
                }
            }
        }
    }
}
