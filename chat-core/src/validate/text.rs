//! Checks shared by every string and number field.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::Report;

/// A required short string: an id, a name, a provider.
pub(super) fn required_text(report: &mut Report, path: &str, value: &str, max_bytes: usize) {
    if value.trim().is_empty() {
        report.push(path, "must not be empty");
    }
    if value.len() > max_bytes {
        report.push(path, too_long(max_bytes, value.len()));
    }
    if value.chars().any(char::is_control) {
        report.push(path, "must not contain control characters");
    }
}

/// A free text (content, arguments, prompt): bounded, no NUL (which neither
/// PostgreSQL text nor many tools survive).
pub(super) fn free_text(report: &mut Report, path: &str, value: &str, max_bytes: usize) {
    if value.len() > max_bytes {
        report.push(path, too_long(max_bytes, value.len()));
    }
    if value.contains('\0') {
        report.push(path, "must not contain NUL characters");
    }
}

/// Remembers `key` as the key of item `index` of `list`, or reports
/// `{list}[{index}].{name}` when an earlier item has the same one.
pub(super) fn unique_key<'a>(
    report: &mut Report,
    first: &mut HashMap<&'a str, usize>,
    (list, name): (&str, &str),
    index: usize,
    key: &'a str,
) {
    match first.entry(key) {
        Entry::Occupied(earlier) => report.push(
            format!("{list}[{index}].{name}"),
            format!(
                "must be unique: {list}[{}] has the same {name}",
                earlier.get()
            ),
        ),
        Entry::Vacant(slot) => {
            slot.insert(index);
        }
    }
}

pub(super) fn too_long(max_bytes: usize, actual: usize) -> String {
    format!("must be at most {max_bytes} bytes (got {actual})")
}

/// An integer that must lie in `0..=max`.
pub(super) fn non_negative_int(report: &mut Report, path: &str, value: i64, max: i64) {
    if value < 0 {
        report.push(path, "must be ≥ 0");
    } else if value > max {
        report.push(path, format!("must be ≤ {max}"));
    }
}

/// A float that must be finite and lie in `min..=max`.
pub(super) fn float_in_range(report: &mut Report, path: &str, value: f64, min: f64, max: f64) {
    if !value.is_finite() {
        report.push(path, "must be a finite number");
    } else if value < min {
        report.push(path, format!("must be ≥ {min}"));
    } else if value > max {
        report.push(path, format!("must be ≤ {max}"));
    }
}

/// Characters that reorder text and can disguise a title (RTL overrides and isolates).
pub(super) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A key a client chose (in `promptMeta` or `params`): like a variable name.
pub(super) fn open_key(report: &mut Report, path: &str, key: &str) {
    if key.trim().is_empty() {
        report.push(path, "the key must not be empty");
    }
    if key.len() > super::limits::MAX_NAME_BYTES {
        report.push(
            path,
            format!(
                "the key must be at most {} bytes (got {})",
                super::limits::MAX_NAME_BYTES,
                key.len()
            ),
        );
    }
    if key.chars().any(char::is_control) {
        report.push(path, "the key must not contain control characters");
    }
}

/// Whether a NUL hides in any string or key of `value`.
pub(super) fn has_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// `promptMeta.variables.name`, or `promptMeta.variables["odd key"]` when the
/// key is not a plain identifier.
pub(super) fn key_path(parent: &str, key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{parent}.{key}")
    } else {
        let quoted = serde_json::to_string(key).unwrap_or_else(|_| String::from("\"?\""));
        format!("{parent}[{quoted}]")
    }
}

/// Bytes of compact JSON that `value` serializes to, without building it.
pub(super) fn json_size<T: serde::Serialize + ?Sized>(value: &T) -> usize {
    struct ByteCounter(usize);
    impl std::io::Write for ByteCounter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = ByteCounter(0);
    // Serializing our own types to a sink that never fails cannot fail.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_quote_odd_keys() {
        assert_eq!(key_path("v", "name"), "v.name");
        assert_eq!(key_path("v", "_x1"), "v._x1");
        assert_eq!(key_path("v", "a.b"), "v[\"a.b\"]");
        assert_eq!(key_path("v", ""), "v[\"\"]");
        assert_eq!(key_path("v", "1st"), "v[\"1st\"]");
        assert_eq!(key_path("v", "say \"hi\""), "v[\"say \\\"hi\\\"\"]");
    }

    #[test]
    fn json_size_matches_serialization() {
        let value = serde_json::json!({"a": [1, 2, "three"], "é": null});
        assert_eq!(json_size(&value), serde_json::to_vec(&value).unwrap().len());
    }

    #[test]
    fn bidi_controls_are_recognised() {
        for (c, is_control) in [
            ('\u{202E}', true),
            ('\u{2066}', true),
            ('a', false),
            ('א', false),
        ] {
            assert_eq!(is_bidi_control(c), is_control, "{c:?}");
        }
    }
}
