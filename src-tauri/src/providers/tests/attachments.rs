//! Files in turns, against local servers speaking each wire format: the
//! request body carries each image exactly as stored (stripped of its
//! metadata), text files go in as fenced blocks, and a PDF reaches only
//! Anthropic — any other provider refuses it before anything is sent.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chat_core::Usage;
use chat_core::attachment::fenced_text;
use chat_core::fixtures::files::{JPEG_WITH_GPS, METADATA_MARKERS, PNG_WITH_TEXT};
use contract::AttachmentRef;
use serde_json::{Value, json};

use super::server::{Reply, Step, data, event};
use super::{Collect, Harness, harness};
use crate::attachments;
use crate::settings::ProviderKind;
use crate::store::{MessageStatus, StoredMessage};
use crate::turns;

const NOTES: &str = "Bring an umbrella.\n";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

/// A short complete answer with usage (input tokens counting the image, as
/// the provider reports them), in `kind`'s wire format.
fn answer(kind: ProviderKind) -> Reply {
    match kind {
        ProviderKind::OpenAi => Reply::sse(&[
            &data(r#"{"choices":[{"index":0,"delta":{"content":"A cat."},"finish_reason":null}]}"#),
            &data(r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#),
            &data(r#"{"choices":[],"usage":{"prompt_tokens":1105,"completion_tokens":3}}"#),
            "data: [DONE]\n\n",
        ]),
        ProviderKind::Anthropic => Reply::sse(&[
            &event(
                "message_start",
                r#"{"type":"message_start","message":{"usage":{"input_tokens":1105,"output_tokens":1}}}"#,
            ),
            &event(
                "content_block_start",
                r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"A cat."}}"#,
            ),
            &event("content_block_stop", r#"{"type":"content_block_stop","index":0}"#),
            &event(
                "message_delta",
                r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}"#,
            ),
            &event("message_stop", r#"{"type":"message_stop"}"#),
        ]),
        ProviderKind::Ollama => Reply::stream(
            "application/x-ndjson",
            vec![Step::Send(
                [
                    r#"{"message":{"role":"assistant","content":"A cat."},"done":false}"#,
                    r#"{"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":1105,"eval_count":3}"#,
                    "",
                ]
                .join("\n"),
            )],
        ),
    }
}

async fn provider(kind: ProviderKind, replies: Vec<Reply>) -> Harness {
    let base = if kind == ProviderKind::OpenAi {
        "/v1"
    } else {
        ""
    };
    harness(kind, base, "vision-test", replies).await
}

/// Stores a file as the attach command does.
fn attach(h: &Harness, name: &str, bytes: &[u8]) -> AttachmentRef {
    attachments::add(&h.core.store, name, None, &STANDARD.encode(bytes)).unwrap()
}

/// Sends `text` with `files` and runs the turn to its end.
async fn turn_with(h: &Harness, text: &str, files: &[&AttachmentRef]) -> StoredMessage {
    let shas: Vec<String> = files.iter().map(|f| f.sha256.clone()).collect();
    let (started, prepared) = turns::start_message(&h.core, &h.session.id, Some(text), &shas)
        .await
        .unwrap();
    let user = started.user_message.unwrap();
    assert_eq!(user.attachments.len(), files.len());
    turns::run_turn(Arc::clone(&h.core), prepared, Arc::new(Collect::default())).await
}

/// The stored bytes of a file, base64: what the body must carry.
fn stored_base64(h: &Harness, file: &AttachmentRef) -> String {
    let (_, bytes) = h.core.store.attachment(&file.sha256).unwrap();
    for marker in METADATA_MARKERS {
        assert!(!bytes.windows(marker.len()).any(|w| w == *marker));
    }
    STANDARD.encode(bytes)
}

/// The last message of the request the server received.
fn last_message(h: &Harness) -> Value {
    let requests = h.server.requests();
    assert_eq!(requests.len(), 1, "one request");
    requests[0].body["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone()
}

fn assert_answered(message: &StoredMessage) {
    assert_eq!(message.status, MessageStatus::Complete, "{message:?}");
    assert_eq!(message.content, "A cat.");
    let usage = message.usage.unwrap();
    assert_eq!((usage.input_tokens, usage.output_tokens), (1105, 3));
    assert!(message.cost.is_some(), "priced as reported");
}

#[tokio::test]
async fn openai_gets_the_image_as_a_data_url_part_and_the_text_file_fenced() {
    let h = provider(ProviderKind::OpenAi, vec![answer(ProviderKind::OpenAi)]).await;
    let image = attach(&h, "photo.jpg", JPEG_WITH_GPS);
    let notes = attach(&h, "notes.txt", NOTES.as_bytes());
    let message = turn_with(&h, "What is this?", &[&image, &notes]).await;
    assert_answered(&message);

    let sent = last_message(&h);
    let text = format!("What is this?\n\n{}", fenced_text("notes.txt", NOTES));
    let url = format!("data:image/jpeg;base64,{}", stored_base64(&h, &image));
    assert_eq!(
        sent,
        json!({"role": "user", "content": [
            {"type": "text", "text": text},
            {"type": "image_url", "image_url": {"url": url}},
        ]})
    );
}

#[tokio::test]
async fn anthropic_gets_image_and_document_blocks() {
    let h = provider(
        ProviderKind::Anthropic,
        vec![answer(ProviderKind::Anthropic)],
    )
    .await;
    let image = attach(&h, "shot.png", PNG_WITH_TEXT);
    let pdf = attach(&h, "report.pdf", PDF);
    let message = turn_with(&h, "Compare them.", &[&image, &pdf]).await;
    assert_answered(&message);

    let source = |media_type: &str, data: String| json!({"type": "base64", "media_type": media_type, "data": data});
    assert_eq!(
        last_message(&h),
        json!({"role": "user", "content": [
            {"type": "image", "source": source("image/png", stored_base64(&h, &image))},
            {"type": "document", "source": source("application/pdf", STANDARD.encode(PDF))},
            {"type": "text", "text": "Compare them."},
        ]})
    );
}

#[tokio::test]
async fn ollama_gets_the_images_beside_the_text() {
    let h = provider(ProviderKind::Ollama, vec![answer(ProviderKind::Ollama)]).await;
    let image = attach(&h, "photo.jpg", JPEG_WITH_GPS);
    // A screenshot sent alone, without a word.
    let message = turn_with(&h, "", &[&image]).await;
    assert_answered(&message);
    assert_eq!(
        last_message(&h),
        json!({"role": "user", "content": "", "images": [stored_base64(&h, &image)]})
    );
}

#[tokio::test]
async fn a_pdf_to_a_provider_that_cannot_read_it_is_refused_before_anything_is_sent() {
    for kind in [ProviderKind::OpenAi, ProviderKind::Ollama] {
        let h = provider(kind, vec![answer(kind)]).await;
        let pdf = attach(&h, "report.pdf", PDF);
        let shas = [pdf.sha256.clone()];
        let error = turns::start_message(&h.core, &h.session.id, Some("Sum up"), &shas)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "provider_refuses_attachment", "{kind:?}");
        let message = error.to_string();
        assert!(
            message.contains("“report.pdf”") && message.contains("Anthropic"),
            "{message}"
        );
        assert!(h.core.store.all_messages(&h.session.id).unwrap().is_empty());
        assert!(h.server.requests().is_empty());
    }
}

#[tokio::test]
async fn a_pdf_earlier_in_the_conversation_fails_the_answer_unsent_after_a_provider_change() {
    let h = provider(
        ProviderKind::Anthropic,
        vec![answer(ProviderKind::Anthropic)],
    )
    .await;
    let pdf = attach(&h, "report.pdf", PDF);
    turn_with(&h, "Read this.", &[&pdf]).await;
    h.edit_settings(|settings| settings.providers[0].kind = ProviderKind::OpenAi);
    let (message, _) = h.turn("And now?").await;
    assert_eq!(message.status, MessageStatus::Error);
    assert!(message.error.unwrap().contains("does not read PDF files"));
    assert_eq!(h.server.requests().len(), 1, "only the first turn was sent");
}

#[tokio::test]
async fn a_provider_refusing_images_is_shown_its_error() {
    let refusal = r#"{"error":{"message":"model does not support image input","type":"invalid_request_error"}}"#;
    let h = provider(ProviderKind::OpenAi, vec![Reply::json(400, refusal)]).await;
    let image = attach(&h, "photo.jpg", JPEG_WITH_GPS);
    let message = turn_with(&h, "What is this?", &[&image]).await;
    assert_eq!(message.status, MessageStatus::Error);
    let error = message.error.unwrap();
    assert!(error.contains("does not support image input"), "{error}");
    assert_eq!(message.usage, None::<Usage>);
}

#[tokio::test]
async fn unknown_files_and_too_many_are_refused_before_the_turn() {
    let h = provider(ProviderKind::OpenAi, vec![]).await;
    let missing = "cd".repeat(32);
    let start = |shas: Vec<String>| {
        let core = Arc::clone(&h.core);
        let session = h.session.id.clone();
        async move { turns::start_message(&core, &session, Some("Hi"), &shas).await }
    };
    let unknown = start(vec![missing.clone()]).await.unwrap_err();
    assert_eq!(unknown.code(), "not_found");
    assert!(unknown.to_string().contains(&missing));
    let image = attach(&h, "photo.jpg", JPEG_WITH_GPS);
    let eleven = start(vec![image.sha256.clone(); 11]).await.unwrap_err();
    assert_eq!(eleven.code(), "attachment_refused");
    assert!(eleven.to_string().contains("at most 10 files"), "{eleven}");
    assert!(h.core.store.all_messages(&h.session.id).unwrap().is_empty());
}
