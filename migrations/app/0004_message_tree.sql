-- The message tree. Each message follows its parent (NULL: a first message
-- of its session); a user message's children are its answers, an answer's
-- the next user messages. Of a parent's children (and of a session's first
-- messages) one is `selected`: the one the conversation continues with.
-- `on_path` marks the selected path, from the selected first message down
-- through each selected child. It is kept in step with every change to the
-- tree, in the same transaction, so the path is read page by page on an
-- index as the whole session was, never by walking the tree.
--
-- No foreign key on parent_id: its check would want an index led by
-- parent_id, and the store deletes a branch as one subtree anyway.
ALTER TABLE messages ADD COLUMN parent_id TEXT;
ALTER TABLE messages ADD COLUMN selected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN on_path INTEGER NOT NULL DEFAULT 0;

-- Sessions so far are one chain each: every message follows the one before.
UPDATE messages
SET parent_id = chain.previous, selected = 1, on_path = 1
FROM (SELECT seq, LAG(id) OVER (PARTITION BY session_id ORDER BY position) AS previous
      FROM messages) AS chain
WHERE chain.seq = messages.seq;

-- A message's children (the first messages: parent_id IS NULL), in order.
CREATE INDEX messages_children ON messages (session_id, parent_id, position);
-- The selected path, in order: what pages read.
CREATE INDEX messages_path ON messages (session_id, on_path, position);
