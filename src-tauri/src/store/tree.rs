//! The message tree: each message follows its parent, and of a parent's
//! children (and of a session's first messages) one is selected. The
//! selected path runs from the selected first message down through each
//! selected child; it is what the window shows and what a turn sends.
//!
//! The path is stored, not derived: `on_path` marks its messages, and every
//! change to the tree sets it again in the same transaction, touching only
//! the part of the path that changes. Positions increase along every path
//! (a child is always newer than its parent), so the path is read with the
//! same keyset paging on `(session_id, on_path, position)` as a plain list:
//! a page costs the same in a 10,000-message session as in a short one.

use rusqlite::{Connection, OptionalExtension, params};

use super::attachments::{fill_attachments, refs};
use super::copies::plant;
use super::messages::{MESSAGE_COLUMNS, insert_message_row, message_from_row, new_row};
use super::sessions::{insert_session_row, read_session};
use super::{
    NewMessage, Result, Session, Store, StoreError, StoredMessage, new_id, now, timestamp,
};

/// A message's standing among its siblings and on the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Flags {
    /// Its parent's selected child (or the session's selected first message).
    pub selected: bool,
    pub on_path: bool,
}

impl Flags {
    /// On the selected path (and so selected).
    pub const PATH: Flags = Flags {
        selected: true,
        on_path: true,
    };
}

/// Where new messages go.
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    /// After the end of this session's selected path.
    End(&'a str),
    /// Beside this message (as a new child of its parent).
    Beside(&'a str),
}

/// What the tree operations read of a message.
struct Node {
    session_id: String,
    parent_id: Option<String>,
    position: i64,
    on_path: bool,
}

fn node(conn: &Connection, id: &str) -> Result<Node> {
    conn.prepare_cached(
        "SELECT session_id, parent_id, position, on_path FROM messages WHERE id = ?1",
    )?
    .query_row([id], |row| {
        Ok(Node {
            session_id: row.get(0)?,
            parent_id: row.get(1)?,
            position: row.get(2)?,
            on_path: row.get(3)?,
        })
    })
    .optional()?
    .ok_or(StoreError::NotFound { what: "message" })
}

/// The last message of the selected path, if the session has any.
pub(super) fn leaf(conn: &Connection, session_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM messages WHERE session_id = ?1 AND on_path = 1
             ORDER BY position DESC LIMIT 1",
        )?
        .query_row([session_id], |row| row.get(0))
        .optional()?)
}

/// The newest child of `parent` (`None`: of the session's first messages),
/// or the selected one when `selected_first`.
fn child(
    conn: &Connection,
    session_id: &str,
    parent: Option<&str>,
    selected_first: bool,
) -> Result<Option<String>> {
    let sql = if selected_first {
        "SELECT id FROM messages WHERE session_id = ?1 AND parent_id IS ?2
         ORDER BY selected DESC, position DESC LIMIT 1"
    } else {
        "SELECT id FROM messages WHERE session_id = ?1 AND parent_id IS ?2
         ORDER BY position DESC LIMIT 1"
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params![session_id, parent], |row| row.get(0))
        .optional()?)
}

/// Makes the selected path go through `id`: each of its ancestors becomes
/// its parent's selected child, and below it the path follows each
/// message's selected child (or its newest when none was selected).
///
/// Only what changes is touched: the ancestors up to the first one already
/// on the path, the old path below that one, and the new path below `id`.
pub(super) fn select(conn: &Connection, id: &str) -> Result<()> {
    let target = node(conn, id)?;
    let session_id = target.session_id.clone();
    // Climb to the first ancestor on the path: above it nothing changes.
    let mut climbed = Vec::new();
    let mut anchor = None;
    let mut current = Some((id.to_owned(), target));
    while let Some((current_id, current_node)) = current.take() {
        if current_node.on_path {
            anchor = Some(current_node.position);
            break;
        }
        if let Some(parent) = &current_node.parent_id {
            current = Some((parent.clone(), node(conn, parent)?));
        }
        climbed.push((current_id, current_node.parent_id));
    }
    if climbed.is_empty() {
        // Already on the path, and the path below it follows the selection.
        return Ok(());
    }
    // The old path below the anchor: every path message after it.
    conn.prepare_cached(
        "UPDATE messages SET on_path = 0 WHERE session_id = ?1 AND on_path = 1 AND position > ?2",
    )?
    .execute(params![session_id, anchor.unwrap_or(-1)])?;
    // Each climbed message becomes the selected one of its siblings (which
    // are all below the anchor, so off the path now).
    let mut choose = conn.prepare_cached(
        "UPDATE messages SET selected = (id = ?3), on_path = (id = ?3)
         WHERE session_id = ?1 AND parent_id IS ?2",
    )?;
    for (chosen, parent) in &climbed {
        choose.execute(params![session_id, parent, chosen])?;
    }
    descend(conn, &session_id, id)
}

