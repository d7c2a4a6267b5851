//! What the store holds: the contract's types (as the UI receives them) and
//! what the store derives for them.

use chat_core::{FinishReason, Role};

pub use contract::{
    Generation, ImportedFrom, MessagePage, MessageStatus, NewMessage, SearchHit, Session,
    SessionConfig, SessionSummary, SessionTotals, ShareRecord, StoredMessage,
};

/// What the store derives for a message from its stored fields.
pub trait Derived {
    /// Fills the generation speed and how the answer ended.
    fn derive(&mut self);
    /// Why an answer ended, in the snapshot's words.
    fn finish(&self) -> Option<FinishReason>;
}

impl Derived for StoredMessage {
    /// Fills what is derived from the stored fields: the generation speed
    /// and how the answer ended.
    fn derive(&mut self) {
        self.tokens_per_second = tokens_per_second(self);
        self.ended = self.finish();
    }

    /// Why an answer ended, in the snapshot's words: what the app saw first
    /// (the user stopped it, it failed), then the provider's own reason. A
    /// reason the snapshot has no word for is left out rather than guessed.
    fn finish(&self) -> Option<FinishReason> {
        if self.role != Role::Assistant {
            return None;
        }
        match self.status {
            MessageStatus::Stopped => return Some(FinishReason::Stopped),
            MessageStatus::Error => return Some(FinishReason::Error),
            MessageStatus::Streaming => return None,
            MessageStatus::Complete => {}
        }
        let reason = self.finish_reason.as_deref().map(str::to_ascii_lowercase);
        match reason.as_deref() {
            // OpenAI-compatible and Ollama; Anthropic; and the snapshot's
            // own words, which an imported answer keeps.
            Some("stop" | "end_turn" | "stop_sequence") => Some(FinishReason::Stop),
            Some("length" | "max_tokens" | "model_context_window_exceeded") => {
                Some(FinishReason::Length)
            }
            Some("tool_calls" | "toolcalls" | "tool_use" | "function_call") => {
                Some(FinishReason::ToolCalls)
            }
            _ if !self.tool_calls.is_empty() => Some(FinishReason::ToolCalls),
            _ => None,
        }
    }
}

/// Output tokens per second of generation, from the first token to the end.
fn tokens_per_second(message: &StoredMessage) -> Option<f64> {
    match (message.usage, message.inference_time_ms) {
        (Some(usage), Some(total)) => {
            let generating_ms = total - message.time_to_first_token_ms.unwrap_or(0);
            (generating_ms > 0 && usage.output_tokens > 0)
                .then(|| usage.output_tokens as f64 * 1000.0 / generating_ms as f64)
        }
        _ => None,
    }
}
