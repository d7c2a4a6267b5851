//! Shares published from this app ("My shares").

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Result, ShareRecord, Store, StoreError, TextColumns, all_rows, timestamp};

const SHARE_COLUMNS: &str = "share_id, server_url, share_url, session_id, title, delete_token, expires_at, created_at, revoked_at, reach";

impl Store {
    pub fn insert_share(&self, share: &ShareRecord) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            &format!(
                "INSERT INTO shares ({SHARE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ),
            params![
                share.share_id,
                share.server_url,
                share.share_url,
                share.session_id,
                share.title,
                share.delete_token,
                share.expires_at.map(timestamp),
                timestamp(share.created_at),
                share.revoked_at.map(timestamp),
                share.reach,
            ],
        )?;
        Ok(())
    }

    /// Every share, newest first (revoked ones included, marked).
    pub fn list_shares(&self) -> Result<Vec<ShareRecord>> {
        let conn = self.conn()?;
        let sql = format!("SELECT {SHARE_COLUMNS} FROM shares ORDER BY created_at DESC, share_id");
        all_rows(&conn, &sql, [], share_from_row)
    }

    /// The share with this id (ids are random: one server's id is unique
    /// enough across servers; the newest wins should two collide).
    pub fn share(&self, share_id: &str) -> Result<ShareRecord> {
        let conn = self.conn()?;
        conn.query_row(
            &format!(
                "SELECT {SHARE_COLUMNS} FROM shares WHERE share_id = ?1
                 ORDER BY created_at DESC LIMIT 1"
            ),
            [share_id],
            share_from_row,
        )
        .optional()?
        .ok_or(StoreError::NotFound { what: "share" })
    }

    pub fn mark_share_revoked(
        &self,
        server_url: &str,
        share_id: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.change_one(
            "share",
            "UPDATE shares SET revoked_at = ?3 WHERE server_url = ?1 AND share_id = ?2",
            params![server_url, share_id, timestamp(at)],
        )
    }

    /// Forgets a share locally (the link itself is not touched).
    pub fn forget_share(&self, server_url: &str, share_id: &str) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "DELETE FROM shares WHERE server_url = ?1 AND share_id = ?2",
            params![server_url, share_id],
        )?;
        Ok(())
    }
}

fn share_from_row(row: &Row<'_>) -> rusqlite::Result<ShareRecord> {
    Ok(ShareRecord {
        share_id: row.get(0)?,
        server_url: row.get(1)?,
        share_url: row.get(2)?,
        session_id: row.get(3)?,
        title: row.get(4)?,
        delete_token: row.get(5)?,
        expires_at: row.optional_timestamp(6)?,
        created_at: row.timestamp(7)?,
        revoked_at: row.optional_timestamp(8)?,
        reach: row.get(9)?,
    })
}
