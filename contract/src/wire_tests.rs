//! The payloads as the shell serializes them decode as the UI reads them.

use chat_core::FinishReason;

use crate::*;

/// The payloads as the shell serializes them (camelCase, tagged events).
#[test]
fn shell_payloads_decode() {
    let event: TurnEvent = serde_json::from_str(
        r#"{"sessionId": "s", "messageId": "m",
            "event": {"type": "toolCallDelta", "index": 0, "id": "call_1",
                      "name": null, "argumentsDelta": "{\"a\":"}}"#,
    )
    .unwrap();
    assert_eq!(
        event.event,
        StreamEvent::ToolCallDelta {
            index: 0,
            id: Some("call_1".into()),
            name: None,
            arguments_delta: "{\"a\":".into(),
        }
    );
    let finished: TurnFinished = serde_json::from_str(
        r#"{"sessionId": "s", "messageId": "m", "message": {
            "id": "m", "sessionId": "s", "position": 1, "role": "assistant",
            "content": "Hi", "reasoning": null,
            "usage": {"inputTokens": 3, "outputTokens": 1, "reasoningTokens": 0},
            "cost": 0.0001, "timeToFirstTokenMs": 120, "inferenceTimeMs": 900,
            "tokensPerSecond": 1.2, "toolCalls": [], "toolCallId": null,
            "status": "error", "error": "boom", "finishReason": null,
            "providerId": "openai", "model": "gpt-4o",
            "providerName": "openai-compatible (127.0.0.1:8080)", "priceProvider": null,
            "params": {"temperature": 0.2, "maxTokens": 256, "seed": 7}, "ended": "error",
            "createdAt": "2026-11-25T08:00:00Z", "updatedAt": "2026-11-25T08:00:01Z"}}"#,
    )
    .unwrap();
    assert_eq!(finished.message.status.data_state(), "failed");
    assert_eq!(finished.message.ended, Some(FinishReason::Error));
    assert_eq!(finished.message.usage.map(|u| u.input_tokens), Some(3));
    assert_eq!(
        finished.message.generation.provider_name.as_deref(),
        Some("openai-compatible (127.0.0.1:8080)")
    );
    let params = finished.message.generation.params.unwrap();
    assert_eq!(params.max_tokens, Some(256));
    assert_eq!(params.other["seed"], 7);

    let session: Session = serde_json::from_str(
        r#"{"id": "s", "title": "T", "providerId": "openai", "model": "gpt-4o",
            "temperature": 0.7, "maxTokens": 256, "topP": null, "systemPrompt": null,
            "tools": [], "variables": {"name": "Ada"},
            "importedFrom": {"shareId": "abc", "shareUrl": "http://127.0.0.1:4000/shared/abc",
                             "importedAt": "2026-11-26T09:30:00Z"},
            "createdAt": "2026-11-25T08:00:00Z", "updatedAt": "2026-11-25T08:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(session.config.max_tokens, Some(256));
    assert_eq!(session.config.variables["name"], "Ada");
    assert_eq!(session.imported_from.unwrap().share_id, "abc");
}

/// The share replies as the contract writes them.
#[test]
fn share_replies_decode() {
    let result: ShareResult = serde_json::from_str(
        r#"{"shareId": "s2", "shareUrl": "http://127.0.0.1:4000/shared/s2",
            "deleteToken": null, "expiresAt": "2026-12-01T10:00:00Z", "redactions": 3,
            "redactedSummary": "1 API key, 2 home-directory paths",
            "reach": {"kind": "thisComputer",
                      "sentence": "Only this computer can open this link, while Parlor is running"},
            "qrSvg": "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
            "options": {"messageIds": null, "expiresIn": 604800,
                        "includeSystemPrompt": true, "indexable": false},
            "expiryNote": null,
            "earlier": [{"shareId": "s1", "serverUrl": "http://127.0.0.1:4000",
                         "shareUrl": "http://127.0.0.1:4000/shared/s1", "sessionId": "x",
                         "title": "T", "expiresAt": null, "createdAt": "2026-11-25T08:00:00Z",
                         "revokedAt": "2026-11-26T08:00:00Z", "status": "revoked",
                         "reach": {"kind": "team", "sentence": "Anyone with the link."},
                         "source": "server"}],
            "replacedUrl": "http://127.0.0.1:4000/shared/s1"}"#,
    )
    .unwrap();
    assert_eq!(result.reach.kind, ReachKind::ThisComputer);
    assert_eq!(result.options.expires_in, Some(604_800));
    assert_eq!(result.earlier[0].status, ShareStatus::Revoked);
    assert_eq!(result.earlier[0].source, ShareSource::Server);

    let status: ShareServerStatus = serde_json::from_str(
        r#"{"mode": "network", "url": "http://192.168.1.20:4000",
            "reach": {"kind": "network", "sentence": "Anyone on your network."},
            "notice": null,
            "info": {"name": "parlor", "version": "0.1.0", "schemaVersions": [1, 2],
                     "maxExpirySeconds": 2592000, "defaultExpirySeconds": null,
                     "allowAnonymous": true, "publicUrl": "http://192.168.1.20:4000"}}"#,
    )
    .unwrap();
    assert_eq!(status.mode, ShareMode::Network);
    assert_eq!(status.info.unwrap().max_expiry_seconds, Some(2_592_000));

    // A reach this UI does not know still shows its sentence.
    let reach: Reach =
        serde_json::from_str(r#"{"kind": "satellite", "sentence": "Anyone in orbit."}"#).unwrap();
    assert_eq!(reach.kind, ReachKind::Other);
}

