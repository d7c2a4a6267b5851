-- Each answer's generation record, as it was when the answer was made, so
-- that editing or renaming a provider later does not rewrite history:
-- - provider_name: who served it, as shares name it (see `served_by.rs`);
-- - price_provider: the price-table id whose bundled prices applied, NULL
--   when only the user's own prices could;
-- - params: the sampling parameters sent, JSON
--   {temperature?, topP?, maxTokens?, …any other sent}.
ALTER TABLE messages ADD COLUMN provider_name TEXT;
ALTER TABLE messages ADD COLUMN price_provider TEXT;
ALTER TABLE messages ADD COLUMN params TEXT;

-- Answers made before this was kept: their session's settings are what they
-- were generated with, as far as anyone knows. (Who served them is named
-- when the app opens, from the provider entry: see `served_by::backfill`.)
UPDATE messages
SET provider_id = COALESCE(messages.provider_id, s.provider_id),
    model       = COALESCE(messages.model, NULLIF(s.model, '')),
    params      = CASE
        WHEN s.temperature IS NULL AND s.top_p IS NULL AND s.max_tokens IS NULL THEN NULL
        -- json_patch drops the keys whose value is NULL.
        ELSE json_patch('{}', json_object(
            'temperature', s.temperature, 'topP', s.top_p, 'maxTokens', s.max_tokens))
    END
FROM sessions s
WHERE s.id = messages.session_id AND messages.role = 'assistant';

-- Where a session came from, when it was imported from a share:
-- JSON {shareId, shareUrl, importedAt}. NULL for sessions made here.
ALTER TABLE sessions ADD COLUMN imported_from TEXT;
