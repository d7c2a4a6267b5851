//! Messages: append, read, page over the selected path (keyset on
//! position), update, totals. The tree itself is `tree.rs`'s.

use chat_core::{Role, Totals, Usage};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::attachments::{fill_attachments, insert_refs};
use super::copies::fill_siblings_of_all;
use super::tree::{Flags, Place, fill_siblings};
use super::{
    Derived, Generation, MessagePage, MessageStatus, NewMessage, Result, SessionTotals, Store,
    StoreError, StoredMessage, TextColumns, all_rows, found, new_id, now, timestamp,
};

pub(super) const MESSAGE_COLUMNS: &str = "id, session_id, position, role, content, reasoning, \
     input_tokens, output_tokens, reasoning_tokens, cached_tokens, cost, ttft_ms, inference_ms, \
     tool_calls, tool_call_id, status, error, finish_reason, provider_id, model, created_at, \
     updated_at, provider_name, price_provider, params, parent_id";

/// The most messages one page may hold.
pub const MAX_PAGE: usize = 500;

impl Store {
    /// Appends one message after the end of a session's selected path.
    pub fn append_message(&self, session_id: &str, message: NewMessage) -> Result<StoredMessage> {
        let mut stored = self.append_messages(session_id, vec![message])?;
        stored.pop().ok_or(StoreError::NotFound { what: "message" })
    }

    /// Appends messages after the end of a session's selected path, each
    /// following the one before, all or none.
    pub fn append_messages(
        &self,
        session_id: &str,
        messages: Vec<NewMessage>,
    ) -> Result<Vec<StoredMessage>> {
        self.add_messages(Place::End(session_id), messages)
    }

    pub fn message(&self, id: &str) -> Result<StoredMessage> {
        let conn = self.conn()?;
        let message = conn
            .query_row(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1"),
                [id],
                message_from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound { what: "message" })?;
        let mut messages = [message];
        fill_siblings(&conn, &mut messages)?;
        fill_attachments(&conn, &mut messages)?;
        let [message] = messages;
        Ok(message)
    }

