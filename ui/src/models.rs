//! Providers and their models, as plain logic tested on the host: which
//! models a provider offers (what it lists, then what Settings names), the
//! model kept when a provider changes and the sentence that says so, what a
//! provider test says, and a local server found on start added as a
//! provider.

use crate::errors::share_error_message;
use crate::ipc::IpcError;
use crate::types::{DiscoveredProvider, ModelList, ProviderConfig, SessionConfig, Settings};

/// The models offered for `provider`: those it listed, then those its
/// Settings entry names, each once.
pub fn offered(listed: Option<&[String]>, provider: Option<&ProviderConfig>) -> Vec<String> {
    let mut models: Vec<String> = listed.unwrap_or_default().to_vec();
    for model in provider.map(|p| p.models.as_slice()).unwrap_or_default() {
        if !models.contains(model) {
            models.push(model.clone());
        }
    }
    models
}

/// How a model fared when its provider changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// The new provider offers it.
    Offered,
    /// The new provider lists no models: it stays, unchecked.
    Unchecked,
    /// The new provider does not offer it: its first model replaces it.
    Replaced,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelChoice {
    pub model: String,
    pub fate: Fate,
}

/// The model to use after a provider change: `model` when the provider
/// offers it (or offers nothing), else the provider's first.
pub fn keep_or_first(model: &str, offered: &[String]) -> ModelChoice {
    let (model, fate) = match offered.first() {
        None => (model, Fate::Unchecked),
        Some(_) if offered.iter().any(|m| m == model) => (model, Fate::Offered),
        Some(first) => (first.as_str(), Fate::Replaced),
    };
    ModelChoice {
        model: model.to_owned(),
        fate,
    }
}

/// `config` answered by `provider_id` (named `provider_name`, offering
/// `offered`), and the sentence that says what happened to the model when
/// it was not simply kept.
pub fn switch_provider(
    config: &SessionConfig,
    provider_id: &str,
    provider_name: &str,
    offered: &[String],
) -> (SessionConfig, Option<String>) {
    let typed = config.model.trim();
    let choice = keep_or_first(typed, offered);
    let notice = match (choice.fate, typed.is_empty()) {
        (Fate::Offered, _) => None,
        (Fate::Replaced, false) => Some(format!(
            "{typed} isn't offered by {provider_name}; using {} instead.",
            choice.model
        )),
        (Fate::Replaced, true) => Some(format!(
            "Using {}, the first model {provider_name} offers.",
            choice.model
        )),
        (Fate::Unchecked, false) => Some(format!(
            "{provider_name} lists no models; keeping {typed} (type another name if it has none by that name)."
        )),
        (Fate::Unchecked, true) => Some(format!(
            "{provider_name} lists no models; type the model name."
        )),
    };
    let config = SessionConfig {
        provider_id: provider_id.to_owned(),
        model: choice.model,
        ..config.clone()
    };
    (config, notice)
}

/// What a provider's Test says: how many models it lists, or why it failed
/// and what to do about it.
pub fn test_result(result: &Result<ModelList, IpcError>) -> String {
    match result {
        Ok(list) => match list.models.len() {
            0 => "lists no models; type the model name".to_owned(),
            1 => "1 model".to_owned(),
            n => format!("{n} models"),
        },
        Err(error) => share_error_message(error),
    }
}

/// An id not yet used by a provider: `base`, else `base-2`, `base-3`, ….
pub fn free_id(settings: &Settings, base: &str) -> String {
    let taken = |id: &str| settings.provider(id).is_some();
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_owned())
}

/// The servers found on start that no provider answers through yet.
pub fn new_servers(
    found: &[DiscoveredProvider],
    settings: Option<&Settings>,
) -> Vec<ProviderConfig> {
    let configured = |url: &str| {
        settings.is_some_and(|s| {
            s.providers
                .iter()
                .any(|p| p.base_url.trim_end_matches('/') == url.trim_end_matches('/'))
        })
    };
    (found.iter())
        .filter(|d| !d.already_configured && !configured(&d.provider.base_url))
        .map(|d| d.provider.clone())
        .collect()
}

/// `settings` with a found local server appended as a provider (under an id
/// of its own), and that provider.
pub fn add_provider(settings: &Settings, found: &ProviderConfig) -> (Settings, ProviderConfig) {
    let provider = ProviderConfig {
        id: free_id(settings, &found.id),
        ..found.clone()
    };
    let mut next = settings.clone();
    next.providers.push(provider.clone());
    (next, provider)
}

