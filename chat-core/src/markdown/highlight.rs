//! Syntax highlighting of fenced code blocks (feature `highlight`): syntect
//! parses, and each token's scope stack is reduced to one of a few
//! [`Category`] values written as a flat `<span class="hl-x">`. CSS classes
//! only, never inline styles, so the page's CSP can forbid inline styles and
//! light/dark themes are plain CSS.
//!
//! Why not syntect's `ClassedHTMLGenerator`: it nests one span per scope,
//! each carrying the whole scope name as classes
//! (`<span class="hl-punctuation hl-definition hl-string hl-begin hl-json">`);
//! on a chat with JSON tool calls that was most of the page's bytes and
//! more than half of its elements, for colours a reader cannot tell apart.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::LazyLock;

use syntect::highlighting::ScopeSelectors;
use syntect::parsing::{MatchPower, ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::escape_into;

/// Prefix of every class the highlighter emits (`hl-k`, `hl-s`, and
/// `hl-code` on the `<pre>`), so they never clash with the page's own.
pub const HIGHLIGHT_CLASS_PREFIX: &str = "hl-";

/// Code larger than this is shown plain: highlighting cost grows with size,
/// and the public page renders on request.
const MAX_HIGHLIGHT_BYTES: usize = 128 * 1024;
/// Very long lines (minified code) make the regex engine slow; shown plain.
const MAX_HIGHLIGHT_LINE_BYTES: usize = 4 * 1024;

/// The bundled syntax definitions, decoded on first use only.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// What a token is, as far as its colour goes. Text in no category (plain
/// identifiers, symbolic operators, punctuation) gets no span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    Comment,
    /// Keywords, storage (`fn`, `let`, `pub`, `def`), `self`/`this`.
    Keyword,
    String,
    /// Escapes and placeholders inside strings (`\n`, `%s`).
    Escape,
    /// Numbers and named constants (`true`, `None`, `NULL`, `MAX_LEN`).
    Constant,
    /// Type and class names, built-in types.
    Type,
    /// Function names, at definition and call, and shell commands.
    Function,
    /// Markup tag names (`<div>`) and YAML keys.
    Tag,
    /// Attribute names (`href=`) and keys of JSON/JS objects.
    Attribute,
    /// Diff lines.
    Inserted,
    Deleted,
}

impl Category {
    #[cfg(test)]
    const ALL: [Category; 11] = [
        Category::Comment,
        Category::Keyword,
        Category::String,
        Category::Escape,
        Category::Constant,
        Category::Type,
        Category::Function,
        Category::Tag,
        Category::Attribute,
        Category::Inserted,
        Category::Deleted,
    ];

    /// The class after the prefix: one letter, because a code block carries
    /// hundreds of them.
    fn class(self) -> &'static str {
        match self {
            Category::Comment => "c",
            Category::Keyword => "k",
            Category::String => "s",
            Category::Escape => "e",
            Category::Constant => "n",
            Category::Type => "t",
            Category::Function => "f",
            Category::Tag => "g",
            Category::Attribute => "a",
            Category::Inserted => "i",
            Category::Deleted => "d",
        }
    }
}

/// What a rule makes of the text it matches.
#[derive(Debug, Clone, Copy)]
enum Rule {
    Colour(Category),
    /// Symbolic operators are plain: they are the most frequent tokens, and
    /// a span each would tell the reader nothing. Word operators (`and`,
    /// `not`, `as`, `new`) read as keywords.
    Operator,
}

