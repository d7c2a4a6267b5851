//! Turns on the message tree — resend an edit, regenerate with another
//! setup, compare — against local servers speaking OpenAI's wire format,
//! and the turns that must not start.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use contract::ModelSetup;
use contract::error::code;

use super::*;
use crate::providers::tests::server::{End, Reply, ScriptServer, Step, data};
use crate::providers::tests::{Harness, harness};
use crate::settings::{ProviderConfig, ProviderKind, SettingsExt};
use crate::store::MessageStatus;

const MODEL: &str = "gpt-test";

fn content_chunk(text: &str) -> String {
    data(&format!(
        r#"{{"id":"c","object":"chat.completion.chunk","choices":[{{"index":0,"delta":{{"content":{}}},"finish_reason":null}}]}}"#,
        serde_json::Value::from(text)
    ))
}

/// A whole streamed answer with `text`.
fn answer(text: &str) -> Reply {
    Reply::sse(&[
        &content_chunk(text),
        &data(
            r#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        ),
        "data: [DONE]\n\n",
    ])
}

/// Text, then a connection that stays open until the client goes.
fn endless(text: &str) -> Reply {
    Reply::stream("text/event-stream", vec![Step::Send(content_chunk(text))]).ending(End::Hang)
}

async fn openai(replies: Vec<Reply>) -> Harness {
    harness(ProviderKind::OpenAi, "/v1", MODEL, replies).await
}

/// Adds an OpenAI-compatible provider `id` on this computer (no key) at
/// `base_url`.
fn add_provider(h: &Harness, id: &str, base_url: String) {
    let mut settings = h.core.settings().unwrap();
    settings.providers.push(ProviderConfig {
        id: id.into(),
        name: id.into(),
        kind: ProviderKind::OpenAi,
        base_url,
        price_provider: None,
        models: vec![],
    });
    settings.save(&h.core.store).unwrap();
}

/// Adds provider `id` with a script server of its own.
async fn provider_with(h: &Harness, id: &str, replies: Vec<Reply>) -> ScriptServer {
    let server = ScriptServer::start(replies).await;
    add_provider(h, id, format!("{}/v1", server.base_url));
    server
}

fn setup(provider_id: &str, model: &str) -> ModelSetup {
    ModelSetup {
        provider_id: provider_id.into(),
        model: model.into(),
        ..ModelSetup::default()
    }
}

/// What the turns of a run reported, by answer.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<(String, StreamEvent)>>,
    finished: Mutex<Vec<StoredMessage>>,
    /// Stops this answer at its first text.
    stop: Option<(Arc<AppCore>, String)>,
}

impl TurnSink for Recorder {
    fn event(&self, _session_id: &str, message_id: &str, event: &StreamEvent) {
        self.events
            .lock()
            .unwrap()
            .push((message_id.to_owned(), event.clone()));
        if let Some((core, stopped)) = &self.stop
            && stopped == message_id
            && matches!(event, StreamEvent::ContentDelta { .. })
        {
            assert!(core.stop_turn(message_id));
        }
    }

    fn finished(&self, message: &StoredMessage) {
        self.finished.lock().unwrap().push(message.clone());
    }
}

