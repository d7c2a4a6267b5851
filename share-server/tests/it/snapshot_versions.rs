//! Both snapshot schema versions over the real API: a client written to the
//! plan's contract is accepted (its own totals answered with warnings, the
//! server's shown everywhere); a version 2 snapshot publishes and reads back
//! with its answers' models, marks and settings; its mistakes are refused
//! naming the field; and shares stored before version 2 existed render as
//! they did, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::common;
use crate::store_suite::new_share;

use chrono::{Duration, SecondsFormat, Utc};
use common::{INVALID_JSON, INVALID_SNAPSHOT, Schema, TestServer, expect_error, snapshot_in};
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::{Value, json};

fn minutes_ago(minutes: i64) -> String {
    (Utc::now() - Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A request exactly as the plan's `CreateSharedChatRequest` client sends
/// it: no `schemaVersion`, `inferenceTimeMs` with a fraction, free-form
/// `promptMeta`, and a `totalTokens` that counts the reasoning tokens on top
/// of the output tokens.
fn plan_request() -> Value {
    json!({
        "title": "Refactor the billing module",
        "messages": [
            {"id": "u1", "role": "user", "content": "How should I split this module?",
             "timestamp": minutes_ago(5)},
            {"id": "a1", "role": "assistant", "content": "Split it by **responsibility**.",
             "timestamp": minutes_ago(4),
             "usage": {"inputTokens": 3000, "outputTokens": 114, "reasoningTokens": 89},
             "cost": 0.0123, "inferenceTimeMs": 812.5}
        ],
        "modelConfig": {"provider": "openai", "model": "o3-mini", "temperature": 1, "maxTokens": 4096},
        "promptMeta": {"promptId": "billing-refactor", "promptVersion": 7, "tags": ["rust"]},
        "totalTokens": 3203,
        "totalCost": 0.0123
    })
}

fn select_texts(document: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Each `(selector, texts)`: what `selector` finds in `page` reads `texts`.
#[track_caller]
fn assert_selected(page: &Html, expected: &[(&str, &[&str])]) {
    for (selector, texts) in expected {
        assert_eq!(select_texts(page, selector), *texts, "{selector}");
    }
}

#[tokio::test]
async fn the_plans_request_is_published_with_a_totals_warning() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let body = serde_json::to_vec_pretty(&plan_request()).unwrap();
    let response = server.publish_bytes(Some(&token), body.clone()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let answer: Value = response.json().await.unwrap();
    let warnings = &answer["data"]["warnings"];
    assert_eq!(warnings.as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(warnings[0]["field"], "totalTokens");
    assert_eq!(warnings[0]["client"], 3203);
    assert_eq!(warnings[0]["server"], 3114);
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap()
            .contains("counts the reasoning tokens twice"),
        "{answer}"
    );
    let id = answer["data"]["shareId"].as_str().unwrap();

    // The API shows the server's totals, the version, whole milliseconds.
    let read: Value = server.read_json(id).await;
    let data = &read["data"];
    assert_eq!(data["totalTokens"], 3114);
    assert_eq!(data["totalCost"], 0.0123);
    assert_eq!(data["schemaVersion"], 1);
    assert_eq!(data["messages"][1]["inferenceTimeMs"], 813);
    assert_eq!(data["promptMeta"]["promptId"], "billing-refactor");
    assert_eq!(data["promptMeta"]["tags"], json!(["rust"]));

    // The download is what was posted, byte for byte.
    let download = server.get(&format!("/shared/{id}.json")).await;
    assert_eq!(download.bytes().await.unwrap().as_ref(), body.as_slice());

    // The page and the Markdown show the server's totals and the details.
    let page = Html::parse_document(&server.get_text(&format!("/shared/{id}")).await);
    assert_selected(
        &page,
        &[
            (
                "[data-testid=totals] [data-stat=total-tokens] dd",
                &["3,114"],
            ),
            (
                "[data-testid=prompt-detail] dt",
                &["promptId", "promptVersion", "tags"],
            ),
            ("article[data-role=assistant] .msg-model", &["o3-mini"]),
        ],
    );
    let markdown = server.get_text(&format!("/shared/{id}.md")).await;
    assert!(markdown.contains("Total tokens 3,114"), "{markdown}");
    assert!(markdown.contains("## Prompt details"), "{markdown}");
}

#[tokio::test]
async fn totals_that_agree_or_are_absent_bring_no_warnings() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    for schema in Schema::ALL {
        let sent = snapshot_in(schema, "Agrees");
        let data = server.publish_created(Some(&token), &sent).await;
        assert!(data.get("warnings").is_none(), "{schema:?}: {data}");
    }
    let mut request = plan_request();
    request.as_object_mut().unwrap().remove("totalTokens");
    request.as_object_mut().unwrap().remove("totalCost");
    let data = server.publish_created(Some(&token), &request).await;
    assert!(data.get("warnings").is_none(), "{data}");

    // A cost the client got wrong is a warning too.
    let mut request = plan_request();
    request["totalTokens"] = json!(3114);
    request["totalCost"] = json!(0.02);
    let data = server.publish_created(Some(&token), &request).await;
    let warnings = data["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{data}");
    assert_eq!(warnings[0]["field"], "totalCost");
    assert_eq!(warnings[0]["client"], 0.02);
    assert_eq!(warnings[0]["server"], 0.0123);
}

#[tokio::test]
async fn a_v2_snapshot_publishes_and_reads_back() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let sent = snapshot_in(Schema::V2, "Version 2");
    let data = server.publish_created(Some(&token), &sent).await;
    let id = data["shareId"].as_str().unwrap();
    let read: Value = server.read_json(id).await;
    assert_eq!(read["data"]["messages"], sent["messages"]);
    assert_eq!(read["data"]["promptMeta"], sent["promptMeta"]);
    assert_eq!(read["data"]["schemaVersion"], 2);

    let page = Html::parse_document(&server.get_text(&format!("/shared/{id}")).await);
    assert_selected(
        &page,
        &[
            (
                "article[data-role=assistant] .msg-model",
                &["claude-sonnet-4", "gpt-4o"],
            ),
            ("[data-testid=msg-provider]", &["anthropic"]),
            (
                "#msg-2 [data-testid=msg-params] dt",
                &["Temperature", "Max tokens", "seed"],
            ),
            (
                "[data-testid=model-used] th",
                &["claude-sonnet-4", "gpt-4o"],
            ),
        ],
    );
}

#[tokio::test]
async fn v2_mistakes_are_refused_naming_the_field() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let v2_with = |edit: fn(&mut Value)| {
        let mut value = snapshot_in(Schema::V2, "x");
        edit(&mut value);
        value
    };
    let plan_with = |edit: fn(&mut Value)| {
        let mut value = plan_request();
        edit(&mut value);
        value
    };
    let cases = [
        (
            "unknown finish reason",
            v2_with(|v| v["messages"][3]["finishReason"] = json!("done")),
            INVALID_JSON,
            "messages[3].finishReason",
        ),
        (
            "reply to a missing message",
            v2_with(|v| v["messages"][1]["replyTo"] = json!("m9")),
            INVALID_SNAPSHOT,
            "messages[1].replyTo",
        ),
        (
            "a v2 field in a version 1 document",
            v2_with(|v| v["schemaVersion"] = json!(1)),
            INVALID_SNAPSHOT,
            "messages[1].provider",
        ),
        (
            "an unknown schema version",
            v2_with(|v| v["schemaVersion"] = json!(3)),
            INVALID_SNAPSHOT,
            "schemaVersion",
        ),
        (
            "tokens with a fraction",
            v2_with(|v| v["messages"][1]["usage"]["outputTokens"] = json!(12.5)),
            INVALID_JSON,
            "messages[1].usage.outputTokens",
        ),
        (
            "an unknown field elsewhere",
            plan_with(|v| v["messages"][1]["modelName"] = json!("o3")),
            INVALID_JSON,
            "messages[1].modelName",
        ),
    ];
    for (name, body, (status, code), field) in cases {
        let error = expect_error(server.publish(Some(&token), &body).await, status, code).await;
        assert_eq!(error["field"], field, "{name}: {error}");
    }
    // Whole numbers written as floats are whole numbers.
    let mut body = plan_request();
    body["messages"][1]["usage"]["inputTokens"] = json!(3000.0);
    body["modelConfig"]["maxTokens"] = json!(4096.0);
    let created = server.publish(Some(&token), &body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
}

/// A version 1 snapshot as the server stored it before version 2: the
/// bytes the app of that time posted (`schemaVersion: 1`, exact totals).
fn stored_v1_bytes() -> Vec<u8> {
    let at = |minutes: i64| minutes_ago(minutes);
    format!(
        r#"{{"schemaVersion":1,"title":"Stored before v2","messages":[{{"id":"m1","role":"user","content":"What is the weather in Paris?","timestamp":"{}"}},{{"id":"m2","role":"assistant","content":"It is **18 °C** in Paris.","timestamp":"{}","usage":{{"inputTokens":120,"outputTokens":30,"reasoningTokens":10}},"cost":0.002,"inferenceTimeMs":1200,"timeToFirstTokenMs":300}}],"modelConfig":{{"provider":"openai","model":"gpt-4o","temperature":0.7}},"promptMeta":{{"systemPrompt":"You are terse."}},"totalTokens":150,"totalCost":0.002,"indexable":false}}"#,
        at(10),
        at(9)
    )
    .into_bytes()
}

on_both_backends!(shares_stored_before_v2_render_as_before, |c| c);
async fn shares_stored_before_v2_render_as_before(server: TestServer) {
    let bytes = stored_v1_bytes();
    let mut share = new_share(None, server.clock.now() - Duration::days(30));
    share.version.title = "Stored before v2".into();
    share.version.snapshot = bytes.clone();
    let id = share.version.id.clone();
    server.server.store().insert_share(share).await.unwrap();

    let page = server.get(&format!("/shared/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = Html::parse_document(&page.text().await.unwrap());
    assert_eq!(
        select_texts(&page, "[data-testid=share-title]"),
        ["Stored before v2"]
    );
    assert_eq!(select_texts(&page, "[data-field=model] dt"), ["Model"]);
    assert_eq!(select_texts(&page, "[data-testid=model]"), ["gpt-4o"]);
    assert_eq!(
        select_texts(&page, "article[data-role=assistant] .msg-model"),
        ["gpt-4o"],
        "the answer is labelled with modelConfig's model, as before"
    );
    assert_selected(
        &page,
        &[
            ("[data-testid=totals] [data-stat=total-tokens] dd", &["150"]),
            (
                "[data-testid=totals] [data-stat=total-cost] dd",
                &["$0.002"],
            ),
            ("[data-testid=system-prompt] p", &["You are terse."]),
        ],
    );
    for v2_only in [
        "[data-testid=models-used]",
        "[data-testid=msg-provider]",
        "[data-testid=msg-params]",
        "[data-testid=finish-mark]",
        "[data-testid=msg-error]",
        "[data-testid=comparison]",
        "[data-testid=prompt-details]",
        "article[data-state]",
    ] {
        assert!(
            select_texts(&page, v2_only).is_empty(),
            "{v2_only} on a v1 page"
        );
    }

    let read: Value = server.read_json(id.as_str()).await;
    let sent: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(read["data"]["messages"], sent["messages"]);
    assert_eq!(read["data"]["totalTokens"], 150);
    assert_eq!(read["data"]["schemaVersion"], 1);
    let download = server.get(&format!("/shared/{id}.json")).await;
    assert_eq!(download.bytes().await.unwrap().as_ref(), bytes.as_slice());
    let markdown = server.get_text(&format!("/shared/{id}.md")).await;
    assert!(
        markdown.contains("- **Model:** `gpt-4o` (openai)"),
        "{markdown}"
    );
    assert!(markdown.contains("## 2. Assistant · "), "{markdown}");
    assert!(
        !markdown.contains("## 2. Assistant · `gpt-4o`"),
        "{markdown}"
    );
}
