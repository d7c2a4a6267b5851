-- Files attached to messages: each stored once by content hash, and which
-- shares reference it under which declared media type and name.

CREATE TABLE files (
    -- Lowercase hex SHA-256 of `bytes`.
    sha256  TEXT    PRIMARY KEY,
    size    INTEGER NOT NULL,
    bytes   BLOB    NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE share_files (
    share_id    TEXT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL REFERENCES files (sha256),
    -- As the share declared them (the first declaration when a share
    -- attaches the same bytes twice).
    media_type  TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (share_id, sha256)
) STRICT, WITHOUT ROWID;

-- For finding the blobs no share uses.
CREATE INDEX share_files_sha256 ON share_files (sha256);
