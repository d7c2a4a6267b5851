mod attachments;
mod tree;

use std::time::Instant;

use chat_core::{Role, ToolCall, Totals, Usage};
use chrono::Utc;
use tempfile::TempDir;

use super::*;

fn config(title: &str) -> SessionConfig {
    SessionConfig {
        title: title.into(),
        provider_id: "openai".into(),
        model: "gpt-4o".into(),
        temperature: Some(0.7),
        system_prompt: Some("Be brief.".into()),
        ..SessionConfig::default()
    }
}

/// A database file at the schema of the first `steps` migrations, with
/// `sql` run on it (rows as an older app wrote them), not yet opened by the
/// store.
fn older_database(steps: usize, sql: &str) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("parlor.db");
    let mut conn = Connection::open(&path).unwrap();
    Migrations::from_slice(&MIGRATIONS[..steps])
        .to_latest(&mut conn)
        .unwrap();
    conn.execute_batch(sql).unwrap();
    (dir, path)
}

fn temp_store() -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("parlor.db")).unwrap();
    (dir, store)
}

fn answer(
    store: &Store,
    session: &str,
    text: &str,
    usage: Usage,
    cost: Option<f64>,
) -> StoredMessage {
    let message = store
        .append_message(session, NewMessage::new(Role::Assistant, ""))
        .unwrap();
    store
        .save_outcome(&StoredMessage {
            content: text.into(),
            usage: Some(usage),
            cost,
            time_to_first_token_ms: Some(100),
            inference_time_ms: Some(1100),
            status: MessageStatus::Complete,
            ..message
        })
        .unwrap()
}

fn usage(input: i64, output: i64) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        reasoning_tokens: Some(output / 2),
        cached_tokens: Some(input / 2),
    }
}

#[test]
fn migrations_are_valid_and_apply_to_an_empty_file() {
    Migrations::from_slice(MIGRATIONS).validate().unwrap();
    let (dir, store) = temp_store();
    drop(store);
    let conn = Connection::open(dir.path().join("parlor.db")).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, MIGRATIONS.len() as i64);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    for table in ["sessions", "messages", "messages_fts", "shares", "settings"] {
        let found: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1)",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert!(found, "{table}");
    }
    // Opening again is a no-op.
    Store::open(&dir.path().join("parlor.db")).unwrap();
}

#[test]
fn foreign_keys_are_enforced() {
    let store = Store::open_in_memory().unwrap();
    let conn = store.conn().unwrap();
    let on: bool = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert!(on);
}

#[test]
fn session_lifecycle() {
    let store = Store::open_in_memory().unwrap();
    let tick = || std::thread::sleep(std::time::Duration::from_millis(3));
    let a = store.create_session(&config("First")).unwrap();
    tick();
    let b = store.create_session(&config("Second")).unwrap();
    assert_eq!(store.session(&a.id).unwrap(), a);
    tick();

    let listed = store.list_sessions().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, b.id, "newest first");

    store
        .append_message(&a.id, NewMessage::new(Role::User, "hello"))
        .unwrap();
    let listed = store.list_sessions().unwrap();
    assert_eq!(listed[0].id, a.id, "a new message moves the session up");
    assert_eq!(listed[0].message_count, 1);

    let renamed = store.rename_session(&a.id, "  Renamed  ").unwrap();
    assert_eq!(renamed.config.title, "Renamed");
    assert!(matches!(
        store.rename_session(&a.id, "   "),
        Err(StoreError::Invalid(_))
    ));

    let mut changed = config("Configured");
    changed.model = "gpt-4o-mini".into();
    changed.tools = vec![chat_core::ToolDefinition {
        name: "lookup".into(),
        description: Some("Look it up".into()),
        parameters: serde_json::json!({"type": "object"}),
    }];
    changed.variables.insert("city".into(), "Paris".into());
    let updated = store.update_session(&a.id, &changed).unwrap();
    assert_eq!(updated.config, changed);
    assert_eq!(store.session(&a.id).unwrap().config, changed);

    store.delete_session(&a.id).unwrap();
    assert!(matches!(
        store.session(&a.id),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.delete_session(&a.id),
        Err(StoreError::NotFound { .. })
    ));
    let orphans: i64 = store
        .conn()
        .unwrap()
        .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orphans, 0, "messages go with their session");
}

