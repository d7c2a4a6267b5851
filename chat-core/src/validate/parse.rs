//! The one ingest entry point for snapshot bytes, shared by server and app.

use chrono::{DateTime, Utc};

use super::limits::{MAX_BODY_BYTES, MAX_SNAPSHOT_BYTES};
use super::{ValidationErrors, validate};
use crate::snapshot::ShareSnapshot;
use crate::totals::TotalsWarning;

/// A snapshot that passed every rule, with what its client got wrong
/// without harm (totals that differ from the messages').
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSnapshot {
    /// As posted (the client's totals included; readers use
    /// [`ShareSnapshot::totals`]).
    pub snapshot: ShareSnapshot,
    pub warnings: Vec<TotalsWarning>,
}

/// Why snapshot bytes were refused, in the order the checks run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnapshotError {
    #[error("the snapshot is {actual} bytes, more than the limit of {limit} bytes")]
    TooLarge { limit: usize, actual: usize },
    /// Within the body limit only thanks to attachments: the rest of the
    /// document is over [`MAX_SNAPSHOT_BYTES`].
    #[error(
        "the snapshot is {actual} bytes without its attachments' data, more than the limit of {limit} bytes"
    )]
    TooLargeWithoutAttachments { limit: usize, actual: usize },
    /// `path` is the JSON path of the string holding the bad bytes (empty
    /// when they are not inside a string value).
    #[error("the snapshot is not valid UTF-8 (bad byte sequence at byte {offset}{})", in_path(.path))]
    InvalidUtf8 { offset: usize, path: String },
    /// Malformed JSON or a field of the wrong type; `path` is the JSON path
    /// of the failing field (empty at the top level).
    #[error("invalid JSON{}: {message}", at_path(.path))]
    Json { path: String, message: String },
    #[error("invalid snapshot: {0}")]
    Invalid(#[from] ValidationErrors),
}

fn in_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" in {path}")
    }
}

fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    }
}

impl SnapshotError {
    /// The JSON path of the field at fault, for an error envelope's `field`.
    pub fn field(&self) -> Option<&str> {
        match self {
            SnapshotError::TooLarge { .. } | SnapshotError::TooLargeWithoutAttachments { .. } => {
                None
            }
            SnapshotError::InvalidUtf8 { path, .. } => {
                Some(path.as_str()).filter(|p| !p.is_empty())
            }
            SnapshotError::Json { path, .. } => Some(path.as_str()).filter(|p| !p.is_empty()),
            SnapshotError::Invalid(errors) => errors.field(),
        }
    }

    /// A stable machine-readable code: `too_large`, `invalid_utf8`,
    /// `invalid_json` or `invalid_snapshot`.
    pub fn code(&self) -> &'static str {
        match self {
            SnapshotError::TooLarge { .. } | SnapshotError::TooLargeWithoutAttachments { .. } => {
                "too_large"
            }
            SnapshotError::InvalidUtf8 { .. } => "invalid_utf8",
            SnapshotError::Json { .. } => "invalid_json",
            SnapshotError::Invalid(_) => "invalid_snapshot",
        }
    }
}

/// Parses and validates snapshot bytes: size first (before any work: at
/// most [`MAX_BODY_BYTES`]), then UTF-8, then JSON into [`ShareSnapshot`]
/// (unknown fields refused, except in `promptMeta` and `params`), then the
/// size without attachment data (at most [`MAX_SNAPSHOT_BYTES`]), then
/// [`validate`] against `now`.
pub fn parse_snapshot(bytes: &[u8], now: DateTime<Utc>) -> Result<ParsedSnapshot, SnapshotError> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(SnapshotError::TooLarge {
            limit: MAX_BODY_BYTES,
            actual: bytes.len(),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| SnapshotError::InvalidUtf8 {
        offset: e.valid_up_to(),
        path: invalid_utf8_path(bytes),
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let snapshot: ShareSnapshot =
        serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
    deserializer.end().map_err(|e| SnapshotError::Json {
        path: String::new(),
        message: e.to_string(),
    })?;
    objects_are_objects(text)?;
    let data_bytes: usize = snapshot
        .messages
        .iter()
        .flat_map(|message| &message.attachments)
        .map(|attachment| attachment.data.len())
        .sum();
    let without_data = bytes.len().saturating_sub(data_bytes);
    if without_data > MAX_SNAPSHOT_BYTES {
        return Err(SnapshotError::TooLargeWithoutAttachments {
            limit: MAX_SNAPSHOT_BYTES,
            actual: without_data,
        });
    }
    let warnings = validate(&snapshot, now)?;
    Ok(ParsedSnapshot { snapshot, warnings })
}

/// serde also accepts a struct written as a JSON array of its fields in
/// order (`"usage": [120, 30]`). The snapshot is stored and served verbatim,
/// so such a document would reach readers in a shape the schema does not
/// allow: refuse it, naming the first place.
fn objects_are_objects(text: &str) -> Result<(), SnapshotError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| SnapshotError::Json {
        path: String::new(),
        message: e.to_string(),
    })?;
    match array_instead_of_object(&value) {
        Some(path) => Err(SnapshotError::Json {
            path,
            message: "invalid type: sequence, expected an object".into(),
        }),
        None => Ok(()),
    }
}

/// The path of the first array where the schema has an object.
fn array_instead_of_object(root: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let array_at = |value: &Value, key: &str| value.get(key).is_some_and(Value::is_array);
    let first_array = |value: &Value, key: &str| {
        value
            .get(key)
            .and_then(Value::as_array)
            .and_then(|items| items.iter().position(Value::is_array))
    };
    if root.is_array() {
        return Some(String::new());
    }
    for key in ["modelConfig", "promptMeta"] {
        if array_at(root, key) {
            return Some(key.to_owned());
        }
    }
    if let Some(k) = root
        .get("promptMeta")
        .and_then(|meta| first_array(meta, "tools"))
    {
        return Some(format!("promptMeta.tools[{k}]"));
    }
    let messages = root.get("messages").and_then(Value::as_array)?;
    for (i, message) in messages.iter().enumerate() {
        if message.is_array() {
            return Some(format!("messages[{i}]"));
        }
        if array_at(message, "usage") {
            return Some(format!("messages[{i}].usage"));
        }
        for list in ["toolCalls", "attachments"] {
            if let Some(j) = first_array(message, list) {
                return Some(format!("messages[{i}].{list}[{j}]"));
            }
        }
    }
    None
}

/// The JSON path of the string value that holds invalid UTF-8: serde_json
/// checks UTF-8 string by string, so deserializing the raw bytes stops at
/// the first bad one. Empty when something else stops it first.
fn invalid_utf8_path(bytes: &[u8]) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, ShareSnapshot>(&mut deserializer) {
        Err(error)
            if error
                .inner()
                .to_string()
                .starts_with("invalid unicode code point") =>
        {
            match json_error(error) {
                SnapshotError::Json { path, .. } => path,
                _ => String::new(),
            }
        }
        _ => String::new(),
    }
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> SnapshotError {
    let mut path = error.path().to_string();
    if path == "." {
        path.clear();
    }
    let message = error.inner().to_string();
    // serde reports a missing field at its parent; name the field itself.
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| field)
    {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(field);
    }
    SnapshotError::Json { path, message }
}
