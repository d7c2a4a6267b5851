//! Test data as the shell sends it, for the host tests: a message, a
//! session, a sidebar entry. Built from the wire shape, so a field the tests
//! do not care about takes its default.

use serde_json::json;

use crate::types::{
    AttachmentRef, MessageStatus, Role, Session, SessionSummary, ShareListItem, StoredMessage,
};

/// When every fixture was made.
const AT: &str = "2026-11-25T08:00:00Z";

/// A message of session `s1` with no content, usage or timings.
pub fn message(id: &str, position: i64, role: Role, status: MessageStatus) -> StoredMessage {
    serde_json::from_value(json!({
        "id": id, "sessionId": "s1", "position": position, "role": role, "status": status,
        "content": "", "createdAt": AT, "updatedAt": AT,
    }))
    .unwrap()
}

/// A finished answer.
pub fn answer() -> StoredMessage {
    message("m", 1, Role::Assistant, MessageStatus::Complete)
}

/// A session with the default configuration.
pub fn session(id: &str) -> Session {
    serde_json::from_value(json!({
        "id": id, "createdAt": AT, "updatedAt": AT,
    }))
    .unwrap()
}

/// A sidebar entry.
pub fn summary(id: &str) -> SessionSummary {
    serde_json::from_value(json!({
        "id": id, "title": format!("Session {id}"), "providerId": "openai", "model": "gpt-4o",
        "messageCount": 2, "createdAt": AT, "updatedAt": AT,
    }))
    .unwrap()
}

/// A stored file named `name` with hash `sha256`, typed by its name
/// (`image/png` when the name does not say).
pub fn attachment(name: &str, sha256: &str) -> AttachmentRef {
    let media_type = chat_core::attachment::media_type_for_name(name).unwrap_or("image/png");
    AttachmentRef {
        sha256: sha256.into(),
        name: name.into(),
        media_type: media_type.into(),
        size: 326,
        width: None,
        height: None,
    }
}

/// An active link `id` of session `c1`, made here, only this computer can
/// open; its server did not count its views.
pub fn share_item(id: &str) -> ShareListItem {
    serde_json::from_value(json!({
        "shareId": id, "serverUrl": "http://127.0.0.1:4000",
        "shareUrl": format!("http://127.0.0.1:4000/shared/{id}"), "sessionId": "c1",
        "title": "T", "createdAt": AT, "status": "active",
        "reach": {"kind": "thisComputer", "sentence": "Only this computer can open this link."},
    }))
    .unwrap()
}
