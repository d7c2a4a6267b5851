//! One delta of a streaming answer folded into its message.

use crate::types::{StoredMessage, StreamEvent, ToolCall};

/// Folds one stream delta into the message being streamed.
pub fn apply_event(message: &mut StoredMessage, event: StreamEvent) {
    match event {
        StreamEvent::ContentDelta { text } => message.content.push_str(&text),
        StreamEvent::ReasoningDelta { text } => {
            message
                .reasoning
                .get_or_insert_with(String::new)
                .push_str(&text);
        }
        StreamEvent::ToolCallDelta {
            index,
            id,
            name,
            arguments_delta,
        } => {
            let call = call_at(&mut message.tool_calls, index);
            if let Some(id) = id {
                call.id = id;
            }
            if let Some(name) = name {
                call.name = name;
            }
            call.arguments.push_str(&arguments_delta);
        }
        StreamEvent::ToolCall { index, tool_call } => {
            *call_at(&mut message.tool_calls, index) = tool_call;
        }
        StreamEvent::Usage { usage } => message.usage = Some(usage),
        StreamEvent::Finish { reason } => message.finish_reason = Some(reason),
        StreamEvent::Error { message: error } => message.error = Some(error),
    }
}

fn call_at(calls: &mut Vec<ToolCall>, index: usize) -> &mut ToolCall {
    while calls.len() <= index {
        calls.push(ToolCall {
            id: String::new(),
            name: String::new(),
            arguments: String::new(),
        });
    }
    &mut calls[index]
}
