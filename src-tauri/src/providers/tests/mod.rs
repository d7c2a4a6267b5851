//! Each provider against a real local server speaking its exact wire format,
//! driven through the app core: the turn runs as in the app and the test
//! asserts the stored message.

mod anthropic;
mod attachments;
mod discovery;
mod models;
mod ollama;
mod openai;
pub mod server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chat_core::cost::PriceOverride;
use tempfile::TempDir;

use crate::app::AppCore;
use crate::providers::StreamEvent;
use crate::secrets::{MemoryStore, SecretKey, SecretStore};
use crate::settings::SettingsExt;
use crate::settings::{ProviderConfig, ProviderKind, Settings};
use crate::store::{MessageStatus, Session, SessionConfig, StoredMessage};
use crate::turns::{self, TurnSink};
use server::{Reply, ScriptServer};

/// The API key the tests configure; it must never show up in a message.
pub const API_KEY: &str = "sk-test-0123456789abcdefghij";

/// A tool call as a provider's stream or a stored message carries it.
pub fn tool_call(id: &str, name: &str, arguments: &str) -> chat_core::ToolCall {
    chat_core::ToolCall {
        id: id.into(),
        name: name.into(),
        arguments: arguments.into(),
    }
}

pub struct Harness {
    dir: TempDir,
    pub core: Arc<AppCore>,
    pub server: ScriptServer,
    pub session: Session,
}

/// A core whose only provider points at a script server.
///
/// Prices: an override of $2 / $8 per million input / output tokens and $1
/// per million cached input tokens for `model`, so costs are exact.
pub async fn harness(
    kind: ProviderKind,
    base_path: &str,
    model: &str,
    replies: Vec<Reply>,
) -> Harness {
    let dir = TempDir::new().unwrap();
    let secrets = Arc::new(MemoryStore::default());
    secrets
        .set(&SecretKey::ProviderApiKey("test".into()), API_KEY)
        .unwrap();
    let core = AppCore::open(dir.path(), secrets).unwrap();
    let server = ScriptServer::start(replies).await;
    let settings = Settings {
        providers: vec![ProviderConfig {
            id: "test".into(),
            name: "TestProvider".into(),
            kind,
            base_url: format!("{}{base_path}", server.base_url),
            price_provider: Some("testprovider".into()),
            models: vec![],
        }],
        price_overrides: vec![PriceOverride {
            cached_input_per_mtok: Some(1.0),
            ..PriceOverride::new("testprovider", model, 2.0, 8.0)
        }],
        ..Settings::default()
    };
    settings.save(&core.store).unwrap();
    let session = core
        .store
        .create_session(&SessionConfig {
            title: "Test".into(),
            provider_id: "test".into(),
            model: model.into(),
            temperature: Some(0.5),
            max_tokens: Some(256),
            system_prompt: Some("You are terse.".into()),
            ..SessionConfig::default()
        })
        .unwrap();
    Harness {
        dir,
        core,
        server,
        session,
    }
}

/// The sampling parameters a request sent.
pub fn sent(temperature: Option<f64>, max_tokens: Option<i64>) -> chat_core::GenerationParams {
    chat_core::GenerationParams {
        temperature,
        max_tokens,
        ..chat_core::GenerationParams::default()
    }
}

/// $2 / $8 / $1 per million input / output / cached tokens.
pub fn expected_cost(input: i64, output: i64, cached: i64) -> f64 {
    ((input - cached) as f64 * 2.0 + cached as f64 * 1.0 + output as f64 * 8.0) / 1_000_000.0
}

pub fn assert_cost(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a cost");
    assert!(
        (actual - expected).abs() <= expected * 1e-12,
        "cost {actual} != {expected}"
    );
}

/// Collects what a turn reports.
#[derive(Default)]
pub struct Collect {
    pub events: Mutex<Vec<StreamEvent>>,
    pub finished: Mutex<Vec<StoredMessage>>,
}

impl TurnSink for Collect {
    fn event(&self, _session_id: &str, _message_id: &str, event: &StreamEvent) {
        self.events.lock().unwrap().push(event.clone());
    }

    fn finished(&self, message: &StoredMessage) {
        self.finished.lock().unwrap().push(message.clone());
    }
}

