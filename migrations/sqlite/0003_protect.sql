-- Password-protected shares and the server's own keys.

-- The argon2id hash of the share's password as a PHC string; NULL for a
-- share anyone with the link may open. The password itself is never stored.
ALTER TABLE shares ADD COLUMN password_hash TEXT;

-- Secrets every instance on this database shares, created once by the
-- first instance that needs one (e.g. the key that signs unlock cookies).
CREATE TABLE server_keys (
    name  TEXT PRIMARY KEY,
    key   BLOB NOT NULL
) STRICT, WITHOUT ROWID;
