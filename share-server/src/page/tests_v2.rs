//! The page of a version 2 snapshot: what each answer says about itself,
//! the models of a comparison in the header, prompt details, and totals
//! that are the server's whatever the client claimed.

use scraper::Html;

use super::fixtures;
use super::tests::{attrs, one, page, select, text, text_of, texts};
use super::*;

/// [`fixtures::comparison`] with its answers no longer replying to the
/// prompt: each stands on its own, in the flow of the conversation.
fn without_replies() -> ShareSnapshot {
    let mut snapshot = fixtures::comparison();
    for message in &mut snapshot.messages {
        message.reply_to = None;
    }
    snapshot
}

#[test]
fn each_answer_shows_its_own_model_and_a_provider_not_the_headers() {
    let document = page(&without_replies());
    assert_eq!(
        texts(&document, "article[data-role=assistant] .msg-model"),
        ["gpt-4o", "claude-sonnet-4", "llama3.2", "llama-3.3-70b"]
    );
    assert_eq!(
        texts(
            &document,
            "article[data-role=assistant] [data-testid=msg-provider]"
        ),
        ["anthropic", "ollama", "groq"],
        "openai is the header's provider"
    );
    assert!(select(&document, "article[data-role=user] .msg-model").is_empty());

    // A comparison's columns each name their provider, the header's too.
    let document = page(&fixtures::comparison());
    let providers = "article[data-role=assistant] [data-testid=msg-provider]";
    assert_eq!(
        texts(&document, providers),
        ["openai", "anthropic", "ollama", "groq"]
    );
}

#[test]
fn a_version_1_answer_is_labelled_with_the_header_model() {
    let document = page(&fixtures::conversation());
    assert_eq!(
        texts(&document, "article[data-role=assistant] .msg-model"),
        ["gpt-4o-2024-08-06"; 3]
    );
    assert!(
        select(
            &document,
            "[data-testid=msg-provider], [data-testid=models-used]"
        )
        .is_empty()
    );
    assert_eq!(text_of(&document, "[data-field=model] dt"), "Model");
}

#[test]
fn several_models_are_listed_with_their_share_of_tokens_and_cost() {
    let document = page(&fixtures::comparison());
    assert_eq!(text_of(&document, "[data-field=model] dt"), "Session model");
    let rows: Vec<Vec<String>> = select(&document, "[data-testid=model-used]")
        .into_iter()
        .map(|row| {
            row.children()
                .filter_map(scraper::ElementRef::wrap)
                .map(text)
                .collect()
        })
        .collect();
    // 1,000 + 1,014 + 886 tokens; $0.003 + $0.0038 + $0.
    assert_eq!(
        rows,
        [
            ["gpt-4o", "openai", "1", "1,000 (34%)", "$0.003 (44%)"],
            [
                "claude-sonnet-4",
                "anthropic",
                "1",
                "1,014 (35%)",
                "$0.0038 (56%)"
            ],
            ["llama3.2", "ollama", "1", "886 (31%)", "$0.00 (0%)"],
            ["llama-3.3-70b", "groq", "1", "0 (0%)", "$0.00 (0%)"],
        ]
    );
    assert_eq!(
        texts(&document, "[data-testid=models-used] thead th"),
        ["Model", "Provider", "Answers", "Tokens", "Cost"]
    );
}

#[test]
fn settings_are_shown_where_they_differ_from_the_header() {
    let document = page(&without_replies());
    let labels = texts(&document, "#msg-3 [data-testid=msg-params] dt");
    let values = texts(&document, "#msg-3 [data-testid=msg-params] dd");
    assert_eq!(labels, ["Temperature", "Max tokens", "stop", "topK"]);
    assert_eq!(values, ["0.2", "64", "[\"\\n\\n\"]", "40"]);
    // The same temperature as the header's: nothing to point out.
    assert!(select(&document, "#msg-4 [data-testid=msg-params]").is_empty());
    assert!(select(&document, "#msg-2 [data-testid=msg-params]").is_empty());
}

#[test]
fn a_comparison_column_shows_every_setting_it_names() {
    let document = page(&fixtures::comparison());
    assert_eq!(
        texts(&document, "#msg-3 [data-testid=msg-params] dt"),
        ["Temperature", "Max tokens", "stop", "topK"]
    );
    // The header's temperature, said so that the columns compare.
    assert_eq!(
        texts(&document, "#msg-4 [data-testid=msg-params] dt"),
        ["Temperature"]
    );
    assert!(select(&document, "#msg-2 [data-testid=msg-params]").is_empty());
}

