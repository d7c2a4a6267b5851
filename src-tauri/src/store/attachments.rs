//! Attached files: stored once by SHA-256 in `attachments`, referred to by
//! messages in `message_attachments` (in order, with the name each was sent
//! with). A file goes with the last message using it (a trigger, see the
//! migration); one added for a message that was never sent goes at the
//! next start after a day.

use chat_core::attachment::sha256_hex;
use contract::AttachmentRef;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, Store, StoreError, StoredMessage, now, timestamp};

/// How long a file added for a message that was not sent is kept.
const UNSENT_KEPT: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// A file to store: its bytes as they are to be kept (an image already
/// stripped), with what is known of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    /// Pixels, for an image.
    pub size: Option<(u32, u32)>,
}

impl NewAttachment {
    pub fn new(name: &str, media_type: &str, bytes: Vec<u8>, size: Option<(u32, u32)>) -> Self {
        Self {
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            sha256: sha256_hex(&bytes),
            bytes,
            size,
        }
    }

    /// How a message refers to it.
    pub fn reference(&self) -> AttachmentRef {
        AttachmentRef {
            sha256: self.sha256.clone(),
            name: self.name.clone(),
            media_type: self.media_type.clone(),
            size: i64::try_from(self.bytes.len()).unwrap_or(i64::MAX),
            width: self.size.map(|(w, _)| w),
            height: self.size.map(|(_, h)| h),
        }
    }
}

const REF_COLUMNS: &str = "a.sha256, a.name, a.media_type, a.size, a.width, a.height";

fn ref_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AttachmentRef> {
    Ok(AttachmentRef {
        sha256: row.get(0)?,
        name: row.get(1)?,
        media_type: row.get(2)?,
        size: row.get(3)?,
        width: row.get(4)?,
        height: row.get(5)?,
    })
}

impl Store {
    /// Stores a file (once: the same bytes again only update the name and
    /// type it was last added with) and answers its reference.
    pub fn put_attachment(&self, file: &NewAttachment) -> Result<AttachmentRef> {
        let reference = file.reference();
        self.conn()?.execute(
            "INSERT INTO attachments (sha256, media_type, size, width, height, name, added_at, bytes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (sha256) DO UPDATE SET media_type = excluded.media_type,
                 name = excluded.name, added_at = excluded.added_at",
            params![
                reference.sha256,
                reference.media_type,
                reference.size,
                reference.width,
                reference.height,
                reference.name,
                timestamp(now()),
                file.bytes,
            ],
        )?;
        Ok(reference)
    }

    /// A stored file and its bytes.
    pub fn attachment(&self, sha256: &str) -> Result<(AttachmentRef, Vec<u8>)> {
        self.conn()?
            .query_row(
                &format!("SELECT {REF_COLUMNS}, a.bytes FROM attachments a WHERE a.sha256 = ?1"),
                [sha256],
                |row| Ok((ref_from_row(row)?, row.get(6)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::UnknownAttachment(sha256.to_owned()))
    }

    /// The references of stored files, in the order given.
    pub fn attachment_refs(&self, sha256s: &[String]) -> Result<Vec<AttachmentRef>> {
        refs(&*self.conn()?, sha256s)
    }
}

/// The references of stored files, in the order given; not found naming
/// the first that is not stored.
pub(super) fn refs(conn: &Connection, sha256s: &[String]) -> Result<Vec<AttachmentRef>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {REF_COLUMNS} FROM attachments a WHERE a.sha256 = ?1"
    ))?;
    sha256s
        .iter()
        .map(|sha256| {
            statement
                .query_row([sha256], ref_from_row)
                .optional()?
                .ok_or_else(|| StoreError::UnknownAttachment(sha256.clone()))
        })
        .collect()
}

/// Records a stored message's files (its `attachments`, in order).
pub(super) fn insert_refs(conn: &Connection, message: &StoredMessage) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO message_attachments (message_id, position, sha256, name)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, file) in (0_i64..).zip(&message.attachments) {
        statement.execute(params![message.id, position, file.sha256, file.name])?;
    }
    Ok(())
}

/// Fills each message's `attachments` from the store, in their order.
pub(super) fn fill_attachments(conn: &Connection, messages: &mut [StoredMessage]) -> Result<()> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {REF_COLUMNS}, m.name FROM message_attachments m
         JOIN attachments a ON a.sha256 = m.sha256
         WHERE m.message_id = ?1 ORDER BY m.position"
    ))?;
    for message in messages {
        message.attachments = statement
            .query_map([&message.id], |row| {
                Ok(AttachmentRef {
                    name: row.get(6)?,
                    ..ref_from_row(row)?
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(())
}

/// Deletes files added more than a day ago that no message uses (attached
/// in the composer, never sent).
pub(super) fn sweep_unsent(conn: &Connection) -> Result<usize> {
    let before = now() - UNSENT_KEPT;
    Ok(conn.execute(
        "DELETE FROM attachments WHERE added_at < ?1
         AND NOT EXISTS (SELECT 1 FROM message_attachments m WHERE m.sha256 = attachments.sha256)",
        [timestamp(before)],
    )?)
}
