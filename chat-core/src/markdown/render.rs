//! The HTML writer: every tag in the output is written here, from a fixed
//! set; everything that comes from the source goes through [`escape_into`]
//! (attribute values) or [`escape_text_into`] (text).

use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, LinkType, Tag, TagEnd};

use super::url::sanitize_url;
use super::{code_language, escape_into, escape_text_into};

const LINK_REL: &str = "noopener noreferrer nofollow";

pub(super) fn render<'a>(events: impl Iterator<Item = Event<'a>>, source_len: usize) -> String {
    let mut renderer = Renderer {
        out: String::with_capacity(source_len + source_len / 2),
        ..Renderer::default()
    };
    for event in events {
        renderer.event(event);
    }
    renderer.out
}

/// What a `Link` or `Image` start wrote, so its end closes the same thing.
enum LinkFrame {
    Anchor,
    /// An image shown as a link; when it has no alt text the URL is shown.
    Image {
        has_text: bool,
        url: String,
    },
    /// A refused URL, or a link nested in a link: only its text is rendered.
    TextOnly,
}

struct CodeBlock {
    language: Option<String>,
    code: String,
}

#[derive(Default)]
struct Renderer {
    out: String,
    links: Vec<LinkFrame>,
    open_anchors: usize,
    code: Option<CodeBlock>,
    in_metadata: bool,
    table_alignments: Vec<Alignment>,
    table_cell: usize,
    in_table_head: bool,
}

