-- Parlor desktop store, version 1. Times are RFC 3339 UTC text with
-- milliseconds (sortable as text). JSON columns hold chat-core types.
-- Secrets never live here: API keys and tokens are in the OS keyring.

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    title         TEXT NOT NULL,
    -- Id of the configured provider endpoint (settings), not a price-table id.
    provider_id   TEXT NOT NULL,
    model         TEXT NOT NULL,
    temperature   REAL,
    max_tokens    INTEGER,
    top_p         REAL,
    system_prompt TEXT,
    tools         TEXT NOT NULL DEFAULT '[]',  -- JSON [ToolDefinition]
    variables     TEXT NOT NULL DEFAULT '{}',  -- JSON {name: value}
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX sessions_updated ON sessions (updated_at DESC);

CREATE TABLE messages (
    -- A rowid alias: the full-text index refers to it, and VACUUM keeps it.
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    session_id       TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system', 'tool')),
    content          TEXT NOT NULL DEFAULT '',
    reasoning        TEXT,
    input_tokens     INTEGER,
    output_tokens    INTEGER,
    reasoning_tokens INTEGER,
    cached_tokens    INTEGER,
    cost             REAL,
    ttft_ms          INTEGER,
    inference_ms     INTEGER,
    tool_calls       TEXT NOT NULL DEFAULT '[]',  -- JSON [ToolCall]
    tool_call_id     TEXT,
    status           TEXT NOT NULL DEFAULT 'complete'
                     CHECK (status IN ('streaming', 'complete', 'stopped', 'error')),
    error            TEXT,
    finish_reason    TEXT,
    -- The endpoint and model that produced an assistant message.
    provider_id      TEXT,
    model            TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (session_id, position)
);

-- Substring search over message content (trigram: any 3+ character fragment,
-- case-insensitive), kept in step with `messages` by the triggers below.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content,
    content = 'messages',
    content_rowid = 'seq',
    tokenize = 'trigram'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;

CREATE TABLE shares (
    share_id     TEXT NOT NULL,
    -- Base URL of the share-server that holds it.
    server_url   TEXT NOT NULL,
    share_url    TEXT NOT NULL,
    -- Kept when the session is deleted: the link still exists and can be revoked.
    session_id   TEXT REFERENCES sessions (id) ON DELETE SET NULL,
    title        TEXT NOT NULL,
    -- Capability to delete this one share (anonymous publishing); not an account secret.
    delete_token TEXT,
    expires_at   TEXT,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT,
    PRIMARY KEY (server_url, share_id)
);
CREATE INDEX shares_created ON shares (created_at DESC);
CREATE INDEX shares_session ON shares (session_id);

-- Key → JSON value. Never a secret.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
