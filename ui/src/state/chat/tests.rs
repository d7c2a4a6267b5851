//! The chat reducer's stories: turns streaming, racing and ending, pages, edits.

use super::*;
use crate::types::Usage;

fn session(id: &str) -> Session {
    Session {
        id: id.into(),
        config: SessionConfig::default(),
        imported_from: None,
        created_at: "2026-11-25T08:00:00Z".parse().unwrap(),
        updated_at: "2026-11-25T08:00:00Z".parse().unwrap(),
    }
}

fn message(id: &str, position: i64, role: Role, status: MessageStatus) -> StoredMessage {
    StoredMessage {
        id: id.into(),
        session_id: "s1".into(),
        position,
        role,
        content: String::new(),
        reasoning: None,
        usage: None,
        cost: None,
        time_to_first_token_ms: None,
        inference_time_ms: None,
        tokens_per_second: None,
        tool_calls: Vec::new(),
        tool_call_id: None,
        status,
        error: None,
        finish_reason: None,
        provider_id: None,
        model: None,
        provider_name: None,
        price_provider: None,
        params: None,
        ended: None,
        created_at: "2026-11-25T08:00:00Z".parse().unwrap(),
        updated_at: "2026-11-25T08:00:00Z".parse().unwrap(),
    }
}

fn loaded() -> Chat {
    let mut chat = Chat::default();
    chat.apply(ChatAction::Loaded {
        session: session("s1"),
        messages: Vec::new(),
        has_more_before: false,
        totals: SessionTotals::default(),
    });
    chat
}

fn event(id: &str, event: StreamEvent) -> ChatAction {
    ChatAction::Events(vec![TurnEvent {
        session_id: "s1".into(),
        message_id: id.into(),
        event,
    }])
}

#[test]
fn a_turn_streams_then_finishes() {
    let mut chat = loaded();
    let mut user = message("u1", 0, Role::User, MessageStatus::Complete);
    user.content = "Hi".into();
    chat.apply(ChatAction::Started(StartedTurn {
        user_message: Some(user),
        assistant_message: message("a1", 1, Role::Assistant, MessageStatus::Streaming),
    }));
    assert_eq!(chat.messages.len(), 2);
    assert_eq!(chat.streaming().map(|m| m.id.as_str()), Some("a1"));

    chat.apply(event(
        "a1",
        StreamEvent::ReasoningDelta { text: "hmm".into() },
    ));
    chat.apply(event(
        "a1",
        StreamEvent::ContentDelta { text: "Hel".into() },
    ));
    chat.apply(event("a1", StreamEvent::ContentDelta { text: "lo".into() }));
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
    chat.apply(ChatAction::Finished(TurnFinished {
        session_id: "s1".into(),
        message_id: "a1".into(),
        message: done,
    }));
    assert_eq!(chat.messages[1].status, MessageStatus::Complete);
    assert_eq!(chat.messages[1].cost, Some(0.001));
    assert!(chat.streaming().is_none());
}

#[test]
fn a_turn_that_ends_before_its_start_is_known_keeps_its_end() {
    let mut chat = loaded();
    chat.apply(event("a1", StreamEvent::ContentDelta { text: "Hi".into() }));
    let mut failed = message("a1", 1, Role::Assistant, MessageStatus::Error);
    failed.error = Some("HTTP 503".into());
    chat.apply(ChatAction::Finished(TurnFinished {
        session_id: "s1".into(),
        message_id: "a1".into(),
        message: failed,
    }));
    chat.apply(ChatAction::Started(StartedTurn {
        user_message: Some(message("u1", 0, Role::User, MessageStatus::Complete)),
        assistant_message: message("a1", 1, Role::Assistant, MessageStatus::Streaming),
    }));
    assert_eq!(chat.messages.len(), 2);
    assert_eq!(chat.messages[1].status, MessageStatus::Error);
    assert!(chat.pending.is_empty());
}

#[test]
fn early_deltas_are_applied_when_the_turn_is_known() {
    let mut chat = loaded();
    chat.apply(event("a1", StreamEvent::ContentDelta { text: "He".into() }));
    chat.apply(ChatAction::Started(StartedTurn {
        user_message: None,
        assistant_message: message("a1", 0, Role::Assistant, MessageStatus::Streaming),
    }));
    chat.apply(event(
        "a1",
        StreamEvent::ContentDelta { text: "llo".into() },
    ));
    assert_eq!(chat.messages[0].content, "Hello");
    assert!(chat.pending.is_empty());
}

#[test]
fn a_frame_of_deltas_applies_in_order() {
    let mut chat = loaded();
    chat.apply(ChatAction::Started(StartedTurn {
        user_message: None,
        assistant_message: message("a1", 0, Role::Assistant, MessageStatus::Streaming),
    }));
    let delta = |text: &str| TurnEvent {
        session_id: "s1".into(),
        message_id: "a1".into(),
        event: StreamEvent::ContentDelta { text: text.into() },
    };
    chat.apply(ChatAction::Events(vec![
        delta("one "),
        delta("two "),
        delta("three"),
    ]));
    assert_eq!(chat.messages[0].content, "one two three");
}

#[test]
fn events_of_other_sessions_are_ignored() {
    let mut chat = loaded();
    chat.apply(ChatAction::Started(StartedTurn {
        user_message: None,
        assistant_message: message("a1", 0, Role::Assistant, MessageStatus::Streaming),
    }));
    chat.apply(ChatAction::Events(vec![TurnEvent {
        session_id: "other".into(),
        message_id: "a1".into(),
        event: StreamEvent::ContentDelta { text: "x".into() },
    }]));
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
    let mut chat = loaded();
    chat.apply(ChatAction::Started(StartedTurn {
        user_message: None,
        assistant_message: message("a1", 0, Role::Assistant, MessageStatus::Streaming),
    }));
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
fn truncation_drops_the_tail_and_its_highlighting() {
    let mut chat = loaded();
    for (i, id) in ["m0", "m1", "m2"].iter().enumerate() {
        chat.apply(ChatAction::Appended(message(
            id,
            i as i64,
            Role::User,
            MessageStatus::Complete,
        )));
    }
    chat.apply(ChatAction::Highlighted {
        message_id: "m2".into(),
        source: String::new(),
        html: "<p></p>".into(),
    });
    chat.apply(ChatAction::TruncatedFrom("m1".into()));
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
    chat.apply(ChatAction::Appended(message(
        "b",
        2,
        Role::User,
        MessageStatus::Complete,
    )));
    chat.apply(ChatAction::Appended(message(
        "a",
        1,
        Role::User,
        MessageStatus::Complete,
    )));
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
