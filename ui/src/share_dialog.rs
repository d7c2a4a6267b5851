//! The Share dialog as a reducer: publishing (at once, with the options used
//! last time), the link and what the shell said about it, the options form
//! prefilled from the link, publishing again, and the other ways out (an
//! HTML file, Markdown). Pure, so it is tested on the host.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::Reducible;

use crate::sharing::fit_expiry;
use crate::types::{CopiedMarkdown, ReachKind, SavedFile, ShareOptions, ShareResult};

pub const COPIED: &str = "Link copied to the clipboard.";
pub const REPLACED: &str = "The previous link was revoked.";
pub const MARKDOWN_COPIED: &str = "Markdown copied to the clipboard.";
pub const PUBLISHING: &str = "Publishing…";
pub const NOTHING_CHOSEN: &str = "Choose at least one message to share.";

/// The options form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OptionsForm {
    pub expires_in: Option<u64>,
    pub include_system_prompt: bool,
    pub indexable: bool,
    /// A selection of messages, not all of them.
    pub some: bool,
    pub selected: BTreeSet<String>,
}

/// An edit of the options form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormEdit {
    Expiry(Option<u64>),
    IncludeSystemPrompt(bool),
    Indexable(bool),
    Some(bool),
    Message { id: String, chosen: bool },
}

/// A file or Markdown being made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    File,
    Markdown,
}

#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "actions are dispatched on a click or a reply, never stored"
)]
pub enum ShareAction {
    /// A publish call started.
    Publishing,
    Published(ShareResult),
    /// Publishing failed: the message for a person.
    PublishFailed(String),
    /// The last used options (`share_options()`): they fill the form until
    /// a link says what it was made with.
    LastOptions(ShareOptions),
    /// What the share server allows and where its links reach.
    Server {
        max_expiry_seconds: Option<u64>,
        reach: ReachKind,
    },
    ToggleOptions,
    Edit(FormEdit),
    Exporting(Export),
    FileSaved(SavedFile),
    MarkdownCopied(CopiedMarkdown),
    /// Something other than publishing worked (copy again, …).
    Status(String),
    /// Something other than publishing failed.
    Failed(String),
    /// The user dismissed a save dialog: nothing to say.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShareDialog {
    /// The conversation's message ids, in order.
    message_ids: Vec<String>,
    pub publishing: bool,
    pub result: Option<ShareResult>,
    /// Publishing failed and there is no link: offer to try again.
    pub failed: bool,
    /// The `role=status` line.
    pub status: String,
    /// Why the last publish failed; it stays while the file and Markdown
    /// are tried.
    pub publish_error: Option<String>,
    /// Why something else failed (copy, open, file, Markdown).
    pub error: Option<String>,
    pub options_open: bool,
    pub form: OptionsForm,
    /// The user changed the form: later answers do not overwrite it.
    form_touched: bool,
    /// How long the server keeps links at most.
    pub max_expiry_seconds: Option<u64>,
    /// Where the server's links reach, before a link says so.
    pub server_reach: Option<ReachKind>,
    pub exporting: Option<Export>,
    pub saved_file: Option<SavedFile>,
    /// What was removed from the last file or Markdown, and from which.
    pub export_removed: Option<(Export, String)>,
}

impl ShareDialog {
    /// The dialog as it opens: publishing starts at once.
    pub fn new(message_ids: Vec<String>) -> Self {
        let form = OptionsForm {
            include_system_prompt: true,
            selected: message_ids.iter().cloned().collect(),
            ..OptionsForm::default()
        };
        Self {
            message_ids,
            form,
            ..Self::default()
        }
    }

    /// Where the links reach: the link's own word, else the server's.
    pub fn reach(&self) -> Option<ReachKind> {
        self.result
            .as_ref()
            .map(|r| r.reach.kind)
            .or(self.server_reach)
    }

    /// Indexing only makes sense for a link anyone can reach.
    pub fn offers_indexing(&self) -> bool {
        self.reach() == Some(ReachKind::Team)
    }

