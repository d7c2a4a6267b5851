//! What every provider does with what it parses: join deltas into the answer,
//! assemble tool calls from fragments, keep the latest usage, time the first
//! token and the whole turn, and report each step as a [`StreamEvent`].

use std::time::{Duration, Instant};

use chat_core::{ToolCall, Usage};

use super::{StreamEvent, TurnOutcome, TurnResult};

/// A tool call being assembled from fragments.
#[derive(Debug, Default)]
struct PartialCall {
    /// The index the provider gave the call.
    index: usize,
    id: Option<String>,
    name: String,
    arguments: String,
    complete: bool,
}

pub struct Accumulator<'a> {
    on_event: &'a mut (dyn FnMut(&StreamEvent) + Send),
    started: Instant,
    first_token: Option<Duration>,
    content: String,
    reasoning: String,
    calls: Vec<PartialCall>,
    usage: Option<Usage>,
    finish_reason: Option<String>,
}

impl<'a> Accumulator<'a> {
    /// Starts the clock: call it right before the request is sent.
    pub fn new(on_event: &'a mut (dyn FnMut(&StreamEvent) + Send)) -> Self {
        Self {
            on_event,
            started: Instant::now(),
            first_token: None,
            content: String::new(),
            reasoning: String::new(),
            calls: Vec::new(),
            usage: None,
            finish_reason: None,
        }
    }

    fn first_token(&mut self) {
        if self.first_token.is_none() {
            self.first_token = Some(self.started.elapsed());
        }
    }

    pub fn content(&mut self, text: &str) {
        self.text(text, false);
    }

    pub fn reasoning(&mut self, text: &str) {
        self.text(text, true);
    }

    /// Text of the answer or of its reasoning; empty text is no delta.
    fn text(&mut self, text: &str, reasoning: bool) {
        if text.is_empty() {
            return;
        }
        self.first_token();
        let (kept, event) = match reasoning {
            false => (
                &mut self.content,
                StreamEvent::ContentDelta { text: text.into() },
            ),
            true => (
                &mut self.reasoning,
                StreamEvent::ReasoningDelta { text: text.into() },
            ),
        };
        kept.push_str(text);
        (self.on_event)(&event);
    }

    /// A fragment of the call the provider numbers `index`. A fragment that
    /// brings a different id for an index already in use starts a new call
    /// (some servers number every call 0).
    pub fn tool_call_delta(
        &mut self,
        index: usize,
        id: Option<&str>,
        name: Option<&str>,
        arguments: &str,
    ) {
        self.first_token();
        let id = id.filter(|id| !id.is_empty());
        let existing = self
            .calls
            .iter()
            .rposition(|call| call.index == index && !call.complete);
        let slot = match existing {
            Some(at) if id.is_none() || self.calls[at].id.as_deref() == id => at,
            _ => {
                self.calls.push(PartialCall {
                    index,
                    ..PartialCall::default()
                });
                self.calls.len() - 1
            }
        };
        let call = &mut self.calls[slot];
        if call.id.is_none() {
            call.id = id.map(Into::into);
        }
        if let Some(name) = name {
            call.name.push_str(name);
        }
        call.arguments.push_str(arguments);
        (self.on_event)(&StreamEvent::ToolCallDelta {
            index: slot,
            id: id.map(Into::into),
            name: name.map(Into::into),
            arguments_delta: arguments.into(),
        });
    }

    /// Marks the call numbered `index` complete (Anthropic's block stop).
    pub fn tool_call_done(&mut self, index: usize) {
        if let Some(slot) = self
            .calls
            .iter()
            .rposition(|call| call.index == index && !call.complete)
        {
            self.complete_call(slot);
        }
    }

    /// A call that arrives whole (Ollama).
    pub fn tool_call(&mut self, id: Option<&str>, name: &str, arguments: &str) {
        self.first_token();
        let index = self.calls.len();
        self.calls.push(PartialCall {
            index,
            id: id.filter(|id| !id.is_empty()).map(Into::into),
            name: name.into(),
            arguments: arguments.into(),
            complete: false,
        });
        self.complete_call(index);
    }

    fn complete_call(&mut self, slot: usize) {
        let call = &mut self.calls[slot];
        call.complete = true;
        let id = call
            .id
            .get_or_insert_with(|| format!("call_{}", uuid::Uuid::new_v4().simple()))
            .clone();
        let tool_call = ToolCall {
            id,
            name: call.name.clone(),
            arguments: call.arguments.clone(),
        };
        (self.on_event)(&StreamEvent::ToolCall {
            index: slot,
            tool_call,
        });
    }

    /// Replaces the usage (providers report running totals, not increments).
    pub fn usage(&mut self, usage: Usage) {
        self.usage = Some(usage);
        (self.on_event)(&StreamEvent::Usage { usage });
    }

    pub fn finish_reason(&mut self, reason: &str) {
        self.finish_reason = Some(reason.into());
        (self.on_event)(&StreamEvent::Finish {
            reason: reason.into(),
        });
    }

    pub fn has_finish_reason(&self) -> bool {
        self.finish_reason.is_some()
    }

    /// Ends the turn: completes pending tool calls, stops the clock.
    pub fn finish(mut self, outcome: TurnOutcome) -> TurnResult {
        let elapsed = self.started.elapsed();
        for slot in 0..self.calls.len() {
            if !self.calls[slot].complete {
                self.complete_call(slot);
            }
        }
        if let TurnOutcome::Failed { message } = &outcome {
            (self.on_event)(&StreamEvent::Error {
                message: message.clone(),
            });
        }
        TurnResult {
            content: self.content,
            reasoning: (!self.reasoning.is_empty()).then_some(self.reasoning),
            tool_calls: self
                .calls
                .into_iter()
                .map(|call| ToolCall {
                    id: call.id.unwrap_or_default(),
                    name: call.name,
                    arguments: call.arguments,
                })
                .collect(),
            usage: self.usage,
            finish_reason: self.finish_reason,
            time_to_first_token_ms: self.first_token.map(millis),
            inference_time_ms: millis(elapsed),
            outcome,
        }
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
