//! The chat reducer's branching stories: switching branches, regenerating,
//! resending an edit, comparisons with several answers streaming at once,
//! stopping one, continuing with one, deleting a branch.

use super::tests::{content, finished, loaded, text, turn_event};
use super::*;
use crate::fixtures::message;

/// A message of `role` following `parent`.
fn child(id: &str, position: i64, role: Role, parent: Option<&str>) -> StoredMessage {
    let status = if role == Role::Assistant {
        MessageStatus::Streaming
    } else {
        MessageStatus::Complete
    };
    StoredMessage {
        parent_id: parent.map(Into::into),
        ..message(id, position, role, status)
    }
}

fn done(mut message: StoredMessage) -> StoredMessage {
    message.status = MessageStatus::Complete;
    message
}

fn with_siblings(mut message: StoredMessage, siblings: &[&str]) -> StoredMessage {
    message.siblings = siblings.iter().map(|s| (*s).to_owned()).collect();
    message
}

fn ids(messages: &[StoredMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.id.as_str()).collect()
}

fn answer_ids(chat: &Chat, prompt: &str) -> Vec<String> {
    (chat.answers_to(prompt).iter())
        .map(|a| a.id().to_owned())
        .collect()
}

/// `u1` answered by `a1` (complete), then `u2` answered by `a3`.
fn two_turns() -> Chat {
    let mut chat = loaded();
    chat.apply(ChatAction::Path {
        session_id: "s1".into(),
        messages: vec![
            child("u1", 0, Role::User, None),
            done(child("a1", 1, Role::Assistant, Some("u1"))),
            child("u2", 2, Role::User, Some("a1")),
            done(child("a3", 3, Role::Assistant, Some("u2"))),
        ],
        has_more_before: false,
    });
    chat
}

/// A comparison of `u1` by `c1`, `c2`, `c3`, all streaming.
fn comparing() -> Chat {
    let mut chat = loaded();
    chat.apply(ChatAction::Compared(StartedCompare {
        user_message: child("u1", 0, Role::User, None),
        answers: comparing_answers(),
    }));
    chat
}

fn comparing_answers() -> Vec<StoredMessage> {
    ["c1", "c2", "c3"]
        .iter()
        .zip(1..)
        .map(|(id, position)| child(id, position, Role::Assistant, Some("u1")))
        .collect()
}

fn content_of<'a>(chat: &'a Chat, id: &str) -> &'a str {
    chat.all_messages()
        .find(|m| m.id == id)
        .map_or("", |m| m.content.as_str())
}

#[test]
fn regenerating_puts_the_new_answer_on_the_path_and_keeps_the_old_one() {
    let mut chat = two_turns();
    chat.apply(ChatAction::Branched(StartedTurn {
        user_message: None,
        assistant_message: child("a2", 4, Role::Assistant, Some("u1")),
    }));
    assert_eq!(
        ids(&chat.messages),
        ["u1", "a2"],
        "the old continuation goes"
    );
    assert!(chat.others.contains_key("a1"));
    assert_eq!(answer_ids(&chat, "u1"), ["a1", "a2"]);
    let place = chat.branch_place(&chat.messages[1]).unwrap();
    assert_eq!((place.index, place.count), (1, 2));
    assert_eq!(place.previous.as_deref(), Some("a1"));
    assert_eq!(place.next, None);
    assert!(
        !chat.shows_columns("u1"),
        "a regenerated answer is one at a time"
    );
}

#[test]
fn a_resent_edit_becomes_the_sibling_of_the_message_it_edits() {
    let mut chat = two_turns();
    chat.apply(ChatAction::Editing(Some("u2".into())));
    chat.apply(ChatAction::Branched(StartedTurn {
        user_message: Some(child("u2b", 4, Role::User, Some("a1"))),
        assistant_message: child("a4", 5, Role::Assistant, Some("u2b")),
    }));
    assert_eq!(ids(&chat.messages), ["u1", "a1", "u2b", "a4"]);
    assert_eq!(chat.messages[2].siblings, ["u2", "u2b"]);
    assert_eq!(chat.editing, None, "the edited message left the path");
    chat.apply(text("a4", "new answer"));
    assert_eq!(chat.messages[3].content, "new answer");
}

#[test]
fn switching_a_branch_reads_the_path_and_keeps_the_answer_left() {
    let mut chat = two_turns();
    let a1 = with_siblings(chat.messages[1].clone(), &["a1", "a5"]);
    chat.apply(ChatAction::Path {
        session_id: "s1".into(),
        messages: vec![
            child("u1", 0, Role::User, None),
            with_siblings(
                done(child("a5", 5, Role::Assistant, Some("u1"))),
                &["a1", "a5"],
            ),
        ],
        has_more_before: false,
    });
    assert_eq!(ids(&chat.messages), ["u1", "a5"]);
    assert_eq!(chat.others.get("a1").map(|m| m.id.as_str()), Some("a1"));
    assert!(
        !chat.others.contains_key("u2"),
        "only answers are kept aside"
    );
    let place = chat.branch_place(&chat.messages[1]).unwrap();
    assert_eq!(place.previous.as_deref(), Some("a1"));
    // Back again: a1 returns to the path, a5 is kept aside.
    chat.apply(ChatAction::Path {
        session_id: "s1".into(),
        messages: vec![child("u1", 0, Role::User, None), a1],
        has_more_before: false,
    });
    assert_eq!(ids(&chat.messages), ["u1", "a1"]);
    assert!(chat.others.contains_key("a5") && !chat.others.contains_key("a1"));
}