    /// The expiry the form stands for, cut to the server's cap.
    pub fn form_expiry(&self) -> Option<u64> {
        fit_expiry(self.form.expires_in, self.max_expiry_seconds)
    }

    /// The options of the form, as the shell takes them.
    pub fn form_options(&self) -> Result<ShareOptions, String> {
        let message_ids = if self.form.some {
            let chosen: Vec<String> = self
                .message_ids
                .iter()
                .filter(|id| self.form.selected.contains(*id))
                .cloned()
                .collect();
            if chosen.is_empty() {
                return Err(NOTHING_CHOSEN.to_owned());
            }
            Some(chosen)
        } else {
            None
        };
        Ok(ShareOptions {
            message_ids,
            expires_in: self.form_expiry(),
            include_system_prompt: self.form.include_system_prompt,
            indexable: self.offers_indexing() && self.form.indexable,
        })
    }

    /// The options for trying again or for a file or Markdown: the form's
    /// when it is open, else none (the shell uses the last used, which are
    /// the link's).
    pub fn chosen_options(&self) -> Result<Option<ShareOptions>, String> {
        if self.options_open {
            self.form_options().map(Some)
        } else {
            Ok(None)
        }
    }

    fn fill_form(&mut self, options: &ShareOptions) {
        self.form = OptionsForm {
            expires_in: options.expires_in,
            include_system_prompt: options.include_system_prompt,
            indexable: options.indexable,
            some: options.message_ids.is_some(),
            selected: match &options.message_ids {
                Some(ids) => ids.iter().cloned().collect(),
                None => self.message_ids.iter().cloned().collect(),
            },
        };
    }

    fn apply(&mut self, action: ShareAction) {
        match action {
            ShareAction::Publishing => {
                self.publishing = true;
                self.publish_error = None;
                self.error = None;
                self.status = PUBLISHING.to_owned();
            }
            ShareAction::Published(result) => {
                self.publishing = false;
                self.failed = false;
                self.publish_error = None;
                self.status = if result.replaced_url.is_some() {
                    format!("{COPIED} {REPLACED}")
                } else {
                    COPIED.to_owned()
                };
                self.fill_form(&result.options);
                self.form_touched = false;
                self.result = Some(result);
            }
            ShareAction::PublishFailed(message) => {
                self.publishing = false;
                self.failed = self.result.is_none();
                self.status = String::new();
                self.publish_error = Some(message);
            }
            ShareAction::LastOptions(options) => {
                if self.result.is_none() && !self.form_touched {
                    self.fill_form(&options);
                }
            }
            ShareAction::Server {
                max_expiry_seconds,
                reach,
            } => {
                self.max_expiry_seconds = max_expiry_seconds;
                self.server_reach = Some(reach);
            }
            ShareAction::ToggleOptions => self.options_open = !self.options_open,
            ShareAction::Edit(edit) => {
                self.form_touched = true;
                let form = &mut self.form;
                match edit {
                    FormEdit::Expiry(seconds) => form.expires_in = seconds,
                    FormEdit::IncludeSystemPrompt(on) => form.include_system_prompt = on,
                    FormEdit::Indexable(on) => form.indexable = on,
                    FormEdit::Some(some) => form.some = some,
                    FormEdit::Message { id, chosen: true } => {
                        form.selected.insert(id);
                    }
                    FormEdit::Message { id, chosen: false } => {
                        form.selected.remove(&id);
                    }
                }
            }
            ShareAction::Exporting(export) => {
                self.exporting = Some(export);
                self.error = None;
                self.export_removed = None;
            }
            ShareAction::FileSaved(saved) => {
                self.exporting = None;
                self.export_removed = saved
                    .redacted_summary
                    .clone()
                    .map(|summary| (Export::File, summary));
                self.saved_file = Some(saved);
            }
            ShareAction::MarkdownCopied(copied) => {
                self.exporting = None;
                self.status = MARKDOWN_COPIED.to_owned();
                self.export_removed = copied
                    .redacted_summary
                    .map(|summary| (Export::Markdown, summary));
            }
            ShareAction::Status(text) => {
                self.error = None;
                self.status = text;
            }
            ShareAction::Failed(message) => {
                self.exporting = None;
                self.error = Some(message);
            }
            ShareAction::Cancelled => self.exporting = None,
        }
    }
}

