//! Comparisons on the page, in the standalone file and in the Markdown
//! document: the answers to one prompt as columns, the table of their
//! figures with the best marked, the conversation going on below, and
//! hostile content in every column and cell staying text.

use scraper::{ElementRef, Html};

use super::fixtures::{self, XSS, XSS_SHORT};
use super::tests::{assert_inert, attrs, one, page, select, text, text_of, texts};
use super::*;

fn children(element: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    element.children().filter_map(ElementRef::wrap)
}

/// What stands in the conversation, in order: `#msg-N` for a message,
/// `compare[msg-N …]` for a comparison and its columns.
fn flow(document: &Html) -> Vec<String> {
    children(one(document, "section.messages"))
        .map(|item| match item.value().name() {
            "article" => format!("#{}", item.value().attr("id").unwrap_or_default()),
            _ => {
                let columns: Vec<_> = select_in(item, "article.compare-answer")
                    .map(|a| a.value().attr("id").unwrap_or_default().to_owned())
                    .collect();
                format!("compare[{}]", columns.join(" "))
            }
        })
        .collect()
}

fn select_in<'a>(element: ElementRef<'a>, selector: &str) -> impl Iterator<Item = ElementRef<'a>> {
    let selector = scraper::Selector::parse(selector).unwrap();
    element.select(&selector).collect::<Vec<_>>().into_iter()
}

/// Each row of the comparison table as its cells' texts.
fn table_rows(document: &Html) -> Vec<Vec<String>> {
    select(document, "[data-testid=comparison-row]")
        .into_iter()
        .map(|row| children(row).map(text).collect())
        .collect()
}

#[test]
fn three_answers_stand_as_columns_and_the_conversation_goes_on_below() {
    let document = page(&fixtures::comparison_of_three());
    assert_eq!(
        flow(&document),
        ["#msg-1", "compare[msg-2 msg-3 msg-4]", "#msg-5", "#msg-6"]
    );
    assert_eq!(
        texts(&document, ".compare-answer .compare-title"),
        [
            "1 gpt-4o openai",
            "2 claude-sonnet-4 anthropic",
            "3 llama3.2 ollama"
        ]
    );
    let columns = attrs(&document, ".compare-answer", "data-column");
    assert_eq!(columns, ["1", "2", "3"]);
    // The reasoning's 40 tokens are in the table below.
    assert_eq!(
        text_of(&document, "#msg-3 .msg-reasoning summary"),
        "Reasoning"
    );
    assert_eq!(
        texts(&document, "#msg-4 [data-testid=msg-params] dt"),
        ["Temperature", "seed"]
    );
    // The figures are in the table, not repeated in the columns; the
    // answer after the comparison has its own line as usual.
    assert!(select(&document, ".compare-answer [data-testid=msg-stats]").is_empty());
    one(&document, "#msg-6 [data-testid=msg-stats]");
    assert_eq!(
        text_of(&document, "#msg-6 header .msg-role"),
        "Assistant",
        "the selected answer's path reads as a normal message"
    );
}

