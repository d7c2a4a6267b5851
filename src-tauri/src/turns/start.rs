//! Starting a turn: check that its setup can answer, store the messages it
//! creates (in one transaction, at their place in the tree) and prepare the
//! request from the history the answer continues. Nothing is sent yet.
//!
//! A setup can answer when its provider entry is configured and, unless it
//! is on this computer, has a key: otherwise the turn fails before anything
//! is stored, with the code that sends the user to provider setup.

use chat_core::Role;
use contract::{AttachmentRef, ModelSetup, StartedCompare};

use super::request::{Files, build_request, load_files, sampling};
use super::{PreparedTurn, StartedTurn, TurnError};
use crate::app::AppCore;
use crate::attachments::check_message;
use crate::providers::{Endpoint, refused_file, sent_params};
use crate::served_by::{ServedBy, ServedByExt};
use crate::settings::{ProviderConfig, ProviderKind};
use crate::store::{Generation, MessageStatus, NewMessage, Place, Session, StoredMessage};

/// A setup ready to answer: its provider's endpoint (with the key), who
/// serves it, and the setup itself.
struct Answerer {
    setup: ModelSetup,
    kind: ProviderKind,
    endpoint: Endpoint,
    served_by: ServedBy,
}

impl Answerer {
    async fn of(core: &AppCore, setup: ModelSetup) -> Result<Self, TurnError> {
        let settings = core.settings()?;
        if settings.providers.is_empty() {
            return Err(TurnError::ProviderSetupNeeded(
                "no model provider is set up".into(),
            ));
        }
        let provider = settings.provider(&setup.provider_id).ok_or_else(|| {
            TurnError::ProviderSetupNeeded(format!(
                "provider “{}” is not configured",
                setup.provider_id
            ))
        })?;
        let served_by = ServedBy::of(provider, core.pricing()?.table());
        let endpoint = core.endpoint(&provider.id).await?;
        // A provider that cannot answer comes first: on a fresh install the
        // model is empty too, and setting up the provider is what helps.
        if endpoint.api_key.is_none() && !on_this_computer(provider) {
            return Err(TurnError::ProviderSetupNeeded(format!(
                "{} needs an API key",
                provider.name
            )));
        }
        if setup.model.trim().is_empty() {
            return Err(TurnError::NoModel);
        }
        Ok(Self {
            kind: provider.kind,
            setup,
            endpoint,
            served_by,
        })
    }

    /// The answer, streaming, with its generation record: the entry and
    /// model, who serves it and the parameters exactly as the request
    /// sends them.
    fn answer(&self) -> NewMessage {
        NewMessage {
            status: MessageStatus::Streaming,
            generation: Generation {
                provider_id: Some(self.setup.provider_id.clone()),
                model: Some(self.setup.model.clone()),
                provider_name: Some(self.served_by.name.clone()),
                price_provider: self.served_by.price_provider.clone(),
                params: Some(sent_params(self.kind, &sampling(&self.setup))),
            },
            ..NewMessage::new(Role::Assistant, "")
        }
    }

    /// Refuses files its provider cannot take, before anything is stored
    /// or sent.
    fn check_files(&self, files: &[AttachmentRef]) -> Result<(), TurnError> {
        let files = files
            .iter()
            .map(|f| (f.name.as_str(), f.media_type.as_str()));
        match refused_file(self.kind, &self.endpoint.name, files) {
            Some(refusal) => Err(TurnError::RefusesAttachment(refusal)),
            None => Ok(()),
        }
    }

    /// The stored `answer`'s turn, with `history` as what it continues and
    /// `files` the bytes of its files.
    fn prepare(
        self,
        core: &AppCore,
        session: &Session,
        answer: StoredMessage,
        history: &[StoredMessage],
        files: &Files,
    ) -> PreparedTurn {
        PreparedTurn {
            session_id: session.id.clone(),
            message_id: answer.id.clone(),
            request: build_request(session, &self.setup, history, files),
            endpoint: self.endpoint,
            served_by: self.served_by,
            cancel: core.register_turn(&answer.id),
            answer,
        }
    }
}

