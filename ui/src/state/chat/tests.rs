//! The chat reducer's stories: turns streaming, racing and ending, pages, edits.

use super::*;
use crate::fixtures::{message, session};
use crate::types::Usage;

pub(super) fn loaded() -> Chat {
    let mut chat = Chat::default();
    chat.apply(ChatAction::Loaded {
        session: session("s1"),
        messages: Vec::new(),
        has_more_before: false,
        totals: SessionTotals::default(),
    });
    chat
}

pub(super) fn turn_event(session_id: &str, message_id: &str, event: StreamEvent) -> TurnEvent {
    TurnEvent {
        session_id: session_id.into(),
        message_id: message_id.into(),
        event,
    }
}

pub(super) fn content(text: &str) -> StreamEvent {
    StreamEvent::ContentDelta { text: text.into() }
}

pub(super) fn event(id: &str, event: StreamEvent) -> ChatAction {
    ChatAction::Events(vec![turn_event("s1", id, event)])
}

pub(super) fn text(id: &str, text: &str) -> ChatAction {
    event(id, content(text))
}

/// A user's message, appended without a turn.
fn appended(id: &str, position: i64) -> ChatAction {
    ChatAction::Appended(message(id, position, Role::User, MessageStatus::Complete))
}

/// A turn started: its answer `id` streams at `position`, after `user`.
fn started(user: Option<StoredMessage>, id: &str, position: i64) -> ChatAction {
    ChatAction::Started(StartedTurn {
        user_message: user,
        assistant_message: message(id, position, Role::Assistant, MessageStatus::Streaming),
    })
}

pub(super) fn finished(message: StoredMessage) -> ChatAction {
    ChatAction::Finished(TurnFinished {
        session_id: "s1".into(),
        message_id: message.id.clone(),
        message,
    })
}

/// A session whose first message, `a1`, is an answer streaming.
fn streaming() -> Chat {
    let mut chat = loaded();
    chat.apply(started(None, "a1", 0));
    chat
}

#[test]
fn a_turn_streams_then_finishes() {
    let mut chat = loaded();
    let mut user = message("u1", 0, Role::User, MessageStatus::Complete);
    user.content = "Hi".into();
    chat.apply(started(Some(user), "a1", 1));
    assert_eq!(chat.messages.len(), 2);
    assert_eq!(chat.streaming_ids(), ["a1"]);

    chat.apply(event(
        "a1",
        StreamEvent::ReasoningDelta { text: "hmm".into() },
    ));
    chat.apply(text("a1", "Hel"));
    chat.apply(text("a1", "lo"));
    let usage = Usage {
        input_tokens: 3,
        output_tokens: 2,
        reasoning_tokens: None,
        cached_tokens: None,
    };
    chat.apply(event("a1", StreamEvent::Usage { usage }));
    assert_eq!(chat.messages[1].content, "Hello");
    assert_eq!(chat.messages[1].reasoning.as_deref(), Some("hmm"));
    assert_eq!(chat.messages[1].usage, Some(usage));

    let mut done = chat.messages[1].clone();
    done.status = MessageStatus::Complete;
    done.cost = Some(0.001);
    chat.apply(finished(done));
    assert_eq!(chat.messages[1].status, MessageStatus::Complete);
    assert_eq!(chat.messages[1].cost, Some(0.001));
    assert!(!chat.is_streaming());
}

#[test]
fn a_turn_that_ends_before_its_start_is_known_keeps_its_end() {
    let mut chat = loaded();
    chat.apply(text("a1", "Hi"));
    let mut failed = message("a1", 1, Role::Assistant, MessageStatus::Error);
    failed.error = Some("HTTP 503".into());
    chat.apply(finished(failed));
    let user = message("u1", 0, Role::User, MessageStatus::Complete);
    chat.apply(started(Some(user), "a1", 1));
    assert_eq!(chat.messages.len(), 2);
    assert_eq!(chat.messages[1].status, MessageStatus::Error);
    assert!(chat.pending.is_empty());
}

#[test]
fn early_deltas_are_applied_when_the_turn_is_known() {
    let mut chat = loaded();
    chat.apply(text("a1", "He"));
    chat.apply(started(None, "a1", 0));
    chat.apply(text("a1", "llo"));
    assert_eq!(chat.messages[0].content, "Hello");
    assert!(chat.pending.is_empty());
}

#[test]
fn a_frame_of_deltas_applies_in_order() {
    let mut chat = streaming();
    let frame = ["one ", "two ", "three"].map(|text| turn_event("s1", "a1", content(text)));
    chat.apply(ChatAction::Events(frame.into()));
    assert_eq!(chat.messages[0].content, "one two three");
}

#[test]
fn events_of_other_sessions_are_ignored() {
    let mut chat = streaming();
    chat.apply(ChatAction::Events(vec![turn_event(
        "other",
        "a1",
        content("x"),
    )]));
    assert_eq!(chat.messages[0].content, "");
    let mut foreign = message("b1", 0, Role::Assistant, MessageStatus::Streaming);
    foreign.session_id = "other".into();
    chat.apply(ChatAction::Started(StartedTurn {
        user_message: None,
        assistant_message: foreign,
    }));
    assert_eq!(chat.messages.len(), 1);
}