#[test]
fn duplicate_copies_every_message_with_new_ids() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Original")).unwrap();
    store
        .append_message(&session.id, NewMessage::new(Role::User, "question"))
        .unwrap();
    let original_answer = answer(&store, &session.id, "answer", usage(10, 5), Some(0.25));

    let copy = store.duplicate_session(&session.id, None).unwrap();
    assert_eq!(copy.config.title, "Original (copy)");
    assert_ne!(copy.id, session.id);
    let copied = store.all_messages(&copy.id).unwrap();
    let original = store.all_messages(&session.id).unwrap();
    assert_eq!(copied.len(), 2);
    for (c, o) in copied.iter().zip(&original) {
        assert_ne!(c.id, o.id);
        assert_eq!(
            (c.role, &c.content, c.usage, c.cost),
            (o.role, &o.content, o.usage, o.cost)
        );
        assert_eq!(c.position, o.position);
    }
    assert_eq!(
        copied[1].time_to_first_token_ms,
        original_answer.time_to_first_token_ms
    );
    let named = store.duplicate_session(&session.id, Some("Named")).unwrap();
    assert_eq!(named.config.title, "Named");
}

#[test]
fn search_finds_titles_and_content_and_follows_changes() {
    let store = Store::open_in_memory().unwrap();
    let rust = store.create_session(&config("Rust lifetimes")).unwrap();
    let cooking = store.create_session(&config("Dinner")).unwrap();
    store
        .append_message(
            &cooking.id,
            NewMessage::new(Role::User, "How long to boil an egg?"),
        )
        .unwrap();
    let sauce = store
        .append_message(
            &cooking.id,
            NewMessage::new(Role::Assistant, "Make a béarnaise SAUCE with 100% butter"),
        )
        .unwrap();

    let hits = store.search_sessions("lifetime", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].session.id, rust.id);
    assert!(hits[0].title_matches);
    assert_eq!(hits[0].message_id, None);

    let hits = store.search_sessions("sauce", 10).unwrap();
    assert_eq!(hits.len(), 1, "case-insensitive content match");
    assert_eq!(hits[0].message_id.as_deref(), Some(sauce.id.as_str()));
    assert!(hits[0].snippet.as_deref().unwrap().contains("SAUCE"));

    // Short queries scan, symbols are literal.
    assert_eq!(store.search_sessions("eg", 10).unwrap().len(), 1);
    assert_eq!(store.search_sessions("100%", 10).unwrap().len(), 1);
    assert_eq!(store.search_sessions("\"béarnaise\"", 10).unwrap().len(), 0);
    assert_eq!(store.search_sessions("béarnaise", 10).unwrap().len(), 1);
    assert_eq!(store.search_sessions("   ", 10).unwrap().len(), 0);

    store
        .edit_message_content(&sauce.id, "Use olive oil")
        .unwrap();
    assert_eq!(store.search_sessions("sauce", 10).unwrap().len(), 0);
    assert_eq!(store.search_sessions("olive", 10).unwrap().len(), 1);

    store.delete_session(&cooking.id).unwrap();
    assert_eq!(store.search_sessions("olive", 10).unwrap().len(), 0);
    assert_eq!(store.search_sessions("boil", 10).unwrap().len(), 0);
}

