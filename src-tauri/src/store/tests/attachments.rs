//! Files referred to by messages: read back in order with the messages,
//! kept by copies, freed with the last message using them.

use chat_core::Role;
use chat_core::fixtures::files::{JPEG_WITH_GPS, PNG_WITH_TEXT};
use contract::AttachmentRef;

use super::{config, older_database};
use crate::store::{NewAttachment, NewMessage, Place, Store, StoreError};

fn file(store: &Store, name: &str, bytes: &[u8]) -> AttachmentRef {
    store
        .put_attachment(&NewAttachment::new(
            name,
            "image/png",
            bytes.to_vec(),
            Some((16, 12)),
        ))
        .unwrap()
}

fn with_files(text: &str, files: &[&AttachmentRef]) -> NewMessage {
    NewMessage {
        attachments: files.iter().map(|f| f.sha256.clone()).collect(),
        ..NewMessage::new(Role::User, text)
    }
}

fn shas(files: &[AttachmentRef]) -> Vec<&str> {
    files.iter().map(|f| f.sha256.as_str()).collect()
}

fn stored(store: &Store, sha256: &str) -> bool {
    match store.attachment(sha256) {
        Ok(_) => true,
        Err(StoreError::UnknownAttachment(_)) => false,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn messages_are_read_with_their_files_in_order() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Files")).unwrap();
    let png = file(&store, "shot.png", PNG_WITH_TEXT);
    let jpeg = file(&store, "photo.jpg", JPEG_WITH_GPS);
    let sent = store
        .append_message(&session.id, with_files("Look", &[&jpeg, &png]))
        .unwrap();
    assert_eq!(shas(&sent.attachments), [&jpeg.sha256, &png.sha256]);
    assert_eq!(sent.attachments[0].name, "photo.jpg");
    assert_eq!(sent.attachments[1].width, Some(16));

    let read = [
        store.message(&sent.id).unwrap(),
        store.all_messages(&session.id).unwrap().remove(0),
        store.path_messages(&session.id).unwrap().remove(0),
        store.path_to(&sent.id).unwrap().remove(0),
        store
            .messages_page(&session.id, None, None, 10)
            .unwrap()
            .messages
            .remove(0),
    ];
    for message in read {
        assert_eq!(message.attachments, sent.attachments);
    }
    let (_, bytes) = store.attachment(&png.sha256).unwrap();
    assert_eq!(bytes, PNG_WITH_TEXT);
}

#[test]
fn an_unknown_file_is_not_found_by_its_hash_and_nothing_is_stored() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Files")).unwrap();
    let missing = "ab".repeat(32);
    let error = store
        .append_message(
            &session.id,
            NewMessage {
                attachments: vec![missing.clone()],
                ..NewMessage::new(Role::User, "Look")
            },
        )
        .unwrap_err();
    assert_eq!(error.code(), "not_found");
    assert!(error.to_string().contains(&missing), "{error}");
    assert!(store.all_messages(&session.id).unwrap().is_empty());
    assert_eq!(
        store
            .attachment_refs(std::slice::from_ref(&missing))
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn copies_keep_the_files_and_deleting_frees_only_unused_ones() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Files")).unwrap();
    let shared = file(&store, "shared.png", PNG_WITH_TEXT);
    let own = file(&store, "own.jpg", JPEG_WITH_GPS);
    let first = store
        .append_message(&session.id, with_files("One", &[&shared, &own]))
        .unwrap();

    let copy = store.duplicate_session(&session.id, None).unwrap();
    let fork = store.fork_session(&first.id).unwrap();
    for id in [&copy.id, &fork.id] {
        let copied = store.all_messages(id).unwrap().remove(0);
        assert_ne!(copied.id, first.id);
        assert_eq!(copied.attachments, first.attachments);
    }

    // Files stay while any copy refers to them.
    store.delete_session(&session.id).unwrap();
    store.delete_session(&copy.id).unwrap();
    assert!(stored(&store, &own.sha256) && stored(&store, &shared.sha256));

    // Another session uses one of them; deleting the fork frees the other.
    let other = store.create_session(&config("Other")).unwrap();
    store
        .append_message(&other.id, with_files("Two", &[&shared]))
        .unwrap();
    store.delete_session(&fork.id).unwrap();
    assert!(!stored(&store, &own.sha256), "no message uses it any more");
    assert!(stored(&store, &shared.sha256));
}

#[test]
fn deleting_a_branch_frees_its_files() {
    let store = Store::open_in_memory().unwrap();
    let session = store.create_session(&config("Branches")).unwrap();
    let kept = file(&store, "kept.png", PNG_WITH_TEXT);
    let dropped = file(&store, "dropped.jpg", JPEG_WITH_GPS);
    let prompt = store
        .append_message(&session.id, with_files("Keep", &[&kept]))
        .unwrap();
    let edited = store
        .add_messages(
            Place::Beside(&prompt.id),
            vec![with_files("Edit", &[&dropped])],
        )
        .unwrap();
    assert_eq!(store.delete_branch(&edited[0].id).unwrap(), 1);
    assert!(!stored(&store, &dropped.sha256));
    assert!(stored(&store, &kept.sha256));
    assert_eq!(store.message(&prompt.id).unwrap().attachments, [kept]);
}

#[test]
fn files_never_sent_go_after_a_day_at_the_next_start() {
    let (_dir, path) = older_database(
        5,
        "INSERT INTO attachments (sha256, media_type, size, name, added_at, bytes)
         VALUES ('old', 'text/plain', 1, 'a.txt', '2020-01-01T00:00:00.000Z', x'61'),
                ('new', 'text/plain', 1, 'b.txt', '2999-01-01T00:00:00.000Z', x'62');",
    );
    let store = Store::open(&path).unwrap();
    assert!(!stored(&store, "old"));
    assert!(stored(&store, "new"));
}
