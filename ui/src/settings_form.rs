//! The Settings dialog's form as a reducer: the providers' base URLs and the
//! API keys as typed, who answers through each entry (the shell's word,
//! asked again when a base URL is edited), the user's price rows, and the
//! saving state. The share-server section has its own reducer,
//! [`crate::share_server_form`]. Pure, so it is tested on the host.

use crate::prices::{PriceField, PriceRow};
use crate::state::reducible;
use crate::types::{ProviderConfig, ServedBy, Settings, SettingsView};
use std::collections::BTreeMap;

pub const SAVED: &str = "Settings saved.";

#[derive(Debug, Clone, PartialEq)]
pub struct SettingsForm {
    /// The settings as edited (base URLs; prices and the share server are
    /// taken from their own fields when saving).
    pub settings: Settings,
    /// Keys typed since the last save, by provider id; never the stored ones.
    pub keys: BTreeMap<String, String>,
    /// Who answers through each entry, so a price is filed under the server
    /// it will price.
    pub served: BTreeMap<String, ServedBy>,
    pub price_rows: Vec<PriceRow>,
    /// The price row just added (counted from 1): its model field takes the
    /// focus.
    pub added_price: Option<usize>,
    pub busy: bool,
    pub status: String,
    pub error: Option<String>,
    /// What is stored, as last loaded or saved: edits are told from it.
    saved: Stored,
    /// What the save in progress stores; `saved` once it succeeds.
    saving: Option<Stored>,
}

/// What Save stores of the form (keys aside): the providers as edited and
/// the price rows with something typed in them (blank ones are skipped).
#[derive(Debug, Clone, PartialEq, Default)]
struct Stored {
    providers: Vec<ProviderConfig>,
    prices: Vec<PriceRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SettingsEdit {
    BaseUrl {
        index: usize,
        value: String,
    },
    Key {
        provider_id: String,
        value: String,
    },
    /// The shell said who answers through an edited entry.
    Served {
        provider_id: String,
        served: ServedBy,
    },
    /// The shell's saved view changed: its word on who answers is taken.
    ServedFromShell(BTreeMap<String, ServedBy>),
    Price {
        index: usize,
        field: PriceField,
        value: String,
    },
    AddPrice {
        provider: String,
    },
    RemovePrice(usize),
    KeyRemoved(String),
    /// Something went wrong; the form stays as typed.
    Error(String),
    Saving,
    /// Saving stopped with this error.
    Failed(String),
    Saved,
}

impl SettingsForm {
    pub fn new(view: &SettingsView) -> Self {
        let mut form = Self {
            settings: view.settings.clone(),
            keys: BTreeMap::new(),
            served: view.served_by.clone(),
            price_rows: view
                .settings
                .price_overrides
                .iter()
                .map(PriceRow::from_override)
                .collect(),
            added_price: None,
            busy: false,
            status: String::new(),
            error: None,
            saved: Stored::default(),
            saving: None,
        };
        form.saved = form.stored();
        form
    }

    fn stored(&self) -> Stored {
        Stored {
            providers: self.settings.providers.clone(),
            prices: (self.price_rows.iter())
                .filter(|row| !row.is_blank())
                .cloned()
                .collect(),
        }
    }

    /// Something typed here is not saved: a key, a base URL or a price
    /// that differs from what is stored.
    pub fn is_edited(&self) -> bool {
        !self.new_keys().is_empty() || self.stored() != self.saved
    }

    /// The keys to store: those typed, trimmed, empty ones left out.
    pub fn new_keys(&self) -> Vec<(String, String)> {
        self.keys
            .iter()
            .filter(|(_, key)| !key.trim().is_empty())
            .map(|(id, key)| (id.clone(), key.trim().to_owned()))
            .collect()
    }

    pub fn apply(&mut self, edit: SettingsEdit) {
        match edit {
            SettingsEdit::BaseUrl { index, value } => {
                if let Some(provider) = self.settings.providers.get_mut(index) {
                    provider.base_url = value;
                }
            }
            SettingsEdit::Key { provider_id, value } => {
                self.keys.insert(provider_id, value);
            }
            SettingsEdit::Served {
                provider_id,
                served,
            } => {
                self.served.insert(provider_id, served);
            }
            SettingsEdit::ServedFromShell(served) => self.served = served,
            SettingsEdit::Price {
                index,
                field,
                value,
            } => {
                if let Some(row) = self.price_rows.get_mut(index) {
                    row.set(field, value);
                }
            }
            SettingsEdit::AddPrice { provider } => {
                self.price_rows.push(PriceRow::new(&provider));
                self.added_price = Some(self.price_rows.len());
            }
            SettingsEdit::RemovePrice(index) => {
                if index < self.price_rows.len() {
                    self.price_rows.remove(index);
                }
            }
            SettingsEdit::KeyRemoved(id) => self.status = format!("The {id} key was removed."),
            SettingsEdit::Error(message) => self.error = Some(message),
            SettingsEdit::Saving => {
                self.saving = Some(self.stored());
                self.busy = true;
                self.error = None;
                self.status.clear();
            }
            SettingsEdit::Failed(message) => {
                self.saving = None;
                self.busy = false;
                self.error = Some(message);
            }
            SettingsEdit::Saved => {
                if let Some(stored) = self.saving.take() {
                    self.saved = stored;
                }
                self.keys.clear();
                self.status = SAVED.to_owned();
                self.busy = false;
            }
        }
    }
}

reducible!(SettingsForm, SettingsEdit);

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SettingsForm {
        let view: SettingsView = serde_json::from_value(serde_json::json!({
            "settings": {
                "providers": [
                    {"id": "openai", "name": "OpenAI", "kind": "openai",
                     "baseUrl": "https://api.openai.com/v1", "models": ["gpt-4o"]},
                    {"id": "ollama", "name": "Ollama", "kind": "ollama",
                     "baseUrl": "http://localhost:11434/v1"}
                ],
                "shareServer": {"mode": "thisComputer", "embeddedBind": "127.0.0.1"},
            },
            "apiKeys": {"openai": true},
            "shareToken": false,
            "servedBy": {"ollama": {"name": "Ollama"}}
        }))
        .unwrap();
        SettingsForm::new(&view)
    }

