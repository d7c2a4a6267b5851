//! The page tests' share around the snapshots of `chat_core::fixtures`
//! (realistic conversations, comparisons, and hostile ones with script
//! vectors in every rendered string): the id, address and dates a share of
//! them has.

use chat_core::ShareSnapshot;
use chrono::{DateTime, TimeDelta, Utc};

pub use chat_core::fixtures::{
    CONVERSATION_ROLES, HOSTILE_VERSIONS, XSS, XSS_SHORT, comparison, comparison_of_three,
    conversation, hostile,
};

use super::ShareView;

pub const SHARE_ID: &str = "4kQ7vT2mXb9LpR3sWz8YcA";
pub const PUBLIC_URL: &str = "https://share.example.com";

/// When the share was published: the moment the fixtures are valid at.
pub fn created_at() -> DateTime<Utc> {
    chat_core::fixtures::now()
}

/// A month after [`created_at`]: 25 Dec 2026.
pub fn expires_at() -> DateTime<Utc> {
    created_at() + TimeDelta::days(30)
}

/// The page of a share of `snapshot`.
pub fn html(snapshot: &ShareSnapshot) -> String {
    super::render_share(&view(snapshot))
}

/// The Markdown download of a share of `snapshot`.
pub fn markdown(snapshot: &ShareSnapshot) -> String {
    super::render_markdown_download(&view(snapshot))
}

pub fn view(snapshot: &ShareSnapshot) -> ShareView<'_> {
    ShareView {
        share_id: SHARE_ID,
        snapshot,
        created_at: created_at(),
        expires_at: Some(expires_at()),
        public_url: PUBLIC_URL,
        protected: false,
        controls: super::PageControls::default(),
    }
}