#[test]
fn share_options_encode_as_the_shell_reads_them() {
    let options = ShareOptions {
        message_ids: None,
        expires_in: Some(86_400),
        include_system_prompt: false,
        indexable: true,
        include_alternatives: false,
        leave_out_attachments: vec!["ab12".into()],
        password: None,
        max_views: Some(1),
    };
    assert_eq!(
        serde_json::to_value(&options).unwrap(),
        serde_json::json!({"messageIds": null, "expiresIn": 86400,
                           "includeSystemPrompt": false, "indexable": true,
                           "includeAlternatives": false, "leaveOutAttachments": ["ab12"],
                           "maxViews": 1})
    );
    // Options saved before alternatives, attachments and view limits existed
    // publish them, without a password or a limit.
    let older: ShareOptions =
        serde_json::from_value(serde_json::json!({"indexable": false})).unwrap();
    assert!(older.include_alternatives);
    assert!(older.leave_out_attachments.is_empty());
    assert_eq!((older.password, older.max_views), (None, None));
}

/// The password goes from the UI to the shell, and nowhere else: options
/// without it say nothing of it, and `Debug` never prints it.
#[test]
fn the_password_travels_to_the_shell_only() {
    let sent: ShareOptions = serde_json::from_value(serde_json::json!({
        "password": "correct horse", "maxViews": 3
    }))
    .unwrap();
    assert_eq!(sent.password.as_deref(), Some("correct horse"));
    assert_eq!(sent.max_views, Some(3));
    let debug = format!("{sent:?}");
    assert!(!debug.contains("correct horse"), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
    let kept = serde_json::to_value(sent.without_password()).unwrap();
    assert!(kept.get("password").is_none(), "{kept}");
    assert_eq!(kept["maxViews"], 3);
}

/// The view counts, the limit, the versions and the protection of a link,
/// as My shares reads them; a shell or server that does not say them reads
/// as unknown (one version, not protected).
#[test]
fn share_list_items_carry_views_versions_and_protection() {
    let item: ShareListItem = serde_json::from_str(
        r#"{"shareId": "s1", "serverUrl": "http://127.0.0.1:4000",
            "shareUrl": "http://127.0.0.1:4000/shared/s1", "sessionId": "x",
            "title": "T", "expiresAt": null, "createdAt": "2026-11-25T08:00:00Z",
            "revokedAt": null, "status": "active",
            "reach": {"kind": "team", "sentence": "Anyone with the link."},
            "views": 2, "lastViewedAt": "2026-11-26T08:00:00Z", "maxViews": 5,
            "versions": 3, "protected": true}"#,
    )
    .unwrap();
    assert_eq!(item.views, Some(2));
    assert_eq!(
        item.last_viewed_at,
        Some("2026-11-26T08:00:00Z".parse().unwrap())
    );
    assert_eq!(
        (item.max_views, item.versions, item.protected),
        (Some(5), 3, true)
    );
    let mut older = serde_json::to_value(&item).unwrap();
    for field in ["views", "lastViewedAt", "maxViews", "versions", "protected"] {
        older.as_object_mut().unwrap().remove(field);
    }
    let older: ShareListItem = serde_json::from_value(older).unwrap();
    assert_eq!(
        (older.views, older.last_viewed_at, older.max_views),
        (None, None, None)
    );
    assert_eq!((older.versions, older.protected), (1, false));
}

/// `update_share` names the session, the link and the options; its reply
/// says which version the link now shows.
#[test]
fn an_update_names_the_link_and_answers_its_version() {
    let args = UpdateShare {
        session_id: "s".into(),
        share_id: "abc".into(),
        options: None,
    };
    assert_eq!(
        serde_json::to_value(&args).unwrap(),
        serde_json::json!({"sessionId": "s", "shareId": "abc", "options": null})
    );
    assert_eq!(UpdateShare::NAME, "update_share");
    assert_eq!(SharedBefore::NAME, "shared_before");
    let reply = serde_json::json!({
        "shareId": "abc", "shareUrl": "http://127.0.0.1:4000/shared/abc", "redactions": 0,
        "expiresAt": null, "reach": {"kind": "thisComputer", "sentence": "Only this computer."},
        "qrSvg": "", "options": {}, "version": 2
    });
    let result: ShareResult = serde_json::from_value(reply.clone()).unwrap();
    assert_eq!(result.version, 2);
    let mut first = reply;
    first.as_object_mut().unwrap().remove("version");
    let first: ShareResult = serde_json::from_value(first).unwrap();
    assert_eq!(first.version, 1, "a reply without a version is a new link");
}

