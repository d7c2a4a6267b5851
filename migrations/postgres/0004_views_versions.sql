-- View limits, view counts and versions at the same link. No IP address or
-- user agent is stored: a view is only a count and a time.

-- The most full reads the share allows (NULL: no limit); counted in `views`
-- with one conditional UPDATE, so instances racing for the last view get
-- exactly one answer between them.
ALTER TABLE shares ADD COLUMN max_views integer CHECK (max_views IS NULL OR max_views >= 1);
-- Full reads so far (for shares without a limit, flushed from memory every
-- few seconds) and when the last one happened.
ALTER TABLE shares ADD COLUMN views bigint NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN last_viewed_at timestamptz;
-- How many versions the share has. `shares.snapshot` (and `title`) is the
-- newest; the ones it replaced are in `share_versions`.
ALTER TABLE shares ADD COLUMN versions integer NOT NULL DEFAULT 1 CHECK (versions >= 1);
-- When the newest version was published (NULL: version 1, `created_at`).
ALTER TABLE shares ADD COLUMN updated_at timestamptz;

-- The versions a newer one replaced, each immutable.
CREATE TABLE share_versions (
    share_id    text        NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    version     integer     NOT NULL CHECK (version >= 1),
    title       text        NOT NULL,
    -- Exactly as received.
    snapshot    bytea       NOT NULL,
    -- When this version was published.
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (share_id, version)
);
