//! Files in shares: published with their messages (stripped again), left
//! out on request, listed for the Share dialog, and kept by an import.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chat_core::attachment::{Attachment, dimensions, sha256_hex};
use chat_core::fixtures::files::{self, JPEG_WITH_GPS, METADATA_MARKERS, PNG_WITH_TEXT};
use chat_core::{Role, validate};
use chrono::Utc;
use contract::AttachmentRef;
use tempfile::TempDir;

use super::*;
use crate::app::AppCore;
use crate::attachments;
use crate::secrets::MemoryStore;
use crate::settings::Settings;
use crate::store::{NewAttachment, NewMessage, SessionConfig, Store};

fn has_metadata(bytes: &[u8]) -> bool {
    METADATA_MARKERS
        .iter()
        .any(|m| bytes.windows(m.len()).any(|w| w == *m))
}

/// A user message with stored files.
fn prompt(text: &str, files: &[AttachmentRef]) -> NewMessage {
    NewMessage {
        attachments: files.iter().map(|f| f.sha256.clone()).collect(),
        ..NewMessage::new(Role::User, text)
    }
}

fn attach(store: &Store, name: &str, bytes: &[u8]) -> AttachmentRef {
    attachments::add(store, name, None, &STANDARD.encode(bytes)).unwrap()
}

/// A session whose first prompt carries a photo, a screenshot and notes.
fn session_with_files(store: &Store) -> (Session, Vec<AttachmentRef>) {
    let config = SessionConfig {
        title: "Pictures".into(),
        provider_id: "openai".into(),
        model: "gpt-4o".into(),
        ..SessionConfig::default()
    };
    let session = store.create_session(&config).unwrap();
    let files = vec![
        attach(store, "photo.jpg", JPEG_WITH_GPS),
        attach(store, "screenshot.png", PNG_WITH_TEXT),
        attach(store, "notes.md", b"# Notes\n\n- umbrella\n"),
    ];
    let answer = NewMessage::new(Role::Assistant, "By the sea.");
    let asked = vec![prompt("Where was this taken?", &files), answer];
    store.append_messages(&session.id, asked).unwrap();
    (session, files)
}

fn snapshot_of(store: &Store, session_id: &str, options: &ShareOptions) -> ShareSnapshot {
    build_snapshot(store, &Settings::default(), session_id, options, Utc::now()).unwrap()
}

#[test]
fn the_prompt_carries_its_files_stripped_and_the_snapshot_is_valid() {
    let store = Store::open_in_memory().unwrap();
    let (session, files) = session_with_files(&store);
    let snapshot = snapshot_of(&store, &session.id, &ShareOptions::default());
    assert_eq!(snapshot.schema_version, Some(2));
    let published = &snapshot.messages[0].attachments;
    let names: Vec<&str> = published.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["photo.jpg", "screenshot.png", "notes.md"]);
    for (file, stored) in published.iter().zip(&files) {
        let bytes = file.decode().unwrap();
        assert!(!has_metadata(&bytes), "{}", file.name);
        assert_eq!(
            file.sha256, stored.sha256,
            "stripping again changes nothing"
        );
        assert_eq!(file.media_type, stored.media_type);
    }
    assert!(snapshot.messages[1].attachments.is_empty());
    validate(&snapshot, Utc::now()).unwrap();
}

#[test]
fn a_file_stored_with_metadata_is_stripped_when_published() {
    let store = Store::open_in_memory().unwrap();
    let (session, _) = session_with_files(&store);
    // As a file stored by something that did not strip it.
    let raw = NewAttachment::new("gps.jpg", "image/jpeg", JPEG_WITH_GPS.to_vec(), None);
    let stored = store.put_attachment(&raw).unwrap();
    let here = prompt("Here", std::slice::from_ref(&stored));
    store.append_message(&session.id, here).unwrap();
    let snapshot = snapshot_of(&store, &session.id, &ShareOptions::default());
    let published = &snapshot.messages.last().unwrap().attachments[0];
    let bytes = published.decode().unwrap();
    assert!(!has_metadata(&bytes));
    assert_ne!(published.sha256, stored.sha256);
    assert_eq!(published.sha256, sha256_hex(&bytes));
    assert_eq!(dimensions(&bytes), Some(files::SIZE));
}