/// Extends the path below `from` through each message's selected child
/// (or its newest, which becomes selected).
fn descend(conn: &Connection, session_id: &str, from: &str) -> Result<()> {
    let mut mark =
        conn.prepare_cached("UPDATE messages SET selected = 1, on_path = 1 WHERE id = ?1")?;
    let mut current = from.to_owned();
    while let Some(next) = child(conn, session_id, Some(&current), true)? {
        mark.execute([&next])?;
        current = next;
    }
    Ok(())
}

/// Adds `messages` under `parent` (`None`: as a first message), each
/// following the one before, in one chain that becomes the selected path's
/// end. Returns them as stored.
pub(super) fn grow(
    conn: &Connection,
    session_id: &str,
    parent: Option<String>,
    messages: Vec<NewMessage>,
) -> Result<Vec<StoredMessage>> {
    let now = now();
    let mut stored: Vec<StoredMessage> = Vec::with_capacity(messages.len());
    let mut parent = parent;
    for message in messages {
        let files = refs(conn, &message.attachments)?;
        let mut row = new_row(
            session_id,
            next_position(conn, session_id)?,
            parent,
            message,
            now,
        );
        row.attachments = files;
        if stored.is_empty() {
            // The first may have siblings, and its parent may be off the path.
            insert_message_row(conn, &row, Flags::default())?;
            select(conn, &row.id)?;
        } else {
            // Each next follows a path leaf that has no other child.
            insert_message_row(conn, &row, Flags::PATH)?;
        }
        parent = Some(row.id.clone());
        stored.push(row);
    }
    touch(conn, session_id)?;
    Ok(stored)
}

/// The position after the session's newest message.
pub(super) fn next_position(conn: &Connection, session_id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM messages WHERE session_id = ?1",
        )?
        .query_row([session_id], |row| row.get(0))?)
}

fn touch(conn: &Connection, session_id: &str) -> Result<()> {
    conn.prepare_cached("UPDATE sessions SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![session_id, timestamp(now())])?;
    Ok(())
}

/// Fills each message's `siblings`: the ids sharing its parent, in order.
pub(super) fn fill_siblings(conn: &Connection, messages: &mut [StoredMessage]) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "SELECT id FROM messages WHERE session_id = ?1 AND parent_id IS ?2 ORDER BY position",
    )?;
    for message in messages {
        message.siblings = statement
            .query_map(params![message.session_id, message.parent_id], |row| {
                row.get(0)
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(())
}

/// The messages from a session's first one down to `id`, in order.
fn ancestry(conn: &Connection, id: &str) -> Result<Vec<StoredMessage>> {
    // The part off the path, climbed one parent at a time; the rest is
    // the path up to the first ancestor on it, read in one range.
    let mut climbed = Vec::new();
    let mut current = Some(id.to_owned());
    let mut on_path_to = None;
    let mut session_id = String::new();
    while let Some(current_id) = current.take() {
        let current_node = node(conn, &current_id)?;
        session_id = current_node.session_id.clone();
        if current_node.on_path {
            on_path_to = Some(current_node.position);
            break;
        }
        climbed.push(current_id);
        current = current_node.parent_id;
    }
    let mut messages = match on_path_to {
        Some(position) => conn
            .prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages
                 WHERE session_id = ?1 AND on_path = 1 AND position <= ?2 ORDER BY position"
            ))?
            .query_map(params![session_id, position], message_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let mut read = conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1"
    ))?;
    for climbed_id in climbed.iter().rev() {
        messages.push(read.query_row([climbed_id], message_from_row)?);
    }
    fill_attachments(conn, &mut messages)?;
    Ok(messages)
}