#[test]
fn answers_not_read_here_are_named_by_their_ids() {
    let mut chat = loaded();
    chat.apply(ChatAction::Path {
        session_id: "s1".into(),
        messages: vec![
            child("u1", 0, Role::User, None),
            with_siblings(child("a2", 2, Role::Assistant, Some("u1")), &["a1", "a2"]),
        ],
        has_more_before: false,
    });
    let answers = chat.answers_to("u1");
    assert_eq!(answers[0], Answer::Unread("a1".into()));
    assert!(matches!(answers[1], Answer::Known(m) if m.id == "a2"));
    // Read beside the path, it is known and stays off it.
    let a1 = done(child("a1", 1, Role::Assistant, Some("u1")));
    chat.apply(ChatAction::Seen(vec![a1, chat.messages[1].clone()]));
    assert!(matches!(chat.answers_to("u1")[0], Answer::Known(m) if m.id == "a1"));
    assert_eq!(ids(&chat.messages), ["u1", "a2"]);
    assert_eq!(chat.others.len(), 1);
}

#[test]
fn a_comparison_streams_every_answer_on_its_own() {
    let mut chat = comparing();
    assert_eq!(
        ids(&chat.messages),
        ["u1", "c1"],
        "the first answer is selected"
    );
    assert!(chat.shows_columns("u1"));
    assert_eq!(answer_ids(&chat, "u1"), ["c1", "c2", "c3"]);
    let mut streaming = chat.streaming_ids();
    streaming.sort();
    assert_eq!(streaming, ["c1", "c2", "c3"]);

    chat.apply(ChatAction::Events(vec![
        turn_event("s1", "c2", content("Two")),
        turn_event("s1", "c1", content("One")),
        turn_event("s1", "c2", content("!")),
    ]));
    assert_eq!(content_of(&chat, "c1"), "One");
    assert_eq!(content_of(&chat, "c2"), "Two!");
    assert_eq!(content_of(&chat, "c3"), "", "events for one touch no other");

    // c3 fails, c2 is stopped; c1 goes on.
    let mut failed = chat.others["c3"].clone();
    failed.status = MessageStatus::Error;
    failed.error = Some("connection refused".into());
    chat.apply(finished(failed));
    let mut stopped = chat.others["c2"].clone();
    stopped.status = MessageStatus::Stopped;
    chat.apply(finished(stopped));
    assert_eq!(chat.streaming_ids(), ["c1"]);
    assert_eq!(
        chat.others["c3"].error.as_deref(),
        Some("connection refused")
    );
    assert_eq!(chat.others["c2"].content, "Two!");
    assert_eq!(
        ids(&chat.messages),
        ["u1", "c1"],
        "ends stay beside the path"
    );
    chat.apply(text("c1", " more"));
    assert_eq!(chat.messages[1].content, "One more");
}

#[test]
fn a_comparison_keeps_what_arrived_before_its_start_was_known() {
    let mut chat = loaded();
    chat.apply(text("c2", "early"));
    let mut ended = done(child("c3", 3, Role::Assistant, Some("u1")));
    ended.content = "fast".into();
    chat.apply(finished(ended));
    chat.apply(ChatAction::Compared(StartedCompare {
        user_message: child("u1", 0, Role::User, None),
        answers: comparing_answers(),
    }));
    assert_eq!(ids(&chat.messages), ["u1", "c1"]);
    assert_eq!(chat.others["c2"].content, "early");
    assert_eq!(chat.others["c3"].content, "fast");
    assert_eq!(chat.others["c3"].status, MessageStatus::Complete);
}

#[test]
fn continuing_with_another_answer_keeps_the_columns_and_what_streams() {
    let mut chat = comparing();
    chat.apply(text("c2", "partial"));
    // select_branch(c2), then the path read again while c2 still streams:
    // the shell has stored less of it than has arrived here.
    chat.apply(ChatAction::Path {
        session_id: "s1".into(),
        messages: vec![
            child("u1", 0, Role::User, None),
            child("c2", 2, Role::Assistant, Some("u1")),
        ],
        has_more_before: false,
    });
    assert_eq!(ids(&chat.messages), ["u1", "c2"]);
    assert_eq!(chat.messages[1].content, "partial");
    assert!(chat.others.contains_key("c1"));
    assert!(chat.shows_columns("u1"));
    assert_eq!(answer_ids(&chat, "u1"), ["c1", "c2", "c3"]);

    // A path read after the answer ended takes the shell's end.
    let mut ended = done(child("c2", 2, Role::Assistant, Some("u1")));
    ended.content = "partial and more".into();
    chat.apply(ChatAction::Path {
        session_id: "s1".into(),
        messages: vec![child("u1", 0, Role::User, None), ended],
        has_more_before: false,
    });
    assert_eq!(chat.messages[1].content, "partial and more");
}

#[test]
fn the_columns_can_give_way_to_one_answer_at_a_time_and_back() {
    let mut chat = comparing();
    chat.apply(ChatAction::ToggleColumns("u1".into()));
    assert!(!chat.shows_columns("u1"));
    chat.apply(ChatAction::ToggleColumns("u1".into()));
    assert!(chat.shows_columns("u1"));
}

#[test]
fn deleting_an_answer_forgets_it_and_its_place_among_siblings() {
    let mut chat = comparing();
    chat.apply(ChatAction::Deleted("c2".into()));
    assert_eq!(answer_ids(&chat, "u1"), ["c1", "c3"]);
    assert_eq!(chat.messages[1].siblings, ["c1", "c3"]);
    chat.apply(ChatAction::Deleted("u1".into()));
    assert!(chat.messages.is_empty());
    assert!(
        chat.others.is_empty(),
        "answers below a deleted prompt go too"
    );
}