impl Reducible for ShareDialog {
    type Action = ShareAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sharing::DAY;
    use crate::types::Reach;

    fn dialog() -> ShareDialog {
        ShareDialog::new(vec!["m1".into(), "m2".into(), "m3".into()])
    }

    fn reduce(dialog: ShareDialog, actions: impl IntoIterator<Item = ShareAction>) -> ShareDialog {
        let mut state = Rc::new(dialog);
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    fn result(kind: ReachKind, options: ShareOptions) -> ShareResult {
        ShareResult {
            share_id: "s1".into(),
            share_url: "http://127.0.0.1:4000/shared/s1".into(),
            delete_token: None,
            expires_at: None,
            redactions: 0,
            redacted_summary: None,
            reach: Reach {
                kind,
                sentence: "Only this computer can open this link, while Parlor is running".into(),
            },
            qr_svg: "<svg></svg>".into(),
            options,
            expiry_note: None,
            earlier: Vec::new(),
            replaced_url: None,
        }
    }

    #[test]
    fn publishing_then_the_link_and_its_options() {
        let options = ShareOptions {
            message_ids: Some(vec!["m2".into()]),
            expires_in: Some(7 * DAY),
            include_system_prompt: false,
            indexable: false,
        };
        let state = reduce(dialog(), [ShareAction::Publishing]);
        assert!(state.publishing);
        assert_eq!(state.status, PUBLISHING);
        let state = reduce(
            state,
            [ShareAction::Published(result(
                ReachKind::ThisComputer,
                options.clone(),
            ))],
        );
        assert!(!state.publishing && !state.failed);
        assert_eq!(state.status, COPIED);
        assert!(state.form.some);
        assert_eq!(state.form.expires_in, Some(7 * DAY));
        assert_eq!(state.form_options(), Ok(options));
        // Closed options: the shell's last used.
        assert_eq!(state.chosen_options(), Ok(None));
    }

    #[test]
    fn a_failure_offers_to_try_again_and_keeps_a_link_made_before() {
        let state = reduce(
            dialog(),
            [
                ShareAction::Publishing,
                ShareAction::PublishFailed("The share server could not be reached.".into()),
            ],
        );
        assert!(state.failed);
        assert_eq!(state.status, "");
        assert_eq!(
            state.publish_error.as_deref(),
            Some("The share server could not be reached.")
        );
        // The file and Markdown are offered instead; the failure stays.
        let state = reduce(
            state,
            [
                ShareAction::Exporting(Export::Markdown),
                ShareAction::MarkdownCopied(CopiedMarkdown {
                    redacted_summary: None,
                }),
            ],
        );
        assert!(state.failed);
        assert!(state.publish_error.is_some());
        let retried = reduce(state, [ShareAction::Publishing]);
        assert_eq!(retried.publish_error, None);

        let made = reduce(
            dialog(),
            [
                ShareAction::Published(result(ReachKind::Team, ShareOptions::default())),
                ShareAction::Publishing,
                ShareAction::PublishFailed("no".into()),
            ],
        );
        assert!(!made.failed, "the link just made still works");
        assert!(made.result.is_some());
    }

    #[test]
    fn a_replacement_says_the_old_link_was_revoked() {
        let mut second = result(ReachKind::Team, ShareOptions::default());
        second.replaced_url = Some("http://x/shared/s0".into());
        let state = reduce(dialog(), [ShareAction::Published(second)]);
        assert_eq!(state.status, format!("{COPIED} {REPLACED}"));
    }

    #[test]
    fn last_options_fill_the_form_until_the_user_or_a_link_speaks() {
        let last = ShareOptions {
            expires_in: Some(DAY),
            include_system_prompt: false,
            ..ShareOptions::default()
        };
        let state = reduce(dialog(), [ShareAction::LastOptions(last.clone())]);
        assert_eq!(state.form.expires_in, Some(DAY));
        assert!(!state.form.include_system_prompt);
        assert_eq!(state.form.selected.len(), 3, "all messages");

        let touched = reduce(
            dialog(),
            [
                ShareAction::Edit(FormEdit::Expiry(Some(30 * DAY))),
                ShareAction::LastOptions(last),
            ],
        );
        assert_eq!(touched.form.expires_in, Some(30 * DAY));
    }

    #[test]
    fn indexing_is_offered_for_team_links_only() {
        let edits = [
            ShareAction::ToggleOptions,
            ShareAction::Edit(FormEdit::Indexable(true)),
        ];
        let local = reduce(
            dialog(),
            [ShareAction::Published(result(
                ReachKind::ThisComputer,
                ShareOptions::default(),
            ))]
            .into_iter()
            .chain(edits.clone()),
        );
        assert!(!local.offers_indexing());
        assert!(!local.form_options().unwrap().indexable);

        let team = reduce(
            dialog(),
            [ShareAction::Published(result(
                ReachKind::Team,
                ShareOptions::default(),
            ))]
            .into_iter()
            .chain(edits),
        );
        assert!(team.offers_indexing());
        assert!(team.chosen_options().unwrap().unwrap().indexable);

        // Before any link, the server's reach decides.
        let server = reduce(
            dialog(),
            [ShareAction::Server {
                max_expiry_seconds: None,
                reach: ReachKind::Team,
            }],
        );
        assert!(server.offers_indexing());
    }

    #[test]
    fn the_cap_cuts_the_expiry_sent() {
        let state = reduce(
            dialog(),
            [
                ShareAction::Server {
                    max_expiry_seconds: Some(7 * DAY),
                    reach: ReachKind::Team,
                },
                ShareAction::Edit(FormEdit::Expiry(None)),
            ],
        );
        assert_eq!(state.form_options().unwrap().expires_in, Some(7 * DAY));
    }

    #[test]
    fn a_selection_keeps_the_conversation_order_and_is_never_empty() {
        let state = reduce(
            dialog(),
            [
                ShareAction::ToggleOptions,
                ShareAction::Edit(FormEdit::Some(true)),
                ShareAction::Edit(FormEdit::Message {
                    id: "m1".into(),
                    chosen: false,
                }),
            ],
        );
        assert_eq!(
            state.form_options().unwrap().message_ids,
            Some(vec!["m2".to_owned(), "m3".to_owned()])
        );
        let none = reduce(
            state,
            ["m2", "m3"].map(|id| {
                ShareAction::Edit(FormEdit::Message {
                    id: id.into(),
                    chosen: false,
                })
            }),
        );
        assert_eq!(none.chosen_options(), Err(NOTHING_CHOSEN.to_owned()));
    }

    #[test]
    fn exports_say_where_and_what_was_removed() {
        let state = reduce(
            dialog(),
            [
                ShareAction::Exporting(Export::File),
                ShareAction::FileSaved(SavedFile {
                    path: "/home/a/chat.html".into(),
                    redacted_summary: Some("1 API key".into()),
                }),
            ],
        );
        assert_eq!(state.exporting, None);
        assert_eq!(
            state.saved_file.as_ref().map(|f| f.path.as_str()),
            Some("/home/a/chat.html")
        );
        assert_eq!(
            state.export_removed,
            Some((Export::File, "1 API key".to_owned()))
        );
        let state = reduce(
            state,
            [
                ShareAction::Exporting(Export::Markdown),
                ShareAction::MarkdownCopied(CopiedMarkdown {
                    redacted_summary: None,
                }),
            ],
        );
        assert_eq!(state.status, MARKDOWN_COPIED);
        assert_eq!(state.export_removed, None);
        let cancelled = reduce(
            state,
            [ShareAction::Exporting(Export::File), ShareAction::Cancelled],
        );
        assert_eq!(cancelled.exporting, None);
        assert_eq!(cancelled.error, None);
    }
}
