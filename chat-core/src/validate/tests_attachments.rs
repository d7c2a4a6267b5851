//! The attachment rules, each error path named by its JSON path.

use crate::attachment::Attachment;
use crate::fixtures::{self, files};
use crate::limits::*;
use crate::{ShareSnapshot, SnapshotError, parse_snapshot, validate};

fn errors_of(snapshot: &ShareSnapshot) -> Vec<String> {
    match validate(snapshot, fixtures::now()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn with(attachments: Vec<Attachment>) -> ShareSnapshot {
    let mut snapshot = fixtures::weather_v2();
    snapshot.messages[0].attachments = attachments;
    snapshot
}

fn png() -> Attachment {
    Attachment::from_bytes("shot.png", "image/png", files::PNG_WITH_TEXT)
}

#[test]
fn the_fixture_with_every_kind_of_file_is_valid() {
    let snapshot = files::with_attachments();
    assert_eq!(errors_of(&snapshot), Vec::<String>::new());
    let json = serde_json::to_vec(&snapshot).unwrap();
    let parsed = parse_snapshot(&json, fixtures::now()).unwrap();
    assert_eq!(parsed.snapshot, snapshot);
}

#[test]
fn attachments_need_schema_version_2() {
    let mut snapshot = with(vec![png()]);
    snapshot.schema_version = Some(1);
    for m in &mut snapshot.messages {
        *m = crate::Message {
            provider: None,
            model: None,
            params: None,
            finish_reason: None,
            error: None,
            reply_to: None,
            ..m.clone()
        };
    }
    assert_eq!(
        errors_of(&snapshot),
        ["messages[0].attachments: is a schema version 2 field: set schemaVersion to 2"]
    );
}

#[test]
fn each_field_of_a_file_is_checked() {
    let good = png();
    let size_mismatch = format!(
        "messages[0].attachments[0].size: does not match the data ({} bytes)",
        good.size
    );
    let cases: Vec<(Attachment, &str)> = vec![
        (
            Attachment {
                name: "".into(),
                ..good.clone()
            },
            "messages[0].attachments[0].name: must not be empty",
        ),
        (
            Attachment {
                name: "../etc/passwd".into(),
                ..good.clone()
            },
            "messages[0].attachments[0].name: must be a file name without a path",
        ),
        (
            Attachment {
                name: "a\u{7}.png".into(),
                ..good.clone()
            },
            "messages[0].attachments[0].name: must not contain control characters",
        ),
        (
            Attachment {
                media_type: "image".into(),
                ..good.clone()
            },
            "messages[0].attachments[0].mediaType: must be a media type such as image/png",
        ),
        (
            Attachment {
                sha256: "ABC".into(),
                ..good.clone()
            },
            "messages[0].attachments[0].sha256: must be 64 lowercase hexadecimal digits",
        ),
        (
            Attachment {
                sha256: "0".repeat(64),
                ..good.clone()
            },
            "messages[0].attachments[0].sha256: does not match the SHA-256 of the data",
        ),
        (
            Attachment {
                size: good.size + 1,
                ..good.clone()
            },
            &size_mismatch,
        ),
        (
            Attachment {
                size: -1,
                ..good.clone()
            },
            "messages[0].attachments[0].size: must be ≥ 0",
        ),
        (
            Attachment {
                data: "not base64!".into(),
                ..good.clone()
            },
            "messages[0].attachments[0].data: must be standard base64",
        ),
        (
            Attachment {
                media_type: "image/jpeg".into(),
                ..good.clone()
            },
            "messages[0].attachments[0].data: is image/png data, not the declared image/jpeg",
        ),
    ];
    for (attachment, expected) in cases {
        let errors = errors_of(&with(vec![attachment]));
        assert!(
            errors.iter().any(|e| e == expected),
            "{expected}\n got {errors:?}"
        );
    }
}

#[test]
fn html_declared_as_an_image_is_refused() {
    let fake = Attachment::from_bytes("cat.png", "image/png", b"<html><script>alert(1)</script>");
    assert_eq!(
        errors_of(&with(vec![fake])),
        ["messages[0].attachments[0].data: is not image/png data"]
    );
    // The same bytes declared as what they are: accepted, served as a download.
    let honest =
        Attachment::from_bytes("page.html", "text/html", b"<html><script>alert(1)</script>");
    assert_eq!(errors_of(&with(vec![honest])), Vec::<String>::new());
}

#[test]
fn counts_and_sizes_are_limited() {
    let many = vec![png(); MAX_ATTACHMENTS_PER_MESSAGE + 1];
    assert!(errors_of(&with(many)).contains(&format!(
        "messages[0].attachments: must contain at most {MAX_ATTACHMENTS_PER_MESSAGE} files (got {})",
        MAX_ATTACHMENTS_PER_MESSAGE + 1
    )));

    let mut spread = fixtures::weather_v2();
    let per_message = MAX_ATTACHMENTS.div_ceil(spread.messages.len()) + 1;
    for message in &mut spread.messages {
        message.attachments = vec![png(); per_message];
    }
    let total = per_message * spread.messages.len();
    assert!(errors_of(&spread).contains(&format!(
        "messages: must carry at most {MAX_ATTACHMENTS} attachments in all (got {total})"
    )));

    let big = vec![0u8; MAX_ATTACHMENT_BYTES + 1];
    let oversize = Attachment::from_bytes("big.bin", "application/octet-stream", &big);
    let errors = errors_of(&with(vec![oversize]));
    assert!(errors.contains(&format!(
        "messages[0].attachments[0].size: must be at most {MAX_ATTACHMENT_BYTES} bytes (got {})",
        MAX_ATTACHMENT_BYTES + 1
    )), "{errors:?}");

    let nine_mib = vec![0u8; 9 * 1024 * 1024];
    let heavy = Attachment::from_bytes("nine.bin", "application/octet-stream", &nine_mib);
    let errors = errors_of(&with(vec![heavy.clone(), heavy.clone(), heavy]));
    assert!(
        errors.contains(&format!(
            "messages: attachments must total at most {MAX_ATTACHMENTS_TOTAL_BYTES} bytes (got {})",
            3 * nine_mib.len()
        )),
        "{errors:?}"
    );
}

#[test]
fn the_body_limit_counts_attachment_data_apart() {
    // Attachments can take a body past MAX_SNAPSHOT_BYTES…
    let eight_mib = vec![7u8; 8 * 1024 * 1024];
    let big = Attachment::from_bytes("big.bin", "application/octet-stream", &eight_mib);
    let json = serde_json::to_vec(&with(vec![big])).unwrap();
    assert!(json.len() > MAX_SNAPSHOT_BYTES);
    parse_snapshot(&json, fixtures::now()).expect("attachments have their own budget");

    // …but not the rest of the document.
    let mut text_heavy = fixtures::to_json(&with(vec![png()]));
    text_heavy["promptMeta"]["padding"] = serde_json::json!("x".repeat(60 * 1024));
    let mut body = serde_json::to_vec(&text_heavy).unwrap();
    body.truncate(body.len() - 1);
    body.extend(std::iter::repeat_n(b' ', MAX_SNAPSHOT_BYTES));
    body.push(b'}');
    match parse_snapshot(&body, fixtures::now()) {
        Err(SnapshotError::TooLargeWithoutAttachments { limit, .. }) => {
            assert_eq!(limit, MAX_SNAPSHOT_BYTES)
        }
        other => panic!("expected too large without attachments, got {other:?}"),
    }

    let over = vec![b' '; MAX_BODY_BYTES + 1];
    assert!(matches!(
        parse_snapshot(&over, fixtures::now()),
        Err(SnapshotError::TooLarge {
            limit: MAX_BODY_BYTES,
            ..
        })
    ));
}

#[test]
fn an_attachment_written_as_an_array_is_refused() {
    let mut value = fixtures::to_json(&with(vec![png()]));
    value["messages"][0]["attachments"] =
        serde_json::json!([["shot.png", "image/png", 1, "x", "y"]]);
    let body = serde_json::to_vec(&value).unwrap();
    match parse_snapshot(&body, fixtures::now()) {
        Err(SnapshotError::Json { path, .. }) => assert_eq!(path, "messages[0].attachments[0]"),
        other => panic!("expected a JSON error, got {other:?}"),
    }
}
