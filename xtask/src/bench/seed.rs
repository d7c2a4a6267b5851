//! Growing the share table directly in the SQLite file: one transaction,
//! one `INSERT … SELECT` over a recursive counter, so a million rows take
//! seconds, not the minutes a million API calls would.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

/// Adds anonymous, live shares until the table holds `total` rows. Every seeded share has the same small snapshot
/// (only the number of rows matters to lookups) and a random id of 22
/// upper-case hex characters (valid base62, spread over the whole index as
/// real ids are).
pub fn grow_to(database: &Path, total: u64, snapshot: &[u8], now: DateTime<Utc>) -> Result<()> {
    let mut conn = rusqlite::Connection::open(database)
        .with_context(|| format!("could not open {}", database.display()))?;
    let tx = conn.transaction()?;
    let existing: i64 = tx.query_row("SELECT count(*) FROM shares", [], |row| row.get(0))?;
    let missing = i64::try_from(total)?.saturating_sub(existing).max(0);
    if missing > 0 {
        let now_ms = now.timestamp_millis();
        let expires_ms = now_ms + 30 * 24 * 60 * 60 * 1000;
        tx.execute(
            include_str!("grow.sql"),
            rusqlite::params![missing, snapshot, now_ms, expires_ms],
        )
        .context("seeding shares failed")?;
    }
    tx.commit()?;
    // Fold the WAL back so the server starts on a plain file.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}