/// Scope selectors (TextMate syntax, as in a theme) and what they make of a
/// token. As in a theme, the most specific match wins: the deepest matching
/// scope, then the longest selector. Scopes no rule names (`punctuation`,
/// `meta`, `source`) take their enclosing scope's category, so the quotes of
/// a string are part of its span and the brackets of a block are plain.
const RULES: &[(&str, Rule)] = &[
    ("comment", Rule::Colour(Category::Comment)),
    (
        "keyword, storage, variable.language",
        Rule::Colour(Category::Keyword),
    ),
    ("keyword.operator", Rule::Operator),
    (
        // `storage.type.string`: Python's `f"…"` and `b"…"` prefixes.
        "string, markup.raw, storage.type.string",
        Rule::Colour(Category::String),
    ),
    (
        "constant.character.escape, constant.other.placeholder",
        Rule::Colour(Category::Escape),
    ),
    (
        // `keyword.other.unit`: the `px` of `1px` belongs to its number.
        "constant, support.constant, variable.other.constant, keyword.other.unit, \
         markup.underline.link, meta.diff.header",
        Rule::Colour(Category::Constant),
    ),
    (
        "entity.name, entity.other.inherited-class, support.type, support.class",
        Rule::Colour(Category::Type),
    ),
    (
        "entity.name.function, support.function, variable.function, support.macro, \
         variable.annotation, punctuation.definition.annotation, meta.diff.range",
        Rule::Colour(Category::Function),
    ),
    ("entity.name.tag", Rule::Colour(Category::Tag)),
    (
        "entity.other.attribute-name, meta.object-literal.key, \
         meta.mapping.key string, meta.structure.dictionary.key string, \
         meta.object-literal.key string",
        Rule::Colour(Category::Attribute),
    ),
    (
        "markup.heading, markup.heading entity.name",
        Rule::Colour(Category::Keyword),
    ),
    ("markup.inserted", Rule::Colour(Category::Inserted)),
    ("markup.deleted", Rule::Colour(Category::Deleted)),
];

static SELECTORS: LazyLock<Vec<(ScopeSelectors, Rule)>> = LazyLock::new(|| {
    RULES
        .iter()
        .filter_map(|(selectors, rule)| Some((ScopeSelectors::from_str(selectors).ok()?, *rule)))
        .collect()
});

/// The categories of a code block's tokens. The rule for a scope stack is
/// remembered: a block has few distinct stacks and many tokens.
#[derive(Default)]
struct Classifier {
    rules: HashMap<Vec<Scope>, Option<Rule>>,
}

impl Classifier {
    /// The category of `text` under `stack`.
    fn category(&mut self, stack: &[Scope], text: &str) -> Option<Category> {
        let rule = match self.rules.get(stack) {
            Some(rule) => *rule,
            None => *self
                .rules
                .entry(stack.to_vec())
                .or_insert_with(|| rule_for(stack)),
        };
        match rule? {
            Rule::Colour(category) => Some(category),
            Rule::Operator => text
                .chars()
                .any(char::is_alphabetic)
                .then_some(Category::Keyword),
        }
    }
}

/// The rule matching `stack` most specifically (a later rule wins a tie).
fn rule_for(stack: &[Scope]) -> Option<Rule> {
    let mut best: Option<(MatchPower, Rule)> = None;
    for (selectors, rule) in SELECTORS.iter() {
        if let Some(power) = selectors.does_match(stack)
            && best.as_ref().is_none_or(|(best, _)| power >= *best)
        {
            best = Some((power, *rule));
        }
    }
    best.map(|(_, rule)| rule)
}

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

/// The highlighted HTML of `code` (text escaped, flat `hl-` spans), or `None`
/// when the language is unknown, the code too large or syntect fails.
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
    let mut parser = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut classifier = Classifier::default();
    let mut spans = Spans::with_capacity(code.len() + code.len() / 2);
    for line in LinesWithEndings::from(code) {
        let mut start = 0;
        for (index, op) in parser.parse_line(line, syntaxes).ok()? {
            if index > start {
                let text = line.get(start..index)?;
                spans.push(text, classifier.category(stack.as_slice(), text));
                start = index;
            }
            stack.apply(&op).ok()?;
        }
        let text = line.get(start..)?;
        spans.push(text, classifier.category(stack.as_slice(), text));
    }
    Some(spans.finish())
}

/// The HTML being written: at most one span open, never nested.
struct Spans {
    html: String,
    open: Option<Category>,
    /// Whitespace not yet written: it shows no colour, so it joins the span
    /// before it when the text after it has the same category.
    blank: String,
}

impl Spans {
    fn with_capacity(capacity: usize) -> Self {
        Spans {
            html: String::with_capacity(capacity),
            open: None,
            blank: String::new(),
        }
    }

    fn push(&mut self, text: &str, category: Option<Category>) {
        if text.chars().all(char::is_whitespace) {
            self.blank.push_str(text);
            return;
        }
        if category != self.open {
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            self.html.push_str(&self.blank);
            if let Some(category) = category {
                self.html.push_str("<span class=\"");
                self.html.push_str(HIGHLIGHT_CLASS_PREFIX);
                self.html.push_str(category.class());
                self.html.push_str("\">");
            }
            self.open = category;
        } else {
            self.html.push_str(&self.blank);
        }
        self.blank.clear();
        escape_into(&mut self.html, text);
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html.push_str(&self.blank);
        self.html
    }
}

