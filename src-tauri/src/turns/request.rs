//! The request an answer is generated from: the session's system prompt,
//! tools and variables, the setup's model and sampling parameters, and the
//! history the answer continues.

use chat_core::Role;

use crate::providers::{ChatMessage, ChatRequest};
use contract::ModelSetup;

use crate::store::{MessageStatus, Session, StoredMessage};

/// The request for the model: the session's prompt and tools, `setup`'s
/// model and parameters, and `history` (the messages the answer follows).
/// Failed answers that produced nothing, and answers still streaming, are
/// left out; template variables are filled in.
pub fn build_request(
    session: &Session,
    setup: &ModelSetup,
    history: &[StoredMessage],
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
        .map(|m| ChatMessage {
            role: m.role,
            content: match m.role {
                Role::User | Role::System => fill(&m.content),
                _ => m.content.clone(),
            },
            tool_calls: m.tool_calls.clone(),
            tool_call_id: m.tool_call_id.clone(),
        })
        .collect();
    ChatRequest {
        system_prompt: config.system_prompt.as_deref().map(fill),
        messages,
        tools: config.tools.clone(),
        ..sampling(setup)
    }
}

/// A request with a setup's model and sampling parameters only.
pub(super) fn sampling(setup: &ModelSetup) -> ChatRequest {
    ChatRequest {
        model: setup.model.clone(),
        temperature: setup.temperature,
        max_tokens: setup.max_tokens,
        top_p: setup.top_p,
        ..ChatRequest::default()
    }
}
