//! The XSS corpus (`tests/data/xss-vectors.txt`) in every rendered field of a
//! snapshot, checked for execution in a real headless Chromium.
//!
//! Each vector gets a share of its own (title, provider, model, system
//! prompt, tool definition, variables, message ids, content, reasoning, tool
//! call ids/names/arguments, tool results) with two versions at its link: a
//! version 1 snapshot, then a version 2 one (adding the answers' models and
//! providers, settings names and values, error text, prompt details keys
//! and values), on a server over SQLite and again on one over PostgreSQL.
//! Both versions' pages are checked: the share's own page (the newest, with
//! its "Version 2 of 2 · see version 1" line) and `/shared/{id}/v/1`. The
//! pages are fetched from the real servers and then served again by a tiny
//! local server *without* the
//! Content-Security-Policy, so what is checked is the escaping alone, not the
//! CSP that would also block most vectors. Batches of pages are loaded as
//! iframes of one host page (one navigation per batch keeps the run short);
//! then, in every frame: `window.__pwned` is unset, no dialog is open, and no
//! element, event-handler attribute or URL scheme that could run code is in
//! the DOM. A sample of pages is also loaded straight from the real servers,
//! CSP and all.
//!
//! The test proves its detectors on canaries first, and proves the corpus is
//! live: inserted raw into a page, many vectors do run.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::versions::{publish_version, versions_line};
use crate::{common, pg, webdriver};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::{TimeDelta, Utc};
use common::Schema;
use fantoccini::Client;
use futures_util::{StreamExt, future, stream};
use serde_json::{Value, json};
use tempfile::TempDir;
use webdriver::{Driver, with_session};

const VECTORS: &str = include_str!("../data/xss-vectors.txt");
/// Share pages per host page.
const BATCH: usize = 40;

/// The vectors, numbered from 1: `alert(1)` becomes `alert(n)` and
/// `window.__pwned=1` becomes `window.__pwned=n`, so a vector that runs is
/// named by the dialog or the marker. `⏎` is a line break.
pub fn vectors() -> Vec<String> {
    VECTORS
        .lines()
        .filter(|line| !line.is_empty() && *line != "#" && !line.starts_with("# "))
        .enumerate()
        .map(|(i, line)| {
            let n = i + 1;
            line.replace('⏎', "\n")
                .replace("alert(1)", &format!("alert({n})"))
                .replace("window.__pwned=1", &format!("window.__pwned={n}"))
        })
        .collect()
}

/// Where a vector goes in its snapshot (JSON pointers), besides the ones
/// that cannot fail validation (content, reasoning, arguments, results).
const FIELDS: [(&str, &str); 11] = [
    ("title", "/title"),
    ("provider", "/modelConfig/provider"),
    ("model", "/modelConfig/model"),
    ("system prompt", "/promptMeta/systemPrompt"),
    ("tool definition name", "/promptMeta/tools/0/name"),
    (
        "tool definition description",
        "/promptMeta/tools/0/description",
    ),
    ("message id", "/messages/0/id"),
    ("message content", "/messages/0/content"),
    ("reasoning", "/messages/1/reasoning"),
    ("tool call id", "/messages/1/toolCalls/0/id"),
    ("tool call name", "/messages/1/toolCalls/0/name"),
];

/// The same for the fields only a version 2 snapshot has.
const V2_FIELDS: [(&str, &str); 6] = [
    ("answer model", "/messages/1/model"),
    ("answer provider", "/messages/1/provider"),
    ("setting value", "/messages/1/params/note"),
    ("error text", "/messages/5/error"),
    ("failed answer model", "/messages/5/model"),
    ("prompt detail", "/promptMeta/note"),
];

fn at(minutes_ago: i64) -> String {
    (Utc::now() - TimeDelta::minutes(minutes_ago)).to_rfc3339()
}

