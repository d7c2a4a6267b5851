//! The one stylesheet for rendered conversations, shared by the public share
//! page and the desktop UI so both look alike.

/// CSS for messages, metadata, code blocks and the page chrome.
pub const STYLESHEET: &str = include_str!("../assets/chat.css");