    #[test]
    fn only_typed_keys_are_stored_trimmed() {
        let mut form = form();
        for (provider_id, value) in [("openai", "  sk-new \n"), ("ollama", "   ")] {
            form.apply(SettingsEdit::Key {
                provider_id: provider_id.into(),
                value: value.into(),
            });
        }
        assert_eq!(
            form.new_keys(),
            [("openai".to_owned(), "sk-new".to_owned())]
        );
        form.apply(SettingsEdit::Saving);
        form.apply(SettingsEdit::Saved);
        assert!(form.new_keys().is_empty(), "a save forgets what was typed");
        assert_eq!(form.status, SAVED);
        assert!(!form.busy);
    }

    #[test]
    fn a_base_url_edit_changes_that_entry_and_the_shell_says_who_answers() {
        let mut form = form();
        form.apply(SettingsEdit::BaseUrl {
            index: 1,
            value: "http://gpu-box:11434/v1".into(),
        });
        form.apply(SettingsEdit::BaseUrl {
            index: 7,
            value: "ignored".into(),
        });
        assert_eq!(
            form.settings.providers[1].base_url,
            "http://gpu-box:11434/v1"
        );
        assert_eq!(
            form.settings.providers[0].base_url,
            "https://api.openai.com/v1"
        );
        let gpu_box = ServedBy {
            name: "gpu-box".into(),
            price_provider: None,
        };
        form.apply(SettingsEdit::Served {
            provider_id: "ollama".into(),
            served: gpu_box.clone(),
        });
        assert_eq!(form.served.get("ollama"), Some(&gpu_box));
        form.apply(SettingsEdit::ServedFromShell(BTreeMap::new()));
        assert!(form.served.is_empty());
    }

    #[test]
    fn an_added_price_row_is_the_one_to_focus_and_rows_can_go() {
        let mut form = form();
        form.apply(SettingsEdit::AddPrice {
            provider: "openai".into(),
        });
        form.apply(SettingsEdit::AddPrice {
            provider: "ollama".into(),
        });
        assert_eq!(form.added_price, Some(2));
        form.apply(SettingsEdit::Price {
            index: 1,
            field: PriceField::Model,
            value: "llama3*".into(),
        });
        assert_eq!(form.price_rows[1].model, "llama3*");
        form.apply(SettingsEdit::RemovePrice(0));
        form.apply(SettingsEdit::RemovePrice(5));
        assert_eq!(form.price_rows.len(), 1);
        assert_eq!(form.price_rows[0].provider, "ollama");
    }

    #[test]
    fn a_failed_save_keeps_what_was_typed_and_says_why() {
        let mut form = form();
        form.apply(SettingsEdit::Key {
            provider_id: "openai".into(),
            value: "sk-x".into(),
        });
        form.apply(SettingsEdit::Saving);
        assert!(form.busy);
        form.apply(SettingsEdit::Failed("The key was refused.".into()));
        assert!(!form.busy);
        assert_eq!(form.error.as_deref(), Some("The key was refused."));
        assert_eq!(form.new_keys().len(), 1);
        form.apply(SettingsEdit::Saving);
        assert_eq!(form.error, None, "trying again clears the error");
    }

    #[test]
    fn edits_are_told_from_what_is_stored_until_saved() {
        let mut form = form();
        assert!(!form.is_edited(), "a form just opened");
        let base_url = |value: &str| SettingsEdit::BaseUrl {
            index: 1,
            value: value.into(),
        };
        form.apply(base_url("http://gpu-box:11434/v1"));
        assert!(form.is_edited());
        form.apply(base_url("http://localhost:11434/v1"));
        assert!(!form.is_edited(), "typed back as it was");

        form.apply(SettingsEdit::AddPrice {
            provider: "openai".into(),
        });
        assert!(!form.is_edited(), "a blank price row is not saved");
        form.apply(SettingsEdit::Price {
            index: 0,
            field: PriceField::Model,
            value: "gpt-4o".into(),
        });
        assert!(form.is_edited());
        form.apply(SettingsEdit::Saving);
        form.apply(SettingsEdit::Failed("No.".into()));
        assert!(form.is_edited(), "a failed save keeps the edits unsaved");
        form.apply(SettingsEdit::Saving);
        form.apply(SettingsEdit::Saved);
        assert!(!form.is_edited(), "saved");

        for value in ["  ", "sk-new"] {
            form.apply(SettingsEdit::Key {
                provider_id: "openai".into(),
                value: value.into(),
            });
        }
        assert!(form.is_edited(), "a key typed");
        form.apply(SettingsEdit::Saving);
        form.apply(SettingsEdit::Saved);
        assert!(!form.is_edited());
    }

    #[test]
    fn what_is_typed_while_saving_stays_an_edit() {
        let mut form = form();
        form.apply(SettingsEdit::BaseUrl {
            index: 0,
            value: "https://proxy.example/v1".into(),
        });
        form.apply(SettingsEdit::Saving);
        form.apply(SettingsEdit::BaseUrl {
            index: 1,
            value: "http://gpu-box:11434/v1".into(),
        });
        form.apply(SettingsEdit::Saved);
        assert!(form.is_edited());
    }
}
