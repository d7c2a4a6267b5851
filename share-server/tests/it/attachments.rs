//! Attached files through the real API, on SQLite and PostgreSQL: what is
//! accepted and refused at publish (naming the field), how each file is
//! served at `/shared/{id}/files/{sha256}` (types, headers, ETag, 304),
//! that only a live share that attaches a file serves it (404/410 like the
//! page), that a file is stored once however many shares attach it, and
//! that purge deletes the files no share uses.

use crate::common::{self, INVALID_SNAPSHOT, TestServer, expect_refusal};

use chat_core::attachment::{Attachment, sha256_hex};
use chat_core::fixtures::{self, files, to_json};
use chat_core::limits::{
    MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_BYTES,
    MAX_SNAPSHOT_BYTES,
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A valid version 2 snapshot, as the server's clock sees now.
pub fn conversation() -> Value {
    common::snapshot_in(common::Schema::V2, "With files")
}

/// `snapshot` with `attachments` on message `index`.
pub fn attach(mut snapshot: Value, index: usize, attachments: &[Attachment]) -> Value {
    snapshot["messages"][index]["attachments"] = json!(attachments);
    snapshot
}

/// A PNG of `size` bytes: a real 16 × 12 PNG, padded after its end (the
/// header decides its type and size; viewers ignore what follows).
pub fn png_of(size: usize, fill: u8) -> Vec<u8> {
    let mut bytes = files::PNG_WITH_TEXT.to_vec();
    bytes.resize(size.max(bytes.len()), fill);
    bytes
}

pub fn file_path(share_id: &str, sha256: &str) -> String {
    format!("/shared/{share_id}/files/{sha256}")
}

/// Publishes and returns the share id.
pub async fn publish_id(server: &TestServer, token: &str, snapshot: &Value) -> String {
    let data = server.publish_created(Some(token), snapshot).await;
    data["shareId"].as_str().unwrap().to_owned()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map_or("", |value| value.to_str().unwrap())
}

/// `GET` with `If-None-Match`.
async fn get_if_none_match(server: &TestServer, path: &str, etag: &str) -> reqwest::Response {
    server
        .client
        .get(server.url(path))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap()
}

/// Asserts the headers every file answer carries and the type it is served as.
fn assert_file_headers(response: &reqwest::Response, sha256: &str, content_type: &str) {
    assert_eq!(header(response, "etag"), format!("\"{sha256}\""));
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(response, "content-security-policy"),
        "default-src 'none'; sandbox"
    );
    assert_eq!(header(response, "cache-control"), "no-cache");
    assert_eq!(header(response, "content-type"), content_type);
}

async fn files_are_served_as_their_type_or_as_downloads(server: TestServer) {
    let token = server.user("alice").await;
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>";
    let html = b"<!doctype html><script>window.__pwned=1</script>";
    let mut attachments = files::images();
    attachments.extend([
        files::text_file("notes.txt", "Bring an umbrella.\n"),
        Attachment::from_bytes("plan.md", "text/markdown", b"# Plan\n"),
        Attachment::from_bytes("logo.svg", "image/svg+xml", svg),
        Attachment::from_bytes("page.html", "text/html", html),
        Attachment::from_bytes("report.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n"),
        Attachment::from_bytes("a \"b\";c.bin", "application/octet-stream", b"\0\x01"),
    ]);
    let id = publish_id(&server, &token, &attach(conversation(), 0, &attachments)).await;
    let expected = [
        ("image/jpeg", "inline; filename*=UTF-8''photo.jpg"),
        ("image/png", "inline; filename*=UTF-8''screenshot.png"),
        ("image/webp", "inline; filename*=UTF-8''picture.webp"),
        ("image/gif", "inline; filename*=UTF-8''anim.gif"),
        (
            "text/plain; charset=utf-8",
            "inline; filename*=UTF-8''notes.txt",
        ),
        (
            "application/octet-stream",
            "attachment; filename*=UTF-8''plan.md",
        ),
        (
            "application/octet-stream",
            "attachment; filename*=UTF-8''logo.svg",
        ),
        (
            "application/octet-stream",
            "attachment; filename*=UTF-8''page.html",
        ),
        (
            "application/octet-stream",
            "attachment; filename*=UTF-8''report.pdf",
        ),
        (
            "application/octet-stream",
            "attachment; filename*=UTF-8''a%20%22b%22%3Bc.bin",
        ),
    ];
    for (attachment, (content_type, disposition)) in attachments.iter().zip(expected) {
        let path = file_path(&id, &attachment.sha256);
        let response = server.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", attachment.name);
        assert_file_headers(&response, &attachment.sha256, content_type);
        assert_eq!(header(&response, "content-disposition"), disposition);
        let body = response.bytes().await.unwrap();
        assert_eq!(body.as_ref(), attachment.decode().unwrap().as_slice());

        // Revalidation: the hash is the ETag; 304 keeps the policy.
        let tag = format!("\"{}\"", attachment.sha256);
        let response = get_if_none_match(&server, &path, &tag).await;
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(
            header(&response, "content-security-policy"),
            "default-src 'none'; sandbox"
        );
        let response = get_if_none_match(&server, &path, "\"something-else\"").await;
        assert_eq!(response.status(), StatusCode::OK);

        let head = server.client.head(server.url(&path)).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK);
        assert_file_headers(&head, &attachment.sha256, content_type);
        assert!(head.bytes().await.unwrap().is_empty());
    }
    // The JSON download is still the bytes as published, files and all.
    let json = server.get(&format!("/shared/{id}.json")).await;
    let published: Value = json.json().await.unwrap();
    assert_eq!(
        published["messages"][0]["attachments"][0]["data"],
        json!(attachments[0].data)
    );
}
on_both_backends!(files_are_served_as_their_type_or_as_downloads, |c| c);