#[test]
fn files_left_out_are_not_published() {
    let store = Store::open_in_memory().unwrap();
    let (session, files) = session_with_files(&store);
    let options = ShareOptions {
        leave_out_attachments: vec![files[0].sha256.clone(), files[2].sha256.clone()],
        ..ShareOptions::default()
    };
    let snapshot = snapshot_of(&store, &session.id, &options);
    let left: Vec<&str> = snapshot.messages[0]
        .attachments
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(left, ["screenshot.png"]);
    assert_eq!(snapshot.messages[0].content, "Where was this taken?");
}

#[test]
fn the_share_dialog_lists_each_file_once_whatever_is_left_out() {
    let dir = TempDir::new().unwrap();
    let core = AppCore::open(dir.path(), Arc::new(MemoryStore::default())).unwrap();
    let (session, files) = session_with_files(&core.store);
    // The photo again, in a later prompt.
    let again = prompt("And this one?", &files[..1]);
    core.store.append_message(&session.id, again).unwrap();
    let options = ShareOptions {
        leave_out_attachments: vec![files[1].sha256.clone()],
        ..ShareOptions::default()
    };
    let listed = shared_files(&core, &session.id, &options).unwrap();
    assert_eq!(listed, files);
    assert_eq!((listed[0].width, listed[0].height), (Some(16), Some(12)));
}

#[test]
fn a_key_in_a_text_file_is_redacted_before_publishing() {
    let store = Store::open_in_memory().unwrap();
    let (session, _) = session_with_files(&store);
    let key = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";
    let config = attach(
        &store,
        "config.toml",
        format!("api_key = \"{key}\"\n").as_bytes(),
    );
    let asked = prompt("Why does this fail?", &[config]);
    store.append_message(&session.id, asked).unwrap();
    let now = Utc::now();
    let mut snapshot = snapshot_of(&store, &session.id, &ShareOptions::default());
    let redactor = crate::redact::Redactor::new(vec![key.into()], None, None);
    let redactions = prepare(&mut snapshot, &redactor, now).unwrap();
    assert_eq!(redactions.total(), 1);
    let file = &snapshot.messages.last().unwrap().attachments[0];
    let text = String::from_utf8(file.decode().unwrap()).unwrap();
    assert!(!text.contains(key), "{text}");
    assert_eq!(file.sha256, sha256_hex(text.as_bytes()));
    assert_eq!(file.size, i64::try_from(text.len()).unwrap());
    // Images are left alone.
    assert_eq!(
        snapshot.messages[0].attachments[0].sha256,
        session_files_sha(&store, &session)
    );
}

fn session_files_sha(store: &Store, session: &Session) -> String {
    store.all_messages(&session.id).unwrap()[0].attachments[0]
        .sha256
        .clone()
}

#[test]
fn an_imported_share_keeps_its_files_stripped() {
    let store = Store::open_in_memory().unwrap();
    let snapshot = files::with_attachments();
    let session = import_snapshot(&store, &Settings::default(), &snapshot, None).unwrap();
    let messages = store.all_messages(&session.id).unwrap();
    let first = &messages[0].attachments;
    let given: &Vec<Attachment> = &snapshot.messages[0].attachments;
    assert_eq!(first.len(), given.len());
    for (stored, shared) in first.iter().zip(given) {
        assert_eq!(stored.name, shared.name);
        assert_eq!(stored.media_type, shared.media_type);
        let (_, bytes) = store.attachment(&stored.sha256).unwrap();
        assert!(!has_metadata(&bytes), "{}", stored.name);
    }
    let notes = first.iter().find(|f| f.name == "notes.txt").unwrap();
    let (_, text) = store.attachment(&notes.sha256).unwrap();
    assert_eq!(text, b"Bring an umbrella.\n");

    // Shared again, the files go out as they came in (stripped).
    let again = snapshot_of(&store, &session.id, &ShareOptions::default());
    let names = |m: &chat_core::Message| -> Vec<String> {
        m.attachments.iter().map(|a| a.name.clone()).collect()
    };
    let with_files = |messages: &[chat_core::Message]| -> Vec<Vec<String>> {
        messages
            .iter()
            .map(names)
            .filter(|n| !n.is_empty())
            .collect()
    };
    let (sent, received) = (with_files(&again.messages), with_files(&snapshot.messages));
    assert_eq!(sent, received);
    validate(&again, Utc::now()).unwrap();
}