/// CSS for highlighted code: one rule per category for a light theme inside
/// `@media not all and (prefers-color-scheme: dark)` and one for a dark
/// theme inside `@media (prefers-color-scheme: dark)`, every selector an
/// `hl-` class (the desktop UI rewrites both blocks to follow its own theme
/// switch). Text outside the categories keeps the `<pre>`'s colour.
///
/// The colours follow GitHub's (Primer) palette. WCAG contrast, worst case
/// over the backgrounds code sits on in chat.css (code block, surfaces,
/// tool call, tool result, print), all above AA's 4.5:1 (checked by a test):
///
/// | class | light   | ratio ≥ | dark    | ratio ≥ |
/// |-------|---------|---------|---------|---------|
/// | c     | #57606a | 5.8     | #8b949e | 5.2     |
/// | k     | #cf222e | 4.9     | #ff7b72 | 6.4     |
/// | s     | #0a3069 | 11.6    | #a5d6ff | 10.5    |
/// | e     | #116329 | 6.7     | #7ee787 | 10.5    |
/// | n     | #0550ae | 6.9     | #79c0ff | 8.3     |
/// | t     | #953800 | 6.7     | #ffa657 | 8.3     |
/// | f     | #8250df | 4.6     | #d2a8ff | 8.3     |
/// | g     | #116329 | 6.7     | #7ee787 | 10.5    |
/// | a     | #0550ae | 6.9     | #79c0ff | 8.3     |
/// | i     | #116329 | 6.7     | #7ee787 | 10.5    |
/// | d     | #82071e | 9.6     | #ffa198 | 8.3     |
///
/// (light on #f6f8fa, #ffffff, #f3f4f7, #f8f6ff, #fffaf1; dark on #11141a,
/// #171a20, #1d2129, #1b1830, #1f1a12.) Some categories share a colour, as
/// on GitHub (JSON keys and numbers are both blue); their classes still
/// differ, for a theme that wants them apart.
pub fn highlight_stylesheet() -> String {
    STYLESHEET.to_owned()
}

const STYLESHEET: &str = "\
@media not all and (prefers-color-scheme: dark) {
.hl-c {
  color: #57606a;
}
.hl-k {
  color: #cf222e;
}
.hl-s {
  color: #0a3069;
}
.hl-e {
  color: #116329;
}
.hl-n {
  color: #0550ae;
}
.hl-t {
  color: #953800;
}
.hl-f {
  color: #8250df;
}
.hl-g {
  color: #116329;
}
.hl-a {
  color: #0550ae;
}
.hl-i {
  color: #116329;
}
.hl-d {
  color: #82071e;
}
}
@media (prefers-color-scheme: dark) {
.hl-c {
  color: #8b949e;
}
.hl-k {
  color: #ff7b72;
}
.hl-s {
  color: #a5d6ff;
}
.hl-e {
  color: #7ee787;
}
.hl-n {
  color: #79c0ff;
}
.hl-t {
  color: #ffa657;
}
.hl-f {
  color: #d2a8ff;
}
.hl-g {
  color: #7ee787;
}
.hl-a {
  color: #79c0ff;
}
.hl-i {
  color: #7ee787;
}
.hl-d {
  color: #ffa198;
}
}
";

#[cfg(test)]
mod tests {
    use scraper::{ElementRef, Html, Node};

    use super::*;

