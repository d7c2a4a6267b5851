//! A chat turn from start to stored result: append the user's message and an
//! empty assistant message, stream the answer into it (reporting each delta
//! to a [`TurnSink`], checkpointing the text now and then), then store the
//! outcome — content, usage, cost, timings, tool calls, status, error — in
//! one update. A failed or stopped turn keeps what arrived.
//!
//! The answer's generation record is written when it is created, before
//! anything is sent: the provider entry and model, who serves it
//! ([`ServedBy`]: the name shares give it, the prices it is charged at) and
//! the sampling parameters exactly as the request sends them. Its cost is
//! priced by that record, so an entry edited while the answer streams
//! changes nothing of it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chat_core::Role;
use chrono::Utc;
use tokio_util::sync::CancellationToken;

use contract::error::code;

use crate::app::{AppCore, CoreError};
use crate::providers::{
    ChatMessage, ChatRequest, Endpoint, StreamEvent, TurnOutcome, TurnResult, sent_params,
    stream_turn,
};
use crate::served_by::{ServedBy, ServedByExt};
use crate::store::{
    Derived, MessageStatus, MessageUpdate, NewMessage, Session, SessionConfig, StoreError,
    StoredMessage,
};

/// How often the partial answer is saved while it streams.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Where a turn reports its progress: the Tauri window in the app, a
/// collector in tests.
pub trait TurnSink: Send + Sync {
    fn event(&self, session_id: &str, message_id: &str, event: &StreamEvent);
    fn finished(&self, message: &StoredMessage);
}

pub use contract::StartedTurn;

/// Why a turn could not start, in the order [`start_turn`] meets them.
/// Once started, a turn does not fail: it ends as a failed answer (see
/// [`run_turn`]).
#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    /// The session, or the messages, could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("choose a model for this session first")]
    NoModel,
    /// The provider entry, its prices or its key.
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("the message is empty")]
    EmptyMessage,
    #[error("the assistant message was not created")]
    AnswerNotCreated,
}

impl TurnError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        match self {
            TurnError::Store(e) => e.code(),
            TurnError::Core(e) => e.code(),
            TurnError::NoModel | TurnError::EmptyMessage => code::INVALID_INPUT,
            TurnError::AnswerNotCreated => code::INTERNAL,
        }
    }
}

/// A turn ready to stream (see [`run_turn`]).
#[derive(Debug)]
pub struct PreparedTurn {
    pub session_id: String,
    pub message_id: String,
    endpoint: Endpoint,
    request: ChatRequest,
    /// Who serves the answer: how it is priced.
    served_by: ServedBy,
    /// The answer as created, reported as failed if its outcome cannot be
    /// stored.
    answer: StoredMessage,
    cancel: CancellationToken,
}

/// Appends the user's text (when given) and an empty streaming assistant
/// message in one transaction, and prepares the request from the session's
/// history. Nothing is sent yet.
pub async fn start_turn(
    core: &AppCore,
    session_id: &str,
    user_text: Option<&str>,
) -> Result<(StartedTurn, PreparedTurn), TurnError> {
    let session = core.store.session(session_id)?;
    if session.config.model.trim().is_empty() {
        return Err(TurnError::NoModel);
    }
    let provider = core.provider(&session.config.provider_id)?;
    let served_by = ServedBy::of(&provider, core.pricing()?.table());
    let endpoint = core.endpoint(&provider.id).await?;

    let mut new_messages = Vec::new();
    if let Some(text) = user_text {
        if text.trim().is_empty() {
            return Err(TurnError::EmptyMessage);
        }
        new_messages.push(NewMessage::new(Role::User, text));
    }
    // The request's parameters come from the session alone, so they are
    // known before the history is: the record is complete from the start.
    let params = sent_params(provider.kind, &sampling(&session.config));
    new_messages.push(NewMessage {
        status: MessageStatus::Streaming,
        provider_id: Some(provider.id.clone()),
        model: Some(session.config.model.clone()),
        provider_name: Some(served_by.name.clone()),
        price_provider: served_by.price_provider.clone(),
        params: Some(params),
        ..NewMessage::new(Role::Assistant, "")
    });
    let mut created = core.store.append_messages(session_id, new_messages)?;
    let assistant_message = created.pop().ok_or(TurnError::AnswerNotCreated)?;
    let user_message = created.pop();

    let history = core.store.all_messages(session_id)?;
    let request = build_request(&session, &history, &assistant_message.id);
    let cancel = core.register_turn(&assistant_message.id);
    let prepared = PreparedTurn {
        session_id: session_id.to_owned(),
        message_id: assistant_message.id.clone(),
        endpoint,
        request,
        served_by,
        cancel,
        answer: assistant_message.clone(),
    };
    Ok((
        StartedTurn {
            user_message,
            assistant_message,
        },
        prepared,
    ))
}