#[test]
fn tool_calls_assemble_from_deltas() {
    let mut chat = streaming();
    chat.apply(event(
        "a1",
        StreamEvent::ToolCallDelta {
            index: 0,
            id: Some("call_1".into()),
            name: Some("weather".into()),
            arguments_delta: "{\"city\":".into(),
        },
    ));
    chat.apply(event(
        "a1",
        StreamEvent::ToolCallDelta {
            index: 0,
            id: None,
            name: None,
            arguments_delta: "\"Paris\"}".into(),
        },
    ));
    let call = &chat.messages[0].tool_calls[0];
    assert_eq!(call.id, "call_1");
    assert_eq!(call.name, "weather");
    assert_eq!(call.arguments, "{\"city\":\"Paris\"}");
    assert_eq!(chat.unanswered_calls(&chat.messages[0]).len(), 1);

    let mut result = message("t1", 1, Role::Tool, MessageStatus::Complete);
    result.tool_call_id = Some("call_1".into());
    chat.apply(ChatAction::Appended(result));
    assert!(chat.unanswered_calls(&chat.messages[0]).is_empty());
}

#[test]
fn a_deleted_branch_takes_what_is_below_it_and_its_highlighting() {
    let mut chat = loaded();
    let mut parent = None;
    for (position, id) in (0..).zip(["m0", "m1", "m2"]) {
        let mut m = message(id, position, Role::User, MessageStatus::Complete);
        m.parent_id = parent.replace(id.to_owned());
        chat.apply(ChatAction::Appended(m));
    }
    chat.apply(ChatAction::Highlighted {
        message_id: "m2".into(),
        source: String::new(),
        html: "<p></p>".into(),
    });
    chat.apply(ChatAction::Deleted("m1".into()));
    assert_eq!(chat.messages.len(), 1);
    assert!(chat.highlighted.is_empty());
}

#[test]
fn highlighting_is_used_only_for_the_text_it_was_made_from() {
    let mut chat = loaded();
    let mut m = message("m0", 0, Role::Assistant, MessageStatus::Complete);
    m.content = "`a`".into();
    chat.apply(ChatAction::Appended(m.clone()));
    chat.apply(ChatAction::Highlighted {
        message_id: "m0".into(),
        source: "`a`".into(),
        html: "<p>A</p>".into(),
    });
    assert_eq!(chat.highlighted_html(&m), Some("<p>A</p>"));
    m.content = "changed".into();
    assert_eq!(chat.highlighted_html(&m), None);
}

#[test]
fn a_save_takes_the_title_and_keeps_newer_edits() {
    let mut chat = loaded();
    let mut edited = SessionConfig {
        model: "typed-later".into(),
        ..SessionConfig::default()
    };
    chat.apply(ChatAction::Config(edited.clone()));
    let mut saved = session("s1");
    saved.config.title = "Renamed".into();
    saved.config.model = "older".into();
    chat.apply(ChatAction::SessionSaved(saved));
    edited.title = "Renamed".into();
    assert_eq!(chat.session.unwrap().config, edited);
}

#[test]
fn earlier_pages_go_first() {
    let mut chat = Chat::default();
    chat.apply(ChatAction::Loaded {
        session: session("s1"),
        messages: vec![message("m5", 5, Role::User, MessageStatus::Complete)],
        has_more_before: true,
        totals: SessionTotals::default(),
    });
    chat.apply(ChatAction::Earlier {
        session_id: "s1".into(),
        messages: vec![
            message("m3", 3, Role::User, MessageStatus::Complete),
            message("m4", 4, Role::Assistant, MessageStatus::Complete),
        ],
        has_more_before: false,
    });
    let ids: Vec<_> = chat.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m3", "m4", "m5"]);
    assert!(!chat.has_more_before);
}

#[test]
fn messages_keep_their_order() {
    let mut chat = loaded();
    chat.apply(appended("b", 2));
    chat.apply(appended("a", 1));
    let ids: Vec<_> = chat.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn the_turn_continues_only_after_the_last_tool_result() {
    let call = |id: &str| ToolCall {
        id: id.into(),
        name: "clock".into(),
        arguments: "{}".into(),
    };
    let mut chat = loaded();
    let mut answer = message("a1", 1, Role::Assistant, MessageStatus::Complete);
    answer.tool_calls = vec![call("c1"), call("c2")];
    chat.apply(ChatAction::Appended(answer));
    assert!(chat.others_waiting("c1"));
    assert!(chat.others_waiting("c2"));

    let mut result = message("t1", 2, Role::Tool, MessageStatus::Complete);
    result.tool_call_id = Some("c1".into());
    chat.apply(ChatAction::Appended(result));
    assert!(!chat.others_waiting("c2"), "c2 is the last one");
    assert!(!chat.others_waiting("unknown"));
}
