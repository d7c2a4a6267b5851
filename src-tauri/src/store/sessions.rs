//! Sessions: create, read, list, configure, rename, duplicate, delete, search.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use super::copies::{insert_copies, plant, tree_rows};
use super::{
    ImportedFrom, Result, SearchHit, Session, SessionConfig, SessionSummary, Store, StoreError,
    StoredMessage, TextColumns, all_rows, new_id, now, timestamp,
};

const SESSION_COLUMNS: &str = "id, title, provider_id, model, temperature, max_tokens, top_p, \
     system_prompt, tools, variables, created_at, updated_at, imported_from";

const SUMMARY_SELECT: &str = "SELECT s.id, s.title, s.provider_id, s.model, \
     (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id AND m.on_path = 1), \
     s.created_at, s.updated_at \
     FROM sessions s";

/// The fewest characters the trigram index can match; shorter queries scan.
const TRIGRAM: usize = 3;

impl Store {
    pub fn create_session(&self, config: &SessionConfig) -> Result<Session> {
        check_config(config)?;
        let now = now();
        let session = Session {
            id: new_id(),
            config: config.clone(),
            imported_from: None,
            created_at: now,
            updated_at: now,
        };
        let conn = self.conn()?;
        insert_session_row(&conn, &session)?;
        Ok(session)
    }

    pub fn session(&self, id: &str) -> Result<Session> {
        read_session(&*self.conn()?, id)
    }

    /// All sessions, most recently updated first.
    pub fn list_sessions(&self) -> Result<Vec<SessionSummary>> {
        let conn = self.conn()?;
        let sql = format!("{SUMMARY_SELECT} ORDER BY s.updated_at DESC, s.id");
        all_rows(&conn, &sql, [], summary_from_row)
    }

    /// Replaces a session's configuration (title included).
    pub fn update_session(&self, id: &str, config: &SessionConfig) -> Result<Session> {
        check_config(config)?;
        self.change_one(
            "session",
            "UPDATE sessions SET title = ?2, provider_id = ?3, model = ?4, temperature = ?5,
             max_tokens = ?6, top_p = ?7, system_prompt = ?8, tools = ?9, variables = ?10,
             updated_at = ?11 WHERE id = ?1",
            params_from_iter(session_values(id, config, [timestamp(now()).into()])?),
        )?;
        self.session(id)
    }

    pub fn rename_session(&self, id: &str, title: &str) -> Result<Session> {
        let title = checked_title(title)?;
        self.change_one(
            "session",
            "UPDATE sessions SET title = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, title, timestamp(now())],
        )?;
        self.session(id)
    }

    /// Deletes a session and its messages; its shares stay listed (the links
    /// still exist and can be revoked).
    pub fn delete_session(&self, id: &str) -> Result<()> {
        self.change_one("session", "DELETE FROM sessions WHERE id = ?1", [id])
    }

    /// A copy of a session with all its messages (new ids), titled `title`
    /// or "<title> (copy)".
    pub fn duplicate_session(&self, id: &str, title: Option<&str>) -> Result<Session> {
        let source = self.session(id)?;
        let title = match title {
            Some(title) => checked_title(title)?.to_owned(),
            None => format!("{} (copy)", source.config.title),
        };
        let now = now();
        let copy = Session {
            id: new_id(),
            config: SessionConfig {
                title,
                ..source.config
            },
            imported_from: source.imported_from,
            created_at: now,
            updated_at: now,
        };
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        insert_session_row(&tx, &copy)?;
        let rows = tree_rows(&tx, id)?;
        insert_copies(&tx, &copy.id, rows)?;
        tx.commit()?;
        Ok(copy)
    }

    /// A new session with the given messages (an imported share), all or
    /// nothing, planted as a tree: each follows its `parent_id` when that
    /// names one of the messages before it (by their ids as given), else
    /// the message before it; of each parent's children the last is
    /// selected. Ids, session and positions are assigned here.
    pub fn import_session(
        &self,
        config: &SessionConfig,
        imported_from: Option<ImportedFrom>,
        messages: Vec<StoredMessage>,
    ) -> Result<Session> {
        check_config(config)?;
        let now = now();
        let session = Session {
            id: new_id(),
            config: config.clone(),
            imported_from,
            created_at: now,
            updated_at: now,
        };
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        insert_session_row(&tx, &session)?;
        plant(&tx, &session.id, messages)?;
        tx.commit()?;
        Ok(session)
    }

    /// Sessions whose title or message content contains `query`
    /// (case-insensitive), most recently updated first, at most `limit`.
    pub fn search_sessions(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let like = format!("%{}%", escape_like(query));
        let conn = self.conn()?;
        // The session id and the first matching message in it, if any.
        let content_matches = if query.chars().count() >= TRIGRAM {
            "SELECT m.session_id AS sid, m.id AS mid, m.content AS content, m.position AS pos
             FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
             WHERE messages_fts MATCH ?2"
        } else {
            "SELECT m.session_id AS sid, m.id AS mid, m.content AS content, m.position AS pos
             FROM messages m WHERE m.content LIKE ?1 ESCAPE '\\' AND ?2 IS NOT NULL"
        };
        let sql = format!(
            "WITH hits AS ({content_matches}),
                  first_hit AS (SELECT sid, mid, content, MIN(pos) FROM hits GROUP BY sid)
             SELECT s.id, s.title, s.provider_id, s.model,
                    (SELECT COUNT(*) FROM messages c WHERE c.session_id = s.id AND c.on_path = 1),
                    s.created_at, s.updated_at,
                    s.title LIKE ?1 ESCAPE '\\', f.mid, f.content
             FROM sessions s LEFT JOIN first_hit f ON f.sid = s.id
             WHERE s.title LIKE ?1 ESCAPE '\\' OR f.sid IS NOT NULL
             ORDER BY s.updated_at DESC, s.id
             LIMIT ?3"
        );
        all_rows(
            &conn,
            &sql,
            params![like, fts_phrase(query), limit],
            |row| {
                let content: Option<String> = row.get(9)?;
                Ok(SearchHit {
                    session: summary_from_row(row)?,
                    title_matches: row.get(7)?,
                    message_id: row.get(8)?,
                    snippet: content.map(|c| snippet(&c, query)),
                })
            },
        )
    }
}

