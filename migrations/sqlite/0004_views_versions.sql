-- View limits, view counts and versions at the same link. No IP address or
-- user agent is stored: a view is only a count and a time.

-- The most full reads the share allows (NULL: no limit); counted in `views`
-- atomically, so every instance sees the same count.
ALTER TABLE shares ADD COLUMN max_views INTEGER CHECK (max_views IS NULL OR max_views >= 1);
-- Full reads so far (for shares without a limit, flushed from memory every
-- few seconds) and when the last one happened.
ALTER TABLE shares ADD COLUMN views INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN last_viewed_at INTEGER;
-- How many versions the share has. `shares.snapshot` (and `title`) is the
-- newest; the ones it replaced are in `share_versions`.
ALTER TABLE shares ADD COLUMN versions INTEGER NOT NULL DEFAULT 1 CHECK (versions >= 1);
-- When the newest version was published (NULL: version 1, `created_at`).
ALTER TABLE shares ADD COLUMN updated_at INTEGER;

-- The versions a newer one replaced, each immutable.
CREATE TABLE share_versions (
    share_id    TEXT    NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL CHECK (version >= 1),
    title       TEXT    NOT NULL,
    -- Exactly as received.
    snapshot    BLOB    NOT NULL,
    -- When this version was published.
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (share_id, version)
) STRICT, WITHOUT ROWID;
