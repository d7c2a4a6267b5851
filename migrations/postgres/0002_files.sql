-- Files attached to messages: each stored once by content hash, and which
-- shares reference it under which declared media type and name.

CREATE TABLE files (
    -- Lowercase hex SHA-256 of `bytes`.
    sha256  text   PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size    bigint NOT NULL,
    bytes   bytea  NOT NULL
);

CREATE TABLE share_files (
    share_id    text NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    sha256      text NOT NULL REFERENCES files (sha256),
    -- As the share declared them (the first declaration when a share
    -- attaches the same bytes twice).
    media_type  text NOT NULL,
    name        text NOT NULL,
    PRIMARY KEY (share_id, sha256)
);

-- For finding the blobs no share uses.
CREATE INDEX share_files_sha256 ON share_files (sha256);