/// A session's id and its configuration's columns (title to variables, in
/// [`SESSION_COLUMNS`]' order), then `rest`: what inserting and updating
/// a session bind.
fn session_values(
    id: &str,
    config: &SessionConfig,
    rest: impl IntoIterator<Item = Value>,
) -> Result<Vec<Value>> {
    let mut values = vec![
        Value::from(id.to_owned()),
        Value::from(config.title.trim().to_owned()),
        Value::from(config.provider_id.clone()),
        Value::from(config.model.clone()),
        Value::from(config.temperature),
        Value::from(config.max_tokens),
        Value::from(config.top_p),
        Value::from(config.system_prompt.clone()),
        Value::from(serde_json::to_string(&config.tools)?),
        Value::from(serde_json::to_string(&config.variables)?),
    ];
    values.extend(rest);
    Ok(values)
}

pub(super) fn insert_session_row(conn: &rusqlite::Connection, session: &Session) -> Result<()> {
    conn.execute(
        &format!("INSERT INTO sessions ({SESSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
        params_from_iter(session_values(
            &session.id,
            &session.config,
            [
                timestamp(session.created_at).into(),
                timestamp(session.updated_at).into(),
                session
                    .imported_from
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()?
                    .into(),
            ],
        )?),
    )?;
    Ok(())
}

/// The session `id`, read on `conn` (inside a transaction, too).
pub(super) fn read_session(conn: &rusqlite::Connection, id: &str) -> Result<Session> {
    conn.query_row(
        &format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"),
        [id],
        session_from_row,
    )
    .optional()?
    .ok_or(StoreError::NotFound { what: "session" })
}

fn session_from_row(row: &Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: row.get(0)?,
        config: SessionConfig {
            title: row.get(1)?,
            provider_id: row.get(2)?,
            model: row.get(3)?,
            temperature: row.get(4)?,
            max_tokens: row.get(5)?,
            top_p: row.get(6)?,
            system_prompt: row.get(7)?,
            tools: row.json(8)?,
            variables: row.json(9)?,
        },
        imported_from: row.optional_json(12)?,
        created_at: row.timestamp(10)?,
        updated_at: row.timestamp(11)?,
    })
}

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<SessionSummary> {
    Ok(SessionSummary {
        id: row.get(0)?,
        title: row.get(1)?,
        provider_id: row.get(2)?,
        model: row.get(3)?,
        message_count: row.get(4)?,
        created_at: row.timestamp(5)?,
        updated_at: row.timestamp(6)?,
    })
}

fn check_config(config: &SessionConfig) -> Result<()> {
    checked_title(&config.title)?;
    if config.provider_id.trim().is_empty() {
        return Err(StoreError::Invalid("a session needs a provider".into()));
    }
    Ok(())
}

fn checked_title(title: &str) -> Result<&str> {
    let title = title.trim();
    if title.is_empty() {
        return Err(StoreError::Invalid("the title must not be empty".into()));
    }
    Ok(title)
}

/// `query` as one FTS5 phrase: quoted, inner quotes doubled, so no character
/// of it is read as FTS5 syntax.
fn fts_phrase(query: &str) -> String {
    format!("\"{}\"", query.replace('"', "\"\""))
}

fn escape_like(query: &str) -> String {
    let mut escaped = String::with_capacity(query.len());
    for c in query.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// About 80 characters of `content` around the first case-insensitive
/// occurrence of `query`, on one line.
pub(crate) fn snippet(content: &str, query: &str) -> String {
    const CONTEXT: usize = 40;
    let chars: Vec<char> = content.chars().collect();
    let fold = |c: &char| c.to_lowercase().next().unwrap_or(*c);
    let needle: Vec<char> = query.chars().collect::<Vec<_>>().iter().map(fold).collect();
    let lower: Vec<char> = chars.iter().map(fold).collect();
    let found = if needle.is_empty() || needle.len() > lower.len() {
        None
    } else {
        (0..=lower.len() - needle.len()).find(|&i| lower[i..i + needle.len()] == needle[..])
    };
    let at = found.unwrap_or(0);
    let start = at.saturating_sub(CONTEXT);
    let end = (at + needle.len() + CONTEXT).min(chars.len());
    let mut text: String = chars[start..end]
        .iter()
        .map(|c| if c.is_whitespace() { ' ' } else { *c })
        .collect();
    if start > 0 {
        text.insert(0, '…');
    }
    if end < chars.len() {
        text.push('…');
    }
    text
}
