-- The share-server's schema (PostgreSQL). Times are `timestamptz` with
-- millisecond precision (the store truncates, as the SQLite backend does).

CREATE TABLE users (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    -- SHA-256 of the user's API token; the token itself is never stored.
    token_hash  bytea       NOT NULL CHECK (octet_length(token_hash) = 32),
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE UNIQUE INDEX users_name ON users (name);
CREATE UNIQUE INDEX users_token_hash ON users (token_hash);

CREATE TABLE shares (
    pk                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The public id: 22 base62 characters.
    id                 text        NOT NULL,
    -- NULL for anonymous shares.
    owner_id           bigint      REFERENCES users (id),
    -- SHA-256 of the share's delete token.
    delete_token_hash  bytea       NOT NULL CHECK (octet_length(delete_token_hash) = 32),
    title              text        NOT NULL,
    -- The snapshot exactly as received (emptied when the share is revoked).
    -- `bytea`, not `jsonb`: jsonb re-orders keys and rewrites whitespace and
    -- escapes, and the API promises the bytes it was given.
    snapshot           bytea       NOT NULL,
    created_at         timestamptz NOT NULL,
    expires_at         timestamptz,
    revoked_at         timestamptz,
    indexable          boolean     NOT NULL DEFAULT false
);

CREATE UNIQUE INDEX shares_id ON shares (id);
CREATE INDEX shares_owner_created ON shares (owner_id, created_at DESC, pk DESC);
CREATE INDEX shares_expires ON shares (expires_at) WHERE expires_at IS NOT NULL;