    /// Code in the languages chats use most, with comments, strings,
    /// escapes, markup and diff lines.
    const SAMPLES: &[(&str, &str)] = &[
        (
            "rust",
            "/// Doc <T>.\npub fn main(x: u32) -> Result<(), E> {\n    let s = \"a\\n<b>\"; // c\n    \
             if x > 1 && true { Foo::bar(&s)?; }\n    println!(\"{}\", self.x as i64);\n}\n",
        ),
        (
            "json",
            "{\n  \"a\": \"b & c\",\n  \"n\": [1, -2.5e3, true, null],\n  \"o\": {\"k\": \"\\\"\"}\n}\n",
        ),
        (
            "python",
            "import os\n# c\n@dataclass\nclass C(Base):\n    def m(self, a=2):\n        \"\"\"Doc.\"\"\"\n        \
             return not a and f\"x{a}\" + 'y\\n' if a is None else print(len(a))\n",
        ),
        (
            "bash",
            "chmod +x deploy.sh && ./deploy.sh --env=prod\necho \"$HOME\" ${X} # c\nfor f in *.sh; do echo $f; done\n",
        ),
        (
            "sql",
            "SELECT id FROM users WHERE id = 1 AND name LIKE 'a%'; -- c\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n",
        ),
        (
            "js",
            "const a = { b: 1, 'c': \"d\" }; // c\nfunction f(x) { return typeof this.x + `t${x}`; }\n",
        ),
        (
            "html",
            "<div class=\"a\" id=x><!-- c --><p>&amp; t</p></div>\n",
        ),
        ("yaml", "key: value\nlist:\n  - 1\n  - \"s\" # c\n"),
        (
            "diff",
            "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-old\n+new\n ctx\n",
        ),
        ("css", ".a > #b { color: red; margin: 0 1px; }\n"),
        (
            "go",
            "package main\nfunc main() { x := 1; fmt.Println(\"a\", x, nil) }\n",
        ),
        (
            "c",
            "#include <stdio.h>\nint main(void) { return sizeof(int); }\n",
        ),
        (
            "markdown",
            "# Title\nSome *em* and `code` and [l](http://x).\n",
        ),
    ];

    fn classes() -> Vec<String> {
        Category::ALL
            .iter()
            .map(|category| format!("{HIGHLIGHT_CLASS_PREFIX}{}", category.class()))
            .collect()
    }

    /// The highlighted `html` as pieces of `(class, text)`, text outside a
    /// span with no class; panics on anything but text and flat spans.
    fn pieces(html: &str) -> Vec<(String, String)> {
        let fragment = Html::parse_fragment(html);
        let mut pieces = Vec::new();
        for child in fragment.root_element().children() {
            match child.value() {
                Node::Text(text) => pieces.push((String::new(), text.to_string())),
                Node::Element(element) => {
                    assert_eq!(element.name(), "span", "{html}");
                    assert_eq!(element.attrs().count(), 1, "{html}");
                    let span = ElementRef::wrap(child).unwrap();
                    assert!(
                        span.children().all(|node| node.value().is_text()),
                        "nested element in {html}"
                    );
                    let class = element.attr("class").unwrap().to_owned();
                    pieces.push((class, span.text().collect()));
                }
                other => panic!("unexpected {other:?} in {html}"),
            }
        }
        pieces
    }

    #[test]
    fn rust_tokens_get_their_categories() {
        assert_eq!(
            highlight(
                "rust",
                "pub fn main() {\n    let s = \"a\\n\"; // done\n    x as u8 >= 1\n}\n"
            )
            .unwrap(),
            "<span class=\"hl-k\">pub fn</span> <span class=\"hl-f\">main</span>() {\n    \
             <span class=\"hl-k\">let</span> s = <span class=\"hl-s\">&quot;a</span>\
             <span class=\"hl-e\">\\n</span><span class=\"hl-s\">&quot;</span>; \
             <span class=\"hl-c\">// done\n</span>    \
             x <span class=\"hl-k\">as u8</span> &gt;= <span class=\"hl-n\">1</span>\n}\n"
        );
    }

    #[test]
    fn json_keys_and_values_get_their_categories() {
        assert_eq!(
            highlight(
                "json",
                "{\n  \"name\": \"a<b>&c\",\n  \"n\": [1, true, null]\n}\n"
            )
            .unwrap(),
            "{\n  <span class=\"hl-a\">&quot;name&quot;</span>: \
             <span class=\"hl-s\">&quot;a&lt;b&gt;&amp;c&quot;</span>,\n  \
             <span class=\"hl-a\">&quot;n&quot;</span>: [<span class=\"hl-n\">1</span>, \
             <span class=\"hl-n\">true</span>, <span class=\"hl-n\">null</span>]\n}\n"
        );
    }

