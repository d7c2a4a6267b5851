//! The Settings dialog's form as a reducer: the providers as edited (name,
//! kind, base URL, models; added and removed) and the API keys as typed, what
//! each provider's Test said, who answers through each entry (the shell's
//! word, asked again when a base URL is edited), the user's price rows, and
//! the saving state. The share-server section has its own reducer,
//! [`crate::share_server_form`]. Pure, so it is tested on the host.

use crate::models::free_id;
use crate::prices::{PriceField, PriceRow};
use crate::state::reducible;
use crate::types::{ProviderConfig, ProviderKind, ServedBy, Settings, SettingsView};
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
    /// What each provider's Test said (or "Testing…"), by provider id.
    pub tests: BTreeMap<String, String>,
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

/// A provider's field as typed.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderField {
    Name(String),
    Kind(ProviderKind),
    BaseUrl(String),
    /// The models offered, separated by commas.
    Models(String),
}

/// Said while a provider's Test runs.
pub const TESTING: &str = "Testing…";

#[derive(Debug, Clone, PartialEq)]
pub enum SettingsEdit {
    Provider {
        index: usize,
        field: ProviderField,
    },
    /// A new OpenAI-compatible endpoint, to fill in.
    AddProvider,
    RemoveProvider(usize),
    /// A provider's Test started.
    Testing(String),
    /// What it said.
    Tested {
        provider_id: String,
        result: String,
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
            tests: BTreeMap::new(),
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
            SettingsEdit::Provider { index, field } => {
                if let Some(provider) = self.settings.providers.get_mut(index) {
                    match field {
                        ProviderField::Name(name) => provider.name = name,
                        ProviderField::Kind(kind) => provider.kind = kind,
                        ProviderField::BaseUrl(url) => provider.base_url = url,
                        ProviderField::Models(list) => {
                            provider.models = (list.split(','))
                                .map(str::trim)
                                .filter(|m| !m.is_empty())
                                .map(str::to_owned)
                                .collect();
                        }
                    }
                }
            }
            SettingsEdit::AddProvider => {
                let id = free_id(&self.settings, "custom");
                self.settings.providers.push(ProviderConfig {
                    id,
                    name: "My endpoint".to_owned(),
                    kind: ProviderKind::OpenAi,
                    base_url: "http://127.0.0.1:8080/v1".to_owned(),
                    price_provider: None,
                    models: Vec::new(),
                });
            }
            SettingsEdit::RemoveProvider(index) => {
                if index < self.settings.providers.len() {
                    let gone = self.settings.providers.remove(index);
                    self.keys.remove(&gone.id);
                    self.tests.remove(&gone.id);
                }
            }
            SettingsEdit::Testing(id) => {
                self.tests.insert(id, TESTING.to_owned());
            }
            SettingsEdit::Tested {
                provider_id,
                result,
            } => {
                self.tests.insert(provider_id, result);
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

    fn base_url(index: usize, value: &str) -> SettingsEdit {
        SettingsEdit::Provider {
            index,
            field: ProviderField::BaseUrl(value.into()),
        }
    }

    fn key(provider_id: &str, value: &str) -> SettingsEdit {
        SettingsEdit::Key {
            provider_id: provider_id.into(),
            value: value.into(),
        }
    }

    fn add_price(provider: &str) -> SettingsEdit {
        SettingsEdit::AddPrice {
            provider: provider.into(),
        }
    }

    fn model(index: usize, value: &str) -> SettingsEdit {
        SettingsEdit::Price {
            index,
            field: PriceField::Model,
            value: value.into(),
        }
    }

    /// `form` with `edits` applied in order.
    fn edited(form: SettingsForm, edits: impl IntoIterator<Item = SettingsEdit>) -> SettingsForm {
        edits.into_iter().fold(form, |mut form, edit| {
            form.apply(edit);
            form
        })
    }

    const SAVE: [SettingsEdit; 2] = [SettingsEdit::Saving, SettingsEdit::Saved];

    #[test]
    fn only_typed_keys_are_stored_trimmed() {
        let form = edited(form(), [key("openai", "  sk-new \n"), key("ollama", "   ")]);
        assert_eq!(
            form.new_keys(),
            [("openai".to_owned(), "sk-new".to_owned())]
        );
        let form = edited(form, SAVE);
        assert!(form.new_keys().is_empty(), "a save forgets what was typed");
        assert_eq!(form.status, SAVED);
        assert!(!form.busy);
    }

    #[test]
    fn a_base_url_edit_changes_that_entry_and_the_shell_says_who_answers() {
        let mut form = edited(
            form(),
            [
                base_url(1, "http://gpu-box:11434/v1"),
                base_url(7, "ignored"),
            ],
        );
        let urls: Vec<_> = (form.settings.providers.iter())
            .map(|p| p.base_url.as_str())
            .collect();
        assert_eq!(
            urls,
            ["https://api.openai.com/v1", "http://gpu-box:11434/v1"]
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
        let form = edited(form(), [add_price("openai"), add_price("ollama")]);
        assert_eq!(form.added_price, Some(2));
        let form = edited(form, [model(1, "llama3*")]);
        assert_eq!(form.price_rows[1].model, "llama3*");
        let form = edited(
            form,
            [SettingsEdit::RemovePrice(0), SettingsEdit::RemovePrice(5)],
        );
        assert_eq!(form.price_rows.len(), 1);
        assert_eq!(form.price_rows[0].provider, "ollama");
    }

    #[test]
    fn a_failed_save_keeps_what_was_typed_and_says_why() {
        let form = edited(form(), [key("openai", "sk-x"), SettingsEdit::Saving]);
        assert!(form.busy);
        let form = edited(form, [SettingsEdit::Failed("The key was refused.".into())]);
        assert!(!form.busy);
        assert_eq!(form.error.as_deref(), Some("The key was refused."));
        assert_eq!(form.new_keys().len(), 1);
        let form = edited(form, [SettingsEdit::Saving]);
        assert_eq!(form.error, None, "trying again clears the error");
    }

    #[test]
    fn edits_are_told_from_what_is_stored_until_saved() {
        let form = form();
        assert!(!form.is_edited(), "a form just opened");
        let form = edited(form, [base_url(1, "http://gpu-box:11434/v1")]);
        assert!(form.is_edited());
        let form = edited(form, [base_url(1, "http://localhost:11434/v1")]);
        assert!(!form.is_edited(), "typed back as it was");

        let form = edited(form, [add_price("openai")]);
        assert!(!form.is_edited(), "a blank price row is not saved");
        let form = edited(form, [model(0, "gpt-4o")]);
        assert!(form.is_edited());
        let form = edited(
            form,
            [SettingsEdit::Saving, SettingsEdit::Failed("No.".into())],
        );
        assert!(form.is_edited(), "a failed save keeps the edits unsaved");
        let form = edited(form, SAVE);
        assert!(!form.is_edited(), "saved");

        let form = edited(form, [key("openai", "  ")]);
        assert!(!form.is_edited(), "a blank key is not stored");
        let form = edited(form, [key("openai", "sk-new")]);
        assert!(form.is_edited(), "a key typed");
        assert!(!edited(form, SAVE).is_edited());
    }

    #[test]
    fn providers_can_be_added_filled_in_tested_and_removed() {
        let field = |index, field| SettingsEdit::Provider { index, field };
        let form = edited(
            form(),
            [
                SettingsEdit::AddProvider,
                SettingsEdit::AddProvider,
                field(2, ProviderField::Name("LM Studio".into())),
                field(2, ProviderField::Models(" qwen , ,llama3 ".into())),
                field(3, ProviderField::Kind(ProviderKind::Ollama)),
                key("custom", "sk-local"),
                SettingsEdit::Testing("custom".into()),
            ],
        );
        assert!(form.is_edited());
        let added: Vec<_> = (form.settings.providers[2..].iter())
            .map(|p| (p.id.as_str(), p.name.as_str(), p.kind, p.models.join("|")))
            .collect();
        assert_eq!(
            added,
            [
                (
                    "custom",
                    "LM Studio",
                    ProviderKind::OpenAi,
                    "qwen|llama3".into()
                ),
                (
                    "custom-2",
                    "My endpoint",
                    ProviderKind::Ollama,
                    String::new()
                ),
            ]
        );
        assert_eq!(form.tests.get("custom").map(String::as_str), Some(TESTING));
        let form = edited(
            form,
            [
                SettingsEdit::Tested {
                    provider_id: "custom".into(),
                    result: "2 models".into(),
                },
                SettingsEdit::RemoveProvider(2),
                SettingsEdit::RemoveProvider(9),
            ],
        );
        assert_eq!(form.settings.providers.len(), 3);
        assert!(
            form.tests.is_empty() && form.new_keys().is_empty(),
            "its key and test go too"
        );
    }

    #[test]
    fn what_is_typed_while_saving_stays_an_edit() {
        let form = edited(
            form(),
            [
                base_url(0, "https://proxy.example/v1"),
                SettingsEdit::Saving,
                base_url(1, "http://gpu-box:11434/v1"),
                SettingsEdit::Saved,
            ],
        );
        assert!(form.is_edited());
    }
}
