//! The composer as a reducer: the text being typed, the files going with it
//! ([`ComposerFiles`]), and the setups a comparison sends it to when Compare
//! is on (2 to 4 rows, each a provider, a model and a temperature). The text
//! and the files stay until a send succeeds, so a send that fails (no
//! provider set up yet) loses nothing.

use super::files::{ComposerFiles, FilesEdit};
use super::reducible;
use crate::models::keep_or_first;
use crate::types::ModelSetup;

/// How many setups a comparison takes.
pub const MIN_SETUPS: usize = 2;
pub const MAX_SETUPS: usize = 4;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Composer {
    pub text: String,
    pub files: ComposerFiles,
    /// The comparison's setups, when Compare is on.
    pub compare: Option<Vec<ModelSetup>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ComposerEdit {
    Input(String),
    Files(FilesEdit),
    /// The text was sent: the field and the files empty (Compare stays as
    /// it is).
    Sent,
    /// Compare on (its first rows the session's setup) or off.
    ToggleCompare(ModelSetup),
    /// Another row, like the last one.
    AddSetup,
    RemoveSetup(usize),
    /// A row's provider changed; `offered` are its models.
    Provider {
        index: usize,
        provider_id: String,
        offered: Vec<String>,
    },
    Model {
        index: usize,
        model: String,
    },
    /// A row's temperature as typed (empty: the provider's default).
    Temperature {
        index: usize,
        text: String,
    },
}

impl Composer {
    pub fn apply(&mut self, edit: ComposerEdit) {
        match edit {
            ComposerEdit::Input(text) => self.text = text,
            ComposerEdit::Files(edit) => self.files.apply(edit),
            ComposerEdit::Sent => {
                self.text.clear();
                self.files.apply(FilesEdit::Clear);
            }
            ComposerEdit::ToggleCompare(session) => {
                self.compare = match self.compare {
                    Some(_) => None,
                    None => Some(vec![session; MIN_SETUPS]),
                }
            }
            ComposerEdit::AddSetup => {
                if let Some(setups) = &mut self.compare
                    && setups.len() < MAX_SETUPS
                    && let Some(last) = setups.last().cloned()
                {
                    setups.push(last);
                }
            }
            ComposerEdit::RemoveSetup(index) => {
                if let Some(setups) = &mut self.compare
                    && setups.len() > MIN_SETUPS
                    && index < setups.len()
                {
                    setups.remove(index);
                }
            }
            ComposerEdit::Provider {
                index,
                provider_id,
                offered,
            } => {
                if let Some(setup) = self.setup_mut(index) {
                    setup.model = keep_or_first(&setup.model, &offered).model;
                    setup.provider_id = provider_id;
                }
            }
            ComposerEdit::Model { index, model } => {
                if let Some(setup) = self.setup_mut(index) {
                    setup.model = model;
                }
            }
            ComposerEdit::Temperature { index, text } => {
                if let Some(setup) = self.setup_mut(index) {
                    setup.temperature = text.trim().parse().ok();
                }
            }
        }
    }

    fn setup_mut(&mut self, index: usize) -> Option<&mut ModelSetup> {
        self.compare.as_mut().and_then(|s| s.get_mut(index))
    }

    /// Whether Send has something to send: text, or files (and none still
    /// on its way).
    pub fn ready(&self) -> bool {
        (!self.text.trim().is_empty() || !self.files.attached.is_empty())
            && self.files.pending.is_empty()
    }

    /// The setups to compare, when Compare is on and each names a model.
    pub fn setups(&self) -> Result<Option<Vec<ModelSetup>>, String> {
        let Some(setups) = &self.compare else {
            return Ok(None);
        };
        if setups.iter().any(|s| s.model.trim().is_empty()) {
            return Err("Each compared setup needs a model.".to_owned());
        }
        Ok(Some(setups.clone()))
    }
}

reducible!(Composer, ComposerEdit);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::attachment;

    fn setup(provider: &str, model: &str) -> ModelSetup {
        ModelSetup {
            provider_id: provider.into(),
            model: model.into(),
            temperature: Some(0.7),
            ..ModelSetup::default()
        }
    }

    fn composed(edits: impl IntoIterator<Item = ComposerEdit>) -> Composer {
        let mut composer = Composer::default();
        for edit in edits {
            composer.apply(edit);
        }
        composer
    }

    /// Compare on, from a session answered by OpenAI's gpt-4o, then `edits`.
    fn comparing(edits: impl IntoIterator<Item = ComposerEdit>) -> Composer {
        let mut composer = composed([ComposerEdit::ToggleCompare(setup("openai", "gpt-4o"))]);
        for edit in edits {
            composer.apply(edit);
        }
        composer
    }

    fn provider(index: usize, provider_id: &str, offered: &[&str]) -> ComposerEdit {
        ComposerEdit::Provider {
            index,
            provider_id: provider_id.into(),
            offered: offered.iter().map(|m| (*m).to_owned()).collect(),
        }
    }

    #[test]
    fn compare_starts_with_two_rows_of_the_sessions_setup_and_takes_two_to_four() {
        let session = setup("openai", "gpt-4o");
        let composer = composed([ComposerEdit::ToggleCompare(session.clone())]);
        assert_eq!(composer.compare, Some(vec![session.clone(); 2]));
        let composer = composed([
            ComposerEdit::ToggleCompare(session.clone()),
            ComposerEdit::RemoveSetup(0),
        ]);
        assert_eq!(composer.compare.map(|s| s.len()), Some(2), "never fewer");
        let mut composer = composed([ComposerEdit::ToggleCompare(session.clone())]);
        for _ in 0..5 {
            composer.apply(ComposerEdit::AddSetup);
        }
        assert_eq!(
            composer.compare.as_ref().map(Vec::len),
            Some(4),
            "never more"
        );
        composer.apply(ComposerEdit::RemoveSetup(3));
        assert_eq!(composer.compare.as_ref().map(Vec::len), Some(3));
        composer.apply(ComposerEdit::ToggleCompare(session));
        assert_eq!(composer.compare, None);
    }

    #[test]
    fn a_rows_provider_keeps_its_model_when_offered_else_takes_the_first() {
        let composer = comparing([
            provider(1, "local", &["llama3", "qwen"]),
            ComposerEdit::Temperature {
                index: 1,
                text: " 1.2 ".into(),
            },
            provider(0, "router", &["mistral", "gpt-4o"]),
        ]);
        let setups = composer.setups().unwrap().unwrap();
        assert_eq!(
            (setups[1].provider_id.as_str(), setups[1].model.as_str()),
            ("local", "llama3")
        );
        assert_eq!(setups[1].temperature, Some(1.2));
        assert_eq!(setups[0].model, "gpt-4o", "offered there too: kept");
    }

    /// `a.png` stored as `aa`.
    fn stored_png() -> ComposerEdit {
        ComposerEdit::Files(FilesEdit::Stored {
            name: "a.png".into(),
            attachment: attachment("a.png", "aa"),
        })
    }

    #[test]
    fn a_failed_send_keeps_the_text_and_files_and_a_sent_one_clears_them() {
        let file = stored_png();
        let composer = composed([ComposerEdit::Input("Hello".into()), file.clone()]);
        assert_eq!(composer.text, "Hello", "nothing but Sent clears it");
        assert_eq!(composer.files.hashes(), ["aa"]);
        let composer = composed([
            ComposerEdit::Input("Hello".into()),
            file,
            ComposerEdit::Sent,
        ]);
        assert_eq!(composer.text, "");
        assert_eq!(composer.files, ComposerFiles::default());
    }

    #[test]
    fn files_alone_can_be_sent_once_none_is_on_its_way() {
        assert!(!Composer::default().ready());
        assert!(!composed([ComposerEdit::Input("  ".into())]).ready());
        assert!(composed([ComposerEdit::Input("Hi".into())]).ready());
        let reading = ComposerEdit::Files(FilesEdit::Chosen {
            reading: vec!["a.png".into()],
            refused: Vec::new(),
        });
        let composer = composed([ComposerEdit::Input("Hi".into()), reading.clone()]);
        assert!(!composer.ready(), "a file is still being stored");
        let stored = stored_png();
        assert!(composed([reading, stored]).ready());
    }

    #[test]
    fn every_compared_setup_needs_a_model() {
        let composer = comparing([ComposerEdit::Model {
            index: 1,
            model: " ".into(),
        }]);
        assert!(composer.setups().is_err());
        assert_eq!(Composer::default().setups(), Ok(None));
    }
}
