//! Shares of a branched session: the comparison's other answers with
//! `replyTo` (the continued answer last), or the selected path only; the
//! Markdown export through the same snapshot; and an import that gives the
//! tree back.

use std::sync::Arc;

use super::*;
use crate::app::AppCore;
use crate::secrets::MemoryStore;

fn answer(text: &str, status: MessageStatus) -> (NewMessage, Option<String>) {
    let error = (status == MessageStatus::Error).then(|| "the server went away".to_owned());
    let message = NewMessage {
        status,
        generation: Generation {
            provider_id: Some("openai".into()),
            model: Some(format!("model-{text}")),
            ..Generation::default()
        },
        ..NewMessage::new(Role::Assistant, text)
    };
    (message, error)
}

/// "Before" and its answer, then "Which?" compared by four setups: "x", a
/// failed answer that produced nothing, "z" (selected) and "half" (failed
/// midway); the conversation goes on from "z".
fn compared(store: &Store) -> Session {
    let session = store
        .create_session(&SessionConfig {
            title: "Compare".into(),
            provider_id: "openai".into(),
            model: "gpt-4o".into(),
            ..SessionConfig::default()
        })
        .unwrap();
    let exchange = |question: &str, answer: &str| {
        let pair = vec![
            NewMessage::new(Role::User, question),
            NewMessage::new(Role::Assistant, answer),
        ];
        store.append_messages(&session.id, pair).unwrap();
    };
    exchange("Before", "Alone");
    let (_, answers) = store
        .append_compare(
            &session.id,
            NewMessage::new(Role::User, "Which?"),
            vec![
                answer("x", MessageStatus::Complete),
                answer("", MessageStatus::Error),
                answer("z", MessageStatus::Complete),
                answer("half", MessageStatus::Error),
            ],
        )
        .unwrap();
    store.select_branch(&answers[2].id).unwrap();
    exchange("Go on", "Going");
    session
}

fn snapshot_of(store: &Store, session: &Session, options: &ShareOptions) -> ShareSnapshot {
    let now = Utc::now();
    let snapshot = built(store, &session.id, options, now);
    chat_core::validate(&snapshot, now).unwrap();
    snapshot
}

/// Each message's text and the prompt it names.
fn listed(snapshot: &ShareSnapshot) -> Vec<(String, Option<String>)> {
    let text_of = |id: &str| {
        let message = snapshot.messages.iter().find(|m| m.id == id).unwrap();
        message.content.clone()
    };
    snapshot
        .messages
        .iter()
        .map(|m| (m.content.clone(), m.reply_to.as_deref().map(text_of)))
        .collect()
}

fn entry(text: &str, reply_to: Option<&str>) -> (String, Option<String>) {
    (text.to_owned(), reply_to.map(str::to_owned))
}

#[test]
fn a_share_carries_the_other_answers_before_the_one_continued() {
    let store = Store::open_in_memory().unwrap();
    let session = compared(&store);
    let snapshot = snapshot_of(&store, &session, &ShareOptions::default());
    assert_eq!(
        listed(&snapshot),
        [
            entry("Before", None),
            // An answer with no alternative names no prompt.
            entry("Alone", None),
            entry("Which?", None),
            // The empty failed answer is left out, as always.
            entry("x", Some("Which?")),
            entry("half", Some("Which?")),
            entry("z", Some("Which?")),
            entry("Go on", None),
            entry("Going", None),
        ]
    );
    let half = &snapshot.messages[4];
    assert_eq!(half.error.as_deref(), Some("the server went away"));
    assert_eq!(snapshot.messages[3].model.as_deref(), Some("model-x"));

    // Only the selected path.
    let path_only = ShareOptions {
        include_alternatives: false,
        ..ShareOptions::default()
    };
    let snapshot = snapshot_of(&store, &session, &path_only);
    assert_eq!(
        listed(&snapshot),
        [
            entry("Before", None),
            entry("Alone", None),
            entry("Which?", None),
            entry("z", None),
            entry("Go on", None),
            entry("Going", None),
        ]
    );

    // A selection of path messages brings the alternatives of its answers;
    // without their prompt, they name none.
    let path = store.path_messages(&session.id).unwrap();
    let some = ShareOptions {
        message_ids: Some(vec![path[2].id.clone(), path[3].id.clone()]),
        ..ShareOptions::default()
    };
    let texts: Vec<_> = listed(&snapshot_of(&store, &session, &some));
    assert_eq!(
        texts,
        [
            entry("Which?", None),
            entry("x", Some("Which?")),
            entry("half", Some("Which?")),
            entry("z", Some("Which?")),
        ]
    );
    let answers_only = ShareOptions {
        message_ids: Some(vec![path[3].id.clone()]),
        ..ShareOptions::default()
    };
    let texts: Vec<_> = listed(&snapshot_of(&store, &session, &answers_only));
    assert_eq!(
        texts,
        [entry("x", None), entry("half", None), entry("z", None)]
    );
}