    /// Every stored message of a session, on every branch, oldest first.
    pub fn all_messages(&self, session_id: &str) -> Result<Vec<StoredMessage>> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE session_id = ?1 ORDER BY position"
        ))?;
        let mut messages = statement
            .query_map([session_id], message_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        fill_siblings_of_all(&mut messages);
        fill_attachments(&conn, &mut messages)?;
        Ok(messages)
    }

    /// One page of a session's selected path, oldest first.
    ///
    /// - `after: Some(p)`: the `limit` messages following position `p`;
    /// - else `before: Some(p)`: the `limit` messages preceding position `p`;
    /// - else the latest `limit` messages (a chat opens at its end).
    ///
    /// Keyset paging on the `(session_id, on_path, position)` index: every
    /// page costs the same, however long the session and however branched.
    pub fn messages_page(
        &self,
        session_id: &str,
        before: Option<i64>,
        after: Option<i64>,
        limit: usize,
    ) -> Result<MessagePage> {
        let limit = limit.clamp(1, MAX_PAGE);
        let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
        let conn = self.conn()?;
        self.session_exists(&conn, session_id)?;
        // Forward from `after`, or backward from `before` (or the end).
        let (from, forward) = match (after, before) {
            (Some(after), _) => (after, true),
            (None, before) => (before.unwrap_or(i64::MAX), false),
        };
        let (beyond, order) = if forward { (">", "") } else { ("<", "DESC") };
        let mut messages = conn
            .prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages
                 WHERE session_id = ?1 AND on_path = 1 AND position {beyond} ?2
                 ORDER BY position {order} LIMIT ?3"
            ))?
            .query_map(params![session_id, from, fetch], message_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let more_beyond = messages.len() > limit;
        messages.truncate(limit);
        // Whether the path goes on behind the starting point.
        let behind = if forward { "<=" } else { ">=" };
        let more_behind = (forward || before.is_some())
            && conn
                .prepare_cached(&format!(
                    "SELECT EXISTS (SELECT 1 FROM messages
                     WHERE session_id = ?1 AND on_path = 1 AND position {behind} ?2)"
                ))?
                .query_row(params![session_id, from], |row| row.get(0))?;
        if !forward {
            messages.reverse();
        }
        fill_siblings(&conn, &mut messages)?;
        fill_attachments(&conn, &mut messages)?;
        let (has_more_before, has_more_after) = if forward {
            (more_behind, more_beyond)
        } else {
            (more_beyond, more_behind)
        };
        Ok(MessagePage {
            messages,
            has_more_before,
            has_more_after,
        })
    }

    /// Writes what a turn came to onto its stored answer: the text,
    /// reasoning, usage, cost, times, tool calls, status, error and finish
    /// reason of `answer` (its other fields are as stored). Returns the
    /// answer as stored now.
    pub fn save_outcome(&self, answer: &StoredMessage) -> Result<StoredMessage> {
        let id = answer.id.as_str();
        let usage = answer.usage.unwrap_or_default();
        let has_usage = answer.usage.is_some();
        {
            let mut conn = self.conn()?;
            let tx = conn.transaction()?;
            let now = timestamp(now());
            let changed = tx.execute(
                "UPDATE messages SET content = ?2, reasoning = ?3, input_tokens = ?4,
                 output_tokens = ?5, reasoning_tokens = ?6, cached_tokens = ?7, cost = ?8,
                 ttft_ms = ?9, inference_ms = ?10, tool_calls = ?11,
                 status = ?12, error = ?13, finish_reason = ?14,
                 updated_at = ?15
                 WHERE id = ?1",
                params![
                    id,
                    answer.content,
                    answer.reasoning,
                    has_usage.then_some(usage.input_tokens),
                    has_usage.then_some(usage.output_tokens),
                    usage.reasoning_tokens.filter(|_| has_usage),
                    usage.cached_tokens.filter(|_| has_usage),
                    answer.cost,
                    answer.time_to_first_token_ms,
                    answer.inference_time_ms,
                    serde_json::to_string(&answer.tool_calls)?,
                    answer.status.as_str(),
                    answer.error,
                    answer.finish_reason,
                    now,
                ],
            )?;
            found("message", changed)?;
            tx.execute(
                "UPDATE sessions SET updated_at = ?2
                 WHERE id = (SELECT session_id FROM messages WHERE id = ?1)",
                params![id, now],
            )?;
            tx.commit()?;
        }
        self.message(id)
    }

    /// Saves what a streaming answer has so far, so a crash loses little.
    pub fn checkpoint_message(
        &self,
        id: &str,
        content: &str,
        reasoning: Option<&str>,
    ) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "UPDATE messages SET content = ?2, reasoning = ?3, updated_at = ?4
             WHERE id = ?1 AND status = 'streaming'",
            params![id, content, reasoning, timestamp(now())],
        )?;
        Ok(())
    }

    /// Replaces the text of a message (the user edits a prompt or types a
    /// tool result).
    pub fn edit_message_content(&self, id: &str, content: &str) -> Result<StoredMessage> {
        self.change_one(
            "message",
            "UPDATE messages SET content = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, content, timestamp(now())],
        )?;
        self.message(id)
    }

    /// The provider entries of answers with no server name recorded (made
    /// before it was kept).
    pub fn unnamed_answer_providers(&self) -> Result<Vec<String>> {
        let conn = self.conn()?;
        let sql = "SELECT DISTINCT provider_id FROM messages
             WHERE role = 'assistant' AND provider_name IS NULL AND provider_id IS NOT NULL";
        all_rows(&conn, sql, [], |row| row.get(0))
    }

    /// Records who served the answers through `provider_id` that have no
    /// server name yet. Returns how many were named.
    pub fn name_unnamed_answers(
        &self,
        provider_id: &str,
        name: &str,
        price_provider: Option<&str>,
    ) -> Result<usize> {
        let conn = self.conn()?;
        Ok(conn.execute(
            "UPDATE messages SET provider_name = ?2, price_provider = ?3
             WHERE role = 'assistant' AND provider_name IS NULL AND provider_id = ?1",
            params![provider_id, name, price_provider],
        )?)
    }

    /// Token, cost and time sums over every message of a session (every
    /// branch was paid for); `message_count` is the selected path's length.
    ///
    /// The cost is unknown (`None`) as soon as one message with usage has no
    /// cost: an unknown price is never shown as 0 (as in chat-core's totals).
    pub fn session_totals(&self, session_id: &str) -> Result<SessionTotals> {
        let conn = self.conn()?;
        let totals = conn.query_row(
            "SELECT COALESCE(SUM(on_path), 0),
                    COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
                    COALESCE(SUM(reasoning_tokens), 0), COALESCE(SUM(cached_tokens), 0),
                    CASE WHEN SUM(input_tokens IS NOT NULL AND cost IS NULL) > 0 THEN NULL
                         ELSE COALESCE(SUM(cost), 0.0) END,
                    COALESCE(SUM(inference_ms), 0)
             FROM messages WHERE session_id = ?1",
            [session_id],
            |row| {
                let input_tokens: i64 = row.get(1)?;
                let output_tokens: i64 = row.get(2)?;
                Ok(SessionTotals {
                    message_count: row.get(0)?,
                    sums: Totals {
                        input_tokens,
                        output_tokens,
                        reasoning_tokens: row.get(3)?,
                        cached_tokens: row.get(4)?,
                        total_tokens: input_tokens.saturating_add(output_tokens),
                        total_cost: row.get(5)?,
                    },
                    inference_time_ms: row.get(6)?,
                })
            },
        )?;
        if totals.message_count == 0 {
            // Tell an empty session from a missing one.
            self.session_exists(&conn, session_id)?;
        }
        Ok(totals)
    }

    pub(super) fn session_exists(&self, conn: &Connection, session_id: &str) -> Result<()> {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?1)",
            [session_id],
            |row| row.get(0),
        )?;
        if exists {
            Ok(())
        } else {
            Err(StoreError::NotFound { what: "session" })
        }
    }
}