#[test]
fn the_table_has_a_row_per_answer_and_marks_the_best_in_words() {
    let document = page(&fixtures::comparison_of_three());
    let labels = std::iter::once("Answer").chain(compare::FIGURES.iter().map(|f| f.label));
    assert_eq!(
        texts(&document, "[data-testid=comparison-table] thead th"),
        labels.collect::<Vec<_>>()
    );
    assert_eq!(
        table_rows(&document),
        [
            [
                "1 gpt-4o openai",
                "900",
                "120",
                "—",
                "—",
                "$0.00345",
                "300 ms",
                "1.50 s ★ best",
                "100 tok/s"
            ],
            [
                "2 claude-sonnet-4 anthropic",
                "950",
                "150",
                "40",
                "512",
                "$0.0051",
                "650 ms",
                "1.50 s ★ best",
                "176 tok/s ★ best"
            ],
            [
                "3 llama3.2 ollama",
                "880",
                "95",
                "—",
                "—",
                "$0.00 ★ best",
                "120 ms ★ best",
                "2.50 s",
                "39.9 tok/s"
            ],
        ]
    );
    let best: Vec<_> = select(&document, "td.compare-best")
        .into_iter()
        .map(|td| {
            let value = td.value();
            format!(
                "{}={}",
                value.attr("data-column").unwrap_or_default(),
                value.attr("data-best").unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        best,
        [
            "inference-time=lowest",
            "inference-time=lowest",
            "tokens-per-second=highest",
            "cost=lowest",
            "ttft=lowest"
        ]
    );
    // Each row links to its column.
    let links = attrs(&document, "[data-testid=comparison-row] th a", "href");
    assert_eq!(links, ["#msg-2", "#msg-3", "#msg-4"]);
}

#[test]
fn messages_between_the_answers_follow_their_comparison() {
    // A tool-calling answer, its tool's result, the final answer and a
    // failed one, all replying to the user's message.
    let document = page(&chat_core::fixtures::weather_v2());
    assert_eq!(
        flow(&document),
        ["#msg-1", "#msg-2", "compare[msg-3 msg-5 msg-6]", "#msg-4"]
    );
    let link = one(&document, "#msg-4 .msg-answers a");
    assert_eq!(link.value().attr("href"), Some("#msg-3-call-1"));
    one(&document, "#msg-3 #msg-3-call-1");
}

#[test]
fn a_hostile_comparison_stays_text_in_every_column_and_cell() {
    let snapshot = fixtures::hostile(2);
    let html = fixtures::html(&snapshot);
    assert_inert(&html);
    let document = Html::parse_document(&html);
    let breaker = "</td></tr></table><script>alert(1)</script>";
    assert_eq!(
        flow(&document),
        [
            "#msg-1",
            "compare[msg-2 msg-6 msg-7]",
            "#msg-3",
            "#msg-4",
            "#msg-5"
        ]
    );
    let raw = |selector: &str| -> Vec<String> {
        select(&document, selector)
            .into_iter()
            .map(|e| e.text().collect())
            .collect()
    };
    let models = [format!("m{XSS}"), XSS_SHORT.into(), XSS_SHORT.into()];
    let providers = ["<svg onload=alert(2)>", breaker, breaker];
    assert_eq!(raw(".compare-answer .compare-title .msg-model"), models);
    assert_eq!(
        raw(".compare-answer .compare-title .msg-provider"),
        providers
    );
    assert_eq!(raw("[data-testid=comparison-row] .msg-model"), models);
    assert_eq!(raw("[data-testid=comparison-row] .msg-provider"), providers);
    // No provider or model ends the table or a row early.
    let table = one(&document, "[data-testid=comparison-table]");
    assert_eq!(select_in(table, "tbody > tr").count(), 3);
    for row in select_in(table, "tbody > tr") {
        assert_eq!(children(row).count(), 1 + compare::FIGURES.len());
    }
    let error = snapshot.messages[1].error.clone().unwrap_or_default();
    assert_eq!(raw("#msg-2 .msg-error-text"), [error]);
    let setting = format!("#msg-7 [data-testid=msg-params] [data-param={breaker:?}]");
    assert_eq!(raw(&format!("{setting} dt")), [breaker]);
    assert_eq!(raw(&format!("{setting} dd")), [XSS_SHORT]);
    assert_eq!(
        raw("#msg-7 [data-param=stop] dd"),
        [serde_json::json!([XSS]).to_string()]
    );
    // The answers are the safe Markdown renderer's, in every column.
    for id in ["msg-6", "msg-7"] {
        let content = text_of(&document, &format!("#{id} [data-testid=msg-content]"));
        assert!(content.contains("click"), "{id}: {content}");
    }
}

#[test]
fn the_standalone_file_shows_the_same_comparison() {
    for snapshot in [fixtures::comparison_of_three(), fixtures::hostile(2)] {
        let page = page(&snapshot);
        let html = render_standalone(&ExportView::new(&snapshot, fixtures::created_at()));
        let file = Html::parse_document(&html);
        assert_eq!(
            one(&file, "section.messages").html(),
            one(&page, "section.messages").html()
        );
        let style = one(&file, "head > style").text().collect::<String>();
        assert_inert(&html.replacen(&format!("<style>{style}</style>"), "", 1));
    }
}

/// The cells of a Markdown table row: split at the `|` that are not escaped.
fn markdown_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = line.trim().trim_matches('|').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cells.last_mut().unwrap().push('|');
                chars.next();
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.iter().map(|c| c.trim().to_owned()).collect()
}

#[test]
fn the_markdown_document_keeps_the_comparison_and_its_table() {
    let snapshot = fixtures::comparison_of_three();
    let markdown = render_markdown_document(&ExportView::new(&snapshot, fixtures::created_at()));
    let headings: Vec<_> = markdown.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings,
        [
            "# Three models explain Rust lifetimes",
            "## 1. User · 25 Nov 2026, 14:00 UTC",
            "## Comparison: 3 answers to message 1",
            "### 2. Answer 1: `gpt-4o` (openai) · 25 Nov 2026, 14:00 UTC",
            "### 3. Answer 2: `claude-sonnet-4` (anthropic) · 25 Nov 2026, 14:00 UTC",
            "### 4. Answer 3: `llama3.2` (ollama) · 25 Nov 2026, 14:00 UTC",
            "## 5. User · 25 Nov 2026, 14:01 UTC",
            "## 6. Assistant · `claude-sonnet-4` (anthropic) · 25 Nov 2026, 14:01 UTC",
        ]
    );
    let rows: Vec<Vec<String>> = markdown
        .lines()
        .filter(|l| l.starts_with("| 1.") || l.starts_with("| 2.") || l.starts_with("| 3."))
        .map(markdown_cells)
        .collect();
    assert_eq!(
        rows[2],
        [
            "3. `llama3.2` (ollama)",
            "880",
            "95",
            "—",
            "—",
            "**$0.00** ★",
            "**120 ms** ★",
            "2.50 s",
            "39.9 tok/s"
        ]
    );
    assert_eq!(rows.len(), 3);

    // Hostile names cannot add or end a cell.
    let hostile = fixtures::hostile(2);
    let markdown = render_markdown_document(&ExportView::new(&hostile, fixtures::created_at()));
    let header = markdown
        .lines()
        .position(|l| l.starts_with("| Answer |"))
        .unwrap();
    let table: Vec<_> = markdown.lines().skip(header).take(6).collect();
    assert!(table[5].is_empty(), "three rows: {table:#?}");
    for row in &table[2..5] {
        assert_eq!(
            markdown_cells(row).len(),
            1 + compare::FIGURES.len(),
            "{row}"
        );
    }
}

#[test]
fn the_stylesheet_lays_columns_out_without_script() {
    let css = stylesheet();
    for rule in [
        ".compare-columns {\ndisplay: grid;\ngrid-template-columns: repeat(auto-fit, minmax(min(14rem, 100%), 1fr));",
        "td.compare-best",
        ".compare-best-mark",
    ] {
        assert!(css.contains(rule), "no {rule:?} in the stylesheet");
    }
}