/// Streams a prepared turn, stores its outcome and reports the message to
/// the sink. It always ends with `sink.finished`: a failed turn is stored as
/// failed, and an outcome the store refuses is reported as failed with the
/// reason (so the window never waits for an answer that will not come).
pub async fn run_turn(
    core: Arc<AppCore>,
    turn: PreparedTurn,
    sink: Arc<dyn TurnSink>,
) -> StoredMessage {
    let PreparedTurn {
        session_id,
        message_id,
        endpoint,
        request,
        served_by,
        cancel,
        answer,
    } = turn;
    let mut partial = Partial::default();
    let mut on_event = |event: &StreamEvent| {
        sink.event(&session_id, &message_id, event);
        if partial.take(event) {
            // Best effort: the final update below is what counts.
            let _ = core.store.checkpoint_message(
                &message_id,
                &partial.content,
                (!partial.reasoning.is_empty()).then_some(partial.reasoning.as_str()),
            );
        }
    };
    let result = stream_turn(&core.http, &endpoint, &request, &cancel, &mut on_event).await;
    core.unregister_turn(&message_id);

    // The outcome is stored whatever happens here: an unreadable price
    // setting makes the cost unknown, not the turn lost.
    let cost = match (result.usage, core.pricing()) {
        (Some(usage), Ok(pricing)) => served_by.cost(&pricing, &request.model, &usage, Utc::now()),
        _ => None,
    };
    let update = update_from(result, cost);
    let message = match core.store.update_message(&message_id, &update) {
        Ok(stored) => stored,
        Err(e) => {
            tracing::error!("the answer {message_id} could not be stored: {e}");
            unsaved(answer, update, &e.to_string())
        }
    };
    sink.finished(&message);
    message
}

/// The answer as the window shows it when its outcome could not be stored:
/// what arrived, marked failed with the reason.
fn unsaved(mut answer: StoredMessage, update: MessageUpdate, reason: &str) -> StoredMessage {
    let not_saved = format!("The answer could not be saved: {reason}");
    answer.error = Some(match update.error {
        Some(first) => format!("{first} {not_saved}"),
        None => not_saved,
    });
    answer.content = update.content;
    answer.reasoning = update.reasoning;
    answer.usage = update.usage;
    answer.cost = update.cost;
    answer.time_to_first_token_ms = update.time_to_first_token_ms;
    answer.inference_time_ms = update.inference_time_ms;
    answer.tool_calls = update.tool_calls;
    answer.finish_reason = update.finish_reason;
    answer.status = MessageStatus::Error;
    answer.updated_at = Utc::now();
    answer.derive();
    answer
}

fn update_from(result: TurnResult, cost: Option<f64>) -> MessageUpdate {
    let (status, error) = match result.outcome {
        TurnOutcome::Complete => (MessageStatus::Complete, None),
        TurnOutcome::Stopped => (MessageStatus::Stopped, None),
        TurnOutcome::Failed { message } => (MessageStatus::Error, Some(message)),
    };
    MessageUpdate {
        content: result.content,
        reasoning: result.reasoning,
        usage: result.usage,
        cost,
        time_to_first_token_ms: result.time_to_first_token_ms,
        inference_time_ms: Some(result.inference_time_ms),
        tool_calls: result.tool_calls,
        status: Some(status),
        error,
        finish_reason: result.finish_reason,
    }
}

/// The text so far, and when it was last saved.
#[derive(Default)]
struct Partial {
    content: String,
    reasoning: String,
    saved: Option<Instant>,
}

impl Partial {
    /// Takes in a delta; `true` when it is time to save.
    fn take(&mut self, event: &StreamEvent) -> bool {
        match event {
            StreamEvent::ContentDelta { text } => self.content.push_str(text),
            StreamEvent::ReasoningDelta { text } => self.reasoning.push_str(text),
            _ => return false,
        }
        let now = Instant::now();
        let due = self
            .saved
            .is_none_or(|saved| now.duration_since(saved) >= CHECKPOINT_EVERY);
        if due {
            self.saved = Some(now);
        }
        due
    }
}

/// The request for the model: the session's settings and its history up to
/// (not including) the answer being produced. Failed answers that produced
/// nothing, and answers still streaming, are left out; template variables
/// are filled in.
pub fn build_request(session: &Session, history: &[StoredMessage], answer_id: &str) -> ChatRequest {
    let config = &session.config;
    let fill = |text: &str| contract::template::fill(text, &config.variables);
    let messages = history
        .iter()
        .take_while(|m| m.id != answer_id)
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
        ..sampling(config)
    }
}

/// A request with the session's model and sampling parameters only.
fn sampling(config: &SessionConfig) -> ChatRequest {
    ChatRequest {
        model: config.model.clone(),
        temperature: config.temperature,
        max_tokens: config.max_tokens,
        top_p: config.top_p,
        ..ChatRequest::default()
    }
}
