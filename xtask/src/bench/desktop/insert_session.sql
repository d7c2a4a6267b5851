-- A session of the bench's database (?5 created, ?6 updated).
INSERT INTO sessions (id, title, provider_id, model, temperature, max_tokens, top_p,
    system_prompt, tools, variables, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, NULL, NULL, NULL, NULL, '[]', '{}', ?5, ?6)