/// A snapshot in `schema` with `v` in every rendered field: in version 2
/// also as the answers' models and providers, a setting's name and value,
/// an error text and a prompt detail's key and value; two answers to the
/// first message make a comparison and fill the header's table of models.
fn hostile_snapshot(v: &str, schema: Schema) -> Value {
    let mut snapshot = hostile_v1(v);
    if schema == Schema::V2 {
        snapshot["schemaVersion"] = json!(2);
        let answer = &mut snapshot["messages"][1];
        answer["provider"] = json!(v);
        answer["model"] = json!(v);
        answer["params"] = json!({ "temperature": 0.3, v: 1, "note": v });
        answer["finishReason"] = json!("toolCalls");
        answer["replyTo"] = json!(v);
        snapshot["messages"].as_array_mut().unwrap().push(json!({
            "id": "e1", "role": "assistant", "timestamp": at(4), "content": v,
            "provider": "ollama", "model": v, "finishReason": "error", "error": v,
            "replyTo": v, "usage": { "inputTokens": 1, "outputTokens": 1 }
        }));
        snapshot["promptMeta"][v] = json!({ v: v });
        snapshot["promptMeta"]["note"] = json!(v);
    }
    snapshot
}

fn hostile_v1(v: &str) -> Value {
    json!({
        "schemaVersion": 1,
        "title": v,
        "modelConfig": { "provider": v, "model": v, "temperature": 0.5 },
        "promptMeta": {
            "systemPrompt": v,
            "tools": [{
                "name": v,
                "description": v,
                "parameters": {
                    "type": "object",
                    "description": v,
                    "properties": { v: { "type": "string", "default": v } }
                }
            }],
            "variables": { v: v, "plain": v }
        },
        "messages": [
            { "id": v, "role": "user", "timestamp": at(9), "content": v },
            {
                "id": "a1", "role": "assistant", "timestamp": at(8), "content": v, "reasoning": v,
                "toolCalls": [
                    { "id": v, "name": v, "arguments": v },
                    { "id": "c2", "name": "lookup", "arguments": json!({ "q": v, v: 1 }).to_string() }
                ]
            },
            { "id": "t1", "role": "tool", "timestamp": at(7), "toolCallId": v, "content": v },
            { "id": "t2", "role": "tool", "timestamp": at(6), "toolCallId": "c2",
              "content": json!({ "result": v }).to_string() },
            { "id": "s1", "role": "system", "timestamp": at(5), "content": v }
        ],
        "totalTokens": 0,
        "totalCost": 0
    })
}

