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
        "<span class=hl-k>pub fn</span> <span class=hl-f>main</span>() {\n    \
         <span class=hl-k>let</span> s = <span class=hl-s>\"a</span>\
         <span class=hl-e>\\n</span><span class=hl-s>\"</span>; \
         <span class=hl-c>// done\n</span>    \
         x <span class=hl-k>as u8</span> &gt;= <span class=hl-n>1</span>\n}\n"
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
        "{\n  <span class=hl-a>\"name\"</span>: \
         <span class=hl-s>\"a&lt;b&gt;&amp;c\"</span>,\n  \
         <span class=hl-a>\"n\"</span>: [<span class=hl-n>1</span>, \
         <span class=hl-n>true</span>, <span class=hl-n>null</span>]\n}\n"
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
        "<span class=hl-c># note\n</span><span class=hl-k>def</span> \
         <span class=hl-f>f</span>(a, b=<span class=hl-n>2</span>):\n    \
         <span class=hl-k>return</span> a <span class=hl-k>is not</span> \
         <span class=hl-n>None</span> <span class=hl-k>and</span> \
         <span class=hl-s>f\"</span>{b}<span class=hl-s>\"</span>\n"
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
        "<span class=hl-c>// a\n// b\n</span><span class=hl-k>pub const</span> \
         X: &amp;<span class=hl-k>str</span> = <span class=hl-s>\"y\"</span>;\n"
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
    let tags = regex::Regex::new("<span class=hl-[a-z]>|</span>").unwrap();
    let code = "<script>alert('x' && \"y\")</script> // <b>&amp;\n";
    let mut escaped = String::new();
    escape_text_into(&mut escaped, code);
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
        assert!(html.contains("<span class=hl-"), "{language}: {html}");
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
/// A line may hold several declarations (the print palette's do).
fn light_and_dark(name: &str) -> (Vec<String>, String) {
    let mut values: Vec<String> = crate::style::PAGE_STYLESHEET
        .split([';', '{', '}'])
        .filter_map(|declaration| declaration.trim().strip_prefix(name)?.strip_prefix(':'))
        .map(|value| value.trim().to_owned())
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
