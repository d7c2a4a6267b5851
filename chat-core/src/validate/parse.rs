//! The one ingest entry point for snapshot bytes, shared by server and app.

use chrono::{DateTime, Utc};

use super::limits::MAX_SNAPSHOT_BYTES;
use super::{ValidationErrors, validate};
use crate::snapshot::ShareSnapshot;

/// Why snapshot bytes were refused, in the order the checks run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnapshotError {
    #[error("the snapshot is {actual} bytes, more than the limit of {limit} bytes")]
    TooLarge { limit: usize, actual: usize },
    #[error("the snapshot is not valid UTF-8 (bad byte sequence at byte {offset})")]
    InvalidUtf8 { offset: usize },
    /// Malformed JSON or a field of the wrong type; `path` is the JSON path
    /// of the failing field (empty at the top level).
    #[error("invalid JSON{}: {message}", at_path(.path))]
    Json { path: String, message: String },
    #[error("invalid snapshot: {0}")]
    Invalid(#[from] ValidationErrors),
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
            SnapshotError::TooLarge { .. } | SnapshotError::InvalidUtf8 { .. } => None,
            SnapshotError::Json { path, .. } => Some(path.as_str()).filter(|p| !p.is_empty()),
            SnapshotError::Invalid(errors) => errors.field(),
        }
    }

    /// A stable machine-readable code: `too_large`, `invalid_utf8`,
    /// `invalid_json` or `invalid_snapshot`.
    pub fn code(&self) -> &'static str {
        match self {
            SnapshotError::TooLarge { .. } => "too_large",
            SnapshotError::InvalidUtf8 { .. } => "invalid_utf8",
            SnapshotError::Json { .. } => "invalid_json",
            SnapshotError::Invalid(_) => "invalid_snapshot",
        }
    }
}

/// Parses and validates snapshot bytes: size first (before any work), then
/// UTF-8, then JSON into [`ShareSnapshot`] (unknown fields refused), then
/// [`validate`] against `now`.
pub fn parse_snapshot(bytes: &[u8], now: DateTime<Utc>) -> Result<ShareSnapshot, SnapshotError> {
    if bytes.len() > MAX_SNAPSHOT_BYTES {
        return Err(SnapshotError::TooLarge {
            limit: MAX_SNAPSHOT_BYTES,
            actual: bytes.len(),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| SnapshotError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let snapshot: ShareSnapshot =
        serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
    deserializer.end().map_err(|e| SnapshotError::Json {
        path: String::new(),
        message: e.to_string(),
    })?;
    validate(&snapshot, now)?;
    Ok(snapshot)
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
