//! How figures read to a person — token counts, money, durations, speeds —
//! in one place, so the desktop app and the public share page say exactly
//! the same thing about the same conversation.

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

/// `part` as a whole percentage of `whole`: `48%`, `< 1%` for a sliver,
/// `None` when `whole` is not positive.
pub fn percent(part: f64, whole: f64) -> Option<String> {
    if !part.is_finite() || !whole.is_finite() || whole <= 0.0 {
        return None;
    }
    let share = part / whole * 100.0;
    Some(if share > 0.0 && share < 0.5 {
        "< 1%".to_owned()
    } else {
        format!("{share:.0}%")
    })
}

/// One sampling setting of an answer, for a person: `Temperature` `0.2`,
/// `seed` `7`, `stop` `["\n\n"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The wire name: `temperature`, `topP`, `maxTokens` or the client's own.
    pub key: String,
    /// `Temperature`, `Top-p`, `Max tokens`, or the key as given.
    pub label: String,
    pub value: String,
}

/// The settings of `params`, typed ones first (in the order of the
/// header's), then the others by name.
pub fn settings(params: &crate::GenerationParams) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut typed = |key: &str, label: &str, value: Option<String>| {
        if let Some(value) = value {
            out.push(Setting {
                key: key.to_owned(),
                label: label.to_owned(),
                value,
            });
        }
    };
    typed(
        "temperature",
        "Temperature",
        params.temperature.map(parameter),
    );
    typed("maxTokens", "Max tokens", params.max_tokens.map(count));
    typed("topP", "Top-p", params.top_p.map(parameter));
    for (key, value) in &params.other {
        out.push(Setting {
            key: key.clone(),
            label: key.clone(),
            value: setting_value(value),
        });
    }
    out
}

/// A setting's value: a string as itself, anything else as compact JSON.
pub fn setting_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A file's size in decimal units: `512 B`, `1.2 kB`, `3.4 MB`.
pub fn file_size(bytes: usize) -> String {
    const UNITS: [&str; 3] = ["kB", "MB", "GB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes() {
        assert_shown(
            file_size,
            &[
                (0, "0 B"),
                (999, "999 B"),
                (1000, "1.0 kB"),
                (1234, "1.2 kB"),
                (999_960, "1.0 MB"),
                (10 * 1024 * 1024, "10.5 MB"),
            ],
        );
    }

    /// `show(value)` is the text of each case.
    #[track_caller]
    fn assert_shown<T: Copy + std::fmt::Debug>(show: impl Fn(T) -> String, cases: &[(T, &str)]) {
        for &(value, expected) in cases {
            assert_eq!(show(value), expected, "{value:?}");
        }
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(1.0, 2.0).as_deref(), Some("50%"));
        assert_eq!(percent(0.001, 2.0).as_deref(), Some("< 1%"));
        assert_eq!(percent(0.0, 2.0).as_deref(), Some("0%"));
        assert_eq!(percent(2.0, 2.0).as_deref(), Some("100%"));
        assert_eq!(percent(1.0, 0.0), None);
        assert_eq!(percent(f64::NAN, 1.0), None);
    }

    #[test]
    fn settings_read_like_the_header() {
        let params: crate::GenerationParams = serde_json::from_str(
            r#"{"seed":7,"stop":["\n"],"user":"bob","maxTokens":2048,"temperature":0.2}"#,
        )
        .unwrap();
        let shown: Vec<(String, String)> = settings(&params)
            .into_iter()
            .map(|s| (s.label, s.value))
            .collect();
        assert_eq!(
            shown,
            [
                ("Temperature".to_owned(), "0.2".to_owned()),
                ("Max tokens".to_owned(), "2,048".to_owned()),
                ("seed".to_owned(), "7".to_owned()),
                ("stop".to_owned(), r#"["\n"]"#.to_owned()),
                ("user".to_owned(), "bob".to_owned()),
            ]
        );
    }

    #[test]
    fn counts_group_thousands() {
        assert_shown(
            count,
            &[
                (0, "0"),
                (999, "999"),
                (1_000, "1,000"),
                (1_234_567, "1,234,567"),
                (-12_345, "-12,345"),
                (i64::MIN, "-9,223,372,036,854,775,808"),
            ],
        );
        assert_shown(tokens, &[(1, "1 token"), (2_048, "2,048 tokens")]);
    }

    #[test]
    fn money_has_sensible_precision() {
        assert_shown(
            money,
            &[
                (0.0, "$0.00"),
                (0.0123, "$0.0123"),
                (0.012_345_6, "$0.0123"),
                (0.25, "$0.25"),
                (0.123_456, "$0.123"),
                (0.000_456, "$0.000456"),
                (0.000_999_9, "$0.001"),
                (0.000_000_5, "$0.0000005"),
                (0.000_000_001, "< $0.00000001"),
                (1.0, "$1.00"),
                (1.5, "$1.50"),
                (12.345_6, "$12.35"),
                (1_234.5, "$1,234.50"),
                (0.999_999, "$1.00"),
                (f64::NAN, "unknown"),
            ],
        );
        assert_eq!(cost(None), "unknown");
        assert_eq!(cost(Some(0.002_16)), "$0.00216");
    }

    #[test]
    fn durations_read_naturally() {
        assert_shown(
            duration_ms,
            &[
                (0, "0 ms"),
                (850, "850 ms"),
                (1_240, "1.24 s"),
                (12_345, "12.3 s"),
                (59_990, "1 min 00 s"),
                (125_000, "2 min 05 s"),
                (3_720_000, "1 h 02 min"),
                (-1, "unknown"),
            ],
        );
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
    fn parameters_print_as_set() {
        assert_shown(
            parameter,
            &[(0.7, "0.7"), (1.0, "1"), (f64::INFINITY, "unknown")],
        );
    }

    #[test]
    fn tokens_have_their_unit() {
        assert_shown(
            tokens,
            &[(1, "1 token"), (0, "0 tokens"), (1_024, "1,024 tokens")],
        );
    }

    #[test]
    fn rates_round_by_size() {
        assert_eq!(tokens_per_second(42.13), "42.1 tok/s");
        assert_eq!(tokens_per_second(153.4), "153 tok/s");
    }
}