/// Puts a plain value back wherever `v` is refused by validation (too long
/// for a name, a line break in a title…), so the share still publishes with
/// `v` in every field that accepts it.
fn make_valid(mut snapshot: Value) -> Value {
    for _ in 0..6 {
        let bytes = serde_json::to_vec(&snapshot).unwrap();
        let errors = match chat_core::parse_snapshot(&bytes, Utc::now()) {
            Ok(_) => return snapshot,
            Err(chat_core::SnapshotError::Invalid(errors)) => errors,
            Err(other) => panic!("{other}"),
        };
        for error in &errors {
            let path = error.path.as_str();
            let typed_meta = [
                "promptMeta.systemPrompt",
                "promptMeta.tools",
                "promptMeta.variables",
            ];
            if path.ends_with(".replyTo") {
                let prompt = snapshot["messages"][0]["id"].clone();
                let index: usize = path["messages[".len()..]
                    .split(']')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                snapshot["messages"][index]["replyTo"] = prompt;
            } else if path.starts_with("messages[1].params") && path != "messages[1].params.note" {
                let note = snapshot["messages"][1]["params"]["note"].clone();
                snapshot["messages"][1]["params"] = json!({ "temperature": 0.3, "note": note });
            } else if path.starts_with("promptMeta")
                && path != "promptMeta.note"
                && !typed_meta.iter().any(|typed| path.starts_with(typed))
            {
                let meta = snapshot["promptMeta"].as_object_mut().unwrap();
                meta.retain(|key, _| {
                    ["systemPrompt", "tools", "variables", "note"].contains(&key.as_str())
                });
            } else if path.starts_with("promptMeta.variables") {
                let value = snapshot["promptMeta"]["variables"]["plain"].clone();
                snapshot["promptMeta"]["variables"] = json!({ "plain": value });
            } else if path.starts_with("promptMeta.tools[0].parameters") {
                snapshot["promptMeta"]["tools"][0]["parameters"] = json!({ "type": "object" });
            } else if path.starts_with("messages[1].toolCalls[1]") {
                snapshot["messages"][1]["toolCalls"][1]["arguments"] = json!("{}");
            } else if path.starts_with("messages[1].toolCalls[0].id")
                || path.starts_with("messages[2].toolCallId")
            {
                snapshot["messages"][1]["toolCalls"][0]["id"] = json!("c1");
                snapshot["messages"][2]["toolCallId"] = json!("c1");
            } else {
                let pointer = format!("/{}", path.replace(['.', '['], "/").replace(']', ""));
                let fallback = path
                    .rsplit('.')
                    .next()
                    .unwrap_or("x")
                    .replace(['[', ']'], "");
                match snapshot.pointer_mut(&pointer) {
                    Some(slot) => *slot = json!(fallback),
                    None => panic!("cannot fix {error} in {snapshot}"),
                }
            }
        }
    }
    panic!("no valid snapshot for {snapshot}");
}

/// The pages as published, served again without CSP or framing headers.
struct Mirror {
    pages: Vec<String>,
    stylesheet: String,
    vectors: Vec<String>,
}

