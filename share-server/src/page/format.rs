//! How numbers, durations, money and dates read on the page and in the
//! Markdown download: one place, so both say the same thing.

use chrono::{DateTime, Utc};

pub use chat_core::format::{
    cost, count, duration_ms, file_size, generation_rate, money, parameter, percent,
    tokens_per_second,
};

/// `25 Nov 2026` (UTC).
pub fn date(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y").to_string()
}

/// `14:03 UTC`.
pub fn time(at: DateTime<Utc>) -> String {
    at.format("%H:%M UTC").to_string()
}

/// `25 Nov 2026, 14:03 UTC`.
pub fn date_time(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// The machine-readable form for `<time datetime>`: `2026-11-25T14:03:07Z`.
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `{"a":1}` as indented JSON, or `None` when `text` is not JSON.
///
/// Re-indents the text itself instead of going through `serde_json::Value`,
/// so keys keep the model's order and numbers their exact spelling.
pub fn pretty_json(text: &str) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// Pretty JSON when `text` is a JSON object or array (what tools return),
/// `None` for anything else, bare numbers and strings included: `42` or
/// `"ok"` read better as text.
pub fn json_document(text: &str) -> Option<String> {
    let text = text.trim();
    if text.starts_with(['{', '[']) {
        pretty_json(text)
    } else {
        None
    }
}

/// `text` as a fenced Markdown code block that nothing inside can close:
/// the fence is longer than the longest run of backticks in `text`.
pub fn fenced(language: &str, text: &str) -> String {
    let fence = "`".repeat((longest_backtick_run(text) + 1).max(3));
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{language}\n{text}{newline}{fence}\n")
}

/// The longest run of backticks in `text`: a code span or fence one
/// longer cannot be closed from inside.
pub fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_are_utc_and_human() {
        let at = Utc.with_ymd_and_hms(2026, 11, 5, 14, 3, 7).unwrap();
        assert_eq!(date(at), "5 Nov 2026");
        assert_eq!(time(at), "14:03 UTC");
        assert_eq!(date_time(at), "5 Nov 2026, 14:03 UTC");
        assert_eq!(iso(at), "2026-11-05T14:03:07Z");
    }

    #[test]
    fn fences_cannot_be_closed_from_inside() {
        assert_eq!(fenced("json", "{}"), "```json\n{}\n```\n");
        assert_eq!(fenced("", "a ``` b\n"), "````\na ``` b\n````\n");
        let html = chat_core::render_markdown(&fenced("", "```\n<b>x</b>\n```"));
        assert!(html.starts_with("<pre><code>"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }

    #[test]
    fn json_is_pretty_printed_or_refused() {
        assert_eq!(
            pretty_json(r#"{"a":[1,2]}"#).unwrap(),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
        );
        assert_eq!(
            pretty_json(r#" {"z": 1.50, "a": {}, "s": "x,\\\"{[: ", "e": [ ]} "#).unwrap(),
            "{\n  \"z\": 1.50,\n  \"a\": {},\n  \"s\": \"x,\\\\\\\"{[: \",\n  \"e\": []\n}"
        );
        assert_eq!(pretty_json("42").unwrap(), "42");
        assert!(pretty_json("{not json").is_none());
        assert!(pretty_json("{} trailing").is_none());
    }
}
