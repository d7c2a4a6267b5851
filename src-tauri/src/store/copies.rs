//! Whole trees copied: a session duplicated (its tree as it stands), a
//! fork or an import planted as a new tree from a list of messages, and the
//! siblings of a whole session worked out from its messages.

use std::collections::HashMap;

use rusqlite::Connection;

use super::attachments::fill_attachments;
use super::messages::{MESSAGE_COLUMNS, insert_message_row, message_from_row};
use super::tree::Flags;
use super::{Result, StoredMessage, new_id};

/// Fills `siblings` of a whole session's messages from the messages
/// themselves.
pub(super) fn fill_siblings_of_all(messages: &mut [StoredMessage]) {
    let mut children: HashMap<Option<String>, Vec<String>> = HashMap::new();
    for message in messages.iter() {
        children
            .entry(message.parent_id.clone())
            .or_default()
            .push(message.id.clone());
    }
    for message in messages {
        message.siblings = children
            .get(&message.parent_id)
            .cloned()
            .unwrap_or_default();
    }
}

/// `messages` planted as a new tree: each follows its `parent_id` when that
/// names one of the messages before it, else the message just before it
/// (so a plain list is one chain). Of each parent's children the last is
/// selected, and the path runs from the last first message down through
/// them.
fn planted(messages: Vec<StoredMessage>) -> Vec<(StoredMessage, Flags)> {
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(messages.len());
    let mut last_child: HashMap<Option<usize>, usize> = HashMap::new();
    for (i, message) in messages.iter().enumerate() {
        let named = message
            .parent_id
            .as_ref()
            .and_then(|parent| index_of.get(parent).copied());
        let parent = named.or_else(|| i.checked_sub(1));
        parents.push(parent);
        last_child.insert(parent, i);
        index_of.insert(message.id.clone(), i);
    }
    let mut flags: Vec<Flags> = parents
        .iter()
        .enumerate()
        .map(|(i, parent)| Flags {
            selected: last_child.get(parent) == Some(&i),
            on_path: false,
        })
        .collect();
    let mut on_path = last_child.get(&None).copied();
    while let Some(i) = on_path {
        flags[i].on_path = true;
        on_path = last_child.get(&Some(i)).copied();
    }
    let ids: Vec<String> = messages.iter().map(|m| m.id.clone()).collect();
    messages
        .into_iter()
        .zip(parents)
        .zip(flags)
        .map(|((mut message, parent), flags)| {
            message.parent_id = parent.map(|p| ids[p].clone());
            (message, flags)
        })
        .collect()
}

/// Copies of `messages` as session `session_id`'s tree (see [`planted`]),
/// numbered from 0 in their order.
pub(super) fn plant(
    conn: &Connection,
    session_id: &str,
    messages: Vec<StoredMessage>,
) -> Result<()> {
    let numbered = messages
        .into_iter()
        .zip(0_i64..)
        .map(|(mut message, position)| {
            message.position = position;
            message
        });
    insert_copies(conn, session_id, planted(numbered.collect()))
}

/// Every message of a session with its standing in the tree, in order.
pub(super) fn tree_rows(
    conn: &Connection,
    session_id: &str,
) -> Result<Vec<(StoredMessage, Flags)>> {
    let mut rows: Vec<(StoredMessage, Flags)> = conn
        .prepare(&format!(
            "SELECT {MESSAGE_COLUMNS}, selected, on_path FROM messages
             WHERE session_id = ?1 ORDER BY position"
        ))?
        .query_map([session_id], |row| {
            let flags = Flags {
                selected: row.get(26)?,
                on_path: row.get(27)?,
            };
            Ok((message_from_row(row)?, flags))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (message, _) in &mut rows {
        fill_attachments(conn, std::slice::from_mut(message))?;
    }
    Ok(rows)
}

/// Inserts copies of `rows` into session `session_id`, with new ids and
/// their parents mapped to the copies (a parent comes before its children).
pub(super) fn insert_copies(
    conn: &Connection,
    session_id: &str,
    rows: Vec<(StoredMessage, Flags)>,
) -> Result<()> {
    let mut new_ids: HashMap<String, String> = HashMap::new();
    for (mut message, flags) in rows {
        let id = new_id();
        new_ids.insert(std::mem::replace(&mut message.id, id.clone()), id);
        message.session_id = session_id.to_owned();
        message.parent_id = message
            .parent_id
            .and_then(|parent| new_ids.get(&parent).cloned());
        insert_message_row(conn, &message, flags)?;
    }
    Ok(())
}
