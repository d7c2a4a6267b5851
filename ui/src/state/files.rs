//! The files going with the message being composed: those the shell stored
//! (in the order attached), those still being read and stored, and why any
//! were refused. A file over the limits is refused before it is even read,
//! so the user hears at once; the shell checks again. A refusal never takes
//! away what is already attached.

use contract::attachment::limits::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_MESSAGE};

use crate::format::file_size;
use crate::types::AttachmentRef;

/// The largest file, as people say it: `10 MB` (the limit is in binary
/// megabytes, the round number it was chosen as).
fn largest() -> String {
    format!("{} MB", MAX_ATTACHMENT_BYTES / (1024 * 1024))
}

/// What the attach button takes, as its hint says it.
pub fn limits_hint() -> String {
    format!(
        "Images, text files and PDFs · up to {MAX_ATTACHMENTS_PER_MESSAGE} files, {} each",
        largest()
    )
}

fn too_many(names: &[&str]) -> String {
    format!(
        "Up to {MAX_ATTACHMENTS_PER_MESSAGE} files go with one message: {} not attached.",
        names.join(", ")
    )
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComposerFiles {
    pub attached: Vec<AttachmentRef>,
    /// The names of the files being read and stored.
    pub pending: Vec<String>,
    /// Why files were not attached, until the next files are chosen.
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilesEdit {
    /// Files were pasted, dropped or picked: `reading` are on their way,
    /// `refused` says why the others are not.
    Chosen {
        reading: Vec<String>,
        refused: Vec<String>,
    },
    Stored {
        name: String,
        attachment: AttachmentRef,
    },
    Failed {
        name: String,
        message: String,
    },
    /// The `×` of an attached file (by SHA-256).
    Remove(String),
    DismissErrors,
    /// The message went: nothing is attached any more.
    Clear,
}

impl ComposerFiles {
    /// Which of the chosen files (`(name, bytes)`) may be read, by index,
    /// and why the others may not: too big, or more than a message takes.
    pub fn admit(&self, chosen: &[(String, usize)]) -> (Vec<usize>, Vec<String>) {
        let mut room =
            MAX_ATTACHMENTS_PER_MESSAGE.saturating_sub(self.attached.len() + self.pending.len());
        let (mut admitted, mut refused, mut no_room) = (Vec::new(), Vec::new(), Vec::new());
        for (index, (name, size)) in chosen.iter().enumerate() {
            if *size > MAX_ATTACHMENT_BYTES {
                refused.push(format!(
                    "{name} ({}) is over the {} a file can be.",
                    file_size(*size),
                    largest()
                ));
            } else if room == 0 {
                no_room.push(name.as_str());
            } else {
                room -= 1;
                admitted.push(index);
            }
        }
        if !no_room.is_empty() {
            refused.push(too_many(&no_room));
        }
        (admitted, refused)
    }

    /// The SHA-256s the message is sent with.
    pub fn hashes(&self) -> Vec<String> {
        self.attached.iter().map(|a| a.sha256.clone()).collect()
    }

    fn settle(&mut self, name: &str) {
        if let Some(at) = self.pending.iter().position(|p| p == name) {
            self.pending.remove(at);
        }
    }

    pub fn apply(&mut self, edit: FilesEdit) {
        match edit {
            FilesEdit::Chosen { reading, refused } => {
                self.errors = refused;
                self.pending.extend(reading);
            }
            FilesEdit::Stored { name, attachment } => {
                self.settle(&name);
                if self.attached.iter().any(|a| a.sha256 == attachment.sha256) {
                    // The same file twice goes once.
                } else if self.attached.len() >= MAX_ATTACHMENTS_PER_MESSAGE {
                    self.errors.push(too_many(&[&name]));
                } else {
                    self.attached.push(attachment);
                }
            }
            FilesEdit::Failed { name, message } => {
                self.settle(&name);
                // The shell's refusals name the file already.
                self.errors.push(if message.contains(&name) {
                    message
                } else {
                    format!("Could not attach {name}: {message}")
                });
            }
            FilesEdit::Remove(sha256) => self.attached.retain(|a| a.sha256 != sha256),
            FilesEdit::DismissErrors => self.errors.clear(),
            FilesEdit::Clear => *self = Self::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::attachment;

    fn with(edits: impl IntoIterator<Item = FilesEdit>) -> ComposerFiles {
        let mut files = ComposerFiles::default();
        for edit in edits {
            files.apply(edit);
        }
        files
    }

    /// The shell stored `name` as `sha256`.
    fn stored(name: &str, sha256: &str) -> FilesEdit {
        FilesEdit::Stored {
            name: name.into(),
            attachment: attachment(name, sha256),
        }
    }

    /// `count` different files stored one after the other: `0.png`, `1.png`…
    fn holding(count: usize) -> ComposerFiles {
        with((0..count).map(|n| {
            let name = format!("{n}.png");
            stored(&name, &name)
        }))
    }

    fn chosen(names: &[&str]) -> FilesEdit {
        FilesEdit::Chosen {
            reading: names.iter().map(|n| (*n).to_owned()).collect(),
            refused: Vec::new(),
        }
    }

    #[test]
    fn the_hint_states_the_limits() {
        assert_eq!(
            limits_hint(),
            "Images, text files and PDFs · up to 10 files, 10 MB each"
        );
    }

    #[test]
    fn files_are_pending_until_stored_and_go_in_the_order_attached() {
        let files = with([chosen(&["a.png", "b.png"])]);
        assert_eq!(files.pending, ["a.png", "b.png"]);
        let files = with([
            chosen(&["a.png", "b.png"]),
            stored("b.png", "bb"),
            stored("a.png", "aa"),
        ]);
        assert!(files.pending.is_empty());
        assert_eq!(files.hashes(), ["bb", "aa"], "as the shell answered");
    }

    #[test]
    fn a_refusal_is_said_and_keeps_what_is_attached() {
        let files = with([
            chosen(&["a.png", "photo.heic"]),
            stored("a.png", "aa"),
            FilesEdit::Failed {
                name: "photo.heic".into(),
                message: "image/heic files cannot be attached.".into(),
            },
        ]);
        assert_eq!(files.hashes(), ["aa"]);
        assert!(files.pending.is_empty());
        assert_eq!(
            files.errors,
            ["Could not attach photo.heic: image/heic files cannot be attached."]
        );
        let named = with([
            chosen(&["a.svg"]),
            FilesEdit::Failed {
                name: "a.svg".into(),
                message: "“a.svg” is image/svg+xml: Parlor attaches images…".into(),
            },
        ]);
        assert_eq!(
            named.errors,
            ["“a.svg” is image/svg+xml: Parlor attaches images…"],
            "said once"
        );
        let files = with([
            chosen(&["a.png"]),
            stored("a.png", "aa"),
            FilesEdit::Failed {
                name: "x".into(),
                message: "no".into(),
            },
            chosen(&["c.png"]),
        ]);
        assert!(files.errors.is_empty(), "new files, new errors");
        assert_eq!(files.hashes(), ["aa"]);
    }

    #[test]
    fn too_big_and_too_many_are_refused_before_reading() {
        let mut files = holding(8);
        files.apply(chosen(&["pending.png"]));
        let big = 12 * 1024 * 1024;
        let (admitted, refused) = files.admit(&[
            ("huge.png".into(), big),
            ("ninth.png".into(), 10),
            ("eleventh.png".into(), 10),
            ("twelfth.png".into(), 10),
        ]);
        assert_eq!(admitted, [1]);
        assert_eq!(
            refused,
            [
                "huge.png (12.6 MB) is over the 10 MB a file can be.",
                "Up to 10 files go with one message: eleventh.png, twelfth.png not attached."
            ]
        );
    }

    #[test]
    fn the_same_file_goes_once_and_a_full_message_takes_no_more() {
        let mut files = holding(12);
        files.apply(stored("again.png", "0.png"));
        assert_eq!(files.attached.len(), 10);
        assert_eq!(
            files.errors.len(),
            2,
            "10.png and 11.png: {:?}",
            files.errors
        );
    }

    #[test]
    fn removing_and_sending_empty_it() {
        let files = with([
            stored("a.png", "aa"),
            stored("b.png", "bb"),
            FilesEdit::Remove("aa".into()),
        ]);
        assert_eq!(files.hashes(), ["bb"]);
        let files = with([stored("a.png", "aa"), FilesEdit::Clear]);
        assert_eq!(files, ComposerFiles::default());
    }
}
