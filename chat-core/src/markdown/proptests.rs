//! Whatever the input, the output parses to nothing but the allowed elements
//! and attributes: no script, style, iframe, object, embed or img, no event
//! handlers, no link with a scheme other than http, https or mailto.

use proptest::prelude::*;

use super::render_markdown;
use super::tests::check_safe;

/// Pieces that hostile Markdown is made of, to be glued in any order.
const PIECES: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "script",
    "style",
    "iframe",
    "img",
    "svg",
    "object",
    "embed",
    " ",
    "\n",
    "\n\n",
    "\t",
    "=",
    "\"",
    "'",
    "`",
    "```",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "<a href=",
    " src=x",
    " onerror=alert(1)",
    " onclick=",
    "javascript:",
    "JaVaScRiPt:",
    "vbscript:",
    "data:text/html,",
    "file:",
    "java&#x09;script:",
    "&#106;",
    "&#x6A;",
    "&amp;",
    "&lt;",
    "&#0;",
    "\\",
    "*",
    "_",
    "~",
    "#",
    "- ",
    "1. ",
    "> ",
    "|",
    "|-|",
    "- [ ] ",
    "http://x",
    "https://e.x/",
    "mailto:",
    "@",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "{",
    "}",
    ":",
    "\u{0}",
    "\u{202E}",
    "é",
];

fn hostile_markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn hostile_markdown_renders_safely(src in hostile_markdown()) {
        let html = render_markdown(&src);
        prop_assert!(check_safe(&html).is_ok(), "{}", check_safe(&html).unwrap_err());
    }

    #[test]
    fn arbitrary_text_renders_safely(src in any::<String>()) {
        let html = render_markdown(&src);
        prop_assert!(check_safe(&html).is_ok(), "{}", check_safe(&html).unwrap_err());
    }

    #[test]
    fn plain_words_are_a_single_paragraph(src in "[A-Za-z0-9]{1,40}( [A-Za-z0-9]{1,10}){0,5}") {
        prop_assert_eq!(render_markdown(&src), format!("<p>{src}</p>\n"));
    }
}