/// A session's shape: each path message's text and its siblings' texts
/// (sorted: a snapshot lists the continued answer last, so an import makes
/// it its group's newest).
fn shape(store: &Store, session_id: &str) -> Vec<(String, Vec<String>)> {
    let all = store.all_messages(session_id).unwrap();
    let text_of = |id: &String| {
        all.iter()
            .find(|m| &m.id == id)
            .map(|m| m.content.clone())
            .unwrap()
    };
    store
        .path_messages(session_id)
        .unwrap()
        .into_iter()
        .map(|m| {
            let mut siblings: Vec<String> = m.siblings.iter().map(text_of).collect();
            siblings.sort();
            (m.content.clone(), siblings)
        })
        .collect()
}

#[test]
fn an_imported_comparison_is_the_same_tree_with_the_same_selection() {
    let store = Store::open_in_memory().unwrap();
    let session = compared(&store);
    let snapshot = snapshot_of(&store, &session, &ShareOptions::default());
    let mut data = serde_json::to_value(&snapshot).unwrap();
    data["createdAt"] = Utc::now().to_rfc3339().into();
    let read = snapshot_from_api(data).unwrap();
    let imported = import_snapshot(&store, &Settings::default(), &read, None).unwrap();

    let mut original = shape(&store, &session.id);
    // The empty failed answer was never shared.
    original[3].1.retain(|text| !text.is_empty());
    assert_eq!(shape(&store, &imported.id), original);
    assert_eq!(
        original[3],
        (
            "z".to_owned(),
            vec!["half".to_owned(), "x".to_owned(), "z".to_owned()]
        )
    );
    let all = store.all_messages(&imported.id).unwrap();
    let half = all.iter().find(|m| m.content == "half").unwrap();
    assert_eq!(half.status, MessageStatus::Error);
    assert_eq!(half.generation.model.as_deref(), Some("model-half"));
    // Going on in the imported session continues from "Going".
    let next = store
        .append_message(&imported.id, NewMessage::new(Role::User, "More"))
        .unwrap();
    let going = all.iter().find(|m| m.content == "Going").unwrap();
    assert_eq!(next.parent_id.as_ref(), Some(&going.id));

    // Shared without alternatives, it imports as one chain.
    let path_only = ShareOptions {
        include_alternatives: false,
        ..ShareOptions::default()
    };
    let snapshot = snapshot_of(&store, &session, &path_only);
    let imported = import_snapshot(&store, &Settings::default(), &snapshot, None).unwrap();
    let chain = shape(&store, &imported.id);
    assert!(chain.iter().all(|(_, siblings)| siblings.len() == 1));
    assert_eq!(chain.len(), 6);
}

#[tokio::test]
async fn the_markdown_export_keeps_the_comparison_or_the_path_only() {
    let dir = tempfile::TempDir::new().unwrap();
    let core = AppCore::open(dir.path(), Arc::new(MemoryStore::default())).unwrap();
    let session = compared(&core.store);
    let with = export::markdown(&core, &session.id, &ShareOptions::default())
        .await
        .unwrap()
        .markdown;
    let path_only = ShareOptions {
        include_alternatives: false,
        ..ShareOptions::default()
    };
    let without = export::markdown(&core, &session.id, &path_only)
        .await
        .unwrap()
        .markdown;
    for model in ["model-x", "model-half", "model-z"] {
        assert!(with.contains(model), "{model} in {with}");
    }
    assert!(without.contains("model-z"), "{without}");
    assert!(!without.contains("model-x"), "{without}");
    assert!(!without.contains("model-half"), "{without}");
}
