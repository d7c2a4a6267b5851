//! The Share dialog as a reducer: publishing (at once, with the options used
//! last time — or, when the conversation already has a link, the choice of
//! updating it or making a new one), the link and what the shell said about
//! it, the options form prefilled from the link (with a password and a view
//! limit), the attached files it publishes (each can be left out),
//! publishing again, and the other ways out (an HTML file, Markdown). Pure,
//! so it is tested on the host.

use crate::sharing::fit_expiry;
use crate::state::reducible;
use crate::types::{
    AttachmentRef, CopiedMarkdown, ReachKind, SavedFile, ShareListItem, ShareOptions, ShareResult,
};
use std::collections::BTreeSet;

pub const COPIED: &str = "Link copied to the clipboard.";
pub const REPLACED: &str = "The previous link was revoked.";
pub const MARKDOWN_COPIED: &str = "Markdown copied to the clipboard.";
pub const PUBLISHING: &str = "Publishing…";
pub const NOTHING_CHOSEN: &str = "Choose at least one message to share.";
pub const BAD_PASSWORD: &str =
    "The password must be at most 1024 bytes long, without control characters.";
/// The most views a link can be limited to.
pub const MOST_VIEWS: u32 = 1_000_000;

/// The options form: the options as edited, and the messages chosen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OptionsForm {
    /// The options but the messages (`message_ids` stays `None`): the
    /// expiry before the server's cap, the switches, the files left out,
    /// the view limit, and the password as typed (never filled from the
    /// shell, which keeps none: it stays while the dialog is open).
    pub options: ShareOptions,
    /// A selection of messages, not all of them.
    pub some: bool,
    /// The messages ticked, kept while all are chosen.
    pub selected: BTreeSet<String>,
}

/// An edit of the options form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormEdit {
    Expiry(Option<u64>),
    IncludeSystemPrompt(bool),
    Indexable(bool),
    IncludeAlternatives(bool),
    Some(bool),
    Message {
        id: String,
        chosen: bool,
    },
    /// A file's checkbox: published or left out.
    Attachment {
        sha256: String,
        published: bool,
    },
    Password(String),
    /// The view limit as typed: empty or unreadable is no limit, and it is
    /// kept between 1 and [`MOST_VIEWS`].
    MaxViews(String),
}

/// A file or Markdown being made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    File,
    Markdown,
}

/// The ways out without a link.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exports {
    /// What is being made now.
    pub making: Option<Export>,
    /// The last file saved.
    pub saved_file: Option<SavedFile>,
    /// What was removed from the last file or Markdown, and from which.
    pub removed: Option<(Export, String)>,
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
    /// The files a share with the form's messages would publish
    /// (`share_attachments`), before any is left out.
    Attachments(Vec<AttachmentRef>),
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
    /// The conversation's link Share would update (`shared_before`): the
    /// dialog offers to update it or make a new one instead of publishing.
    SharedBefore(ShareListItem),
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
    pub exports: Exports,
    /// The files a share would publish, once the shell said.
    pub attachments: Vec<AttachmentRef>,
    /// The conversation's link made before, on the server Share publishes
    /// to: offered for an update until a link is made here.
    pub shared_before: Option<ShareListItem>,
}

impl ShareDialog {
    /// The dialog as it opens: publishing starts at once.
    pub fn new(message_ids: Vec<String>) -> Self {
        let form = OptionsForm {
            selected: message_ids.iter().cloned().collect(),
            ..OptionsForm::default()
        };
        Self {
            message_ids,
            form,
            ..Self::default()
        }
    }

    /// The link to offer "Update the existing link" for: the one made
    /// before, while nothing was published here and nothing is publishing.
    pub fn offers_update(&self) -> Option<&ShareListItem> {
        if self.result.is_some() || self.publishing {
            return None;
        }
        self.shared_before.as_ref()
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
        fit_expiry(self.form.options.expires_in, self.max_expiry_seconds)
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
        let options = &self.form.options;
        if options
            .password
            .as_deref()
            .is_some_and(|p| !password_fits(p))
        {
            return Err(BAD_PASSWORD.to_owned());
        }
        Ok(ShareOptions {
            message_ids,
            expires_in: self.form_expiry(),
            indexable: self.offers_indexing() && options.indexable,
            ..options.clone()
        })
    }

    /// The options whose files the dialog lists: the form's, with every
    /// file (the list is where they are left out).
    pub fn listed_options(&self) -> Option<ShareOptions> {
        let options = self.form_options().ok()?;
        Some(ShareOptions {
            leave_out_attachments: Vec::new(),
            ..options
        })
    }

