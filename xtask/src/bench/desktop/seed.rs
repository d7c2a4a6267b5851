//! The app's database, written before the app starts: the schema from
//! `migrations/app` applied as the app's store does (and `user_version` set
//! as `rusqlite_migration` sets it, so the app sees it migrated), then a
//! session of 10,000 messages and a small one, each in one transaction.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration as Span, SecondsFormat, Utc};
use rusqlite::{Connection, params};

/// The app's schema, as `src-tauri/src/store/mod.rs` embeds it.
const MIGRATIONS: &[&str] = &[include_str!("../../../../migrations/app/0001_init.sql")];

pub const BIG_SESSION: &str = "bench-session-10k";
pub const SMALL_SESSION: &str = "bench-session-small";
pub const PROVIDER: &str = "openai";
pub const MODEL: &str = "gpt-4o-mini";

/// The id of message `position` of a seeded session.
pub fn message_id(session: &str, position: usize) -> String {
    format!("{session}-m{position:05}")
}

/// Opens (creating) the database at `path` with the app's pragmas and schema.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn =
        Connection::open(path).with_context(|| format!("could not open {}", path.display()))?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let tx = conn.transaction()?;
    for sql in MIGRATIONS.iter().skip(usize::try_from(version)?) {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", i64::try_from(MIGRATIONS.len())?)?;
    tx.commit()?;
    Ok(conn)
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The text of message `position`: questions, and answers of a few hundred
/// bytes with Markdown, a list and, every fifth answer, a code block.
pub fn content(position: usize) -> String {
    if position.is_multiple_of(2) {
        format!(
            "Question {position}: how would you make the *loader* of step {} faster \
             without changing its output?",
            position / 2
        )
    } else {
        let mut text = format!(
            "Answer {position}. Three things help here:\n\n\
             1. **Batch** the reads: one query per page instead of one per row.\n\
             2. Keep the parsed form in memory while the page is shown.\n\
             3. Measure before and after, on the same machine, side by side.\n"
        );
        if position % 10 == 1 {
            text.push_str(&format!(
                "\n```rust\nfn page(rows: &[Row]) -> usize {{\n    rows.iter().filter(|r| r.visible).count() + {position}\n}}\n```\n"
            ));
        }
        text
    }
}

/// Adds a session with `count` alternating user and assistant messages,
/// updated at `updated_at` (the sidebar sorts by it), in one transaction.
pub fn add_session(
    conn: &mut Connection,
    id: &str,
    title: &str,
    count: usize,
    updated_at: DateTime<Utc>,
) -> Result<()> {
    let created = updated_at - Span::seconds(i64::try_from(count)? + 60);
    let tx = conn.transaction()?;
    let times = (timestamp(created), timestamp(updated_at));
    let session = params![id, title, PROVIDER, MODEL, times.0, times.1];
    tx.execute(include_str!("insert_session.sql"), session)?;
    let mut insert = tx.prepare(include_str!("insert_message.sql"))?;
    for position in 0..count {
        let n = i64::try_from(position)?;
        let (at, assistant) = (timestamp(created + Span::seconds(n)), position % 2 == 1);
        insert.execute(params![
            message_id(id, position),
            id,
            n,
            if assistant { "assistant" } else { "user" },
            content(position),
            assistant.then_some(120 + n),
            assistant.then_some(80_i64),
            assistant.then_some(64_i64),
            assistant.then_some(0.000_123),
            assistant.then_some(350_i64),
            assistant.then_some(1_200_i64),
            assistant.then_some("stop"),
            assistant.then_some(PROVIDER),
            assistant.then_some(MODEL),
            at,
        ])?;
    }
    drop(insert);
    tx.commit()?;
    Ok(())
}

/// The bench's database: the 10,000-message session, and a newer two-message
/// one to switch away to between timed opens.
pub fn seed(path: &Path, big: usize) -> Result<()> {
    let mut conn = open(path)?;
    let now = Utc::now();
    add_session(
        &mut conn,
        BIG_SESSION,
        &format!("Bench: {big} messages"),
        big,
        now - Span::minutes(5),
    )?;
    add_session(&mut conn, SMALL_SESSION, "Bench: small", 2, now)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one value `sql` selects, as text.
    fn one(conn: &Connection, sql: &str) -> String {
        let value: rusqlite::types::Value = conn.query_row(sql, [], |row| row.get(0)).unwrap();
        match value {
            rusqlite::types::Value::Integer(n) => n.to_string(),
            rusqlite::types::Value::Text(text) => text,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn seeds_what_the_store_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parlor.db");
        seed(&path, 1_000).unwrap();
        // Reopening is a no-op migration, as for the app.
        let conn = open(&path).unwrap();
        assert_eq!(one(&conn, "PRAGMA user_version"), "1");
        let big = format!("FROM messages WHERE session_id = '{BIG_SESSION}'");
        assert_eq!(one(&conn, &format!("SELECT COUNT(*) {big}")), "1000");
        // The app's page query (latest first) and its columns' formats.
        let latest = |column: &str| {
            one(
                &conn,
                &format!("SELECT {column} {big} ORDER BY position DESC LIMIT 1"),
            )
        };
        assert_eq!(latest("id"), message_id(BIG_SESSION, 999));
        assert_eq!(
            latest("role || ' ' || status || ' ' || tool_calls"),
            "assistant complete []"
        );
        let created = latest("created_at");
        assert!(DateTime::parse_from_rfc3339(&created).is_ok(), "{created}");
        assert!(created.ends_with('Z') && created.len() == 24, "{created}");
        // The full-text index followed the inserts (its triggers ran).
        let fts = "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH '\"Answer 999\"'";
        assert_eq!(one(&conn, fts), "1");
        // The sidebar lists the small session first (newest).
        let first = one(
            &conn,
            "SELECT id FROM sessions ORDER BY updated_at DESC LIMIT 1",
        );
        assert_eq!(first, SMALL_SESSION);
    }
}
