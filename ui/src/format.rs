//! How numbers, money, durations and dates read in the app. The same wording
//! as the public share page (share-server's `page::format`), so a shared
//! conversation says exactly what the app said.

pub use chat_core::format::{cost, count, duration_ms, file_size, tokens, tokens_per_second};

use chrono::{DateTime, Utc};

use crate::types::AttachmentRef;

/// An attached file's size, as the share page says it.
pub fn size_of(file: &AttachmentRef) -> String {
    file_size(usize::try_from(file.size).unwrap_or_default())
}

/// A UTC time as `2026-11-25 08:44`.
pub fn date_time(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// A session title from its first message: the first line, at most 48
/// characters, cut at a word when it can be.
pub fn title_from(text: &str) -> String {
    const MAX: usize = 48;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() <= MAX {
        return if line.is_empty() {
            "New chat".to_owned()
        } else {
            line.to_owned()
        };
    }
    let cut: String = line.chars().take(MAX).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > MAX / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_short() {
        let at = "2026-11-25T08:44:58.123Z".parse().unwrap();
        assert_eq!(date_time(&at), "2026-11-25 08:44");
    }

    #[test]
    fn titles_come_from_the_first_line() {
        let long = "Explain the difference between threads and async tasks in Rust please";
        for (text, title) in [
            ("\n  Hello there\nsecond", "Hello there"),
            ("   ", "New chat"),
            (long, "Explain the difference between threads and…"),
        ] {
            assert_eq!(title_from(text), title, "{text:?}");
        }
    }
}