#[test]
fn messages_append_update_checkpoint_and_delete_a_branch() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Chat")).unwrap();
    let stored = store
        .append_messages(
            &session.id,
            vec![
                NewMessage::new(Role::User, "hi"),
                NewMessage {
                    status: MessageStatus::Streaming,
                    generation: Generation {
                        provider_id: Some("openai".into()),
                        model: Some("gpt-4o".into()),
                        ..Generation::default()
                    },
                    ..NewMessage::new(Role::Assistant, "")
                },
            ],
        )
        .unwrap();
    assert_eq!(stored[0].position, 0);
    assert_eq!(stored[1].position, 1);
    assert_eq!(stored[1].status, MessageStatus::Streaming);

    store
        .checkpoint_message(&stored[1].id, "partial", Some("thinking"))
        .unwrap();
    let partial = store.message(&stored[1].id).unwrap();
    assert_eq!(partial.content, "partial");
    assert_eq!(partial.reasoning.as_deref(), Some("thinking"));

    let call = ToolCall {
        id: "call_1".into(),
        name: "lookup".into(),
        arguments: r#"{"q":"x"}"#.into(),
    };
    let done = store
        .save_outcome(&StoredMessage {
            content: "full answer".into(),
            reasoning: Some("thought".into()),
            usage: Some(usage(1000, 200)),
            cost: Some(0.0125),
            time_to_first_token_ms: Some(250),
            inference_time_ms: Some(2250),
            tool_calls: vec![call.clone()],
            status: MessageStatus::Stopped,
            error: None,
            finish_reason: Some("tool_calls".into()),
            ..partial
        })
        .unwrap();
    assert_eq!(done.content, "full answer");
    assert_eq!(done.usage, Some(usage(1000, 200)));
    assert_eq!(done.cost, Some(0.0125));
    assert_eq!(done.tool_calls, vec![call]);
    assert_eq!(done.status, MessageStatus::Stopped);
    assert_eq!(
        done.tokens_per_second,
        Some(100.0),
        "200 tokens in 2 s after the first"
    );
    // A checkpoint after the end changes nothing.
    store.checkpoint_message(&done.id, "late", None).unwrap();
    assert_eq!(store.message(&done.id).unwrap().content, "full answer");

    let tool = store
        .append_message(
            &session.id,
            NewMessage {
                tool_call_id: Some("call_1".into()),
                ..NewMessage::new(Role::Tool, "42")
            },
        )
        .unwrap();
    assert_eq!(tool.position, 2);
    assert_eq!(tool.tool_call_id.as_deref(), Some("call_1"));

    assert_eq!(store.delete_branch(&stored[1].id).unwrap(), 2);
    assert_eq!(store.all_messages(&session.id).unwrap().len(), 1);
    assert!(matches!(
        store.append_message("missing", NewMessage::new(Role::User, "x")),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn totals_sum_tokens_and_know_when_the_cost_is_unknown() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Costs")).unwrap();
    assert_eq!(
        store.session_totals(&session.id).unwrap(),
        SessionTotals {
            sums: Totals {
                total_cost: Some(0.0),
                ..Totals::default()
            },
            ..SessionTotals::default()
        }
    );
    store
        .append_message(&session.id, NewMessage::new(Role::User, "q"))
        .unwrap();
    answer(&store, &session.id, "a", usage(100, 40), Some(0.5));
    answer(&store, &session.id, "b", usage(10, 4), Some(0.25));
    assert_eq!(
        store.session_totals(&session.id).unwrap(),
        SessionTotals {
            message_count: 3,
            sums: Totals {
                input_tokens: 110,
                output_tokens: 44,
                reasoning_tokens: 22,
                cached_tokens: 55,
                total_tokens: 154,
                total_cost: Some(0.75),
            },
            inference_time_ms: 2200,
        }
    );

    answer(&store, &session.id, "c", usage(1, 1), None);
    assert_eq!(
        store.session_totals(&session.id).unwrap().sums.total_cost,
        None
    );
    assert!(matches!(
        store.session_totals("missing"),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn ten_thousand_messages_page_quickly_in_order() {
    let (_dir, store) = temp_store();
    let session = store.create_session(&config("Long")).unwrap();
    let batch: Vec<NewMessage> = (0..10_000)
        .map(|i| {
            let role = if i % 2 == 0 {
                Role::User
            } else {
                Role::Assistant
            };
            NewMessage::new(role, format!("message number {i}"))
        })
        .collect();
    store.append_messages(&session.id, batch).unwrap();

    let started = Instant::now();
    let latest = store.messages_page(&session.id, None, None, 100).unwrap();
    let first_page = started.elapsed();
    assert_eq!(latest.messages.len(), 100);
    assert_eq!(latest.messages[0].position, 9_900);
    assert_eq!(latest.messages[99].content, "message number 9999");
    assert!(latest.has_more_before);
    assert!(!latest.has_more_after);
    // Generous for a debug build on a busy 2-core machine; a release build
    // takes about a millisecond.
    assert!(
        first_page.as_millis() < 250,
        "first page took {first_page:?}"
    );

    // Walk back to the start, page by page.
    let mut seen = latest.messages.len();
    let mut page = latest;
    let mut slowest = first_page;
    while page.has_more_before {
        let before = page.messages[0].position;
        let started = Instant::now();
        page = store
            .messages_page(&session.id, Some(before), None, 100)
            .unwrap();
        slowest = slowest.max(started.elapsed());
        assert!(page.has_more_after);
        assert_eq!(page.messages.last().unwrap().position, before - 1);
        seen += page.messages.len();
    }
    assert_eq!(seen, 10_000);
    assert_eq!(page.messages[0].position, 0);
    assert!(slowest.as_millis() < 250, "slowest page took {slowest:?}");

    // And forward from the middle.
    let forward = store
        .messages_page(&session.id, None, Some(4_999), 3)
        .unwrap();
    let positions: Vec<i64> = forward.messages.iter().map(|m| m.position).collect();
    assert_eq!(positions, vec![5_000, 5_001, 5_002]);
    assert!(forward.has_more_before && forward.has_more_after);

    // Searching 10,000 messages uses the index.
    let started = Instant::now();
    let hits = store.search_sessions("number 7777", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(started.elapsed().as_millis() < 250);
}

#[test]
fn a_transaction_dropped_without_commit_changes_nothing() {
    let (dir, store) = temp_store();
    let session = store.create_session(&config("Safe")).unwrap();
    store
        .append_message(&session.id, NewMessage::new(Role::User, "committed"))
        .unwrap();
    {
        let mut conn = store.conn().unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute(
            "UPDATE messages SET content = 'overwritten' WHERE session_id = ?1",
            [&session.id],
        )
        .unwrap();
        tx.execute("DELETE FROM sessions WHERE id = ?1", [&session.id])
            .unwrap();
        // Dropped here: rolled back.
    }
    drop(store);
    let store = Store::open(&dir.path().join("parlor.db")).unwrap();
    let messages = store.all_messages(&session.id).unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].content, "committed");
}

/// The child half of the crash test: commits, then dies inside a write.
#[test]
#[ignore = "run by a_crash_in_the_middle_of_a_write_loses_nothing_committed"]
fn crash_child() {
    let Ok(path) = std::env::var("PARLOR_CRASH_DB") else {
        return;
    };
    let store = Store::open(std::path::Path::new(&path)).unwrap();
    let session = store.create_session(&config("Before the crash")).unwrap();
    store
        .append_messages(
            &session.id,
            (0..50)
                .map(|i| NewMessage::new(Role::User, format!("committed {i}")))
                .collect(),
        )
        .unwrap();
    let mut conn = store.conn().unwrap();
    let tx = conn.transaction().unwrap();
    for i in 0..1000 {
        tx.execute(
            "INSERT INTO messages (id, session_id, position, role, content, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'user', 'uncommitted', '2026-01-01T00:00:00.000Z',
                     '2026-01-01T00:00:00.000Z')",
            (format!("lost-{i}"), &session.id, 1000 + i),
        )
        .unwrap();
    }
    tx.execute("DELETE FROM messages WHERE content LIKE 'committed 1%'", [])
        .unwrap();
    // The process dies with the transaction open: no rollback, no close.
    std::process::abort();
}

#[test]
fn a_crash_in_the_middle_of_a_write_loses_nothing_committed() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("parlor.db");
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "store::tests::crash_child",
            "--ignored",
            "--nocapture",
        ])
        .env("PARLOR_CRASH_DB", &path)
        .status()
        .unwrap();
    assert!(!status.success(), "the child must have crashed");

    let store = Store::open(&path).unwrap();
    let sessions = store.list_sessions().unwrap();
    assert_eq!(sessions.len(), 1);
    let messages = store.all_messages(&sessions[0].id).unwrap();
    assert_eq!(messages.len(), 50);
    assert!(messages.iter().all(|m| m.content.starts_with("committed")));
    assert_eq!(store.search_sessions("uncommitted", 10).unwrap().len(), 0);
}