    /// The files the form leaves out are not those the link left out: a
    /// new publish would change what the link shows.
    pub fn files_changed(&self) -> bool {
        self.result.as_ref().is_some_and(|result| {
            let published = &result.options.leave_out_attachments;
            let left_out = &self.form.options.leave_out_attachments;
            let listed = self.attachments.iter().map(|a| &a.sha256);
            listed
                .filter(|sha| published.contains(sha) != left_out.contains(sha))
                .count()
                > 0
        })
    }

    /// The options for trying again, updating, or for a file or Markdown:
    /// the form's when it is open, leaves files out or has a password, else
    /// none (the shell uses the last used, which are the link's).
    pub fn chosen_options(&self) -> Result<Option<ShareOptions>, String> {
        let options = &self.form.options;
        let own = !options.leave_out_attachments.is_empty() || options.password.is_some();
        if self.options_open || own {
            self.form_options().map(Some)
        } else {
            Ok(None)
        }
    }

    /// The form as `options` say; the password typed stays (the shell
    /// never says one).
    fn fill_form(&mut self, options: &ShareOptions) {
        let password = self.form.options.password.take();
        self.form = OptionsForm {
            options: ShareOptions {
                message_ids: None,
                password,
                ..options.clone()
            },
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
                } else if result.version > 1 {
                    format!("{} {COPIED}", updated_sentence(result.version))
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
            ShareAction::Attachments(files) => self.attachments = files,
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
                let options = &mut form.options;
                match edit {
                    FormEdit::Expiry(seconds) => options.expires_in = seconds,
                    FormEdit::IncludeSystemPrompt(on) => options.include_system_prompt = on,
                    FormEdit::Indexable(on) => options.indexable = on,
                    FormEdit::IncludeAlternatives(on) => options.include_alternatives = on,
                    FormEdit::Some(some) => form.some = some,
                    FormEdit::Message { id, chosen: true } => {
                        form.selected.insert(id);
                    }
                    FormEdit::Message { id, chosen: false } => {
                        form.selected.remove(&id);
                    }
                    FormEdit::Attachment { sha256, published } => {
                        let left_out = &mut options.leave_out_attachments;
                        left_out.retain(|sha| *sha != sha256);
                        if !published {
                            left_out.push(sha256);
                        }
                    }
                    FormEdit::Password(typed) => {
                        options.password = Some(typed).filter(|p| !p.is_empty()).map(Into::into);
                    }
                    FormEdit::MaxViews(typed) => options.max_views = parse_max_views(&typed),
                }
            }
            ShareAction::Exporting(export) => {
                self.exports.making = Some(export);
                self.error = None;
                self.exports.removed = None;
            }
            ShareAction::FileSaved(saved) => {
                self.exports.making = None;
                self.exports.removed = saved
                    .redacted_summary
                    .clone()
                    .map(|summary| (Export::File, summary));
                self.exports.saved_file = Some(saved);
            }
            ShareAction::MarkdownCopied(copied) => {
                self.exports.making = None;
                self.status = MARKDOWN_COPIED.to_owned();
                self.exports.removed = copied
                    .redacted_summary
                    .map(|summary| (Export::Markdown, summary));
            }
            ShareAction::SharedBefore(share) => self.shared_before = Some(share),
            ShareAction::Status(text) => {
                self.error = None;
                self.status = text;
            }
            ShareAction::Failed(message) => {
                self.exports.making = None;
                self.error = Some(message);
            }
            ShareAction::Cancelled => self.exports.making = None,
        }
    }
}

/// Whether the share server takes this password: 1 to 1024 bytes, no
/// control characters.
pub fn password_fits(password: &str) -> bool {
    (1..=1024).contains(&password.len()) && !password.chars().any(char::is_control)
}

/// A view limit as typed: empty, zero or unreadable is none; more than
/// [`MOST_VIEWS`] is that.
pub fn parse_max_views(typed: &str) -> Option<u32> {
    let views: u64 = typed.trim().parse().ok()?;
    (views > 0).then(|| u32::try_from(views.min(u64::from(MOST_VIEWS))).unwrap_or(MOST_VIEWS))
}

/// "Link updated: version 2."
pub fn updated_sentence(version: u32) -> String {
    format!("Link updated: version {version}.")
}

reducible!(ShareDialog, ShareAction);

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_controls;
