//! What an answer says of where it came from: who served it and with which
//! model — its own record, kept when it was generated, so an answer made
//! before the session moved to another provider or model still names its
//! own — and its sampling parameters when they are not the session's (shown
//! with chat-core's `format::settings`, as the share page shows them).

use chat_core::ModelConfig;

use crate::types::{GenerationParams, SessionConfig, StoredMessage};

/// Who served an answer, from its own record (the provider entry's id for
/// an answer from before names were recorded); `None` when unknown.
pub fn served_by(message: &StoredMessage) -> Option<&str> {
    message
        .generation
        .provider_name
        .as_deref()
        .or(message.generation.provider_id.as_deref())
}

/// The sampling parameters a session is set to.
pub fn session_sampling(config: &SessionConfig) -> GenerationParams {
    GenerationParams {
        temperature: config.temperature,
        top_p: config.top_p,
        max_tokens: config.max_tokens,
        ..GenerationParams::default()
    }
}

/// The answer's parameters, when they say something the session's (see
/// [`session_sampling`]) do not: the session changed since, or the request
/// carried a default of the provider's own.
pub fn params_if_different<'a>(
    message: &'a StoredMessage,
    session: Option<&GenerationParams>,
) -> Option<&'a GenerationParams> {
    let params = message
        .generation
        .params
        .as_ref()
        .filter(|p| !p.is_empty())?;
    let Some(session) = session else {
        return Some(params);
    };
    let config = ModelConfig {
        provider: String::new(),
        model: String::new(),
        temperature: session.temperature,
        max_tokens: session.max_tokens,
        top_p: session.top_p,
    };
    params.differ_from(&config).then_some(params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use crate::types::Generation;

    fn answer(provider_name: Option<&str>, model: Option<&str>) -> StoredMessage {
        StoredMessage {
            generation: Generation {
                provider_id: Some("openai".into()),
                model: model.map(Into::into),
                provider_name: provider_name.map(Into::into),
                ..Generation::default()
            },
            ..fixtures::answer()
        }
    }

    fn sent(temperature: Option<f64>, max_tokens: Option<i64>) -> GenerationParams {
        GenerationParams {
            temperature,
            max_tokens,
            ..GenerationParams::default()
        }
    }

    #[test]
    fn an_answer_names_who_served_it() {
        let local = answer(Some("openai-compatible (127.0.0.1:8080)"), Some("smollm2"));
        assert_eq!(
            served_by(&local),
            Some("openai-compatible (127.0.0.1:8080)")
        );
        let older = answer(None, Some("gpt-4o"));
        assert_eq!(
            served_by(&older),
            Some("openai"),
            "before names were recorded: the entry"
        );
        let mut bare = answer(None, None);
        bare.generation.provider_id = None;
        assert_eq!(served_by(&bare), None);
    }

    #[test]
    fn parameters_show_when_they_are_not_the_sessions() {
        let session = session_sampling(&SessionConfig {
            temperature: Some(0.7),
            ..SessionConfig::default()
        });
        let with = |params: Option<GenerationParams>| {
            let mut answer = answer(Some("anthropic"), Some("claude-haiku-4-5"));
            answer.generation.params = params;
            answer
        };
        let same = with(Some(sent(Some(0.7), None)));
        assert_eq!(params_if_different(&same, Some(&session)), None);
        let nothing = with(Some(GenerationParams::default()));
        assert_eq!(params_if_different(&nothing, Some(&session)), None);
        let unknown = with(None);
        assert_eq!(params_if_different(&unknown, Some(&session)), None);
        let default_sent = with(Some(sent(Some(0.7), Some(4096))));
        assert_eq!(
            params_if_different(&default_sent, Some(&session)),
            default_sent.generation.params.as_ref(),
            "the provider's own default was sent"
        );
        let earlier = with(Some(sent(Some(0.2), None)));
        assert_eq!(
            params_if_different(&earlier, Some(&session)),
            earlier.generation.params.as_ref()
        );
        assert_eq!(
            params_if_different(&earlier, None),
            earlier.generation.params.as_ref()
        );
    }
}
