//! How numbers, durations, money and dates read on the page and in the
//! Markdown download: one place, so both say the same thing.

use chrono::{DateTime, Utc};

/// `1234567` → `1,234,567`.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A token count with its unit: `1 token`, `1,024 tokens`.
pub fn tokens(n: i64) -> String {
    if n == 1 {
        "1 token".to_owned()
    } else {
        format!("{} tokens", count(n))
    }
}

/// US dollars with as many decimals as the amount needs to say something:
/// cents from a dollar up (`$12.35`), three significant digits below
/// (`$0.25`, `$0.0123`, `$0.000456`), and a floor for dust.
pub fn money(usd: f64) -> String {
    if !usd.is_finite() {
        return "unknown".to_owned();
    }
    let (sign, usd) = if usd < 0.0 { ("-", -usd) } else { ("", usd) };
    if usd == 0.0 {
        return "$0.00".to_owned();
    }
    if usd < 0.000_000_01 {
        return format!("{sign}< $0.00000001");
    }
    if usd >= 1.0 {
        // Cents, with thousands separators on the whole dollars.
        let cents = (usd * 100.0).round();
        let dollars = (cents / 100.0).trunc();
        let rest = cents - dollars * 100.0;
        if dollars > 1e15 {
            return format!("{sign}${usd:.2e}");
        }
        return format!("{sign}${}.{:02}", count(dollars as i64), rest as i64);
    }
    // Three significant digits, at least two decimals, trailing zeros dropped.
    let magnitude = usd.log10().floor() as i32; // -1 for 0.25, -2 for 0.0123
    let decimals = (2 - magnitude).clamp(2, 8) as usize;
    let mut text = format!("{usd:.decimals$}");
    while text.ends_with('0') && text.len() > "0.00".len() {
        text.pop();
    }
    format!("{sign}${text}")
}

/// A cost that may be unknown: `None` reads `unknown`, never a made-up zero.
pub fn cost(usd: Option<f64>) -> String {
    usd.map_or_else(|| "unknown".to_owned(), money)
}

/// Milliseconds as a person would say them: `850 ms`, `1.24 s`, `12.3 s`,
/// `2 min 05 s`, `1 h 02 min`.
pub fn duration_ms(ms: i64) -> String {
    if ms < 0 {
        return "unknown".to_owned();
    }
    if ms < 1_000 {
        return format!("{ms} ms");
    }
    let seconds = ms as f64 / 1_000.0;
    if seconds < 10.0 {
        return format!("{seconds:.2} s");
    }
    if seconds < 59.95 {
        return format!("{seconds:.1} s");
    }
    let whole_seconds = (ms + 500) / 1_000;
    if whole_seconds < 3_600 {
        return format!("{} min {:02} s", whole_seconds / 60, whole_seconds % 60);
    }
    let minutes = (whole_seconds + 30) / 60;
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

/// Output speed in tokens per second: `42.1 tok/s`, `153 tok/s`.
pub fn tokens_per_second(rate: f64) -> String {
    if rate < 100.0 {
        format!("{rate:.1} tok/s")
    } else {
        format!("{rate:.0} tok/s")
    }
}

/// Output tokens per second of generation: the output tokens over the time
/// between the first token and the end (the whole inference time when the
/// time to first token is unknown). `None` when there is nothing sensible
/// to divide: no output, no time, or a first token after the end.
pub fn generation_rate(
    output_tokens: i64,
    inference_ms: Option<i64>,
    ttft_ms: Option<i64>,
) -> Option<f64> {
    let inference_ms = inference_ms?;
    let generation_ms = inference_ms.checked_sub(ttft_ms.unwrap_or(0))?;
    if output_tokens <= 0 || generation_ms <= 0 || ttft_ms.is_some_and(|t| t < 0) {
        return None;
    }
    Some(output_tokens as f64 * 1_000.0 / generation_ms as f64)
}

/// A sampling parameter as it was set: `0.7`, `1`, `0.95`.
pub fn parameter(value: f64) -> String {
    if value.is_finite() {
        // Rust prints the shortest text that reads back as the same f64.
        format!("{value}")
    } else {
        "unknown".to_owned()
    }
}

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
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{language}\n{text}{newline}{fence}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(-12_345), "-12,345");
        assert_eq!(count(i64::MIN), "-9,223,372,036,854,775,808");
        assert_eq!(tokens(1), "1 token");
        assert_eq!(tokens(2_048), "2,048 tokens");
    }

    #[test]
    fn money_has_sensible_precision() {
        assert_eq!(money(0.0), "$0.00");
        assert_eq!(money(0.0123), "$0.0123");
        assert_eq!(money(0.012_345_6), "$0.0123");
        assert_eq!(money(0.25), "$0.25");
        assert_eq!(money(0.123_456), "$0.123");
        assert_eq!(money(0.000_456), "$0.000456");
        assert_eq!(money(0.000_999_9), "$0.001");
        assert_eq!(money(0.000_000_5), "$0.0000005");
        assert_eq!(money(0.000_000_001), "< $0.00000001");
        assert_eq!(money(1.0), "$1.00");
        assert_eq!(money(1.5), "$1.50");
        assert_eq!(money(12.345_6), "$12.35");
        assert_eq!(money(1_234.5), "$1,234.50");
        assert_eq!(money(0.999_999), "$1.00");
        assert_eq!(money(f64::NAN), "unknown");
        assert_eq!(cost(None), "unknown");
        assert_eq!(cost(Some(0.002_16)), "$0.00216");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_ms(0), "0 ms");
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(1_240), "1.24 s");
        assert_eq!(duration_ms(12_345), "12.3 s");
        assert_eq!(duration_ms(59_990), "1 min 00 s");
        assert_eq!(duration_ms(125_000), "2 min 05 s");
        assert_eq!(duration_ms(3_720_000), "1 h 02 min");
        assert_eq!(duration_ms(-1), "unknown");
    }

    #[test]
    fn generation_rate_needs_time_and_tokens() {
        assert_eq!(generation_rate(100, Some(2_500), Some(500)), Some(50.0));
        assert_eq!(generation_rate(100, Some(2_000), None), Some(50.0));
        assert_eq!(generation_rate(100, None, Some(500)), None);
        assert_eq!(generation_rate(0, Some(2_000), Some(500)), None);
        assert_eq!(generation_rate(100, Some(500), Some(500)), None);
        assert_eq!(generation_rate(100, Some(400), Some(500)), None);
        assert_eq!(tokens_per_second(42.14), "42.1 tok/s");
        assert_eq!(tokens_per_second(153.4), "153 tok/s");
    }

    #[test]
    fn dates_are_utc_and_human() {
        let at = Utc.with_ymd_and_hms(2026, 11, 5, 14, 3, 7).unwrap();
        assert_eq!(date(at), "5 Nov 2026");
        assert_eq!(time(at), "14:03 UTC");
        assert_eq!(date_time(at), "5 Nov 2026, 14:03 UTC");
        assert_eq!(iso(at), "2026-11-05T14:03:07Z");
    }

    #[test]
    fn parameters_print_as_set() {
        assert_eq!(parameter(0.7), "0.7");
        assert_eq!(parameter(1.0), "1");
        assert_eq!(parameter(f64::INFINITY), "unknown");
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
