//! Syntax highlighting of fenced code blocks with syntect (feature
//! `highlight`): CSS classes only, never inline styles, so the page's CSP can
//! forbid inline styles and light/dark themes are plain CSS.

use std::sync::LazyLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Prefix of every class the highlighter emits (`hl-keyword`, `hl-string`,
/// and `hl-code` on the `<pre>`), so they never clash with the page's own.
pub const HIGHLIGHT_CLASS_PREFIX: &str = "hl-";

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed {
    prefix: HIGHLIGHT_CLASS_PREFIX,
};
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// Code larger than this is shown plain: highlighting cost grows with size,
/// and the public page renders on request.
const MAX_HIGHLIGHT_BYTES: usize = 128 * 1024;
/// Very long lines (minified code) make the regex engine slow; shown plain.
const MAX_HIGHLIGHT_LINE_BYTES: usize = 4 * 1024;

/// The bundled syntax definitions, decoded on first use only.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Info-string names that syntect's default set does not know by that name.
fn syntax_token(language: &str) -> &str {
    match language.to_ascii_lowercase().as_str() {
        "shell" | "console" | "zsh" | "shellsession" => "sh",
        // No TypeScript grammar in the default set; JavaScript's is close.
        "ts" | "typescript" | "tsx" | "jsx" | "mjs" | "cjs" => "js",
        "jsonc" | "json5" => "json",
        "golang" => "go",
        "python3" | "py3" => "py",
        "csharp" | "c#" => "cs",
        "objective-c" | "objc" => "m",
        _ => language,
    }
}

/// The highlighted HTML (spans with `hl-` classes, text escaped) of `code`,
/// or `None` when the language is unknown or the code too large.
pub(super) fn highlight(language: &str, code: &str) -> Option<String> {
    if code.len() > MAX_HIGHLIGHT_BYTES
        || code
            .lines()
            .any(|line| line.len() > MAX_HIGHLIGHT_LINE_BYTES)
    {
        return None;
    }
    let syntaxes: &SyntaxSet = &SYNTAXES;
    let syntax = syntaxes.find_syntax_by_token(syntax_token(language))?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// CSS for highlighted code: a light theme inside
/// `@media not all and (prefers-color-scheme: dark)` and a dark one inside
/// `@media (prefers-color-scheme: dark)`. Each theme is scoped to its scheme
/// because their selectors differ in specificity: an unscoped light rule
/// (JSON keys, strings) would win in dark mode too, dark on dark.
/// Every selector is an `hl-` class.
/// Serve it as a stylesheet (it is not cheap to build: cache it).
pub fn highlight_stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|theme| css_for_theme_with_class_style(theme, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    format!(
        "@media not all and (prefers-color-scheme: dark) {{\n{}}}\n\
         @media (prefers-color-scheme: dark) {{\n{}}}\n",
        css(LIGHT_THEME),
        css(DARK_THEME)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_prefixed_classes() {
        let html = highlight("rust", "fn main() { let s = \"<b>\"; }\n").unwrap();
        assert!(html.contains("<span class=\"hl-"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("<b>"));
        assert!(!html.contains("style="));
        for language in [
            "py", "Python", "js", "ts", "bash", "shell", "json", "c++", "go",
        ] {
            assert!(highlight(language, "x = 1\n").is_some(), "{language}");
        }
    }

    #[test]
    fn unknown_languages_and_huge_code_are_not_highlighted() {
        assert!(highlight("no-such-language", "x\n").is_none());
        assert!(highlight("rust", &"a".repeat(MAX_HIGHLIGHT_LINE_BYTES + 1)).is_none());
        assert!(highlight("rust", &"a\n".repeat(MAX_HIGHLIGHT_BYTES)).is_none());
    }

    #[test]
    fn stylesheet_has_both_themes_scoped_to_the_prefix() {
        let css = highlight_stylesheet();
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark) {")
            .unwrap();
        assert!(
            light.starts_with("@media not all and (prefers-color-scheme: dark) {"),
            "the light theme must not apply in dark mode: {light}"
        );
        assert!(light.contains(".hl-code {"), "{light}");
        assert!(dark.contains(".hl-code {"), "{dark}");
        assert!(light.contains("theme \"GitHub\"") && dark.contains("theme \"Base16 Ocean Dark\""));
        for line in css
            .lines()
            .filter(|l| l.trim_end().ends_with('{') || l.trim_end().ends_with(','))
        {
            let line = line.trim();
            assert!(
                line.starts_with(".hl-") || line.starts_with("@media"),
                "unscoped selector: {line}"
            );
        }
    }
}