impl Store {
    /// A session's selected path, first message first.
    pub fn path_messages(&self, session_id: &str) -> Result<Vec<StoredMessage>> {
        let conn = self.conn()?;
        let mut messages = conn
            .prepare(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages
                 WHERE session_id = ?1 AND on_path = 1 ORDER BY position"
            ))?
            .query_map([session_id], message_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        fill_siblings(&conn, &mut messages)?;
        fill_attachments(&conn, &mut messages)?;
        Ok(messages)
    }

    /// The messages from the session's first one down to `id` (the history
    /// an answer at `id` continues), in order.
    pub fn path_to(&self, id: &str) -> Result<Vec<StoredMessage>> {
        let conn = self.conn()?;
        let mut messages = ancestry(&conn, id)?;
        fill_siblings(&conn, &mut messages)?;
        Ok(messages)
    }

    /// Adds `messages` in one chain at `place`, in one transaction; the
    /// chain becomes the selected path's end. Beside a message, it is a new
    /// branch (an edited prompt sent again, another answer).
    pub fn add_messages(
        &self,
        place: Place<'_>,
        messages: Vec<NewMessage>,
    ) -> Result<Vec<StoredMessage>> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let (session_id, parent) = match place {
            Place::End(session_id) => {
                self.session_exists(&tx, session_id)?;
                (session_id.to_owned(), leaf(&tx, session_id)?)
            }
            Place::Beside(sibling) => {
                let sibling = node(&tx, sibling)?;
                (sibling.session_id, sibling.parent_id)
            }
        };
        let mut stored = grow(&tx, &session_id, parent, messages)?;
        fill_siblings(&tx, &mut stored)?;
        tx.commit()?;
        Ok(stored)
    }

    /// A prompt after the selected path's end and several answers to it, in
    /// order; the first answer is selected. An answer given with an error
    /// is stored failed with it. Returns the prompt and the answers.
    pub fn append_compare(
        &self,
        session_id: &str,
        prompt: NewMessage,
        answers: Vec<(NewMessage, Option<String>)>,
    ) -> Result<(StoredMessage, Vec<StoredMessage>)> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        self.session_exists(&tx, session_id)?;
        let parent = leaf(&tx, session_id)?;
        let prompt = grow(&tx, session_id, parent, vec![prompt])?
            .pop()
            .ok_or(StoreError::NotFound { what: "message" })?;
        let now = now();
        let mut stored = Vec::with_capacity(answers.len());
        for (index, (answer, error)) in answers.into_iter().enumerate() {
            let position = next_position(&tx, session_id)?;
            let mut row = new_row(session_id, position, Some(prompt.id.clone()), answer, now);
            row.error = error;
            let flags = if index == 0 {
                Flags::PATH
            } else {
                Flags::default()
            };
            insert_message_row(&tx, &row, flags)?;
            stored.push(row);
        }
        fill_siblings(&tx, &mut stored)?;
        tx.commit()?;
        Ok((prompt, stored))
    }

    /// Makes the selected path go through `id` (see [`select`]).
    pub fn select_branch(&self, id: &str) -> Result<()> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        select(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    /// A new session with the same configuration, titled "<title> (fork)",
    /// holding a copy of the messages from the first one down to `id`.
    pub fn fork_session(&self, id: &str) -> Result<Session> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let history = ancestry(&tx, id)?;
        let source = read_session(&tx, &node(&tx, id)?.session_id)?;
        let now = now();
        let mut fork = source.clone();
        fork.id = new_id();
        fork.config.title = format!("{} (fork)", source.config.title);
        fork.created_at = now;
        fork.updated_at = now;
        insert_session_row(&tx, &fork)?;
        plant(&tx, &fork.id, history)?;
        tx.commit()?;
        Ok(fork)
    }

    /// Deletes `id` and everything below it; answers how many messages
    /// went. When it was on the selected path, the path continues through
    /// its newest remaining sibling.
    pub fn delete_branch(&self, id: &str) -> Result<usize> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let target = node(&tx, id)?;
        let deleted = tx.execute(
            "WITH RECURSIVE branch (id) AS (
                 SELECT ?1
                 UNION ALL
                 SELECT m.id FROM messages m JOIN branch ON m.parent_id = branch.id
                 WHERE m.session_id = ?2)
             DELETE FROM messages WHERE id IN branch",
            params![id, target.session_id],
        )?;
        if target.on_path
            && let Some(sibling) =
                child(&tx, &target.session_id, target.parent_id.as_deref(), false)?
        {
            select(&tx, &sibling)?;
        }
        tx.commit()?;
        Ok(deleted)
    }
}