#[test]
fn answers_that_ended_early_are_marked_like_in_the_app() {
    let document = page(&fixtures::comparison());
    let marks: Vec<(String, String, String)> = select(&document, "[data-testid=finish-mark]")
        .into_iter()
        .map(|mark| {
            let article = mark
                .ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .find(|e| e.value().name() == "article")
                .unwrap();
            (
                article.value().attr("id").unwrap_or_default().to_owned(),
                text(mark),
                mark.value().attr("class").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        [
            (
                "msg-3".into(),
                "Cut off".into(),
                "msg-state msg-state-cut-off".into()
            ),
            (
                "msg-4".into(),
                "Stopped".into(),
                "msg-state msg-state-stopped".into()
            ),
            (
                "msg-5".into(),
                "Failed".into(),
                "msg-state msg-state-failed".into()
            ),
        ]
    );
    let states = attrs(&document, "article[data-role=assistant]", "data-state");
    assert_eq!(states, ["complete", "cut-off", "stopped", "failed"]);
    assert_eq!(
        text_of(&document, "#msg-5 [data-testid=msg-error] .msg-error-text"),
        "429 Too Many Requests: rate limit reached"
    );
    assert!(
        select(&document, "#msg-5 .msg-empty").is_empty(),
        "a failure shows its error, not (no content)"
    );
    let stylesheet = stylesheet();
    for class in [
        ".msg-state",
        ".msg-state-cut-off",
        ".msg-state-failed",
        ".msg-error",
    ] {
        assert!(stylesheet.contains(class), "no style for {class}");
    }
}

#[test]
fn answers_to_one_prompt_are_numbered_and_link_it() {
    let document = page(&fixtures::comparison());
    let prompt = "[data-testid=comparison] .compare-prompt";
    assert_eq!(text_of(&document, prompt), "4 answers to message 1");
    let link = one(&document, &format!("{prompt} a"));
    assert_eq!(link.value().attr("href"), Some("#msg-1"));
    let numbers = texts(
        &document,
        "[data-testid=comparison-columns] .compare-number",
    );
    assert_eq!(numbers, ["1", "2", "3", "4"]);
}

#[test]
fn prompt_details_show_each_extra_key_as_json() {
    let document = page(&fixtures::comparison());
    assert_eq!(
        texts(&document, "[data-testid=prompt-detail] dt"),
        ["promptId", "promptVersion", "tags"]
    );
    let tags = one(
        &document,
        "[data-testid=prompt-detail]:nth-child(3) dd pre code.language-json",
    );
    assert_eq!(
        tags.text().collect::<String>(),
        "[\n  \"rust\",\n  \"teaching\"\n]\n"
    );
    assert_eq!(
        text_of(
            &document,
            "[data-testid=prompt-details] .prompt-block-count"
        ),
        "3"
    );
}

#[test]
fn the_page_shows_the_servers_totals_not_the_clients() {
    let mut snapshot = fixtures::conversation();
    snapshot.total_tokens = Some(999_999);
    snapshot.total_cost = Some(123.0);
    let document = page(&snapshot);
    assert_eq!(
        text_of(
            &document,
            "[data-testid=totals] [data-stat=total-tokens] dd"
        ),
        "4,317"
    );
    assert_eq!(
        text_of(&document, "[data-testid=totals] [data-stat=total-cost] dd"),
        "unknown"
    );
    let markdown = fixtures::markdown(&snapshot);
    assert!(markdown.contains("Total tokens 4,317"), "{markdown}");
    assert!(!markdown.contains("999,999"));
}

#[test]
fn page_outline_v2() {
    let html = fixtures::html(&fixtures::comparison());
    super::tests::assert_inert(&html);
    insta::assert_snapshot!("page_outline_v2", super::tests::outline(&html));
}

#[test]
fn markdown_download_v2() {
    insta::assert_snapshot!(
        "markdown_download_v2",
        fixtures::markdown(&fixtures::comparison())
    );
}

#[test]
fn the_standalone_file_shows_the_same_answers() {
    let snapshot = fixtures::comparison();
    let file = Html::parse_document(&render_standalone(&ExportView::new(
        &snapshot,
        fixtures::created_at(),
    )));
    assert_eq!(select(&file, "[data-testid=finish-mark]").len(), 3);
    assert_eq!(select(&file, "[data-testid=model-used]").len(), 4);
    assert_eq!(select(&file, "[data-testid=prompt-detail]").len(), 3);
}