/// A provider on this computer needs no key (Ollama, llama.cpp, LM Studio…).
fn on_this_computer(provider: &ProviderConfig) -> bool {
    url::Url::parse(&provider.base_url)
        .ok()
        .is_some_and(|url| url.host_str().is_some_and(crate::network::is_this_computer))
}

fn checked_text(text: &str) -> Result<&str, TurnError> {
    if text.trim().is_empty() {
        return Err(TurnError::EmptyMessage);
    }
    Ok(text)
}

/// A new message's files (by SHA-256, as stored), within the limits; its
/// text may be empty when it has files (a screenshot sent alone).
fn checked_message<'a>(
    core: &AppCore,
    text: &'a str,
    attachments: &[String],
) -> Result<(&'a str, Vec<AttachmentRef>), TurnError> {
    let files = core.store.attachment_refs(attachments)?;
    check_message(&files)?;
    if files.is_empty() {
        checked_text(text)?;
    }
    Ok((text, files))
}

/// A user message with its files.
fn user_message(text: &str, files: &[AttachmentRef]) -> NewMessage {
    NewMessage {
        attachments: files.iter().map(|f| f.sha256.clone()).collect(),
        ..NewMessage::new(Role::User, text)
    }
}

/// The messages an answer continues: the path down to its parent.
fn history(core: &AppCore, answer: &StoredMessage) -> Result<Vec<StoredMessage>, TurnError> {
    Ok(match &answer.parent_id {
        Some(parent) => core.store.path_to(parent)?,
        None => Vec::new(),
    })
}

/// Prepares the turn of a just stored answer (and the user message stored
/// with it, if any).
fn started(
    core: &AppCore,
    session: &Session,
    answerer: Answerer,
    mut created: Vec<StoredMessage>,
) -> Result<(StartedTurn, PreparedTurn), TurnError> {
    let assistant_message = created.pop().ok_or(TurnError::AnswerNotCreated)?;
    let history = history(core, &assistant_message)?;
    let files = load_files(&core.store, &history)?;
    let prepared = answerer.prepare(core, session, assistant_message.clone(), &history, &files);
    Ok((
        StartedTurn {
            user_message: created.pop(),
            assistant_message,
        },
        prepared,
    ))
}

/// Appends the user's text (when given) and an empty streaming answer after
/// the selected path's end, answered with the session's setup.
pub async fn start_turn(
    core: &AppCore,
    session_id: &str,
    user_text: Option<&str>,
) -> Result<(StartedTurn, PreparedTurn), TurnError> {
    start_message(core, session_id, user_text, &[]).await
}

/// [`start_turn`] with files: the user's message carries the stored files
/// `attachments` (their SHA-256s, in order). A file the provider cannot
/// take refuses the turn before anything is stored.
pub async fn start_message(
    core: &AppCore,
    session_id: &str,
    user_text: Option<&str>,
    attachments: &[String],
) -> Result<(StartedTurn, PreparedTurn), TurnError> {
    let user = user_text
        .map(|text| checked_message(core, text, attachments))
        .transpose()?;
    let session = core.store.session(session_id)?;
    let answerer = Answerer::of(core, ModelSetup::of(&session.config)).await?;
    if let Some((_, files)) = &user {
        answerer.check_files(files)?;
    }
    let mut new_messages: Vec<NewMessage> = user
        .map(|(text, files)| user_message(text, &files))
        .into_iter()
        .collect();
    new_messages.push(answerer.answer());
    let created = core.store.append_messages(session_id, new_messages)?;
    started(core, &session, answerer, created)
}

/// A user message edited and sent again: the new text becomes its selected
/// sibling and is answered with the session's setup.
pub async fn start_resend(
    core: &AppCore,
    message_id: &str,
    content: &str,
) -> Result<(StartedTurn, PreparedTurn), TurnError> {
    let content = checked_text(content)?;
    let original = core.store.message(message_id)?;
    if original.role != Role::User {
        return Err(TurnError::WrongRole(
            "only a user message can be edited and sent again",
        ));
    }
    let session = core.store.session(&original.session_id)?;
    let answerer = Answerer::of(core, ModelSetup::of(&session.config)).await?;
    // The edited prompt keeps the files of the one it replaces.
    answerer.check_files(&original.attachments)?;
    let created = core.store.add_messages(
        Place::Beside(message_id),
        vec![
            user_message(content, &original.attachments),
            answerer.answer(),
        ],
    )?;
    started(core, &session, answerer, created)
}