/// Stores a message row, standing in its tree as `flags` say.
pub(super) fn insert_message_row(
    conn: &Connection,
    message: &StoredMessage,
    flags: Flags,
) -> Result<()> {
    let (usage, generation) = (message.usage, &message.generation);
    conn.prepare_cached(&format!(
        "INSERT INTO messages ({MESSAGE_COLUMNS}, selected, on_path) VALUES
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
          ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)"
    ))?
    .execute(params![
        message.id,
        message.session_id,
        message.position,
        message.role.as_str(),
        message.content,
        message.reasoning,
        usage.map(|u| u.input_tokens),
        usage.map(|u| u.output_tokens),
        usage.and_then(|u| u.reasoning_tokens),
        usage.and_then(|u| u.cached_tokens),
        message.cost,
        message.time_to_first_token_ms,
        message.inference_time_ms,
        serde_json::to_string(&message.tool_calls)?,
        message.tool_call_id,
        message.status.as_str(),
        message.error,
        message.finish_reason,
        generation.provider_id,
        generation.model,
        timestamp(message.created_at),
        timestamp(message.updated_at),
        generation.provider_name,
        generation.price_provider,
        generation
            .params
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?,
        message.parent_id,
        flags.selected,
        flags.on_path,
    ])?;
    insert_refs(conn, message)
}

/// A new message's row, as [`insert_message_row`] stores it.
pub(super) fn new_row(
    session_id: &str,
    position: i64,
    parent_id: Option<String>,
    message: NewMessage,
    now: chrono::DateTime<chrono::Utc>,
) -> StoredMessage {
    let mut row = StoredMessage {
        id: new_id(),
        session_id: session_id.to_owned(),
        position,
        parent_id,
        siblings: Vec::new(),
        role: message.role,
        content: message.content,
        reasoning: message.reasoning,
        usage: None,
        cost: None,
        time_to_first_token_ms: None,
        inference_time_ms: None,
        tokens_per_second: None,
        tool_calls: message.tool_calls,
        tool_call_id: message.tool_call_id,
        status: message.status,
        error: None,
        finish_reason: None,
        generation: message.generation,
        ended: None,
        attachments: Vec::new(),
        created_at: now,
        updated_at: now,
    };
    row.derive();
    row
}

pub(super) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<StoredMessage> {
    let role: String = row.get(3)?;
    let role = match role.as_str() {
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "system" => Role::System,
        _ => Role::Tool,
    };
    let input_tokens: Option<i64> = row.get(6)?;
    let output_tokens: Option<i64> = row.get(7)?;
    let usage = match (input_tokens, output_tokens) {
        (None, None) => None,
        (input, output) => Some(Usage {
            input_tokens: input.unwrap_or(0),
            output_tokens: output.unwrap_or(0),
            reasoning_tokens: row.get(8)?,
            cached_tokens: row.get(9)?,
        }),
    };
    let status: String = row.get(15)?;
    let generation = Generation {
        provider_id: row.get(18)?,
        model: row.get(19)?,
        provider_name: row.get(22)?,
        price_provider: row.get(23)?,
        params: row.optional_json(24)?,
    };
    let mut message = StoredMessage {
        id: row.get(0)?,
        session_id: row.get(1)?,
        position: row.get(2)?,
        parent_id: row.get(25)?,
        siblings: Vec::new(),
        role,
        content: row.get(4)?,
        reasoning: row.get(5)?,
        usage,
        cost: row.get(10)?,
        time_to_first_token_ms: row.get(11)?,
        inference_time_ms: row.get(12)?,
        tokens_per_second: None,
        tool_calls: row.json(13)?,
        tool_call_id: row.get(14)?,
        status: MessageStatus::parse(&status).unwrap_or(MessageStatus::Error),
        error: row.get(16)?,
        finish_reason: row.get(17)?,
        generation,
        created_at: row.timestamp(20)?,
        updated_at: row.timestamp(21)?,
        ended: None,
        attachments: Vec::new(),
    };
    message.derive();
    Ok(message)
}
