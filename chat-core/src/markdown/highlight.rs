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

use super::escape_text_into;

/// Prefix of every class the highlighter emits (`hl-k`, `hl-s`…), so they
/// never clash with the page's own.
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
                // Unquoted: the value is one of our own letters.
                self.html.push_str("<span class=");
                self.html.push_str(HIGHLIGHT_CLASS_PREFIX);
                self.html.push_str(category.class());
                self.html.push('>');
            }
            self.open = category;
        } else {
            self.html.push_str(&self.blank);
        }
        self.blank.clear();
        escape_text_into(&mut self.html, text);
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
mod tests;