#[test]
fn model_setups_and_model_lists_keep_their_wire_names() {
    let setup = ModelSetup::of(&SessionConfig {
        provider_id: "local".into(),
        model: "m".into(),
        temperature: Some(0.2),
        ..SessionConfig::default()
    });
    assert_eq!(
        serde_json::to_value(&setup).unwrap(),
        serde_json::json!({"providerId": "local", "model": "m", "temperature": 0.2,
                           "maxTokens": null, "topP": null})
    );
    let list: ModelList = serde_json::from_value(serde_json::json!({
        "providerId": "p", "models": [{"id": "a"}, {"id": "b", "displayName": "B"}],
        "fetchedAt": "2026-12-07T08:00:00Z", "cached": false
    }))
    .unwrap();
    assert_eq!(list.models[1].display_name.as_deref(), Some("B"));
    assert_eq!(list.models[0].display_name, None);
}

/// A session's totals travel as one flat object, chat-core's sums beside
/// the message count and time, and decode back the same.
#[test]
fn session_totals_are_one_flat_object() {
    let totals = SessionTotals {
        message_count: 3,
        sums: chat_core::Totals {
            input_tokens: 110,
            output_tokens: 44,
            reasoning_tokens: 22,
            cached_tokens: 55,
            total_tokens: 154,
            total_cost: None,
        },
        inference_time_ms: 2200,
    };
    let json = serde_json::json!({
        "messageCount": 3, "inputTokens": 110, "outputTokens": 44, "reasoningTokens": 22,
        "cachedTokens": 55, "totalTokens": 154, "totalCost": null, "inferenceTimeMs": 2200,
    });
    assert_eq!(serde_json::to_value(totals).unwrap(), json);
    assert_eq!(
        serde_json::from_value::<SessionTotals>(json).unwrap(),
        totals
    );
}

/// A message to append needs only its role; a stored message from before
/// the tree and the provider names reads with those left empty.
#[test]
fn messages_read_with_their_optional_fields_left_out() {
    let new: NewMessage = serde_json::from_str(r#"{"role": "user"}"#).unwrap();
    assert_eq!(new, NewMessage::new(chat_core::Role::User, ""));
    let stored: StoredMessage = serde_json::from_str(
        r#"{"id": "m", "sessionId": "s", "position": 0, "role": "assistant",
            "content": "Hi", "reasoning": null, "usage": null, "cost": null,
            "timeToFirstTokenMs": null, "inferenceTimeMs": null,
            "tokensPerSecond": null, "toolCallId": null, "status": "complete",
            "error": null, "finishReason": null, "providerId": null, "model": null,
            "createdAt": "2026-11-25T08:00:00Z", "updatedAt": "2026-11-25T08:00:01Z"}"#,
    )
    .unwrap();
    assert_eq!(stored.parent_id, None);
    assert!(stored.siblings.is_empty() && stored.tool_calls.is_empty());
    assert_eq!(
        (
            stored.generation.provider_name,
            stored.generation.price_provider,
            stored.generation.params,
            stored.ended
        ),
        (None, None, None, None)
    );
}

/// What produced an answer travels as fields of the message itself, and
/// reads back as it was written.
#[test]
fn an_answers_generation_is_flat_on_the_wire() {
    let generation = Generation {
        provider_id: Some("openai".into()),
        model: Some("gpt-4o".into()),
        provider_name: Some("OpenAI".into()),
        price_provider: Some("openai".into()),
        params: Some(chat_core::GenerationParams {
            temperature: Some(0.2),
            ..Default::default()
        }),
    };
    let new = NewMessage {
        status: MessageStatus::Streaming,
        generation: generation.clone(),
        ..NewMessage::new(chat_core::Role::Assistant, "")
    };
    let json = serde_json::to_value(&new).unwrap();
    assert_eq!(json["providerName"], "OpenAI");
    assert_eq!(json["priceProvider"], "openai");
    assert_eq!(json["params"]["temperature"], 0.2);
    assert_eq!(json["status"], "streaming");
    assert!(json.get("generation").is_none());
    assert_eq!(serde_json::from_value::<NewMessage>(json).unwrap(), new);

    let mut stored: StoredMessage = serde_json::from_str(
        r#"{"id": "m", "sessionId": "s", "position": 1, "role": "assistant",
            "content": "Hi", "status": "complete",
            "createdAt": "2026-11-25T08:00:00Z", "updatedAt": "2026-11-25T08:00:01Z"}"#,
    )
    .unwrap();
    stored.generation = generation;
    let json = serde_json::to_value(&stored).unwrap();
    assert_eq!(json["model"], "gpt-4o");
    assert!(json.get("generation").is_none());
    assert_eq!(
        serde_json::from_value::<StoredMessage>(json).unwrap(),
        stored
    );
}
