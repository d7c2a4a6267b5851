//! Validation of share snapshots: the one set of rules the app applies before
//! it uploads and the server applies before it stores.
//!
//! [`validate`] checks a deserialized [`ShareSnapshot`] and reports *every*
//! problem it finds, each with the JSON path of the field in camelCase
//! (`messages[3].usage.outputTokens: must be ≥ 0`). [`parse_snapshot`] is the
//! ingest entry point for raw bytes: size, UTF-8, JSON shape, then
//! [`validate`]. The numbers live in [`limits`].

mod attachments;
mod document;
pub mod limits;
mod messages;
mod parse;
mod text;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_attachments;
#[cfg(test)]
mod tests_v2;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::snapshot::ShareSnapshot;
use crate::totals::TotalsWarning;

pub use parse::{ParsedSnapshot, SnapshotError, parse_snapshot};

/// One problem in a snapshot: where (a JSON path in camelCase, empty for the
/// document as a whole) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// JSON path such as `messages[3].usage.outputTokens`; empty for the whole document.
    pub path: String,
    /// What is wrong, for a person: `must be ≥ 0`.
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in a snapshot; never empty.
///
/// Displays as `path: message; path: message`, shortened after
/// [`ValidationErrors::DISPLAYED`] entries (the list itself is complete).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(transparent)]
#[error("{}", display_list(.errors))]
pub struct ValidationErrors {
    errors: Vec<FieldError>,
}

impl ValidationErrors {
    /// How many problems `Display` spells out before summarising the rest.
    pub const DISPLAYED: usize = 20;

    /// `None` when `errors` is empty (there is nothing to report).
    pub fn new(errors: Vec<FieldError>) -> Option<Self> {
        (!errors.is_empty()).then_some(Self { errors })
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Always `false`: a `ValidationErrors` holds at least one problem.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.errors.iter()
    }

    /// The path of the first problem (for an error envelope's `field`), if it
    /// names a field.
    pub fn field(&self) -> Option<&str> {
        self.errors
            .first()
            .map(|e| e.path.as_str())
            .filter(|p| !p.is_empty())
    }

    /// Whether some problem is reported at exactly `path`.
    pub fn has(&self, path: &str) -> bool {
        self.errors.iter().any(|e| e.path == path)
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

fn display_list(errors: &[FieldError]) -> String {
    let mut out = String::new();
    for (i, error) in errors.iter().take(ValidationErrors::DISPLAYED).enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&error.to_string());
    }
    if errors.len() > ValidationErrors::DISPLAYED {
        let more = errors.len() - ValidationErrors::DISPLAYED;
        out.push_str(&format!("; … and {more} more"));
    }
    out
}

/// Collects problems while the checks walk the snapshot.
#[derive(Default)]
pub(crate) struct Report {
    errors: Vec<FieldError>,
}

impl Report {
    pub(crate) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    pub(crate) fn into_result(self) -> Result<(), ValidationErrors> {
        match ValidationErrors::new(self.errors) {
            None => Ok(()),
            Some(errors) => Err(errors),
        }
    }
}

/// Checks every rule of the snapshot schema and reports every problem.
///
/// `now` is the reference time for the timestamp window and `expiresAt`; the
/// server passes its clock, tests pass a fixed time.
///
/// Returns the [`TotalsWarning`]s of a valid snapshot: the client's
/// `totalTokens`/`totalCost` are compared with the messages, not required
/// to match.
///
/// Rules, besides the sizes and counts in [`limits`]:
/// - `schemaVersion` (absent means 1) is one of
///   [`crate::ACCEPTED_SCHEMA_VERSIONS`];
/// - `title` is non-empty after trimming, has no control or bidirectional
///   formatting characters;
/// - at least one message; message ids non-empty and unique; timestamps not
///   before 2000-01-01 nor more than a day after `now`;
/// - token counts in `0..=MAX_TOKENS`, `reasoningTokens ≤ outputTokens`,
///   `cachedTokens ≤ inputTokens`; costs finite and ≥ 0; times ≥ 0 and
///   `timeToFirstTokenMs ≤ inferenceTimeMs`;
/// - `toolCalls` only on assistant messages, their ids unique in the
///   snapshot; `toolCallId` only on tool messages, naming a tool call of an
///   earlier message (tool messages without one are accepted: some providers,
///   e.g. Ollama, do not give calls ids);
/// - `modelConfig`: provider and model non-empty, `temperature` in 0..=2,
///   `topP` in 0..=1, `maxTokens` > 0;
/// - `promptMeta` keys besides the typed ones: non-empty names without
///   control characters, values within the sizes in [`limits`], no NUL;
/// - v2 message fields (`provider`, `model`, `params`, `finishReason`,
///   `error`, `replyTo`) only in a version 2 document and only on assistant
///   messages; `params` like `modelConfig` plus at most
///   [`limits::MAX_PARAMS_OTHER`] small other settings; `error` only with
///   `finishReason: "error"`; `replyTo` names an earlier user message;
/// - `attachments` (version 2, any role): at most
///   [`limits::MAX_ATTACHMENTS_PER_MESSAGE`] per message and
///   [`limits::MAX_ATTACHMENTS`] / [`limits::MAX_ATTACHMENTS_TOTAL_BYTES`]
///   in all; a file name without a path, a well-formed media type, base64
///   `data` whose length and SHA-256 are `size` and `sha256`, and for a
///   declared PNG, JPEG, WebP or GIF the matching first bytes;
/// - `totalTokens` and `totalCost`, when given, ≥ 0 (a value that differs
///   from the messages' is a warning, not an error);
/// - `expiresAt`, when present, after `now`;
/// - `maxViews`, when present, from 1 to [`limits::MAX_VIEWS`], and only in
///   a version 2 document.
pub fn validate(
    snapshot: &ShareSnapshot,
    now: DateTime<Utc>,
) -> Result<Vec<TotalsWarning>, ValidationErrors> {
    let mut report = Report::default();
    document::check(snapshot, now, &mut report);
    messages::check(&snapshot.messages, snapshot.version(), now, &mut report);
    attachments::check(&snapshot.messages, snapshot.version(), &mut report);
    document::totals(snapshot, &mut report);
    report.into_result()?;
    Ok(snapshot.totals_warnings())
}