    #[test]
    fn python_tokens_get_their_categories() {
        assert_eq!(
            highlight(
                "python",
                "# note\ndef f(a, b=2):\n    return a is not None and f\"{b}\"\n"
            )
            .unwrap(),
            "<span class=\"hl-c\"># note\n</span><span class=\"hl-k\">def</span> \
             <span class=\"hl-f\">f</span>(a, b=<span class=\"hl-n\">2</span>):\n    \
             <span class=\"hl-k\">return</span> a <span class=\"hl-k\">is not</span> \
             <span class=\"hl-n\">None</span> <span class=\"hl-k\">and</span> \
             <span class=\"hl-s\">f&quot;</span>{b}<span class=\"hl-s\">&quot;</span>\n"
        );
    }

    #[test]
    fn markup_and_diffs_get_their_categories() {
        let html = highlight("html", "<a href=\"x\"><!-- c --></a>\n").unwrap();
        assert_eq!(
            pieces(&html),
            [
                ("", "<"),
                ("hl-g", "a"),
                ("", " "),
                ("hl-a", "href"),
                ("", "="),
                ("hl-s", "\"x\""),
                ("", ">"),
                ("hl-c", "<!-- c -->"),
                ("", "</"),
                ("hl-g", "a"),
                ("", ">\n"),
            ]
            .map(|(class, text)| (class.to_owned(), text.to_owned()))
        );
        let html = highlight("diff", "@@ -1 +1 @@\n-old\n+new\n same\n").unwrap();
        assert_eq!(
            pieces(&html),
            [
                ("hl-f", "@@ -1 +1 @@"),
                ("", "\n"),
                ("hl-d", "-old\n"),
                ("hl-i", "+new\n"),
                ("", " same\n"),
            ]
            .map(|(class, text)| (class.to_owned(), text.to_owned()))
        );
    }

    #[test]
    fn adjacent_tokens_of_a_category_share_one_span() {
        // Two comment lines; keywords apart only by a space; a string's
        // quotes and its text.
        assert_eq!(
            highlight("rust", "// a\n// b\npub const X: &str = \"y\";\n").unwrap(),
            "<span class=\"hl-c\">// a\n// b\n</span><span class=\"hl-k\">pub const</span> \
             X: &amp;<span class=\"hl-k\">str</span> = <span class=\"hl-s\">&quot;y&quot;</span>;\n"
        );
    }

    #[test]
    fn spans_are_flat_short_and_cover_the_code_exactly() {
        let classes = classes();
        for (language, code) in SAMPLES {
            let html = highlight(language, code).unwrap_or_else(|| panic!("{language}"));
            let pieces = pieces(&html);
            let text: String = pieces.iter().map(|(_, text)| text.as_str()).collect();
            assert_eq!(text, *code, "{language}: the text must survive as is");
            assert!(
                pieces.iter().any(|(class, _)| !class.is_empty()),
                "{language}: nothing highlighted in {html}"
            );
            for (class, text) in &pieces {
                assert!(
                    class.is_empty() || classes.contains(class),
                    "{language}: class {class:?} in {html}"
                );
                assert!(!text.is_empty(), "{language}: empty piece in {html}");
            }
            // Merged: two spans of one class never meet, nor with only
            // whitespace between them.
            let mut previous: Option<&str> = None;
            for (class, text) in &pieces {
                if class.is_empty() {
                    if !text.chars().all(char::is_whitespace) {
                        previous = None;
                    }
                } else {
                    assert_ne!(previous, Some(class.as_str()), "{language}: {html}");
                    previous = Some(class);
                }
            }
        }
    }

    #[test]
    fn code_is_escaped_like_the_rest_of_the_page() {
        let tags = regex::Regex::new("<span class=\"hl-[a-z]\">|</span>").unwrap();
        let code = "<script>alert('x' && \"y\")</script> // <b>&amp;\n";
        let mut escaped = String::new();
        escape_into(&mut escaped, code);
        for language in [
            "rust", "python", "js", "html", "json", "bash", "sql", "diff",
        ] {
            let html = highlight(language, code).unwrap();
            assert_eq!(tags.replace_all(&html, ""), escaped, "{language}: {html}");
            assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
        }
    }

    #[test]
    fn known_languages_and_aliases_are_highlighted() {
        for language in [
            "py", "Python", "js", "ts", "bash", "shell", "json", "c++", "go", "yaml",
        ] {
            let html = highlight(language, "x = \"1\"\n").unwrap_or_else(|| panic!("{language}"));
            assert!(html.contains("<span class=\"hl-"), "{language}: {html}");
            assert!(!html.contains("style="));
        }
    }