async fn share_page(State(mirror): State<Arc<Mirror>>, Path(n): Path<usize>) -> Response {
    match mirror.pages.get(n) {
        Some(page) => Html(page.clone()).into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// A host page with share pages `from..to` as iframes.
async fn host_page(Path((from, to)): Path<(usize, usize)>) -> Html<String> {
    let frames: String = (from..to)
        .map(|n| format!("<iframe src=\"/p/{n}\" width=\"800\" height=\"300\"></iframe>\n"))
        .collect();
    Html(format!("<!doctype html><title>batch</title>{frames}"))
}

/// Vectors `from..to` inserted raw (unescaped) into srcdoc frames that record
/// what runs instead of showing dialogs.
async fn raw_page(
    State(mirror): State<Arc<Mirror>>,
    Path((from, to)): Path<(usize, usize)>,
) -> Html<String> {
    const RECORDER: &str = "<script>window.__hits=[];\
        window.alert=window.confirm=window.prompt=function(x){__hits.push(String(x))};\
        Object.defineProperty(window,'__pwned',{set(v){__hits.push(String(v))},get(){return undefined}});\
        </script>";
    // Relative URLs in the vectors resolve against this page: answer them with nothing.
    let vectors = mirror.vectors.get(from..to).unwrap_or_default();
    let frames: String = vectors
        .iter()
        .map(|vector| {
            let doc = format!("<!doctype html><body>{RECORDER}{vector}</body>");
            let escaped = doc.replace('&', "&amp;").replace('"', "&quot;");
            format!("<iframe srcdoc=\"{escaped}\" width=\"300\" height=\"100\"></iframe>\n")
        })
        .collect();
    Html(format!("<!doctype html><title>raw</title>{frames}"))
}

async fn stylesheet(State(mirror): State<Arc<Mirror>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/css")],
        mirror.stylesheet.clone(),
    )
        .into_response()
}

/// A share page that *does* run a script once served without CSP: proves
/// that the iframe detection sees what runs.
const CANARY: &str = "<!doctype html><title>canary</title>\
    <h1 data-testid=\"share-title\">canary</h1>\
    <img src=\"/nowhere\" onerror=\"window.__pwned='canary'\">";

async fn serve_mirror(mirror: Arc<Mirror>) -> String {
    let app = axum::Router::new()
        .route("/p/{n}", axum::routing::get(share_page))
        .route("/host/{from}/{to}", axum::routing::get(host_page))
        .route("/raw/{from}/{to}", axum::routing::get(raw_page))
        .route("/assets/share.css", axum::routing::get(stylesheet))
        .route("/canary", axum::routing::get(|| async { Html(CANARY) }))
        .route(
            "/canary-host",
            axum::routing::get(|| async { Html("<iframe src=\"/canary\"></iframe>") }),
        )
        .with_state(mirror);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// What the frames of the current page show: markers that were set, frames
/// that did not load, and anything executable in their DOM.
const INSPECT_FRAMES: &str = r#"
    const report = { pwned: [], missing: [], findings: [], frames: 0 };
    if (window.__pwned !== undefined) report.pwned.push('top:' + window.__pwned);
    for (const frame of document.querySelectorAll('iframe')) {
        const win = frame.contentWindow;
        const doc = frame.contentDocument;
        if (!doc || !doc.querySelector('[data-testid=share-title]')) {
            report.missing.push(frame.getAttribute('src'));
            continue;
        }
        report.frames++;
        if (win.__pwned !== undefined) report.pwned.push(frame.getAttribute('src') + ': ' + win.__pwned);
        // Collapsibles open (ontoggle), every element hovered and focused.
        for (const d of doc.querySelectorAll('details')) d.open = true;
        for (const el of doc.querySelectorAll('*')) {
            el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
            el.dispatchEvent(new FocusEvent('focus'));
            const tag = el.tagName.toLowerCase();
            if (['script', 'iframe', 'frame', 'object', 'embed', 'img', 'svg', 'math', 'style',
                 'base', 'form', 'video', 'audio', 'animate', 'set', 'template', 'portal']
                    .includes(tag)) report.findings.push(frame.getAttribute('src') + ' <' + tag + '>');
            for (const attr of el.attributes) {
                const name = attr.name.toLowerCase();
                if (name.startsWith('on') || name === 'style' || name === 'srcdoc' || name === 'formaction')
                    report.findings.push(frame.getAttribute('src') + ' ' + tag + '[' + name + ']');
                if (['href', 'src', 'action', 'xlink:href', 'data'].includes(name)) {
                    const scheme = new URL(attr.value, doc.baseURI).protocol;
                    if (!['http:', 'https:', 'mailto:'].includes(scheme)
                            && !(tag === 'link' && el.rel === 'icon'))
                        report.findings.push(frame.getAttribute('src') + ' ' + tag + '[' + name + ']=' + attr.value);
                }
            }
        }
    }
    return report;
"#;

/// Runs `script`; an open dialog (a vector ran and called `alert(n)`) fails
/// the test naming the vector.
async fn eval(client: &Client, script: &str, vectors: &[String]) -> Value {
    match client.execute(script, vec![]).await {
        Ok(value) => value,
        Err(error) if error.is_unexpected_alert_open() => {
            let text = client.get_alert_text().await.unwrap_or_default();
            let vector = text
                .parse::<usize>()
                .ok()
                .and_then(|n| vectors.get(n.wrapping_sub(1)));
            panic!("a script ran: dialog {text:?} (vector {vector:?})")
        }
        Err(error) => panic!("script failed: {error}"),
    }
}

async fn assert_no_dialog(client: &Client) {
    match client.get_alert_text().await {
        Ok(text) => panic!("a script ran: a dialog is open with {text:?}"),
        Err(error) if error.is_no_such_alert() => {}
        Err(error) => panic!("could not check for dialogs: {error}"),
    }
}

/// Publishes `vector` as version 1 (the version 1 snapshot) and version 2
/// (the version 2 one, at the same link) of a share: its page is the share's
/// own, "Version 2 of 2 · see version 1", and the first stays at `/v/1` — the
/// vector's title on both. The fields it was placed in (once per version),
/// and the URL and HTML of both versions' pages.
async fn publish_vector(
    server: &common::TestServer,
    token: &str,
    vector: &String,
) -> (Vec<&'static str>, [(String, String); 2]) {
    let mut placed = Vec::new();
    let mut id = String::new();
    for schema in Schema::ALL {
        let snapshot = make_valid(hostile_snapshot(vector, schema));
        let fields = match schema {
            Schema::V1 => FIELDS.iter().chain(&[]),
            Schema::V2 => FIELDS.iter().chain(&V2_FIELDS),
        };
        for (field, pointer) in fields {
            if snapshot.pointer(pointer) == Some(&json!(vector)) {
                placed.push(*field);
            }
        }
        let response = match schema {
            Schema::V1 => server.publish(Some(token), &snapshot).await,
            Schema::V2 => publish_version(server, &id, Some(token), None, &snapshot).await,
        };
        assert_eq!(
            response.status(),
            201,
            "{vector}: {}",
            response.text().await.unwrap()
        );
        let data: Value = response.json().await.unwrap();
        id = data["data"]["shareId"].as_str().unwrap().to_owned();
    }
    let mut versions = Vec::new();
    for (path, line) in [
        (
            format!("/shared/{id}/v/1"),
            "Version 1 of 2 · see version 2",
        ),
        (format!("/shared/{id}"), "Version 2 of 2 · see version 1"),
    ] {
        let page = server.get(&path).await;
        assert_eq!(page.status(), 200, "{path}");
        let html = page.text().await.unwrap();
        assert_eq!(versions_line(&html).0, line, "{vector}");
        versions.push((server.url(&path), html));
    }
    (placed, versions.try_into().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_vector_runs_in_any_field() {
    let started = Instant::now();
    let vectors = vectors();
    assert!(vectors.len() >= 200, "only {} vectors", vectors.len());

    // Publish one share per vector through the real API, on a server over
    // SQLite and one over PostgreSQL: the pages of both are checked.
    let database = pg::TestDatabase::create().await;
    let servers = [
        common::TestServer::start().await,
        common::TestServer::on(Some(&database.url), |config| config).await,
    ];
    // A few vectors at a time on each server, both servers at once (the
    // pages come back in the corpus's order).
    let mut placed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pages = Vec::new();
    let mut page_urls = Vec::new();
    let published = future::join_all(servers.iter().map(|server| async {
        let token = server.user("alice").await;
        let publish = |vector| publish_vector(server, &token, vector);
        stream::iter(&vectors)
            .map(publish)
            .buffered(4)
            .collect::<Vec<_>>()
            .await
    }));
    for (fields, versions) in published.await.into_iter().flatten() {
        for field in fields {
            *placed.entry(field).or_default() += 1;
        }
        for (url, html) in versions {
            page_urls.push(url);
            pages.push(html);
        }
    }
    // Every vector reached the fields that take any text, in each version
    // that has them.
    let shares = vectors.len() * servers.len();
    for (field, versions) in [
        ("message content", 2),
        ("reasoning", 2),
        ("system prompt", 2),
        ("tool definition description", 2),
        ("error text", 1),
        ("prompt detail", 1),
        ("setting value", 1),
    ] {
        assert_eq!(
            placed.get(field),
            Some(&(shares * versions)),
            "{field}: {placed:?}"
        );
    }
    // The short, single-line fields took most of them.
    for (field, versions) in [
        ("title", 2),
        ("model", 2),
        ("message id", 2),
        ("tool call id", 2),
        ("tool call name", 2),
        ("answer model", 1),
        ("failed answer model", 1),
    ] {
        assert!(
            placed.get(field).copied().unwrap_or(0) * 10 >= shares * versions * 6,
            "{field}: {placed:?}"
        );
    }
    // Providers are short (64 bytes): many vectors are longer.
    assert!(
        placed.get("answer provider").copied().unwrap_or(0) * 4 >= shares,
        "{placed:?}"
    );
    let stylesheet = servers[0].get_text("/assets/share.css").await;
    let mirror = Arc::new(Mirror {
        pages,
        stylesheet,
        vectors: vectors.clone(),
    });
    let base = serve_mirror(Arc::clone(&mirror)).await;
    let published = started.elapsed();

    let driver = Driver::chromedriver().await;
    let profile = TempDir::new().unwrap();
    let client = driver.chromium(&profile, false).await;
    let count = vectors.len();
    let page_count = mirror.pages.len();
    eprintln!(
        "xss corpus: {count} vectors published as {page_count} version pages (schema \
         versions 1 and 2 at one link each, SQLite and PostgreSQL) in {published:?}; \
         placed per field: {placed:?}"
    );
    with_session(client, Duration::from_secs(300), |client| async move {
        // The detectors see a marker set in a frame, and a dialog.
        client.goto(&format!("{base}/canary-host")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let report = eval(&client, INSPECT_FRAMES, &vectors).await;
        assert_eq!(report["pwned"], json!(["/canary: canary"]), "{report}");
        assert!(report["findings"].as_array().unwrap().iter().any(|f| f.as_str().unwrap().contains("onerror")));
        client.goto("data:text/html,<script>alert('canary')</script>").await.unwrap();
        assert_eq!(client.get_alert_text().await.unwrap(), "canary");
        client.dismiss_alert().await.unwrap();

        // The corpus is live: inserted raw, vectors run.
        let mut live = std::collections::BTreeSet::new();
        for from in (0..count).step_by(BATCH * 2) {
            let to = (from + BATCH * 2).min(count);
            // A dialog can interrupt the navigation itself.
            let _ = client.goto(&format!("{base}/raw/{from}/{to}")).await;
            // Dialogs from nested frames the recorder does not reach.
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                match client.get_alert_text().await {
                    Ok(text) => {
                        live.insert(text);
                        client.dismiss_alert().await.unwrap();
                    }
                    Err(_) => break,
                }
            }
            let hits = eval(
                &client,
                "return [...document.querySelectorAll('iframe')].flatMap(f => { \
                     try { return (f.contentWindow.__hits || []).map(String); } catch (e) { return []; } });",
                &vectors,
            )
            .await;
            for hit in hits.as_array().unwrap() {
                live.insert(hit.as_str().unwrap().to_owned());
            }
        }
        assert!(live.len() >= 60, "only {} vectors run when inserted raw: {live:?}", live.len());

        // Every share page, escaped, without CSP: nothing runs.
        for from in (0..page_count).step_by(BATCH) {
            let to = (from + BATCH).min(page_count);
            if let Err(error) = client.goto(&format!("{base}/host/{from}/{to}")).await {
                assert_no_dialog(&client).await;
                panic!("{error}");
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_no_dialog(&client).await;
            let report = eval(&client, INSPECT_FRAMES, &vectors).await;
            assert_eq!(report["missing"], json!([]), "frames that did not load");
            assert_eq!(report["frames"], json!(to - from));
            assert_eq!(report["pwned"], json!([]), "markers set");
            assert_eq!(report["findings"], json!([]), "executable content");
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_no_dialog(&client).await;
        }

        // A sample straight from the real servers, with their headers.
        for url in page_urls.iter().step_by(25) {
            if let Err(error) = client.goto(url).await {
                assert_no_dialog(&client).await;
                panic!("{error}");
            }
            assert_no_dialog(&client).await;
            let pwned = eval(&client, "return typeof window.__pwned;", &vectors).await;
            assert_eq!(pwned, json!("undefined"), "{url}");
        }
        eprintln!(
            "xss corpus: {} of {count} vectors run when inserted raw, none of {page_count} pages ran any; total {:?}",
            live.len(),
            started.elapsed()
        );
    })
    .await;
}
