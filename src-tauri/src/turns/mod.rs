//! A chat turn from start to stored result: store the user's message (if
//! any) and an empty answer at their place in the message tree (see
//! [`start`]), stream the answer into it (reporting each delta to a
//! [`TurnSink`], checkpointing the text now and then), then store the
//! outcome — content, usage, cost, timings, tool calls, status, error — in
//! one update. A failed or stopped turn keeps what arrived. A compare run
//! is several such turns on one prompt, streaming at once, each stopped on
//! its own.
//!
//! The answer's generation record is written when it is created, before
//! anything is sent: the provider entry and model, who serves it
//! ([`ServedBy`]: the name shares give it, the prices it is charged at) and
//! the sampling parameters exactly as the request sends them. Its cost is
//! priced by that record, so an entry edited while the answer streams
//! changes nothing of it.

mod request;
mod start;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use contract::error::code;

use crate::app::{AppCore, CoreError};
use crate::attachments::AttachmentError;
use crate::providers::{ChatRequest, Endpoint, StreamEvent, TurnOutcome, TurnResult, stream_turn};
use crate::served_by::{ServedBy, ServedByExt};
use crate::store::{Derived, MessageStatus, StoreError, StoredMessage};

pub use request::{Files, build_request, load_files};
pub use start::{
    COMPARE_SETUPS, CompareAnswer, PreparedCompare, start_compare, start_message, start_regenerate,
    start_resend, start_turn,
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

/// Why a turn could not start, in the order the starts meet them. Once
/// started, a turn does not fail: it ends as a failed answer (see
/// [`run_turn`]).
#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    #[error("a comparison takes 2 to 4 model setups, not {0}")]
    CompareSize(usize),
    #[error("the message is empty")]
    EmptyMessage,
    /// The session, or the messages, could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The message given is not of the role the command works on.
    #[error("{0}")]
    WrongRole(&'static str),
    /// No provider entry that can answer: none configured, an unknown one,
    /// or one that needs a key and has none.
    #[error("{0}")]
    ProviderSetupNeeded(String),
    #[error("choose a model for this session first")]
    NoModel,
    /// The settings, the prices or the key.
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("the assistant message was not created")]
    AnswerNotCreated,
    /// A file attached to the message: unknown, or beyond the limits.
    #[error(transparent)]
    Attachment(#[from] AttachmentError),
    /// The setup's provider cannot take a file attached: nothing was sent.
    #[error("{0}")]
    RefusesAttachment(String),
}

impl TurnError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        match self {
            TurnError::Store(e) => e.code(),
            TurnError::Core(e) => e.code(),
            TurnError::ProviderSetupNeeded(_) => code::PROVIDER_SETUP_NEEDED,
            TurnError::CompareSize(_)
            | TurnError::EmptyMessage
            | TurnError::WrongRole(_)
            | TurnError::NoModel => code::INVALID_INPUT,
            TurnError::AnswerNotCreated => code::INTERNAL,
            TurnError::Attachment(e) => e.code(),
            TurnError::RefusesAttachment(_) => code::PROVIDER_REFUSES_ATTACHMENT,
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

/// Streams the answers of a compare run at once, each reporting to `sink`
/// on its own; an answer whose setup could not start is reported finished
/// at once. Returns the answers as they ended, in the setups' order.
pub async fn run_compare(
    core: Arc<AppCore>,
    compare: PreparedCompare,
    sink: Arc<dyn TurnSink>,
) -> Vec<StoredMessage> {
    let runs = compare.answers.into_iter().map(|answer| {
        let core = Arc::clone(&core);
        let sink = Arc::clone(&sink);
        async move {
            match answer {
                CompareAnswer::Run(turn) => run_turn(core, *turn, sink).await,
                CompareAnswer::Failed(message) => {
                    sink.finished(&message);
                    *message
                }
            }
        }
    });
    futures_util::future::join_all(runs).await
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
    let finished = finished(answer, result, cost);
    let message = match core.store.save_outcome(&finished) {
        Ok(stored) => stored,
        Err(e) => {
            tracing::error!("the answer {message_id} could not be stored: {e}");
            unsaved(finished, &e.to_string())
        }
    };
    sink.finished(&message);
    message
}

/// `answer` with what its turn came to.
fn finished(answer: StoredMessage, result: TurnResult, cost: Option<f64>) -> StoredMessage {
    let (status, error) = match result.outcome {
        TurnOutcome::Complete => (MessageStatus::Complete, None),
        TurnOutcome::Stopped => (MessageStatus::Stopped, None),
        TurnOutcome::Failed { message } => (MessageStatus::Error, Some(message)),
    };
    let mut finished = StoredMessage {
        content: result.content,
        reasoning: result.reasoning,
        usage: result.usage,
        cost,
        time_to_first_token_ms: result.time_to_first_token_ms,
        inference_time_ms: Some(result.inference_time_ms),
        tool_calls: result.tool_calls,
        status,
        error,
        finish_reason: result.finish_reason,
        updated_at: Utc::now(),
        ..answer
    };
    finished.derive();
    finished
}

/// The answer as the window shows it when its outcome could not be stored:
/// what arrived, marked failed with the reason.
fn unsaved(mut answer: StoredMessage, reason: &str) -> StoredMessage {
    let not_saved = format!("The answer could not be saved: {reason}");
    answer.error = Some(match answer.error.take() {
        Some(first) => format!("{first} {not_saved}"),
        None => not_saved,
    });
    answer.status = MessageStatus::Error;
    answer.derive();
    answer
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
