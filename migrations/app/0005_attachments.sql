-- Files attached to messages, stored once by the SHA-256 of their bytes (an
-- image's after its metadata was stripped, so the model, the store and a
-- share all see the same bytes). `name` and `media_type` are those the file
-- was last added with; a message keeps the name it was sent with in
-- `message_attachments`. `added_at` lets a start-up sweep drop files that
-- were added for a message and never sent.
CREATE TABLE attachments (
    sha256     TEXT PRIMARY KEY NOT NULL,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL,
    width      INTEGER,
    height     INTEGER,
    name       TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    bytes      BLOB NOT NULL
);

-- The files of each message, in the order they were attached. Deleting a
-- message (a branch, a whole session) deletes its rows here.
CREATE TABLE message_attachments (
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    sha256     TEXT NOT NULL REFERENCES attachments (sha256),
    name       TEXT NOT NULL,
    PRIMARY KEY (message_id, position)
);
CREATE INDEX message_attachments_file ON message_attachments (sha256);

-- A file goes when the last message using it does: a deleted session or
-- branch frees what no other message refers to. (Foreign-key cascades fire
-- this trigger too.)
CREATE TRIGGER message_attachments_free AFTER DELETE ON message_attachments
WHEN NOT EXISTS (SELECT 1 FROM message_attachments WHERE sha256 = OLD.sha256)
BEGIN
    DELETE FROM attachments WHERE sha256 = OLD.sha256;
END;