/// Another answer to an answer's prompt, as its selected sibling, generated
/// with `setup` (the session's own when `None`).
pub async fn start_regenerate(
    core: &AppCore,
    message_id: &str,
    setup: Option<ModelSetup>,
) -> Result<(StartedTurn, PreparedTurn), TurnError> {
    let original = core.store.message(message_id)?;
    if original.role != Role::Assistant {
        return Err(TurnError::WrongRole("only an answer can be regenerated"));
    }
    let session = core.store.session(&original.session_id)?;
    let setup = setup.unwrap_or_else(|| ModelSetup::of(&session.config));
    let answerer = Answerer::of(core, setup).await?;
    let created = core
        .store
        .add_messages(Place::Beside(message_id), vec![answerer.answer()])?;
    started(core, &session, answerer, created)
}

/// The most and fewest setups a comparison takes.
pub const COMPARE_SETUPS: std::ops::RangeInclusive<usize> = 2..=4;

/// A compare run ready to stream: one entry per setup, in their order.
#[derive(Debug)]
pub struct PreparedCompare {
    pub answers: Vec<CompareAnswer>,
}

/// One answer of a compare run.
#[derive(Debug)]
pub enum CompareAnswer {
    /// Ready to stream.
    Run(Box<PreparedTurn>),
    /// Its setup could not start: stored failed, with the reason.
    Failed(Box<StoredMessage>),
}

/// One prompt after the selected path's end and one streaming answer per
/// setup, all its children; the first is selected. A setup that cannot
/// start gives an answer already failed with the reason, and the others go
/// on; when none can start, the run fails with the first one's reason and
/// nothing is stored.
pub async fn start_compare(
    core: &AppCore,
    session_id: &str,
    content: &str,
    attachments: &[String],
    setups: Vec<ModelSetup>,
) -> Result<(StartedCompare, PreparedCompare), TurnError> {
    if !COMPARE_SETUPS.contains(&setups.len()) {
        return Err(TurnError::CompareSize(setups.len()));
    }
    let (content, files) = checked_message(core, content, attachments)?;
    let session = core.store.session(session_id)?;
    let mut answerers = Vec::with_capacity(setups.len());
    let mut answers = Vec::with_capacity(setups.len());
    for setup in setups {
        let answerer = Answerer::of(core, setup.clone()).await;
        let answerer = answerer.and_then(|a| a.check_files(&files).map(|()| a));
        match answerer {
            Ok(answerer) => {
                answers.push((answerer.answer(), None));
                answerers.push(Ok(answerer));
            }
            Err(e) => {
                answers.push((failed_answer(setup), Some(e.to_string())));
                answerers.push(Err(e));
            }
        }
    }
    if answerers.iter().all(Result::is_err) {
        let first = answerers.into_iter().find_map(Result::err);
        return Err(first.unwrap_or(TurnError::AnswerNotCreated));
    }
    let prompt = user_message(content, &files);
    let (user_message, stored) = core.store.append_compare(session_id, prompt, answers)?;
    let history = core.store.path_to(&user_message.id)?;
    let files = load_files(&core.store, &history)?;
    let prepared = answerers
        .into_iter()
        .zip(stored.iter().cloned())
        .map(|(answerer, answer)| match answerer {
            Ok(answerer) => CompareAnswer::Run(Box::new(
                answerer.prepare(core, &session, answer, &history, &files),
            )),
            Err(_) => CompareAnswer::Failed(Box::new(answer)),
        })
        .collect();
    Ok((
        StartedCompare {
            user_message,
            answers: stored,
        },
        PreparedCompare { answers: prepared },
    ))
}

/// The answer of a setup that could not start: failed, naming the setup.
fn failed_answer(setup: ModelSetup) -> NewMessage {
    NewMessage {
        status: MessageStatus::Error,
        generation: Generation {
            provider_id: Some(setup.provider_id),
            model: Some(setup.model).filter(|m| !m.trim().is_empty()),
            ..Generation::default()
        },
        ..NewMessage::new(Role::Assistant, "")
    }
}
