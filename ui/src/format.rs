//! How numbers, money, durations and dates read in the app. The same wording
//! as the public share page (share-server's `page::format`), so a shared
//! conversation says exactly what the app said.

pub use chat_core::format::{cost, count, duration_ms, tokens, tokens_per_second};

/// An ISO-8601 UTC timestamp (`2026-11-25T08:44:58.123Z`) as
/// `2026-11-25 08:44`; anything else as is.
pub fn date_time(iso: &str) -> String {
    match (iso.get(..10), iso.get(11..16)) {
        (Some(date), Some(time)) if iso.as_bytes().get(10) == Some(&b'T') => {
            format!("{date} {time}")
        }
        _ => iso.to_owned(),
    }
}

/// Seconds of a Share expiry choice (`never`, `1d`, `7d`, `30d`).
pub fn expiry_seconds(choice: &str) -> Option<u64> {
    const DAY: u64 = 86_400;
    match choice {
        "1d" => Some(DAY),
        "7d" => Some(7 * DAY),
        "30d" => Some(30 * DAY),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_short() {
        assert_eq!(date_time("2026-11-25T08:44:58.123Z"), "2026-11-25 08:44");
        assert_eq!(date_time("yesterday"), "yesterday");
    }

    #[test]
    fn expiry_choices_are_seconds() {
        assert_eq!(expiry_seconds("never"), None);
        assert_eq!(expiry_seconds("1d"), Some(86_400));
        assert_eq!(expiry_seconds("7d"), Some(604_800));
        assert_eq!(expiry_seconds("30d"), Some(2_592_000));
    }
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
mod title_tests {
    use super::title_from;

    #[test]
    fn titles_come_from_the_first_line() {
        assert_eq!(title_from("\n  Hello there\nsecond"), "Hello there");
        assert_eq!(title_from("   "), "New chat");
        let long = "Explain the difference between threads and async tasks in Rust please";
        assert_eq!(
            title_from(long),
            "Explain the difference between threads and…"
        );
    }
}