#[test]
fn answers_left_streaming_are_marked_interrupted_on_open() {
    let (dir, store) = temp_store();
    let session = store.create_session(&config("Crash")).unwrap();
    let message = store
        .append_message(
            &session.id,
            NewMessage {
                status: MessageStatus::Streaming,
                ..NewMessage::new(Role::Assistant, "")
            },
        )
        .unwrap();
    store
        .checkpoint_message(&message.id, "half an ans", None)
        .unwrap();
    drop(store);
    let store = Store::open(&dir.path().join("parlor.db")).unwrap();
    let message = store.message(&message.id).unwrap();
    assert_eq!(message.status, MessageStatus::Error);
    assert_eq!(message.error.as_deref(), Some(INTERRUPTED));
    assert_eq!(message.content, "half an ans", "the checkpoint survives");
}

#[test]
fn shares_are_recorded_listed_and_revoked() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Shared")).unwrap();
    let record = ShareRecord {
        share_id: "abc123".into(),
        server_url: "http://127.0.0.1:9".into(),
        share_url: "http://127.0.0.1:9/shared/abc123".into(),
        session_id: Some(session.id.clone()),
        title: "Shared".into(),
        delete_token: Some("dt".into()),
        expires_at: None,
        created_at: Utc::now(),
        revoked_at: None,
        reach: Some("network".into()),
    };
    store.insert_share(&record).unwrap();
    let stored = store.share("abc123").unwrap();
    assert_eq!(stored.reach.as_deref(), Some("network"));
    assert_eq!(stored.share_url, record.share_url);
    assert_eq!(stored.delete_token.as_deref(), Some("dt"));
    assert_eq!(store.list_shares().unwrap().len(), 1);
    let json = serde_json::to_value(&stored).unwrap();
    assert!(json.get("deleteToken").is_none(), "never sent to the UI");

    store
        .mark_share_revoked(&record.server_url, "abc123", Utc::now())
        .unwrap();
    assert!(store.share("abc123").unwrap().revoked_at.is_some());

    store.delete_session(&session.id).unwrap();
    let kept = store.share("abc123").unwrap();
    assert_eq!(kept.session_id, None, "the link outlives the session");
    store.forget_share(&record.server_url, "abc123").unwrap();
    assert!(store.list_shares().unwrap().is_empty());
}

