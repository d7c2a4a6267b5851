//! Template variables: `{{name}}` in prompts, values in a panel. The shell
//! fills them in when it builds the request; the UI finds the names to offer
//! fields for and previews the filled text — with these same functions.

use std::collections::BTreeMap;

/// The variable names used in `texts`, in order of first use, without
/// duplicates. Spaces inside the braces are allowed (`{{ name }}`).
pub fn variable_names<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for text in texts {
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                break;
            };
            let name = after[..close].trim();
            if is_name(name) && !names.iter().any(|known| known == name) {
                names.push(name.to_owned());
            }
            rest = &after[close + 2..];
        }
    }
    names
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// `text` with each `{{name}}` replaced by its value; unknown names are kept
/// as written, so a missing value is visible rather than silently empty.
pub fn fill(text: &str, variables: &BTreeMap<String, String>) -> String {
    if variables.is_empty() || !text.contains("{{") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = after[..close].trim();
        match variables.get(name) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The names in `names` that have no non-empty value.
pub fn missing<'a>(names: &'a [String], variables: &BTreeMap<String, String>) -> Vec<&'a str> {
    names
        .iter()
        .filter(|name| variables.get(*name).is_none_or(|v| v.is_empty()))
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn finds_names_once_in_order() {
        let names = variable_names(["Hi {{name}}, {{ city }}!", "{{name}} again {{x y}} {{"]);
        assert_eq!(names, ["name", "city"]);
        assert!(variable_names(["no braces", "{{}}"]).is_empty());
    }

    #[test]
    fn fills_known_and_keeps_unknown() {
        let v = vars(&[("name", "Ada"), ("city", "London")]);
        assert_eq!(
            fill("Hi {{name}} from {{ city }}", &v),
            "Hi Ada from London"
        );
        assert_eq!(fill("{{unknown}} {{name}}", &v), "{{unknown}} Ada");
        assert_eq!(fill("open {{name", &v), "open {{name");
        assert_eq!(fill("plain", &BTreeMap::new()), "plain");
        assert_eq!(
            fill(
                "Hi {{name}}, {{ name }}! {{other}} {{",
                &vars(&[("name", "Ada")])
            ),
            "Hi Ada, Ada! {{other}} {{"
        );
    }

    #[test]
    fn reports_missing_values() {
        let names = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let v = vars(&[("a", "1"), ("b", "")]);
        assert_eq!(missing(&names, &v), ["b", "c"]);
    }
}
