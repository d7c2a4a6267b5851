//! The files of a conversation as a share carries them, and back: each
//! published file is read from the store and, if an image, stripped of
//! metadata once more (a no-op for files attached in this app; a guard for
//! anything stored before or from elsewhere); an imported share's files are
//! stored like attached ones.

use chat_core::attachment::{Attachment, Kind, dimensions};
use chat_core::{Message, ShareSnapshot};
use chrono::Utc;
use contract::AttachmentRef;

use super::{ShareError, ShareOptions, build_snapshot};
use crate::app::AppCore;
use crate::attachments::{self, AttachmentError, strip};
use crate::store::{Store, StoredMessage};

/// The files of `stored` a share publishes: all but those `leave_out` names
/// (by SHA-256), in order.
pub(super) fn published_files(
    store: &Store,
    stored: &StoredMessage,
    leave_out: &[String],
) -> Result<Vec<Attachment>, ShareError> {
    stored
        .attachments
        .iter()
        .filter(|file| !leave_out.contains(&file.sha256))
        .map(|file| {
            let (_, bytes) = store.attachment(&file.sha256)?;
            let bytes = match Kind::of(&file.media_type) {
                Kind::Image(image) => strip::strip(image, &bytes).map_err(|why| {
                    AttachmentError::Refused(format!(
                        "“{}” cannot be published: it is not a readable image ({why})",
                        file.name
                    ))
                })?,
                _ => bytes,
            };
            Ok(Attachment::from_bytes(&file.name, &file.media_type, &bytes))
        })
        .collect()
}

/// The files a share of the session with `options` would publish, before
/// any is left out: each once, in the order the conversation shows them.
pub fn shared_files(
    core: &AppCore,
    session_id: &str,
    options: &ShareOptions,
) -> Result<Vec<AttachmentRef>, ShareError> {
    let options = ShareOptions {
        leave_out_attachments: Vec::new(),
        ..options.clone()
    };
    let settings = core.settings()?;
    let snapshot = build_snapshot(&core.store, &settings, session_id, &options, Utc::now())?;
    let mut files: Vec<AttachmentRef> = Vec::new();
    for file in snapshot.messages.iter().flat_map(|m| &m.attachments) {
        if files.iter().any(|f| f.sha256 == file.sha256) {
            continue;
        }
        let size = file.decode().ok().and_then(|bytes| dimensions(&bytes));
        files.push(AttachmentRef {
            sha256: file.sha256.clone(),
            name: file.name.clone(),
            media_type: file.media_type.clone(),
            size: file.size,
            width: size.map(|(w, _)| w),
            height: size.map(|(_, h)| h),
        });
    }
    Ok(files)
}

/// Stores the files of an imported snapshot; answers each message's, in
/// the snapshot's order.
pub(super) fn store_imported_files(
    store: &Store,
    snapshot: &ShareSnapshot,
) -> Result<Vec<Vec<AttachmentRef>>, ShareError> {
    snapshot
        .messages
        .iter()
        .map(|message| imported_files(store, message))
        .collect()
}

fn imported_files(store: &Store, message: &Message) -> Result<Vec<AttachmentRef>, ShareError> {
    message
        .attachments
        .iter()
        .map(|file| {
            let bytes = file.decode().map_err(|_| {
                AttachmentError::Refused(format!("“{}” in the share is not base64", file.name))
            })?;
            let prepared = attachments::imported(&file.name, &file.media_type, bytes)?;
            let stored = store.put_attachment(&prepared)?;
            // The message keeps the name the share gives.
            Ok(AttachmentRef {
                name: prepared.name,
                ..stored
            })
        })
        .collect()
}
