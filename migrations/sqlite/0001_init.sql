-- The share-server's schema (SQLite). Times are Unix milliseconds (UTC).

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    -- SHA-256 of the user's API token; the token itself is never stored.
    token_hash  BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;

CREATE UNIQUE INDEX users_name ON users (name);
CREATE UNIQUE INDEX users_token_hash ON users (token_hash);

CREATE TABLE shares (
    pk                 INTEGER PRIMARY KEY,
    -- The public id: 22 base62 characters.
    id                 TEXT    NOT NULL,
    -- NULL for anonymous shares.
    owner_id           INTEGER REFERENCES users (id),
    -- SHA-256 of the share's delete token.
    delete_token_hash  BLOB    NOT NULL,
    title              TEXT    NOT NULL,
    -- The snapshot exactly as received (emptied when the share is revoked).
    snapshot           BLOB    NOT NULL,
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER,
    revoked_at         INTEGER,
    indexable          INTEGER NOT NULL DEFAULT 0 CHECK (indexable IN (0, 1))
) STRICT;

CREATE UNIQUE INDEX shares_id ON shares (id);
CREATE INDEX shares_owner_created ON shares (owner_id, created_at DESC, pk DESC);
CREATE INDEX shares_expires ON shares (expires_at) WHERE expires_at IS NOT NULL;
