//! The request an answer is generated from: the session's system prompt,
//! tools and variables, the setup's model and sampling parameters, and the
//! history the answer continues, with its files: images and PDFs sent
//! whole, text files as fenced blocks after the message's text.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chat_core::Role;
use chat_core::attachment::{Kind, fenced_text};

use crate::providers::{ChatFile, ChatMessage, ChatRequest};
use contract::{AttachmentRef, ModelSetup};

use crate::store::{MessageStatus, Session, Store, StoreError, StoredMessage};

/// The bytes of the files a history refers to, by SHA-256.
pub type Files = HashMap<String, Vec<u8>>;

/// Reads the files of `history` from the store (each once).
pub fn load_files(store: &Store, history: &[StoredMessage]) -> Result<Files, StoreError> {
    let mut files = Files::new();
    for file in history.iter().flat_map(|m| &m.attachments) {
        if !files.contains_key(&file.sha256) {
            let (_, bytes) = store.attachment(&file.sha256)?;
            files.insert(file.sha256.clone(), bytes);
        }
    }
    Ok(files)
}

/// The request for the model: the session's prompt and tools, `setup`'s
/// model and parameters, and `history` (the messages the answer follows).
/// Failed answers that produced nothing, and answers still streaming, are
/// left out; template variables are filled in. `files` holds the bytes of
/// the history's files (see [`load_files`]).
pub fn build_request(
    session: &Session,
    setup: &ModelSetup,
    history: &[StoredMessage],
    files: &Files,
) -> ChatRequest {
    let config = &session.config;
    let fill = |text: &str| contract::template::fill(text, &config.variables);
    let messages = history
        .iter()
        .filter(|m| {
            let failed_empty = m.role == Role::Assistant
                && m.status == MessageStatus::Error
                && m.content.is_empty()
                && m.tool_calls.is_empty();
            // Another turn of the session may be streaming now.
            !failed_empty && m.status != MessageStatus::Streaming
        })
        .map(|m| {
            let text = match m.role {
                Role::User | Role::System => fill(&m.content),
                _ => m.content.clone(),
            };
            let (content, files) = with_files(text, &m.attachments, files);
            ChatMessage {
                role: m.role,
                content,
                tool_calls: m.tool_calls.clone(),
                tool_call_id: m.tool_call_id.clone(),
                files,
            }
        })
        .collect();
    ChatRequest {
        system_prompt: config.system_prompt.as_deref().map(fill),
        messages,
        tools: config.tools.clone(),
        ..sampling(setup)
    }
}

/// A message's text with its text files appended as fenced blocks, and its
/// images and PDFs to send whole. A file of any other kind (only an
/// imported share can hold one) is named in the text, not sent.
fn with_files(text: String, attached: &[AttachmentRef], files: &Files) -> (String, Vec<ChatFile>) {
    let mut content = text;
    let mut sent = Vec::new();
    for file in attached {
        let Some(bytes) = files.get(&file.sha256) else {
            continue;
        };
        let mut append = |block: String| {
            if !content.is_empty() {
                content.push_str("\n\n");
            }
            content.push_str(&block);
        };
        match Kind::of(&file.media_type) {
            Kind::Image(_) | Kind::Pdf => sent.push(ChatFile {
                name: file.name.clone(),
                media_type: file.media_type.clone(),
                data: STANDARD.encode(bytes),
            }),
            Kind::Text => append(fenced_text(&file.name, &String::from_utf8_lossy(bytes))),
            Kind::Other => append(format!(
                "(Attached: “{}”, {}, {} bytes — not sent to the model.)",
                file.name, file.media_type, file.size
            )),
        }
    }
    (content, sent)
}

/// A request with a setup's model and sampling parameters only.
pub(super) fn sampling(setup: &ModelSetup) -> ChatRequest {
    ChatRequest {
        model: setup.model.clone(),
        params: setup.params(),
        ..ChatRequest::default()
    }
}