/// `config` answered by `provider` with its first model (the typed one
/// stays when it offers none).
pub fn answered_by(config: &SessionConfig, provider: &ProviderConfig) -> SessionConfig {
    SessionConfig {
        provider_id: provider.id.clone(),
        model: (provider.models.first())
            .cloned()
            .unwrap_or_else(|| config.model.clone()),
        ..config.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ProviderKind;
    use contract::ModelInfo;

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn provider(id: &str, models: &[&str]) -> ProviderConfig {
        ProviderConfig {
            id: id.into(),
            name: format!("{id} server"),
            kind: ProviderKind::OpenAi,
            base_url: "http://127.0.0.1:8080/v1".into(),
            price_provider: None,
            models: strings(models),
        }
    }

    fn session(model: &str) -> SessionConfig {
        SessionConfig {
            provider_id: "openai".into(),
            model: model.into(),
            temperature: Some(0.2),
            ..SessionConfig::default()
        }
    }

    #[test]
    fn a_provider_offers_what_it_lists_then_what_settings_name() {
        let listed = strings(&["llama3", "qwen"]);
        let entry = provider("local", &["qwen", "phi"]);
        assert_eq!(
            offered(Some(&listed), Some(&entry)),
            ["llama3", "qwen", "phi"]
        );
        assert_eq!(offered(None, Some(&entry)), ["qwen", "phi"]);
        assert!(offered(None, None).is_empty());
    }

    #[test]
    fn a_changed_provider_keeps_the_model_or_says_what_it_picked() {
        let llama = strings(&["llama3", "qwen"]);
        let cases: [(&str, &[String], &str, Option<&str>); 5] = [
            ("qwen", &llama, "qwen", None),
            (
                "gpt-4o",
                &llama,
                "llama3",
                Some("gpt-4o isn't offered by Local; using llama3 instead."),
            ),
            (
                "",
                &llama,
                "llama3",
                Some("Using llama3, the first model Local offers."),
            ),
            (
                "gpt-4o",
                &[],
                "gpt-4o",
                Some(
                    "Local lists no models; keeping gpt-4o (type another name if it has none by that name).",
                ),
            ),
            (
                " ",
                &[],
                "",
                Some("Local lists no models; type the model name."),
            ),
        ];
        for (typed, offered, model, notice) in cases {
            let (config, said) = switch_provider(&session(typed), "local", "Local", offered);
            assert_eq!(config.provider_id, "local");
            assert_eq!(config.model, model, "{typed:?}");
            assert_eq!(said.as_deref(), notice, "{typed:?}");
            assert_eq!(config.temperature, Some(0.2), "the rest stays");
        }
    }

    #[test]
    fn a_test_says_how_many_models_or_what_to_do() {
        let list = |n: usize| {
            Ok(ModelList {
                provider_id: "local".into(),
                models: (0..n)
                    .map(|i| ModelInfo {
                        id: format!("m{i}"),
                        display_name: None,
                    })
                    .collect(),
                fetched_at: chrono::DateTime::UNIX_EPOCH,
                cached: false,
            })
        };
        assert_eq!(test_result(&list(12)), "12 models");
        assert_eq!(test_result(&list(1)), "1 model");
        assert_eq!(
            test_result(&list(0)),
            "lists no models; type the model name"
        );
        let refused = Err(IpcError::Command {
            code: contract::error::code::PROVIDER_UNAUTHORIZED.into(),
            message: "The provider refused the key (401)".into(),
            retry_after_secs: None,
        });
        assert_eq!(
            test_result(&refused),
            "The provider refused the key (401). Check this provider's API key in Settings."
        );
    }

    #[test]
    fn a_found_server_is_added_under_a_free_id_and_answers_the_session() {
        let mut settings = Settings::default();
        settings.providers.push(provider("local-8080", &[]));
        let found = provider("local-8080", &["smollm2", "qwen"]);
        let (next, added) = add_provider(&settings, &found);
        assert_eq!(added.id, "local-8080-2");
        assert_eq!(next.providers.len(), settings.providers.len() + 1);
        assert_eq!(next.providers.last(), Some(&added));

        let config = answered_by(&session("gpt-4o"), &added);
        assert_eq!(
            (config.provider_id.as_str(), config.model.as_str()),
            ("local-8080-2", "smollm2")
        );
        let silent = answered_by(&session("gpt-4o"), &provider("x", &[]));
        assert_eq!(silent.model, "gpt-4o", "a server listing nothing keeps it");
    }

    #[test]
    fn only_servers_not_configured_yet_are_offered() {
        let found = |id: &str, url: &str, already_configured| DiscoveredProvider {
            provider: ProviderConfig {
                base_url: url.into(),
                ..provider(id, &[])
            },
            already_configured,
        };
        let found = [
            found("ollama-11434", "http://127.0.0.1:11434", true),
            found("local-8080", "http://127.0.0.1:8080/v1", false),
            found("local-1234", "http://127.0.0.1:1234/v1", false),
        ];
        let mut settings = Settings::default();
        settings.providers.push(ProviderConfig {
            base_url: "http://127.0.0.1:1234/v1/".into(),
            ..provider("mine", &[])
        });
        let offered: Vec<_> = (new_servers(&found, Some(&settings)).into_iter())
            .map(|p| p.id)
            .collect();
        assert_eq!(offered, ["local-8080"], "one was added since the probe");
    }
}