async fn only_a_live_share_that_attaches_a_file_serves_it(server: TestServer) {
    let token = server.user("alice").await;
    let photo = Attachment::from_bytes("photo.jpg", "image/jpeg", files::JPEG_WITH_GPS);
    let gif = Attachment::from_bytes("anim.gif", "image/gif", files::GIF_WITH_COMMENT);
    let mut expiring = attach(conversation(), 0, std::slice::from_ref(&photo));
    expiring["expiresAt"] = json!((server.clock.now() + Duration::hours(1)).to_rfc3339());
    let expiring = publish_id(&server, &token, &expiring).await;
    let revoked = server
        .publish_created(
            Some(&token),
            &attach(conversation(), 0, std::slice::from_ref(&photo)),
        )
        .await;
    let revoked_id = revoked["shareId"].as_str().unwrap();
    let other = publish_id(
        &server,
        &token,
        &attach(conversation(), 0, std::slice::from_ref(&gif)),
    )
    .await;

    for (path, status) in [
        (file_path(&expiring, &photo.sha256), StatusCode::OK),
        (file_path(revoked_id, &photo.sha256), StatusCode::OK),
        // A file another share attaches.
        (file_path(&expiring, &gif.sha256), StatusCode::NOT_FOUND),
        (file_path(&other, &photo.sha256), StatusCode::NOT_FOUND),
        // A hash nobody attached, a malformed one, an unknown share.
        (file_path(&expiring, &"0".repeat(64)), StatusCode::NOT_FOUND),
        (
            file_path(&expiring, &photo.sha256.to_uppercase()),
            StatusCode::NOT_FOUND,
        ),
        (file_path(&expiring, "..%2F..%2Fetc"), StatusCode::NOT_FOUND),
        (
            file_path("4kQ7vT2mXb9LpR3sWz8YcA", &photo.sha256),
            StatusCode::NOT_FOUND,
        ),
        (file_path("not-an-id", &photo.sha256), StatusCode::NOT_FOUND),
    ] {
        let response = server.get(&path).await;
        assert_eq!(response.status(), status, "{path}");
        if status == StatusCode::NOT_FOUND {
            assert!(header(&response, "content-type").starts_with("text/html"));
        }
    }

    // Revoked: 410 at once, for the file as for the page.
    let delete_token = revoked["deleteToken"].as_str().unwrap();
    let response = server.delete(revoked_id, None, Some(delete_token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    for path in [
        file_path(revoked_id, &photo.sha256),
        format!("/shared/{revoked_id}"),
    ] {
        assert_eq!(server.get(&path).await.status(), StatusCode::GONE, "{path}");
    }
    // The other share with the same file still serves it.
    let path = file_path(&expiring, &photo.sha256);
    assert_eq!(server.get(&path).await.status(), StatusCode::OK);

    // Expired: 410, also for a client revalidating its copy.
    server.clock.advance(Duration::hours(2));
    assert_eq!(server.get(&path).await.status(), StatusCode::GONE);
    let tag = format!("\"{}\"", photo.sha256);
    let response = get_if_none_match(&server, &path, &tag).await;
    assert_eq!(response.status(), StatusCode::GONE);
}
on_both_backends!(only_a_live_share_that_attaches_a_file_serves_it, |c| c);

async fn files_are_stored_once_and_purged_when_no_share_uses_them(server: TestServer) {
    let token = server.user("alice").await;
    let now = server.clock.now();
    let shared = Attachment::from_bytes("photo.png", "image/png", &png_of(4096, 7));
    let own = files::text_file("own.txt", "only in the first share");
    let expiring = |hours: i64, attachments: &[Attachment]| {
        let mut snapshot = attach(conversation(), 0, attachments);
        snapshot["expiresAt"] = json!((now + Duration::hours(hours)).to_rfc3339());
        snapshot
    };
    let first = publish_id(&server, &token, &expiring(1, &[shared.clone(), own])).await;
    // The same file twice in one share, under two names: stored once.
    let mut twice = expiring(2, std::slice::from_ref(&shared));
    let mut renamed = shared.clone();
    renamed.name = "again.png".into();
    twice["messages"][2]["attachments"] = json!([renamed]);
    let second = publish_id(&server, &token, &twice).await;
    let page = server.get_text(&format!("/shared/{second}")).await;
    assert!(page.contains("again.png"), "both names are on the page");

    let store = server.server.store();
    server.clock.advance(Duration::minutes(90));
    let purged = share_server::purge(store.as_ref(), server.clock.now())
        .await
        .unwrap();
    assert_eq!((purged.shares, purged.files), (1, 1), "the own file only");
    let path = file_path(&second, &shared.sha256);
    assert_eq!(server.get(&path).await.status(), StatusCode::OK);
    assert_eq!(
        server
            .get(&file_path(&first, &shared.sha256))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    server.clock.advance(Duration::hours(1));
    let purged = share_server::purge(store.as_ref(), server.clock.now())
        .await
        .unwrap();
    assert_eq!(
        (purged.shares, purged.files),
        (1, 1),
        "one blob for both shares and both names"
    );
    let purged = share_server::purge(store.as_ref(), server.clock.now())
        .await
        .unwrap();
    assert_eq!((purged.shares, purged.files), (0, 0), "idempotent");
}
on_both_backends!(
    files_are_stored_once_and_purged_when_no_share_uses_them,
    |c| c
);

/// Every way a file can be refused, and the field the answer names.
#[tokio::test]
async fn refused_files_name_the_field() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let png = Attachment::from_bytes("x.png", "image/png", files::PNG_WITH_TEXT);
    let edited = |edit: fn(&mut Attachment)| {
        let mut attachment = png.clone();
        edit(&mut attachment);
        attachment
    };
    let as_png = |bytes: &[u8]| Attachment::from_bytes("x.png", "image/png", bytes);
    let one_file = [
        (
            "HTML as PNG",
            as_png(b"<html><script>alert(1)</script></html>"),
            "data",
        ),
        ("JPEG as PNG", as_png(files::JPEG_WITH_GPS), "data"),
        (
            "wrong hash",
            edited(|a| a.sha256 = sha256_hex(b"other")),
            "sha256",
        ),
        ("wrong size", edited(|a| a.size += 1), "size"),
        ("not base64", edited(|a| a.data = "%%%".into()), "data"),
        (
            "over 10 MiB",
            as_png(&png_of(MAX_ATTACHMENT_BYTES + 1, 0)),
            "size",
        ),
        (
            "a path",
            edited(|a| a.name = "../../etc/passwd".into()),
            "name",
        ),
        (
            "bad type",
            edited(|a| a.media_type = "image png".into()),
            "mediaType",
        ),
    ];
    for (what, attachment, field) in one_file {
        let snapshot = attach(conversation(), 0, &[attachment]);
        let response = server.publish(Some(&token), &snapshot).await;
        let field = format!("messages[0].attachments[0].{field}");
        let error = expect_refusal(response, INVALID_SNAPSHOT, &field).await;
        assert!(!error["message"].as_str().unwrap().is_empty(), "{what}");
    }
    // Too many on one message; any in a version 1 snapshot.
    for snapshot in [
        attach(
            conversation(),
            0,
            &vec![png.clone(); MAX_ATTACHMENTS_PER_MESSAGE + 1],
        ),
        attach(common::snapshot("v1"), 0, std::slice::from_ref(&png)),
    ] {
        let response = server.publish(Some(&token), &snapshot).await;
        expect_refusal(response, INVALID_SNAPSHOT, "messages[0].attachments").await;
    }

    // More than 32 in all, spread so no message has more than 10.
    let mut snapshot = conversation();
    let distinct: Vec<Attachment> = (0..=MAX_ATTACHMENTS)
        .map(|i| files::text_file(&format!("f{i}.txt"), &format!("file {i}")))
        .collect();
    for (index, chunk) in distinct.chunks(MAX_ATTACHMENTS_PER_MESSAGE).enumerate() {
        snapshot["messages"][index]["attachments"] = json!(chunk);
    }
    let response = server.publish(Some(&token), &snapshot).await;
    expect_refusal(response, INVALID_SNAPSHOT, "messages").await;

    // More than 20 MiB in all: three files of 7 MiB.
    let big: Vec<Attachment> = (0..3u8)
        .map(|i| Attachment::from_bytes(&format!("{i}.png"), "image/png", &png_of(7 << 20, i)))
        .collect();
    let response = server
        .publish(Some(&token), &attach(conversation(), 0, &big))
        .await;
    expect_refusal(response, INVALID_SNAPSHOT, "messages").await;

    // Within the body limit, but more than 8 MiB besides the files' data.
    let mut body = serde_json::to_vec(&conversation()).unwrap();
    body.truncate(body.len() - 1);
    body.extend(std::iter::repeat_n(b' ', MAX_SNAPSHOT_BYTES));
    body.push(b'}');
    let response = server.publish_bytes(Some(&token), body).await;
    let error =
        common::expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("without its attachments"), "{message}");

    // A body over the limit is refused before it is read.
    let body = vec![b' '; MAX_BODY_BYTES + 1];
    let response = server.publish_bytes(Some(&token), body).await;
    common::expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

/// Files from empty to the largest allowed come back byte for byte, and
/// a body far over the old 8 MiB limit is accepted when files make it up.
#[tokio::test]
async fn files_of_every_size_come_back_exactly() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let attachments = vec![
        files::text_file("empty.txt", ""),
        files::text_file("one.txt", "x"),
        Attachment::from_bytes("mid.png", "image/png", &png_of(1 << 20, 1)),
        Attachment::from_bytes("max.png", "image/png", &png_of(MAX_ATTACHMENT_BYTES, 2)),
        Attachment::from_bytes("near.png", "image/png", &png_of((1 << 20) - 1, 3)),
    ];
    let snapshot = attach(conversation(), 0, &attachments);
    assert!(serde_json::to_vec(&snapshot).unwrap().len() > 8 << 20);
    let id = publish_id(&server, &token, &snapshot).await;
    for attachment in &attachments {
        let response = server.get(&file_path(&id, &attachment.sha256)).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", attachment.name);
        let body = response.bytes().await.unwrap();
        assert_eq!(body.len() as i64, attachment.size, "{}", attachment.name);
        assert_eq!(sha256_hex(&body), attachment.sha256, "{}", attachment.name);
    }
}

/// The fixture conversation with images and text files: the page shows
/// each image from the server and each text file as code.
#[tokio::test]
async fn the_page_shows_the_images_from_this_server() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    let mut snapshot = to_json(&fixtures::files::with_attachments());
    snapshot["expiresAt"] = Value::Null;
    let id = publish_id(&server, &token, &snapshot).await;
    let page = server.get_text(&format!("/shared/{id}")).await;
    for image in files::images() {
        let src = format!("src=\"{}\"", file_path(&id, &image.sha256));
        assert!(page.contains(&src), "{src}");
        let response = server.get(&file_path(&id, &image.sha256)).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert!(page.contains("Bring an umbrella."));
    let markdown = server.get_text(&format!("/shared/{id}.md")).await;
    let image = &files::images()[0];
    let url = format!("{}{}", common::PUBLIC_URL, file_path(&id, &image.sha256));
    assert!(markdown.contains(&url), "{markdown}");
}

#[tokio::test]
async fn the_body_limit_and_the_file_route_are_documented() {
    let server = TestServer::start().await;
    let document = server.get_json("/api/v0/openapi.json").await;
    let path = &document["paths"]["/shared/{shareId}/files/{sha256}"]["get"];
    assert!(path.is_object(), "{}", document["paths"]);
    assert!(path["responses"]["410"].is_object());
    assert!(document["components"]["schemas"]["Attachment"].is_object());
    let create = document["paths"]["/api/v0/shared-chats"]["post"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(create.contains("34.7 MiB"), "{create}");
}