impl Renderer {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            // Raw HTML from the source is text like any other.
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => self.text(&text),
            Event::Code(code) => self.wrapped("<code>", &code, "</code>"),
            Event::InlineMath(math) => self.wrapped("<code class=\"md-math\">", &math, "</code>"),
            Event::DisplayMath(math) => {
                self.wrapped("<pre class=\"md-math\"><code>", &math, "</code></pre>\n")
            }
            Event::FootnoteReference(name) => {
                self.wrapped("<sup class=\"md-footnote-ref\">[", &name, "]</sup>")
            }
            Event::SoftBreak => self.text("\n"),
            Event::HardBreak => self.out.push_str("<br>\n"),
            Event::Rule => self.out.push_str("<hr>\n"),
            // A read-only page has no form controls: the box is a symbol.
            Event::TaskListMarker(checked) => self.out.push_str(if checked {
                "<span class=\"md-task md-task-done\" role=\"img\" aria-label=\"done\">\u{2611}</span> "
            } else {
                "<span class=\"md-task\" role=\"img\" aria-label=\"to do\">\u{2610}</span> "
            }),
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(block) = &mut self.code {
            block.code.push_str(text);
        } else if !self.in_metadata {
            self.mark_link_text();
            escape_text_into(&mut self.out, text);
        }
    }

    fn wrapped(&mut self, open: &str, text: &str, close: &str) {
        self.mark_link_text();
        self.out.push_str(open);
        escape_text_into(&mut self.out, text);
        self.out.push_str(close);
    }

    fn mark_link_text(&mut self) {
        if let Some(LinkFrame::Image { has_text, .. }) = self.links.last_mut() {
            *has_text = true;
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let out = &mut self.out;
        match tag {
            Tag::Paragraph => out.push_str("<p>"),
            Tag::Heading { level, .. } => out.push_str(&format!("<{level}>")),
            Tag::BlockQuote(None) => out.push_str("<blockquote>\n"),
            Tag::BlockQuote(Some(kind)) => {
                let kind = format!("{kind:?}").to_ascii_lowercase();
                out.push_str(&format!(
                    "<blockquote class=\"md-alert md-alert-{kind}\">\n"
                ));
            }
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => code_language(&info),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(CodeBlock {
                    language,
                    code: String::new(),
                });
            }
            Tag::HtmlBlock => out.push_str("<pre class=\"md-raw-html\"><code>"),
            Tag::List(Some(1)) => out.push_str("<ol>\n"),
            Tag::List(Some(start)) => out.push_str(&format!("<ol start=\"{start}\">\n")),
            Tag::List(None) => out.push_str("<ul>\n"),
            Tag::Item => out.push_str("<li>"),
            Tag::FootnoteDefinition(name) => {
                out.push_str("<div class=\"md-footnote\"><sup>[");
                escape_text_into(out, &name);
                out.push_str("]</sup>\n");
            }
            Tag::DefinitionList => out.push_str("<dl>\n"),
            Tag::DefinitionListTitle => out.push_str("<dt>"),
            Tag::DefinitionListDefinition => out.push_str("<dd>"),
            Tag::Table(alignments) => {
                self.table_alignments = alignments;
                out.push_str("<table>\n");
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.table_cell = 0;
                out.push_str("<thead>\n<tr>");
            }
            Tag::TableRow => {
                self.table_cell = 0;
                out.push_str("<tr>");
            }
            Tag::TableCell => {
                out.push_str(if self.in_table_head { "<th" } else { "<td" });
                match self.table_alignments.get(self.table_cell) {
                    Some(Alignment::Left) => out.push_str(" class=\"md-align-left\""),
                    Some(Alignment::Center) => out.push_str(" class=\"md-align-center\""),
                    Some(Alignment::Right) => out.push_str(" class=\"md-align-right\""),
                    Some(Alignment::None) | None => {}
                }
                out.push('>');
            }
            Tag::Emphasis => out.push_str("<em>"),
            Tag::Strong => out.push_str("<strong>"),
            Tag::Strikethrough => out.push_str("<del>"),
            Tag::Superscript => out.push_str("<sup>"),
            Tag::Subscript => out.push_str("<sub>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => self.start_link(link_type, &dest_url, &title),
            Tag::Image {
                dest_url, title, ..
            } => self.start_image(&dest_url, &title),
            Tag::MetadataBlock(_) => self.in_metadata = true,
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let out = &mut self.out;
        match tag {
            TagEnd::Paragraph => out.push_str("</p>\n"),
            TagEnd::Heading(level) => out.push_str(&format!("</{level}>\n")),
            TagEnd::BlockQuote(_) => out.push_str("</blockquote>\n"),
            TagEnd::CodeBlock => {
                if let Some(block) = self.code.take() {
                    self.write_code_block(&block);
                }
            }
            TagEnd::HtmlBlock => out.push_str("</code></pre>\n"),
            TagEnd::List(true) => out.push_str("</ol>\n"),
            TagEnd::List(false) => out.push_str("</ul>\n"),
            TagEnd::Item => out.push_str("</li>\n"),
            TagEnd::FootnoteDefinition => out.push_str("</div>\n"),
            TagEnd::DefinitionList => out.push_str("</dl>\n"),
            TagEnd::DefinitionListTitle => out.push_str("</dt>\n"),
            TagEnd::DefinitionListDefinition => out.push_str("</dd>\n"),
            TagEnd::Table => {
                self.table_alignments.clear();
                out.push_str("</tbody>\n</table>\n");
            }
            TagEnd::TableHead => {
                self.in_table_head = false;
                out.push_str("</tr>\n</thead>\n<tbody>\n");
            }
            TagEnd::TableRow => out.push_str("</tr>\n"),
            TagEnd::TableCell => {
                self.table_cell += 1;
                out.push_str(if self.in_table_head { "</th>" } else { "</td>" });
            }
            TagEnd::Emphasis => out.push_str("</em>"),
            TagEnd::Strong => out.push_str("</strong>"),
            TagEnd::Strikethrough => out.push_str("</del>"),
            TagEnd::Superscript => out.push_str("</sup>"),
            TagEnd::Subscript => out.push_str("</sub>"),
            TagEnd::Link | TagEnd::Image => self.end_link(),
            TagEnd::MetadataBlock(_) => self.in_metadata = false,
        }
    }

    fn start_link(&mut self, link_type: LinkType, dest: &CowStr<'_>, title: &str) {
        if self.open_anchors > 0 {
            self.links.push(LinkFrame::TextOnly);
            return;
        }
        let dest = if link_type == LinkType::Email {
            format!("mailto:{dest}")
        } else {
            dest.to_string()
        };
        match sanitize_url(&dest) {
            Some(url) => {
                self.open_anchor("", &url, title);
                self.links.push(LinkFrame::Anchor);
            }
            None => self.links.push(LinkFrame::TextOnly),
        }
    }

    fn start_image(&mut self, dest: &str, title: &str) {
        match sanitize_url(dest).filter(|_| self.open_anchors == 0) {
            Some(url) => {
                self.open_anchor(" class=\"md-image\"", &url, title);
                self.links.push(LinkFrame::Image {
                    has_text: false,
                    url,
                });
            }
            None => self.links.push(LinkFrame::TextOnly),
        }
    }

    fn open_anchor(&mut self, class: &str, url: &str, title: &str) {
        self.open_anchors += 1;
        let out = &mut self.out;
        out.push_str("<a");
        out.push_str(class);
        out.push_str(" href=\"");
        escape_into(out, url);
        out.push_str("\" rel=\"");
        out.push_str(LINK_REL);
        out.push('"');
        if !title.is_empty() {
            out.push_str(" title=\"");
            escape_into(out, title);
            out.push('"');
        }
        out.push('>');
    }

    fn end_link(&mut self) {
        match self.links.pop() {
            Some(LinkFrame::Anchor) => {}
            Some(LinkFrame::Image { has_text, url }) => {
                if !has_text {
                    escape_text_into(&mut self.out, &url);
                }
            }
            Some(LinkFrame::TextOnly) | None => return,
        }
        self.open_anchors = self.open_anchors.saturating_sub(1);
        self.out.push_str("</a>");
    }

    fn write_code_block(&mut self, block: &CodeBlock) {
        #[cfg(feature = "highlight")]
        if let Some(language) = &block.language
            && let Some(highlighted) = super::highlight::highlight(language, &block.code)
        {
            self.out.push_str("<pre><code class=\"language-");
            escape_into(&mut self.out, language);
            self.out.push_str("\">");
            self.out.push_str(&highlighted);
            self.out.push_str("</code></pre>\n");
            return;
        }
        match &block.language {
            Some(language) => {
                self.out.push_str("<pre><code class=\"language-");
                escape_into(&mut self.out, language);
                self.out.push_str("\">");
            }
            None => self.out.push_str("<pre><code>"),
        }
        escape_text_into(&mut self.out, &block.code);
        self.out.push_str("</code></pre>\n");
    }
}
