-- A complete message of a seeded session; ?15 is both its creation and update time.
INSERT INTO messages (id, session_id, position, role, content, reasoning,
    input_tokens, output_tokens, reasoning_tokens, cached_tokens, cost, ttft_ms,
    inference_ms, tool_calls, tool_call_id, status, error, finish_reason,
    provider_id, model, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, NULL, ?8, ?9, ?10, ?11, '[]', NULL,
    'complete', NULL, ?12, ?13, ?14, ?15, ?15)