impl Recorder {
    fn texts_of(&self, message_id: &str) -> String {
        let events = self.events.lock().unwrap();
        events
            .iter()
            .filter(|(id, _)| id == message_id)
            .filter_map(|(_, event)| match event {
                StreamEvent::ContentDelta { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

async fn run(h: &Harness, prepared: PreparedTurn) -> StoredMessage {
    run_turn(Arc::clone(&h.core), prepared, Arc::new(Recorder::default())).await
}

fn path_texts(h: &Harness) -> Vec<String> {
    let path = h.core.store.path_messages(&h.session.id).unwrap();
    path.into_iter().map(|m| m.content).collect()
}

#[tokio::test]
async fn regenerate_with_another_setup_answers_the_same_prompt_beside_the_first() {
    let h = openai(vec![answer("First")]).await;
    let (first, _) = h.turn("Hi").await;
    let other = provider_with(&h, "other", vec![answer("Second")]).await;

    let tuned = ModelSetup {
        temperature: Some(0.9),
        ..setup("other", "other-model")
    };
    let (started, prepared) = start_regenerate(&h.core, &first.id, Some(tuned))
        .await
        .unwrap();
    assert!(started.user_message.is_none());
    let second = run(&h, prepared).await;

    assert_eq!(second.content, "Second");
    assert_eq!(second.parent_id, first.parent_id);
    assert_eq!(
        h.core.store.message(&second.id).unwrap().siblings,
        [first.id.clone(), second.id.clone()]
    );
    // The answer's own record is the setup's, not the session's.
    assert_eq!(second.generation.provider_id.as_deref(), Some("other"));
    assert_eq!(second.generation.model.as_deref(), Some("other-model"));
    assert_eq!(second.generation.provider_name.as_deref(), Some("other"));
    assert_eq!(
        second.generation.params,
        Some(chat_core::GenerationParams {
            temperature: Some(0.9),
            ..chat_core::GenerationParams::default()
        })
    );
    // Its request: the session's prompt, the history up to the prompt (not
    // the first answer), the setup's model and parameters.
    let request = &other.requests()[0];
    assert_eq!(request.body["model"], "other-model");
    assert_eq!(request.body["temperature"], 0.9);
    assert!(request.body.get("max_tokens").is_none());
    let messages = request.body["messages"].as_array().unwrap();
    let roles_and_texts: Vec<(&str, &str)> = messages
        .iter()
        .map(|m| (m["role"].as_str().unwrap(), m["content"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles_and_texts,
        [("system", "You are terse."), ("user", "Hi")]
    );
    assert_eq!(path_texts(&h), ["Hi", "Second"]);

    // Without a setup: the session's own, beside both.
    let (started, _) = start_regenerate(&h.core, &first.id, None).await.unwrap();
    assert_eq!(
        started.assistant_message.generation.provider_id.as_deref(),
        Some("test")
    );
    assert_eq!(started.assistant_message.siblings.len(), 3);
}

#[tokio::test]
async fn an_edited_message_is_sent_as_a_new_branch() {
    let h = openai(vec![answer("Old answer"), answer("New answer")]).await;
    let (old_answer, _) = h.turn("Old question").await;
    let old_question = old_answer.parent_id.clone().unwrap();

    let (started, prepared) = start_resend(&h.core, &old_question, "New question")
        .await
        .unwrap();
    let new_question = started.user_message.clone().unwrap();
    assert_eq!(
        new_question.siblings,
        [old_question.clone(), new_question.id.clone()]
    );
    let new_answer = run(&h, prepared).await;
    assert_eq!(new_answer.content, "New answer");
    assert_eq!(path_texts(&h), ["New question", "New answer"]);
    let sent = &h.server.requests()[1].body["messages"];
    assert_eq!(sent.as_array().unwrap().len(), 2, "{sent}");
    assert_eq!(sent[1]["content"], "New question");

    // The old branch is still there, one selection away.
    h.core.store.select_branch(&old_question).unwrap();
    assert_eq!(path_texts(&h), ["Old question", "Old answer"]);
    // Only a user message is resent, only an answer regenerated.
    let wrong = start_resend(&h.core, &old_answer.id, "x")
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), code::INVALID_INPUT);
    let wrong = start_regenerate(&h.core, &old_question, None)
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), code::INVALID_INPUT);
}

#[tokio::test]
async fn a_compare_run_goes_on_when_one_provider_fails() {
    let h = openai(vec![answer("From test")]).await;
    provider_with(&h, "broken", vec![Reply::json(500, r#"{"error":"boom"}"#)]).await;
    provider_with(&h, "good", vec![answer("From good")]).await;
    // Nobody listens on this port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    add_provider(&h, "down", format!("http://127.0.0.1:{port}/v1"));

    let setups = vec![
        setup("test", MODEL),
        setup("broken", "b"),
        setup("missing", "m"),
        setup("good", "g"),
    ];
    let (started, prepared) = start_compare(&h.core, &h.session.id, "Which?", &[], setups)
        .await
        .unwrap();
    let answers = &started.answers;
    assert_eq!(answers.len(), 4);
    assert_eq!(started.user_message.content, "Which?");
    let ids: Vec<String> = answers.iter().map(|a| a.id.clone()).collect();
    for answer in answers {
        assert_eq!(answer.parent_id.as_ref(), Some(&started.user_message.id));
        assert_eq!(answer.siblings, ids);
    }
    // The setup that could not start is failed already, with the reason.
    assert_eq!(answers[2].status, MessageStatus::Error);
    let reason = answers[2].error.clone().unwrap();
    assert!(reason.contains("missing"), "{reason}");
    assert_eq!(
        answers[2].generation.provider_id.as_deref(),
        Some("missing")
    );

    let recorder = Arc::new(Recorder::default());
    let ended = run_compare(Arc::clone(&h.core), prepared, recorder.clone()).await;
    let statuses: Vec<MessageStatus> = ended.iter().map(|m| m.status).collect();
    assert_eq!(
        statuses,
        [
            MessageStatus::Complete,
            MessageStatus::Error,
            MessageStatus::Error,
            MessageStatus::Complete
        ]
    );
    assert_eq!(ended[0].content, "From test");
    assert_eq!(ended[3].content, "From good");
    assert_eq!(ended[3].generation.model.as_deref(), Some("g"));
    assert!(ended[1].error.as_deref().unwrap().contains("500"));
    // Each answer streamed its own events, and each was reported finished
    // once.
    assert_eq!(recorder.texts_of(&ids[0]), "From test");
    assert_eq!(recorder.texts_of(&ids[3]), "From good");
    let mut finished: Vec<String> = recorder
        .finished
        .lock()
        .unwrap()
        .iter()
        .map(|m| m.id.clone())
        .collect();
    finished.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(finished, expected);
    for message in &ended {
        assert_eq!(
            &h.core.store.message(&message.id).unwrap().status,
            &message.status
        );
    }
    // The first answer is selected; another can be picked to go on with.
    assert_eq!(path_texts(&h), ["Which?", "From test"]);
    h.core.store.select_branch(&ids[3]).unwrap();
    assert_eq!(path_texts(&h), ["Which?", "From good"]);

    // A compare run with a provider that is down: that column fails.
    let setups = vec![setup("test", MODEL), setup("down", "d")];
    let (_, prepared) = start_compare(&h.core, &h.session.id, "Again", &[], setups)
        .await
        .unwrap();
    let ended = run_compare(Arc::clone(&h.core), prepared, recorder.clone()).await;
    assert_eq!(ended[1].status, MessageStatus::Error);
    assert!(ended[1].error.is_some());
}

#[tokio::test]
async fn stop_stops_one_answer_of_a_compare_run() {
    let h = openai(vec![endless("Never")]).await;
    provider_with(&h, "second", vec![answer("Done")]).await;
    let setups = vec![setup("test", MODEL), setup("second", "s")];
    let (started, prepared) = start_compare(&h.core, &h.session.id, "Go", &[], setups)
        .await
        .unwrap();
    let stopped = started.answers[0].id.clone();
    let recorder = Arc::new(Recorder {
        stop: Some((Arc::clone(&h.core), stopped.clone())),
        ..Recorder::default()
    });
    let ended = tokio::time::timeout(
        Duration::from_secs(10),
        run_compare(Arc::clone(&h.core), prepared, recorder),
    )
    .await
    .expect("stopping one ends it");
    assert_eq!(ended[0].id, stopped);
    assert_eq!(ended[0].status, MessageStatus::Stopped);
    assert_eq!(ended[0].content, "Never");
    assert_eq!(ended[1].status, MessageStatus::Complete);
    assert_eq!(ended[1].content, "Done");
    assert!(h.core.running_turns().is_empty());
}

#[tokio::test]
async fn a_turn_without_a_usable_provider_stores_nothing() {
    let h = openai(vec![]).await;
    let nothing_stored = |h: &Harness| h.core.store.all_messages(&h.session.id).unwrap().is_empty();
    let setup_needed = |error: TurnError| {
        assert_eq!(error.code(), code::PROVIDER_SETUP_NEEDED, "{error}");
        error.to_string()
    };

    // A provider that needs a key (not on this computer) and has none, and
    // an unknown one.
    add_provider(&h, "remote", "https://api.example.com/v1".into());
    for (provider_id, named) in [("remote", "API key"), ("gone", "gone")] {
        let mut config = h.session.config.clone();
        config.provider_id = provider_id.into();
        h.core.store.update_session(&h.session.id, &config).unwrap();
        let error = start_turn(&h.core, &h.session.id, Some("Hi"))
            .await
            .unwrap_err();
        assert!(setup_needed(error).contains(named));
    }
    // On a fresh install the model is empty as well: the provider comes
    // first, as setting it up is what helps.
    let mut config = h.session.config.clone();
    config.provider_id = "remote".into();
    config.model = String::new();
    h.core.store.update_session(&h.session.id, &config).unwrap();
    let error = start_turn(&h.core, &h.session.id, Some("Hi"))
        .await
        .unwrap_err();
    assert!(setup_needed(error).contains("API key"));
    // A compare run where no setup can start.
    let setups = vec![setup("gone", "a"), setup("remote", "b")];
    let error = start_compare(&h.core, &h.session.id, "Hi", &[], setups)
        .await
        .unwrap_err();
    setup_needed(error);
    // No provider at all.
    let mut settings = h.core.settings().unwrap();
    settings.providers.clear();
    settings.save(&h.core.store).unwrap();
    let error = start_turn(&h.core, &h.session.id, Some("Hi"))
        .await
        .unwrap_err();
    setup_needed(error);
    assert!(nothing_stored(&h));

    // A comparison takes 2 to 4 setups.
    for count in [1, 5] {
        let error = start_compare(
            &h.core,
            &h.session.id,
            "Hi",
            &[],
            vec![setup("test", MODEL); count],
        )
        .await
        .unwrap_err();
        assert_eq!(error.code(), code::INVALID_INPUT);
        assert!(error.to_string().contains(&count.to_string()), "{error}");
    }
    assert!(nothing_stored(&h));
}
