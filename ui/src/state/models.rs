//! The models each provider listed this run (asked once per provider, when
//! a control first needs them; the shell caches them too).

use std::collections::HashMap;

use super::reducible;
use crate::models::offered;
use crate::types::Settings;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Models {
    listed: HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ModelsAction {
    /// What a provider listed (nothing when asking failed: its Settings
    /// entry's models are offered then).
    Listed {
        provider_id: String,
        models: Vec<String>,
    },
}

impl Models {
    pub fn apply(&mut self, action: ModelsAction) {
        match action {
            ModelsAction::Listed {
                provider_id,
                models,
            } => {
                self.listed.insert(provider_id, models);
            }
        }
    }

    pub fn is_listed(&self, provider_id: &str) -> bool {
        self.listed.contains_key(provider_id)
    }

    /// The models offered for `provider_id`: what it listed, then what its
    /// Settings entry names.
    pub fn offered(&self, settings: Option<&Settings>, provider_id: &str) -> Vec<String> {
        offered(
            self.listed.get(provider_id).map(Vec::as_slice),
            settings.and_then(|s| s.provider(provider_id)),
        )
    }
}

reducible!(Models, ModelsAction);