#[test]
fn settings_round_trip() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.setting::<Vec<String>>("k").unwrap(), None);
    store.set_setting("k", &vec!["a".to_owned()]).unwrap();
    store.set_setting("k", &vec!["b".to_owned()]).unwrap();
    assert_eq!(
        store.setting::<Vec<String>>("k").unwrap(),
        Some(vec!["b".to_owned()])
    );
}

#[test]
fn import_session_keeps_measurements() {
    let store = Store::open_in_memory().unwrap();
    let source = store.create_session(&config("Source")).unwrap();
    let answered = answer(&store, &source.id, "text", usage(5, 3), Some(0.001));
    let imported = store
        .import_session(&config("Imported"), None, vec![answered.clone()])
        .unwrap();
    let messages = store.all_messages(&imported.id).unwrap();
    assert_eq!(messages.len(), 1);
    assert_ne!(messages[0].id, answered.id);
    assert_eq!(messages[0].usage, answered.usage);
    assert_eq!(messages[0].cost, answered.cost);
    assert_eq!(messages[0].position, 0);
}

#[test]
fn answers_made_before_the_generation_record_get_their_sessions_settings() {
    let (_dir, path) = older_database(
        2,
        "INSERT INTO sessions (id, title, provider_id, model, temperature, max_tokens, top_p,
                                   created_at, updated_at) VALUES
               ('s1', 'Tuned', 'openai', 'gpt-4o', 0.3, NULL, 0.9,
                '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
               ('s2', 'Plain', 'ollama', 'llama3', NULL, NULL, NULL,
                '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO messages (id, session_id, position, role, content, provider_id, model,
                                   created_at, updated_at) VALUES
               ('u1', 's1', 0, 'user', 'Hi', NULL, NULL,
                '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z'),
               ('a1', 's1', 1, 'assistant', 'Hello', NULL, NULL,
                '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:02.000Z'),
               ('a2', 's1', 2, 'assistant', 'Hey', 'groq', 'llama-3.1-8b-instant',
                '2026-01-01T00:00:03.000Z', '2026-01-01T00:00:03.000Z'),
               ('a3', 's2', 0, 'assistant', 'Yo', NULL, NULL,
                '2026-01-01T00:00:04.000Z', '2026-01-01T00:00:04.000Z');",
    );
    let store = Store::open(&path).unwrap();
    let tuned = chat_core::GenerationParams {
        temperature: Some(0.3),
        top_p: Some(0.9),
        ..chat_core::GenerationParams::default()
    };
    let a1 = store.message("a1").unwrap();
    assert_eq!(a1.generation.provider_id.as_deref(), Some("openai"));
    assert_eq!(a1.generation.model.as_deref(), Some("gpt-4o"));
    assert_eq!(a1.generation.params.as_ref(), Some(&tuned));
    let a2 = store.message("a2").unwrap();
    assert_eq!(
        a2.generation.provider_id.as_deref(),
        Some("groq"),
        "what was kept stays"
    );
    assert_eq!(a2.generation.model.as_deref(), Some("llama-3.1-8b-instant"));
    assert_eq!(a2.generation.params.as_ref(), Some(&tuned));
    let a3 = store.message("a3").unwrap();
    assert_eq!(a3.generation.params, None, "the session set no parameter");
    assert_eq!(a3.generation.model.as_deref(), Some("llama3"));
    let u1 = store.message("u1").unwrap();
    assert_eq!(
        (
            u1.generation.params,
            u1.generation.model,
            u1.generation.provider_id
        ),
        (None, None, None)
    );
    assert_eq!(store.session("s1").unwrap().imported_from, None);

    // Who served them: named once, from the entries as they are then.
    crate::served_by::backfill(&store, &crate::settings::Settings::default()).unwrap();
    let named = |id: &str| {
        let message = store.message(id).unwrap();
        (
            message.generation.provider_name,
            message.generation.price_provider,
        )
    };
    assert_eq!(named("a1"), (Some("openai".into()), Some("openai".into())));
    assert_eq!(named("a2"), (Some("groq".into()), Some("groq".into())));
    assert_eq!(named("a3"), (Some("Ollama".into()), None));
    assert_eq!(named("u1"), (None, None));
    let mut moved = crate::settings::Settings::default();
    moved.providers[0].base_url = "http://127.0.0.1:8080/v1".into();
    crate::served_by::backfill(&store, &moved).unwrap();
    assert_eq!(
        named("a1"),
        (Some("openai".into()), Some("openai".into())),
        "a recorded name is history: editing the entry later does not rewrite it"
    );
}