    #[test]
    fn unknown_languages_and_huge_code_are_not_highlighted() {
        assert!(highlight("no-such-language", "x\n").is_none());
        assert!(highlight("rust", &"a".repeat(MAX_HIGHLIGHT_LINE_BYTES + 1)).is_none());
        assert!(highlight("rust", &"a\n".repeat(MAX_HIGHLIGHT_BYTES)).is_none());
    }

    #[test]
    fn every_rule_parses() {
        assert_eq!(SELECTORS.len(), RULES.len());
        let mut classes = classes();
        classes.sort();
        classes.dedup();
        assert_eq!(classes.len(), Category::ALL.len(), "classes must differ");
    }

    /// The stylesheet's two blocks, light then dark.
    fn theme_blocks(css: &str) -> (&str, &str) {
        let (light, dark) = css
            .split_once("}\n@media (prefers-color-scheme: dark) {\n")
            .unwrap();
        let light = light
            .strip_prefix("@media not all and (prefers-color-scheme: dark) {\n")
            .unwrap_or_else(|| panic!("the light theme must not apply in dark mode: {light}"));
        (light, dark.strip_suffix("}\n").unwrap())
    }

    /// `(selector, colour)` of each rule of a theme block.
    fn rules(block: &str) -> Vec<(&str, &str)> {
        let lines: Vec<&str> = block.lines().collect();
        assert_eq!(lines.len() % 3, 0, "{block}");
        lines
            .chunks(3)
            .map(|rule| {
                let selector = rule[0].strip_suffix(" {").unwrap();
                let colour = rule[1].strip_prefix("  color: ").unwrap();
                assert_eq!(rule[2], "}", "{block}");
                (selector, colour.strip_suffix(';').unwrap())
            })
            .collect()
    }

    #[test]
    fn stylesheet_has_one_rule_per_category_in_each_theme() {
        let css = highlight_stylesheet();
        let (light, dark) = theme_blocks(&css);
        let expected: Vec<String> = classes().iter().map(|class| format!(".{class}")).collect();
        for block in [light, dark] {
            let selectors: Vec<&str> = rules(block).iter().map(|(selector, _)| *selector).collect();
            assert_eq!(selectors, expected, "{block}");
        }
    }

    /// WCAG 2 relative luminance of `#rrggbb` or `#rgb`.
    fn luminance(colour: &str) -> f64 {
        let hex = colour.strip_prefix('#').unwrap();
        let hex: String = match hex.len() {
            6 => hex.to_owned(),
            3 => hex.chars().flat_map(|c| [c, c]).collect(),
            _ => panic!("{colour}"),
        };
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// The values of a chat.css variable in file order: the light one, the
    /// dark one, then the print one if any (white paper, light palette).
    fn light_and_dark(name: &str) -> (Vec<String>, String) {
        let mut values: Vec<String> = crate::style::STYLESHEET
            .lines()
            .filter_map(|line| line.trim().strip_prefix(name)?.strip_prefix(':'))
            .map(|value| value.trim().trim_end_matches(';').to_owned())
            .collect();
        assert!((2..=3).contains(&values.len()), "{name}: {values:?}");
        let dark = values.remove(1);
        (values, dark)
    }

    #[test]
    fn colours_meet_wcag_aa_on_every_code_background() {
        assert!((contrast("#000000", "#fff") - 21.0).abs() < 1e-9);
        let css = highlight_stylesheet();
        let (light, dark) = theme_blocks(&css);
        // Code blocks, tool results, tool-call arguments (transparent over
        // the call's background), and the page's other surfaces.
        for variable in [
            "--pl-code-bg",
            "--pl-surface",
            "--pl-surface-2",
            "--pl-call-bg",
            "--pl-tool-bg",
        ] {
            let (light_backgrounds, dark_background) = light_and_dark(variable);
            let backgrounds = light_backgrounds
                .iter()
                .map(|background| (light, background))
                .chain([(dark, &dark_background)]);
            for (block, background) in backgrounds {
                for (selector, colour) in rules(block) {
                    let ratio = contrast(colour, background);
                    assert!(
                        ratio >= 4.5,
                        "{selector} {colour} on {variable} {background}: {ratio:.2}"
                    );
                }
            }
        }
    }
}
