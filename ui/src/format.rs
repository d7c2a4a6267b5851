//! How numbers, money, durations and dates read in the app. The same wording
//! as the public share page (share-server's `page::format`), so a shared
//! conversation says exactly what the app said.

pub use chat_core::format::{cost, count, duration_ms, tokens, tokens_per_second};

use chrono::{DateTime, Utc};

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

/// A file's size as people read it: `865 B`, `12.3 KB`, `4 MB` (powers of
/// 1024, one decimal under 10: `1.5 KB`, `12 KB`).
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let rounded = format!("{value:.1}");
    let text = if value >= 10.0 || rounded.ends_with(".0") {
        format!("{value:.0}")
    } else {
        rounded
    };
    format!("{text} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_read_short() {
        for (bytes, text) in [
            (0, "0 B"),
            (865, "865 B"),
            (1024, "1 KB"),
            (1_536, "1.5 KB"),
            (12_595, "12 KB"),
            (10 * 1024 * 1024, "10 MB"),
            (1_468_006, "1.4 MB"),
            (3 * 1024 * 1024 * 1024, "3 GB"),
        ] {
            assert_eq!(file_size(bytes), text, "{bytes}");
        }
    }

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