impl Harness {
    /// Sends `text` and runs the turn to its end; returns the stored answer
    /// (read back from the store) and the events.
    pub async fn turn(&self, text: &str) -> (StoredMessage, Vec<StreamEvent>) {
        let (started, prepared) = turns::start_turn(&self.core, &self.session.id, Some(text))
            .await
            .unwrap();
        let sink = Arc::new(Collect::default());
        let returned = turns::run_turn(Arc::clone(&self.core), prepared, sink.clone()).await;
        let stored = self
            .core
            .store
            .message(&started.assistant_message.id)
            .unwrap();
        assert_eq!(returned, stored);
        assert_eq!(
            sink.finished.lock().unwrap().as_slice(),
            std::slice::from_ref(&stored)
        );
        if let Some(error) = &stored.error {
            assert!(!error.contains(API_KEY), "the key leaked into: {error}");
        }
        let events = sink.events.lock().unwrap().clone();
        (stored, events)
    }

    /// Asks for an answer to the conversation as it stands (after a tool
    /// result), without a new user message.
    pub async fn continue_turn(&self) -> StoredMessage {
        let (started, prepared) = turns::start_turn(&self.core, &self.session.id, None)
            .await
            .unwrap();
        assert!(started.user_message.is_none());
        turns::run_turn(
            Arc::clone(&self.core),
            prepared,
            Arc::new(Collect::default()),
        )
        .await
    }

    /// Every byte of the app's database files.
    pub fn database_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().contains("parlor.db") {
                bytes.extend(std::fs::read(path).unwrap());
            }
        }
        bytes
    }

    /// Like [`Harness::turn`], for a turn that fails: the stored answer.
    pub async fn failed_turn(&self, text: &str) -> StoredMessage {
        let (message, _) = self.turn(text).await;
        assert_eq!(message.status, MessageStatus::Error, "{message:?}");
        message
    }

    /// Like [`Harness::turn`], but stops the turn at the first content
    /// delta; it must then end (within seconds) as stopped.
    pub async fn turn_stopped_at_first_content(&self, text: &str) -> StoredMessage {
        let (started, prepared) = turns::start_turn(&self.core, &self.session.id, Some(text))
            .await
            .unwrap();
        let sink = Arc::new(StopAtContent {
            core: Arc::clone(&self.core),
            message_id: started.assistant_message.id.clone(),
        });
        let stopping = turns::run_turn(Arc::clone(&self.core), prepared, sink);
        let message = tokio::time::timeout(Duration::from_secs(10), stopping)
            .await
            .expect("stop ends the turn at once");
        assert_eq!(message.status, MessageStatus::Stopped);
        message
    }

    /// Changes the saved settings.
    pub fn edit_settings(&self, edit: impl FnOnce(&mut Settings)) {
        let mut settings = self.core.settings().unwrap();
        edit(&mut settings);
        settings.save(&self.core.store).unwrap();
    }
}

/// Presses Stop as soon as text arrives.
struct StopAtContent {
    core: Arc<AppCore>,
    message_id: String,
}

impl TurnSink for StopAtContent {
    fn event(&self, _session_id: &str, _message_id: &str, event: &StreamEvent) {
        if matches!(event, StreamEvent::ContentDelta { .. }) {
            assert!(self.core.stop_turn(&self.message_id));
        }
    }

    fn finished(&self, _message: &StoredMessage) {}
}

/// When the store refuses the outcome (here: the answer was deleted while
/// it streamed), the turn still ends: the sink hears of it as failed, with
/// what arrived.
#[tokio::test]
async fn a_turn_whose_answer_cannot_be_stored_still_ends_as_failed() {
    let harness = harness(
        ProviderKind::OpenAi,
        "/v1",
        "gpt-test",
        vec![Reply::json(500, "{}")],
    )
    .await;
    let (started, prepared) = turns::start_turn(&harness.core, &harness.session.id, Some("Hi"))
        .await
        .unwrap();
    harness
        .core
        .store
        .delete_session(&harness.session.id)
        .unwrap();
    let sink = Arc::new(Collect::default());
    let answer = turns::run_turn(Arc::clone(&harness.core), prepared, sink.clone()).await;
    assert_eq!(answer.id, started.assistant_message.id);
    assert_eq!(answer.status, MessageStatus::Error);
    let error = answer.error.clone().unwrap();
    assert!(error.contains("could not be saved"), "{error}");
    assert_eq!(sink.finished.lock().unwrap().as_slice(), [answer]);
}
